"""The report's contributed sections: the prioritisation with the reason for every place, and the
benefit register, as `ReportSection`s (title, paragraphs, typed tables, notes) for the portfolio report.

Only presentation: the ranking comes from `nyttolib.portfolio.prioritisation.rank` and the register
from `nyttolib.portfolio.register.benefit_register`. Where a module is not installed, its section is
None and the report has no such section.
"""

from __future__ import annotations

import datetime as dt
import importlib
from types import ModuleType
from typing import Any

from nyttolib.content import Content
from nyttolib.portfolio.overview import Overview
from nyttolib.portfolio.report import Column, ReportSection, SectionTable
from nyttolib.portfolio.rows import today


def _module(name: str) -> ModuleType | None:
    """The portfolio module `name`, or None where it is not installed (an error inside it is raised)."""
    full = f"nyttolib.portfolio.{name}"
    try:
        return importlib.import_module(full)
    except ModuleNotFoundError as exc:
        if exc.name != full:
            raise
        return None


def _in_view(view: Overview) -> list[dict[str, Any]]:
    """The rows of the filtered initiatives (the report's sections cover what its table shows)."""
    wanted = set(view.table["id"].tolist())
    return [row for row in view.rows if row["id"] in wanted]


def prioritisation_section(view: Overview, content: Content) -> ReportSection | None:
    module = _module("prioritisation")
    if module is None:
        return None
    ranking = module.rank(_in_view(view), content)
    score = getattr(module, "plain_score", lambda value: f"{float(value):g}".replace(".", ","))
    rows = [
        (
            position.place,
            position.row.get("number") or "",
            position.row.get("name") or "Namnlöst initiativ",
            f"{position.priority_rank}. {position.priority_label}"
            if position.priority_rank
            else position.priority_label,
            f"{score(position.valuation.score)} av {score(position.valuation.maximum)}",
            position.row.get("annual_realisable_net_kr"),
            position.reason,
        )
        for position in ranking.positions
    ]
    columns = (
        Column("Plats", "number", 5),
        Column("Nr", width=6),
        Column("Utvecklingsärende", width=18),
        Column("Prioriteringsgrund", width=17),
        Column("Nyttovärdering", width=8),
        Column("Årlig realiserbar nettonytta", "kr", 10),
        Column("Skäl till platsen", width=36),
    )
    table = SectionTable("Rangordning med skäl", columns, rows, "initiativ")
    return ReportSection("Prioritering", (ranking.disclaimer,), (table,) if rows else (), tuple(ranking.notes))


def register_section(view: Overview, content: Content, on: dt.date | None = None) -> ReportSection | None:
    """The register on `on` (today), most urgent first, and planned against realised benefit per year."""
    module = _module("register")
    if module is None:
        return None
    register = module.benefit_register(_in_view(view), content, on or today())
    entries = [
        (
            item.number,
            item.name or "Namnlöst initiativ",
            item.benefit,
            item.responsible,
            item.unit,
            item.baseline,
            item.target,
            item.target_date.isoformat() if item.target_date else "",
            item.latest_value,
            item.light,
            item.due.label,
        )
        for item in register.entries
    ]
    columns = (
        Column("Nr", width=5),
        Column("Utvecklingsärende", width=12),
        Column("Nytta", width=16),
        Column("Ansvarig", width=10),
        Column("Mätetal", width=9),
        Column("Nuläge", "number", 6),
        Column("Mål", "number", 6),
        Column("Målet senast", "date", 9),
        Column("Senaste värde", "number", 7),
        Column("Ljus", "light", 8),
        Column("Nästa mätning", width=12),
    )
    economics = register.economics
    years = [(y.year, y.planned_kr, y.realised_kr, y.realised_percent) for y in economics.per_year]
    year_columns = (
        Column("År"),
        Column("Planerad nytta", "kr"),
        Column("Realiserad nytta", "kr"),
        Column("Andel", "percent"),
    )
    tables = []
    if entries:
        tables.append(SectionTable(f"Nyttor i planerna, {register.today.isoformat()}", columns, entries, "nyttor"))
    if years:
        tables.append(SectionTable("Planerad och realiserad ekonomisk nytta per år", year_columns, years, "år"))
    counts = register.counts()
    paragraph = (
        f"{len(entries)} nyttor i nyttorealiseringsplanerna; mätningen är försenad för {counts.get('overdue', 0)} "
        f"och dags för {counts.get('due', 0)}."
    )
    return ReportSection("Nyttoregister", (paragraph,), tuple(tables), (economics.rule,))


def contributed_sections(view: Overview, content: Content) -> dict[str, ReportSection | None]:
    """The keyword arguments for the report: each section, or None where its module is not installed."""
    return {"prioritisation": prioritisation_section(view, content), "register": register_section(view, content)}
