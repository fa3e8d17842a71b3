"""The facilitator's page: create a workshop or open one with the facilitator code; then follow the answers
live, compile them, write notes and the action plan, compare with earlier workshops, export, and close
the survey. Works in Voilà and in JupyterLab (`FacilitatorView(store, questionnaires, code)`).

The facilitator's screen is often on a projector: the code is typed in a field that hides it, is never
part of a link, and an address with `?kod=` loses it as soon as the view is open. A server for one
workshop (`nyttolib serve --workshop`) opens only that one and offers no "Skapa en ny workshop"."""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

import ipywidgets as widgets

from nyttolib import formatting
from nyttolib.app import errors
from nyttolib.app.errors import content_error_page, guarded
from nyttolib.app.fields import (
    download_link,
    dropdown_control,
    html,
    shared_layout,
    shared_style,
    text_control,
    wide,
)
from nyttolib.app.polling import every
from nyttolib.app.request import page_address, query_parameter
from nyttolib.app.workshop.participant_page import PARTICIPANT_PAGE, join_link
from nyttolib.app.workshop.widgets import LabelledInput, button
from nyttolib.content import ContentError
from nyttolib.storage.assessments import NotFoundError
from nyttolib.survey.facilitation import PRIORITIES, Action, FacilitationSession, Key
from nyttolib.survey.questionnaire import Questionnaire, load_questionnaires
from nyttolib.survey.store import Workshop, WorkshopStore, served_workshop

FACILITATOR_PAGE = "ledare.ipynb"
REFRESH_SECONDS = 4.0
SECTIONS = [
    ("overview", "Översikt"),
    ("statements", "Per påstående"),
    ("plan", "Anteckningar och handlingsplan"),
    ("compare", "Jämförelse över tid"),
    ("finish", "Exportera och stäng"),
]
EXPORTS = [
    ("html", "Rapport (HTML)"),
    ("pdf", "Rapport (PDF)"),
    ("csv", "Alla svar (CSV)"),
    ("xlsx", "Alla svar (xlsx)"),
]


# Marks the view as open: nyttolib-address.js then replaces the address (and its history entry) with the
# page's own, so a code that came in `?kod=` is no longer in the address bar, nor in the browser's history.
CLEAN_ADDRESS = f"<span hidden data-nyttolib-address='{FACILITATOR_PAGE}'></span>"


def codes_html(workshop: Workshop, facilitator_code: str | None = None) -> str:
    """Where participants go; the facilitator's own code only right after creating (it is shown once)."""
    parts = ["<div class='nyttolib-codes'>"]
    if workshop.join_code:
        join_address = page_address(PARTICIPANT_PAGE, kod=workshop.join_code)
        parts.append(
            f"<p><strong>Deltagarna</strong> går till <a href='{escape(join_link(workshop.join_code), quote=True)}'>"
            f"{escape(join_address)}</a> eller skriver koden <strong class='nyttolib-code'>"
            f"{escape(workshop.join_code)}</strong> på deltagarsidan.</p>"
        )
    if facilitator_code:
        parts.append(
            "<p><strong>Din ledarkod</strong> (skriv upp den och dela den inte; den öppnar alla svar och visas "
            f"inte igen): <code class='nyttolib-code'>{escape(facilitator_code)}</code></p>"
        )
    parts.append("</div>")
    return "".join(parts)


class ActionRow(widgets.VBox):
    def __init__(self, view: FacilitatorView, index: int):
        self.view = view
        self.index = index
        session = view.facilitation
        action = session.document.actions[index]
        dimensions = [("– Välj –", None), *[(d.title, d.id) for d in view.questionnaire.dimensions]]
        what = text_control(f"Åtgärd {index + 1}", action.action, multiline=True, rows=2)
        dimension = dropdown_control("Dimension", dimensions, action.dimension_id)
        responsible = text_control("Ansvarig", action.responsible)
        due = widgets.DatePicker(
            value=action.due, description="Klart senast", layout=shared_layout(), style=shared_style("description")
        )
        priority = dropdown_control(
            "Prioritet", [("– Välj –", None), *[(label, key) for key, label in PRIORITIES.items()]], action.priority
        )
        remove = button(f"Ta bort åtgärd {index + 1}", lambda: view.remove_action(index))
        self.action_id = action.id
        self.controls = {"action": what, "dimension_id": dimension, "responsible": responsible, "due": due}
        self.controls["priority"] = priority
        fields = [
            LabelledInput(control, lambda v, f=name: session.update_action(index, **{f: v}))
            for name, control in self.controls.items()
        ]
        self.first = what
        super().__init__([*fields, remove])
        self.add_class("nyttolib-row")

    def show_action(self, action: Action) -> None:
        """Show values taken in from another tab (their echo is no change: the session ignores it)."""
        for name, control in self.controls.items():
            value = getattr(action, name)
            control.value = value if value is not None or name not in ("action", "responsible") else ""


class FacilitatorView(widgets.VBox):
    def __init__(self, store: WorkshopStore, questionnaires: dict[str, Questionnaire], code: str, *, live: bool = True):
        super().__init__()
        self.store = store
        self.facilitation = FacilitationSession(store, code)
        self.workshop = self.facilitation.workshop
        self.questionnaire = questionnaires[self.workshop.questionnaire_id]
        self.add_class("nyttolib-facilitator")
        self.context: dict[str, Any] | None = None
        self._signature: tuple | None = None
        self.header = html("")
        self.live_status = html("", "nyttolib-live")
        self.save_status = html("", "nyttolib-save-status")
        self.conflict_box = widgets.VBox()
        self.conflict_box.add_class("nyttolib-conflict")
        self.notice = html("", "nyttolib-notice")
        self.note_fields: dict[str, LabelledInput] = {}
        self.action_rows: list[ActionRow] = []
        self.nav: dict[str, widgets.Button] = {}
        for section, title in SECTIONS:
            nav_button = widgets.Button(description=title, layout=shared_layout(width="auto"))
            nav_button.on_click(guarded(lambda _b, s=section: self.show(s)))
            self.nav[section] = nav_button
        nav_box = widgets.HBox(list(self.nav.values()))
        nav_box.add_class("nyttolib-nav")
        self.body = widgets.VBox()
        self.sections: dict[str, widgets.Widget] = {}
        self.current = "overview"
        self.children = [
            self.header,
            self.live_status,
            self.save_status,
            self.conflict_box,
            self.notice,
            nav_box,
            self.body,
        ]
        errors.add_reporter(self._show_notice)
        self.facilitation.on_status(guarded(self._update_save_status))
        self.facilitation.on_change(guarded(self._taken_in))
        self.refresh(force=True)
        self.show("overview")
        self._task = every(REFRESH_SECONDS, self.refresh, "Live refresh") if live else None

    # -- live updates ----------------------------------------------------------------------------

    def _show_notice(self, message: str) -> None:
        self.notice.value = f"<p role='alert' class='nyttolib-error'>{escape(message)}</p>"

    def _update_save_status(self) -> None:
        text = {
            "pending": "Sparar …",
            "saved": "Anteckningar och handlingsplan är sparade.",
            "conflict": "Ett annat fönster har ändrat samma sak som du – välj nedan vilken version som ska gälla. "
            "Allt annat är sparat.",
            "error": "Det senaste kunde inte sparas. Det finns kvar här; försök igen om en stund.",
        }[self.facilitation.status]
        self.save_status.value = f"<p role='status'>{escape(text)}</p>"
        self._show_conflicts()

    # -- two tabs ----------------------------------------------------------------------------------

    def _taken_in(self, keys: list[Key]) -> None:
        """Show notes and actions another tab saved (merged in, or chosen in a conflict)."""
        if "plan" not in self.sections:
            return  # built from the session's document when first shown
        document = self.facilitation.document
        for kind, name in keys:
            if kind == "note" and name in self.note_fields:
                self.note_fields[name].control.value = document.notes.get(name, "")
        if [row.action_id for row in self.action_rows] != [a.id for a in document.actions]:
            self._render_actions()
            return
        changed = {name for kind, name in keys if kind == "action"}
        for row, action in zip(self.action_rows, document.actions, strict=True):
            if action.id in changed:
                row.show_action(action)

    def _conflict_label(self, key: Key) -> str:
        kind, name = key
        if kind == "note":
            titles = {d.id: d.title for d in self.questionnaire.dimensions}
            return f"Anteckning om {titles.get(name, name)}"
        ids = [a.id for a in self.facilitation.document.actions]
        return f"Åtgärd {ids.index(name) + 1}" if name in ids else "En åtgärd"

    def _shown(self, value: dict | None, fields: list[str]) -> str:
        if value is None:
            return "(borttagen)"
        if "text" in value:
            return value["text"] or "(tom)"
        names = fields or [f for f in Action.model_fields if f != "id"]
        dimensions = {d.id: d.title for d in self.questionnaire.dimensions}
        shown = []
        for name in names:
            raw = value.get(name)
            text = PRIORITIES.get(raw, raw) if name == "priority" else dimensions.get(raw, raw)
            shown.append(f"{Action.model_fields[name].title}: {text if text not in (None, '') else '(tom)'}")
        return "; ".join(shown)

    def _show_conflicts(self) -> None:
        """For each note or action both tabs changed: the two versions and "Behåll min" / "Ta deras"."""
        rows: list[widgets.Widget] = []
        for key, conflict in self.facilitation.conflicts.items():
            label = self._conflict_label(key)
            keep = widgets.Button(description="Behåll min", tooltip=f"Behåll din version: {label}")
            take = widgets.Button(description="Ta deras", tooltip=f"Ta det andra fönstrets version: {label}")
            keep.on_click(guarded(lambda _b, k=key: self.facilitation.resolve(k, "mine")))
            take.on_click(guarded(lambda _b, k=key: self.facilitation.resolve(k, "theirs")))
            text = html(
                f"<p><strong>{escape(label)}</strong><br>Här: {escape(self._shown(conflict.mine, conflict.fields))}"
                f"<br>I det andra fönstret: {escape(self._shown(conflict.theirs, conflict.fields))}</p>"
            )
            rows.append(widgets.VBox([text, self._button_row([keep, take])]))
        if rows:
            rows.insert(
                0,
                html(
                    "<div role='alert'><h2>Ändrat i två fönster</h2><p>Samma sak ändrades här och i ett annat "
                    "fönster. Välj för var och en vilken version som ska gälla.</p></div>"
                ),
            )
        self.conflict_box.children = rows

    def refresh(self, *, force: bool = False) -> bool:
        """Compile again if anyone has joined, answered or submitted since the last time."""
        from nyttolib.survey.report import workshop_context

        signature = self.store.last_change(self.workshop.id)
        if not force and signature == self._signature:
            return False
        self._signature = signature
        self.facilitation.catch_up()  # notes and actions saved in another tab
        self.workshop = self.store.by_facilitator_code(self.facilitation.code)
        self.context = workshop_context(
            self.store, self.questionnaire, self.workshop, facilitation=self.facilitation.document
        )
        w, q = self.workshop, self.questionnaire
        state = f"stängd {formatting.local_time(w.closed_at, zone=True)}" if w.closed_at else "öppen"
        self.header.value = (
            f"<h1>{escape(w.name)}</h1><p>{escape(q.title)} · {escape(w.held_on or w.created_at[:10])} · "
            f"enkäten är <strong>{escape(state)}</strong></p>" + codes_html(w) + CLEAN_ADDRESS
        )
        p = self.context["participation"]
        self.live_status.value = (
            f"<p role='status' aria-live='polite'><strong>{p.joined}</strong> har gått med, "
            f"<strong>{p.started}</strong> har börjat svara och <strong>{p.submitted}</strong> har skickat in. "
            f"<span class='nyttolib-updated'>Uppdaterad {dt.datetime.now().strftime('%H:%M:%S')}; sidan uppdateras "
            "av sig själv.</span></p>"
        )
        for section in ("overview", "statements", "compare", "finish"):
            if section in self.sections:
                self._render(section)
        return True

    # -- sections ----------------------------------------------------------------------------------

    def show(self, section: str) -> None:
        self.current = section
        if section not in self.sections:
            self.sections[section] = self._build(section)
            if section != "plan":
                self._render(section)
        self.body.children = [self.sections[section]]
        for key, nav_button in self.nav.items():
            nav_button.button_style = "primary" if key == section else ""

    def _build(self, section: str) -> widgets.Widget:
        if section == "plan":
            return self._plan_section()
        if section == "finish":
            return self._finish_section()
        if section == "compare":
            return self._compare_section()
        return html("")

    def _fragment(self, macro: str, *args: Any) -> str:
        from nyttolib.survey.report import render_fragment

        assert self.context is not None
        return render_fragment(macro, self.context, *args)

    def _render(self, section: str) -> None:
        context = self.context
        assert context is not None
        if section == "overview":
            parts = []
            for part in context["parts"]:
                title = f": {escape(part.subject)}" if part.subject else ""
                if not part.respondents:
                    parts.append(f"<h2>Mognad per dimension{title}</h2><p>Inga svar ännu.</p>")
                    continue
                parts.append(
                    f"<h2>Mognad per dimension{title}</h2>"
                    + self._fragment("charts", part)
                    + self._fragment("dimension_table", part)
                    + self._fragment("numbers_table", part)
                )
            self.sections[section].value = (
                "<h2>Var börjar vi?</h2><p>Dimensionerna med lägst nuläge, och hur man kommer till nästa nivå:</p>"
                + self._fragment("next_level", 3)
                + "".join(parts)
            )
        elif section == "statements":
            body = self._fragment("legend")
            for part in context["parts"]:
                if part.subject:
                    body += f"<h2>{escape(part.subject)}</h2>"
                body += self._fragment("statement_tables", part) if part.respondents else "<p>Inga svar ännu.</p>"
            self.sections[section].value = "<h2>Per påstående</h2>" + body
        elif section == "compare":
            self.comparison_table.value = self._fragment("comparison_table")
        elif section == "finish":
            closed = bool(self.workshop.closed_at)
            self.close_button.description = "Öppna enkäten igen" if closed else "Stäng enkäten"
            self.close_state.value = (
                "<p>Enkäten är stängd: deltagarna ser sina svar men kan inte ändra dem.</p>"
                if closed
                else "<p>Enkäten är öppen: deltagarna kan gå med och ändra sina svar.</p>"
            )

    def _compare_section(self) -> widgets.Widget:
        """The earlier workshops with the same questionnaire, each to tick; the comparison of the ticked ones."""
        from nyttolib.survey.report import earlier_workshops

        chosen = set(self.store.compared_with(self.workshop.id))
        self.compare_choices: dict[str, widgets.Checkbox] = {}
        for earlier in reversed(earlier_workshops(self.store, self.workshop)):  # the latest first
            answered = self.store.participation(earlier.id).started
            box = widgets.Checkbox(
                value=earlier.id in chosen,
                description=f"{earlier.name} ({earlier.held_on or earlier.created_at[:10]}, {answered} svar)",
                indent=False,
                layout=shared_layout(width="auto"),
                style=shared_style("checkbox"),
            )
            self.compare_choices[earlier.id] = box
        intro = (
            "<h2>Jämförelse med tidigare workshoppar</h2><p>Välj vilka tidigare workshoppar med samma enkät som "
            "ska jämföras med den här, i ledarvyn och i rapporten.</p>"
            if self.compare_choices
            else "<h2>Jämförelse med tidigare workshoppar</h2>"
            "<p>Det finns ingen tidigare workshop med samma enkät att jämföra med.</p>"
        )
        self.comparison_table = html("")
        fields = [LabelledInput(box, lambda _value: self.choose_comparison()) for box in self.compare_choices.values()]
        return widgets.VBox([html(intro), *fields, self.comparison_table])

    def choose_comparison(self) -> None:
        from nyttolib.survey.report import compare

        ids = [workshop_id for workshop_id, box in self.compare_choices.items() if box.value]
        self.store.set_compared_with(self.facilitation.code, ids)
        assert self.context is not None
        self.context["comparison"] = compare(self.store, self.questionnaire, self.workshop)
        self._render("compare")

    def _plan_section(self) -> widgets.Widget:
        session = self.facilitation
        notes = []
        for dimension in self.questionnaire.dimensions:
            area = text_control(dimension.title, session.document.notes.get(dimension.id, ""), multiline=True)
            notes.append(LabelledInput(area, lambda text, d=dimension.id: session.set_note(d, text)))
            self.note_fields[dimension.id] = notes[-1]
        self.actions_box = widgets.VBox()
        self._render_actions()
        return widgets.VBox(
            [
                html("<h2>Anteckningar per dimension</h2><p>Det som sägs på workshoppen. Sparas medan du skriver.</p>"),
                *notes,
                html(
                    "<h2>Handlingsplan</h2><p>Åtgärd, dimension, ansvarig, klart senast och prioritet. Utgå från "
                    "dimensionerna med lägst nuläge och texterna om nästa nivå under Översikt.</p>"
                ),
                self.actions_box,
                button("Lägg till åtgärd", self.add_action),
            ]
        )

    def _render_actions(self) -> None:
        rows = [ActionRow(self, index) for index in range(len(self.facilitation.document.actions))]
        self.actions_box.children = rows or [html("<p>Ingen åtgärd ännu.</p>")]
        self.action_rows = rows

    def add_action(self) -> None:
        self.facilitation.add_action()
        self._render_actions()
        self.action_rows[-1].first.focus()

    def remove_action(self, index: int) -> None:
        self.facilitation.remove_action(index)
        self._render_actions()

    def _finish_section(self) -> widgets.Widget:
        self.downloads = html("", "nyttolib-downloads")
        buttons = [button(label, lambda f=fmt: self.export(f)) for fmt, label in EXPORTS]
        self.close_state = html("")
        self.close_button = button("Stäng enkäten", self.toggle_closed)
        return widgets.VBox(
            [
                html(
                    "<h2>Exportera</h2><p>Rapporten innehåller sammanställningen, diagrammen, anteckningarna och "
                    "handlingsplanen. Alla svar finns som CSV och xlsx, en rad per deltagare och påstående.</p>"
                ),
                self._button_row(buttons),
                self.downloads,
                html("<h2>Enkäten</h2>"),
                self.close_state,
                self.close_button,
            ]
        )

    @staticmethod
    def _button_row(buttons: list[widgets.Button]) -> widgets.HBox:
        row = widgets.HBox(buttons)
        row.add_class("nyttolib-buttons")
        return row

    def export(self, fmt: str) -> None:
        from nyttolib.exports.batch import MIME_TYPES
        from nyttolib.survey.export import workshop_export_bytes, workshop_file_stem

        self.facilitation.flush()
        data = workshop_export_bytes(self.store, self.questionnaire, self.workshop, fmt)
        self.downloads.value = download_link(f"{workshop_file_stem(self.workshop)}.{fmt}", MIME_TYPES[fmt], data)

    def toggle_closed(self) -> None:
        if self.workshop.closed_at:
            self.store.reopen_survey(self.facilitation.code)
        else:
            self.store.close_survey(self.facilitation.code)
        self.refresh(force=True)


class CreateWorkshop(widgets.VBox):
    """A new workshop: name, questionnaire, date; then its codes, and a button into its view."""

    def __init__(self, store: WorkshopStore, questionnaires: dict[str, Questionnaire], on_open: Any = None):
        self.store = store
        self.on_open = on_open
        ordered = sorted(questionnaires.values(), key=lambda q: (not q.default, q.title))
        self.name = text_control("Workshoppens namn", placeholder="t.ex. Mognadsanalys nyttorealisering 2026")
        self.name.continuous_update = False  # sent once, when left: a click right after typing must see all of it
        self.name_field = LabelledInput(self.name)
        self.questionnaire = dropdown_control(
            "Enkät", [(q.title, q.id) for q in ordered], ordered[0].id if ordered else None
        )
        self.date = widgets.DatePicker(
            value=dt.date.today(), description="Datum", layout=shared_layout(), style=shared_style("description")
        )
        self.result = html("")
        self.open_button = button("Öppna ledarvyn", self.open_view, primary=True)
        self.open_button.layout = widgets.Layout(display="none")  # its own: the shared layout is everyone's
        self.created = None
        super().__init__(
            [
                html("<h2>Skapa en ny workshop</h2>"),
                self.name_field,
                LabelledInput(self.questionnaire),
                LabelledInput(self.date),
                button("Skapa workshop", self.create, primary=True),
                self.result,
                self.open_button,
            ]
        )

    def open_view(self) -> None:
        if self.created is not None and self.on_open is not None:
            self.on_open(self.created.facilitator_code)

    def create(self) -> None:
        name = self.name.value.strip()
        if not name:
            self.name_field.show_error("Skriv ett namn på workshoppen.")
            return
        self.name_field.clear_error()
        date = self.date.value.isoformat() if self.date.value else None
        workshop = self.store.create(name, self.questionnaire.value, date)
        self.created = workshop
        self.result.value = (
            f"<div role='status' class='nyttolib-created'><p><strong>Workshoppen {escape(name)} är skapad.</strong></p>"
            + codes_html(workshop, workshop.facilitator_code)
            + "</div>"
        )
        self.open_button.layout = shared_layout()


class OpenWorkshop(widgets.VBox):
    def __init__(self, store: WorkshopStore, on_open: Any):
        self.store = store
        self.on_open = on_open
        # Hidden as typed (a projector); only the button opens, so that half a code is never tried
        self.code = widgets.Password(description="Ledarkod", layout=wide(), style=shared_style("text"))
        self.code_field = LabelledInput(self.code, help_text="Koden du fick när workshoppen skapades.")
        super().__init__([html("<h2>Öppna en workshop</h2>"), self.code_field, button("Öppna", self.open_workshop)])

    def open_workshop(self) -> None:  # not `open`: that would replace Widget.open, which creates the comm
        try:
            self.store.by_facilitator_code(self.code.value)
        except NotFoundError:
            self.code_field.show_error("Ledarkoden stämmer inte. Kontrollera att du skrivit hela koden.")
            return
        self.on_open(self.code.value.strip())


class FacilitatorPage(widgets.VBox):
    def __init__(self, store: WorkshopStore, questionnaires: dict[str, Questionnaire]):
        super().__init__()
        self.store = store
        self.questionnaires = questionnaires
        self.add_class("nyttolib-workshop")

    def open_start(self, message: str = "") -> None:
        alert = f"<div role='alert' class='nyttolib-error'><p>{escape(message)}</p></div>" if message else ""
        children = [
            html(
                f"<h1>Leda en workshop</h1>{alert}<p>Mognadsanalysen görs som en individuell enkät följd av en "
                "gemensam workshop: deltagarna svarar var för sig, du ser sammanställningen växa fram och gruppen "
                "diskuterar resultatet och beslutar om en handlingsplan.</p>"
                # an address that brought a wrong code loses it too
                + CLEAN_ADDRESS
            ),
            OpenWorkshop(self.store, self.open_view),
        ]
        if not self.store.only:  # a server for one workshop creates none (anyone in the room reaches it)
            children.append(CreateWorkshop(self.store, self.questionnaires, self.open_view))
        self.children = children

    def open_view(self, code: str) -> None:
        try:
            self.view = FacilitatorView(self.store, self.questionnaires, code)
        except NotFoundError:
            self.open_start("Ledarkoden stämmer inte.")
            return
        except KeyError:
            self.open_start("Workshoppens enkät finns inte längre i mappen med enkäter.")
            return
        self.children = [self.view]


def facilitator_page(
    store: WorkshopStore | None = None,
    questionnaires: dict[str, Questionnaire] | None = None,
    *,
    code: str | None = None,
) -> widgets.Widget:
    """The page for the request: the facilitator view (?kod=), or create / open a workshop.

    In JupyterLab, pass the facilitator code: `facilitator_page(code="...")`.
    """
    if questionnaires is None:
        questionnaires, problems = load_questionnaires()
        if problems and not questionnaires:
            return content_error_page(ContentError(problems))
    code = code or query_parameter("kod")
    page = FacilitatorPage(store or WorkshopStore(only=served_workshop()), questionnaires)
    if code:
        page.open_view(code)
    else:
        page.open_start()
    return page
