"""The portfolio page without a browser: its state (filters, sort, paging, a change of stage as a new
revision, a conflict with another save) and its widgets (the table as one escaped HTML widget, the
budget field's message, the start page's link)."""

from __future__ import annotations

import datetime as dt
import re
from html import escape

import ipywidgets as widgets
import pytest

from nyttolib.app.portfolio import html as tables
from nyttolib.app.portfolio.state import CHANGE_NOTE, PortfolioState
from nyttolib.app.portfolio_page import PortfolioPage
from nyttolib.app.start_page import StartPage
from nyttolib.portfolio.prioritisation import fit_budget, rank
from nyttolib.portfolio.register import Filters, benefit_register
from nyttolib.portfolio.rows import today
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
        page.show("prioritisation", focus=False)
        page.question_year.value, page.question_budget.value = "2024", "1 000 000 kr"
        assert "Inget initiativ ryms" in page.answer.value
        page.show("register", focus=False)
        assert "Inga nyttor i registret." in page.register_table.value
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


# -- Prioritering ------------------------------------------------------------------------------------


def _ids(positions) -> list[str]:
    return [position.row["id"] for position in positions]


def test_the_ranking_follows_the_filter(portfolio, content):
    store, _unused = portfolio
    page = PortfolioPage(store, content)
    page.show("prioritisation", focus=False)
    everything = rank(store.portfolio_rows(), content)
    assert _ids(page.state.ranking().positions) == _ids(everything.positions)
    page.filters["years"].value = 2022  # the open part is redrawn for the filtered initiatives
    rows_2022 = [row for row in store.portfolio_rows() if row["year"] == 2022]
    expected = rank(rows_2022, content)
    assert 0 < len(expected.positions) < len(everything.positions)
    assert _ids(page.state.ranking().positions) == _ids(expected.positions)
    links = re.findall(r"<a href='bedomning\.ipynb\?id=(\w+)'>", page.ranking.value)
    assert links == _ids(expected.positions)  # the table shows that ranking, in its order
    for position in expected.positions:
        assert escape(position.reason, quote=False) in page.ranking.value
    # The forced lists offer the filtered initiatives only.
    assert {value for _, value in page.force_in.options} == {row["id"] for row in rows_2022}


def test_the_budget_question_with_forced_initiatives_gives_the_modules_result(portfolio, content):
    store, _unused = portfolio
    page = PortfolioPage(store, content)
    page.show("prioritisation", focus=False)
    assert content.portfolio.page.question_missing in page.answer.value
    ranking = rank(store.portfolio_rows(), content)
    first, last = ranking.positions[0].row["id"], ranking.positions[-1].row["id"]
    page.question_year.value = "2022"
    page.question_budget.value = "3 000 000 kr"
    page.force_in.value = (last,)
    page.force_out.value = (first,)
    expected = fit_budget(
        store.portfolio_rows(), content, year=2022, budget_kr=3_000_000, force_in=[last], force_out=[first]
    )
    result = page.state.budget_answer().result
    assert result is not None and result.as_json() == expected.as_json()
    answer = page.answer.value
    assert escape(expected.title) in answer and "a) Rangordningen" in answer and "b) Högsta" in answer
    for selection, key in ((expected.in_order, "in-order"), (expected.optimum, "optimum")):
        section = answer.split(f"aria-labelledby='nyttolib-selection-{key}'")[1].split("</section>")[0]
        chosen, _, left_out = section.partition("<caption>Utanför")
        assert re.findall(r"id=(\w+)'>", chosen) == [e.position.row["id"] for e in selection.selected]
        assert re.findall(r"id=(\w+)'>", left_out) == [e.position.row["id"] for e in selection.left_out]
        assert escape(selection.summary(content)) in section
    assert "tvingad in" in answer and "tvingad ut" in answer
    disclaimer = escape(content.portfolio.prioritisation.disclaimer)
    assert (
        sum(disclaimer in child.value for child in page.sections["prioritisation"].children if hasattr(child, "value"))
        == 2
    )


def test_a_bad_budget_or_year_keeps_the_text_and_says_why(portfolio, content):
    store, _unused = portfolio
    page = PortfolioPage(store, content)
    page.show("prioritisation", focus=False)
    page.question_year.value, page.question_budget.value = "2023", "2 000 000 kr"
    shown = page.answer.value
    assert "Vad ryms i budgeten 2\xa0000\xa0000\xa0kr år 2023?" in shown
    page.question_budget.value = "tvåhundra kr"
    assert page.question_budget_field.has_error and "nyttolib-invalid" in page.question_budget._dom_classes
    assert "role='alert'" in page.question_budget_field.message.value
    assert page.question_budget.value == "tvåhundra kr"  # the text stays for the user to correct
    assert page.answer.value == shown  # and the answer to the last valid question stays
    page.question_year.value = "tjugotjugofem"
    assert page.question_year_field.has_error and page.state.question_year == 2023
    page.question_year.value, page.question_budget.value = "2024", "1 500 000"
    assert not page.question_year_field.has_error and not page.question_budget_field.has_error
    assert "Vad ryms i budgeten 1\xa0500\xa0000\xa0kr år 2024?" in page.answer.value


def test_a_prioritisation_error_is_a_swedish_message_on_the_page(portfolio, content):
    store, ids = portfolio
    page = PortfolioPage(store, content)
    page.show("prioritisation", focus=False)
    page.question_year.value, page.question_budget.value = "2022", "1 000 000"
    page.force_in.value = (ids[5],)
    page.force_out.value = (ids[5],)  # in and out at once: the module refuses
    assert "role='alert'" in page.answer.value and "både tvingas in och ut" in page.answer.value
    assert "Traceback" not in page.answer.value
    page.force_out.value = ()
    assert "Vad ryms i budgeten" in page.answer.value


def test_prioritisation_and_register_escape_user_text(tmp_path, content):
    with PortfolioStore(tmp_path / "data", content) as store:
        ids = fill(store, content, 5)
        hostile = store.load(ids[0])[0]
        name = "<script>alert(1)</script> & $x^2$"
        initiative = hostile.initiative.model_copy(update={"name": name, "priority_class": "lag"})
        hostile_text = "<img src=x onerror=alert(1)>"
        items = [
            item.model_copy(
                update={"seven_questions": {**item.seven_questions, "vem_ansvarar_uppfoljning": hostile_text}}
            )
            for item in hostile.plan.items
        ]
        plan = hostile.plan.model_copy(update={"items": items})
        store.save(hostile.model_copy(update={"initiative": initiative, "plan": plan}), expected_revision=1)
        page = PortfolioPage(store, content)
        page.show("prioritisation", focus=False)
        page.question_year.value, page.question_budget.value = "2021", "10 000 000"
        page.show("register", focus=False)
        for value in (page.ranking.value, page.answer.value, page.register_table.value):
            assert "<script>" not in value and "&lt;script&gt;" in value
        assert "<img src=x" not in page.register_table.value and "&lt;img src=x" in page.register_table.value


# -- Uppföljning -------------------------------------------------------------------------------------


def test_the_register_follows_the_filters_and_links_to_the_plan(portfolio, content):
    store, ids = portfolio
    page = PortfolioPage(store, content)
    page.show("register", focus=False)
    rows = store.portfolio_rows(plans=True)
    day = today()
    whole = benefit_register(rows, content, day)
    assert page.register_table.value.count("<tr>") == len(whole.entries) + 1
    assert f"href='bedomning.ipynb?id={ids[0]}&amp;steg=plan'" in page.register_table.value
    assert escape(whole.economics.rule) in page.register_economics.value
    # Verksamhet is the page's filter; light and due are the register's own.
    page.filters["departments"].value = "Socialförvaltningen"
    social = [row for row in rows if row["department"] == "Socialförvaltningen"]
    expected = benefit_register(social, content, day)
    assert page.state.benefit_register().entries == expected.entries
    assert page.register_table.value.count("<tr>") == len(expected.entries) + 1
    assert f"över {len(social)} initiativ" in page.register_economics.value
    light = expected.entries[0].light
    page.register_light.value = light
    kept = benefit_register(social, content, day, Filters(light=light))
    assert page.state.benefit_register().entries == kept.entries and {e.light for e in kept.entries} == {light}
    page.register_due.value = True
    due = benefit_register(social, content, day, Filters(light=light, due=True)).entries
    assert page.state.benefit_register().entries == due
    assert all(e.due.state in ("due", "overdue") for e in due)
    other = next(value for value in ("red", "yellow", "green", "none") if value != light)
    page.register_light.value = other
    if not benefit_register(social, content, day, Filters(light=other, due=True)).entries:
        assert "Inga nyttor i registret med de här filtren." in page.register_table.value


def test_the_register_counts_due_on_a_fixed_date(portfolio, content):
    store, _unused = portfolio
    state = PortfolioState(store, content)
    early = state.benefit_register(on=dt.date(2021, 2, 1))
    late = state.benefit_register(on=dt.date(2030, 1, 1))
    assert early.entries == benefit_register(store.portfolio_rows(plans=True), content, dt.date(2021, 2, 1)).entries
    assert late.counts()["overdue"] >= early.counts()["overdue"]
    assert late.counts()["overdue"] + late.counts()["no_interval"] == len(late.entries)
