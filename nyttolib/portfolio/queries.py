"""The portfolio as tables: the initiatives, the filters, the stage funnel, the balance, the years and the
indicators. pandas does the tables (group-bys over the summary rows); every function takes the tables the
store gives (`PortfolioStore.portfolio_data`) or the frame made of them, never the documents.

Column names are English identifiers; `COLUMNS` gives the Swedish headings users read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from nyttolib.content import Content
from nyttolib.portfolio.rows import LIGHT_ORDER
from nyttolib.portfolio.tables import PortfolioData

if TYPE_CHECKING:
    import pandas as pd

# The initiative table's columns and their headings, in the order the table shows them.
COLUMNS = {
    "number": "Nr",
    "year": "År",
    "name": "Utvecklingsärende",
    "department": "Verksamhet",
    "stage_label": "Steg",
    "kind_label": "Typ",
    "priority_label": "Prioriteringsgrund",
    "valuation_text": "Nyttovärdering",
    "cost_kr": "Kostnad (totalt)",
    "net_kr": "Nettonytta (kalkylen)",
    "annual_realisable_net_kr": "Årlig realiserbar nettonytta",
    "completeness_percent": "Ifyllt",
    "light_label": "Uppföljning",
}
NO_VALUE = "–"
NO_STAGE = "Inget steg angivet"


def _labels(values: pd.Series, choices: list[Any], missing: str) -> pd.Series:
    return values.map({c.id: c.label for c in choices}).fillna(missing)


def _order(values: pd.Series, choices: list[Any]) -> pd.Series:
    return values.map({c.id: index for index, c in enumerate(choices)}).fillna(len(choices)).astype(int)


def _valuation_texts(table: pd.DataFrame, content: Content) -> pd.Series:
    """The four levels in the content's order, e.g. "5 · 3 · 3 · 1" ("–" for a criterion not valued, and
    just "–" when none is)."""
    columns = [table[f"valuation_{c.id}"] for c in content.initiative.valuation_criteria]
    texts = [column.astype("Int64").astype(str).replace("<NA>", NO_VALUE) for column in columns]
    joined = texts[0].str.cat(texts[1:], sep=" · ") if len(texts) > 1 else texts[0]
    valued = table[[f"valuation_{c.id}" for c in content.initiative.valuation_criteria]].notna().any(axis=1)
    return joined.where(valued, NO_VALUE)


def frame(data: PortfolioData, content: Content) -> pd.DataFrame:
    """One row per initiative with the table's columns, labels from the content, and orders for sorting."""
    import pandas as pd

    table = data.table.copy()
    for column in _level_columns(content):
        if column not in table:
            table[column] = pd.Series(dtype="float64")
    ini = content.initiative
    for column in ("number", "name", "department", "owner", "project_number"):
        table[column] = table[column].fillna("")
    table["stage_label"] = _labels(table["stage"], ini.portfolio_stages, NO_STAGE)
    table["stage_order"] = _order(table["stage"], ini.portfolio_stages)
    table["kind_label"] = _labels(table["kind"], ini.kinds, NO_VALUE)
    table["priority_label"] = _labels(table["priority_class"], ini.priority_classes, NO_VALUE)
    table["priority_rank"] = table["priority_class"].map({c.id: c.rank for c in ini.priority_classes}).astype("Int64")
    table["valuation_text"] = _valuation_texts(table, content)
    table["cost_kr"] = table["total_cost_kr"].fillna(table["calculation_cost_kr"]).fillna(0.0)
    for column in ("central_funding_kr", "net_kr", "annual_realisable_net_kr", "completeness_percent"):
        table[column] = table[column].fillna(0.0)
    lights = content.settings.traffic_light.labels
    table["light"] = table["light"].fillna("none")
    table["light_label"] = table["light"].map({colour: getattr(lights, colour) for colour in LIGHT_ORDER})
    table["light_order"] = table["light"].map({colour: index for index, colour in enumerate(LIGHT_ORDER)})
    table["year"] = table["year"].astype("Int64")
    return table


def _level_columns(content: Content) -> list[str]:
    axes = [f"axis_{axis.id}" for axis in content.classification.axes]
    return [*axes, *(f"valuation_{c.id}" for c in content.initiative.valuation_criteria)]


@dataclass(frozen=True)
class Filters:
    """What the portfolio office narrows the portfolio to; an empty tuple means "all"."""

    years: tuple[int, ...] = ()
    departments: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    priority_classes: tuple[str, ...] = ()
    lights: tuple[str, ...] = ()
    text: str = ""
    ids: tuple[str, ...] = field(default=(), repr=False)


# A filter value meaning "not given" (no stage, no kind …), so the unfinished can be found too.
UNSET = ""


def _in(values: pd.Series, chosen: tuple[Any, ...]) -> pd.Series:
    wanted = {value for value in chosen if value != UNSET}
    matched = values.isin(wanted)
    if UNSET in chosen:
        matched |= values.isna() | (values == UNSET)
    return matched


def apply_filters(table: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The initiatives that match every given filter; the text matches Nr, name, verksamhet, owner or
    project number, case-insensitively and as plain text (never as a pattern)."""
    keep = table["unreadable"].isna()
    for column, chosen in (
        ("year", filters.years),
        ("department", filters.departments),
        ("stage", filters.stages),
        ("kind", filters.kinds),
        ("priority_class", filters.priority_classes),
        ("light", filters.lights),
        ("id", filters.ids),
    ):
        if chosen:
            keep &= _in(table[column], chosen)
    text = filters.text.strip().casefold()
    if text:
        haystack = (
            table["number"]
            + " "
            + table["name"]
            + " "
            + table["department"]
            + " "
            + table["owner"]
            + " "
            + table["project_number"]
        ).str.casefold()
        keep &= haystack.str.contains(re.escape(text), regex=True)
    return table[keep]


SORTS = {
    "number": ("number",),
    "year": ("year", "number"),
    "name": ("name",),
    "department": ("department", "number"),
    "stage_label": ("stage_order", "number"),
    "kind_label": ("kind_label", "number"),
    "priority_label": ("priority_rank", "number"),
    "valuation_text": ("valuation_text", "number"),
    "cost_kr": ("cost_kr", "number"),
    "net_kr": ("net_kr", "number"),
    "annual_realisable_net_kr": ("annual_realisable_net_kr", "number"),
    "completeness_percent": ("completeness_percent", "number"),
    "light_label": ("light_order", "number"),
}


def sort(table: pd.DataFrame, column: str, descending: bool = False) -> pd.DataFrame:
    """Sort by a table column (stages in the content's order, lights worst first); empty values last."""
    keys = list(SORTS[column])
    ascending = [not descending] + [True] * (len(keys) - 1)
    return table.sort_values(keys, ascending=ascending, na_position="last", kind="stable")


def options(table: pd.DataFrame, content: Content) -> dict[str, list[tuple[str, Any]]]:
    """The choices each filter offers: (label, value), in the content's order; only values that occur,
    plus "not given" where some initiative lacks the value."""
    readable = table[table["unreadable"].isna()]

    def from_content(column: str, choices: list[Any], missing: str) -> list[tuple[str, Any]]:
        present = set(readable[column].dropna())
        found = [(c.label, c.id) for c in choices if c.id in present]
        if readable[column].isna().any():
            found.append((missing, UNSET))
        return found

    years = sorted(int(y) for y in readable["year"].dropna().unique())
    departments = sorted(d for d in readable["department"].unique() if d)
    lights = content.settings.traffic_light.labels
    return {
        "years": [(str(y), y) for y in years],
        "departments": [(d, d) for d in departments]
        + ([("Ingen verksamhet angiven", UNSET)] if (readable["department"] == "").any() else []),
        "stages": from_content("stage", content.initiative.portfolio_stages, NO_STAGE),
        "kinds": from_content("kind", content.initiative.kinds, "Ingen typ angiven"),
        "priority_classes": from_content(
            "priority_class", content.initiative.priority_classes, "Ingen prioriteringsgrund"
        ),
        "lights": [(getattr(lights, colour), colour) for colour in LIGHT_ORDER if (readable["light"] == colour).any()],
    }


def funnel(table: pd.DataFrame, content: Content) -> pd.DataFrame:
    """The stage funnel: every stage of the content in order (also empty ones), count and cost; then the
    initiatives without a stage, if any."""
    import pandas as pd

    readable = table[table["unreadable"].isna()]
    grouped = readable.groupby("stage_order").agg(count=("id", "size"), cost_kr=("cost_kr", "sum"))
    stages = [(index, c.id, c.label) for index, c in enumerate(content.initiative.portfolio_stages)]
    if (readable["stage_order"] == len(stages)).any():
        stages.append((len(stages), UNSET, NO_STAGE))
    records = [
        {
            "stage": stage_id,
            "label": label,
            "count": int(grouped["count"].get(order, 0)),
            "cost_kr": float(grouped["cost_kr"].get(order, 0.0)),
        }
        for order, stage_id, label in stages
    ]
    return pd.DataFrame.from_records(records, columns=["stage", "label", "count", "cost_kr"])


def balance(table: pd.DataFrame, content: Content) -> pd.DataFrame:
    """Portföljens balans: for each axis and cell (1–5), how many initiatives and what share of the
    classified initiatives' cost lie there; plus the portfolio's mean position on the axis (the right-hand
    share, 0–100 %, counted and cost-weighted)."""
    import pandas as pd

    # Only the columns counted here: a copy of the whole table per axis and cell was most of the time.
    wanted = [f"axis_{axis.id}" for axis in content.classification.axes] + ["cost_kr"]
    readable = table.loc[table["unreadable"].isna(), wanted]
    records = []
    for axis in content.classification.axes:
        column = readable[f"axis_{axis.id}"]
        classified = readable[column.notna()]
        total_count = len(classified)
        total_cost = float(classified["cost_kr"].sum())
        for level, cell in enumerate(axis.cells, start=1):
            at = classified[classified[f"axis_{axis.id}"] == level]
            records.append(
                {
                    "axis": axis.id,
                    "axis_label": f"{axis.left} – {axis.right}",
                    "level": level,
                    "cell": cell.label,
                    "count": len(at),
                    "count_percent": len(at) / total_count * 100 if total_count else 0.0,
                    "cost_kr": float(at["cost_kr"].sum()),
                    "cost_percent": float(at["cost_kr"].sum()) / total_cost * 100 if total_cost else 0.0,
                    "unclassified": len(readable) - total_count,
                }
            )
    return pd.DataFrame.from_records(records)


def right_share(axis_levels: pd.Series, weights: pd.Series | None = None) -> float | None:
    """The mean right-hand share (cell 1 = 0 %, cell 5 = 100 %) of classified initiatives, optionally weighted."""
    present = axis_levels.notna()
    if not present.any():
        return None
    shares = (axis_levels[present].astype(float) - 1) * 25
    if weights is None:
        return float(shares.mean())
    weight = weights[present].astype(float)
    return float((shares * weight).sum() / weight.sum()) if weight.sum() else None


def _ids(table: pd.DataFrame) -> pd.Series:
    return table.loc[table["unreadable"].isna(), "id"]


def _subset(data: PortfolioData, table: pd.DataFrame) -> pd.Series | None:
    """The ids of `table`'s readable initiatives, or None when that is the whole portfolio (no id list)."""
    ids = _ids(table)
    return None if len(ids) == len(data.table) else ids


def per_year(data: PortfolioData, table: pd.DataFrame) -> pd.DataFrame:
    """Costs, planned realisable benefit and realised benefit per calendar year across the initiatives in
    `table` (the filtered frame); the years are those some calculation has a figure for. Calculations
    without a known first year are counted in `attrs["unplaced"]`."""
    totals = data.year_totals(_subset(data, table))
    placed = totals[totals["year"].notna()].astype({"year": int})
    result = placed[["year", "cost_kr", "realisable_benefit_kr", "realised_benefit_kr"]].reset_index(drop=True)
    result["net_kr"] = result["realisable_benefit_kr"] - result["cost_kr"]
    result.attrs["unplaced"] = int(totals.loc[totals["year"].isna(), "initiatives"].sum())
    return result


def listing_summary(table: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """As the listing counts: number and total cost of all, per stage and per År."""
    readable = table[table["unreadable"].isna()]
    by_year = readable.groupby("year", dropna=False).agg(count=("id", "size"), cost_kr=("cost_kr", "sum"))
    by_stage = (
        readable.groupby(["stage_order", "stage_label"])
        .agg(count=("id", "size"), cost_kr=("cost_kr", "sum"))
        .reset_index(level=0, drop=True)
    )
    return {"by_year": by_year.reset_index(), "by_stage": by_stage.reset_index()}


@dataclass(frozen=True)
class Funding:
    """Central funding (the 2 %-medel) asked for by the initiatives against the budget the user entered."""

    used_kr: float
    budget_kr: float | None

    @property
    def left_kr(self) -> float | None:
        return None if self.budget_kr is None else self.budget_kr - self.used_kr

    @property
    def used_percent(self) -> float | None:
        return self.used_kr / self.budget_kr * 100 if self.budget_kr else None


def central_funding(table: pd.DataFrame, budget_kr: float | None = None) -> Funding:
    readable = table[table["unreadable"].isna()]
    return Funding(float(readable["central_funding_kr"].sum()), budget_kr)


def indicator_totals(data: PortfolioData, table: pd.DataFrame, content: Content) -> pd.DataFrame:
    """Expected and realised contributions per indicator and year, summed over the initiatives in `table`,
    in the content's order of indicators (an indicator nobody contributes to has no rows)."""
    totals = data.indicator_totals(_subset(data, table))
    indicators = {indicator.id: (index, indicator) for index, indicator in enumerate(content.portfolio.indicators)}
    totals = totals[totals["indicator"].isin(indicators)].copy()
    totals["order"] = totals["indicator"].map(lambda i: indicators[i][0])
    totals = totals.sort_values(["order", "year"], na_position="last", kind="stable").drop(columns="order")
    totals.insert(1, "label", totals["indicator"].map(lambda i: indicators[i][1].label))
    totals.insert(2, "unit", totals["indicator"].map(lambda i: indicators[i][1].unit))
    return totals.astype({"year": "Int64", "initiatives": int}).reset_index(drop=True)
