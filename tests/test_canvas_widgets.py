"""The need page and the canvas page as widgets, without a browser: typing is saved, a bad value gets its
message at the field and is kept, the self-checks say what follows, "Fortsätt till projektcanvas" carries
the need, "Starta bedömning" opens a linked assessment whose form links back, and the exports."""

from __future__ import annotations

import base64
import re

import pytest

from nyttolib.app.canvas_page import CanvasPage, canvas_page
from nyttolib.app.form import AssessmentForm
from nyttolib.app.need_page import NeedPage, need_page
from nyttolib.app.session import AssessmentSession
from nyttolib.canvas.content import load_canvas_content
from nyttolib.canvas.export import canvas_from_html
from nyttolib.canvas.session import CanvasSession, canvas_store
from nyttolib.portfolio.store import PortfolioStore


def immediately(_delay, callback):
    callback()


@pytest.fixture
def texts():
    return load_canvas_content()


@pytest.fixture
def folder(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def canvases(folder):
    with canvas_store(folder) as store:
        yield store


def new_page(canvases, texts, folder=None, content=None) -> CanvasPage:
    assessments = PortfolioStore(folder, content) if folder else None
    session = CanvasSession(canvases, scheduler=immediately)
    return CanvasPage(session, texts, assessments=assessments, assessment_content=content)


def href(html: str, text: str) -> str:
    match = re.search(rf"href='([^']*)'>{re.escape(text)}</a>", html)
    assert match, html
    return match.group(1)


def test_typing_is_saved_and_a_bad_number_stays_with_its_message(canvases, texts):
    page = new_page(canvases, texts)
    page.fields["name"].control.value = "Kundprofil"
    page.fields["cost_kr"].control.value = "12,5,0"
    assert page.fields["cost_kr"].has_error and "Fel:" in page.fields["cost_kr"].message.value
    reopened = CanvasPage(CanvasSession(canvases, page.session.id), texts)
    assert reopened.fields["name"].control.value == "Kundprofil"
    assert reopened.fields["cost_kr"].control.value == "12,5,0" and reopened.fields["cost_kr"].has_error
    reopened.fields["cost_kr"].control.value = "250 000"
    assert not reopened.fields["cost_kr"].has_error
    session = CanvasSession(canvases, page.session.id)
    assert session.canvas.cost_kr == 250_000 and session.drafts == {}
    assert "Kundprofil" in reopened.title.value and "data-nyttolib-address='?id=" in reopened.address.value


def test_every_field_is_labelled_from_the_content(canvases, texts):
    page = new_page(canvases, texts)
    for name, field in page.fields.items():
        assert field.control.description == texts.canvas.fields[name].label


def test_the_end_before_the_start_is_said_at_the_field(canvases, texts):
    import datetime as dt

    page = new_page(canvases, texts)
    page.fields["start_date"].control.value = dt.date(2027, 1, 1)
    page.fields["end_date"].control.value = dt.date(2026, 1, 1)
    assert "Slutet kan inte ligga före starten." in page.fields["end_date"].message.value
    page.fields["end_date"].control.value = dt.date(2027, 2, 1)
    assert page.fields["end_date"].message is None


def test_sending_needs_the_required_fields(canvases, texts):
    page = new_page(canvases, texts)
    assert page.submit.disabled and "Projektets namn" in page.missing.value
    for name, value in [("name", "Kundprofil"), ("initiator", "Ville"), ("need", "Ett behov")]:
        page.fields[name].control.value = value
    assert not page.submit.disabled and page.missing.value == ""
    page.submit.click()
    assert CanvasSession(canvases, page.session.id).canvas.submitted_on is not None
    assert "Skickad till utvecklingsrådet" in page.submit_text.value
    page.submit.click()
    assert CanvasSession(canvases, page.session.id).canvas.submitted_on is None


def test_starta_bedomning_opens_a_linked_assessment_whose_form_links_back(canvases, texts, folder, content):
    page = new_page(canvases, texts, folder, content)
    page.fields["name"].control.value = "Kundprofil"
    page.fields["need"].control.value = "Kundinformation i flera system"
    page.start.click()
    link = href(page.linked.value, "Öppna bedömningen")
    assessment_id = link.split("id=")[1]
    with PortfolioStore(folder, content) as store:
        assessment, _ = store.load(assessment_id)
        assert (assessment.initiative.name, assessment.initiative.need) == (
            "Kundprofil",
            "Kundinformation i flera system",
        )
        form = AssessmentForm(AssessmentSession(store, content, assessment_id))
        back = href(form.title.value, "Projektcanvasen som bedömningen startades från")
        assert back == f"projektcanvas.ipynb?id={page.session.id}"
        other = AssessmentForm(AssessmentSession(store, content))
        assert "Projektcanvasen" not in other.title.value
    page.start.click()  # again: the same assessment
    assert href(page.linked.value, "Öppna bedömningen") == link


def test_the_exports_are_offered_and_read_back(canvases, texts):
    page = new_page(canvases, texts)
    page.fields["name"].control.value = "Kund/profil <b>"
    page.html_button.click()
    assert "download='Kund-profil -b.html'" in page.download.value  # a safe file name
    data = re.search(r"base64,([^']*)'", page.download.value).group(1)
    canvas, _drafts = canvas_from_html(base64.b64decode(data).decode("utf-8"))
    assert canvas.name == "Kund/profil <b>"
    page.pdf_button.click()
    data = re.search(r"base64,([^']*)'", page.download.value).group(1)
    assert base64.b64decode(data).startswith(b"%PDF")


def test_the_need_page_keeps_what_is_written_and_carries_it_to_the_canvas(canvases, texts):
    page = NeedPage(CanvasSession(canvases, scheduler=immediately), texts)
    assert href(page.continue_link.value, texts.need.continue_.label) == "projektcanvas.ipynb"
    page.fields["need"].control.value = "Bygglovshanteringen är tidskrävande"
    canvas_id = page.session.id
    assert href(page.continue_link.value, texts.need.continue_.label) == f"projektcanvas.ipynb?id={canvas_id}"
    canvas = CanvasPage(CanvasSession(canvases, canvas_id), texts)
    assert canvas.fields["need"].control.value == "Bygglovshanteringen är tidskrävande"


def test_each_answer_says_what_follows_and_the_verdict_follows_all_three(canvases, texts):
    page = NeedPage(CanvasSession(canvases, scheduler=immediately), texts)
    risk = page.risk_answers[0]
    risk.control.value = "ja"
    assert texts.need.risks.items[0].if_yes in risk.follows.value
    risk.control.value = "nej"
    assert texts.need.risks.items[0].if_no in risk.follows.value
    assert texts.need.project.unanswered in page.verdict.value
    for answer in page.criteria_answers:
        answer.control.value = "ja"
    assert texts.need.project.all_yes in page.verdict.value
    page.criteria_answers[1].control.value = "nej"
    assert texts.need.project.some_no in page.verdict.value
    assert texts.need.project.criteria[1].if_no in page.criteria_answers[1].follows.value
    saved = CanvasSession(canvases, page.session.id).canvas
    assert saved.solution_risks == {texts.need.risks.items[0].id: "nej"}
    assert saved.project_criteria == {
        c.id: ("nej" if i == 1 else "ja") for i, c in enumerate(texts.need.project.criteria)
    }
    again = NeedPage(CanvasSession(canvases, page.session.id), texts)
    assert again.criteria_answers[1].control.value == "nej" and texts.need.project.some_no in again.verdict.value


def test_the_pages_list_saved_canvases_and_name_a_missing_one(canvases, texts, folder):
    session = CanvasSession(canvases, scheduler=immediately)
    session.set("name", "<i>Kundprofil</i>")
    listing = canvas_page(store=canvases).children[1].value
    assert "&lt;i&gt;Kundprofil&lt;/i&gt;" in listing and f"projektcanvas.ipynb?id={session.id}" in listing
    assert f"behov.ipynb?id={session.id}" in need_page(store=canvases).children[1].value
    assert "Canvasen finns inte" in canvas_page("saknas", store=canvases).value
    assert "Canvasen finns inte" in need_page("saknas", store=canvases).value


def test_a_second_tab_shows_the_choice_and_nothing_is_lost(canvases, texts):
    first = new_page(canvases, texts)
    first.fields["name"].control.value = "Kundprofil"
    second = CanvasPage(CanvasSession(canvases, first.session.id, scheduler=immediately), texts)
    second.fields["risks"].control.value = "Tvåans risk"
    first.fields["risks"].control.value = "Ettans risk"
    keep, _take = first.status.conflict.children[1].children
    assert "role='alert'" in first.status.conflict.children[0].value
    keep.click()
    assert canvases.load(first.session.id)[0]["risks"] == "Ettans risk"
    assert second.session.check_for_updates()
    assert second.fields["risks"].control.value == "Ettans risk"


def test_the_need_page_shows_what_another_tab_saved(canvases, texts):
    page = NeedPage(CanvasSession(canvases, scheduler=immediately), texts)
    page.fields["need"].control.value = "Första fliken"
    other = CanvasSession(canvases, page.session.id, scheduler=immediately)
    other.set("target_group", "Handläggare")
    other.answer("project_criteria", "avgransat", "nej")
    revisions = len(canvases.history(page.session.id))
    assert page.session.check_for_updates()
    assert page.fields["target_group"].control.value == "Handläggare"
    assert page.criteria_answers[1].control.value == "nej" and texts.need.project.some_no in page.verdict.value
    assert len(canvases.history(page.session.id)) == revisions  # showing them saved nothing new


def test_the_canvas_shows_where_the_initiative_stands_on_the_process(canvases, texts, folder, content):
    from nyttolib.process import load_process

    steps = {step.id: step.name for step in load_process().steps}
    page = new_page(canvases, texts, folder, content)

    def current() -> str:
        return re.search(r"aria-current='step'><strong>([^<]*)</strong>", page.process_panel.value).group(1)

    page.fields["need"].control.value = "Ett behov"
    first = current()
    for name, value in [("name", "Kundprofil"), ("initiator", "Ville")]:
        page.fields[name].control.value = value
    page.submit.click()
    submitted = current()
    page.start.click()
    started = current()
    assert first in steps.values() and submitted in steps.values() and started in steps.values()
    order = list(steps.values())
    assert order.index(first) <= order.index(submitted) <= order.index(started)
    assert order.index(first) < order.index(started)
