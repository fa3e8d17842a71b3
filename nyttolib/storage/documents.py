"""Documents of other kinds than assessments (a project canvas, a checklist's answers) in the shared database.

They are kept as assessments are: every save a new revision, a save from an older revision refused
(ConflictError) instead of overwriting, deletion only a mark. Each document is of one `kind`, has an
owner (who saved it first), may name an organisation and a date (a checklist answered by a unit on a
day) and may be linked to an assessment (a canvas to the assessment started from it). Access follows the
assessments' rule (storage.shares): the owner may share it with named users to read or to edit and hand
it over; the portfolio office reads all; the local user of `make app` may everything.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from dataclasses import dataclass
from typing import Any, Literal

from nyttolib.identity import User, current_user
from nyttolib.storage.assessments import AccessError, ConflictError, NotFoundError, Saved
from nyttolib.storage.database import DatabaseStore, StoreError, Transaction, now
from nyttolib.storage.shares import ALLOWED, Access, Ownership, Share, granted, listed_access

log = logging.getLogger("nyttolib.access")


@dataclass(frozen=True)
class DocumentListing:
    id: str
    kind: str
    name: str
    revision: int
    created_at: str
    updated_at: str
    owner: str | None
    organisation: str | None
    on_date: str | None
    link: str | None
    deleted_at: str | None
    access: Access = "owner"  # what the user listing it may do with it


@dataclass(frozen=True)
class DocumentRevision:
    revision: int
    saved_at: str
    saved_by: str | None
    name: str
    note: str


_LISTING = (
    "SELECT d.id, d.kind, r.name, d.head_revision, d.created_at, r.saved_at, d.owner, d.organisation, d.on_date,"
    " d.link, d.deleted_at FROM documents d JOIN document_revisions r ON r.document_id = d.id"
    " AND r.revision = d.head_revision"
)
# What the user's refusals call a document of each kind ("Du får inte ändra projektcanvasen …").
THE_KIND = {"canvas": "projektcanvasen", "checklist": "checklistan"}
OWNERSHIP = Ownership("documents", "document_shares", "document_id")


class DocumentStore(DatabaseStore):
    """The documents of one kind, as `user` may see them; safe from several processes at once."""

    def __init__(
        self,
        kind: str,
        directory: str | os.PathLike[str] | None = None,
        *,
        database_url: str | None = None,
        user: User | None = None,
    ):
        super().__init__(directory, database_url)
        self.kind = kind
        self.user: User = user or current_user()

    def _row(self, document_id: str, db: Transaction | None = None) -> Any:
        """The document's head revision, owner, deletion and the user's share, in one read (None: none of
        this kind)."""
        return (
            (db or self._database)
            .execute(
                f"SELECT d.head_revision, d.owner, d.deleted_at, {OWNERSHIP.share_sql('d')} FROM documents d"
                " WHERE d.id = ? AND d.kind = ?",
                (self.user.name, document_id, self.kind),
            )
            .fetchone()
        )

    def access(self, document_id: str, db: Transaction | None = None) -> Access | None:
        """What the user may do with the document: None if it is not theirs to see (or not there)."""
        row = self._row(document_id, db)
        return None if row is None else granted(self.user, row[1], row[3])

    def _require(self, document_id: str, wanted: str, db: Transaction | None = None) -> Any:
        """The document's row, if the user may `wanted` ('read', 'edit' or 'own') it; else NotFound or
        AccessError (logged)."""
        return self._allowed(self._row(document_id, db), document_id, wanted)

    def _allowed(self, row: Any, document_id: str, wanted: str) -> Any:
        if row is None:
            raise NotFoundError(f"Det finns inget dokument med id '{document_id}'.")
        if granted(self.user, row[1], row[3]) in ALLOWED[wanted]:
            return row
        log.warning("nekad: %s fick inte %s dokumentet %s (%s)", self.user.name, wanted, document_id, self.kind)
        what = {"read": "se", "edit": "ändra", "own": "ta bort, ge bort eller dela"}[wanted]
        hint = "Det får bara ägaren." if wanted == "own" else "Be ägaren dela den med dig."
        raise AccessError(f"Du får inte {what} {self._the_kind} '{document_id}'. {hint}")

    @property
    def _the_kind(self) -> str:
        return THE_KIND.get(self.kind, "dokumentet")

    def save(
        self,
        document: dict[str, Any],
        *,
        id: str | None = None,
        expected_revision: int | None = None,
        name: str = "",
        note: str = "",
        organisation: str | None = None,
        on_date: str | None = None,
        link: str | None = None,
    ) -> Saved:
        """Save as a new revision (a new document without `id` gets one). With `expected_revision`, refuse
        if someone saved in between (ConflictError). Organisation, date and link not given are kept."""
        document_id = id or uuid.uuid4().hex
        try:
            text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise StoreError(f"Dokumentet kan inte sparas: {exc}") from None
        saved_at = now()
        with self._write(f"document:{document_id}") as db:
            row = self._row(document_id, db)
            if row is None and db.execute("SELECT 1 FROM documents WHERE id = ?", (document_id,)).fetchone():
                raise StoreError(f"Id:t {document_id} används redan av ett annat slags dokument.")
            head = 0 if row is None else self._allowed(row, document_id, "edit")[0]
            if expected_revision is not None and expected_revision != head:
                raise ConflictError(document_id, expected_revision, head)
            revision = head + 1
            if row is None:
                db.execute(
                    "INSERT INTO documents (id, kind, created_at, head_revision, owner, organisation, on_date, link)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (document_id, self.kind, saved_at, revision, self.user.name, organisation, on_date, link),
                )
            else:
                db.execute(
                    "UPDATE documents SET head_revision = ?, organisation = COALESCE(?, organisation),"
                    " on_date = COALESCE(?, on_date), link = COALESCE(?, link) WHERE id = ?",
                    (revision, organisation, on_date, link, document_id),
                )
            db.execute(
                "INSERT INTO document_revisions (document_id, revision, saved_at, saved_by, name, note, document)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (document_id, revision, saved_at, self.user.name, name, note, text),
            )
        return Saved(document_id, revision, saved_at)

    def load(self, document_id: str, revision: int | None = None) -> tuple[dict[str, Any], int]:
        """The document (its newest revision unless one is named) and the revision's number."""
        head = self._require(document_id, "read")[0]
        wanted = head if revision is None else revision
        row = self._database.row(
            "SELECT document FROM document_revisions WHERE document_id = ? AND revision = ?", (document_id, wanted)
        )
        if row is None:
            raise NotFoundError(f"Det finns ingen revision {wanted} av dokumentet '{document_id}'.")
        try:
            return json.loads(row[0]), wanted
        except ValueError as exc:
            raise StoreError(f"Revision {wanted} av dokumentet '{document_id}' går inte att läsa: {exc}") from None

    def head_revision(self, document_id: str) -> int:
        return self._require(document_id, "read")[0]

    def listing(self, document_id: str) -> DocumentListing:
        self._require(document_id, "read")
        return self._listings(" WHERE d.id = ?", [document_id])[0][0]

    def list(self, include_deleted: bool = False) -> list[DocumentListing]:
        """The documents of this kind the user may read (all of them for the office), most recently
        changed first."""
        return [listing for listing, _text in self._readable(include_deleted, with_documents=False)]

    def list_with_documents(self, include_deleted: bool = False) -> list[tuple[DocumentListing, dict[str, Any] | None]]:
        """As `list`, each with its newest revision's document (None if it does not read as JSON): one
        query for a page that must look inside every document (the checklists filter by checklist)."""
        found = []
        for listing, text in self._readable(include_deleted, with_documents=True):
            try:
                document = json.loads(text)
            except ValueError:
                log.error("Document %s, revision %s, is not JSON", listing.id, listing.revision)
                document = None
            found.append((listing, document if isinstance(document, dict) else None))
        return found

    def _readable(self, include_deleted: bool, *, with_documents: bool) -> list[tuple[DocumentListing, Any]]:
        readable, parameters = OWNERSHIP.readable_sql(self.user, "d")
        where = f" WHERE d.kind = ? AND {readable}" + ("" if include_deleted else " AND d.deleted_at IS NULL")
        return self._listings(
            where + " ORDER BY r.saved_at DESC, d.id", [self.kind, *parameters], with_documents=with_documents
        )

    def _listings(
        self, where: str, parameters: list[Any], *, with_documents: bool = False
    ) -> list[tuple[DocumentListing, Any]]:
        extra = f", {OWNERSHIP.share_sql('d')}"
        if with_documents:
            extra += ", r.document"
        rows = self._database.rows(
            _LISTING.replace(" FROM documents d", extra + " FROM documents d", 1) + where, (self.user.name, *parameters)
        )
        return [
            (
                DocumentListing(*row[:11], access=listed_access(self.user, row[6], row[11])),
                row[12] if with_documents else None,
            )
            for row in rows
        ]

    def linked(self, link: str) -> list[DocumentListing]:
        """The documents of this kind linked to `link` (an assessment's id) that the user may read."""
        return [item for item in self.list() if item.link == link]

    def set_link(self, document_id: str, link: str | None) -> None:
        with self._write(f"document:{document_id}") as db:
            self._require(document_id, "edit", db)
            db.execute("UPDATE documents SET link = ? WHERE id = ?", (link, document_id))

    def history(self, document_id: str) -> list[DocumentRevision]:
        """Every revision, oldest first."""
        self._require(document_id, "read")
        rows = self._database.rows(
            "SELECT revision, saved_at, saved_by, name, note FROM document_revisions WHERE document_id = ?"
            " ORDER BY revision",
            (document_id,),
        )
        return [DocumentRevision(*row) for row in rows]

    def delete(self, document_id: str) -> None:
        """Soft delete: the document leaves the list; every revision is kept."""
        with self._write(f"document:{document_id}") as db:
            self._require(document_id, "own", db)
            db.execute("UPDATE documents SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL", (now(), document_id))

    def undelete(self, document_id: str) -> None:
        with self._write(f"document:{document_id}") as db:
            self._require(document_id, "own", db)
            db.execute("UPDATE documents SET deleted_at = NULL WHERE id = ?", (document_id,))

    # -- owner and sharing

    def owner(self, document_id: str) -> str | None:
        return self._require(document_id, "read")[1]

    def share(self, document_id: str, user_name: str, mode: Literal["read", "edit"]) -> None:
        """Let a named user read or edit the document (only its owner may)."""
        with self._write(f"document:{document_id}") as db:
            self._require(document_id, "own", db)
            owned = f"äger redan {self._the_kind}"
            user_name = OWNERSHIP.share(db, document_id, user_name, mode, self.user, owned)
        log.info("%s delade %s %s med %s (%s)", self.user.name, self.kind, document_id, user_name, mode)

    def unshare(self, document_id: str, user_name: str) -> None:
        with self._write(f"document:{document_id}") as db:
            self._require(document_id, "own", db)
            OWNERSHIP.unshare(db, document_id, user_name)
        log.info("%s slutade dela %s %s med %s", self.user.name, self.kind, document_id, user_name)

    def shares(self, document_id: str) -> list[Share]:
        self._require(document_id, "read")
        return OWNERSHIP.shares_of(self._database, document_id)

    def set_owner(self, document_id: str, user_name: str, *, keep: Literal["read", "edit"] | None = None) -> None:
        """Give the document to another user; with `keep`, the previous owner stays with a share."""
        with self._write(f"document:{document_id}") as db:
            self._require(document_id, "own", db)
            user_name = OWNERSHIP.hand_over(db, document_id, user_name, keep, self.user)
        log.info("%s gav %s %s till %s", self.user.name, self.kind, document_id, user_name)
