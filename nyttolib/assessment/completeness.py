"""What is still missing in an assessment, per form section and per benefit step, in words a user understands.

Each check is one thing a user can do ("Skriv en motivering för …"); a section is complete when all
its checks pass. Sections follow the form; steps follow the benefit steps 1–6 in steps.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from nyttolib.assessment.consistency import rule_problems
from nyttolib.assessment.model import Assessment, Benefit, PlanItem
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
FOLLOW_UP_STEPS = (6,)

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
    # Nothing to fill in yet because what it builds on is missing (the plan waits for the benefits).
    waiting_for: str | None = None

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
            return "not_started" if self.waiting_for else "not_applicable"
        if self.done == self.total:
            return "complete"
        return "in_progress" if self.done else "not_started"

    @property
    def percent(self) -> float:
        if not self.total:
            return 0.0 if self.waiting_for else 100.0
        return 100.0 * self.done / self.total


@dataclass
class Completeness:
    sections: dict[str, Progress]
    steps: dict[int, Progress]
    # Criteria answered NEJ: the assessment may be complete, but a decision should see them.
    nej_answers: list[str] = field(default_factory=list)

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


def _check(section: str, steps: tuple[int, ...], done: Any, message: str, *loc: Any) -> Check:
    return Check(section, steps, bool(done), message, tuple(loc))


def _benefit_name(benefit: Benefit, index: int) -> str:
    return f"”{benefit.description}”" if benefit.description.strip() else f"nytta {index + 1}"


def _initiative_checks(assessment: Assessment, content: Content) -> list[Check]:
    ini = assessment.initiative
    checks = [
        _check("initiative", (), _filled(getattr(ini, name)), message, "initiative", name)
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
        ]
    ]
    checks.append(
        _check("initiative", (), ini.portfolio.stage, "Välj steg i portföljen", "initiative", "portfolio", "stage")
    )
    checks += [
        _check(
            "initiative",
            (),
            getattr(ini.valuation, criterion.id, None),
            f"Välj nivå för {criterion.label.lower()} i nyttovärderingen",
            "initiative",
            "valuation",
            criterion.id,
        )
        for criterion in content.initiative.valuation_criteria
    ]
    return checks


def _prerequisite_checks(assessment: Assessment, content: Content) -> list[Check]:
    checks = []
    for criterion in content.criteria.criteria:
        answer = assessment.prerequisites.get(criterion.id)
        loc = ("prerequisites", criterion.id)
        checks.append(
            _check(
                "prerequisites",
                (),
                answer and answer.answer,
                f"Besvara JA eller NEJ för ”{criterion.label}”",
                *loc,
                "answer",
            )
        )
        checks.append(
            _check(
                "prerequisites",
                (),
                answer and _filled(answer.motivation),
                f"Skriv en motivering för ”{criterion.label}”",
                *loc,
                "motivation",
            )
        )
    return checks


def _classification_checks(assessment: Assessment, content: Content) -> list[Check]:
    return [
        _check(
            "classification",
            (),
            assessment.classification.get(axis.id),
            f"Markera balansen mellan {axis.left} och {axis.right}",
            "classification",
            axis.id,
        )
        for axis in content.classification.axes
    ]


def _benefit_checks(assessment: Assessment) -> list[Check]:
    checks = [_check("benefits", (1,), assessment.benefits, "Lägg till minst en förväntad nytta", "benefits")]
    for index, benefit in enumerate(assessment.benefits):
        name = _benefit_name(benefit, index)
        loc = ("benefits", index)
        checks += [
            _check("benefits", (1,), _filled(benefit.description), f"Beskriv nytta {index + 1}", *loc, "description"),
            _check("benefits", (1,), _filled(benefit.target_group), f"Ange målgrupp för {name}", *loc, "target_group"),
            _check("benefits", (1,), benefit.category, f"Välj kategori för {name}", *loc, "category"),
            _check("benefits", (2,), _filled(benefit.means), f"Beskriv hur {name} förväntas uppnås", *loc, "means"),
            _check("benefits", (2,), benefit.measurable is not None, f"Ange om {name} är mätbar", *loc, "measurable"),
        ]
        if benefit.measurable:
            checks.append(
                _check(
                    "benefits", (2,), _filled(benefit.baseline), f"Beskriv noll-mätningen för {name}", *loc, "baseline"
                )
            )
    return checks


def _line_descriptions(lines: list[Any], name: str, message: str) -> list[Check]:
    """'Beskriv kostnad 2': one check per line of a calculation table that its description is filled."""
    return [
        _check(
            "calculation",
            (3,),
            _filled(line.description),
            message.format(row=index + 1),
            "calculation",
            name,
            index,
            "description",
        )
        for index, line in enumerate(lines)
    ]


def _calculation_checks(assessment: Assessment, content: Content) -> list[Check]:
    calc = assessment.calculation
    checks = [
        _check("calculation", (1, 3), calc.cost_lines, "Ange kostnaderna för initiativet", "calculation", "cost_lines")
    ]
    checks += _line_descriptions(calc.cost_lines, "cost_lines", "Beskriv kostnad {row}")
    if calculation_requirement(assessment, content).required:
        checks.append(
            _check(
                "calculation",
                (1, 3),
                calc.benefit_lines or calc.freed_time_lines,
                "Räkna på den ekonomiska nyttan: lägg till nyttorader eller frigjord tid i nyttokalkylen",
                "calculation",
                "benefit_lines",
            )
        )
        checks += _line_descriptions(calc.benefit_lines, "benefit_lines", "Beskriv nyttorad {row}")
        checks += _line_descriptions(calc.freed_time_lines, "freed_time_lines", "Beskriv frigjord tid, rad {row}")
    # Freed time is money only if taken home: the choice is the user's, whether or not a calculation is required.
    checks += [
        _check(
            "calculation",
            (3,),
            line.realisable is not None,
            content.texts.completeness.choose_realisable.format(row=index + 1),
            "calculation",
            "freed_time_lines",
            index,
            "realisable",
        )
        for index, line in enumerate(calc.freed_time_lines)
    ]
    return checks


def _plan_item_checks(assessment: Assessment, content: Content, index: int, item: PlanItem) -> list[Check]:
    benefit = assessment.benefit(item.benefit_id)
    name = f"”{benefit.description}”" if benefit and benefit.description.strip() else f"plan {index + 1}"
    loc = ("plan", "items", index)
    checks = [_check("plan", (4,), benefit is not None, f"Koppla plan {index + 1} till en nytta", *loc, "benefit_id")]
    for question in content.steps.plan_questions:
        if question.id == "what_benefit" and benefit is not None and _filled(benefit.description):
            continue
        checks.append(
            _check(
                "plan",
                (4,),
                _filled(item.answers.get(question.id)),
                f"{name}: besvara ”{question.label}”",
                *loc,
                "answers",
                question.id,
            )
        )
    checks += [
        _check(
            "plan",
            (2,),
            _filled(item.seven_questions.get(question.id)),
            f"{name}: besvara ”{question.label}”",
            *loc,
            "seven_questions",
            question.id,
        )
        for question in content.steps.seven_questions
    ]
    checks += [
        _check("plan", (4,), item.target_value is not None, f"{name}: ange ett målvärde", *loc, "target_value"),
        _check(
            "plan", (4,), item.baseline_value is not None, f"{name}: ange nuläget som ett värde", *loc, "baseline_value"
        ),
        _check(
            "plan",
            (4,),
            item.measurement_interval,
            f"{name}: ange hur ofta nyttan ska mätas",
            *loc,
            "measurement_interval",
        ),
        _check(
            "follow_up",
            FOLLOW_UP_STEPS,
            item.measurements,
            f"{name}: registrera en uppföljande mätning",
            *loc,
            "measurements",
        ),
    ]
    return checks


def _activity_checks(assessment: Assessment) -> list[Check]:
    plan = assessment.plan
    checks = []
    if assessment.benefits:
        checks.append(
            _check(
                "plan",
                (5,),
                plan.activities,
                "Lägg till aktiviteter som krävs för att nyttan ska realiseras",
                "plan",
                "activities",
            )
        )
    for index, activity in enumerate(plan.activities):
        loc = ("plan", "activities", index)
        checks.append(
            _check("plan", (5,), _filled(activity.activity), f"Beskriv aktivitet {index + 1}", *loc, "activity")
        )
        checks.append(
            _check(
                "plan",
                (5,),
                _filled(activity.responsible),
                f"Ange ansvarig för aktivitet {index + 1}",
                *loc,
                "responsible",
            )
        )
    return checks


def _plan_checks(assessment: Assessment, content: Content) -> list[Check]:
    planned = {item.benefit_id for item in assessment.plan.items}
    checks = [
        _check(
            "plan",
            (4,),
            benefit.id in planned,
            f"Gör en nyttorealiseringsplan för {_benefit_name(benefit, index)}",
            "plan",
            "items",
        )
        for index, benefit in enumerate(assessment.benefits)
        if benefit.measurable
    ]
    for index, item in enumerate(assessment.plan.items):
        checks += _plan_item_checks(assessment, content, index, item)
    return checks + _activity_checks(assessment)


def _checks(assessment: Assessment, content: Content) -> list[Check]:
    """Every check, in the order of the form."""
    return [
        *_initiative_checks(assessment, content),
        *_prerequisite_checks(assessment, content),
        *_classification_checks(assessment, content),
        *_benefit_checks(assessment),
        *_calculation_checks(assessment, content),
        *_plan_checks(assessment, content),
    ]


def draft_path(key: str) -> tuple[Any, ...]:
    """The field path of a draft key: 'calculation.cost_lines.0.values.1' → ('calculation', 'cost_lines', 0, …)."""
    return tuple(int(part) if part.isdigit() else part for part in key.split("."))


def _section_of(loc: tuple[Any, ...]) -> str:
    if loc[:1] == ("plan",) and "measurements" in loc:
        return "follow_up"
    return loc[0] if loc and loc[0] in SECTIONS else "initiative"


def _with_errors(checks: list[Check], assessment: Assessment, content: Content, drafts: dict[str, str]) -> list[Check]:
    """Text that was not accepted (a draft) and broken rules between fields are errors, at their field:
    a check of the same field says so instead of asking for a value that seems to be missing."""
    errors: dict[tuple[Any, ...], str] = {}
    for key in drafts:
        loc = draft_path(key)
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
    _mark_waiting(assessment, sections, steps)
    nej = [
        c.label for c in content.criteria.criteria if (a := assessment.prerequisites.get(c.id)) and a.answer == "nej"
    ]
    return Completeness(sections, steps, nej)


def _mark_waiting(assessment: Assessment, sections: dict[str, Progress], steps: dict[int, Progress]) -> None:
    """A part with nothing to check is not done when what it builds on is missing: it waits for it.

    Without benefits there is nothing to plan; without a plan (that is still unfinished) nothing to follow up.
    """
    plan_unfinished = not assessment.plan.items and sections["plan"].state != "complete"
    follow_up = {id(sections["follow_up"]), *(id(steps[n]) for n in FOLLOW_UP_STEPS if n in steps)}
    for progress in [*sections.values(), *steps.values()]:
        if progress.total:
            continue
        if not assessment.benefits:
            progress.waiting_for = sections["benefits"].title
        elif plan_unfinished and id(progress) in follow_up:
            progress.waiting_for = sections["plan"].title


def state_text(progress: Progress, content: Content, *, counted: bool = True) -> str:
    """'Pågår (3 av 5)', 'Ej påbörjad (väntar på Nytta)': a section's or step's state in words."""
    text = STATE_LABELS[progress.state]
    if progress.waiting_for:
        return f"{text} ({content.texts.completeness.waiting_for.format(section=progress.waiting_for)})"
    if counted and progress.total:
        return f"{text} ({progress.done} av {progress.total})"
    return text


def closing_remarks(progress: Completeness, content: Content) -> list[str]:
    """Said after the missing list: that nothing is missing, and which prerequisites are answered NEJ."""
    texts = content.texts.completeness
    remarks = [] if progress.missing else [texts.complete]
    if progress.nej_answers:
        criteria = ", ".join(f"”{label}”" for label in progress.nej_answers)
        if len(progress.nej_answers) == 1:
            remarks.append(texts.nej_one.format(criteria=criteria))
        else:
            remarks.append(texts.nej_many.format(count=len(progress.nej_answers), criteria=criteria))
    return remarks
