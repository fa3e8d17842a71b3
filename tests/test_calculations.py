"""The nyttokalkyl against the worked examples of Sundsvall's Bedömningsstöd and hand-computed cases."""

from __future__ import annotations

import pytest

from nyttolib.assessment.calculations import (
    accumulate,
    calculate,
    freed_time_figures,
    hourly_cost_from_monthly_salary,
    npv,
    payback_index,
    payback_text,
)
from nyttolib.assessment.model import Assessment, BenefitLine, Calculation, CostLine, FreedTimeLine
from nyttolib.formatting import approximate


def _assessment(**calculation) -> Assessment:
    return Assessment(calculation=Calculation(**calculation))


def test_invoice_e_service_freed_time_matches_the_seed(content, invoice):
    """13 400 invoices × 4 min ≈ 893 h/year; −90 % → 12 060 invoices, 804 h, 361 800 kr at 450 kr/h."""
    line = invoice.calculation.freed_time_lines[0]
    figures = freed_time_figures(line, invoice.calculation, content)
    assert figures.current_hours == pytest.approx(13_400 * 4 / 60)
    assert round(figures.current_hours) == 893
    assert figures.cases_affected == pytest.approx(12_060)
    assert figures.freed_hours == pytest.approx(804)
    assert figures.kr_per_hour == 450
    assert figures.value_kr == pytest.approx(361_800)
    # The seed rounds: "ca 890 timmar", "ca 800 timmar", "360 000 kr".
    assert approximate(figures.current_hours) == 890
    assert approximate(figures.freed_hours) == 800
    assert approximate(figures.value_kr) == 360_000


def test_annual_realisable_net_is_full_effect_benefit_minus_recurring_cost(content):
    """Seed: the annual realisable benefit is 200 000 kr (230 000 kr minus 30 000 kr)."""
    assessment = _assessment(
        years=3,
        cost_lines=[
            CostLine(description="Införande", kind="engangs", values=[285_000, 0, 0]),
            CostLine(description="Licens", kind="lopande", values=[30_000, 30_000, 30_000]),
        ],
        benefit_lines=[
            BenefitLine(description="Sänkta kostnader", full_effect_kr=230_000, ramp_percent=[50, 100, 100])
        ],
    )
    result = calculate(assessment, content)
    assert result.full_effect_realisable_benefit == 230_000
    assert result.recurring_cost_at_full_effect == 30_000
    assert result.annual_realisable_net == 200_000
    # With these (constructed) inputs the accumulated net over the first 3 years is 200 000 kr, as in the seed.
    assert result.net == [-200_000, 200_000, 200_000]
    assert result.accumulated_net == [-200_000, 0, 200_000]
    assert result.total_net == 200_000
    assert result.payback_year == "År 2"


def test_invoice_example_per_year(content, invoice):
    result = calculate(invoice, content)
    assert result.year_labels == ["2021", "2022", "2023"]
    # Costs: 250 h purchased at 870 kr/h + 150 h internal at 450 kr/h one-off, 30 000 kr/year recurring.
    assert result.cost_one_off == [250 * 870 + 150 * 450, 0, 0]
    assert result.cost_recurring == [30_000, 30_000, 30_000]
    assert result.benefit_realisable == pytest.approx([0.6 * 361_800, 361_800, 361_800])
    assert result.net == pytest.approx([217_080 - 315_000, 331_800, 331_800])
    assert result.accumulated_net == pytest.approx([-97_920, 233_880, 565_680])
    assert result.annual_realisable_net == pytest.approx(331_800)
    assert result.payback_year == "2022"
    assert result.freed_hours == pytest.approx([0.6 * 804, 804, 804])
    assert result.full_effect_freed_hours == pytest.approx(804)
    assert result.full_time_equivalents == pytest.approx(804 / 1700)
    assert result.net_per_krona == pytest.approx(565_680 / 375_000)
    assert result.npv == pytest.approx(-97_920 + 331_800 / 1.03 + 331_800 / 1.03**2)


def test_hours_are_valued_at_the_assessments_own_rate(content):
    assessment = _assessment(
        years=3,
        hourly_rates={"intern": 500},
        cost_lines=[
            CostLine(description="Test", unit="timmar", rate="intern", values=[10, 0, 0]),
            CostLine(description="Konsult", unit="timmar", rate="inkopt", values=[0, 10, 0]),
        ],
    )
    result = calculate(assessment, content)
    assert result.cost_total == [5_000, 8_700, 0]  # own rate 500; purchased falls back to 870 from settings.yaml


def test_freed_time_not_taken_home_is_reported_beside_the_economic_net(content):
    assessment = _assessment(
        years=3,
        freed_time_lines=[
            FreedTimeLine(
                description="Handläggning",
                volume_per_year=600,
                minutes_per_case=30,
                share_percent=50,
                ramp_percent=[100, 100, 100],
                realisable=False,
            )
        ],
    )
    result = calculate(assessment, content)
    assert result.freed_hours == [150, 150, 150]
    assert result.benefit_not_realisable == [67_500, 67_500, 67_500]
    assert result.benefit_realisable == [0, 0, 0]
    assert result.total_net == 0
    assert result.total_valued_net == 3 * 67_500
    assert result.annual_realisable_net == 0
    assert result.benefit_by_category == {"omfordelning": 3 * 67_500}


def test_low_and_high_scenarios(content):
    assessment = _assessment(
        years=3,
        cost_lines=[CostLine(description="Bygge", values=[100_000, 0, 0], low_percent=90, high_percent=150)],
        benefit_lines=[
            BenefitLine(
                description="Nytta",
                full_effect_kr=100_000,
                ramp_percent=[100, 100, 100],
                low_percent=50,
                high_percent=110,
            )
        ],
    )
    scenarios = calculate(assessment, content).scenarios
    assert scenarios["trolig"].total_net == 200_000
    assert scenarios["låg"].total_cost == 150_000 and scenarios["låg"].total_benefit == 150_000
    assert scenarios["hög"].total_cost == 90_000 and scenarios["hög"].total_benefit == pytest.approx(330_000)
    assert scenarios["låg"].total_net == 0


def test_payback_needs_the_accumulated_net_to_stay_positive():
    assert payback_index([-10, 5, -1, 3]) == 3
    assert payback_index([1, 2]) == 0
    assert payback_index([-1, -2]) is None
    assert accumulate([-100, 50, 80]) == [-100, -50, 30]


def test_npv_discounts_from_the_second_year():
    assert npv([100, 103], 3) == pytest.approx(200)
    assert npv([-100, 0, 0], 10) == -100
    assert npv([50, 50], 0) == 100


def test_no_payback_and_no_cost(content):
    # An empty calculation is not "paid back in year 1": with no costs there is nothing to pay back.
    result = calculate(_assessment(years=3), content)
    assert result.payback_year is None
    assert payback_text(result, content) == "– (kalkylen har inga kostnader ännu)"
    assert result.net_per_krona is None
    zero_costs = _assessment(years=3, cost_lines=[CostLine(values=[0, 0, 0])])
    zero_costs.calculation.benefit_lines = [BenefitLine(full_effect_kr=100, ramp_percent=[100, 100, 100])]
    assert payback_text(calculate(zero_costs, content), content) == "– (kalkylen har inga kostnader ännu)"
    only_costs = calculate(_assessment(years=3, cost_lines=[CostLine(values=[1, 1, 1])]), content)
    assert only_costs.payback_year is None
    assert payback_text(only_costs, content) == "inte inom kalkylperioden"
    assert only_costs.net_per_krona == -1
    paid_at_once = _assessment(years=3, cost_lines=[CostLine(values=[1, 0, 0])])
    paid_at_once.calculation.benefit_lines = [BenefitLine(full_effect_kr=5, ramp_percent=[100, 100, 100])]
    assert payback_text(calculate(paid_at_once, content), content) == "År 1"


def test_hourly_cost_from_monthly_salary_as_inera(content):
    assert hourly_cost_from_monthly_salary(35_000, content) == pytest.approx(35_000 / 142 * 1.54)


def test_payback_year_uses_calendar_years_when_a_start_year_is_given(content):
    assessment = _assessment(
        start_year=2025,
        years=4,
        cost_lines=[CostLine(values=[300, 0, 0, 0])],
        benefit_lines=[BenefitLine(full_effect_kr=100, ramp_percent=[100, 100, 100, 100])],
    )
    result = calculate(assessment, content)
    assert result.year_labels == ["2025", "2026", "2027", "2028"]
    assert result.payback_year == "2027"
