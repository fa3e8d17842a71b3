"""What the facilitator writes during the workshop: notes per dimension and the action plan
(åtgärd, dimension, ansvarig, klart senast, prioritet). Plain Python, saved as the facilitator types."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from nyttolib.assessment.merge import Choice, three_way_merge
from nyttolib.autosave import Debounced, Scheduler, StatusListeners, asyncio_scheduler
from nyttolib.survey.store import FacilitationRecord, StaleRecordError, WorkshopStore

log = logging.getLogger("nyttolib.app")

PRIORITIES: dict[str, str] = {"hog": "Hög", "medel": "Medel", "lag": "Låg"}


class Action(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(default_factory=lambda: uuid.uuid4().hex, title="Id")  # the record's key in the store
    action: str = Field("", title="Åtgärd")
    dimension_id: str | None = Field(None, title="Dimension")
    responsible: str = Field("", title="Ansvarig")
    due: dt.date | None = Field(None, title="Klart senast")
    priority: Literal["hog", "medel", "lag"] | None = Field(None, title="Prioritet")

    @property
    def is_empty(self) -> bool:
        return not (self.action.strip() or self.responsible.strip() or self.due or self.priority or self.dimension_id)


class Facilitation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    notes: dict[str, str] = Field(default_factory=dict, title="Anteckningar per dimension")
    actions: list[Action] = Field(default_factory=list, title="Handlingsplan")

    def sorted_actions(self) -> list[Action]:
        """The plan as reported: by priority (hög first), then by date; empty rows left out."""
        order = {key: rank for rank, key in enumerate(PRIORITIES)}
        return sorted(
            (a for a in self.actions if not a.is_empty),
            key=lambda a: (order.get(a.priority or "", len(order)), a.due or dt.date.max),
        )


def load_facilitation(store: WorkshopStore, workshop_id: str) -> Facilitation:
    """The stored notes and plan; a document that no longer validates is logged and its valid parts kept."""
    document = store.facilitation(workshop_id)
    try:
        return Facilitation.model_validate(document)
    except ValidationError:
        log.exception("Stored facilitation document for %s did not validate", workshop_id)
        actions = []
        for item in document.get("actions", []):
            try:
                actions.append(Action.model_validate(item))
            except ValidationError:
                continue
        notes = {k: v for k, v in document.get("notes", {}).items() if isinstance(v, str)}
        return Facilitation(notes=notes, actions=actions)


Key = tuple[str, str]  # ("note", dimension id) or ("action", action id): one stored record


@dataclass
class FacilitationConflict:
    """A note or action this tab and another both changed, to different values: the facilitator decides."""

    key: Key
    mine: dict | None  # None: removed
    theirs: dict | None
    revision: int  # the other tab's revision, which the chosen version replaces
    fields: list[str]  # the fields both changed (an action's); empty for a note or a removal
    keep_mine: dict | None  # what "Behåll min" saves: mine, with the other tab's changes to other fields
    take_theirs: dict | None


class FacilitationSession(StatusListeners):
    """The facilitator's notes and action plan for one workshop, saved after each change.

    Each note and each action is a record of its own with a revision, so two tabs (a laptop and the
    projector) that change different ones both keep their changes; one changed in both is merged field by
    field, and where both changed the same field it waits in `conflicts` for the facilitator's choice.
    `catch_up` takes in what other tabs saved; `on_change` listeners hear which records changed that way.
    """

    SAVE_DELAY = 0.6

    def __init__(self, store: WorkshopStore, facilitator_code: str, *, scheduler: Scheduler = asyncio_scheduler):
        super().__init__()
        self.store = store
        self.code = facilitator_code
        self.workshop = store.by_facilitator_code(facilitator_code)
        self.document = load_facilitation(store, self.workshop.id)
        self._base: dict[Key, tuple[int, dict | None]] = {}
        for record in store.facilitation_records(self.workshop.id):
            self._base[(record.kind, record.key)] = (record.revision, record.value)
        self._dirty: set[Key] = set()
        self.conflicts: dict[Key, FacilitationConflict] = {}
        self._change_listeners: list[Callable[[list[Key]], None]] = []
        self.status = "saved"
        self.saver = Debounced(self._save, self.SAVE_DELAY, scheduler)

    # -- the records -------------------------------------------------------------------------------

    def _value(self, key: Key) -> dict | None:
        kind, name = key
        if kind == "note":
            return {"text": self.document.notes.get(name, "")}
        action = next((a for a in self.document.actions if a.id == name), None)
        return action.model_dump(mode="json") if action else None

    def _apply(self, key: Key, value: dict | None) -> None:
        kind, name = key
        if kind == "note":
            self.document.notes[name] = (value or {}).get("text", "")
            return
        index = next((i for i, a in enumerate(self.document.actions) if a.id == name), None)
        if value is None:
            if index is not None:
                del self.document.actions[index]
            return
        try:
            action = Action.model_validate(value)
        except ValidationError:
            log.exception("Stored action %s did not validate", name)
            return
        if index is None:
            self.document.actions.append(action)
        else:
            self.document.actions[index] = action

    # -- saving ------------------------------------------------------------------------------------

    def _save(self) -> None:
        try:
            for key in list(self._dirty):
                if key not in self.conflicts:
                    self._save_record(key)
        except Exception:  # said on the page; what was written stays there and the next change saves it all
            log.exception("Could not save the notes and action plan")
            self.status = "error"
        else:
            self.status = "conflict" if self.conflicts else "saved"
        self._notify()

    def _save_record(self, key: Key) -> None:
        for _attempt in range(5):  # another tab may save again between our read and our write
            revision, base = self._base.get(key, (0, None))
            mine = self._value(key)
            if revision == 0 and (mine is None or mine == {"text": ""}):
                self._dirty.discard(key)  # never stored and nothing to store (an action added and removed)
                return
            try:
                saved = self.store.save_facilitation_record(self.code, key[0], key[1], mine, revision)
            except StaleRecordError as exc:
                if not self._reconcile(key, base, mine, exc.current):
                    return
                continue
            self._base[key] = (saved, mine)
            self._dirty.discard(key)
            return

    def _reconcile(self, key: Key, base: dict | None, mine: dict | None, current: FacilitationRecord) -> bool:
        """Another tab saved this record: merge. True when the merged version is to be saved now."""
        theirs = current.value
        if key[0] == "note" and base is None:
            base = {"text": ""}
        if mine == theirs:
            self._base[key] = (current.revision, theirs)
            self._dirty.discard(key)
            return False
        if mine is None or theirs is None or base is None:
            self.conflicts[key] = FacilitationConflict(key, mine, theirs, current.revision, [], mine, theirs)
            return False
        result = three_way_merge(base, mine, theirs)
        if result.clean:
            self._base[key] = (current.revision, theirs)
            self._apply(key, result.document)
            self._tell_changed([key])
            return True
        fields = [str(c.path[0]) for c in result.conflicts if c.path]
        taken = three_way_merge(base, mine, theirs, default="theirs").document
        self.conflicts[key] = FacilitationConflict(key, mine, theirs, current.revision, fields, result.document, taken)
        return False

    def resolve(self, key: Key, choice: Choice) -> None:
        """The facilitator's choice for a record both tabs changed: keep this tab's version or take the other's."""
        conflict = self.conflicts.pop(key)
        self._base[key] = (conflict.revision, conflict.theirs)
        self._apply(key, conflict.keep_mine if choice == "mine" else conflict.take_theirs)
        self._tell_changed([key])
        if self._value(key) != conflict.theirs:
            self._dirty.add(key)
        else:
            self._dirty.discard(key)
        self._save()

    def catch_up(self) -> list[Key]:
        """Take in what other tabs saved since; returns the records changed here. A record with unsaved
        changes here is left alone: its save merges."""
        changed = []
        for record in self.store.facilitation_records(self.workshop.id):
            key = (record.kind, record.key)
            if record.revision <= self._base.get(key, (0, None))[0] or key in self._dirty or key in self.conflicts:
                continue
            self._base[key] = (record.revision, record.value)
            if self._value(key) != record.value:
                self._apply(key, record.value)
                changed.append(key)
        if changed:
            self._tell_changed(changed)
        return changed

    def on_change(self, listener: Callable[[list[Key]], None]) -> None:
        """`listener(keys)` hears of records changed here by another tab's save (the view shows them)."""
        self._change_listeners.append(listener)

    def _tell_changed(self, keys: list[Key]) -> None:
        for listener in list(self._change_listeners):
            listener(keys)

    def changed(self, key: Key) -> None:
        self._dirty.add(key)
        if not self.conflicts:
            self.status = "pending"
        self._notify()
        self.saver.touch()

    # -- editing -----------------------------------------------------------------------------------

    def set_note(self, dimension_id: str, text: str) -> None:
        if self.document.notes.get(dimension_id, "") == text:
            return  # a view showing a value taken in from another tab echoes it: nothing new
        self.document.notes[dimension_id] = text
        self.changed(("note", dimension_id))

    def add_action(self, dimension_id: str | None = None) -> Action:
        action = Action(dimension_id=dimension_id)
        self.document.actions.append(action)
        self.changed(("action", action.id))
        return action

    def update_action(self, index: int, **values: object) -> None:
        """Change fields of one action; a value the model refuses raises ValueError with a Swedish message."""
        old = self.document.actions[index]
        current = old.model_dump()
        current.update(values)
        try:
            action = Action.model_validate(current)
        except ValidationError as exc:
            raise ValueError("Värdet kunde inte användas: " + "; ".join(e["msg"] for e in exc.errors())) from exc
        if action == old:
            return  # an echo of a value shown, not a change
        self.document.actions[index] = action
        self.changed(("action", action.id))

    def remove_action(self, index: int) -> None:
        action = self.document.actions.pop(index)
        self.changed(("action", action.id))

    def flush(self) -> None:
        if self.saver.dirty:
            self.saver.flush()
