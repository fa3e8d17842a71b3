"""Exports: the report as HTML and PDF, the nyttokalkyl as xlsx with live formulas, JSON; the CLI batch.

Content is checked, not just that a file exists: figures, texts, escapes; the xlsx is recalculated by
LibreOffice and compared with nyttolib's own numbers."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from nyttolib.assessment.calculations import calculate
from nyttolib.assessment.model import (
    SCHEMA_VERSION,
    Assessment,
    BenefitLine,
    Calculation,
    CostLine,
    FreedTimeLine,
    Initiative,
)
from nyttolib.exports.batch import export_bytes, file_stem, parse_formats, write_exports
from nyttolib.exports.report import render_html

from conftest import EXAMPLES, INVOICE

NBSP = "\u00a0"
NASTY = {
    "script": "<script>alert('x')</script>",
    "img": "<img src=x onerror=alert(1)>",
    "markdown": "**fet** och [länk](http://example.com)",
    "jinja": "{{ 7*7 }} {% raw %}",
    "formula": '=HYPERLINK("http://evil.example","klicka")',
    "plus": "+46 70 123 45 67",
    "minus": "-1 fel",
    "at": "@SUM(A1:A2)",
}


def nasty_assessment() -> Assessment:
    return Assessment(
        id="nasty-1",
        initiative=Initiative(
            name=NASTY["script"], need=NASTY["img"], description=NASTY["markdown"], department=NASTY["jinja"]
        ),
        benefits=[{"id": "b", "description": NASTY["markdown"], "target_group": NASTY["img"]}],
        calculation=Calculation(
            years=3,
            cost_lines=[
                CostLine(description=NASTY[k], values=[1000, 0, 0]) for k in ("formula", "plus", "minus", "at")
            ],
        ),
    )


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(NBSP, " ")


def test_html_report_of_the_invoice_example(content, invoice):
    html = render_html(invoice, content, revision=7, saved_at="2026-11-22T19:51:00+00:00")
    text = text_of(html)
    assert "<script" not in html.lower()
    assert not re.search(r"""(src|href)=["']?https?:""", html), "the report must work offline"
    assert "<link" not in html.lower()
    assert '<html lang="sv">' in html and "@page" in html and "size: A4" in html
    assert 'src="data:image/png;base64,' in html and 'alt="Diagram över kostnader och nytta per år.' in html
    assert "Beslutsunderlag · Bedömning av utvecklingsinitiativ" in text
    assert "E-tjänst för manuell kundfakturering" in text
    for figure in ["315 000", "361 800", "565 680", "-97 920", "331 800 kr (361 800 kr minus 30 000 kr)", "804 h/år"]:
        assert figure in text, figure
    for criterion in content.criteria.criteria:
        assert criterion.label in text
    assert "Ekonomichefen äger initiativet" in text
    assert "X Övervägande del effektivitet" in text
    assert "Gul – delvis på väg (78 % av vägen till målet)" in text
    assert "Revision 7 · sparad 2026-11-22" in text and f"schemaversion {SCHEMA_VERSION}" in text
    assert "100 % ifyllt" in text


def test_user_text_is_data_in_html(content):
    html = render_html(nasty_assessment(), content)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "**fet** och [länk](http://example.com)" in html  # markdown is not rendered
    assert "{{ 7*7 }} {% raw %}" in html and ">49<" not in html  # nor template syntax
    assert "Det här saknas" in html and "Ge initiativet ett namn" not in html  # it has a name


@pytest.mark.slow
def test_pdf_report(content, invoice, tmp_path):
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils is not installed") if not os.environ.get("CI") else pytest.fail("pdftotext saknas")
    pdf = export_bytes(invoice, content, "pdf", revision=7, saved_at="2026-11-22T19:51:00+00:00")
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "rapport.pdf"
    path.write_bytes(pdf)
    pages = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) >= 4
    for number, page in enumerate(pages, start=1):
        assert "E-tjänst för manuell kundfakturering" in page.splitlines()[0]  # the header on every page
        assert f"Sida {number} av {len(pages)}" in page
        assert "Revision 7" in page and f"schemaversion {SCHEMA_VERSION}" in page
    whole = "\n".join(pages).replace(NBSP, " ")
    assert "565 680" in whole and "361 800 kr" in whole and "Nyttorealiseringsplan" in whole
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes " in row for row in rows), fonts  # every font embedded
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "sida")], check=True)
    assert len(list(tmp_path.glob("sida-*.png"))) == len(pages)


@pytest.mark.slow
def test_user_text_is_data_in_pdf(content, tmp_path):
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils is not installed")
    path = tmp_path / "nasty.pdf"
    path.write_bytes(export_bytes(nasty_assessment(), content, "pdf"))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", " ", text)
    assert "<script>alert('x')</script>" in flat
    assert "<img src=x onerror=alert(1)>" in flat
    assert "{{ 7*7 }}" in flat


def libreoffice_recalculated(xlsx: bytes, tmp_path: Path) -> openpyxl.Workbook:
    soffice = shutil.which("soffice")
    if not soffice:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (libreoffice-calc) saknas: .ci/run ska installera det")
        pytest.skip("LibreOffice is not installed")
    source = tmp_path / "kalkyl.xlsx"
    source.write_bytes(xlsx)
    out = tmp_path / "omraknad"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--headless",
            "--calc",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    return openpyxl.load_workbook(out / "kalkyl.xlsx", data_only=True)


def rows_by_label(sheet) -> dict[str, tuple]:
    return {row[0]: row[1:] for row in sheet.iter_rows(values_only=True) if isinstance(row[0], str)}


def mixed_assessment() -> Assessment:
    """Hours and kronor, one-off and recurring, realisable and not, ramp-up: every path of the formulas."""
    return Assessment(
        id="blandat",
        initiative=Initiative(name="Blandad kalkyl"),
        calculation=Calculation(
            start_year=2025,
            years=4,
            hourly_rates={"intern": 500, "inkopt": 900},
            discount_rate_percent=4,
            cost_lines=[
                CostLine(description="Bygge", unit="timmar", rate="inkopt", values=[100, 20, 0, 0]),
                CostLine(description="Licens", kind="lopande", values=[10_000, 12_000, 12_000, 12_000]),
            ],
            benefit_lines=[
                BenefitLine(description="Porto", full_effect_kr=50_000, ramp_percent=[0, 50, 100, 100]),
                BenefitLine(
                    description="Kvalitet", full_effect_kr=20_000, realisable=False, ramp_percent=[100, 100, 100, 100]
                ),
            ],
            freed_time_lines=[
                FreedTimeLine(
                    description="Ärenden",
                    volume_per_year=2_000,
                    minutes_per_case=15,
                    share_percent=40,
                    rate="intern",
                    ramp_percent=[25, 75, 100, 100],
                    realisable=True,
                ),
                FreedTimeLine(
                    description="Samtal",
                    volume_per_year=5_000,
                    minutes_per_case=3,
                    share_percent=50,
                    realisable=False,
                    ramp_percent=[100, 100, 100, 100],
                ),
            ],
        ),
    )


def payback_cases() -> dict[str, Assessment]:
    """Accumulated net that dips below zero again (payback is the year it stays above), and never paid back."""
    dip = Calculation(
        years=3,
        cost_lines=[CostLine(description="Uppgradering", values=[0, 300_000, 0])],
        benefit_lines=[BenefitLine(description="Porto", full_effect_kr=100_000, ramp_percent=[100, 100, 100])],
    )
    never = Calculation(years=2, cost_lines=[CostLine(description="Licens", kind="lopande", values=[5000, 5000])])
    return {
        "dip": Assessment(id="svacka", initiative=Initiative(name="Svacka"), calculation=dip),
        "never": Assessment(id="aldrig", initiative=Initiative(name="Aldrig"), calculation=never),
    }


def cached(xlsx: bytes) -> openpyxl.Workbook:
    """The workbook as a previewer sees it: the cached results only, nothing recalculated."""
    return openpyxl.load_workbook(__import__("io").BytesIO(xlsx), data_only=True)


@pytest.mark.slow
@pytest.mark.parametrize("which", ["invoice", "mixed", "dip", "never"])
def test_xlsx_formulas_recalculated_by_libreoffice_equal_nyttolib(content, invoice, tmp_path, which):
    assessment = {"invoice": invoice, "mixed": mixed_assessment(), **payback_cases()}[which]
    xlsx = export_bytes(assessment, content, "xlsx")
    original = openpyxl.load_workbook(__import__("io").BytesIO(xlsx))
    assert original.sheetnames == ["Indata", "Resultat"]
    formulas = [c for row in original["Resultat"].iter_rows() for c in row if c.data_type == "f"]
    assert len(formulas) > 20, "results must be live formulas, not values"
    assert any('"kr"' in c.number_format for c in formulas)
    result = calculate(assessment, content)
    recalculated = libreoffice_recalculated(xlsx, tmp_path)
    rows = rows_by_label(recalculated["Resultat"])
    years = len(result.year_labels)
    assert rows["Kostnader totalt"][:years] == pytest.approx(result.cost_total)
    assert rows["varav löpande kostnader"][:years] == pytest.approx(result.cost_recurring)
    assert rows["Ekonomisk nytta"][:years] == pytest.approx(result.benefit_realisable)
    assert rows["Övrig värderad nytta (tas inte hem)"][:years] == pytest.approx(result.benefit_not_realisable)
    assert rows["Nettonytta"][:years] == pytest.approx(result.net)
    assert rows["Ackumulerad nettonytta"][:years] == pytest.approx(result.accumulated_net)
    assert rows["Frigjord tid (timmar)"][:years] == pytest.approx(result.freed_hours)
    assert rows["Nettonytta"][years] == pytest.approx(result.total_net)
    assert rows["Frigjord tid vid full effekt (timmar per år)"][0] == pytest.approx(result.full_effect_freed_hours)
    assert rows["Frigjord tid vid full effekt, värde (kr per år)"][0] == pytest.approx(result.full_effect_freed_value)
    assert rows["Årlig realiserbar ekonomisk nettonytta efter full effekt"][0] == pytest.approx(
        result.annual_realisable_net
    )
    assert rows["Nettonytta per satsad krona"][0] == pytest.approx(result.net_per_krona)
    assert rows["Nuvärde av nettonyttan"][0] == pytest.approx(result.npv)
    assert rows["Återbetald"][0] == (result.payback_year or "inte inom kalkylperioden")
    assert rows["Återbetald"][0] == {"dip": "År 3", "never": "inte inom kalkylperioden"}.get(
        which, rows["Återbetald"][0]
    )

    # Every formula carries its result, equal to LibreOffice's recalculation, before anything recalculated.
    previewed = cached(xlsx)
    for sheet in original.sheetnames:
        cells = [c.coordinate for row in original[sheet].iter_rows() for c in row if c.data_type == "f"]
        assert cells or sheet == "Indata"  # Indata has formulas only for lines in hours
        for coordinate in cells:
            value, expected = previewed[sheet][coordinate].value, recalculated[sheet][coordinate].value
            assert value is not None, f"{sheet}!{coordinate} has no cached value"
            assert value == (pytest.approx(expected) if isinstance(expected, int | float) else expected), coordinate


@pytest.mark.slow
def test_xlsx_text_that_looks_like_a_formula_stays_text(content, tmp_path):
    xlsx = export_bytes(nasty_assessment(), content, "xlsx")
    original = openpyxl.load_workbook(__import__("io").BytesIO(xlsx))
    cells = {c.value: c for row in original["Indata"].iter_rows() for c in row if isinstance(c.value, str)}
    for key in ("formula", "plus", "minus", "at"):
        assert cells[NASTY[key]].data_type == "s", key
    recalculated = libreoffice_recalculated(xlsx, tmp_path)
    values = {c.value for row in recalculated["Indata"].iter_rows() for c in row}
    for key in ("formula", "plus", "minus", "at"):
        assert NASTY[key] in values, key  # still the text as typed after LibreOffice read it
    assert recalculated["Indata"]["A1"].value == f"Nyttokalkyl – indata: {NASTY['script']}"


def test_json_export_round_trips(content, invoice):
    assert json.loads(export_bytes(invoice, content, "json")) == json.loads(INVOICE.read_text(encoding="utf-8"))


def test_formats_and_file_names(content, tmp_path):
    assert parse_formats("HTML, pdf,html") == ["html", "pdf"]
    with pytest.raises(ValueError, match="okänt format: docx"):
        parse_formats("html,docx")
    evil = Assessment(id="abcdef123456", initiative=Initiative(name="../../etc/passwd"))
    assert file_stem(evil) == "etc-passwd (abcdef12)"
    written = write_exports(evil, content, ["json"], tmp_path / "ut")
    assert written == [tmp_path / "ut" / "etc-passwd (abcdef12).json"]


@pytest.mark.slow
def test_cli_exports_many_at_once_and_reports_failures(tmp_path):
    bad = tmp_path / "trasig.json"
    bad.write_text("{", encoding="utf-8")
    out = tmp_path / "export"
    env = {**os.environ, "NYTTOLIB_DATA_DIR": str(tmp_path / "data")}
    command = [
        sys.executable,
        "-m",
        "nyttolib",
        "export",
        *map(str, sorted(EXAMPLES.glob("*.json"))),
        str(bad),
        "--format",
        "html,pdf,xlsx,json",
        "--out",
        str(out),
    ]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    examples = len(list(EXAMPLES.glob("*.json")))
    assert result.returncode == 1
    assert f"Exporterade {examples} av {examples + 1} bedömningar" in result.stdout
    assert f"({4 * examples} filer)" in result.stdout
    assert f"- {bad}: Filen är inte giltig JSON (rad 1, kolumn 2)." in result.stdout
    assert f"{examples}/{examples}" in result.stderr  # the progress bar
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == 4 * examples and "E-tjänst för manuell kundfakturering (exempel-).pdf" in names
    html = (out / "E-tjänst för manuell kundfakturering (exempel-).html").read_text(encoding="utf-8")
    assert "565" in html
    usage = subprocess.run(
        [sys.executable, "-m", "nyttolib", "export", str(INVOICE), "--format", "pdf"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert usage.returncode == 2 and "ange --out" in usage.stderr


def test_report_says_what_a_blank_assessment_and_nej_answers_mean(content, invoice):
    """Item 8: no "klar" for an empty plan, no "Återbetald: År 1" without costs, NEJ answers named."""
    blank = text_of(render_html(Assessment(), content))
    assert "Nyttorealiseringsplan: Ej påbörjad (väntar på Nytta)" in blank
    assert "Återbetald – (kalkylen har inga kostnader ännu)" in blank
    assert "Övervägande del innovation 25% - 75%" in blank
    assert "Inget saknas" not in blank
    nej = invoice.model_copy(deep=True)
    nej.prerequisites["finansiering_och_resurser"].answer = "nej"
    nej.calculation.freed_time_lines[0].realisable = None
    report = text_of(render_html(nej, content))
    assert "Ej valt om den tas hem som pengar".lower() in report.lower()
    nej.calculation.freed_time_lines[0].realisable = True
    report = text_of(render_html(nej, content))
    assert "Inget saknas – bedömningen är komplett." in report
    assert "Observera: en förutsättning är bedömd med NEJ: ”Finansiering och resurser säkrade”." in report


def test_xlsx_carries_cached_results_without_any_recalculation(content):
    """What a previewer shows (cached values only) is nyttolib's own calculation, payback year included."""
    assessment = mixed_assessment()
    result = calculate(assessment, content)
    rows = rows_by_label(cached(export_bytes(assessment, content, "xlsx"))["Resultat"])
    assert rows["Nettonytta"][:4] == pytest.approx(result.net)
    assert rows["Ackumulerad nettonytta"][:4] == pytest.approx([-75_000, -5_000, 133_000, 271_000])
    assert rows["Nuvärde av nettonyttan"][0] == pytest.approx(result.npv)
    assert rows["Återbetald"][0] == "2027" == result.payback_year


def test_cached_values_of_the_formulas_nyttolib_writes():
    """Hand-computed results for each construct the evaluator knows, and errors as spreadsheets give them."""
    from openpyxl import Workbook

    from nyttolib.exports.cached_values import FormulaError, cached_values, with_cached_values

    book = Workbook()
    sheet = book.active
    sheet.title = "Indata"
    other = book.create_sheet("Resultat")
    for row, (kind, amount) in enumerate(
        [("Löpande kostnad", 100), ("Engångskostnad", 40), ("Löpande kostnad", 2.5)], 1
    ):
        sheet.cell(row=row, column=1, value=kind)
        sheet.cell(row=row, column=2, value=amount)
    formulas = {
        "A1": ("=Indata!B1+Indata!B2*2-Indata!B3/5", 100 + 80 - 0.5),
        "A2": ('=SUMIF(Indata!$A$1:$A$3,"löpande kostnad",Indata!$B$1:$B$3)', 102.5),
        "A3": ("=SUM(Indata!B1:B3)+SUM(A1,1)", 142.5 + 180.5),
        "A4": ("=NPV(10/100,Indata!B1:B2)", 100 / 1.1 + 40 / 1.21),
        "A5": ('=IF(Indata!B2=0,"–",Indata!B1/Indata!B2)', 2.5),
        "A6": ('=IF(Indata!C1=0,"–",Indata!B1/Indata!C1)', "–"),  # the division by zero is never evaluated
        "A7": ("=Indata!B1/Indata!C1", FormulaError("#DIV/0!")),
        "A8": ("=-(1-Indata!B3)*A5", 3.75),
        "A9": ('=IF(A1<0,"inte inom kalkylperioden",IF(A7<0,B9,C9))', None),
        "A10": ("=" + "+".join(["Indata!B1"] * 2000), 200_000),  # long sums do not recurse
    }
    for coordinate, (formula, _) in formulas.items():
        other[coordinate] = formula
    other["C9"] = "2027"
    values = cached_values(book)["Resultat"]
    for coordinate, (_, expected) in formulas.items():
        if isinstance(expected, FormulaError):
            assert values[coordinate].code == expected.code
        elif expected is None:
            assert values[coordinate].code == "#DIV/0!"  # an error propagates through what refers to it
        else:
            assert values[coordinate] == (expected if isinstance(expected, str) else pytest.approx(expected))
    buffer = __import__("io").BytesIO()
    book.save(buffer)
    reopened = cached(with_cached_values(buffer.getvalue(), cached_values(book)))
    assert reopened["Resultat"]["A1"].value == pytest.approx(179.5) and reopened["Resultat"]["A6"].value == "–"
    assert reopened["Resultat"]["A7"].value == "#DIV/0!"
    formulas_kept = openpyxl.load_workbook(__import__("io").BytesIO(with_cached_values(buffer.getvalue(), {})))
    assert formulas_kept["Resultat"]["A2"].value == formulas["A2"][0]


def test_the_fast_formula_tokenizer_reads_every_formula_as_openpyxls_does(content, invoice, study, infrastructure):
    from openpyxl.formula.tokenizer import Token, Tokenizer

    from nyttolib.exports.cached_values import _fast_tokens, tokenize

    formulas = ["=-(1-B3)*A5%", "='Min flik'!B3+1", '=IF(A1<>"x",TRUE,1E+3)', '=SUMIF(A1:A3,"a ""b""",B1:B3)']
    for assessment in (invoice, study, infrastructure, mixed_assessment(), nasty_assessment()):
        book = openpyxl.load_workbook(__import__("io").BytesIO(export_bytes(assessment, content, "xlsx")))
        formulas += [c.value for sheet in book for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert len(formulas) > 100
    for formula in formulas:
        expected = [(t.value, t.type, t.subtype) for t in Tokenizer(formula).items if t.type != Token.WSPACE]
        assert [(t.value, t.type, t.subtype) for t in tokenize(formula)] == expected, formula
        assert _fast_tokens(formula) is not None, formula  # read by the fast path, not the fallback
