"""The portfolio's tables over a small portfolio whose figures are computed by hand in the comments."""

from __future__ import annotations

import pytest

from nyttolib.assessment.model import (
    Assessment,
    BenefitLine,
    Calculation,
    CostLine,
    FundingLine,
    IndicatorContribution,
    Initiative,
    Portfolio,
    RealisationPlan,
)
from nyttolib.portfolio import queries as q
from nyttolib.portfolio.store import PortfolioStore


def _initiative(number: str, year: int, name: str, department: str, stage: str, **extra) -> Initiative:
    portfolio = Portfolio(number=number, year=year, stage=stage, **extra.pop("portfolio", {}))
    return Initiative(name=name, department=department, portfolio=portfolio, **extra)


@pytest.fixture
def portfolio(tmp_path, content):
    """A: 24-01, 2024, steg_1, Socialtjänst, listing cost 100 000, 40 000 central funding, cell 1 on the
    first axis, a calculation from 2024: costs 100/200/300, a benefit of 1 000 at 0/50/100 %.
    B: 24-02, År 2025, steg_1, Skola, no listing cost (calculation: 50 a year for 3 years = 150), cell 5,
    no start year (so the portfolio's År 2025 places it). C: 23-01, 2023, beslutade, Skola, cost 1 000,
    not classified, no calculation. D: deleted, never counted."""
    a = Assessment(
        initiative=_initiative(
            "24-01",
            2024,
            "Automatiserad handläggning",
            "Socialtjänst",
            "steg_1",
            kind="genomforande",
            priority_class="lag",
            portfolio={"total_cost_kr": 100_000, "funding": [FundingLine(source="centrala_medel", amount_kr=40_000)]},
        ),
        classification={"effektivitet_innovation": 1},
        calculation=Calculation(
            start_year=2024,
            years=3,
            cost_lines=[CostLine(description="Licens", values=[100, 200, 300])],
            benefit_lines=[BenefitLine(description="Tid", full_effect_kr=1000, ramp_percent=[0, 50, 100])],
        ),
        plan=RealisationPlan(
            indicators=[IndicatorContribution(indicator="avvecklade_it_system", year=2024, expected=2, realised=1)]
        ),
    )
    b = Assessment(
        initiative=_initiative("24-02", 2025, "Skolskjuts", "Skola", "steg_1"),
        classification={"effektivitet_innovation": 5},
        calculation=Calculation(years=3, cost_lines=[CostLine(description="Drift", values=[50, 50, 50])]),
        plan=RealisationPlan(
            indicators=[IndicatorContribution(indicator="avvecklade_it_system", year=2024, expected=1)]
        ),
    )
    c = Assessment(
        initiative=_initiative(
            "23-01", 2023, "Förstudie e-arkiv", "Skola", "beslutade", portfolio={"total_cost_kr": 1000}
        )
    )
    d = Assessment(initiative=_initiative("22-99", 2022, "Borttagen", "Skola", "steg_0"))
    with PortfolioStore(tmp_path / "data", content) as store:
        for assessment in (a, b, c):
            store.save(assessment)
        store.delete(store.save(d).id)
        data = store.portfolio_data()
        yield data, q.frame(data, content)


def test_the_frame_has_the_initiatives_but_not_the_deleted(portfolio):
    _, table = portfolio
    assert sorted(table["number"]) == ["23-01", "24-01", "24-02"]
    by_number = table.set_index("number")
    assert by_number.loc["24-01", "cost_kr"] == 100_000  # the listing's Kostnad (totalt)
    assert by_number.loc["24-02", "cost_kr"] == 150  # no listing cost: the calculation's 3 × 50
    assert by_number.loc["24-01", "priority_label"] == "Är nödvändiga för att leva upp till gällande rätt."
    assert by_number.loc["24-02", "stage_label"] == "Steg 1 - Behov och lösning"


def test_funnel_counts_and_costs_per_stage_in_the_content_order(portfolio, content):
    _, table = portfolio
    funnel = q.funnel(table, content)
    assert list(funnel["stage"]) == [s.id for s in content.initiative.portfolio_stages]
    figures = funnel.set_index("stage")
    assert figures.loc["steg_1", "count"] == 2 and figures.loc["steg_1", "cost_kr"] == 100_150
    assert figures.loc["beslutade", "count"] == 1 and figures.loc["beslutade", "cost_kr"] == 1000
    assert figures["count"].sum() == 3


def test_balance_by_count_and_by_cost(portfolio, content):
    _, table = portfolio
    balance = q.balance(table, content)
    axis = balance[balance["axis"] == "effektivitet_innovation"].set_index("level")
    # A (cell 1, cost 100 000) and B (cell 5, cost 150) are classified; C is not.
    assert axis.loc[1, "count"] == 1 and axis.loc[5, "count"] == 1 and axis.loc[3, "count"] == 0
    assert axis.loc[1, "count_percent"] == 50
    assert axis.loc[1, "cost_percent"] == pytest.approx(100_000 / 100_150 * 100)
    assert axis.loc[1, "unclassified"] == 1
    levels = table["axis_effektivitet_innovation"]
    assert q.right_share(levels) == 50  # (0 % + 100 %) / 2
    assert q.right_share(levels, table["cost_kr"]) == pytest.approx(100 * 150 / 100_150)


def test_costs_and_benefits_per_calendar_year(portfolio):
    rows, table = portfolio
    years = q.per_year(rows, table).set_index("year")
    # A: 2024–2026 costs 100/200/300, benefit 0/500/1000; B from its År 2025: 50 a year 2025–2027.
    assert years["cost_kr"].to_dict() == {2024: 100, 2025: 250, 2026: 350, 2027: 50}
    assert years["realisable_benefit_kr"].to_dict() == {2024: 0, 2025: 500, 2026: 1000, 2027: 0}
    assert years.loc[2026, "net_kr"] == 650
    only_school = q.apply_filters(table, q.Filters(departments=("Skola",)))
    assert q.per_year(rows, only_school)["cost_kr"].sum() == 150


def test_filters_and_text_search(portfolio):
    _, table = portfolio
    names = lambda f: sorted(q.apply_filters(table, f)["number"])  # noqa: E731
    assert names(q.Filters(text="SKOLA")) == ["23-01", "24-02"]  # verksamhet, case-insensitive
    assert names(q.Filters(text="e-arkiv")) == ["23-01"]
    assert names(q.Filters(text=".*")) == []  # plain text, never a pattern
    assert names(q.Filters(years=(2024,))) == ["24-01"]
    assert names(q.Filters(stages=("steg_1",), departments=("Skola",))) == ["24-02"]
    assert names(q.Filters(kinds=(q.UNSET,))) == ["23-01", "24-02"]  # "no kind given" finds the unfinished
    assert names(q.Filters(priority_classes=("lag",))) == ["24-01"]


def test_sorting_puts_stages_in_order_and_empty_values_last(portfolio):
    _, table = portfolio
    assert list(q.sort(table, "cost_kr")["number"]) == ["24-02", "23-01", "24-01"]
    assert list(q.sort(table, "cost_kr", descending=True)["number"]) == ["24-01", "23-01", "24-02"]
    assert list(q.sort(table, "stage_label")["number"]) == ["24-01", "24-02", "23-01"]
    assert q.sort(table, "priority_label")["number"].iloc[0] == "24-01"  # the only one with a class


def test_listing_summary_central_funding_and_indicators(portfolio, content):
    rows, table = portfolio
    summary = q.listing_summary(table)
    by_year = summary["by_year"].set_index("year")
    assert by_year.loc[2024, "count"] == 1 and by_year.loc[2025, "cost_kr"] == 150 and by_year.loc[2023, "count"] == 1
    funding = q.central_funding(table, 100_000)
    assert (funding.used_kr, funding.left_kr, funding.used_percent) == (40_000, 60_000, 40)
    indicators = q.indicator_totals(rows, table, content)
    retired = indicators[indicators["indicator"] == "avvecklade_it_system"].iloc[0]
    assert (retired["year"], retired["expected"], retired["realised"], retired["initiatives"]) == (2024, 3, 1, 2)


def test_filter_options_offer_only_what_occurs(portfolio, content):
    _, table = portfolio
    options = q.options(table, content)
    assert [value for _, value in options["stages"]] == ["steg_1", "beslutade"]
    assert options["departments"] == [("Skola", "Skola"), ("Socialtjänst", "Socialtjänst")]
    assert ("Ingen typ angiven", q.UNSET) in options["kinds"]


def test_stored_rows_are_the_rows_computed_from_the_documents(tmp_path, content, examples):
    """The tables give back exactly the summary row of each example (put together from its parts)."""
    from nyttolib.portfolio.rows import summary_row

    with PortfolioStore(tmp_path / "data", content) as store:
        for assessment in examples:
            store.save(assessment)
        stored = {row["id"]: row for row in store.portfolio_rows(plans=True)}
    for assessment in examples:
        row = dict(stored[assessment.id])
        assert (row.pop("revision"), row.pop("deleted")) == (1, False) and row.pop("saved_at")
        assert row == summary_row(assessment, content)
