"""The portfolio's exports: the report (HTML, PDF), the table as xlsx and csv, and the summary behind them,
for the bundled examples plus two initiatives made here, with figures computed by hand; hostile text
stays data in every file; the xlsx sums are live formulas LibreOffice recalculates."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
import time

import openpyxl
import pytest
from test_export import libreoffice_recalculated

from nyttolib.assessment.documents import read_assessment_file
from nyttolib.assessment.model import (
    Assessment,
    BenefitLine,
    Calculation,
    CostLine,
    FundingLine,
    IndicatorContribution,
    Initiative,
    Portfolio,
    RealisationPlan,
)
from nyttolib.content import load_content
from nyttolib.exports.report import ZERO_WIDTH_SPACE
from nyttolib.portfolio.export import LISTING_COLUMNS, MONEY, table_csv, table_xlsx, write_exports
from nyttolib.portfolio.overview import overview, summary_json
from nyttolib.portfolio.queries import Filters
from nyttolib.portfolio.report import Column, ReportSection, SectionTable, render_html, render_printed_html
from nyttolib.portfolio.store import PortfolioStore

from conftest import EXAMPLE_FILES, ROOT

NBSP = "\u00a0"
HOSTILE_NAME = '$\\alpha^{2}$ <img src=x onerror=alert(1)> \u202eevil\u202c =HYPERLINK("http://evil.example";"klicka")'
HOSTILE_DEPARTMENT = "=1+2"
HOSTILE_OWNER = "@SUM(1+1)*cmd|' /C calc'!A0"
HOSTILE_PROJECT = "-2+3"
HOSTILE_NUMBER = "+46"


def hand_made() -> Assessment:
    """Steg 0, År 2026, no Kostnad (totalt): the portfolio counts the calculation's 100 000 kr. Benefit
    50 000 kr a year at full effect, 0 %, 50 %, 100 % over 2026–2028; an indicator contribution."""
    return Assessment(
        id="handgjord",
        initiative=Initiative(
            name="Handgjord kalkyl",
            department="Kontaktcenter",
            portfolio=Portfolio(number="26-01", year=2026, stage="steg_0"),
            kind="mvp",
            priority_class="kritisk_verksamhet",
        ),
        calculation=Calculation(
            start_year=2026,
            years=3,
            cost_lines=[CostLine(description="Utveckling", kind="engangs", unit="kr", values=[100_000, 0, 0])],
            benefit_lines=[BenefitLine(description="Färre samtal", full_effect_kr=50_000, ramp_percent=[0, 50, 100])],
        ),
        plan=RealisationPlan(
            indicators=[IndicatorContribution(indicator="avvecklade_it_system", year=2023, expected=3, realised=2)]
        ),
    )


def hostile() -> Assessment:
    """Every text that could become markup, a formula, mathtext or a reordered line; Kostnad (totalt)
    10 000 kr, År 2024, Steg 1, no calculation lines."""
    return Assessment(
        id="fientlig",
        initiative=Initiative(
            name=HOSTILE_NAME,
            department=HOSTILE_DEPARTMENT,
            owner=HOSTILE_OWNER,
            portfolio=Portfolio(
                number=HOSTILE_NUMBER,
                year=2024,
                project_number=HOSTILE_PROJECT,
                stage="steg_1",
                total_cost_kr=10_000,
                funding=[FundingLine(source="egen", amount_kr=10_000)],
            ),
        ),
    )


@pytest.fixture(scope="module")
def content():
    return load_content()


@pytest.fixture(scope="module")
def store(content, tmp_path_factory):
    with PortfolioStore(tmp_path_factory.mktemp("data"), content) as opened:
        for path in EXAMPLE_FILES:
            opened.save(read_assessment_file(path, content).assessment)
        opened.save(hand_made())
        opened.save(hostile())
        yield opened


@pytest.fixture(scope="module")
def view(store, content):
    return overview(store.portfolio_data(), content, budget_kr=3_000_000, rows=store.portfolio_rows(plans=True))


# Hand-computed from the four examples (data/examples) and the two initiatives above.
TOTAL_COST = 388_000 + 285_000 + 1_600_000 + 60_000 + 100_000 + 10_000
BY_STAGE = {
    "steg_0": (1, 100_000),
    "steg_1": (1, 10_000),
    "klara_for_beslut": (1, 388_000),
    "beslutade": (3, 285_000 + 1_600_000 + 60_000),
}
BY_YEAR = {
    2020: (1, 285_000),
    2022: (1, 1_600_000),
    2023: (1, 60_000),
    2024: (1, 10_000),
    2025: (1, 388_000),
    2026: (1, 100_000),
}
# Calendar years of the calculations: invoice 2021–2023, e-arkiv 2022–2024, study 2023–2025, signing
# 2025–2028, hand-made 2026–2028, hostile 2024–2026 (no lines).
COSTS = {
    2021: 315_000,
    2022: 880_000 + 30_000,
    2023: 720_000 + 30_000 + 60_000,
    2024: 120_000,
    2025: 318_000,
    2026: 45_000 + 100_000,
    2027: 45_000,
    2028: 45_000,
}
REALISABLE = {
    2021: 217_080,
    2022: 361_800,
    2023: 361_800,
    2024: 0,
    2025: 20_000,
    2026: 60_000,
    2027: 80_000 + 25_000,
    2028: 80_000 + 50_000,
}
CENTRAL = 250_000 + 150_000 + 1_600_000 + 60_000


def test_summary_figures_computed_by_hand(view, content):
    data = summary_json(view, content)
    assert data["count"] == 6
    assert data["total_cost_kr"] == pytest.approx(TOTAL_COST)
    stages = {s["stage"]: (s["count"], s["cost_kr"]) for s in data["by_stage"] if s["count"]}
    assert stages == BY_STAGE
    assert [s["stage"] for s in data["by_stage"]] == [s.id for s in content.initiative.portfolio_stages]
    assert {y["year"]: (y["count"], y["cost_kr"]) for y in data["by_year"]} == BY_YEAR
    years = {y["year"]: y for y in data["per_calendar_year"]}
    assert {y: v["cost_kr"] for y, v in years.items()} == pytest.approx(COSTS)
    assert {y: v["realisable_benefit_kr"] for y, v in years.items()} == pytest.approx(REALISABLE)
    assert years[2021]["realised_benefit_kr"] == pytest.approx(168_480)
    assert years[2026]["net_kr"] == pytest.approx(60_000 - 145_000)
    assert data["central_funding"] == {
        "used_kr": CENTRAL,
        "budget_kr": 3_000_000,
        "left_kr": 3_000_000 - CENTRAL,
        "used_percent": pytest.approx(CENTRAL / 3_000_000 * 100),
    }
    axis = next(b for b in data["balance"] if b["axis"] == "effektivitet_innovation")
    assert [c["count"] for c in axis["cells"]] == [0, 3, 1, 0, 0]
    assert (axis["classified"], axis["unclassified"]) == (4, 2)
    assert axis["right_share_percent"] == pytest.approx((25 + 25 + 25 + 50) / 4)
    classified_cost = 388_000 + 285_000 + 1_600_000 + 60_000
    assert axis["right_share_cost_percent"] == pytest.approx((2_273_000 * 25 + 60_000 * 50) / classified_cost)
    assert axis["cells"][1]["cost_percent"] == pytest.approx(2_273_000 / classified_cost * 100)
    indicators = {
        (i["indicator"], i["year"]): (i["expected"], i["realised"], i["initiatives"]) for i in data["indicators"]
    }
    assert indicators == {
        ("individer_digitala_tjanster", 2026): (2_500, 0, 1),
        ("tillgangliga_digitala_tjanster", 2021): (1, 1, 1),
        ("tillgangliga_digitala_tjanster", 2025): (1, 1, 1),
        ("avvecklade_it_system", 2023): (2 + 3, 1 + 2, 2),
    }


def test_filters_narrow_every_figure(store, content):
    decided = summary_json(overview(store.portfolio_data(), content, Filters(stages=("beslutade",))), content)
    assert (decided["count"], decided["total_cost_kr"]) == (3, 1_945_000)
    assert decided["central_funding"]["used_kr"] == 150_000 + 1_600_000 + 60_000
    # The study's 2024 and 2025 hold no figures: the years are those with a cost or a benefit.
    assert {y["year"] for y in decided["per_calendar_year"]} == {2021, 2022, 2023, 2024}
    texts = summary_json(overview(store.portfolio_data(), content, Filters(text="DIGITAL")), content)
    assert texts["count"] == 2  # "Digital signering", "Förstudie Digital post"


def test_html_report_shows_every_section_with_hostile_text_as_data(view, content):
    html = render_html(view, content)
    flat = html.replace(ZERO_WIDTH_SPACE, "")
    assert "<img src=x" not in flat and "&lt;img src=x onerror=alert(1)&gt;" in flat
    assert "$\\alpha^{2}$" in flat and "\u202e" not in html  # mathtext as typed; no bidi override
    assert "=HYPERLINK(&#34;http://evil.example&#34;;&#34;klicka&#34;)" in flat
    for heading in (
        "Initiativen",
        "Initiativ per steg",
        "Portföljens balans",
        "Kostnader och nytta per år",
        "Centrala medel",
        "Indikatorer",
    ):
        assert f">{heading}</h2>" in html
    assert "2 443 000 kr".replace(" ", NBSP) in html  # the total
    assert "s-prioritering" not in html and "s-register" not in html  # not given: no section at all
    for alt in re.findall(r'<img src="data:image/png;base64,[^"]+" alt="([^"]*)"', html):
        assert alt.startswith("Diagram över")  # every chart has its words


def test_contributed_sections_are_escaped_and_only_shown_when_given(view, content):
    section = ReportSection(
        title="Prioritering",
        paragraphs=("Underlag, inget beslut. <b>fet</b>",),
        tables=(
            SectionTable(
                "Rangordning",
                (Column("Plats", "number"), Column("Initiativ"), Column("Kostnad", "kr"), Column("Ljus", "light")),
                [(1, "<script>x</script>", 120_000, "red"), (2, "=1+1", None, "none")],
            ),
        ),
        notes=("Skälet: lag före effektivitet.",),
    )
    html = render_html(view, content, prioritisation=section)
    assert '<h2 id="s-prioritering">Prioritering</h2>' in html
    assert "<script>x" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert "120 000 kr".replace(" ", NBSP) in html and "Röd – långt från målet" in html
    assert "Nyttoregister" not in html and "s-register" not in html
    register = ReportSection(title="Nyttoregister", tables=(SectionTable("Nyttor", (Column("Nytta"),), [("a",)]),))
    both = render_html(view, content, prioritisation=section, register=register)
    assert both.index("s-prioritering") < both.index("s-register")


def test_every_chart_text_is_plain_text_even_with_mathtext_in_the_content(store, tmp_path, monkeypatch):
    """Stages and axes are a municipality's content: "$x$" or "$$" in them is drawn as typed."""
    from matplotlib.text import Text

    folder = tmp_path / "innehall"
    shutil.copytree(ROOT / "data" / "content", folder)
    initiative = folder / "initiative.yaml"
    initiative.write_text(
        initiative.read_text(encoding="utf-8").replace(
            "label: Steg 0 - Under framtagande/påbörjat", "label: Steg $0$ kostar $$"
        ),
        encoding="utf-8",
    )
    custom = load_content(folder)
    drawn = []
    original = Text.draw

    def draw(self, renderer):
        if self.get_text():
            drawn.append((self.get_text(), self._preprocess_math(self.get_text())[1]))
        return original(self, renderer)

    monkeypatch.setattr(Text, "draw", draw)
    with PortfolioStore(store.directory, custom) as other:  # rows for this content are computed anew
        html = render_html(overview(other.portfolio_data(), custom), custom)
    assert any("Steg $0$ kostar $$" in text for text, _ in drawn)
    assert not [text for text, math in drawn if math]
    assert "Steg $0$ kostar $$" in html


def csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    return [dict(zip(table[0], row, strict=True)) for row in table[1:]]


def swedish_number(text: str) -> float:
    assert "." not in text and " " not in text, text
    return float(text.replace(",", "."))


def test_csv_reads_back_in_the_listing_shape_and_formulas_are_inert(view, content):
    data = table_csv(view, content)
    assert b"\r\n" in data
    header = data.decode("utf-8-sig").split("\r\n")[0].split(";")
    assert tuple(header[:6]) == LISTING_COLUMNS
    records = csv_rows(data)
    assert len(records) == 6
    assert sum(swedish_number(r["Kostnad i portföljen"]) for r in records) == TOTAL_COST
    assert sum(swedish_number(r["2%-aren"]) for r in records if r["2%-aren"]) == CENTRAL
    made = next(r for r in records if r["Nr"] == "26-01")
    assert made["Kostnad (totalt)"] == "" and made["År"] == "2026" and made["Kalkylens kostnader"] == "100000"
    evil = next(r for r in records if r["Id"] == "fientlig")
    assert evil["Utvecklingsärende"] == HOSTILE_NAME  # no leading =: stays as typed, quotes and all
    assert evil["Verksamhet"] == "'" + HOSTILE_DEPARTMENT
    assert evil["Ägare"] == "'" + HOSTILE_OWNER
    assert evil["Projektnr"] == "'" + HOSTILE_PROJECT and evil["Nr"] == "'" + HOSTILE_NUMBER
    invoice = next(r for r in records if r["Nr"] == "20-05")
    assert invoice["Nettonytta (kalkylen)"] == "565680" and invoice["Kostnad (totalt)"] == "285000"
    # Negative amounts are numbers, not text made inert.
    assert next(r for r in records if r["Nr"] == "22-07")["Nettonytta (kalkylen)"] == "-1720000"


def test_xlsx_types_and_text_that_is_never_a_formula(view, content):
    book = openpyxl.load_workbook(io.BytesIO(table_xlsx(view, content)))
    sheet = book["Portfölj"]
    header = [c.value for c in sheet[1]]
    assert tuple(header[:6]) == LISTING_COLUMNS
    cells = {row[header.index("Id")].value: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)}
    evil = cells["fientlig"]
    for heading, text in (
        ("Utvecklingsärende", HOSTILE_NAME),
        ("Verksamhet", HOSTILE_DEPARTMENT),
        ("Ägare", HOSTILE_OWNER),
        ("Projektnr", HOSTILE_PROJECT),
        ("Nr", HOSTILE_NUMBER),
    ):
        assert evil[heading].data_type == "s" and evil[heading].value == text, heading
    assert evil["Verksamhet"].quotePrefix
    invoice = cells["exempel-fakturor-e-tjanst"]
    assert invoice["Kostnad (totalt)"].value == 285_000 and invoice["Kostnad (totalt)"].number_format == MONEY
    assert invoice["År"].value == 2020 and invoice["År"].data_type == "n"
    assert cells["handgjord"]["Kostnad (totalt)"].value is None
    assert str(cells["handgjord"]["Kostnad i portföljen"].value).startswith("=IF(")
    cached = openpyxl.load_workbook(io.BytesIO(table_xlsx(view, content)), data_only=True)
    summary = {r[0]: r[1:] for r in cached["Summering"].iter_rows(values_only=True) if r[0]}
    assert summary["Kostnad i portföljen, summa"][0] == TOTAL_COST  # cached for previewers


@pytest.mark.slow
def test_xlsx_sums_are_live_formulas_libreoffice_recalculates(view, content, tmp_path):
    data = table_xlsx(view, content)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    recalculated = libreoffice_recalculated(data, tmp_path / "a")
    summary = {r[0]: r[1:] for r in recalculated["Summering"].iter_rows(values_only=True) if r[0] is not None}
    assert summary["Antal initiativ"][0] == 6
    assert summary["Kostnad i portföljen, summa"][0] == TOTAL_COST
    assert summary["2%-aren (centrala medel), summa"][0] == CENTRAL
    for stage in content.initiative.portfolio_stages:
        count, cost = BY_STAGE.get(stage.id, (0, 0))
        assert tuple(summary[stage.label][:2]) == (count, cost), stage.label
    for year, (count, cost) in BY_YEAR.items():
        assert tuple(summary[year][:2]) == (count, cost)
    for sheet, expected in (("Kostnader per år", COSTS), ("Realiserbar nytta per år", REALISABLE)):
        rows = list(recalculated[sheet].iter_rows(values_only=True))
        totals = dict(zip(rows[0], rows[-1], strict=True))
        assert {int(y): totals[str(y)] for y in expected} == expected
        assert totals["Summa"] == sum(expected.values())
    # Live: a changed Kostnad (totalt) in the listing changes every sum that counts it.
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["Portfölj"]
    header = [c.value for c in sheet[1]]
    made = next(r for r in sheet.iter_rows(min_row=2) if r[header.index("Nr")].value == "26-01")
    made[header.index("Kostnad (totalt)")].value = 250_000
    changed = io.BytesIO()
    book.save(changed)
    again = libreoffice_recalculated(changed.getvalue(), tmp_path / "b")
    summary = {r[0]: r[1:] for r in again["Summering"].iter_rows(values_only=True) if r[0] is not None}
    assert summary["Kostnad i portföljen, summa"][0] == TOTAL_COST - 100_000 + 250_000
    assert summary[content.initiative.portfolio_stages[0].label][1] == 250_000


def poppler(*args: str) -> str:
    if not shutil.which(args[0]):
        pytest.skip("poppler-utils is not installed")
    return subprocess.run(list(args), capture_output=True, text=True, check=True).stdout


@pytest.mark.slow
def test_pdf_holds_the_hostile_text_as_text(view, content, tmp_path):
    written = write_exports(view, content, ["pdf", "html"], tmp_path)
    assert [p.suffix for p in written] == [".pdf", ".html"] and all(p.is_file() for p in written)
    text = poppler("pdftotext", "-raw", str(written[0]), "-").replace(NBSP, " ").replace(ZERO_WIDTH_SPACE, "")
    flat = re.sub(r"\s+", " ", text.replace("\u2010\n", ""))  # words hyphenated at a line end joined
    assert "<img src=x onerror=alert(1)>" in flat and "$\\alpha^{2}$" in flat
    assert "2 443 000 kr" in flat and "Portföljens balans" in flat
    # The hostile name is longer than a printed name may be: cut with "…", and the first page says so.
    assert len(HOSTILE_NAME) > content.settings.print_limits.portfolio_text
    assert "Utskriften är förkortad" in flat and "Utskriften visar" not in flat  # all six rows are there


def generated(count: int, long_names: bool = True):
    sys.path.insert(0, str(ROOT / "bench"))
    from portfolio_data import Parameters, cached_store

    return cached_store(Parameters(count, long_names=long_names))


@pytest.mark.slow
def test_pdf_of_450_long_named_initiatives_keeps_to_the_print_limits(content, tmp_path):
    with PortfolioStore(generated(450), content) as store:
        view = overview(store.portfolio_data(), content, rows=store.portfolio_rows())
    limits = content.settings.print_limits
    html = render_printed_html(view, content)
    assert f"Utskriften visar {limits.portfolio_rows} av 450 initiativ" in html
    assert "Utskriften är förkortad" in html
    whole = render_html(view, content)
    assert "Utskriften" not in whole and whole.count("<tr><td>") >= 450  # the HTML holds them all
    start = time.perf_counter()
    path = tmp_path / "portfolj.pdf"
    write_exports(view, content, ["pdf"], tmp_path, stem="portfolj")
    seconds = time.perf_counter() - start
    pages = int(re.search(r"Pages:\s+(\d+)", poppler("pdfinfo", str(path))).group(1))
    assert pages <= 30, pages
    assert seconds < 60, seconds  # a generous bound on a shared machine; bench/RESULTS.md has the figures
    text = poppler("pdftotext", "-raw", str(path), "-").replace(NBSP, " ")
    assert "Sida 1 av" in text and "Portföljrapport" in text
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "3", str(path), str(tmp_path / "sida")], check=True
    )
    assert len(list(tmp_path.glob("sida-*.png"))) == 3


def test_a_failed_export_leaves_no_files(view, content, tmp_path, monkeypatch):
    from nyttolib.portfolio import export

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export, "table_csv", broken)
    with pytest.raises(OSError):
        write_exports(view, content, ["xlsx", "csv"], tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_an_empty_portfolio_exports_too(content, tmp_path):
    with PortfolioStore(tmp_path / "tom", content) as store:
        empty = overview(store.portfolio_data(), content)
    written = write_exports(empty, content, ["html", "xlsx", "csv"], tmp_path / "ut")
    assert len(written) == 3
    assert "Inga initiativ i urvalet." in written[0].read_text(encoding="utf-8")
    assert csv_rows(written[2].read_bytes()) == []
    book = openpyxl.load_workbook(written[1], data_only=True)
    assert {r[0]: r[1] for r in book["Summering"].iter_rows(values_only=True)}["Antal initiativ"] == 0


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_table_imports_again_as_a_portfolio_listing(view, content, tmp_path, fmt):
    """Every export must be readable back: the table in the listing's shape is a listing the portfolio
    import takes, with Nr, År, names, Projektnr, Kostnad (totalt) and 2%-aren as they were (the csv's
    apostrophe before a formula-like text is taken away again)."""
    from nyttolib.portfolio.listing_import import apply_import, plan_import, read_listing

    path = write_exports(view, content, [fmt], tmp_path / "ut")[0]
    with PortfolioStore(tmp_path / "igen", content) as again:
        listing = read_listing(path, content)
        apply_import(plan_import(listing, again), again)
        imported = {row["number"]: row for row in again.portfolio_rows()}
    originals = {row["number"]: row for row in view.rows}
    assert set(imported) == set(originals) and HOSTILE_NUMBER in imported
    for number, row in originals.items():
        copy = imported[number]
        assert (copy["name"], copy["year"], copy["project_number"]) == (row["name"], row["year"], row["project_number"])
        assert copy["total_cost_kr"] == row["total_cost_kr"], number
        assert copy["central_funding_kr"] == row["central_funding_kr"], number
