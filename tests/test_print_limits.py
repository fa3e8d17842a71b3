"""The printed beslutsunderlag (PDF) keeps to its print limits, so any valid assessment prints fast; the
HTML report holds everything. Lists and texts that fit are printed whole; where the PDF shortens, it says
so at the place and at the top (speed: bench/bench_export.py worst)."""

from __future__ import annotations

import re

import pytest
from longtext import SWEDISH, filled, repeated
from pydantic import ValidationError

from nyttolib.assessment.model import MAX_ROWS, MAX_YEARS, Assessment, CostLine
from nyttolib.exports import report
from nyttolib.exports.print_limits import shortened, water_level
from nyttolib.exports.report import render_html, render_printed_html


def test_water_level_by_hand():
    assert water_level([3, 5, 2], 10) is None  # 10 fit in 10
    assert water_level([3, 5, 2], 9) == 4  # 3 + 4 + 2
    assert water_level([10, 10, 1], 7) == 3  # 3 + 3 + 1
    assert water_level([100], 0) == 0
    assert water_level([], 5) is None
    assert water_level([4, 4], 10, weights=[3, 1]) == 2  # 3×2 + 2 = 8 ≤ 10; 3×3 + 3 = 12 > 10


def test_a_shortened_text_says_how_much_it_shows():
    assert shortened("kort", 10) == "kort"
    text = "ett två tre fyra fem sex sju åtta nio tio"
    cut = shortened(text, 20)
    assert cut == "ett två tre fyra … [förkortad: 16 av 41 tecken]"  # cut at the space before 20
    assert shortened("a" * 50, 20) == "a" * 20 + " … [förkortad: 20 av 50 tecken]"  # no space near: at 20


def test_an_ordinary_assessment_prints_whole(content, examples):
    """Every example fits the limits: the PDF's version is the HTML report itself, with no notice."""
    for document in examples:
        name = document.initiative.name
        html = render_html(document, content)
        assert render_printed_html(document, content) == html, name
        assert "förkortad" not in html, name


def test_long_texts_share_the_print_budget(content, invoice):
    """Every text at its limit (≈ 777 000 characters): the PDF's version prints at most the budget (and a
    marker per shortened text), says so at the top, and the HTML report still holds every character."""
    document = filled(invoice, content, repeated(SWEDISH))
    limits = content.settings.print_limits
    html, printed = render_html(document, content), render_printed_html(document, content)
    assert document.initiative.description.replace(" ", "") in html.replace(" ", "").replace("\u200b", "")
    assert limits.notice in printed and limits.notice not in html
    markers = re.findall(r" … \[förkortad: ([\d\u00a0]+) av ([\d\u00a0]+) tecken\]", printed)
    shown, whole = ([int(n.replace("\u00a0", "")) for n in numbers] for numbers in zip(*markers, strict=True))
    assert len(shown) >= 30 and set(whole) == {20_000, 500}  # every long field, the short ones at their 500
    assert sum(shown) <= limits.characters
    assert min(shown) >= 0.8 * max(shown) - 1  # an equal share each (a cut moves back to a space)
    assert "[förkortad: " in printed.split("Beskrivning av initiativet", 1)[1][:5_000]


def test_long_lists_are_cut_to_the_same_number_of_rows(content, invoice):
    """Every list at MAX_ROWS rows: the PDF's version prints as many rows of each as the row budget
    allows, says how many of how many at each list, and the HTML report has them all."""
    document = invoice.model_copy(deep=True)
    document.calculation.cost_lines = [
        CostLine(description=f"Kostnadsrad {i}", values=[100.0] * document.calculation.years) for i in range(MAX_ROWS)
    ]
    document.plan.risks = [{"risk": f"Risk nummer {i}", "handling": "Hanteras"} for i in range(MAX_ROWS)]
    document = Assessment.model_validate(document.model_dump())
    html, printed = render_html(document, content), render_printed_html(document, content)
    assert all(f">Kostnadsrad {i}<" in html for i in range(MAX_ROWS))
    shown = [i for i in range(MAX_ROWS) if f">Kostnadsrad {i}<" in printed]
    assert shown == list(range(len(shown))) and 10 <= len(shown) < MAX_ROWS  # the first ones, in order
    assert f"Utskriften visar {len(shown)} av {MAX_ROWS} kostnader. Alla finns i HTML-versionen." in printed
    risks = [i for i in range(MAX_ROWS) if f">Risk nummer {i}<" in printed]
    assert len(risks) == len(shown)  # both long lists get the same share
    assert f"Utskriften visar {len(shown)} av {MAX_ROWS} risker." in printed
    assert content.settings.print_limits.notice in printed
    # The sums are over every row, in the printed version too.
    total = report.report_context(document, content)["result"].total_cost
    assert f"{round(total):,}".replace(",", "\u00a0") in printed


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["calculation"].update(cost_lines=[{"description": "x"}] * (MAX_ROWS + 1)),
        lambda d: d["plan"].update(risks=[{"risk": "x"}] * (MAX_ROWS + 1)),
        lambda d: d.update(benefits=[{"description": "x"}] * (MAX_ROWS + 1)),
        lambda d: d["calculation"].update(cost_lines=[{"description": "x", "values": [1.0] * (MAX_YEARS + 1)}]),
    ],
    ids=["cost lines", "risks", "benefits", "values per year"],
)
def test_the_model_refuses_more_rows_than_it_holds(change):
    data = Assessment().model_dump()
    change(data)
    with pytest.raises(ValidationError) as error:
        Assessment.model_validate(data)
    assert error.value.errors()[0]["type"] == "too_long"


def test_a_long_calculation_prints_its_years_as_rows(content, invoice):
    """30 years of large figures made 15 tables of two years each per list; printed, the years are the
    rows of one table (with the sums), and the lines show their sum over the years. The HTML keeps the
    tables year by year."""
    document = invoice.model_copy(deep=True)
    calc = document.calculation
    calc.years = 30
    for line in calc.cost_lines:
        line.values = (line.values * 30)[:30]
    document = Assessment.model_validate(document.model_dump())
    html, printed = render_html(document, content), render_printed_html(document, content)
    assert html.count("<caption>Per år (kr),") > 2 and 'class="grid figures by-year"' not in html
    by_year = printed.split('class="grid figures by-year"', 1)[1].split("</table>", 1)[0]
    years = re.findall(r'<tr><th scope="row">(\d{4})</th>', by_year)
    assert years == [str(calc.start_year + i) for i in range(30)] and ">Summa</th>" in by_year
    assert printed.count("<caption>Per år (kr)") == 1
    assert "Kostnader, summa över 30 år (per år i HTML-versionen och i xlsx-filen)" in printed
    total = report.report_context(document, content)["result"].total_cost
    assert f"{round(total):,}".replace(",", "\u00a0") in by_year
