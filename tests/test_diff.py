"""Comparing two revisions: what changed, field by field, in the form's words."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from nyttolib.assessment.diff import diff, diff_documents
from nyttolib.assessment.model import (
    Activity,
    Assessment,
    Benefit,
    CostLine,
    FundingLine,
    Measurement,
    PlanItem,
    PrerequisiteAnswer,
)
from nyttolib.content import load_content

from conftest import EXAMPLES

NBSP = "\u00a0"


def texts(changes) -> list[str]:
    return [str(change).replace(NBSP, " ") for change in changes]


def budget() -> Assessment:
    """A small hand-made assessment: two cost lines from 2023, one benefit, one plan with a measurement."""
    return Assessment(
        initiative={"name": "E-tjänst", "kind": "genomforande"},
        prerequisites={"nyttoanalys": PrerequisiteAnswer(answer="ja", motivation="Finns")},
        classification={"effektivitet_innovation": 2},
        benefits=[Benefit(id="b1", description="Färre samtal")],
        calculation={
            "start_year": 2023,
            "years": 3,
            "cost_lines": [
                CostLine(id="k1", description="Konsult", values=[50_000, 0, 0]),
                CostLine(id="k2", description="Licens", kind="lopande", values=[10_000, 10_000, 10_000]),
            ],
        },
        plan={"items": [PlanItem(id="p1", benefit_id="b1", measurements=[Measurement(id="m1", value=10)])]},
    )


def test_a_changed_amount_names_row_year_and_unit(content):
    older, newer = budget(), budget()
    newer.calculation.cost_lines[1].values[0] = 12_000
    [change] = diff(older, newer, content)
    assert texts([change]) == ["Nyttokalkyl → Kostnader → rad 2 → Belopp 2023 (kr): 10 000 → 12 000"]
    assert (change.kind, change.loc, change.old, change.new) == (
        "changed",
        ("calculation", "cost_lines", 1, "values", 0),
        10_000,
        12_000,
    )


def test_without_a_start_year_the_years_are_numbered(content):
    older = Assessment(calculation={"years": 3, "cost_lines": [CostLine(unit="timmar", values=[10, 0, 0])]})
    newer = older.model_copy(deep=True)
    newer.calculation.cost_lines[0].values[0] = 12.5
    assert texts(diff(older, newer, content)) == ["Nyttokalkyl → Kostnader → rad 1 → Timmar År 1 (h): 10 → 12,5"]


def test_rows_added_and_removed_are_said_as_such(content):
    older, newer = budget(), budget()
    del newer.calculation.cost_lines[0]
    newer.calculation.cost_lines[0].description = "Licens och drift"
    newer.calculation.cost_lines.append(CostLine(description="Utbildning", values=[5_000, 0, 0]))
    changes = diff(older, newer, content)
    assert texts(changes) == [
        "Nyttokalkyl → Kostnader → rad 1 borttagen: ”Konsult”",
        "Nyttokalkyl → Kostnader → rad 1 (tidigare rad 2) → Kostnad: ”Licens” → ”Licens och drift”",
        "Nyttokalkyl → Kostnader → rad 2 tillagd: ”Utbildning”",
    ]
    assert [c.kind for c in changes] == ["removed", "changed", "added"]
    assert changes[0].loc == ("calculation", "cost_lines", 0) and changes[0].old["description"] == "Konsult"


def test_nested_lists_and_the_contents_words_for_choices(content):
    older, newer = budget(), budget()
    newer.plan.items[0].measurements[0].value = 12
    newer.plan.items[0].measurements.append(Measurement(date=dt.date(2024, 5, 1), value=14))
    newer.plan.activities.append(Activity(activity="Marknadsföring"))
    newer.initiative.portfolio.funding.append(FundingLine(source="centrala_medel", amount_kr=5_000))
    newer.prerequisites["nyttoanalys"] = PrerequisiteAnswer(answer="nej", motivation="Finns")
    newer.classification["effektivitet_innovation"] = 4
    newer.initiative.kind = "mvp"
    newer.calculation.cost_lines[1].kind = "engangs"
    newer.plan.items[0].target_date = dt.date(2025, 12, 31)
    assert texts(diff(older, newer, content)) == [
        "Om initiativet → Typ av initiativ: Genomförande → MVP",
        "Om initiativet → Portfölj → Finansiering → rad 1 tillagd: Centrala medel (t.ex. 2 %-medel)",
        "Förutsättningar → 'Nyttoanalys framtagen' → Bedömning (JA/NEJ): JA → NEJ",
        "Klassificering → 'Effektivitet – Innovation': Övervägande del effektivitet (75% - 25%) → "
        "Övervägande del innovation (25% - 75%)",
        "Nyttokalkyl → Kostnader → rad 2 → Typ av kostnad: Löpande kostnad → Engångskostnad",
        "Nyttorealiseringsplan → Nyttor i planen → rad 1 → Målet ska nås senast: (tomt) → 2025-12-31",
        "Nyttorealiseringsplan → Nyttor i planen → rad 1 → Uppföljning → rad 1 → Uppmätt värde: 10 → 12",
        "Nyttorealiseringsplan → Nyttor i planen → rad 1 → Uppföljning → rad 2 tillagd: 14 (2024-05-01)",
        "Nyttorealiseringsplan → Aktiviteter → rad 1 tillagd: ”Marknadsföring”",
    ]


def test_a_plan_row_is_named_by_its_benefit(content):
    older, newer = budget(), budget()
    newer.plan.items = []
    assert texts(diff(older, newer, content)) == [
        "Nyttorealiseringsplan → Nyttor i planen → rad 1 borttagen: ”Färre samtal”"
    ]


def test_unchanged_is_empty(content, invoice):
    assert diff(budget(), budget(), content) == []
    assert diff(invoice, invoice.model_copy(deep=True), content) == []


def test_long_texts_are_shortened_and_empty_is_named(content):
    older = Assessment()
    newer = Assessment(initiative={"need": "ord " * 100})
    [change] = texts(diff(older, newer, content))
    assert change.startswith("Om initiativet → Behov: (tomt) → ”ord ord")
    assert change.endswith("…”") and len(change) < 140


# -- properties over generated documents ---------------------------------------------------------

CONTENT = load_content()
DOCUMENTS = [Assessment().model_dump(mode="json")] + [
    Assessment.model_validate_json(path.read_text(encoding="utf-8")).model_dump(mode="json")
    for path in sorted(EXAMPLES.glob("*.json"))
]
_SKIPPED = {"id", "document_type", "schema_version", "years", "unit"}


def _leaves(value: Any, loc: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    if isinstance(value, dict):
        return [leaf for key, child in value.items() if key not in _SKIPPED for leaf in _leaves(child, (*loc, key))]
    if isinstance(value, list):
        return [leaf for index, child in enumerate(value) for leaf in _leaves(child, (*loc, index))]
    return [(loc, value)]


def _set(document: Any, loc: tuple[Any, ...], value: Any) -> None:
    for part in loc[:-1]:
        document = document[part]
    document[loc[-1]] = value


def _new_value(loc: tuple[Any, ...], old: Any) -> st.SearchStrategy:
    name = loc[-1]
    if loc[0] == "classification":
        return st.integers(1, 5)
    if loc[:2] == ("initiative", "valuation"):
        return st.sampled_from([1, 3, 5])
    if isinstance(old, bool) or name in {"realisable", "measurable"}:
        return st.booleans() | st.none() if name != "realisable" or "benefit_lines" not in loc else st.booleans()
    if str(name).endswith("date"):
        return st.dates(dt.date(2000, 1, 1), dt.date(2040, 1, 1)).map(dt.date.isoformat)
    if name in {"start_year", "year"}:
        return st.integers(1990, 2100)
    if isinstance(old, int | float):
        return st.integers(0, 100) | st.floats(0, 100, allow_nan=False).map(lambda x: round(x, 2))
    if isinstance(old, str):
        return st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=30)
    return st.none()


@st.composite
def edited_pairs(draw) -> tuple[dict, dict]:
    """A document and a copy with a few of its fields (of every kind the examples hold) changed."""
    older = draw(st.sampled_from(DOCUMENTS))
    newer = copy.deepcopy(older)
    leaves = [leaf for leaf in _leaves(older) if leaf[1] is not None]
    if leaves:
        for loc, old in draw(st.lists(st.sampled_from(leaves), max_size=6, unique_by=lambda leaf: leaf[0])):
            _set(newer, loc, draw(_new_value(loc, old)))
    try:
        newer = Assessment.model_validate(newer).model_dump(mode="json")
    except ValidationError:
        assume(False)
    return older, newer


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edited_pairs())
def test_a_document_compared_with_itself_has_no_changes(pair):
    _, newer = pair
    assert diff_documents(newer, copy.deepcopy(newer), CONTENT) == []


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edited_pairs())
def test_applying_the_new_values_gives_the_newer_document(pair):
    older, newer = pair
    changes = diff_documents(older, newer, CONTENT)
    assert all(change.kind == "changed" for change in changes)
    applied = copy.deepcopy(older)
    for change in changes:
        _set(applied, change.loc, change.new)
        assert str(change).strip()
    assert applied == newer


def test_answers_follow_the_order_of_the_form(content):
    older = Assessment()
    newer = Assessment(
        prerequisites={
            "uppskalning_och_ateranvandning": PrerequisiteAnswer(answer="ja"),
            "strategier_och_mal": PrerequisiteAnswer(answer="nej"),
        }
    )
    assert texts(diff(older, newer, content)) == [
        "Förutsättningar → 'Initiativ i linje med beslutade strategier och mål' → Bedömning (JA/NEJ): (tomt) → NEJ",
        "Förutsättningar → 'Möjlighet till uppskalning och återanvändning' → Bedömning (JA/NEJ): (tomt) → JA",
    ]
