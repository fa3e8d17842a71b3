"""What the facilitator writes during the workshop: notes per dimension and the action plan
(åtgärd, dimension, ansvarig, klart senast, prioritet). Plain Python, saved as the facilitator types."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from nyttolib.autosave import Debounced, Scheduler, StatusListeners, asyncio_scheduler
from nyttolib.survey.store import WorkshopStore

log = logging.getLogger("nyttolib.app")

PRIORITIES: dict[str, str] = {"hog": "Hög", "medel": "Medel", "lag": "Låg"}


class Action(BaseModel):
    model_config = ConfigDict(extra="forbid")

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


class FacilitationSession(StatusListeners):
    """The facilitator's notes and action plan for one workshop, saved after each change."""

    SAVE_DELAY = 0.6

    def __init__(self, store: WorkshopStore, facilitator_code: str, *, scheduler: Scheduler = asyncio_scheduler):
        super().__init__()
        self.store = store
        self.code = facilitator_code
        self.workshop = store.by_facilitator_code(facilitator_code)
        self.document = load_facilitation(store, self.workshop.id)
        self.status = "saved"
        self.saver = Debounced(self._save, self.SAVE_DELAY, scheduler)

    def _save(self) -> None:
        try:
            self.store.save_facilitation(self.code, self.document.model_dump(mode="json"))
        except Exception:  # said on the page; what was written stays there and the next change saves it all
            log.exception("Could not save the notes and action plan")
            self.status = "error"
        else:
            self.status = "saved"
        self._notify()

    def changed(self) -> None:
        self.status = "pending"
        self._notify()
        self.saver.touch()

    def set_note(self, dimension_id: str, text: str) -> None:
        self.document.notes[dimension_id] = text
        self.changed()

    def add_action(self, dimension_id: str | None = None) -> Action:
        action = Action(dimension_id=dimension_id)
        self.document.actions.append(action)
        self.changed()
        return action

    def update_action(self, index: int, **values: object) -> None:
        """Change fields of one action; a value the model refuses raises ValueError with a Swedish message."""
        current = self.document.actions[index].model_dump()
        current.update(values)
        try:
            self.document.actions[index] = Action.model_validate(current)
        except ValidationError as exc:
            raise ValueError("Värdet kunde inte användas: " + "; ".join(e["msg"] for e in exc.errors())) from exc
        self.changed()

    def remove_action(self, index: int) -> None:
        del self.document.actions[index]
        self.changed()

    def flush(self) -> None:
        if self.saver.dirty:
            self.saver.flush()
