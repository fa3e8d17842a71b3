"""The store: the assessments in the shared database (SQLite or PostgreSQL), every save a new revision.

Nothing is overwritten: saving adds a revision, restoring copies an old revision to a new one, and
deleting only marks the assessment as deleted. Every write is one transaction (storage.database), so a
crash mid-save leaves the previous revision intact.

Access is decided here, so every route (the pages, the command line, the portfolio) goes through it:
each revision records who saved it; an assessment has an owner, who may share it with named users to
read or to edit; the portfolio office reads all; the local user of `make app` may do everything.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from nyttolib.assessment.migrations import migrate
from nyttolib.assessment.model import SCHEMA_VERSION, Assessment
from nyttolib.assessment.validation import describe_location
from nyttolib.identity import User, current_user
from nyttolib.messages import error_text
from nyttolib.storage.database import DatabaseStore, StoreError, Transaction, now
from nyttolib.storage.shares import ALLOWED, SHARE_MODES, Access, Ownership, Share, listed_access

__all__ = ["SHARE_MODES", "Access", "Share"]  # the shares' names, as the app imported them from here

log = logging.getLogger("nyttolib.access")


class NotFoundError(StoreError):
    pass


class AccessError(StoreError):
    """The user may not do this with this assessment (refused, and logged)."""


class UnreadableError(StoreError):
    """A stored revision that does not load (written past the store, or damaged); older ones may."""

    def __init__(self, assessment_id: str, revision: int, error: ValidationError):
        first = error.errors()[0]
        where = describe_location(tuple(first["loc"])) or "dokumentet"
        super().__init__(
            f"Revision {revision} av bedömningen '{assessment_id}' går inte att läsa ({where}: {error_text(first)}). "
            f"Inget är borttaget: se revisionerna med 'nyttolib history {assessment_id}' och återställ en "
            "tidigare med 'nyttolib restore'."
        )


class ConflictError(StoreError):
    """Someone else saved the assessment since this copy was opened (another tab or user)."""

    def __init__(self, assessment_id: str, expected: int, actual: int):
        self.assessment_id = assessment_id
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"Bedömningen har sparats från ett annat fönster eller av någon annan (revision {actual}, "
            f"du utgick från revision {expected}). Öppna den igen för att se de senaste ändringarna."
        )


@dataclass(frozen=True)
class Listing:
    id: str
    name: str
    stage: str | None
    revision: int
    created_at: str
    updated_at: str
    completeness_percent: float | None
    deleted_at: str | None
    owner: str | None = None
    access: Access = "owner"


@dataclass(frozen=True)
class RevisionInfo:
    revision: int
    saved_at: str
    name: str
    note: str
    completeness_percent: float | None
    saved_by: str | None = None


@dataclass(frozen=True)
class Saved:
    id: str
    revision: int
    saved_at: str


class ExistsError(StoreError):
    """An imported file has the id of an assessment already in the store (perhaps another initiative)."""

    def __init__(self, assessment_id: str, name: str, revision: int, deleted: bool, *, yours: bool = True):
        self.assessment_id = assessment_id
        state = ", borttagen ur listan" if deleted else ""
        if not yours:  # someone else's: say nothing about it but that the id is taken
            super().__init__(
                f"Id:t {assessment_id} används redan av en bedömning som du inte har tillgång till. "
                "Importera filen som en ny bedömning (--as-new)."
            )
            return
        super().__init__(
            f"Det finns redan en bedömning med id {assessment_id} (”{name or 'namnlös'}”, revision {revision}"
            f"{state}). Importera filen som en ny bedömning (--as-new), eller spara den som en ny revision av "
            "den befintliga (--update)."
        )


@dataclass(frozen=True)
class Imported:
    """What an import did: a new assessment (`new`, or `as_new` when the id was taken), a new
    revision of the existing one (`revision`), or that and taking it back from deleted (`undeleted`)."""

    saved: Saved
    how: Literal["new", "as_new", "revision", "undeleted"]


def _check_loads(text: str) -> None:
    """Every revision the store holds must open again: refuse to write one that would not load (a value
    put into a list or dict without validation would otherwise become a revision that never opens)."""
    try:
        Assessment.model_validate_json(text)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = describe_location(tuple(error["loc"]))
        raise StoreError(f"Bedömningen kan inte sparas: {where}: {error_text(error)}") from None


def read_revision(assessment_id: str, revision: int, text: str) -> Assessment:
    """A stored revision as an assessment; one saved by an older nyttolib is migrated as it is read."""
    try:
        document = json.loads(text)
        if isinstance(document, dict) and document.get("schema_version") != SCHEMA_VERSION:
            document, _ = migrate(document)
        return Assessment.model_validate(document)
    except ValidationError as exc:
        raise UnreadableError(assessment_id, revision, exc) from None
    except ValueError as exc:  # not JSON, or a schema version this nyttolib cannot read
        raise StoreError(f"Revision {revision} av bedömningen '{assessment_id}' går inte att läsa: {exc}") from None


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


OWNERSHIP = Ownership("assessments", "assessment_shares", "assessment_id")


class Store(DatabaseStore):
    """Assessments in the shared database, as `user` may see them; safe from several processes at once."""

    def __init__(
        self,
        directory: str | os.PathLike[str] | None = None,
        *,
        database_url: str | None = None,
        user: User | None = None,
    ):
        super().__init__(directory, database_url)
        self.path: Path | None = self._database.path
        self.user: User = user or current_user()

    # -- access

    def _readable_sql(self, alias: str = "a") -> tuple[str, tuple]:
        """A condition on `alias` (the assessments) for what the user may read, and its parameters."""
        return OWNERSHIP.readable_sql(self.user, alias)

    def access(self, assessment_id: str, db: Transaction | None = None) -> Access | None:
        """What the user may do with the assessment: None if it is not theirs to see (or not there)."""
        return OWNERSHIP.access(db or self._database, self.user, assessment_id)

    def _require(self, assessment_id: str, wanted: str, db: Transaction | None = None) -> Access:
        """Refuse (AccessError, logged) unless the user may `wanted` ('read', 'edit', 'portfolio', 'own')."""
        granted = self.access(assessment_id, db)
        allowed = ALLOWED[wanted]
        if granted in allowed:
            return granted
        if (
            granted is None
            and not (db or self._database)
            .execute("SELECT 1 FROM assessments WHERE id = ?", (assessment_id,))
            .fetchone()
        ):
            raise NotFoundError(f"Det finns ingen bedömning med id '{assessment_id}'.")
        log.warning("nekad: %s fick inte %s bedömningen %s (har: %s)", self.user.name, wanted, assessment_id, granted)
        raise AccessError(_refusal(wanted, assessment_id))

    # -- finding

    def resolve(self, id_or_prefix: str) -> str:
        """The full id for an id or a unique prefix of one (as typed on the command line)."""
        readable, parameters = self._readable_sql()
        rows = self._database.rows(
            f"SELECT a.id FROM assessments a WHERE (a.id = ? OR a.id LIKE ? ESCAPE '\\') AND {readable} LIMIT 3",
            (id_or_prefix, _like_prefix(id_or_prefix), *parameters),
        )
        exact = [r[0] for r in rows if r[0] == id_or_prefix]
        if exact:
            return exact[0]
        if not rows or not id_or_prefix:
            if id_or_prefix and self._database.row("SELECT 1 FROM assessments WHERE id = ?", (id_or_prefix,)):
                self._require(id_or_prefix, "read")
            raise NotFoundError(f"Det finns ingen bedömning med id '{id_or_prefix}'.")
        if len(rows) > 1:
            raise NotFoundError(f"Flera bedömningar har ett id som börjar med '{id_or_prefix}'; skriv fler tecken.")
        return rows[0][0]

    # -- saving

    def save(
        self,
        assessment: Assessment,
        *,
        expected_revision: int | None = None,
        note: str = "",
        completeness_percent: float | None = None,
    ) -> Saved:
        """Save as a new revision; a new assessment gets an id. With `expected_revision`, refuse if
        someone saved in between (ConflictError) instead of silently overwriting their work."""
        assessment_id, text = self._prepare_save(assessment)
        saved_at = now()
        with self._write(assessment_id) as db:
            revision = self._write_revision(
                db, assessment, assessment_id, text, saved_at, expected_revision, note, completeness_percent
            )
            self._after_save(db, assessment_id, revision, assessment.model_copy(update={"id": assessment_id}))
        return Saved(assessment_id, revision, saved_at)

    def _prepare_save(self, assessment: Assessment) -> tuple[str, str]:
        """The id and the stored text of a document about to be saved, checked to load again."""
        assessment_id = assessment.id or uuid.uuid4().hex
        document = assessment.model_copy(update={"id": assessment_id}).model_dump(mode="json")
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        _check_loads(text)
        return assessment_id, text

    def _write_revision(
        self,
        db: Transaction,
        assessment: Assessment,
        assessment_id: str,
        text: str,
        saved_at: str,
        expected_revision: int | None,
        note: str,
        completeness_percent: float | None,
        wanted: str = "edit",
    ) -> int:
        """Add one revision inside the caller's write transaction (which then calls `_after_save`);
        returns its number. A new assessment is the saving user's."""
        row = db.execute("SELECT head_revision FROM assessments WHERE id = ?", (assessment_id,)).fetchone()
        head = row[0] if row else 0
        if row:
            self._require(assessment_id, wanted, db)
        if expected_revision is not None and expected_revision != head:
            raise ConflictError(assessment_id, expected_revision, head)
        revision = head + 1
        if row:
            db.execute("UPDATE assessments SET head_revision = ? WHERE id = ?", (revision, assessment_id))
        else:
            db.execute(
                "INSERT INTO assessments (id, created_at, head_revision, owner) VALUES (?, ?, ?, ?)",
                (assessment_id, saved_at, revision, self.user.name),
            )
        db.execute(
            "INSERT INTO revisions (assessment_id, revision, saved_at, schema_version, name, stage,"
            " completeness_percent, note, document, saved_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                assessment_id,
                revision,
                saved_at,
                assessment.schema_version,
                assessment.initiative.name,
                assessment.initiative.portfolio.stage,
                completeness_percent,
                note,
                text,
                self.user.name,
            ),
        )
        return revision

    def _after_save(self, db: Transaction, assessment_id: str, revision: int, assessment: Assessment) -> None:
        """Called inside the save's transaction: a store that keeps figures derived from the document
        (the portfolio's summary row) writes them here, so they are saved with the revision or not at all."""

    def import_assessment(
        self,
        assessment: Assessment,
        *,
        on_existing: Literal["refuse", "as_new", "update"] = "refuse",
        note: str = "",
        completeness_percent: float | None = None,
    ) -> Imported:
        """Save an imported document without ever adding silently to another assessment's history.

        A file whose id is taken (also by a deleted assessment) is refused (ExistsError), imported
        under a new id, or saved as a new revision of the existing one, which is then listed again.
        Someone else's assessment is never named: the file is imported as new, or refused.
        """
        row = None
        if assessment.id:
            row = self._database.row(
                "SELECT a.head_revision, a.deleted_at, r.name FROM assessments a JOIN revisions r"
                " ON r.assessment_id = a.id AND r.revision = a.head_revision WHERE a.id = ?",
                (assessment.id,),
            )
        if row is None:
            return Imported(self.save(assessment, note=note, completeness_percent=completeness_percent), "new")
        head, deleted_at, name = row
        if on_existing == "as_new":
            fresh = assessment.model_copy(update={"id": None})
            return Imported(self.save(fresh, note=note, completeness_percent=completeness_percent), "as_new")
        if self.access(assessment.id) is None:
            raise ExistsError(assessment.id, "", head, False, yours=False)
        if on_existing == "refuse":
            raise ExistsError(assessment.id, name, head, deleted_at is not None)
        saved = self.save(assessment, expected_revision=head, note=note, completeness_percent=completeness_percent)
        if deleted_at is not None:
            self.undelete(assessment.id)
            return Imported(saved, "undeleted")
        return Imported(saved, "revision")

    # -- reading

    def load(self, assessment_id: str, revision: int | None = None) -> tuple[Assessment, int]:
        """The assessment (latest revision unless one is named) and its revision number."""
        db = self._database
        self._require(assessment_id, "read")
        if revision is None:
            row = db.row(
                "SELECT r.document, r.revision FROM assessments a JOIN revisions r"
                " ON r.assessment_id = a.id AND r.revision = a.head_revision WHERE a.id = ?",
                (assessment_id,),
            )
        else:
            row = db.row(
                "SELECT document, revision FROM revisions WHERE assessment_id = ? AND revision = ?",
                (assessment_id, revision),
            )
        if row is None:
            which = f"revision {revision} av " if revision is not None else ""
            raise NotFoundError(f"Det finns ingen {which}bedömning med id '{assessment_id}'.")
        return read_revision(assessment_id, row[1], row[0]), row[1]

    def head_revision(self, assessment_id: str) -> int:
        self._require(assessment_id, "read")
        row = self._database.row("SELECT head_revision FROM assessments WHERE id = ?", (assessment_id,))
        if row is None:
            raise NotFoundError(f"Det finns ingen bedömning med id '{assessment_id}'.")
        return row[0]

    def list(self, include_deleted: bool = False) -> list[Listing]:
        """The assessments the user may read, most recently changed first."""
        readable, parameters = self._readable_sql()
        rows = self._database.rows(
            "SELECT a.id, r.name, r.stage, r.revision, a.created_at, r.saved_at, r.completeness_percent,"
            f" a.deleted_at, a.owner, {OWNERSHIP.share_sql('a')} FROM assessments a JOIN revisions r"
            f" ON r.assessment_id = a.id AND r.revision = a.head_revision WHERE {readable}"
            + ("" if include_deleted else " AND a.deleted_at IS NULL")
            + " ORDER BY r.saved_at DESC, a.id",
            (self.user.name, *parameters),
        )
        return [Listing(*row[:9], access=listed_access(self.user, row[8], row[9])) for row in rows]

    def history(self, assessment_id: str) -> list[RevisionInfo]:
        """Every revision of one assessment, oldest first."""
        self.head_revision(assessment_id)
        rows = self._database.rows(
            "SELECT revision, saved_at, name, note, completeness_percent, saved_by FROM revisions"
            " WHERE assessment_id = ? ORDER BY revision",
            (assessment_id,),
        )
        return [RevisionInfo(*row) for row in rows]

    def restore(self, assessment_id: str, revision: int) -> Saved:
        """Make an older revision the newest again, as a new revision (history is kept)."""
        self._require(assessment_id, "edit")
        assessment, _ = self.load(assessment_id, revision)
        row = self._database.row(
            "SELECT completeness_percent FROM revisions WHERE assessment_id = ? AND revision = ?",
            (assessment_id, revision),
        )
        return self.save(assessment, note=f"Återställd från revision {revision}", completeness_percent=row[0])

    # -- drafts

    def save_drafts(self, assessment_id: str, fields: dict[str, str]) -> None:
        """Keep what a user typed that is not valid yet (e.g. "12,5,0" in a number field), per field.

        Drafts are not part of the assessment and make no revision: they only make sure that text the
        form could not accept yet is still there when the assessment is opened again.
        """
        with self._write(assessment_id) as db:
            if db.execute("SELECT 1 FROM assessments WHERE id = ?", (assessment_id,)).fetchone():
                self._require(assessment_id, "edit", db)
            if fields:
                db.execute(
                    "INSERT INTO drafts (assessment_id, saved_at, fields) VALUES (?, ?, ?)"
                    " ON CONFLICT (assessment_id) DO UPDATE SET saved_at = excluded.saved_at, fields = excluded.fields",
                    (assessment_id, now(), json.dumps(fields, ensure_ascii=False)),
                )
            else:
                db.execute("DELETE FROM drafts WHERE assessment_id = ?", (assessment_id,))

    def drafts(self, assessment_id: str) -> dict[str, str]:
        if self._database.row("SELECT 1 FROM assessments WHERE id = ?", (assessment_id,)):
            self._require(assessment_id, "read")
        row = self._database.row("SELECT fields FROM drafts WHERE assessment_id = ?", (assessment_id,))
        return json.loads(row[0]) if row else {}

    # -- deleting

    def delete(self, assessment_id: str) -> None:
        """Soft delete: the assessment leaves the list but every revision is kept."""
        with self._write(assessment_id) as db:
            self._require(assessment_id, "own", db)
            db.execute(
                "UPDATE assessments SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL", (now(), assessment_id)
            )

    def undelete(self, assessment_id: str) -> None:
        with self._write(assessment_id) as db:
            self._require(assessment_id, "own", db)
            db.execute("UPDATE assessments SET deleted_at = NULL WHERE id = ?", (assessment_id,))

    # -- owner and sharing

    def owner(self, assessment_id: str) -> str | None:
        self._require(assessment_id, "read")
        return OWNERSHIP.owner(self._database, assessment_id)

    def set_owner(self, assessment_id: str, user_name: str, *, keep: Literal["read", "edit"] | None = None) -> None:
        """Give the assessment to another user (its owner, or IT on the command line, may). With `keep`,
        the previous owner stays with a share to read or edit, in the same transaction."""
        with self._write(assessment_id) as db:
            self._require(assessment_id, "own", db)
            user_name = OWNERSHIP.hand_over(db, assessment_id, user_name, keep, self.user)
        log.info("%s gav bedömningen %s till %s", self.user.name, assessment_id, user_name)

    def share(self, assessment_id: str, user_name: str, mode: Literal["read", "edit"]) -> None:
        """Let a named user read or edit the assessment (only its owner may)."""
        with self._write(assessment_id) as db:
            self._require(assessment_id, "own", db)
            user_name = OWNERSHIP.share(db, assessment_id, user_name, mode, self.user, "äger redan bedömningen")
        log.info("%s delade bedömningen %s med %s (%s)", self.user.name, assessment_id, user_name, mode)

    def unshare(self, assessment_id: str, user_name: str) -> None:
        with self._write(assessment_id) as db:
            self._require(assessment_id, "own", db)
            OWNERSHIP.unshare(db, assessment_id, user_name)
        log.info("%s slutade dela bedömningen %s med %s", self.user.name, assessment_id, user_name)

    def shares(self, assessment_id: str) -> list[Share]:
        self._require(assessment_id, "read")
        return OWNERSHIP.shares_of(self._database, assessment_id)


def _refusal(wanted: str, assessment_id: str) -> str:
    what = {
        "read": "se",
        "edit": "ändra",
        "portfolio": "ändra portföljuppgifterna för",
        "own": "ta bort, ge bort eller dela",
    }[wanted]
    hint = "Be ägaren dela den med dig." if wanted in ("read", "edit", "portfolio") else "Det får bara ägaren."
    return f"Du får inte {what} bedömningen '{assessment_id}'. {hint}"
