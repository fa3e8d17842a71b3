"""Keyboard and screen use of the form in a real browser: a visible focus on every kind of control, the
focus on the new step's heading after a step change, aria-current on the current step, errors tied to
their field, labels shown whole and no clipping at 1280 and 320 px, and undo of a removed row."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from nyttolib.assessment.documents import read_assessment_file
from nyttolib.content import load_content
from nyttolib.storage.assessments import Store

from browser import browser_page, page_url, require_chromium, voila_server, wait_for
from conftest import INVOICE
from formdriver import FormDriver

pytestmark = pytest.mark.slow

LONG = "Kontaktcenterchefsuppdragsbeskrivning"
LONG_ID = "lange-ord"
BENEFIT = f"{LONG} förbättras för alla handläggare i kommunens kontaktcenter och {LONG}sarbetet blir enklare"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    data = tmp_path_factory.mktemp("data")
    assessment = read_assessment_file(INVOICE, load_content()).assessment
    with Store(data) as store:
        store.save(assessment, completeness_percent=100)
        assessment.id = LONG_ID
        assessment.initiative.name = f"{LONG} och {LONG}sförändringsarbete"
        assessment.benefits[0].description = BENEFIT
        store.save(assessment, completeness_percent=100)
    with voila_server(data) as url:
        yield url, data


def open_form(page, url, assessment_id: str = "exempel-fakturor-e-tjanst") -> FormDriver:
    page.goto(page_url(url, "bedomning.ipynb", f"id={assessment_id}"), timeout=180_000)  # a busy machine
    form = FormDriver(page)
    form.wait_ready()
    return form


def show_step(page, number: int) -> None:
    page.get_by_role("button", name=re.compile(rf"^{number}\. ")).click()
    current = page.locator(".nyttolib-nav [aria-current='step']")
    expect(current).to_have_text(re.compile(rf"^{number}\. "), timeout=60_000)
    page.wait_for_timeout(500)


def relative_luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_on_white(colour: str) -> float:
    rgb = tuple(int(x) for x in re.findall(r"\d+", colour)[:3])
    return 1.05 / (relative_luminance(rgb) + 0.05)


FOCUSED = """() => {
  const e = document.activeElement;
  const s = getComputedStyle(e);
  const kind = e.tagName === 'INPUT' ? 'input-' + e.type : e.tagName.toLowerCase();
  return {kind, text: (e.textContent || e.value || '').slice(0, 40), visible: e.matches(':focus-visible'),
          style: s.outlineStyle, width: parseFloat(s.outlineWidth), colour: s.outlineColor, shadow: s.boxShadow};
}"""


def test_every_kind_of_control_shows_a_clear_focus_when_tabbed_to(server, tmp_path):
    url, _data = server
    seen: dict[str, dict] = {}
    with browser_page() as page:
        open_form(page, url)

        def tab_through(kinds: set[str], limit: int = 160) -> None:
            for _ in range(limit):
                page.keyboard.press("Tab")
                focused = page.evaluate(FOCUSED)
                if focused["kind"] in kinds and focused["kind"] not in seen:
                    seen[focused["kind"]] = focused
                    page.screenshot(path=str(tmp_path / f"fokus-{focused['kind']}.png"))
                if kinds <= seen.keys():
                    return

        tab_through({"button", "input-text", "textarea", "select", "input-date", "a"})
        show_step(page, 2)
        tab_through({"input-radio"})
        show_step(page, 6)  # "Ingår inte i projektet" on the example's activities
        tab_through({"input-checkbox"}, limit=400)
    assert seen.keys() == {
        "button",
        "input-text",
        "textarea",
        "select",
        "input-date",
        "a",
        "input-radio",
        "input-checkbox",
    }
    for kind, focused in seen.items():
        assert focused["visible"], kind
        assert focused["style"] == "solid" and focused["width"] >= 2, (kind, focused)
        assert contrast_on_white(focused["colour"]) >= 3, (kind, focused)


def test_a_step_change_moves_the_focus_to_the_new_steps_heading_and_marks_the_current_step(server):
    url, data = server
    content = load_content()
    heading_in_view = """() => {
      const e = document.activeElement; const r = e.getBoundingClientRect();
      const step = document.querySelector('.nyttolib-step h2');
      return e === step && r.top >= 0 && r.bottom <= window.innerHeight ? e.textContent : null;
    }"""
    own = read_assessment_file(INVOICE, content).assessment.model_copy(update={"id": "fokus-steg"})
    with Store(data) as store:  # an assessment of its own: no other test's page is open on it
        store.save(own, completeness_percent=100)
    with browser_page((1280, 700)) as page:
        form = open_form(page, url, "fokus-steg")

        def focused_heading() -> str:
            return wait_for(lambda: page.evaluate(heading_in_view), message="the focus on the new step's heading")

        current = page.locator(".nyttolib-nav [aria-current='step']")
        expect(current).to_have_count(1)
        expect(current).to_have_text(re.compile(r"^1\. "))
        next_button = page.get_by_role("button", name="Nästa steg")
        next_button.scroll_into_view_if_needed()
        next_button.focus()
        page.evaluate("""() => { window.__busySeen = null;
          new MutationObserver(() => { const s = document.querySelector('.nyttolib-busy-shown');
            if (s && !window.__busySeen) window.__busySeen = s.getAttribute('role') + ': ' + s.textContent; })
            .observe(document.body, {subtree: true, childList: true, attributes: true}); }""")
        page.keyboard.press("Enter")  # from the bottom of step 1
        assert focused_heading() == content.criteria.title
        # While the step was built the page said so, and it stops saying so once the step is there.
        assert page.evaluate("window.__busySeen") == "status: Hämtar steget …"
        assert page.locator(".nyttolib-busy-shown").count() == 0
        assert page.locator(".nyttolib-form[aria-busy]").count() == 0
        expect(current).to_have_count(1)
        expect(current).to_have_text(re.compile(r"^2\. "))
        # Not colour alone: the current step's text is bold and underlined.
        look = current.evaluate("e => [getComputedStyle(e).fontWeight, getComputedStyle(e).textDecorationLine]")
        other = page.get_by_role("button", name=re.compile(r"^1\. "))
        assert int(look[0]) >= 700 and "underline" in look[1]
        assert "underline" not in other.evaluate("e => getComputedStyle(e).textDecorationLine")
        page.get_by_role("button", name="Föregående steg").click()
        assert focused_heading() == content.form.steps["initiative"].title
        page.get_by_role("button", name=re.compile(r"^6\. ")).click()  # the step navigation
        assert focused_heading() == content.form.steps["plan"].title
        expect(current).to_have_text(re.compile(r"^6\. "))
        show_step(page, 1)
        form.fill("Initiativets namn", "")
        show_step(page, 7)
        page.get_by_role("button", name="Ge initiativet ett namn").click()  # the missing list goes to the field
        wait_for(
            lambda: page.evaluate("document.activeElement.labels?.[0]?.textContent === 'Initiativets namn'"),
            message="the focus on the name field",
        )


def test_an_error_is_tied_to_its_field_and_goes_when_it_is_fixed(server):
    url, _data = server
    state = """label => {
      const input = [...document.querySelectorAll('input, textarea')].find(i => i.labels?.[0]?.textContent === label);
      const ids = (input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
      return {invalid: input.getAttribute('aria-invalid'),
              described: ids.map(id => document.getElementById(id)?.textContent || '#' + id).join(' | ')};
    }"""
    with browser_page() as page:
        form = open_form(page, url)
        label = "Uppskattad arbetsinsats (timmar)"
        form.fill(label, "fyrtio")
        expect(form.message_for(label)).to_be_visible()
        found = wait_for(lambda: (s := page.evaluate(state, label))["invalid"] and s, message="aria-invalid")
        assert found["invalid"] == "true" and "Skriv ett tal" in found["described"], found
        form.fill(label, "40")
        expect(form.message_for(label)).to_have_count(0)
        wait_for(lambda: page.evaluate(state, label) == {"invalid": None, "described": ""}, message="no aria-invalid")
        form.go_to_step(5)
        rate = "Volym per år (st)"
        form.fill(rate, "fel", form.row("Frigjord tid 1"))
        found = wait_for(lambda: (s := page.evaluate(state, rate))["invalid"] and s, message="aria-invalid on a row")
        assert found["invalid"] == "true" and "Fel:" in found["described"], found
        form.fill(rate, "13 400", form.row("Frigjord tid 1"))
        wait_for(lambda: page.evaluate(state, rate) == {"invalid": None, "described": ""}, message="no aria-invalid")


CLIPPED = """() => {
  const width = document.documentElement.clientWidth;
  const shown = e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden';
  const labels = [...document.querySelectorAll('#rendered_cells .widget-label, #rendered_cells label')]
    .filter(shown)
    .filter(e => e.scrollHeight > e.clientHeight + 1 || e.scrollWidth > e.clientWidth + 1)
    .map(e => 'label: ' + e.textContent);
  const wide = [...document.querySelectorAll('#rendered_cells *')]
    .filter(e => shown(e) && !e.closest('thead') && e.tagName !== 'OPTION')
    .filter(e => e.getBoundingClientRect().right > width + 1 || e.getBoundingClientRect().left < -1)
    .map(e => 'wide: ' + e.tagName + ' ' + (e.textContent || e.value || '').slice(0, 50));
  const cut = [...document.querySelectorAll('#rendered_cells h1, #rendered_cells h2, #rendered_cells h3, ' +
                                            '#rendered_cells h4, #rendered_cells td, #rendered_cells th')]
    .filter(e => shown(e) && !e.closest('thead') && e.scrollWidth > e.clientWidth + 1)
    .map(e => 'cut: ' + e.textContent.slice(0, 50));
  return [...labels, ...wide.slice(0, 8), ...cut];
}"""


@pytest.mark.parametrize("width", [1280, 320])
def test_labels_are_whole_and_nothing_is_clipped(server, tmp_path, width):
    url, _data = server
    problems: dict[int, list[str]] = {}
    with browser_page((width, 900)) as page:
        open_form(page, url, LONG_ID)
        for number in range(1, 8):
            show_step(page, number)
            problems[number] = page.evaluate(CLIPPED)
            height = page.evaluate("document.querySelector('#rendered_cells').scrollHeight")
            page.set_viewport_size({"width": width, "height": min(height, 16000)})
            page.screenshot(path=str(tmp_path / f"steg-{number}-{width}.png"))
            page.set_viewport_size({"width": width, "height": 900})
            if number == 5:
                for label in ("Månadslön (kr)", "Antal år i kalkylen"):
                    border = page.get_by_label(label, exact=True).evaluate(
                        "e => [getComputedStyle(e).borderTopStyle, parseFloat(getComputedStyle(e).borderTopWidth)]"
                    )
                    assert border[0] == "solid" and border[1] >= 1, (label, border)
                options = page.get_by_label("Hör till nytta", exact=True).first.locator("option")
                assert BENEFIT in [o.replace("\xa0", " ") for o in options.all_text_contents()]  # ipywidgets: nbsp
            if number == 4:
                title = page.get_by_role("heading", name=re.compile(r"^Nytta 1: ")).text_content()
                assert title.endswith("…") and BENEFIT.startswith(title.removeprefix("Nytta 1: ")[:-1])
    assert {n: p for n, p in problems.items() if p} == {}


def test_a_removed_row_comes_back_with_undo_and_stays_after_a_reload(server):
    url, data = server
    with browser_page() as page:
        page.goto(page_url(url, "start.ipynb"))
        page.get_by_role("link", name="Ny bedömning").click()
        form = FormDriver(page)
        form.wait_ready()
        form.fill("Initiativets namn", "Ångraprovet")
        show_step(page, 5)
        for index, name in enumerate(["Licens", "Utbildning", "Drift"], start=1):
            row = form.add_row("Lägg till kostnad", f"Kostnad {index}")
            form.fill("Kostnad", name, row)
        form.wait_saved()
        form.row("Kostnad 2").get_by_role("button", name="Ta bort").click()
        undo = page.get_by_role("button", name="Ångra")
        expect(undo).to_be_focused()
        expect(page.locator(".nyttolib-undo")).to_contain_text("Kostnad 2 (Utbildning) togs bort.")  # which one
        form.wait_saved()

        def names():
            with Store(data) as store:
                row = next(r for r in store.list() if r.name == "Ångraprovet")
                return [line.description for line in store.load(row.id)[0].calculation.cost_lines]

        assert wait_for(lambda: names() == ["Licens", "Drift"], message="the removal saved")
        page.keyboard.press("Enter")
        restored = form.row("Kostnad 2").get_by_label("Kostnad", exact=True)
        expect(restored).to_have_value("Utbildning")
        expect(restored).to_be_focused()
        expect(page.locator(".nyttolib-undo")).to_have_count(0)
        form.wait_saved()
        assert wait_for(lambda: names() == ["Licens", "Utbildning", "Drift"], message="the undo saved")
        page.goto(page_url(url, "start.ipynb"))  # opened again, as after a reload
        page.get_by_role("link", name="Ångraprovet").click()
        form.wait_ready()
        show_step(page, 5)
        for index, name in enumerate(["Licens", "Utbildning", "Drift"], start=1):
            expect(form.row(f"Kostnad {index}").get_by_label("Kostnad", exact=True)).to_have_value(name)
