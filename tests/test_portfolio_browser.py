"""The portfolio page in Debian's chromium, served as `make app` serves it: filter, sort, open an assessment,
change a stage (a new revision in the store), by keyboard alone, axe-core with all rules on each part,
and screenshots at 1280 and 320 px with a long Swedish word in the table."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from nyttolib.content import load_content
from nyttolib.portfolio.store import PortfolioStore

from browser import assert_no_axe_violations, axe_violations, browser_page, page_url, require_chromium, voila_server
from portfolio_examples import LONG_NAME, fill

pytestmark = pytest.mark.slow
COUNT = 60  # two pages of the table


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    data = tmp_path_factory.mktemp("data")
    content = load_content()
    with PortfolioStore(data, content) as store:
        ids = fill(store, content, COUNT)
    with voila_server(data) as url:
        yield url, data, ids


def open_portfolio(page, url: str):
    page.set_default_navigation_timeout(180_000)  # the first visit may start kernels on a loaded machine
    page.goto(page_url(url, "portfolj.ipynb"))
    table = page.get_by_role("table", name=re.compile("^Initiativ i portföljen"))
    table.wait_for(timeout=180_000)
    return table


def status(page):
    return page.get_by_role("status").filter(has_text=re.compile("initiativ visas|Filtret visar"))


def stored_stage(data, assessment_id: str) -> tuple[str | None, int]:
    with PortfolioStore(data, load_content()) as store:
        assessment, revision = store.load(assessment_id)
    return assessment.initiative.portfolio.stage, revision


def test_filter_sort_change_a_stage_and_open_an_assessment(server):
    url, data, ids = server
    with browser_page((1280, 900)) as page:
        table = open_portfolio(page, url)
        expect(status(page)).to_have_text(f"Alla {COUNT} initiativ visas.")
        expect(table.get_by_role("row")).to_have_count(51)  # the header and one page of 50
        expect(page.get_by_text("Sida 1 av 2")).to_be_visible()
        page.get_by_role("button", name="Nästa sida").click()
        expect(page.get_by_text("Sida 2 av 2")).to_be_visible()
        expect(table.get_by_role("row")).to_have_count(11)

        page.get_by_label("År", exact=True).select_option(label="2022")
        expect(status(page)).to_have_text(f"Filtret visar 15 av {COUNT} initiativ.")
        page.get_by_label("Steg", exact=True).select_option(label="Steg 1 - Behov och lösning")
        expect(status(page)).to_have_text(f"Filtret visar 3 av {COUNT} initiativ.")  # Nr 22-002, 22-030, 22-058
        rows = table.get_by_role("row")
        expect(rows).to_have_count(4)
        assert all("2022" in rows.nth(i).inner_text() for i in range(1, rows.count()))
        page.get_by_role("button", name="Rensa filtren").click()
        expect(status(page)).to_have_text(f"Alla {COUNT} initiativ visas.")
        page.get_by_label(re.compile("^Sök")).fill("initiativ 12:")
        expect(status(page)).to_have_text(f"Filtret visar 1 av {COUNT} initiativ.")
        page.get_by_label(re.compile("^Sök")).fill("")
        expect(status(page)).to_have_text(f"Alla {COUNT} initiativ visas.")

        # Sort by cost, descending: the header button turns, aria-sort says so.
        cost = page.get_by_role("columnheader", name=re.compile("^Kostnad \\(totalt\\)"))
        cost.get_by_role("button").click()
        expect(cost).to_have_attribute("aria-sort", "ascending")
        cost.get_by_role("button").click()
        expect(cost).to_have_attribute("aria-sort", "descending")
        expect(page.get_by_label("Sortera efter")).to_have_value("Kostnad (totalt), fallande")
        first = [table.get_by_role("row").nth(i).get_by_role("cell").nth(7).inner_text() for i in (1, 2, 3)]
        amounts = [float(re.sub(r"[^\d]", "", a)) for a in first]
        assert amounts == sorted(amounts, reverse=True)

        # Change the stage of the first initiative from its row's Ändra button.
        page.get_by_label("Sortera efter").select_option(label="Nr, stigande")
        expect(page.get_by_role("columnheader", name=re.compile("^Nr"))).to_have_attribute("aria-sort", "ascending")
        row = table.get_by_role("row").nth(1)
        name = row.get_by_role("link").inner_text()
        assert name.startswith("Initiativ 1:")
        stage, revision = stored_stage(data, ids[0])
        assert stage == "steg_0"
        row.get_by_role("button", name=f"Ändra steg eller prioriteringsgrund för {name}").click()
        expect(page.get_by_label("Initiativ", exact=True).locator("option:checked")).to_have_text(f"21-001 {name}")
        new_stage = page.get_by_label("Nytt steg")
        expect(new_stage).to_be_focused()
        new_stage.select_option(label="Klara för beslut")
        page.get_by_role("button", name="Spara ändringen").click()
        expect(page.get_by_role("status").filter(has_text="Sparat")).to_contain_text(f"revision {revision + 1}")
        assert stored_stage(data, ids[0]) == ("klara_for_beslut", revision + 1)
        expect(table.get_by_role("row").nth(1)).to_contain_text("Klara för beslut")

        # The name opens the assessment in the form.
        table.get_by_role("link", name=name).click()
        expect(page).to_have_url(re.compile(rf"bedomning\.ipynb\?id={ids[0]}$"))
        expect(page.get_by_label("Initiativets namn")).to_have_value(name, timeout=180_000)


def test_by_keyboard_alone_with_a_visible_focus(server, tmp_path):
    url, data, ids = server
    with browser_page((1280, 900)) as page:
        open_portfolio(page, url)
        page.locator("body").focus()

        def tab_to(predicate: str, limit: int = 200) -> None:
            for _ in range(limit):
                page.keyboard.press("Tab")
                if page.evaluate(f"(() => {{ const e = document.activeElement; return {predicate}; }})()"):
                    return
            raise AssertionError(f"Tab never reached: {predicate}")

        tab_to("e.tagName === 'SELECT' && e.labels[0] && e.labels[0].textContent === 'År'")
        page.keyboard.press("ArrowDown")  # the first year
        expect(status(page)).to_contain_text("Filtret visar 15")
        page.keyboard.press("ArrowUp")  # back to Alla
        expect(status(page)).to_have_text(f"Alla {COUNT} initiativ visas.")
        tab_to("e.matches('.nyttolib-sort-button') && e.getAttribute('aria-label').startsWith('Nyttovärdering')")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline == "solid"
        page.screenshot(path=str(tmp_path / "tangentbord-sortering.png"))
        page.keyboard.press("Enter")
        header = page.get_by_role("columnheader", name=re.compile("^Nyttovärdering"))
        expect(header).to_have_attribute("aria-sort", "ascending")
        # The focus stays on the header's button in the redrawn table: Enter again turns the order.
        expect(header.get_by_role("button")).to_be_focused()
        page.keyboard.press("Enter")
        expect(header).to_have_attribute("aria-sort", "descending")
        tab_to("e.matches('.nyttolib-change-button')")
        label = page.evaluate("document.activeElement.getAttribute('aria-label')")
        changed = label.removeprefix("Ändra steg eller prioriteringsgrund för ")
        page.keyboard.press("Enter")
        expect(page.get_by_label("Nytt steg")).to_be_focused()
        page.screenshot(path=str(tmp_path / "tangentbord-andra.png"))
        page.keyboard.press("End")  # the last choice: no stage
        tab_to("e.tagName === 'BUTTON' && e.textContent === 'Spara ändringen'")
        page.keyboard.press("Enter")
        expect(page.get_by_role("status").filter(has_text="Sparat")).to_contain_text(changed)
        changed_id = next(i for i in ids if stored_stage(data, i)[0] is None)
        assert stored_stage(data, changed_id)[1] == 2
        tab_to("e.tagName === 'BUTTON' && e.textContent === 'Balans och ekonomi'", limit=400)
        page.keyboard.press("Enter")
        heading = page.get_by_role("heading", name="Balans och ekonomi", level=2)
        expect(heading).to_be_focused()
        tab_to("e.tagName === 'INPUT' && e.labels[0] && e.labels[0].textContent.startsWith('Budget')", limit=50)
        page.keyboard.type("tvåhundra")
        page.keyboard.press("Enter")
        expect(page.get_by_role("alert")).to_contain_text("Fel:")
        expect(page.get_by_label(re.compile("^Budget"))).to_have_attribute("aria-invalid", "true")
        page.screenshot(path=str(tmp_path / "tangentbord-budget.png"))


@pytest.mark.parametrize("width", [1280, 320])
def test_each_part_passes_axe_and_looks_right(server, tmp_path, width):
    url, _data, _ids = server
    found: dict[str, list[str]] = {}
    with browser_page((width, 900)) as page:
        table = open_portfolio(page, url)
        page.get_by_label(re.compile("^Sök")).fill("Verksamhets")
        expect(table).to_contain_text(LONG_NAME)
        page.get_by_role("button", name="Rensa filtren").click()
        expect(status(page)).to_have_text(f"Alla {COUNT} initiativ visas.")
        found["Initiativ"] = axe_violations(page)
        page.screenshot(path=str(tmp_path / f"initiativ-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing wider than the screen
        if width >= 1280:  # the thirteen columns fit a laptop's screen without scrolling the table
            box = page.locator(".nyttolib-portfolio-scroll")
            assert box.evaluate("e => e.scrollWidth - e.clientWidth") <= 0
        for part in ("Balans och ekonomi", "Indikatorer"):
            page.get_by_role("navigation", name="Portföljens delar").get_by_role("button", name=part).click()
            expect(page.get_by_role("heading", name=part, level=2)).to_be_focused()
            if part == "Balans och ekonomi":
                expect(page.get_by_role("img", name=re.compile("^Stapeldiagram, antal initiativ"))).to_be_visible()
                page.get_by_label(re.compile("^Budget")).fill("5 000 000 kr")
                page.keyboard.press("Enter")
                expect(page.get_by_text("av en budget på 5 000 000 kr")).to_be_visible()
            found[part] = axe_violations(page)
            page.screenshot(path=str(tmp_path / f"{part.split()[0].lower()}-{width}.png"), full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_no_axe_violations(found)


def nav_button(page, part: str):
    return page.get_by_role("navigation", name="Portföljens delar").get_by_role("button", name=part)


def test_the_budget_question_by_keyboard_alone(server, tmp_path):
    url, _data, _ids = server
    with browser_page((1280, 900)) as page:
        open_portfolio(page, url)
        page.locator("body").focus()

        def tab_to(predicate: str, limit: int = 400) -> None:
            for _ in range(limit):
                page.keyboard.press("Tab")
                if page.evaluate(f"(() => {{ const e = document.activeElement; return {predicate}; }})()"):
                    return
            raise AssertionError(f"Tab never reached: {predicate}")

        def focused_outline() -> str:
            return page.evaluate("getComputedStyle(document.activeElement).outlineStyle")

        tab_to("e.tagName === 'BUTTON' && e.textContent === 'Prioritering'")
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Prioritering", level=2)).to_be_focused()
        expect(page.get_by_role("table", name="Rangordning med skäl")).to_be_visible()
        tab_to("e.tagName === 'INPUT' && e.labels[0] && e.labels[0].textContent === 'År för budgetfrågan'", 50)
        assert focused_outline() == "solid"
        page.keyboard.type("2022")
        page.keyboard.press("Tab")  # the year is read when the focus leaves it
        budget = page.get_by_label("Budget för året (kr)")
        expect(budget).to_be_focused()
        page.keyboard.type("tvåhundra")
        page.keyboard.press("Enter")
        expect(page.get_by_role("alert").filter(has_text="Fel:")).to_be_visible()
        expect(budget).to_have_attribute("aria-invalid", "true")
        expect(budget).to_have_value("tvåhundra")  # nothing the user typed is lost
        page.screenshot(path=str(tmp_path / "budgetfraga-fel.png"))
        page.keyboard.press("Control+A")
        page.keyboard.type("3 000 000 kr")
        page.keyboard.press("Enter")
        expect(
            page.get_by_role("heading", name=re.compile(r"^Vad ryms i budgeten 3.000.000.kr år 2022\?"))
        ).to_be_visible()
        expect(budget).not_to_have_attribute("aria-invalid", "true")
        expect(page.get_by_role("heading", name="a) Rangordningen i tur och ordning")).to_be_visible()
        expect(page.get_by_role("heading", name=re.compile("^b\\) Högsta sammanlagda"))).to_be_visible()
        # Force the first initiative of the list out: arrow keys in the labelled multi-choice list.
        tab_to("e.tagName === 'SELECT' && e.multiple && e.labels[0].textContent.startsWith('Tvinga ut')", 20)
        assert focused_outline() == "solid"
        page.keyboard.press("ArrowDown")
        forced = page.evaluate("document.activeElement.selectedOptions[0].textContent")
        expect(page.locator(".nyttolib-budget-answer")).to_contain_text("tvingad ut")
        name = forced.replace("\xa0", " ").split(" ", 1)[1]  # the option is "Nr name"
        row = page.locator(".nyttolib-selection-table tbody tr", has_text="tvingad ut").first
        expect(row).to_contain_text(name)
        page.screenshot(path=str(tmp_path / "budgetfraga-tangentbord.png"))
        expect(page.get_by_text(re.compile("^Underlag, inte beslut")).first).to_be_visible()


@pytest.mark.parametrize("width", [1280, 320])
def test_prioritisation_and_register_pass_axe_and_fit(server, tmp_path, width):
    url, _data, _ids = server
    found: dict[str, list[str]] = {}
    with browser_page((width, 900)) as page:
        open_portfolio(page, url)
        nav_button(page, "Prioritering").click()
        expect(page.get_by_role("heading", name="Prioritering", level=2)).to_be_focused()
        page.get_by_label("År för budgetfrågan").fill("2021")
        page.get_by_label("Budget för året (kr)").fill("4 000 000 kr")
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="a) Rangordningen i tur och ordning")).to_be_visible()
        expect(page.locator(".nyttolib-ranking-table")).to_contain_text(LONG_NAME)
        found["Prioritering"] = axe_violations(page)
        page.screenshot(path=str(tmp_path / f"prioritering-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width

        nav_button(page, "Uppföljning").click()
        expect(page.get_by_role("heading", name="Uppföljning", level=2)).to_be_focused()
        register = page.get_by_role("table", name=re.compile("^Nyttoregister"))
        expect(register).to_contain_text(LONG_NAME)
        link = register.get_by_role("link", name=LONG_NAME)
        assert re.search(r"bedomning\.ipynb\?id=\w+&steg=plan$", link.get_attribute("href"))
        page.get_by_label("Ljus", exact=True).select_option(label=load_content().settings.traffic_light.labels.yellow)
        expect(page.get_by_role("status").filter(has_text="nyttor i")).to_be_visible()
        page.get_by_label("Ljus", exact=True).select_option(label="Alla")
        found["Uppföljning"] = axe_violations(page)
        page.screenshot(path=str(tmp_path / f"uppfoljning-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_no_axe_violations(found)
