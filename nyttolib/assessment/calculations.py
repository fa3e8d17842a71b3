"""The nyttokalkyl: pure functions from a calculation (and the content's rates) to figures.

Terms follow Sundsvall's Bedömningsstöd: *ekonomisk nettonytta* is economic benefit (what can be
taken home as money) minus costs; for follow-up we use the *annual realisable economic net benefit
after maximum effect*. Benefits valued in money that are not taken home (freed time used for other
work, Inera's *omfördelning*) are reported beside it, never mixed into it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nyttolib.assessment.model import Assessment, BenefitLine, Calculation, CostLine, FreedTimeLine
from nyttolib.content import Content


def npv(values: list[float], rate_percent: float) -> float:
    """Net present value; the first year is not discounted (t = 0, 1, …)."""
    factor = 1 + rate_percent / 100
    return sum(value / factor**year for year, value in enumerate(values))


def accumulate(values: list[float]) -> list[float]:
    total = 0.0
    result = []
    for value in values:
        total += value
        result.append(total)
    return result


def payback_index(accumulated: list[float]) -> int | None:
    """Index of the first year from which the accumulated net stays at or above zero."""
    for index in range(len(accumulated)):
        if all(value >= 0 for value in accumulated[index:]):
            return index
    return None


def hourly_cost_from_monthly_salary(monthly_salary_kr: float, content: Content) -> float:
    """Inera's conversion: monthly salary / 142 × 1.54 (hours and overhead factor from settings.yaml)."""
    settings = content.settings
    return monthly_salary_kr / settings.salary_hours_per_month * settings.salary_overhead_factor


def hourly_rate(calculation: Calculation, rate_id: str, content: Content) -> float:
    """The assessment's own rate for a kind of work, or the content's default."""
    if rate_id in calculation.hourly_rates:
        return calculation.hourly_rates[rate_id]
    rate = content.hourly_rate(rate_id)
    if rate is None:
        raise KeyError(f"okänt timpris '{rate_id}'")
    return rate.kr_per_hour


@dataclass(frozen=True)
class FreedTimeFigures:
    """One freed-time line at full effect: volume × minutes × share, valued at an hourly rate."""

    line_id: str
    description: str
    current_hours: float
    cases_affected: float
    freed_hours: float
    kr_per_hour: float
    value_kr: float
    realisable: bool | None  # None: the user has not chosen yet, so it is not counted as money


def freed_time_figures(line: FreedTimeLine, calculation: Calculation, content: Content) -> FreedTimeFigures:
    current_hours = line.volume_per_year * line.minutes_per_case / 60
    share = line.share_percent / 100
    rate = hourly_rate(calculation, line.rate, content)
    return FreedTimeFigures(
        line_id=line.id,
        description=line.description,
        current_hours=current_hours,
        cases_affected=line.volume_per_year * share,
        freed_hours=current_hours * share,
        kr_per_hour=rate,
        value_kr=current_hours * share * rate,
        realisable=line.realisable,
    )


def fit_years(values: list[float], years: int) -> list[float]:
    """One value per year of the calculation: a line with too few counts 0 for the missing years, one
    with too many counts only the calculation's years (the mismatch is reported by the consistency rules)."""
    return (list(values) + [0.0] * years)[:years]


def cost_per_year(line: CostLine, calculation: Calculation, content: Content) -> list[float]:
    values = fit_years(line.values, calculation.years)
    if line.unit == "timmar":
        rate = hourly_rate(calculation, line.rate, content)
        return [hours * rate for hours in values]
    return values


def benefit_per_year(line: BenefitLine, years: int | None = None) -> list[float]:
    ramp = line.ramp_percent if years is None else fit_years(line.ramp_percent, years)
    return [line.full_effect_kr * percent / 100 for percent in ramp]


@dataclass(frozen=True)
class Scenario:
    total_cost: float
    total_benefit: float

    @property
    def total_net(self) -> float:
        return self.total_benefit - self.total_cost


@dataclass(frozen=True)
class CalculationResult:
    """Every figure of one nyttokalkyl. Lists run over the calculation's years."""

    year_labels: list[str]
    cost_one_off: list[float]
    cost_recurring: list[float]
    cost_total: list[float]
    benefit_realisable: list[float]
    benefit_not_realisable: list[float]
    net: list[float]
    accumulated_net: list[float]
    freed_hours: list[float]
    freed_value: list[float]
    freed_time: list[FreedTimeFigures]
    full_effect_realisable_benefit: float
    recurring_cost_at_full_effect: float
    payback_year: str | None
    discount_rate_percent: float
    npv: float
    hours_per_full_time_equivalent: float
    benefit_by_category: dict[str, float] = field(default_factory=dict)
    scenarios: dict[str, Scenario] = field(default_factory=dict)

    @property
    def benefit_total(self) -> list[float]:
        return [a + b for a, b in zip(self.benefit_realisable, self.benefit_not_realisable, strict=True)]

    @property
    def total_cost(self) -> float:
        return sum(self.cost_total)

    @property
    def total_realisable_benefit(self) -> float:
        return sum(self.benefit_realisable)

    @property
    def total_net(self) -> float:
        return sum(self.net)

    @property
    def total_valued_net(self) -> float:
        """Net including money-valued benefits that are not taken home (omfördelning)."""
        return sum(self.benefit_total) - self.total_cost

    @property
    def annual_realisable_net(self) -> float:
        """Annual realisable economic net benefit after maximum effect (the follow-up figure)."""
        return self.full_effect_realisable_benefit - self.recurring_cost_at_full_effect

    @property
    def net_per_krona(self) -> float | None:
        """Economic net benefit per krona spent over the calculation period."""
        return self.total_net / self.total_cost if self.total_cost else None

    @property
    def full_effect_freed_hours(self) -> float:
        return sum(f.freed_hours for f in self.freed_time)

    @property
    def full_effect_freed_value(self) -> float:
        return sum(f.value_kr for f in self.freed_time)

    @property
    def full_time_equivalents(self) -> float:
        return self.full_effect_freed_hours / self.hours_per_full_time_equivalent


def payback_text(result: CalculationResult, content: Content) -> str:
    """When the accumulated net turns and stays positive, or why there is no such year."""
    texts = content.texts.payback
    if not any(result.cost_total):
        return texts.no_costs
    return result.payback_year or texts.not_within


def realisable_note(figures: FreedTimeFigures, content: Content) -> str:
    """' – tas inte hem som pengar' when freed time is not counted as money, or that no choice is made."""
    texts = content.texts.freed_time
    if figures.realisable:
        return ""
    return f" – {texts.not_chosen if figures.realisable is None else texts.not_realisable}"


def _factor(percent: float | None) -> float:
    return 1.0 if percent is None else percent / 100


def _category_of(line: BenefitLine, assessment: Assessment) -> str:
    if line.category:
        return line.category
    linked = assessment.benefit(line.benefit_id)
    return linked.category if linked and linked.category else "okategoriserad"


def calculate(assessment: Assessment, content: Content) -> CalculationResult:
    """All figures of the assessment's nyttokalkyl."""
    calc = assessment.calculation
    years = calc.years
    zeros = [0.0] * years
    cost_one_off, cost_recurring = zeros[:], zeros[:]
    low_high_cost = {"låg": 0.0, "hög": 0.0}
    for line in calc.cost_lines:
        amounts = cost_per_year(line, calc, content)
        target = cost_one_off if line.kind == "engangs" else cost_recurring
        for year, amount in enumerate(amounts):
            target[year] += amount
        # The cautious (låg) scenario takes costs at their high estimate, the optimistic at their low.
        low_high_cost["låg"] += sum(amounts) * _factor(line.high_percent)
        low_high_cost["hög"] += sum(amounts) * _factor(line.low_percent)

    realisable, not_realisable = zeros[:], zeros[:]
    freed_hours, freed_value = zeros[:], zeros[:]
    by_category: dict[str, float] = {}
    low_high_benefit = {"låg": 0.0, "hög": 0.0}
    full_effect_realisable = 0.0

    for line in calc.benefit_lines:
        amounts = benefit_per_year(line, years)
        target = realisable if line.realisable else not_realisable
        for year, amount in enumerate(amounts):
            target[year] += amount
        if line.realisable:
            full_effect_realisable += line.full_effect_kr
            low_high_benefit["låg"] += sum(amounts) * _factor(line.low_percent)
            low_high_benefit["hög"] += sum(amounts) * _factor(line.high_percent)
        category = _category_of(line, assessment)
        by_category[category] = by_category.get(category, 0.0) + sum(amounts)

    freed_time = []
    for line in calc.freed_time_lines:
        figures = freed_time_figures(line, calc, content)
        freed_time.append(figures)
        target = realisable if line.realisable else not_realisable
        total_value = 0.0
        for year, percent in enumerate(fit_years(line.ramp_percent, years)):
            share = percent / 100
            freed_hours[year] += figures.freed_hours * share
            freed_value[year] += figures.value_kr * share
            target[year] += figures.value_kr * share
            total_value += figures.value_kr * share
        if line.realisable:
            full_effect_realisable += figures.value_kr
            low_high_benefit["låg"] += total_value * _factor(line.low_percent)
            low_high_benefit["hög"] += total_value * _factor(line.high_percent)
        category = "frigjord_tid" if line.realisable else "omfordelning"
        by_category[category] = by_category.get(category, 0.0) + total_value

    cost_total = [a + b for a, b in zip(cost_one_off, cost_recurring, strict=True)]
    net = [b - c for b, c in zip(realisable, cost_total, strict=True)]
    accumulated = accumulate(net)
    if calc.start_year:
        labels = [str(calc.start_year + year) for year in range(years)]
    else:
        labels = [f"År {year + 1}" for year in range(years)]
    # With no costs there is nothing to pay back: an empty calculation is not "paid back in year 1".
    payback = payback_index(accumulated) if any(cost_total) else None
    rate = calc.discount_rate_percent
    if rate is None:
        rate = content.settings.default_discount_rate_percent
    scenarios = {
        "låg": Scenario(low_high_cost["låg"], low_high_benefit["låg"]),
        "trolig": Scenario(sum(cost_total), sum(realisable)),
        "hög": Scenario(low_high_cost["hög"], low_high_benefit["hög"]),
    }
    return CalculationResult(
        year_labels=labels,
        cost_one_off=cost_one_off,
        cost_recurring=cost_recurring,
        cost_total=cost_total,
        benefit_realisable=realisable,
        benefit_not_realisable=not_realisable,
        net=net,
        accumulated_net=accumulated,
        freed_hours=freed_hours,
        freed_value=freed_value,
        freed_time=freed_time,
        full_effect_realisable_benefit=full_effect_realisable,
        recurring_cost_at_full_effect=cost_recurring[-1] if years else 0.0,
        payback_year=labels[payback] if payback is not None else None,
        discount_rate_percent=rate,
        npv=npv(net, rate),
        hours_per_full_time_equivalent=content.settings.hours_per_full_time_equivalent,
        benefit_by_category=by_category,
        scenarios=scenarios,
    )
