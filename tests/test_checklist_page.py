"""The checklist page's widgets, without a browser: choose, answer (saved at once without an event loop),
open by its bookmark, conflicts with another tab, the comparison and the export."""

from __future__ import annotations

import base64
import datetime as dt
import re
import shutil
from html import escape
from pathlib import Path

import ipywidgets as widgets
import pytest

from nyttolib.app.checklist_page import ChecklistPage, checklist_link, heading_id
from nyttolib.checklists.answers import ItemAnswer, new_answering
from nyttolib.checklists.export import read_html, read_pdf
from nyttolib.checklists.model import load_checklists
from nyttolib.checklists.session import ChecklistSession
from nyttolib.checklists.store import ChecklistStore

ROOT = Path(__file__).resolve().parent.parent


def walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def find(page, kind, description):
    return next(w for w in walk(page) if isinstance(w, kind) and w.description == description)


def page_html(page) -> str:
    return "".join(w.value for w in walk(page) if isinstance(w, widgets.HTML))


@pytest.fixture
def checklists():
    return load_checklists(ROOT / "data" / "checklists")


@pytest.fixture
def store(tmp_path):
    with ChecklistStore(tmp_path / "data") as opened:
        yield opened


def _page(store, checklists, **options):
    found, problems = checklists
    return ChecklistPage(store, found, problems, live=False, **options)


def test_choose_answer_and_every_answer_is_stored(store, checklists):
    page = _page(store, checklists, checklist_id="ar-det-ett-projekt")
    assert page.checklist.value == "ar-det-ett-projekt"
    find(page, widgets.Button, "Öppna checklistan").click()
    assert "Skriv vilken organisation som svarar." in page_html(page)  # nothing opened without one
    assert page.view is None
    page.organisation.value = "Stadsbyggnadsförvaltningen"
    page.on_date.value = dt.date(2026, 3, 1)
    find(page, widgets.Button, "Öppna checklistan").click()
    view = page.view
    radio = find(page, widgets.RadioButtons, "Svar på punkt 2")
    assert [label for label, _ in radio.options] == ["Ja", "Delvis", "Nej", "Ej aktuellt"]
    assert f"nyttolib-labelledby-{heading_id('avgransat')}" in radio._dom_classes
    assert f"<h3 id='{heading_id('avgransat')}'>2. Ett projekt är avgränsat i tid och kostnad.</h3>" in page_html(page)
    radio.value = "delvis"
    find(page, widgets.Textarea, "Kommentar till punkt 2 (valfritt)").value = "Kostnaden är inte satt."
    stored, _ = store.load(view.session.id)
    assert stored.answer("avgransat") == ItemAnswer(answer="delvis", comment="Kostnaden är inte satt.")
    assert (stored.organisation, stored.on_date) == ("Stadsbyggnadsförvaltningen", dt.date(2026, 3, 1))
    assert "Dina svar är sparade." in view.status.value
    assert escape(checklist_link("ar-det-ett-projekt", view.session.id), quote=True) in view.heading.value


def test_a_checklist_with_sections_has_them_as_headings_above_the_items(store, checklists):
    page = _page(store, checklists, checklist_id="regional-samverkan")
    page.organisation.value = "Kultur"
    find(page, widgets.Button, "Öppna checklistan").click()
    text = page_html(page)
    assert "<h3>Vilka samverkansbehov har vi?</h3>" in text
    assert f"<h4 id='{heading_id('mandat')}'>15. Vilket mandat bör dessa representanter ha?</h4>" in text
    assert text.count("<h3>Beskriva och bedöma samverkan – Styrning och insyn</h3>") == 1


def test_the_bookmark_opens_the_answering_and_the_comparison_in_words(store, checklists):
    project = checklists[0]["ar-det-ett-projekt"]
    earlier = new_answering(project, "Kultur", dt.date(2025, 3, 1))
    earlier.answers["tillfallig"] = ItemAnswer(answer="nej")
    store.save(earlier)
    now = new_answering(project, "Kultur", dt.date(2026, 3, 1))
    now.answers["tillfallig"] = ItemAnswer(answer="ja")
    saved = store.save(now)
    page = _page(store, checklists, checklist_id="ar-det-ett-projekt", answering_id=saved.id)
    assert page.view is not None and page.view.session.id == saved.id
    assert (page.organisation.value, page.on_date.value) == ("Kultur", dt.date(2026, 3, 1))
    assert find(page, widgets.RadioButtons, "Svar på punkt 1").value == "ja"
    comparison = page.view.comparison.value
    assert "Jämfört med 2025-03-01: 1 bättre, 2 oförändrade." in comparison
    assert "bättre (förra gången Nej)" in comparison
    assert "role='region' tabindex='0' aria-label='Jämförelse över tid'" in comparison
    assert "Kultur" in page.earlier.value and "2025-03-01" in page.earlier.value


def test_an_unknown_bookmark_says_so_and_the_chooser_still_works(store, checklists):
    page = _page(store, checklists, answering_id="finns-inte")
    assert "Det finns inga sparade svar bakom den här länken." in page_html(page)
    assert page.view is None


def test_a_broken_file_is_named_and_the_others_are_offered(store, tmp_path):
    folder = tmp_path / "listor"
    shutil.copytree(ROOT / "data" / "checklists", folder)
    (folder / "trasig.yaml").write_text("id: trasig\ntitle: T\nitems:\n  - id: a\n    text: A\n", encoding="utf-8")
    found, problems = load_checklists(folder)
    page = ChecklistPage(store, found, problems, live=False)
    assert "trasig.yaml, rad 1: source" in page_html(page)
    assert len(page.checklist.options) == 6


def test_another_tabs_conflict_is_shown_with_both_answers_and_can_be_taken(store, checklists):
    page = _page(store, checklists, checklist_id="ar-det-ett-projekt")
    page.organisation.value = "Kultur"
    find(page, widgets.Button, "Öppna checklistan").click()
    other = ChecklistSession(store, page.view.session.id)
    other.set_answer("tillfallig", "nej")
    find(page, widgets.RadioButtons, "Svar på punkt 1").value = "ja"
    assert "Punkt 1: här Ja; i den andra fliken Nej." in page_html(page)
    assert "Svaren har också ändrats i en annan flik" in page.view.status.value
    find(page, widgets.Button, "Använd den andra flikens svar på punkt 1").click()
    assert find(page, widgets.RadioButtons, "Svar på punkt 1").value == "nej"
    assert store.load(page.view.session.id)[0].answer("tillfallig").answer == "nej"
    assert "Olika svar i två flikar" not in page_html(page)


def _downloaded(widget) -> bytes:
    return base64.b64decode(re.search(r"base64,([^']+)'", widget.value).group(1))


def test_export_offers_html_and_pdf_that_read_back(store, checklists):
    page = _page(store, checklists, checklist_id="ar-det-ett-projekt")
    page.organisation.value = "<script>alert(1)</script>"
    find(page, widgets.Button, "Öppna checklistan").click()
    find(page, widgets.RadioButtons, "Svar på punkt 3").value = "ej_aktuellt"
    assert "<script>alert" not in page_html(page)
    find(page, widgets.Button, "Skapa HTML-fil").click()
    assert "download='Är det ett projekt- – -script-alert(1)-script- " in page.view.export_result.value
    answering, _ = read_html(_downloaded(page.view.export_result).decode("utf-8"))
    assert answering.answer("uppfoljning").answer == "ej_aktuellt"
    find(page, widgets.Button, "Skapa PDF-fil").click()
    assert read_pdf(_downloaded(page.view.export_result))[0] == answering
