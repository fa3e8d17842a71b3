"""Text the form did not accept is an error everywhere (step, Sammanfattning, results, report), rules between
fields come and go with the values, stale notices go, and a revision that cannot be opened gets a Swedish
page with ways back. Widgets without a browser."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

import nyttolib.app.steps.calculation as calculation_step
import nyttolib.app.steps.summary as summary_step
from nyttolib.app import errors
from nyttolib.app.form import AssessmentForm, assessment_form
from nyttolib.app.session import AssessmentSession
from nyttolib.app.unreadable import UnreadablePage
from nyttolib.assessment.completeness import completeness
from nyttolib.assessment.model import CostLine
from nyttolib.exports.report import render_html


@pytest.fixture(autouse=True)
def quick_charts(monkeypatch):
    monkeypatch.setattr(calculation_step, "cost_benefit_img", lambda _result: "")
    monkeypatch.setattr(summary_step, "cost_benefit_img", lambda _result: "")


def immediately(_delay, callback):
    callback()


def field(form: AssessmentForm, step: str, key: str):
    form.show(step)
    return next(f for f in form.steps[step].fields() if f.key == key)


def missing(form: AssessmentForm) -> list[str]:
    form.show("summary")
    return [getattr(b, "description", "") for b in form.steps["summary"].missing.children]


def test_an_amount_that_is_no_number_is_an_error_everywhere(store, content):
    form = AssessmentForm(AssessmentSession(store, content, scheduler=immediately))
    field(form, "initiative", "initiative.name").control.value = "Sjuan"
    field(form, "calculation", "calculation.start_year").control.value = "2022"
    form.steps["calculation"]._row_lists[0].add_button.click()
    amount = field(form, "calculation", "calculation.cost_lines.0.values.0")
    amount.control.value = "1000"
    amount.control.value = "7x77"
    assert amount.has_error
    assert "(har fel)" in form.nav_buttons["calculation"].description  # a per-year field inside a row
    results = form.steps["calculation"].results.value
    assert "Ej giltigt värde" in results and "1 000" not in results  # not the last valid value
    assert missing(form)[0] == "Nyttokalkyl → Kostnader → rad 1 → Belopp per år → år 1: ej giltigt värde"
    assert "1 000" not in form.steps["summary"].figures.value
    report = render_html(form.session.assessment, content, drafts=form.session.drafts)
    assert "Nyttokalkylen räknas inte fram" in report and "ej giltigt värde" in report
    assert "1 000" not in report.split('id="s-kalkyl"')[1].split("</section>")[0].replace("ej giltigt", "")
    reopened = assessment_form(form.session.id, store=store, content=content)
    assert "(har fel)" in reopened.nav_buttons["calculation"].description


def test_a_too_long_motivation_is_reported_as_not_valid_not_as_missing(store, content):
    form = AssessmentForm(AssessmentSession(store, content, scheduler=immediately))
    criterion = content.criteria.criteria[0]
    key = f"prerequisites.{criterion.id}.motivation"
    motivation = field(form, "prerequisites", key)
    motivation.control.value = "x" * 25_000
    assert motivation.has_error
    texts = missing(form)
    assert texts[0].endswith(": ej giltigt värde")
    assert f"Skriv en motivering för ”{criterion.label}”" not in texts
    report = render_html(form.session.assessment, content, drafts=form.session.drafts)
    assert f"Skriv en motivering för ”{criterion.label}”" not in report
    row = report.split(criterion.label, 1)[1].split("</tr>", 1)[0]
    assert "ej giltigt värde" in row
    reopened = assessment_form(form.session.id, store=store, content=content)
    again = field(reopened, "prerequisites", key)
    assert again.has_error and len(again.control.value) == 25_000  # the draft, not the older (empty) text


def test_the_date_message_goes_from_both_fields_when_the_dates_are_fixed(store, content):
    form = AssessmentForm(AssessmentSession(store, content, scheduler=immediately))
    start = field(form, "initiative", "initiative.start_date")
    end = field(form, "initiative", "initiative.end_date")
    start.control.value = dt.date(2024, 3, 1)
    end.control.value = dt.date(2024, 2, 1)
    assert "Slutdatum kan inte vara före startdatum" in end.message.value
    for year in (2, 20, 202, 2026):  # Startdatum retyped digit by digit
        start.control.value = dt.date(year, 3, 1)
    assert "Startdatum kan inte vara efter slutdatum" in start.message.value
    assert store.load(form.session.id)[0].initiative.start_date == dt.date(2026, 3, 1)
    end.control.value = dt.date(2026, 12, 31)
    assert start.message is None and end.message is None
    assert not start.has_error and "nyttolib-invalid" not in start.control._dom_classes


def test_the_something_went_wrong_notice_goes_after_later_saves(store, content):
    form = AssessmentForm(AssessmentSession(store, content, scheduler=immediately))
    errors.report()
    assert "Något gick fel" in form.notice.value
    name = field(form, "initiative", "initiative.name")
    name.control.value = "Efter felet"
    assert form.session.status == "saved"
    assert form.notice.value == ""


def _break_head(store, assessment_id: str, document: str) -> None:
    """A revision written past the store (by hand, an old bug, a damaged file)."""
    with sqlite3.connect(store.path) as db:
        head = db.execute("SELECT head_revision FROM assessments WHERE id = ?", (assessment_id,)).fetchone()[0]
        db.execute(
            "INSERT INTO revisions (assessment_id, revision, saved_at, schema_version, name, document)"
            " VALUES (?, ?, '2026-01-01T00:00:00+00:00', 2, 'Trasig', ?)",
            (assessment_id, head + 1, document),
        )
        db.execute("UPDATE assessments SET head_revision = ? WHERE id = ?", (head + 1, assessment_id))


@pytest.mark.parametrize(
    "document",
    ['{"document_type": "nyttolib.assessment", "schema_version": 2, "calculation": {"years": "tre"', '{"x": 1}'],
)
def test_a_revision_that_does_not_open_gives_a_swedish_page_with_ways_back(store, content, document):
    session = AssessmentSession(store, content, scheduler=immediately)
    session.set(("initiative", "name"), "Hel")
    session.replace(("calculation", "cost_lines"), [CostLine(values=[1.0, 2.0, 3.0]).model_dump()])
    _break_head(store, session.id, document)
    page = assessment_form(session.id, store=store, content=content)
    assert isinstance(page, UnreadablePage)
    text = "".join(getattr(w, "value", "") for w in page.children)
    assert "Bedömningen kan inte öppnas" in text and "href='start.ipynb'" in text
    buttons = [w for w in page.children if hasattr(w, "description") and w.description.startswith("Återställ")]
    assert [b.description.split(" (")[0] for b in buttons] == ["Återställ revision 2", "Återställ revision 1"]
    buttons[0].click()
    (opened,) = page.children
    assert isinstance(opened, AssessmentForm)
    assert opened.session.assessment.initiative.name == "Hel"
    assert len(opened.session.assessment.calculation.cost_lines) == 1
    assert store.history(session.id)[-1].note == "Återställd från revision 2"


def test_the_command_line_says_in_swedish_which_revision_does_not_open(store, content):
    import io

    from nyttolib.cli import run
    from nyttolib.exitcodes import EXIT_INVALID

    session = AssessmentSession(store, content, scheduler=immediately)
    session.set(("initiative", "name"), "Hel")
    _break_head(store, session.id, "{")
    out, err = io.StringIO(), io.StringIO()
    assert run(["--data-dir", str(store.directory), "summary", session.id], out, err) == EXIT_INVALID
    assert f"Revision 2 av bedömningen '{session.id}' går inte att läsa" in err.getvalue()
    assert "Traceback" not in err.getvalue()
    assert run(["--data-dir", str(store.directory), "restore", session.id, "1"], out, err) == 0
    assert store.load(session.id)[0].initiative.name == "Hel"


def test_restoring_a_revision_without_the_row_of_a_draft_drops_the_draft(store, content):
    form = AssessmentForm(AssessmentSession(store, content, scheduler=immediately))
    field(form, "initiative", "initiative.name").control.value = "Utan rad"  # revision 1: no cost lines
    field(form, "calculation", "calculation.start_year").control.value = "2022"
    form.steps["calculation"]._row_lists[0].add_button.click()
    field(form, "calculation", "calculation.cost_lines.0.values.0").control.value = "7x77"
    assert "(har fel)" in form.nav_buttons["calculation"].description
    form.show("summary")
    form.steps["summary"].restore(1)
    assert form.session.drafts == {} and store.drafts(form.session.id) == {}
    assert "(har fel)" not in form.nav_buttons["calculation"].description
    assert not any(check.error for check in completeness(form.session.assessment, content, form.session.drafts).missing)
