"""Steg: Nyttokalkyl – years, rates, cost and benefit lines, the freed-time calculator, live results."""

from __future__ import annotations

import asyncio
from html import escape

import ipywidgets as widgets

from nyttolib import formatting as fmt
from nyttolib.app.errors import guarded
from nyttolib.app.fields import (
    CheckboxField,
    ChoiceField,
    LabelledControl,
    NumberField,
    RadioField,
    TextField,
    heading,
    html,
    paragraphs,
)
from nyttolib.app.rows import RowList
from nyttolib.app.step import Step
from nyttolib.assessment.calculations import (
    calculate,
    freed_time_figures,
    hourly_cost_from_monthly_salary,
    payback_text,
    realisable_note,
)
from nyttolib.assessment.completeness import draft_path
from nyttolib.assessment.model import BenefitLine, CostLine, FreedTimeLine
from nyttolib.assessment.validation import describe_location
from nyttolib.exports.charts import cost_benefit_img
from nyttolib.numbers import HOURS, MONTHLY_SALARY, Range, parse_number

YEAR_CHOICES = list(range(3, 11))


def results_table(result) -> str:
    """The per-year figures as an accessible HTML table."""
    head = "".join(f"<th scope='col'>{escape(label)}</th>" for label in result.year_labels)
    rows = [
        ("Kostnader", result.cost_total, result.total_cost),
        ("Ekonomisk nytta", result.benefit_realisable, result.total_realisable_benefit),
    ]
    if any(result.benefit_not_realisable):
        rows.append(
            ("Övrig värderad nytta (tas inte hem)", result.benefit_not_realisable, sum(result.benefit_not_realisable))
        )
    rows += [("Nettonytta", result.net, result.total_net), ("Ackumulerad nettonytta", result.accumulated_net, None)]
    if any(result.freed_hours):
        rows.append(("Frigjord tid (timmar)", result.freed_hours, sum(result.freed_hours)))
    body = "".join(
        f"<tr><th scope='row'>{escape(label)}</th>"
        + "".join(
            f"<td class='nyttolib-number' data-label='{escape(year)}'>{fmt.number(v)}</td>"
            for year, v in zip(result.year_labels, values, strict=True)
        )
        + f"<td class='nyttolib-number' data-label='Summa'>{'' if total is None else fmt.number(total)}</td></tr>"
        for label, values, total in rows
    )
    return (
        f"<table class='nyttolib-table'><caption>Nyttokalkyl per år (kr)</caption><thead><tr><th scope='col'>"
        f"Belopp i kronor</th>{head}<th scope='col'>Summa</th></tr></thead><tbody>{body}</tbody></table>"
    )


def key_figures(result, content) -> str:
    items = [
        (
            "Årlig realiserbar ekonomisk nettonytta efter full effekt",
            f"{fmt.kr(result.annual_realisable_net)} ({fmt.kr(result.full_effect_realisable_benefit)} minus "
            f"{fmt.kr(result.recurring_cost_at_full_effect)})",
        ),
        (f"Ackumulerad ekonomisk nettonytta efter {len(result.year_labels)} år", fmt.kr(result.total_net)),
        ("Återbetald", payback_text(result, content)),
        (
            "Nettonytta per satsad krona",
            "–" if result.net_per_krona is None else f"{fmt.number(result.net_per_krona, 2)} kr",
        ),
        (f"Nuvärde ({fmt.number(result.discount_rate_percent, 1).removesuffix(',0')} %)", fmt.kr(result.npv)),
    ]
    if result.freed_time:
        items.append(
            (
                "Frigjord tid vid full effekt",
                f"{fmt.hours(result.full_effect_freed_hours)}/år ({fmt.number(result.full_time_equivalents, 2)} "
                f"årsarbetare), värd {fmt.kr(result.full_effect_freed_value)}/år",
            )
        )
    scenarios = ", ".join(f"{name} {fmt.kr(s.total_net)}" for name, s in result.scenarios.items())
    items.append(("Nettonytta låg / trolig / hög", scenarios))
    return (
        "<dl class='nyttolib-figures'>"
        + "".join(f"<dt>{escape(term)}</dt><dd>{escape(value)}</dd>" for term, value in items)
        + "</dl>"
    )


def invalid_calculation_text(drafts: dict[str, str], content) -> str:
    """Instead of figures made from older values: which fields of the calculation are not valid."""
    invalid = [describe_location(draft_path(key), content) for key in drafts if key.startswith("calculation.")]
    if not invalid:
        return ""
    items = "".join(f"<li>{escape(where)}</li>" for where in invalid)
    return (
        "<div role='alert' class='nyttolib-error'><p>Resultatet räknas fram när alla fält i nyttokalkylen har "
        f"giltiga värden. Ej giltigt värde i:</p><ul>{items}</ul></div>"
    )


class CalculationStep(Step):
    id = "calculation"
    sections = ("calculation",)

    def build(self) -> None:
        s, c = self.session, self.content
        form = c.form
        self.title = form.steps["calculation"].title
        calc = ("calculation",)
        self.years = widgets.Dropdown(
            options=[(f"{n} år", n) for n in YEAR_CHOICES],
            value=s.assessment.calculation.years
            if s.assessment.calculation.years in YEAR_CHOICES
            else c.settings.minimum_years,
            description="Antal år i kalkylen",
            style={"description_width": "initial"},
        )
        self.years.observe(guarded(self._on_years), names="value")
        start_year = NumberField(s, (*calc, "start_year"), "Första år")
        start_year.after_change.append(self._rerender_lines)
        rates = [
            NumberField(s, (*calc, "hourly_rates", rate.id), f"Timpris, {rate.label.lower()}", unit="kr/h")
            for rate in c.settings.hourly_rates
        ]
        self.rate_fields = rates
        self.salary = widgets.Text(
            description="Månadslön (kr)", style={"description_width": "initial"}, layout=widgets.Layout(width="16rem")
        )
        self.salary_result = html("", "nyttolib-help")
        self.salary.observe(guarded(self._on_salary), names="value")
        use_salary = widgets.Button(description="Använd som timpris för intern personal")
        use_salary.on_click(guarded(lambda _b: self._use_salary()))
        self.results = html("", "nyttolib-results")
        self.chart = html("", "nyttolib-chart")
        self.lines = widgets.VBox()
        self._row_lists: list[RowList] = []
        self._chart_pending = None
        self.children = [
            heading(self.title),
            paragraphs(form.calculation_guidance),
            heading("Period och timpriser", 3),
            LabelledControl(self.years),
            start_year,
            NumberField(
                s,
                (*calc, "discount_rate_percent"),
                "Diskonteringsränta",
                unit="%",
                help_text=f"Lämnas tomt: {fmt.number(c.settings.default_discount_rate_percent)} %.",
            ),
            *rates,
            html(
                "<p>Timkostnad från månadslön (Ineras omräkning: månadslön / "
                f"{fmt.number(c.settings.salary_hours_per_month)} × "
                f"{fmt.number(c.settings.salary_overhead_factor, 2)}):</p>",
                "nyttolib-help",
            ),
            widgets.HBox([LabelledControl(self.salary), use_salary]),
            self.salary_result,
            self.lines,
            heading("Resultat", 3),
            self.results,
            self.chart,
        ]
        self._rerender_lines()

    def _year_label(self, index: int) -> str:
        start = self.session.assessment.calculation.start_year
        return str(start + index) if start else f"År {index + 1}"

    def _per_year(self, base: tuple, name: str, label: str, unit: str, allowed: Range | None = None) -> widgets.Widget:
        years = self.session.assessment.calculation.years
        fields = [
            NumberField(
                self.session,
                (*base, name, y),
                f"{label} {self._year_label(y)}",
                unit=unit,
                width="13rem",
                allowed=allowed,
            )
            for y in range(years)
        ]
        box = widgets.HBox(fields)
        box.add_class("nyttolib-years")
        return box

    def _realisable_choice(self, base: tuple) -> RadioField:
        """Freed time is money only if it is taken home: a conscious choice, unset until made."""
        texts = self.content.texts.freed_time
        return RadioField(
            self.session,
            (*base, "realisable"),
            texts.realisable_label,
            [(texts.realisable_yes, True), (texts.realisable_no, False)],
            help_text=texts.realisable_help,
        )

    def shown(self) -> None:
        if self._row_lists:
            self._rerender_lines()  # the benefits to link lines to may have changed in step Nytta

    def _rerender_lines(self) -> None:
        s, c = self.session, self.content
        calc = ("calculation",)
        rate_options = [(r.label, r.id) for r in c.settings.hourly_rates]

        def benefit_options() -> list[tuple[str, str]]:
            """The benefits table as it is now (it may have changed since the lists were built), each in full:
            the list of options wraps, the closed dropdown fits its column."""
            return [(b.description or f"Nytta {i + 1}", b.id) for i, b in enumerate(s.assessment.benefits)]

        categories = [(x.label, x.id) for x in c.benefits.categories]

        def cost_row(i: int) -> list:
            base = (*calc, "cost_lines", i)
            line = s.assessment.calculation.cost_lines[i]
            unit = ChoiceField(s, (*base, "unit"), "Enhet", [("Kronor", "kr"), ("Timmar", "timmar")], allow_none=False)
            unit.after_change.append(self._rerender_lines)
            return [
                TextField(s, (*base, "description"), "Kostnad"),
                ChoiceField(
                    s,
                    (*base, "kind"),
                    "Typ av kostnad",
                    [("Engångskostnad", "engangs"), ("Löpande kostnad", "lopande")],
                    allow_none=False,
                ),
                unit,
                *(
                    [ChoiceField(s, (*base, "rate"), "Timpris", rate_options, allow_none=False)]
                    if line.unit == "timmar"
                    else []
                ),
                self._per_year(base, "values", "Timmar", "h", allowed=HOURS)
                if line.unit == "timmar"
                else self._per_year(base, "values", "Belopp", "kr"),
                *self._estimates(base),
            ]

        def benefit_row(i: int) -> list:
            base = (*calc, "benefit_lines", i)
            return [
                TextField(s, (*base, "description"), "Nytta"),
                ChoiceField(s, (*base, "benefit_id"), "Hör till nytta", benefit_options()),
                ChoiceField(s, (*base, "category"), "Kategori", categories),
                NumberField(s, (*base, "full_effect_kr"), "Årlig nytta vid full effekt", unit="kr"),
                self._per_year(base, "ramp_percent", "Effekt", "%"),
                CheckboxField(s, (*base, "realisable"), "Kan realiseras som pengar (tas hem)"),
                *self._estimates(base),
            ]

        def freed_row(i: int) -> list:
            base = (*calc, "freed_time_lines", i)
            figures = html("", "nyttolib-computed")
            figures.add_class(f"nyttolib-freed-{i}")
            fields = [
                TextField(s, (*base, "description"), "Frigjord tid, beskrivning"),
                ChoiceField(s, (*base, "benefit_id"), "Hör till nytta", benefit_options()),
                NumberField(s, (*base, "volume_per_year"), "Volym per år", unit="st"),
                NumberField(s, (*base, "minutes_per_case"), "Minuter per ärende", unit="min"),
                NumberField(s, (*base, "share_percent"), "Andel som påverkas", unit="%"),
                ChoiceField(s, (*base, "rate"), "Timpris", rate_options, allow_none=False),
                self._per_year(base, "ramp_percent", "Effekt", "%"),
                self._realisable_choice(base),
                *self._estimates(base),
                figures,
            ]
            self._freed_displays[i] = figures
            return fields

        self._freed_displays: dict[int, widgets.HTML] = {}
        if self._row_lists:
            # Re-render the existing lists: their "Lägg till" buttons stay the same widgets, so a click
            # that lands while the page updates still reaches the list that is shown.
            for row_list in self._row_lists:
                row_list.render()
        else:
            self._row_lists = [
                RowList(
                    s,
                    (*calc, "cost_lines"),
                    row_title=lambda i, line: f"Kostnad {i + 1}",
                    build_row=cost_row,
                    add_label="Lägg till kostnad",
                    level=4,
                    new_row=lambda: CostLine(values=[0.0] * s.assessment.calculation.years),
                ),
                RowList(
                    s,
                    (*calc, "freed_time_lines"),
                    row_title=lambda i, line: f"Frigjord tid {i + 1}",
                    build_row=freed_row,
                    add_label="Lägg till frigjord tid",
                    level=4,
                    new_row=lambda: FreedTimeLine(ramp_percent=[100.0] * s.assessment.calculation.years),
                ),
                RowList(
                    s,
                    (*calc, "benefit_lines"),
                    row_title=lambda i, line: f"Nyttorad {i + 1}",
                    build_row=benefit_row,
                    add_label="Lägg till nyttorad",
                    level=4,
                    new_row=lambda: BenefitLine(ramp_percent=[100.0] * s.assessment.calculation.years),
                ),
            ]
            costs, freed, benefits = self._row_lists
            self.lines.children = [
                heading("Kostnader", 3),
                costs,
                heading("Frigjord tid", 3),
                paragraphs(c.form.freed_time_help),
                freed,
                heading("Övriga nyttor i kronor", 3),
                paragraphs(c.form.ramp_help),
                benefits,
            ]
        self.refresh()

    def _estimates(self, base: tuple) -> list:
        return [
            widgets.HBox(
                [
                    NumberField(self.session, (*base, "low_percent"), "Lågt utfall", unit="%", width="13rem"),
                    NumberField(self.session, (*base, "high_percent"), "Högt utfall", unit="%", width="13rem"),
                ]
            )
        ]

    def _on_years(self, change: dict) -> None:
        years = change["new"]
        calc = self.session.assessment.calculation.model_dump()

        def fit(values: list, fill: float) -> list:
            return (values + [fill] * years)[:years]

        calc["years"] = years
        for line in calc["cost_lines"]:
            line["values"] = fit(
                line["values"], line["values"][-1] if line["values"] and line["kind"] == "lopande" else 0.0
            )
        for name in ("benefit_lines", "freed_time_lines"):
            for line in calc[name]:
                line["ramp_percent"] = fit(
                    line["ramp_percent"], line["ramp_percent"][-1] if line["ramp_percent"] else 100.0
                )
        self.session.replace(("calculation",), calc)
        self._rerender_lines()

    def _on_salary(self, change: dict) -> None:
        try:
            salary = parse_number(change["new"], unit="kr", allowed=MONTHLY_SALARY)
        except ValueError as exc:
            self.salary_result.value = f"<p role='alert'><strong>Fel:</strong> {escape(str(exc))}</p>"
            return
        if salary is None:
            self.salary_result.value = ""
            return
        rate = hourly_cost_from_monthly_salary(salary, self.content)
        self.salary_result.value = f"<p role='status'>Timkostnad: {fmt.kr(rate)}/h</p>"

    def _use_salary(self) -> None:
        try:
            salary = parse_number(self.salary.value, unit="kr", allowed=MONTHLY_SALARY)
        except ValueError:
            return  # the message is already shown under the salary
        if salary is None:
            return
        rate = round(hourly_cost_from_monthly_salary(salary, self.content))
        internal = next(f for f in self.rate_fields if f.path[-1] == "intern")
        internal.control.value = str(rate)

    def refresh(self) -> None:
        s = self.session
        invalid = invalid_calculation_text(s.drafts, self.content)
        if invalid:
            self.results.value = invalid
            self.chart.value = ""
            return
        try:
            result = calculate(s.assessment, self.content)
        except KeyError:
            return  # an unknown rate id: the field shows its own message
        self.results.value = results_table(result) + key_figures(result, self.content)
        for index, display in getattr(self, "_freed_displays", {}).items():
            lines = s.assessment.calculation.freed_time_lines
            if index < len(lines):
                line = lines[index]
                f = freed_time_figures(line, s.assessment.calculation, self.content)
                display.value = (
                    f"<p role='status'>{fmt.number(line.volume_per_year)} st × "
                    f"{fmt.number(line.minutes_per_case, 1).removesuffix(',0')} min = {fmt.hours(f.current_hours)}/år; "
                    f"{fmt.percent(line.share_percent)} → {fmt.hours(f.freed_hours)}/år × {fmt.kr(f.kr_per_hour)}/h = "
                    f"<strong>{fmt.kr(f.value_kr)}/år</strong>{escape(realisable_note(f, self.content))}</p>"
                )
        self._schedule_chart(result)

    def _schedule_chart(self, result) -> None:
        """Redraw the chart after a short pause: drawing takes longer than a keystroke."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._draw_chart(result)
            return
        if self._chart_pending is not None:
            self._chart_pending.cancel()
        self._chart_pending = loop.call_later(
            0.4, guarded(lambda: self._draw_chart(calculate(self.session.assessment, self.content)))
        )

    def _draw_chart(self, result) -> None:
        self._chart_pending = None
        if not invalid_calculation_text(self.session.drafts, self.content):
            self.chart.value = cost_benefit_img(result)
