"""The benefit register: due and overdue on fixed dates, planned against realised benefit per year (figures
computed by hand), the filters, the CLI, and an older (schema 2) document whose interval is read from its text."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nyttolib import formatting as fmt
from nyttolib.assessment.model import (
    Assessment,
    Benefit,
    BenefitLine,
    Calculation,
    CostLine,
    Initiative,
    Measurement,
    PlanItem,
    Portfolio,
    RealisationPlan,
)
from nyttolib.paths import DATABASE_FILENAME
from nyttolib.portfolio.register import (
    Filters,
    add_months,
    benefit_register,
    due_state,
    economics,
    figure,
    plan_item_due,
    register_text,
)
from nyttolib.portfolio.rows import summary_row
from nyttolib.portfolio.store import PortfolioStore
from nyttolib.storage.assessments import Store

from conftest import INFRASTRUCTURE
from strategies import CONTENT, assessments

D = dt.date


# --- month arithmetic and the due rule, by hand -------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),  # the last day of a shorter month
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # a leap year's February
        (D(2025, 10, 31), 1, D(2025, 11, 30)),
        (D(2025, 12, 31), 2, D(2026, 2, 28)),  # over the turn of the year
        (D(2025, 12, 15), 1, D(2026, 1, 15)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2026, 2, 28), 1, D(2026, 3, 28)),  # a month end that is not the longest stays the same day
        (D(2026, 8, 31), 6, D(2027, 2, 28)),
        (D(2026, 5, 15), 60, D(2031, 5, 15)),
        (D(9999, 11, 30), 3, dt.date.max),  # beyond the calendar: never due, and no crash
    ],
)
def test_add_months_keeps_the_day_or_takes_the_months_last(day, months, expected):
    assert add_months(day, months) == expected


def test_due_counts_from_the_latest_measurement_at_a_month_end():
    latest = D(2026, 1, 31)  # measured monthly: next on 28 February
    before = due_state(1, D(2026, 2, 27), 30, latest=latest, approved=D(2025, 1, 1))
    assert (before.state, before.due_date, before.counted_from) == ("not_due", D(2026, 2, 28), "measurement")
    assert before.label == "Nästa mätning 2026-02-28 (räknat från senaste mätningen)"
    on_the_day = due_state(1, D(2026, 2, 28), 30, latest=latest)
    assert on_the_day.state == "due"


def test_overdue_only_after_the_grace_days():
    latest = D(2026, 1, 31)  # due 2026-02-28; 30 days of grace run out on 2026-03-30
    assert due_state(1, D(2026, 3, 30), 30, latest=latest).state == "due"
    late = due_state(1, D(2026, 3, 31), 30, latest=latest)
    assert late.state == "overdue"
    assert late.label == "Försenad: skulle ha mätts 2026-02-28 (31 dagar sedan, räknat från senaste mätningen)"
    assert due_state(1, D(2026, 3, 1), 0, latest=latest).state == "overdue"  # no grace: late the day after


def test_without_a_measurement_it_counts_from_the_approval_then_the_start():
    approved = due_state(3, D(2026, 2, 28), 30, approved=D(2025, 11, 30), start=D(2020, 1, 1))
    assert (approved.state, approved.due_date, approved.counted_from) == ("due", D(2026, 2, 28), "approved")
    started = due_state(6, D(2026, 2, 27), 30, start=D(2025, 8, 31))
    assert (started.state, started.due_date, started.counted_from) == ("not_due", D(2026, 2, 28), "start")
    assert "initiativets startdatum" in started.label


def test_with_no_date_to_count_from_it_is_due_but_never_late():
    for today in (D(2026, 1, 1), D(2040, 1, 1)):
        due = due_state(1, today, 30)
        assert (due.state, due.due_date, due.counted_from) == ("due", None, None)
    assert "inget godkännande- eller startdatum" in due.label


def test_no_interval_is_said_as_such():
    due = due_state(None, D(2026, 1, 1), 30, latest=D(2020, 1, 1))
    assert (due.state, due.label) == ("no_interval", "mätintervall saknas")


# --- the register over stored initiatives ---------------------------------------------------------------


def _benefit(name: str) -> Benefit:
    return Benefit(description=name, measurable=True)


def _initiative(name: str, department: str, number: str, start: dt.date | None = None) -> Initiative:
    return Initiative(name=name, department=department, portfolio=Portfolio(number=number), start_date=start)


@pytest.fixture
def portfolio(tmp_path, content):
    """Three initiatives whose figures are worked out by hand in the tests below."""
    # A: start 2025, 3 years; one realisable benefit line of 100 000 kr at 50/100/100 % for benefit a1.
    a1, a2 = _benefit("Kortare handläggning"), _benefit("Nöjdare medborgare")
    first = Assessment(
        initiative=_initiative("Bygglov digitalt", "Samhällsbyggnad", "7", start=D(2025, 1, 15)),
        benefits=[a1, a2],
        calculation=Calculation(
            start_year=2025,
            years=3,
            cost_lines=[CostLine(description="Licens", values=[10_000, 10_000, 10_000])],
            benefit_lines=[BenefitLine(benefit_id=a1.id, full_effect_kr=100_000, ramp_percent=[50, 100, 100])],
        ),
        plan=RealisationPlan(
            approved_date=D(2025, 2, 1),
            items=[
                PlanItem(
                    benefit_id=a1.id,
                    unit="dagar",
                    baseline_value=0,
                    target_value=10,
                    target_date=D(2026, 6, 30),
                    measurement_interval="kvartal",
                    measurements=[
                        Measurement(date=D(2025, 6, 30), value=4),
                        Measurement(date=D(2025, 12, 31), value=5),  # 2025's latest: half way → 25 000 kr
                        Measurement(date=D(2026, 1, 31), value=12),  # past the target: all of 2026's 100 000 kr
                        Measurement(date=D(2026, 9, 30)),  # a date without a value is no measurement
                    ],
                    seven_questions={"vem_ansvarar_uppfoljning": "Bygglovschefen"},
                ),
                # No interval set; the plan's text says "kvartalsvis": read from the text.
                PlanItem(benefit_id=a2.id, answers={"how_when_who": "Enkät kvartalsvis"}),
            ],
        ),
    )
    # B: start 2026, 3 years; 200 000 kr/år for b1, a goal to go down (10 → 0); a non-realisable line.
    b1 = _benefit("Färre fel")
    second = Assessment(
        initiative=_initiative("E-faktura", "Ekonomi", "12"),
        benefits=[b1],
        calculation=Calculation(
            start_year=2026,
            years=3,
            benefit_lines=[
                BenefitLine(benefit_id=b1.id, full_effect_kr=200_000, ramp_percent=[100, 100, 100]),
                BenefitLine(benefit_id=b1.id, full_effect_kr=999_000, ramp_percent=[100, 100, 100], realisable=False),
            ],
        ),
        plan=RealisationPlan(
            items=[
                PlanItem(
                    benefit_id=b1.id,
                    baseline_value=10,
                    target_value=0,
                    target_date=D(2026, 12, 31),
                    measurement_interval="manad",
                    measurements=[Measurement(date=D(2026, 3, 1), value=7.5)],  # a quarter of the way: 50 000 kr
                )
            ]
        ),
    )
    # C: no start year and no År: 30 000 kr/år for three years cannot be put in calendar years.
    third = Assessment(
        initiative=_initiative("Chattbot", "ekonomi ", "3"),
        calculation=Calculation(years=3, benefit_lines=[BenefitLine(full_effect_kr=30_000, ramp_percent=[100] * 3)]),
        plan=RealisationPlan(items=[PlanItem(benefit_id=None, measurement_interval="ar")]),
    )
    with PortfolioStore(tmp_path / "data", content) as store:
        ids = [store.save(a).id for a in (first, second, third)]
        yield store, ids


def _by_benefit(register):
    return {entry.benefit: entry for entry in register.entries}


def test_register_rows_on_a_fixed_date(portfolio, content):
    store, _ids = portfolio
    register = benefit_register(store.portfolio_rows(plans=True), content, D(2026, 5, 2))
    entries = _by_benefit(register)
    assert len(register.entries) == 4
    quick = entries["Kortare handläggning"]
    assert (quick.number, quick.name, quick.department) == ("7", "Bygglov digitalt", "Samhällsbyggnad")
    assert (quick.responsible, quick.unit, quick.baseline, quick.target) == ("Bygglovschefen", "dagar", 0, 10)
    assert (quick.latest_date, quick.latest_value) == (D(2026, 1, 31), 12)
    assert (quick.light, quick.light_label) == ("green", content.settings.traffic_light.labels.green)
    assert (quick.interval, quick.interval_label, quick.interval_inferred) == ("kvartal", "Varje kvartal", False)
    # 31 January + 3 months = 30 April; 2 May is within the 30 days' grace.
    assert (quick.due.state, quick.due.due_date) == ("due", D(2026, 4, 30))
    assert quick.target_passed is False

    happier = entries["Nöjdare medborgare"]
    assert (happier.interval, happier.interval_inferred) == ("kvartal", True)
    # No measurement: counted from the plan's approval (1 Feb 2025) → 1 May 2025, a year late by now.
    assert (happier.due.state, happier.due.due_date, happier.due.counted_from) == ("overdue", D(2025, 5, 1), "approved")
    assert (happier.light, happier.latest_date) == ("none", None)

    fewer = entries["Färre fel"]
    # Monthly since 1 March: due 1 April, more than 30 days ago on 2 May → overdue.
    assert (fewer.due.state, fewer.due.due_date, fewer.due.counted_from) == ("overdue", D(2026, 4, 1), "measurement")
    assert fewer.light == "red"  # 25 % of the way

    unnamed = entries[""]
    # Yearly, no measurement, no approval, no start date: due at once, never late.
    assert (unnamed.due.state, unnamed.due.counted_from, unnamed.interval_label) == ("due", None, "Varje år")
    # Most urgent first: overdue, then due; within a state the worst light first.
    assert [e.benefit for e in register.entries] == ["Färre fel", "Nöjdare medborgare", "Kortare handläggning", ""]
    assert register.counts() == {"overdue": 2, "due": 2, "not_due": 0, "no_interval": 0}


def test_a_passed_target_date_without_green_is_flagged(portfolio, content):
    store, _ = portfolio
    rows = store.portfolio_rows(plans=True)
    on_new_year = _by_benefit(benefit_register(rows, content, D(2027, 1, 1)))
    assert on_new_year["Färre fel"].target_passed is True  # red after 31 Dec 2026
    assert on_new_year["Kortare handläggning"].target_passed is False  # green: the target is reached
    assert _by_benefit(benefit_register(rows, content, D(2026, 12, 31)))["Färre fel"].target_passed is False


def test_planned_against_realised_per_year_by_hand(portfolio, content):
    store, _ = portfolio
    figures = economics(store.portfolio_rows())
    assert [(y.year, y.planned_kr, y.realised_kr) for y in figures.per_year] == [
        ("2025", 50_000, 25_000),  # A: 100 000 × 50 %; realised half of it (5 of 10)
        ("2026", 300_000, 150_000),  # A 100 000 (target passed: all) + B 200 000 (a quarter: 50 000)
        ("2027", 300_000, 0),
        ("2028", 200_000, 0),
    ]
    assert figures.per_year[1].realised_percent == 50
    assert (figures.without_year_kr, figures.without_year_count) == (90_000, 1)  # C: 3 × 30 000
    assert "årets senaste mätning" in figures.rule


def test_filters_by_department_light_and_due(portfolio, content):
    store, _ = portfolio
    rows = store.portfolio_rows(plans=True)
    today = D(2026, 5, 2)
    economy = benefit_register(rows, content, today, Filters(department="  EKONOMI"))
    # "Ekonomi" and "ekonomi " are the same verksamhet.
    assert sorted(e.name for e in economy.entries) == ["Chattbot", "E-faktura"]
    assert economy.initiatives == 2
    assert [(y.year, y.planned_kr) for y in economy.economics.per_year] == [
        ("2026", 200_000),
        ("2027", 200_000),
        ("2028", 200_000),
    ]
    red = benefit_register(rows, content, today, Filters(light="red"))
    assert [e.benefit for e in red.entries] == ["Färre fel"]
    none = benefit_register(rows, content, today, Filters(light="none"))
    assert sorted(e.benefit for e in none.entries) == ["", "Nöjdare medborgare"]
    due = benefit_register(rows, content, D(2026, 2, 1), Filters(due=True))
    # On 1 February nothing from A's latest (31 Jan) is due yet, B's (1 March) lies ahead.
    assert sorted(e.benefit for e in due.entries) == ["", "Nöjdare medborgare"]
    both = benefit_register(rows, content, today, Filters(department="Samhällsbyggnad", light="green", due=True))
    assert [e.benefit for e in both.entries] == ["Kortare handläggning"]
    assert benefit_register(rows, content, today, Filters(department="Skola")).entries == []


def test_a_changed_interval_in_the_content_reads_as_missing(portfolio, content):
    store, _ = portfolio
    rows = store.portfolio_rows(plans=True)
    changed = rows[0]["plans"][0]
    changed["interval"] = "vecka"  # an id the content does not have (any more)
    entries = benefit_register(rows, content, D(2026, 5, 2)).entries
    entry = next(e for e in entries if e.plan_id == changed["plan_id"])
    assert entry.due.state == "no_interval"
    assert "okänt mätintervall" in entry.interval_label


def test_the_text_says_what_is_due_and_the_rule(portfolio, content):
    store, _ = portfolio
    text = register_text(benefit_register(store.portfolio_rows(plans=True), content, D(2026, 5, 2)))
    assert "Nyttoregister per 2026-05-02: 4 nyttor i 3 initiativ." in text
    assert "Försenade: 2 · dags att mäta: 2 · inte dags: 0 · mätintervall saknas: 0" in text
    assert "Mäts: Varje kvartal (läst ur planens text) · Försenad: skulle ha mätts 2025-05-01" in text
    assert "Nr 12 · E-faktura (Ekonomi)" in text
    assert "Realiserad nytta ett år" in text


# --- an older document ---------------------------------------------------------------------------------


def _schema_2(path) -> str:
    """The e-arkiv example as nyttolib wrote it before schema 3: no interval, no indicator contributions."""
    document = json.loads(path.read_text(encoding="utf-8"))
    document["schema_version"] = 2
    for item in document["plan"]["items"]:
        del item["measurement_interval"]
    del document["plan"]["indicators"]
    return json.dumps(document, ensure_ascii=False)


def test_a_schema_2_revision_opens_and_its_interval_is_read_from_its_text(tmp_path, content, infrastructure):
    directory = tmp_path / "data"
    with Store(directory) as plain:  # a store from before the portfolio: no rows
        saved = plain.save(infrastructure)
    with sqlite3.connect(directory / DATABASE_FILENAME) as db:
        db.execute("UPDATE revisions SET document = ?, schema_version = 2", (_schema_2(INFRASTRUCTURE),))
    with PortfolioStore(directory, content) as store:
        loaded, _ = store.load(saved.id)
        assert [item.measurement_interval for item in loaded.plan.items] == [None, None]
        assert loaded.plan.indicators == []
        register = benefit_register(store.portfolio_rows(plans=True), content, D(2023, 2, 1))
    # "Hur och när mäts detta" says "kvartalsvis"; the latest measurement 31 Dec 2022 → due 31 Mar 2023.
    assert [(e.interval, e.interval_inferred, e.due.state) for e in register.entries] == [
        ("kvartal", True, "not_due"),
        ("kvartal", True, "not_due"),
    ]
    assert {e.due.due_date for e in register.entries} == {D(2023, 3, 31)}


# --- the command ---------------------------------------------------------------------------------------


@pytest.fixture
def command(portfolio):
    store, _ = portfolio
    env = {**os.environ, "NYTTOLIB_DATA_DIR": str(store.directory)}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "nyttolib", "portfolio", "register", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )

    return run


def test_cli_register_json_with_filters(command):
    result = command("--json", "--date", "2026-05-02", "--department", "ekonomi", "--due")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["date"] == "2026-05-02"
    assert data["filters"] == {"department": "ekonomi", "light": None, "due": True}
    assert [(e["name"], e["due_state"], e["due_date"]) for e in data["entries"]] == [
        ("E-faktura", "overdue", "2026-04-01"),
        ("Chattbot", "due", None),
    ]
    assert data["entries"][0]["latest_date"] == "2026-03-01"
    assert [(y["year"], y["planned_kr"], y["realised_kr"]) for y in data["economics"]["per_year"]] == [
        ("2026", 200_000, 50_000),
        ("2027", 200_000, 0),
        ("2028", 200_000, 0),
    ]
    assert data["economics"]["without_calendar_year_kr"] == 90_000


def test_cli_register_text_and_light(command):
    result = command("--date", "2026-05-02", "--light", "green")
    assert result.returncode == 0, result.stderr
    assert "Filter: ljus grön." in result.stdout
    assert "Kortare handläggning" in result.stdout
    assert "Färre fel" not in result.stdout


def test_cli_register_usage_errors_exit_2(command):
    bad_date = command("--date", "2026-02-30")
    assert bad_date.returncode == 2
    assert "'2026-02-30' är inget datum (skriv ÅÅÅÅ-MM-DD)" in bad_date.stderr
    assert "Traceback" not in bad_date.stderr
    assert command("--light", "lila").returncode == 2


def test_cli_register_with_an_unreadable_assessment_exits_1(command, portfolio):
    store, (first, _, _) = portfolio
    with sqlite3.connect(store.directory / DATABASE_FILENAME) as db:
        db.execute(
            'UPDATE revisions SET document = \'{"schema_version": 3, "plan": 5}\' WHERE assessment_id = ?', (first,)
        )
        db.execute("DELETE FROM portfolio_rows WHERE assessment_id = ?", (first,))
    result = command("--date", "2026-05-02")
    assert result.returncode == 1
    assert f"Bedömningen {first} går inte att läsa" in result.stderr
    assert "Färre fel" in result.stdout  # the others are still listed
    assert "Traceback" not in result.stderr


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(assessment=assessments(), today=st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 12, 31)))
def test_every_plan_item_of_a_generated_assessment_is_in_the_register(assessment, today):
    content = CONTENT
    row = json.loads(json.dumps(summary_row(assessment, content), allow_nan=False))  # plain JSON types
    register = benefit_register([row], content, today)
    assert sorted(e.plan_id for e in register.entries) == sorted(i.id for i in assessment.plan.items)
    for item in assessment.plan.items:
        entry = next(e for e in register.entries if e.plan_id == item.id)
        # The register (from the row) and Sammanfattning (from the document) say the same.
        interval, due = plan_item_due(assessment, item, content, today)
        assert (entry.interval_label, entry.interval_inferred, entry.due) == (interval.label, interval.inferred, due)
        if due.due_date is not None:
            late = (today - due.due_date).days
            expected = "overdue" if late > content.portfolio.grace_days else "due" if late >= 0 else "not_due"
            assert due.state == expected
    json.dumps(register.to_json(), allow_nan=False)
    assert register_text(register).startswith(f"Nyttoregister per {today}")


@given(value=st.floats(min_value=-1e12, max_value=1e12, allow_nan=False))
def test_register_figures_are_formatted_as_everywhere_else(value):
    assert figure(value) == fmt.number(value, 2).replace(",00", "")
