"""One open canvas in one kernel: the model being edited, autosave, drafts and a second tab.

As with an assessment (nyttolib.app.session), nothing may live only in the kernel: every change is saved
as a new revision on DocumentStore("canvas") after a short pause, and text that is not valid yet (a
date being typed) is kept as a draft inside the saved document. A save from an older revision is
refused by the store; then the other tab's version is merged field by field, and only where both
changed the same field does the user choose. Plain Python (no widgets), so it is tested without a browser.
"""

from __future__ import annotations

import atexit
import logging
import weakref
from collections.abc import Callable
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from nyttolib.assessment.merge import Conflict, three_way_merge
from nyttolib.autosave import Debounced, Scheduler, StatusListeners, asyncio_scheduler
from nyttolib.canvas.model import Answer, Canvas
from nyttolib.messages import error_text
from nyttolib.storage.assessments import AccessError, ConflictError
from nyttolib.storage.documents import DocumentStore

log = logging.getLogger("nyttolib.app")

KIND = "canvas"
ANSWER_GROUPS = ("solution_risks", "project_criteria")


class FieldError(ValueError):
    """A value the canvas does not accept; the message is Swedish and shown beside the field."""


def canvas_store(directory: Any = None, **options: Any) -> DocumentStore:
    return DocumentStore(KIND, directory, **options)


def stored_document(canvas: Canvas, drafts: dict[str, str]) -> dict[str, Any]:
    """What one revision holds: the canvas and the drafts of fields whose text is not valid yet."""
    return {**canvas.model_dump(mode="json"), "drafts": dict(drafts)}


def split_document(document: dict[str, Any]) -> tuple[Canvas, dict[str, str]]:
    """A stored revision as the canvas and its drafts (drafts that are not text are dropped)."""
    data = dict(document)
    drafts = data.pop("drafts", {})
    drafts = {str(k): v for k, v in drafts.items() if isinstance(v, str)} if isinstance(drafts, dict) else {}
    return Canvas.model_validate(data), drafts


def _timer(delay: float, callback: Callable[[], None]) -> Any:
    """The watch for other tabs: on the kernel's event loop, nothing without one (a script, a test)."""
    import asyncio

    try:
        return asyncio.get_running_loop().call_later(delay, callback)
    except RuntimeError:
        return None


def _flush_at_exit(reference: weakref.ref) -> None:
    session = reference()
    if session is None:
        return
    try:
        if session.status == "conflict":
            session.keep_mine()  # the other tab's version stays in the history
        elif session.dirty or session.status in ("pending", "error"):
            session._save(session.revision)
    except Exception:
        log.exception("Could not save the canvas at exit")


class CanvasSession(StatusListeners):
    """The canvas a page edits, saved to the store as the user types."""

    SAVE_DELAY = 0.6
    WATCH_INTERVAL = 2.0

    def __init__(
        self,
        store: DocumentStore,
        canvas_id: str | None = None,
        *,
        scheduler: Scheduler = asyncio_scheduler,
        save_delay: float | None = None,
        watch_scheduler: Scheduler = _timer,
        initial: Canvas | None = None,
    ):
        super().__init__()
        self.store = store
        self.id = canvas_id
        self.revision: int | None = None
        # What the user may do (storage.shares): "read" and "office" see it and save nothing.
        self.access: str = "owner"  # a new canvas becomes the user's when it is first saved
        if canvas_id:
            document, self.revision = store.load(canvas_id)
            self.canvas, self.drafts = split_document(document)
            self.base: dict[str, Any] | None = stored_document(self.canvas, self.drafts)
            self.access = store.access(canvas_id) or "read"
        else:
            self.canvas, self.drafts, self.base = initial or Canvas(), {}, None
        self.status = "saved" if canvas_id else "new"
        self.status_message = ""
        self.conflicts: list[Conflict] = []
        self._theirs: tuple[dict[str, Any], int] | None = None
        self.news = ""
        self._listeners: list[Callable[[], None]] = []
        self._debounced = Debounced(self._autosave, self.SAVE_DELAY if save_delay is None else save_delay, scheduler)
        self._watch_schedule = watch_scheduler
        self._watch_timer: Any = None
        self._schedule_watch()
        atexit.register(_flush_at_exit, weakref.ref(self))

    @property
    def dirty(self) -> bool:
        return self._debounced.dirty

    @property
    def read_only(self) -> bool:
        """Shared to read, or seen by the portfolio office: nothing here is the user's to save."""
        return self.access not in ("owner", "edit")

    # -- fields ----------------------------------------------------------------------------------

    def get(self, name: str) -> Any:
        return getattr(self.canvas, name)

    def set(self, name: str, value: Any) -> None:
        """Set one field; FieldError (Swedish) if the canvas does not accept the value."""
        if name not in Canvas.model_fields:
            raise FieldError("fältet finns inte")
        if getattr(self.canvas, name) == value and type(getattr(self.canvas, name)) is type(value):
            if self.drafts.pop(name, None) is not None:
                self.changed()
            return  # nothing new (a view echoing a value it was given): no revision
        if self.read_only:  # the page's inputs are off; a crafted widget message changes nothing either
            raise FieldError("du kan läsa den här men inte ändra den")
        try:
            setattr(self.canvas, name, value)
        except ValidationError as exc:
            raise FieldError(error_text(exc.errors()[0])) from None
        self.drafts.pop(name, None)
        self.changed()

    def answer(self, group: str, question_id: str, value: Answer | None) -> None:
        """A ja/nej answer of the need page's self-checks (None: not answered)."""
        if group not in ANSWER_GROUPS:
            raise FieldError("frågan finns inte")
        answers = dict(getattr(self.canvas, group))
        if value is None:
            answers.pop(question_id, None)
        else:
            answers[question_id] = value
        self.set(group, answers)

    def set_draft(self, name: str, text: str) -> None:
        """Keep text that is not valid yet, so it survives a reload or a dead kernel."""
        if self.read_only:
            return
        if self.drafts.get(name) != text:
            self.drafts[name] = text
            self.changed()

    def draft(self, name: str) -> str | None:
        return self.drafts.get(name)

    def on_change(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def changed(self) -> None:
        for listener in list(self._listeners):
            listener()
        if self.read_only:
            return  # the page's inputs are disabled; a change that still comes is not saved
        if self.status != "conflict":
            self._set_status("pending", "Sparar …")
        if self.id is None:
            self._save(None)  # the first change creates the canvas at once: its address can be given out
            return
        self._debounced.touch()

    # -- saving ----------------------------------------------------------------------------------

    def flush(self) -> bool:
        """Save now what is unsaved (a new canvas is created even if still empty). True when saved."""
        if self.read_only:
            return True
        if self.status == "conflict":
            return False
        if not self.dirty and self.revision is not None:
            return True
        return self._save(self.revision)

    def _autosave(self) -> None:
        """What the debounced save runs: the status (saved, conflict, error) tells the page how it went."""
        if self.status != "conflict" and not self.read_only:
            self._save(self.revision)

    def _save(self, expected: int | None, note: str = "") -> bool:
        self._debounced.cancel()
        document = stored_document(self.canvas, self.drafts)
        date = self.canvas.date.isoformat() if self.canvas.date else None
        try:
            saved = self.store.save(
                document, id=self.id, expected_revision=expected, name=self.canvas.name, note=note, on_date=date
            )
        except ConflictError:
            return self._catch_up(mine=document)
        except AccessError as exc:  # the share was taken back while the page was open: no retries
            self._refused(exc)
            return False
        except Exception:
            log.exception("Could not save canvas %s", self.id)
            self._debounced.dirty = True
            self._set_status("error", "Det gick inte att spara just nu. Det du skrivit finns kvar; vi försöker igen.")
            _timer(2.0, self._autosave)
            return False
        self.id, self.revision, self.base = saved.id, saved.revision, document
        self.saved_at = datetime.now()
        self._set_status("saved", f"Sparat {self.saved_at:%H:%M:%S}")
        self._schedule_watch()
        return True

    # -- another tab -----------------------------------------------------------------------------

    def _schedule_watch(self) -> None:
        if self._watch_timer is None and self.revision is not None:
            self._watch_timer = self._watch_schedule(self.WATCH_INTERVAL, self._watch)

    def _watch(self) -> None:
        self._watch_timer = None
        try:
            self.check_for_updates()
        except AccessError as exc:  # no longer shared with the user: nothing more is shown or saved
            self._refused(exc)
            return
        except Exception:
            log.exception("Could not look for newer revisions of canvas %s", self.id)
        self._schedule_watch()

    def _refused(self, exc: AccessError) -> None:
        """The store refused: read-only from now on, and the user is told what was not saved."""
        self.access = "read"
        self._debounced.cancel()  # also forgets that anything was unsaved
        self._set_status("refused", f"{exc} Det du ändrat efter det senast sparade har inte sparats.")

    def check_for_updates(self) -> bool:
        """Has another tab saved since? Then take its changes in. One cheap look when nothing changed."""
        if self.id is None or self.revision is None or self.status == "conflict":
            return False
        if self.store.head_revision(self.id) <= self.revision:
            return False
        self._catch_up(mine=stored_document(self.canvas, self.drafts))
        return True

    def _catch_up(self, mine: dict[str, Any]) -> bool:
        """Merge the newest revision with this copy: fields only one side changed are taken as they are;
        where both changed a field, the user chooses (keep_mine / take_theirs)."""
        theirs, revision = self.store.load(self.id)  # type: ignore[arg-type]
        base = self.base if self.base is not None else theirs
        result = three_way_merge(base, mine, theirs)
        if result.conflicts:
            self.conflicts, self._theirs = result.conflicts, (theirs, revision)
            names = ", ".join(self.label(c) for c in result.conflicts)
            self._set_status(
                "conflict",
                f"Canvasen har sparats från ett annat fönster, och samma fält har ändrats både där och här ({names}). "
                "Välj vilken version som ska gälla; den andra finns kvar i historiken.",
            )
            return False
        return self._apply(result.document, theirs, revision, mine)

    def _apply(self, merged: dict[str, Any], theirs: dict[str, Any], revision: int, mine: dict[str, Any]) -> bool:
        try:
            canvas, drafts = split_document(merged)
        except ValidationError:
            canvas, drafts = split_document(theirs)
            merged = theirs
        self.canvas, self.drafts, self.base, self.revision = canvas, drafts, theirs, revision
        self.conflicts, self._theirs = [], None
        self.news = f"Kl. {datetime.now():%H:%M} hämtades ändringar som sparats i ett annat fönster."
        for listener in list(self._listeners):
            listener()
        if merged != theirs:
            self.status = "pending"
            return self._save(revision, note=f"Sammanslagen med revision {revision} från ett annat fönster")
        self._debounced.cancel()
        self._set_status("saved", "Sparat – den senaste versionen, från ett annat fönster")
        return True

    def label(self, conflict: Conflict) -> str:
        name = str(conflict.path[0]) if conflict.path else ""
        field = Canvas.model_fields.get(name)
        return field.title if field and field.title else name

    def keep_mine(self) -> bool:
        """After a conflict: my value where both changed, the rest of theirs merged in."""
        return self._resolve("mine")

    def take_theirs(self) -> bool:
        """After a conflict: their value where both changed, the rest of mine kept."""
        return self._resolve("theirs")

    def _resolve(self, choice: str) -> bool:
        if self._theirs is None:
            return False
        theirs, revision = self._theirs
        mine = stored_document(self.canvas, self.drafts)
        result = three_way_merge(self.base if self.base is not None else theirs, mine, theirs, default=choice)
        self.status = "pending"
        return self._apply(result.document, theirs, revision, mine)

    def _set_status(self, status: str, message: str) -> None:
        self.status, self.status_message = status, message
        self._notify()
