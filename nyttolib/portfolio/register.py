"""The benefit register (nyttoregister): every plan item of every initiative, with its latest measurement,
its traffic light and whether the next measurement is due, and the portfolio's planned against realised
economic benefit per year.

Made from the stored summary rows with their plans (`PortfolioStore.portfolio_rows(plans=True)`): the
register never loads a document. When a measurement is due (data/content/portfolio.yaml):

- the interval counts from the latest measurement (a date and a value); without one from the day the
  plan was approved; without that from the initiative's start date;
- with none of these dates the first measurement is due at once (there is nothing to count from), but it
  is never called late, since no date says since when;
- due on the day the interval has passed, overdue when more than `grace_days` days have passed since then;
- a plan item without an interval (set in the form or read from its text) has "mätintervall saknas".

A target date that has passed without a green light is flagged as well.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from nyttolib import formatting as fmt
from nyttolib.assessment.model import Assessment, PlanItem
from nyttolib.content import Content, MeasurementInterval
from nyttolib.portfolio.rows import LIGHT_ORDER, inferred_interval

DueState = Literal["not_due", "due", "overdue", "no_interval"]
DUE_STATES: tuple[DueState, ...] = ("overdue", "due", "not_due", "no_interval")
# What the next measurement is counted from, in the register's words.
ANCHORS = {
    "measurement": "senaste mätningen",
    "approved": "planens godkännande",
    "start": "initiativets startdatum",
}
NO_INTERVAL = "mätintervall saknas"
REALISED_RULE = (
    "Planerad nytta är den realiserbara ekonomiska nyttan i initiativens nyttokalkyler, per kalenderår. "
    "Realiserad nytta ett år är, för varje nytta i nyttorealiseringsplanen som har en realiserbar rad i "
    "kalkylen, årets planerade belopp för nyttan gånger hur stor del av vägen från nuläge till målvärde som "
    "årets senaste mätning visar (0–100 %). En nytta utan mätning det året, utan nuläge eller målvärde "
    "räknas inte som realiserad det året."
)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; a day the month lacks becomes its last day (31 jan + 1 månad = 28/29 feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if year > dt.MAXYEAR:  # a date typed near year 9999: its next measurement lies beyond the calendar
        return dt.date.max
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class Due:
    state: DueState
    label: str
    due_date: dt.date | None = None
    counted_from: str | None = None  # a key of ANCHORS, or None when there was no date to count from


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def due_state(
    months: int | None,
    today: dt.date,
    grace_days: int,
    *,
    latest: dt.date | None = None,
    approved: dt.date | None = None,
    start: dt.date | None = None,
) -> Due:
    """Whether a benefit's next measurement is due on `today` (the rule is in the module's docstring)."""
    if months is None:
        return Due("no_interval", NO_INTERVAL)
    anchor, counted_from = next(
        ((day, key) for day, key in ((latest, "measurement"), (approved, "approved"), (start, "start")) if day),
        (None, None),
    )
    if anchor is None:
        return Due("due", "Dags att mäta: ingen mätning, inget godkännande- eller startdatum att räkna från")
    due_date = add_months(anchor, months)
    since = ANCHORS[counted_from]
    late = (today - due_date).days
    if late > grace_days:
        return Due(
            "overdue",
            f"Försenad: skulle ha mätts {due_date} ({late} dagar sedan, räknat från {since})",
            due_date,
            counted_from,
        )
    if today >= due_date:
        return Due("due", f"Dags att mäta: sedan {due_date} (räknat från {since})", due_date, counted_from)
    return Due("not_due", f"Nästa mätning {due_date} (räknat från {since})", due_date, counted_from)


@dataclass(frozen=True)
class Interval:
    """A plan item's measurement interval as shown: its label, and whether it was read from the plan's text."""

    id: str | None
    months: int | None
    label: str
    inferred: bool

    @property
    def text(self) -> str:
        return self.label + (" (läst ur planens text)" if self.inferred else "")


def _intervals(content: Content) -> dict[str, MeasurementInterval]:
    return {interval.id: interval for interval in content.portfolio.measurement_intervals}


def interval_of(interval_id: str | None, inferred: bool, content: Content) -> Interval:
    """An interval id looked up in the content; an id the content no longer has counts as no interval."""
    if not interval_id:
        return Interval(None, None, NO_INTERVAL, False)
    found = _intervals(content).get(interval_id)
    if found is None:
        return Interval(interval_id, None, f"okänt mätintervall ”{interval_id}” ({NO_INTERVAL})", False)
    return Interval(interval_id, found.months, found.label, inferred)


def plan_item_due(assessment: Assessment, item: PlanItem, content: Content, today: dt.date) -> tuple[Interval, Due]:
    """The same interval and due state as the register's, from a document (the form's Sammanfattning)."""
    interval = interval_of(*inferred_interval(item, content), content)
    measured = [m.date for m in item.measurements if m.date is not None and m.value is not None]
    due = due_state(
        interval.months,
        today,
        content.portfolio.grace_days,
        latest=max(measured, default=None),
        approved=assessment.plan.approved_date,
        start=assessment.initiative.start_date,
    )
    return interval, due


@dataclass(frozen=True)
class Entry:
    """One row of the register: a benefit in one initiative's realisation plan."""

    assessment_id: str
    number: str
    name: str
    department: str
    plan_id: str
    benefit: str
    responsible: str
    unit: str
    baseline: float | None
    target: float | None
    target_date: dt.date | None
    latest_date: dt.date | None
    latest_value: float | None
    light: str
    light_label: str
    progress_percent: float | None
    interval: str | None
    interval_label: str
    interval_inferred: bool
    due: Due
    target_passed: bool  # the target date has passed and the light is not green

    def to_json(self) -> dict[str, Any]:
        # Field by field rather than dataclasses.asdict, which deep-copies: a region's register has 100 000s.
        data = {name: getattr(self, name) for name in ENTRY_FIELDS}
        data.update(
            target_date=_iso(self.target_date),
            latest_date=_iso(self.latest_date),
            due_state=self.due.state,
            due_label=self.due.label,
            due_date=_iso(self.due.due_date),
            due_counted_from=self.due.counted_from,
        )
        return data


ENTRY_FIELDS = tuple(name for name in Entry.__dataclass_fields__ if name != "due")


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def entry(row: dict[str, Any], plan: dict[str, Any], content: Content, today: dt.date) -> Entry:
    """The register's row for one plan item of one summary row."""
    labels = content.settings.traffic_light.labels
    interval = interval_of(plan.get("interval"), bool(plan.get("interval_inferred")), content)
    target_date = _date(plan.get("target_date"))
    latest = _date(plan.get("latest_date"))
    light = plan.get("light") or "none"
    return Entry(
        assessment_id=row["id"],
        number=row.get("number") or "",
        name=row.get("name") or "",
        department=row.get("department") or "",
        plan_id=plan["plan_id"],
        benefit=plan.get("benefit") or "",
        responsible=plan.get("responsible") or "",
        unit=plan.get("unit") or "",
        baseline=plan.get("baseline"),
        target=plan.get("target"),
        target_date=target_date,
        latest_date=latest,
        latest_value=plan.get("latest_value"),
        light=light,
        light_label=getattr(labels, light),
        progress_percent=plan.get("progress_percent"),
        interval=plan.get("interval"),
        interval_label=interval.label,
        interval_inferred=interval.inferred,
        due=due_state(
            interval.months,
            today,
            content.portfolio.grace_days,
            latest=latest,
            approved=_date(row.get("approved_date")),
            start=_date(row.get("start_date")),
        ),
        target_passed=target_date is not None and target_date < today and light != "green",
    )


@dataclass(frozen=True)
class Filters:
    """Which register rows to show. `department` matches verksamhet regardless of case and spaces around;
    `light` is a plan item's light (red, yellow, green, none); `due` keeps the due and overdue ones."""

    department: str | None = None
    light: str | None = None
    due: bool = False

    def keeps_initiative(self, row: dict[str, Any]) -> bool:
        if self.department is None:
            return True
        return (row.get("department") or "").strip().casefold() == self.department.strip().casefold()

    def keeps(self, item: Entry) -> bool:
        if self.light is not None and item.light != self.light:
            return False
        return not self.due or item.due.state in ("due", "overdue")

    def describe(self) -> list[str]:
        """The filters in words, for the heading of what is shown."""
        words = []
        if self.department is not None:
            words.append(f"verksamhet ”{self.department.strip()}”")
        if self.light is not None:
            words.append(f"ljus {LIGHT_WORDS[self.light]}")
        if self.due:
            words.append("bara mätningar som är dags eller försenade")
        return words


LIGHT_WORDS = {"red": "röd", "yellow": "gul", "green": "grön", "none": "ingen mätning"}


@dataclass(frozen=True)
class YearFigures:
    year: str
    planned_kr: float
    realised_kr: float

    @property
    def realised_percent(self) -> float | None:
        return 100.0 * self.realised_kr / self.planned_kr if self.planned_kr else None


@dataclass(frozen=True)
class Economics:
    """Planned against realised economic benefit over the initiatives, per calendar year."""

    per_year: list[YearFigures]
    # Realisable benefit of initiatives whose calculation has no calendar year (no start year, no År).
    without_year_kr: float
    without_year_count: int
    rule: str = REALISED_RULE

    def to_json(self) -> dict[str, Any]:
        return {
            "per_year": [{**asdict(year), "realised_percent": year.realised_percent} for year in self.per_year],
            "without_calendar_year_kr": self.without_year_kr,
            "without_calendar_year_count": self.without_year_count,
            "rule": self.rule,
        }


def economics(rows: list[dict[str, Any]]) -> Economics:
    """Sum the rows' realisable benefit per year (planned) and realised benefit per year."""
    planned: dict[str, float] = {}
    realised: dict[str, float] = {}
    without_year, without_count = 0.0, 0
    for row in rows:
        if "unreadable" in row:
            continue
        if row.get("calculation_start") is None:
            amounts = list((row.get("realisable_benefit_per_year") or {}).values())
            if any(amounts):
                without_year += sum(amounts)
                without_count += 1
            continue
        for year, amount in (row.get("realisable_benefit_per_year") or {}).items():
            planned[year] = planned.get(year, 0.0) + amount
        for year, amount in (row.get("realised_benefit_per_year") or {}).items():
            realised[year] = realised.get(year, 0.0) + amount
    years = sorted(set(planned) | set(realised), key=int)
    return Economics(
        [YearFigures(year, planned.get(year, 0.0), realised.get(year, 0.0)) for year in years],
        without_year,
        without_count,
    )


@dataclass
class Register:
    today: dt.date
    filters: Filters
    entries: list[Entry]
    economics: Economics
    initiatives: int  # initiatives the department filter keeps (the economics are over them)
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (id, name) of rows without figures

    def counts(self) -> dict[str, int]:
        """How many register rows are in each due state (after the filters)."""
        return {state: sum(e.due.state == state for e in self.entries) for state in DUE_STATES}

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.today.isoformat(),
            "filters": asdict(self.filters),
            "initiatives": self.initiatives,
            "counts": self.counts(),
            "entries": [e.to_json() for e in self.entries],
            "economics": self.economics.to_json(),
            "unreadable": [{"id": i, "name": n} for i, n in self.unreadable],
        }


def _natural(text: str) -> tuple:
    """Nr 2 before Nr 10: digits compare as numbers."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part.casefold()) for part in re.split(r"(\d+)", text))


def _sort_key(item: Entry) -> tuple:
    urgency = (DUE_STATES.index(item.due.state), LIGHT_ORDER.index(item.light))
    return (*urgency, _natural(item.number), item.name.casefold(), item.benefit.casefold())


def benefit_register(
    rows: list[dict[str, Any]], content: Content, today: dt.date, filters: Filters | None = None
) -> Register:
    """The register over summary rows with their plans: most urgent first (overdue, due, then by light)."""
    filters = filters or Filters()
    kept = [row for row in rows if filters.keeps_initiative(row)]
    entries = [
        item
        for row in kept
        for plan in row.get("plans") or []
        if filters.keeps(item := entry(row, plan, content, today))
    ]
    unreadable = [(row["id"], row.get("name") or "") for row in kept if "unreadable" in row]
    return Register(today, filters, sorted(entries, key=_sort_key), economics(kept), len(kept), unreadable)


def figure(value: float | None) -> str:
    """A measured value as fmt.number(value, 2) without ",00", formatted by Python: Babel takes 0,1 ms a
    figure, and a region's register prints hundreds of thousands."""
    if value is None or not math.isfinite(value):
        return "–"
    rounded = round(value, 2) or 0.0  # no "-0"
    text = f"{abs(rounded):,.2f}".replace(",", fmt.GROUP_SEPARATOR).replace(".", ",")
    return ("-" if rounded < 0 else "") + text.removesuffix(",00")


def _entry_lines(item: Entry) -> list[str]:
    target = f"mål {figure(item.target)}" + (f" senast {item.target_date}" if item.target_date else "")
    if item.target_passed:
        target += " (passerat utan att målet nåtts)"
    latest = (
        f"{item.latest_date}: {figure(item.latest_value)}"
        if item.latest_date
        else ("ingen" if item.latest_value is None else f"{figure(item.latest_value)} (utan datum)")
    )
    interval = Interval(item.interval, None, item.interval_label, item.interval_inferred).text
    return [
        f"  {item.benefit or '(nytta utan beskrivning)'}",
        f"    Ansvarig: {item.responsible or '–'} · Mätetal: {item.unit or '–'}"
        f" · nuläge {figure(item.baseline)} · {target}",
        f"    Senaste mätning: {latest} · {item.light_label}",
        f"    Mäts: {interval} · {item.due.label}",
    ]


def register_text(register: Register) -> str:
    """The register as the terminal shows it: initiatives in the order of their most urgent benefit."""
    entries = register.entries
    initiatives = len({item.assessment_id for item in entries})
    lines = [
        f"Nyttoregister per {register.today}: {_count(len(entries), 'nytta', 'nyttor')} i "
        f"{_count(initiatives, 'initiativ', 'initiativ')}."
    ]
    if register.filters.describe():
        lines.append("Filter: " + ", ".join(register.filters.describe()) + ".")
    counts = register.counts()
    lines.append(
        f"Försenade: {counts['overdue']} · dags att mäta: {counts['due']} · inte dags: {counts['not_due']}"
        f" · {NO_INTERVAL}: {counts['no_interval']}"
    )
    first: dict[str, int] = {}
    for index, item in enumerate(entries):
        first.setdefault(item.assessment_id, index)
    shown: str | None = None
    for item in sorted(entries, key=lambda e: first[e.assessment_id]):
        if item.assessment_id != shown:
            shown = item.assessment_id
            number = f"Nr {item.number} · " if item.number else ""
            department = f" ({item.department})" if item.department else ""
            lines += ["", f"{number}{item.name or '(namnlöst initiativ)'}{department}"]
        lines += _entry_lines(item)
    if not entries:
        lines += ["", "Inga nyttor i registret" + (" med de här filtren." if register.filters.describe() else ".")]
    lines += ["", *economics_lines(register.economics, register.initiatives)]
    return "\n".join(lines) + "\n"


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def economics_lines(figures: Economics, initiatives: int) -> list[str]:
    """Planned against realised economic benefit per year, as a small table with the rule under it."""
    lines = [f"Planerad och realiserad ekonomisk nytta per år ({_count(initiatives, 'initiativ', 'initiativ')})"]
    if not figures.per_year:
        lines.append("Ingen planerad ekonomisk nytta med kalenderår.")
    else:
        lines.append(f"{'År':<6}{'Planerad':>18}{'Realiserad':>18}{'Andel':>8}")
        for year in figures.per_year:
            share = "–" if year.realised_percent is None else fmt.percent(year.realised_percent)
            lines.append(f"{year.year:<6}{fmt.kr(year.planned_kr):>18}{fmt.kr(year.realised_kr):>18}{share:>8}")
        planned = sum(y.planned_kr for y in figures.per_year)
        realised = sum(y.realised_kr for y in figures.per_year)
        lines.append(f"{'Summa':<6}{fmt.kr(planned):>18}{fmt.kr(realised):>18}")
    if figures.without_year_count:
        lines.append(
            "Utan kalenderår (inget startår eller År i kalkylen): "
            f"{_count(figures.without_year_count, 'initiativ', 'initiativ')}"
            f" med {fmt.kr(figures.without_year_kr)} planerad nytta, som inte kan fördelas på år."
        )
    lines.append(figures.rule)
    return lines
