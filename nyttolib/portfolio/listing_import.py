"""Import a portfolio listing (seed 000's "Gemensam portfölj") from an .xlsx or .csv file.

Three steps, so that nothing is written unless the whole file is right:

1. `read_listing`: the file's cells as validated rows, or every problem found, each with the row (as
   Excel numbers it) and the column. Amounts are read as users write them in Excel ("2 021 000 kr",
   "- kr" for zero, an empty cell, plain or numeric values, decimal comma); texts are user data,
   checked by the model's own rules.
2. `plan_import`: each row becomes a new assessment, or a new revision of the (one) assessment with
   the same Nr, with the changes field by field; other fields of that document are kept.
3. `apply_import`: every new document and revision in one write transaction (`save_many`), so a
   crash or a conflicting save midway writes nothing.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
import os
import re
import stat
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from nyttolib.assessment.documents import blank_assessment
from nyttolib.assessment.model import Assessment, FundingLine, Initiative
from nyttolib.content import Content
from nyttolib.formatting import kr
from nyttolib.messages import error_text
from nyttolib.numbers import GENERAL, INTEGER, SPACES, parse_decimal_text
from nyttolib.portfolio.store import PendingSave, PortfolioStore
from nyttolib.storage.assessments import Saved

MAX_FILE_BYTES = 50 * 1024 * 1024  # a listing of a region's 100 000 initiatives is a few MB
MAX_UNPACKED_BYTES = 500 * 1024 * 1024  # an .xlsx is a zip: refuse one that unpacks into much more
HEADER_SEARCH_ROWS = 50  # the listing's header may sit below a title band (as in seed 000)
SHOWN_VALUE_CHARS = 60
SHOWN_PROBLEMS = 100  # a region's listing with one mistake copied down a column: the first hundred say it


@dataclass(frozen=True)
class Column:
    field: str
    title: str
    required: bool = False


COLUMNS = (
    Column("number", "Nr", required=True),
    Column("year", "År"),
    Column("name", "Utvecklingsärende", required=True),
    Column("project_number", "Projektnr"),
    Column("total_cost_kr", "Kostnad (totalt)"),
    Column("central_funding_kr", "2%-aren"),
)


def column_key(header: str) -> str:
    """A header as it is matched: case, spaces and punctuation ignored ("Kostnad totalt", "2 %-aren")."""
    text = unicodedata.normalize("NFC", header).casefold()
    return "".join(ch for ch in text if ch.isalnum())


_BY_KEY = {column_key(column.title): column for column in COLUMNS}


class ListingError(Exception):
    """The listing cannot be imported; `problems` says why, each with its row and column. Nothing was written."""

    def __init__(self, source: str, problems: list[CellProblem], notices: list[str] | None = None):
        self.source = source
        self.problems = problems
        self.notices = notices or []
        lines = [f"- {problem}" for problem in problems[:SHOWN_PROBLEMS]]
        if len(problems) > SHOWN_PROBLEMS:
            lines.append(f"- … och {len(problems) - SHOWN_PROBLEMS} fel till; rätta dessa först och försök igen.")
        text = "\n".join(lines)
        super().__init__(f"{source}: listan importerades inte och inget sparades:\n{text}")


@dataclass(frozen=True)
class CellProblem:
    row: int | None
    column: str | None  # "E ”Kostnad (totalt)”" as the user sees it
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"Rad {self.row}")
        if self.column:
            where.append(f"kolumn {self.column}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass(frozen=True)
class ListingRow:
    row: int
    number: str
    year: int | None
    name: str
    project_number: str
    total_cost_kr: float | None
    central_funding_kr: float | None


@dataclass(frozen=True)
class Listing:
    source: str
    sheet: str | None
    rows: list[ListingRow]
    columns: dict[str, str]  # field → its column as the user sees it ("E ”Kostnad (totalt)”"); only these are imported
    unknown_columns: list[str]  # notices: columns not read (said, never guessed)


@dataclass(frozen=True)
class _Special:
    """A cell whose value cannot be used, with the reason (an Excel error, a formula without a value)."""

    message: str


# --- amounts, years and texts as users write them --------------------------------------------------

_ZERO_DASHES = frozenset("-\u2212\u2013\u2014")  # Excel's accounting format shows zero as "- kr"
_UNITS = ("kronor", "kr.", "kr", "sek", ":-")
_THOUSANDS = re.compile(r"(tkr|tsek|mnkr|mkr|msek|mdkr)\.?$")
_TRIM = " \t\r\n" + SPACES


def parse_amount(value: object) -> float | None:
    """An amount in kronor from a cell: None for an empty cell, else the number; ValueError (Swedish) if
    it is none. The range is the model's (checked where the row is validated)."""
    if value is None:
        return None
    if isinstance(value, _Special):
        raise ValueError(value.message)
    if isinstance(value, bool):
        raise ValueError("Skriv ett belopp i kronor, inte SANT eller FALSKT")
    if isinstance(value, int | float | Decimal):
        if not math.isfinite(value):
            raise ValueError(GENERAL)
        return float(value)
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        raise ValueError("Excel har gjort om beloppet till ett datum eller en tid; skriv det som ett tal")
    text = str(value).strip(_TRIM)
    if not text:
        return None
    lowered = text.casefold()
    if _THOUSANDS.search(lowered):
        raise ValueError("Skriv beloppet i hela kronor, t.ex. 2 021 000 kr (inte i tkr eller mnkr)")
    for unit in _UNITS:
        if lowered.endswith(unit):
            text = text[: -len(unit)].rstrip(_TRIM)
            if not text:
                raise ValueError(GENERAL)
            break
    if text in _ZERO_DASHES:
        return 0.0
    number = parse_decimal_text(text)
    return float(number) if number is not None else None


def _year(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, _Special):
        raise ValueError(value.message)
    if isinstance(value, bool | dt.date | dt.time | dt.timedelta):
        raise ValueError("Skriv årtalet med fyra siffror, t.ex. 2024")
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        if not math.isfinite(value) or value != int(value):
            raise ValueError(INTEGER)
        return int(value)
    text = str(value).strip(_TRIM)
    if not text:
        return None
    try:
        number = parse_decimal_text(text)
    except ValueError:
        raise ValueError("Skriv årtalet med fyra siffror, t.ex. 2024") from None
    if number is None or number != number.to_integral_value():
        raise ValueError(INTEGER)
    return int(number)


_LINE_BREAKS = re.compile(r"\r\n|[\r\n\t]")


def _text(value: object) -> str:
    """A text cell: a line break made in the cell (Alt+Enter) is a space; numbers as Excel shows them."""
    if value is None:
        return ""
    if isinstance(value, _Special):
        raise ValueError(value.message)
    if isinstance(value, bool):
        raise ValueError("ska vara en text, inte SANT eller FALSKT")
    if isinstance(value, dt.datetime | dt.date):
        shown = value.strftime("%Y-%m-%d")
        raise ValueError(
            f"Excel har gjort om värdet till ett datum ({shown}); formatera kolumnen som Text och skriv in värdet igen"
        )
    if isinstance(value, dt.time | dt.timedelta):
        raise ValueError("Excel har gjort om värdet till en tid; formatera kolumnen som Text och skriv in värdet igen")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float | Decimal):
        return format(Decimal(repr(value)) if isinstance(value, float) else value, "f").replace(".", ",")
    return _LINE_BREAKS.sub(" ", str(value)).strip(_TRIM)


def _shown(value: object) -> str:
    text = str(value)
    return text if len(text) <= SHOWN_VALUE_CHARS else text[: SHOWN_VALUE_CHARS - 1] + "…"


# --- reading the file ------------------------------------------------------------------------------

Rows = Iterator[tuple[int, list[object]]]


def _read_bytes(path: Path) -> bytes:
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise _FileProblem(f"{path} är en mapp, inte en fil.")
        if not stat.S_ISREG(info.st_mode):
            raise _FileProblem(f"{path} är ingen vanlig fil.")
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise _FileProblem(f"Filen {path} finns inte.") from None
    except PermissionError:
        raise _FileProblem(f"Du har inte behörighet att läsa filen {path}.") from None
    except OSError as exc:
        raise _FileProblem(f"Filen {path} kan inte läsas: {exc.strerror or 'okänt fel'}.") from None
    if len(data) > MAX_FILE_BYTES:
        raise _FileProblem(
            f"Filen är större än {MAX_FILE_BYTES // (1024 * 1024)} MB och kan inte vara en portföljlista."
        )
    return data


class _FileProblem(Exception):
    pass


def _excel_cell(cell: Any, formulas: set[tuple[int, int]]) -> object:
    value = cell.value
    if getattr(cell, "data_type", None) == "e":
        return _Special(f"Cellen visar ett fel i Excel ({_shown(value)}); rätta den eller skriv värdet")
    if value is None and (getattr(cell, "row", None), getattr(cell, "column", None)) in formulas:
        return _Special(
            "Cellen har en formel men inget uträknat värde (filen är inte sparad av Excel); "
            "öppna och spara den i Excel eller LibreOffice, eller skriv värdet"
        )
    return value


def _xlsx_sheets(data: bytes) -> Iterator[tuple[str, Rows]]:
    """Each sheet (the active one first) as numbered rows of values: formulas give their saved values."""
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise _FileProblem("Filen packas upp till mer än 500 MB och kan inte vara en portföljlista.")
            has_formulas = _has_formulas(archive)
        values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False) if has_formulas else None
    except _FileProblem:
        raise
    except Exception:  # a damaged or foreign file: openpyxl raises many kinds
        raise _FileProblem(
            "Filen kan inte läsas som en Excel-arbetsbok (.xlsx). Spara den som .xlsx eller .csv i Excel "
            "och försök igen."
        ) from None
    sheets = list(values.worksheets)
    active = values.active
    if active in sheets:
        sheets.remove(active)
        sheets.insert(0, active)
    for sheet in sheets:
        yield sheet.title, _sheet_rows(sheet, formulas[sheet.title] if formulas else None)


_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _has_formulas(archive: zipfile.ZipFile) -> bool:
    """Whether any sheet has a formula element (reading the formulas is a second pass over the file)."""
    for info in archive.infolist():
        if not info.filename.startswith("xl/worksheets/") or not info.filename.endswith(".xml"):
            continue
        with archive.open(info) as stream:
            tail = b""
            while chunk := stream.read(1 << 20):
                if _FORMULA.search(tail + chunk):
                    return True
                tail = chunk[-16:]
    return False


def _sheet_rows(sheet: Any, formula_sheet: Any | None) -> Rows:
    sheet.reset_dimensions()  # a writer's stated size may be wrong: read every row there is
    try:
        found = _formula_cells(formula_sheet) if formula_sheet is not None else set()
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            yield number, [_excel_cell(cell, found) for cell in cells]
    except Exception:  # a damaged sheet: openpyxl raises many kinds
        raise _FileProblem(f"Bladet ”{sheet.title}” kan inte läsas; filen verkar vara skadad.") from None


def _formula_cells(sheet: Any) -> set[tuple[int, int]]:
    """Where the sheet has formulas: with no saved value, openpyxl reads such a cell as empty."""
    sheet.reset_dimensions()
    return {
        (cell.row, cell.column)
        for cells in sheet.iter_rows()
        for cell in cells
        if getattr(cell, "data_type", None) == "f"
    }


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM (Excel's "Unicode text"), else Windows-1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    else:
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                return data.decode("cp1252")
            except UnicodeDecodeError:
                pass
    raise _FileProblem("Filen är ingen textfil i UTF-8 eller Windows-1252. Spara den som CSV (UTF-8) i Excel.")


def _csv_sheets(data: bytes) -> Iterator[tuple[None, Rows]]:
    """The file read with each separator in turn (";" first, as Swedish Excel writes): the one whose
    rows hold the listing's header is the file's."""
    text = _decode(data)
    if "\x00" in text:
        raise _FileProblem("Filen är ingen textfil (csv); spara listan som .xlsx eller CSV i Excel.")
    for delimiter in (";", ",", "\t"):
        yield None, _csv_rows(text, delimiter)


# A csv cell that a spreadsheet would run as a formula is written with a leading apostrophe (OWASP's
# advice; nyttolib's own portfolio export does it): read it as it was typed.
_INERT = re.compile(r"^'(?=[=+\-@\t\r])")


def _csv_rows(text: str, delimiter: str) -> Rows:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, [_INERT.sub("", cell) for cell in cells]
    except csv.Error:
        raise _FileProblem(f"Rad {number + 1} kan inte läsas som csv (ett citattecken som inte avslutas?).") from None


# --- the header and the rows -----------------------------------------------------------------------


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


@dataclass
class _Header:
    row: int
    columns: dict[str, int]  # field → index
    titles: dict[str, str]  # field → the header as written
    problems: list[CellProblem] = field(default_factory=list)
    unknown: dict[int, str] = field(default_factory=dict)  # index → header

    def where(self, name: str) -> str:
        return f"{_letter(self.columns[name])} ”{self.titles[name]}”"


def _header_of(number: int, cells: list[object]) -> _Header:
    header = _Header(number, {}, {})
    for index, cell in enumerate(cells):
        title = "" if cell is None or isinstance(cell, _Special) else _LINE_BREAKS.sub(" ", str(cell)).strip(_TRIM)
        if not title:
            continue
        column = _BY_KEY.get(column_key(title))
        if column is None:
            header.unknown[index] = title
        elif column.field in header.columns:
            first = _letter(header.columns[column.field])
            header.problems.append(
                CellProblem(
                    number,
                    _letter(index),
                    f"kolumnen {column.title} finns två gånger (kolumn {first} och {_letter(index)})",
                )
            )
        else:
            header.columns[column.field] = index
            header.titles[column.field] = title
    return header


def _is_header(header: _Header) -> bool:
    return all(column.field in header.columns for column in COLUMNS if column.required)


def _blank(cells: list[object]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip(_TRIM)) for cell in cells)


def _find_header(rows: Rows) -> tuple[_Header | None, _Header | None]:
    """The header row among the first rows (and the best near miss, for the message when there is none)."""
    best: _Header | None = None
    for number, cells in rows:
        header = _header_of(number, cells)
        if _is_header(header):
            return header, header
        if header.columns and (best is None or len(header.columns) > len(best.columns)):
            best = header
        if number >= HEADER_SEARCH_ROWS:
            break
    return None, best


def _missing_columns(source: str, best: _Header | None) -> ListingError:
    required = [column.title for column in COLUMNS if column.required]
    if best is None:
        message = (
            f"Hittade ingen rubrikrad med kolumnerna {' och '.join(required)} bland de första "
            f"{HEADER_SEARCH_ROWS} raderna. Rubrikerna ska vara: {', '.join(c.title for c in COLUMNS)}."
        )
        return ListingError(source, [CellProblem(None, None, message)])
    missing = [column.title for column in COLUMNS if column.required and column.field not in best.columns]
    noun = "Kolumnen" if len(missing) == 1 else "Kolumnerna"
    message = f"{noun} {' och '.join(missing)} saknas i rubrikraden (de måste finnas)."
    return ListingError(source, [CellProblem(best.row, None, message)])


def _cell(cells: list[object], header: _Header, name: str) -> object:
    index = header.columns.get(name)
    return cells[index] if index is not None and index < len(cells) else None


def _row(
    number: int, cells: list[object], header: _Header, source_id: str
) -> tuple[ListingRow | None, list[CellProblem]]:
    """One row read and checked: the conversions first, then the model's own rules on what they give."""
    problems: list[CellProblem] = []
    read: dict[str, Any] = {}
    readers = {"number": _text, "name": _text, "project_number": _text, "year": _year}
    for column in COLUMNS:
        if column.field not in header.columns:
            read[column.field] = "" if column.field in ("number", "name", "project_number") else None
            continue
        raw = _cell(cells, header, column.field)
        try:
            read[column.field] = readers.get(column.field, parse_amount)(raw)
        except ValueError as exc:
            shown = f"”{_shown(raw)}” kan inte läsas: " if isinstance(raw, str) else ""  # others say what they were
            problems.append(CellProblem(number, header.where(column.field), f"{shown}{exc}"))
            read[column.field] = None
    failed = {problem.column for problem in problems}
    for column in COLUMNS:
        if column.required and not read[column.field] and header.where(column.field) not in failed:
            message = f"{column.title} saknas; varje rad i listan behöver ett"
            problems.append(CellProblem(number, header.where(column.field), message))
    if problems:
        return None, problems
    problems = _model_problems(number, read, header, source_id)
    if problems:
        return None, problems
    return ListingRow(row=number, **read), []


_MODEL_FIELDS = {
    ("name",): "name",
    ("portfolio", "number"): "number",
    ("portfolio", "year"): "year",
    ("portfolio", "project_number"): "project_number",
    ("portfolio", "total_cost_kr"): "total_cost_kr",
    ("portfolio", "funding", 0, "amount_kr"): "central_funding_kr",
}


def _model_problems(number: int, read: dict[str, Any], header: _Header, source_id: str) -> list[CellProblem]:
    """The texts and numbers checked by the model that stores them (lengths, control characters, ranges)."""
    document = {
        "name": read["name"],
        "portfolio": {
            "number": read["number"],
            "year": read["year"],
            "project_number": read["project_number"],
            "total_cost_kr": read["total_cost_kr"],
            "funding": [{"source": source_id, "amount_kr": read["central_funding_kr"]}],
        },
    }
    try:
        Initiative.model_validate(document)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = _MODEL_FIELDS.get(tuple(error["loc"]))
            where = header.where(name) if name in header.columns else None
            problems.append(CellProblem(number, where, error_text(error)))
        return problems
    return []


def _duplicates(rows: list[ListingRow], header: _Header) -> list[CellProblem]:
    first: dict[str, int] = {}
    problems = []
    for row in rows:
        key = row.number.casefold()
        if key in first:
            message = f"Nr {row.number} finns redan på rad {first[key]}; varje Nr får bara finnas på en rad"
            problems.append(CellProblem(row.row, header.where("number"), message))
        else:
            first[key] = row.row
    return problems


def _unknown_notices(header: _Header, unheaded: set[int]) -> list[str]:
    notices = [
        f"Kolumn {_letter(index)} ”{title}” känns inte igen och lästes inte." for index, title in header.unknown.items()
    ]
    notices += [f"Kolumn {_letter(index)} har värden men ingen rubrik och lästes inte." for index in sorted(unheaded)]
    return notices


def read_listing(path: str | os.PathLike[str], content: Content) -> Listing:
    """The listing's rows, every one valid; ListingError with every problem (row and column) otherwise."""
    path = Path(path)
    source = path.name
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".csv", ".txt"):
        message = "Läs in en portföljlista som .xlsx eller .csv (spara en .xls- eller .ods-fil som .xlsx i Excel)."
        raise ListingError(source, [CellProblem(None, None, message)])
    try:
        data = _read_bytes(path)
        excel = suffix in (".xlsx", ".xlsm")
        sheets: Iterable[tuple[str | None, Rows]] = _xlsx_sheets(data) if excel else _csv_sheets(data)
        best: _Header | None = None
        for sheet, rows in sheets:
            header, near = _find_header(rows)
            if header is not None:
                return _listing(source, sheet, header, rows, content)
            if near is not None and (best is None or len(near.columns) > len(best.columns)):
                best = near
    except _FileProblem as exc:
        raise ListingError(source, [CellProblem(None, None, str(exc))]) from None
    raise _missing_columns(source, best)


def _listing(source: str, sheet: str | None, header: _Header, rows: Rows, content: Content) -> Listing:
    problems = list(header.problems)
    listing_rows: list[ListingRow] = []
    unheaded: set[int] = set()
    known = set(header.columns.values()) | set(header.unknown)
    source_id = content.portfolio.prioritisation.central_funding_source
    for number, cells in rows:
        if _blank(cells):
            continue
        unheaded |= {i for i, cell in enumerate(cells) if i not in known and not _blank([cell])}
        row, found = _row(number, cells, header, source_id)
        problems += found
        if row is not None:
            listing_rows.append(row)
    problems += _duplicates(listing_rows, header)
    notices = _unknown_notices(header, unheaded)
    if problems:
        problems.sort(key=lambda problem: problem.row or 0)
        raise ListingError(source, problems, notices)
    if not listing_rows:
        empty = CellProblem(header.row, None, "Listan har en rubrikrad men inga rader under den.")
        raise ListingError(source, [empty], notices)
    columns = {name: header.where(name) for name in header.columns}
    return Listing(source, sheet, listing_rows, columns, notices)


# --- the plan and its application ------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class PlannedRow:
    row: ListingRow
    how: Literal["new", "changed", "unchanged"]
    assessment: Assessment  # the document to save (for "unchanged", the stored one)
    assessment_id: str | None
    revision: int | None  # the stored revision the change is based on
    changes: list[FieldChange]


@dataclass(frozen=True)
class ImportPlan:
    listing: Listing
    rows: list[PlannedRow]

    def count(self, how: str) -> int:
        return sum(1 for row in self.rows if row.how == how)


EMPTY = "(tomt)"
_LABELS = {column.field: column.title for column in COLUMNS}


def _amount_text(value: float | None) -> str:
    if value is None:
        return EMPTY
    return kr(value, 0 if float(value).is_integer() else 2)


def _shown_fields(initiative: Initiative, source_id: str) -> dict[str, str]:
    portfolio = initiative.portfolio
    central = [line.amount_kr or 0.0 for line in portfolio.funding if line.source == source_id]
    return {
        "number": portfolio.number or EMPTY,
        "name": initiative.name or EMPTY,
        "year": str(portfolio.year) if portfolio.year is not None else EMPTY,
        "project_number": portfolio.project_number or EMPTY,
        "total_cost_kr": _amount_text(portfolio.total_cost_kr),
        "central_funding_kr": _amount_text(sum(central)) if central else EMPTY,
    }


def _funding(lines: list[FundingLine], source_id: str, amount: float | None) -> list[FundingLine]:
    """The funding lines with the central funding set to the listing's 2%-aren: lines of other sources
    (and a central line's note) are kept; zero or empty means no central funding."""
    central = [line for line in lines if line.source == source_id]
    if sum(line.amount_kr or 0.0 for line in central) == (amount or 0.0):
        return list(lines)
    kept: list[FundingLine] = []
    placed = False
    for line in lines:
        if line.source != source_id:
            kept.append(line)
        elif not placed and amount:
            kept.append(line.model_copy(update={"amount_kr": amount}))
            placed = True
    if amount and not placed:
        kept.append(FundingLine(source=source_id, amount_kr=amount))
    return kept


def _with_row(initiative: Initiative, row: ListingRow, columns: dict[str, str], source_id: str) -> Initiative:
    portfolio = initiative.portfolio
    update: dict[str, Any] = {"number": row.number}
    for name in ("year", "project_number", "total_cost_kr"):
        if name in columns:
            update[name] = getattr(row, name)
    if "central_funding_kr" in columns:
        update["funding"] = _funding(portfolio.funding, source_id, row.central_funding_kr)
    return initiative.model_copy(update={"name": row.name, "portfolio": portfolio.model_copy(update=update)})


def _changes(old: Initiative, new: Initiative, source_id: str) -> list[FieldChange]:
    before, after = _shown_fields(old, source_id), _shown_fields(new, source_id)
    labels = {**_LABELS, "central_funding_kr": "2%-aren (centrala medel)"}
    return [FieldChange(labels[name], before[name], after[name]) for name in labels if before[name] != after[name]]


def _matches(store: PortfolioStore) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for summary in store.portfolio_rows():
        number = (summary.get("number") or "").strip().casefold()
        if number and not summary.get("unreadable"):
            found.setdefault(number, []).append(summary)
    return found


def plan_import(listing: Listing, store: PortfolioStore) -> ImportPlan:
    """What the import will do with each row; ListingError when a Nr matches more than one assessment."""
    source_id = store.content.portfolio.prioritisation.central_funding_source
    existing = _matches(store)
    planned: list[PlannedRow] = []
    problems: list[CellProblem] = []
    empty = Initiative()
    blank = blank_assessment(store.content)  # as the form starts a new assessment: default rates and years
    for row in listing.rows:
        matches = existing.get(row.number.casefold(), [])
        if len(matches) > 1:
            names = ", ".join(f"”{m['name'] or 'namnlös'}” ({m['id'][:12]})" for m in matches)
            message = f"Nr {row.number} finns i {len(matches)} bedömningar ({names}); ge dem olika Nr först"
            problems.append(CellProblem(row.row, listing.columns["number"], message))
            continue
        if not matches:
            initiative = _with_row(empty, row, listing.columns, source_id)
            assessment = blank.model_copy(update={"initiative": initiative}, deep=True)
            planned.append(PlannedRow(row, "new", assessment, None, None, _changes(empty, initiative, source_id)))
            continue
        assessment_id = matches[0]["id"]
        stored, revision = store.load(assessment_id)
        initiative = _with_row(stored.initiative, row, listing.columns, source_id)
        changes = _changes(stored.initiative, initiative, source_id)
        if initiative == stored.initiative:
            planned.append(PlannedRow(row, "unchanged", stored, assessment_id, revision, []))
            continue
        changed = Assessment.model_validate(stored.model_copy(update={"initiative": initiative}).model_dump())
        planned.append(PlannedRow(row, "changed", changed, assessment_id, revision, changes))
    if problems:
        raise ListingError(listing.source, problems, listing.unknown_columns)
    return ImportPlan(listing, planned)


def apply_import(plan: ImportPlan, store: PortfolioStore) -> list[Saved]:
    """Save every new assessment and changed revision in one transaction (all or nothing); each
    revision's completeness is its summary row's."""
    pending = []
    for planned in plan.rows:
        if planned.how == "unchanged":
            continue
        note = f"Importerad från portföljlistan {plan.listing.source}, rad {planned.row.row}"
        pending.append(PendingSave(planned.assessment, expected_revision=planned.revision, note=note))
    return store.save_many(pending) if pending else []
