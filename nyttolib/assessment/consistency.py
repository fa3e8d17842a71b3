"""Rules between fields (date order, low/high estimates, one value per year, hours within the hours
range): reported, never raised.

They used to be model validators, which made a document that breaks them impossible to load: a form
that saved such a pair (Slutdatum before Startdatum, typed digit by digit) left an assessment that no
longer opened. Now the model loads whatever each field accepts on its own, and these rules are shown
at the fields, in Sammanfattning's list and in the report until the user puts them right.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nyttolib.assessment.model import Assessment
from nyttolib.numbers import HOURS

LINE_SECTIONS = (
    ("cost_lines", "values", "Kostnader"),
    ("benefit_lines", "ramp_percent", "Nyttor"),
    ("freed_time_lines", "ramp_percent", "Frigjord tid"),
)


@dataclass(frozen=True)
class RuleProblem:
    """One broken rule, shown at the field `loc` (the form's field key) with a Swedish message."""

    loc: tuple[Any, ...]
    message: str


def _dates(assessment: Assessment) -> list[RuleProblem]:
    ini = assessment.initiative
    if ini.start_date and ini.end_date and ini.end_date < ini.start_date:
        return [
            RuleProblem(("initiative", "start_date"), "Startdatum kan inte vara efter slutdatum"),
            RuleProblem(("initiative", "end_date"), "Slutdatum kan inte vara före startdatum"),
        ]
    return []


def _estimates(assessment: Assessment) -> list[RuleProblem]:
    problems = []
    for name, _values, _section in LINE_SECTIONS:
        for index, line in enumerate(getattr(assessment.calculation, name)):
            low, high = line.low_percent, line.high_percent
            if low is not None and high is not None and low > high:
                base = ("calculation", name, index)
                problems += [
                    RuleProblem((*base, "low_percent"), "Lågt utfall kan inte vara större än högt utfall"),
                    RuleProblem((*base, "high_percent"), "Högt utfall kan inte vara mindre än lågt utfall"),
                ]
    return problems


def _one_value_per_year(assessment: Assessment) -> list[RuleProblem]:
    calc = assessment.calculation
    problems = []
    for name, values_name, section in LINE_SECTIONS:
        for index, line in enumerate(getattr(calc, name)):
            values = getattr(line, values_name)
            if len(values) == calc.years:
                continue
            named = f" ('{line.description}')" if line.description else ""
            # At the first year without a value, or at the last year shown when there are too many.
            year = min(len(values), calc.years - 1)
            problems.append(
                RuleProblem(
                    ("calculation", name, index, values_name, year),
                    f"{section}, rad {index + 1}{named}, har {len(values)} värden per år, "
                    f"men kalkylen har {calc.years} år",
                )
            )
    return problems


def _hours_in_range(assessment: Assessment) -> list[RuleProblem]:
    """A cost line in hours shares the model's amount bound; as hours it is held to the form's HOURS range.
    Which bound applies depends on another field (the unit: switched after the amount was typed)."""
    return [
        RuleProblem(("calculation", "cost_lines", row, "values", year), HOURS.model_message())
        for row, line in enumerate(assessment.calculation.cost_lines)
        if line.unit == "timmar"
        for year, value in enumerate(line.values)
        if not HOURS.contains(value)
    ]


def rule_problems(assessment: Assessment) -> list[RuleProblem]:
    """Every rule between fields that the assessment breaks now."""
    return _dates(assessment) + _estimates(assessment) + _one_value_per_year(assessment) + _hours_in_range(assessment)
