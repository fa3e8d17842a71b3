"""The portfolio at a glance: the figures `nyttolib portfolio summary` prints and the portfolio report
shows, computed once from the summary rows (never from the documents) over the filtered initiatives.

The CLI's JSON, its text and the report's sections all read one `Overview`, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from nyttolib.content import Content
from nyttolib.portfolio import queries
from nyttolib.portfolio.queries import Filters, Funding

if TYPE_CHECKING:
    import pandas as pd

    from nyttolib.portfolio.tables import PortfolioData


@dataclass(frozen=True)
class Unreadable:
    """An assessment whose newest revision does not open: it is in the portfolio, without figures."""

    id: str
    name: str
    message: str


@dataclass
class Overview:
    """The filtered portfolio's tables (pandas frames from `nyttolib.portfolio.queries`); `rows` are the
    summary rows as dicts where the caller read them (the export's per-year sheets and the register need
    them; the summary does not)."""

    rows: list[dict[str, Any]]
    table: pd.DataFrame
    funnel: pd.DataFrame
    balance: pd.DataFrame
    per_year: pd.DataFrame
    by_year: pd.DataFrame
    funding: Funding
    indicators: pd.DataFrame
    filters: Filters
    unreadable: list[Unreadable] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.table)

    @property
    def total_cost_kr(self) -> float:
        return float(self.table["cost_kr"].sum())

    @property
    def net_kr(self) -> float:
        return float(self.table["net_kr"].sum())

    @property
    def annual_realisable_net_kr(self) -> float:
        return float(self.table["annual_realisable_net_kr"].sum())


def overview(
    data: PortfolioData,
    content: Content,
    filters: Filters | None = None,
    budget_kr: float | None = None,
    rows: list[dict[str, Any]] | None = None,
) -> Overview:
    """Everything the summary and the report show, over the initiatives that match `filters`. `data` is
    the store's `portfolio_data()`, read while the store is open (the per-year and indicator totals are
    summed by SQLite)."""
    filters = filters or Filters()
    everything = queries.frame(data, content)
    table = queries.apply_filters(everything, filters)  # unsorted: `in_order` sorts where rows are shown
    broken = everything[everything["unreadable"].notna()]
    unreadable = [
        Unreadable(assessment_id, name or "", message)
        for assessment_id, name, message in zip(broken["id"], broken["name"], broken["unreadable"], strict=True)
    ]
    return Overview(
        rows=rows or [],
        table=table,
        funnel=queries.funnel(table, content),
        balance=queries.balance(table, content),
        per_year=queries.per_year(data, table),
        by_year=queries.listing_summary(table)["by_year"],
        funding=queries.central_funding(table, budget_kr),
        indicators=queries.indicator_totals(data, table, content),
        filters=filters,
        unreadable=unreadable,
    )


def in_order(view: Overview) -> pd.DataFrame:
    """The filtered initiatives as the report, the files and the list show them: by stage, then Nr."""
    return queries.sort(view.table, "stage_label")


def axis_positions(view: Overview, content: Content) -> list[dict[str, Any]]:
    """Per axis of the balance: where the portfolio lies (0 % = all left, 100 % = all right), counted and
    cost-weighted, and how many initiatives are not placed on it."""
    table = view.table
    found = []
    for axis in content.classification.axes:
        column = table[f"axis_{axis.id}"] if len(table) else None
        classified = int(column.notna().sum()) if column is not None else 0
        found.append(
            {
                "axis": axis.id,
                "left": axis.left,
                "right": axis.right,
                "right_share_percent": queries.right_share(column) if column is not None else None,
                "right_share_cost_percent": queries.right_share(column, table["cost_kr"])
                if column is not None
                else None,
                "classified": classified,
                "unclassified": len(table) - classified,
            }
        )
    return found


def _year(value: Any) -> int | None:
    """A year as a plain JSON integer; pandas' missing values (NA, NaN) as None."""
    import pandas as pd

    return None if value is None or pd.isna(value) else int(value)


def summary_json(view: Overview, content: Content) -> dict[str, Any]:
    """The overview as plain JSON (`nyttolib portfolio summary --json`): amounts in kronor."""
    funding = view.funding
    balance = []
    for position in axis_positions(view, content):
        cells = view.balance[view.balance["axis"] == position["axis"]] if len(view.balance) else []
        balance.append(
            {
                **position,
                "cells": [
                    {
                        "level": int(cell["level"]),
                        "label": cell["cell"],
                        "count": int(cell["count"]),
                        "count_percent": float(cell["count_percent"]),
                        "cost_kr": float(cell["cost_kr"]),
                        "cost_percent": float(cell["cost_percent"]),
                    }
                    for _, cell in (cells.iterrows() if len(cells) else [])
                ],
            }
        )
    return {
        "count": view.count,
        "total_cost_kr": view.total_cost_kr,
        "net_kr": view.net_kr,
        "annual_realisable_net_kr": view.annual_realisable_net_kr,
        "by_stage": [
            {"stage": r["stage"] or None, "label": r["label"], "count": int(r["count"]), "cost_kr": float(r["cost_kr"])}
            for r in view.funnel.to_dict("records")
        ],
        "by_year": [
            {"year": _year(r["year"]), "count": int(r["count"]), "cost_kr": float(r["cost_kr"])}
            for r in view.by_year.to_dict("records")
        ],
        "per_calendar_year": [
            {
                "year": int(r["year"]),
                "cost_kr": float(r["cost_kr"]),
                "realisable_benefit_kr": float(r["realisable_benefit_kr"]),
                "realised_benefit_kr": float(r["realised_benefit_kr"]),
                "net_kr": float(r["net_kr"]),
            }
            for r in view.per_year.to_dict("records")
        ],
        "calculations_without_year": int(view.per_year.attrs.get("unplaced", 0)),
        "balance": balance,
        "central_funding": {
            "used_kr": funding.used_kr,
            "budget_kr": funding.budget_kr,
            "left_kr": funding.left_kr,
            "used_percent": funding.used_percent,
        },
        "indicators": [
            {
                "indicator": r["indicator"],
                "label": r["label"],
                "unit": r["unit"],
                "year": _year(r["year"]),
                "expected": float(r["expected"]),
                "realised": float(r["realised"]),
                "initiatives": int(r["initiatives"]),
            }
            for r in view.indicators.to_dict("records")
        ],
        "unreadable": [{"id": u.id, "name": u.name, "message": u.message} for u in view.unreadable],
    }
