"""When a nyttokalkyl is required (the seed's rule) and the follow-up traffic light."""

from __future__ import annotations

from nyttolib.assessment.calculations import calculate, realisable_note
from nyttolib.assessment.model import (
    Assessment,
    Benefit,
    BenefitLine,
    FreedTimeLine,
    Initiative,
    Measurement,
    PlanItem,
)
from nyttolib.assessment.rules import calculation_requirement, follow_up_status
from nyttolib.exports.report import render_html


def _with(kind: str | None, *categories: str) -> Assessment:
    return Assessment(
        initiative=Initiative(kind=kind), benefits=[Benefit(description=c, category=c) for c in categories]
    )


def test_direct_economic_benefits_require_a_calculation(content):
    for category in ("kostnadsminskning", "intaktsokning", "undvikt_kostnad", "frigjord_tid"):
        outcome = calculation_requirement(_with("genomforande", "kvalitet", category), content)
        assert outcome.required, category
        assert outcome.reason.startswith("Om aktiviteten bedöms ge en direkt ekonomisk nytta")
        assert outcome.economic_benefits == [category]


def test_quality_only_needs_no_calculation(content):
    outcome = calculation_requirement(_with("genomforande", "kvalitet", "miljo", "omfordelning"), content)
    assert not outcome.required
    assert outcome.reason.startswith("Om aktiviteten inte kommer ge en direkt ekonomisk nytta")


def test_a_forstudie_is_exempt_even_with_economic_benefits(content):
    outcome = calculation_requirement(_with("forstudie", "kostnadsminskning"), content)
    assert not outcome.required
    assert outcome.reason.startswith("Förstudie/utredning: Förstudier eller utredningar")


def test_freed_time_taken_home_without_a_benefit_row_counts(content):
    line = FreedTimeLine(description="Ärenden", ramp_percent=[100] * 3, realisable=True)
    assessment = Assessment(calculation={"years": 3, "freed_time_lines": [line]})
    assert calculation_requirement(assessment, content).required


def test_freed_time_is_money_only_once_the_user_says_it_is_taken_home(content):
    """Seed 000: freed time gives economic benefit only if it is taken home as reduced staff cost."""
    line = FreedTimeLine(description="Ärenden", volume_per_year=600, minutes_per_case=10, ramp_percent=[100] * 3)
    assessment = Assessment(calculation={"years": 3, "freed_time_lines": [line]})
    assert line.realisable is None
    assert not calculation_requirement(assessment, content).required
    result = calculate(assessment, content)
    assert result.benefit_realisable == [0, 0, 0]
    assert result.benefit_not_realisable == [45_000, 45_000, 45_000]  # 100 h × 450 kr/h, reported beside
    assert realisable_note(result.freed_time[0], content) == (
        " – ej valt om den tas hem som pengar (räknas inte som pengar förrän det är valt)"
    )


def test_the_examples(content, invoice, study, infrastructure):
    assert calculation_requirement(invoice, content).required
    assert not calculation_requirement(study, content).required
    assert not calculation_requirement(infrastructure, content).required


def test_the_verdict_says_when_a_calculation_is_made_though_none_is_required(content, study):
    """A förstudie needs no calculation; with valued benefits in one, the verdict says it comes along
    instead of "Ingen nyttokalkyl krävs" beside the figures (costs alone are asked for anyway)."""
    rule = content.benefits.calculation_rule
    assert calculation_requirement(Assessment(), content).verdict == rule.verdict_not_required
    costs_only = Assessment(initiative={"kind": "forstudie"}, calculation={"cost_lines": [{"description": "Licens"}]})
    assert calculation_requirement(costs_only, content).verdict == "Ingen nyttokalkyl krävs"
    valued = costs_only.model_copy(deep=True)
    valued.calculation.benefit_lines = [BenefitLine(description="Porto", full_effect_kr=1000)]
    outcome = calculation_requirement(valued, content)
    assert not outcome.required
    assert outcome.verdict == "Ingen nyttokalkyl krävs, men den som är gjord följer med underlaget"
    html = render_html(valued, content)
    assert "<strong>Ingen nyttokalkyl krävs, men den som är gjord följer med underlaget.</strong>" in html


def test_traffic_light(content):
    item = PlanItem(baseline_value=0, target_value=1000)
    assert follow_up_status(item, content).colour == "none"
    item.measurements = [Measurement(date="2021-02-28", value=950), Measurement(date="2021-01-31", value=100)]
    status = follow_up_status(item, content)
    assert (status.colour, status.progress_percent, status.latest_value) == ("green", 95, 950)
    item.measurements.append(Measurement(date="2021-03-31", value=600))
    assert follow_up_status(item, content).colour == "yellow"
    item.measurements.append(Measurement(date="2021-04-30", value=499))
    assert follow_up_status(item, content).colour == "red"


def test_traffic_light_for_a_target_below_the_baseline(content):
    item = PlanItem(baseline_value=890, target_value=90, measurements=[Measurement(date="2021-01-01", value=170)])
    status = follow_up_status(item, content)
    assert status.progress_percent == 90
    assert status.colour == "green"


def test_invoice_example_follow_up_is_yellow(content, invoice):
    status = follow_up_status(invoice.plan.items[0], content)
    assert status.colour == "yellow"
    assert round(status.progress_percent) == 78  # 780 of 1 005 invoices a month
