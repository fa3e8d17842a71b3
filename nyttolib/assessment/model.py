"""The assessment (bedömning) of one development initiative, as a plain document model.

Ids that refer to content (criteria, axes, categories, stages …) are checked against the loaded
content in `nyttolib.assessment.validation`, not here, so a municipality's content files decide what is valid.
Rules between fields (date order, one value per year) are in `nyttolib.assessment.consistency`: a model
validator that raises would make a saved document that breaks them impossible to open.
Field titles are Swedish: validation messages name fields by them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
)

from nyttolib import numbers
from nyttolib.text import check_line, check_text

SCHEMA_VERSION = 3
DOCUMENT_TYPE = "nyttolib.assessment"

# Long text may hold tab and newline; a line none of the control characters (see nyttolib.text).
Text = Annotated[str, Field(max_length=20_000), AfterValidator(check_text)]
ShortText = Annotated[str, Field(max_length=500), AfterValidator(check_line)]
# Lists hold at most MAX_ROWS rows (a calculation's per-year lists at most MAX_YEARS values): far more
# than an assessment needs, and it keeps every export of a valid document within its time.
MAX_ROWS = 200
MAX_YEARS = 30
# Ids end up in addresses and file names: short, and only letters, digits, '-' and '_'.
Identifier = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")]
# An id that refers to content (a category, a stage …): checked against the content in validation.
Reference = Annotated[str, Field(max_length=100), AfterValidator(check_line)]


def _in_range(allowed: numbers.Range):
    """Refuse a number outside `allowed` with the form's own range message, before it becomes a float."""

    def check(value: object) -> object:
        if isinstance(value, int | float) and not isinstance(value, bool) and not allowed.contains(value):
            raise ValueError(allowed.model_message())
        return value

    return BeforeValidator(check)


def bounded(allowed: numbers.Range, kind: type = float) -> object:
    """A number type held to `allowed`: the same range as the form's field, so imports obey the form's rules.
    The Range itself rides along as metadata, so the form can look it up by path."""
    limits = Field(ge=allowed.minimum, le=allowed.maximum, allow_inf_nan=False)
    return Annotated[kind, limits, _in_range(allowed), allowed]  # the check wraps (runs before) the limits


Amount = bounded(numbers.AMOUNT)
Hours = bounded(numbers.HOURS)
Volume = bounded(numbers.VOLUME)
Minutes = bounded(numbers.MINUTES)
Percent = bounded(numbers.PERCENT)
OutcomePercent = bounded(numbers.OUTCOME_PERCENT)
HourlyRate = bounded(numbers.HOURLY_RATE)
Measure = bounded(numbers.MEASURE)
Year = bounded(numbers.YEAR, StrictInt)
ValuationLevel = Literal[1, 3, 5]


def member(target: Any, part: str | int) -> Any | None:
    """One step along a field path ("calculation", "cost_lines", 2 …): a model's field, a dict's value
    or a list's row; None where the path leads nowhere."""
    if isinstance(target, BaseModel):
        return getattr(target, part, None) if isinstance(part, str) else None
    if isinstance(target, dict):
        return target.get(part)
    if isinstance(target, list) and isinstance(part, int) and 0 <= part < len(target):
        return target[part]
    return None


def new_id() -> str:
    """A short random id for a row, so that rows can refer to each other (a plan to its benefit)."""
    return uuid.uuid4().hex[:12]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class FundingLine(Record):
    source: Reference | None = Field(None, title="Finansieringskälla")
    amount_kr: Amount | None = Field(None, title="Belopp (kr)")
    note: ShortText = Field("", title="Kommentar")


class Portfolio(Record):
    number: ShortText = Field("", title="Nr")
    year: Year | None = Field(None, title="År")
    project_number: ShortText = Field("", title="Projektnr")
    stage: Reference | None = Field(None, title="Steg i portföljen")
    total_cost_kr: Amount | None = Field(None, title="Kostnad (totalt)")
    funding: list[FundingLine] = Field(default_factory=list, max_length=MAX_ROWS, title="Finansiering")


class Valuation(Record):
    potential_effect: ValuationLevel | None = Field(None, title="Potentiell effekt")
    feasibility: ValuationLevel | None = Field(None, title="Genomförbarhet")
    financing: ValuationLevel | None = Field(None, title="Finansiering")
    resource_need: ValuationLevel | None = Field(None, title="Resursbehov")


class Initiative(Record):
    name: ShortText = Field("", title="Initiativets namn")
    department: ShortText = Field("", title="Verksamhet")
    initiator: ShortText = Field("", title="Initiativtagare")
    owner: ShortText = Field("", title="Ägare (projektägare)")
    contact: ShortText = Field("", title="Kontaktperson")
    need: Text = Field("", title="Behov")
    description: Text = Field("", title="Beskrivning av initiativet")
    kind: Reference | None = Field(None, title="Typ av initiativ")
    estimated_hours: Hours | None = Field(None, title="Uppskattad arbetsinsats (timmar)")
    start_date: dt.date | None = Field(None, title="Startdatum")
    end_date: dt.date | None = Field(None, title="Slutdatum")
    portfolio: Portfolio = Field(default_factory=Portfolio, title="Portfölj")
    priority_class: Reference | None = Field(None, title="Prioriteringsgrund")
    valuation: Valuation = Field(default_factory=Valuation, title="Nyttovärdering")


class PrerequisiteAnswer(Record):
    answer: Literal["ja", "nej"] | None = Field(None, title="Bedömning (JA/NEJ)")
    motivation: Text = Field("", title="Motivering/kommentar")


class Benefit(Record):
    id: Identifier = Field(default_factory=new_id, title="Id")
    description: Text = Field("", title="Förväntad nytta")
    target_group: ShortText = Field("", title="Målgrupp")
    means: Text = Field("", title="Nytta förväntas uppnås genom")
    measurable: StrictBool | None = Field(None, title="Mätbar (ja/nej)")
    baseline: Text = Field("", title="Noll-mätning")
    category: Reference | None = Field(None, title="Kategori")
    unvalued_score: StrictInt | None = Field(None, ge=0, le=3, title="Skattning av ej värderad nytta (0–3)")


class _EstimateRange(Record):
    """Low/high estimates as a percent of the likely value (Inera's låg/trolig/hög)."""

    low_percent: OutcomePercent | None = Field(None, title="Lågt utfall (% av troligt)")
    high_percent: OutcomePercent | None = Field(None, title="Högt utfall (% av troligt)")


class CostLine(_EstimateRange):
    id: Identifier = Field(default_factory=new_id, title="Id")
    description: ShortText = Field("", title="Kostnad")
    kind: Literal["engangs", "lopande"] = Field("engangs", title="Typ av kostnad")
    unit: Literal["kr", "timmar"] = Field("kr", title="Enhet")
    rate: Reference = Field("intern", title="Timpris")
    values: list[Amount] = Field(default_factory=list, max_length=MAX_YEARS, title="Belopp per år")


class BenefitLine(_EstimateRange):
    id: Identifier = Field(default_factory=new_id, title="Id")
    description: ShortText = Field("", title="Nytta")
    benefit_id: Reference | None = Field(None, title="Hör till nytta")
    category: Reference | None = Field(None, title="Kategori")
    full_effect_kr: Amount = Field(0, title="Årlig nytta vid full effekt (kr)")
    ramp_percent: list[Percent] = Field(default_factory=list, max_length=MAX_YEARS, title="Effekt per år (%)")
    realisable: StrictBool = Field(True, title="Kan realiseras som pengar")


class FreedTimeLine(_EstimateRange):
    id: Identifier = Field(default_factory=new_id, title="Id")
    description: ShortText = Field("", title="Frigjord tid")
    benefit_id: Reference | None = Field(None, title="Hör till nytta")
    volume_per_year: Volume = Field(0, title="Volym per år (antal)")
    minutes_per_case: Minutes = Field(0, title="Minuter per ärende")
    share_percent: Percent = Field(100, title="Andel som påverkas (%)")
    rate: Reference = Field("intern", title="Timpris")
    ramp_percent: list[Percent] = Field(default_factory=list, max_length=MAX_YEARS, title="Effekt per år (%)")
    # Freed time is money only if it is taken home (seed 000): unset until the user chooses.
    realisable: StrictBool | None = Field(None, title="Tas hem som pengar")


class Calculation(Record):
    start_year: Year | None = Field(None, title="Första år")
    years: StrictInt = Field(3, ge=1, le=MAX_YEARS, title="Antal år")
    discount_rate_percent: Percent | None = Field(None, title="Diskonteringsränta (%)")
    hourly_rates: dict[Reference, HourlyRate] = Field(
        default_factory=dict, max_length=MAX_ROWS, title="Timpriser (kr/h)"
    )
    cost_lines: list[CostLine] = Field(default_factory=list, max_length=MAX_ROWS, title="Kostnader")
    benefit_lines: list[BenefitLine] = Field(default_factory=list, max_length=MAX_ROWS, title="Nyttor")
    freed_time_lines: list[FreedTimeLine] = Field(default_factory=list, max_length=MAX_ROWS, title="Frigjord tid")


def uses_hourly_rate(line: CostLine | BenefitLine | FreedTimeLine) -> bool:
    """Whether a calculation line is priced by an hourly rate: freed time always, costs given in hours.

    Benefit lines ("Övriga nyttor i kronor") are amounts and have no rate.
    """
    if isinstance(line, FreedTimeLine):
        return True
    return isinstance(line, CostLine) and line.unit == "timmar"


class Measurement(Record):
    id: Identifier = Field(default_factory=new_id, title="Id")
    date: dt.date | None = Field(None, title="Datum")
    value: Measure | None = Field(None, title="Uppmätt värde")
    comment: Text = Field("", title="Kommentar")


class PlanItem(Record):
    id: Identifier = Field(default_factory=new_id, title="Id")
    benefit_id: Reference | None = Field(None, title="Nytta")
    answers: dict[Reference, Text] = Field(
        default_factory=dict, max_length=MAX_ROWS, title="Nyttorealiseringsplanens frågor"
    )
    seven_questions: dict[Reference, Text] = Field(
        default_factory=dict, max_length=MAX_ROWS, title="E-delegationens sju frågor"
    )
    unit: ShortText = Field("", title="Mätetal (enhet)")
    baseline_value: Measure | None = Field(None, title="Nuläge (värde)")
    target_value: Measure | None = Field(None, title="Målvärde")
    target_date: dt.date | None = Field(None, title="Målet ska nås senast")
    measurement_interval: Reference | None = Field(None, title="Mäts")
    measurements: list[Measurement] = Field(default_factory=list, max_length=MAX_ROWS, title="Uppföljning")


class Activity(Record):
    id: Identifier = Field(default_factory=new_id, title="Id")
    activity: ShortText = Field("", title="Aktivitet")
    purpose: Text = Field("", title="Syfte")
    schedule: ShortText = Field("", title="Tidplan")
    resources: ShortText = Field("", title="Resurser")
    responsible: ShortText = Field("", title="Ansvarig")
    outside_project: StrictBool = Field(False, title="Ingår inte i projektet")


class Risk(Record):
    id: Identifier = Field(default_factory=new_id, title="Id")
    risk: Text = Field("", title="Risk")
    handling: Text = Field("", title="Hur risken hanteras")


class IndicatorContribution(Record):
    """What the initiative is expected to add to one of the municipality's indicators in a year, and
    what it did add (portfolio.yaml names the indicators)."""

    id: Identifier = Field(default_factory=new_id, title="Id")
    indicator: Reference | None = Field(None, title="Indikator")
    year: Year | None = Field(None, title="År")
    expected: Measure | None = Field(None, title="Förväntat bidrag")
    realised: Measure | None = Field(None, title="Uppnått bidrag")
    comment: Text = Field("", title="Kommentar")


class RealisationPlan(Record):
    items: list[PlanItem] = Field(default_factory=list, max_length=MAX_ROWS, title="Nyttor i planen")
    activities: list[Activity] = Field(default_factory=list, max_length=MAX_ROWS, title="Aktiviteter")
    prerequisites: list[Text] = Field(default_factory=list, max_length=MAX_ROWS, title="Förutsättningar")
    behaviour_changes: list[Text] = Field(default_factory=list, max_length=MAX_ROWS, title="Beteendeförändringar")
    risks: list[Risk] = Field(default_factory=list, max_length=MAX_ROWS, title="Risker")
    indicators: list[IndicatorContribution] = Field(default_factory=list, max_length=MAX_ROWS, title="Indikatorer")
    reporting: Text = Field("", title="När ska det rapporteras?")
    approved_by: ShortText = Field("", title="Godkänd av (beställare)")
    approved_date: dt.date | None = Field(None, title="Godkänd datum")


class Assessment(Record):
    document_type: Literal["nyttolib.assessment"] = Field(DOCUMENT_TYPE, title="Dokumenttyp")
    schema_version: Literal[3] = Field(SCHEMA_VERSION, title="Schemaversion")
    id: Identifier | None = Field(None, title="Id")
    initiative: Initiative = Field(default_factory=Initiative, title="Om initiativet")
    prerequisites: dict[Reference, PrerequisiteAnswer] = Field(
        default_factory=dict, max_length=MAX_ROWS, title="Förutsättningar"
    )
    classification: dict[Reference, Annotated[StrictInt, Field(ge=1, le=5)] | None] = Field(
        default_factory=dict, max_length=MAX_ROWS, title="Klassificering"
    )
    benefits: list[Benefit] = Field(default_factory=list, max_length=MAX_ROWS, title="Nytta")
    calculation: Calculation = Field(default_factory=Calculation, title="Nyttokalkyl")
    plan: RealisationPlan = Field(default_factory=RealisationPlan, title="Nyttorealiseringsplan")

    def benefit(self, benefit_id: str | None) -> Benefit | None:
        return next((b for b in self.benefits if b.id == benefit_id), None)

    def to_json_dict(self) -> dict:
        return self.model_dump(mode="json")


def json_schema() -> dict:
    """The JSON Schema of a saved assessment, generated from the model."""
    schema = Assessment.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"Bedömning (nyttolib), schemaversion {SCHEMA_VERSION}"
    return schema
