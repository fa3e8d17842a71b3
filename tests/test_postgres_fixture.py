"""The PostgreSQL server the tests start (tests/postgres.py): it answers, and each test has its own database."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import psycopg
import pytest
import sqlalchemy as sa

from conftest import ROOT

pytestmark = pytest.mark.postgresql

SEEN: list[str] = []


def _database_names(postgres) -> set[str]:
    with psycopg.connect(host=str(postgres.socket_dir), user="postgres", dbname="postgres") as db:
        return {name for (name,) in db.execute("SELECT datname FROM pg_database")}


def test_the_url_connects_with_sqlalchemy_and_psycopg_3(postgres_url):
    engine = sa.create_engine(postgres_url)
    try:
        assert engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg"
        with engine.connect() as db:
            version = db.execute(sa.text("SHOW server_version_num")).scalar_one()
            assert int(version) >= 130000  # DROP DATABASE … WITH (FORCE) needs 13
            assert db.execute(sa.text("SELECT current_user")).scalar_one() == "postgres"
            assert db.execute(sa.text("SHOW server_encoding")).scalar_one() == "UTF8"
            assert db.execute(sa.text("SELECT :text"), {"text": "Ålö ✓"}).scalar_one() == "Ålö ✓"
    finally:
        engine.dispose()


def test_the_server_listens_on_its_socket_only(postgres):
    with psycopg.connect(host=str(postgres.socket_dir), user="postgres", dbname="postgres") as db:
        assert db.execute("SHOW listen_addresses").fetchone() == ("",)
        assert db.execute("SHOW unix_socket_directories").fetchone() == (str(postgres.socket_dir),)


def test_text_sorts_as_on_a_swedish_server_not_by_bytes(postgres, postgres_url):
    if postgres.version() < 15:
        pytest.skip("ICU collations for a database's default need PostgreSQL 15")
    engine = sa.create_engine(postgres_url)
    try:
        with engine.connect() as db:
            words = db.execute(
                sa.text("SELECT w FROM (VALUES ('Örjan'), ('bo'), ('Zeta'), ('Anna'), ('ärende')) AS v(w) ORDER BY w")
            ).scalars()
            assert list(words) == ["Anna", "bo", "Zeta", "ärende", "Örjan"]  # by bytes: Anna Zeta bo ärende Örjan
    finally:
        engine.dispose()


@pytest.mark.parametrize("turn", [1, 2])
def test_each_test_gets_an_empty_database_of_its_own(postgres_url, turn):
    engine = sa.create_engine(postgres_url)
    try:
        with engine.begin() as db:
            name = db.execute(sa.text("SELECT current_database()")).scalar_one()
            tables = db.execute(sa.text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).scalar_one()
            assert tables == 0  # the other turn's table is not here
            db.execute(sa.text("CREATE TABLE marker (turn integer)"))
            db.execute(sa.text("INSERT INTO marker VALUES (:turn)"), {"turn": turn})
    finally:
        engine.dispose()
    assert name not in SEEN
    SEEN.append(name)


def test_the_database_is_dropped_afterwards_even_with_a_connection_left_open(postgres):
    with postgres.database() as url:
        name = sa.engine.make_url(url).database
        assert name in _database_names(postgres)
        engine = sa.create_engine(url)
        left_open = engine.connect()
        left_open.execute(sa.text("SELECT 1"))
    assert name not in _database_names(postgres)
    with pytest.raises(sa.exc.OperationalError):  # the server ended it
        left_open.execute(sa.text("SELECT 1"))
    left_open.close()
    engine.dispose()


def test_another_process_reaches_the_same_database(postgres_url):
    """The concurrency tests write from separate processes."""
    script = textwrap.dedent(
        """
        import sys, sqlalchemy as sa
        engine = sa.create_engine(sys.argv[1])
        with engine.begin() as db:
            db.execute(sa.text("CREATE TABLE written (text text)"))
            db.execute(sa.text("INSERT INTO written VALUES ('från en annan process')"))
        """
    )
    subprocess.run([sys.executable, "-c", script, postgres_url], cwd=ROOT, check=True, timeout=60)
    engine = sa.create_engine(postgres_url)
    try:
        with engine.connect() as db:
            assert db.execute(sa.text("SELECT text FROM written")).scalar_one() == "från en annan process"
    finally:
        engine.dispose()
