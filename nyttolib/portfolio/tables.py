"""How a summary row is kept in the database: columns, not one JSON text per row.

A region's portfolio has a hundred thousand initiatives: parsing a JSON text per row costs seconds, so
the figures are columns and the per-year figures, valuation and classification levels and indicator
contributions are rows of their own small tables, which the database sums and pandas groups in a
blink. Only a plan's details (for the benefit register) are a JSON text, read when the register asks.

The tables are a cache of what the revisions say, owned by the portfolio store: they are made here (not
by the schema's migrations) and made anew when their shape changes.
"""

from __future__ import annotations

import itertools
import json
import operator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import Column, Double, ForeignKey, Integer, MetaData, Table, Text, inspect, text

from nyttolib.storage.database import Transaction

if TYPE_CHECKING:
    import pandas as pd

# The summary row's plain values, in column order (all but id, plans and the split-out parts).
SCALARS = (
    "number",
    "year",
    "name",
    "department",
    "owner",
    "project_number",
    "stage",
    "kind",
    "priority_class",
    "total_cost_kr",
    "central_funding_kr",
    "funding_kr",
    "calculation_start",
    "calculation_years",
    "calculation_cost_kr",
    "net_kr",
    "annual_realisable_net_kr",
    "completeness_percent",
    "light",
    "approved_date",
    "start_date",
)
YEARLY = {  # the row's per-year dicts and their columns
    "cost_per_year": "cost_kr",
    "realisable_benefit_per_year": "realisable_benefit_kr",
    "realised_benefit_per_year": "realised_benefit_kr",
}

_TYPES = {  # the scalars' column types; every other scalar is text
    "year": Integer,
    "calculation_start": Integer,
    "calculation_years": Integer,
    **dict.fromkeys(
        ("total_cost_kr", "central_funding_kr", "funding_kr", "calculation_cost_kr", "net_kr",
         "annual_realisable_net_kr", "completeness_percent"),
        Double,
    ),
}  # fmt: skip
METADATA = MetaData()
# The schema's own table (storage/migrations), named here only so the foreign keys can point at it.
_ASSESSMENTS = Table("assessments", METADATA, Column("id", Text, primary_key=True))
PORTFOLIO_ROWS = Table(
    "portfolio_rows",
    METADATA,
    Column("assessment_id", Text, ForeignKey("assessments.id"), primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("fingerprint", Text, nullable=False),
    Column("unreadable", Text),
    *(Column(name, _TYPES.get(name, Text)) for name in SCALARS),
    Column("valuation", Text, nullable=False, server_default=""),
    Column("classification", Text, nullable=False, server_default=""),
    Column("plans", Text, nullable=False, server_default="[]"),
)
PORTFOLIO_YEARS = Table(
    "portfolio_years",
    METADATA,
    Column("assessment_id", Text, ForeignKey("assessments.id"), primary_key=True),
    Column("label", Text, primary_key=True),
    Column("year", Integer),
    Column("cost_kr", Double, nullable=False, server_default="0"),
    Column("realisable_benefit_kr", Double, nullable=False, server_default="0"),
    Column("realised_benefit_kr", Double),
)
PORTFOLIO_INDICATORS = Table(
    "portfolio_indicators",
    METADATA,
    Column("assessment_id", Text, ForeignKey("assessments.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("indicator", Text, nullable=False),
    Column("year", Integer),
    Column("expected", Double),
    Column("realised", Double),
)
CHILD_TABLES = ("portfolio_years", "portfolio_indicators")
TABLES = ("portfolio_rows", *CHILD_TABLES)


def create_tables(db: Any) -> None:
    """Create the portfolio's tables. They hold only what is derived from the revisions, so tables of an
    older shape are dropped and made anew: their rows are recomputed on the first read."""
    inspector = inspect(db.connection)
    existing = (
        {column["name"] for column in inspector.get_columns("portfolio_rows")}
        if inspector.has_table("portfolio_rows")
        else set()
    )
    if existing and not set(SCALARS) <= existing:
        for table in TABLES:
            db.execute(f"DROP TABLE IF EXISTS {table}")
    METADATA.create_all(db.connection, tables=[PORTFOLIO_ROWS, PORTFOLIO_YEARS, PORTFOLIO_INDICATORS])


def levels_text(levels: dict[str, int | None], keys: list[str]) -> str:
    """Levels as one digit per key in `keys`' order ("-": not valued), e.g. "35-1": one short column
    that SQLite splits itself (`substr`) instead of a row per level."""
    digits = []
    for key in keys:
        level = levels.get(key)
        if level is not None and not 0 <= level <= 9:
            raise ValueError(f"nivån {level} för {key} ryms inte i portföljens tabell (0–9)")
        digits.append("-" if level is None else str(level))
    return "".join(digits)


def levels_of(text: str, keys: list[str]) -> dict[str, int | None]:
    padded = (text or "").ljust(len(keys), "-")
    return {key: None if digit == "-" else int(digit) for key, digit in zip(keys, padded, strict=False)}


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def level_columns(keys: dict[str, list[str]]) -> str:
    """SQL that gives one integer column per level: valuation_<criterion>, axis_<axis>."""
    return ", ".join(
        f"CAST(NULLIF(substr(p.{part}, {index}, 1), '-') AS INTEGER) AS {_quoted(prefix + key)}"
        for part, prefix in (("valuation", "valuation_"), ("classification", "axis_"))
        for index, key in enumerate(keys[part], start=1)
    )


def write_row(
    db: Any, assessment_id: str, revision: int, fingerprint: str, row: dict[str, Any], keys: dict[str, list[str]]
) -> None:
    """Replace the assessment's rows in every portfolio table with those of `row` (inside the caller's
    transaction). `keys` names the valuation criteria and classification axes in their stored order."""
    for table in CHILD_TABLES:
        db.execute(f"DELETE FROM {table} WHERE assessment_id = ?", (assessment_id,))
    columns = ", ".join(SCALARS)
    marks = ", ".join("?" for _ in SCALARS)
    db.execute(
        f"INSERT INTO portfolio_rows (assessment_id, revision, fingerprint, unreadable, {columns},"
        f" valuation, classification, plans) VALUES (?, ?, ?, ?, {marks}, ?, ?, ?)"
        f" ON CONFLICT (assessment_id) DO UPDATE SET {_REPLACE_ALL}",
        (
            assessment_id,
            revision,
            fingerprint,
            row.get("unreadable"),
            *(row.get(name) for name in SCALARS),
            levels_text(row.get("valuation") or {}, keys["valuation"]),
            levels_text(row.get("classification") or {}, keys["classification"]),
            json.dumps(row.get("plans", []), ensure_ascii=False, separators=(",", ":"), allow_nan=False),
        ),
    )
    db.executemany(
        "INSERT INTO portfolio_years (assessment_id, label, year, cost_kr, realisable_benefit_kr,"
        " realised_benefit_kr) VALUES (?, ?, ?, ?, ?, ?)",
        _year_rows(assessment_id, row),
    )
    db.executemany(
        "INSERT INTO portfolio_indicators (assessment_id, position, indicator, year, expected, realised)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [
            (assessment_id, index, item["indicator"], item.get("year"), item.get("expected"), item.get("realised"))
            for index, item in enumerate(row.get("indicators", []))
        ],
    )


_REPLACE_ALL = ", ".join(
    f"{name} = excluded.{name}"
    for name in ("revision", "fingerprint", "unreadable", *SCALARS, "valuation", "classification", "plans")
)


def _year_rows(assessment_id: str, row: dict[str, Any]) -> list[tuple]:
    labels: dict[str, dict[str, float]] = {}
    for key, column in YEARLY.items():
        for label, value in (row.get(key) or {}).items():
            labels.setdefault(label, {})[column] = value
    return [
        (
            assessment_id,
            label,
            int(label) if label.isdigit() else None,
            values.get("cost_kr", 0.0),
            values.get("realisable_benefit_kr", 0.0),
            values.get("realised_benefit_kr"),  # NULL: no measurement that year
        )
        for label, values in labels.items()
    ]


def read_rows(
    database: Any, where: str, parameters: tuple, plans: bool, keys: dict[str, list[str]]
) -> list[dict[str, Any]]:
    """The summary rows as dicts, put together again from the tables (for the register, the
    prioritisation and JSON output). A region's hundred thousand rows pass through here, so the plans'
    JSON is read only when asked for and each distinct levels text is split once."""
    columns = ", ".join(f"p.{name}" for name in SCALARS)
    found = database.rows(
        f"SELECT a.id, a.head_revision, r.saved_at, a.deleted_at, p.unreadable, {columns}, p.valuation,"
        f" p.classification, {'p.plans' if plans else 'NULL'}"
        " FROM assessments a JOIN revisions r ON r.assessment_id = a.id AND r.revision = a.head_revision"
        f" JOIN portfolio_rows p ON p.assessment_id = a.id {where} ORDER BY a.id",
        parameters,
    )
    ids = {row[0] for row in found}
    years = _grouped(
        database.rows(
            "SELECT assessment_id, label, cost_kr, realisable_benefit_kr,"
            " realised_benefit_kr FROM portfolio_years ORDER BY assessment_id, year, label"
        ),
        ids,
    )
    indicators = _grouped(
        database.rows(
            "SELECT assessment_id, indicator, year, expected, realised"
            " FROM portfolio_indicators ORDER BY assessment_id, position"
        ),
        ids,
    )
    valuations: dict[str, dict[str, int | None]] = {}
    classifications: dict[str, dict[str, int | None]] = {}
    result = []
    for assessment_id, head, saved_at, deleted_at, unreadable, *values in found:
        *scalars, valuation, classification, plan_text = values
        row: dict[str, Any] = {"id": assessment_id, **dict(zip(SCALARS, scalars, strict=True))}
        if unreadable:
            row = {"id": assessment_id, "name": row["name"] or "", "unreadable": unreadable}
        else:
            own_years = years.get(assessment_id, ())
            row["cost_per_year"] = {label: cost for label, cost, _, _ in own_years}  # NOT NULL columns
            row["realisable_benefit_per_year"] = {label: benefit for label, _, benefit, _ in own_years}
            row["realised_benefit_per_year"] = {
                label: realised for label, _, _, realised in own_years if realised is not None
            }
            row["valuation"] = _levels(valuations, valuation, keys["valuation"])
            row["classification"] = _levels(classifications, classification, keys["classification"])
            row["indicators"] = [
                {"indicator": i, "year": y, "expected": e, "realised": r}
                for i, y, e, r in indicators.get(assessment_id, ())
            ]
        if plans:
            row["plans"] = orjson.loads(plan_text)  # the register reads every plan: 3× json.loads
        row.update(revision=head, saved_at=saved_at, deleted=deleted_at is not None)
        result.append(row)
    return result  # fmt: skip


# What the prioritisation reads of a row (prioritisation.py: rank, cost_in_year, the JSON and text output).
PRIORITISATION_SCALARS = (
    "number",
    "name",
    "stage",
    "priority_class",
    "annual_realisable_net_kr",
    "year",
    "total_cost_kr",
    "calculation_start",
    "calculation_cost_kr",
)


def read_prioritisation_rows(
    database: Any, where: str, keys: dict[str, list[str]], year: int | None
) -> list[dict[str, Any]]:
    """The summary rows narrowed to what the prioritisation reads, for a region's hundred thousand:
    `read_rows`' values of those keys, and `cost_per_year` only for `year` (the budget question's; none
    without one), which is all `cost_in_year(row, year)` looks up."""
    columns = ", ".join(f"p.{name}" for name in PRIORITISATION_SCALARS)
    found = database.rows(
        f"SELECT a.id, p.unreadable, {columns}, p.valuation FROM assessments a"
        f" JOIN portfolio_rows p ON p.assessment_id = a.id {where} ORDER BY a.id"
    )
    costs: dict[str, float] = {}
    if year is not None:
        costs = dict(database.rows("SELECT assessment_id, cost_kr FROM portfolio_years WHERE label = ?", (str(year),)))
    valuations: dict[str, dict[str, int | None]] = {}
    result = []
    for assessment_id, unreadable, *scalars, valuation in found:
        row: dict[str, Any] = {"id": assessment_id, **dict(zip(PRIORITISATION_SCALARS, scalars, strict=True))}
        if unreadable:
            row = {"id": assessment_id, "name": row["name"] or "", "unreadable": unreadable}
        else:
            row["valuation"] = _levels(valuations, valuation, keys["valuation"])
            cost = costs.get(assessment_id)
            row["cost_per_year"] = {} if cost is None else {str(year): cost}
        result.append(row)
    return result


def _levels(cache: dict[str, dict[str, int | None]], text: str, keys: list[str]) -> dict[str, int | None]:
    """`levels_of`, once per distinct text (there are a few hundred); each row gets its own copy."""
    found = cache.get(text)
    if found is None:
        found = cache[text] = levels_of(text, keys)
    return dict(found)


def _grouped(rows: list[tuple], ids: set[str]) -> dict[str, list[tuple]]:
    """The rows (ordered by assessment) by their first column, for the assessments in `ids`."""
    grouped: dict[str, list[tuple]] = {}
    for assessment_id, group in itertools.groupby(rows, key=operator.itemgetter(0)):
        if assessment_id in ids:
            grouped[assessment_id] = [row[1:] for row in group]
    return grouped


@dataclass(frozen=True)
class PortfolioData:
    """The portfolio for pandas: one row per initiative (`table`, with a column per valuation criterion
    `valuation_<id>` and per classification axis `axis_<id>`), and the per-year figures and indicator
    contributions summed in SQL for any set of initiatives (`year_totals`, `indicator_totals`), so a
    region's hundred thousand initiatives never cross into Python row by row. Valid while its store is open."""

    table: pd.DataFrame
    connection: Any
    where: str
    allowed: list[str] | None = None  # the initiatives the user may see, when not all

    def _with_ids(self, ids: pd.Series | None, sql: str) -> pd.DataFrame:
        """Run `sql` (which joins `a`, the assessments, and may use {wanted}) over these initiatives."""
        import pandas as pd

        if ids is None:
            ids = self.allowed
        elif self.allowed is not None:  # never more than the user may see, whatever the caller asks for
            permitted = set(self.allowed)
            ids = [i for i in ids if i in permitted]
        if ids is None:
            return pd.read_sql_query(text(sql.format(wanted="", where=self.where)), self.connection)
        temporary = Transaction(self.connection)
        temporary.execute("CREATE TEMP TABLE IF NOT EXISTS portfolio_wanted (id TEXT PRIMARY KEY)")
        temporary.execute("DELETE FROM portfolio_wanted")
        temporary.executemany(
            "INSERT INTO portfolio_wanted (id) VALUES (?) ON CONFLICT DO NOTHING", ((i,) for i in ids)
        )
        wanted = " JOIN portfolio_wanted w ON w.id = a.id"
        return pd.read_sql_query(text(sql.format(wanted=wanted, where=self.where)), self.connection)

    def year_totals(self, ids: pd.Series | None = None) -> pd.DataFrame:
        """Per calendar year: cost, planned realisable and realised benefit of the initiatives `ids` (all
        when None); only rows with a figure count, and `unplaced` (the year column empty) counts the
        initiatives with figures but no known first year."""
        return self._with_ids(
            ids,
            "SELECT y.year, SUM(y.cost_kr) AS cost_kr, SUM(y.realisable_benefit_kr) AS realisable_benefit_kr,"
            " COALESCE(SUM(y.realised_benefit_kr), 0.0) AS realised_benefit_kr,"
            " COUNT(DISTINCT y.assessment_id) AS initiatives"
            " FROM portfolio_years y JOIN assessments a ON a.id = y.assessment_id{wanted}{where}"
            + (" AND" if self.where else " WHERE")
            + " (y.cost_kr != 0 OR y.realisable_benefit_kr != 0 OR COALESCE(y.realised_benefit_kr, 0) != 0)"
            " GROUP BY y.year ORDER BY y.year IS NULL, y.year",
        )

    def indicator_totals(self, ids: pd.Series | None = None) -> pd.DataFrame:
        """Per indicator and year: the expected and realised contributions and how many initiatives give one."""
        return self._with_ids(
            ids,
            "SELECT i.indicator, i.year, COALESCE(SUM(i.expected), 0.0) AS expected,"
            " COALESCE(SUM(i.realised), 0.0) AS realised,"
            " COUNT(DISTINCT i.assessment_id) AS initiatives"
            " FROM portfolio_indicators i JOIN assessments a ON a.id = i.assessment_id{wanted}{where}"
            " GROUP BY i.indicator, i.year ORDER BY i.indicator, i.year IS NULL, i.year",
        )


def read_frames(
    connection: Any, where: str, keys: dict[str, list[str]], allowed: list[str] | None = None
) -> PortfolioData:
    """The initiative table straight from SQL into pandas: no per-row Python work. `allowed`: the ids the
    user may see (None: all)."""
    import pandas as pd

    columns = ", ".join(f"p.{name}" for name in SCALARS)
    table = pd.read_sql_query(
        text(
            f"SELECT a.id, a.head_revision AS revision, r.saved_at, a.deleted_at IS NOT NULL AS deleted, p.unreadable,"
            f" {columns}, {level_columns(keys)} FROM assessments a"
            " JOIN revisions r ON r.assessment_id = a.id AND r.revision = a.head_revision"
            f" JOIN portfolio_rows p ON p.assessment_id = a.id {where} ORDER BY a.id"
        ),
        connection,
    )
    if allowed is not None:
        table = table[table["id"].isin(allowed)].reset_index(drop=True)
    return PortfolioData(table, connection, where, allowed)
