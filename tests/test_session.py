"""The form's session: debounced autosave, drafts of invalid input, conflicts between tabs, failed saves;
on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest

from nyttolib.app.session import AssessmentSession, FieldError, new_assessment
from nyttolib.storage.assessments import Store


class ManualClock:
    """Collects scheduled saves so a test decides when 'later' is."""

    def __init__(self):
        self.pending: list = []

    def __call__(self, delay, callback):
        timer = Timer(callback)
        self.pending.append(timer)
        return timer

    def run(self):
        due, self.pending = self.pending, []
        for timer in due:
            if not timer.cancelled:
                timer.callback()


class Timer:
    def __init__(self, callback):
        self.callback = callback
        self.cancelled = False

    def cancel(self):
        self.cancelled = True


@pytest.fixture
def store(tmp_path, database_url):
    with Store(tmp_path / "data", database_url=database_url) as opened:
        yield opened


@pytest.fixture
def clock():
    return ManualClock()


def test_a_new_assessment_has_the_default_rates_and_years(content):
    assessment = new_assessment(content)
    assert assessment.calculation.hourly_rates == {"intern": 450, "inkopt": 870}
    assert assessment.calculation.years == 3
    assert assessment.id


def test_changes_are_saved_once_after_a_pause(store, content, clock):
    session = AssessmentSession(store, content, scheduler=clock)
    for text in ["E", "E-", "E-tjänst"]:
        session.set(("initiative", "name"), text)
    assert store.list() == []  # nothing saved while typing
    assert session.status == "pending"
    clock.run()
    (row,) = store.list()
    assert (row.name, row.revision) == ("E-tjänst", 1)
    assert session.status == "saved" and session.status_message.startswith("Sparat ")
    assert session.revision == 1
    session.set(("initiative", "department"), "Ekonomi")
    clock.run()
    assert store.load(session.id)[0].initiative.department == "Ekonomi"
    assert store.head_revision(session.id) == 2


def test_invalid_values_raise_swedish_errors_and_change_nothing(store, content, clock):
    session = AssessmentSession(store, content, scheduler=clock)
    with pytest.raises(FieldError, match="ska vara ett tal från 0 till 100"):
        session.set(("calculation", "discount_rate_percent"), 250)
    assert session.assessment.calculation.discount_rate_percent is None
    with pytest.raises(FieldError, match="ska vara ett av"):
        session.set(("initiative", "valuation", "feasibility"), 2)


def test_drafts_survive_a_reopen_and_clear_when_fixed(store, content, clock):
    session = AssessmentSession(store, content, scheduler=clock)
    session.set(("initiative", "name"), "Chatt")
    session.set_draft(("calculation", "start_year"), "tjugotjugofem")
    clock.run()
    reopened = AssessmentSession(store, content, session.id, scheduler=clock)
    assert reopened.draft(("calculation", "start_year")) == "tjugotjugofem"
    reopened.set(("calculation", "start_year"), 2025)
    clock.run()
    assert AssessmentSession(store, content, session.id, scheduler=clock).drafts == {}


def test_two_tabs_on_one_assessment_do_not_overwrite_each_other(store, content, clock):
    first = AssessmentSession(store, content, scheduler=clock)
    first.set(("initiative", "name"), "Original")
    clock.run()
    tab_a = AssessmentSession(store, content, first.id, scheduler=clock)
    tab_b = AssessmentSession(store, content, first.id, scheduler=clock)
    tab_a.set(("initiative", "need"), "A:s text")
    clock.run()
    tab_b.set(("initiative", "need"), "B:s text")
    clock.run()
    assert tab_b.status == "conflict"
    assert "annat fönster" in tab_b.status_message
    assert store.load(first.id)[0].initiative.need == "A:s text"
    tab_b.set(("initiative", "contact"), "b@exempel.se")  # still not saved over A's work
    clock.run()
    assert store.load(first.id)[0].initiative.need == "A:s text"
    assert tab_b.keep_mine()
    latest, revision = store.load(first.id)
    assert (latest.initiative.need, revision) == ("B:s text", 3)
    assert store.load(first.id, 2)[0].initiative.need == "A:s text"  # A's version stays in the history
    tab_a.set(("initiative", "owner"), "Chef")  # a field B did not change: merged, not a conflict
    clock.run()
    assert tab_a.status == "saved"
    latest, revision = store.load(first.id)
    assert (latest.initiative.need, latest.initiative.owner, revision) == ("B:s text", "Chef", 4)
    assert tab_a.assessment.initiative.need == "B:s text" and tab_a.revision == 4


def test_a_failed_save_keeps_the_changes_and_retries(store, content, clock, monkeypatch):
    session = AssessmentSession(store, content, scheduler=clock)
    session.set(("initiative", "name"), "Viktigt")
    original = Store.save

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(Store, "save", broken)
    clock.run()
    assert session.status == "error"
    assert "Dina ändringar finns kvar" in session.status_message
    monkeypatch.setattr(Store, "save", original)
    clock.run()  # the retry scheduled by the failed save
    assert session.status == "saved"
    assert store.load(session.id)[0].initiative.name == "Viktigt"


def test_replace_revalidates_the_whole_document(store, content, clock):
    session = AssessmentSession(store, content, scheduler=clock)
    with pytest.raises(FieldError, match="ska vara ett tal från 0 till"):
        session.replace(("calculation", "cost_lines"), [{"values": [1, -2, 3]}])
    assert session.assessment.calculation.cost_lines == []
    session.replace(("calculation", "cost_lines"), [{"description": "Licens", "values": [1, 2, 3]}])
    assert session.assessment.calculation.cost_lines[0].description == "Licens"


def test_opening_an_unknown_id_fails_clearly(tmp_path, content):
    with Store(tmp_path) as store, pytest.raises(Exception, match="Det finns ingen bedömning"):
        AssessmentSession(store, content, "finns-inte")
