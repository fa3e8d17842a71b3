"""A real PostgreSQL server for the tests and benches, from Debian's `postgresql` package.

The server lives in a temporary folder: its data, its log and its unix socket (no TCP), trust
authentication for the superuser `postgres`, stopped and removed when done. initdb refuses to run as
root, so under root (CI) the folder is given to the `postgres` system user the package creates and the
server's programs run as that user. Each test gets a database of its own, created from template0 and
dropped (with any connection a test left open) afterwards.
"""

from __future__ import annotations

import itertools
import os
import pwd
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PACKAGE_BINARIES = Path("/usr/lib/postgresql")
SUPERUSER = "postgres"
SYSTEM_USER = "postgres"  # created by Debian's postgresql-common


class PostgresUnavailable(Exception):
    """No PostgreSQL server can be started here (package missing); the message says what to install."""


def find_binaries() -> Path:
    """The newest installed version's bin folder, /usr/lib/postgresql/<version>/bin."""
    found = [path.parent for path in PACKAGE_BINARIES.glob("*/bin/initdb")]
    if not found:
        raise PostgresUnavailable(
            f"PostgreSQL is not installed (no {PACKAGE_BINARIES}/*/bin/initdb): apt-get install postgresql"
        )
    return max(found, key=lambda path: [int(part) for part in re.findall(r"\d+", path.parent.name)] or [0])


def _as_root() -> bool:
    return os.geteuid() == 0


class PostgresServer:
    """One running server; `url(name)` is SQLAlchemy's URL of one of its databases."""

    def __init__(self, folder: Path, binaries: Path, *, durable: bool):
        self.folder = folder
        self.binaries = binaries
        self.data = folder / "data"
        self.socket_dir = folder  # a short path: a unix socket's path has at most 107 bytes
        self.log = folder / "server.log"
        self._durable = durable
        self._names = itertools.count(1)

    def _run(self, program: str, *arguments: str) -> None:
        command = [str(self.binaries / program), *arguments]
        if _as_root():
            command = ["runuser", "-u", SYSTEM_USER, "--", *command]
        completed = subprocess.run(command, capture_output=True, text=True, cwd=self.folder)
        if completed.returncode != 0:
            log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            output = completed.stderr + completed.stdout
            raise RuntimeError(f"{program} failed ({completed.returncode}):\n{output}\n{log}")

    def version(self) -> int:
        """The major version, from the package's folder name (/usr/lib/postgresql/15/bin)."""
        return int(re.findall(r"\d+", self.binaries.parent.name)[0])

    def _locale_arguments(self) -> list[str]:
        """Swedish sorting, as a municipality's server has (Debian's cluster takes the system's sv_SE
        locale): text then sorts unlike SQLite's byte order, so a store relying on the order shows here.
        ICU's sv-SE does not need the locale installed; before version 15 the server sorts by bytes."""
        if self.version() >= 15:
            return ["--locale=C", "--locale-provider=icu", "--icu-locale=sv-SE"]
        return ["--no-locale"]

    def start(self) -> None:
        self._run("initdb", "--auth=trust", f"--username={SUPERUSER}", "--encoding=UTF8",
                  *self._locale_arguments(), "--no-sync", "-D", str(self.data))
        settings = {
            "listen_addresses": "''",
            "unix_socket_directories": f"'{self.socket_dir}'",
            "max_connections": "200",  # the concurrency tests and the bench run many writer processes
            "shared_buffers": "64MB",
        }
        if not self._durable:  # tests: a machine crash loses the test's data anyway, so skip the disk flushes
            settings |= {"fsync": "off", "full_page_writes": "off", "synchronous_commit": "off"}
        with (self.data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("".join(f"{key} = {value}\n" for key, value in settings.items()))
        self._run("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data), "-l", str(self.log))

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "stop", "-w", "-m", "fast", "-D", str(self.data))

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@/{database}?host={self.socket_dir}"

    def admin(self, sql: str) -> None:
        """One statement outside a transaction (CREATE/DROP DATABASE), as the superuser."""
        import psycopg

        with psycopg.connect(host=str(self.socket_dir), user=SUPERUSER, dbname="postgres", autocommit=True) as db:
            db.execute(sql)

    def create_database(self) -> str:
        name = f"test_{os.getpid()}_{next(self._names)}"
        self.admin(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8'")
        return name

    def drop_database(self, name: str) -> None:
        self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")  # FORCE: also if a test left a connection

    @contextmanager
    def database(self) -> Iterator[str]:
        """A fresh, empty database for one test (its URL), dropped afterwards."""
        name = self.create_database()
        try:
            yield self.url(name)
        finally:
            self.drop_database(name)


@contextmanager
def postgres_server(*, durable: bool = False) -> Iterator[PostgresServer]:
    """A server in a new temporary folder, stopped and removed afterwards.

    `durable=False` (tests) turns off fsync; the bench passes True to measure what a deployment gets.
    """
    binaries = find_binaries()
    if _as_root():
        try:
            pwd.getpwnam(SYSTEM_USER)
        except KeyError:
            raise PostgresUnavailable(f"running as root, but there is no '{SYSTEM_USER}' user to run it as") from None
        if shutil.which("runuser") is None:
            raise PostgresUnavailable("running as root, but runuser (util-linux) is missing")
    folder = Path(tempfile.mkdtemp(prefix="nyttolib-pg-"))
    try:
        if _as_root():
            os.chown(folder, pwd.getpwnam(SYSTEM_USER).pw_uid, pwd.getpwnam(SYSTEM_USER).pw_gid)
        server = PostgresServer(folder, binaries, durable=durable)
        server.start()
        try:
            yield server
        finally:
            server.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
