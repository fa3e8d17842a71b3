"""A participant's page left open when the facilitator closes the survey: it learns so by itself, disables
its answers and says so; a change the store refused is taken back, never shown as selected."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from nyttolib.app.workshop.participant_page import AnswerView
from nyttolib.survey.participant import ParticipantSession
from nyttolib.survey.questionnaire import load_questionnaires
from nyttolib.survey.store import WorkshopStore

QUESTIONNAIRES = load_questionnaires()[0]
MATURITY = QUESTIONNAIRES["mognadsanalys-nyttorealisering"]
FIRST = MATURITY.dimensions[0]


def at_once(_delay, callback):
    callback()


@pytest.fixture
def open_page(tmp_path):
    with WorkshopStore(tmp_path) as store:
        workshop = store.create("Mognad", MATURITY.id)
        token = store.join(workshop.join_code, role="Chef")
        session = ParticipantSession(store, QUESTIONNAIRES, token, scheduler=at_once)
        yield store, workshop, session, AnswerView(session, joined=True, live=False)


def radios(view):
    page = view.built[view.current]
    return [f.control for f in page.children if isinstance(getattr(f, "control", None), widgets.RadioButtons)]


def test_an_open_page_learns_that_the_survey_closed_and_disables_its_answers(open_page):
    store, workshop, session, view = open_page
    radios(view)[0].value = 2
    assert store.response(session.token)[1].answers
    assert not session.check_closed()  # nothing changed
    store.close_survey(workshop.facilitator_code)
    assert session.check_closed()
    shown = radios(view)
    assert shown and all(radio.disabled for radio in shown)
    assert shown[0].value == 2  # what is stored is still shown
    assert "Enkäten är stängd" in view.status.value
    view.show(len(view.pages) - 1)
    assert view.built[view.current].children[1].disabled  # "Skicka in mina svar"
    # Opened again: the answers can change again.
    store.reopen_survey(workshop.facilitator_code)
    assert session.check_closed()
    view.show(0)
    assert not any(radio.disabled for radio in radios(view))
    assert "Dina svar är sparade" in view.status.value


def test_a_click_the_store_refused_is_not_shown_as_selected(open_page):
    store, workshop, session, view = open_page
    radios(view)[0].value = 4
    store.close_survey(workshop.facilitator_code)  # the page has not polled yet
    radios(view)[1].value = 5  # the click reaches a closed survey: the store refuses it
    assert store.response(session.token)[1].answers[f"{FIRST.id}/{FIRST.statements[0].id}"] == {"now": 4}
    shown = radios(view)
    assert shown[0].value == 4 and shown[1].value is None  # the refused answer is not shown
    assert all(radio.disabled for radio in shown)
    assert "Enkäten stängdes innan ditt senaste svar hann sparas" in view.status.value


def test_a_change_pending_when_the_page_learns_of_the_close_is_taken_back(tmp_path):
    with WorkshopStore(tmp_path) as store:
        workshop = store.create("Mognad", MATURITY.id)
        token = store.join(workshop.join_code)
        pending = []
        session = ParticipantSession(store, QUESTIONNAIRES, token, scheduler=lambda _d, c: pending.append(c))
        view = AnswerView(session, joined=False, live=False)
        radios(view)[0].value = 3  # waits for the pause before it is saved
        store.close_survey(workshop.facilitator_code)
        assert session.check_closed()
        assert radios(view)[0].value is None and session.lost_unsaved
        assert store.response(token)[1].answers == {}
