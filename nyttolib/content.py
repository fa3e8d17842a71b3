"""Content as data: criteria, axes, categories, steps and rates, loaded from the YAML files in `data/content`.

A municipality adapts its model by editing these files. Every problem is reported with the file and
line it stands on, so the editor can find it without reading Python.
"""

from __future__ import annotations

import functools
import os
import re
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from nyttolib.messages import error_text
from nyttolib.paths import content_dir


class _Content(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Choice(_Content):
    id: str = Field(min_length=1)
    label: str = Field(min_length=1)


def _unique_ids(items: list[Any], what: str) -> None:
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise ValueError(f"{what}: id '{item.id}' förekommer mer än en gång")
        seen.add(item.id)


class Criterion(Choice):
    description: str = Field(min_length=1)


class CriteriaFile(_Content):
    title: str
    purpose: str
    guidance: list[str] = []
    answers: list[Choice] = Field(min_length=2)
    motivation_label: str
    criteria: list[Criterion] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> CriteriaFile:
        _unique_ids(self.criteria, "criteria")
        if {a.id for a in self.answers} != {"ja", "nej"}:
            raise ValueError("answers ska ha exakt två svar med id 'ja' och 'nej'")
        return self


class Cell(_Content):
    label: str = Field(min_length=1)
    share: str


_SHARE = re.compile(r"(\d+)\s*%\s*[-–]\s*(\d+)\s*%")


class Axis(_Content):
    id: str = Field(min_length=1)
    left: str
    right: str
    instruction: str
    cells: list[Cell] = Field(min_length=5, max_length=5)
    guidance_title: str = ""
    guidance: list[str] = []
    left_characteristics_title: str = ""
    left_characteristics: list[str] = []
    right_characteristics_title: str = ""
    right_characteristics: list[str] = []

    @model_validator(mode="after")
    def _shares_run_left_to_right(self) -> Axis:
        """Shares read "left% - right%": the left share may only fall from cell 1 to cell 5."""
        shares = [_SHARE.fullmatch(cell.share.strip()) for cell in self.cells]
        if not all(shares):
            return self
        previous = 101
        for number, match in enumerate(shares, start=1):
            left, right = int(match[1]), int(match[2])
            if left + right != 100 or left > previous:
                raise ValueError(
                    f"cell {number} ({self.cells[number - 1].label}) har andelen '{self.cells[number - 1].share}'; "
                    f"andelarna skrivs vänster% - höger% ({self.left} - {self.right}), summerar till 100 och "
                    "vänsterandelen minskar från cell 1 till cell 5"
                )
            previous = left
        return self


class ClassificationFile(_Content):
    title: str
    introduction: str
    portfolio_title: str
    axes: list[Axis] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> ClassificationFile:
        _unique_ids(self.axes, "axes")
        return self


class Category(Choice):
    kind: str
    direct_economic: bool
    colour: Literal["grön", "gul", "röd"]


class ScaleStep(_Content):
    value: int
    label: str


class CalculationRule(_Content):
    required_text: str
    not_required_text: str
    verdict_required: str = "Nyttokalkyl krävs"
    verdict_not_required: str = "Ingen nyttokalkyl krävs"
    verdict_not_required_but_made: str = "Ingen nyttokalkyl krävs, men den som är gjord följer med underlaget"
    exempt_kinds: list[str] = []
    exempt_text: str = ""


class BenefitExample(_Content):
    description: str
    target_group: str = ""


class BenefitTableColumns(_Content):
    description: str
    target_group: str
    means: str
    measurable: str
    baseline: str


class BenefitsFile(_Content):
    title: str
    introduction: str
    kinds: list[Choice] = Field(min_length=1)
    categories: list[Category] = Field(min_length=1)
    table_columns: BenefitTableColumns
    examples: list[BenefitExample] = []
    unvalued_scale: list[ScaleStep] = Field(min_length=2)
    calculation_rule: CalculationRule

    @model_validator(mode="after")
    def _check(self) -> BenefitsFile:
        _unique_ids(self.kinds, "kinds")
        _unique_ids(self.categories, "categories")
        kinds = {k.id for k in self.kinds}
        for category in self.categories:
            if category.kind not in kinds:
                raise ValueError(f"kategorin '{category.id}' har kind '{category.kind}', som inte finns bland kinds")
        return self


class BenefitStep(Choice):
    number: int = Field(ge=1)
    description: str


class StepsFile(_Content):
    benefit_steps: list[BenefitStep] = Field(min_length=1)
    plan_questions: list[Choice] = Field(min_length=1)
    seven_questions: list[Choice] = Field(min_length=1)
    activity_fields: dict[str, str]
    outside_activities_question: str
    prerequisites_guidance: str
    behaviour_changes_guidance: str

    @model_validator(mode="after")
    def _check(self) -> StepsFile:
        _unique_ids(self.benefit_steps, "benefit_steps")
        _unique_ids(self.plan_questions, "plan_questions")
        _unique_ids(self.seven_questions, "seven_questions")
        return self


class PriorityClass(Choice):
    rank: int = Field(ge=1)


class InitiativeFile(_Content):
    kinds: list[Choice] = Field(min_length=1)
    portfolio_stages: list[Choice] = Field(min_length=1)
    priority_classes: list[PriorityClass] = Field(min_length=1)
    valuation_levels: list[int] = Field(min_length=2)
    valuation_criteria: list[Choice] = Field(min_length=1)
    funding_sources: list[Choice] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> InitiativeFile:
        for name in ("kinds", "portfolio_stages", "priority_classes", "valuation_criteria", "funding_sources"):
            _unique_ids(getattr(self, name), name)
        return self


class HourlyRate(Choice):
    kr_per_hour: float = Field(gt=0)


class TrafficLightLabels(_Content):
    green: str
    yellow: str
    red: str
    none: str


class TrafficLight(_Content):
    green_from_percent: float = Field(ge=0)
    yellow_from_percent: float = Field(ge=0)
    labels: TrafficLightLabels

    @model_validator(mode="after")
    def _check(self) -> TrafficLight:
        if self.yellow_from_percent > self.green_from_percent:
            raise ValueError("yellow_from_percent får inte vara större än green_from_percent")
        return self


class PrintLimits(_Content):
    """How much the printed beslutsunderlag (PDF) holds: see nyttolib.exports.print_limits."""

    rows: int = Field(80, ge=20)
    characters: int = Field(8_000, ge=2_000)
    plan_item_rows: int = Field(8, ge=1)
    #: The portfolio report's PDF: rows of each table of initiatives, characters of a name in them.
    portfolio_rows: int = Field(100, ge=20)
    portfolio_text: int = Field(80, ge=40)
    notice: str = (
        "Utskriften är förkortad: de längsta listorna och texterna visas delvis, och det står vid var och en. "
        "Hela beslutsunderlaget finns i HTML-versionen och i bedömningen."
    )


class SettingsFile(_Content):
    hourly_rates: list[HourlyRate] = Field(min_length=1)
    salary_hours_per_month: float = Field(gt=0)
    salary_overhead_factor: float = Field(gt=0)
    hours_per_full_time_equivalent: float = Field(gt=0)
    minimum_years: int = Field(ge=1)
    default_discount_rate_percent: float = Field(ge=0, le=100)
    traffic_light: TrafficLight
    print_limits: PrintLimits = PrintLimits()

    @model_validator(mode="after")
    def _check(self) -> SettingsFile:
        _unique_ids(self.hourly_rates, "hourly_rates")
        return self


_PAGE = re.compile(r"[a-z0-9_-]+(/[a-z0-9_-]+)*\.ipynb(\?[A-Za-z0-9_=&%.-]*)?")


def _app_page(page: str | None) -> str | None:
    """A page of the app, relative to the start page: "behov.ipynb", "workshop/ledare.ipynb", "x.ipynb?a=b"."""
    if page is not None and not _PAGE.fullmatch(page):
        raise ValueError(f"'{page}' ska vara en sida i appen, t.ex. 'behov.ipynb' eller 'workshop/ledare.ipynb'")
    return page


class StartLink(_Content):
    label: str = Field(min_length=1)
    page: str

    _page = field_validator("page")(_app_page)


class StartRoute(_Content):
    """One answer to "Vad vill du göra?": a link to a page (`page`), or a label with several (`links`)."""

    label: str = Field(min_length=1)
    text: str = ""
    page: str | None = None
    links: list[StartLink] = []

    _page = field_validator("page")(_app_page)

    @model_validator(mode="after")
    def _check(self) -> StartRoute:
        if (self.page is None) == (not self.links):
            raise ValueError("ange antingen page (en sida) eller links (flera sidor)")
        return self

    def all_links(self) -> list[StartLink]:
        """The route's links: its one page under its own label, or its list."""
        return self.links or [StartLink(label=self.label, page=self.page or "")]


class StartFile(_Content):
    title: str
    why_title: str
    why: list[str] = []
    why_reasons: list[str] = []
    instructions_title: str
    instructions: list[str] = []
    list_title: str
    empty_list: str
    workshop_title: str = "Mognadsanalys i workshop"
    workshop_text: str = ""
    portfolio_title: str
    portfolio_text: str
    portfolio_link: str
    routes_title: str = "Vad vill du göra?"
    routes: list[StartRoute] = []


class FormStep(_Content):
    title: str
    guidance: list[str] = []


class FormFile(_Content):
    steps: dict[str, FormStep]
    need_help: str
    description_help: str
    prioritisation_title: str
    prioritisation_guidance: str
    portfolio_title: str
    calculation_guidance: list[str] = []
    freed_time_help: str
    ramp_help: str
    summary_guidance: str

    @model_validator(mode="after")
    def _check(self) -> FormFile:
        required = {"initiative", "prerequisites", "classification", "benefits", "calculation", "plan", "summary"}
        missing = required - set(self.steps)
        if missing:
            raise ValueError(f"steps saknar: {', '.join(sorted(missing))}")
        return self


class CompletenessTexts(_Content):
    complete: str
    waiting_for: str
    nej_one: str
    nej_many: str
    choose_realisable: str


class PaybackTexts(_Content):
    not_within: str
    no_costs: str


class FreedTimeTexts(_Content):
    realisable_label: str
    realisable_yes: str
    realisable_no: str
    realisable_help: str
    not_realisable: str
    not_chosen: str


class HistoryTexts(_Content):
    introduction: str
    show_all: str
    compare_title: str
    compare_from: str
    compare_to: str
    compare_button: str
    no_changes: str
    unreadable: str
    changes_title: str
    change: str
    row_added: str
    row_removed: str
    empty_value: str
    row: str
    moved_row: str
    year: str
    yes_text: str
    no_text: str
    cost_kinds: dict[str, str]
    units: dict[str, str]
    per_year: dict[Literal["kr", "timmar", "percent"], str]


class Indicator(Choice):
    unit: str
    description: str
    purpose: str = ""


class MeasurementInterval(Choice):
    months: int = Field(ge=1, le=60)
    # Words in a plan's "Hur och när mäts detta" answer that name this interval (for older documents).
    words: list[str] = Field(default_factory=list)


class PrioritisationCriterion(_Content):
    id: str
    weight: float = Field(gt=0)
    higher_is_better: bool = True
    # The criterion's short name in the reasons ("potentiell effekt"); empty: initiative.yaml's label.
    label: str = ""


class PrioritisationTexts(_Content):
    """What the ranked list and the budget's selections say, as templates with {named} fields."""

    place: str
    priority_class: str
    no_priority_class: str
    valuation: str
    criterion: str
    criterion_reversed: str
    criterion_missing: str
    not_fully_valued: str
    ahead_priority_class: str
    ahead_has_priority_class: str
    ahead_valuation: str
    ahead_net: str
    ahead_number: str
    last: str
    ranking_title: str
    not_candidates: str
    unreadable: str
    budget_title: str
    cost_rule: str
    in_order_title: str
    in_order_rule: str
    optimum_title: str
    optimum_rule: str
    selected_title: str
    entry: str
    left_out_title: str
    nothing_selected: str
    selection_summary: str
    comparison_better: str
    comparison_equal: str
    cost_from_listing: str
    forced_in: str
    forced_out: str
    over_budget: str
    skipped_in_order: str
    left_out_optimum: str
    forced_over_budget: str
    no_cost_in_year: str
    no_calendar_year: str

    @model_validator(mode="after")
    def _check(self) -> PrioritisationTexts:
        for name, allowed in _PRIORITISATION_FIELDS.items():
            used = {part[1] for part in string.Formatter().parse(getattr(self, name)) if part[1] is not None}
            unknown = sorted(used - allowed)
            if unknown:
                shown = ", ".join("{" + field + "}" for field in sorted(allowed)) or "inga"
                raise ValueError(f"texts → {name}: okänt fält {{{unknown[0]}}} (fält som kan användas: {shown})")
        return self


# The {fields} each prioritisation text may use; a text not listed takes none.
_PRIORITISATION_FIELDS: dict[str, set[str]] = {
    name: set()
    for name in [
        "no_priority_class",
        "not_fully_valued",
        "last",
        "in_order_title",
        "in_order_rule",
        "optimum_title",
        "optimum_rule",
        "selected_title",
        "left_out_title",
        "nothing_selected",
        "comparison_equal",
        "cost_from_listing",
        "forced_in",
        "forced_out",
    ]
} | {
    "place": {"place"},
    "priority_class": {"rank", "label"},
    "valuation": {"score", "maximum", "parts"},
    "criterion": {"label", "level", "points", "weight"},
    "criterion_reversed": {"label", "level", "points", "weight"},
    "criterion_missing": {"label", "level", "points", "weight"},
    "ahead_priority_class": {"next", "this", "other"},
    "ahead_has_priority_class": {"next"},
    "ahead_valuation": {"next", "this", "other"},
    "ahead_net": {"next", "this", "other"},
    "ahead_number": {"next", "this", "other"},
    "ranking_title": {"count"},
    "not_candidates": {"count", "stages"},
    "unreadable": {"name", "message"},
    "budget_title": {"budget", "year"},
    "cost_rule": {"year"},
    "entry": {"place", "name", "number", "cost", "score"},
    "selection_summary": {"count", "cost", "budget", "left", "score"},
    "comparison_better": {"difference"},
    "over_budget": {"cost", "year"},
    "skipped_in_order": {"cost", "left"},
    "left_out_optimum": {"cost", "left"},
    "forced_over_budget": {"cost", "budget"},
    "no_cost_in_year": {"count", "year"},
    "no_calendar_year": {"count"},
}


class Prioritisation(_Content):
    criteria: list[PrioritisationCriterion] = Field(min_length=1)
    central_funding_source: str
    # Which initiatives the prioritisation weighs: these stages of initiative.yaml's portfolio_stages,
    # and (when true) those that have no stage yet.
    candidate_stages: list[str] = Field(default_factory=list)
    candidates_without_stage: bool = True
    disclaimer: str
    texts: PrioritisationTexts

    @model_validator(mode="after")
    def _check(self) -> Prioritisation:
        _unique_ids(self.criteria, "criteria")
        return self


class PortfolioPage(_Content):
    """What the portfolio page says: its headings and the explanations beside its tables."""

    title: str
    intro: str
    filters_title: str
    search_label: str
    initiatives_title: str
    economy_title: str
    indicators_title: str
    change_title: str
    change_text: str
    funnel_title: str
    funnel_text: str
    balance_title: str
    balance_text: str
    per_year_title: str
    per_year_text: str
    funding_title: str
    funding_text: str
    budget_label: str
    indicators_text: str
    no_initiatives: str
    empty_portfolio: str
    prioritisation_title: str
    prioritisation_text: str
    question_title: str
    question_text: str
    question_year_label: str
    question_budget_label: str
    force_in_label: str
    force_out_label: str
    force_help: str
    question_missing: str
    register_title: str
    register_text: str
    register_light_label: str
    register_due_label: str
    register_economics_title: str


class PortfolioFile(_Content):
    """The portfolio office's model: indicators, how often benefits are measured, how to prioritise."""

    indicators: list[Indicator] = Field(default_factory=list)
    measurement_intervals: list[MeasurementInterval] = Field(min_length=1)
    grace_days: int = Field(ge=0, le=365)
    prioritisation: Prioritisation
    page: PortfolioPage

    @model_validator(mode="after")
    def _check(self) -> PortfolioFile:
        _unique_ids(self.indicators, "indicators")
        _unique_ids(self.measurement_intervals, "measurement_intervals")
        return self


class TextsFile(_Content):
    """What the form, Sammanfattning, the report and the CLI say about the state of an assessment."""

    completeness: CompletenessTexts
    payback: PaybackTexts
    freed_time: FreedTimeTexts
    history: HistoryTexts


CONTENT_FILES: dict[str, type[_Content]] = {
    "criteria.yaml": CriteriaFile,
    "classification.yaml": ClassificationFile,
    "benefits.yaml": BenefitsFile,
    "steps.yaml": StepsFile,
    "initiative.yaml": InitiativeFile,
    "settings.yaml": SettingsFile,
    "start.yaml": StartFile,
    "form.yaml": FormFile,
    "texts.yaml": TextsFile,
    "portfolio.yaml": PortfolioFile,
}


@dataclass(frozen=True)
class ContentProblem:
    file: str
    line: int | None
    where: str
    message: str

    def __str__(self) -> str:
        place = self.file if self.line is None else f"{self.file}, rad {self.line}"
        return f"{place}: {self.where + ': ' if self.where else ''}{self.message}"


class ContentError(Exception):
    """One or more content files are missing or wrong; `problems` says where."""

    def __init__(self, problems: list[ContentProblem]):
        self.problems = problems
        super().__init__("Innehållsfilerna har fel:\n" + "\n".join(f"- {p}" for p in problems))


@dataclass(frozen=True)
class Content:
    """The whole model a municipality works with, with lookups by id."""

    directory: Path
    criteria: CriteriaFile
    classification: ClassificationFile
    benefits: BenefitsFile
    steps: StepsFile
    initiative: InitiativeFile
    settings: SettingsFile
    start: StartFile
    form: FormFile
    texts: TextsFile
    portfolio: PortfolioFile

    def category(self, category_id: str | None) -> Category | None:
        return next((c for c in self.benefits.categories if c.id == category_id), None)

    def hourly_rate(self, rate_id: str) -> HourlyRate | None:
        return next((r for r in self.settings.hourly_rates if r.id == rate_id), None)

    def label(self, choices: list[Any], choice_id: str | None, default: str = "") -> str:
        return next((c.label for c in choices if c.id == choice_id), default)


def _yaml_with_lines(text: str) -> tuple[Any, dict[tuple[Any, ...], int]]:
    """Parse YAML and record the line (1-based) of every mapping value and list item by its path."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    lines: dict[tuple[Any, ...], int] = {}

    def walk(current: yaml.Node, path: tuple[Any, ...]) -> None:
        lines[path] = current.start_mark.line + 1
        if isinstance(current, yaml.MappingNode):
            for key_node, value_node in current.value:
                walk(value_node, (*path, key_node.value))
        elif isinstance(current, yaml.SequenceNode):
            for index, item in enumerate(current.value):
                walk(item, (*path, index))

    if node is not None:
        walk(node, ())
    return data, lines


def _line_for(lines: dict[tuple[Any, ...], int], loc: tuple[Any, ...]) -> int | None:
    """The line of the deepest part of `loc` that exists in the file (a missing key: its parent)."""
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def _where(loc: tuple[Any, ...]) -> str:
    return " → ".join(f"punkt {part + 1}" if isinstance(part, int) else str(part) for part in loc)


def load_content_file(path: Path, model: type[_Content]) -> tuple[_Content | None, list[ContentProblem]]:
    """Load and check one content file; returns the parsed file or the problems found in it."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [ContentProblem(name, None, "", f"filen saknas i {path.parent}")]
    except UnicodeDecodeError:
        return None, [ContentProblem(name, None, "", "filen är inte sparad som UTF-8")]
    try:
        data, lines = _yaml_with_lines(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or "okänt fel"
        return None, [ContentProblem(name, line, "", f"felaktig YAML ({problem})")]
    except yaml.YAMLError as exc:
        return None, [ContentProblem(name, None, "", f"felaktig YAML ({exc})")]
    if not isinstance(data, dict):
        return None, [ContentProblem(name, 1, "", "filen ska innehålla fält (nyckel: värde) på översta nivån")]
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            problems.append(ContentProblem(name, _line_for(lines, loc), _where(loc), error_text(error)))
        return None, problems


def _portfolio_problems(content: Content) -> list[ContentProblem]:
    """The prioritisation names valuation criteria and a funding source of initiative.yaml."""
    problems = []
    criteria = {c.id for c in content.initiative.valuation_criteria}
    for index, criterion in enumerate(content.portfolio.prioritisation.criteria):
        if criterion.id not in criteria:
            problems.append(
                ContentProblem(
                    "portfolio.yaml",
                    None,
                    f"prioritisation → criteria → {index + 1}",
                    f"'{criterion.id}' finns inte bland valuation_criteria i initiative.yaml",
                )
            )
    stages = {s.id for s in content.initiative.portfolio_stages}
    for index, stage in enumerate(content.portfolio.prioritisation.candidate_stages):
        if stage not in stages:
            problems.append(
                ContentProblem(
                    "portfolio.yaml",
                    None,
                    f"prioritisation → candidate_stages → {index + 1}",
                    f"'{stage}' finns inte bland portfolio_stages i initiative.yaml",
                )
            )
    source = content.portfolio.prioritisation.central_funding_source
    if source not in {s.id for s in content.initiative.funding_sources}:
        problems.append(
            ContentProblem(
                "portfolio.yaml",
                None,
                "prioritisation → central_funding_source",
                f"'{source}' finns inte bland funding_sources i initiative.yaml",
            )
        )
    return problems


def _cross_file_problems(content: Content) -> list[ContentProblem]:
    problems = _portfolio_problems(content)
    kinds = {k.id for k in content.initiative.kinds}
    for kind in content.benefits.calculation_rule.exempt_kinds:
        if kind not in kinds:
            problems.append(
                ContentProblem(
                    "benefits.yaml",
                    None,
                    "calculation_rule → exempt_kinds",
                    f"'{kind}' finns inte bland kinds i initiative.yaml",
                )
            )
    return problems


@functools.lru_cache(maxsize=8)
def _load_cached(directory: str) -> Content:
    base = Path(directory)
    parsed: dict[str, Any] = {}
    problems: list[ContentProblem] = []
    for filename, model in CONTENT_FILES.items():
        result, file_problems = load_content_file(base / filename, model)
        parsed[filename.removesuffix(".yaml")] = result
        problems.extend(file_problems)
    if problems:
        raise ContentError(problems)
    content = Content(directory=base, **parsed)
    problems = _cross_file_problems(content)
    if problems:
        raise ContentError(problems)
    return content


def load_content(directory: str | os.PathLike[str] | None = None) -> Content:
    """Load (once per folder) and validate every content file; raises ContentError listing all problems."""
    return _load_cached(str(content_dir(directory).resolve()))


Named = TypeVar("Named", bound=BaseModel)


def load_named_file(path: Path, model: type[Named]) -> Named:
    """One file of a folder of whole documents (a questionnaire, a checklist), whose `id` must be the
    file's name so that a link or a stored answer names it; ContentError with its problems otherwise."""
    parsed, problems = load_content_file(path, model)  # type: ignore[arg-type]
    if problems:
        raise ContentError(problems)
    assert isinstance(parsed, model)
    if parsed.id != path.stem:  # type: ignore[attr-defined]
        raise ContentError([ContentProblem(path.name, None, "id", f"ska vara filens namn utan .yaml ('{path.stem}')")])
    return parsed


def load_named_files(folder: Path, model: type[Named], what: str) -> tuple[dict[str, Named], list[ContentProblem]]:
    """Every file of the folder by id, and the problems of those that could not be loaded: one broken
    file must not take the others away."""
    if not folder.is_dir():
        return {}, [ContentProblem(folder.name, None, "", f"mappen för {what} finns inte ({folder})")]
    found: dict[str, Named] = {}
    problems: list[ContentProblem] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            parsed = load_named_file(path, model)
        except ContentError as exc:
            problems.extend(exc.problems)
            continue
        found[parsed.id] = parsed  # type: ignore[attr-defined]
    return found, problems
