"""The one SQLite database in the data directory, shared by the assessment and workshop stores.

Voilà runs one kernel (process) per user and autosave timers run beside the widgets, so every write
is one `BEGIN IMMEDIATE` transaction, the database runs in WAL mode with full sync, and a lock keeps
the transactions of threads sharing a connection apart.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

from nyttolib.paths import DATABASE_FILENAME, data_dir, default_data_dir


def now() -> str:
    """A UTC timestamp as stored in the database."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


PRIVATE_FILE, PRIVATE_DIRECTORY = 0o600, 0o700


def private_directory(directory: Path) -> None:
    """The data folder, readable by its owner only (it holds everyone's answers and the assessments).

    A new folder is made 0700. The default folder is tightened too if an older nyttolib made it 0755;
    a folder the user chose (--data-dir) keeps the permissions it has, since it may be shared on purpose:
    the files nyttolib writes in it are 0600 either way.
    """
    existed = directory.is_dir()
    directory.mkdir(mode=PRIVATE_DIRECTORY, parents=True, exist_ok=True)
    if existed and directory != default_data_dir():
        return
    with contextlib.suppress(OSError):  # not ours (another user's folder): its owner decides
        if directory.stat().st_mode & 0o077:
            directory.chmod(PRIVATE_DIRECTORY)


def private_files(database: Path) -> None:
    """The database and its WAL files readable by their owner only: created 0600 before SQLite opens them
    (SQLite gives the WAL files the database file's permissions), and tightened if made earlier as 0644."""
    if not database.exists():
        with contextlib.suppress(OSError):
            os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    for path in (database, database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")):
        with contextlib.suppress(OSError):  # missing, or another user's file
            if path.stat().st_mode & 0o077:
                path.chmod(PRIVATE_FILE)


class StoreError(Exception):
    """A store operation that cannot be done; the message is Swedish and meant for the user."""


class DamagedDatabaseError(StoreError):
    """The database file is damaged: it is read where it can be, and never written to again."""


DAMAGED_MARK = ".skadad"  # beside the database: written when a check fails, so every process stops writing


def damaged_mark(path: Path) -> Path:
    return path.with_name(path.name + DAMAGED_MARK)


def _damaged_message(path: Path) -> str:
    return (
        f"Databasen {path} är skadad och nyttolib skriver inte mer i den, så att inget mer går förlorat. "
        "Ta en kopia av datamappen, återställ databasen från en säkerhetskopia (eller be IT om hjälp) och "
        "kör sedan nyttolib db check, som tar bort markeringen när databasen är hel."
    )


def translate(exc: sqlite3.Error, path: Path) -> StoreError:
    """SQLite's English error as a Swedish StoreError that says what the user can do."""
    text = str(exc).lower()
    if any(sign in text for sign in ("not a database", "malformed", "corrupt")):
        return DamagedDatabaseError(_damaged_message(path))
    if "full" in text:
        return StoreError(f"Disken är full: inget sparades i {path}. Frigör utrymme och försök igen.")
    if "readonly" in text or "read-only" in text:
        return StoreError(f"Datamappen {path.parent} är skrivskyddad: ändringen kunde inte sparas.")
    if "locked" in text or "busy" in text:
        return StoreError("Databasen är upptagen av ett annat program just nu. Försök igen om en stund.")
    if "unable to open" in text:
        return StoreError(f"Databasen {path} kan inte öppnas (finns mappen, och får du läsa och skriva i den?).")
    if "disk i/o" in text:
        return StoreError(f"Disken svarar inte som den ska (läs- eller skrivfel) för {path}. Inget sparades.")
    return StoreError(f"Databasen {path} kan inte användas just nu ({exc}).")


class Database:
    def __init__(self, directory: str | os.PathLike[str] | None = None, schema: str = ""):
        self.directory = data_dir(directory)
        self.path: Path = self.directory / DATABASE_FILENAME
        self._lock = threading.RLock()
        self._create_directory()
        self.read_only = not os.access(self.directory, os.W_OK) or (
            self.path.exists() and not os.access(self.path, os.W_OK)
        )
        try:
            self.connection = self._connect()
            if not self.read_only and not self.damaged:
                with self.write() as db:
                    for statement in schema.split(";"):
                        if statement.strip():
                            db.execute(statement)
        except sqlite3.Error as exc:
            raise self._failed(exc) from None

    def _create_directory(self) -> None:
        try:
            private_directory(self.directory)
        except OSError as exc:
            reason = "ingen behörighet" if isinstance(exc, PermissionError) else (exc.strerror or "okänt fel")
            raise StoreError(f"Datamappen {self.directory} kan inte skapas: {reason}.") from None
        if os.access(self.directory, os.W_OK):
            private_files(self.path)

    def _connect(self) -> sqlite3.Connection:
        if self.read_only:
            # A read-only folder cannot hold WAL's shared-memory file: read the file as it stands.
            if not self.path.exists():
                raise StoreError(f"Datamappen {self.directory} är skrivskyddad och har ingen databas än.")
            uri = f"file:{urllib.parse.quote(str(self.path))}?mode=ro&immutable=1"
            return sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None, check_same_thread=False)
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        for pragma in ("busy_timeout = 30000", "journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON"):
            connection.execute(f"PRAGMA {pragma}")
        return connection

    @property
    def damaged(self) -> bool:
        return damaged_mark(self.path).exists()

    def check(self) -> list[str]:
        """SQLite's integrity check; a failure marks the database as damaged. Returns the problems found."""
        try:
            rows = [row[0] for row in self.connection.execute("PRAGMA integrity_check(20)").fetchall()]
        except sqlite3.DatabaseError as exc:
            rows = [str(exc)]
        problems = [row for row in rows if row != "ok"]
        if problems and not self.read_only:
            damaged_mark(self.path).write_text("\n".join(problems) + "\n", encoding="utf-8")
        return problems

    def _failed(self, exc: sqlite3.Error) -> StoreError:
        """Translate an error; a sign of damage is confirmed by the integrity check and marked."""
        error = translate(exc, self.path)
        if isinstance(error, DamagedDatabaseError) and not self.damaged:
            self._mark_if_damaged(exc)
        return error

    def _mark_if_damaged(self, exc: sqlite3.Error) -> None:
        connection = getattr(self, "connection", None)
        try:
            if connection is None:  # the file could not even be opened as a database
                damaged_mark(self.path).write_text(f"{exc}\n", encoding="utf-8")
            else:
                self.check()
        except (sqlite3.Error, OSError):
            pass  # what the user is told is the error itself

    def rows(self, sql: str, parameters: tuple = ()) -> list[tuple]:
        """A read, with SQLite's errors as Swedish StoreErrors (damage found while reading is marked)."""
        try:
            return self.connection.execute(sql, parameters).fetchall()
        except sqlite3.Error as exc:
            raise self._failed(exc) from None

    def row(self, sql: str, parameters: tuple = ()) -> tuple | None:
        found = self.rows(sql, parameters)
        return found[0] if found else None

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it is saved, or none of it."""
        if self.read_only:
            raise StoreError(f"Datamappen {self.directory} är skrivskyddad: ändringen kunde inte sparas.")
        if self.damaged:
            raise DamagedDatabaseError(_damaged_message(self.path))
        with self._lock:
            try:
                self.connection.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise self._failed(exc) from None
            try:
                yield self.connection
            except BaseException as exc:
                with contextlib.suppress(sqlite3.Error):
                    self.connection.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise self._failed(exc) from None
                raise
            try:
                self.connection.execute("COMMIT")
            except sqlite3.Error as exc:
                with contextlib.suppress(sqlite3.Error):
                    self.connection.execute("ROLLBACK")
                raise self._failed(exc) from None

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
