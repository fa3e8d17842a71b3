"""Checklists: the shipped files load and validate (a broken one names file and line, the others still
load), answerings are stored per organisation and date, autosaved, merged with another tab's, and
compared over time (hand-computed)."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nyttolib.checklists.answers import Answering, ItemAnswer, change, compare, new_answering, tally
from nyttolib.checklists.model import load_checklists
from nyttolib.checklists.session import ChecklistSession
from nyttolib.checklists.store import ChecklistStore

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "data" / "checklists"


class ManualScheduler:
    """Saves when the test says the pause is over."""

    def __init__(self):
        self.pending = []

    def __call__(self, delay, callback):
        self.pending.append(callback)
        return None

    def run(self):
        pending, self.pending = self.pending, []
        for callback in pending:
            callback()


@pytest.fixture
def checklists():
    found, problems = load_checklists(SHIPPED)
    assert problems == []
    return found


@pytest.fixture
def checklist_store(tmp_path):
    with ChecklistStore(tmp_path / "data") as opened:
        yield opened


def test_the_six_checklists_of_the_seeds_load_in_their_own_words(checklists):
    counts = {key: len(value.items) for key, value in checklists.items()}
    assert counts == {
        "tio-goda-rad": 10,
        "lokal-digital-agenda": 9,
        "styrning-och-finansiering": 5,
        "regional-samverkan": 21,
        "programstyrgrupp-rutiner": 4,
        "ar-det-ett-projekt": 3,
    }
    advice = checklists["tio-goda-rad"]
    assert advice.items[4].text == "Nyttovärdera, prioritera och ta hem vinsterna."
    assert advice.items[9].text == "Börja enkelt."
    assert "kommungemensam digital agenda" in advice.items[0].help
    assert checklists["styrning-och-finansiering"].items[0].text == (
        "Har vi gjort ansvaret för olika områden tydligt så att inget faller mellan stolarna?"
    )
    project = checklists["ar-det-ett-projekt"]
    assert project.items[1].text == "Ett projekt är avgränsat i tid och kostnad."
    assert "per definition inte ett projekt" in project.intro
    assert checklists["programstyrgrupp-rutiner"].items[0].text == "Hur och vem ska godkänna initiativ och idéer?"
    assert all(c.source for c in checklists.values())


def test_a_broken_file_names_file_and_line_and_the_others_still_load(tmp_path):
    folder = tmp_path / "checklists"
    shutil.copytree(SHIPPED, folder)
    (folder / "var-egen.yaml").write_text(
        "id: var-egen\ntitle: Vår egen\nsource: Kommunen\nitems:\n  - id: a\n    text: Första\n  - id: b\n",
        encoding="utf-8",
    )
    (folder / "trasig.yaml").write_text("id: trasig\ntitle: [oavslutad\nsource: x\n", encoding="utf-8")
    (folder / "fel-namn.yaml").write_text(
        "id: annat-namn\ntitle: T\nsource: S\nitems:\n  - id: a\n    text: A\n", encoding="utf-8"
    )
    (folder / "dubbel.yaml").write_text(
        "id: dubbel\ntitle: T\nsource: S\nitems:\n  - id: a\n    text: A\n  - id: a\n    text: B\n", encoding="utf-8"
    )
    found, problems = load_checklists(folder)
    assert set(found) == {p.stem for p in SHIPPED.glob("*.yaml")}
    by_file = {p.file: p for p in problems}
    assert set(by_file) == {"var-egen.yaml", "trasig.yaml", "fel-namn.yaml", "dubbel.yaml"}
    assert by_file["var-egen.yaml"].line == 7 and "text" in by_file["var-egen.yaml"].where
    assert by_file["trasig.yaml"].line is not None and "YAML" in by_file["trasig.yaml"].message
    assert "filens namn" in by_file["fel-namn.yaml"].message
    assert "förekommer mer än en gång" in by_file["dubbel.yaml"].message
    assert str(by_file["var-egen.yaml"]).startswith("var-egen.yaml, rad 7: items → punkt 2 → text")


def test_a_municipality_adds_a_checklist_by_dropping_a_file(tmp_path, monkeypatch):
    folder = tmp_path / "checklists"
    folder.mkdir()
    (folder / "var-egen.yaml").write_text(
        "id: var-egen\ntitle: Vår egen lista\nsource: Kommunen\nintro: Svara ärligt.\nitems:\n"
        "  - id: a\n    text: Har vi en plan?\n    help: Se styrdokumenten.\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("NYTTOLIB_CHECKLIST_DIR", str(folder))
    found, problems = load_checklists()
    assert problems == [] and found["var-egen"].items[0].help == "Se styrdokumenten."


def _answered(checklist, date, answers, organisation="Kulturförvaltningen"):
    answering = new_answering(checklist, organisation, dt.date.fromisoformat(date))
    for item_id, value in answers.items():
        answering.answers[item_id] = ItemAnswer(answer=value)
    return answering


def test_change_in_words():
    assert change("nej", "delvis").text == "bättre (förra gången Nej)"
    assert change("ja", "nej").kind == "sämre"
    assert change("ja", "ja").text == "oförändrat"
    assert change(None, "ja").kind == "nytt svar"
    assert change("delvis", None).text == "inte besvarad nu (förra gången Delvis)"
    assert change("ja", "ej_aktuellt").text == "ändrat (förra gången Ja)"
    assert change(None, "ja", existed=False).kind == "ny punkt"


def test_comparison_over_time_hand_computed(checklists):
    project = checklists["ar-det-ett-projekt"]
    first = _answered(project, "2025-03-01", {"tillfallig": "nej", "avgransat": "ja"})
    second = _answered(project, "2025-09-15", {"tillfallig": "delvis", "avgransat": "ja", "uppfoljning": "nej"})
    third = _answered(project, "2026-03-01", {"tillfallig": "ja", "avgransat": "nej", "uppfoljning": "ej_aktuellt"})
    result = compare([third, first, second], project)  # any order: by date
    assert result.dates == ["2025-03-01", "2025-09-15", "2026-03-01"]
    assert [[c.label for c in row.cells] for row in result.rows] == [
        ["Nej", "Delvis", "Ja"],
        ["Ja", "Ja", "Nej"],
        ["Inte besvarad", "Nej", "Ej aktuellt"],
    ]
    assert [[c.change.kind if c.change else None for c in row.cells] for row in result.rows] == [
        [None, "bättre", "bättre"],
        [None, "oförändrat", "sämre"],
        [None, "nytt svar", "ändrat"],
    ]
    assert result.summaries == [
        "Jämfört med 2025-03-01: 1 bättre, 1 oförändrat, 1 nytt svar.",
        "Jämfört med 2025-09-15: 1 bättre, 1 sämre, 1 ändrat.",
    ]
    assert result.tallies[0] == "1 ja, 0 delvis, 1 nej, 0 ej aktuellt, 1 inte besvarade"


def test_an_item_added_to_the_file_later_is_a_new_item_not_a_change(checklists):
    project = checklists["ar-det-ett-projekt"]
    old = _answered(project, "2025-01-01", {"tillfallig": "ja"})
    old = old.model_copy(update={"items": old.items[:1]})
    new = _answered(project, "2026-01-01", {"tillfallig": "ja", "avgransat": "ja"})
    result = compare([old, new], project)
    assert [c.present for c in result.rows[1].cells] == [False, True]
    assert result.rows[1].cells[1].change.kind == "ny punkt"
    assert result.summaries == ["Jämfört med 2025-01-01: 1 oförändrat, 2 nya punkter."]


def test_tally():
    assert tally(Answering.model_validate(_minimal())).unanswered == 1


def _minimal():
    return {
        "checklist_id": "x",
        "checklist_title": "X",
        "organisation": "  Kultur   och fritid ",
        "on_date": "2026-01-01",
        "items": [{"id": "a", "text": "A"}],
    }


def test_the_answering_refuses_what_it_cannot_hold():
    assert Answering.model_validate(_minimal()).organisation == "Kultur och fritid"
    with pytest.raises(ValueError):
        Answering.model_validate({**_minimal(), "organisation": "   "})
    with pytest.raises(ValueError):
        Answering.model_validate({**_minimal(), "answers": {"b": {"answer": "ja"}}})
    with pytest.raises(ValueError):
        Answering.model_validate({**_minimal(), "answers": {"a": {"answer": "kanske"}}})


def test_answerings_per_organisation_and_date(checklists, checklist_store):
    project = checklists["ar-det-ett-projekt"]
    one = checklist_store.save(_answered(project, "2025-03-01", {"tillfallig": "ja"}))
    checklist_store.save(_answered(project, "2026-03-01", {"tillfallig": "nej"}, organisation="kulturförvaltningen "))
    checklist_store.save(_answered(project, "2026-03-01", {}, organisation="Socialtjänsten"))
    checklist_store.save(_answered(checklists["tio-goda-rad"], "2026-03-01", {}))
    listed = checklist_store.answerings("ar-det-ett-projekt", "Kulturförvaltningen")
    assert [a.on_date for a in listed] == ["2026-03-01", "2025-03-01"]
    assert checklist_store.find("ar-det-ett-projekt", "KULTURFÖRVALTNINGEN", dt.date(2025, 3, 1)) == one.id
    assert checklist_store.find("ar-det-ett-projekt", "Kulturförvaltningen", dt.date(2024, 1, 1)) is None
    assert [a.on_date.isoformat() for a in checklist_store.history("ar-det-ett-projekt", "Kulturförvaltningen")] == [
        "2025-03-01",
        "2026-03-01",
    ]
    assert checklist_store.organisations() == ["Kulturförvaltningen", "Socialtjänsten"]
    listing = checklist_store.documents.listing(one.id)
    assert (listing.kind, listing.organisation, listing.on_date) == ("checklist", "Kulturförvaltningen", "2025-03-01")


def test_the_session_saves_each_change_after_a_pause_as_a_new_revision(checklists, checklist_store):
    scheduler = ManualScheduler()
    session = ChecklistSession.start(
        checklist_store, checklists["ar-det-ett-projekt"], "Kultur", dt.date(2026, 3, 1), scheduler=scheduler
    )
    assert session.revision == 1
    session.set_answer("tillfallig", "ja")
    session.set_comment("tillfallig", "Projektet slutar i juni.")
    assert session.status == "pending" and checklist_store.load(session.id)[0].answers == {}
    scheduler.run()
    stored, revision = checklist_store.load(session.id)
    assert revision == 2 and session.status == "saved"
    assert stored.answer("tillfallig") == ItemAnswer(answer="ja", comment="Projektet slutar i juni.")
    again = ChecklistSession.start(checklist_store, checklists["ar-det-ett-projekt"], " kultur", dt.date(2026, 3, 1))
    assert again.id == session.id  # the same organisation and date opens the same answering
    with pytest.raises(ValueError):
        session.set_answer("tillfallig", "kanske")
    with pytest.raises(ValueError, match="för lång"):
        session.set_comment("tillfallig", "x" * 100_001)


def test_another_tabs_answers_are_taken_in_and_a_real_conflict_is_shown_with_both(checklists, checklist_store):
    project = checklists["ar-det-ett-projekt"]
    first_tab, second_tab = ManualScheduler(), ManualScheduler()
    one = ChecklistSession.start(checklist_store, project, "Kultur", dt.date(2026, 3, 1), scheduler=first_tab)
    two = ChecklistSession(checklist_store, one.id, scheduler=second_tab)
    two.set_answer("avgransat", "ja")
    two.set_answer("uppfoljning", "nej")
    second_tab.run()
    one.set_answer("tillfallig", "delvis")
    one.set_answer("uppfoljning", "ja")
    first_tab.run()  # refused by the store, merged, saved
    stored, revision = checklist_store.load(one.id)
    assert revision == 3
    assert {k: v.answer for k, v in stored.answers.items()} == {
        "tillfallig": "delvis",
        "avgransat": "ja",
        "uppfoljning": "ja",
    }
    assert one.status == "conflict" and [c.item_id for c in one.conflicts] == ["uppfoljning"]
    assert one.conflicts[0].description() == "Punkt 3: här Ja; i den andra fliken Nej."
    assert "punkt 2" in one.news
    assert [h.revision for h in checklist_store.documents.history(one.id)] == [1, 2, 3]  # nothing lost
    one.take_theirs("uppfoljning")
    first_tab.run()
    assert checklist_store.load(one.id)[0].answer("uppfoljning").answer == "nej"
    assert two.check_other_tab() is True  # the second tab takes in what the first saved
    assert two.answering.answer("tillfallig").answer == "delvis"
    assert two.check_other_tab() is False


CRASHER = """
import asyncio, datetime as dt, sys
from nyttolib.checklists.model import load_checklists
from nyttolib.checklists.session import ChecklistSession
from nyttolib.checklists.store import ChecklistStore

async def main():
    checklists, _ = load_checklists()
    store = ChecklistStore(sys.argv[1])
    session = ChecklistSession.start(store, checklists["tio-goda-rad"], "Kultur", dt.date(2026, 3, 1))
    for number, item in enumerate(checklists["tio-goda-rad"].items):
        session.set_answer(item.id, "delvis")
        session.set_comment(item.id, f"kommentar {number}")
        await asyncio.sleep(0.05)
    print(session.id, flush=True)
    await asyncio.sleep(3600)

asyncio.run(main())
"""


def test_answers_survive_a_killed_kernel(tmp_path):
    """The kernel is killed (SIGKILL: nothing runs at exit) one second after the last answer: it is stored."""
    process = subprocess.Popen(
        [sys.executable, "-c", CRASHER, str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        answering_id = process.stdout.readline().strip()
        time.sleep(1.0)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    with ChecklistStore(tmp_path) as store:
        stored, _ = store.load(answering_id)
    assert [stored.answer(i.id).answer for i in stored.items] == ["delvis"] * 10
    assert stored.answer("borja-enkelt").comment == "kommentar 9"


def test_the_event_loop_scheduler_saves_within_a_second(checklists, checklist_store):
    async def answer():
        session = ChecklistSession.start(
            checklist_store, checklists["ar-det-ett-projekt"], "Kultur", dt.date(2026, 1, 1)
        )
        session.set_answer("tillfallig", "ja")
        await asyncio.sleep(ChecklistSession.SAVE_DELAY + 0.3)
        return session.id

    answering_id = asyncio.run(answer())
    assert checklist_store.load(answering_id)[0].answer("tillfallig").answer == "ja"


def test_the_readme_example_of_an_own_checklist_loads(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = readme.split("# data/checklists/infor-upphandling.yaml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "infor-upphandling.yaml").write_text(example, encoding="utf-8")
    found, problems = load_checklists(tmp_path)
    assert problems == [] and [i.section for i in found["infor-upphandling"].items] == ["", "Avtal"]
