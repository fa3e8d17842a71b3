"""The workshop in Debian's chromium, served as `nyttolib serve --workshop` serves it: a participant joins
and answers, the facilitator's view follows live, the survey is closed, the report is downloaded; axe-core
finds no WCAG 2.1 AA violations; and a participant cannot reach the facilitator view or other answers."""

from __future__ import annotations

import re
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from nyttolib.serve.server import workshop_server_options
from nyttolib.survey.questionnaire import load_questionnaires
from nyttolib.survey.statistics import statement_key
from nyttolib.survey.store import WorkshopStore

from browser import axe_violations, browser_page, page_url, require_chromium, voila_server, wait_for

pytestmark = pytest.mark.slow

MATURITY = load_questionnaires()[0]["mognadsanalys-nyttorealisering"]
FIRST = MATURITY.dimensions[0]


@pytest.fixture(scope="module")
def workshop_server(tmp_path_factory):
    """A workshop with three earlier participants, served in workshop mode (that workshop only); beside it in
    the data folder another workshop and a per-system one, which this server must not serve."""
    require_chromium()
    data = tmp_path_factory.mktemp("workshop")
    with WorkshopStore(data) as store:
        workshop = store.create("Mognadsanalys Höst", MATURITY.id, "2026-11-22")
        other = store.create("Annan workshop", MATURITY.id, "2026-11-23")
        systems = store.create("Systemgenomgång", "klassificering-is-it-system", "2026-11-24")
        store.join(systems.join_code, role="IT", subject="Procapita")
        tokens = []
        for role, now in [("Chef", 1), ("Chef", 2), ("IT", 4)]:
            token = store.join(workshop.join_code, role=role)
            answers = {statement_key(d.id, s.id): {"now": now, "target": 5} for d, s in MATURITY.statements()}
            store.save_answers(token, answers, submit=True)
            tokens.append(token)
    with voila_server(data, **workshop_server_options(2, workshop.id)) as url:
        yield url, data, workshop, other, tokens, systems


def question_group(page, statement, question: str):
    """The radio group of one question: named by the statement and by Nuläge or Börläge."""
    return page.get_by_role("radiogroup", name=re.compile(re.escape(statement.text) + ".*" + question))


def answer_a_dimension_by_keyboard(page, dimension, *, now: int, target: int) -> None:
    """Answer every statement with the keyboard only, starting with the focus in the first question: one Tab
    per question, the arrow keys inside it. Checks that each question is one group and one tab stop, and
    that an arrow key never leaves its group (it wraps round, as radio groups do)."""
    for number, statement in enumerate(dimension.statements):
        for question, level in (("Nuläge", now), ("Börläge", target)):
            if number or question == "Börläge":
                page.keyboard.press("Tab")
            group = question_group(page, statement, question)
            expect(group.locator("input:focus")).to_have_count(1)  # the focus is in this question's group
            expect(group.get_by_role("radio")).to_have_count(6)  # 1–5 and Vet ej: one group of six
            if number == 0 and question == "Nuläge":
                # ArrowLeft from the first wraps round to "Vet ej", and ArrowRight from there back to "1 Görs
                # inte" in the same group, not to the next question's.
                page.keyboard.press("ArrowLeft")
                expect(group.get_by_role("radio", name="Vet ej")).to_be_checked()
                page.keyboard.press("ArrowRight")
                expect(group.get_by_role("radio", name="1 Görs inte")).to_be_checked()
                expect(question_group(page, statement, "Börläge").locator("input:checked")).to_have_count(0)
                steps = level - 1  # from 1, checked
            else:
                steps = level - 1  # from the first, focused and not checked: ArrowRight checks the second
                page.keyboard.press("ArrowRight")
                steps -= 1
            for _ in range(steps):
                page.keyboard.press("ArrowRight")
            expect(group.locator("input:checked")).to_have_count(1)
            expect(group.get_by_role("radio", name=re.compile(f"^{level} "))).to_be_checked()


def problems(page) -> list[str]:
    """axe-core's violations (all rules, `region` among them: every page in one <main>), and labels with
    ipywidgets' empty tooltip written out as title="null"."""
    found = axe_violations(page)
    nulls = page.locator("[title='null']").count()
    return found + ([f'{nulls} element(s) with title="null"'] if nulls else [])


def contrast(foreground: str, background: str = "rgb(255, 255, 255)") -> float:
    def luminance(css: str) -> float:
        channels = [int(c) / 255 for c in re.findall(r"[\d.]+", css)[:3]]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def status_text(page) -> str:
    return page.locator(".nyttolib-live").inner_text()


def test_a_participant_answers_and_the_facilitator_view_follows(workshop_server, tmp_path):
    url, data, workshop, _other, _tokens, _systems = workshop_server
    found: dict[str, list[str]] = {}
    with browser_page() as facilitator:
        facilitator.goto(page_url(url, "ledare.ipynb", f"kod={workshop.facilitator_code}"))
        expect(facilitator.locator(".nyttolib-live")).to_contain_text("3 har gått med", timeout=60_000)
        # Signed in: the code leaves the address bar (and the history entry): the screen may be on a projector.
        expect(facilitator).to_have_url(re.compile(r"/ledare\.ipynb$"))
        expect(facilitator.get_by_text("Var börjar vi?")).to_be_visible()
        expect(facilitator.get_by_role("navigation", name="Ledarvyns delar").get_by_role("button")).to_have_count(5)
        found["ledarvyn, översikt"] = problems(facilitator)
        facilitator.screenshot(path=str(tmp_path / "ledare-oversikt.png"), full_page=True)

        participant = facilitator.context.new_page()
        participant.goto(url)  # "/" leads to the participants' page
        code = participant.get_by_label("Kod från den som leder workshoppen")
        code.wait_for(timeout=60_000)
        found["deltagare, kod"] = problems(participant)
        # The example in the empty field looks like an example, not like a code typed in, and is readable.
        placeholder, typed = code.evaluate(
            "e => [getComputedStyle(e, '::placeholder'), getComputedStyle(e)].map(s => [s.color, s.fontStyle])"
        )
        assert placeholder != typed and placeholder[1] == "italic" and typed[1] == "normal"
        assert contrast(placeholder[0]) >= 4.5 and contrast(typed[0]) >= 4.5
        code.focus()  # by keyboard: type the code, Tab to the button, Enter
        participant.keyboard.type(workshop.join_code.lower())
        participant.keyboard.press("Tab")
        participant.keyboard.press("Enter")
        role = participant.get_by_label("Roll eller verksamhet (valfritt)")
        expect(role).to_be_visible()
        participant.keyboard.press("Tab")  # from "Fortsätt" to the role, then the name, then "Börja svara"
        expect(role).to_be_focused()
        participant.keyboard.type("Chef")
        participant.keyboard.press("Tab")
        participant.keyboard.press("Tab")
        expect(participant.get_by_role("button", name="Börja svara")).to_be_focused()
        participant.keyboard.press("Enter")
        expect(participant.get_by_text("Din personliga länk.")).to_be_visible()
        expect(participant.get_by_role("navigation", name="Delar av enkäten")).to_contain_text("8. Skicka in")
        found["deltagare, svar"] = problems(participant)
        answer_a_dimension_by_keyboard(participant, FIRST, now=3, target=5)
        participant.keyboard.press("Tab")  # the comment comes after the last question
        expect(participant.get_by_label(re.compile("Kommentar om ledning och styrning"))).to_be_focused()
        participant.keyboard.type("Vi saknar <b>modell</b>")
        expect(
            participant.get_by_role("button", name=re.compile(r"1\. Ledning och styrning \(3 av 3\)"))
        ).to_be_visible()
        expect(participant.locator(".nyttolib-save-status")).to_contain_text("Dina svar är sparade.")
        participant.screenshot(path=str(tmp_path / "deltagare-svar.png"), full_page=True)
        # The facilitator's page updates by itself, without a reload.
        expect(facilitator.locator(".nyttolib-live")).to_contain_text("4 har gått med", timeout=30_000)
        expect(facilitator.locator(".nyttolib-live")).to_contain_text("4 har börjat svara", timeout=30_000)

        # On by keyboard: "Nästa" leads to the next part, whose heading gets the focus; from there the parts'
        # navigation is just before it, its last button "Skicka in".
        participant.keyboard.press("Tab")
        expect(participant.get_by_role("button", name="Nästa")).to_be_focused()
        participant.keyboard.press("Enter")
        expect(participant.get_by_role("heading", name=MATURITY.dimensions[1].title, exact=True)).to_be_focused()
        participant.keyboard.press("Shift+Tab")
        expect(participant.get_by_role("button", name=re.compile(r"Skicka in$"))).to_be_focused()
        participant.keyboard.press("Enter")
        expect(participant.get_by_role("heading", name="Skicka in", exact=True)).to_be_focused()
        participant.keyboard.press("Tab")
        expect(participant.get_by_role("button", name="Skicka in mina svar")).to_be_focused()
        participant.keyboard.press("Enter")
        expect(participant.get_by_text("Tack! Dina svar är inskickade.")).to_be_visible()
        found["deltagare, skicka in"] = problems(participant)
        expect(facilitator.locator(".nyttolib-live")).to_contain_text("4 har skickat in", timeout=30_000)

        personal = participant.locator(".nyttolib-personal-link a").get_attribute("href")
        token = personal.split("svar=")[1]
        with WorkshopStore(data) as store:
            _, response = store.response(token)
        assert response.role == "Chef" and response.submitted_at
        for statement in FIRST.statements:
            assert response.answers[statement_key(FIRST.id, statement.id)] == {"now": 3, "target": 5}
        assert response.answers["_comments"] == {FIRST.id: "Vi saknar <b>modell</b>"}

        # Notes and the action plan, then close the survey and download the report.
        facilitator.get_by_role("button", name="Anteckningar och handlingsplan").click()
        facilitator.get_by_label("Ledning och styrning", exact=True).fill("Ledningen vill se nyttan tidigt")
        facilitator.get_by_role("button", name="Lägg till åtgärd").click()
        facilitator.get_by_label("Åtgärd 1").fill("Besluta om gemensam modell")
        facilitator.get_by_label("Ansvarig").fill("Kommundirektör")
        facilitator.get_by_label("Prioritet").select_option(label="Hög")
        expect(facilitator.locator(".nyttolib-save-status")).to_contain_text("är sparade", timeout=10_000)
        found["ledarvyn, handlingsplan"] = problems(facilitator)
        facilitator.get_by_role("button", name="Exportera och stäng").click()
        facilitator.get_by_role("button", name="Stäng enkäten").click()
        expect(facilitator.get_by_text("Enkäten är stängd: deltagarna")).to_be_visible()
        # The participant's page, still open, learns it by itself: nothing to click that would not be stored.
        expect(participant.get_by_text("Enkäten är stängd. Dina svar kan inte längre ändras.")).to_be_visible(
            timeout=30_000
        )
        expect(participant.get_by_role("button", name="Skicka in mina svar")).to_be_disabled()
        participant.get_by_role("button", name=re.compile(r"^1\. Ledning och styrning")).click()
        for radio in participant.get_by_role("radio").all():
            expect(radio).to_be_disabled()
        expect(
            question_group(participant, FIRST.statements[0], "Nuläge").get_by_role("radio", name="3 Görs ofta")
        ).to_be_checked()
        facilitator.get_by_role("button", name="Rapport (PDF)").click()
        with facilitator.expect_download() as download:
            facilitator.get_by_role("link", name=re.compile(r"Spara Mognadsanalys Höst \(2026-11-22\)\.pdf")).click()
        with open(download.value.path(), "rb") as pdf:
            assert pdf.read(4) == b"%PDF"
        found["ledarvyn, export"] = problems(facilitator)

        # Back through the personal link: the answers are there, and the closed survey cannot be changed.
        participant.goto(page_url(url, "delta.ipynb", f"svar={token}"))
        expect(participant.get_by_text("Enkäten är stängd.")).to_be_visible(timeout=60_000)
        chosen = participant.get_by_role("radio", name="3 Görs ofta").first
        expect(chosen).to_be_checked()
        expect(chosen).to_be_disabled()
    with WorkshopStore(data) as store:
        stored = store.facilitation(workshop.id)
    assert stored["notes"]["ledning-och-styrning"] == "Ledningen vill se nyttan tidigt"
    assert stored["actions"][0]["action"] == "Besluta om gemensam modell" and stored["actions"][0]["priority"] == "hog"
    assert found == {name: [] for name in found}, found


def test_a_participant_cannot_reach_the_facilitator_view_or_other_answers(workshop_server, tmp_path):
    url, data, workshop, other, tokens, _systems = workshop_server
    screenshots = tmp_path
    with WorkshopStore(data) as store:  # held before; not served by this server, but the facilitator may compare
        spring = store.create("Mognadsanalys Vår", MATURITY.id, "2026-04-01")
        spring_token = store.join(spring.join_code, role="Chef")
        store.save_answers(spring_token, {statement_key(FIRST.id, FIRST.statements[0].id): {"now": 2}})
    with browser_page() as page:
        # The join code is not a facilitator code.
        page.goto(page_url(url, "ledare.ipynb", f"kod={workshop.join_code}"))
        expect(page.get_by_text("Ledarkoden stämmer inte.")).to_be_visible(timeout=60_000)
        assert "har gått med" not in page.content()
        # Nor is a participant's personal token.
        page.goto(page_url(url, "ledare.ipynb", f"kod={tokens[0]}"))
        expect(page.get_by_text("Ledarkoden stämmer inte.")).to_be_visible(timeout=60_000)
        # Nor, on this workshop's server, another workshop's facilitator code or join code.
        page.goto(page_url(url, "ledare.ipynb", f"kod={other.facilitator_code}"))
        expect(page.get_by_text("Ledarkoden stämmer inte.")).to_be_visible(timeout=60_000)
        expect(page).to_have_url(re.compile(r"/ledare\.ipynb$"))  # a wrong code leaves the address too
        page.goto(page_url(url, "delta.ipynb", f"kod={other.join_code}"))
        expect(page.get_by_text("Koden stämmer inte.")).to_be_visible(timeout=60_000)
        assert other.name not in page.content()
        # The facilitator's start page lists no workshops: only a code opens one.
        page.goto(page_url(url, "ledare.ipynb"))
        expect(page.get_by_label("Ledarkod")).to_be_visible(timeout=60_000)
        assert problems(page) == []  # the facilitator's start page too: axe with all rules, no title="null"
        content = page.content()
        assert workshop.name not in content and other.name not in content and workshop.join_code not in content
        # A made-up personal link opens nothing.
        page.goto(page_url(url, "delta.ipynb", "svar=" + tokens[0][:-2] + "xx"))
        expect(page.get_by_text("Länken till dina svar stämmer inte.")).to_be_visible(timeout=60_000)
        # One's own answers page shows nothing of anyone else's, nor the facilitator's code.
        page.goto(page_url(url, "delta.ipynb", f"svar={tokens[0]}"))
        expect(page.get_by_text("Din personliga länk")).to_be_visible(timeout=60_000)
        content = page.content()
        assert workshop.facilitator_code not in content and tokens[1] not in content and tokens[2] not in content
        # The facilitator's start page lists no workshops and creates none: only a code opens one, typed hidden.
        page.goto(page_url(url, "ledare.ipynb"))
        code = page.get_by_label("Ledarkod")
        expect(code).to_be_visible(timeout=60_000)
        content = page.content()
        assert workshop.name not in content and other.name not in content and workshop.join_code not in content
        assert "Skapa" not in content
        expect(code).to_have_attribute("type", "password")
        code.fill(workshop.facilitator_code)
        page.screenshot(path=str(screenshots / "ledare-start.png"), full_page=True)
        page.get_by_role("button", name="Öppna", exact=True).click()
        expect(page.locator(".nyttolib-live")).to_contain_text("har gått med", timeout=30_000)
        assert workshop.facilitator_code not in page.content() and "kod=" not in page.url
        # Earlier workshops are compared only when the facilitator ticks them.
        page.get_by_role("button", name="Jämförelse över tid").click()
        expect(page.get_by_text("Ingen tidigare workshop är vald att jämföra med.")).to_be_visible()
        earlier = page.get_by_label(re.compile(r"^Mognadsanalys Vår \(2026-04-01, 1 svar\)"))
        earlier.check()
        expect(page.get_by_role("columnheader", name="Mognadsanalys Vår (2026-04-01, 1 svarande)")).to_be_visible()
        found = problems(page)
        page.set_viewport_size({"width": 320, "height": 900})
        page.screenshot(path=str(screenshots / "ledare-jamforelse-320.png"), full_page=True)
        assert found == [], found
    with WorkshopStore(data) as store:
        assert store.compared_with(workshop.id) == [spring.id]
    # In workshop mode the assessments are not served at all.
    for notebook in ("start.ipynb", "bedomning.ipynb", "rapport.ipynb"):
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(page_url(url, notebook), timeout=30)
        assert error.value.code == 404


def test_a_per_system_questionnaire_in_the_browser(workshop_server):
    """Klassificering av IS/IT-system: the system is chosen from those already named, the group decides the
    questions, and a figure typed wrong keeps its text and gets a message; no axe violations."""
    _url, data, _workshop, _other, _tokens, systems = workshop_server
    found: dict[str, list[str]] = {}
    with voila_server(data, **workshop_server_options(1, systems.id)) as url, browser_page() as page:
        page.goto(page_url(url, "delta.ipynb", f"kod={systems.join_code}"))
        subject = page.get_by_label("Vilket system bedömer du?")
        subject.wait_for(timeout=60_000)
        options = page.locator("datalist option")
        expect(options).to_have_count(1)
        assert options.first.get_attribute("value") == "Procapita"  # named by the IT participant
        page.get_by_label("Du svarar för").select_option(label="Verksamheten")
        page.get_by_role("button", name="Börja svara").click()
        expect(page.get_by_text("Skriv vilket system du bedömer.")).to_be_visible()
        subject.fill("Procapita")
        page.get_by_role("button", name="Börja svara").click()
        expect(page.get_by_text("Din personliga länk.")).to_be_visible()
        found["system, svar"] = problems(page)
        page.get_by_role("button", name=re.compile(r"Siffror$")).click()
        users = page.get_by_label("Antal användare i kommunen (st)")
        users.fill("ca 40")
        expect(page.get_by_text("Skriv ett tal med siffror, t.ex. 1 250 eller 0,5")).to_be_visible()
        found["system, siffror med fel"] = problems(page)
        users.fill("40")
        expect(page.get_by_text("Skriv ett tal med siffror, t.ex. 1 250 eller 0,5")).to_have_count(0)
        expect(page.locator(".nyttolib-save-status")).to_contain_text("Dina svar är sparade.")
        link = page.locator(".nyttolib-personal-link a").get_attribute("href")
    with WorkshopStore(data) as store:
        _, response = store.response(link.split("svar=")[1])
    assert (response.role, response.subject) == ("Verksamheten", "Procapita")
    assert response.answers["_numbers"] == {"anvandare": 40} and response.answers["_drafts"] == {}
    assert found == {name: [] for name in found}, found


def test_two_facilitator_tabs_keep_each_others_notes_and_show_a_conflict(workshop_server):
    """A laptop and a projector on the same workshop: notes written in each survive and show up in the
    other within a poll; the same note changed in both is shown with "Behåll min" / "Ta deras"."""
    url, data, workshop, _other, _tokens, _systems = workshop_server
    # The server serves its own workshop only; the last two dimensions, which no other test writes notes on.
    first, second = (d.title for d in MATURITY.dimensions[-2:])
    found: dict[str, list[str]] = {}
    with browser_page() as laptop:
        projector = laptop.context.new_page()
        for page in (laptop, projector):
            page.goto(page_url(url, "ledare.ipynb", f"kod={workshop.facilitator_code}"))
            page.get_by_role("button", name="Anteckningar och handlingsplan").click()
        laptop.get_by_label(first, exact=True).fill("Från datorn")
        projector.get_by_label(second, exact=True).fill("Från projektorn")
        expect(projector.get_by_label(first, exact=True)).to_have_value("Från datorn", timeout=30_000)
        expect(laptop.get_by_label(second, exact=True)).to_have_value("Från projektorn", timeout=30_000)
        # The same note in both, before either has seen the other's: the one saved second is a conflict.
        laptop.get_by_label(first, exact=True).fill("Datorn ändrar")
        projector.get_by_label(first, exact=True).fill("Projektorn ändrar")
        conflict = "Ändrat i två fönster"
        pages = {"laptop": laptop, "projector": projector}
        where = wait_for(
            lambda: next((k for k, p in pages.items() if p.get_by_role("heading", name=conflict).count()), None),
            timeout=30,
            message="the conflict to be shown",
        )
        chooser, other_tab = pages[where], pages["projector" if where == "laptop" else "laptop"]
        mine = "Datorn ändrar" if where == "laptop" else "Projektorn ändrar"
        expect(chooser.get_by_role("alert").filter(has_text=conflict)).to_be_visible()
        expect(chooser.locator(".nyttolib-conflict")).to_contain_text(f"Här: {mine}")
        found["två fönster, konflikt"] = problems(chooser)
        chooser.get_by_role("button", name="Behåll min").click()
        expect(chooser.get_by_role("heading", name=conflict)).to_have_count(0)
        expect(other_tab.get_by_label(first, exact=True)).to_have_value(mine, timeout=30_000)
    with WorkshopStore(data) as store:
        notes = store.facilitation(workshop.id)["notes"]
    assert notes[MATURITY.dimensions[-2].id] == mine and notes[MATURITY.dimensions[-1].id] == "Från projektorn"
    assert found == {name: [] for name in found}, found
