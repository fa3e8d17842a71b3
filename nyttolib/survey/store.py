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

from nyttolib.database import DatabaseStore, now
from nyttolib.storage import NotFoundError, StoreError

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
)
"""
JOIN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I/L to mistype


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


class WorkshopStore(DatabaseStore):
    def __init__(self, directory: str | None = None):
        super().__init__(directory, _SCHEMA)
        self._db = self._database.connection

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

    def join(self, join_code: str, role: str | None = None, subject: str | None = None) -> str:
        """A new participant: returns their personal token (the only key to their answers)."""
        workshop = self.by_join_code(join_code)
        if workshop.closed_at:
            raise ClosedError()
        token = secrets.token_urlsafe(18)
        timestamp = now()
        with self._write() as db:
            db.execute(
                "INSERT INTO workshop_responses VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
                (workshop.id, token, role or None, subject or None, "{}", timestamp, timestamp),
            )
        return token

    def response(self, token: str) -> tuple[Workshop, Response]:
        row = self._db.execute(
            "SELECT workshop_id, token, role, subject, answers, updated_at, submitted_at FROM workshop_responses"
            " WHERE token = ?",
            (token,),
        ).fetchone()
        if row is None:
            raise NotFoundError("Länken till dina svar stämmer inte.")
        return self._workshop("id", row[0]), Response(row[1], row[2], row[3], json.loads(row[4]), row[5], row[6])

    def save_answers(self, token: str, answers: dict, *, role: str | None = None, submit: bool = False) -> None:
        """Replace this participant's answers (autosave); refused once the survey is closed."""
        workshop, _ = self.response(token)
        with self._write() as db:
            closed = db.execute("SELECT closed_at FROM workshops WHERE id = ?", (workshop.id,)).fetchone()[0]
            if closed:
                raise ClosedError()
            timestamp = now()
            db.execute(
                "UPDATE workshop_responses SET answers = ?, updated_at = ?, role = COALESCE(?, role),"
                " submitted_at = CASE WHEN ? THEN ? ELSE submitted_at END WHERE token = ?",
                (json.dumps(answers, ensure_ascii=False), timestamp, role, submit, timestamp, token),
            )

    def responses(self, facilitator_code: str) -> list[Response]:
        """All answers of a workshop: for its facilitator only."""
        workshop = self.by_facilitator_code(facilitator_code)
        rows = self._db.execute(
            "SELECT token, role, subject, answers, updated_at, submitted_at FROM workshop_responses"
            " WHERE workshop_id = ? ORDER BY created_at",
            (workshop.id,),
        ).fetchall()
        return [Response(r[0], r[1], r[2], json.loads(r[3]), r[4], r[5]) for r in rows]

    def close_survey(self, facilitator_code: str) -> None:
        workshop = self.by_facilitator_code(facilitator_code)
        with self._write() as db:
            db.execute("UPDATE workshops SET closed_at = ? WHERE id = ? AND closed_at IS NULL", (now(), workshop.id))

    def workshops(self) -> list[Workshop]:
        return [Workshop(*row) for row in self._db.execute("SELECT * FROM workshops ORDER BY created_at")]
