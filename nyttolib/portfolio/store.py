"""The assessment store with the portfolio's summary rows: one row per assessment, saved with each revision.

`PortfolioStore` is the store the app and the CLI use. Every save writes the summary row of the new
revision in the same transaction. A row that does not match its assessment's newest revision (saved by
a plain `Store`, a database from before the portfolio, or a changed content folder) is recomputed the
first time the portfolio is read, so the portfolio is never out of date and an old database gets its
rows on first use.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from nyttolib.assessment.completeness import completeness
from nyttolib.assessment.model import Assessment, Valuation
from nyttolib.content import Content, load_content
from nyttolib.identity import User
from nyttolib.portfolio.rows import content_fingerprint, summary_row
from nyttolib.portfolio.tables import (
    PortfolioData,
    create_tables,
    read_frames,
    read_prioritisation_rows,
    read_rows,
    write_row,
)
from nyttolib.storage.assessments import ConflictError, Saved, Store, read_revision
from nyttolib.storage.database import StoreError, Transaction, now


@dataclass(frozen=True)
class Rebuilt:
    rows: int
    unreadable: list[str]


@dataclass(frozen=True)
class PendingSave:
    """One document of a `save_many`: new (no id, or an id not stored yet) or a new revision of
    `expected_revision`."""

    assessment: Assessment
    expected_revision: int | None = None
    note: str = ""
    completeness_percent: float | None = None


class PortfolioStore(Store):
    """Assessments and their portfolio rows; safe to use from several processes at once."""

    def __init__(
        self,
        directory: str | os.PathLike[str] | None = None,
        content: Content | None = None,
        *,
        database_url: str | None = None,
        user: User | None = None,
    ):
        super().__init__(directory, database_url=database_url, user=user)
        self._reader = None  # the connection a page's PortfolioData reads through, opened when first asked
        self.content = content or load_content()
        self.fingerprint = content_fingerprint(self.content)
        # The order the levels are stored in: the model's valuation criteria, the content's axes.
        self._level_keys = {
            "valuation": list(Valuation.model_fields),
            "classification": [axis.id for axis in self.content.classification.axes],
        }
        if not self._database.read_only and not self._database.damaged:
            with self._write() as db:
                create_tables(db)

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        super().close()

    def _after_save(self, db: Transaction, assessment_id: str, revision: int, assessment: Assessment) -> None:
        self._write_row(db, assessment_id, revision, summary_row(assessment, self.content))

    def _write_row(self, db: Transaction, assessment_id: str, revision: int, row: dict[str, Any]) -> None:
        write_row(db, assessment_id, revision, self.fingerprint, row, self._level_keys)

    def _unreadable_row(self, assessment_id: str, revision: int, message: str) -> dict[str, Any]:
        """A head revision that does not load still has its place in the portfolio, with the reason."""
        name = self._database.row(
            "SELECT name FROM revisions WHERE assessment_id = ? AND revision = ?", (assessment_id, revision)
        )
        return {"id": assessment_id, "name": name[0] if name else "", "unreadable": message, "plans": []}

    def _refresh(self, stale: list[tuple[str, int]]) -> list[str]:
        """Recompute the rows of these (id, head revision) pairs; returns the ids whose revision is unreadable."""
        unreadable = []
        computed = []
        for assessment_id, revision in stale:
            text = self._database.row(
                "SELECT document FROM revisions WHERE assessment_id = ? AND revision = ?", (assessment_id, revision)
            )
            try:
                row = summary_row(read_revision(assessment_id, revision, text[0]), self.content)
            except StoreError as exc:
                unreadable.append(assessment_id)
                row = self._unreadable_row(assessment_id, revision, str(exc))
            computed.append((assessment_id, revision, row))
        if computed:
            with self._write() as db:
                for assessment_id, revision, row in computed:
                    head = db.execute("SELECT head_revision FROM assessments WHERE id = ?", (assessment_id,)).fetchone()
                    if head and head[0] == revision:  # a save in between has written its own row
                        self._write_row(db, assessment_id, revision, dict(row))
        return unreadable

    def _stale(self, include_deleted: bool) -> list[tuple[str, int]]:
        rows = self._database.rows(
            "SELECT a.id, a.head_revision FROM assessments a LEFT JOIN portfolio_rows p ON p.assessment_id = a.id"
            " WHERE (p.revision IS NULL OR p.revision != a.head_revision OR p.fingerprint != ?)"
            + ("" if include_deleted else " AND a.deleted_at IS NULL"),
            (self.fingerprint,),
        )
        return [(row[0], row[1]) for row in rows]

    def _fresh(self, include_deleted: bool) -> str:
        """Bring stale rows up to date; returns the WHERE clause for the assessments asked for."""
        stale = self._stale(include_deleted)
        if stale:
            if self._database.read_only:
                raise StoreError(
                    f"Datamappen {self.directory} är skrivskyddad och portföljens sammanställning behöver räknas om "
                    f"för {len(stale)} bedömningar. Öppna portföljen en gång där mappen är skrivbar."
                )
            self._refresh(stale)
        return "" if include_deleted else " WHERE a.deleted_at IS NULL"

    def portfolio_rows(self, *, plans: bool = False, include_deleted: bool = False) -> list[dict[str, Any]]:
        """The summary row of every (not deleted) assessment as a dict, brought up to date first where needed
        (each row also has revision, saved_at and deleted; `plans` only when asked for)."""
        return self._visible(read_rows(self._database, self._fresh(include_deleted), (), plans, self._level_keys))

    def prioritisation_rows(self, year: int | None = None) -> list[dict[str, Any]]:
        """The (not deleted) rows with only what the prioritisation reads (`tables.PRIORITISATION_SCALARS`,
        the valuation, and `cost_per_year` for `year`, the budget question's): the ranking and the budget
        question come out as from `portfolio_rows`, at a fraction of the reading."""
        return self._visible(read_prioritisation_rows(self._database, self._fresh(False), self._level_keys, year))

    def _allowed(self) -> list[str] | None:
        """The ids the user may see in the portfolio; None for the portfolio office (and the local user)."""
        if self.user.portfolio_office:
            return None
        readable, parameters = self._readable_sql()
        return [row[0] for row in self._database.rows(f"SELECT a.id FROM assessments a WHERE {readable}", parameters)]

    def _visible(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        allowed = self._allowed()
        if allowed is None:
            return rows
        wanted = set(allowed)
        return [row for row in rows if row["id"] in wanted]

    def portfolio_data(self, *, include_deleted: bool = False) -> PortfolioData:
        """The same rows as pandas tables, fast enough for a region's hundred thousand initiatives."""
        where = self._fresh(include_deleted)
        allowed = self._allowed()
        try:
            if self._reader is None:
                self._reader = self._database.connect()
            return read_frames(self._reader, where, self._level_keys, allowed)
        except SQLAlchemyError as exc:
            raise self._database._failed(exc) from None

    def rebuild(self) -> Rebuilt:
        """Recompute every row from the newest revisions (`nyttolib portfolio rebuild`)."""
        heads = [
            (row[0], row[1]) for row in self._database.rows("SELECT id, head_revision FROM assessments ORDER BY id")
        ]
        unreadable = self._refresh(heads)
        return Rebuilt(len(heads), unreadable)

    def save_many(self, pending: Sequence[PendingSave]) -> list[Saved]:
        """Save several documents in ONE write transaction, each as a new revision with its summary
        row: all of them are saved or none (an imported listing never half-written). A conflict on any
        of them (ConflictError) saves none. The rows are computed before the transaction, so the
        database is locked only while writing; a pending save without a completeness gets the row's."""
        prepared = []
        for item in pending:  # every check and figure before writing
            assessment_id, text = self._prepare_save(item.assessment)
            row = summary_row(item.assessment.model_copy(update={"id": assessment_id}), self.content)
            prepared.append((assessment_id, text, row))
        saved_at = now()
        saved = []
        with self._write() as db:
            for item, (assessment_id, text, row) in zip(pending, prepared, strict=True):
                done = row["completeness_percent"] if item.completeness_percent is None else item.completeness_percent
                revision = self._write_revision(
                    db, item.assessment, assessment_id, text, saved_at, item.expected_revision, item.note, done
                )
                self._write_row(db, assessment_id, revision, row)
                saved.append(Saved(assessment_id, revision, saved_at))
        return saved

    def change_portfolio_fields(
        self, assessment_id: str, *, expected_revision: int | None = None, note: str = "", **fields: str | None
    ) -> Saved:
        """The portfolio office's change of stage or priority class, saved as a new revision (the office, the
        owner and those it is shared with to edit may)."""
        initiative_content = self.content.initiative
        choices = {"stage": initiative_content.portfolio_stages, "priority_class": initiative_content.priority_classes}
        if not fields or set(fields) - set(choices):
            raise ValueError(f"Bara {', '.join(sorted(choices))} kan ändras från portföljen.")
        for name, value in fields.items():
            if value is not None and value not in {choice.id for choice in choices[name]}:
                what = "steg" if name == "stage" else "prioriteringsgrund"
                raise StoreError(f"Det finns inget {what} med id '{value}'.")
        assessment, revision = self.load(assessment_id)
        if expected_revision is not None and expected_revision != revision:
            raise ConflictError(assessment_id, expected_revision, revision)
        initiative = assessment.initiative
        if "stage" in fields:
            initiative = initiative.model_copy(
                update={"portfolio": initiative.portfolio.model_copy(update={"stage": fields["stage"]})}
            )
        if "priority_class" in fields:
            initiative = initiative.model_copy(update={"priority_class": fields["priority_class"]})
        changed = Assessment.model_validate(assessment.model_copy(update={"initiative": initiative}).model_dump())
        assessment_id, text = self._prepare_save(changed)
        saved_at = now()
        with self._write(assessment_id) as db:
            saved = self._write_revision(
                db, changed, assessment_id, text, saved_at, revision, note,
                completeness(changed, self.content).percent, wanted="portfolio",
            )  # fmt: skip
            self._after_save(db, assessment_id, saved, changed)
        return Saved(assessment_id, saved, saved_at)
