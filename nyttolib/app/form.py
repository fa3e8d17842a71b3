"""The guided form: one step at a time, a progress bar, free navigation, and the save status."""

from __future__ import annotations

import logging
import urllib.parse
from html import escape
from typing import Any

import ipywidgets as widgets

from nyttolib import formatting as fmt
from nyttolib.app import errors
from nyttolib.app.canvas_page import canvas_nav
from nyttolib.app.errors import content_error_page, guarded
from nyttolib.app.fields import Field, NumberField, html, lock, shared_button_style, shared_layout
from nyttolib.app.focus import request_focus, set_current
from nyttolib.app.process_panel import assessment_panel_html
from nyttolib.app.request import query_parameter
from nyttolib.app.session import AssessmentSession, FieldError, path_key
from nyttolib.app.sharing import SharingPanel, access_notice, button_row
from nyttolib.app.step import STATUS_LABELS, Step
from nyttolib.app.steps.benefits import BenefitsStep
from nyttolib.app.steps.calculation import CalculationStep
from nyttolib.app.steps.classification import ClassificationStep
from nyttolib.app.steps.initiative import InitiativeStep
from nyttolib.app.steps.plan import PlanStep
from nyttolib.app.steps.prerequisites import PrerequisitesStep
from nyttolib.app.steps.summary import SummaryStep
from nyttolib.app.unreadable import UnreadablePage, error_page, refusal_page
from nyttolib.assessment.completeness import completeness
from nyttolib.assessment.consistency import rule_problems
from nyttolib.assessment.merge import MISSING, Choice, MergePath, positional_path, row_lists
from nyttolib.content import Content, ContentError, load_content
from nyttolib.numbers import format_input
from nyttolib.portfolio.store import PortfolioStore
from nyttolib.process import load_process
from nyttolib.storage.assessments import AccessError, NotFoundError, Store

log = logging.getLogger("nyttolib.app")

STEP_CLASSES = [InitiativeStep, PrerequisitesStep, ClassificationStep, BenefitsStep, CalculationStep, PlanStep]
STEP_SECTIONS = {cls.id: cls.sections for cls in STEP_CLASSES} | {"summary": ()}
SECTION_STEP = {section: step for step, sections in STEP_SECTIONS.items() for section in sections}


class AssessmentForm(widgets.VBox):
    """The whole form for one assessment. Steps are built when first shown, so the first is quick."""

    def __init__(self, session: AssessmentSession, *, first_step: str | None = None):
        super().__init__()
        self.session = session
        self.content = session.content
        self.add_class("nyttolib-form")
        form = self.content.form
        self.step_ids = [cls.id for cls in STEP_CLASSES] + ["summary"]
        self.titles = {step_id: form.steps[step_id].title for step_id in self.step_ids}
        self.steps: dict[str, Step] = {}
        self.current = first_step if first_step in self.step_ids else self.step_ids[0]
        self._canvas_nav = canvas_nav(session.store, session.id) if session.revision is not None else ""

        self.title = html("")
        self.save_status = html("", "nyttolib-save-status")
        self.access = widgets.VBox()  # who may do what, when the assessment is not only the user's
        self.access.add_class("nyttolib-access-area")
        self.sharing: SharingPanel | None = None
        self._access_shown: str | None = None
        self.sharing_area = widgets.VBox()
        self.address = html("")
        self.notice = html("", "nyttolib-notice")
        self._clear_notice_when_saved = False
        self.conflict = widgets.VBox()
        self.conflict.add_class("nyttolib-conflict")
        self._news = html("")  # what was taken in from another tab
        self.progress = html("")
        self.process, self.process_panel = load_process(self.content.directory), html("")  # where it stands
        self.nav_buttons: dict[str, widgets.Button] = {}
        for step_id in self.step_ids:
            button = widgets.Button(layout=shared_layout(width="auto"), style=shared_button_style())
            button.on_click(guarded(lambda _b, s=step_id: self.show(s, focus_heading=True)))
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
            *([self.access] if session.store.user.hub else []),  # `make app`: the page as before
            self.address,
            self.conflict,
            self.notice,
            self.progress,
            self.process_panel,
            nav,
            self.body,
            footer,
            *([self.sharing_area] if session.store.user.hub else []),
        ]
        errors.add_reporter(self._show_notice)
        session.on_change(guarded(self._on_change))
        session.on_status(guarded(self._on_status))
        session.on_merge(guarded(self._show_merged))
        self.show(self.current)
        self._on_status()
        self._update_access()

    # -- navigation ------------------------------------------------------------------------------

    def step(self, step_id: str) -> Step:
        if step_id not in self.steps:
            if step_id == "summary":
                self.steps[step_id] = SummaryStep(self.session, self.go_to, self._reload)
            else:
                cls = next(c for c in STEP_CLASSES if c.id == step_id)
                self.steps[step_id] = cls(self.session)
        return self.steps[step_id]

    def show(self, step_id: str, *, focus_heading: bool = False) -> None:
        """Show a step; when the user changed step, focus moves to its heading (the top of the new step)."""
        self.current = step_id
        view = self.step(step_id)
        view.shown()
        view.refresh()
        view.show_rules(self._rule_messages())
        self.body.children = [view]
        self._lock(view)
        index = self.step_ids.index(step_id)
        self.previous.disabled = index == 0
        self.next.disabled = index == len(self.step_ids) - 1
        self._update_status()
        self._update_address()
        if focus_heading:
            request_focus(view.heading())

    def _step(self, offset: int) -> None:
        index = self.step_ids.index(self.current) + offset
        if 0 <= index < len(self.step_ids):
            self.show(self.step_ids[index], focus_heading=True)

    def go_to(self, loc: tuple[Any, ...]) -> None:
        """Show the step that holds `loc` and put the keyboard focus on its field."""
        step_id = SECTION_STEP.get(loc[0] if loc else "", "initiative")
        self.show(step_id)
        target = path_key(loc)
        fields = self.steps[step_id].fields()
        match = next((f for f in fields if f.key == target), None)
        match = match or next((f for f in fields if f.key.startswith(target + ".") or target.startswith(f.key)), None)
        if match is not None:
            request_focus(match)  # also when the step's view is still being drawn

    # -- access ----------------------------------------------------------------------------------

    def _lock(self, view: widgets.Widget) -> None:
        """Read-only: every input and button of a step is disabled, except what only reads (exports)."""
        if self.session.read_only:
            lock(view)

    def _update_access(self) -> None:
        """Under the hub: a notice for a shared assessment, and the owner's sharing panel once it is saved."""
        s = self.session
        if not s.store.user.hub or s.revision is None:
            return
        if s.access != "owner":
            if self._access_shown != s.access:  # once per change of access, not on every save
                self._access_shown = s.access
                self.access.children = [html(access_notice(s))]
                self.sharing_area.children = []
                self.sharing = None
            return
        if self.sharing is None:
            self.sharing = SharingPanel(s, on_handed_over=self._handed_over)
            go = widgets.Button(description="Dela bedömningen …", layout=shared_layout(width="auto"))
            go.on_click(guarded(lambda _b: request_focus(self.sharing.heading) if self.sharing else None))
            self.access.children = [button_row(go)]
            self.sharing_area.children = [self.sharing]

    def _handed_over(self) -> None:
        """The owner gave the assessment away: from now on as the new owner allows (edit, or nothing)."""
        self.access.children = [html(access_notice(self.session))]
        self._access_shown = self.session.access
        self.sharing = None
        if self.session.read_only:
            self.session._dirty = self.session._drafts_dirty = False
            self._lock(self.body)
        self._on_status()

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
        if not states:
            return "not_applicable"
        if states == {"complete"}:
            return "complete"
        return "not_started" if states == {"not_started"} else "in_progress"

    def _update_status(self) -> None:
        a = self.session.assessment
        progress = completeness(a, self.content, self.session.drafts)
        name = a.initiative.name.strip() or "Ny bedömning"
        self.title.value = (
            f"<nav aria-label='Sidor'><a href='start.ipynb'>← Alla bedömningar</a>{self._canvas_nav}</nav>"
            f"<h1>{escape(name)}</h1>"
        )
        percent = round(progress.percent)
        self.progress.value = (
            f"<div class='nyttolib-progress'><label for='nyttolib-progress-bar'>Ifyllt: {percent} %</label> "
            f"<progress id='nyttolib-progress-bar' max='100' value='{percent}'>{percent} %</progress></div>"
        )
        self.process_panel.value = assessment_panel_html(a, self.process)
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
            set_current(button, current)
            state_class = self._state(step_id, progress) if step_id != "summary" else "summary"
            for old in [c for c in button._dom_classes if c.startswith("nyttolib-state-")]:
                button.remove_class(old)
            button.add_class(f"nyttolib-state-{state_class}")

    def _on_change(self) -> None:
        view = self.steps.get(self.current)
        if view is not None:
            view.refresh()
            view.show_rules(self._rule_messages())
            self._lock(view)
        if self.notice.value:
            self._clear_notice_when_saved = True  # the user went on and it worked: the old notice is stale
        self._update_status()

    def _on_status(self) -> None:
        s = self.session
        if s.status == "saved" and self._clear_notice_when_saved:
            self.notice.value = ""
            self._clear_notice_when_saved = False
        if s.status == "conflict" and s.merge is not None and not s.merge.whole:
            self.conflict.children = self._field_choices()
        elif s.status == "conflict":
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
        elif s.news:
            self._news.value = f"<div role='status' class='nyttolib-news'>{escape(s.news)}</div>"
            self.conflict.children = [self._news]
        else:
            self.conflict.children = []
        text = {
            "new": "Inte sparad ännu – det sparas automatiskt när du skriver.",
            "conflict": "Dina senaste ändringar är inte sparade än – välj nedan vilken version som ska gälla.",
        }.get(s.status, s.status_message)
        if s.status == "refused":
            self._show_notice(s.status_message)
            self._lock(self.body)
            text = "Skrivskyddad: ändringar sparas inte."
        elif s.read_only and s.status == "saved":
            text = "Skrivskyddad: du kan läsa bedömningen, men inget du gör här sparas."
        self.save_status.value = f"<p role='status' aria-live='polite'>{escape(text)}</p>"
        self._update_address()
        self._update_access()

    def _update_address(self) -> None:
        """Once the assessment is saved, the page's address names it and the step shown (`?id=…&steg=…`),
        so a reload or a bookmark opens the same step of it: the template's script reads this marker
        and replaces the address."""
        if self.session.revision is None:
            return
        query = urllib.parse.urlencode({"id": self.session.id, "steg": self.current})
        marker = f"<span hidden data-nyttolib-address='?{escape(query, quote=True)}'></span>"
        if self.address.value != marker:
            self.address.value = marker

    # -- another tab saved -----------------------------------------------------------------------

    def _field_choices(self) -> list[widgets.Widget]:
        """For each field both tabs changed: the two values and "Behåll min" / "Ta deras"."""
        s = self.session
        rows: list[widgets.Widget] = [html(f"<div role='alert'><strong>Obs!</strong> {escape(s.status_message)}</div>")]
        for conflict in s.merge.open:
            label = s.conflict_label(conflict)
            keep = widgets.Button(description="Behåll min", tooltip=f"Behåll ditt värde: {label}")
            take = widgets.Button(description="Ta deras", tooltip=f"Ta värdet från det andra fönstret: {label}")
            keep.on_click(guarded(lambda _b, p=conflict.path: self._choose(p, "mine")))
            take.on_click(guarded(lambda _b, p=conflict.path: self._choose(p, "theirs")))
            text = html(
                f"<p><strong>{escape(label)}</strong><br>Här: {escape(_shown(conflict.mine))}<br>"
                f"I det andra fönstret: {escape(_shown(conflict.theirs))}</p>"
            )
            row = widgets.VBox([text, widgets.HBox([keep, take])])
            row.add_class("nyttolib-choice")
            rows.append(row)
        if len(s.merge.open) > 1:
            keep_all = widgets.Button(description="Behåll mina för alla", layout=widgets.Layout(width="auto"))
            take_all = widgets.Button(description="Ta deras för alla", layout=widgets.Layout(width="auto"))
            keep_all.on_click(guarded(lambda _b: s.keep_mine()))
            take_all.on_click(guarded(lambda _b: s.take_theirs()))
            rows.append(widgets.HBox([keep_all, take_all]))
        return rows

    def _choose(self, path: MergePath, choice: Choice) -> None:
        """Decide one field; the keyboard focus goes to the next choice, or to the field once all are made."""
        self.session.choose(path, choice)
        if self.session.merge is not None:
            buttons = [w for row in self.conflict.children[1:] for w in _buttons(row)]
            if buttons:
                buttons[0].focus()
            return
        location = positional_path(path, self.session.assessment.model_dump(mode="json"))
        if location:
            self.go_to(location)

    def _show_merged(self, before: dict) -> None:
        """Show values taken in from another tab: fields of the open step get them in place (the user
        may be typing in another field); a step whose rows changed is built again; others when shown."""
        view = self.steps.get(self.current)
        self.steps = {self.current: view} if view is not None else {}
        if view is not None:
            changed_lists = _changed_lists(before, self.session.assessment.model_dump(mode="json"))
            if any(path[0] in STEP_SECTIONS[self.current] for path in changed_lists):
                self.steps = {}
                self.show(self.current)
                return
            with self.session.showing_merge():
                for field in view.fields():
                    _show_value(field)
                view.shown()
            view.refresh()
            self._lock(view)  # a refresh may enable a button again (a list no longer full)
        self._update_status()

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


def _buttons(widget: widgets.Widget) -> list[widgets.Button]:
    if isinstance(widget, widgets.Button):
        return [widget]
    return [b for child in getattr(widget, "children", ()) for b in _buttons(child)]


def _changed_lists(before: dict, after: dict) -> set[tuple]:
    old, new = row_lists(before), row_lists(after)
    return {path for path in old.keys() | new.keys() if old.get(path) != new.get(path)}


def _show_value(field: Field) -> None:
    """Let a field show the session's value, unless it already does or holds the user's unsaved text."""
    if field.has_error or field.session.draft(field.path) is not None:
        return
    value = field.session.get(field.path)
    control = field.control
    try:
        if field.to_value(control.value) == value:
            return
    except (ValueError, FieldError):
        return
    if isinstance(field, NumberField):
        control.value = format_input(value)
    elif isinstance(control, (widgets.Dropdown, widgets.RadioButtons)):
        values = [option[1] if isinstance(option, tuple) else option for option in control.options]
        if value in values:
            control.value = value
        elif isinstance(control, widgets.RadioButtons):
            control.value = None
    elif isinstance(control, widgets.Checkbox):
        control.value = bool(value)
    elif isinstance(control, (widgets.Text, widgets.Textarea)):
        control.value = value or ""
    else:
        control.value = value


def _shown(value: Any) -> str:
    """A value of a conflicting field as the user reads it."""
    if value is MISSING:
        return "(borttagen)"
    if value is None or value == "":
        return "(tomt)"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, dict):
        name = value.get("description") or value.get("activity") or value.get("risk") or ""
        return f"raden «{name[:80]}»" if name else "raden (med ändringar)"
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value) or "(tomt)"
    if isinstance(value, float):
        return format_input(value)
    text = str(value)
    return f"«{text[:200]}…»" if len(text) > 200 else f"«{text}»"


def assessment_form(
    assessment_id: str | None = None,
    *,
    store: Store | None = None,
    content: Content | None = None,
    step: str | None = None,
) -> widgets.Widget:
    """The form for a stored assessment (or a new one), at `step` (`?steg=`, from a reload) or the first."""
    try:
        content = content or load_content()
        load_process(content.directory)  # checked here: a broken process.yaml is shown as the content's problems
    except ContentError as exc:
        return content_error_page(exc)
    store = store or PortfolioStore(content=content)
    try:
        full_id = store.resolve(assessment_id) if assessment_id else None
    except AccessError as exc:
        return refusal_page(str(exc))
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
    return _open_form(store, content, full_id, step)


def _open_form(store: Store, content: Content, assessment_id: str, step: str | None = None) -> widgets.Widget:
    """The form for a stored assessment; if it cannot be opened, a page with ways back, never a traceback."""
    try:
        return AssessmentForm(AssessmentSession(store, content, assessment_id), first_step=step)
    except AccessError as exc:  # the share was taken back after the id was looked up
        return refusal_page(str(exc))
    except Exception:
        log.exception("Could not open assessment %s", assessment_id)
        return UnreadablePage(store, assessment_id, lambda: _open_form(store, content, assessment_id))


def form_for_request() -> widgets.Widget:
    """What the notebook shows: the form, or a Swedish page saying what went wrong (never Voilà's text)."""
    try:
        return assessment_form(query_parameter("id"), step=query_parameter("steg"))
    except Exception:
        log.exception("Could not show the form")
        return error_page("Något gick fel när bedömningen skulle öppnas. Det som är sparat finns kvar.")
