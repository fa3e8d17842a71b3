"""The one SQLite database in the data directory, shared by the assessment and workshop stores.

Voilà runs one kernel (process) per user and autosave timers run beside the widgets, so every write
is one `BEGIN IMMEDIATE` transaction, the database runs in WAL mode with full sync, and a lock keeps
the transactions of threads sharing a connection apart.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

from nyttolib.paths import DATABASE_FILENAME, data_dir


def now() -> str:
    """A UTC timestamp as stored in the database."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Database:
    def __init__(self, directory: str | os.PathLike[str] | None = None, schema: str = ""):
        self.directory = data_dir(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path: Path = self.directory / DATABASE_FILENAME
        self._lock = threading.RLock()
        self.connection = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        for pragma in ("busy_timeout = 30000", "journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON"):
            self.connection.execute(f"PRAGMA {pragma}")
        with self.write() as db:
            for statement in schema.split(";"):
                if statement.strip():
                    db.execute(statement)

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it is saved, or none of it."""
        with self._lock:
            self.connection.execute("BEGIN IMMEDIATE")
            try:
                yield self.connection
            except BaseException:
                self.connection.execute("ROLLBACK")
                raise
            self.connection.execute("COMMIT")

    def close(self) -> None:
        self.connection.close()


class DatabaseStore:
    """Base of the stores: the shared database, closed when the store is (also as a context manager)."""

    def __init__(self, directory: str | os.PathLike[str] | None, schema: str):
        self._database = Database(directory, schema)
        self._write = self._database.write
        self.directory: Path = self._database.directory

    def close(self) -> None:
        self._database.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
