"""One participant answering a questionnaire, in one kernel: answers saved as they go, submit, and
what happens when the facilitator closes the survey. Plain Python (no widgets), tested without a browser.

Answers are stored as one JSON object per participant: statement keys ("dimension/statement") hold
{"now": level or "vet_ej", "target": ...}; "_comments" holds free text per dimension, "_numbers" the
numeric fields and "_drafts" numeric text that is not a number yet (kept as typed, never lost).
"""

from __future__ import annotations

import atexit
import logging
import weakref
from typing import Any

from nyttolib.autosave import Debounced, Scheduler, StatusListeners, asyncio_scheduler
from nyttolib.numbers import ANSWER, format_input, parse_number
from nyttolib.survey.questionnaire import Dimension, Questionnaire
from nyttolib.survey.statistics import DONT_KNOW, statement_key
from nyttolib.survey.store import ClosedError, WorkshopStore

log = logging.getLogger("nyttolib.app")

COMMENTS, NUMBERS, DRAFTS = "_comments", "_numbers", "_drafts"
QUESTIONS = ("now", "target")


def _flush_at_exit(reference: weakref.ref) -> None:
    session = reference()
    if session is not None and session.saver.dirty and not session.closed:
        try:
            session.saver.flush()
        except Exception:
            log.exception("Could not save the answers at exit")


def _number(text: str, unit: str = "") -> float | None:
    """A numeric answer in the ANSWER range (the unit may follow it), or None for an empty field;
    ValueError in Swedish otherwise."""
    return parse_number(text, unit=unit, allowed=ANSWER)


class ParticipantSession(StatusListeners):
    """The answers of the participant holding `token`, saved to the store after each change."""

    SAVE_DELAY = 0.5

    def __init__(
        self,
        store: WorkshopStore,
        questionnaires: dict[str, Questionnaire],
        token: str,
        *,
        scheduler: Scheduler = asyncio_scheduler,
    ):
        super().__init__()
        self.store = store
        self.token = token
        self.workshop, response = store.response(token)
        self.questionnaire = questionnaires[self.workshop.questionnaire_id]
        self.role = response.role
        self.subject = response.subject
        self.name = response.name
        self.answers: dict[str, Any] = dict(response.answers)
        self.submitted_at = response.submitted_at
        self.closed = bool(self.workshop.closed_at)
        self.lost_unsaved = False  # the survey closed before the last change was saved (it was taken back)
        self.status = "closed" if self.closed else "saved"
        self.saver = Debounced(self._save, self.SAVE_DELAY, scheduler)
        atexit.register(_flush_at_exit, weakref.ref(self))

    # -- what the participant answers -------------------------------------------------------------

    def dimensions(self) -> list[Dimension]:
        """The dimensions this participant answers: those for their group, or all when no group applies."""
        return self.questionnaire.dimensions_for(self.role)

    def level(self, dimension_id: str, statement_id: str, question: str = "now") -> int | str | None:
        return self.answers.get(statement_key(dimension_id, statement_id), {}).get(question)

    def set_level(self, dimension_id: str, statement_id: str, question: str, value: int | str | None) -> None:
        if question not in QUESTIONS:
            raise ValueError(f"okänd fråga: {question}")
        if value is not None and value != DONT_KNOW and value not in self.questionnaire.levels:
            raise ValueError("Välj ett av alternativen")
        answer = dict(self.answers.get(statement_key(dimension_id, statement_id), {}))
        if value is None:
            answer.pop(question, None)
        else:
            answer[question] = value
        self.answers[statement_key(dimension_id, statement_id)] = answer
        self._changed()

    def comment(self, dimension_id: str) -> str:
        return self.answers.get(COMMENTS, {}).get(dimension_id, "")

    def set_comment(self, dimension_id: str, text: str) -> None:
        comments = dict(self.answers.get(COMMENTS, {}))
        comments[dimension_id] = text
        self.answers[COMMENTS] = comments
        self._changed()

    def number_text(self, field_id: str) -> str:
        """What the numeric field shows: the draft as typed, or the stored number."""
        draft = self.answers.get(DRAFTS, {}).get(field_id)
        if draft is not None:
            return draft
        return format_input(self.answers.get(NUMBERS, {}).get(field_id))

    def _unit(self, field_id: str) -> str:
        return next((f.unit for f in self.questionnaire.numeric_fields if f.id == field_id), "")

    def number_error(self, field_id: str) -> str | None:
        """The message for a draft kept from before (shown again when the page is built), without saving."""
        draft = self.answers.get(DRAFTS, {}).get(field_id)
        if draft is None:
            return None
        try:
            _number(draft, self._unit(field_id))
        except ValueError as exc:
            return str(exc)
        return None

    def set_number(self, field_id: str, text: str) -> None:
        """Store the number; text that is not a number is kept as a draft and the Swedish message raised."""
        if field_id not in {f.id for f in self.questionnaire.numeric_fields}:
            raise KeyError(f"okänt fält: {field_id}")
        numbers = dict(self.answers.get(NUMBERS, {}))
        drafts = dict(self.answers.get(DRAFTS, {}))
        try:
            value = _number(text, self._unit(field_id))
        except ValueError:
            drafts[field_id] = text
            self.answers[DRAFTS] = drafts
            self._changed()
            raise
        drafts.pop(field_id, None)
        if value is None:
            numbers.pop(field_id, None)
        else:
            numbers[field_id] = value
        self.answers[NUMBERS], self.answers[DRAFTS] = numbers, drafts
        self._changed()

    def answered(self, dimension: Dimension) -> int:
        """How many of the dimension's statements have a nuläge (and a börläge, when asked)."""
        questions = QUESTIONS if self.questionnaire.gap_analysis else QUESTIONS[:1]
        return sum(all(self.level(dimension.id, s.id, q) is not None for q in questions) for s in dimension.statements)

    def unanswered(self) -> list[tuple[Dimension, int]]:
        """Dimensions with statements left to answer, and how many."""
        return [
            (d, len(d.statements) - self.answered(d)) for d in self.dimensions() if self.answered(d) < len(d.statements)
        ]

    # -- saving -----------------------------------------------------------------------------------

    def _changed(self) -> None:
        if self.closed:
            raise ClosedError()
        self.status = "pending"
        self._notify()
        self.saver.touch()

    def _save(self, submit: bool = False) -> None:
        try:
            saved_at = self.store.save_answers(self.token, self.answers, submit=submit)
        except ClosedError:
            self._set_closed(True)
            return
        except Exception:  # e.g. the disk is full: say so; the answers stay in the page and the next change saves all
            log.exception("Could not save the answers")
            self.status = "error"
            self._notify()
            return
        self.status = "saved"
        if submit:
            self.submitted_at = saved_at
        self._notify()

    def _set_closed(self, closed: bool) -> None:
        """The survey closed (or opened again) while this page was open. Once closed, what the page shows is
        what is stored: a change the store refused is taken back, never shown as if it were an answer."""
        self.closed = closed
        self.lost_unsaved = False
        if closed:
            self.saver.cancel()
            stored = self.store.response(self.token)[1].answers
            self.lost_unsaved = self.answers != stored
            self.answers = dict(stored)
        self.status = "closed" if closed else "saved"
        self._notify()

    def check_closed(self) -> bool:
        """Ask the store whether the facilitator closed or reopened the survey (the page polls this);
        True when that changed."""
        self.workshop = self.store.response(self.token)[0]
        closed = bool(self.workshop.closed_at)
        if closed == self.closed:
            return False
        if closed and self.saver.dirty:
            self.saver.flush()  # a last change made just before: the store refuses it, which closes the page
            if self.closed:
                return True
        self._set_closed(closed)
        return True

    def flush(self) -> None:
        if self.saver.dirty:
            self.saver.flush()

    def submit(self) -> None:
        """Save now and mark the answers as submitted; they can still be changed until the survey closes."""
        self.saver.cancel()
        self._save(submit=True)
