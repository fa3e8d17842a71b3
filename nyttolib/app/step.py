"""The base of every step of the guided form: a heading, fields, and a status from completeness."""

from __future__ import annotations

import ipywidgets as widgets

from nyttolib.app.fields import Field
from nyttolib.app.session import AssessmentSession
from nyttolib.assessment.completeness import Completeness

STATUS_LABELS = {
    "not_started": "ej påbörjad",
    "in_progress": "pågår",
    "complete": "klar",
    "problems": "har fel",
    "not_applicable": "inget att fylla i",
}


class Step(widgets.VBox):
    """One step: builds its widgets from the session; `sections` are the completeness sections it covers."""

    id: str = ""
    title: str = ""
    sections: tuple[str, ...] = ()

    def __init__(self, session: AssessmentSession):
        super().__init__()
        self.session = session
        self.content = session.content
        self.add_class("nyttolib-step")
        self.build()

    def build(self) -> None:
        raise NotImplementedError

    def refresh(self) -> None:
        """The model changed somewhere; update derived displays (results, rule texts)."""

    def shown(self) -> None:
        """The step is opened (again): rebuild what depends on other steps (e.g. the list of benefits)."""

    def heading(self) -> widgets.Widget:
        """The step's heading (its first child), where the focus goes when the step is opened."""
        return self.children[0]

    def fields(self) -> list[Field]:
        """Every field of the step, also those inside rows and per-year groups (an amount per year
        with an error must count as one)."""
        found: list[Field] = []

        def walk(widget: widgets.Widget) -> None:
            if isinstance(widget, Field):
                found.append(widget)
            elif isinstance(widget, widgets.Box):
                for child in widget.children:
                    walk(child)

        walk(self)
        return found

    def show_rules(self, messages: dict[str, str]) -> None:
        """Show each broken rule between fields (by field key) at its field, and clear the fixed ones."""
        for field in self.fields():
            field.show_rule(messages.get(field.key))

    def state(self, progress: Completeness) -> str:
        if any(field.has_error for field in self.fields()):
            return "problems"
        states = {progress.sections[s].state for s in self.sections} - {"not_applicable"}
        if "problems" in states:
            return "problems"
        if not states:
            return "not_applicable"
        if states == {"complete"}:
            return "complete"
        if states == {"not_started"}:
            return "not_started"
        return "in_progress"
