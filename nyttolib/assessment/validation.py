"""Validate an assessment document and say, in Swedish, which field is wrong and why.

Validation never raises on bad input: it returns problems. Structure and types come from the model;
ids that point into the content (criteria, categories, stages …) are checked against the loaded
content, so each municipality's own files decide what is valid.
"""

from __future__ import annotations

import types
from dataclasses import dataclass, field
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from nyttolib.assessment.consistency import rule_problems
from nyttolib.assessment.migrations import NewerSchemaError, migrate
from nyttolib.assessment.model import DOCUMENT_TYPE, Assessment, uses_hourly_rate
from nyttolib.content import Content
from nyttolib.messages import error_text
from nyttolib.numbers import Range


@dataclass(frozen=True)
class Problem:
    loc: tuple[Any, ...]
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


@dataclass
class ValidationResult:
    assessment: Assessment | None
    problems: list[Problem] = field(default_factory=list)
    migrated_from: int | None = None
    # Rules between fields (date order, one value per year): the document opens, the form shows them.
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.assessment is not None and not self.problems


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in get_args(annotation):
        found = _inner_model(argument)
        if found is not None:
            return found
    return None


def _key_labels(content: Content | None) -> dict[str, str]:
    if content is None:
        return {}
    labels = {c.id: c.label for c in content.criteria.criteria}
    labels |= {a.id: f"{a.left} – {a.right}" for a in content.classification.axes}
    labels |= {q.id: q.label for q in content.steps.plan_questions}
    labels |= {q.id: q.label for q in content.steps.seven_questions}
    labels |= {r.id: r.label for r in content.settings.hourly_rates}
    return labels


def describe_location(loc: tuple[Any, ...], content: Content | None = None) -> str:
    """A document path in the words of the form, e.g. 'Nyttokalkyl → Kostnader → rad 2 → Belopp per år'."""
    labels = _key_labels(content)
    current: type[BaseModel] | None = Assessment
    parts: list[str] = []
    previous: Any = None
    for part in loc:
        if isinstance(part, int):
            per_year = previous in ("values", "ramp_percent")
            parts.append(f"år {part + 1}" if per_year else f"rad {part + 1}")
        elif current is not None and part in current.model_fields:
            info = current.model_fields[part]
            parts.append(info.title or str(part))
            current = _inner_model(info.annotation)
        else:
            parts.append(f"'{labels.get(part, part)}'")
        previous = part
    return " → ".join(parts)


def _without_none(union: Any) -> list[Any]:
    return [a for a in get_args(union) if a is not type(None)]


def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    """The type inside Optional[...] and Annotated[...], and the metadata found on the way."""
    metadata: list[Any] = []
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation, *extra = get_args(annotation)
            metadata += extra
        elif origin in (Union, types.UnionType) and len(present := _without_none(annotation)) == 1:
            annotation = present[0]
        else:
            return annotation, metadata


def number_range(loc: tuple[Any, ...]) -> Range | None:
    """The allowed range of the number at a document path, as the model declares it (None if none)."""
    annotation: Any = Assessment
    metadata: list[Any] = []
    for part in loc:
        annotation, _ = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            info = annotation.model_fields.get(part) if isinstance(part, str) else None
            if info is None:
                return None
            annotation, metadata = info.annotation, list(info.metadata)
        elif get_origin(annotation) in (list, dict):
            annotation, metadata = get_args(annotation)[-1], []
        else:
            return None
    annotation, more = _unwrap(annotation)
    return next((m for m in [*metadata, *more] if isinstance(m, Range)), None)


def _problem(loc: tuple[Any, ...], message: str, content: Content | None) -> Problem:
    return Problem(loc, describe_location(loc, content), message)


def _choice(value: str | None, choices: list[Any], loc: tuple[Any, ...], what: str, content: Content) -> list[Problem]:
    if value is None or any(c.id == value for c in choices):
        return []
    valid = ", ".join(c.id for c in choices)
    return [_problem(loc, f"{what} '{value}' (giltiga: {valid})", content)]


def _unique(ids: list[str], loc: tuple[Any, ...], content: Content) -> list[Problem]:
    seen: set[str] = set()
    problems = []
    for index, row_id in enumerate(ids):
        if row_id in seen:
            problems.append(_problem((*loc, index, "id"), f"id '{row_id}' används på mer än en rad", content))
        seen.add(row_id)
    return problems


def check_references(assessment: Assessment, content: Content) -> list[Problem]:
    """Problems with ids that must exist in the content or elsewhere in the document."""
    problems: list[Problem] = []
    ini = assessment.initiative
    ic = content.initiative
    problems += _choice(ini.kind, ic.kinds, ("initiative", "kind"), "okänd typ", content)
    problems += _choice(
        ini.portfolio.stage, ic.portfolio_stages, ("initiative", "portfolio", "stage"), "okänt steg", content
    )
    problems += _choice(
        ini.priority_class, ic.priority_classes, ("initiative", "priority_class"), "okänd prioriteringsgrund", content
    )
    for index, line in enumerate(ini.portfolio.funding):
        loc = ("initiative", "portfolio", "funding", index, "source")
        problems += _choice(line.source, ic.funding_sources, loc, "okänd finansieringskälla", content)
    for key in assessment.prerequisites:
        problems += _choice(key, content.criteria.criteria, ("prerequisites",), "okänt kriterium", content)
    for key in assessment.classification:
        problems += _choice(key, content.classification.axes, ("classification",), "okänd axel", content)

    categories = content.benefits.categories
    benefit_ids = [b.id for b in assessment.benefits]
    problems += _unique(benefit_ids, ("benefits",), content)
    for index, benefit in enumerate(assessment.benefits):
        problems += _choice(benefit.category, categories, ("benefits", index, "category"), "okänd kategori", content)

    calc = assessment.calculation
    minimum = content.settings.minimum_years
    if calc.years < minimum:
        problems.append(_problem(("calculation", "years"), f"kalkylen ska omfatta minst {minimum} år", content))
    rates = content.settings.hourly_rates
    for key in calc.hourly_rates:
        problems += _choice(key, rates, ("calculation", "hourly_rates"), "okänt timpris", content)
    for name in ("cost_lines", "benefit_lines", "freed_time_lines"):
        lines = getattr(calc, name)
        problems += _unique([line.id for line in lines], ("calculation", name), content)
        for index, line in enumerate(lines):
            loc = ("calculation", name, index)
            if uses_hourly_rate(line):
                problems += _choice(line.rate, rates, (*loc, "rate"), "okänt timpris", content)
            if getattr(line, "category", None) is not None:
                problems += _choice(line.category, categories, (*loc, "category"), "okänd kategori", content)
            benefit_id = getattr(line, "benefit_id", None)
            if benefit_id is not None and benefit_id not in benefit_ids:
                problems.append(
                    _problem((*loc, "benefit_id"), f"nyttan '{benefit_id}' finns inte i nyttotabellen", content)
                )

    plan = assessment.plan
    problems += _unique([item.id for item in plan.items], ("plan", "items"), content)
    for index, item in enumerate(plan.items):
        loc = ("plan", "items", index)
        if item.benefit_id is not None and item.benefit_id not in benefit_ids:
            problems.append(
                _problem((*loc, "benefit_id"), f"nyttan '{item.benefit_id}' finns inte i nyttotabellen", content)
            )
        for key in item.answers:
            problems += _choice(key, content.steps.plan_questions, (*loc, "answers"), "okänd fråga", content)
        for key in item.seven_questions:
            problems += _choice(key, content.steps.seven_questions, (*loc, "seven_questions"), "okänd fråga", content)
        problems += _choice(
            item.measurement_interval,
            content.portfolio.measurement_intervals,
            (*loc, "measurement_interval"),
            "okänt mätintervall",
            content,
        )
    problems += _unique([row.id for row in plan.indicators], ("plan", "indicators"), content)
    for index, row in enumerate(plan.indicators):
        loc = ("plan", "indicators", index, "indicator")
        problems += _choice(row.indicator, content.portfolio.indicators, loc, "okänd indikator", content)
    return problems


def validate_document(data: Any, content: Content) -> ValidationResult:
    """Check any JSON value as an assessment; older schema versions are migrated first."""
    if not isinstance(data, dict):
        return ValidationResult(None, [Problem((), "", "Filen innehåller ingen bedömning (väntade ett JSON-objekt).")])
    if data.get("document_type") != DOCUMENT_TYPE:
        return ValidationResult(
            None,
            [Problem((), "", "Filen är ingen bedömning från nyttolib (fältet document_type saknas eller är fel).")],
        )
    try:
        current, original = migrate(data)
    except NewerSchemaError as exc:
        return ValidationResult(None, [Problem(("schema_version",), "Schemaversion", str(exc))])
    except ValueError as exc:
        return ValidationResult(None, [Problem(("schema_version",), "Schemaversion", str(exc))])
    migrated_from = original if original != current["schema_version"] else None
    try:
        assessment = Assessment.model_validate(current)
    except ValidationError as exc:
        problems = [_problem(tuple(e["loc"]), error_text(e), content) for e in exc.errors()]
        return ValidationResult(None, problems, migrated_from)
    warnings = [_problem(p.loc, p.message, content) for p in rule_problems(assessment)]
    return ValidationResult(assessment, check_references(assessment, content), migrated_from, warnings)
