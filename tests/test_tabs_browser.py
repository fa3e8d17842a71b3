"""In a real browser: a new assessment's address gets `?id=` once saved (so F5 opens it again), and two
tabs on one assessment are both told of each other's saves: different fields end up together in the
current version, a field both changed is left to the user to decide."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from nyttolib.storage.assessments import Store

from browser import browser_page, page_url, require_chromium, voila_server, wait_for
from formdriver import FormDriver

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    data = tmp_path_factory.mktemp("data")
    with voila_server(data) as url:
        yield url, data


def stored(data, name: str):
    with Store(data) as store:
        rows = [row for row in store.list() if row.name == name]
        return store.load(rows[0].id)[0] if rows else None


def ready(page: Page) -> FormDriver:
    """The form is up (generous: several pools fill at once on a shared 2-core machine)."""
    page.get_by_role("button", name="Nästa steg").wait_for(timeout=180_000)
    return FormDriver(page)


def new_form(page: Page, url: str, *, via_start: bool = True) -> FormDriver:
    page.set_default_navigation_timeout(180_000)  # several pools fill at once on a shared 2-core machine
    if via_start:
        page.goto(page_url(url, "start.ipynb"))
        page.get_by_role("link", name="Ny bedömning").click()
    else:
        page.goto(page_url(url, "bedomning.ipynb"))
    return ready(page)


def two_tabs(page: Page, url: str, data, name: str) -> tuple[FormDriver, FormDriver, Page]:
    first = new_form(page, url, via_start=False)
    first.fill("Initiativets namn", name)
    first.wait_saved()
    second_page = page.context.new_page()
    second_page.set_default_navigation_timeout(180_000)
    second_page.goto(page_url(url, "bedomning.ipynb", f"id={stored(data, name).id}"))
    second = ready(second_page)
    expect(second_page.get_by_label("Initiativets namn", exact=True)).to_have_value(name)
    return first, second, second_page


def test_a_new_assessment_gets_its_address_and_opens_again_after_reload(server):
    url, data = server
    with browser_page() as page:
        form = new_form(page, url)
        assert "id=" not in page.url
        form.fill("Initiativets namn", "Adress efter sparande")
        form.fill("Behov", "Syns efter F5")
        form.wait_saved()
        saved = wait_for(lambda: stored(data, "Adress efter sparande"), message="the saved assessment")
        expect(page).to_have_url(re.compile(rf"/voila/render/bedomning\.ipynb\?id={saved.id}&steg=initiative$"))
        wait_for(lambda: stored(data, "Adress efter sparande").initiative.need == "Syns efter F5", message="Behov")
        page.reload()
        ready(page)
        expect(page.get_by_label("Initiativets namn", exact=True)).to_have_value("Adress efter sparande")
        expect(page.get_by_label("Behov", exact=True)).to_have_value("Syns efter F5")
        page.get_by_role("button", name="Nästa steg").click()  # F5 on step 2 stays on step 2
        expect(page).to_have_url(re.compile(rf"\?id={saved.id}&steg=prerequisites$"))
        page.reload()
        expect(page.locator(".nyttolib-nav [aria-current='step']")).to_have_text(re.compile(r"^2\. "), timeout=180_000)
        page.go_back()  # the blank "new" page is not left behind in the history as a second entry
        expect(page).to_have_url(re.compile(r"start\.ipynb"))


def test_two_tabs_changing_different_fields_both_end_up_in_the_current_version(server):
    url, data = server
    with browser_page() as page:
        first, second, second_page = two_tabs(page, url, data, "Två flikar, olika fält")
        first.fill("Verksamhet", "Flik A")
        second.fill("Behov", "Flik B:s behov")
        wait_for(
            lambda: (lambda a: a.initiative.department == "Flik A" and a.initiative.need == "Flik B:s behov")(
                stored(data, "Två flikar, olika fält")
            ),
            timeout=30,
            message="both changes in the current version",
        )
        expect(page.get_by_label("Behov", exact=True)).to_have_value("Flik B:s behov", timeout=15_000)
        expect(second_page.get_by_label("Verksamhet", exact=True)).to_have_value("Flik A", timeout=15_000)
        for tab in (page, second_page):
            expect(tab.locator(".nyttolib-choice")).to_have_count(0)
        told = [tab.locator(".nyttolib-news").all_inner_texts() for tab in (page, second_page)]
        assert any("annat fönster" in text for texts in told for text in texts)


def test_two_tabs_changing_the_same_field_let_the_user_choose(server):
    url, data = server
    with browser_page() as page:
        first, second, second_page = two_tabs(page, url, data, "Två flikar, samma fält")
        first.fill("Verksamhet", "Flik A")
        second.fill("Verksamhet", "Flik B")
        asked = wait_for(
            lambda: next((tab for tab in (page, second_page) if tab.locator(".nyttolib-choice").count()), None),
            timeout=30,
            message="a tab asking which value to keep",
        )
        other = second_page if asked is page else page
        expect(asked.locator(".nyttolib-choice")).to_contain_text("Om initiativet › Verksamhet")
        mine = asked.get_by_label("Verksamhet", exact=True).input_value()
        theirs = "Flik A" if mine == "Flik B" else "Flik B"
        expect(asked.locator(".nyttolib-conflict [role='alert']")).to_contain_text("ändrats både där och här")
        expect(asked.locator(".nyttolib-choice")).to_contain_text(f"Här: «{mine}»")
        expect(asked.locator(".nyttolib-choice")).to_contain_text(f"I det andra fönstret: «{theirs}»")
        assert stored(data, "Två flikar, samma fält").initiative.department == theirs  # not yet overwritten
        asked.locator(".nyttolib-choice").get_by_role("button", name="Behåll min").click()
        wait_for(
            lambda: stored(data, "Två flikar, samma fält").initiative.department == mine, message="the kept value"
        )
        expect(asked.locator(".nyttolib-choice")).to_have_count(0)
        expect(other.get_by_label("Verksamhet", exact=True)).to_have_value(mine, timeout=15_000)
        expect(other.locator(".nyttolib-news")).to_contain_text("Verksamhet")
