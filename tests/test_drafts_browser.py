"""In a real browser: the two edits that once saved assessments that never opened again, and a revision
that cannot be opened. Each is done as a user does it, saved ("Sparat"), and reopened from the start page."""

from __future__ import annotations

import re
import sqlite3

import pytest
from playwright.sync_api import expect

from nyttolib.storage.assessments import Store

from browser import browser_page, page_url, require_chromium, voila_server
from formdriver import FormDriver

pytestmark = pytest.mark.slow

VOILA_ERROR = "There was an error when executing cell"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    expect.set_options(timeout=30_000)  # a 2-core machine shared by parallel runs is slow, not broken
    data = tmp_path_factory.mktemp("data")
    with voila_server(data) as url:
        yield url, data
    expect.set_options(timeout=5_000)  # Playwright's default, for the test files run after this one


def year_first(page) -> bool:
    """Whether the browser's date inputs put the year first (their segment order follows the browser's
    own locale, not the page's): typed into a scratch input, as the user's keys would be."""
    page.evaluate(
        "() => { const i = document.createElement('input'); i.type = 'date'; i.id = 'probe';"
        " i.value = '2024-03-03'; document.body.append(i); }"
    )
    probe = page.locator("#probe")
    probe.focus()
    probe.press_sequentially("2026")
    first = probe.input_value().startswith("2026-")
    page.evaluate("() => document.getElementById('probe').remove()")
    return first


def new_form(page, url, name: str) -> FormDriver:
    page.set_default_timeout(120_000)  # a 2-core machine shared by parallel runs is slow, not broken
    page.goto(page_url(url, "start.ipynb"))
    page.get_by_role("link", name="Ny bedömning").click()
    form = FormDriver(page)
    form.wait_ready()
    form.fill("Initiativets namn", name)
    return form


def reopen(page, url, name: str) -> FormDriver:
    page.set_default_timeout(120_000)
    page.goto(page_url(url, "start.ipynb"))
    page.get_by_role("link", name=name).click()
    voila_error = page.get_by_text(VOILA_ERROR)
    voila_error.or_(page.get_by_role("button", name="Nästa steg")).first.wait_for()
    expect(voila_error).to_have_count(0)  # the page shows the form, not Voilà's error
    form = FormDriver(page)
    form.wait_ready()
    return form


def test_emptied_amount_rate_and_effect_stay_drafts_and_the_assessment_opens(server):
    url, _data = server
    with browser_page() as page:
        form = new_form(page, url, "Tomma belopp")
        form.go_to_step(5)
        form.fill("Första år", "2022")
        row = form.add_row("Lägg till kostnad", "Kostnad 1")
        form.fill("Belopp 2022 (kr)", "50 000", row)
        form.add_row("Lägg till frigjord tid", "Frigjord tid 1")
        form.wait_saved()
        form.fill("Belopp 2022 (kr)", "", form.row("Kostnad 1"))
        form.fill("Effekt 2023 (%)", "   ", form.row("Frigjord tid 1"))
        form.fill("Timpris, intern personal (kr/h)", "")
        expect(form.message_for("Timpris, intern personal (kr/h)")).to_contain_text("får inte vara tomt")
        expect(page.get_by_role("button", name=re.compile(r"^5\. Nyttokalkyl \(har fel\)"))).to_be_visible()
        expect(page.locator(".nyttolib-results")).to_contain_text("Ej giltigt värde i")
        form.wait_saved()

        form = reopen(page, url, "Tomma belopp")
        expect(page.get_by_role("button", name=re.compile(r"^5\. Nyttokalkyl \(har fel\)"))).to_be_visible()
        form.go_to_step(5)
        amount = form.row("Kostnad 1").get_by_label("Belopp 2022 (kr)", exact=True)
        expect(amount).to_have_value("")
        expect(form.row("Kostnad 1").locator(".nyttolib-message")).to_contain_text("får inte vara tomt")
        expect(form.row("Frigjord tid 1").get_by_label("Effekt 2023 (%)", exact=True)).to_have_value("   ")
        expect(page.get_by_label("Timpris, intern personal (kr/h)", exact=True)).to_have_value("")
        form.go_to_step(7)
        expect(page.locator(".nyttolib-missing")).to_contain_text("Belopp per år → år 1: ej giltigt värde")
        expect(page.locator(".nyttolib-missing")).to_contain_text("Timpriser (kr/h) → 'Intern personal': ej giltigt")


def test_dates_retyped_digit_by_digit_save_and_the_assessment_opens_with_the_message(server):
    url, _data = server
    with browser_page() as page:
        form = new_form(page, url, "Datumordning")
        form.fill("Startdatum", "2024-03-03")
        form.fill("Slutdatum", "2024-02-01")
        expect(form.message_for("Slutdatum")).to_contain_text("Slutdatum kan inte vara före startdatum")
        keys = "2026" if year_first(page) else "03032026"  # month and day stay 03: their order does not matter
        start = page.get_by_label("Startdatum", exact=True)
        start.focus()
        start.press_sequentially(keys, delay=250)  # the year goes 0002, 0020, 0202, 2026
        expect(start).to_have_value("2026-03-03")
        form.wait_saved()

        form = reopen(page, url, "Datumordning")
        expect(page.get_by_label("Startdatum", exact=True)).to_have_value("2026-03-03")
        expect(form.message_for("Slutdatum")).to_contain_text("Slutdatum kan inte vara före startdatum")
        expect(form.message_for("Startdatum")).to_contain_text("Startdatum kan inte vara efter slutdatum")
        form.fill("Slutdatum", "2026-12-31")
        expect(form.message_for("Slutdatum")).to_have_count(0)
        expect(form.message_for("Startdatum")).to_have_count(0)  # it once stayed after the dates were fixed
        form.wait_saved()


def test_a_revision_that_cannot_be_read_gives_a_swedish_page_with_ways_back(server):
    url, data = server
    with browser_page() as page:
        new_form(page, url, "Skadad").wait_saved()
    with Store(data) as store:
        (row,) = [r for r in store.list() if r.name == "Skadad"]
        database = store.path
    with sqlite3.connect(database) as db:
        db.execute(
            "INSERT INTO revisions (assessment_id, revision, saved_at, schema_version, name, document)"
            " VALUES (?, ?, '2026-01-01T00:00:00+00:00', 2, 'Skadad', '{\"calculation\": {\"years\": ')",
            (row.id, row.revision + 1),
        )
        db.execute("UPDATE assessments SET head_revision = ? WHERE id = ?", (row.revision + 1, row.id))
    with browser_page() as page:
        page.set_default_timeout(120_000)
        page.goto(page_url(url, "start.ipynb"))
        page.get_by_role("link", name="Skadad").click()
        expect(page.get_by_role("heading", name="Bedömningen kan inte öppnas")).to_be_visible()
        expect(page.get_by_text(VOILA_ERROR)).to_have_count(0)
        expect(page.get_by_role("link", name="Till startsidan (alla bedömningar)")).to_be_visible()
        page.get_by_role("button", name=re.compile(rf"^Återställ revision {row.revision} ")).click()
        form = FormDriver(page)
        form.wait_ready()
        expect(page.get_by_label("Initiativets namn", exact=True)).to_have_value("Skadad")
        page.get_by_role("link", name="← Alla bedömningar").click()
        expect(page.get_by_role("link", name="Skadad")).to_be_visible()
