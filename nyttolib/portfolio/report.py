"""The portfolio report (HTML and PDF): the initiatives, the stage funnel, the balance, costs and benefits
per year, central funding and the indicators, for the portfolio office's beredning and programstyrgrupp.

Made with the assessment report's machinery (`nyttolib.exports.report`): the same Jinja environment
(autoescaped, overlong words given break points, bidi controls removed), the same stylesheet and logo,
the same WeasyPrint PDF. The prioritisation and the benefit register are sections other modules
contribute: each is one argument (a `ReportSection`) and one template block, shown only when given.

The printed version (PDF) keeps to the print limits (`print_limits` in settings.yaml): at most
`portfolio_rows` rows in each table of initiatives and names cut to `portfolio_text` characters; it says
where it cuts. Every total, the funnel, the balance and the years are over all initiatives either way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from nyttolib import __version__
from nyttolib import formatting as fmt
from nyttolib.content import Content
from nyttolib.exports.charts import png_data_uri
from nyttolib.exports.report import logo_data_uri, render_pdf, report_template_dir, template_environment
from nyttolib.portfolio import charts
from nyttolib.portfolio.overview import Overview, axis_positions, in_order
from nyttolib.portfolio.queries import NO_VALUE, Filters

__all__ = ["Column", "ReportSection", "SectionTable", "render_html", "render_pdf", "render_printed_html"]

TEMPLATE = "portfolio.html.j2"
KINDS = ("text", "kr", "number", "percent", "date", "light")


@dataclass(frozen=True)
class Column:
    """A column of a contributed table; `kind` says how its values print (kr, number, percent, light …)."""

    heading: str
    kind: str = "text"
    #: Share of the table's width in percent (None: shared equally with the other columns without one).
    width: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")


@dataclass(frozen=True)
class SectionTable:
    caption: str
    columns: tuple[Column, ...]
    rows: list[tuple[Any, ...]]
    #: Printed, what the rows are called in the note about cut rows ("initiativ", "nyttor").
    what: str = "rader"


@dataclass(frozen=True)
class ReportSection:
    """A section contributed to the report (the prioritisation with its reasons, the benefit register):
    a title, paragraphs of text, tables and notes. All of it is data: escaped as any user text."""

    title: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[SectionTable, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportOptions:
    title: str = "Portföljrapport"
    generated_at: dt.datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def filter_text(filters: Filters, content: Content) -> str:
    """The filters in words ("År: 2022, 2023 · Steg: Beslutade initiativ"), or "Hela portföljen"."""
    ic = content.initiative
    parts = []

    def labels(chosen: tuple[str, ...], choices: list[Any], missing: str) -> str:
        by_id = {c.id: c.label for c in choices}
        return ", ".join(by_id.get(value, value) if value else missing for value in chosen)

    lights = content.settings.traffic_light.labels
    for heading, chosen, shown in (
        ("År", filters.years, lambda c: ", ".join(str(y) if y != "" else "inget år" for y in c)),
        ("Verksamhet", filters.departments, lambda c: ", ".join(d or "ingen verksamhet" for d in c)),
        ("Steg", filters.stages, lambda c: labels(c, ic.portfolio_stages, "inget steg")),
        ("Typ", filters.kinds, lambda c: labels(c, ic.kinds, "ingen typ")),
        ("Prioriteringsgrund", filters.priority_classes, lambda c: labels(c, ic.priority_classes, "ingen")),
        ("Uppföljning", filters.lights, lambda c: ", ".join(getattr(lights, v, v) for v in c)),
    ):
        if chosen:
            parts.append(f"{heading}: {shown(chosen)}")
    if filters.text.strip():
        parts.append(f"Text: ”{filters.text.strip()}”")
    return " · ".join(parts) if parts else "Hela portföljen"


def _initiatives(view: Overview, content: Content, text_limit: int | None) -> list[dict[str, Any]]:
    def cut(text: str) -> str:
        """Printed, a long name ends in "…" (the print notice says names are cut; the HTML has them whole)."""
        if text_limit is None or len(text) <= text_limit:
            return text
        return text[:text_limit].rstrip() + "…"

    ranks = {c.id: c.rank for c in content.initiative.priority_classes}
    records = []
    for row in in_order(view).to_dict("records"):
        records.append(
            {
                "number": row["number"] or NO_VALUE,
                "year": _year_text(row["year"]),
                "name": cut(row["name"] or "Namnlöst initiativ"),
                "department": cut(row["department"]),
                "stage": row["stage_label"],
                "kind": row["kind_label"],
                "priority": str(ranks[row["priority_class"]]) if row["priority_class"] in ranks else NO_VALUE,
                "valuation": row["valuation_text"],
                "cost_kr": row["cost_kr"],
                "net_kr": row["net_kr"],
                "annual_kr": row["annual_realisable_net_kr"],
                "completeness": row["completeness_percent"],
                "light": row["light"],
                "light_label": row["light_label"],
                "light_word": row["light_label"].split(" – ")[0],
            }
        )
    return records


def report_context(
    view: Overview,
    content: Content,
    *,
    prioritisation: ReportSection | None = None,
    register: ReportSection | None = None,
    printed: bool = False,
    options: ReportOptions | None = None,
) -> dict[str, Any]:
    """Everything the template shows, computed once."""
    options = options or ReportOptions()
    limits = content.settings.print_limits
    row_limit = limits.portfolio_rows if printed else None
    text_limit = limits.portfolio_text if printed else None
    generated = (options.generated_at or dt.datetime.now()).astimezone()
    initiatives = _initiatives(view, content, text_limit)
    readable_balance = view.balance
    cut = [s for s in (prioritisation, register) if s for t in s.tables if row_limit and len(t.rows) > row_limit]
    print_notice = None
    if printed and (len(initiatives) > (row_limit or 0) or cut or _names_cut(view, text_limit)):
        print_notice = (
            "Utskriften är förkortad: tabellerna över initiativ visar högst "
            f"{row_limit} rader och långa namn visas delvis. Summorna, stegen, balansen och åren gäller alla "
            "initiativ i urvalet. Hela tabellen finns i HTML-versionen och i xlsx- och csv-filen."
        )
    return {
        "title": options.title,
        "filters": filter_text(view.filters, content),
        "generated": generated.strftime("%Y-%m-%d %H:%M"),
        "view": view,
        "content": content,
        "initiatives": initiatives,
        "row_limit": row_limit,
        "rows": (lambda items: items) if row_limit is None else (lambda items: items[:row_limit]),
        "priority_classes": content.initiative.priority_classes,
        "valuation_criteria": content.initiative.valuation_criteria,
        "funnel": view.funnel.to_dict("records"),
        "funnel_chart": png_data_uri(charts.funnel_png(view.funnel)),
        "funnel_alt": charts.funnel_alt_text(view.funnel),
        "balance_axes": _balance_axes(view, content),
        "balance_chart": png_data_uri(charts.balance_png(readable_balance, content)) if view.count else None,
        "balance_alt": charts.balance_alt_text(readable_balance, content) if view.count else "",
        "per_year": view.per_year.to_dict("records"),
        "unplaced": int(view.per_year.attrs.get("unplaced", 0)),
        "per_year_chart": png_data_uri(charts.per_year_png(view.per_year)) if len(view.per_year) else None,
        "per_year_alt": charts.per_year_alt_text(view.per_year) if len(view.per_year) else "",
        "by_year": [{**r, "year": _year_text(r["year"])} for r in view.by_year.to_dict("records")],
        "funding": view.funding,
        "indicators": _indicators(view, content),
        "prioritisation": prioritisation,
        "register": register,
        "unreadable": view.unreadable,
        "print_notice": print_notice,
        "version": __version__,
        "logo": logo_data_uri(report_template_dir()),
        "css": (report_template_dir() / "report.css").read_text(encoding="utf-8"),
        "cell": _cell,
        **options.extra,
    }


def _year_text(value: Any) -> str:
    import pandas as pd

    return NO_VALUE if value is None or pd.isna(value) else str(int(value))


def _names_cut(view: Overview, limit: int | None) -> bool:
    if limit is None or not len(view.table):
        return False
    return bool((view.table["name"].str.len() > limit).any() or (view.table["department"].str.len() > limit).any())


def _balance_axes(view: Overview, content: Content) -> list[dict[str, Any]]:
    positions = {p["axis"]: p for p in axis_positions(view, content)}
    axes = []
    for axis in content.classification.axes:
        cells = view.balance[view.balance["axis"] == axis.id].to_dict("records") if len(view.balance) else []
        axes.append({**positions[axis.id], "axis": axis, "cells": cells})
    return axes


def _indicators(view: Overview, content: Content) -> list[dict[str, Any]]:
    totals = view.indicators.to_dict("records")
    found = []
    for indicator in content.portfolio.indicators:
        years = [{**r, "year": _year_text(r["year"])} for r in totals if r["indicator"] == indicator.id]
        found.append({"indicator": indicator, "years": years})
    return found


def _cell(value: Any, kind: str) -> str:
    """A contributed table's value as printed."""
    if value is None or value == "":
        return NO_VALUE
    if kind == "kr":
        return fmt.kr(value)
    if kind == "number":
        return fmt.number(value, 0 if float(value).is_integer() else 1)
    if kind == "percent":
        return fmt.percent(value)
    return str(value)


def render_html(
    view: Overview,
    content: Content,
    *,
    prioritisation: ReportSection | None = None,
    register: ReportSection | None = None,
    options: ReportOptions | None = None,
) -> str:
    """The report as one self-contained HTML file: everything, no JavaScript, no network, charts embedded."""
    context = report_context(view, content, prioritisation=prioritisation, register=register, options=options)
    return _template().render(**context)


def render_printed_html(
    view: Overview,
    content: Content,
    *,
    prioritisation: ReportSection | None = None,
    register: ReportSection | None = None,
    options: ReportOptions | None = None,
) -> str:
    """The report's version for the PDF, within the print limits (it says where it cuts)."""
    context = report_context(
        view, content, prioritisation=prioritisation, register=register, printed=True, options=options
    )
    return _template().render(**context)


def pdf_bytes(html: str) -> bytes:
    return render_pdf(html)


def _template():
    return template_environment(str(report_template_dir())).get_template(TEMPLATE)
