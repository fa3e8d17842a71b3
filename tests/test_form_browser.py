"""The guided form in a real browser: fill in the seed's invoice example, survive a killed kernel,
keep a wrong number with a message, pass axe-core on every step, and work by keyboard alone."""

from __future__ import annotations

import json
import os
import re
import signal

import pytest
from playwright.sync_api import expect

from nyttolib.assessment.documents import read_assessment_file
from nyttolib.assessment.summary import summary_text
from nyttolib.content import load_content
from nyttolib.storage.assessments import Store

from browser import browser_page, kernel_pids, page_url, require_chromium, voila_server, wait_for
from conftest import INVOICE
from formdriver import FormDriver

pytestmark = pytest.mark.slow

KINDS = {"engangs": "Engångskostnad", "lopande": "Löpande kostnad"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    data = tmp_path_factory.mktemp("data")
    with voila_server(data) as url:
        yield url, data


def new_form(page, url) -> FormDriver:
    page.goto(page_url(url, "start.ipynb"))
    page.get_by_role("link", name="Ny bedömning").click()
    form = FormDriver(page)
    form.wait_ready()
    return form


def stored(data, name: str):
    with Store(data) as store:
        rows = [row for row in store.list() if row.name == name]
        return store.load(rows[0].id)[0] if rows else None


def fill_invoice_example(form: FormDriver, example) -> None:
    """Type the whole example into the form, step by step, as a user would."""
    content = load_content()
    ini = example.initiative
    for label, value in [
        ("Initiativets namn", ini.name),
        ("Verksamhet", ini.department),
        ("Initiativtagare", ini.initiator),
        ("Ägare (projektägare)", ini.owner),
        ("Kontaktperson", ini.contact),
        ("Behov", ini.need),
        ("Beskrivning av initiativet", ini.description),
    ]:
        form.fill(label, value)
    form.select("Typ av initiativ", content.label(content.initiative.kinds, ini.kind))
    form.fill("Uppskattad arbetsinsats (timmar)", "550")
    form.fill("Startdatum", ini.start_date.isoformat())
    form.fill("Slutdatum", ini.end_date.isoformat())
    form.fill("Nr", ini.portfolio.number)
    form.fill("År", ini.portfolio.year)
    form.fill("Projektnr", ini.portfolio.project_number)
    form.select("Steg i portföljen", content.label(content.initiative.portfolio_stages, ini.portfolio.stage))
    form.fill("Kostnad (totalt) (kr)", "285 000")
    for index, line in enumerate(ini.portfolio.funding, start=1):
        row = form.add_row("Lägg till finansiering", f"Finansiering {index}")
        form.select("Finansieringskälla", content.label(content.initiative.funding_sources, line.source), row)
        form.fill("Belopp (kr)", int(line.amount_kr), row)
        form.fill("Kommentar", line.note, row)
    priority = next(p for p in content.initiative.priority_classes if p.id == ini.priority_class)
    form.select("Prioriteringsgrund", f"{priority.rank}. {priority.label}")
    for criterion in content.initiative.valuation_criteria:
        form.select(criterion.label, str(getattr(ini.valuation, criterion.id)))

    form.go_to_step(2)
    for criterion in content.criteria.criteria:
        answer = example.prerequisites[criterion.id]
        form.radio(f"Bedömning: {criterion.label}", answer.answer.upper())
        form.fill(f"Motivering/kommentar till bedömning: {criterion.label}", answer.motivation)

    form.go_to_step(3)
    for axis in content.classification.axes:
        cell = axis.cells[example.classification[axis.id] - 1]
        form.radio(f"{axis.left} – {axis.right}", f"{cell.label} ({cell.share})")

    form.go_to_step(4)
    for index, benefit in enumerate(example.benefits, start=1):
        row = form.add_row("Lägg till nytta", f"Nytta {index}")
        form.fill("Förväntad nytta", benefit.description, row)
        form.fill("Målgrupp", benefit.target_group, row)
        form.select("Kategori", content.category(benefit.category).label, row)
        form.fill("Nytta förväntas uppnås genom", benefit.means, row)
        form.radio("Mätbar (ja/nej)", "Ja" if benefit.measurable else "Nej", row)
        form.fill("Noll-mätning", benefit.baseline, row)
        if benefit.unvalued_score is not None:
            scale = next(s for s in content.benefits.unvalued_scale if s.value == benefit.unvalued_score)
            form.select("Skattning om nyttan inte värderas i pengar", f"{scale.value} – {scale.label}", row)
    expect(form.page.locator(".nyttolib-rule")).to_contain_text("Nyttokalkyl krävs")

    form.go_to_step(5)
    calc = example.calculation
    form.fill("Första år", calc.start_year)
    form.fill("Diskonteringsränta (%)", "3")
    years = [str(calc.start_year + y) for y in range(calc.years)]
    for index, line in enumerate(calc.cost_lines, start=1):
        row = form.add_row("Lägg till kostnad", f"Kostnad {index}")
        form.fill("Kostnad", line.description, row)
        form.select("Typ av kostnad", KINDS[line.kind], row)
        if line.unit == "timmar":
            form.select("Enhet", "Timmar", row)
            row = form.row(f"Kostnad {index}")
            row.get_by_label("Timpris", exact=True).wait_for()
            rate = content.hourly_rate(line.rate).label
            form.select("Timpris", rate, row)
        prefix, unit = ("Timmar", "h") if line.unit == "timmar" else ("Belopp", "kr")
        for year, value in zip(years, line.values, strict=True):
            if value:
                form.fill(f"{prefix} {year} ({unit})", int(value), form.row(f"Kostnad {index}"))
        if line.high_percent is not None:
            form.fill("Högt utfall (%)", int(line.high_percent), form.row(f"Kostnad {index}"))
    for index, line in enumerate(calc.freed_time_lines, start=1):
        row = form.add_row("Lägg till frigjord tid", f"Frigjord tid {index}")
        form.fill("Frigjord tid, beskrivning", line.description, row)
        form.select("Hör till nytta", example.benefit(line.benefit_id).description, row)
        form.fill("Volym per år (st)", "13 400", row)
        form.fill("Minuter per ärende (min)", int(line.minutes_per_case), row)
        form.fill("Andel som påverkas (%)", int(line.share_percent), row)
        for year, value in zip(years, line.ramp_percent, strict=True):
            form.fill(f"Effekt {year} (%)", int(value), row)
        form.fill("Lågt utfall (%)", int(line.low_percent), row)
        form.fill("Högt utfall (%)", int(line.high_percent), row)
        if line.realisable:  # freed time is money only when the user says it is taken home
            freed = content.texts.freed_time
            form.radio(freed.realisable_label, freed.realisable_yes, row)
    expect(form.page.locator(".nyttolib-results")).to_contain_text("565 680")

    form.go_to_step(6)
    plan = example.plan
    item = plan.items[0]
    for question in content.steps.plan_questions:
        if question.id in item.answers:
            form.fill(question.label, item.answers[question.id])
    for question in content.steps.seven_questions:
        form.fill(question.label, item.seven_questions[question.id])
    form.fill("Mätetal (enhet)", item.unit)
    form.fill("Nuläge (värde)", int(item.baseline_value))
    form.fill("Målvärde", "1 005")
    form.fill("Målet ska nås senast", item.target_date.isoformat())
    form.select(
        "Hur ofta nyttan mäts", content.label(content.portfolio.measurement_intervals, item.measurement_interval)
    )
    for index, measurement in enumerate(item.measurements, start=1):
        row = form.add_row("Lägg till mätning", f"Mätning {index}")
        form.fill("Datum", measurement.date.isoformat(), row)
        form.fill("Uppmätt värde", int(measurement.value), row)
        if measurement.comment:
            form.fill("Kommentar", measurement.comment, row)
    for index, activity in enumerate(plan.activities, start=1):
        row = form.add_row("Lägg till aktivitet", f"Aktivitet {index}")
        for label, value in [
            ("Aktivitet", activity.activity),
            ("Syfte", activity.purpose),
            ("Tidplan", activity.schedule),
            ("Resurser", activity.resources),
            ("Ansvarig", activity.responsible),
        ]:
            form.fill(label, value, row)
        if activity.outside_project:
            form.check("Ingår inte i projektet men krävs för att nyttan ska uppnås", True, row)
    for index, text in enumerate(plan.prerequisites, start=1):
        form.add_row("Lägg till förutsättning", f"Förutsättning {index}")
        form.fill(f"Förutsättning {index}", text)
    for index, text in enumerate(plan.behaviour_changes, start=1):
        form.add_row("Lägg till beteendeförändring", f"Beteendeförändring {index}")
        form.fill(f"Beteendeförändring {index}", text)
    for index, risk in enumerate(plan.risks, start=1):
        row = form.add_row("Lägg till risk", f"Risk {index}")
        form.fill("Risk", risk.risk, row)
        form.fill("Hur risken hanteras", risk.handling, row)
    for index, contribution in enumerate(plan.indicators, start=1):
        row = form.add_row("Lägg till indikatorbidrag", f"Indikatorbidrag {index}")
        indicator = next(i for i in content.portfolio.indicators if i.id == contribution.indicator)
        form.select("Indikator", f"{indicator.label} ({indicator.unit})", row)
        expect(row.locator(".nyttolib-help")).to_contain_text(indicator.description)  # the help follows the choice
        form.fill("År", contribution.year, row)
        form.fill("Förväntat bidrag", int(contribution.expected), row)
        form.fill("Uppnått bidrag", int(contribution.realised), row)
    form.fill("När ska det rapporteras?", plan.reporting)
    form.fill("Godkänd av (beställare)", plan.approved_by)
    form.fill("Godkänd datum", plan.approved_date.isoformat())
    expect(form.page.locator(".nyttolib-light").first).to_contain_text("Gul")


def test_fill_in_the_invoice_example_through_the_form(server, tmp_path):
    url, data = server
    content = load_content()
    example = read_assessment_file(INVOICE, content).assessment
    with browser_page() as page:
        form = new_form(page, url)
        fill_invoice_example(form, example)
        form.go_to_step(7)
        expect(page.locator(".nyttolib-missing")).to_contain_text("Inget saknas")
        form.wait_saved()
        page.screenshot(path=str(tmp_path / "sammanfattning.png"), full_page=True)
    saved = wait_for(lambda: stored(data, example.initiative.name), message="the saved assessment")
    assert summary_text(saved, content) == summary_text(example, content)
    assert [i.measurement_interval for i in saved.plan.items] == [i.measurement_interval for i in example.plan.items]
    fields = ("indicator", "year", "expected", "realised", "comment")
    assert [[getattr(i, f) for f in fields] for i in saved.plan.indicators] == [
        [getattr(i, f) for f in fields] for i in example.plan.indicators
    ]


def test_a_killed_kernel_loses_nothing_that_was_typed(server):
    url, _data = server
    with browser_page() as page:
        form = new_form(page, url)
        form.fill("Initiativets namn", "Digital närvarolista")
        form.fill("Behov", "Lärare för närvaro på papper; 2 000 elever.")
        form.go_to_step(2)
        form.radio("Bedömning: Nyttoanalys framtagen", "NEJ")
        form.fill("Motivering/kommentar till bedömning: Nyttoanalys framtagen", "Tas fram i april")
        form.wait_saved()
        config = json.loads(page.locator("#jupyter-config-data").inner_text())
        pids = kernel_pids(config["kernelId"])
        assert pids, "the page's kernel process was not found"
        page.close()
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
    with browser_page() as page:
        page.goto(page_url(url, "start.ipynb"))
        page.get_by_role("link", name="Digital närvarolista").click()
        form = FormDriver(page)
        form.wait_ready()
        expect(page.get_by_label("Initiativets namn", exact=True)).to_have_value("Digital närvarolista")
        expect(page.get_by_label("Behov", exact=True)).to_have_value("Lärare för närvaro på papper; 2 000 elever.")
        form.go_to_step(2)
        field = page.locator(".nyttolib-field").filter(has_text="Bedömning: Nyttoanalys framtagen")
        expect(field.get_by_role("radio", name="NEJ", exact=True)).to_be_checked()
        expect(
            page.get_by_label("Motivering/kommentar till bedömning: Nyttoanalys framtagen", exact=True)
        ).to_have_value("Tas fram i april")


def test_a_wrong_number_shows_a_message_and_keeps_the_text(server):
    url, data = server
    with browser_page() as page:
        form = new_form(page, url)
        form.fill("Initiativets namn", "Felinmatning")
        form.go_to_step(5)
        row = form.add_row("Lägg till frigjord tid", "Frigjord tid 1")
        form.fill("Volym per år (st)", "13 4OO", row)
        message = form.message_for("Volym per år (st)")
        expect(message).to_contain_text("Skriv ett tal med siffror, t.ex. 1 250 eller 0,5")
        expect(row.get_by_label("Volym per år (st)", exact=True)).to_have_value("13 4OO")
        form.fill("Minuter per ärende (min)", "1.000", row)
        expect(form.message_for("Minuter per ärende (min)")).to_contain_text("Otydligt: 1.000 kan betyda 1 000 eller 1")
        form.fill("Andel som påverkas (%)", "120", row)
        expect(form.message_for("Andel som påverkas (%)")).to_contain_text("Skriv ett tal från 0 till 100 %")
        expect(page.get_by_role("button", name=re.compile(r"^5\. Nyttokalkyl \(har fel\)"))).to_be_visible()
        form.wait_saved()
        url_with_id = page_url(url, "bedomning.ipynb", f"id={stored(data, 'Felinmatning').id}")
    with browser_page() as page:
        page.goto(url_with_id)
        form = FormDriver(page)
        form.wait_ready()
        expect(page.get_by_role("button", name=re.compile(r"^5\. Nyttokalkyl \(har fel\)"))).to_be_visible()
        form.go_to_step(5)
        row = form.row("Frigjord tid 1")
        expect(row.get_by_label("Volym per år (st)", exact=True)).to_have_value("13 4OO")
        expect(form.message_for("Volym per år (st)")).to_contain_text("Skriv ett tal")
        form.fill("Volym per år (st)", "13 400", row)
        expect(form.message_for("Volym per år (st)")).to_be_hidden()
        form.wait_saved()
    assert stored(data, "Felinmatning").calculation.freed_time_lines[0].volume_per_year == 13_400


def test_export_from_the_summary_step_downloads_the_files(server, tmp_path):
    url, _data = server
    with browser_page() as page:
        form = new_form(page, url)
        form.fill("Initiativets namn", "Export <b>prov</b>")
        form.wait_saved()
        form.go_to_step(7)
        for button, suffix, magic in [
            ("PDF (beslutsunderlag)", ".pdf", b"%PDF"),
            ("Excel (nyttokalkyl)", ".xlsx", b"PK"),
            ("JSON (arkiv)", ".json", b"{"),
        ]:
            form.click(button)
            link = page.get_by_role("link", name=re.compile(rf"^Spara Export -b-prov-b \(.+\){re.escape(suffix)}$"))
            with page.expect_download() as download:
                link.click()
            saved = tmp_path / download.value.suggested_filename
            download.value.save_as(saved)
            assert saved.read_bytes().startswith(magic)
        assert json.loads(saved.read_text(encoding="utf-8"))["initiative"]["name"] == "Export <b>prov</b>"


def test_the_history_compares_two_revisions(server, tmp_path):
    """Item 12 in a real browser: two saves, then Sammanfattning says what changed between them."""
    url, _data = server
    with browser_page() as page:
        form = new_form(page, url)
        form.fill("Initiativets namn", "Jämförelse")
        form.wait_saved()
        form.fill("Verksamhet", "Kontaktcenter")
        form.wait_saved()
        form.go_to_step(7)
        page.get_by_label("Från revision").wait_for()
        expect(page.get_by_label("Till revision")).to_contain_text("Revision")
        form.click("Visa ändringar")
        changes = page.locator(".nyttolib-changes")
        expect(changes).to_contain_text("Om initiativet → Verksamhet: (tomt) → ”Kontaktcenter”")
        expect(changes.locator("li")).to_have_count(1)
        page.set_viewport_size({"width": 1280, "height": 900})
        changes.scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / "historik-1280.png"), full_page=True)
        page.set_viewport_size({"width": 320, "height": 900})
        changes.scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / "historik-320.png"))
        for part in (changes, page.get_by_label("Från revision"), page.get_by_label("Till revision")):
            box = part.bounding_box()
            assert box is not None and box["x"] + box["width"] <= 320  # nothing runs off a phone's screen
