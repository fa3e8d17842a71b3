"""Import of a portfolio listing (seed 000's "Gemensam portfölj") from .xlsx and .csv: the figures, the
all-or-nothing rule, re-import by Nr, the file variants users make, hostile text, and the CLI."""

from __future__ import annotations

import csv
import io
import os
import shutil
import sqlite3
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from nyttolib.assessment.model import FundingLine
from nyttolib.cli import run
from nyttolib.portfolio.listing_import import (
    ListingError,
    apply_import,
    parse_amount,
    plan_import,
    read_listing,
)
from nyttolib.portfolio.store import PendingSave, PortfolioStore
from nyttolib.storage.assessments import ConflictError

NBSP = "\u00a0"
HEADER = ["Nr", "År", "Utvecklingsärende", "Projektnr", "Kostnad (totalt)", "2%-aren"]
# Seed 000, "Gemensam portfölj" (≈ line 344), as its cells read. The seed's text cuts the last digit of
# the 2%-aren column ("730 00"); in every row where it is filled it equals the row's Kostnad (totalt).
SEED_ROWS = [
    ["21-11", 2021, "Bolagens övergång till Heroma", "", "2 021 000 kr", ""],
    [
        "21-14",
        2021,
        "Marknadsplatsen (Beslut inom 2 % 2021 Digitalt först)",
        "11042 och aktivitet 1992 Di",
        "730 000 kr",
        "730 000 kr",
    ],
    ["21-32", 2021, "Bolagen går in i gemensam leverantörsfakturaportal", "", "- kr", ""],
    ["22-04", 2022, "SBK Parkeringstillstånd", "11773", "2 114 575 kr", ""],
    ["22-07", 2022, "Öka takten i e-arkiv", "11673", "1 600 000 kr", "1 600 000 kr"],
    ["22-09", 2022, "Vidareutveckling process för registrering av timanställda i Heroma", "11695", "218 400 kr", ""],
    ["22-15", 2022, "Avslut av anställning i Heroma för ej aktiv timvikarie", "11777", "203 950 kr", ""],
    [
        "22-17",
        2022,
        "Automatiserat beslut och uppskalning av gemensam ärendehantering",
        "11779",
        "147 500 kr",
        "147 500 kr",
    ],
    ["22-23", 2022, "Upphandling av lösning för att hantera LAS", "11685", "- kr", ""],
    ["22-27", 2022, "Morgondagens invånarservice och kontaktcenter", "11676", "1 420 000 kr", "1 420 000 kr"],
    ["22-35", 2022, "Koncerngemensamt införande av Chatt", "11680", "175 200 kr", "175 200 kr"],
    ["22-42", 2022, "Gemensam ärendehantering Kontaktcenter och Lön & Pension", "11686", "737 000 kr", "737 000 kr"],
    ["22-43", 2022, "Vidareutveckla automationen av ekonomiskt bistånd (fas 3)", "11186", "1 314 000 kr", ""],
    [
        "22-45",
        2022,
        "Årlig kontroll och möjlighet till förlängning av timvikarie (orsakat av förändringar i LAS)",
        "11688",
        "- kr",
        "",
    ],
    ["23-01", 2023, "Förstudie Digital post", "11689", "60 000 kr", "60 000 kr"],
]
# By hand, from the table above:
#   2021: 3 rows; cost 2 021 000 + 730 000 + 0 = 2 751 000; 2%-aren 730 000
#   2022: 11 rows; cost 2 114 575 + 1 600 000 + 218 400 + 203 950 + 147 500 + 0 + 1 420 000 + 175 200
#         + 737 000 + 1 314 000 + 0 = 7 930 625;
#         2%-aren 1 600 000 + 147 500 + 1 420 000 + 175 200 + 737 000 = 4 079 700
#   2023: 1 row; cost 60 000; 2%-aren 60 000
#   all: 15 rows; cost 2 751 000 + 7 930 625 + 60 000 = 10 741 625
EXPECTED_PER_YEAR = {2021: (3, 2_751_000, 730_000), 2022: (11, 7_930_625, 4_079_700), 2023: (1, 60_000, 60_000)}


def amount_value(text: str) -> int:
    """The number Excel holds behind a cell shown as "2 021 000 kr" (accounting format: "- kr" is 0)."""
    digits = text.replace(" kr", "").replace(" ", "")
    return 0 if digits == "-" else int(digits)


def write_xlsx(path: Path, rows: list[list], *, header: list[str] = HEADER, numeric: bool = False) -> Path:
    """The listing as seed 000 shows it: a title band above the header, then the rows. With `numeric`,
    amounts and project numbers are number cells in Excel's accounting format, as Excel stores them."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Gemensam portfölj"
    sheet.append(["Allmänt om utvecklingsärendet", None, None, None, None, "Finansiering (uppstart)"])
    sheet.append(["Finansiering", "Nytta", "Projektinfo", "Visa alla kolumner", "Ta bort alla filter"])
    sheet.append(header)
    for row in rows:
        cells = list(row)
        if numeric:
            cells[3] = int(cells[3]) if str(cells[3]).isdigit() else cells[3] or None
            cells[4] = amount_value(cells[4]) if cells[4] else None
            cells[5] = amount_value(cells[5]) if cells[5] else None
        sheet.append([cell if cell != "" else None for cell in cells])
        if numeric:
            for cell in sheet[sheet.max_row][4:6]:
                cell.number_format = '_-* #,##0 "kr"_-;-* #,##0 "kr"_-;_-* "-" "kr"_-;_-@_-'
    book.save(path)
    return path


def write_csv(path: Path, rows: list[list], *, delimiter: str = ";", encoding: str = "utf-8-sig") -> Path:
    text = io.StringIO(newline="")
    csv.writer(text, delimiter=delimiter).writerows([HEADER, *rows])
    path.write_bytes(text.getvalue().encode(encoding))
    return path


@pytest.fixture
def store(tmp_path, content):
    with PortfolioStore(tmp_path / "data", content) as opened:
        yield opened


def import_file(path: Path, store: PortfolioStore, content) -> list:
    return apply_import(plan_import(read_listing(path, content), store), store)


def revision_count(store: PortfolioStore) -> int:
    with sqlite3.connect(store.path) as db:
        return db.execute("SELECT COUNT(*) FROM revisions").fetchone()[0]


def per_year(store: PortfolioStore) -> dict[int, tuple[int, float, float]]:
    found: dict[int, tuple[int, float, float]] = {}
    for row in store.portfolio_rows():
        count, cost, central = found.get(row["year"], (0, 0.0, 0.0))
        found[row["year"]] = (count + 1, cost + row["total_cost_kr"], central + row["central_funding_kr"])
    return found


@pytest.mark.parametrize("numeric", [True, False], ids=["number cells", "text cells"])
def test_the_seed_listing_gives_the_hand_computed_counts_and_sums_per_year(tmp_path, store, content, numeric):
    saved = import_file(write_xlsx(tmp_path / "portfolj.xlsx", SEED_ROWS, numeric=numeric), store, content)
    assert len(saved) == 15
    assert per_year(store) == EXPECTED_PER_YEAR
    rows = {row["number"]: row for row in store.portfolio_rows()}
    assert sum(row["total_cost_kr"] for row in rows.values()) == 10_741_625
    assert rows["21-14"]["project_number"] == "11042 och aktivitet 1992 Di"
    assert rows["22-04"]["project_number"] == "11773"
    assert rows["21-32"]["total_cost_kr"] == 0  # "- kr"
    assert rows["21-11"]["central_funding_kr"] == 0
    study, _ = store.load(rows["23-01"]["id"])
    assert study.initiative.name == "Förstudie Digital post"
    assert study.initiative.portfolio.year == 2023
    source = content.portfolio.prioritisation.central_funding_source
    assert study.initiative.portfolio.funding == [FundingLine(source=source, amount_kr=60_000)]
    assert study.initiative.portfolio.stage is None  # the rest is left to complete
    assert store.load(rows["21-11"]["id"])[0].initiative.portfolio.funding == []  # no 2%-aren: no line


def test_every_imported_assessment_opens_in_the_form_as_a_new_one_would(tmp_path, store, content):
    from nyttolib.app.form import AssessmentForm
    from nyttolib.app.session import AssessmentSession, new_assessment

    import_file(write_xlsx(tmp_path / "portfolj.xlsx", SEED_ROWS, numeric=True), store, content)
    blank = new_assessment(content)
    for row in store.portfolio_rows():
        session = AssessmentSession(store, content, row["id"], scheduler=lambda _delay, callback: callback())
        assert session.assessment.calculation == blank.calculation  # default hourly rates and years
        form = AssessmentForm(session)
        assert form.session.assessment.initiative.name == row["name"]
        assert session.status == "saved"


BAD_ROWS = [
    (["22-99", 2022, "Ny tjänst", "", "tvåhundra kr", ""], "Rad 19, kolumn E ”Kostnad (totalt)”: ”tvåhundra kr”"),
    (["22-99", "20x1", "Ny tjänst", "", "1 000 kr", ""], "Rad 19, kolumn B ”År”: ”20x1”"),
    (
        ["22-04", 2022, "Parkeringstillstånd igen", "", "1 000 kr", ""],
        "Rad 19, kolumn A ”Nr”: Nr 22-04 finns redan på rad 7",
    ),
    (["22-99", 2022, "Ny tjänst", "", "-5 000 kr", ""], "Rad 19, kolumn E ”Kostnad (totalt)”: ska vara ett tal från 0"),
    (["", 2022, "Summa", "", "10 741 625 kr", ""], "Rad 19, kolumn A ”Nr”: Nr saknas"),
]


@pytest.mark.parametrize(("bad", "message"), BAD_ROWS, ids=["amount", "year", "same Nr", "negative", "no Nr"])
def test_one_bad_row_rejects_the_whole_file_and_writes_nothing(tmp_path, store, content, bad, message):
    import_file(write_xlsx(tmp_path / "first.xlsx", SEED_ROWS), store, content)
    before = revision_count(store)
    changed = [list(row) for row in SEED_ROWS]
    changed[3][4] = "2 200 000 kr"  # a good change in the same file is not saved either
    path = write_xlsx(tmp_path / "bad.xlsx", [*changed, bad])
    with pytest.raises(ListingError) as raised:
        read_listing(path, content)
    assert len(raised.value.problems) == 1
    assert str(raised.value.problems[0]).startswith(message)
    assert "inget sparades" in str(raised.value)
    assert revision_count(store) == before
    assert {row["number"]: row["total_cost_kr"] for row in store.portfolio_rows()}["22-04"] == 2_114_575


def test_every_bad_cell_is_reported_with_its_row_and_column(tmp_path, content):
    rows = [
        ["1", "20x1", "A", "", "tvåhundra kr", "1.000"],
        ["2", 2022, "B", "", "12 tkr", "5e3"],
    ]
    with pytest.raises(ListingError) as raised:
        read_listing(write_xlsx(tmp_path / "bad.xlsx", rows), content)
    texts = [str(problem).replace(NBSP, " ") for problem in raised.value.problems]
    assert [text.split(":")[0] for text in texts] == [
        "Rad 4, kolumn B ”År”",
        "Rad 4, kolumn E ”Kostnad (totalt)”",
        "Rad 4, kolumn F ”2%-aren”",
        "Rad 5, kolumn E ”Kostnad (totalt)”",
        "Rad 5, kolumn F ”2%-aren”",
    ]
    assert "Skriv årtalet med fyra siffror" in texts[0]
    assert "Otydligt: 1.000 kan betyda 1 000 eller 1" in texts[2]
    assert "inte i tkr" in texts[3]
    assert "utan e-notation" in texts[4]


def test_a_file_full_of_mistakes_names_the_first_hundred(tmp_path, content):
    rows = [[f"24-{index:03d}", 2024, "x", "", "tvåhundra kr", ""] for index in range(150)]
    with pytest.raises(ListingError) as raised:
        read_listing(write_csv(tmp_path / "fel.csv", rows), content)
    assert len(raised.value.problems) == 150
    lines = str(raised.value).splitlines()
    assert len(lines) == 1 + 100 + 1
    assert lines[100].startswith("- Rad 101, kolumn E")
    assert lines[-1] == "- … och 50 fel till; rätta dessa först och försök igen."


def test_a_reimport_updates_by_nr_as_new_revisions_and_keeps_every_other_field(tmp_path, store, content):
    import_file(write_xlsx(tmp_path / "first.xlsx", SEED_ROWS), store, content)
    ids = {row["number"]: row["id"] for row in store.portfolio_rows()}
    source = content.portfolio.prioritisation.central_funding_source
    parking, revision = store.load(ids["22-04"])
    parking.initiative.department = "Stadsbyggnadskontoret"
    parking.initiative.portfolio.stage = "steg_2"
    parking.initiative.portfolio.funding = [
        FundingLine(source="egen", amount_kr=500_000, note="SBK:s budget"),
        FundingLine(source=source, amount_kr=100_000, note="beslut 2022-03"),
    ]
    parking.initiative.need = "Handläggningen av parkeringstillstånd är manuell."
    store.save(parking, expected_revision=revision)
    before = revision_count(store)

    changed = [list(row) for row in SEED_ROWS]
    changed[3][4] = "2 200 000 kr"
    changed[3][5] = "250 000 kr"
    changed[4][2] = "Öka takten i e-arkivet"
    changed[6][5] = ""  # no 2%-aren for a row that had none: unchanged
    imported = import_file(write_xlsx(tmp_path / "second.xlsx", changed), store, content)

    assert len(imported) == 2  # only the changed rows get a revision
    assert revision_count(store) == before + 2
    assert len(store.portfolio_rows()) == 15
    parking, revision = store.load(ids["22-04"])
    assert revision == 3
    assert parking.initiative.portfolio.total_cost_kr == 2_200_000
    assert parking.initiative.department == "Stadsbyggnadskontoret"
    assert parking.initiative.portfolio.stage == "steg_2"
    assert parking.initiative.need == "Handläggningen av parkeringstillstånd är manuell."
    assert parking.initiative.portfolio.funding == [
        FundingLine(source="egen", amount_kr=500_000, note="SBK:s budget"),
        FundingLine(source=source, amount_kr=250_000, note="beslut 2022-03"),
    ]
    assert [info.revision for info in store.history(ids["22-04"])] == [1, 2, 3]
    assert store.load(ids["22-04"], 2)[0].initiative.portfolio.total_cost_kr == 2_114_575  # nothing overwritten
    assert store.load(ids["22-07"])[0].initiative.name == "Öka takten i e-arkivet"
    assert "portföljlistan second.xlsx, rad 8" in store.history(ids["22-07"])[-1].note


def test_a_listing_without_a_column_leaves_that_field_as_it_is(tmp_path, store, content):
    import_file(write_xlsx(tmp_path / "first.xlsx", SEED_ROWS), store, content)
    header = ["Nr", "Utvecklingsärende", "Kostnad (totalt)"]
    rows = [["22-04", "SBK Parkeringstillstånd", "2 300 000 kr"]]
    book = Workbook()
    book.active.append(header)
    book.active.append(rows[0])
    book.save(tmp_path / "short.xlsx")
    import_file(tmp_path / "short.xlsx", store, content)
    row = {row["number"]: row for row in store.portfolio_rows()}["22-04"]
    assert (row["year"], row["project_number"], row["total_cost_kr"]) == (2022, "11773", 2_300_000)


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [(";", "utf-8-sig"), (";", "utf-8"), (",", "utf-8-sig"), (";", "cp1252"), (",", "cp1252"), ("\t", "utf-16")],
    ids=["semicolon BOM", "semicolon UTF-8", "comma BOM", "semicolon cp1252", "comma cp1252", "tab UTF-16"],
)
def test_csv_files_as_excel_saves_them(tmp_path, store, content, delimiter, encoding):
    rows = [list(row) for row in SEED_ROWS]
    rows[0][4] = "2 021 000,00 kr"  # a decimal comma (quoted by the writer in a comma-separated file)
    rows[1][4] = f"730{NBSP}000{NBSP}kr"  # Excel's own grouping is a no-break space
    rows[3][4] = "2114575"
    path = write_csv(tmp_path / "portfolj.csv", rows, delimiter=delimiter, encoding=encoding)
    if encoding == "cp1252":
        assert "ä".encode("cp1252") in path.read_bytes()  # really not UTF-8
    listing = read_listing(path, content)
    assert listing.rows[0].row == 2  # the header is row 1 when Excel opens the file
    import_file(path, store, content)
    assert per_year(store) == EXPECTED_PER_YEAR
    names = {row["name"] for row in store.portfolio_rows()}
    assert "Årlig kontroll och möjlighet till förlängning av timvikarie (orsakat av förändringar i LAS)" in names


def test_column_names_are_matched_leniently_and_unknown_columns_reported(tmp_path, store, content):
    header = ["NR", "år ", "UTVECKLINGSÄRENDE", "Projekt-nr", "Kostnad totalt", "2 %-aren", "Kommentar", "Budget 2024"]
    rows = [["23-01", "2023", "Förstudie Digital post", "11689", "60 000 kr", "60 000 kr", "prel.", "90 000 kr"]]
    book = Workbook()
    book.active.append(header)
    book.active.append(rows[0])
    book.active.cell(row=2, column=10, value="utan rubrik")
    book.save(tmp_path / "lenient.xlsx")
    listing = read_listing(tmp_path / "lenient.xlsx", content)
    assert listing.unknown_columns == [
        "Kolumn G ”Kommentar” känns inte igen och lästes inte.",
        "Kolumn H ”Budget 2024” känns inte igen och lästes inte.",
        "Kolumn J har värden men ingen rubrik och lästes inte.",
    ]
    apply_import(plan_import(listing, store), store)
    (row,) = store.portfolio_rows()
    assert (row["year"], row["project_number"], row["total_cost_kr"], row["central_funding_kr"]) == (
        2023,
        "11689",
        60_000,
        60_000,
    )
    assessment, _ = store.load(row["id"])
    assert "prel." not in assessment.model_dump_json() and "90000" not in assessment.model_dump_json()


def test_a_missing_required_column_is_an_error(tmp_path, content):
    book = Workbook()
    book.active.append(["Nr", "År", "Namn", "Kostnad (totalt)"])
    book.active.append(["1", 2024, "x", "5 kr"])
    book.save(tmp_path / "noname.xlsx")
    with pytest.raises(ListingError) as raised:
        read_listing(tmp_path / "noname.xlsx", content)
    assert str(raised.value.problems[0]) == "Rad 1: Kolumnen Utvecklingsärende saknas i rubrikraden (de måste finnas)."


def test_hostile_cells_are_data_or_a_message_never_code(tmp_path, store, content):
    rows = [["1", 2024, "=1+1", "", "", ""], ["2", 2024, "@SUM(A1)", "+46", "", ""]]
    import_file(write_csv(tmp_path / "formulas.csv", rows), store, content)
    names = sorted((row["name"], row["project_number"]) for row in store.portfolio_rows())
    assert names == [("=1+1", ""), ("@SUM(A1)", "+46")]  # stored as the text it is

    before = revision_count(store)
    for name, code in (("Heroma\x1b[2J", "U+001B"), ("Ring\x07", "U+0007"), ("a\u0085b", "U+0085")):
        path = write_csv(tmp_path / "control.csv", [["3", 2024, name, "", "", ""]])
        with pytest.raises(ListingError) as raised:
            read_listing(path, content)
        assert str(raised.value.problems[0]).startswith(
            f"Rad 2, kolumn C ”Utvecklingsärende”: Texten innehåller ett otillåtet tecken, {code}"
        )
    too_long = write_csv(tmp_path / "long.csv", [["3", 2024, "x" * 501, "", "", ""]])
    with pytest.raises(ListingError, match="får ha högst 500 tecken"):
        read_listing(too_long, content)
    assert revision_count(store) == before

    book = Workbook()
    book.active.append(HEADER)
    book.active.append(["4", 2024, "Summa", None, "=SUM(E3:E9)", None])  # a formula Excel never calculated
    book.active.append(["5", 2024, "#REF!", None, "#VALUE!", None])  # cells showing Excel's errors
    book.save(tmp_path / "formula.xlsx")
    with pytest.raises(ListingError) as raised:
        read_listing(tmp_path / "formula.xlsx", content)
    assert [str(problem) for problem in raised.value.problems] == [
        "Rad 2, kolumn E ”Kostnad (totalt)”: Cellen har en formel men inget uträknat värde (filen är inte sparad "
        "av Excel); öppna och spara den i Excel eller LibreOffice, eller skriv värdet",
        "Rad 3, kolumn C ”Utvecklingsärende”: Cellen visar ett fel i Excel (#REF!); rätta den eller skriv värdet",
        "Rad 3, kolumn E ”Kostnad (totalt)”: Cellen visar ett fel i Excel (#VALUE!); rätta den eller skriv värdet",
    ]


def test_formulas_saved_by_a_spreadsheet_program_give_their_values(tmp_path, store, content):
    """Excel and LibreOffice save each formula's result beside it: the import reads the result."""
    soffice = shutil.which("soffice")
    if not soffice:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (libreoffice-calc) saknas: .ci/run ska installera det")
        pytest.skip("LibreOffice is not installed")
    book = Workbook()
    book.active.append(HEADER)
    book.active.append(["22-04", 2022, "SBK Parkeringstillstånd", 11773, "=2000000+114575", "=E2/5"])
    book.save(tmp_path / "formler.xlsx")
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--headless",
            "--calc",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path / "sparad"),
            str(tmp_path / "formler.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    import_file(tmp_path / "sparad" / "formler.xlsx", store, content)
    (row,) = store.portfolio_rows()
    # 2 000 000 + 114 575 = 2 114 575; a fifth of it is 422 915
    assert (row["total_cost_kr"], row["central_funding_kr"], row["project_number"]) == (2_114_575, 422_915, "11773")


def test_a_line_break_in_a_cell_is_a_space_and_excel_dates_are_explained(tmp_path, content):
    import datetime as dt

    book = Workbook()
    book.active.append(HEADER)
    book.active.append(["1", 2024, "Gemensam\närendehantering", None, None, None])
    book.save(tmp_path / "breaks.xlsx")
    assert read_listing(tmp_path / "breaks.xlsx", content).rows[0].name == "Gemensam ärendehantering"
    book.active.append([dt.datetime(2021, 11, 21), 2021, "Bolagen", None, None, None])  # Excel made "21-11" a date
    book.save(tmp_path / "date.xlsx")
    with pytest.raises(ListingError, match="Rad 3, kolumn A ”Nr”: Excel har gjort om värdet till ett datum"):
        read_listing(tmp_path / "date.xlsx", content)


def test_files_that_are_no_listing_get_a_message(tmp_path, content):
    cases = {
        "gammal.xls": (b"\xd0\xcf\x11\xe0", "som .xlsx eller .csv"),
        "trasig.xlsx": (b"PK\x03\x04 inte en zip", "kan inte läsas som en Excel-arbetsbok"),
        "binar.csv": (b"Nr;\x00\x01\x02", "ingen textfil"),
        "tom.csv": (b"", "Hittade ingen rubrikrad"),
        "bara-rubrik.csv": ("Nr;Utvecklingsärende\r\n".encode(), "inga rader under den"),
    }
    for name, (data, message) in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(ListingError, match=message):
            read_listing(tmp_path / name, content)


def test_save_many_is_one_transaction(store, content, invoice):
    first = store.save(invoice)
    before = revision_count(store)
    fresh = invoice.model_copy(update={"id": None})
    with pytest.raises(ConflictError):
        store.save_many(
            [PendingSave(fresh), PendingSave(invoice.model_copy(update={"id": first.id}), expected_revision=7)]
        )
    assert revision_count(store) == before
    assert len(store.portfolio_rows()) == 1


def test_a_conflicting_save_between_plan_and_apply_writes_nothing(tmp_path, store, content):
    import_file(write_xlsx(tmp_path / "first.xlsx", SEED_ROWS), store, content)
    changed = [list(row) for row in SEED_ROWS]
    changed[0][4] = "2 100 000 kr"  # saved before the conflicting row: it must not stay saved
    changed[3][4] = "2 200 000 kr"
    changed.append(["24-01", 2024, "Ny", "", "", ""])
    plan = plan_import(read_listing(write_xlsx(tmp_path / "second.xlsx", changed), content), store)
    parking_id = {row["number"]: row["id"] for row in store.portfolio_rows()}["22-04"]
    parking, revision = store.load(parking_id)
    store.save(parking, expected_revision=revision, note="someone else")
    before = revision_count(store)
    with pytest.raises(ConflictError):
        apply_import(plan, store)
    assert revision_count(store) == before
    assert len(store.portfolio_rows()) == 15
    assert {row["number"]: row["total_cost_kr"] for row in store.portfolio_rows()}["21-11"] == 2_021_000


# --- the amount parser ------------------------------------------------------------------------------

kronor = st.decimals(min_value=0, max_value=10_000_000_000, places=2, allow_nan=False, allow_infinity=False)


def grouped(integer: int, separator: str) -> str:
    return f"{integer:,}".replace(",", separator)


@st.composite
def written_amounts(draw) -> tuple[Decimal, object]:
    """An amount and one way an Excel user writes it (or Excel stores it)."""
    value = draw(kronor)
    integer, cents = int(value), int((value - int(value)) * 100)
    style = draw(st.sampled_from(["number cell", "integer cell", "plain", "grouped", "decimals", "accounting"]))
    if style == "number cell":
        return value, float(value)
    if style == "integer cell":
        return Decimal(integer), integer
    separator = draw(st.sampled_from([" ", NBSP, "\u202f"]))
    unit = draw(st.sampled_from(["", " kr", "kr", f"{NBSP}kr", " KR", " kronor", " SEK", ":-"]))
    pad = draw(st.sampled_from(["", " ", "  "]))
    if style == "plain":
        return Decimal(integer), f"{pad}{integer}{unit}{pad}"
    if style == "grouped":
        return Decimal(integer), f"{pad}{grouped(integer, separator)}{unit}{pad}"
    if style == "decimals":
        return Decimal(integer) + Decimal(cents) / 100, f"{grouped(integer, separator)},{cents:02d}{unit}"
    # Excel's accounting format as it appears in a CSV: zero is a dash
    text = "-" if integer == 0 else grouped(integer, NBSP)
    return Decimal(integer), f" {text} kr "


@settings(max_examples=400, deadline=None)
@given(written_amounts())
def test_an_amount_written_as_excel_users_write_it_parses_back_to_its_value(case):
    value, written = case
    assert parse_amount(written) == float(value)


@pytest.mark.parametrize("text", ["", "   ", NBSP])
def test_an_empty_amount_is_none_and_a_dash_is_zero(text):
    assert parse_amount(text) is None
    assert parse_amount(None) is None
    assert parse_amount("- kr") == 0.0
    assert parse_amount("-") == 0.0


@pytest.mark.parametrize("text", ["tvåhundra kr", "kr", "1,000,000", "12 tkr", "2 02 1000", "1e6", "(500)"])
def test_what_is_no_amount_says_so_in_swedish(text):
    with pytest.raises(ValueError, match="Skriv"):
        parse_amount(text)


# --- the command line -------------------------------------------------------------------------------


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(args), out, err)
    return code, out.getvalue().replace(NBSP, " "), err.getvalue()


def test_cli_dry_run_shows_what_would_change_field_by_field_and_writes_nothing(tmp_path, content):
    data = str(tmp_path / "data")
    assert cli("--data-dir", data, "portfolio", "import", str(write_xlsx(tmp_path / "a.xlsx", SEED_ROWS)))[0] == 0
    with PortfolioStore(data, content) as store:
        before = revision_count(store)
    changed = [list(row) for row in SEED_ROWS]
    changed[3][4] = "2 200 000 kr"
    changed[3][5] = "250 000 kr"
    changed.append(["24-01", 2024, "Digital\u202eanmälan", "12001", "1 500 000 kr", ""])
    code, out, err = cli(
        "--data-dir", data, "portfolio", "import", str(write_xlsx(tmp_path / "b.xlsx", changed)), "--dry-run"
    )
    assert code == 0, err
    assert "Rad 7: Ändras: 22-04 SBK Parkeringstillstånd – bedömning " in out
    assert "    Kostnad (totalt): 2 114 575 kr → 2 200 000 kr\n" in out
    assert "    2%-aren (centrala medel): (tomt) → 250 000 kr\n" in out
    assert "Rad 19: Ny: 24-01 Digital<U+202E>anmälan\n" in out  # a bidi override cannot reverse the line
    assert "    Kostnad (totalt): 1 500 000 kr\n" in out
    assert "Provkörning: inget sparades. Importen skulle ge 1 ny, 1 ändrad och 14 oförändrade." in out
    with PortfolioStore(data, content) as store:
        assert revision_count(store) == before
        assert len(store.portfolio_rows()) == 15


def test_cli_import_end_to_end_as_a_user_runs_it(tmp_path):
    env = {**os.environ, "NYTTOLIB_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(Path(__file__).parent.parent)}

    def nyttolib(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "nyttolib", *args], capture_output=True, text=True, env=env, timeout=120
        )

    good = write_csv(tmp_path / "portfolj.csv", SEED_ROWS)
    result = nyttolib("portfolio", "import", str(good))
    assert result.returncode == 0, result.stderr
    assert "Importerat: 15 nya, 0 ändrade och 0 oförändrade (15 nya revisioner)." in result.stdout
    again = nyttolib("portfolio", "import", str(good))
    assert "Importerat: 0 nya, 0 ändrade och 15 oförändrade (0 nya revisioner)." in again.stdout

    bad = write_csv(tmp_path / "fel.csv", [*SEED_ROWS, ["24-01", "20x1", "Ny", "", "tvåhundra kr", ""]])
    result = nyttolib("portfolio", "import", str(bad))
    assert result.returncode == 1
    assert "fel.csv: listan importerades inte och inget sparades:" in result.stderr
    assert "- Rad 17, kolumn B ”År”: ”20x1” kan inte läsas" in result.stderr
    assert "- Rad 17, kolumn E ”Kostnad (totalt)”: ”tvåhundra kr” kan inte läsas" in result.stderr
    assert "Traceback" not in result.stderr
    listed = nyttolib("list", "--json")
    assert listed.stdout.count('"id"') == 15

    assert nyttolib("portfolio", "import").returncode == 2
    missing = nyttolib("portfolio", "import", str(tmp_path / "finns-inte.xlsx"))
    assert (missing.returncode, "finns inte" in missing.stderr) == (1, True)


def test_cli_reports_unknown_columns(tmp_path):
    book = Workbook()
    book.active.append([*HEADER, "Kommentar"])
    book.active.append(["1", 2024, "x", None, None, None, "en kommentar"])
    book.save(tmp_path / "extra.xlsx")
    code, _, err = cli("--data-dir", str(tmp_path / "data"), "portfolio", "import", str(tmp_path / "extra.xlsx"))
    assert code == 0
    assert "Observera: Kolumn G ”Kommentar” känns inte igen och lästes inte." in err
