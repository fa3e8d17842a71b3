"""Two hub users in a real browser: the app started twice on one data folder, as the hub's spawner starts
each user's server (JUPYTERHUB_USER in its environment, which the browser cannot change). Anna creates an
assessment; Bo does not see it and is refused when he opens its address; Anna shares it to read in her
sharing panel, and Bo opens it read-only. axe-core with all rules at 1280 and 320 px, and the sharing
panel by keyboard (a screenshot per Tab)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import expect

from nyttolib.identity import User
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
from formdriver import FormDriver

pytestmark = pytest.mark.slow

NAME = "Annas initiativ för långtidsarkivering av e-tjänstehandlingar"
FOCUSED = """() => {
  const e = document.activeElement;
  const s = getComputedStyle(e);
  const label = e.labels && e.labels[0] ? e.labels[0].textContent : '';
  return {tag: e.tagName, type: e.type || '', text: (label || e.textContent || e.value || '').trim().slice(0, 60),
          visible: e.matches(':focus-visible'), outline: s.outlineStyle, width: parseFloat(s.outlineWidth)};
}"""


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    require_chromium()
    data = tmp_path_factory.mktemp("data")
    # No preheated kernels: two servers each filling a pool per page (about 20 kernels running their
    # notebooks at once) held a 2-core machine long enough for the first page to miss its wait. What is
    # tested here is who sees what, not the pools; each page starts its own kernel instead.
    cold = ["--VoilaConfiguration.preheat_kernel=False"]
    anna_server = voila_server(data, extra=cold, environment={"JUPYTERHUB_USER": "anna"})
    bo_server = voila_server(data, extra=cold, environment={"JUPYTERHUB_USER": "bo"})
    with anna_server as anna, bo_server as bo:
        yield anna, bo, data


def annas_id(data) -> str | None:
    with Store(data, user=User("anna", hub=True)) as store:
        rows = [row.id for row in store.list() if row.name == NAME]
    return rows[0] if rows else None


def open_page(page, url: str, ready) -> None:
    """Go to a page and wait for `ready` (a locator). On a loaded 2-core machine (load above 40, seen with
    two servers' preheated kernels) Voilà now and then renders a page whose widget model never arrives
    ("Error displaying widget: model not found", before any of our code runs): that page is loaded once
    more; a second failure fails the test."""
    for attempt in (1, 2):
        page.goto(url)
        try:
            ready.wait_for(timeout=180_000)
            return
        except Exception:
            if attempt == 2 or "model not found" not in page.content():
                raise


def checked(page, found: dict[str, list[str]], name: str, directory) -> None:
    """axe at 1280 and at 320 px wide, and a screenshot of each."""
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(400)
        found[f"{name}, {width} px"] = axe_violations(page)
        page.screenshot(path=str(directory / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


@contextmanager
def two_users() -> Iterator[tuple]:
    """Anna's and Bo's pages, each in a browser context of its own (their own cookies, as two people)."""
    with browser_page((1280, 900)) as anna:
        second = anna.context.browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
        second.set_default_timeout(60_000)
        bo = second.new_page()
        for page in (anna, bo):
            page.set_default_navigation_timeout(180_000)
        try:
            yield anna, bo
        finally:
            second.close()


def test_two_hub_users_see_only_their_own_until_it_is_shared(servers, tmp_path):
    anna_url, bo_url, data = servers
    found: dict[str, list[str]] = {}
    with two_users() as (anna, bo):
        # Anna: who is logged in, a new assessment, her sharing panel
        open_page(anna, page_url(anna_url, "start.ipynb"), anna.get_by_text("Inloggad som anna"))
        anna.get_by_role("link", name="Ny bedömning").click()
        form = FormDriver(anna)
        form.wait_ready()
        form.fill("Initiativets namn", NAME)
        form.wait_saved()
        assessment_id = wait_for(lambda: annas_id(data), message="Anna's saved assessment")
        expect(anna.get_by_role("heading", name="Dela bedömningen")).to_be_attached(timeout=30_000)
        expect(anna.get_by_text("Ingen annan har tillgång till den.")).to_be_visible()
        checked(anna, found, "annas-formular-med-delning", tmp_path)

        # Bo: not on his start page, and refused at its address, with nothing of it shown
        open_page(bo, page_url(bo_url, "start.ipynb"), bo.get_by_text("Inloggad som bo"))
        expect(bo.get_by_text("Det finns inga sparade bedömningar ännu.")).to_be_visible()
        assert NAME not in bo.content()
        checked(bo, found, "bos-startsida", tmp_path)
        refused = bo.get_by_role("heading", name="Du har inte tillgång till bedömningen")
        open_page(bo, page_url(bo_url, "bedomning.ipynb", f"id={assessment_id}"), refused)
        expect(bo.get_by_role("alert")).to_contain_text("Be ägaren dela den med dig")
        assert NAME not in bo.content() and "Traceback" not in bo.content()
        checked(bo, found, "bo-nekad", tmp_path)

        # Anna shares it with Bo to read, in the panel, by keyboard from the button beside the save status
        anna.get_by_role("button", name="Dela bedömningen …").focus()
        anna.keyboard.press("Enter")
        wait_for(
            lambda: anna.evaluate("document.activeElement.id") == "nyttolib-sharing", message="the panel's heading"
        )
        stops = []
        for _ in range(8):
            anna.keyboard.press("Tab")
            focused = anna.evaluate(FOCUSED)
            stops.append(focused)
            anna.screenshot(path=str(tmp_path / f"tab-{len(stops)}.png"))
            if focused["text"].startswith("Ge bort ägandet"):
                break
        texts = [stop["text"] for stop in stops]
        assert texts[:3] == ["Användarnamn (som personen loggar in med)", "Läsa", "Dela"], texts
        assert "Ny ägare (användarnamn)" in texts and texts[-1] == "Ge bort ägandet …", texts
        assert all(stop["visible"] and stop["outline"] == "solid" and stop["width"] >= 2 for stop in stops), stops
        anna.get_by_label("Användarnamn (som personen loggar in med)", exact=True).fill("bo")
        anna.get_by_role("button", name="Dela", exact=True).click()
        expect(anna.get_by_role("status").filter(has_text="Delad med bo, som får läsa.")).to_be_visible()
        expect(anna.get_by_text("bo: får läsa")).to_be_visible()
        expect(anna.get_by_role("button", name="Sluta dela med bo")).to_be_visible()
        checked(anna, found, "annas-delning", tmp_path)

        # Bo opens it read-only: the notice, disabled inputs, and nothing he does is saved
        open_page(bo, page_url(bo_url, "start.ipynb"), bo.get_by_role("link", name=NAME))
        expect(bo.get_by_role("row", name=re.compile(re.escape(NAME)))).to_contain_text("Delad med dig: läsa")
        bo.get_by_role("link", name=NAME).click()
        FormDriver(bo).wait_ready()
        expect(bo.get_by_text(re.compile("delad med dig för att läsa.*Ägare: anna"))).to_be_visible()
        expect(bo.locator(".nyttolib-save-status")).to_contain_text("Skrivskyddad")
        name_input = bo.get_by_label("Initiativets namn", exact=True)
        expect(name_input).to_have_value(NAME)
        expect(name_input).to_be_disabled()
        assert bo.get_by_role("heading", name="Dela bedömningen").count() == 0
        checked(bo, found, "bo-skrivskyddad", tmp_path)
        FormDriver(bo).go_to_step(7)
        expect(bo.get_by_role("button", name="HTML", exact=True)).to_be_enabled()
        assert bo.get_by_role("button", name=re.compile("^Återställ revision")).count() == 0

        # Bo's portfolio: the shared row, with no Ändra (he may only read it); his own new one has one
        table = bo.locator(".nyttolib-portfolio-table")
        open_page(bo, page_url(bo_url, "portfolj.ipynb"), table.get_by_role("link", name=NAME))
        assert table.get_by_role("button", name=re.compile("^Ändra steg")).count() == 0
        checked(bo, found, "bos-portfolj", tmp_path)
    with Store(data, user=User("anna", hub=True)) as store:
        assert [info.saved_by for info in store.history(assessment_id)] == ["anna"] * len(store.history(assessment_id))
        assert store.drafts(assessment_id) == {}
    assert_no_axe_violations(found)


def test_a_canvas_shared_to_read_opens_read_only_for_the_other_hub_user(servers, tmp_path):
    """The same rule on the project canvas: Anna shares hers in its panel, Bo reads it with every input
    off and the exports on; a canvas she has not shared is refused at its address."""
    from nyttolib.canvas.content import load_canvas_content
    from nyttolib.canvas.session import canvas_store

    anna_url, bo_url, data = servers
    need_label = load_canvas_content().canvas.fields["need"].label
    with canvas_store(data, user=User("anna", hub=True)) as store:
        shared = store.save({"name": "Annas canvas", "need": "Ett behov av e-arkiv"}, name="Annas canvas").id
        private = store.save({"name": "Hemlig canvas"}, name="Hemlig canvas").id
    found: dict[str, list[str]] = {}
    with two_users() as (anna, bo):
        panel = anna.get_by_role("heading", name="Dela projektcanvasen")
        open_page(anna, page_url(anna_url, "projektcanvas.ipynb", f"id={shared}"), panel)
        anna.get_by_label("Användarnamn (som personen loggar in med)", exact=True).fill("bo")
        anna.get_by_role("button", name="Dela", exact=True).click()
        expect(anna.get_by_role("status").filter(has_text="Delad med bo, som får läsa.")).to_be_visible()
        checked(anna, found, "annas-canvas-delning", tmp_path)

        notice = bo.get_by_text(re.compile("Projektcanvasen är delad med dig för att läsa.*Ägare: anna"))
        open_page(bo, page_url(bo_url, "projektcanvas.ipynb", f"id={shared}"), notice)
        need = bo.get_by_label(need_label, exact=True)
        expect(need).to_have_value("Ett behov av e-arkiv")
        expect(need).to_be_disabled()
        expect(bo.get_by_role("button", name="Spara som HTML")).to_be_enabled()
        expect(bo.locator(".nyttolib-save-status")).to_contain_text("Skrivskyddad")
        assert bo.get_by_role("heading", name="Dela projektcanvasen").count() == 0
        checked(bo, found, "bo-canvas-skrivskyddad", tmp_path)

        refused = bo.get_by_role("heading", name="Du har inte tillgång till projektcanvasen")
        open_page(bo, page_url(bo_url, "projektcanvas.ipynb", f"id={private}"), refused)
        assert "Hemlig canvas" not in bo.content() and "Traceback" not in bo.content()
        checked(bo, found, "bo-canvas-nekad", tmp_path)
    with canvas_store(data, user=User("anna", hub=True)) as store:
        assert store.head_revision(shared) == 1
    assert_no_axe_violations(found)
