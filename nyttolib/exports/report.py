"""The assessment as a report (beslutsunderlag): one self-contained HTML file, and a PDF made from it.

The layout lives in `templates/report/` (Jinja template, CSS, optional logo), so a municipality can
put its own logo and colours there. Every user-written text is data: the template autoescapes it and
nothing the user typed is ever interpreted as markup, markdown or template syntax.
"""

from __future__ import annotations

import base64
import contextlib
import contextvars
import datetime as dt
import math
import os
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from markupsafe import Markup
from pydantic import BaseModel

from nyttolib import __version__
from nyttolib import formatting as fmt
from nyttolib.assessment.calculations import (
    CalculationResult,
    benefit_per_year,
    calculate,
    payback_text,
    realisable_note,
)
from nyttolib.assessment.completeness import (
    INVALID,
    STATE_LABELS,
    closing_remarks,
    completeness,
    draft_path,
    state_text,
)
from nyttolib.assessment.model import Assessment, member
from nyttolib.assessment.rules import calculation_requirement, follow_up_status
from nyttolib.assessment.validation import describe_location
from nyttolib.content import Content, PrintLimits
from nyttolib.exports.charts import cost_benefit_alt_text, cost_benefit_png, png_data_uri
from nyttolib.exports.print_limits import largest_level, shortened, water_level
from nyttolib.paths import templates_dir
from nyttolib.text import without_bidi_controls

TEMPLATE_DIR_ENV = "NYTTOLIB_REPORT_TEMPLATES"
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg"}

#: Runs of more than LONG_WORD characters without a space (pasted links, identifiers, a key held down)
#: get a break opportunity every BREAK_EVERY characters. Real Swedish compounds are shorter and are
#: hyphenated by the stylesheet instead. Without this, WeasyPrint lays out the whole remaining run for
#: every line: one 20 000-character word took a minute. Pieces of 12 fit the report's narrowest table
#: cells (≈ 10–14 characters); pieces of 24 did not, and every such line was broken again (25 % slower).
LONG_WORD = 48
BREAK_EVERY = 12
ZERO_WIDTH_SPACE = "\u200b"
_LONG_RUN = re.compile(rf"[^\s\u200b]{{{LONG_WORD + 1},}}")
#: While the printed version renders: the texts the user wrote, and either the lengths of those
#: printed (first pass) or the length each is cut to (second pass). Our own labels are never cut.
#: See nyttolib.exports.print_limits.
_USER_TEXTS: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar("user_texts", default=frozenset())
_TEXT_LENGTHS: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("text_lengths", default=None)
_TEXT_LIMIT: contextvars.ContextVar[int | None] = contextvars.ContextVar("text_limit", default=None)


def _with_breaks(match: re.Match[str]) -> str:
    run = match.group()
    return ZERO_WIDTH_SPACE.join(run[i : i + BREAK_EVERY] for i in range(0, len(run), BREAK_EVERY))


def breakable(value: Any) -> Any:
    """Every value a template prints, with break opportunities in overlong words (see LONG_WORD) and
    without the bidi controls that would reorder the page (a right-to-left override would show a name
    reversed).

    Used as the environment's `finalize`, so no field can be forgotten. Markup (our own stylesheet,
    embedded images) passes unchanged; text stays text and is escaped after this.
    """
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    if value in _USER_TEXTS.get():
        lengths, limit = _TEXT_LENGTHS.get(), _TEXT_LIMIT.get()
        if lengths is not None:
            lengths.append(len(value))
        if limit is not None:
            value = shortened(value, limit)
    return _LONG_RUN.sub(_with_breaks, without_bidi_controls(value))


def report_template_dir() -> Path:
    chosen = os.environ.get(TEMPLATE_DIR_ENV)
    return Path(chosen) if chosen else templates_dir() / "report"


@lru_cache(maxsize=4)
def template_environment(directory: str):
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(directory),
        autoescape=True,  # user text is data: always escaped
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=breakable,
    )
    for name, format_value in [("kr", fmt.kr), ("number", fmt.number), ("hours", fmt.hours), ("percent", fmt.percent)]:
        environment.filters[name] = _passing_invalid(format_value)
    return environment


class Invalid(str):
    """Shown where a field holds text the form did not accept: never the older value, never empty."""


NOT_VALID = Invalid(INVALID)


def _passing_invalid(format_value):
    def wrapper(value: Any, *args: Any) -> str:
        return value if isinstance(value, Invalid) else format_value(value, *args)

    return wrapper


def shown_assessment(assessment: Assessment, drafts: dict[str, str]) -> Assessment:
    """A copy to print, with "ej giltigt värde" at each field that has a draft (text not accepted)."""
    if not drafts:
        return assessment
    shown = assessment.model_copy(deep=True)
    for key in drafts:
        *parents, last = draft_path(key)
        target: Any = shown
        for part in parents:
            target = member(target, part)
            if target is None:
                break
        if isinstance(target, BaseModel) and last in type(target).model_fields:
            target.__dict__[last] = NOT_VALID  # a printed copy only: bypasses validation on purpose
        elif isinstance(target, dict) or (isinstance(target, list) and isinstance(last, int) and last < len(target)):
            target[last] = NOT_VALID
    return shown


def logo_data_uri(directory: Path) -> str | None:
    for name, mime in LOGO_TYPES.items():
        path = directory / f"logo{name}"
        if path.exists():
            # A data URI is markup we made: it must not get break opportunities (see `breakable`).
            return Markup(f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii"))
    return None


#: At most this many years side by side in one table: more would not fit the A4 width.
YEARS_PER_TABLE = 5
#: Printed, a calculation that needs more year tables than this shows its years as rows instead.
MAX_YEAR_TABLES = 2
#: The narrowest per-year table (Kostnader) has about 84 mm for its year columns at 9.5 pt, where a digit
#: (or the space between digit groups) takes 2.15 mm and a cell's padding 1.8 mm.
YEAR_COLUMNS_MM = 84
DIGIT_MM = 2.15
CELL_PADDING_MM = 1.8


def year_groups(years: int, widest_figure: int = 7) -> list[list[int]]:
    """The calculation's years (indices) in as few tables as fit, of nearly equal size (7 → 4 + 3).

    `widest_figure` is the longest figure in characters ("-10 740 620" is 11): large amounts get fewer
    years to a table, so that no figure is cut over two lines."""
    fit = int(YEAR_COLUMNS_MM // (widest_figure * DIGIT_MM + CELL_PADDING_MM))
    per_table = max(1, min(YEARS_PER_TABLE, fit))
    tables = -(-years // per_table)
    size = -(-years // tables) if years else 1
    return [list(range(start, min(start + size, years))) for start in range(0, years, size)]


def widest_figure(assessment: Assessment, result: CalculationResult, effects: list[dict[str, Any]]) -> int:
    """Characters of the longest figure the per-year tables print."""
    rows = [
        result.cost_total,
        result.benefit_realisable,
        result.benefit_not_realisable,
        result.net,
        result.accumulated_net,
        result.freed_hours,
        [result.total_cost, result.total_realisable_benefit, result.total_net, sum(result.benefit_not_realisable)],
        *(line.values for line in assessment.calculation.cost_lines),
        *(line["amounts"] + [line["full_effect_kr"]] for line in effects),
    ]
    def width(value: Any) -> int:  # a field with a draft shows "ej giltigt värde" instead of a figure
        if isinstance(value, str):
            return len(value)
        if value is None or not math.isfinite(value):
            return 1
        return len(f"{round(value):,}")  # as many characters as fmt.number's "-1 234 567", and 30× faster

    return max((width(value) for row in rows for value in row), default=1)


@lru_cache(maxsize=1024)
def effect_percent(value: float) -> str:
    """An effect percentage as the calculation uses it: 60 %, 33,3 %, 12,25 % (never rounded away)."""
    decimals = next((d for d in (0, 1, 2) if round(value, d) == round(value, 2)), 2)
    return fmt.percent(value, decimals)


def effect_lines(assessment: Assessment, result: CalculationResult) -> list[dict[str, Any]]:
    """Each benefit and freed-time line of the calculation: its full effect, and per year the effect
    percentage the calculation applies and the amount that gives (what explains year 1's figure)."""
    lines = []
    for line in assessment.calculation.benefit_lines:
        lines.append(
            {
                "description": line.description,
                "kind": "Nytta i kronor",
                "full_effect_kr": line.full_effect_kr,
                "percents": [effect_percent(p) for p in line.ramp_percent],
                "amounts": benefit_per_year(line),
                "realisable": line.realisable,
            }
        )
    for line, figures in zip(assessment.calculation.freed_time_lines, result.freed_time, strict=True):
        lines.append(
            {
                "description": line.description,
                "kind": "Frigjord tid",
                "full_effect_kr": figures.value_kr,
                "percents": [effect_percent(p) for p in line.ramp_percent],
                "amounts": [figures.value_kr * p / 100 for p in line.ramp_percent],
                "realisable": line.realisable,
            }
        )
    return lines


def row_limit(context: dict[str, Any], limits: PrintLimits) -> int | None:
    """How many rows of each list the printed version shows (None: all; at least one), from the lists
    the template prints and what one row of each costs (a per-year table is printed once per group of
    years). Measurements count only for the plans that are printed."""
    groups = len(context["year_groups"])
    plan = context["a"].plan
    measurements = [len(item.measurements) for item in plan.items]
    lists = [
        (context["funding"], 1),
        (context["a"].benefits, 1),
        (context["a"].calculation.cost_lines, groups),
        (context["effect_lines"], groups),
        (context["result"].freed_time, 2),
        (context["plan_items"], limits.plan_item_rows),
        (plan.activities, 1),
        (plan.prerequisites, 1),
        (plan.behaviour_changes, 1),
        (plan.risks, 2),
        (plan.indicators, 1),
        (context["progress"].missing, 1),
    ]

    def used(level: int) -> int:
        shown = sum(weight * min(len(rows), level) for rows, weight in lists)
        return shown + sum(min(count, level) for count in measurements[:level])

    top = max([len(rows) for rows, _ in lists] + measurements)
    level = largest_level(used, limits.rows, top)
    return None if level is None else max(level, 1)


def report_context(
    assessment: Assessment,
    content: Content,
    *,
    revision: int | None = None,
    saved_at: str | None = None,
    drafts: dict[str, str] | None = None,
    printed: bool = False,
) -> dict[str, Any]:
    """Everything the template shows, computed once: labels looked up, figures calculated.

    `drafts` (text the form did not accept, by field) print as "ej giltigt värde", and a calculation
    with any of them shows no figures: they would be made from older values. `printed`: the version
    for the PDF, whose lists are shortened to the print limits (see nyttolib.exports.print_limits)."""
    drafts = drafts or {}
    result = calculate(assessment, content)
    progress = completeness(assessment, content, drafts)
    invalid_calculation = [
        describe_location(tuple(int(p) if p.isdigit() else p for p in key.split(".")), content)
        for key in drafts
        if key.startswith("calculation.")
    ]
    assessment = shown_assessment(assessment, drafts)
    ini = assessment.initiative
    ic = content.initiative
    png = cost_benefit_png(result)
    effects = effect_lines(assessment, result)
    plan_items = []
    for item in assessment.plan.items:
        benefit = assessment.benefit(item.benefit_id)
        plan_items.append(
            {
                "item": item,
                "benefit": benefit,
                "answers": [
                    (
                        q.label,
                        benefit.description
                        if q.id == "what_benefit" and benefit and not item.answers.get(q.id)
                        else item.answers.get(q.id, ""),
                    )
                    for q in content.steps.plan_questions
                ],
                "seven": [(q.label, item.seven_questions.get(q.id, "")) for q in content.steps.seven_questions],
                "status": follow_up_status(item, content),
                "interval": content.label(
                    content.portfolio.measurement_intervals, item.measurement_interval, item.measurement_interval or "–"
                ),
            }
        )
    saved = dt.datetime.fromisoformat(saved_at).astimezone() if saved_at else dt.datetime.now().astimezone()
    context = {
        "a": assessment,
        "content": content,
        "kind": content.label(ic.kinds, ini.kind, "–"),
        "stage": content.label(ic.portfolio_stages, ini.portfolio.stage, "–"),
        "priority": next((f"{p.rank}. {p.label}" for p in ic.priority_classes if p.id == ini.priority_class), "–"),
        "funding": [(content.label(ic.funding_sources, f.source, "–"), f) for f in ini.portfolio.funding],
        "valuation": [(c.label, getattr(ini.valuation, c.id)) for c in ic.valuation_criteria],
        "criteria": [(c, assessment.prerequisites.get(c.id)) for c in content.criteria.criteria],
        "axes": [(axis, assessment.classification.get(axis.id)) for axis in content.classification.axes],
        "categories": {c.id: c.label for c in content.benefits.categories},
        "unvalued_scale": {step.value: f"{step.value} – {step.label}" for step in content.benefits.unvalued_scale},
        "rates": {r.id: r.label for r in content.settings.hourly_rates},
        "requirement": calculation_requirement(assessment, content),
        "result": result,
        "payback": payback_text(result, content),
        "realisable_note": lambda figures: realisable_note(figures, content),
        "invalid_calculation": invalid_calculation,
        "year_groups": year_groups(len(result.year_labels), widest_figure(assessment, result, effects)),
        "effect_lines": effects,
        "chart": png_data_uri(png),
        "chart_alt": cost_benefit_alt_text(result),
        "plan_items": plan_items,
        "indicators": [
            (content.label(content.portfolio.indicators, row.indicator, row.indicator or "–"), row)
            for row in assessment.plan.indicators
        ],
        "progress": progress,
        "state_labels": STATE_LABELS,
        "state_text": lambda part: state_text(part, content),
        "remarks": closing_remarks(progress, content),
        "revision": revision,
        "saved": saved.strftime("%Y-%m-%d %H:%M"),
        "schema_version": assessment.schema_version,
        "version": __version__,
        "logo": logo_data_uri(report_template_dir()),
        "css": (report_template_dir() / "report.css").read_text(encoding="utf-8"),
        "print_notice": None,
    }
    # Printed, a long calculation gives its years as rows of one table: a table of two or three years at
    # a time, repeated for every list, made pages (30 years of large figures: 15 tables each).
    context["years_as_rows"] = printed and len(context["year_groups"]) > MAX_YEAR_TABLES
    if context["years_as_rows"]:
        context["year_groups"] = [list(range(len(result.year_labels)))]
    limit = row_limit(context, content.settings.print_limits) if printed else None
    context["row_limit"] = limit
    context["rows"] = lambda rows: rows if limit is None else rows[:limit]
    return context


def render_html(
    assessment: Assessment,
    content: Content,
    *,
    revision: int | None = None,
    saved_at: str | None = None,
    drafts: dict[str, str] | None = None,
) -> str:
    """The report as one self-contained HTML document: no JavaScript, no network, chart embedded."""
    context = report_context(assessment, content, revision=revision, saved_at=saved_at, drafts=drafts)
    return _template().render(**context)


def render_printed_html(
    assessment: Assessment,
    content: Content,
    *,
    revision: int | None = None,
    saved_at: str | None = None,
    drafts: dict[str, str] | None = None,
) -> str:
    """The report's version for the PDF: lists and texts within the print limits, and where they were
    shortened it says so (nyttolib.exports.print_limits). Rendered once to measure the texts it prints,
    and again with the longest of them cut, only when they do not fit."""
    context = report_context(assessment, content, revision=revision, saved_at=saved_at, drafts=drafts, printed=True)
    limits = content.settings.print_limits
    if context["row_limit"] is not None:  # known before rendering: the first pass may be the last
        context["print_notice"] = limits.notice
    lengths: list[int] = []
    texts = frozenset(user_texts(assessment.model_dump()))
    with _set(_USER_TEXTS, texts), _set(_TEXT_LENGTHS, lengths):
        html = _template().render(**context)
    text_limit = water_level(lengths, limits.characters)
    if text_limit is None:
        return html
    context["print_notice"] = limits.notice
    with _set(_USER_TEXTS, texts), _set(_TEXT_LIMIT, max(text_limit, MIN_PRINTED_TEXT)):
        return _template().render(**context)


@contextlib.contextmanager
def _set(variable: contextvars.ContextVar, value: Any):
    token = variable.set(value)
    try:
        yield
    finally:
        variable.reset(token)


def user_texts(data: Any) -> Iterator[str]:
    """Every text in a dumped document longer than MIN_PRINTED_TEXT: the ones print may shorten."""
    if isinstance(data, str):
        if len(data) > MIN_PRINTED_TEXT:
            yield data
    elif isinstance(data, dict | list):
        for value in data.values() if isinstance(data, dict) else data:
            yield from user_texts(value)


#: No text is cut shorter than this in print, however many there are (the rows are bounded too).
MIN_PRINTED_TEXT = 40


def _template():
    return template_environment(str(report_template_dir())).get_template("report.html.j2")


def render_pdf(html: str) -> bytes:
    """A4 PDF of the report HTML (WeasyPrint: fonts embedded, page numbers, no browser, no network).

    Tagged PDF/UA-1 (structure tree, reading order, language from `<html lang>`, title from `<title>`,
    the chart's alt text), since public bodies publish these documents and must make them accessible.
    """
    import logging

    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)

    # Only the report's own embedded data (chart, logo): never a file or the network.
    fetcher = URLFetcher(allowed_protocols=("data",), fail_on_errors=True)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_variant="pdf/ua-1")
