"""One answering open in one kernel: answers saved as the user goes (autosave), and what another tab
saved taken in item by item. Plain Python (no widgets), tested without a browser.

Voilà shuts the kernel down when the tab closes, so every change reaches the store after half a second
of quiet (nyttolib.autosave), and what is pending is saved at a clean exit. When another tab saved the
same answering in between, the store refuses the save (ConflictError): the items only the other tab
changed are taken in, the user's own changes kept, and an item both changed differently is listed as a
conflict with both answers, the user's saved and the other tab's a click away (and in the history).
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import weakref
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from nyttolib.autosave import Debounced, Scheduler, StatusListeners, asyncio_scheduler
from nyttolib.checklists.answers import ANSWER_LABELS, MAX_COMMENT, Answering, ItemAnswer, answer_label, new_answering
from nyttolib.checklists.model import Checklist
from nyttolib.checklists.store import ChecklistStore
from nyttolib.storage.assessments import AccessError, ConflictError

log = logging.getLogger("nyttolib.app")


def _flush_at_exit(reference: weakref.ref) -> None:
    session = reference()
    if session is not None and session.saver.dirty:
        try:
            session.saver.flush()
        except Exception:
            log.exception("Could not save the checklist answers at exit")


@dataclass(frozen=True)
class ItemConflict:
    """Both tabs changed the item: the user's answer is kept (and saved), the other tab's shown beside it."""

    item_id: str
    number: int
    text: str
    mine: ItemAnswer
    theirs: ItemAnswer

    def description(self) -> str:
        def said(answer: ItemAnswer) -> str:
            return answer_label(answer.answer) + (f" med kommentaren ”{answer.comment}”" if answer.comment else "")

        return f"Punkt {self.number}: här {said(self.mine)}; i den andra fliken {said(self.theirs)}."


def _answers(answering: Answering) -> dict[str, dict[str, Any]]:
    return {item.id: answering.answer(item.id).model_dump() for item in answering.items}


class ChecklistSession(StatusListeners):
    """The answering a page edits, saved to the store after each change."""

    SAVE_DELAY = 0.5  # seconds of quiet before saving: at most about a second is ever unsaved

    def __init__(self, store: ChecklistStore, answering_id: str, *, scheduler: Scheduler = asyncio_scheduler):
        super().__init__()
        self.store = store
        self.id = answering_id
        self.answering, self.revision = store.load(answering_id)
        self.base = _answers(self.answering)  # what this tab last had from the store: the merge's base
        # What the user may do (storage.shares): "read" and "office" see the answers and save nothing.
        self.access: str = store.access(answering_id) or "read"
        self.status = "saved"
        self.status_message = ""
        self.conflicts: list[ItemConflict] = []
        self.news = ""  # what was taken in from another tab, for the page to say
        self.saver = Debounced(self._save, self.SAVE_DELAY, scheduler)
        atexit.register(_flush_at_exit, weakref.ref(self))

    @classmethod
    def start(
        cls,
        store: ChecklistStore,
        checklist: Checklist,
        organisation: str,
        on_date: dt.date,
        *,
        scheduler: Scheduler = asyncio_scheduler,
    ) -> ChecklistSession:
        """The organisation's answering of the checklist on that date: the one there is, or a new one."""
        answering = new_answering(checklist, organisation, on_date)  # validates the organisation
        found = store.find(checklist.id, answering.organisation, on_date)
        if found is None:
            found = store.save(answering).id
        return cls(store, found, scheduler=scheduler)

    @property
    def read_only(self) -> bool:
        return self.access not in ("owner", "edit")

    # -- answering ---------------------------------------------------------------------------------

    def number(self, item_id: str) -> int:
        ids = [item.id for item in self.answering.items]
        if item_id not in ids:
            raise KeyError(f"okänd punkt: {item_id}")
        return ids.index(item_id) + 1

    def _refuse_if_read_only(self) -> None:
        """Before anything changes: a reader's answers stay as they are stored (the page's inputs are off)."""
        if self.read_only:
            raise ValueError("Du kan läsa svaren men inte ändra dem.")

    def set_answer(self, item_id: str, value: str | None) -> None:
        self._refuse_if_read_only()
        self.number(item_id)
        if value is not None and value not in ANSWER_LABELS:
            raise ValueError("Välj ett av svaren")
        current = self.answering.answer(item_id)
        if current.answer == value:
            return
        self.answering.answers[item_id] = current.model_copy(update={"answer": value})
        self._changed()

    def set_comment(self, item_id: str, text: str) -> None:
        self._refuse_if_read_only()
        self.number(item_id)
        current = self.answering.answer(item_id)
        if current.comment == text:
            return
        if len(text) > MAX_COMMENT:
            raise ValueError(
                f"Kommentaren är för lång ({len(text)} tecken, högst {MAX_COMMENT}). Korta den; det som står "
                "i fältet sparas inte förrän den får plats."
            )
        try:
            self.answering.answers[item_id] = ItemAnswer(answer=current.answer, comment=text)
        except ValidationError as exc:
            raise ValueError(exc.errors()[0]["msg"]) from None
        self._changed()

    # -- saving ------------------------------------------------------------------------------------

    def _changed(self) -> None:
        self._refuse_if_read_only()
        self.status = "pending"
        self._notify()
        self.saver.touch()

    def _save(self) -> None:
        for _attempt in range(3):  # another tab may save again while we merge: try again a few times
            try:
                saved = self.store.save(self.answering, id=self.id, expected_revision=self.revision)
            except ConflictError:
                self._take_in_other_tab()
                continue
            except AccessError as exc:  # the share was taken back while the page was open
                self._refused(exc)
                return
            except Exception:  # e.g. the disk is full: the answers stay here and the next change saves all
                log.exception("Could not save the checklist answers")
                self.status = "error"
                self._notify()
                return
            self.revision = saved.revision
            self.base = _answers(self.answering)
            self.status = "conflict" if self.conflicts else "saved"
            self._notify()
            return
        self.status = "error"
        self._notify()

    def flush(self) -> None:
        if self.saver.dirty:
            self.saver.flush()

    def _refused(self, exc: AccessError) -> None:
        """The store refused: read-only from now on, and the user is told what was not saved."""
        self.access = "read"
        self.saver.cancel()
        self.status = "refused"
        self.status_message = f"{exc} Det du ändrat efter det senast sparade har inte sparats."
        self._notify()

    # -- another tab -------------------------------------------------------------------------------

    def _take_in_other_tab(self) -> list[str]:
        """Merge what the store holds now into this tab's answers, item by item; returns the numbers
        of the items taken from the other tab."""
        theirs_answering, head = self.store.load(self.id)
        theirs = _answers(theirs_answering)
        mine = _answers(self.answering)
        taken, conflicts = [], {c.item_id: c for c in self.conflicts}
        for item in self.answering.items:
            base, own, other = self.base.get(item.id), mine[item.id], theirs.get(item.id, ItemAnswer().model_dump())
            if own == base and other != own:
                self.answering.answers[item.id] = ItemAnswer(**other)
                taken.append(str(self.number(item.id)))
                conflicts.pop(item.id, None)
            elif own != base and other != base and other != own:
                conflicts[item.id] = ItemConflict(
                    item.id, self.number(item.id), item.text, ItemAnswer(**own), ItemAnswer(**other)
                )
        self.conflicts = sorted(conflicts.values(), key=lambda c: c.number)
        self.base, self.revision = theirs, head
        if taken:
            self.news = "Svar från en annan flik har tagits in: punkt " + ", ".join(taken) + "."
        return taken

    def check_other_tab(self) -> bool:
        """Take in what another tab saved since (the page polls this); True when something came in."""
        if self.saver.dirty or self.status == "refused":
            return False
        try:
            head = self.store.head_revision(self.id)
        except AccessError as exc:  # no longer shared with the user
            self._refused(exc)
            return False
        if head == self.revision:
            return False
        taken = self._take_in_other_tab()
        self._notify()
        return bool(taken)

    def take_theirs(self, item_id: str) -> None:
        """Use the other tab's answer for a conflicting item (the user's own stays in the history)."""
        conflict = next((c for c in self.conflicts if c.item_id == item_id), None)
        if conflict is None:
            return
        self.conflicts = [c for c in self.conflicts if c.item_id != item_id]
        self.answering.answers[item_id] = conflict.theirs
        self._changed()

    def keep_mine(self, item_id: str) -> None:
        self.conflicts = [c for c in self.conflicts if c.item_id != item_id]
        if self.status == "conflict" and not self.conflicts:
            self.status = "saved"
        self._notify()
