"""Move a database to another (`nyttolib db copy --to URL`): a local SQLite file into the shared PostgreSQL.

Everything is copied in one transaction of the target, which must have no assessments or workshops
yet, and then verified: every table's row count and a checksum over its rows in key order, read back
from the target, must equal the source's. The portfolio's tables are not copied: they are figures
derived from the revisions, which the portfolio recomputes on its first read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, String, inspect, text

from nyttolib.storage.database import Database, StoreError

# In the order the foreign keys need, each with the columns its rows are ordered by.
TABLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("assessments", ("id",)),
    ("revisions", ("assessment_id", "revision")),
    ("drafts", ("assessment_id",)),
    ("assessment_shares", ("assessment_id", "user_name")),
    ("workshops", ("id",)),
    ("workshop_responses", ("workshop_id", "token_hash")),
    ("workshop_facilitation", ("workshop_id",)),
    ("workshop_comparisons", ("workshop_id", "earlier_id")),
    ("workshop_facilitation_records", ("workshop_id", "kind", "key")),
    ("documents", ("id",)),
    ("document_revisions", ("document_id", "revision")),
    ("document_shares", ("document_id", "user_name")),
)
BATCH = 500


@dataclass(frozen=True)
class Copied:
    table: str
    rows: int
    checksum: str
    columns: tuple[str, ...]


def _columns(connection: Connection, table: str) -> list[str]:
    return [column["name"] for column in inspect(connection).get_columns(table)]


def _order_by(connection: Connection, table: str, order: tuple[str, ...]) -> str:
    """The key order by code point on both databases: SQLite compares text by bytes, but a PostgreSQL
    server sorts by its locale (Swedish: 'bo' before 'Zeta'), which would give the checksum another order."""
    if connection.dialect.name != "postgresql":
        return ", ".join(order)
    types = {column["name"]: column["type"] for column in inspect(connection).get_columns(table)}
    return ", ".join(f'{name} COLLATE "C"' if isinstance(types[name], String) else name for name in order)


def _rows(connection: Connection, table: str, columns: list[str], order: tuple[str, ...]) -> Iterator[tuple]:
    """The table's rows in key order, fetched in batches (a region's revisions do not fit in memory)."""
    result = connection.execution_options(yield_per=BATCH).execute(
        text(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {_order_by(connection, table, order)}")
    )
    for row in result:
        yield tuple(row)


def _value(value: Any) -> bytes:
    """One value as the checksum sees it: equal on both databases (SQLite may give 5 where PostgreSQL
    gives 5.0 in a REAL column, so numbers are compared as numbers)."""
    if value is None:
        return b"\x00N"
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int | float):
        return b"\x00F" + repr(float(value)).encode()
    return b"\x00S" + str(value).encode("utf-8", "surrogatepass")


class Checksum:
    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.rows = 0

    def add(self, row: tuple) -> None:
        self.rows += 1
        self.digest.update(b"\x01" + b"".join(_value(value) for value in row))

    def hexdigest(self) -> str:
        return self.digest.hexdigest()


def _occupied(target: Connection) -> list[str]:
    found = []
    for table in ("assessments", "workshops"):
        if target.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar():
            found.append(table)
    return found


def _verify(connection: Connection, table: str, columns: list[str], order: tuple[str, ...]) -> Checksum:
    checksum = Checksum()
    for row in _rows(connection, table, columns, order):
        checksum.add(row)
    return checksum


def copy_database(
    source: Database,
    target: Database,
    *,
    owner: str | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> list[Copied]:
    """Copy every table of `source` into the empty `target`, then verify counts and checksums.
    `owner`: the user name (as the hub knows it) that every copied assessment gets as its owner."""
    if source.where == target.where:
        raise StoreError("Källan och målet är samma databas.")
    copied = []
    with source.snapshot() as reader, target.write() as writer:
        occupied = _occupied(writer.connection)
        if occupied:
            raise StoreError(
                f"Måldatabasen {target.where} har redan innehåll ({', '.join(occupied)}); inget kopierades. "
                "Kopiera bara till en ny, tom databas."
            )
        for table, order in TABLES:
            present = set(_columns(reader, table))
            columns = [c for c in _columns(writer.connection, table) if c in present]
            copied.append(_copy_table(reader, writer, table, columns, order, owner, progress))
    for done, (table, order) in zip(copied, TABLES, strict=True):
        with target.snapshot() as connection:
            found = _verify(connection, table, list(done.columns), order)
        if (found.rows, found.hexdigest()) != (done.rows, done.checksum):
            raise StoreError(
                f"Kontrollen efter kopieringen stämmer inte för tabellen {table} ({done.rows} rader i källan, "
                f"{found.rows} i målet). Använd inte måldatabasen; töm den och kör kommandot igen."
            )
    return copied


def _copy_table(
    reader: Connection,
    writer: Any,
    table: str,
    columns: list[str],
    order: tuple[str, ...],
    owner: str | None,
    progress: Callable[[str, int], None] | None,
) -> Copied:
    """One table, in batches; the checksum is taken over the rows as written."""
    insert = text(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})")
    owner_at = columns.index("owner") if table == "assessments" and owner else None
    checksum = Checksum()
    batch: list[dict[str, Any]] = []
    for row in _rows(reader, table, columns, order):
        if owner_at is not None:
            row = (*row[:owner_at], owner, *row[owner_at + 1 :])
        checksum.add(row)
        batch.append(dict(zip(columns, row, strict=True)))
        if len(batch) >= BATCH:
            writer.connection.execute(insert, batch)
            batch = []
            if progress:
                progress(table, checksum.rows)
    if batch:
        writer.connection.execute(insert, batch)
    if progress:
        progress(table, checksum.rows)
    return Copied(table, checksum.rows, checksum.hexdigest(), tuple(columns))
