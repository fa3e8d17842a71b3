"""The portfolio page's state without widgets: the rows read from the store, the filters, the sort order,
the page of the table shown, the budget entered, the portfolio office's changes of stage and priority, and
the Prioritering and Uppföljning parts (the budget question, the register's filters) over the filtered
initiatives, through nyttolib.portfolio.prioritisation and nyttolib.portfolio.register.

The view (nyttolib/app/portfolio_page.py) only presents this and passes on what the user chose, so the
page's behaviour is tested here without a browser.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nyttolib.content import Content
from nyttolib.numbers import AMOUNT, YEAR, parse_number
from nyttolib.portfolio import queries, register
from nyttolib.portfolio.prioritisation import BudgetResult, PrioritisationError, Ranking, fit_budget, rank
from nyttolib.portfolio.rows import today
from nyttolib.portfolio.store import PortfolioStore
from nyttolib.storage.assessments import ConflictError, StoreError

if TYPE_CHECKING:
    import pandas as pd

PAGE_SIZE = 50
CHANGE_NOTE = "Steg eller prioriteringsgrund ändrat från portföljen"
# The filters a user sets one value of (or "all"), by the name of the Filters field they set.
CHOICE_FILTERS = ("years", "departments", "stages", "kinds", "priority_classes")


@dataclass(frozen=True)
class BudgetAnswer:
    """The budget question's answer: the module's result, or why there is none (a Swedish message), or
    neither while the year or the budget is not given."""

    result: BudgetResult | None = None
    message: str | None = None


@dataclass(frozen=True)
class ChangeResult:
    """What came of a change from the table: saved (with the new revision), or why not, in Swedish."""

    saved: bool
    message: str
    revision: int | None = None


class PortfolioState:
    """The portfolio as the page shows it; every figure comes from the store's summary rows."""

    def __init__(self, store: PortfolioStore, content: Content, page_size: int = PAGE_SIZE):
        self.store = store
        self.content = content
        self.page_size = page_size
        self.filters = queries.Filters()
        self.sort_column = "number"
        self.descending = False
        self.page = 0
        self.budget_kr: float | None = None
        # The budget question of the Prioritering part: a calendar year, its budget, the forced ids.
        self.question_year: int | None = None
        self.question_budget_kr: float | None = None
        self.force_in: tuple[str, ...] = ()
        self.force_out: tuple[str, ...] = ()
        # The register's own filters (verksamhet is the page's filter): a light, and only due ones.
        self.register_light: str | None = None
        self.register_due = False
        self._shown: pd.DataFrame | None = None
        self.reload()

    # -- reading ---------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the rows again (after a change, or another tab's save)."""
        self.data = self.store.portfolio_data()
        self.changeable = self._changeable()
        self.table = queries.frame(self.data, self.content)
        self.choices = queries.options(self.table, self.content)
        self._shown = None
        self._rows: list[dict[str, Any]] | None = None

    def _changeable(self) -> set[str] | None:
        """The ids whose stage and priority the user may change: None for all (the portfolio office and the
        local user); otherwise their own and those shared with them to edit (the store decides on saving)."""
        if self.store.user.portfolio_office:
            return None
        return {listing.id for listing in self.store.list() if listing.access in ("owner", "edit")}

    def change_positions(self) -> dict[str, int] | None:
        """Where each changeable shown initiative is among the change panel's options (None: every shown
        one, in order)."""
        if self.changeable is None:
            return None
        ids = [i for i in self.shown["id"] if i in self.changeable]
        return {assessment_id: position for position, assessment_id in enumerate(ids)}

    @property
    def unreadable(self) -> pd.DataFrame:
        return self.table[self.table["unreadable"].notna()]

    @property
    def shown(self) -> pd.DataFrame:
        """The initiatives that match the filters, in the chosen order."""
        if self._shown is None:
            filtered = queries.apply_filters(self.table, self.filters)
            self._shown = queries.sort(filtered, self.sort_column, self.descending)
        return self._shown

    @property
    def page_count(self) -> int:
        return max(1, -(-len(self.shown) // self.page_size))

    @property
    def page_rows(self) -> pd.DataFrame:
        start = self.page * self.page_size
        return self.shown.iloc[start : start + self.page_size]

    @property
    def page_offset(self) -> int:
        return self.page * self.page_size

    @property
    def shown_rows(self) -> list[dict[str, Any]]:
        """The summary rows (with their plans) of the filtered initiatives, for the prioritisation and the
        register; read from the store when a part first needs them."""
        if self._rows is None:
            self._rows = self.store.portfolio_rows(plans=True)
        wanted = set(self.shown["id"])
        return [row for row in self._rows if row["id"] in wanted]

    def row(self, assessment_id: str) -> dict[str, Any] | None:
        found = self.table[(self.table["id"] == assessment_id) & self.table["unreadable"].isna()]
        return None if found.empty else found.iloc[0].to_dict()

    # -- choosing --------------------------------------------------------------------------------

    def set_filter(self, **changes: Any) -> None:
        """Set filters by their Filters names; a choice filter takes one value or None for "all"."""
        values = {}
        for name, value in changes.items():
            if name in CHOICE_FILTERS:
                values[name] = () if value is None else (value,)
            elif name == "text":
                values[name] = value or ""
            else:
                raise ValueError(f"unknown filter {name}")
        self.filters = dataclasses.replace(self.filters, **values)
        self.page = 0
        self._shown = None

    def clear_filters(self) -> None:
        self.filters = queries.Filters()
        self.page = 0
        self._shown = None

    def set_sort(self, column: str, descending: bool = False) -> None:
        if column not in queries.SORTS:
            raise ValueError(f"unknown column {column}")
        self.sort_column, self.descending = column, descending
        self._shown = None

    def set_page(self, page: int) -> None:
        self.page = min(max(0, page), self.page_count - 1)

    def set_budget(self, text: str) -> str | None:
        """The budget as the user typed it; a Swedish message when it is not an amount (the text stays
        in the field and the budget shown before stays until a valid one replaces it)."""
        try:
            value = parse_number(text, unit="kr", allowed=AMOUNT)
        except ValueError as error:
            return str(error)
        self.budget_kr = value
        return None

    def set_question_year(self, text: str) -> str | None:
        """The budget question's year as typed; a Swedish message when it is not a year (the text stays in
        the field, the year before stays until a valid one replaces it). Empty means not given."""
        try:
            value = parse_number(text, allowed=YEAR)
        except ValueError as error:
            return str(error)
        self.question_year = None if value is None else int(value)
        return None

    def set_question_budget(self, text: str) -> str | None:
        """The budget question's amount as typed, read as the central-funding budget is."""
        try:
            value = parse_number(text, unit="kr", allowed=AMOUNT)
        except ValueError as error:
            return str(error)
        self.question_budget_kr = value
        return None

    def set_forced(self, *, force_in: tuple[str, ...] | None = None, force_out: tuple[str, ...] | None = None) -> None:
        """The ids of the initiatives forced in and out of the budget question."""
        if force_in is not None:
            self.force_in = tuple(force_in)
        if force_out is not None:
            self.force_out = tuple(force_out)

    def set_register_filter(self, *, light: str | None = None, due: bool = False) -> None:
        self.register_light, self.register_due = light, due

    # -- the portfolio office's change --------------------------------------------------------------

    def change(self, assessment_id: str, *, stage: str | None, priority_class: str | None) -> ChangeResult:
        """Save a new stage and priority class as a new revision, if the initiative is as the table showed
        it; if someone saved in between, nothing is saved and the rows are read again."""
        row = self.row(assessment_id)
        if row is None:
            self.reload()
            return ChangeResult(False, "Initiativet finns inte längre i portföljen. Tabellen är uppdaterad.")
        fields = {}
        if stage != row["stage"]:
            fields["stage"] = stage
        if priority_class != row["priority_class"]:
            fields["priority_class"] = priority_class
        name = row["name"] or "(namnlöst initiativ)"
        if not fields:
            return ChangeResult(False, f"Inget att spara: {name} har redan det steget och den prioriteringsgrunden.")
        try:
            saved = self.store.change_portfolio_fields(
                assessment_id, expected_revision=int(row["revision"]), note=CHANGE_NOTE, **fields
            )
        except ConflictError:
            self.reload()
            return ChangeResult(
                False,
                f"{name} har sparats av någon annan sedan tabellen visades, så din ändring sparades inte. "
                "Tabellen visar nu det senast sparade, och dina val står kvar: spara igen om ändringen "
                "fortfarande behövs.",
            )
        except StoreError as error:
            self.reload()
            return ChangeResult(False, f"Ändringen kunde inte sparas: {error}")
        self.reload()
        return ChangeResult(True, f"Sparat: {name} (revision {saved.revision}).", saved.revision)

    # -- the figures over the filtered initiatives -------------------------------------------------

    def funnel(self) -> pd.DataFrame:
        return queries.funnel(self.shown, self.content)

    def balance(self) -> pd.DataFrame:
        return queries.balance(self.shown, self.content)

    def right_shares(self) -> list[tuple[str, str, float | None, float | None]]:
        """Per axis: its left and right pole, the counted and the cost-weighted right-hand share."""
        shown = self.shown
        result = []
        for axis in self.content.classification.axes:
            levels = shown[f"axis_{axis.id}"]
            result.append(
                (axis.left, axis.right, queries.right_share(levels), queries.right_share(levels, shown["cost_kr"]))
            )
        return result

    def per_year(self) -> pd.DataFrame:
        return queries.per_year(self.data, self.shown)

    def funding(self) -> queries.Funding:
        return queries.central_funding(self.shown, self.budget_kr)

    def indicators(self) -> pd.DataFrame:
        return queries.indicator_totals(self.data, self.shown, self.content)

    # -- Prioritering and Uppföljning over the filtered initiatives --------------------------------

    def ranking(self) -> Ranking:
        return rank(self.shown_rows, self.content)

    def forced_in_view(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The forced ids among the filtered initiatives (a forced one the filter hides is not asked about)."""
        wanted = set(self.shown["id"])
        return tuple(i for i in self.force_in if i in wanted), tuple(i for i in self.force_out if i in wanted)

    def budget_answer(self, ranking: Ranking | None = None) -> BudgetAnswer:
        """What fits in the question's budget that year, over the filtered initiatives."""
        if self.question_year is None or self.question_budget_kr is None:
            return BudgetAnswer()
        force_in, force_out = self.forced_in_view()
        try:
            result = fit_budget(
                self.shown_rows,
                self.content,
                year=self.question_year,
                budget_kr=self.question_budget_kr,
                force_in=list(force_in),
                force_out=list(force_out),
                ranking=ranking,
            )
        except PrioritisationError as error:
            return BudgetAnswer(message=str(error))
        return BudgetAnswer(result=result)

    def benefit_register(self, on: dt.date | None = None) -> register.Register:
        """The benefit register of the filtered initiatives on `on` (today), with the register's filters."""
        filters = register.Filters(light=self.register_light, due=self.register_due)
        return register.benefit_register(self.shown_rows, self.content, on or today(), filters)
