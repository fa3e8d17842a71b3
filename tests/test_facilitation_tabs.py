"""Two facilitator tabs (a laptop and the projector) on one workshop: notes and actions are records of their
own, so changes to different ones both survive; one changed in both tabs is merged field by field, and a
field both changed is shown with "Behåll min" / "Ta deras" instead of being overwritten. On SQLite and on
PostgreSQL: the store finds the conflicts."""

from __future__ import annotations

import json

import pytest

from nyttolib.survey.facilitation import FacilitationSession
from nyttolib.survey.questionnaire import load_questionnaires
from nyttolib.survey.store import WorkshopStore

QUESTIONNAIRES = load_questionnaires()[0]
MATURITY = QUESTIONNAIRES["mognadsanalys-nyttorealisering"]
FIRST, SECOND, THIRD = (d.id for d in MATURITY.dimensions[:3])


def at_once(_delay, callback):
    callback()


@pytest.fixture
def store(tmp_path, database_url):
    with WorkshopStore(tmp_path, database_url=database_url) as workshop_store:
        yield workshop_store


@pytest.fixture
def tabs(store):
    workshop = store.create("Mognad", MATURITY.id)
    laptop = FacilitationSession(store, workshop.facilitator_code, scheduler=at_once)
    projector = FacilitationSession(store, workshop.facilitator_code, scheduler=at_once)
    return workshop, laptop, projector


def test_changes_to_different_notes_and_actions_in_two_tabs_both_survive(store, tabs):
    workshop, laptop, projector = tabs
    laptop.set_note(FIRST, "Ledningen vill se nyttan tidigt")
    laptop.add_action(FIRST)
    laptop.update_action(0, action="Besluta om modell", responsible="Kommundirektör")
    projector.set_note(SECOND, "Ingen följer upp")  # the projector tab has not seen the laptop's changes
    projector.add_action()
    projector.update_action(0, action="Utbilda chefer")
    stored = store.facilitation(workshop.id)
    assert stored["notes"] == {FIRST: "Ledningen vill se nyttan tidigt", SECOND: "Ingen följer upp"}
    assert [a["action"] for a in stored["actions"]] == ["Besluta om modell", "Utbilda chefer"]
    assert laptop.status == projector.status == "saved" and not projector.conflicts
    # Each tab takes in what the other saved, and says which records changed.
    assert set(projector.catch_up()) == {("note", FIRST), ("action", laptop.document.actions[0].id)}
    assert projector.document.notes[FIRST] == "Ledningen vill se nyttan tidigt"
    assert [a.action for a in projector.document.actions] == ["Utbilda chefer", "Besluta om modell"]
    laptop.catch_up()
    assert laptop.document.notes[SECOND] == "Ingen följer upp" and len(laptop.document.actions) == 2
    assert not laptop.catch_up()  # nothing new


def test_one_action_changed_in_two_tabs_is_merged_field_by_field(store, tabs):
    workshop, laptop, projector = tabs
    laptop.add_action()
    laptop.update_action(0, action="Gemensam modell")
    projector.catch_up()
    laptop.update_action(0, responsible="Ekonomichef")
    projector.update_action(0, priority="hog")  # based on the version without a responsible
    assert not projector.conflicts and projector.status == "saved"
    action = store.facilitation(workshop.id)["actions"][0]
    assert (action["action"], action["responsible"], action["priority"]) == ("Gemensam modell", "Ekonomichef", "hog")
    assert projector.document.actions[0].responsible == "Ekonomichef"  # the merge is shown in the tab too


def test_the_same_note_changed_in_two_tabs_is_a_conflict_the_facilitator_decides(store, tabs):
    workshop, laptop, projector = tabs
    changed = []
    projector.on_change(changed.append)
    laptop.set_note(THIRD, "Från datorn")
    projector.set_note(THIRD, "Från projektorn")
    assert store.facilitation(workshop.id)["notes"][THIRD] == "Från datorn"  # not overwritten
    assert projector.status == "conflict"
    conflict = projector.conflicts[("note", THIRD)]
    assert (conflict.mine, conflict.theirs) == ({"text": "Från projektorn"}, {"text": "Från datorn"})
    # Other changes in the projector tab are saved while the conflict waits.
    projector.set_note(FIRST, "Något annat")
    assert store.facilitation(workshop.id)["notes"][FIRST] == "Något annat"
    assert projector.status == "conflict"
    projector.resolve(("note", THIRD), "theirs")
    assert projector.document.notes[THIRD] == "Från datorn" and projector.status == "saved"
    assert ("note", THIRD) in changed[-1]  # the view is told to show the other tab's text
    # And the other way round: keep one's own version.
    laptop.set_note(THIRD, "Datorn igen")
    projector.set_note(THIRD, "Projektorn vinner")
    projector.resolve(("note", THIRD), "mine")
    assert store.facilitation(workshop.id)["notes"][THIRD] == "Projektorn vinner"
    laptop.catch_up()
    assert laptop.document.notes[THIRD] == "Projektorn vinner"


def test_an_action_removed_in_one_tab_and_changed_in_the_other_is_a_conflict(store, tabs):
    workshop, laptop, projector = tabs
    laptop.add_action()
    laptop.update_action(0, action="Rutin")
    projector.catch_up()
    laptop.remove_action(0)
    projector.update_action(0, responsible="HR-chef")
    conflict = next(iter(projector.conflicts.values()))
    assert conflict.theirs is None and conflict.mine["responsible"] == "HR-chef"
    assert store.facilitation(workshop.id)["actions"] == []
    projector.resolve(conflict.key, "mine")  # keep it after all
    assert store.facilitation(workshop.id)["actions"][0]["responsible"] == "HR-chef"


def test_notes_and_plan_from_before_records_are_kept(tmp_path):
    with WorkshopStore(tmp_path) as store:
        workshop = store.create("Mognad", MATURITY.id)
        document = {"notes": {FIRST: "Gammal anteckning"}, "actions": [{"action": "Gammal åtgärd"}]}
        with store._write() as db:
            db.execute(
                "INSERT INTO workshop_facilitation VALUES (?, ?, ?)", (workshop.id, json.dumps(document), "2026-01-01")
            )
        session = FacilitationSession(store, workshop.facilitator_code, scheduler=at_once)
        assert session.document.notes == {FIRST: "Gammal anteckning"}
        session.update_action(0, priority="lag")
        stored = store.facilitation(workshop.id)
        assert stored["notes"] == {FIRST: "Gammal anteckning"}
        assert [(a["action"], a["priority"]) for a in stored["actions"]] == [("Gammal åtgärd", "lag")]


def test_the_facilitator_view_shows_the_other_tabs_changes_and_conflicts(store):
    from nyttolib.app.workshop.facilitator_page import FacilitatorView

    workshop = store.create("Mognad", MATURITY.id)
    laptop = FacilitatorView(store, QUESTIONNAIRES, workshop.facilitator_code, live=False)
    projector = FacilitatorView(store, QUESTIONNAIRES, workshop.facilitator_code, live=False)
    for view in (laptop, projector):
        view.facilitation.saver._schedule = at_once
        view.show("plan")
    laptop.note_fields[FIRST].control.value = "Från datorn"
    laptop.add_action()
    laptop.action_rows[0].controls["action"].value = "Besluta"
    assert projector.refresh()  # the poll sees the change and shows it
    assert projector.note_fields[FIRST].control.value == "Från datorn"
    assert [row.controls["action"].value for row in projector.action_rows] == ["Besluta"]
    assert projector.facilitation.status == "saved"  # showing the values was not an edit
    laptop.note_fields[FIRST].control.value = "Datorn ändrar"
    projector.note_fields[FIRST].control.value = "Projektorn ändrar"
    assert "Ändrat i två fönster" in projector.conflict_box.children[0].value
    text = projector.conflict_box.children[1].children[0].value
    assert "Här: Projektorn ändrar" in text and "I det andra fönstret: Datorn ändrar" in text
    assert "välj nedan" in projector.save_status.value
    take = projector.conflict_box.children[1].children[1].children[1]
    assert take.description == "Ta deras"
    take.click()
    assert projector.note_fields[FIRST].control.value == "Datorn ändrar" and not projector.conflict_box.children
    assert store.facilitation(workshop.id)["notes"][FIRST] == "Datorn ändrar"
