"""The project canvas the initiator fills in before the utvecklingsråd, as a plain document model.

Seed 004 names the canvas but does not show it: its fields are built from the seed's text (need, target
group, desired result and benefit, scope in time and cost, follow-up, proposed owner, resources, risks).
The need page writes the first of them and its self-checks; the canvas page the rest. Field titles are
Swedish: validation messages name fields by them.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from nyttolib.assessment.model import MAX_ROWS, Amount, Hours, Record, Reference, ShortText, Text

DOCUMENT_TYPE = "nyttolib.canvas"
SCHEMA_VERSION = 1
Answer = Literal["ja", "nej"]


class Canvas(Record):
    document_type: Literal["nyttolib.canvas"] = Field(DOCUMENT_TYPE, title="Dokumenttyp")
    schema_version: Literal[1] = Field(SCHEMA_VERSION, title="Schemaversion")
    name: ShortText = Field("", title="Projektets namn")
    initiator: ShortText = Field("", title="Initiativtagare")
    department: ShortText = Field("", title="Verksamhet")
    date: dt.date | None = Field(None, title="Datum")
    need: Text = Field("", title="Behov")
    target_group: ShortText = Field("", title="Målgrupp")
    desired_result: Text = Field("", title="Önskat resultat")
    benefit: Text = Field("", title="Förväntad nytta")
    start_date: dt.date | None = Field(None, title="Tänkt start")
    end_date: dt.date | None = Field(None, title="Tänkt slut")
    estimated_hours: Hours | None = Field(None, title="Uppskattad arbetsinsats (timmar)")
    cost_kr: Amount | None = Field(None, title="Uppskattad kostnad (kr)")
    follow_up: Text = Field("", title="Hur följs det upp?")
    proposed_owner: ShortText = Field("", title="Föreslagen projektägare")
    resources: Text = Field("", title="Resurser som behövs")
    risks: Text = Field("", title="Risker")
    # The need page's self-checks, by the ids of need.yaml: the risks of solution-first thinking and
    # the three criteria of a project, each answered ja or nej.
    solution_risks: dict[Reference, Answer] = Field(default_factory=dict, max_length=MAX_ROWS, title="Lösning först")
    project_criteria: dict[Reference, Answer] = Field(
        default_factory=dict, max_length=MAX_ROWS, title="Är det ett projekt?"
    )
    submitted_on: dt.date | None = Field(None, title="Skickad till utvecklingsrådet")


#: The fields a user types in (the canvas page shows them; canvas.yaml labels them).
TEXT_FIELDS = ("name", "initiator", "department", "need", "target_group", "desired_result", "benefit")
TEXT_FIELDS += ("follow_up", "proposed_owner", "resources", "risks")
DATE_FIELDS = ("date", "start_date", "end_date")
NUMBER_FIELDS = ("estimated_hours", "cost_kr")
MULTILINE = frozenset({"need", "desired_result", "benefit", "follow_up", "resources", "risks"})
INPUT_FIELDS = (*TEXT_FIELDS, *DATE_FIELDS, *NUMBER_FIELDS)


def rule_problems(canvas: Canvas) -> dict[str, str]:
    """Rules between fields, shown at the field (never refused: a saved canvas always opens)."""
    problems = {}
    if canvas.start_date and canvas.end_date and canvas.end_date < canvas.start_date:
        problems["end_date"] = "Slutet kan inte ligga före starten."
    return problems


def missing_required(canvas: Canvas, required: list[str]) -> list[str]:
    """The required fields (canvas.yaml) still empty: the canvas is not ready to send without them."""
    return [name for name in required if getattr(canvas, name) in ("", None) or not str(getattr(canvas, name)).strip()]
