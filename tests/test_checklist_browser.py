"""The checklist page in Debian's chromium, served as `make app` serves it: one checklist answered by
keyboard only with a visible focus at every stop, the answers stored, the comparison with an earlier
answering shown in words; axe-core with all rules finds nothing at 1280 and at 320 px, and nothing
runs wider than the screen at 320 px."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from nyttolib.checklists.answers import ItemAnswer, new_answering
from nyttolib.checklists.model import load_checklists
from nyttolib.checklists.store import ChecklistStore

from browser import assert_no_axe_violations, axe_violations, browser_page, page_url, require_chromium, voila_server

pytestmark = pytest.mark.slow

PROJECT = load_checklists()[0]["ar-det-ett-projekt"]

FOCUSED = """() => {
  const e = document.activeElement;
  const s = getComputedStyle(e);
  const kind = e.tagName === 'INPUT' ? 'input-' + e.type : e.tagName.toLowerCase();
  const shown = s.outlineStyle === 'solid' && parseFloat(s.outlineWidth) >= 2;  // what the user sees
  return {kind, label: e.getAttribute('aria-label') || e.name || e.textContent.slice(0, 40), shown};
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    data = tmp_path_factory.mktemp("checklists")
    with ChecklistStore(data) as store:
        earlier = new_answering(PROJECT, "Kulturförvaltningen", dt.date(2025, 3, 1))
        earlier.answers["tillfallig"] = ItemAnswer(answer="nej", comment="Ingen egen organisation")
        earlier.answers["avgransat"] = ItemAnswer(answer="ja")
        store.save(earlier)
    with voila_server(data) as url:
        yield url, data


def tab_to(page, kind: str, stops: list[dict], limit: int = 40) -> dict:
    """Tab until the focus is on a control of `kind`; every stop on the way is recorded."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        stops.append(focused)
        if focused["kind"] == kind:
            return focused
    raise AssertionError(f"no {kind} within {limit} tabs: {stops[-5:]}")


def test_a_checklist_answered_by_keyboard_only(server, tmp_path):
    url, data = server
    stops: list[dict] = []
    with browser_page((1280, 900)) as page:
        page.goto(page_url(url, "checklista.ipynb", "lista=ar-det-ett-projekt"), wait_until="commit", timeout=600_000)
        expect(page.get_by_role("button", name="Öppna checklistan")).to_be_visible(timeout=600_000)
        expect(page.get_by_label("Checklista")).to_have_value("Är det ett projekt?")  # the bookmark chose it
        tab_to(page, "input-text", stops)  # past the start page link and the checklist select
        expect(page.get_by_label("Organisation som svarar")).to_be_focused()
        page.keyboard.type("Kulturförvaltningen")
        tab_to(page, "input-date", stops)
        tab_to(page, "button", stops)
        expect(page.get_by_role("button", name="Öppna checklistan")).to_be_focused()
        page.keyboard.press("Enter")
        heading = page.get_by_role("heading", name=re.compile("Är det ett projekt\\? – Kulturförvaltningen"))
        expect(heading).to_be_focused(timeout=120_000)  # the focus follows to what was opened
        for number, (keys, expected, comment) in enumerate(
            [([" "], "Ja", "Klart"), (["ArrowRight"], "Delvis", ""), (["ArrowRight"] * 3, "Ej aktuellt", "")], 1
        ):
            tab_to(page, "input-radio", stops)
            group = page.get_by_role("radiogroup", name=re.compile(re.escape(PROJECT.items[number - 1].text)))
            expect(group.get_by_role("radio")).to_have_count(4)  # one group of four, one tab stop
            expect(group.locator("input:focus")).to_have_count(1)
            for key in keys:
                page.keyboard.press(key)
            expect(group.get_by_role("radio", name=expected)).to_be_checked()
            tab_to(page, "textarea", stops)
            expect(page.get_by_label(f"Kommentar till punkt {number} (valfritt)")).to_be_focused()
            if comment:
                page.keyboard.type(comment)
        expect(page.get_by_text("Dina svar är sparade.")).to_be_visible(timeout=60_000)
        comparison = page.get_by_role("region", name="Jämförelse över tid")
        expect(comparison).to_contain_text("bättre (förra gången Nej)")
        expect(comparison).to_contain_text("sämre (förra gången Ja)")
        page.screenshot(path=str(tmp_path / "checklista-1280.png"), full_page=True)
        violations = {"1280 px": axe_violations(page)}
        page.set_viewport_size({"width": 320, "height": 800})
        page.wait_for_timeout(300)
        page.screenshot(path=str(tmp_path / "checklista-320.png"), full_page=True)
        violations["320 px"] = axe_violations(page)
        wide = page.evaluate("document.scrollingElement.scrollWidth")
    assert_no_axe_violations(violations)
    assert wide <= 320, f"the page is {wide} px wide at 320 px"
    hidden = [stop for stop in stops if not stop["shown"]]
    assert not hidden, f"focus not visible at: {hidden}"
    with ChecklistStore(data) as store:
        (found,) = [a for a in store.answerings("ar-det-ett-projekt") if a.on_date == dt.date.today().isoformat()]
        answering, _ = store.load(found.id)
    assert [answering.answer(i.id).answer for i in PROJECT.items] == ["ja", "delvis", "ej_aktuellt"]
    assert answering.answer("tillfallig").comment == "Klart"
    assert answering.organisation == "Kulturförvaltningen"
