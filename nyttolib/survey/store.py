"""Workshops and their answers, in the same SQLite database as the assessments.

A workshop has a short join code for participants and a separate, long facilitator code. Joining
gives a participant a personal token; answers are read and written only through that token, so a
participant can never see or change someone else's answers. Once the facilitator closes the survey,
answers can no longer change.
"""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass

from nyttolib.storage.assessments import NotFoundError, StoreError
from nyttolib.storage.database import DatabaseStore, now

_SCHEMA = """
CREATE TABLE IF NOT EXISTS workshops (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    questionnaire_id TEXT NOT NULL,
    held_on TEXT,
    join_code TEXT NOT NULL UNIQUE,
    facilitator_code TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    closed_at TEXT
);
CREATE TABLE IF NOT EXISTS workshop_responses (
    workshop_id TEXT NOT NULL REFERENCES workshops(id),
    token TEXT NOT NULL UNIQUE,
    role TEXT,
    subject TEXT,
    answers TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    submitted_at TEXT,
    PRIMARY KEY (workshop_id, token)
);
CREATE TABLE IF NOT EXISTS workshop_facilitation (
    workshop_id TEXT PRIMARY KEY REFERENCES workshops(id),
    document TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS workshop_facilitation_records (
    workshop_id TEXT NOT NULL REFERENCES workshops(id),
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT,
    revision INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (workshop_id, kind, key)
)
"""
# workshop_facilitation holds the notes and plan of databases from before they were separate records
# (one document per workshop, so two facilitator tabs overwrote each other); it is read once and moved into
# workshop_facilitation_records: one row per note (kind 'note', key the dimension id) and per action (kind
# 'action', key its id), each with its own revision. A removed action keeps its row with value NULL, so a tab
# still showing it learns that it is gone.
_UNKNOWN_TOKEN = "Länken till dina svar stämmer inte. Be den som leder workshoppen om koden igen."
JOIN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I/L to mistype


class StaleRecordError(StoreError):
    """A note or action was saved by another tab since this one read it: `current` is what is stored now."""

    def __init__(self, current: FacilitationRecord) -> None:
        super().__init__("Ändrades i ett annat fönster medan du skrev.")
        self.current = current


class ClosedError(StoreError):
    def __init__(self) -> None:
        super().__init__("Enkäten är stängd av den som leder workshoppen; svaren kan inte längre ändras.")


@dataclass(frozen=True)
class Workshop:
    id: str
    name: str
    questionnaire_id: str
    held_on: str | None
    join_code: str
    facilitator_code: str
    created_at: str
    closed_at: str | None


@dataclass(frozen=True)
class Response:
    token: str
    role: str | None
    subject: str | None
    answers: dict
    updated_at: str
    submitted_at: str | None
    name: str | None = None

    def as_compilation_input(self) -> dict:
        return {"role": self.role, "answers": self.answers}


@dataclass(frozen=True)
class FacilitationRecord:
    """One note or action of the facilitator's, as stored; `value` is None once an action is removed."""

    kind: str
    key: str
    value: dict | None
    revision: int


@dataclass(frozen=True)
class Participation:
    """How far the group has come: joined, started answering, submitted."""

    joined: int
    started: int
    submitted: int


_RESPONSE_COLUMNS = "token, role, subject, answers, updated_at, submitted_at, name"


def _response(row: tuple) -> Response:
    return Response(row[0], row[1], row[2], json.loads(row[3]), row[4], row[5], row[6])


class WorkshopStore(DatabaseStore):
    def __init__(self, directory: str | None = None):
        super().__init__(directory, _SCHEMA)
        self._db = self._database.connection
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(workshop_responses)")}
        if "name" not in columns:  # databases from before participants could give a name
            with self._write() as db:
                db.execute("ALTER TABLE workshop_responses ADD COLUMN name TEXT")

    def create(self, name: str, questionnaire_id: str, held_on: str | None = None) -> Workshop:
        with self._write() as db:
            while True:  # a join code collision is unlikely but possible: draw again
                join = "".join(secrets.choice(JOIN_ALPHABET) for _ in range(6))
                if not db.execute("SELECT 1 FROM workshops WHERE join_code = ?", (join,)).fetchone():
                    break
            workshop = Workshop(
                uuid.uuid4().hex, name, questionnaire_id, held_on, join, secrets.token_urlsafe(18), now(), None
            )
            db.execute("INSERT INTO workshops VALUES (?, ?, ?, ?, ?, ?, ?, ?)", tuple(workshop.__dict__.values()))
        return workshop

    def _workshop(self, column: str, value: str) -> Workshop:
        row = self._db.execute(f"SELECT * FROM workshops WHERE {column} = ?", (value,)).fetchone()
        if row is None:
            raise NotFoundError("Koden stämmer inte. Kontrollera att du skrivit den rätt.")
        return Workshop(*row)

    def by_join_code(self, code: str) -> Workshop:
        return self._workshop("join_code", code.strip().upper())

    def by_facilitator_code(self, code: str) -> Workshop:
        return self._workshop("facilitator_code", code.strip())

    def workshop(self, reference: str) -> Workshop:
        """A workshop by id, the start of its id, or its join code (for the command line)."""
        reference = reference.strip()
        rows = self._db.execute(
            "SELECT * FROM workshops WHERE id LIKE ? OR join_code = ?", (reference.lower() + "%", reference.upper())
        ).fetchall()
        if len(rows) != 1:
            raise NotFoundError(
                f"Ingen workshop med id eller kod '{reference}'."
                if not rows
                else f"'{reference}' passar flera workshoppar; skriv fler tecken av id:t."
            )
        return Workshop(*rows[0])

    def join(self, join_code: str, role: str | None = None, subject: str | None = None, name: str | None = None) -> str:
        """A new participant: returns their personal token (the only key to their answers)."""
        workshop = self.by_join_code(join_code)
        if workshop.closed_at:
            raise ClosedError()
        token = secrets.token_urlsafe(18)
        timestamp = now()
        with self._write() as db:
            db.execute(
                f"INSERT INTO workshop_responses (workshop_id, created_at, {_RESPONSE_COLUMNS})"
                " VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)",
                (workshop.id, timestamp, token, role or None, subject or None, "{}", timestamp, name or None),
            )
        return token

    def response(self, token: str) -> tuple[Workshop, Response]:
        row = self._db.execute(
            f"SELECT workshop_id, {_RESPONSE_COLUMNS} FROM workshop_responses WHERE token = ?", (token,)
        ).fetchone()
        if row is None:
            raise NotFoundError(_UNKNOWN_TOKEN)
        return self._workshop("id", row[0]), _response(row[1:])

    def save_answers(
        self, token: str, answers: dict, *, role: str | None = None, name: str | None = None, submit: bool = False
    ) -> str:
        """Replace this participant's answers (autosave); refused once the survey is closed. Returns the time saved."""
        with self._write() as db:
            row = db.execute(
                "SELECT w.closed_at FROM workshop_responses r JOIN workshops w ON w.id = r.workshop_id"
                " WHERE r.token = ?",
                (token,),
            ).fetchone()
            if row is None:
                raise NotFoundError(_UNKNOWN_TOKEN)
            if row[0]:
                raise ClosedError()
            timestamp = now()
            db.execute(
                "UPDATE workshop_responses SET answers = ?, updated_at = ?, role = COALESCE(?, role),"
                " name = COALESCE(?, name), submitted_at = CASE WHEN ? THEN ? ELSE submitted_at END WHERE token = ?",
                (json.dumps(answers, ensure_ascii=False), timestamp, role, name, submit, timestamp, token),
            )
        return timestamp

    def responses(self, facilitator_code: str) -> list[Response]:
        """All answers of a workshop: for its facilitator only."""
        return self.responses_of(self.by_facilitator_code(facilitator_code).id)

    def responses_of(self, workshop_id: str) -> list[Response]:
        """All answers of a workshop by id: for the command line and reports, never for a participant's page."""
        rows = self._db.execute(
            f"SELECT {_RESPONSE_COLUMNS} FROM workshop_responses WHERE workshop_id = ? ORDER BY created_at, rowid",
            (workshop_id,),
        ).fetchall()
        return [_response(row) for row in rows]

    def subjects(self, workshop_id: str) -> list[str]:
        """The systems (subjects) already named in a per-system workshop: offered to the next participant so
        that everyone writes the same name. Names only, never anyone's answers."""
        rows = self._db.execute(
            "SELECT DISTINCT subject FROM workshop_responses WHERE workshop_id = ? AND subject IS NOT NULL",
            (workshop_id,),
        ).fetchall()
        return sorted({row[0] for row in rows}, key=str.casefold)

    def participation(self, workshop_id: str) -> Participation:
        joined, started, submitted = self._db.execute(
            "SELECT COUNT(*), COALESCE(SUM(answers != '{}'), 0), COUNT(submitted_at) FROM workshop_responses"
            " WHERE workshop_id = ?",
            (workshop_id,),
        ).fetchone()
        return Participation(joined, started, submitted)

    def last_change(self, workshop_id: str) -> tuple:
        """Changes when anyone joins, answers or the survey opens or closes: cheap enough to poll."""
        row = self._db.execute(
            "SELECT COUNT(*), MAX(updated_at), (SELECT closed_at FROM workshops WHERE id = ?),"
            " (SELECT COALESCE(SUM(revision), 0) FROM workshop_facilitation_records WHERE workshop_id = ?)"
            " FROM workshop_responses WHERE workshop_id = ?",
            (workshop_id, workshop_id, workshop_id),
        ).fetchone()
        return tuple(row)

    def close_survey(self, facilitator_code: str) -> None:
        workshop = self.by_facilitator_code(facilitator_code)
        with self._write() as db:
            db.execute("UPDATE workshops SET closed_at = ? WHERE id = ? AND closed_at IS NULL", (now(), workshop.id))

    def reopen_survey(self, facilitator_code: str) -> None:
        """Open a closed survey again (closed by mistake, or a latecomer): answers can change again."""
        workshop = self.by_facilitator_code(facilitator_code)
        with self._write() as db:
            db.execute("UPDATE workshops SET closed_at = NULL WHERE id = ?", (workshop.id,))

    def facilitation(self, workshop_id: str) -> dict:
        """The facilitator's notes per dimension and the action plan as one document (for reports and
        exports; an empty dict at first)."""
        records = self.facilitation_records(workshop_id)
        if not records:
            return {}
        notes = {r.key: r.value["text"] for r in records if r.kind == "note" and r.value is not None}
        actions = [r.value for r in records if r.kind == "action" and r.value is not None]
        return {"notes": notes, "actions": actions}

    def facilitation_records(self, workshop_id: str) -> list[FacilitationRecord]:
        """Every note and action with its revision, actions in the order they were added."""
        self._move_facilitation_document(workshop_id)
        rows = self._db.execute(
            "SELECT kind, key, value, revision FROM workshop_facilitation_records WHERE workshop_id = ? ORDER BY rowid",
            (workshop_id,),
        ).fetchall()
        return [
            FacilitationRecord(kind, key, json.loads(value) if value else None, rev) for kind, key, value, rev in rows
        ]

    def save_facilitation_record(
        self, facilitator_code: str, kind: str, key: str, value: dict | None, expected_revision: int
    ) -> int:
        """Save one note or action if it is still at `expected_revision` (0: not stored yet); returns its new
        revision. Raises StaleRecordError when another tab saved it in between: nothing is overwritten."""
        workshop = self.by_facilitator_code(facilitator_code)
        self._move_facilitation_document(workshop.id)
        with self._write() as db:
            row = db.execute(
                "SELECT value, revision FROM workshop_facilitation_records WHERE workshop_id = ? AND kind = ?"
                " AND key = ?",
                (workshop.id, kind, key),
            ).fetchone()
            stored = row[1] if row else 0
            if stored != expected_revision:
                current = json.loads(row[0]) if row and row[0] else None
                raise StaleRecordError(FacilitationRecord(kind, key, current, stored))
            text = None if value is None else json.dumps(value, ensure_ascii=False)
            db.execute(
                "INSERT INTO workshop_facilitation_records VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(workshop_id, kind, key) DO UPDATE SET value = excluded.value,"
                " revision = excluded.revision, updated_at = excluded.updated_at",
                (workshop.id, kind, key, text, stored + 1, now()),
            )
        return stored + 1

    def _move_facilitation_document(self, workshop_id: str) -> None:
        """A workshop's notes and plan from before they were records become records (once)."""
        if not self._db.execute("SELECT 1 FROM workshop_facilitation WHERE workshop_id = ?", (workshop_id,)).fetchone():
            return
        with self._write() as db:
            row = db.execute(
                "SELECT document FROM workshop_facilitation WHERE workshop_id = ?", (workshop_id,)
            ).fetchone()
            if row is None:  # moved by another process meanwhile
                return
            document = json.loads(row[0])
            records = [("note", k, {"text": v}) for k, v in (document.get("notes") or {}).items()]
            for action in document.get("actions") or []:
                action = {**action, "id": action.get("id") or uuid.uuid4().hex}
                records.append(("action", action["id"], action))
            timestamp = now()
            db.executemany(
                "INSERT OR IGNORE INTO workshop_facilitation_records VALUES (?, ?, ?, ?, 1, ?)",
                [
                    (workshop_id, kind, key, json.dumps(value, ensure_ascii=False), timestamp)
                    for kind, key, value in records
                ],
            )
            db.execute("DELETE FROM workshop_facilitation WHERE workshop_id = ?", (workshop_id,))

    def workshops(self) -> list[Workshop]:
        return [Workshop(*row) for row in self._db.execute("SELECT * FROM workshops ORDER BY created_at")]
