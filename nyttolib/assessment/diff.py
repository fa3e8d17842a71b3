"""What changed between two revisions of an assessment, field by field, named as the form names them.

Pure: two documents in, a list of changes out. Rows of a table are matched by their id, so removing
row 1 of three reads "rad 1 borttagen", not as every later row changed. A change is located in the
newer document (a removed row in the older one), and carries both JSON values, so that applying the
new values to the older document gives the newer one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from nyttolib import formatting as fmt
from nyttolib.assessment.model import Assessment
from nyttolib.assessment.validation import _inner_model, _key_labels
from nyttolib.content import Content

Kind = Literal["changed", "added", "removed"]
# Bookkeeping the user never sees or types.
_IGNORED = {("document_type",), ("schema_version",), ("id",)}
_PER_YEAR = {"values", "ramp_percent"}
# Dicts keyed by content ids (criteria, axes, rates, questions).
_KEYED = {("prerequisites",), ("classification",), ("calculation", "hourly_rates")}
_KEYED_FIELDS = {"answers", "seven_questions"}
_NAME_FIELDS = ("description", "activity", "risk", "source", "unit")
_SHORT = 80


@dataclass(frozen=True)
class Change:
    kind: Kind
    loc: tuple[Any, ...]
    old: Any
    new: Any
    text: str

    def __str__(self) -> str:
        return self.text


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _same(old: Any, new: Any) -> bool:
    if _empty(old) and _empty(new):
        return True
    if isinstance(old, bool) or isinstance(new, bool):
        return old is new
    return old == new


class _Differ:
    def __init__(self, old: dict, new: dict, content: Content):
        self.old, self.new, self.content = old, new, content
        self.texts = content.texts.history
        self.keys = _key_labels(content)
        self.changes: list[Change] = []
        self.moved: dict[tuple[Any, ...], int] = {}  # a row's place in the newer document → its place before

    # -- walking --------------------------------------------------------------------------------

    def compare(self, old: Any, new: Any, loc: tuple[Any, ...], old_loc: tuple[Any, ...]) -> None:
        if loc in _IGNORED or (loc and loc[-1] == "id" and len(loc) > 1 and isinstance(loc[-2], int)):
            return
        if isinstance(old, dict) or isinstance(new, dict):
            old_map, new_map = old or {}, new or {}
            keys = [*new_map, *(k for k in old_map if k not in new_map)]
            if loc in _KEYED or (loc and loc[-1] in _KEYED_FIELDS):
                order = {key: index for index, key in enumerate(self.keys)}
                keys.sort(key=lambda k: order.get(k, len(order)))  # the content's order, as the form shows them
            for key in keys:
                self.compare(old_map.get(key), new_map.get(key), (*loc, key), (*old_loc, key))
        elif isinstance(old, list) or isinstance(new, list):
            self.compare_lists(old or [], new or [], loc, old_loc)
        elif not _same(old, new):
            self.add("changed", loc, old, new, old_loc)

    def compare_lists(self, old: list, new: list, loc: tuple[Any, ...], old_loc: tuple[Any, ...]) -> None:
        rows = [x for x in [*old, *new] if isinstance(x, dict)]
        if rows and all("id" in row for row in rows):
            old_index = {row["id"]: index for index, row in enumerate(old)}
            new_ids = {row["id"] for row in new}
            for index, row in enumerate(old):
                if row["id"] not in new_ids:
                    self.add("removed", (*old_loc, index), row, None, (*old_loc, index))
            for index, row in enumerate(new):
                if row["id"] in old_index:
                    before = old_index[row["id"]]
                    if before != index:
                        self.moved[(*loc, index)] = before
                    self.compare(old[before], row, (*loc, index), (*old_loc, before))
                else:
                    self.add("added", (*loc, index), None, row, (*loc, index))
            return
        for index in range(max(len(old), len(new))):
            before = old[index] if index < len(old) else None
            after = new[index] if index < len(new) else None
            if isinstance(before, dict) or isinstance(after, dict):
                if before is None:
                    self.add("added", (*loc, index), None, after, (*loc, index))
                elif after is None:
                    self.add("removed", (*old_loc, index), before, None, (*old_loc, index))
                else:
                    self.compare(before, after, (*loc, index), (*old_loc, index))
            elif not _same(before, after):
                self.add("changed", (*loc, index), before, after, (*old_loc, index))

    # -- words ----------------------------------------------------------------------------------

    def add(self, kind: Kind, loc: tuple[Any, ...], old: Any, new: Any, old_loc: tuple[Any, ...]) -> None:
        document = self.old if kind == "removed" else self.new
        where = self.where(loc, document)
        if kind == "changed":
            text = self.texts.change.format(
                where=where, old=self.value(old, old_loc, self.old), new=self.value(new, loc, self.new)
            )
        else:
            name = self.row_name(old if kind == "removed" else new, document)
            template = self.texts.row_added if kind == "added" else self.texts.row_removed
            text = template.format(where=where, name=f": {name}" if name else "")
        self.changes.append(Change(kind, loc, old, new, text))

    def where(self, loc: tuple[Any, ...], document: dict) -> str:
        """'Nyttokalkyl → Kostnader → rad 2 → Belopp 2023 (kr)': the path in the form's words."""
        current: type[BaseModel] | None = Assessment
        parts: list[str] = []
        for position, part in enumerate(loc):
            previous = loc[position - 1] if position else None
            if isinstance(part, int) and previous in _PER_YEAR:
                parts[-1] = self.per_year_label(loc[:position], part, document)
            elif isinstance(part, int):
                before = self.moved.get(loc[: position + 1]) if document is self.new else None
                if before is None:
                    parts.append(self.texts.row.format(number=part + 1))
                else:
                    parts.append(self.texts.moved_row.format(number=part + 1, before=before + 1))
            elif current is not None and part in current.model_fields:
                info = current.model_fields[part]
                parts.append(info.title or str(part))
                current = _inner_model(info.annotation)
            else:
                parts.append(f"'{self.keys.get(part, part)}'")
        return " → ".join(parts)

    def per_year_label(self, list_loc: tuple[Any, ...], index: int, document: dict) -> str:
        calculation = document.get("calculation") or {}
        start = calculation.get("start_year")
        year = str(start + index) if isinstance(start, int) else self.texts.year.format(number=index + 1)
        if list_loc[-1] == "ramp_percent":
            return self.texts.per_year["percent"].format(year=year)
        line = _at(document, list_loc[:-1]) or {}
        unit = "timmar" if line.get("unit") == "timmar" else "kr"
        return self.texts.per_year[unit].format(year=year)

    def row_name(self, row: Any, document: dict) -> str:
        if not isinstance(row, dict):
            return ""
        for name in _NAME_FIELDS:
            value = row.get(name)
            if isinstance(value, str) and value.strip():
                label = self.content.label(self.content.initiative.funding_sources, value) if name == "source" else ""
                return label or _quoted(value)
        if isinstance(row.get("value"), int | float):  # a measurement: its value and date
            return _number(row["value"]) + (f" ({row['date']})" if row.get("date") else "")
        benefit = _benefit(document, row.get("benefit_id"))
        return _quoted(benefit["description"]) if benefit and benefit.get("description") else ""

    def value(self, value: Any, loc: tuple[Any, ...], document: dict) -> str:
        if _empty(value):
            return self.texts.empty_value
        if isinstance(value, bool):
            return self.texts.yes_text if value else self.texts.no_text
        label = self.choice_label(value, loc, document)
        if label is not None:
            return label
        if isinstance(value, int | float):
            return _number(value)
        if isinstance(value, str) and loc and str(loc[-1]).endswith("date"):
            return value  # an ISO date, as the date field shows it
        if isinstance(value, str):
            return _quoted(value)
        return str(value)

    def choice_label(self, value: Any, loc: tuple[Any, ...], document: dict) -> str | None:
        """Ids and cell numbers as the form shows them: 'Genomförande', 'JA', 'Lika stor del (50% - 50%)'."""
        c, field = self.content, loc[-1] if loc else None
        section = loc[0] if loc else None
        if section == "classification" and len(loc) == 2 and isinstance(value, int):
            axis = next((a for a in c.classification.axes if a.id == field), None)
            if axis and 1 <= value <= len(axis.cells):
                cell = axis.cells[value - 1]
                return f"{cell.label} ({cell.share})"
        choices: dict[Any, str] = {}
        if section == "initiative":
            ic = c.initiative
            choices = {
                "kind": {x.id: x.label for x in ic.kinds},
                "stage": {x.id: x.label for x in ic.portfolio_stages},
                "priority_class": {x.id: x.label for x in ic.priority_classes},
                "source": {x.id: x.label for x in ic.funding_sources},
            }.get(field, {})
        elif section == "prerequisites" and field == "answer":
            choices = {x.id: x.label for x in c.criteria.answers}
        elif field == "category":
            choices = {x.id: x.label for x in c.benefits.categories}
        elif field == "rate":
            choices = {x.id: x.label for x in c.settings.hourly_rates}
        elif section == "calculation" and field == "kind":
            choices = self.texts.cost_kinds
        elif section == "calculation" and field == "unit":
            choices = self.texts.units
        elif field == "benefit_id":
            benefit = _benefit(document, value)
            return _quoted(benefit.get("description") or "") if benefit else None
        return choices.get(value) if isinstance(value, str) else None


def _at(document: Any, loc: tuple[Any, ...]) -> Any:
    for part in loc:
        try:
            document = document[part]
        except (KeyError, IndexError, TypeError):
            return None
    return document


def _benefit(document: dict, benefit_id: Any) -> dict | None:
    return next((b for b in document.get("benefits") or [] if b.get("id") == benefit_id), None)


def _quoted(text: str) -> str:
    text = " ".join(text.split())
    return f"”{text if len(text) <= _SHORT else text[: _SHORT - 1].rstrip() + '…'}”"


def _number(value: float) -> str:
    if float(value).is_integer():
        return fmt.number(value)
    return fmt.number(value, 4).rstrip("0").rstrip(",")


def diff_documents(old: dict, new: dict, content: Content) -> list[Change]:
    """The changes from one assessment document (as JSON) to another, in the order of the form."""
    differ = _Differ(old, new, content)
    differ.compare(old, new, (), ())
    return differ.changes


def diff(old: Assessment, new: Assessment, content: Content) -> list[Change]:
    """The changes from one revision to another, each a line a user can read."""
    return diff_documents(old.model_dump(mode="json"), new.model_dump(mode="json"), content)
