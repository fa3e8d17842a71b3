"""Hypothesis strategies for valid assessment documents, with every kind of line and field.

Texts are drawn from the whole of Unicode minus what the model refuses (see nyttolib.text), so
markup, formulas, bidi controls and four-byte characters all come up.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from nyttolib.assessment.model import (
    Activity,
    Assessment,
    Benefit,
    BenefitLine,
    Calculation,
    CostLine,
    FreedTimeLine,
    FundingLine,
    IndicatorContribution,
    Initiative,
    Measurement,
    PlanItem,
    Portfolio,
    PrerequisiteAnswer,
    RealisationPlan,
    Risk,
    Valuation,
)
from nyttolib.content import load_content

CONTENT = load_content()
# Unicode's 66 noncharacters (U+FDD0–U+FDEF and the last two code points of every plane) are refused too.
NONCHARACTERS = "".join(chr(c) for c in range(0xFDD0, 0xFDF0)) + "".join(
    chr(plane * 0x10000 + last) for plane in range(17) for last in (0xFFFE, 0xFFFF)
)
_OK = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters=NONCHARACTERS)
lines = st.text(alphabet=_OK, max_size=30)
long_texts = st.text(alphabet=st.one_of(_OK, st.sampled_from("\n\t")), max_size=60)
amounts = st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False)
hours = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)
rate_values = st.floats(min_value=0, max_value=10_000, allow_nan=False, allow_infinity=False)
percents = st.floats(min_value=0, max_value=100, allow_nan=False, allow_infinity=False)
dates = st.none() | st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31))
levels = st.none() | st.sampled_from([1, 3, 5])


def _ids(items) -> list[str]:
    return [item.id for item in items]


@st.composite
def initiatives(draw) -> Initiative:
    ic = CONTENT.initiative
    start = draw(dates)
    end = draw(dates)
    if start and end and end < start:
        start, end = end, start
    return Initiative(
        name=draw(lines),
        department=draw(lines),
        initiator=draw(lines),
        owner=draw(lines),
        contact=draw(lines),
        need=draw(long_texts),
        description=draw(long_texts),
        kind=draw(st.none() | st.sampled_from(_ids(ic.kinds))),
        estimated_hours=draw(st.none() | hours),
        start_date=start,
        end_date=end,
        portfolio=Portfolio(
            number=draw(lines),
            year=draw(st.none() | st.integers(2000, 2100)),
            project_number=draw(lines),
            stage=draw(st.none() | st.sampled_from(_ids(ic.portfolio_stages))),
            total_cost_kr=draw(st.none() | amounts),
            funding=[
                FundingLine(
                    source=draw(st.none() | st.sampled_from(_ids(ic.funding_sources))),
                    amount_kr=draw(st.none() | amounts),
                    note=draw(lines),
                )
                for _ in range(draw(st.integers(0, 2)))
            ],
        ),
        priority_class=draw(st.none() | st.sampled_from(_ids(ic.priority_classes))),
        valuation=Valuation(
            potential_effect=draw(levels),
            feasibility=draw(levels),
            financing=draw(levels),
            resource_need=draw(levels),
        ),
    )


def _estimates(draw) -> dict:
    low, high = draw(st.none() | percents), draw(st.none() | percents)
    if low is not None and high is not None and low > high:
        low, high = high, low
    return {"low_percent": low, "high_percent": high}


@st.composite
def calculations(draw, benefit_ids: list[str]) -> Calculation:
    years = draw(st.integers(CONTENT.settings.minimum_years, 6))
    rates = _ids(CONTENT.settings.hourly_rates)
    categories = _ids(CONTENT.benefits.categories)
    # Mostly one value a year; sometimes one too few or too many (valid: the form reports it, and
    # every view and export must still show such a document).
    length = st.integers(years - 1, years + 1) | st.just(years)
    per_year = length.flatmap(lambda n: st.lists(amounts, min_size=n, max_size=n))
    ramp = length.flatmap(lambda n: st.lists(percents, min_size=n, max_size=n))
    benefit = st.none() | st.sampled_from(benefit_ids) if benefit_ids else st.none()
    return Calculation(
        start_year=draw(st.none() | st.integers(2000, 2100)),
        years=years,
        discount_rate_percent=draw(st.none() | st.floats(0, 20)),
        hourly_rates={rate: draw(rate_values) for rate in draw(st.lists(st.sampled_from(rates), unique=True))},
        cost_lines=[
            CostLine(
                description=draw(lines),
                kind=draw(st.sampled_from(["engangs", "lopande"])),
                unit=draw(st.sampled_from(["kr", "timmar"])),
                rate=draw(st.sampled_from(rates)),
                values=draw(per_year),
                **_estimates(draw),
            )
            for _ in range(draw(st.integers(0, 3)))
        ],
        benefit_lines=[
            BenefitLine(
                description=draw(lines),
                benefit_id=draw(benefit),
                category=draw(st.none() | st.sampled_from(categories)),
                full_effect_kr=draw(amounts),
                ramp_percent=draw(ramp),
                realisable=draw(st.booleans()),
                **_estimates(draw),
            )
            for _ in range(draw(st.integers(0, 2)))
        ],
        freed_time_lines=[
            FreedTimeLine(
                description=draw(lines),
                benefit_id=draw(benefit),
                volume_per_year=draw(st.floats(0, 1e6)),
                minutes_per_case=draw(st.floats(0, 600)),
                share_percent=draw(percents),
                rate=draw(st.sampled_from(rates)),
                ramp_percent=draw(ramp),
                realisable=draw(st.none() | st.booleans()),
                **_estimates(draw),
            )
            for _ in range(draw(st.integers(0, 2)))
        ],
    )


@st.composite
def plans(draw, benefit_ids: list[str]) -> RealisationPlan:
    questions = _ids(CONTENT.steps.plan_questions)
    seven = _ids(CONTENT.steps.seven_questions)
    benefit = st.none() | st.sampled_from(benefit_ids) if benefit_ids else st.none()
    values = st.none() | st.floats(-1e6, 1e6)
    return RealisationPlan(
        items=[
            PlanItem(
                benefit_id=draw(benefit),
                answers={q: draw(long_texts) for q in draw(st.lists(st.sampled_from(questions), unique=True))},
                seven_questions={q: draw(long_texts) for q in draw(st.lists(st.sampled_from(seven), unique=True))},
                unit=draw(lines),
                baseline_value=draw(values),
                target_value=draw(values),
                target_date=draw(dates),
                measurement_interval=draw(st.none() | st.sampled_from(_ids(CONTENT.portfolio.measurement_intervals))),
                measurements=[
                    Measurement(date=draw(dates), value=draw(values), comment=draw(long_texts))
                    for _ in range(draw(st.integers(0, 2)))
                ],
            )
            for _ in range(draw(st.integers(0, 2)))
        ],
        activities=[
            Activity(
                activity=draw(lines),
                purpose=draw(long_texts),
                schedule=draw(lines),
                resources=draw(lines),
                responsible=draw(lines),
                outside_project=draw(st.booleans()),
            )
            for _ in range(draw(st.integers(0, 2)))
        ],
        prerequisites=draw(st.lists(long_texts, max_size=2)),
        behaviour_changes=draw(st.lists(long_texts, max_size=2)),
        risks=[Risk(risk=draw(long_texts), handling=draw(long_texts)) for _ in range(draw(st.integers(0, 2)))],
        indicators=[
            IndicatorContribution(
                indicator=draw(st.none() | st.sampled_from(_ids(CONTENT.portfolio.indicators))),
                year=draw(st.none() | st.integers(2000, 2100)),
                expected=draw(values),
                realised=draw(values),
                comment=draw(long_texts),
            )
            for _ in range(draw(st.integers(0, 2)))
        ],
        reporting=draw(long_texts),
        approved_by=draw(lines),
        approved_date=draw(dates),
    )


@st.composite
def assessments(draw) -> Assessment:
    """A valid assessment: every field may be empty or filled, every kind of line may occur."""
    criteria = _ids(CONTENT.criteria.criteria)
    benefits = [
        Benefit(
            description=draw(long_texts),
            target_group=draw(lines),
            means=draw(long_texts),
            measurable=draw(st.none() | st.booleans()),
            baseline=draw(long_texts),
            category=draw(st.none() | st.sampled_from(_ids(CONTENT.benefits.categories))),
            unvalued_score=draw(st.none() | st.integers(0, 3)),
        )
        for _ in range(draw(st.integers(0, 3)))
    ]
    benefit_ids = _ids(benefits)
    return Assessment(
        initiative=draw(initiatives()),
        prerequisites={
            c: PrerequisiteAnswer(answer=draw(st.none() | st.sampled_from(["ja", "nej"])), motivation=draw(long_texts))
            for c in draw(st.lists(st.sampled_from(criteria), unique=True))
        },
        classification={a.id: draw(st.none() | st.integers(1, 5)) for a in CONTENT.classification.axes},
        benefits=benefits,
        calculation=draw(calculations(benefit_ids)),
        plan=draw(plans(benefit_ids)),
    )
