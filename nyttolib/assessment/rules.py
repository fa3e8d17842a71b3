"""The seed's rule for when a nyttokalkyl is required, and the traffic light for follow-up."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from nyttolib.assessment.model import Assessment, PlanItem
from nyttolib.content import Content


@dataclass(frozen=True)
class CalculationRequirement:
    required: bool
    reason: str
    economic_benefits: list[str]
    verdict: str  # "Nyttokalkyl krävs", or not, or not but one is made (content: calculation_rule)


def calculation_requirement(assessment: Assessment, content: Content) -> CalculationRequirement:
    """Is a nyttokalkyl required? Yes if any benefit is directly economic, unless the kind is exempt."""
    rule = content.benefits.calculation_rule
    economic = [
        benefit.description or "(namnlös nytta)"
        for benefit in assessment.benefits
        if (category := content.category(benefit.category)) is not None and category.direct_economic
    ]
    economic += [
        line.description or "(namnlös rad)"
        for line in assessment.calculation.freed_time_lines
        if line.realisable and line.benefit_id is None
    ]
    # Costs alone are asked for even when no calculation is required; valued benefits make one.
    valued = assessment.calculation.benefit_lines or assessment.calculation.freed_time_lines
    made = rule.verdict_not_required_but_made if valued else None
    if assessment.initiative.kind in rule.exempt_kinds:
        kind = content.label(content.initiative.kinds, assessment.initiative.kind)
        verdict = made or rule.verdict_not_required
        return CalculationRequirement(False, f"{kind}: {rule.exempt_text}", economic, verdict)
    if economic:
        return CalculationRequirement(True, rule.required_text, economic, rule.verdict_required)
    return CalculationRequirement(False, rule.not_required_text, economic, made or rule.verdict_not_required)


TrafficLightColour = Literal["green", "yellow", "red", "none"]


@dataclass(frozen=True)
class FollowUpStatus:
    colour: TrafficLightColour
    label: str
    progress_percent: float | None
    latest_value: float | None


def follow_up_status(item: PlanItem, content: Content) -> FollowUpStatus:
    """Traffic light: how far the latest measurement has come from baseline to target."""
    light = content.settings.traffic_light
    measured = [m for m in item.measurements if m.value is not None]
    if not measured or item.target_value is None or item.baseline_value is None:
        return FollowUpStatus("none", light.labels.none, None, measured[-1].value if measured else None)
    dated = [m for m in measured if m.date is not None]
    latest = max(dated, key=lambda m: m.date).value if dated else measured[-1].value
    span = item.target_value - item.baseline_value
    if span == 0:
        progress = 100.0 if latest == item.target_value else 0.0
    else:
        progress = (latest - item.baseline_value) / span * 100
    if progress >= light.green_from_percent:
        colour: TrafficLightColour = "green"
    elif progress >= light.yellow_from_percent:
        colour = "yellow"
    else:
        colour = "red"
    return FollowUpStatus(colour, getattr(light.labels, colour), progress, latest)
