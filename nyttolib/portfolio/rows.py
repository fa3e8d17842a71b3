"""The portfolio's summary row of one assessment: the figures the portfolio shows, computed once per save.

The portfolio office looks at hundreds (a region: a hundred thousand) of initiatives at once, so it
never recomputes the documents: each save writes this row beside the revision (see
`nyttolib.portfolio.store`), and the page, the CLI and the report read the rows. The row is plain JSON
types; the store keeps it as columns and small tables (`nyttolib.portfolio.tables`) and gives it back
unchanged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from nyttolib.assessment.calculations import benefit_per_year, calculate, fit_years, freed_time_figures
from nyttolib.assessment.completeness import completeness
from nyttolib.assessment.model import Assessment, PlanItem
from nyttolib.assessment.rules import follow_up_status
from nyttolib.content import Content

# Raised whenever the row's shape or meaning changes: rows of another version are recomputed.
ROW_VERSION = 2
# Worst first: an initiative's light is the worst light of its plan's benefits.
LIGHT_ORDER = ("red", "yellow", "green", "none")


def content_fingerprint(content: Content) -> str:
    """Rows depend on the content (rates, labels, intervals): a changed content folder makes them stale."""
    digest = hashlib.sha256(str(ROW_VERSION).encode())
    for path in sorted(content.directory.glob("*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def calendar_start(assessment: Assessment) -> int | None:
    """The calendar year of the calculation's first year: its start year, else the portfolio's År."""
    return assessment.calculation.start_year or assessment.initiative.portfolio.year


def _per_year(values: list[float], start: int | None) -> dict[str, float]:
    """Per-year figures keyed by calendar year ("2024"), or by "År 1" … when no year is known."""
    if start is None:
        return {f"År {index + 1}": value for index, value in enumerate(values)}
    return {str(start + index): value for index, value in enumerate(values)}


def _add(found: dict[str, list[float]], key: str, values: list[float]) -> None:
    found[key] = [a + b for a, b in zip(found.get(key, [0.0] * len(values)), values, strict=True)]


def realisable_by_benefit(assessment: Assessment, content: Content) -> dict[str, list[float]]:
    """The realisable (money) benefit per calculation year of each benefit in the benefit table."""
    calc = assessment.calculation
    found: dict[str, list[float]] = {}
    for line in calc.benefit_lines:
        if line.realisable and line.benefit_id:
            _add(found, line.benefit_id, benefit_per_year(line, calc.years))
    for line in calc.freed_time_lines:
        if line.realisable and line.benefit_id:
            value = freed_time_figures(line, calc, content).value_kr
            ramp = fit_years(line.ramp_percent, calc.years)
            _add(found, line.benefit_id, [value * percent / 100 for percent in ramp])
    return found


def inferred_interval(item: PlanItem, content: Content) -> tuple[str | None, bool]:
    """The plan item's measurement interval, or one read from its "Hur och när mäts detta" text
    (documents written before the interval was a field); the flag says it was read from the text."""
    if item.measurement_interval:
        return item.measurement_interval, False
    text = " ".join([*item.answers.values(), *item.seven_questions.values()]).lower()
    for interval in content.portfolio.measurement_intervals:
        if any(word.lower() in text for word in interval.words):
            return interval.id, True
    return None, False


def _plan_row(assessment: Assessment, item: PlanItem, content: Content) -> dict[str, Any]:
    benefit = assessment.benefit(item.benefit_id)
    status = follow_up_status(item, content)
    # A measurement is one with a date and a value: a row with only a date is not measured yet, and the
    # register counts the next measurement from the latest real one.
    dated = sorted((m for m in item.measurements if m.date is not None and m.value is not None), key=lambda m: m.date)
    interval, inferred = inferred_interval(item, content)
    return {
        "plan_id": item.id,
        "benefit_id": item.benefit_id,
        "benefit": benefit.description if benefit else "",
        "responsible": item.seven_questions.get("vem_ansvarar_uppfoljning", ""),
        "unit": item.unit,
        "baseline": item.baseline_value,
        "target": item.target_value,
        "target_date": item.target_date.isoformat() if item.target_date else None,
        "interval": interval,
        "interval_inferred": inferred,
        "latest_date": dated[-1].date.isoformat() if dated else None,
        "latest_value": status.latest_value,
        "light": status.colour,
        "progress_percent": status.progress_percent,
        "measurements": [{"date": m.date.isoformat(), "value": m.value} for m in dated],
    }


def _realised_per_year(
    assessment: Assessment, plans: list[dict[str, Any]], planned: dict[str, list[float]], start: int | None
) -> dict[str, float]:
    """Realised economic benefit per calendar year: a benefit's planned realisable amount that year times
    the share of the way from baseline to target its latest measurement of that year shows (0–100 %)."""
    if start is None:
        return {}
    realised: dict[str, float] = {}
    baseline_target = {i.id: (i.baseline_value, i.target_value) for i in assessment.plan.items}
    for plan in plans:
        amounts = planned.get(plan["benefit_id"] or "")
        baseline, target = baseline_target[plan["plan_id"]]
        if not amounts or baseline is None or target is None:
            continue
        for index, amount in enumerate(amounts):
            year = start + index
            in_year = [m["value"] for m in plan["measurements"] if m["date"][:4] == str(year)]
            if not in_year:
                continue
            share = 1.0 if target == baseline else (in_year[-1] - baseline) / (target - baseline)
            realised[str(year)] = realised.get(str(year), 0.0) + amount * min(max(share, 0.0), 1.0)
    return realised


def _central_funding(assessment: Assessment, content: Content) -> float:
    source = content.portfolio.prioritisation.central_funding_source
    return sum(line.amount_kr or 0.0 for line in assessment.initiative.portfolio.funding if line.source == source)


def _indicator_rows(assessment: Assessment) -> list[dict[str, Any]]:
    return [
        {"indicator": row.indicator, "year": row.year, "expected": row.expected, "realised": row.realised}
        for row in assessment.plan.indicators
        if row.indicator
    ]


def summary_row(assessment: Assessment, content: Content) -> dict[str, Any]:
    """Everything the portfolio shows of one assessment, in plain JSON types."""
    ini = assessment.initiative
    result = calculate(assessment, content)
    start = calendar_start(assessment)
    plans = [_plan_row(assessment, item, content) for item in assessment.plan.items]
    lights = [plan["light"] for plan in plans]
    light = next((colour for colour in LIGHT_ORDER if colour in lights), "none")
    return {
        "id": assessment.id,
        "number": ini.portfolio.number,
        "year": ini.portfolio.year,
        "name": ini.name,
        "department": ini.department,
        "owner": ini.owner,
        "project_number": ini.portfolio.project_number,
        "stage": ini.portfolio.stage,
        "kind": ini.kind,
        "priority_class": ini.priority_class,
        "valuation": ini.valuation.model_dump(mode="json"),
        "classification": {axis.id: assessment.classification.get(axis.id) for axis in content.classification.axes},
        "total_cost_kr": ini.portfolio.total_cost_kr,
        "central_funding_kr": _central_funding(assessment, content),
        "funding_kr": sum(line.amount_kr or 0.0 for line in ini.portfolio.funding),
        "calculation_start": start,
        "calculation_years": assessment.calculation.years,
        "cost_per_year": _per_year(result.cost_total, start),
        "realisable_benefit_per_year": _per_year(result.benefit_realisable, start),
        "realised_benefit_per_year": _realised_per_year(
            assessment, plans, realisable_by_benefit(assessment, content), start
        ),
        "calculation_cost_kr": result.total_cost,
        "net_kr": result.total_net,
        "annual_realisable_net_kr": result.annual_realisable_net,
        "completeness_percent": completeness(assessment, content).percent,
        "light": light,
        "plans": plans,
        "indicators": _indicator_rows(assessment),
        "approved_date": assessment.plan.approved_date.isoformat() if assessment.plan.approved_date else None,
        "start_date": ini.start_date.isoformat() if ini.start_date else None,
    }


def today() -> dt.date:
    """The local date (the register's due and overdue are about the user's day, not UTC's)."""
    return dt.date.today()
