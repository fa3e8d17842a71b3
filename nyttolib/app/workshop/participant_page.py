"""The participant's page: join with the workshop's code, optionally say one's role, answer one dimension
at a time (saved as one goes), and submit. The personal link brings the participant back to their own
answers until the facilitator closes the survey; nothing here can reach anyone else's answers."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable
from html import escape
from typing import Any

import ipywidgets as widgets

from nyttolib.app import errors
from nyttolib.app.errors import content_error_page, guarded
from nyttolib.app.fields import dropdown_control, html, shared_layout, shared_style, text_control, wide
from nyttolib.app.focus import request_focus
from nyttolib.app.polling import every
from nyttolib.app.request import page_address, query_parameter
from nyttolib.app.workshop.widgets import LabelledInput, button
from nyttolib.content import ContentError
from nyttolib.storage.assessments import NotFoundError
from nyttolib.survey.participant import QUESTIONS, ParticipantSession
from nyttolib.survey.questionnaire import Dimension, Questionnaire, load_questionnaires
from nyttolib.survey.statistics import DONT_KNOW
from nyttolib.survey.store import ClosedError, WorkshopStore, served_workshop

PARTICIPANT_PAGE = "delta.ipynb"
CLOSED_CHECK_SECONDS = 4.0  # how soon an open page learns that the facilitator closed the survey
QUESTION_LABELS = {"now": "Nuläge – hur är det i dag?", "target": "Börläge – hur bör det vara?"}
STATUS_TEXT = {
    "saved": "Dina svar är sparade.",
    "pending": "Sparar …",
    "closed": "Enkäten är stängd. Dina svar kan inte längre ändras.",
    "closed-unsaved": "Enkäten stängdes innan ditt senaste svar hann sparas. Det som visas nu är dina sparade "
    "svar; de kan inte längre ändras.",
    "error": "Dina senaste svar kunde inte sparas. De finns kvar här; försök igen om en stund.",
}


def join_link(join_code: str) -> str:
    return f"{PARTICIPANT_PAGE}?{urllib.parse.urlencode({'kod': join_code})}"


def answers_link(token: str) -> str:
    return f"{PARTICIPANT_PAGE}?{urllib.parse.urlencode({'svar': token})}"


def question_id(dimension_id: str, statement_id: str) -> str:
    """The id of a statement's heading, which names its answer groups (aria-labelledby)."""
    return "nyttolib-q-" + re.sub(r"[^A-Za-z0-9_-]", "-", f"{dimension_id}--{statement_id}")


class JoinView(widgets.VBox):
    """Code first; then what the workshop is, role, name and subject, and "Börja svara"."""

    def __init__(
        self,
        store: WorkshopStore,
        questionnaires: dict[str, Questionnaire],
        code: str | None,
        on_joined: Callable[[str], None],
    ):
        super().__init__()
        self.store = store
        self.on_joined = on_joined
        self.questionnaires = questionnaires
        self.add_class("nyttolib-join")
        self.code = text_control("Kod från den som leder workshoppen", code or "", placeholder="t.ex. K7QP2M")
        self.code_field = LabelledInput(self.code)
        self.code.continuous_update = False
        self.details = widgets.VBox()
        self.children = [
            html(
                "<h1>Delta i en workshop</h1><p>Skriv koden du har fått av den som leder workshoppen. Du svarar "
                "anonymt om du inte själv skriver ditt namn.</p>"
            ),
            self.code_field,
            button("Fortsätt", self._continue, primary=True),
            self.details,
        ]
        if code:
            self._continue()

    def _continue(self) -> None:
        try:
            workshop = self.store.by_join_code(self.code.value)
        except NotFoundError as exc:
            self.code_field.show_error(str(exc))
            self.details.children = []
            return
        self.code_field.clear_error()
        questionnaire = self.questionnaires.get(workshop.questionnaire_id)
        if questionnaire is None:
            self.code_field.show_error("Workshoppens enkät finns inte längre. Kontakta den som leder workshoppen.")
            return
        if workshop.closed_at:
            self.code_field.show_error(str(ClosedError()))
            return
        intro = html(
            f"<h2>{escape(workshop.name)}</h2><p><strong>{escape(questionnaire.title)}.</strong> "
            f"{escape(questionnaire.description)}</p>"
        )
        groups = sorted({d.answered_by for d in questionnaire.dimensions if d.answered_by})
        if groups:
            self.role = dropdown_control("Du svarar för", [("– Välj –", None), *[(g, g) for g in groups]])
            role_help = "Du får de frågor som din grupp känner bäst till."
        else:
            self.role = text_control("Roll eller verksamhet (valfritt)", placeholder="t.ex. chef, IT, projektledare")
            role_help = "Används för att jämföra grupper. Grupper med färre än två personer visas inte separat."
        self.name = text_control("Ditt namn (valfritt)")
        fields = [
            LabelledInput(self.role, help_text=role_help),
            LabelledInput(self.name, help_text="Lämna tomt för att svara anonymt."),
        ]
        self.subject = None
        if questionnaire.per_subject:
            self.subject = widgets.Combobox(
                options=self.store.subjects(workshop.id),
                ensure_option=False,
                description=questionnaire.per_subject,
                layout=wide(),
                style=shared_style("text"),
            )
            self.subject_field = LabelledInput(
                self.subject, help_text="Välj ett system som redan finns i listan, eller skriv ett nytt namn."
            )
            fields.insert(0, self.subject_field)
        # Nothing here is saved before "Börja svara": each field's value is sent once, when the field is left.
        # Sent as typed, the last keystrokes could arrive after the button's click (ipywidgets holds back
        # state while the kernel is busy, but sends a click at once): a role typed "Chef" was stored "Che".
        for control in (self.role, self.name, self.subject):
            if isinstance(control, (widgets.Text, widgets.Combobox)):
                control.continuous_update = False
        self.workshop_code = workshop.join_code
        self.details.children = [intro, *fields, button("Börja svara", self._join, primary=True)]

    def _join(self) -> None:
        if self.subject is not None and not self.subject.value.strip():
            self.subject_field.show_error("Skriv vilket system du bedömer.")
            return
        role = self.role.value.strip() if isinstance(self.role.value, str) else self.role.value
        try:
            token = self.store.join(
                self.workshop_code,
                role=role or None,
                subject=self.subject.value.strip() if self.subject is not None else None,
                name=self.name.value.strip() or None,
            )
        except (ClosedError, NotFoundError) as exc:
            self.code_field.show_error(str(exc))
            return
        self.on_joined(token)


class AnswerView(widgets.VBox):
    """One dimension at a time, then the numbers (if any), then "Skicka in"."""

    def __init__(self, session: ParticipantSession, *, joined: bool, live: bool = True):
        super().__init__()
        self.session = session
        self._shown_closed = session.closed
        q = session.questionnaire
        self.add_class("nyttolib-answers")
        self.pages: list[tuple[str, Any]] = [(d.title, d) for d in session.dimensions()]
        self.numeric_fields = q.numeric_fields_for(session.role)
        if self.numeric_fields:
            self.pages.append(("Siffror", "numbers"))
        self.pages.append(("Skicka in", "submit"))
        self.built: dict[int, widgets.Widget] = {}
        self.current = 0
        link = answers_link(session.token)
        address = page_address(PARTICIPANT_PAGE, svar=session.token)
        who = " · ".join(x for x in [session.subject, session.role, session.name] if x)
        self.header = html(
            f"<h1>{escape(session.workshop.name)}</h1><p>{escape(q.title)}{' · ' + escape(who) if who else ''}</p>"
            + (
                "<div class='nyttolib-personal-link' role='status'><p><strong>Din personliga länk.</strong> "
                "Spara den (bokmärk sidan) för att kunna ändra dina svar senare. Dela den inte: den leder till "
                f"dina svar.</p><p><a href='{escape(link, quote=True)}'>{escape(address)}</a></p></div>"
                if joined
                else f"<p>Din personliga länk: <a href='{escape(link, quote=True)}'>{escape(address)}</a></p>"
            )
        )
        self.status = html("", "nyttolib-save-status")
        self.notice = html("", "nyttolib-notice")
        self.nav_buttons = []
        for index in range(len(self.pages)):
            nav = widgets.Button(layout=shared_layout(width="auto"))
            nav.on_click(guarded(lambda _b, i=index: self.go_to(i)))
            self.nav_buttons.append(nav)
        nav_box = widgets.HBox(self.nav_buttons)
        nav_box.add_class("nyttolib-nav")
        self.body = widgets.VBox()
        self.previous = button("Föregående", lambda: self.go_to(self.current - 1))
        self.next = button("Nästa", lambda: self.go_to(self.current + 1), primary=True)
        footer = widgets.HBox([self.previous, self.next])
        footer.add_class("nyttolib-footer")
        self.children = [self.header, self.status, self.notice, nav_box, self.body, footer]
        session.on_status(guarded(self._update_status))
        errors.add_reporter(self._show_notice)
        self.show(0)
        self._update_status()
        if joined:  # after "Börja svara": to the first question, not back to the top of the page
            self.focus_first_question()
        # An open page learns within seconds that the survey closed (or opened again).
        check = self.session.check_closed
        self._task = every(CLOSED_CHECK_SECONDS, check, "Checking whether the survey is closed") if live else None

    def focus_first_question(self) -> None:
        page = self.built[self.current]
        first = next((c for c in page.children if isinstance(c, LabelledInput)), None)
        request_focus(first or page.children[0])

    def _show_notice(self, message: str) -> None:
        self.notice.value = f"<p role='alert' class='nyttolib-error'>{escape(message)}</p>"

    def _update_status(self) -> None:
        session = self.session
        if session.closed != self._shown_closed:  # closed (or reopened) while open: show what is stored
            self._shown_closed = session.closed
            self.built = {}
            self.show(self.current)
        closed_unsaved = session.status == "closed" and session.lost_unsaved
        text = STATUS_TEXT["closed-unsaved" if closed_unsaved else session.status]
        if session.submitted_at and session.status != "closed":
            text += " Du har skickat in; du kan ändra dina svar tills enkäten stängs."
        self.status.value = f"<p role='status'>{escape(text)}</p>"
        self._update_nav()

    def _update_nav(self) -> None:
        for index, (title, item) in enumerate(self.pages):
            label = f"{index + 1}. {title}"
            if isinstance(item, Dimension):
                label += f" ({self.session.answered(item)} av {len(item.statements)})"
            self.nav_buttons[index].description = label
            self.nav_buttons[index].button_style = "primary" if index == self.current else ""

    def go_to(self, index: int) -> None:
        """A page chosen by the participant: focus goes to its heading, where reading it starts."""
        self.show(index)
        request_focus(self.built[self.current].children[0])

    def show(self, index: int) -> None:
        if not 0 <= index < len(self.pages):
            return
        self.current = index
        if index not in self.built or self.pages[index][1] == "submit":
            self.built[index] = self._build(self.pages[index][1])
        self.body.children = [self.built[index]]
        self.previous.disabled = index == 0
        self.next.disabled = index == len(self.pages) - 1
        self._update_nav()

    def _build(self, item: Any) -> widgets.Widget:
        if item == "numbers":
            return self._numbers_page()
        if item == "submit":
            return self._submit_page()
        return self._dimension_page(item)

    def _dimension_page(self, dimension: Dimension) -> widgets.Widget:
        session = self.session
        q = session.questionnaire
        scale = "".join(
            f"<li><strong>{level.value} {escape(level.label)}</strong>"
            + (f": {escape(level.description)}" if level.description else "")
            + "</li>"
            for level in q.scale
        )
        children: list[widgets.Widget] = [
            html(
                f"<h2>{escape(dimension.title)}</h2><details class='nyttolib-scale' open><summary>Skalan</summary>"
                f"<ul>{scale}</ul></details>"
            )
        ]
        options = [(f"{level.value} {level.label}", level.value) for level in q.scale] + [(q.dont_know, DONT_KNOW)]
        questions = QUESTIONS if q.gap_analysis else QUESTIONS[:1]
        for number, statement in enumerate(dimension.statements, start=1):
            heading = question_id(dimension.id, statement.id)
            children.append(html(f"<h3 id='{heading}'>{number}. {escape(statement.text)}</h3>", "nyttolib-statement"))
            for question in questions:
                current = session.level(dimension.id, statement.id, question)
                radio = widgets.RadioButtons(
                    options=options,
                    value=current if current in [v for _, v in options] else None,
                    description=QUESTION_LABELS[question] if q.gap_analysis else "Ditt svar",
                    layout=shared_layout(width="auto"),
                    style=shared_style("description"),
                )
                radio.add_class("nyttolib-horizontal")
                # One radio group per question, named by the statement and by Nuläge/Börläge (nyttolib.js).
                radio.add_class(f"nyttolib-labelledby-{heading}")
                radio.disabled = session.closed
                children.append(
                    LabelledInput(
                        radio,
                        lambda value, d=dimension.id, s=statement.id, qq=question: session.set_level(d, s, qq, value),
                    )
                )
        if q.free_text:
            comment = text_control(
                f"{q.free_text} om {dimension.title.lower()} (valfritt)", session.comment(dimension.id), multiline=True
            )
            comment.disabled = session.closed
            children.append(LabelledInput(comment, lambda text, d=dimension.id: session.set_comment(d, text)))
        box = widgets.VBox(children)
        box.add_class("nyttolib-dimension")
        return box

    def _numbers_page(self) -> widgets.Widget:
        session = self.session
        children: list[widgets.Widget] = [
            html("<h2>Siffror</h2><p>Ungefärliga belopp räcker. Lämna tomt om du inte vet.</p>")
        ]
        for numeric in self.numeric_fields:
            label = f"{numeric.label} ({numeric.unit})" if numeric.unit else numeric.label
            control = text_control(label, session.number_text(numeric.id))
            control.layout = shared_layout(width="14rem")
            control.disabled = session.closed
            field = LabelledInput(control, lambda text, f=numeric.id: session.set_number(f, text))
            children.append(field)
            message = session.number_error(numeric.id)
            if message:
                field.show_error(message)
        return widgets.VBox(children)

    def _submit_page(self) -> widgets.Widget:
        session = self.session
        missing = session.unanswered()
        if missing:
            items = "".join(
                f"<li>{escape(d.title)}: {n} {'påstående' if n == 1 else 'påståenden'} utan svar</li>"
                for d, n in missing
            )
            summary = (
                "<p>Du kan skicka in även om något saknas; svara gärna &quot;Vet ej&quot; där du inte vet.</p>"
                f"<ul>{items}</ul>"
            )
        else:
            summary = "<p>Du har svarat på alla påståenden.</p>"
        self.submit_result = html("")
        submit = button("Skicka in mina svar", self._submit, primary=True)
        submit.disabled = session.closed
        return widgets.VBox([html(f"<h2>Skicka in</h2>{summary}"), submit, self.submit_result])

    def _submit(self) -> None:
        self.session.submit()
        if self.session.closed:
            self.submit_result.value = f"<p role='alert' class='nyttolib-error'>{escape(str(ClosedError()))}</p>"
            return
        self.submit_result.value = (
            "<p role='status' class='nyttolib-done'><strong>Tack! Dina svar är inskickade.</strong> Du kan ändra "
            "dem via din personliga länk tills den som leder workshoppen stänger enkäten.</p>"
        )


class ParticipantPage(widgets.VBox):
    def __init__(self, store: WorkshopStore, questionnaires: dict[str, Questionnaire]):
        super().__init__()
        self.store = store
        self.questionnaires = questionnaires
        self.add_class("nyttolib-workshop")

    def open_join(self, code: str | None) -> None:
        self.children = [
            JoinView(self.store, self.questionnaires, code, lambda token: self.open_answers(token, joined=True))
        ]

    def open_answers(self, token: str, *, joined: bool = False) -> None:
        try:
            session = ParticipantSession(self.store, self.questionnaires, token)
        except NotFoundError as exc:
            self.open_join(None)
            self.children = [
                html(f"<div role='alert' class='nyttolib-error'><p>{escape(str(exc))}</p></div>"),
                *self.children,
            ]
            return
        except KeyError:
            self.children = [
                html("<div role='alert' class='nyttolib-error'><p>Workshoppens enkät finns inte längre.</p></div>")
            ]
            return
        self.session = session
        self.children = [AnswerView(session, joined=joined)]


def participant_page(
    store: WorkshopStore | None = None, questionnaires: dict[str, Questionnaire] | None = None
) -> widgets.Widget:
    """The page for the request: answers by personal link (?svar=), joining (?kod= or typed)."""
    if questionnaires is None:
        questionnaires, problems = load_questionnaires()
        if problems and not questionnaires:
            return content_error_page(ContentError(problems))
    token = query_parameter("svar")
    code = query_parameter("kod")
    page = ParticipantPage(store or WorkshopStore(only=served_workshop()), questionnaires)
    if token:
        page.open_answers(token)
    else:
        page.open_join(code)
    return page
