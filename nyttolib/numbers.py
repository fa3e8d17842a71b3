"""Numbers as Swedes type them: "1 234,5", "13400", "0,9", "450 kr" – parsed without guessing."""

from __future__ import annotations

import re

_NUMBER = re.compile(r"^[+-]?(\d+|\d{1,3}( \d{3})+)([.,]\d+)?$")


def parse_number(text: str, *, unit: str = "") -> float | None:
    """The number in `text`, None for an empty field; raises ValueError with a Swedish message."""
    cleaned = text.strip().replace("\u00a0", " ").replace("\u202f", " ").replace("\u2212", "-")
    if unit and cleaned.lower().endswith(unit.lower()):
        cleaned = cleaned[: -len(unit)].strip()
    if not cleaned:
        return None
    if not _NUMBER.match(cleaned):
        raise ValueError("Skriv ett tal, t.ex. 450 eller 0,5")
    return float(cleaned.replace(" ", "").replace(",", "."))


def format_input(value: float | None) -> str:
    """A number as it is shown in an input: no grouping, decimal comma, no needless decimals."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".").replace(".", ",")
