"""Documents with every free-text field as long as the model allows, for the report's print and speed.

Shared by tests/test_export.py and bench/bench_export.py. The walk goes over the model's own fields, so
a text field added later is filled too.
"""

from __future__ import annotations

from pydantic import BaseModel

from nyttolib.assessment.model import Assessment, BenefitLine
from nyttolib.content import Content

#: Fields that hold references (row ids, rate ids), not text a user writes.
REFERENCES = {"id", "rate"}

#: Long Swedish words as users write them in a beslutsunderlag (compounds of 17–33 letters).
SWEDISH = (
    "Kontaktcenterchef konfiguration Verksamheter kontaktcenter ärendehanteringssystem verksamhetsutvecklare "
    "informationssäkerhetssamordnare digitaliseringsstrategi nyttorealiseringsplanering "
    "kommunikationsplattform upphandlingsdokumentation förvaltningsorganisation "
)


def max_length(field: object) -> int | None:
    return next((m.max_length for m in getattr(field, "metadata", []) if getattr(m, "max_length", None)), None)


TEXT_LIMIT = max_length(Assessment.model_fields["initiative"].annotation.model_fields["need"])  # type: ignore[union-attr]


def _fill(model: BaseModel, text) -> None:
    for name, field in type(model).model_fields.items():
        if name in REFERENCES:
            continue
        value = getattr(model, name)
        limit = max_length(field)
        if isinstance(value, str) and limit:
            setattr(model, name, text(limit))
        elif isinstance(value, BaseModel):
            _fill(value, text)
        elif isinstance(value, list | dict):
            keys = range(len(value)) if isinstance(value, list) else list(value)
            for key in keys:
                if isinstance(value[key], BaseModel):
                    _fill(value[key], text)
                elif isinstance(value[key], str):
                    value[key] = text(TEXT_LIMIT)


def repeated(words: str):
    """Text of the given length made of `words` repeated (a single word if `words` has no space)."""
    return lambda limit: (words * (limit // len(words) + 1))[:limit]


def filled(base: Assessment, content: Content, text) -> Assessment:
    """`base` with one row of every kind and every text field filled by `text(max_length)`: still valid."""
    document = base.model_copy(deep=True)
    calc = document.calculation
    if not calc.benefit_lines:
        calc.benefit_lines = [
            BenefitLine(description="x", full_effect_kr=100_000, ramp_percent=[50.0] + [100.0] * (calc.years - 1))
        ]
    for item in document.plan.items:
        item.answers = {q.id: "x" for q in content.steps.plan_questions}
        item.seven_questions = {q.id: "x" for q in content.steps.seven_questions}
    _fill(document, text)
    return Assessment.model_validate(document.model_dump())
