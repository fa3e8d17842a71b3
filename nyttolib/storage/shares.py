"""Owners and shares, one rule for every kind of thing stored (an assessment, a canvas, checklist answers).

A thing has an owner, who may share it with named users to read or to edit, stop sharing and hand it
over; the portfolio office reads everything; the one local user of `make app` may do everything. The
stores call this inside their own transactions, so "may this user?" and the write are one step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from nyttolib.identity import User
from nyttolib.storage.database import StoreError, now

Access = Literal["owner", "edit", "read", "office"]
SHARE_MODES = {"read": "läsa", "edit": "ändra"}
# What each wanted action needs of the user's access.
ALLOWED: dict[str, tuple[Access, ...]] = {
    "read": ("owner", "edit", "read", "office"),
    "edit": ("owner", "edit"),
    "portfolio": ("owner", "edit", "office"),
    "own": ("owner",),
}


@dataclass(frozen=True)
class Share:
    user_name: str
    mode: Literal["read", "edit"]
    shared_by: str | None
    shared_at: str


def user_name_of(text: str) -> str:
    """A user name as typed in a form or on the command line: one word, as the person logs in."""
    name = (text or "").strip()
    if not name or len(name) > 200 or any(ch.isspace() or not ch.isprintable() for ch in name):
        raise StoreError("Skriv användarnamnet som personen loggar in med (utan mellanslag).")
    return name


def listed_access(user: User, owner: str | None, shared: str | None) -> Access:
    """A listed row's access, from its owner and the user's share (lists hold only what the user may read)."""
    if user.local or owner == user.name:
        return "owner"
    return shared if shared in SHARE_MODES else "office"  # type: ignore[return-value]


def granted(user: User, owner: str | None, shared: str | None) -> Access | None:
    """What `user` may do with a thing of this owner, shared with them so (None: not theirs to see)."""
    access = listed_access(user, owner, shared)
    return None if access == "office" and not user.portfolio_office else access


@dataclass(frozen=True)
class Ownership:
    """The table of one kind of owned thing (`table`, with `owner`) and the table of its shares."""

    table: str
    shares: str
    key: str  # the shares' column naming the thing

    def readable_sql(self, user: User, alias: str) -> tuple[str, tuple]:
        """A condition on `alias` (the things' table) for what `user` may read, and its parameters."""
        if user.local or user.portfolio_office:
            return "1 = 1", ()
        return (
            f"({alias}.owner = ? OR EXISTS (SELECT 1 FROM {self.shares} s"
            f" WHERE s.{self.key} = {alias}.id AND s.user_name = ?))",
            (user.name, user.name),
        )

    def access(self, db: Any, user: User, thing_id: str) -> Access | None:
        """What `user` may do with the thing: None if it is not theirs to see (or not there)."""
        found = db.execute(
            f"SELECT a.owner, {self.share_sql('a')} FROM {self.table} a WHERE a.id = ?", (user.name, thing_id)
        ).fetchone()
        return None if found is None else granted(user, *found)

    def share_sql(self, alias: str) -> str:
        """A column: the mode of the share with the user named by the statement's first parameter."""
        return f"(SELECT s.mode FROM {self.shares} s WHERE s.{self.key} = {alias}.id AND s.user_name = ?)"

    def owner(self, db: Any, thing_id: str) -> str | None:
        row = db.execute(f"SELECT owner FROM {self.table} WHERE id = ?", (thing_id,)).fetchone()
        return row[0] if row else None

    def share(self, db: Any, thing_id: str, user_name: str, mode: str, by: User, owned: str) -> str:
        """Let `user_name` read or edit; `owned` says whose it already is in Swedish ("äger redan …")."""
        user_name = user_name_of(user_name)
        if mode not in SHARE_MODES:
            raise StoreError("Dela för att läsa eller för att ändra.")
        if user_name == self.owner(db, thing_id):
            raise StoreError(f"{user_name} {owned}.")
        self._put(db, thing_id, user_name, mode, by)
        return user_name

    def _put(self, db: Any, thing_id: str, user_name: str, mode: str, by: User) -> None:
        db.execute(
            f"INSERT INTO {self.shares} ({self.key}, user_name, mode, shared_by, shared_at) VALUES (?, ?, ?, ?, ?)"
            f" ON CONFLICT ({self.key}, user_name) DO UPDATE SET mode = excluded.mode,"
            " shared_by = excluded.shared_by, shared_at = excluded.shared_at",
            (thing_id, user_name, mode, by.name, now()),
        )

    def unshare(self, db: Any, thing_id: str, user_name: str) -> None:
        db.execute(f"DELETE FROM {self.shares} WHERE {self.key} = ? AND user_name = ?", (thing_id, user_name.strip()))

    def hand_over(self, db: Any, thing_id: str, user_name: str, keep: str | None, by: User) -> str:
        """Make `user_name` the owner; with `keep`, the previous owner stays with a share to read or edit."""
        user_name = user_name_of(user_name)
        previous = self.owner(db, thing_id)
        db.execute(f"UPDATE {self.table} SET owner = ? WHERE id = ?", (user_name, thing_id))
        if keep in SHARE_MODES and previous and previous != user_name:
            self._put(db, thing_id, previous, keep, by)
        self.unshare(db, thing_id, user_name)
        return user_name

    def shares_of(self, db: Any, thing_id: str) -> list[Share]:
        rows = db.execute(
            f"SELECT user_name, mode, shared_by, shared_at FROM {self.shares} WHERE {self.key} = ? ORDER BY user_name",
            (thing_id,),
        ).fetchall()
        return [Share(*row) for row in rows]
