"""The database schema's versions, kept by Alembic: `nyttolib db upgrade`, and every store on opening.

The migrations run inside the opening store's write transaction, so thirty kernels starting at once
upgrade the database once. A database already at `HEAD` is recognised with one query and Alembic is
not even imported (it costs start-up time on every page and command).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, inspect, text

HEAD = "0004"  # the newest revision in versions/ (tests/test_database.py checks it against Alembic's head)
SCRIPTS = Path(__file__).resolve().parent


def current(connection: Connection) -> str | None:
    """The schema revision the database is at; None for a database Alembic has not seen (new, or older)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(connection: Connection) -> bool:
    """Bring the schema to HEAD inside the caller's transaction; True if anything was done."""
    if current(connection) == HEAD:
        return False
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
    return True


def head() -> str:
    """Alembic's own idea of the newest revision (for the test that keeps HEAD honest)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    return ScriptDirectory.from_config(config).get_current_head()
