"""The database layer: URLs, the schema's versions, upgrading today's SQLite file in place, `db copy`."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pytest

from nyttolib.assessment.model import Assessment
from nyttolib.cli import run
from nyttolib.identity import User
from nyttolib.storage import migrations
from nyttolib.storage.assessments import AccessError, Store
from nyttolib.storage.database import StoreError, normalise_url
from nyttolib.storage.documents import DocumentStore
from nyttolib.survey.store import WorkshopStore

BEFORE_ALEMBIC = Path(__file__).parent / "data" / "schema-before-alembic.sql"


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_head_is_alembics_newest_revision():
    assert migrations.head() == migrations.HEAD


@pytest.mark.parametrize(
    "given",
    [
        "postgresql://anna:hemligt@db.kommun.se/nyttolib",
        "postgres://anna:hemligt@db.kommun.se/nyttolib",
        "postgresql+psycopg://anna:hemligt@db.kommun.se/nyttolib",
    ],
)
def test_postgresql_urls_mean_psycopg_3(given):
    url = normalise_url(given)
    assert url.drivername == "postgresql+psycopg"
    assert (url.host, url.database, url.username) == ("db.kommun.se", "nyttolib", "anna")


@pytest.mark.parametrize("given", ["mysql://x/y", "inte en adress", "sqlite://"])
def test_other_databases_are_refused_in_swedish(given):
    with pytest.raises(StoreError, match=r"stöds inte|känns inte igen"):
        normalise_url(given)


def test_a_server_that_does_not_answer_is_a_swedish_message_without_the_password(tmp_path):
    url = f"postgresql://anna:hemligt-losen@/nyttolib?host={tmp_path}&port=1"
    code, out, err = cli("--data-dir", str(tmp_path), "--database-url", url, "list")
    assert code == 1 and out == ""
    assert "svarar inte" in err and "hemligt-losen" not in err and "Traceback" not in err


def _database_before_alembic(folder: Path) -> Path:
    """A data folder as nyttolib left it before this version: the old schema, an assessment with two
    revisions and a draft, a workshop with two participants and two actions in the order they were added."""
    folder.mkdir()
    path = folder / "nyttolib.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(BEFORE_ALEMBIC.read_text(encoding="utf-8"))
    document = {"document_type": "nyttolib.assessment", "schema_version": 3, "id": "gammal"}
    document["initiative"] = {"name": "Gammal bedömning"}
    for revision in (1, 2):
        db.execute(
            "INSERT INTO revisions VALUES ('gammal', ?, ?, 3, 'Gammal bedömning', NULL, 40.0, '', ?)",
            (revision, f"2026-01-0{revision}T10:00:00.000+00:00", json.dumps(document)),
        )
    db.execute("INSERT INTO assessments VALUES ('gammal', '2026-01-01T10:00:00.000+00:00', 2, NULL)")
    db.execute("INSERT INTO drafts VALUES ('gammal', '2026-01-02T10:00:00.000+00:00', '{\"x\": \"12,5,0\"}')")
    db.execute(
        "INSERT INTO workshops VALUES ('w1', 'Workshop', 'sjalvgranskning-digitalisering', NULL, 'jh', 'fh',"
        " '2026-01-01T10:00:00.000+00:00', NULL, NULL)"
    )
    same_time = "2026-01-01T11:00:00.000+00:00"
    for token in ("zz-first", "aa-second"):  # the same time: only the row order says who came first
        db.execute(
            "INSERT INTO workshop_responses VALUES ('w1', ?, NULL, NULL, '{}', ?, ?, NULL, NULL)",
            (token, same_time, same_time),
        )
    for key in ("zz-action", "aa-action"):
        db.execute(
            "INSERT INTO workshop_facilitation_records VALUES ('w1', 'action', ?, ?, 1, ?)",
            (key, json.dumps({"id": key}), same_time),
        )
    db.commit()
    db.close()
    return folder


def test_todays_sqlite_database_is_upgraded_in_place(tmp_path):
    folder = _database_before_alembic(tmp_path / "data")
    code, out, _ = cli("--data-dir", str(folder), "db", "upgrade")
    assert code == 0 and f"från schemat före versionsnumren till schemaversion {migrations.HEAD}" in out
    code, out, _ = cli("--data-dir", str(folder), "db", "upgrade")
    assert code == 0 and f"redan schemaversion {migrations.HEAD}" in out

    with Store(folder) as store:
        assert [(item.id, item.revision, item.owner) for item in store.list()] == [("gammal", 2, None)]
        assert [(info.revision, info.saved_by) for info in store.history("gammal")] == [(1, None), (2, None)]
        assert store.drafts("gammal") == {"x": "12,5,0"}
        assessment, revision = store.load("gammal")
        saved = store.save(assessment, expected_revision=revision)
        assert store.history("gammal")[-1].saved_by == store.user.name and saved.revision == 3
    with WorkshopStore(folder) as workshops:
        assert [r.kind + ":" + r.key for r in workshops.facilitation_records("w1")] == [
            "action:zz-action",
            "action:aa-action",
        ]
        # The participants keep their order too (the compilation lists them so).
        tokens = [row[0] for row in workshops._db.rows("SELECT token_hash FROM workshop_responses ORDER BY seq")]
        assert tokens == ["zz-first", "aa-second"]


def test_an_assessment_from_before_owners_is_the_portfolio_offices_until_it_gets_an_owner(tmp_path):
    folder = _database_before_alembic(tmp_path / "data")
    anna = User("anna", hub=True)
    office = User("eva", frozenset({"portfoljkontoret"}), hub=True)
    with Store(folder, user=anna) as store:
        assert store.list() == []
        with pytest.raises(AccessError):
            store.load("gammal")
    with Store(folder, user=office) as store:
        assert [item.access for item in store.list()] == ["office"]
    code, _out, err = cli("--data-dir", str(folder), "db", "check")
    assert code == 0, err
    with Store(folder) as local:  # the command line's user (IT, trusted) hands it over
        local.set_owner("gammal", "anna")
    with Store(folder, user=anna) as store:
        assert [item.access for item in store.list()] == ["owner"]


def _fill(folder: Path) -> None:
    with Store(folder, user=User("anna", hub=True)) as store:
        saved = store.save(Assessment())
        store.share(saved.id, "bo", "read")
        store.save_drafts(saved.id, {"a": "1,2,3"})
    with WorkshopStore(folder) as workshops:
        created = workshops.create("Workshop åäö", "sjalvgranskning-digitalisering")
        token = workshops.join(created.join_code, name="Deltagare")
        workshops.save_answers(token, {"q": 3})


def test_db_copy_moves_everything_and_verifies_it(tmp_path):
    source = tmp_path / "lokal"
    _fill(source)
    target = f"sqlite:///{tmp_path / 'delad.sqlite3'}"
    code, out, err = cli("--data-dir", str(source), "db", "copy", "--to", target, "--owner", "anna")
    assert code == 0, err
    assert "- assessments: 1 rader" in out and "- revisions: 1 rader" in out and "stämmer" in out
    assert "- workshop_responses: 1 rader" in out and "- assessment_shares: 1 rader" in out
    with Store(tmp_path, database_url=target, user=User("bo", hub=True)) as copied:
        (listing,) = copied.list()
        assert listing.owner == "anna" and listing.access == "read"
    with WorkshopStore(tmp_path, database_url=target) as workshops:
        assert [w.name for w in workshops.workshops()] == ["Workshop åäö"]

    code, out, err = cli("--data-dir", str(source), "db", "copy", "--to", target)
    assert code == 1 and "har redan innehåll" in err and "Traceback" not in err


def test_copy_refuses_to_copy_a_database_onto_itself(tmp_path):
    source = tmp_path / "lokal"
    _fill(source)
    itself = f"sqlite:///{source / 'nyttolib.sqlite3'}"
    code, _out, err = cli("--data-dir", str(source), "db", "copy", "--to", itself)
    assert code == 1 and "samma databas" in err
    with Store(source) as store:
        assert len(store.list()) == 1


def _fill_for_a_server(folder: Path) -> None:
    """A local database as a municipality moves it: today's file from before the schema's versions, with
    texts whose order differs by bytes and in Swedish (shares to users 'bo' and 'Zeta', keys with - and _),
    a workshop, and a document."""
    _database_before_alembic(folder)
    with Store(folder, user=User("Örjan", hub=True)) as store:
        saved = store.save(Assessment(), completeness_percent=100 / 3)
        for user in ("bo", "Zeta", "ärla", "Anna"):
            store.share(saved.id, user, "read")
        store.save_drafts(saved.id, {"a_b": "1,2,3", "a-b": "x"})
    with WorkshopStore(folder) as workshops:
        created = workshops.create("Workshop åäö", "sjalvgranskning-digitalisering")
        for name in ("Zeta", "bo"):
            workshops.save_answers(workshops.join(created.join_code, name=name), {"q": 3})
    with DocumentStore("canvas", folder, user=User("Örjan", hub=True)) as documents:
        canvas = documents.save({"behov": "Ett behov"}, name="Canvas", organisation="Skola")
        documents.share(canvas.id, "Zeta", "edit")


def test_db_copy_moves_a_local_database_into_postgresql_and_verifies_it(tmp_path, postgres_url):
    source = tmp_path / "lokal"
    _fill_for_a_server(source)
    code, out, err = cli("--data-dir", str(source), "db", "copy", "--to", postgres_url)
    assert code == 0, err
    assert "- assessment_shares: 4 rader" in out and "- workshop_responses: 4 rader" in out and "stämmer" in out
    with Store(source) as local, Store(tmp_path, database_url=postgres_url) as copied:
        assert [(i.id, i.revision, i.owner) for i in copied.list()] == [
            (i.id, i.revision, i.owner) for i in local.list()
        ]
        for item in local.list():
            assert copied.history(item.id) == local.history(item.id)  # the third's completeness to the last bit
            assert copied.load(item.id) == local.load(item.id)
            # the same shares; listed by user name, which the server sorts in Swedish and SQLite by bytes
            assert set(copied.shares(item.id)) == set(local.shares(item.id))
            assert copied.drafts(item.id) == local.drafts(item.id)
    with Store(tmp_path, database_url=postgres_url, user=User("Zeta", hub=True)) as zeta:
        assert [item.access for item in zeta.list()] == ["read"]
    with WorkshopStore(source) as local, WorkshopStore(tmp_path, database_url=postgres_url) as copied:
        assert copied.workshops() == local.workshops()
        for workshop in local.workshops():
            assert copied.responses_of(workshop.id) == local.responses_of(workshop.id)  # in the order they came
            assert copied.facilitation_records(workshop.id) == local.facilitation_records(workshop.id)
    with DocumentStore("canvas", tmp_path, database_url=postgres_url, user=User("Örjan", hub=True)) as copied:
        (listing,) = copied.list()
        assert copied.load(listing.id) == ({"behov": "Ett behov"}, 1)
        assert [(share.user_name, share.mode) for share in copied.shares(listing.id)] == [("Zeta", "edit")]


def test_db_copy_knows_every_table_the_schema_has(tmp_path):
    """A table left out of the copy would be lost without a word when a municipality moves its database."""
    import sqlalchemy as sa

    from nyttolib.storage.copy import TABLES

    _fill(tmp_path)
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'nyttolib.sqlite3'}")
    try:
        with engine.connect() as db:
            tables = set(sa.inspect(db).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()
    assert tables == {name for name, _order in TABLES}


def test_the_command_line_acts_with_every_right_under_its_own_name(tmp_path, monkeypatch):
    """Only staff run it (ordinary users get Voilà only): in a staff member's hub terminal it lists
    everyone's assessments, and what it saves is recorded under the staff member's name."""
    with Store(tmp_path, user=User("anna", hub=True)) as store:
        saved = store.save(Assessment())
    monkeypatch.setenv("JUPYTERHUB_USER", "it-staff")
    code, out, err = cli("--data-dir", str(tmp_path), "list")
    assert code == 0 and saved.id[:12] in out, err
    code, out, err = cli("--data-dir", str(tmp_path), "restore", saved.id, "1")
    assert code == 0, err
    with Store(tmp_path, user=User("lokal")) as store:
        assert store.history(saved.id)[-1].saved_by == "it-staff"
