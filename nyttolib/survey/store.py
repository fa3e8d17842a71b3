"""Workshops and their answers, in the same SQLite database as the assessments.

A workshop has a short join code for participants and a separate, long facilitator code. Joining
gives a participant a personal token; answers are read and written only through that token, so a
participant can never see or change someone else's answers. Once the facilitator closes the survey,
answers can no longer change.

No code or token is stored as it is: a copy of the database opens nothing on a running server.
The facilitator code and the tokens are random 144-bit strings, so their SHA-256 cannot be reversed
and is enough. The join code is short (six characters, ≈30 bits) and is shown to the whole room
anyway; it is stored key-stretched (PBKDF2, so trying every code from a stolen copy takes days, not
seconds) and, for the facilitator's view, sealed with the facilitator code (an HMAC key stream): only
whoever holds the facilitator code reads it back. Stored digests are compared with
hmac.compare_digest.

`WorkshopStore(only=id)` is the store of a server started for one workshop (`nyttolib serve
--workshop`): no other workshop can be joined, answered or opened with it, and none can be created.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import string
import uuid
from dataclasses import dataclass, replace

from sqlalchemy import inspect

from nyttolib.identity import User, current_user
from nyttolib.storage.assessments import NotFoundError, StoreError
from nyttolib.storage.database import DatabaseStore, now
from nyttolib.survey.questionnaire import display_name, group_key
from nyttolib.survey.statistics import has_answered

# workshop_facilitation holds the notes and plan of databases from before they were separate records
# (one document per workshop, so two facilitator tabs overwrote each other); it is read once and moved into
# workshop_facilitation_records: one row per note (kind 'note', key the dimension id) and per action (kind
# 'action', key its id), each with its own revision. A removed action keeps its row with value NULL, so a tab
# still showing it learns that it is gone.
_UNKNOWN_TOKEN = "Länken till dina svar stämmer inte. Be den som leder workshoppen om koden igen."
JOIN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I/L to mistype
JOIN_ITERATIONS = 50_000  # ≈25 ms a lookup; trying all 32^6 codes then takes ≈10^14 hashes
SERVED_WORKSHOP_ENV = "NYTTOLIB_WORKSHOP"  # set by `nyttolib serve --workshop` for the pages it serves
_WORKSHOP_COLUMNS = "id, name, questionnaire_id, held_on, created_at, closed_at"
_RECORD_COLUMNS = "workshop_id, kind, key, value, revision, updated_at, seq"
# The next place in a workshop's order of notes and actions (its parameter: the workshop's id).
_NEXT_SEQ = "(SELECT COALESCE(MAX(seq), 0) + 1 FROM workshop_facilitation_records WHERE workshop_id = ?)"


def served_workshop() -> str | None:
    """The id of the one workshop this server serves (`nyttolib serve --workshop`), or None."""
    return os.environ.get(SERVED_WORKSHOP_ENV) or None


def secret_digest(secret: str) -> str:
    """How a facilitator code or a participant's token is stored (both are random 144-bit strings)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def join_digest(join_code: str) -> str:
    """How a join code is stored: key-stretched, as six characters could be tried one by one."""
    normal = join_code.strip().upper().encode("utf-8")
    return hashlib.pbkdf2_hmac("sha256", normal, b"nyttolib/deltagarkod", JOIN_ITERATIONS).hex()


def _key_stream(facilitator_code: str, workshop_id: str, length: int) -> bytes:
    key = facilitator_code.encode("utf-8")
    blocks = (
        hmac.new(key, f"deltagarkod/{workshop_id}/{n}".encode(), hashlib.sha256).digest()
        for n in range(length // 32 + 1)
    )
    return b"".join(blocks)[:length]


def seal_join_code(join_code: str, facilitator_code: str, workshop_id: str) -> str:
    """The join code, readable again only with the facilitator code (one key stream per workshop)."""
    data = join_code.encode("utf-8")
    return _xor(data, _key_stream(facilitator_code, workshop_id, len(data))).hex()


def unseal_join_code(sealed: str, facilitator_code: str, workshop_id: str) -> str:
    data = bytes.fromhex(sealed)
    return _xor(data, _key_stream(facilitator_code, workshop_id, len(data))).decode("utf-8")


def _xor(data: bytes, stream: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, stream, strict=True))


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
    """A workshop as the pages and reports see it. It never holds the facilitator code; the join code
    only when the one asking knows it (typed it, or opened the workshop with the facilitator code)."""

    id: str
    name: str
    questionnaire_id: str
    held_on: str | None
    join_code: str | None
    created_at: str
    closed_at: str | None


@dataclass(frozen=True)
class CreatedWorkshop(Workshop):
    """A workshop just created: the only time its facilitator code is at hand, to be given to the facilitator."""

    facilitator_code: str = ""


@dataclass(frozen=True)
class Response:
    id: str  # the stored digest of the participant's token: tells responses apart, opens nothing
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


_RESPONSE_COLUMNS = "token_hash, role, subject, answers, updated_at, submitted_at, name"


def _response(row: tuple) -> Response:
    return Response(row[0], row[1], row[2], json.loads(row[3]), row[4], row[5], row[6])


def _token_lock(token: str) -> str:
    """The write lock of one participant's answers (two tabs of theirs save one after the other)."""
    return "svar:" + secret_digest(token)


def random_code() -> str:
    """About 149 random bits as 25 letters and digits: no '-' or '_', so a code never reads as a command-line
    option (`workshop export -v7IZ…` was taken for one) and survives a double-click selection whole."""
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(25))  # 62^25 ≈ 2^149


class WorkshopStore(DatabaseStore):
    def __init__(
        self,
        directory: str | None = None,
        *,
        only: str | None = None,
        database_url: str | None = None,
        user: User | None = None,
    ):
        """`only`: the id of the one workshop a workshop server serves; every other one is out of reach."""
        super().__init__(directory, database_url)
        self._db = self._database
        self.only = only
        self.user = user or current_user()
        if not self._database.read_only and not self._database.damaged and _needs_migration(self._db):
            with self._write() as db:  # checked again inside the transaction: 30 kernels may start at once
                migrate(db)

    def create(self, name: str, questionnaire_id: str, held_on: str | None = None) -> CreatedWorkshop:
        if self.only:
            raise StoreError("Servern visar en enda workshop; nya workshoppar skapas inte här.")
        facilitator_code = random_code()
        workshop_id = uuid.uuid4().hex
        with self._write() as db:
            while True:  # a join code collision is unlikely but possible: draw again
                join = "".join(secrets.choice(JOIN_ALPHABET) for _ in range(6))
                if not db.execute("SELECT 1 FROM workshops WHERE join_hash = ?", (join_digest(join),)).fetchone():
                    break
            workshop = CreatedWorkshop(
                workshop_id, name, questionnaire_id, held_on, join, now(), None, facilitator_code=facilitator_code
            )
            db.execute(
                f"INSERT INTO workshops ({_WORKSHOP_COLUMNS}, join_hash, facilitator_hash, join_sealed, created_by)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    workshop.id, name, questionnaire_id, held_on, workshop.created_at, None,
                    join_digest(join), secret_digest(facilitator_code),
                    seal_join_code(join, facilitator_code, workshop_id), self.user.name,
                ),
            )  # fmt: skip
        return workshop

    def _workshop(self, column: str, value: str, join_code: str | None = None) -> Workshop:
        """One workshop by a stored digest (or id); another workshop than the served one is not found."""
        row = self._db.execute(
            f"SELECT {_WORKSHOP_COLUMNS}, {column} FROM workshops WHERE {column} = ?", (value,)
        ).fetchone()
        if row is None or not hmac.compare_digest(row[-1], value) or (self.only and row[0] != self.only):
            raise NotFoundError("Koden stämmer inte. Kontrollera att du skrivit den rätt.")
        return Workshop(*row[:4], join_code, *row[4:6])

    def by_join_code(self, code: str) -> Workshop:
        code = code.strip().upper()
        return self._workshop("join_hash", join_digest(code), code)

    def by_facilitator_code(self, code: str) -> Workshop:
        """The workshop opened by its facilitator code, with its join code unsealed for the facilitator's view."""
        code = code.strip()
        workshop = self._workshop("facilitator_hash", secret_digest(code))
        sealed = self._db.execute("SELECT join_sealed FROM workshops WHERE id = ?", (workshop.id,)).fetchone()[0]
        return replace(workshop, join_code=unseal_join_code(sealed, code, workshop.id) if sealed else None)

    def workshop(self, reference: str) -> Workshop:
        """A workshop by id, the start of its id (4 characters at least), or its join code (for the command line).

        The id is compared exactly, character by character: '%' or '_' are no wildcards here."""
        reference = reference.strip()
        prefix = reference.lower()
        rows = []
        if len(prefix) >= 4:
            rows = self._db.execute(
                f"SELECT {_WORKSHOP_COLUMNS} FROM workshops WHERE substr(id, 1, ?) = ?", (len(prefix), prefix)
            ).fetchall()
        found = [Workshop(*row[:4], None, *row[4:]) for row in rows if not self.only or row[0] == self.only]
        if not found and reference:
            with contextlib.suppress(NotFoundError):
                found = [self.by_join_code(reference)]
        if len(found) != 1:
            raise NotFoundError(
                f"Ingen workshop med id eller kod '{reference}'."
                if not found
                else f"'{reference}' passar flera workshoppar; skriv fler tecken av id:t."
            )
        return found[0]

    def join(self, join_code: str, role: str | None = None, subject: str | None = None, name: str | None = None) -> str:
        """A new participant: returns their personal token (the only key to their answers)."""
        workshop = self.by_join_code(join_code)
        if workshop.closed_at:
            raise ClosedError()
        token = random_code()
        timestamp = now()
        with self._write(workshop.id) as db:
            db.execute(
                f"INSERT INTO workshop_responses (workshop_id, created_at, {_RESPONSE_COLUMNS}, seq)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM workshop_responses"
                " WHERE workshop_id = ?))",
                (
                    workshop.id, timestamp, secret_digest(token), role or None, subject or None, "{}", timestamp,
                    name or None, workshop.id,
                ),
            )  # fmt: skip
        return token

    def _token_row(self, columns: str, token: str, db=None) -> tuple:
        """The participant's row by their token's digest (compared in constant time), in the served workshop."""
        digest = secret_digest(token)
        row = (
            (db or self._db)
            .execute(
                f"SELECT r.workshop_id, r.token_hash, {columns} FROM workshop_responses r"
                " JOIN workshops w ON w.id = r.workshop_id WHERE r.token_hash = ?",
                (digest,),
            )
            .fetchone()
        )
        if row is None or not hmac.compare_digest(row[1], digest) or (self.only and row[0] != self.only):
            raise NotFoundError(_UNKNOWN_TOKEN)
        return row

    def response(self, token: str) -> tuple[Workshop, Response]:
        """A participant's own answers and their workshop (without any code: the page has the token)."""
        row = self._token_row(", ".join(f"r.{c.strip()}" for c in _RESPONSE_COLUMNS.split(",")), token)
        return self._workshop("id", row[0]), _response(row[2:])

    def save_answers(
        self, token: str, answers: dict, *, role: str | None = None, name: str | None = None, submit: bool = False
    ) -> str:
        """Replace this participant's answers (autosave); refused once the survey is closed. Returns the time saved."""
        with self._write(_token_lock(token)) as db:
            row = self._token_row("w.closed_at", token, db)
            if row[2]:
                raise ClosedError()
            timestamp = now()
            db.execute(
                "UPDATE workshop_responses SET answers = ?, updated_at = ?, role = COALESCE(?, role),"
                " name = COALESCE(?, name), submitted_at = CASE WHEN ? THEN ? ELSE submitted_at END"
                " WHERE token_hash = ?",
                (json.dumps(answers, ensure_ascii=False), timestamp, role, name, submit, timestamp, row[1]),
            )
        return timestamp

    def responses(self, facilitator_code: str) -> list[Response]:
        """All answers of a workshop: for its facilitator only."""
        return self.responses_of(self.by_facilitator_code(facilitator_code).id)

    def responses_of(self, workshop_id: str) -> list[Response]:
        """All answers of a workshop by id: for the command line and reports, never for a participant's page."""
        rows = self._db.execute(
            f"SELECT {_RESPONSE_COLUMNS} FROM workshop_responses WHERE workshop_id = ? ORDER BY created_at, seq",
            (workshop_id,),
        ).fetchall()
        return [_response(row) for row in rows]

    def subjects(self, workshop_id: str) -> list[str]:
        """The systems (subjects) already named in a per-system workshop: offered to the next participant so
        that everyone writes the same name. Names only, never anyone's answers."""
        if self.only and workshop_id != self.only:
            return []
        rows = self._db.execute(
            "SELECT subject FROM workshop_responses WHERE workshop_id = ? AND subject IS NOT NULL"
            " ORDER BY created_at, seq",
            (workshop_id,),
        ).fetchall()
        names: dict[str, str] = {}  # one per system as the compilation groups them, as first written
        for (subject,) in rows:
            if group_key(subject):
                names.setdefault(group_key(subject), display_name(subject))
        return sorted(names.values(), key=str.casefold)

    def participation(self, workshop_id: str) -> Participation:
        rows = self._db.execute(
            "SELECT answers, submitted_at FROM workshop_responses WHERE workshop_id = ?", (workshop_id,)
        ).fetchall()
        # "Started" is the same test the compilation counts respondents by: an answer, not an empty one.
        started = sum(1 for answers, _ in rows if has_answered(json.loads(answers)))
        return Participation(len(rows), started, sum(1 for _, submitted in rows if submitted))

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
            "SELECT kind, key, value, revision FROM workshop_facilitation_records WHERE workshop_id = ? ORDER BY seq",
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
        with self._write(workshop.id) as db:
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
                f"INSERT INTO workshop_facilitation_records ({_RECORD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, {_NEXT_SEQ})"
                " ON CONFLICT(workshop_id, kind, key) DO UPDATE SET value = excluded.value,"
                " revision = excluded.revision, updated_at = excluded.updated_at",
                (workshop.id, kind, key, text, stored + 1, now(), workshop.id),
            )
        return stored + 1

    def _move_facilitation_document(self, workshop_id: str) -> None:
        """A workshop's notes and plan from before they were records become records (once)."""
        if not self._db.execute("SELECT 1 FROM workshop_facilitation WHERE workshop_id = ?", (workshop_id,)).fetchone():
            return
        with self._write(workshop_id) as db:
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
            for kind, key, value in records:  # one by one: each takes the next place in the order
                db.execute(
                    f"INSERT INTO workshop_facilitation_records ({_RECORD_COLUMNS}) VALUES (?, ?, ?, ?, 1, ?,"
                    f" {_NEXT_SEQ}) ON CONFLICT DO NOTHING",
                    (workshop_id, kind, key, json.dumps(value, ensure_ascii=False), timestamp, workshop_id),
                )
            db.execute("DELETE FROM workshop_facilitation WHERE workshop_id = ?", (workshop_id,))

    def workshops(self) -> list[Workshop]:
        """Every workshop in the folder (without codes): for the command line and the facilitator's comparison."""
        rows = self._db.execute(f"SELECT {_WORKSHOP_COLUMNS} FROM workshops ORDER BY created_at")
        return [Workshop(*row[:4], None, *row[4:]) for row in rows]

    def listed_workshops(self) -> list[Workshop]:
        """The workshops a page may list to this user: under the hub only those they created (the portfolio
        office and the local user: all). Joining and facilitating go by the codes, not by this list."""
        if self.user.portfolio_office:
            return self.workshops()
        rows = self._db.execute(
            f"SELECT {_WORKSHOP_COLUMNS} FROM workshops WHERE created_by = ? ORDER BY created_at", (self.user.name,)
        )
        return [Workshop(*row[:4], None, *row[4:]) for row in rows]

    def compared_with(self, workshop_id: str) -> list[str]:
        """The ids of the earlier workshops the facilitator chose to compare this one with."""
        rows = self._db.execute("SELECT earlier_id FROM workshop_comparisons WHERE workshop_id = ?", (workshop_id,))
        return [row[0] for row in rows]

    def set_compared_with(self, facilitator_code: str, earlier_ids: list[str]) -> None:
        """Choose the workshops to compare with (the facilitator's choice; only ones with the same questionnaire)."""
        workshop = self.by_facilitator_code(facilitator_code)
        listed = {w.id for w in self.listed_workshops()}
        with self._write() as db:
            same = {
                row[0]
                for row in db.execute(
                    "SELECT id FROM workshops WHERE questionnaire_id = ? AND id != ?",
                    (workshop.questionnaire_id, workshop.id),
                )
            } & listed
            unknown = [i for i in earlier_ids if i not in same]
            if unknown:
                raise NotFoundError("En vald workshop finns inte, eller har en annan enkät.")
            db.execute("DELETE FROM workshop_comparisons WHERE workshop_id = ?", (workshop.id,))
            db.executemany(
                "INSERT INTO workshop_comparisons (workshop_id, earlier_id) VALUES (?, ?)",
                [(workshop.id, i) for i in dict.fromkeys(earlier_ids)],
            )


def _columns(connection, table: str) -> set[str]:
    return {column["name"] for column in inspect(connection).get_columns(table)}


def _needs_migration(database) -> bool:
    with database.reading() as connection:
        return "name" not in _columns(connection, "workshop_responses") or "facilitator_code" in _columns(
            connection, "workshops"
        )


def migrate(db) -> None:
    """Bring a SQLite database of an older nyttolib up to date, inside the caller's write transaction (so
    it runs once). The tables' newer changes are Alembic's (storage/migrations); these two need the
    workshop's own code digests, so they stay here."""
    if "name" not in _columns(db.connection, "workshop_responses"):  # from before participants gave a name
        db.execute("ALTER TABLE workshop_responses ADD COLUMN name TEXT")
    if "facilitator_code" in _columns(db.connection, "workshops"):  # from before codes were stored hashed
        _hash_codes(db)


def _hash_codes(db) -> None:
    """Plain codes and tokens become their digests; the join code is also sealed with the facilitator code."""
    rows = db.execute("SELECT id, join_code, facilitator_code FROM workshops").fetchall()
    db.execute("ALTER TABLE workshops RENAME COLUMN join_code TO join_hash")
    db.execute("ALTER TABLE workshops RENAME COLUMN facilitator_code TO facilitator_hash")
    db.execute("ALTER TABLE workshops ADD COLUMN join_sealed TEXT")
    for workshop_id, join, facilitator in rows:
        sealed = seal_join_code(join, facilitator, workshop_id)
        db.execute(
            "UPDATE workshops SET join_hash = ?, facilitator_hash = ?, join_sealed = ? WHERE id = ?",
            (join_digest(join), secret_digest(facilitator), sealed, workshop_id),
        )
    tokens = [row[0] for row in db.execute("SELECT token FROM workshop_responses")]
    db.execute("ALTER TABLE workshop_responses RENAME COLUMN token TO token_hash")
    db.executemany(
        "UPDATE workshop_responses SET token_hash = ? WHERE token_hash = ?", [(secret_digest(t), t) for t in tokens]
    )
