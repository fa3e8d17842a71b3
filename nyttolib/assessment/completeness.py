"""What is still missing in an assessment, per form section and per benefit step, in words a user understands.

Each check is one thing a user can do ("Skriv en motivering för …"); a section is complete when all
its checks pass. Sections follow the form; steps follow the benefit steps 1–6 in steps.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from nyttolib.assessment.consistency import rule_problems
from nyttolib.assessment.model import Assessment
from nyttolib.assessment.rules import calculation_requirement
from nyttolib.assessment.validation import describe_location
from nyttolib.content import Content

SECTIONS: dict[str, str] = {
    "initiative": "Om initiativet",
    "prerequisites": "Förutsättningar",
    "classification": "Klassificering",
    "benefits": "Nytta",
    "calculation": "Nyttokalkyl",
    "plan": "Nyttorealiseringsplan",
    "follow_up": "Uppföljning",
}
# Follow-up happens after the decision: it is reported, but not counted in the decision's completeness.
DECISION_SECTIONS = ("initiative", "prerequisites", "classification", "benefits", "calculation", "plan")

State = Literal["not_started", "in_progress", "complete", "not_applicable", "problems"]
STATE_LABELS: dict[str, str] = {
    "not_started": "Ej påbörjad",
    "in_progress": "Pågår",
    "complete": "Klar",
    "not_applicable": "Inget att fylla i",
    "problems": "Har fel",
}
INVALID = "ej giltigt värde"


@dataclass(frozen=True)
class Check:
    section: str
    steps: tuple[int, ...]
    done: bool
    message: str
    loc: tuple[Any, ...]
    error: bool = False  # a value that is not valid (a draft) or a broken rule between fields


@dataclass
class Progress:
    id: str
    title: str
    checks: list[Check] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(check.done for check in self.checks)

    @property
    def total(self) -> int:
        return len(self.checks)

    @property
    def missing(self) -> list[Check]:
        return [check for check in self.checks if not check.done]

    @property
    def state(self) -> State:
        if any(check.error for check in self.checks):
            return "problems"
        if not self.total:
            return "not_applicable"
        if self.done == self.total:
            return "complete"
        return "in_progress" if self.done else "not_started"

    @property
    def percent(self) -> float:
        return 100.0 * self.done / self.total if self.total else 100.0


@dataclass
class Completeness:
    sections: dict[str, Progress]
    steps: dict[int, Progress]

    @property
    def percent(self) -> float:
        """Share of the decision sections' checks that are done (follow-up is not counted)."""
        checks = [c for s in DECISION_SECTIONS for c in self.sections[s].checks]
        return 100.0 * sum(c.done for c in checks) / len(checks) if checks else 100.0

    @property
    def missing(self) -> list[Check]:
        """What is left to do, errors first (a value that is not valid, a broken rule)."""
        missing = [c for s in DECISION_SECTIONS for c in self.sections[s].missing]
        return [c for c in missing if c.error] + [c for c in missing if not c.error]


def _filled(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return value is not None


def _checks(assessment: Assessment, content: Content) -> list[Check]:
    checks: list[Check] = []

    def check(section: str, steps: tuple[int, ...], done: bool, message: str, *loc: Any) -> None:
        checks.append(Check(section, steps, bool(done), message, tuple(loc)))

    ini = assessment.initiative
    for name, message in [
        ("name", "Ge initiativet ett namn"),
        ("department", "Ange vilken verksamhet initiativet gäller"),
        ("initiator", "Ange initiativtagare"),
        ("owner", "Ange ägare (projektägare)"),
        ("need", "Beskriv behovet – behov före lösning"),
        ("description", "Beskriv initiativet"),
        ("kind", "Välj typ av initiativ (genomförande, förstudie eller MVP)"),
        ("start_date", "Ange startdatum"),
        ("priority_class", "Välj prioriteringsgrund"),
    ]:
        check("initiative", (), _filled(getattr(ini, name)), message, "initiative", name)
    check("initiative", (), ini.portfolio.stage, "Välj steg i portföljen", "initiative", "portfolio", "stage")
    for criterion in content.initiative.valuation_criteria:
        level = getattr(ini.valuation, criterion.id, None)
        check(
            "initiative",
            (),
            level,
            f"Välj nivå för {criterion.label.lower()} i nyttovärderingen",
            "initiative",
            "valuation",
            criterion.id,
        )

    for criterion in content.criteria.criteria:
        answer = assessment.prerequisites.get(criterion.id)
        loc = ("prerequisites", criterion.id)
        check(
            "prerequisites",
            (),
            answer and answer.answer,
            f"Besvara JA eller NEJ för ”{criterion.label}”",
            *loc,
            "answer",
        )
        check(
            "prerequisites",
            (),
            answer and _filled(answer.motivation),
            f"Skriv en motivering för ”{criterion.label}”",
            *loc,
            "motivation",
        )

    for axis in content.classification.axes:
        check(
            "classification",
            (),
            assessment.classification.get(axis.id),
            f"Markera balansen mellan {axis.left} och {axis.right}",
            "classification",
            axis.id,
        )

    check("benefits", (1,), assessment.benefits, "Lägg till minst en förväntad nytta", "benefits")
    for index, benefit in enumerate(assessment.benefits):
        name = f"”{benefit.description}”" if benefit.description.strip() else f"nytta {index + 1}"
        loc = ("benefits", index)
        check("benefits", (1,), _filled(benefit.description), f"Beskriv nytta {index + 1}", *loc, "description")
        check("benefits", (1,), _filled(benefit.target_group), f"Ange målgrupp för {name}", *loc, "target_group")
        check("benefits", (1,), benefit.category, f"Välj kategori för {name}", *loc, "category")
        check("benefits", (2,), _filled(benefit.means), f"Beskriv hur {name} förväntas uppnås", *loc, "means")
        check("benefits", (2,), benefit.measurable is not None, f"Ange om {name} är mätbar", *loc, "measurable")
        if benefit.measurable:
            check("benefits", (2,), _filled(benefit.baseline), f"Beskriv noll-mätningen för {name}", *loc, "baseline")

    calc = assessment.calculation
    requirement = calculation_requirement(assessment, content)
    check("calculation", (1, 3), calc.cost_lines, "Ange kostnaderna för initiativet", "calculation", "cost_lines")
    for index, line in enumerate(calc.cost_lines):
        check(
            "calculation",
            (3,),
            _filled(line.description),
            f"Beskriv kostnad {index + 1}",
            "calculation",
            "cost_lines",
            index,
            "description",
        )
    if requirement.required:
        has_benefit_lines = calc.benefit_lines or calc.freed_time_lines
        check(
            "calculation",
            (1, 3),
            has_benefit_lines,
            "Räkna på den ekonomiska nyttan: lägg till nyttorader eller frigjord tid i nyttokalkylen",
            "calculation",
            "benefit_lines",
        )
        for index, benefit_line in enumerate(calc.benefit_lines):
            check(
                "calculation",
                (3,),
                _filled(benefit_line.description),
                f"Beskriv nyttorad {index + 1}",
                "calculation",
                "benefit_lines",
                index,
                "description",
            )
        for index, freed in enumerate(calc.freed_time_lines):
            check(
                "calculation",
                (3,),
                _filled(freed.description),
                f"Beskriv frigjord tid, rad {index + 1}",
                "calculation",
                "freed_time_lines",
                index,
                "description",
            )

    plan = assessment.plan
    planned = {item.benefit_id for item in plan.items}
    for index, benefit in enumerate(assessment.benefits):
        if benefit.measurable:
            name = f"”{benefit.description}”" if benefit.description.strip() else f"nytta {index + 1}"
            check("plan", (4,), benefit.id in planned, f"Gör en nyttorealiseringsplan för {name}", "plan", "items")
    for index, item in enumerate(plan.items):
        benefit = assessment.benefit(item.benefit_id)
        name = f"”{benefit.description}”" if benefit and benefit.description.strip() else f"plan {index + 1}"
        loc = ("plan", "items", index)
        check("plan", (4,), benefit is not None, f"Koppla plan {index + 1} till en nytta", *loc, "benefit_id")
        for question in content.steps.plan_questions:
            if question.id == "what_benefit" and benefit is not None and _filled(benefit.description):
                continue
            check(
                "plan",
                (4,),
                _filled(item.answers.get(question.id)),
                f"{name}: besvara ”{question.label}”",
                *loc,
                "answers",
                question.id,
            )
        for question in content.steps.seven_questions:
            check(
                "plan",
                (2,),
                _filled(item.seven_questions.get(question.id)),
                f"{name}: besvara ”{question.label}”",
                *loc,
                "seven_questions",
                question.id,
            )
        check("plan", (4,), item.target_value is not None, f"{name}: ange ett målvärde", *loc, "target_value")
        check(
            "plan", (4,), item.baseline_value is not None, f"{name}: ange nuläget som ett värde", *loc, "baseline_value"
        )
        check("follow_up", (6,), item.measurements, f"{name}: registrera en uppföljande mätning", *loc, "measurements")
    if assessment.benefits:
        check(
            "plan",
            (5,),
            plan.activities,
            "Lägg till aktiviteter som krävs för att nyttan ska realiseras",
            "plan",
            "activities",
        )
    for index, activity in enumerate(plan.activities):
        loc = ("plan", "activities", index)
        check("plan", (5,), _filled(activity.activity), f"Beskriv aktivitet {index + 1}", *loc, "activity")
        check(
            "plan", (5,), _filled(activity.responsible), f"Ange ansvarig för aktivitet {index + 1}", *loc, "responsible"
        )
    return checks


def _section_of(loc: tuple[Any, ...]) -> str:
    if loc[:1] == ("plan",) and "measurements" in loc:
        return "follow_up"
    return loc[0] if loc and loc[0] in SECTIONS else "initiative"


def _with_errors(checks: list[Check], assessment: Assessment, content: Content, drafts: dict[str, str]) -> list[Check]:
    """Text that was not accepted (a draft) and broken rules between fields are errors, at their field:
    a check of the same field says so instead of asking for a value that seems to be missing."""
    errors: dict[tuple[Any, ...], str] = {}
    for key in drafts:
        loc = tuple(int(part) if part.isdigit() else part for part in key.split("."))
        errors[loc] = f"{describe_location(loc, content)}: {INVALID}"
    for problem in rule_problems(assessment):
        errors.setdefault(problem.loc, problem.message)
    result = []
    for check in checks:
        message = errors.pop(check.loc, None)
        result.append(check if message is None else Check(check.section, check.steps, False, message, check.loc, True))
    for loc, message in errors.items():
        result.append(Check(_section_of(loc), (), False, message, loc, True))
    return result


def completeness(assessment: Assessment, content: Content, drafts: dict[str, str] | None = None) -> Completeness:
    """Per section and per benefit step: what is done, what is still missing, and what is wrong.

    `drafts` are the texts the form could not accept (field key → text): each counts as an error, never
    as the older value the model still holds."""
    sections = {key: Progress(key, title) for key, title in SECTIONS.items()}
    steps = {s.number: Progress(s.id, f"Steg {s.number}. {s.label}") for s in content.steps.benefit_steps}
    for item in _with_errors(_checks(assessment, content), assessment, content, drafts or {}):
        sections[item.section].checks.append(item)
        for number in item.steps:
            if number in steps:
                steps[number].checks.append(item)
    return Completeness(sections, steps)
