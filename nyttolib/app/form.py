"""The guided form: one step at a time, a progress bar, free navigation, and the save status."""

from __future__ import annotations

import logging
from html import escape
from typing import Any

import ipywidgets as widgets

from nyttolib import formatting as fmt
from nyttolib.app import errors
from nyttolib.app.errors import content_error_page, guarded
from nyttolib.app.fields import html, shared_button_style, shared_layout
from nyttolib.app.request import query_parameter
from nyttolib.app.session import AssessmentSession, path_key
from nyttolib.app.step import STATUS_LABELS, Step
from nyttolib.app.steps.benefits import BenefitsStep
from nyttolib.app.steps.calculation import CalculationStep
from nyttolib.app.steps.classification import ClassificationStep
from nyttolib.app.steps.initiative import InitiativeStep
from nyttolib.app.steps.plan import PlanStep
from nyttolib.app.steps.prerequisites import PrerequisitesStep
from nyttolib.app.steps.summary import SummaryStep
from nyttolib.app.unreadable import UnreadablePage, error_page
from nyttolib.assessment.completeness import completeness
from nyttolib.assessment.consistency import rule_problems
from nyttolib.content import Content, ContentError, load_content
from nyttolib.storage.assessments import NotFoundError, Store

log = logging.getLogger("nyttolib.app")

STEP_CLASSES = [InitiativeStep, PrerequisitesStep, ClassificationStep, BenefitsStep, CalculationStep, PlanStep]
STEP_SECTIONS = {cls.id: cls.sections for cls in STEP_CLASSES} | {"summary": ()}
SECTION_STEP = {section: step for step, sections in STEP_SECTIONS.items() for section in sections}


class AssessmentForm(widgets.VBox):
    """The whole form for one assessment. Steps are built when first shown, so the first is quick."""

    def __init__(self, session: AssessmentSession):
        super().__init__()
        self.session = session
        self.content = session.content
        self.add_class("nyttolib-form")
        form = self.content.form
        self.step_ids = [cls.id for cls in STEP_CLASSES] + ["summary"]
        self.titles = {step_id: form.steps[step_id].title for step_id in self.step_ids}
        self.steps: dict[str, Step] = {}
        self.current = self.step_ids[0]

        self.title = html("")
        self.save_status = html("", "nyttolib-save-status")
        self.notice = html("", "nyttolib-notice")
        self._clear_notice_when_saved = False
        self.conflict = widgets.VBox()
        self.conflict.add_class("nyttolib-conflict")
        self.progress = html("")
        self.nav_buttons: dict[str, widgets.Button] = {}
        for step_id in self.step_ids:
            button = widgets.Button(layout=shared_layout(width="auto"), style=shared_button_style())
            button.on_click(guarded(lambda _b, s=step_id: self.show(s)))
            self.nav_buttons[step_id] = button
        nav = widgets.HBox(list(self.nav_buttons.values()))
        nav.add_class("nyttolib-nav")
        self.body = widgets.VBox()
        self.previous = widgets.Button(description="Föregående steg")
        self.next = widgets.Button(description="Nästa steg")
        self.previous.on_click(guarded(lambda _b: self._step(-1)))
        self.next.on_click(guarded(lambda _b: self._step(1)))
        footer = widgets.HBox([self.previous, self.next])
        footer.add_class("nyttolib-footer")
        self.children = [
            self.title,
            self.save_status,
            self.conflict,
            self.notice,
            self.progress,
            nav,
            self.body,
            footer,
        ]
        errors.add_reporter(self._show_notice)
        session.on_change(guarded(self._on_change))
        session.on_status(guarded(self._on_status))
        self.show(self.current)
        self._on_status()

    # -- navigation ------------------------------------------------------------------------------

    def step(self, step_id: str) -> Step:
        if step_id not in self.steps:
            if step_id == "summary":
                self.steps[step_id] = SummaryStep(self.session, self.go_to, self._reload)
            else:
                cls = next(c for c in STEP_CLASSES if c.id == step_id)
                self.steps[step_id] = cls(self.session)
        return self.steps[step_id]

    def show(self, step_id: str) -> None:
        self.current = step_id
        view = self.step(step_id)
        view.shown()
        view.refresh()
        view.show_rules(self._rule_messages())
        self.body.children = [view]
        index = self.step_ids.index(step_id)
        self.previous.disabled = index == 0
        self.next.disabled = index == len(self.step_ids) - 1
        self._update_status()

    def _step(self, offset: int) -> None:
        index = self.step_ids.index(self.current) + offset
        if 0 <= index < len(self.step_ids):
            self.show(self.step_ids[index])

    def go_to(self, loc: tuple[Any, ...]) -> None:
        """Show the step that holds `loc` and put the keyboard focus on its field."""
        step_id = SECTION_STEP.get(loc[0] if loc else "", "initiative")
        self.show(step_id)
        target = path_key(loc)
        fields = self.steps[step_id].fields()
        match = next((f for f in fields if f.key == target), None)
        match = match or next((f for f in fields if f.key.startswith(target + ".") or target.startswith(f.key)), None)
        if match is not None:
            match.focus()

    # -- status ----------------------------------------------------------------------------------

    def _rule_messages(self) -> dict[str, str]:
        return {path_key(problem.loc): problem.message for problem in rule_problems(self.session.assessment)}

    def _state(self, step_id: str, progress) -> str:
        if step_id in self.steps:
            return self.steps[step_id].state(progress)
        prefixes = tuple(f"{section}." for section in STEP_SECTIONS[step_id])
        if any(key.startswith(prefixes) for key in self.session.drafts):
            return "problems"
        states = {progress.sections[s].state for s in STEP_SECTIONS[step_id]} - {"not_applicable"}
        if "problems" in states:
            return "problems"
        if not states or states == {"complete"}:
            return "complete"
        return "not_started" if states == {"not_started"} else "in_progress"

    def _update_status(self) -> None:
        a = self.session.assessment
        progress = completeness(a, self.content, self.session.drafts)
        name = a.initiative.name.strip() or "Ny bedömning"
        self.title.value = (
            f"<nav aria-label='Sidor'><a href='start.ipynb'>← Alla bedömningar</a></nav><h1>{escape(name)}</h1>"
        )
        percent = round(progress.percent)
        self.progress.value = (
            f"<div class='nyttolib-progress'><label for='nyttolib-progress-bar'>Ifyllt: {percent} %</label> "
            f"<progress id='nyttolib-progress-bar' max='100' value='{percent}'>{percent} %</progress></div>"
        )
        for number, step_id in enumerate(self.step_ids, start=1):
            button = self.nav_buttons[step_id]
            if step_id == "summary":
                state_text = f"{fmt.percent(progress.percent)}"
            else:
                state_text = STATUS_LABELS[self._state(step_id, progress)]
            current = step_id == self.current
            button.description = f"{number}. {self.titles[step_id]} ({state_text})"
            button.tooltip = ("Aktuellt steg: " if current else "Gå till steget ") + self.titles[step_id]
            button.button_style = "primary" if current else ""
            state_class = self._state(step_id, progress) if step_id != "summary" else "summary"
            for old in [c for c in button._dom_classes if c.startswith("nyttolib-state-")]:
                button.remove_class(old)
            button.add_class(f"nyttolib-state-{state_class}")

    def _on_change(self) -> None:
        view = self.steps.get(self.current)
        if view is not None:
            view.refresh()
            view.show_rules(self._rule_messages())
        if self.notice.value:
            self._clear_notice_when_saved = True  # the user went on and it worked: the old notice is stale
        self._update_status()

    def _on_status(self) -> None:
        s = self.session
        if s.status == "saved" and self._clear_notice_when_saved:
            self.notice.value = ""
            self._clear_notice_when_saved = False
        if s.status == "conflict":
            keep = widgets.Button(
                description="Spara min version (den andra finns kvar i historiken)", layout=widgets.Layout(width="auto")
            )
            take = widgets.Button(
                description="Hämta den senaste versionen (mina osparade ändringar förloras)",
                layout=widgets.Layout(width="auto"),
            )
            keep.on_click(guarded(lambda _b: s.keep_mine()))
            take.on_click(guarded(lambda _b: self._take_theirs()))
            self.conflict.children = [
                html(f"<div role='alert'><strong>Obs!</strong> {escape(s.status_message)}</div>"),
                widgets.HBox([keep, take]),
            ]
        else:
            self.conflict.children = []
        text = {"new": "Inte sparad ännu – det sparas automatiskt när du skriver."}.get(s.status, s.status_message)
        self.save_status.value = f"<p role='status' aria-live='polite'>{escape(text)}</p>"

    def _take_theirs(self) -> None:
        self.session.take_theirs()
        self._reload()

    def _reload(self) -> None:
        """Rebuild every step from the session (after loading another version of the assessment)."""
        self.steps = {}
        self.show(self.current)

    def _show_notice(self, message: str) -> None:
        self.notice.value = f"<div role='alert' class='nyttolib-error'>{escape(message)}</div>"
        self._clear_notice_when_saved = False


def assessment_form(
    assessment_id: str | None = None, *, store: Store | None = None, content: Content | None = None
) -> widgets.Widget:
    """The form for a stored assessment (or a new one); what the notebook displays."""
    try:
        content = content or load_content()
    except ContentError as exc:
        return content_error_page(exc)
    store = store or Store()
    try:
        full_id = store.resolve(assessment_id) if assessment_id else None
    except NotFoundError:
        return widgets.VBox(
            [
                html(
                    "<h1>Bedömningen finns inte</h1><p>Länken pekar på en bedömning som inte finns "
                    "(eller har tagits bort). <a href='start.ipynb'>Till startsidan</a></p>"
                )
            ]
        )
    if full_id is None:
        return AssessmentForm(AssessmentSession(store, content))
    return _open_form(store, content, full_id)


def _open_form(store: Store, content: Content, assessment_id: str) -> widgets.Widget:
    """The form for a stored assessment; if it cannot be opened, a page with ways back, never a traceback."""
    try:
        return AssessmentForm(AssessmentSession(store, content, assessment_id))
    except Exception:
        log.exception("Could not open assessment %s", assessment_id)
        return UnreadablePage(store, assessment_id, lambda: _open_form(store, content, assessment_id))


def form_for_request() -> widgets.Widget:
    """What the notebook shows: the form, or a Swedish page saying what went wrong (never Voilà's text)."""
    try:
        return assessment_form(query_parameter("id"))
    except Exception:
        log.exception("Could not show the form")
        return error_page("Något gick fel när bedömningen skulle öppnas. Det som är sparat finns kvar.")
