"""The one database the assessment, workshop and portfolio stores share: SQLite or PostgreSQL.

`make app` keeps an embedded SQLite file in the data directory; a municipality's shared installation
points `NYTTOLIB_DATABASE_URL` (or `--database-url`) at PostgreSQL. SQLAlchemy's Core is the one SQL
layer over both and Alembic keeps the schema (`storage/migrations`), so the stores have no dialect
branches. The stores write SQL with `?` parameters; `_statement` makes them SQLAlchemy bound
parameters, which each driver receives in its own style.

Every write is one transaction, and writes to the same thing never interleave: SQLite's
`BEGIN IMMEDIATE` takes the file's write lock (in WAL mode, with full sync), and on PostgreSQL the
transaction takes an advisory lock on what it writes (an assessment, a workshop, or everything), so a
read-check-write such as "is it still revision 3?" holds on both with any number of writers.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import re
import sqlite3
import threading
import urllib.parse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.pool import QueuePool

from nyttolib.paths import DATABASE_FILENAME, data_dir, default_data_dir

DATABASE_URL_ENV = "NYTTOLIB_DATABASE_URL"
log = logging.getLogger("nyttolib.storage")


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


def translate(exc: BaseException, path: Path) -> StoreError:
    """SQLite's English error as a Swedish StoreError that says what the user can do."""
    text_ = str(exc).lower()
    if any(sign in text_ for sign in ("not a database", "malformed", "corrupt")):
        return DamagedDatabaseError(_damaged_message(path))
    if "full" in text_:
        return StoreError(f"Disken är full: inget sparades i {path}. Frigör utrymme och försök igen.")
    if "readonly" in text_ or "read-only" in text_:
        return StoreError(f"Datamappen {path.parent} är skrivskyddad: ändringen kunde inte sparas.")
    if "locked" in text_ or "busy" in text_:
        return StoreError("Databasen är upptagen av ett annat program just nu. Försök igen om en stund.")
    if "unable to open" in text_:
        return StoreError(f"Databasen {path} kan inte öppnas (finns mappen, och får du läsa och skriva i den?).")
    if "disk i/o" in text_:
        return StoreError(f"Disken svarar inte som den ska (läs- eller skrivfel) för {path}. Inget sparades.")
    return StoreError(f"Databasen {path} kan inte användas just nu ({exc}).")


def translate_server(exc: BaseException, where: str) -> StoreError:
    """PostgreSQL's (or psycopg's) English error as a Swedish StoreError; `where` has no password."""
    text_ = str(exc).lower()
    if "password" in text_ or "authentication" in text_ or ("role" in text_ and "does not exist" in text_):
        return StoreError(f"Databasservern {where} godtar inte inloggningen: kontrollera användare och lösenord.")
    if "database" in text_ and "does not exist" in text_:
        return StoreError(f"Databasen {where} finns inte på servern. Be IT skapa den (se deploy/README.md).")
    unreachable = ("connection refused", "could not connect", "connection failed", "connection is bad", "timeout")
    if any(sign in text_ for sign in unreachable):
        return StoreError(f"Databasservern {where} svarar inte. Inget sparades; försök igen om en stund.")
    if "terminating connection" in text_ or "server closed the connection" in text_ or "connection is closed" in text_:
        return StoreError(f"Förbindelsen med databasservern {where} bröts. Inget sparades; försök igen.")
    if "could not extend" in text_ or "no space left" in text_:
        return StoreError(f"Databasserverns disk är full: inget sparades i {where}. Be IT om hjälp.")
    if "read-only" in text_:
        return StoreError(f"Databasen {where} tar bara emot läsningar just nu: ändringen kunde inte sparas.")
    if "nul (0x00)" in text_:  # psycopg's own refusal of a text with U+0000 (here in a read's parameter)
        return StoreError(NUL_MESSAGE)
    if "deadlock" in text_ or "could not serialize" in text_ or "lock timeout" in text_:
        return StoreError("Databasen är upptagen just nu. Försök igen om en stund.")
    first_line = str(getattr(exc, "orig", None) or exc).splitlines()[0] if str(exc) else type(exc).__name__
    return StoreError(f"Databasen {where} kan inte användas just nu ({first_line}).")


def normalise_url(url: str) -> URL:
    """A database URL as SQLAlchemy takes it: `postgresql://` and `postgres://` mean psycopg 3."""
    try:
        parsed = make_url(url.strip())
    except ArgumentError:
        raise StoreError(
            "Databasadressen känns inte igen. Skriv den som postgresql://användare:lösenord@server/databas "
            "eller sqlite:////sökväg/till/fil.sqlite3."
        ) from None
    driver = parsed.drivername
    if driver in ("postgresql", "postgres", "postgresql+psycopg"):
        return parsed.set(drivername="postgresql+psycopg")
    if driver in ("sqlite", "sqlite+pysqlite") and parsed.database:
        return parsed.set(drivername="sqlite")
    raise StoreError(
        f"Databasen '{parsed.render_as_string(hide_password=True)}' stöds inte: nyttolib använder "
        "SQLite (en fil) eller PostgreSQL (postgresql://…)."
    )


def chosen_url(database_url: str | None = None) -> str | None:
    """The URL given on the command line or in `NYTTOLIB_DATABASE_URL`, if any."""
    chosen = database_url or os.environ.get(DATABASE_URL_ENV, "").strip()
    return chosen or None


@functools.lru_cache(maxsize=1024)
def _statement(sql: str) -> Any:
    """`?` parameters as SQLAlchemy's named ones (`:p0`, `:p1`, …): each driver gets its own style."""
    counter = iter(range(10_000))
    return text(re.sub(r"\?", lambda _: f":p{next(counter)}", sql))


@functools.lru_cache(maxsize=1024)
def _compiled_for(sql: str, dialect: Any) -> Any:
    return _statement(sql).compile(dialect=dialect)


def _compiled(sql: str, dialect: Any, bound: dict[str, Any]) -> tuple[str, Any]:
    """The statement in the driver's own parameter style, and its parameters in the order it wants."""
    compiled = _compiled_for(sql, dialect)
    values = compiled.construct_params(bound)
    if compiled.positiontup is not None:
        return compiled.string, tuple(values[name] for name in compiled.positiontup)
    return compiled.string, values


def _bound(parameters: Sequence[Any] | dict[str, Any]) -> dict[str, Any]:
    if isinstance(parameters, dict):
        return parameters
    return {f"p{index}": value for index, value in enumerate(parameters)}


class Fetched(list):
    """A read's rows, with the cursor methods the stores use."""

    def fetchone(self) -> Any:
        return self[0] if self else None

    def fetchall(self) -> list:
        return list(self)


class Transaction:
    """The connection of one write transaction, taking the stores' `?` SQL."""

    def __init__(self, connection: Connection):
        self.connection = connection
        self.dialect: str = connection.dialect.name

    def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> Any:
        bound = _bound(parameters)
        _refuse_nul(bound)
        return self.connection.execute(_statement(sql), bound)

    def executemany(self, sql: str, rows: Any) -> None:
        bound = [_bound(row) for row in rows]
        for row in bound:
            _refuse_nul(row)
        if bound:
            self.connection.execute(_statement(sql), bound)


NUL_MESSAGE = "Texten innehåller ett otillåtet tecken, U+0000; ta bort det. Inget sparades."


def _refuse_nul(bound: dict[str, Any]) -> None:
    """PostgreSQL cannot keep U+0000 in a text, so neither database is given one: the same write is
    refused on both (and a local database stays one that `db copy` can move to the server)."""
    if any(isinstance(value, str) and "\x00" in value for value in bound.values()):
        raise StoreError(NUL_MESSAGE)


def _lock_key(name: str) -> int:
    """A signed 64-bit advisory lock key for a name (stable across processes, unlike hash())."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


class _Engines:
    """One engine per database per process (a page opens several stores); disposed with its last user."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._engines: dict[tuple, list] = {}

    def take(self, key: tuple, make: Any) -> Engine:
        with self._lock:
            entry = self._engines.get(key)
            if entry is None:
                entry = self._engines[key] = [make(), 0]
            entry[1] += 1
            return entry[0]

    def release(self, key: tuple) -> None:
        with self._lock:
            entry = self._engines.get(key)
            if entry is None:
                return
            entry[1] -= 1
            if entry[1] <= 0:
                del self._engines[key]
                entry[0].dispose()


_ENGINES = _Engines()


class Database:
    """The shared database: a SQLite file in the data directory, or the PostgreSQL server in the URL."""

    def __init__(
        self,
        directory: str | os.PathLike[str] | None = None,
        database_url: str | None = None,
        *,
        upgrade: bool = True,
    ):
        """`upgrade=False`: open without bringing the schema up to date (`nyttolib db upgrade` reports it)."""
        self.directory = data_dir(directory)
        self._lock = threading.RLock()
        url = chosen_url(database_url)
        self.url: URL = (
            normalise_url(url) if url else URL.create("sqlite", database=str(self.directory / DATABASE_FILENAME))
        )
        self.server = self.url.get_backend_name() == "postgresql"
        self.path: Path | None = None if self.server else Path(self.url.database or "")
        self.where: str = self.url.render_as_string(hide_password=True) if self.server else str(self.path)
        self.read_only = False
        if not self.server:
            self._prepare_file()
        self._key = (self.url.render_as_string(hide_password=False), self.read_only)
        self.engine = _ENGINES.take(self._key, self._make_engine)  # connects only when first used
        self._open = True
        try:
            if upgrade and not self.read_only and not self.damaged:
                self.upgrade()
            elif self.read_only and not self.path.exists():  # type: ignore[union-attr]
                raise StoreError(f"Datamappen {self.directory} är skrivskyddad och har ingen databas än.")
        except BaseException:
            self.close()
            raise

    # -- opening

    def _prepare_file(self) -> None:
        path = self.path
        assert path is not None
        folder = path.parent
        try:
            private_directory(folder) if folder == self.directory else folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            reason = "ingen behörighet" if isinstance(exc, PermissionError) else (exc.strerror or "okänt fel")
            raise StoreError(f"Datamappen {folder} kan inte skapas: {reason}.") from None
        if os.access(folder, os.W_OK):
            private_files(path)
        self.read_only = not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK))

    def _make_engine(self) -> Engine:
        if self.server:
            return create_engine(
                self.url,
                pool_size=1,  # one kernel per user: hundreds of users must fit PostgreSQL's connection limit
                max_overflow=4,
                pool_pre_ping=True,  # a restarted server or a dropped connection is reconnected, not an error
                pool_recycle=1800,
                connect_args={"connect_timeout": 10},
            )
        engine = create_engine(
            "sqlite://", creator=self._sqlite_connection, poolclass=QueuePool, pool_size=2, max_overflow=8
        )
        event.listen(engine, "begin", _begin_immediate_for_writes)
        return engine

    def _sqlite_connection(self) -> sqlite3.Connection:
        if self.read_only:
            # A read-only folder cannot hold WAL's shared-memory file: read the file as it stands.
            uri = f"file:{urllib.parse.quote(str(self.path))}?mode=ro&immutable=1"
            return sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None, check_same_thread=False)
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        for pragma in ("busy_timeout = 30000", "journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON"):
            connection.execute(f"PRAGMA {pragma}")
        return connection

    def upgrade(self) -> bool:
        """Bring the schema to this nyttolib's version (Alembic); True if it changed. A database already there
        is seen with one read, without the write lock; each opening asks again (the file may have been
        replaced, e.g. restored from a backup, since this process last looked)."""
        from nyttolib.storage import migrations

        if self.schema_version() == migrations.HEAD:
            return False
        with self.write("schema") as db:  # checked again inside: thirty kernels may start at once
            return migrations.upgrade(db.connection)

    def schema_version(self) -> str | None:
        """The schema revision the database is at (None: not one Alembic has seen)."""
        from nyttolib.storage import migrations

        with self.reading() as connection:
            return migrations.current(connection)

    # -- state

    @property
    def damaged(self) -> bool:
        return self.path is not None and damaged_mark(self.path).exists()

    def check(self) -> list[str]:
        """SQLite's integrity check (a failure marks the file as damaged), or that the server answers."""
        if self.server:
            self.rows("SELECT 1")
            return []
        try:
            with self.engine.connect() as connection:
                rows = [row[0] for row in connection.exec_driver_sql("PRAGMA integrity_check(20)").fetchall()]
        except (SQLAlchemyError, sqlite3.DatabaseError) as exc:
            rows = [str(getattr(exc, "orig", exc))]
        problems = [row for row in rows if row != "ok"]
        if problems and not self.read_only:
            damaged_mark(self.path).write_text("\n".join(problems) + "\n", encoding="utf-8")  # type: ignore[union-attr]
        return problems

    def _failed(self, exc: BaseException) -> StoreError:
        """Translate an error; on SQLite, a sign of damage is confirmed by the integrity check and marked."""
        original = getattr(exc, "orig", None) or exc
        log.warning("databasfel i %s: %s", self.where, str(original).splitlines()[0] if str(original) else original)
        if self.server:
            return translate_server(original, self.where)
        error = translate(original, self.path)  # type: ignore[arg-type]
        if isinstance(error, DamagedDatabaseError) and not self.damaged:
            with contextlib.suppress(Exception):
                if getattr(self, "engine", None) is None:
                    damaged_mark(self.path).write_text(f"{original}\n", encoding="utf-8")  # type: ignore[union-attr]
                else:
                    self.check()
        return error

    # -- reading and writing

    def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> Fetched:
        """A read, with the database's errors as Swedish StoreErrors. SQLAlchemy compiles the statement for
        the dialect; the driver's cursor runs it and returns plain tuples (a region's portfolio reads a
        hundred thousand rows, and SQLAlchemy's rows cost a third more)."""
        try:
            with self.engine.connect() as connection:
                statement, bound = _compiled(sql, connection.dialect, _bound(parameters))
                cursor = connection.connection.dbapi_connection.cursor()
                try:
                    cursor.execute(statement, bound)
                    return Fetched(cursor.fetchall())
                finally:
                    cursor.close()
        except (SQLAlchemyError, DBAPIError, sqlite3.Error) as exc:
            raise self._failed(exc) from None
        except Exception as exc:
            if isinstance(exc, self.engine.dialect.loaded_dbapi.Error):  # psycopg's own errors, unwrapped
                raise self._failed(exc) from None
            raise

    def rows(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> list:
        return self.execute(sql, parameters)

    def row(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> Any:
        found = self.execute(sql, parameters)
        return found[0] if found else None

    @contextmanager
    def snapshot(self) -> Iterator[Connection]:
        """One read transaction that sees the database as it was when it began (a copy of all of it)."""
        try:
            with self.engine.connect() as connection:
                options = {"isolation_level": "REPEATABLE READ"} if self.server else {"nyttolib_snapshot": True}
                connection = connection.execution_options(**options)
                with connection.begin():
                    yield connection
        except (SQLAlchemyError, sqlite3.Error) as exc:
            raise self._failed(exc) from None

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection for a series of reads (pandas, temporary tables), without a transaction held open."""
        try:
            with self.engine.connect() as connection:
                yield connection.execution_options(isolation_level="AUTOCOMMIT")
        except (SQLAlchemyError, sqlite3.Error) as exc:
            raise self._failed(exc) from None

    def connect(self) -> Connection:
        """A connection kept open by its caller (a page's portfolio tables); the caller closes it."""
        try:
            return self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        except (SQLAlchemyError, sqlite3.Error) as exc:
            raise self._failed(exc) from None

    @contextmanager
    def write(self, lock: str | None = None) -> Iterator[Transaction]:
        """One write transaction: all of it is saved, or none of it. `lock` names what it writes (an
        assessment's id, a workshop's): writes of the same name wait for each other; None: everything."""
        if self.read_only:
            raise StoreError(f"Datamappen {self.directory} är skrivskyddad: ändringen kunde inte sparas.")
        if self.damaged:
            raise DamagedDatabaseError(_damaged_message(self.path))  # type: ignore[arg-type]
        with self._lock:
            try:
                connection = self.engine.connect().execution_options(nyttolib_write=True)
            except (SQLAlchemyError, sqlite3.Error) as exc:
                raise self._failed(exc) from None
            try:
                with connection.begin():
                    if self.server:
                        _advisory_locks(connection, lock)
                    yield Transaction(connection)
            except (SQLAlchemyError, sqlite3.Error) as exc:
                raise self._failed(exc) from None
            finally:
                connection.close()

    def close(self) -> None:
        if getattr(self, "_open", False):
            self._open = False
            _ENGINES.release(self._key)


def _advisory_locks(connection: Connection, lock: str | None) -> None:
    """PostgreSQL: a write of everything excludes all others; a named write shares that lock (so it waits
    for a write of everything) and excludes writes of the same name. Always taken in this order."""
    everything = _lock_key("nyttolib")
    if lock is None:
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": everything})
        return
    connection.execute(text("SELECT pg_advisory_xact_lock_shared(:key)"), {"key": everything})
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _lock_key(lock)})


def _begin_immediate_for_writes(connection: Connection) -> None:
    """SQLite: a write transaction takes the write lock at once, so its reads see what it then writes over;
    a snapshot is a read transaction. Other reads need none (one statement each)."""
    options = connection.get_execution_options()
    if options.get("nyttolib_write"):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    elif options.get("nyttolib_snapshot"):
        connection.exec_driver_sql("BEGIN")


class DatabaseStore:
    """Base of the stores: the shared database, closed when the store is (also as a context manager)."""

    def __init__(self, directory: str | os.PathLike[str] | None, database_url: str | None = None):
        self._database = Database(directory, database_url)
        self._write = self._database.write
        self.directory: Path = self._database.directory
        # Where the store keeps its data, as the user is told: the data folder, or the server (no password).
        self.where: str = self._database.where if self._database.server else str(self.directory)

    @property
    def database_url(self) -> str | None:
        """The server's URL (with its password, for opening another store on it), or None for the SQLite
        file in `directory`."""
        database = self._database
        return database.url.render_as_string(hide_password=False) if database.server else None

    def close(self) -> None:
        self._database.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
