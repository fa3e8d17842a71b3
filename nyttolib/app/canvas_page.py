"""The project canvas page (projektcanvas.ipynb): the fields of canvas.yaml, saved as the user types,
exported to HTML and PDF, and "Starta bedömning" that opens an assessment pre-filled from it."""

from __future__ import annotations

import datetime as dt
import logging
import urllib.parse
from html import escape
from typing import Any

import ipywidgets as widgets

from nyttolib import numbers
from nyttolib.app.errors import add_reporter, content_error_page, guarded
from nyttolib.app.fields import (
    READING,
    DateField,
    Field,
    NumberField,
    TextField,
    download_link,
    html,
    lock,
    paragraphs,
)
from nyttolib.app.process_panel import process_panel_html
from nyttolib.app.request import query_parameter
from nyttolib.app.sharing import CANVAS, WHOSE_HEADERS, AccessArea, whose_cells
from nyttolib.app.start_page import FORM_PAGE, local_time
from nyttolib.app.unreadable import error_page, refusal_page
from nyttolib.canvas.assessment import canvas_of, start_assessment
from nyttolib.canvas.content import CanvasContent, load_canvas_content
from nyttolib.canvas.export import render_canvas_html, render_canvas_pdf
from nyttolib.canvas.model import DATE_FIELDS, MULTILINE, NUMBER_FIELDS, missing_required, rule_problems
from nyttolib.canvas.session import CanvasSession, canvas_store
from nyttolib.content import Content, ContentError, load_content
from nyttolib.exports.filenames import safe_filename
from nyttolib.process import PositionFacts, load_process, position
from nyttolib.storage.assessments import AccessError, NotFoundError, Store
from nyttolib.storage.documents import DocumentStore

log = logging.getLogger("nyttolib.app")

CANVAS_PAGE = "projektcanvas.ipynb"
NEED_PAGE = "behov.ipynb"
NUMBER_RANGES = {"estimated_hours": numbers.HOURS, "cost_kr": numbers.AMOUNT}


def page_link(page: str, canvas_id: str | None) -> str:
    return page + (f"?{urllib.parse.urlencode({'id': canvas_id})}" if canvas_id else "")


def assessment_link(assessment_id: str) -> str:
    return f"{FORM_PAGE}?{urllib.parse.urlencode({'id': assessment_id})}"


class FieldAccess:
    """The canvas session behind the form's field widgets (they address a field by a path: here (name,))."""

    def __init__(self, session: CanvasSession):
        self.session = session

    def get(self, path: tuple) -> Any:
        return self.session.get(path[0])

    def set(self, path: tuple, value: Any) -> None:
        self.session.set(path[0], value)

    def set_draft(self, path: tuple, text: str) -> None:
        self.session.set_draft(path[0], text)

    def draft(self, path: tuple) -> str | None:
        return self.session.draft(path[0])

    def clear_draft(self, path: tuple) -> None:
        if self.session.drafts.pop(path[0], None) is not None:
            self.session.changed()

    def notify(self) -> None:
        """The form's fields call this when an input turns invalid: the page shows it at the field."""


def canvas_field(access: FieldAccess, name: str, content: CanvasContent) -> Field:
    """The input for one canvas field, labelled and helped by canvas.yaml."""
    text = content.canvas.fields[name]
    path = (name,)
    if name in DATE_FIELDS:
        field: Field = DateField(access, path, text.label, help_text=text.help)  # type: ignore[arg-type]
    elif name in NUMBER_FIELDS:
        field = NumberField(access, path, text.label, help_text=text.help, allowed=NUMBER_RANGES[name])  # type: ignore[arg-type]
    else:
        multiline = name in MULTILINE
        field = TextField(access, path, text.label, multiline=multiline, rows=4, help_text=text.help)  # type: ignore[arg-type]
    return field


class SaveStatus(widgets.VBox):
    """The save status, and when another tab changed the same fields: the two ways out."""

    def __init__(self, session: CanvasSession, what: str = "det sparas automatiskt när du skriver"):
        super().__init__()
        self.session = session
        self.what = what
        self.status = html("", "nyttolib-save-status")
        self.conflict = widgets.VBox()
        self.conflict.add_class("nyttolib-conflict")
        self.children = [self.status, self.conflict]
        session.on_status(guarded(self.refresh))
        self.refresh()

    def refresh(self) -> None:
        s = self.session
        text = {"new": f"Inte sparad ännu – {self.what}."}.get(s.status, s.status_message)
        if s.read_only and s.status == "saved":
            text = "Skrivskyddad: du kan läsa den, men inget du gör här sparas."
        if s.status == "conflict":
            text = "Dina senaste ändringar är inte sparade än – välj nedan vilken version som ska gälla."
            keep = widgets.Button(description="Behåll min version där båda ändrat", layout=widgets.Layout(width="auto"))
            take = widgets.Button(
                description="Ta den andra versionen där båda ändrat", layout=widgets.Layout(width="auto")
            )
            keep.on_click(guarded(lambda _b: s.keep_mine()))
            take.on_click(guarded(lambda _b: s.take_theirs()))
            alert = html(f"<div role='alert'><strong>Obs!</strong> {escape(s.status_message)}</div>")
            self.conflict.children = [alert, widgets.HBox([keep, take])]
        elif s.news:
            self.conflict.children = [html(f"<p role='status' class='nyttolib-news'>{escape(s.news)}</p>")]
        else:
            self.conflict.children = []
        self.status.value = f"<p role='status' aria-live='polite'>{escape(text)}</p>"


def address_marker(canvas_id: str | None) -> str:
    """Once saved, the page's address names the canvas (`?id=…`): a reload or bookmark opens it again."""
    if not canvas_id:
        return ""
    query = urllib.parse.urlencode({"id": canvas_id})
    return f"<span hidden data-nyttolib-address='?{escape(query, quote=True)}'></span>"


class CanvasPage(widgets.VBox):
    """The whole canvas: its sections of fields, sending, "Starta bedömning" and the exports."""

    def __init__(
        self,
        session: CanvasSession,
        content: CanvasContent,
        *,
        assessments: Store | None = None,
        assessment_content: Content | None = None,
    ):
        super().__init__()
        self.add_class("nyttolib-form")
        self.session, self.content = session, content
        self._assessments, self._assessment_content = assessments, assessment_content
        texts = content.canvas
        self.access = FieldAccess(session)
        self.title = html("")
        self.address = html("")
        self.notice = html("", "nyttolib-notice")
        add_reporter(self._show_notice)
        self.fields: dict[str, Field] = {}
        body: list[widgets.Widget] = []
        for section in texts.sections:
            body.append(html(f"<h2>{escape(section.title)}</h2>", "nyttolib-heading"))
            if section.text:
                body.append(paragraphs(section.text))
            for name in section.fields:
                self.fields[name] = canvas_field(self.access, name, content)
                body.append(self.fields[name])
        self.missing = html("")
        self.submit_text = html("")
        self.submit = widgets.Button(layout=widgets.Layout(width="auto"))
        self.submit.on_click(guarded(lambda _b: self._toggle_submitted()))
        self.start = widgets.Button(description=texts.start_assessment.label, button_style="primary")
        self.start.on_click(guarded(lambda _b: self.start_assessment()))
        self.linked = html("")
        self.assessment_id: str | None = None  # the assessment started from the canvas
        self.html_button = widgets.Button(description="Spara som HTML")
        self.pdf_button = widgets.Button(description="Spara som PDF")
        self.html_button.on_click(guarded(lambda _b: self.export("html")))
        self.pdf_button.on_click(guarded(lambda _b: self.export("pdf")))
        self.download = html("")
        exports = widgets.HBox([self.html_button, self.pdf_button])
        exports.add_class(READING)  # a reader exports too
        decision = [
            html("<h2>Skicka och starta bedömning</h2>", "nyttolib-heading"),
            self.missing,
            self.submit_text,
            self.submit,
            paragraphs(texts.start_assessment.text),
            self.start,
            self.linked,
            html(f"<h2>{escape(texts.export.title)}</h2>", "nyttolib-heading"),
            paragraphs(texts.export.text),
            exports,
            self.download,
        ]
        intro = paragraphs(texts.intro)
        self.status = SaveStatus(session)
        self.process = self._load_process()
        self.process_panel = html("")
        self.access_area = AccessArea(session, CANVAS, on_handed_over=self._lock_if_read_only)
        top = [self.title, self.status, self.access_area, self.address, self.notice, intro, self.process_panel]
        self.children = [*top, *body, *decision, self.access_area.panel_area]
        session.on_change(guarded(self.refresh))
        session.on_status(guarded(self._on_status))
        self.refresh()
        self._lock_if_read_only()

    def _lock_if_read_only(self) -> None:
        """Shared to read, seen by the office, or refused since: every input off, exports still there."""
        if self.session.read_only:
            lock(self)

    # -- showing ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        s, texts = self.session, self.content.canvas
        name = s.canvas.name.strip() or "Ny projektcanvas"
        need = escape(page_link(NEED_PAGE, s.id), quote=True)
        self.title.value = (
            "<nav aria-label='Sidor'><a href='start.ipynb'>← Startsidan</a> · "
            f"<a href='{need}'>Behovet och frågorna före canvasen</a></nav>"
            f"<h1>{escape(texts.title)}: {escape(name)}</h1>"
        )
        for name_, message in rule_problems(s.canvas).items():
            self.fields[name_].show_rule(message)
        for name_, field in self.fields.items():
            if name_ not in rule_problems(s.canvas):
                field.show_rule(None)
        missing = missing_required(s.canvas, texts.required)
        labels = ", ".join(texts.label(n) for n in missing)
        self.missing.value = f"<p>{escape(texts.missing.format(fields=labels))}</p>" if missing else ""
        if s.canvas.submitted_on:
            self.submit_text.value = (
                f"<p>{escape(texts.submit.done.format(date=s.canvas.submitted_on.isoformat()))}</p>"
            )
            self.submit.description = texts.submit.undo
            self.submit.disabled = s.read_only
        else:
            self.submit_text.value = ""
            self.submit.description = texts.submit.label
            self.submit.disabled = s.read_only or bool(missing)
        self._show_linked()
        self._show_position()

    @staticmethod
    def _load_process() -> Any:
        """The municipality's process (process.yaml); without it the page works, only the panel is left out."""
        try:
            return load_process()
        except Exception:
            log.exception("Could not load the process for the canvas page")
            return None

    def _show_position(self) -> None:
        """Where the initiative stands on the municipality's process, and the next step and its role."""
        if self.process is None:
            return
        s = self.session
        facts = PositionFacts(
            has_need=bool(s.canvas.need.strip()),
            has_canvas=s.id is not None,
            canvas_submitted=s.canvas.submitted_on is not None,
            has_assessment=self.assessment_id is not None,
        )
        panel = process_panel_html(position(self.process, facts), self.process)
        if self.process_panel.value != panel:
            self.process_panel.value = panel

    def _on_status(self) -> None:
        self.address.value = address_marker(self.session.id)
        self.access_area.update()
        if self.session.status == "saved" and self.session.news:
            self._show_values()
        if self.session.status == "refused":
            self._lock_if_read_only()

    def _show_values(self) -> None:
        """Values taken in from another tab: each field shows the session's value unless it holds an error."""
        from nyttolib.app.form import _show_value

        for field in self.fields.values():
            _show_value(field)
        self.refresh()

    def _show_linked(self) -> None:
        s = self.session
        if not s.id:
            self.linked.value = ""
            return
        try:
            listing = s.store.listing(s.id)
        except NotFoundError:
            self.linked.value = ""
            return
        self.assessment_id = listing.link
        if listing.link:
            href = escape(assessment_link(listing.link), quote=True)
            self.linked.value = (
                f"<p>{escape(self.content.canvas.start_assessment.linked)} <a href='{href}'>Öppna bedömningen</a></p>"
            )
            self.start.description = "Öppna bedömningen igen"
        else:
            self.linked.value = ""

    def _show_notice(self, message: str) -> None:
        self.notice.value = f"<div role='alert' class='nyttolib-error'>{escape(message)}</div>"

    # -- actions ---------------------------------------------------------------------------------

    def _toggle_submitted(self) -> None:
        s = self.session
        s.set("submitted_on", None if s.canvas.submitted_on else dt.date.today())

    def start_assessment(self) -> str | None:
        """Save the canvas, create (or find) its assessment, and show the link to it."""
        s = self.session
        if not s.flush() or s.id is None:
            self._show_notice("Canvasen måste vara sparad innan bedömningen kan startas.")
            return None
        content = self._assessment_content or load_content()
        if self._assessments is None:
            from nyttolib.portfolio.store import PortfolioStore

            self._assessments = PortfolioStore(content=content)
        assessment_id = start_assessment(s.id, s.store, self._assessments, content)
        self._show_linked()
        self.assessment_id = assessment_id
        self._show_position()
        href = escape(assessment_link(assessment_id), quote=True)
        self.linked.value = (
            f"<p role='status'>{escape(self.content.canvas.start_assessment.linked)} "
            f"<a href='{href}'>Öppna bedömningen</a></p>"
        )
        return assessment_id

    def export(self, kind: str) -> None:
        s = self.session
        s.flush()
        stem = safe_filename(s.canvas.name, fallback="projektcanvas")
        if kind == "pdf":
            data = render_canvas_pdf(s.canvas, self.content, drafts=s.drafts)
            self.download.value = download_link(f"{stem}.pdf", "application/pdf", data)
        else:
            text = render_canvas_html(s.canvas, self.content, drafts=s.drafts)
            self.download.value = download_link(f"{stem}.html", "text/html", text.encode("utf-8"))


def canvas_list(store: DocumentStore, page: str = CANVAS_PAGE) -> str:
    """The saved canvases the user may open, as a table with a link each (every user text escaped). Under
    the hub each row says whose it is and what the user may do with it, as the start page does."""
    hub = store.user.hub
    rows = []
    for item in store.list()[:50]:
        href = escape(page_link(page, item.id), quote=True)
        name = escape(item.name or "(namnlös idé)")
        whose = whose_cells(item.access, item.owner) if hub else ""
        rows.append(
            f"<tr><th scope='row'><a href='{href}'>{name}</a></th><td>{escape(local_time(item.updated_at))}</td>"
            f"{whose}</tr>"
        )
    if not rows:
        return ""
    whose_headers = WHOSE_HEADERS if hub else ""
    title = "Projektcanvasar du kan öppna" if hub else "Dina sparade projektcanvasar"
    return (
        f"<table class='nyttolib-table'><caption><h2>{title}</h2></caption>"
        f"<thead><tr><th scope='col'>Idé</th><th scope='col'>Senast ändrad</th>{whose_headers}</tr></thead>"
        "<tbody>" + "".join(rows) + "</tbody></table>"
    )


def open_canvas_session(store: DocumentStore, canvas_id: str | None) -> CanvasSession | None:
    """The session for `canvas_id` (None when there is no such canvas), or a new one."""
    if not canvas_id:
        return CanvasSession(store)
    try:
        return CanvasSession(store, canvas_id)
    except NotFoundError:
        return None


def missing_page(page: str) -> widgets.Widget:
    return html(
        "<main><h1>Canvasen finns inte</h1><p>Länken pekar på en projektcanvas som inte finns (eller som du inte "
        f"får se). <a href='{page}'>Börja på en ny</a> · <a href='start.ipynb'>Till startsidan</a></p></main>"
    )


def canvas_page(
    canvas_id: str | None = None, *, store: DocumentStore | None = None, content: CanvasContent | None = None
) -> widgets.Widget:
    return document_page(CanvasPage, CANVAS_PAGE, canvas_id, store, content)


def document_page(
    page_class: Any, page_name: str, canvas_id: str | None, store: DocumentStore | None, content: CanvasContent | None
) -> widgets.Widget:
    """A page of one canvas document (the canvas, or the need page), with the user's list below a new one."""
    try:
        content = content or load_canvas_content()
    except ContentError as exc:
        return content_error_page(exc)
    store = store or canvas_store()
    try:
        session = open_canvas_session(store, canvas_id)
    except AccessError as exc:  # someone else's, not shared with the user: why, and the way back
        return refusal_page(str(exc), CANVAS.the)
    if session is None:
        return missing_page(page_name)
    page = page_class(session, content)
    if canvas_id:
        return page
    return widgets.VBox([page, html(canvas_list(store, page_name))])


def ahead_of_the_request() -> tuple[CanvasContent, DocumentStore]:
    """What a preheated kernel can do before Voilà hands it the request: read the content (half of the
    page's build time is parsing YAML) and open the store."""
    return load_canvas_content(), canvas_store()


def document_for_request(page_class: Any, page_name: str, failure: str) -> widgets.Widget:
    """What the notebook of a canvas document shows: its page for the id in the address, or a Swedish page
    saying what went wrong (never a traceback)."""
    try:
        content, store = ahead_of_the_request()
        return document_page(page_class, page_name, query_parameter("id"), store, content)
    except ContentError as exc:
        return content_error_page(exc)
    except Exception:
        log.exception("Could not show %s", page_name)
        return error_page(failure)


def canvas_for_request() -> widgets.Widget:
    failure = "Något gick fel när projektcanvasen skulle öppnas. Det som är sparat finns kvar."
    return document_for_request(CanvasPage, CANVAS_PAGE, failure)


def canvas_nav(assessments: Store, assessment_id: str) -> str:
    """For the assessment form's navigation: a link back to the canvas it was started from, or nothing."""
    try:
        canvas_id = canvas_of(assessments, assessment_id)
    except Exception:  # the link is a convenience: it never stops the form from opening
        log.exception("Could not look up the canvas of %s", assessment_id)
        return ""
    href = escape(page_link(CANVAS_PAGE, canvas_id), quote=True)
    return f" · <a href='{href}'>Projektcanvasen som bedömningen startades från</a>" if canvas_id else ""
