"""WCAG 2.1 AA and best practice: axe-core with all its rules (tests/browser.py says which are left out) finds no
violations on the start page, every step of the form, a step with an error, the export area, the report page
and the HTML export; and the Förutsättningar step can be completed with the keyboard alone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from nyttolib.assessment.documents import read_assessment_file
from nyttolib.content import load_content
from nyttolib.storage.assessments import Store

from browser import (
    assert_no_axe_violations,
    axe_rules,
    axe_violations,
    browser_page,
    page_url,
    require_chromium,
    voila_server,
    wait_for,
)
from conftest import INVOICE
from formdriver import FormDriver

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    data = tmp_path_factory.mktemp("data")
    with Store(data) as store:
        store.save(read_assessment_file(INVOICE, load_content()).assessment, completeness_percent=100)
    with voila_server(data) as url:
        yield url, data


violations = axe_violations


def test_start_page_and_every_step_have_no_axe_violations(server, tmp_path):
    url, _data = server
    found: dict[str, list[str]] = {}
    with browser_page() as page:
        page.set_default_navigation_timeout(180_000)  # the first visit starts kernels on a loaded machine
        page.goto(page_url(url, "start.ipynb"))
        page.get_by_role("table").wait_for(timeout=60_000)
        found["startsidan"] = violations(page)
        page.goto(page_url(url, "bedomning.ipynb", "id=exempel-fakturor-e-tjanst"))
        form = FormDriver(page)
        form.wait_ready()
        expect(page.get_by_role("navigation", name="Steg i bedömningen").get_by_role("button")).to_have_count(7)
        for number in range(1, 8):
            form.go_to_step(number)
            page.wait_for_timeout(600)
            found[f"steg {number}"] = violations(page)
            page.screenshot(path=str(tmp_path / f"steg-{number}.png"), full_page=True)
        form.go_to_step(5)
        form.fill("Volym per år (st)", "fel")  # a page showing an error message must pass too
        expect(form.message_for("Volym per år (st)")).to_be_visible()
        found["felmeddelande"] = violations(page)
        form.go_to_step(7)
        for export_button in ("HTML", "PDF (beslutsunderlag)"):
            form.click(export_button)
        expect(page.get_by_role("link", name=re.compile(r"^Spara .*\.pdf$"))).to_be_visible(timeout=60_000)
        found["steg 7, export"] = violations(page)
        page.goto(page_url(url, "rapport.ipynb", "id=exempel-fakturor-e-tjanst"))
        page.get_by_role("heading", name="Nyttokalkyl", exact=True).wait_for(timeout=60_000)
        found["rapportsidan"] = violations(page)
        page.keyboard.press("PageDown")  # the page scrolls as a document, by keyboard, not a box in it
        wait_for(lambda: page.evaluate("window.scrollY") > 300, timeout=10, message="the page to scroll")
    assert_no_axe_violations(found)


def test_the_prerequisites_step_by_keyboard_alone(server):
    url, data = server
    content = load_content()
    with browser_page() as page:
        page.goto(page_url(url, "start.ipynb"))
        link = page.get_by_role("link", name="Ny bedömning")
        link.focus()
        page.keyboard.press("Enter")
        form = FormDriver(page)
        form.wait_ready()

        def tab_to(predicate, limit: int = 120) -> None:
            for _ in range(limit):
                page.keyboard.press("Tab")
                if page.evaluate(predicate):
                    return
            raise AssertionError(f"Tab never reached: {predicate}")

        tab_to(
            "document.activeElement.labels && document.activeElement.labels[0] && "
            "document.activeElement.labels[0].textContent === 'Initiativets namn'"
        )
        page.keyboard.type("Tangentbordsprovet")
        tab_to("document.activeElement.textContent.startsWith('2. Förutsättningar')")
        page.keyboard.press("Enter")
        page.get_by_role("heading", name="Bedömning av förutsättningar").wait_for()
        for criterion in content.criteria.criteria:
            tab_to(
                "document.activeElement.type === 'radio' && document.activeElement.closest('.nyttolib-field')"
                f".textContent.includes({criterion.label!r})"
            )
            page.keyboard.press("Space")  # the first option: JA
            tab_to("document.activeElement.tagName === 'TEXTAREA'")
            page.keyboard.type(f"Motivering för {criterion.label}")
        form.wait_saved()
        expect(page.get_by_role("button", name=re.compile(r"^2\. Förutsättningar \(klar\)"))).to_be_visible()

    def answers():
        with Store(data) as store:
            row = next((r for r in store.list() if r.name == "Tangentbordsprovet"), None)
            return store.load(row.id)[0].prerequisites if row else None

    saved = wait_for(answers, message="the saved prerequisites")
    assert {key: (a.answer, a.motivation) for key, a in saved.items()} == {
        c.id: ("ja", f"Motivering för {c.label}") for c in content.criteria.criteria
    }


def test_the_axe_check_runs_all_rules():
    """Best practice and the rules axe ships switched off are checked too, not only the WCAG-tagged ones."""
    require_chromium()
    with browser_page() as page:
        page.set_content("<html lang='sv'><head><title>x</title></head><body><main><p>x</p></main></body></html>")
        rules = set(axe_rules(page))
        every = set(page.evaluate("axe.getRules().map(r => r.ruleId)"))
        experimental = set(
            page.evaluate("axe.getRules().filter(r => r.tags.includes('experimental')).map(r => r.ruleId)")
        )
    assert {
        "region",
        "landmark-one-main",
        "page-has-heading-one",
        "heading-order",
        "empty-table-header",
        "scrollable-region-focusable",
        "label-title-only",
        "color-contrast",
        "target-size",
    } <= rules
    assert len(rules) >= 85 and not rules & experimental and len(every - rules) < 20


def test_the_axe_check_finds_content_outside_landmarks():
    """A control: a page without <main> and with text outside every landmark fails the check on `region`,
    and an empty table header and an unfocusable scrolling box are caught as well."""
    require_chromium()
    with browser_page() as page:
        page.set_content(
            "<html lang='sv'><head><title>x</title></head><body><h1>Rubrik</h1><p>Text utanför landmärken</p>"
            "<table><tr><th></th><th>År 1</th></tr><tr><td>Kostnad</td><td>1</td></tr></table>"
            "<div style='overflow-y:auto;height:3rem'><p>Rad 1</p><p>Rad 2</p><p>Rad 3</p></div></body></html>"
        )
        found = " ".join(violations(page))
    for rule in ("region", "landmark-one-main", "empty-table-header", "scrollable-region-focusable"):
        assert f"{rule} (" in found


def test_the_axe_check_does_find_violations():
    """A control: the same check flags a page with known faults (so 'no violations' above means something)."""
    require_chromium()
    with browser_page() as page:
        page.set_content(
            "<html><head><title>x</title></head><body><img src='a.png'><input type='text'>"
            "<p style='color:#aaa;background:#fff'>svag kontrast</p></body></html>"
        )
        found = " ".join(violations(page))
    for rule in ("html-has-lang", "image-alt", "label", "color-contrast"):
        assert rule in found


def test_the_html_report_has_no_axe_violations(tmp_path):
    require_chromium()
    from nyttolib.exports.report import render_html

    content = load_content()
    report = tmp_path / "rapport.html"
    report.write_text(render_html(read_assessment_file(INVOICE, content).assessment, content), encoding="utf-8")
    with browser_page() as page:
        page.goto(report.as_uri())
        assert violations(page) == []


def test_the_workshop_report_has_no_axe_violations(tmp_path):
    """The statement tables with their grouped nuläge/börläge header, the flags and the notes."""
    require_chromium()
    from nyttolib.survey.facilitation import FacilitationSession
    from nyttolib.survey.questionnaire import load_questionnaires
    from nyttolib.survey.report import render_workshop_html
    from nyttolib.survey.statistics import statement_key
    from nyttolib.survey.store import WorkshopStore

    questionnaires = load_questionnaires()[0]
    found = {}
    with WorkshopStore(tmp_path) as store:
        for questionnaire in questionnaires.values():
            workshop = store.create("Workshop $x$", questionnaire.id)
            for number, role in enumerate(["Chef $$", "chef $$", "IT", "it", "Verksamheten"]):
                token = store.join(workshop.join_code, role=role, subject="Procapita")
                answers = {
                    statement_key(d.id, s.id): {"now": 1 + (number * (i + 1)) % 5, "target": 5}
                    for i, (d, s) in enumerate(questionnaire.statements())
                }
                answers["_comments"] = {questionnaire.dimensions[0].id: "Kommentar"}
                store.save_answers(token, answers)
            FacilitationSession(store, workshop.facilitator_code, scheduler=lambda _d, c: c()).add_action()
            report = tmp_path / f"{questionnaire.id}.html"
            report.write_text(render_workshop_html(store, questionnaire, workshop), encoding="utf-8")
            with browser_page() as page:
                page.goto(report.as_uri())
                found[questionnaire.id] = violations(page)
    assert found == {name: [] for name in found}
