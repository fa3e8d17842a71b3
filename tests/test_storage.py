"""The store keeps every revision, refuses silent overwrites, and survives parallel writers and crashes,
on SQLite and on PostgreSQL (each test that takes `store` or `database_url` runs on both)."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from nyttolib.assessment.model import Assessment, Initiative
from nyttolib.storage.assessments import ConflictError, NotFoundError, Store

from strategies import assessments

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def store(tmp_path: Path, database_url):
    with Store(tmp_path / "data", database_url=database_url) as opened:
        yield opened


def test_every_save_is_a_new_revision(store, invoice):
    first = store.save(invoice)
    assert (first.id, first.revision) == ("exempel-fakturor-e-tjanst", 1)
    changed = invoice.model_copy(deep=True)
    changed.initiative.name = "E-tjänst för kundfakturor"
    second = store.save(changed, expected_revision=1, note="Nytt namn")
    assert second.revision == 2
    latest, revision = store.load(first.id)
    assert (latest.initiative.name, revision) == ("E-tjänst för kundfakturor", 2)
    old, _ = store.load(first.id, 1)
    assert old == invoice
    assert [(h.revision, h.name, h.note) for h in store.history(first.id)] == [
        (1, "E-tjänst för manuell kundfakturering", ""),
        (2, "E-tjänst för kundfakturor", "Nytt namn"),
    ]


def test_a_new_assessment_gets_an_id(store):
    saved = store.save(Assessment(initiative=Initiative(name="Chatt")))
    assert len(saved.id) == 32
    loaded, _ = store.load(saved.id)
    assert loaded.id == saved.id
    assert store.resolve(saved.id[:6]) == saved.id


def test_restore_copies_an_old_revision_forward(store, invoice):
    store.save(invoice)
    changed = invoice.model_copy(deep=True)
    changed.benefits = []
    store.save(changed)
    restored = store.restore(invoice.id, 1)
    assert restored.revision == 3
    assert store.load(invoice.id)[0] == invoice
    assert store.history(invoice.id)[-1].note == "Återställd från revision 1"


def test_conflicting_saves_are_refused(store, invoice):
    store.save(invoice)
    mine = invoice.model_copy(deep=True)
    theirs = invoice.model_copy(deep=True)
    theirs.initiative.need = "Deras ändring"
    store.save(theirs, expected_revision=1)
    mine.initiative.need = "Min ändring"
    with pytest.raises(ConflictError) as caught:
        store.save(mine, expected_revision=1)
    assert "annat fönster" in str(caught.value)
    assert (caught.value.expected, caught.value.actual) == (1, 2)
    assert store.load(invoice.id)[0].initiative.need == "Deras ändring"


def test_soft_delete_keeps_the_revisions(store, invoice, study):
    store.save(invoice)
    store.save(study)
    store.delete(invoice.id)
    assert [row.id for row in store.list()] == [study.id]
    assert {row.id for row in store.list(include_deleted=True)} == {invoice.id, study.id}
    assert store.load(invoice.id)[0] == invoice
    store.undelete(invoice.id)
    assert len(store.list()) == 2


def test_a_second_store_on_the_database_sees_every_save_and_its_stale_save_is_refused(store, database_url, invoice):
    """Two kernels (users, tabs) have a store each, with a connection each, on one database."""
    with Store(store.directory, database_url=database_url) as other:
        store.save(invoice)
        theirs, revision = other.load(invoice.id)
        assert (theirs, revision) == (invoice, 1)
        theirs.initiative.need = "Den andra kärnans ändring"
        assert other.save(theirs, expected_revision=1).revision == 2
        mine = invoice.model_copy(deep=True)
        mine.initiative.need = "Min ändring"
        with pytest.raises(ConflictError) as caught:
            store.save(mine, expected_revision=1)
        assert (caught.value.expected, caught.value.actual) == (1, 2)
        other.delete(invoice.id)
        assert store.list() == []
        assert store.load(invoice.id) == (theirs, 2)
        assert [h.need for h in (store.load(invoice.id, r)[0].initiative for r in (1, 2))] == [
            invoice.initiative.need,
            "Den andra kärnans ändring",
        ]


def test_drafts_are_kept_per_assessment_replaced_and_cleared_without_a_revision(store, invoice):
    store.save(invoice)
    assert store.drafts(invoice.id) == {}
    store.save_drafts(invoice.id, {"calculation.years": "3,5", "initiative.name": "Ålö ✓ 💶 \"citat\""})
    store.save_drafts("exempel-annan", {"calculation.years": "x"})
    assert store.drafts(invoice.id) == {"calculation.years": "3,5", "initiative.name": "Ålö ✓ 💶 \"citat\""}
    store.save_drafts(invoice.id, {"calculation.years": "4,"})
    assert store.drafts(invoice.id) == {"calculation.years": "4,"}
    assert store.head_revision(invoice.id) == 1
    store.save_drafts(invoice.id, {})
    assert store.drafts(invoice.id) == {}
    assert store.drafts("exempel-annan") == {"calculation.years": "x"}


def test_listing_shows_name_stage_time_and_completeness(store, invoice, study):
    store.save(study, completeness_percent=100)
    time.sleep(0.01)
    store.save(invoice, completeness_percent=87.5)
    rows = store.list()
    assert [(r.name, r.stage, r.completeness_percent) for r in rows] == [
        ("E-tjänst för manuell kundfakturering", "beslutade", 87.5),
        ("Förstudie Digital post", "beslutade", 100),
    ]
    assert rows[0].updated_at >= rows[1].updated_at


def test_unknown_ids(store, invoice):
    store.save(invoice)
    with pytest.raises(NotFoundError):
        store.load("finns-inte")
    with pytest.raises(NotFoundError):
        store.load(invoice.id, 7)
    with pytest.raises(NotFoundError):
        store.resolve("zzz")
    with pytest.raises(NotFoundError):
        store.history("zzz")
    with pytest.raises(NotFoundError):
        store.delete("zzz")
    store.save(Assessment(id="exempel-annan"))
    with pytest.raises(NotFoundError, match="Flera"):
        store.resolve("exempel")
    with pytest.raises(NotFoundError):
        store.resolve("exempel%")  # LIKE wildcards are taken literally


WRITER = textwrap.dedent(
    """
    import sys
    from nyttolib.assessment.model import Assessment, Initiative
    from nyttolib.storage.assessments import Store
    directory, worker, count, url = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] or None
    with Store(directory, database_url=url) as store:
        for n in range(count):
            shared = Assessment(id="delad", initiative=Initiative(name=f"w{worker}-{n}"))
            store.save(shared, note=f"w{worker}-{n}")
            own = Assessment(id=f"egen-{worker}", initiative=Initiative(name=f"w{worker}-{n}"))
            store.save(own)
    """
)


@pytest.mark.slow
def test_parallel_processes_never_lose_or_mix_a_save(tmp_path, database_url):
    workers, count, url = 6, 40, database_url or ""
    processes = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), str(w), str(count), url], cwd=ROOT)
        for w in range(workers)
    ]
    assert [p.wait(timeout=120) for p in processes] == [0] * workers
    with Store(tmp_path, database_url=database_url) as store:
        history = store.history("delad")
        assert [h.revision for h in history] == list(range(1, workers * count + 1))
        assert sorted(h.note for h in history) == sorted(f"w{w}-{n}" for w in range(workers) for n in range(count))
        for h in history:  # each revision holds the document its writer saved
            assert store.load("delad", h.revision)[0].initiative.name == h.note
        for w in range(workers):
            loaded, revision = store.load(f"egen-{w}")
            assert (loaded.initiative.name, revision) == (f"w{w}-{count - 1}", count)


CRASHER = textwrap.dedent(
    """
    import sys
    from nyttolib.assessment.model import Assessment, Initiative
    from nyttolib.storage.assessments import Store
    with Store(sys.argv[1], database_url=sys.argv[2] or None) as store:
        n = 0
        while True:
            n += 1
            store.save(Assessment(id="krasch", initiative=Initiative(name=f"{n}", need="x" * 19_000)))
            print(n, flush=True)
    """
)


@pytest.mark.slow
def test_a_writer_killed_mid_save_leaves_a_consistent_store(tmp_path, database_url):
    process = subprocess.Popen(
        [sys.executable, "-c", CRASHER, str(tmp_path), database_url or ""], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    saved = 0
    while saved < 200:
        saved = int(process.stdout.readline())
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    if database_url is None:
        with sqlite3.connect(tmp_path / "nyttolib.sqlite3") as raw:
            assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with Store(tmp_path, database_url=database_url) as store:
        head = store.head_revision("krasch")
        assert head >= saved
        assert [h.revision for h in store.history("krasch")] == list(range(1, head + 1))
        assert store.load("krasch")[0].initiative.name == str(head)
        assert store.save(Assessment(id="krasch")).revision == head + 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(assessments())
def test_save_then_load_returns_an_equal_document(store, assessment):
    saved = store.save(assessment)
    loaded, revision = store.load(saved.id)
    assert revision == saved.revision
    assert loaded == assessment.model_copy(update={"id": saved.id})
    assert json.loads(loaded.model_dump_json()) == json.loads(
        assessment.model_copy(update={"id": saved.id}).model_dump_json()
    )
