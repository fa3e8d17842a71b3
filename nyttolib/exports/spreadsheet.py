"""The nyttokalkyl as an Excel workbook with live formulas, so an economist can continue in Excel.

Sheet "Indata" holds every input (rates, cost lines, freed time, benefit lines); sheet "Resultat"
computes everything from it with formulas: cost, benefit and net per year, accumulated net, freed
hours and their value, the annual realisable net after full effect, the payback year. Change an input
and Excel (or LibreOffice) recalculates; each formula also carries its computed result
(`nyttolib.exports.cached_values`), so previewers that never recalculate show the figures.
User text is always written as text, never as a formula: a description that starts with "=", "+",
"-" or "@" stays exactly as typed.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from nyttolib.assessment.calculations import fit_years
from nyttolib.assessment.model import Assessment
from nyttolib.content import Content
from nyttolib.exports.cached_values import cached_values, with_cached_values

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
    sheets = _CalculationSheets(assessment, content)
    sheets.write_inputs()
    sheets.write_results()
    return sheets.to_bytes()


class _CalculationSheets:
    """The two sheets being written, and where each input and result landed (formulas refer to them)."""

    def __init__(self, assessment: Assessment, content: Content):
        from openpyxl import Workbook
        from openpyxl.styles import Font, PatternFill

        self.assessment = assessment
        self.content = content
        self.calc = assessment.calculation
        self.years = self.calc.years
        start = self.calc.start_year
        self.labels = [str(start + y) if start else f"År {y + 1}" for y in range(self.years)]
        self.bold = Font(bold=True)
        self.title_font = Font(bold=True, size=14)
        self.input_fill = PatternFill("solid", fgColor="FFF4C2")
        self.book = Workbook()
        self.inputs = self.book.active
        self.inputs.title = "Indata"
        self.results = self.book.create_sheet("Resultat")
        self.year_columns = list(range(5, 5 + self.years))  # E, F, … in both sheets' line tables
        self.result_columns = [2 + y for y in range(self.years)]  # B, C, …
        self.total_column = 2 + self.years
        self.row = 4  # the next free row on Indata (after the title)
        self.out = 3  # the last row written on Resultat

    # -- cells ------------------------------------------------------------------------------------
    def heading(self, sheet: Any, at: int, *titles: str) -> None:
        for offset, title in enumerate(titles):
            cell = sheet.cell(row=at, column=1 + offset)
            write_text(cell, title)
            cell.font = self.bold

    def number(self, sheet: Any, at: int, column: int, value: Any, fmt: str, editable: bool = True) -> Any:
        cell = sheet.cell(row=at, column=column, value=value)
        cell.number_format = fmt
        if editable:
            cell.fill = self.input_fill
        return cell

    def rate_formula(self, rate_id: str) -> str:
        return f"={self.rate_cells.get(rate_id, self.rate_cells[next(iter(self.rate_cells))])}"

    # -- Indata -----------------------------------------------------------------------------------
    def write_inputs(self) -> None:
        inputs = self.inputs
        write_text(inputs["A1"], f"Nyttokalkyl – indata: {self.assessment.initiative.name}")
        inputs["A1"].font = self.title_font
        write_text(inputs["A2"], "Ändra de gula cellerna; bladet Resultat räknar om med formler.")
        self._write_rates()
        self._write_cost_inputs()
        self._write_freed_time_inputs()
        self._write_benefit_inputs()
        inputs.column_dimensions["A"].width = 48
        for column in range(2, 8 + self.years):
            inputs.column_dimensions[_column(column)].width = 16

    def _write_rates(self) -> None:
        """Hourly rates, then the discount rate."""
        inputs, calc = self.inputs, self.calc
        self.heading(inputs, self.row, "Timpriser", "kr/h")
        self.rate_cells: dict[str, str] = {}
        for rate in self.content.settings.hourly_rates:
            self.row += 1
            write_text(inputs.cell(row=self.row, column=1), rate.label)
            self.number(inputs, self.row, 2, calc.hourly_rates.get(rate.id, rate.kr_per_hour), MONEY)
            self.rate_cells[rate.id] = f"Indata!$B${self.row}"
        self.row += 2
        write_text(inputs.cell(row=self.row, column=1), "Diskonteringsränta (%)")
        discount = calc.discount_rate_percent
        if discount is None:
            discount = self.content.settings.default_discount_rate_percent
        self.number(inputs, self.row, 2, discount, "0.0")
        self.discount_cell = f"Indata!$B${self.row}"

    def _write_cost_inputs(self) -> None:
        inputs = self.inputs
        self.row += 2
        self.heading(inputs, self.row, "Kostnad", "Typ", "Enhet", "Timpris (kr/h)", *self.labels)
        self.cost_rows = []
        for line in self.calc.cost_lines:
            self.row += 1
            row = self.row
            self.cost_rows.append((row, line))
            write_text(inputs.cell(row=row, column=1), line.description)
            write_text(inputs.cell(row=row, column=2), KIND_LABELS[line.kind])
            write_text(inputs.cell(row=row, column=3), UNIT_LABELS[line.unit])
            if line.unit == "timmar":
                self.number(inputs, row, 4, self.rate_formula(line.rate), MONEY, False)
            for column, value in zip(self.year_columns, fit_years(line.values, self.years), strict=True):
                self.number(inputs, row, column, value, HOURS if line.unit == "timmar" else MONEY)

    def _write_freed_time_inputs(self) -> None:
        inputs = self.inputs
        self.row += 2
        self.heading(
            inputs,
            self.row,
            "Frigjord tid",
            "Volym per år",
            "Minuter per ärende",
            "Andel som påverkas (%)",
            "Timpris (kr/h)",
            "Tas hem (1 = ja, 0 = nej)",
            *[f"Effekt {label} (%)" for label in self.labels],
        )
        self.freed_rows = []
        for line in self.calc.freed_time_lines:
            self.row += 1
            row = self.row
            self.freed_rows.append((row, line))
            write_text(inputs.cell(row=row, column=1), line.description)
            self.number(inputs, row, 2, line.volume_per_year, "#,##0")
            self.number(inputs, row, 3, line.minutes_per_case, "0.0")
            self.number(inputs, row, 4, line.share_percent, PERCENT)
            self.number(inputs, row, 5, self.rate_formula(line.rate), MONEY, False)
            self.number(inputs, row, 6, 1 if line.realisable else 0, "0")
            for offset, value in enumerate(fit_years(line.ramp_percent, self.years)):
                self.number(inputs, row, 7 + offset, value, PERCENT)

    def _write_benefit_inputs(self) -> None:
        """Other benefit lines, valued in kronor."""
        inputs = self.inputs
        self.row += 2
        self.heading(
            inputs,
            self.row,
            "Nytta",
            "Kategori",
            "Årlig nytta vid full effekt",
            "Kan realiseras (1 = ja, 0 = nej)",
            *[f"Effekt {label} (%)" for label in self.labels],
        )
        self.benefit_rows = []
        categories = {c.id: c.label for c in self.content.benefits.categories}
        for line in self.calc.benefit_lines:
            self.row += 1
            row = self.row
            self.benefit_rows.append((row, line))
            write_text(inputs.cell(row=row, column=1), line.description)
            write_text(inputs.cell(row=row, column=2), categories.get(line.category or "", ""))
            self.number(inputs, row, 3, line.full_effect_kr, MONEY)
            self.number(inputs, row, 4, 1 if line.realisable else 0, "0")
            for offset, value in enumerate(fit_years(line.ramp_percent, self.years)):
                self.number(inputs, row, 5 + offset, value, PERCENT)

    # -- Resultat ---------------------------------------------------------------------------------
    def write_results(self) -> None:
        self._write_result_header()
        self._write_line_results()
        self._write_totals()
        self._write_key_figures()
        results = self.results
        results.column_dimensions["A"].width = 58
        for column in range(2, self.total_column + 1):
            results.column_dimensions[_column(column)].width = 16

    def _write_result_header(self) -> None:
        results = self.results
        write_text(results["A1"], f"Nyttokalkyl – resultat: {self.assessment.initiative.name}")
        results["A1"].font = self.title_font
        self.heading(results, 3, "")
        for column, label in zip(self.result_columns, self.labels, strict=True):
            write_text(results.cell(row=3, column=column), label)
            results.cell(row=3, column=column).font = self.bold
        write_text(results.cell(row=3, column=self.total_column), "Summa")
        results.cell(row=3, column=self.total_column).font = self.bold

    def result_row(self, label: str, formulas: list[str], fmt: str, total: bool = True, strong: bool = False) -> int:
        """One row of per-year formulas (and their sum), on the next row of Resultat."""
        results = self.results
        self.out += 1
        out = self.out
        write_text(results.cell(row=out, column=1), label)
        for column, formula in zip(self.result_columns, formulas, strict=True):
            self.number(results, out, column, formula, fmt, False)
        if total:
            first, last = _column(self.result_columns[0]), _column(self.result_columns[-1])
            self.number(results, out, self.total_column, f"=SUM({first}{out}:{last}{out})", fmt, False)
        if strong:
            for column in range(1, self.total_column + 1):
                results.cell(row=out, column=column).font = self.bold
        return out

    def per_year(self, build: Callable[[str], str]) -> list[str]:
        return [build(_column(column)) for column in self.result_columns]

    def _write_line_results(self) -> None:
        """Each line's cost, freed hours and their value, or benefit, per year."""
        years = self.years
        self.cost_result_rows = []
        for source_row, line in self.cost_rows:
            formulas = []
            for column in self.year_columns:
                cell = f"Indata!{_column(column)}{source_row}"
                formulas.append(f"={cell}*Indata!$D${source_row}" if line.unit == "timmar" else f"={cell}")
            self.cost_result_rows.append(self.result_row(f"Kostnad: {line.description}", formulas, MONEY))

        self.hours_rows, self.value_rows = [], []
        for source_row, line in self.freed_rows:
            hours = [
                f"=Indata!$B${source_row}*Indata!$C${source_row}/60*Indata!$D${source_row}/100"
                f"*Indata!{_column(7 + y)}{source_row}/100"
                for y in range(years)
            ]
            hours_row = self.result_row(f"Frigjord tid (timmar): {line.description}", hours, HOURS)
            values = [f"={_column(c)}{hours_row}*Indata!$E${source_row}" for c in self.result_columns]
            value_row = self.result_row(f"Frigjord tid (kr): {line.description}", values, MONEY)
            self.value_rows.append((value_row, source_row))
            self.hours_rows.append(hours_row)

        self.benefit_result_rows = []
        for source_row, line in self.benefit_rows:
            values = [f"=Indata!$C${source_row}*Indata!{_column(5 + y)}{source_row}/100" for y in range(years)]
            benefit_row = self.result_row(f"Nytta: {line.description}", values, MONEY)
            self.benefit_result_rows.append((benefit_row, source_row))

    def flagged(self, column: str, realisable: bool) -> str:
        """Sum of the benefit rows in `column`, each weighted by its 'taken home' flag (or 1 − flag)."""

        def weight(flag: str) -> str:
            return flag if realisable else f"(1-{flag})"

        terms = [f"{column}{r}*{weight(f'Indata!$F${s}')}" for r, s in self.value_rows]
        terms += [f"{column}{r}*{weight(f'Indata!$D${s}')}" for r, s in self.benefit_result_rows]
        return "+".join(terms) if terms else "0"

    def _write_totals(self) -> None:
        """Costs, benefits, net and accumulated net per year, and the freed hours."""
        cost_rows, cost_result_rows = self.cost_rows, self.cost_result_rows
        self.out += 1
        self.cost_total = self.result_row(
            "Kostnader totalt", self.per_year(lambda c: f"={_sum_of(cost_result_rows, c)}"), MONEY, strong=True
        )
        cost_range_in = f"Indata!$B${cost_rows[0][0]}:$B${cost_rows[-1][0]}" if cost_rows else None
        self.recurring = self.result_row(
            "varav löpande kostnader",
            self.per_year(
                lambda c: (
                    (f'=SUMIF({cost_range_in},"Löpande kostnad",{c}{cost_result_rows[0]}:{c}{cost_result_rows[-1]})')
                    if cost_rows
                    else "=0"
                )
            ),
            MONEY,
        )
        benefit = self.result_row(
            "Ekonomisk nytta", self.per_year(lambda c: f"={self.flagged(c, True)}"), MONEY, strong=True
        )
        self.result_row(
            "Övrig värderad nytta (tas inte hem)", self.per_year(lambda c: f"={self.flagged(c, False)}"), MONEY
        )
        self.net = self.result_row(
            "Nettonytta", self.per_year(lambda c: f"={c}{benefit}-{c}{self.cost_total}"), MONEY, strong=True
        )
        accumulated_formulas = []
        for index, column in enumerate(self.result_columns):
            letter = _column(column)
            previous = _column(column - 1)
            accumulated_formulas.append(
                f"={letter}{self.net}" if index == 0 else f"={previous}{self.out + 1}+{letter}{self.net}"
            )
        self.accumulated = self.result_row("Ackumulerad nettonytta", accumulated_formulas, MONEY, total=False)
        self.result_row("Frigjord tid (timmar)", self.per_year(lambda c: f"={_sum_of(self.hours_rows, c)}"), HOURS)

    def _write_key_figures(self) -> None:
        """Nyckeltal: the figures at full effect, the ratio, the net present value."""
        results = self.results
        self.out += 2
        write_text(results.cell(row=self.out, column=1), "Nyckeltal")
        results.cell(row=self.out, column=1).font = self.bold
        for label, formula, fmt in self._key_figures():
            self.out += 1
            write_text(results.cell(row=self.out, column=1), label)
            self.number(results, self.out, 2, formula, fmt, False)

    def _key_figures(self) -> list[tuple[str, str, str]]:
        freed_rows, benefit_rows = self.freed_rows, self.benefit_rows
        last = _column(self.result_columns[-1])
        first = _column(self.result_columns[0])
        second = _column(self.result_columns[1]) if self.years > 1 else first
        total = _column(self.total_column)
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
        net, cost_total, recurring = self.net, self.cost_total, self.recurring
        return [
            ("Frigjord tid vid full effekt (timmar per år)", f"={full_hours}", HOURS),
            ("Frigjord tid vid full effekt, värde (kr per år)", f"={full_value}", MONEY),
            ("Realiserbar nytta vid full effekt (kr per år)", f"={full_realisable}", MONEY),
            ("Löpande kostnad vid full effekt (kr per år)", f"={last}{recurring}", MONEY),
            (
                "Årlig realiserbar ekonomisk nettonytta efter full effekt",
                f"=({full_realisable})-{last}{recurring}",
                MONEY,
            ),
            ("Ackumulerad ekonomisk nettonytta", f"={last}{self.accumulated}", MONEY),
            (
                "Nettonytta per satsad krona",
                f'=IF({total}{cost_total}=0,"–",{total}{net}/{total}{cost_total})',
                RATIO,
            ),
            (
                "Nuvärde av nettonyttan",
                f"={first}{net}"
                + (f"+NPV({self.discount_cell}/100,{second}{net}:{last}{net})" if self.years > 1 else ""),
                MONEY,
            ),
            ("Återbetald", self._payback_formula(), "General"),
        ]

    def _payback_formula(self) -> str:
        """The first year from which the accumulated net stays at or above zero (payback_index's rule):
        the year after the last one below zero, as its label in the header row."""
        columns = [_column(c) for c in self.result_columns]
        below = [f"{column}{self.accumulated}<0" for column in columns]
        formula = f"{columns[0]}$3"
        for index in range(len(columns) - 1):
            formula = f"IF({below[index]},{columns[index + 1]}$3,{formula})"
        return f'=IF({below[-1]},"inte inom kalkylperioden",{formula})'

    def to_bytes(self) -> bytes:
        from openpyxl.styles import Alignment

        for sheet in (self.inputs, self.results):
            for cells in sheet.iter_rows():
                for cell in cells:
                    cell.alignment = Alignment(vertical="top")
        buffer = io.BytesIO()
        self.book.save(buffer)
        return with_cached_values(buffer.getvalue(), cached_values(self.book))


def _sum_of(rows: list[int], column: str) -> str:
    return "+".join(f"{column}{r}" for r in rows) if rows else "0"
