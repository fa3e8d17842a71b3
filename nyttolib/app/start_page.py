"""The start page: what the assessment is for, the stored assessments, a new one, and import."""

from __future__ import annotations

import tempfile
import urllib.parse
from datetime import datetime
from html import escape
from pathlib import Path

import ipywidgets as widgets

from nyttolib import formatting as fmt
from nyttolib.app.errors import content_error_page, guarded
from nyttolib.app.request import wait_for_request
from nyttolib.app.sharing import WHOSE_HEADERS, whose_cells
from nyttolib.assessment.completeness import completeness
from nyttolib.assessment.documents import check_file
from nyttolib.content import Content, ContentError, load_content
from nyttolib.identity import User
from nyttolib.portfolio.store import PortfolioStore
from nyttolib.storage.assessments import Listing, Store, StoreError

FORM_PAGE = "bedomning.ipynb"
WORKSHOP_PAGE = "workshop/ledare.ipynb"
PARTICIPANT_PAGE = "workshop/delta.ipynb"
PORTFOLIO_PAGE = "portfolj.ipynb"


def local_time(iso_timestamp: str) -> str:
    """A stored UTC timestamp as the server's local time, e.g. '2026-11-22 20:51'."""
    return datetime.fromisoformat(iso_timestamp).astimezone().strftime("%Y-%m-%d %H:%M")


def form_link(assessment_id: str) -> str:
    return f"{FORM_PAGE}?{urllib.parse.urlencode({'id': assessment_id})}"


def signed_in(user: User) -> str:
    """Who is logged in (under the hub only: the local user of `make app` is the only one)."""
    if user.local:
        return ""
    office = ", portföljkontoret" if user.portfolio_office else ""
    return f"<p class='nyttolib-signed-in'>Inloggad som <strong>{escape(user.name)}</strong>{escape(office)}</p>"


def assessments_table(listing: list[Listing], content: Content, user: User | None = None) -> str:
    """The stored assessments as an accessible HTML table with a link each; every user text is escaped.
    Under the hub each row says whose it is and what the user may do with it."""
    start = content.start
    hub = user is not None and user.hub
    if not listing:
        return f"<h2>{escape(start.list_title)}</h2><p>{escape(start.empty_list)}</p>"
    rows = []
    for row in listing:
        stage = content.label(content.initiative.portfolio_stages, row.stage, "–")
        done = fmt.percent(row.completeness_percent) if row.completeness_percent is not None else "–"
        name = escape(row.name or "(namnlöst initiativ)")
        whose = whose_cells(row.access, row.owner) if hub else ""
        rows.append(
            f"<tr><th scope='row'><a href='{escape(form_link(row.id), quote=True)}'>{name}</a></th>"
            f"<td>{escape(stage)}</td><td>{escape(local_time(row.updated_at))}</td>"
            f"<td class='nyttolib-number'>{escape(done)}</td>{whose}</tr>"
        )
    whose_headers = WHOSE_HEADERS if hub else ""
    return (
        f"<table class='nyttolib-table'><caption><h2>{escape(start.list_title)}</h2></caption>"
        "<thead><tr><th scope='col'>Initiativ</th><th scope='col'>Steg</th>"
        f"<th scope='col'>Senast ändrad</th><th scope='col'>Ifyllt</th>{whose_headers}</tr></thead>"
        "<tbody>" + "".join(rows) + "</tbody></table>"
    )


def routes_html(content: Content) -> str:
    """"Vad vill du göra?": each route a plain link to its page (bookmarkable), under a navigation landmark."""
    start = content.start
    if not start.routes:
        return ""
    items = []
    for route in start.routes:
        links = " · ".join(
            f"<a href='{escape(link.page, quote=True)}'>{escape(link.label)}</a>" for link in route.all_links()
        )
        head = links if route.page else f"<span class='nyttolib-route-label'>{escape(route.label)}:</span> {links}"
        text = f"<br><span class='nyttolib-route-text'>{escape(route.text)}</span>" if route.text else ""
        items.append(f"<li>{head}{text}</li>")
    title = escape(start.routes_title)
    return (
        f"<nav class='nyttolib-routes' aria-label='{escape(start.routes_title, quote=True)}'><h2>{title}</h2>"
        f"<ul>{''.join(items)}</ul></nav>"
    )


class StartPage(widgets.VBox):
    def __init__(self, store: Store | None = None, content: Content | None = None):
        super().__init__()
        self.content = content or load_content()
        self.store = store or PortfolioStore(content=self.content)
        start = self.content.start
        intro = widgets.HTML(
            f"<h1>{escape(start.title)}</h1>"
            + signed_in(self.store.user)
            + f"{routes_html(self.content)}"
            f"<p><a class='nyttolib-primary-link' href='{FORM_PAGE}'>Ny bedömning</a></p>"
            f"<h2>{escape(start.why_title)}</h2>{''.join(f'<p>{escape(t)}</p>' for t in start.why)}"
            + (
                "<ul>" + "".join(f"<li>{escape(t)}</li>" for t in start.why_reasons) + "</ul>"
                if start.why_reasons
                else ""
            )
            + f"<h2>{escape(start.instructions_title)}</h2>"
            + "<ul>"
            + "".join(f"<li>{escape(t)}</li>" for t in start.instructions)
            + "</ul>"
        )
        workshop = widgets.HTML(
            f"<h2>{escape(start.workshop_title)}</h2><p>{escape(start.workshop_text)}</p>"
            f"<p><a href='{WORKSHOP_PAGE}'>Leda en workshop</a> · <a href='{PARTICIPANT_PAGE}'>Delta i en "
            "workshop</a></p>"
        )
        portfolio = widgets.HTML(
            f"<h2>{escape(start.portfolio_title)}</h2><p>{escape(start.portfolio_text)}</p>"
            f"<p><a href='{PORTFOLIO_PAGE}'>{escape(start.portfolio_link)}</a></p>"
        )
        self.table = widgets.HTML()
        self.upload = widgets.FileUpload(
            accept=".json,application/json", multiple=False, description="Importera en .json-fil"
        )
        self.upload.layout.width = "auto"
        self.upload.observe(guarded(self._on_upload), names="value")
        self.import_result = widgets.HTML()
        self.children = [
            intro,
            self.table,
            widgets.HTML("<h2>Importera</h2><p>En bedömning som exporterats som .json-fil.</p>"),
            self.upload,
            self.import_result,
            portfolio,
            workshop,
        ]
        self.add_class("nyttolib-start")
        self.refresh()

    def refresh(self) -> None:
        self.table.value = assessments_table(self.store.list(), self.content, self.store.user)

    def _on_upload(self, change: dict) -> None:
        files = change["new"]
        if not files:
            return
        upload = files[0]
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "import.json"
            path.write_bytes(bytes(upload["content"]))
            result = check_file(path, self.content)
        name = escape(upload.get("name", "filen"))
        if not result.ok:
            problems = "".join(f"<li>{escape(str(p))}</li>" for p in result.problems[:20])
            self.import_result.value = (
                f"<div role='alert' class='nyttolib-error'><p><strong>{name} kunde inte "
                f"importeras.</strong> Inget har ändrats.</p><ul>{problems}</ul></div>"
            )
        else:
            assessment = result.assessment
            try:
                imported = self.store.import_assessment(
                    assessment,
                    on_existing="as_new",  # never add to an existing assessment's history from the browser
                    note=f"Importerad från {upload.get('name', 'fil')}",
                    completeness_percent=completeness(assessment, self.content).percent,
                )
            except StoreError as exc:  # refused or not saved: said here, where the file was chosen
                self.import_result.value = (
                    f"<div role='alert' class='nyttolib-error'><p><strong>{name} kunde inte importeras.</strong> "
                    f"{escape(str(exc))}</p></div>"
                )
                self.upload.value = ()
                return
            saved = imported.saved
            title = escape(assessment.initiative.name or "(namnlöst)")
            as_new = ""
            if imported.how == "as_new":
                as_new = " Det fanns redan en bedömning med samma id, så filen blev en ny; den som fanns är oförändrad."
            self.import_result.value = (
                f"<p role='status'>Importerad: <a href='{escape(form_link(saved.id), True)}'>"
                f"{title}</a> (revision {saved.revision}).{as_new}</p>"
            )
            self.refresh()
        self.upload.value = ()


def start_page(store: Store | None = None, content: Content | None = None) -> widgets.Widget:
    """The start page as of the request (a preheated kernel must not show the list from before it)."""
    wait_for_request()
    try:
        content = content or load_content()
    except ContentError as exc:
        return content_error_page(exc)
    return StartPage(store, content)
