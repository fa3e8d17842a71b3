"""Every revision the store holds opens in the form, whatever the user did before it was saved.

Generated sequences of edits (clearing, spaces, text that is no number, partial dates, too long texts,
rows added, removed and moved, the number of years changed) go through the session and through the
form's widgets; after each save the stored revision loads and a new form builds from it, with each
draft shown as an error at its field. Two ordinary edits once saved revisions that never opened again:
an emptied amount (written into a list without validation) and Slutdatum before Startdatum (a model
validator that raised on load).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ipywidgets as widgets
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nyttolib.app.steps.calculation as calculation_step
import nyttolib.app.steps.summary as summary_step
from nyttolib.app import errors
from nyttolib.app.fields import Field
from nyttolib.app.form import AssessmentForm
from nyttolib.app.rows import RowList
from nyttolib.app.session import AssessmentSession, FieldError
from nyttolib.assessment.completeness import completeness
from nyttolib.assessment.model import (
    Activity,
    Benefit,
    BenefitLine,
    CostLine,
    FreedTimeLine,
    FundingLine,
    Measurement,
    PlanItem,
    Risk,
)
from nyttolib.storage.assessments import Store

SETTINGS = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,  # the same sequences on every run: a failure in CI is one you can reproduce
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)

TEXTS = ["", "   ", "7x77", "12,5,0", "-5", "1 234,5", "0", "250", "2024", "1e30", "100", "x" * 25_000, "Å"]
VALUES: list[Any] = [
    None,
    "",
    "   ",
    "7x77",
    "x" * 25_000,
    -1,
    0,
    2.5,
    150,
    10**30,
    float("nan"),
    True,
    "ja",
    "nej",
    "intern",
    "timmar",
    "lopande",
    dt.date(2, 5, 1),  # a year typed digit by digit: 2, 20, 202, 2026
    dt.date(20, 5, 1),
    dt.date(2026, 5, 1),
    dt.date(2025, 1, 1),
]
DATES = [None, dt.date(2, 5, 1), dt.date(20, 5, 1), dt.date(202, 5, 1), dt.date(2026, 5, 1), dt.date(2025, 1, 1)]

# Every list of rows in the document and a new row for it.
ROW_LISTS: dict[tuple, Any] = {
    ("initiative", "portfolio", "funding"): FundingLine,
    ("benefits",): Benefit,
    ("calculation", "cost_lines"): CostLine,
    ("calculation", "benefit_lines"): BenefitLine,
    ("calculation", "freed_time_lines"): FreedTimeLine,
    ("plan", "items"): PlanItem,
    ("plan", "items", 0, "measurements"): Measurement,
    ("plan", "activities"): Activity,
    ("plan", "risks"): Risk,
    ("plan", "prerequisites"): lambda: "Ny förutsättning",
    ("plan", "behaviour_changes"): lambda: "Ny beteendeförändring",
}
ROW_FIELDS: dict[tuple, list[tuple]] = {
    ("initiative", "portfolio", "funding"): [("source",), ("amount_kr",), ("note",)],
    ("benefits",): [
        ("description",),
        ("target_group",),
        ("means",),
        ("measurable",),
        ("baseline",),
        ("category",),
        ("unvalued_score",),
    ],
    ("calculation", "cost_lines"): [
        ("description",),
        ("kind",),
        ("unit",),
        ("rate",),
        ("values", 0),
        ("values", 2),
        ("low_percent",),
        ("high_percent",),
    ],
    ("calculation", "benefit_lines"): [
        ("description",),
        ("benefit_id",),
        ("category",),
        ("full_effect_kr",),
        ("ramp_percent", 1),
        ("realisable",),
        ("low_percent",),
        ("high_percent",),
    ],
    ("calculation", "freed_time_lines"): [
        ("volume_per_year",),
        ("minutes_per_case",),
        ("share_percent",),
        ("rate",),
        ("ramp_percent", 0),
        ("realisable",),
        ("low_percent",),
        ("high_percent",),
    ],
    ("plan", "items"): [
        ("benefit_id",),
        ("answers", "what_measured"),
        ("seven_questions", "vad"),
        ("unit",),
        ("baseline_value",),
        ("target_value",),
        ("target_date",),
    ],
    ("plan", "items", 0, "measurements"): [("date",), ("value",), ("comment",)],
    ("plan", "activities"): [("activity",), ("purpose",), ("responsible",), ("outside_project",)],
    ("plan", "risks"): [("risk",), ("handling",)],
    ("plan", "prerequisites"): [()],
    ("plan", "behaviour_changes"): [()],
}
FIELDS: list[tuple] = [
    ("initiative", "name"),
    ("initiative", "need"),
    ("initiative", "kind"),
    ("initiative", "estimated_hours"),
    ("initiative", "start_date"),
    ("initiative", "end_date"),
    ("initiative", "portfolio", "year"),
    ("initiative", "portfolio", "total_cost_kr"),
    ("initiative", "valuation", "feasibility"),
    ("prerequisites", "nyttoanalys", "answer"),
    ("prerequisites", "nyttoanalys", "motivation"),
    ("classification", "intern_extern"),
    ("calculation", "start_year"),
    ("calculation", "years"),
    ("calculation", "discount_rate_percent"),
    ("calculation", "hourly_rates", "intern"),
    ("calculation", "hourly_rates", "inkopt"),
    ("plan", "reporting"),
    ("plan", "approved_date"),
]


@pytest.fixture(autouse=True)
def quick_charts(monkeypatch):
    """Drawing the chart takes a second on a busy machine and plays no part in opening a revision."""
    monkeypatch.setattr(calculation_step, "cost_benefit_img", lambda _result: "")
    monkeypatch.setattr(summary_step, "cost_benefit_img", lambda _result: "")


@pytest.fixture
def reported(monkeypatch):
    """What the form would have shown as "Något gick fel": an error in a widget callback."""
    messages: list[str] = []
    monkeypatch.setattr(errors, "_reporters", [messages.append])
    return messages


def immediately(_delay, callback):
    callback()


def never(_delay, _callback):
    return None


def check_reopens(store: Store, assessment_id: str, content, steps: list[str]) -> AssessmentForm:
    """The stored revision loads, and a new form (that saves nothing) builds and shows `steps`;
    every draft counts as an error in the form's completeness and at its field."""
    store.load(assessment_id)
    form = AssessmentForm(AssessmentSession(store, content, assessment_id, scheduler=never))
    for step_id in steps:
        form.show(step_id)
    drafts = store.drafts(assessment_id)
    progress = completeness(form.session.assessment, content, form.session.drafts)
    errors_at = {check.loc for check in progress.missing if check.error}
    for key in drafts:
        assert tuple(int(p) if p.isdigit() else p for p in key.split(".")) in errors_at, key
    shown = {f.key: f for step_id in steps for f in form.steps[step_id].fields()}
    for key in drafts:
        if key in shown:
            assert shown[key].has_error, f"the draft at {key} is not shown as an error"
            assert shown[key].control.value == drafts[key]
    return form


# -- through the session -----------------------------------------------------------------------------


@st.composite
def session_edits(draw) -> list[tuple]:
    edits = []
    for _ in range(draw(st.integers(3, 10))):
        kind = draw(st.sampled_from(["set", "set", "set", "row_set", "add", "add", "remove", "move"]))
        if kind == "set":
            edits.append(("set", draw(st.sampled_from(FIELDS)), draw(st.sampled_from(VALUES))))
        elif kind == "row_set":
            list_path = draw(st.sampled_from(list(ROW_LISTS)))
            rest = draw(st.sampled_from(ROW_FIELDS[list_path]))
            edits.append(("row_set", list_path, draw(st.integers(0, 2)), rest, draw(st.sampled_from(VALUES))))
        else:
            edits.append((kind, draw(st.sampled_from(list(ROW_LISTS))), draw(st.integers(0, 2))))
    return edits


def apply_session_edit(session: AssessmentSession, edit: tuple) -> None:
    kind, path, *rest = edit
    try:
        if kind == "set":
            session.set(path, rest[0])
            return
        rows = [r.model_dump() if hasattr(r, "model_dump") else r for r in (session.get(path) or [])]
        if kind == "row_set":
            index, field, value = rest
            if index < len(rows):
                session.set((*path, index, *field), value)
        elif kind == "add":
            if session.get(path[:-1]) is None:
                return  # the plan item the measurements belong to is not there
            new = ROW_LISTS[path]()
            if isinstance(new, CostLine):
                new.values = [0.0] * session.assessment.calculation.years
            session.replace(path, [*rows, new.model_dump() if hasattr(new, "model_dump") else new])
        elif kind == "remove" and rows:
            del rows[rest[0] % len(rows)]
            session.replace(path, rows)
        elif kind == "move" and len(rows) > 1:
            i = rest[0] % (len(rows) - 1)
            rows[i], rows[i + 1] = rows[i + 1], rows[i]
            session.replace(path, rows)
    except FieldError:
        pass  # refused: the value stays out of the model (the form keeps it as a draft)


@given(edits=session_edits())
@SETTINGS
def test_every_saved_revision_opens_after_edits_through_the_session(tmp_path_factory, content, edits):
    with Store(tmp_path_factory.mktemp("data")) as store:
        session = AssessmentSession(store, content, scheduler=immediately)
        session.set(("initiative", "name"), "Genererad")
        for edit in edits:
            apply_session_edit(session, edit)
            assert session.status == "saved", session.status_message
            check_reopens(store, session.id, content, ["initiative"])
        check_reopens(store, session.id, content, ["initiative", "prerequisites", "benefits", "calculation", "plan"])


def test_an_emptied_amount_or_rate_is_refused_and_never_saved(store, content):
    session = AssessmentSession(store, content, scheduler=immediately)
    session.replace(("calculation", "cost_lines"), [CostLine(values=[1000.0, 0.0, 0.0]).model_dump()])
    for path in [
        ("calculation", "cost_lines", 0, "values", 0),
        ("calculation", "hourly_rates", "intern"),
    ]:
        with pytest.raises(FieldError, match="får inte vara tomt"):
            session.set(path, None)
    saved, _ = store.load(session.id)
    assert saved.calculation.cost_lines[0].values == [1000.0, 0.0, 0.0]
    assert saved.calculation.hourly_rates["intern"] == 450


def test_dates_in_the_wrong_order_are_saved_and_shown_not_raised(store, content):
    session = AssessmentSession(store, content, scheduler=immediately)
    session.set(("initiative", "end_date"), dt.date(2025, 1, 1))
    for typed in DATES[1:]:  # Startdatum retyped digit by digit after Slutdatum
        session.set(("initiative", "start_date"), typed)
    saved, _ = store.load(session.id)
    assert saved.initiative.start_date == dt.date(2025, 1, 1)
    form = check_reopens(store, session.id, content, ["initiative", "summary"])
    start = next(f for f in form.steps["initiative"].fields() if f.key == "initiative.start_date")
    assert not start.has_error  # 2025-01-01 – 2025-01-01 is in order
    session.set(("initiative", "start_date"), dt.date(2026, 5, 1))
    form = check_reopens(store, session.id, content, ["initiative", "summary"])
    fields = {f.key: f for f in form.steps["initiative"].fields()}
    assert "Slutdatum kan inte vara före startdatum" in fields["initiative.end_date"].message.value
    assert "Startdatum kan inte vara efter slutdatum" in fields["initiative.start_date"].message.value
    assert "(har fel)" in form.nav_buttons["initiative"].description
    missing = [b.description for b in form.steps["summary"].missing.children]
    assert "Slutdatum kan inte vara före startdatum" in missing


# -- through the widgets -----------------------------------------------------------------------------


def _boxes(widget: widgets.Widget, kind: type) -> list:
    found = []
    if isinstance(widget, kind):
        found.append(widget)
    if isinstance(widget, widgets.Box):
        for child in widget.children:
            found += _boxes(child, kind)
    return found


def _row_buttons(row_list: RowList, name: str) -> list[widgets.Button]:
    return [b for row in row_list.children[:-1] for b in _boxes(row, widgets.Button) if b.description == name]


def type_into(field: Field, choice: int, text: str, date: dt.date | None) -> None:
    control = field.control
    if isinstance(control, (widgets.Text, widgets.Textarea)):
        control.value = text
    elif isinstance(control, widgets.DatePicker):
        control.value = date
    elif isinstance(control, widgets.Checkbox):
        control.value = not control.value
    elif isinstance(control, (widgets.Dropdown, widgets.RadioButtons)):
        values = [option[1] if isinstance(option, tuple) else option for option in control.options]
        control.value = values[choice % len(values)]


@st.composite
def widget_edits(draw) -> list[tuple]:
    # Nyttokalkyl has the most kinds of fields and rows (and both failures seen): it is drawn most often.
    steps = [
        "initiative",
        "initiative",
        "prerequisites",
        "benefits",
        "calculation",
        "calculation",
        "calculation",
        "plan",
    ]
    edits = [("step", draw(st.sampled_from(steps)))]
    for _ in range(draw(st.integers(6, 16))):
        kind = draw(st.sampled_from(["type", "type", "type", "type", "add", "add", "remove", "move", "years", "step"]))
        if kind == "step":
            edits.append(("step", draw(st.sampled_from(steps))))
        elif kind == "type":
            edits.append(
                (
                    "type",
                    draw(st.integers(0, 10_000)),
                    draw(st.integers(0, 50)),
                    draw(st.sampled_from(TEXTS) | st.text(max_size=12)),
                    draw(st.sampled_from(DATES)),
                )
            )
        elif kind == "years":
            edits.append(("years", draw(st.sampled_from(calculation_step.YEAR_CHOICES))))
        else:
            edits.append((kind, draw(st.integers(0, 50))))
    return edits


def apply_widget_edit(form: AssessmentForm, edit: tuple) -> None:
    kind, *rest = edit
    view = form.steps[form.current]
    if kind == "step":
        form.show(rest[0])
    elif kind == "type":
        fields = view.fields()
        if fields:
            field_seed, choice, text, date = rest
            type_into(fields[field_seed % len(fields)], choice, text, date)
    elif kind == "years":
        form.show("calculation")
        form.steps["calculation"].years.value = rest[0]
    else:
        row_lists = _boxes(view, RowList)
        if not row_lists:
            return
        row_list = row_lists[rest[0] % len(row_lists)]
        if kind == "add":
            row_list.add_button.click()
        else:
            buttons = _row_buttons(row_list, "Ta bort" if kind == "remove" else "Flytta ner")
            if buttons:
                buttons[rest[0] % len(buttons)].click()


@given(edits=widget_edits())
@SETTINGS
def test_every_saved_revision_opens_after_edits_through_the_widgets(tmp_path_factory, content, reported, edits):
    with Store(tmp_path_factory.mktemp("data")) as store:
        form = AssessmentForm(AssessmentSession(store, content, scheduler=immediately))
        name = next(f for f in form.steps["initiative"].fields() if f.key == "initiative.name")
        name.control.value = "Genererad"
        for edit in edits:
            apply_widget_edit(form, edit)
            assert reported == [], f"an error in a callback after {edit[:2]}"
            assert form.session.status == "saved", form.session.status_message
            check_reopens(store, form.session.id, content, [form.current])
        check_reopens(store, form.session.id, content, form.step_ids)
