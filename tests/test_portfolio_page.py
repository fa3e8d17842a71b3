"""The portfolio page without a browser: its state (filters, sort, paging, a change of stage as a new
revision, a conflict with another save) and its widgets (the table as one escaped HTML widget, the
budget field's message, the start page's link)."""

from __future__ import annotations

import re

import ipywidgets as widgets
import pytest

from nyttolib.app.portfolio import html as tables
from nyttolib.app.portfolio.state import CHANGE_NOTE, PortfolioState
from nyttolib.app.portfolio_page import PortfolioPage
from nyttolib.app.start_page import StartPage
from nyttolib.portfolio.store import PortfolioStore

from portfolio_examples import LONG_NAME, fill


@pytest.fixture
def portfolio(tmp_path, content):
    with PortfolioStore(tmp_path / "data", content) as store:
        ids = fill(store, content, 60)
        yield store, ids


def test_filters_narrow_the_table_and_the_figures(portfolio, content):
    store, _ids = portfolio
    state = PortfolioState(store, content)
    assert len(state.shown) == 60
    state.set_filter(years=2022)
    assert len(state.shown) == 15 and set(state.shown["year"]) == {2022}
    state.set_filter(stages="steg_1")
    assert set(state.shown["stage"]) == {"steg_1"} and set(state.shown["year"]) == {2022}
    assert int(state.funnel()["count"].sum()) == len(state.shown)
    assert state.funding().used_kr == pytest.approx(state.shown["central_funding_kr"].sum())
    state.clear_filters()
    state.set_filter(text="  INITIATIV 1:  ")  # case and spaces do not matter
    assert list(state.shown["name"]) == ["Initiativ 1: digital tjänst för socialförvaltningen"]
    state.set_filter(text="(.*")  # plain text, never a pattern
    assert state.shown.empty


def test_sort_orders_stages_by_the_content_and_amounts_by_value(portfolio, content):
    store, _ids = portfolio
    state = PortfolioState(store, content)
    state.set_sort("cost_kr", descending=True)
    costs = list(state.shown["cost_kr"])
    assert costs == sorted(costs, reverse=True)
    state.set_sort("stage_label")
    order = [s.id for s in content.initiative.portfolio_stages]
    positions = [order.index(s) for s in state.shown["stage"]]
    assert positions == sorted(positions)


def test_paging_shows_fifty_rows_at_a_time(portfolio, content):
    store, _ids = portfolio
    state = PortfolioState(store, content)
    assert state.page_count == 2 and len(state.page_rows) == 50
    state.set_page(5)  # past the end: the last page
    assert state.page == 1 and len(state.page_rows) == 10
    state.set_filter(years=2021)  # a filter starts again at the first page
    assert state.page == 0 and state.page_count == 1


def test_a_change_of_stage_is_a_new_revision_and_changes_nothing_else(portfolio, content):
    store, ids = portfolio
    state = PortfolioState(store, content)
    before, revision = store.load(ids[0])
    assert before.initiative.portfolio.stage == "steg_0"
    result = state.change(ids[0], stage="klara_for_beslut", priority_class="lag")
    assert result.saved and result.revision == revision + 1
    after, head = store.load(ids[0])
    assert head == revision + 1
    assert after.initiative.portfolio.stage == "klara_for_beslut" and after.initiative.priority_class == "lag"
    assert after.calculation == before.calculation and after.plan == before.plan
    assert state.row(ids[0])["stage"] == "klara_for_beslut"  # the table shows the saved row
    assert store.history(ids[0])[-1].note == CHANGE_NOTE


def test_nothing_to_save_when_nothing_changed(portfolio, content):
    store, ids = portfolio
    state = PortfolioState(store, content)
    row = state.row(ids[1])
    result = state.change(ids[1], stage=row["stage"], priority_class=row["priority_class"])
    assert not result.saved and "Inget att spara" in result.message
    assert store.load(ids[1])[1] == row["revision"]


def test_a_conflict_saves_nothing_and_shows_the_newer_row(portfolio, content):
    store, ids = portfolio
    state = PortfolioState(store, content)  # the table as it was read
    other = PortfolioState(store, content)  # another tab of the portfolio office
    assert other.change(ids[2], stage="beslutade", priority_class=None).saved
    head = store.load(ids[2])[1]
    result = state.change(ids[2], stage="steg_3", priority_class="lag")
    assert not result.saved
    assert "sparats av någon annan" in result.message
    assessment, revision = store.load(ids[2])
    assert revision == head and assessment.initiative.portfolio.stage == "beslutade"
    assert state.row(ids[2])["stage"] == "beslutade" and state.row(ids[2])["revision"] == head
    assert state.change(ids[2], stage="steg_3", priority_class="lag").saved  # now it can be made


def test_the_budget_accepts_amounts_as_users_write_them(portfolio, content):
    store, _ids = portfolio
    state = PortfolioState(store, content)
    assert state.set_budget("2 500 000 kr") is None and state.budget_kr == 2_500_000
    message = state.set_budget("tvåhundra kr")
    assert message and "tal" in message
    assert state.budget_kr == 2_500_000  # the last valid budget stays
    assert state.set_budget("-5") is not None


def test_the_page_is_one_html_table_with_escaped_user_text(tmp_path, content):
    with PortfolioStore(tmp_path / "data", content) as store:
        ids = fill(store, content, 55)
        hostile = store.load(ids[0])[0]
        initiative = hostile.initiative.model_copy(
            update={"name": "<script>alert(1)</script> & $x^2$", "department": "<b>Ond</b>"}
        )
        store.save(hostile.model_copy(update={"initiative": initiative}), expected_revision=1)
        page = PortfolioPage(store, content)
        table = page.table.value
        assert "<script>" not in table and "&lt;script&gt;" in table and "&lt;b&gt;Ond" in table
        assert table.count("<tr>") == 51  # the header row and one page of 50
        assert f"href='bedomning.ipynb?id={ids[1]}'" in table
        assert LONG_NAME in table
        assert re.search(r"<th scope='col' aria-sort='ascending'[^>]*><button[^>]*>Nr<", table)
        page.sort.value = ("cost_kr", True)
        assert "aria-sort='descending' class='nyttolib-col-cost_kr nyttolib-number'><button" in page.table.value
        # Every filter shows an option chosen ("Alla"), never an empty select.
        assert all(page.filters[name].index == 0 for name in ("years", "departments", "stages", "kinds"))
        page.filters["departments"].value = "<b>Ond</b>"
        assert "Filtret visar 1 av 55" in page.count.value
        assert [v for _, v in page.choose.options] == [ids[0]]


def test_a_rows_change_button_picks_that_initiative_in_the_change_panel(portfolio, content):
    store, _ids = portfolio
    page = PortfolioPage(store, content)
    page.go_to_page(1)
    buttons = re.findall(
        r"data-nyttolib-pick='nyttolib-portfolio-choose' data-nyttolib-index='(\d+)'", page.table.value
    )
    assert buttons == [str(n) for n in range(50, 60)]
    # The button's index is the option of the same initiative (what nyttolib.js chooses).
    first_row_id = page.state.page_rows.iloc[0]["id"]
    assert page.choose.options[50][1] == first_row_id
    page.choose.index = 50
    row = page.state.row(first_row_id)
    assert page.new_stage.value == row["stage"] and page.new_priority.value == row["priority_class"]
    page.new_stage.value = "beslutade"
    page.save_chosen()
    assert "Sparat" in page.change_result.value
    assert store.load(first_row_id)[0].initiative.portfolio.stage == "beslutade"


def test_a_conflict_on_the_page_keeps_the_users_choice(portfolio, content):
    store, ids = portfolio
    page = PortfolioPage(store, content)
    page.choose.value = ids[4]
    page.new_stage.value, page.new_priority.value = "steg_3", "lag"
    assert PortfolioState(store, content).change(ids[4], stage="beslutade", priority_class=None).saved  # another tab
    head = store.load(ids[4])[1]
    page.save_chosen()
    assert "role='alert'" in page.change_result.value and "sparats av någon annan" in page.change_result.value
    assert store.load(ids[4])[1] == head  # nothing saved over the other tab's change
    assert "Beslutade initiativ" in page.table.value  # the row shows what was saved meanwhile
    assert (page.choose.value, page.new_stage.value, page.new_priority.value) == (ids[4], "steg_3", "lag")
    page.save_chosen()  # saved again on purpose: now it is the newest
    assessment, revision = store.load(ids[4])
    assert revision == head + 1 and assessment.initiative.portfolio.stage == "steg_3"


def test_sort_buttons_pick_the_sort_options_of_their_column(portfolio, content):
    store, _ids = portfolio
    page = PortfolioPage(store, content)
    options = [value for _, value in tables.sort_options()]
    found = re.findall(r"data-nyttolib-index='(\d+)' data-nyttolib-key='sort-(\w+)'", page.table.value)
    assert [column for _, column in found] == list(tables.COLUMNS)
    for index, column in found:
        # The sorted column (Nr, ascending) turns to descending; the others start ascending.
        assert options[int(index)] == (column, column == "number")


def test_the_economy_and_indicators_parts(portfolio, content):
    store, _ids = portfolio
    page = PortfolioPage(store, content)
    page.show("economy", focus=False)
    assert "<img" in page.funnel.value and "alt='Stapeldiagram, antal initiativ per steg" in page.funnel.value
    assert "<table" in page.funnel.value and "<table" in page.per_year.value and "<img" in page.per_year.value
    assert "Andel till höger" in page.balance.value
    assert "alt='Diagram över portföljens medelläge på varje axel: " in page.balance.value
    page.budget.value = "tvåhundra"
    assert page.budget_field.has_error and "nyttolib-invalid" in page.budget._dom_classes
    page.budget.value = "1 000 000"
    assert not page.budget_field.has_error and "av en budget på 1" in page.funding.value
    page.show("indicators", focus=False)
    for indicator in content.portfolio.indicators:
        assert indicator.label in page.indicator_tables.value
    page.filters["years"].value = 2021  # a filter redraws the open part
    assert "Filtret visar 15 av 60" in page.count.value


def test_an_empty_portfolio_says_so(tmp_path, content):
    with PortfolioStore(tmp_path / "data", content) as store:
        page = PortfolioPage(store, content)
        assert content.portfolio.page.empty_portfolio in page.table.value
        page.show("economy", focus=False)
        page.show("indicators", focus=False)
        assert page.choose.disabled and page.save_change.disabled


def test_the_start_page_links_to_the_portfolio(tmp_path, content):
    with PortfolioStore(tmp_path / "data", content) as store:
        page = StartPage(store, content)
        html_text = "".join(c.value for c in page.children if isinstance(c, widgets.HTML))
        assert "href='portfolj.ipynb'" in html_text and content.start.portfolio_link in html_text


def test_charts_draw_content_text_as_plain_text():
    """Stage labels and axis poles are content a municipality writes: "$" is text, never mathtext."""
    import pandas as pd

    from nyttolib.app.portfolio import charts

    funnel = pd.DataFrame({"stage": ["a"], "label": ["Chef $$ och $x^2$"], "count": [3], "cost_kr": [1.0]})
    years = pd.DataFrame(
        {"year": [2024], "cost_kr": [1.0], "realisable_benefit_kr": [2.0], "realised_benefit_kr": [0.5]}
    )
    for png in (
        charts.funnel_png(funnel),
        charts.per_year_png(years),
        charts.balance_png([("Vänster $$", "$\\frac{1}{0}$", 40.0, None)]),
    ):
        assert png.startswith(b"\x89PNG")
