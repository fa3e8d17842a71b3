"""One open assessment in one kernel: the model being edited, autosave, drafts and conflicts.

Voilà shuts the kernel down when the tab closes, so nothing may live only here: every change is
saved to the store after a short pause (debounced), and text that is not valid yet is kept as a
draft. Plain Python (no widgets), so it can be tested without a browser.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import copy
import logging
import uuid
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ValidationError

from nyttolib.assessment import merge
from nyttolib.assessment.completeness import completeness, draft_path
from nyttolib.assessment.documents import blank_assessment
from nyttolib.assessment.merge import Choice, Conflict, MergePath
from nyttolib.assessment.model import Assessment
from nyttolib.autosave import Scheduler, asyncio_scheduler
from nyttolib.content import Content
from nyttolib.messages import error_text
from nyttolib.storage.assessments import Access, AccessError, ConflictError, Store

log = logging.getLogger("nyttolib.app")

Path = tuple[Any, ...]


def path_key(path: Path) -> str:
    """A stable text key for a field path, e.g. ('benefits', 0, 'description') → 'benefits.0.description'."""
    return ".".join(str(part) for part in path)


def _put(container: Any, rest: Path, value: Any) -> bool:
    """Write `value` at `rest` inside a copied list or dict; a year past the end is padded with 0."""
    *parents, last = rest
    for part in parents:
        if isinstance(container, dict):
            container = container.setdefault(part, {})
        elif isinstance(container, list) and isinstance(part, int) and 0 <= part < len(container):
            container = container[part]
        else:
            return False
    if isinstance(container, dict):
        container[last] = value
    elif isinstance(container, list) and isinstance(last, int) and 0 <= last < 1000:
        container.extend([0.0] * (last + 1 - len(container)))
        container[last] = value
    else:
        return False
    return True


def follow_rows(old: Any, new: Any, loc: Path) -> Path | None:
    """Where the field at `loc` in the document `old` is in `new`: rows are found again by their id.

    None when the row or the field is gone (a removed row, a year beyond the new number of years).
    """
    result: list[Any] = []
    for part in loc:
        if isinstance(new, list) and isinstance(part, int):
            old_row = old[part] if isinstance(old, list) and 0 <= part < len(old) else None
            if isinstance(old_row, dict) and "id" in old_row:
                ids = [row.get("id") if isinstance(row, dict) else None for row in new]
                index = ids.index(old_row["id"]) if old_row["id"] in ids else None
            elif isinstance(old_row, str):  # a row of text without an id: only where no row was added or removed
                index = part if isinstance(old, list) and len(old) == len(new) else None
            else:  # a value per year
                index = part if 0 <= part < len(new) else None
            if index is None:
                return None
            old, new = old_row, new[index]
            result.append(index)
        elif isinstance(new, dict) and part in new:
            old, new = old.get(part) if isinstance(old, dict) else None, new[part]
            result.append(part)
        else:
            return None
    return tuple(result)


def field_exists(document: Any, loc: Path) -> bool:
    """Whether the form has a field at `loc` in the dumped document (a key of a dict can still be added)."""
    for part in loc:
        if isinstance(document, dict):
            if part not in document:
                return True
            document = document[part]
        elif isinstance(document, list) and isinstance(part, int) and 0 <= part < len(document):
            document = document[part]
        else:
            return False
    return True


def new_assessment(content: Content) -> Assessment:
    """A blank assessment with the content's default hourly rates and the minimum number of years."""
    return blank_assessment(content).model_copy(update={"id": uuid.uuid4().hex})


def _flush_at_exit(reference: weakref.ref) -> None:
    session = reference()
    if session is None or not (session._dirty or session._drafts_dirty):
        return
    try:
        session.flush()
    except Exception:  # the store may already be closed; nothing more can be done at exit
        log.exception("Could not save at exit")


def loop_timer(delay: float, callback: Callable[[], None]) -> Any:
    """Run `callback` after `delay` seconds on the kernel's event loop; nothing without a loop (a script)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None
    return loop.call_later(delay, callback)


@dataclass
class PendingMerge:
    """Another tab saved `revision` while this one had unsaved changes, and both changed some field."""

    theirs: dict
    revision: int
    conflicts: list[Conflict]
    choices: dict[MergePath, Choice] = field(default_factory=dict)
    whole: bool = False  # the versions cannot be merged field by field: keep one or the other

    @property
    def open(self) -> list[Conflict]:
        return [c for c in self.conflicts if c.path not in self.choices]


def _readable_drafts(store: Store, assessment_id: str) -> dict[str, str]:
    """The drafts kept for the assessment; unreadable ones never stop it from opening."""
    try:
        drafts = store.drafts(assessment_id)
    except Exception:
        log.exception("Unreadable drafts for %s", assessment_id)
        return {}
    if not isinstance(drafts, dict):
        return {}
    return {str(key): text for key, text in drafts.items() if isinstance(text, str)}


class FieldError(ValueError):
    """A value the model does not accept; the message is Swedish and shown beside the field."""


class AssessmentSession:
    """The assessment a form edits, saved to the store as the user goes."""

    SAVE_DELAY = 0.6  # seconds of quiet before saving: at most about a second is ever unsaved
    WATCH_INTERVAL = 2.0  # seconds between looks for a revision saved from another tab (one indexed query)

    def __init__(
        self,
        store: Store,
        content: Content,
        assessment_id: str | None = None,
        *,
        scheduler: Scheduler = asyncio_scheduler,
        save_delay: float | None = None,
        watch_scheduler: Scheduler = loop_timer,
    ):
        self.store = store
        self.content = content
        self._schedule = scheduler
        self.save_delay = self.SAVE_DELAY if save_delay is None else save_delay
        if assessment_id:
            self.assessment, self.revision = store.load(assessment_id)
            self.access: Access = store.access(assessment_id) or "read"
            self.drafts: dict[str, str] = self._drafts_of(self.assessment, _readable_drafts(store, assessment_id))
        else:
            self.assessment, self.revision = new_assessment(content), None
            self.access = "owner"  # a new assessment becomes the user's when it is first saved
            self.drafts = {}
        self._dirty = False
        self._drafts_dirty = False
        self._pending: Any = None
        self._save_note = ""
        self.status = "saved" if assessment_id else "new"
        self.status_message = ""
        self.saved_at: datetime | None = None
        self.conflict: ConflictError | None = None
        self._listeners: list[Callable[[], None]] = []
        self._status_listeners: list[Callable[[], None]] = []
        # Another tab may save the same assessment: `base` is the revision this copy started from (the
        # common base of a three-way merge), `merge` a merge waiting for the user's choices.
        self.base: dict | None = self.assessment.model_dump(mode="json") if assessment_id else None
        self.merge: PendingMerge | None = None
        self.news = ""  # what was taken in from another tab, for the page to say
        self._merge_listeners: list[Callable[[dict], None]] = []
        self._showing_merge = False
        self._watch_schedule = watch_scheduler
        self._watch_timer: Any = None
        self._schedule_watch()
        atexit.register(_flush_at_exit, weakref.ref(self))  # a kernel shut down cleanly saves what is pending

    @property
    def id(self) -> str:
        return self.assessment.id  # type: ignore[return-value]

    @property
    def read_only(self) -> bool:
        """Shared to read, or seen as the portfolio office: shown, never saved (nor its drafts)."""
        return self.access not in ("owner", "edit")

    # -- reading and writing fields -------------------------------------------------------------

    def get(self, path: Path) -> Any:
        """The value at `path`, or None where the path runs past what the document holds."""
        target: Any = self.assessment
        for part in path:
            if isinstance(target, BaseModel):
                target = getattr(target, part)
            elif isinstance(target, dict):
                target = target.get(part)
            elif isinstance(target, list) and isinstance(part, int) and 0 <= part < len(target):
                target = target[part]
            else:
                return None  # e.g. a year a line has no value for (the consistency rules report it)
            if target is None:
                return None
        return target

    def set(self, path: Path, value: Any) -> None:
        """Set one field; raises FieldError (Swedish) if the model does not accept the value.

        A value inside a list or dict (an amount per year, an hourly rate, a plan answer) is written
        by assigning the whole list or dict to the model that owns it, so the model validates it: an
        item assigned in place would skip validation and could save a revision that cannot be loaded.
        """
        if self._showing_merge:
            return  # a view showing what was merged in echoes the value it was given: nothing new
        owner, name, rest = self._owner(path)
        if not rest:
            new = value
        else:
            new = copy.deepcopy(getattr(owner, name))
            if not _put(new, rest, value):
                raise FieldError("fältet finns inte")
        try:
            setattr(owner, name, new)
        except ValidationError as exc:
            if value is None or (isinstance(value, str) and not value.strip()):
                raise FieldError("Fältet får inte vara tomt – skriv 0 om det inte finns något") from None
            raise FieldError(error_text(exc.errors()[0])) from None
        self.clear_draft(path)
        self.changed()

    def _owner(self, path: Path) -> tuple[BaseModel, str, Path]:
        """The deepest model on `path`, its attribute on the path, and the rest of the path below it."""
        owner: BaseModel = self.assessment
        depth = 0
        target: Any = self.assessment
        for index, part in enumerate(path[:-1]):
            if isinstance(target, BaseModel):
                target = getattr(target, part, None)
            elif isinstance(target, dict):
                target = target.get(part)
            elif isinstance(target, list) and isinstance(part, int) and 0 <= part < len(target):
                target = target[part]
            else:
                raise FieldError("fältet finns inte")
            if isinstance(target, BaseModel):
                owner, depth = target, index + 1
        name = path[depth]
        if not isinstance(name, str) or name not in type(owner).model_fields:
            raise FieldError("fältet finns inte")
        return owner, name, tuple(path[depth + 1 :])

    def replace(self, path: Path, value: Any) -> None:
        """Replace a whole part (a list of rows, the calculation) and revalidate the assessment."""
        data = self.assessment.model_dump()
        *parents, last = path
        target: Any = data
        for part in parents:
            target = target[part]
        target[last] = value.model_dump() if isinstance(value, BaseModel) else value
        try:
            assessment = Assessment.model_validate(data)
        except ValidationError as exc:
            raise FieldError(error_text(exc.errors()[0])) from None
        self._move_drafts(self.assessment, assessment)
        self.assessment = assessment
        self.changed()

    @staticmethod
    def _drafts_of(assessment: Assessment, drafts: dict[str, str]) -> dict[str, str]:
        """The drafts that still have a field in `assessment` (a restored older revision may lack the
        row a draft was typed in: it would be an error no field shows and none can fix)."""
        document = assessment.model_dump()
        return {key: text for key, text in drafts.items() if field_exists(document, draft_path(key))}

    def _move_drafts(self, old: Assessment, new: Assessment) -> None:
        """Rows were added, removed, moved or the years changed: each draft follows its row (by the
        row's id) and is dropped with the field it belonged to."""
        moved = {}
        for key, text in self.drafts.items():
            loc = draft_path(key)
            target = follow_rows(old.model_dump(), new.model_dump(), loc)
            if target is not None:
                moved[path_key(target)] = text
        if moved != self.drafts:
            self.drafts = moved
            self._drafts_dirty = True

    def set_draft(self, path: Path, text: str) -> None:
        """Keep text that is not valid yet, so it survives a reload."""
        key = path_key(path)
        if self.drafts.get(key) != text:
            self.drafts[key] = text
            self._drafts_dirty = True
            self._schedule_save()

    def clear_draft(self, path: Path) -> None:
        if self.drafts.pop(path_key(path), None) is not None:
            self._drafts_dirty = True

    def draft(self, path: Path) -> str | None:
        return self.drafts.get(path_key(path))

    # -- change notification and saving ----------------------------------------------------------

    def on_change(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def on_status(self, listener: Callable[[], None]) -> None:
        self._status_listeners.append(listener)

    def notify(self) -> None:
        """Tell the views to refresh (an input became invalid or valid) without saving anything."""
        for listener in list(self._listeners):
            listener()

    def changed(self) -> None:
        """The model changed: tell the views, and save after a short pause."""
        self._dirty = True
        self.notify()
        self._schedule_save()

    def _schedule_save(self) -> None:
        if self.read_only:
            return
        if self.status != "conflict":
            self._set_status("pending", "Sparar …")
        if self._pending is not None and hasattr(self._pending, "cancel"):
            self._pending.cancel()
        self._pending = self._schedule(self.save_delay, self.flush)

    def flush(self, *, force: bool = False) -> bool:
        """Save now if anything changed. Returns True when everything is saved."""
        self._pending = None
        if self.read_only:
            return True  # nothing here is the user's to save
        if self.status == "conflict" and not force:
            return False
        try:
            if self._dirty or (self._drafts_dirty and self.revision is None):
                # A new assessment whose first input is a draft is saved too: the draft needs a document
                # to be opened with (otherwise it exists only in the drafts table, listed nowhere).
                percent = completeness(self.assessment, self.content, self.drafts).percent
                expected = None if force else self.revision
                document = self.assessment.model_dump(mode="json")
                saved = self.store.save(
                    self.assessment, expected_revision=expected, completeness_percent=percent, note=self._save_note
                )
                self.revision, self.base, self._save_note = saved.revision, document, ""
                self._dirty = False
            if self._drafts_dirty:
                self.store.save_drafts(self.id, self.drafts)
                self._drafts_dirty = False
        except ConflictError as exc:
            self.conflict = exc
            return self._catch_up(exc)
        except AccessError as exc:  # the owner stopped sharing it to edit: say so, and stop trying
            self._refused(exc)
            return False
        except Exception:  # never let a failed save pass silently: tell the user, keep the changes
            log.exception("Autosave failed for %s", self.id)
            self._set_status("error", "Det gick inte att spara just nu. Dina ändringar finns kvar; vi försöker igen.")
            self._pending = self._schedule(max(self.save_delay, 2.0), self.flush)
            return False
        self.conflict = None
        self.merge = None
        self.saved_at = datetime.now()
        self._set_status("saved", f"Sparat {self.saved_at:%H:%M:%S}")
        self._schedule_watch()
        return True

    # -- another tab saved: take its changes in ---------------------------------------------------

    def on_merge(self, listener: Callable[[dict], None]) -> None:
        """`listener(before)` hears when changes saved elsewhere were taken in (`before`: the document as
        this tab showed it), so a view shows the merged values."""
        self._merge_listeners.append(listener)

    @contextlib.contextmanager
    def showing_merge(self) -> Iterator[None]:
        """While views are given the merged values, their echoes are not new edits."""
        self._showing_merge = True
        try:
            yield
        finally:
            self._showing_merge = False

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
        except Exception:  # a failed look must not stop the watching
            log.exception("Could not check %s for newer revisions", self.id)
        self._schedule_watch()

    def check_for_updates(self) -> bool:
        """Has another tab saved a newer revision? Then take it in, merged with what is unsaved here.
        Cheap when nothing changed: one look at the head revision number."""
        if self.revision is None:
            return False
        known = max(self.revision, self.merge.revision if self.merge else 0)
        if self.store.head_revision(self.id) <= known:
            return False
        self._catch_up()
        return True

    def _catch_up(self, conflict: ConflictError | None = None) -> bool:
        """Merge the newest revision with this copy; True when the result is saved (or nothing was needed)."""
        try:
            theirs, revision = self.store.load(self.id)
        except Exception:
            log.exception("Could not load the newest revision of %s", self.id)
            message = str(conflict) if conflict else "En nyare version finns men gick inte att hämta."
            self.merge = PendingMerge({}, conflict.actual if conflict else self.revision or 0, [], whole=True)
            self._set_status("conflict", message)
            return False
        return self._take_in(theirs.model_dump(mode="json"), revision)

    def _take_in(self, theirs: dict, revision: int) -> bool:
        mine = self.assessment.model_dump(mode="json")
        choices = self.merge.choices if self.merge else {}
        if not self._dirty and self.merge is None:
            result = merge.MergeResult(theirs)
        else:
            result = merge.three_way_merge(self.base if self.base is not None else theirs, mine, theirs, choices)
        pending = PendingMerge(theirs, revision, result.conflicts, dict(choices))
        if pending.open:
            self.merge = pending
            count = len(pending.open)
            fields = "ett fält" if count == 1 else f"{count} fält"
            self._set_status(
                "conflict",
                f"Bedömningen har sparats från ett annat fönster, och {fields} har ändrats både där och här. "
                "Välj för varje fält vilken version som ska gälla; allt annat har slagits ihop.",
            )
            return False
        try:
            merged = Assessment.model_validate(result.document)
        except ValidationError as exc:
            pending.whole = True
            self.merge = pending
            self._set_status(
                "conflict",
                "Bedömningen har sparats från ett annat fönster, och ändringarna går inte att slå ihop "
                f"({error_text(exc.errors()[0])}). Välj vilken version som ska gälla; "
                "den andra finns kvar i historiken.",
            )
            return False
        return self._apply(merged, mine, theirs, revision, merge.changed_paths(self.base or mine, theirs))

    def _apply(self, merged: Assessment, before: dict, theirs: dict, revision: int, incoming: list) -> bool:
        """Show and save the merged version: it builds on `revision`, and what is new here goes on top."""
        self.assessment, self.revision, self.base = merged, revision, theirs
        self.merge, self.conflict = None, None
        self._drop_drafts_overtaken(incoming, theirs)
        self._dirty = merged.model_dump(mode="json") != theirs
        labels = self._labels(incoming, theirs)
        self.news = (
            f"Kl. {datetime.now():%H:%M} hämtades ändringar som sparats i ett annat fönster"
            + (f": {labels}." if labels else ".")
            + (" Dina ändringar finns kvar." if self._dirty else "")
        )
        for listener in list(self._merge_listeners):
            listener(before)
        if self._dirty:
            self._save_note = f"Sammanslagen med revision {revision} från ett annat fönster"
            self._set_status("pending", "Sparar …")
            return self.flush()
        self.saved_at = datetime.now()
        self._set_status("saved", f"Sparat {self.saved_at:%H:%M:%S} – den senaste versionen, från ett annat fönster")
        return True

    def _drop_drafts_overtaken(self, incoming: list, theirs: dict) -> None:
        """A field the other tab saved since is newer than text this tab could not accept there: the draft
        goes, so that a closed tab's kernel can never bring back an error the user has already fixed."""
        keys = [path_key(pos) for p in incoming if p and (pos := merge.positional_path(p, theirs)) is not None]
        stale = [d for d in self.drafts if any(d == k or d.startswith(f"{k}.") for k in keys)]
        for key in stale:
            del self.drafts[key]
        if stale:
            self._drafts_dirty = True

    def _labels(self, paths: list[MergePath], document: dict, limit: int = 4) -> str:
        names = self.field_names()
        labels = list(dict.fromkeys(merge.describe(p, document, Assessment, names) for p in paths if p))
        more = len(labels) - limit
        return ", ".join(labels[:limit]) + (f" och {more} till" if more > 0 else "")

    def field_names(self) -> dict[str, str]:
        """Labels of content ids that are keys in the document (criteria, classification axes, rates)."""
        c = self.content
        names = {criterion.id: criterion.label for criterion in c.criteria.criteria}
        names |= {axis.id: f"{axis.left} – {axis.right}" for axis in c.classification.axes}
        names |= {rate.id: rate.label for rate in c.settings.hourly_rates}
        return names

    def conflict_label(self, conflict: Conflict) -> str:
        document = self.merge.theirs if self.merge else {}
        return merge.describe(conflict.path, document, Assessment, self.field_names())

    def choose(self, path: MergePath, choice: Choice) -> bool:
        """Decide one field both tabs changed; when every one is decided the merged version is saved."""
        if self.merge is None or self.merge.whole:
            return False
        self.merge.choices[path] = choice
        return self._take_in(self.merge.theirs, self.merge.revision)

    def keep_mine(self) -> bool:
        """After a conflict: my value for every field both changed (the rest of theirs is merged in), or,
        when the versions cannot be merged, this whole version on top (the other stays in the history)."""
        if self.merge is not None and not self.merge.whole:
            for c in self.merge.open:
                self.merge.choices[c.path] = "mine"
            return self._take_in(self.merge.theirs, self.merge.revision)
        self._dirty = True
        return self.flush(force=True)

    def take_theirs(self) -> None:
        """After a conflict: their value for every field both changed (the rest of mine is kept), or, when
        the versions cannot be merged, drop unsaved changes here and load the latest saved version."""
        if self.merge is not None and not self.merge.whole:
            for c in self.merge.open:
                self.merge.choices[c.path] = "theirs"
            self._take_in(self.merge.theirs, self.merge.revision)
            return
        self.assessment, self.revision = self.store.load(self.id)
        self.base = self.assessment.model_dump(mode="json")
        drafts = _readable_drafts(self.store, self.id)
        self.drafts = self._drafts_of(self.assessment, drafts)
        self._dirty, self._drafts_dirty = False, self.drafts != drafts
        self.conflict, self.merge = None, None
        if self._drafts_dirty:
            self.flush()  # the drafts the loaded version has no field for go from the store too
        self._set_status("saved", "Den senaste versionen är hämtad.")
        for listener in list(self._listeners):
            listener()

    def _refused(self, exc: AccessError) -> None:
        """The store refused (the share was taken back while the form was open): read-only from now on."""
        self.access = "read"
        self._dirty = self._drafts_dirty = False
        self._set_status("refused", f"{exc} Det du ändrat efter det senast sparade har inte sparats.")

    def _set_status(self, status: str, message: str) -> None:
        self.status, self.status_message = status, message
        for listener in list(self._status_listeners):
            try:
                listener()
            except Exception:
                log.exception("Status listener failed")
