"""The nyttokalkyl as an Excel workbook with live formulas, so an economist can continue in Excel.

Sheet "Indata" holds every input (rates, cost lines, freed time, benefit lines); sheet "Resultat"
computes everything from it with formulas: cost, benefit and net per year, accumulated net, freed
hours and their value, the annual realisable net after full effect. Change an input and Excel (or
LibreOffice) recalculates. User text is always written as text, never as a formula: a description
that starts with "=", "+", "-" or "@" stays exactly as typed.
"""

from __future__ import annotations

import io
from typing import Any

from nyttolib.assessment.calculations import fit_years
from nyttolib.assessment.model import Assessment
from nyttolib.content import Content

MONEY = '#,##0 "kr"'
HOURS = '#,##0 "h"'
PERCENT = '0 "%"'
RATIO = "0.00"
KIND_LABELS = {"engangs": "Engångskostnad", "lopande": "Löpande kostnad"}
UNIT_LABELS = {"kr": "Kronor", "timmar": "Timmar"}


def _column(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def write_text(cell: Any, text: str | None) -> None:
    """A cell that holds text as text: never interpreted as a formula, whatever it starts with."""
    cell.value = text or ""
    cell.data_type = "s"
    if text and text[0] in "=+-@":
        cell.quotePrefix = True  # Excel shows the value as typed and does not reparse it on edit


def calculation_workbook(assessment: Assessment, content: Content) -> bytes:
    """The workbook as .xlsx bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    calc = assessment.calculation
    years = calc.years
    labels = [str(calc.start_year + y) if calc.start_year else f"År {y + 1}" for y in range(years)]
    bold = Font(bold=True)
    title_font = Font(bold=True, size=14)
    input_fill = PatternFill("solid", fgColor="FFF4C2")

    book = Workbook()
    inputs = book.active
    inputs.title = "Indata"
    results = book.create_sheet("Resultat")

    write_text(inputs["A1"], f"Nyttokalkyl – indata: {assessment.initiative.name}")
    inputs["A1"].font = title_font
    write_text(inputs["A2"], "Ändra de gula cellerna; bladet Resultat räknar om med formler.")
    row = 4

    def heading(sheet, at: int, *titles: str) -> None:
        for offset, title in enumerate(titles):
            cell = sheet.cell(row=at, column=1 + offset)
            write_text(cell, title)
            cell.font = bold

    def number(sheet, at: int, column: int, value: Any, fmt: str, editable: bool = True) -> Any:
        cell = sheet.cell(row=at, column=column, value=value)
        cell.number_format = fmt
        if editable:
            cell.fill = input_fill
        return cell

    # Rates, period and discount rate.
    heading(inputs, row, "Timpriser", "kr/h")
    rate_cells: dict[str, str] = {}
    for rate in content.settings.hourly_rates:
        row += 1
        write_text(inputs.cell(row=row, column=1), rate.label)
        value = calc.hourly_rates.get(rate.id, rate.kr_per_hour)
        number(inputs, row, 2, value, MONEY)
        rate_cells[rate.id] = f"Indata!$B${row}"
    row += 2
    write_text(inputs.cell(row=row, column=1), "Diskonteringsränta (%)")
    discount = calc.discount_rate_percent
    if discount is None:
        discount = content.settings.default_discount_rate_percent
    number(inputs, row, 2, discount, "0.0")
    discount_cell = f"Indata!$B${row}"

    year_columns = list(range(5, 5 + years))  # E, F, … in both sheets' line tables

    # Cost lines.
    row += 2
    heading(inputs, row, "Kostnad", "Typ", "Enhet", "Timpris (kr/h)", *labels)
    cost_rows = []
    for line in calc.cost_lines:
        row += 1
        cost_rows.append((row, line))
        write_text(inputs.cell(row=row, column=1), line.description)
        write_text(inputs.cell(row=row, column=2), KIND_LABELS[line.kind])
        write_text(inputs.cell(row=row, column=3), UNIT_LABELS[line.unit])
        if line.unit == "timmar":
            number(inputs, row, 4, f"={rate_cells.get(line.rate, rate_cells[next(iter(rate_cells))])}", MONEY, False)
        for column, value in zip(year_columns, fit_years(line.values, years), strict=True):
            number(inputs, row, column, value, HOURS if line.unit == "timmar" else MONEY)

    # Freed time.
    row += 2
    heading(
        inputs,
        row,
        "Frigjord tid",
        "Volym per år",
        "Minuter per ärende",
        "Andel som påverkas (%)",
        "Timpris (kr/h)",
        "Tas hem (1 = ja, 0 = nej)",
        *[f"Effekt {label} (%)" for label in labels],
    )
    freed_rows = []
    for line in calc.freed_time_lines:
        row += 1
        freed_rows.append((row, line))
        write_text(inputs.cell(row=row, column=1), line.description)
        number(inputs, row, 2, line.volume_per_year, "#,##0")
        number(inputs, row, 3, line.minutes_per_case, "0.0")
        number(inputs, row, 4, line.share_percent, PERCENT)
        number(inputs, row, 5, f"={rate_cells.get(line.rate, rate_cells[next(iter(rate_cells))])}", MONEY, False)
        number(inputs, row, 6, 1 if line.realisable else 0, "0")
        for offset, value in enumerate(fit_years(line.ramp_percent, years)):
            number(inputs, row, 7 + offset, value, PERCENT)

    # Other benefit lines.
    row += 2
    heading(
        inputs,
        row,
        "Nytta",
        "Kategori",
        "Årlig nytta vid full effekt",
        "Kan realiseras (1 = ja, 0 = nej)",
        *[f"Effekt {label} (%)" for label in labels],
    )
    benefit_rows = []
    categories = {c.id: c.label for c in content.benefits.categories}
    for line in calc.benefit_lines:
        row += 1
        benefit_rows.append((row, line))
        write_text(inputs.cell(row=row, column=1), line.description)
        write_text(inputs.cell(row=row, column=2), categories.get(line.category or "", ""))
        number(inputs, row, 3, line.full_effect_kr, MONEY)
        number(inputs, row, 4, 1 if line.realisable else 0, "0")
        for offset, value in enumerate(fit_years(line.ramp_percent, years)):
            number(inputs, row, 5 + offset, value, PERCENT)
    inputs.column_dimensions["A"].width = 48
    for column in range(2, 8 + years):
        inputs.column_dimensions[_column(column)].width = 16

    # -- Resultat ---------------------------------------------------------------------------------
    write_text(results["A1"], f"Nyttokalkyl – resultat: {assessment.initiative.name}")
    results["A1"].font = title_font
    result_columns = [2 + y for y in range(years)]  # B, C, …
    total_column = 2 + years
    heading(results, 3, "")
    for column, label in zip(result_columns, labels, strict=True):
        write_text(results.cell(row=3, column=column), label)
        results.cell(row=3, column=column).font = bold
    write_text(results.cell(row=3, column=total_column), "Summa")
    results.cell(row=3, column=total_column).font = bold
    out = 3

    def result_row(label: str, formulas: list[str], fmt: str, total: bool = True, strong: bool = False) -> int:
        nonlocal out
        out += 1
        write_text(results.cell(row=out, column=1), label)
        for column, formula in zip(result_columns, formulas, strict=True):
            number(results, out, column, formula, fmt, False)
        if total:
            first, last = _column(result_columns[0]), _column(result_columns[-1])
            number(results, out, total_column, f"=SUM({first}{out}:{last}{out})", fmt, False)
        if strong:
            for column in range(1, total_column + 1):
                results.cell(row=out, column=column).font = bold
        return out

    cost_result_rows = []
    for source_row, line in cost_rows:
        formulas = []
        for column in year_columns:
            cell = f"Indata!{_column(column)}{source_row}"
            formulas.append(f"={cell}*Indata!$D${source_row}" if line.unit == "timmar" else f"={cell}")
        cost_result_rows.append(result_row(f"Kostnad: {line.description}", formulas, MONEY))

    hours_rows, value_rows = [], []
    for source_row, line in freed_rows:
        hours = [
            f"=Indata!$B${source_row}*Indata!$C${source_row}/60*Indata!$D${source_row}/100"
            f"*Indata!{_column(7 + y)}{source_row}/100"
            for y in range(years)
        ]
        hours_row = result_row(f"Frigjord tid (timmar): {line.description}", hours, HOURS)
        values = [f"={_column(c)}{hours_row}*Indata!$E${source_row}" for c in result_columns]
        value_rows.append((result_row(f"Frigjord tid (kr): {line.description}", values, MONEY), source_row))
        hours_rows.append(hours_row)

    benefit_result_rows = []
    for source_row, line in benefit_rows:
        values = [f"=Indata!$C${source_row}*Indata!{_column(5 + y)}{source_row}/100" for y in range(years)]
        benefit_result_rows.append((result_row(f"Nytta: {line.description}", values, MONEY), source_row))

    def per_year(build) -> list[str]:
        return [build(_column(column)) for column in result_columns]

    def sum_of(rows: list[int], column: str) -> str:
        return "+".join(f"{column}{r}" for r in rows) if rows else "0"

    def flagged(column: str, realisable: bool) -> str:
        """Sum of the benefit rows in `column`, each weighted by its 'taken home' flag (or 1 − flag)."""

        def weight(flag: str) -> str:
            return flag if realisable else f"(1-{flag})"

        terms = [f"{column}{r}*{weight(f'Indata!$F${s}')}" for r, s in value_rows]
        terms += [f"{column}{r}*{weight(f'Indata!$D${s}')}" for r, s in benefit_result_rows]
        return "+".join(terms) if terms else "0"

    out += 1
    cost_total = result_row(
        "Kostnader totalt", per_year(lambda c: f"={sum_of(cost_result_rows, c)}"), MONEY, strong=True
    )
    cost_range_in = f"Indata!$B${cost_rows[0][0]}:$B${cost_rows[-1][0]}" if cost_rows else None
    recurring = result_row(
        "varav löpande kostnader",
        per_year(
            lambda c: (
                (f'=SUMIF({cost_range_in},"Löpande kostnad",{c}{cost_result_rows[0]}:{c}{cost_result_rows[-1]})')
                if cost_rows
                else "=0"
            )
        ),
        MONEY,
    )
    benefit = result_row("Ekonomisk nytta", per_year(lambda c: f"={flagged(c, True)}"), MONEY, strong=True)
    result_row("Övrig värderad nytta (tas inte hem)", per_year(lambda c: f"={flagged(c, False)}"), MONEY)
    net = result_row("Nettonytta", per_year(lambda c: f"={c}{benefit}-{c}{cost_total}"), MONEY, strong=True)
    accumulated_formulas = []
    for index, column in enumerate(result_columns):
        letter = _column(column)
        previous = _column(column - 1)
        accumulated_formulas.append(f"={letter}{net}" if index == 0 else f"={previous}{out + 1}+{letter}{net}")
    accumulated = result_row("Ackumulerad nettonytta", accumulated_formulas, MONEY, total=False)
    result_row("Frigjord tid (timmar)", per_year(lambda c: f"={sum_of(hours_rows, c)}"), HOURS)

    out += 2
    write_text(results.cell(row=out, column=1), "Nyckeltal")
    results.cell(row=out, column=1).font = bold
    last = _column(result_columns[-1])
    first = _column(result_columns[0])
    second = _column(result_columns[1]) if years > 1 else first
    full_hours = "+".join(f"Indata!$B${s}*Indata!$C${s}/60*Indata!$D${s}/100" for s, _ in freed_rows) or "0"
    full_value = (
        "+".join(f"Indata!$B${s}*Indata!$C${s}/60*Indata!$D${s}/100*Indata!$E${s}" for s, _ in freed_rows) or "0"
    )
    full_realisable = (
        "+".join(
            [f"Indata!$B${s}*Indata!$C${s}/60*Indata!$D${s}/100*Indata!$E${s}*Indata!$F${s}" for s, _ in freed_rows]
            + [f"Indata!$C${s}*Indata!$D${s}" for s, _ in benefit_rows]
        )
        or "0"
    )
    figures = [
        ("Frigjord tid vid full effekt (timmar per år)", f"={full_hours}", HOURS),
        ("Frigjord tid vid full effekt, värde (kr per år)", f"={full_value}", MONEY),
        ("Realiserbar nytta vid full effekt (kr per år)", f"={full_realisable}", MONEY),
        ("Löpande kostnad vid full effekt (kr per år)", f"={last}{recurring}", MONEY),
        ("Årlig realiserbar ekonomisk nettonytta efter full effekt", f"=({full_realisable})-{last}{recurring}", MONEY),
        ("Ackumulerad ekonomisk nettonytta", f"={last}{accumulated}", MONEY),
        (
            "Nettonytta per satsad krona",
            f'=IF({_column(total_column)}{cost_total}=0,"–",'
            f"{_column(total_column)}{net}/{_column(total_column)}{cost_total})",
            RATIO,
        ),
        (
            "Nuvärde av nettonyttan",
            f"={first}{net}" + (f"+NPV({discount_cell}/100,{second}{net}:{last}{net})" if years > 1 else ""),
            MONEY,
        ),
    ]
    for label, formula, fmt in figures:
        out += 1
        write_text(results.cell(row=out, column=1), label)
        number(results, out, 2, formula, fmt, False)
    results.column_dimensions["A"].width = 58
    for column in range(2, total_column + 1):
        results.column_dimensions[_column(column)].width = 16
    for sheet in (inputs, results):
        for cells in sheet.iter_rows():
            for cell in cells:
                cell.alignment = Alignment(vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
