"""Bring saved documents of older schema versions up to the current one.

Version 1 was the first draft format: each prerequisite answer was a boolean (true = JA) and the
calculation had a single hourly rate (`hourly_rate_kr`). Version 2 names answers "ja"/"nej" and keeps
one rate per kind (intern, inköpt). Version 3 added the measurement interval of a plan item and the
plan's indicator contributions. Each step takes a JSON dict of version N and returns version N+1;
the input is never modified.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from nyttolib.assessment.model import SCHEMA_VERSION


class NewerSchemaError(ValueError):
    """The document was written by a newer nyttolib than this one."""


def _v1_to_v2(document: dict[str, Any]) -> dict[str, Any]:
    """Only what has the version-1 shape is converted; anything else is left for validation to name."""
    prerequisites = document.get("prerequisites")
    for answer in prerequisites.values() if isinstance(prerequisites, dict) else []:
        if isinstance(answer, dict) and isinstance(answer.get("answer"), bool):
            answer["answer"] = "ja" if answer["answer"] else "nej"
    calculation = document.get("calculation")
    if isinstance(calculation, dict) and "hourly_rate_kr" in calculation:
        rates = calculation.get("hourly_rates", {})
        if isinstance(rates, dict):
            rate = calculation.pop("hourly_rate_kr")
            if rate is not None:
                calculation["hourly_rates"] = {**rates, "intern": rate}
    document["schema_version"] = 2
    return document


def _v2_to_v3(document: dict[str, Any]) -> dict[str, Any]:
    """Version 3 added how often a plan's benefit is measured and the indicator contributions; both are
    empty in an older document (the register reads the interval from the plan's text until it is set)."""
    document["schema_version"] = 3
    return document


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2, 2: _v2_to_v3}


def migrate(document: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Return the document at the current schema version and the version it was read at."""
    version = document.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError("Schemaversionen saknas eller är ogiltig")
    if version > SCHEMA_VERSION:
        raise NewerSchemaError(
            f"Dokumentet är sparat med schemaversion {version}, men den här versionen av nyttolib "
            f"kan läsa upp till version {SCHEMA_VERSION}. Uppdatera nyttolib för att öppna det."
        )
    original = version
    migrated = copy.deepcopy(document) if version < SCHEMA_VERSION else document
    while version < SCHEMA_VERSION:
        migrated = MIGRATIONS[version](migrated)
        version = migrated["schema_version"]
    return migrated, original
