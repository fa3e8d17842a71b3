"""The portfolio page: the portfolio office's view of every initiative. Filters above, then its parts —
Initiativ (the table, sorting, paging, a change of stage or priority), Balans och ekonomi (funnel,
balance, years, central funding), Indikatorer, Prioritering (the ranked list with reasons and the budget
question) and Uppföljning (the benefit register) — each drawn when first opened. The state lives in
nyttolib/app/portfolio/state.py; this module only presents it."""

from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as widgets

from nyttolib import formatting as fmt
from nyttolib.app import errors
from nyttolib.app.errors import content_error_page, guarded
from nyttolib.app.fields import (
    LabelledControl,
    dropdown_control,
    html,
    shared_layout,
    shared_style,
    text_control,
)
from nyttolib.app.focus import request_focus, set_current
from nyttolib.app.portfolio import html as tables
from nyttolib.app.portfolio.state import PortfolioState
from nyttolib.app.request import wait_for_request
from nyttolib.content import Content, ContentError, load_content
from nyttolib.portfolio.store import PortfolioStore

START_PAGE = "start.ipynb"
ALL = "Alla"


class _Every:
    """The "Alla" option of a filter (a select's value None would show no option chosen at all)."""

    def __repr__(self) -> str:
        return "Alla"


EVERY = _Every()
NOT_GIVEN = ""  # the change panel's "Inget steg angivet" / "Ingen prioriteringsgrund": saved as None
FILTER_LABELS = {
    "years": ("År", "years"),
    "departments": ("Verksamhet", "departments"),
    "stages": ("Steg", "stages"),
    "kinds": ("Typ", "kinds"),
    "priority_classes": ("Prioriteringsgrund", "priority_classes"),
}
# The page's parts, in order.
SECTIONS = ("initiatives", "economy", "indicators", "prioritisation", "register")
FORCE_ROWS = 6  # visible rows of the forced-in and forced-out lists


def _labelled(control: widgets.Widget, *classes: str) -> LabelledControl:
    field = LabelledControl(control)
    for name in classes:
        field.add_class(name)
    return field


NOTHING_TO_CHANGE = (
    "<p>Inget av initiativen som visas kan du ändra här: steg och prioriteringsgrund ändras av ägaren, "
    "av den som bedömningen delats med för att ändra, och av portföljkontoret.</p>"
)


class PortfolioPage(widgets.VBox):
    def __init__(self, store: PortfolioStore | None = None, content: Content | None = None):
        super().__init__()
        self.content = content or load_content()
        self.store = store or PortfolioStore(content=self.content)
        self.texts = self.content.portfolio.page
        self.state = PortfolioState(self.store, self.content)
        self._quiet = False  # set while the page itself changes a control, so its observer does nothing
        self.notice = html("")
        errors.add_reporter(self._show_notice)
        self.filters = self._filter_controls()
        self.count = html("", "nyttolib-portfolio-count")
        self.nav = {name: self._nav_button(name) for name in SECTIONS}
        nav_box = widgets.HBox(list(self.nav.values()), layout=shared_layout())
        nav_box.add_class("nyttolib-nav")
        self.body = widgets.VBox(layout=shared_layout())
        self.sections: dict[str, widgets.Widget] = {}
        self.headings: dict[str, widgets.HTML] = {}
        self.stale: set[str] = set()
        self.current = ""
        self.children = [self._header(), self.notice, *self._filter_area(), self.count, nav_box, self.body]
        self.add_class("nyttolib-portfolio")
        self._update_count()
        self.show("initiatives", focus=False)

    # -- header and filters ------------------------------------------------------------------------

    def _header(self) -> widgets.HTML:
        return html(
            f"<p><a href='{START_PAGE}'>Till startsidan</a></p><h1>{escape(self.texts.title)}</h1>"
            f"<p>{escape(self.texts.intro)}</p>"
        )

    def _filter_controls(self) -> dict[str, widgets.Widget]:
        controls: dict[str, widgets.Widget] = {}
        for name, (label, _key) in FILTER_LABELS.items():
            control = dropdown_control(label, self._filter_options(name))
            control.observe(guarded(lambda change, n=name: self._on_filter(n, change["new"])), names="value")
            controls[name] = control
        search = text_control(self.texts.search_label)
        search.observe(guarded(lambda change: self._on_filter("text", change["new"])), names="value")
        controls["text"] = search
        return controls

    def _filter_options(self, name: str) -> list[tuple[str, Any]]:
        return [(ALL, EVERY), *self.state.choices[FILTER_LABELS[name][1]]]

    def _filter_area(self) -> list[widgets.Widget]:
        choices = widgets.HBox([_labelled(self.filters[name]) for name in FILTER_LABELS], layout=shared_layout())
        choices.add_class("nyttolib-portfolio-filters")
        clear = widgets.Button(description="Rensa filtren", layout=shared_layout(width="auto"))
        clear.on_click(guarded(lambda _b: self.clear_filters()))
        return [
            html(f"<h2>{escape(self.texts.filters_title)}</h2>"),
            choices,
            _labelled(self.filters["text"]),
            clear,
        ]

    def _on_filter(self, name: str, value: Any) -> None:
        if self._quiet:
            return
        self.state.set_filter(**{name: None if value is EVERY else value})
        self.refresh()

    def clear_filters(self) -> None:
        self.state.clear_filters()
        self._quiet = True
        try:
            for name, control in self.filters.items():
                control.value = "" if name == "text" else EVERY
        finally:
            self._quiet = False
        self.refresh()

    def _refresh_filter_options(self) -> None:
        """After the rows were read again: the choices that now occur, keeping each filter's value."""
        self._quiet = True
        try:
            for name in FILTER_LABELS:
                control = self.filters[name]
                options = self._filter_options(name)
                if list(control.options) != options:
                    value = control.value
                    control.options = options
                    control.value = value if value in [v for _, v in options] else EVERY
        finally:
            self._quiet = False

    def _update_count(self) -> None:
        shown, total = len(self.state.shown), len(self.state.table) - len(self.state.unreadable)
        if total == 0:
            text = self.texts.empty_portfolio
        elif shown == total:
            text = f"Alla {fmt.number(total)} initiativ visas."
        else:
            text = f"Filtret visar {fmt.number(shown)} av {fmt.number(total)} initiativ."
        self.count.value = f"<p role='status'>{escape(text)}</p>"

    # -- parts -------------------------------------------------------------------------------------

    def _title(self, section: str) -> str:
        return {
            "initiatives": self.texts.initiatives_title,
            "economy": self.texts.economy_title,
            "indicators": self.texts.indicators_title,
            "prioritisation": self.texts.prioritisation_title,
            "register": self.texts.register_title,
        }[section]

    def _nav_button(self, section: str) -> widgets.Button:
        button = widgets.Button(description=self._title(section), layout=shared_layout(width="auto"))
        button.on_click(guarded(lambda _b: self.show(section)))
        return button

    def show(self, section: str, *, focus: bool = True) -> None:
        if section not in self.sections:
            self.sections[section] = self._build(section)
            self.stale.add(section)
        self.current = section
        if section in self.stale:
            self._render(section)
        self.body.children = [self.sections[section]]
        for key, button in self.nav.items():
            set_current(button, key == section)
            button.button_style = "primary" if key == section else ""
        if focus:
            request_focus(self.headings[section])

    def refresh(self) -> None:
        """After a filter or the rows changed: the count, and the open part now (the others when opened)."""
        self._update_count()
        self.stale = set(self.sections)
        if self.current:
            self._render(self.current)

    def _build(self, section: str) -> widgets.Widget:
        self.headings[section] = html(f"<h2>{escape(self._title(section))}</h2>")
        build = {
            "initiatives": self._build_initiatives,
            "economy": self._build_economy,
            "indicators": self._build_indicators,
            "prioritisation": self._build_prioritisation,
            "register": self._build_register,
        }
        box = widgets.VBox([self.headings[section], *build[section]()], layout=shared_layout())
        box.add_class(f"nyttolib-portfolio-{section}")
        return box

    def _render(self, section: str) -> None:
        {
            "initiatives": self._render_initiatives,
            "economy": self._render_economy,
            "indicators": self._render_indicators,
            "prioritisation": self._render_prioritisation,
            "register": self._render_register,
        }[section]()
        self.stale.discard(section)

    # -- Initiativ -----------------------------------------------------------------------------------

    def _build_initiatives(self) -> list[widgets.Widget]:
        self.sort = dropdown_control("Sortera efter", tables.sort_options(), ("number", False))
        self.sort.observe(guarded(self._on_sort), names="value")
        self.table = html("")
        self.previous_page = widgets.Button(description="Föregående sida", layout=shared_layout(width="auto"))
        self.next_page = widgets.Button(description="Nästa sida", layout=shared_layout(width="auto"))
        self.previous_page.on_click(guarded(lambda _b: self.go_to_page(self.state.page - 1)))
        self.next_page.on_click(guarded(lambda _b: self.go_to_page(self.state.page + 1)))
        self.page_status = html("")
        paging = widgets.HBox([self.previous_page, self.page_status, self.next_page], layout=shared_layout())
        paging.add_class("nyttolib-buttons")
        paging.add_class("nyttolib-portfolio-paging")
        self.unreadable = html("")
        return [_labelled(self.sort, tables.SORT_TARGET), self.table, paging, self.unreadable, *self._change_panel()]

    def _change_panel(self) -> list[widgets.Widget]:
        initiative = self.content.initiative
        self.choose = dropdown_control("Initiativ", [("Inget initiativ att välja", NOT_GIVEN)])
        self.choose.observe(guarded(lambda _c: self._show_chosen()), names="value")
        self.new_stage = dropdown_control(
            "Nytt steg", [(c.label, c.id) for c in initiative.portfolio_stages] + [("Inget steg angivet", NOT_GIVEN)]
        )
        self.new_priority = dropdown_control(
            "Ny prioriteringsgrund",
            [(c.label, c.id) for c in initiative.priority_classes] + [("Ingen prioriteringsgrund", NOT_GIVEN)],
        )
        self.save_change = widgets.Button(
            description="Spara ändringen", button_style="primary", layout=shared_layout(width="auto")
        )
        self.save_change.on_click(guarded(lambda _b: self.save_chosen()))
        self.change_result = html("")
        return [
            html(
                f"<h3 id='nyttolib-change-title'>{escape(self.texts.change_title)}</h3>"
                f"<p>{escape(self.texts.change_text)}</p>"
            ),
            _labelled(self.choose, tables.CHANGE_TARGET),
            _labelled(self.new_stage, f"{tables.CHANGE_TARGET}-stage"),
            _labelled(self.new_priority),
            self.save_change,
            self.change_result,
        ]

    def _render_initiatives(self) -> None:
        state = self.state
        state.set_page(state.page)
        if len(state.shown) == 0:
            message = self.texts.empty_portfolio if len(state.table) == 0 else self.texts.no_initiatives
            self.table.value = f"<p>{escape(message)}</p>"
        else:
            self.table.value = tables.initiatives_table(
                state.page_rows,
                offset=state.page_offset,
                total=len(state.shown),
                sort_column=state.sort_column,
                descending=state.descending,
                caption="Initiativ i portföljen",
                change_positions=state.change_positions(),
            )
        self.previous_page.disabled = state.page == 0
        self.next_page.disabled = state.page >= state.page_count - 1
        self.page_status.value = f"<p>Sida {state.page + 1} av {state.page_count}</p>"
        self._render_unreadable()
        self._fill_choose()

    def _render_unreadable(self) -> None:
        unreadable = self.state.unreadable
        if unreadable.empty:
            self.unreadable.value = ""
            return
        items = "".join(
            f"<li><a href='{escape(tables.form_link(r['id']), quote=True)}'>{escape(r['name'] or r['id'])}</a>: "
            f"{escape(str(r['unreadable']))}</li>"
            for r in unreadable.to_dict("records")
        )
        self.unreadable.value = (
            "<div class='nyttolib-error'><p>Dessa bedömningar kunde inte läsas och räknas inte med i "
            f"portföljen:</p><ul>{items}</ul></div>"
        )

    def _fill_choose(self) -> None:
        """The change panel's initiatives: the filtered list in the table's order (a row's Ändra button
        picks its option by position)."""
        records = self.state.shown[["id", "number", "name"]].to_dict("records")
        if self.state.changeable is not None:  # only those the user may change are offered
            records = [r for r in records if r["id"] in self.state.changeable]
        options = [
            (" ".join(p for p in (r["number"], r["name"] or "(namnlöst initiativ)") if p), r["id"]) for r in records
        ]
        chosen = self.choose.value
        self._quiet = True
        try:
            self.choose.options = options or [("Inget initiativ att välja", NOT_GIVEN)]
            self.choose.value = chosen if chosen in [v for _, v in options] else self.choose.options[0][1]
        finally:
            self._quiet = False
        self.choose.disabled = self.save_change.disabled = not options
        if self.state.changeable is not None:  # a user who may change only some: say why none is offered
            self.change_result.value = "" if options else NOTHING_TO_CHANGE
        self._show_chosen()

    def _show_chosen(self) -> None:
        if self._quiet:
            return
        row = self.state.row(self.choose.value) if self.choose.value else None
        if row is None:
            return
        self.new_stage.value = row["stage"] if row["stage"] in [v for _, v in self.new_stage.options] else NOT_GIVEN
        self.new_priority.value = (
            row["priority_class"] if row["priority_class"] in [v for _, v in self.new_priority.options] else NOT_GIVEN
        )

    def _on_sort(self, change: dict) -> None:
        column, descending = change["new"]
        self.state.set_sort(column, descending)
        self.refresh()

    def go_to_page(self, page: int) -> None:
        self.state.set_page(page)
        self._render_initiatives()
        request_focus(self.table)

    def save_chosen(self) -> None:
        if not self.choose.value:
            return
        result = self.state.change(
            self.choose.value,
            stage=self.new_stage.value or None,
            priority_class=self.new_priority.value or None,
        )
        css = "" if result.saved else " class='nyttolib-error'"
        role = "status" if result.saved else "alert"
        chosen = (self.choose.value, self.new_stage.value, self.new_priority.value)
        self._refresh_filter_options()
        self.refresh()
        if not result.saved and self.choose.value == chosen[0]:
            # The row shows what was saved meanwhile; the user's choice stays, to be saved again.
            self.new_stage.value, self.new_priority.value = chosen[1], chosen[2]
        self.change_result.value = f"<p role='{role}'{css}>{escape(result.message)}</p>"

    # -- Balans och ekonomi ------------------------------------------------------------------------

    def _build_economy(self) -> list[widgets.Widget]:
        texts = self.texts
        self.funnel = html("")
        self.balance = html("")
        self.per_year = html("")
        self.budget = text_control(texts.budget_label)
        self.budget.continuous_update = False
        self.budget_field = LabelledControl(self.budget)
        self.budget.observe(guarded(self._on_budget), names="value")
        self.funding = html("")
        return [
            self.funnel,
            self.balance,
            self.per_year,
            html(f"<h3>{escape(texts.funding_title)}</h3><p>{escape(texts.funding_text)}</p>"),
            self.budget_field,
            self.funding,
        ]

    def _render_economy(self) -> None:
        from nyttolib.app.portfolio import charts

        texts = self.texts
        state = self.state
        funnel = state.funnel()
        total = int(funnel["count"].sum())
        funnel_alt = "Stapeldiagram, antal initiativ per steg: " + ", ".join(
            f"{r['label']} {r['count']}" for r in funnel.to_dict("records")
        )
        self.funnel.value = (
            f"<h3>{escape(texts.funnel_title)}</h3><p>{escape(texts.funnel_text)}</p>"
            "<div class='nyttolib-chart-and-table'>"
            + (tables.figure(charts.funnel_png(funnel), funnel_alt, "Antal initiativ per steg.") if total else "")
            + tables.funnel_table(funnel)
            + "</div>"
        )
        shares = state.right_shares()
        balance_chart = ""
        if any(counted is not None for _l, _r, counted, _w in shares):
            alt = "Diagram över portföljens medelläge på varje axel: " + "; ".join(
                f"{left} – {right}: räknat i antal {tables.share_text(counted)}, viktat med kostnad "
                f"{tables.share_text(weighted)} till höger"
                for left, right, counted, weighted in shares
            )
            balance_chart = tables.figure(charts.balance_png(shares), alt, "Portföljens medelläge på varje axel.")
        self.balance.value = (
            f"<h3>{escape(texts.balance_title)}</h3><p>{escape(texts.balance_text)}</p>"
            + balance_chart
            + tables.balance_tables(state.balance(), shares)
        )
        per_year = state.per_year()
        chart = ""
        if not per_year.empty:
            alt = "Stapeldiagram per kalenderår med kostnader, realiserbar nytta och realiserad nytta: " + "; ".join(
                f"{int(r['year'])}: kostnader {fmt.kr(r['cost_kr'])}, realiserbar nytta "
                f"{fmt.kr(r['realisable_benefit_kr'])}, realiserad nytta {fmt.kr(r['realised_benefit_kr'])}"
                for r in per_year.to_dict("records")
            )
            chart = tables.figure(charts.per_year_png(per_year), alt, "Kostnader och nyttor per kalenderår.")
        self.per_year.value = (
            f"<h3>{escape(texts.per_year_title)}</h3><p>{escape(texts.per_year_text)}</p>"
            f"<div class='nyttolib-chart-and-table'>{chart}{tables.per_year_table(per_year)}</div>"
        )
        self.funding.value = tables.funding_text(state.funding())

    def _on_budget(self, change: dict) -> None:
        message = self.state.set_budget(change["new"])
        if message:
            self.budget_field.show_error(message)
            return
        self.budget_field.clear_error()
        self.funding.value = tables.funding_text(self.state.funding())

    # -- Indikatorer -------------------------------------------------------------------------------

    def _build_indicators(self) -> list[widgets.Widget]:
        self.indicator_tables = html("")
        return [html(f"<p>{escape(self.texts.indicators_text)}</p>"), self.indicator_tables]

    def _render_indicators(self) -> None:
        self.indicator_tables.value = tables.indicator_tables(self.state.indicators(), self.content)

    # -- Prioritering ------------------------------------------------------------------------------

    def _build_prioritisation(self) -> list[widgets.Widget]:
        texts = self.texts
        disclaimer = tables.disclaimer_html(self.content.portfolio.prioritisation.disclaimer)
        self.question_year = text_control(texts.question_year_label)
        self.question_budget = text_control(texts.question_budget_label)
        self.question_year_field = LabelledControl(self.question_year)
        self.question_budget_field = LabelledControl(self.question_budget)
        for control, field, setter in (
            (self.question_year, self.question_year_field, self.state.set_question_year),
            (self.question_budget, self.question_budget_field, self.state.set_question_budget),
        ):
            control.continuous_update = False  # read on Enter or when the focus leaves, not per key
            control.observe(
                guarded(lambda change, f=field, s=setter: self._on_question(f, s, change["new"])), names="value"
            )
        self.force_in = self._force_control(texts.force_in_label)
        self.force_out = self._force_control(texts.force_out_label)
        self.force_in.observe(guarded(lambda _c: self._on_forced()), names="value")
        self.force_out.observe(guarded(lambda _c: self._on_forced()), names="value")
        forced = widgets.HBox([LabelledControl(self.force_in), LabelledControl(self.force_out)], layout=shared_layout())
        forced.add_class("nyttolib-portfolio-filters")
        self.answer = html("", "nyttolib-budget-answer")
        self.ranking_title = html("")
        self.ranking = html("")
        return [
            html(f"<p>{escape(texts.prioritisation_text)}</p>{disclaimer}"),
            html(f"<h3>{escape(texts.question_title)}</h3><p>{escape(texts.question_text)}</p>"),
            self.question_year_field,
            self.question_budget_field,
            html(f"<p class='nyttolib-help'>{escape(texts.force_help)}</p>"),
            forced,
            self.answer,
            self.ranking_title,
            self.ranking,
            html(disclaimer),
        ]

    def _force_control(self, label: str) -> widgets.SelectMultiple:
        return widgets.SelectMultiple(
            options=[],
            description=label,
            rows=FORCE_ROWS,
            layout=shared_layout(width="auto", max_width="42rem"),
            style=shared_style("description"),
        )

    def _on_question(self, field: LabelledControl, setter: Any, text: str) -> None:
        message = setter(text)
        if message:
            field.show_error(message)
            return
        field.clear_error()
        self._render_answer()

    def _on_forced(self) -> None:
        if self._quiet:
            return
        self.state.set_forced(force_in=tuple(self.force_in.value), force_out=tuple(self.force_out.value))
        self._render_answer()

    def _fill_forced(self) -> None:
        """The forced lists' choices: the filtered initiatives, keeping what is chosen and still shown."""
        records = self.state.shown[["id", "number", "name"]].to_dict("records")
        options = [
            (" ".join(p for p in (r["number"], r["name"] or "(namnlöst initiativ)") if p), r["id"]) for r in records
        ]
        ids = {value for _, value in options}
        self._quiet = True
        try:
            for control, chosen in ((self.force_in, self.state.force_in), (self.force_out, self.state.force_out)):
                if list(control.options) != options:
                    control.options = options
                control.value = tuple(i for i in chosen if i in ids)
        finally:
            self._quiet = False

    def _render_prioritisation(self) -> None:
        self._fill_forced()
        self._ranked = self.state.ranking()
        self._render_answer()

    def _render_answer(self) -> None:
        """The budget question's answer and the ranked list it refers to (with a forced initiative that is
        not weighed otherwise in its place)."""
        answer = self.state.budget_answer(self._ranked)
        ranking = answer.result.ranking if answer.result is not None else self._ranked
        if answer.message:
            message = escape(answer.message)
            self.answer.value = f"<p role='alert' class='nyttolib-error'><strong>Fel:</strong> {message}</p>"
        elif answer.result is None:
            self.answer.value = f"<p role='status'>{escape(self.texts.question_missing)}</p>"
        else:
            self.answer.value = tables.budget_html(answer.result, self.content)
        title = self.content.portfolio.prioritisation.texts.ranking_title.format(count=len(ranking.positions))
        self.ranking_title.value = f"<h3>{escape(title)}</h3>"
        self.ranking.value = tables.ranking_table(ranking, "Rangordning med skäl")

    # -- Uppföljning -------------------------------------------------------------------------------

    def _build_register(self) -> list[widgets.Widget]:
        texts = self.texts
        labels = self.content.settings.traffic_light.labels
        self.register_light = dropdown_control(
            texts.register_light_label,
            [(ALL, EVERY), *((getattr(labels, light), light) for light in ("red", "yellow", "green", "none"))],
        )
        self.register_due = widgets.Checkbox(
            value=False,
            description=texts.register_due_label,
            indent=False,
            layout=shared_layout(width="auto"),
            style=shared_style("checkbox"),
        )
        for control in (self.register_light, self.register_due):
            control.observe(guarded(lambda _c: self._on_register_filter()), names="value")
        self.register_table = html("")
        self.register_economics = html("")
        return [
            html(f"<p>{escape(texts.register_text)}</p>"),
            _labelled(self.register_light),
            LabelledControl(self.register_due),
            self.register_table,
            html(f"<h3>{escape(texts.register_economics_title)}</h3>"),
            self.register_economics,
        ]

    def _on_register_filter(self) -> None:
        light = self.register_light.value
        self.state.set_register_filter(light=None if light is EVERY else light, due=self.register_due.value)
        self._render_register()

    def _render_register(self) -> None:
        register = self.state.benefit_register()
        self.register_table.value = tables.register_html(register)
        self.register_economics.value = tables.economics_html(register.economics, register.initiatives)

    def _show_notice(self, message: str) -> None:
        self.notice.value = f"<p role='alert' class='nyttolib-error'>{escape(message)}</p>"


def _preload() -> None:
    """What the page needs, imported while a kernel is preheated rather than when a visitor waits."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.figure
    import pandas  # noqa: F401


def portfolio_page(store: PortfolioStore | None = None, content: Content | None = None) -> widgets.Widget:
    """The portfolio as of the request (a preheated kernel must not show the rows from before it)."""
    _preload()
    wait_for_request()
    try:
        content = content or load_content()
    except ContentError as exc:
        return content_error_page(exc)
    return PortfolioPage(store, content)
