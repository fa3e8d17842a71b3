"""An answering: one checklist answered by one organisation on one date, item by item ja / delvis / nej /
ej aktuellt with a comment; and answerings of the same checklist compared over time.

The answering keeps the checklist's items as they were answered, so an old answering still reads (and
exports) after its file has changed or been removed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from nyttolib.checklists.model import ID_PATTERN, Checklist

FORMAT = "nyttolib-checklista"
ANSWER_LABELS = {"ja": "Ja", "delvis": "Delvis", "nej": "Nej", "ej_aktuellt": "Ej aktuellt"}
#: ja is better than delvis, delvis better than nej; "ej aktuellt" is outside the order.
RANK = {"nej": 0, "delvis": 1, "ja": 2}
NOT_ANSWERED = "Inte besvarad"
MAX_COMMENT = 100_000
MAX_ORGANISATION = 200
AnswerValue = Literal["ja", "delvis", "nej", "ej_aktuellt"]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AnsweredItem(_Part):
    """An item of the checklist as it stood when answered."""

    id: str = Field(min_length=1, max_length=80, pattern=ID_PATTERN)
    text: str = Field(min_length=1)
    section: str = ""


class ItemAnswer(_Part):
    answer: AnswerValue | None = None
    comment: str = Field("", max_length=MAX_COMMENT)


class Answering(_Part):
    format: Literal["nyttolib-checklista"] = FORMAT
    version: Literal[1] = 1
    checklist_id: str = Field(min_length=1, max_length=80, pattern=ID_PATTERN)
    checklist_title: str = Field(min_length=1)
    source: str = ""
    organisation: str = Field(min_length=1, max_length=MAX_ORGANISATION)
    on_date: dt.date
    items: list[AnsweredItem] = Field(min_length=1)
    answers: dict[str, ItemAnswer] = {}

    @field_validator("organisation")
    @classmethod
    def _tidy_organisation(cls, value: str) -> str:
        tidy = " ".join(value.split())
        if not tidy:
            raise ValueError("skriv vilken organisation som svarar")
        return tidy

    @model_validator(mode="after")
    def _answers_are_items(self) -> Answering:
        ids = [item.id for item in self.items]
        if len(set(ids)) != len(ids):
            raise ValueError("items: två punkter har samma id")
        unknown = sorted(set(self.answers) - set(ids))
        if unknown:
            raise ValueError(f"answers: svar på punkter som inte finns i checklistan: {', '.join(unknown)}")
        return self

    def answer(self, item_id: str) -> ItemAnswer:
        return self.answers.get(item_id) or ItemAnswer()

    @property
    def label(self) -> str:
        return f"{self.checklist_title} – {self.organisation}, {self.on_date.isoformat()}"


def new_answering(checklist: Checklist, organisation: str, on_date: dt.date) -> Answering:
    return Answering(
        checklist_id=checklist.id,
        checklist_title=checklist.title,
        source=checklist.source,
        organisation=organisation,
        on_date=on_date,
        items=[AnsweredItem(id=i.id, text=i.text, section=i.section) for i in checklist.items],
    )


def answer_label(value: str | None) -> str:
    return ANSWER_LABELS.get(value or "", NOT_ANSWERED)


@dataclass(frozen=True)
class Tally:
    """How an answering stands: counts per answer, and how many items are left unanswered."""

    counts: dict[str, int]
    unanswered: int

    def text(self) -> str:
        parts = [f"{self.counts[key]} {label.lower()}" for key, label in ANSWER_LABELS.items()]
        left = f", {self.unanswered} inte besvarade" if self.unanswered else ""
        return ", ".join(parts) + left


def tally(answering: Answering) -> Tally:
    counts = dict.fromkeys(ANSWER_LABELS, 0)
    unanswered = 0
    for item in answering.items:
        value = answering.answer(item.id).answer
        if value is None:
            unanswered += 1
        else:
            counts[value] += 1
    return Tally(counts, unanswered)


# -- comparison over time ---------------------------------------------------------------------------

Kind = Literal["bättre", "sämre", "oförändrat", "nytt svar", "inte besvarad", "ändrat", "ny punkt"]


@dataclass(frozen=True)
class Change:
    """What happened to one item from one answering to the next, in words (not only a colour)."""

    kind: Kind
    text: str


def change(before: str | None, after: str | None, *, existed: bool = True) -> Change:
    if not existed:
        return Change("ny punkt", "ny punkt sedan förra gången")
    if before == after:
        return Change("oförändrat", "oförändrat")
    if before is None:
        return Change("nytt svar", "nytt svar (inte besvarad förra gången)")
    if after is None:
        return Change("inte besvarad", f"inte besvarad nu (förra gången {answer_label(before)})")
    if before in RANK and after in RANK:
        kind: Kind = "bättre" if RANK[after] > RANK[before] else "sämre"
        return Change(kind, f"{kind} (förra gången {answer_label(before)})")
    return Change("ändrat", f"ändrat (förra gången {answer_label(before)})")


@dataclass(frozen=True)
class Cell:
    answer: str | None
    label: str
    comment: str
    change: Change | None  # None in the first answering, or where the item was not part of this one
    present: bool = True  # the item was part of the checklist when this answering was made


@dataclass
class Row:
    item_id: str
    text: str
    section: str
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Comparison:
    checklist_title: str
    organisation: str
    dates: list[str]
    rows: list[Row]
    summaries: list[str]  # per answering after the first: what changed since the one before, in words
    tallies: list[str]


def _items_in_order(answerings: list[Answering], checklist: Checklist | None) -> list[AnsweredItem]:
    """The checklist's items as it is now, then any that only older answerings had (newest first)."""
    seen: dict[str, AnsweredItem] = {}
    if checklist is not None:
        for item in checklist.items:
            seen[item.id] = AnsweredItem(id=item.id, text=item.text, section=item.section)
    for answering in reversed(answerings):
        for item in answering.items:
            seen.setdefault(item.id, item)
    return list(seen.values())


def summary(changes: list[Change], previous_date: str) -> str:
    counts: dict[str, int] = {}
    for item in changes:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    order = ["bättre", "sämre", "oförändrat", "ändrat", "nytt svar", "inte besvarad", "ny punkt"]
    words = {
        "oförändrat": "oförändrade",
        "nytt svar": "nya svar",
        "inte besvarad": "inte besvarade",
        "ny punkt": "nya punkter",
        "ändrat": "ändrade",
    }
    parts = [f"{counts[k]} {words.get(k, k) if counts[k] != 1 else k}" for k in order if counts.get(k)]
    return f"Jämfört med {previous_date}: " + (", ".join(parts) if parts else "inga punkter") + "."


def compare(answerings: list[Answering], checklist: Checklist | None = None) -> Comparison:
    """The answerings (of one checklist and organisation) by date, oldest first, side by side."""
    ordered = sorted(answerings, key=lambda a: a.on_date)
    items = _items_in_order(ordered, checklist)
    rows = [Row(item.id, item.text, item.section) for item in items]
    changes_per_answering: list[list[Change]] = [[] for _ in ordered]
    for row in rows:
        previous: str | None = None
        previous_present = False
        for index, answering in enumerate(ordered):
            present = any(i.id == row.item_id for i in answering.items)
            given = answering.answer(row.item_id)
            value = given.answer if present else None
            moved: Change | None = None
            if index > 0 and present:
                moved = change(previous, value, existed=previous_present)
                changes_per_answering[index].append(moved)
            row.cells.append(
                Cell(value, answer_label(value) if present else "–", given.comment if present else "", moved, present)
            )
            previous, previous_present = value, present
    dates = [a.on_date.isoformat() for a in ordered]
    summaries = [summary(changes_per_answering[i], dates[i - 1]) for i in range(1, len(ordered))]
    title = checklist.title if checklist is not None else (ordered[-1].checklist_title if ordered else "")
    organisation = ordered[-1].organisation if ordered else ""
    return Comparison(title, organisation, dates, rows, summaries, [tally(a).text() for a in ordered])
