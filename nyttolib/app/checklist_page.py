"""The checklist page: choose a checklist, an organisation and a date, answer item by item (saved as one
goes), see the earlier answerings and what changed, and export. `checklista.ipynb?lista=ID` opens a
checklist, `…&svar=ID` an answering, directly (bookmarkable).

The widgets only present and edit a ChecklistSession (nyttolib.checklists.session): the answers are
saved within a second, and what another tab saved is taken in item by item."""

from __future__ import annotations

import datetime as dt
import logging
import urllib.parse
from html import escape

import ipywidgets as widgets

from nyttolib.app import errors
from nyttolib.app.errors import guarded
from nyttolib.app.fields import READING, download_link, html, lock, shared_layout, shared_style, text_control
from nyttolib.app.focus import request_focus
from nyttolib.app.polling import every
from nyttolib.app.request import page_address, query_parameter, wait_for_request
from nyttolib.app.sharing import CHECKLIST, WHOSE_HEADERS, AccessArea, whose_cells
from nyttolib.app.workshop.widgets import LabelledInput, button
from nyttolib.checklists.answers import ANSWER_LABELS, compare, tally
from nyttolib.checklists.export import file_stem, render_fragment, render_pdf, stored_report
from nyttolib.checklists.model import Checklist, load_checklists
from nyttolib.checklists.session import ChecklistSession
from nyttolib.checklists.store import AnsweringListing, ChecklistStore
from nyttolib.content import ContentProblem
from nyttolib.storage.assessments import AccessError, NotFoundError, StoreError

log = logging.getLogger("nyttolib.app")

CHECKLIST_PAGE = "checklista.ipynb"
OTHER_TAB_SECONDS = 2.0  # how soon an open page takes in what another tab saved
ANSWER_OPTIONS = [(label, value) for value, label in ANSWER_LABELS.items()]
NOT_FOUND = (
    "Det finns inga sparade svar bakom den här länken. De kan ha tagits bort. Välj checklista, organisation "
    "och datum ovan för att öppna eller börja svara."
)
STATUS_TEXT = {
    "saved": "Dina svar är sparade.",
    "pending": "Sparar …",
    "conflict": "Svaren har också ändrats i en annan flik. Dina svar är sparade; där ni svarat olika visas båda nedan.",
    "error": "Dina senaste svar kunde inte sparas. De finns kvar här; nästa ändring försöker igen.",
    "read_only": "Skrivskyddad: du kan läsa svaren, men inget du gör här sparas.",
}
# The page's own looks: the comparison table scrolls sideways inside its region on a narrow screen.
STYLE = """<style>
.nyttolib-checklist-scroll { overflow-x: auto; max-width: 100%; }
.nyttolib-checklist-scroll:focus-visible { outline: 3px solid #0b4f9c; outline-offset: 2px; }
/* Chromium's date input takes the focus in its inner fields, where :focus-visible does not reach it. */
#rendered_cells .nyttolib-checklist input[type="date"]:focus,
#rendered_cells .nyttolib-checklist input[type="date"]:focus-within {
  outline: 3px solid #0b4f9c !important; outline-offset: 2px !important; }
.nyttolib-checklist table { border-collapse: collapse; margin: .5rem 0 1rem; color: #1a1a1a; }
.nyttolib-checklist th, .nyttolib-checklist td { text-align: left; vertical-align: top; padding: .3rem .5rem;
  border-bottom: 1px solid #8a8a8a; }
.nyttolib-checklist thead th { border-bottom: 2px solid #1a1a1a; }
.nyttolib-checklist caption { text-align: left; font-weight: 600; padding-bottom: .25rem; }
.nyttolib-checklist .change { display: block; font-size: .9em; color: #1a1a1a; font-weight: normal; }
.nyttolib-checklist th[scope=row] { font-weight: normal; }
.nyttolib-checklist .checklist-comparison thead th { white-space: nowrap; }
.nyttolib-checklist table.nyttolib-earlier { width: 100%; max-width: 42rem; table-layout: fixed; }
.nyttolib-checklist .nyttolib-earlier td { width: 7.5rem; white-space: nowrap; }
.nyttolib-checklist .answer-ja { color: #1b6e3a; font-weight: 600; }
.nyttolib-checklist .answer-nej { color: #b3261e; font-weight: 600; }
.nyttolib-checklist .answer-delvis { color: #6b5500; font-weight: 600; }
.nyttolib-checklist-item { border-top: 1px solid #8a8a8a; margin-top: .75rem; padding-top: .25rem; }
.nyttolib-checklist-source { color: #4a4a4a; }
</style>"""


def checklist_link(checklist_id: str, answering_id: str | None = None) -> str:
    query = {"lista": checklist_id, **({"svar": answering_id} if answering_id else {})}
    return f"{CHECKLIST_PAGE}?{urllib.parse.urlencode(query)}"


def heading_id(item_id: str) -> str:
    return f"nyttolib-punkt-{item_id}"


def problems_notice(problems: list[ContentProblem]) -> str:
    if not problems:
        return ""
    items = "".join(f"<li>{escape(str(p))}</li>" for p in problems)
    return (
        "<div class='nyttolib-notice' role='status'><p><strong>Några checklistfiler kunde inte läsas</strong> och "
        f"visas inte. De andra går att använda. Rätta filerna i data/checklists:</p><ul>{items}</ul></div>"
    )


def answerings_table(listing: list[AnsweringListing], hub: bool = False) -> str:
    """The answerings of a checklist the user may open; under the hub, whose each is and what the user
    may do with it (as the start page says of assessments)."""
    if not listing:
        return "<p>Ingen har besvarat den här checklistan ännu.</p>"
    rows = []
    for a in listing:
        whose = whose_cells(a.access, a.owner) if hub else ""
        rows.append(
            f"<tr><th scope='row'><a href='{escape(checklist_link(a.checklist_id, a.id), quote=True)}'>"
            f"{escape(a.organisation)}</a></th><td>{escape(a.on_date)}</td>{whose}</tr>"
        )
    whose_headers = WHOSE_HEADERS if hub else ""
    return (
        "<table class='nyttolib-table nyttolib-earlier'><caption>Tidigare svar på checklistan</caption><thead><tr>"
        f"<th scope='col'>Organisation</th><th scope='col'>Datum</th>{whose_headers}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


class AnsweringView(widgets.VBox):
    """One answering: its items with radio groups and comments, the comparison over time, and export."""

    def __init__(
        self, session: ChecklistSession, store: ChecklistStore, checklists: dict[str, Checklist], *, live: bool = True
    ):
        super().__init__(layout=shared_layout())
        self.session = session
        self.store = store
        self.checklists = checklists
        a = session.answering
        checklist = checklists.get(a.checklist_id)
        link = checklist_link(a.checklist_id, session.id)
        address = page_address(CHECKLIST_PAGE, lista=a.checklist_id, svar=session.id)
        intro = f"<p>{escape(checklist.intro)}</p>" if checklist and checklist.intro else ""
        how = (
            "Svara ja, delvis, nej eller ej aktuellt på varje punkt och skriv gärna en kommentar. Svaren sparas "
            "medan du svarar."
            if not session.read_only
            else "Svaren visas som de är sparade."
        )
        self.heading = html(
            f"<h2>{escape(a.checklist_title)} – {escape(a.organisation)}, {a.on_date.isoformat()}</h2>"
            f"<p class='nyttolib-checklist-source'>Källa: {escape(a.source)}</p>{intro}"
            f"<p>{how} Länk till de här svaren (bokmärk den): <a href='{escape(link, quote=True)}'>"
            f"{escape(address)}</a></p>"
        )
        self.access_area = AccessArea(session, CHECKLIST, on_handed_over=self._lock_if_read_only)
        self.status = html("", "nyttolib-save-status")
        self.notice = html("", "nyttolib-notice")
        self.conflicts = widgets.VBox(layout=shared_layout())
        self.radios: dict[str, widgets.RadioButtons] = {}
        self.comments: dict[str, widgets.Textarea] = {}
        items = self._items()
        self.comparison = html("")
        self.export_result = html("")
        export = widgets.HBox(
            [button("Skapa HTML-fil", self._export_html), button("Skapa PDF-fil", self._export_pdf)],
            layout=shared_layout(flex_flow="row wrap"),
        )
        export.add_class(READING)  # a reader exports too
        self.items = widgets.VBox(items, layout=shared_layout())
        self.children = [
            self.heading,
            self.status,
            self.access_area,
            self.notice,
            self.conflicts,
            self.items,
            html("<h2>Jämförelse över tid</h2>"),
            self.comparison,
            html("<h2>Exportera</h2><p>Svaren och jämförelsen som en fil att bifoga till ett beslut.</p>"),
            export,
            self.export_result,
            self.access_area.panel_area,
        ]
        session.on_status(guarded(self._update))
        errors.add_reporter(self._show_notice)
        self._lock_if_read_only()
        self._update()
        self._task = (
            every(OTHER_TAB_SECONDS, self._check_other_tab, "Checking the checklist for other tabs") if live else None
        )

    def _items(self) -> list[widgets.Widget]:
        a = self.session.answering
        sectioned = any(item.section for item in a.items)
        level = 4 if sectioned else 3
        checklist = self.checklists.get(a.checklist_id)
        section = None
        children: list[widgets.Widget] = []
        for number, item in enumerate(a.items, start=1):
            if sectioned and item.section != section:
                section = item.section
                children.append(html(f"<h3>{escape(section)}</h3>"))
            found = checklist.item(item.id) if checklist else None
            help_text = f"<p>{escape(found.help)}</p>" if found and found.help else ""
            given = a.answer(item.id)
            radio = widgets.RadioButtons(
                options=ANSWER_OPTIONS,
                value=given.answer,
                description=f"Svar på punkt {number}",
                layout=shared_layout(width="auto"),
                style=shared_style("description"),
            )
            radio.add_class("nyttolib-horizontal")
            radio.add_class(f"nyttolib-labelledby-{heading_id(item.id)}")  # the group is named by the item's text
            comment = text_control(f"Kommentar till punkt {number} (valfritt)", given.comment, multiline=True, rows=2)
            self.radios[item.id], self.comments[item.id] = radio, comment
            # No box per item: the heading carries the item's rule above it (fewer widgets, a faster page).
            children += [
                html(
                    f"<h{level} id='{heading_id(item.id)}'>{number}. {escape(item.text)}</h{level}>{help_text}",
                    "nyttolib-checklist-item",
                ),
                LabelledInput(radio, lambda value, i=item.id: self.session.set_answer(i, value)),
                LabelledInput(comment, lambda text, i=item.id: self.session.set_comment(i, text)),
            ]
        return children

    # -- what the session says -----------------------------------------------------------------------

    def _lock_if_read_only(self) -> None:
        if self.session.read_only:
            lock(self.items)

    def _update(self) -> None:
        s = self.session
        if s.status == "refused":
            text = s.status_message
            self._lock_if_read_only()
        else:
            text = STATUS_TEXT.get("read_only" if s.read_only and s.status == "saved" else s.status, "")
        self.status.value = f"<p role='status' aria-live='polite'>{escape(text)}</p>"
        self.access_area.update()
        self._show_conflicts()
        if s.news:
            self.notice.value = f"<p role='status'>{escape(s.news)}</p>"
            s.news = ""
            self._show_stored_values()
        if s.status in ("saved", "conflict", "refused"):
            self._show_comparison()

    def _show_stored_values(self) -> None:
        """Answers taken in from another tab, shown in the inputs (the session ignores an unchanged value)."""
        for item in self.session.answering.items:
            given = self.session.answering.answer(item.id)
            if self.radios[item.id].value != given.answer:
                self.radios[item.id].value = given.answer
            if self.comments[item.id].value != given.comment:
                self.comments[item.id].value = given.comment

    def _show_conflicts(self) -> None:
        rows: list[widgets.Widget] = []
        for conflict in self.session.conflicts:
            rows.append(html(f"<p>{escape(conflict.description())}</p>"))
            rows.append(
                widgets.HBox(
                    [
                        button(
                            f"Använd den andra flikens svar på punkt {conflict.number}",
                            lambda i=conflict.item_id: self._take_theirs(i),
                        ),
                        button(
                            f"Behåll mitt svar på punkt {conflict.number}",
                            lambda i=conflict.item_id: self.session.keep_mine(i),
                        ),
                    ],
                    layout=shared_layout(flex_flow="row wrap"),
                )
            )
        if rows:
            rows.insert(0, html("<h3>Olika svar i två flikar</h3>"))
        self.conflicts.children = rows

    def _take_theirs(self, item_id: str) -> None:
        self.session.take_theirs(item_id)
        self._show_stored_values()

    def _show_comparison(self) -> None:
        a = self.session.answering
        try:
            history = self.store.history(a.checklist_id, a.organisation)
        except StoreError:
            log.exception("Could not read the earlier answerings")
            self.comparison.value = "<p>De tidigare svaren kunde inte läsas just nu.</p>"
            return
        history = [h for h in history if h.on_date != a.on_date] + [a]
        result = compare(history, self.checklists.get(a.checklist_id))
        current = tally(a).text()
        table = render_fragment("comparison_table", result)
        self.comparison.value = (
            f"<p>Svaren {a.on_date.isoformat()}: {escape(current)}.</p>"
            "<div class='nyttolib-checklist-scroll' role='region' tabindex='0' "
            f"aria-label='Jämförelse över tid'>{table}</div>"
        )

    def _show_notice(self, message: str) -> None:
        self.notice.value = f"<p role='alert'>{escape(message)}</p>"

    def _check_other_tab(self) -> None:
        if self.session.check_other_tab():
            self._update()

    # -- export ---------------------------------------------------------------------------------------

    def _report(self) -> tuple[str, str]:
        self.session.flush()
        answering, report = stored_report(self.store, self.session.id, self.checklists)
        return file_stem(answering), report

    def _export_html(self) -> None:
        stem, report = self._report()
        self.export_result.value = download_link(f"{stem}.html", "text/html", report.encode("utf-8"))

    def _export_pdf(self) -> None:
        self.export_result.value = "<p role='status'>Skapar PDF-filen …</p>"
        stem, report = self._report()
        self.export_result.value = download_link(f"{stem}.pdf", "application/pdf", render_pdf(report))


class ChecklistPage(widgets.VBox):
    """Choose a checklist, organisation and date; then the answering below."""

    def __init__(
        self,
        store: ChecklistStore,
        checklists: dict[str, Checklist],
        problems: list[ContentProblem],
        *,
        checklist_id: str | None = None,
        answering_id: str | None = None,
        live: bool = True,
    ):
        super().__init__(layout=shared_layout())
        self.add_class("nyttolib-checklist")
        self.store = store
        self.checklists = checklists
        self.live = live
        self.view: AnsweringView | None = None
        header = html(
            f"{STYLE}<nav aria-label='Sidor'><a href='start.ipynb'>← Startsidan</a></nav><h1>Checklistor</h1>"
            "<p>Checklistorna bygger på Guide för kommunal e-utveckling och Helsingborgs stads väg från behov till "
            "projekt. Välj en checklista, vem som svarar och vilket datum. Svaren sparas per organisation och "
            "datum, så att ni kan jämföra med hur det såg ut förra gången.</p>" + problems_notice(problems)
        )
        self.answer_area = widgets.VBox(layout=shared_layout())
        if not checklists:
            self.children = [header, html("<p role='alert'>Det finns inga checklistor att visa.</p>")]
            return
        chosen = checklist_id if checklist_id in checklists else next(iter(checklists))
        self.checklist = widgets.Dropdown(
            options=[(c.title, c.id) for c in checklists.values()],
            value=chosen,
            description="Checklista",
            layout=shared_layout(width="auto", max_width="42rem"),
            style=shared_style("description"),
        )
        self.organisation = widgets.Combobox(
            options=store.organisations(),
            ensure_option=False,
            description="Organisation som svarar",
            placeholder="t.ex. Socialförvaltningen",
            continuous_update=False,
            layout=shared_layout(width="100%", max_width="42rem"),
            style=shared_style("text"),
        )
        self.on_date = widgets.DatePicker(
            value=dt.date.today(), description="Datum", layout=shared_layout(), style=shared_style("description")
        )
        self.organisation_field = LabelledInput(
            self.organisation, help_text="Välj en organisation i listan eller skriv ett nytt namn."
        )
        self.date_field = LabelledInput(self.on_date)
        self.earlier = html("")
        self.checklist.observe(guarded(lambda _change: self._show_earlier()), names="value")
        chooser = widgets.VBox(
            [
                html("<h2>Välj checklista</h2>"),
                LabelledInput(self.checklist),
                self.organisation_field,
                self.date_field,
                button("Öppna checklistan", self._open, primary=True),
                self.earlier,
            ],
            layout=shared_layout(),
        )
        self.children = [header, chooser, self.answer_area]
        self._show_earlier()
        if answering_id:
            self._open_stored(answering_id)

    def _show_earlier(self) -> None:
        try:
            self.earlier.value = answerings_table(self.store.answerings(self.checklist.value), self.store.user.hub)
        except StoreError:
            log.exception("Could not list the answerings")
            self.earlier.value = "<p>De tidigare svaren kunde inte läsas just nu.</p>"

    def _open(self) -> None:
        organisation = " ".join((self.organisation.value or "").split())
        if not organisation:
            self.organisation_field.show_error("Skriv vilken organisation som svarar.")
            request_focus(self.organisation_field)
            return
        self.organisation_field.clear_error()
        if self.on_date.value is None:
            self.date_field.show_error("Välj ett datum (ÅÅÅÅ-MM-DD).")
            request_focus(self.date_field)
            return
        self.date_field.clear_error()
        if len(organisation) > 200:
            self.organisation_field.show_error("Namnet är för långt (högst 200 tecken).")
            return
        session = ChecklistSession.start(
            self.store, self.checklists[self.checklist.value], organisation, self.on_date.value
        )
        self._show(session)
        self._show_earlier()

    def _open_stored(self, answering_id: str) -> None:
        try:
            session = ChecklistSession(self.store, answering_id)
        except NotFoundError:
            self.answer_area.children = [html(f"<div role='alert'><p>{escape(NOT_FOUND)}</p></div>")]
            return
        except AccessError as exc:
            self.answer_area.children = [html(f"<div role='alert'><p>{escape(str(exc))}</p></div>")]
            return
        except StoreError as exc:
            self.answer_area.children = [
                html(f"<div role='alert'><p>Svaren kan inte visas: {escape(str(exc))} Inget är borttaget.</p></div>")
            ]
            return
        if session.answering.checklist_id in self.checklists:
            self.checklist.value = session.answering.checklist_id
        self.organisation.value = session.answering.organisation
        self.on_date.value = session.answering.on_date
        self._show(session, focus=False)

    def _show(self, session: ChecklistSession, *, focus: bool = True) -> None:
        if self.view is not None:
            self.view.session.flush()
            if self.view._task is not None:
                self.view._task.cancel()
        self.view = AnsweringView(session, self.store, self.checklists, live=self.live)
        self.answer_area.children = [self.view]
        if focus:
            request_focus(self.view.heading)


def checklist_page() -> widgets.Widget:
    """The page as the notebook shows it, for the request's `lista` and `svar`."""
    wait_for_request()
    checklists, problems = load_checklists()
    return ChecklistPage(
        ChecklistStore(),
        checklists,
        problems,
        checklist_id=query_parameter("lista"),
        answering_id=query_parameter("svar"),
    )
