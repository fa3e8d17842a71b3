"""The need page and the project canvas in Debian's chromium: by keyboard alone with a visible focus on
every control tabbed to, what is typed saved (and carried from the need to the canvas and on to a
linked assessment), and axe-core with all rules finds nothing at 1280 and 320 px."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect
from test_form_focus_browser import FOCUSED, contrast_on_white

from nyttolib.canvas.content import load_canvas_content
from nyttolib.canvas.session import CanvasSession, canvas_store
from nyttolib.storage.assessments import Store

from browser import (
    assert_no_axe_violations,
    axe_violations,
    browser_page,
    page_url,
    require_chromium,
    voila_server,
    wait_for,
)

pytestmark = pytest.mark.slow

TEXTS = load_canvas_content()
LABELS = {name: field.label for name, field in TEXTS.canvas.fields.items()}
LONG = "Stadsbyggnadsförvaltningsutvecklingsrådsordförandeskapsuppdrag"
SHOTS = Path("/tmp/nyttolib-canvas-shots")  # to look at after a run (the tests do not depend on it)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    data = tmp_path_factory.mktemp("data")
    with voila_server(data) as url:
        yield url, data


def saved_canvas(data: Path, canvas_id: str):
    with canvas_store(data) as store:
        return CanvasSession(store, canvas_id).canvas


class Keyboard:
    """Tab through a page, checking that every control reached shows a clear focus."""

    def __init__(self, page):
        self.page = page
        self.seen: list[dict] = []

    def tab_to(self, predicate: str, limit: int = 150) -> None:
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            focused = self.page.evaluate(FOCUSED)
            if focused["kind"] == "input-date" and not focused["visible"]:  # its calendar button (see nyttolib.css)
                focused["visible"] = self.page.evaluate("document.activeElement.matches(':focus-within')")
            if focused["kind"] not in ("body", "div", "h2", "h1"):
                self.seen.append(focused)
            if self.page.evaluate(predicate):
                return
        raise AssertionError(f"Tab never reached: {predicate}")

    def to_field(self, label: str) -> None:
        self.tab_to(
            "document.activeElement.labels && document.activeElement.labels[0] && "
            f"document.activeElement.labels[0].textContent === {label!r}"
        )

    def to_radio(self, question: str) -> None:
        self.tab_to(
            "document.activeElement.type === 'radio' && "
            f"document.activeElement.closest('.nyttolib-field').textContent.includes({question!r})"
        )

    def to_named(self, tag: str, text: str) -> None:
        self.tab_to(
            f"document.activeElement.tagName === {tag!r} && document.activeElement.textContent.trim() === {text!r}"
        )

    def assert_focus_visible(self) -> None:
        assert self.seen
        unclear = [
            f
            for f in self.seen
            if not (f["visible"] and f["style"] == "solid" and f["width"] >= 2 and contrast_on_white(f["colour"]) >= 3)
        ]
        assert not unclear, unclear


def test_the_need_page_and_the_canvas_by_keyboard_alone(server, tmp_path):
    url, data = server
    need = TEXTS.need
    with browser_page() as page:
        page.goto(page_url(url, "behov.ipynb"), timeout=420_000)
        page.get_by_label(LABELS["need"]).wait_for(timeout=400_000)  # the first visit starts kernels
        keys = Keyboard(page)
        keys.to_field(LABELS["need"])
        page.keyboard.type("Kundinformation sparas i flera olika system")
        keys.to_field(LABELS["target_group"])
        page.keyboard.type("Kunder")
        keys.to_field(LABELS["desired_result"])
        page.keyboard.type("EN gemensam kundprofil")
        for item in need.risks.items:
            keys.to_radio(item.question)
            page.keyboard.press("ArrowRight")  # the second option: Nej
        expect(page.get_by_text(need.risks.items[0].if_no)).to_be_visible()
        for criterion in need.project.criteria:
            keys.to_radio(criterion.question)
            page.keyboard.press("Space")  # the first option: Ja
        expect(page.get_by_text(need.project.all_yes)).to_be_visible()
        keys.to_named("A", need.continue_.label)
        expect(page.get_by_role("link", name=need.continue_.label)).to_have_attribute("href", re.compile(r"id="))
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"projektcanvas\.ipynb\?id="), timeout=120_000)
        canvas_id = page.url.split("id=")[1]
        expect(page.get_by_label(LABELS["need"])).to_have_value(
            "Kundinformation sparas i flera olika system", timeout=120_000
        )
        keys.to_field(LABELS["name"])
        page.keyboard.type("Gemensam kundprofil")
        keys.to_field(LABELS["initiator"])
        page.keyboard.type("Ville")
        keys.to_field(LABELS["cost_kr"])
        page.keyboard.type("250 000")
        keys.to_named("BUTTON", TEXTS.canvas.submit.label)
        page.keyboard.press("Enter")
        expect(page.get_by_text(re.compile("^Skickad till utvecklingsrådet"))).to_be_visible()
        keys.to_named("BUTTON", TEXTS.canvas.start_assessment.label)
        page.keyboard.press("Enter")
        link = page.get_by_role("link", name="Öppna bedömningen")
        expect(link).to_be_visible(timeout=60_000)
        keys.to_named("A", "Öppna bedömningen")
        page.keyboard.press("Enter")
        back = page.get_by_role("link", name="Projektcanvasen som bedömningen startades från")
        expect(back).to_have_attribute("href", f"projektcanvas.ipynb?id={canvas_id}", timeout=120_000)
        expect(page.get_by_label("Initiativets namn")).to_have_value("Gemensam kundprofil")
        keys.assert_focus_visible()
    kinds = {focused["kind"] for focused in keys.seen}
    assert {"input-text", "textarea", "input-radio", "a", "button"} <= kinds
    canvas = wait_for(lambda: (c := saved_canvas(data, canvas_id)).cost_kr and c, message="the saved canvas")
    assert (canvas.name, canvas.initiator, canvas.cost_kr, canvas.target_group) == (
        "Gemensam kundprofil",
        "Ville",
        250_000,
        "Kunder",
    )
    assert canvas.solution_risks == {item.id: "nej" for item in need.risks.items}
    assert canvas.project_criteria == {c.id: "ja" for c in need.project.criteria} and canvas.submitted_on
    with Store(data) as store:
        (row,) = [r for r in store.list() if r.name == "Gemensam kundprofil"]
        assert store.load(row.id)[0].initiative.need == "Kundinformation sparas i flera olika system"


def long_canvas(data: Path) -> str:
    with canvas_store(data) as store:
        session = CanvasSession(store)
        for name in ("name", "initiator", "department", "target_group", "proposed_owner"):
            session.set(name, f"{LONG} och {LONG}sarbete")
        for name in ("need", "desired_result", "benefit", "follow_up", "resources", "risks"):
            session.set(name, f"Vi vill att {LONG} blir enklare för alla {LONG}shandläggare i kommunen.")
        session.answer("project_criteria", "avgransat", "nej")
        session.set_draft("estimated_hours", "fyrtio")
        session.flush()
        return session.id


@pytest.mark.parametrize("width", [1280, 320])
def test_no_axe_violations_and_long_words_fit(server, tmp_path, width):
    url, data = server
    canvas_id = long_canvas(data)
    found: dict[str, list[str]] = {}
    with browser_page(viewport=(width, 900)) as page:
        page.goto(page_url(url, "behov.ipynb"), timeout=420_000)
        page.get_by_label(LABELS["need"]).wait_for(timeout=400_000)  # the first visit starts kernels
        found["behovssidan, ny"] = axe_violations(page)
        page.goto(page_url(url, "behov.ipynb", f"id={canvas_id}"), timeout=420_000)
        expect(page.get_by_text(TEXTS.need.project.some_no)).to_be_visible(timeout=120_000)
        found["behovssidan, ifylld"] = axe_violations(page)
        overflow(page, f"behov-{width}", tmp_path)
        page.goto(page_url(url, "projektcanvas.ipynb", f"id={canvas_id}"), timeout=420_000)
        expect(page.get_by_label(LABELS["estimated_hours"])).to_have_value("fyrtio", timeout=120_000)
        expect(page.get_by_text(re.compile("^Fel:")).first).to_be_visible()
        page.get_by_role("button", name="Spara som PDF").click()
        expect(page.get_by_role("link", name=re.compile(r"^Spara .*\.pdf$"))).to_be_visible(timeout=120_000)
        found["canvasen, med fel och export"] = axe_violations(page)
        overflow(page, f"canvas-{width}", tmp_path)
    assert_no_axe_violations(found)


def overflow(page, name: str, tmp_path: Path) -> None:
    """Nothing wider than the window (a long word would push the page sideways); a screenshot to look at."""
    page.wait_for_timeout(300)
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    SHOTS.mkdir(exist_ok=True)
    shutil.copy(path, SHOTS / path.name)
    wide = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert wide <= 0, f"{name}: {wide} px wider than the window"


def test_the_canvas_html_export_has_no_axe_violations(tmp_path):
    """The exported document, with every field, the two self-checks and a draft, at 1280 and 320 px."""
    require_chromium()
    from test_canvas import FULL

    from nyttolib.canvas.export import render_canvas_html

    canvas = FULL.model_copy(update={"name": f"{LONG} och {LONG}sarbete", "need": f"{LONG} " * 5})
    path = tmp_path / "canvas.html"
    path.write_text(render_canvas_html(canvas, TEXTS, drafts={"cost_kr": "tolv"}), encoding="utf-8")
    found = {}
    for width in (1280, 320):
        with browser_page(viewport=(width, 900)) as page:
            page.goto(path.as_uri())
            found[f"HTML-exporten, {width} px"] = axe_violations(page)
            overflow(page, f"export-{width}", tmp_path)
    assert_no_axe_violations(found)
