"""The assessment store with the portfolio's summary rows: one row per assessment, saved with each revision.

`PortfolioStore` is the store the app and the CLI use. Every save writes the summary row of the new
revision in the same transaction. A row that does not match its assessment's newest revision (saved by
a plain `Store`, a database from before the portfolio, or a changed content folder) is recomputed the
first time the portfolio is read, so the portfolio is never out of date and an old database gets its
rows on first use.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from typing import Any

import orjson

from nyttolib.assessment.completeness import completeness
from nyttolib.assessment.model import Assessment
from nyttolib.content import Content, load_content
from nyttolib.portfolio.rows import content_fingerprint, row_text, summary_row
from nyttolib.storage.assessments import ConflictError, Saved, Store, read_revision
from nyttolib.storage.database import StoreError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS portfolio_rows (
    assessment_id TEXT PRIMARY KEY REFERENCES assessments(id),
    revision INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    summary TEXT NOT NULL,
    plans TEXT NOT NULL
)
"""

_READ = (
    "SELECT a.id, a.head_revision, r.saved_at, a.deleted_at, p.revision, p.fingerprint, p.summary{plans}"
    " FROM assessments a JOIN revisions r ON r.assessment_id = a.id AND r.revision = a.head_revision"
    " LEFT JOIN portfolio_rows p ON p.assessment_id = a.id"
)


@dataclass(frozen=True)
class Rebuilt:
    rows: int
    unreadable: list[str]


class PortfolioStore(Store):
    """Assessments and their portfolio rows; safe to use from several processes at once."""

    def __init__(self, directory: str | os.PathLike[str] | None = None, content: Content | None = None):
        super().__init__(directory)
        self.content = content or load_content()
        self.fingerprint = content_fingerprint(self.content)
        if not self._database.read_only and not self._database.damaged:
            with self._write() as db:
                db.execute(_SCHEMA)

    def _after_save(self, db: sqlite3.Connection, assessment_id: str, revision: int, assessment: Assessment) -> None:
        self._write_row(db, assessment_id, revision, summary_row(assessment, self.content))

    def _write_row(self, db: sqlite3.Connection, assessment_id: str, revision: int, row: dict[str, Any]) -> None:
        plans = row.pop("plans", [])
        db.execute(
            "INSERT INTO portfolio_rows (assessment_id, revision, fingerprint, summary, plans) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (assessment_id) DO UPDATE SET revision = excluded.revision,"
            " fingerprint = excluded.fingerprint, summary = excluded.summary, plans = excluded.plans",
            (assessment_id, revision, self.fingerprint, row_text(row), row_text(plans)),
        )

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
        if computed and not self._database.read_only and not self._database.damaged:
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

    def portfolio_rows(self, *, plans: bool = False, include_deleted: bool = False) -> list[dict[str, Any]]:
        """The summary row of every (not deleted) assessment, brought up to date first where needed."""
        stale = self._stale(include_deleted)
        if stale:
            self._refresh(stale)
        sql = _READ.format(plans=", p.plans" if plans else "")
        if not include_deleted:
            sql += " WHERE a.deleted_at IS NULL"
        result = []
        for row in self._database.rows(sql + " ORDER BY a.id"):
            if row[6] is None:  # read-only database: rows that could not be written are computed each time
                continue
            summary = orjson.loads(row[6])  # 3× json.loads: 100 000 rows are read in a second, not three
            summary.update(revision=row[1], saved_at=row[2], deleted=row[3] is not None)
            if plans:
                summary["plans"] = orjson.loads(row[7])
            result.append(summary)
        if self._database.read_only and stale:
            result = self._with_unwritten(result, stale, plans)
        return result

    def _with_unwritten(self, result: list[dict[str, Any]], stale: list[tuple[str, int]], plans: bool) -> list[dict]:
        """A read-only folder cannot store the rows it computes: use them for this read only."""
        fresh = {}
        for assessment_id, revision in stale:
            text = self._database.row(
                "SELECT document FROM revisions WHERE assessment_id = ? AND revision = ?", (assessment_id, revision)
            )
            try:
                row = summary_row(read_revision(assessment_id, revision, text[0]), self.content)
            except StoreError as exc:
                row = self._unreadable_row(assessment_id, revision, str(exc))
            if not plans:
                row.pop("plans", None)
            fresh[assessment_id] = {**row, "revision": revision}
        kept = [row for row in result if row["id"] not in fresh]
        return sorted(kept + list(fresh.values()), key=lambda row: row["id"])

    def rebuild(self) -> Rebuilt:
        """Recompute every row from the newest revisions (`nyttolib portfolio rebuild`)."""
        heads = [
            (row[0], row[1]) for row in self._database.rows("SELECT id, head_revision FROM assessments ORDER BY id")
        ]
        unreadable = self._refresh(heads)
        return Rebuilt(len(heads), unreadable)

    def change_portfolio_fields(
        self, assessment_id: str, *, expected_revision: int | None = None, note: str = "", **fields: str | None
    ) -> Saved:
        """The portfolio office's change of stage or priority class, saved as a new revision."""
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
        return self.save(
            changed,
            expected_revision=revision,
            note=note,
            completeness_percent=completeness(changed, self.content).percent,
        )
