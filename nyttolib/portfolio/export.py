"""The portfolio's files: the report (HTML, PDF) and the initiative table (xlsx, csv).

The table's first columns are those of seed 000's listing (Nr, År, Utvecklingsärende, Projektnr,
Kostnad (totalt), 2%-aren), so a file exported here can be imported again as a portfolio listing; the
columns after them are the portfolio's figures. Kostnad (totalt) is the listing's own amount (empty
where the listing has none, as in seed 000) and "Kostnad i portföljen" the amount the portfolio counts
(the listing's, else the calculation's), which the sums use.

xlsx: amounts are numbers with kronor formats; the sheet "Summering" sums the table with live formulas
(SUM, SUMIF, COUNTIF), and the per-year sheets sum each column, so a changed amount updates them. Text
is always text, never a formula (`nyttolib.exports.spreadsheet.write_text`).

csv: `;` between fields, UTF-8 with BOM, CRLF, as Swedish Excel opens it. Numbers are written as
Swedish Excel reads them: a decimal comma, no thousands separator, no unit ("2021000", "33,3"), so
they are numbers in the sheet and sum; an empty cell is a missing amount. A text that starts with
= + - @, a tab or a carriage return gets a leading apostrophe (OWASP's advice against CSV injection),
so no spreadsheet runs it; the portfolio import removes that apostrophe again.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nyttolib import formatting
from nyttolib.assessment.documents import write_bytes_atomically
from nyttolib.content import Content
from nyttolib.exports.filenames import safe_filename
from nyttolib.portfolio.overview import Overview, in_order
from nyttolib.portfolio.report import ReportOptions, ReportSection, pdf_bytes, render_html, render_printed_html

FORMATS = ("html", "pdf", "xlsx", "csv")
MONEY = '#,##0 "kr"'
PERCENT = '0 "%"'
INERT_START = ("=", "+", "-", "@", "\t", "\r")

#: The listing's columns (seed 000), first and in this order: the import reads them.
LISTING_COLUMNS = ("Nr", "År", "Utvecklingsärende", "Projektnr", "Kostnad (totalt)", "2%-aren")


@dataclass(frozen=True)
class TableColumn:
    heading: str
    value: Callable[[dict[str, Any]], Any]
    #: text | kr | year | percent | level; portfolio_cost: in the xlsx a formula (the listing's amount,
    #: else the calculation's), so editing Kostnad (totalt) changes the sums.
    kind: str = "text"
    width: int = 16


def _money(value: Any) -> float | None:
    return None if value is None else float(value)


def table_columns(content: Content) -> list[TableColumn]:
    """The table's columns: the listing's, then the portfolio's figures."""
    criteria = [
        TableColumn(c.label, lambda r, key=f"valuation_{c.id}": _level(r.get(key)), "level", 14)
        for c in content.initiative.valuation_criteria
    ]
    axes = [
        TableColumn(f"{a.left} – {a.right} (1–5)", lambda r, key=f"axis_{a.id}": _level(r.get(key)), "level", 14)
        for a in content.classification.axes
    ]
    return [
        TableColumn("Nr", lambda r: r["number"], width=10),
        TableColumn("År", lambda r: r["year"], "year", 8),
        TableColumn("Utvecklingsärende", lambda r: r["name"], width=48),
        TableColumn("Projektnr", lambda r: r["project_number"], width=14),
        TableColumn("Kostnad (totalt)", lambda r: _money(r["total_cost_kr"]), "kr"),
        TableColumn("2%-aren", lambda r: r["central_funding_kr"] or None, "kr"),
        TableColumn("Verksamhet", lambda r: r["department"], width=30),
        TableColumn("Ägare", lambda r: r["owner"], width=22),
        TableColumn("Steg", lambda r: r["stage_label"], width=30),
        TableColumn("Typ", lambda r: r["kind_label"] if r["kind"] else "", width=18),
        TableColumn("Prioriteringsgrund", lambda r: r["priority_label"] if r["priority_class"] else "", width=40),
        *criteria,
        *axes,
        TableColumn("Kostnad i portföljen", lambda r: float(r["cost_kr"]), "portfolio_cost"),
        TableColumn("Kalkylens kostnader", lambda r: float(r["calculation_cost_kr"]), "kr"),
        TableColumn("Nettonytta (kalkylen)", lambda r: float(r["net_kr"]), "kr"),
        TableColumn("Årlig realiserbar nettonytta", lambda r: float(r["annual_realisable_net_kr"]), "kr"),
        TableColumn("Ifyllt (%)", lambda r: float(r["completeness_percent"]), "percent", 10),
        TableColumn("Uppföljning", lambda r: r["light_label"], width=26),
        TableColumn("Id", lambda r: r["id"], width=30),
    ]


def _level(value: Any) -> int | None:
    import pandas as pd

    return None if value is None or pd.isna(value) else int(value)


def table_records(view: Overview) -> list[dict[str, Any]]:
    """The filtered table's rows in the report's order (stages, then Nr), År as a plain integer."""
    records = []
    for record in in_order(view).to_dict("records"):
        year = record["year"]
        records.append(
            {
                **record,
                "year": None if year is None or str(year) == "<NA>" else int(year),
                "total_cost_kr": _number_or_none(record.get("total_cost_kr")),
                "calculation_cost_kr": _number_or_none(record.get("calculation_cost_kr")) or 0.0,
            }
        )
    return records


def _number_or_none(value: Any) -> float | None:
    import pandas as pd

    return None if value is None or pd.isna(value) else float(value)


# -- csv ---------------------------------------------------------------------------------------------


def inert(text: str) -> str:
    """Text that a spreadsheet would run as a formula, with a leading apostrophe (OWASP)."""
    return "'" + text if text.startswith(INERT_START) else text


def csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, int | float):
        return formatting.plain_decimal(round(float(value), 2))
    return inert(str(value))


def table_csv(view: Overview, content: Content) -> bytes:
    """The table as `;`-separated UTF-8 with BOM (see the module's note on numbers and formulas)."""
    columns = table_columns(content)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.heading for column in columns])
    for record in table_records(view):
        writer.writerow([csv_value(column.value(record)) for column in columns])
    return buffer.getvalue().encode("utf-8-sig")


# -- xlsx --------------------------------------------------------------------------------------------

TABLE_SHEET = "Portfölj"


def _write(cell: Any, value: Any, kind: str) -> None:
    from nyttolib.exports.spreadsheet import write_text

    if kind == "portfolio_cost":
        cell.value = value
        cell.number_format = MONEY
        return
    if kind == "text" or isinstance(value, str):
        write_text(cell, value if isinstance(value, str) else "")
        return
    cell.value = value
    if kind == "kr":
        cell.number_format = MONEY
    elif kind == "percent":
        cell.number_format = PERCENT
    elif kind in ("year", "level"):
        cell.number_format = "0"


def table_xlsx(view: Overview, content: Content) -> bytes:
    """The table as a workbook: the listing sheet, a summary of live formulas, costs and benefits per year."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from nyttolib.exports.cached_values import cached_values, with_cached_values

    columns = table_columns(content)
    records = table_records(view)
    book = Workbook()
    sheet = book.active
    sheet.title = TABLE_SHEET
    bold = Font(bold=True)
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        _write(cell, column.heading, "text")
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[cell.column_letter].width = column.width
    listed, calculated = _letter(columns, "Kostnad (totalt)"), _letter(columns, "Kalkylens kostnader")
    for row_index, record in enumerate(records, start=2):
        for index, column in enumerate(columns, start=1):
            value = column.value(record)
            if column.kind == "portfolio_cost":
                value = f'=IF({listed}{row_index}="",{calculated}{row_index},{listed}{row_index})'
            _write(sheet.cell(row=row_index, column=index), value, column.kind)
    sheet.freeze_panes = "D2"
    if records:
        sheet.auto_filter.ref = sheet.dimensions
    _summary_sheet(book, view, content, columns, len(records))
    if view.rows:
        _per_year_sheet(book, view, records, "Kostnader per år", "cost_per_year")
        _per_year_sheet(book, view, records, "Realiserbar nytta per år", "realisable_benefit_per_year")
    buffer = io.BytesIO()
    book.save(buffer)
    return with_cached_values(buffer.getvalue(), cached_values(book))


def _letter(columns: list[TableColumn], heading: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(next(i for i, c in enumerate(columns, start=1) if c.heading == heading))


def _summary_sheet(book: Any, view: Overview, content: Content, columns: list[TableColumn], count: int) -> None:
    """Counts and sums of the table as formulas over its cells: all, per stage, per År."""
    from openpyxl.styles import Font

    from nyttolib.exports.spreadsheet import write_text

    sheet = book.create_sheet("Summering")
    bold = Font(bold=True)
    last = max(count + 1, 2)  # an empty table still gets valid ranges (row 2 is empty: sums are 0)

    def column_range(heading: str) -> str:
        letter = _letter(columns, heading)
        return f"'{TABLE_SHEET}'!${letter}$2:${letter}${last}"

    cost, central, ids = column_range("Kostnad i portföljen"), column_range("2%-aren"), column_range("Id")
    stages, years = column_range("Steg"), column_range("År")
    write_text(sheet["A1"], "Portföljen – summering")
    sheet["A1"].font = Font(bold=True, size=14)
    write_text(sheet["A2"], "Räknas om från bladet Portfölj: ändra ett belopp där så ändras summorna.")
    row = 4
    for label, formula in (
        ("Antal initiativ", f"=COUNTA({ids})"),
        ("Kostnad i portföljen, summa", f"=SUM({cost})"),
        ("2%-aren (centrala medel), summa", f"=SUM({central})"),
        ("Nettonytta (kalkylen), summa", f"=SUM({column_range('Nettonytta (kalkylen)')})"),
        ("Årlig realiserbar nettonytta, summa", f"=SUM({column_range('Årlig realiserbar nettonytta')})"),
    ):
        write_text(sheet.cell(row=row, column=1), label)
        cell = sheet.cell(row=row, column=2, value=formula)
        cell.number_format = "0" if label.startswith("Antal") else MONEY
        row += 1
    row += 1
    for offset, heading in enumerate(("Steg", "Antal", "Kostnad i portföljen")):
        write_text(sheet.cell(row=row, column=1 + offset), heading)
        sheet.cell(row=row, column=1 + offset).font = bold
    for label in [s["label"] for s in view.funnel.to_dict("records")]:
        row += 1
        write_text(sheet.cell(row=row, column=1), label)
        sheet.cell(row=row, column=2, value=f"=COUNTIF({stages},A{row})").number_format = "0"
        sheet.cell(row=row, column=3, value=f"=SUMIF({stages},A{row},{cost})").number_format = MONEY
    row += 2
    for offset, heading in enumerate(("År", "Antal", "Kostnad i portföljen")):
        write_text(sheet.cell(row=row, column=1 + offset), heading)
        sheet.cell(row=row, column=1 + offset).font = bold
    for year in [y for y in view.by_year["year"].tolist() if y is not None and str(y) != "<NA>"]:
        row += 1
        sheet.cell(row=row, column=1, value=int(year)).number_format = "0"
        sheet.cell(row=row, column=2, value=f"=COUNTIF({years},A{row})").number_format = "0"
        sheet.cell(row=row, column=3, value=f"=SUMIF({years},A{row},{cost})").number_format = MONEY
    sheet.column_dimensions["A"].width = 42
    sheet.column_dimensions["B"].width = 18
    sheet.column_dimensions["C"].width = 22


def _per_year_sheet(book: Any, view: Overview, records: list[dict[str, Any]], title: str, key: str) -> None:
    """One row per initiative and one column per calendar year, each row and column summed by formula
    (from the summary rows the view was made with; the workbook has these sheets only when it has them)."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from nyttolib.exports.spreadsheet import write_text

    by_id = {row["id"]: row for row in view.rows}
    years = [int(y) for y in view.per_year["year"].tolist()]
    sheet = book.create_sheet(title)
    bold = Font(bold=True)
    headings = ["Nr", "Utvecklingsärende", *[str(y) for y in years], "Summa"]
    for index, heading in enumerate(headings, start=1):
        write_text(sheet.cell(row=1, column=index), heading)
        sheet.cell(row=1, column=index).font = bold
    placed = [r for r in records if r["id"] in by_id and by_id[r["id"]].get("calculation_start") is not None]
    first_year_column, last = 3, 2 + len(years)
    for row_index, record in enumerate(placed, start=2):
        write_text(sheet.cell(row=row_index, column=1), record["number"])
        write_text(sheet.cell(row=row_index, column=2), record["name"])
        values = by_id[record["id"]].get(key, {})
        for offset, year in enumerate(years):
            amount = values.get(str(year))
            cell = sheet.cell(row=row_index, column=first_year_column + offset, value=amount)
            cell.number_format = MONEY
        if years:
            span = f"{get_column_letter(first_year_column)}{row_index}:{get_column_letter(last)}{row_index}"
            sheet.cell(row=row_index, column=last + 1, value=f"=SUM({span})").number_format = MONEY
    total_row = len(placed) + 2
    write_text(sheet.cell(row=total_row, column=1), "Summa")
    sheet.cell(row=total_row, column=1).font = bold
    for column in range(first_year_column, last + 2):
        letter = get_column_letter(column)
        cell = sheet.cell(row=total_row, column=column, value=f"=SUM({letter}2:{letter}{max(total_row - 1, 2)})")
        cell.number_format = MONEY
        cell.font = bold
    sheet.column_dimensions["A"].width = 10
    sheet.column_dimensions["B"].width = 48
    for column in range(first_year_column, last + 2):
        sheet.column_dimensions[get_column_letter(column)].width = 16
    sheet.freeze_panes = "C2"


# -- files -------------------------------------------------------------------------------------------


def export_bytes(
    view: Overview,
    content: Content,
    fmt: str,
    *,
    prioritisation: ReportSection | None = None,
    register: ReportSection | None = None,
    options: ReportOptions | None = None,
) -> bytes:
    sections = {"prioritisation": prioritisation, "register": register, "options": options}
    if fmt == "html":
        return render_html(view, content, **sections).encode("utf-8")
    if fmt == "pdf":
        return pdf_bytes(render_printed_html(view, content, **sections))
    if fmt == "xlsx":
        return table_xlsx(view, content)
    if fmt == "csv":
        return table_csv(view, content)
    raise ValueError(f"okänt format: {fmt}; välj bland {', '.join(FORMATS)}")


def file_stem(today: dt.date | None = None, name: str = "Portfölj") -> str:
    """'Portfölj 2026-12-01': the day in the name, so an export from another day does not overwrite it."""
    return safe_filename(f"{name} {(today or dt.date.today()).isoformat()}", fallback="portfolj")


def write_exports(
    view: Overview,
    content: Content,
    formats: Iterable[str],
    out_dir: Path,
    *,
    prioritisation: ReportSection | None = None,
    register: ReportSection | None = None,
    options: ReportOptions | None = None,
    stem: str | None = None,
) -> list[Path]:
    """Write the chosen formats into `out_dir`, each file atomically; all of them or none (a failure
    removes the files this call already wrote, so nothing half-done is reported as written)."""
    stem = stem or file_stem()
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        for fmt in formats:
            data = export_bytes(view, content, fmt, prioritisation=prioritisation, register=register, options=options)
            target = out_dir / f"{stem}.{fmt}"
            write_bytes_atomically(target, data)
            written.append(target)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return [path for path in written if path.is_file()]
