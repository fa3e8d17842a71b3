"""Prioritisation: Växjö's order and the 1/3/5 matrix give a ranked list with reasons in words; the budget
question takes the list in order and finds the exact best selection (checked by brute force)."""

from __future__ import annotations

import io
import itertools
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nyttolib.cli import run
from nyttolib.content import ContentError, load_content
from nyttolib.exitcodes import EXIT_INVALID, EXIT_OK, EXIT_USAGE
from nyttolib.paths import content_dir
from nyttolib.portfolio.prioritisation import (
    PrioritisationError,
    _programme,
    best_selection,
    cost_in_year,
    fit_budget,
    rank,
)
from nyttolib.portfolio.store import PortfolioStore

LAW = "Är nödvändiga för att leva upp till gällande rätt."
CRITICAL = "Är nödvändiga för samhällsviktig eller annan kritisk verksamhet."
EFFICIENCY = "Bidrar med en ökad inre effektivitet eller kostnadsreducering."


def row(
    id_: str,
    *,
    number: str = "",
    priority: str | None = None,
    levels: tuple = (3, 3, 3, 3),
    net: float | None = None,
    stage: str | None = "steg_1",
    costs: dict[str, float] | None = None,
    total: float | None = None,
    year: int | None = 2025,
) -> dict:
    """A summary row as PortfolioStore.portfolio_rows gives it, with only what the prioritisation reads."""
    costs = costs if costs is not None else {}
    return {
        "id": id_,
        "number": number,
        "name": f"Initiativ {id_}",
        "stage": stage,
        "priority_class": priority,
        "valuation": dict(zip(("potential_effect", "feasibility", "financing", "resource_need"), levels, strict=True)),
        "annual_realisable_net_kr": net,
        "cost_per_year": costs,
        "calculation_cost_kr": sum(costs.values()),
        "calculation_start": int(min(costs)) if costs else None,
        "total_cost_kr": total,
        "year": year,
    }


# ------------------------------------------------------------------ the order and its reasons


def test_order_follows_priority_class_then_valuation_then_net_then_number(content):
    rows = [
        row("e", number="22-10", priority="effektivitet", levels=(5, 5, 5, 1)),  # 25
        row("l", number="22-11", priority="lag", levels=(1, 1, 1, 5)),  # 5
        row("k", number="22-12", priority="kritisk_verksamhet", levels=(3, 3, 3, 3)),  # 15
        row("n", number="22-13", levels=(5, 5, 5, 1)),  # no class: after all with one
        row("e2", number="22-2", priority="effektivitet", levels=(5, 3, 5, 1), net=100_000),  # 23
        row("e3", number="22-9", priority="effektivitet", levels=(5, 3, 5, 1), net=50_000),  # 23
        row("e4", number="22-3", priority="effektivitet", levels=(5, 3, 5, 1), net=50_000),  # 23, lower Nr
    ]
    ranking = rank(rows, content)
    assert [p.row["id"] for p in ranking.positions] == ["l", "k", "e", "e2", "e4", "e3", "n"]
    reasons = [p.reason for p in ranking.positions]
    assert reasons[0] == (
        f"Plats 1: prioriteringsgrund 1 ({LAW}); nyttovärdering 5 av 25 (potentiell effekt 1 × 2, "
        "genomförbarhet 1 × 1, finansiering 1 × 1, resursbehov 5 (omvänd skala, räknas som 1) × 1); "
        "före plats 2 för att prioriteringsgrund 1 går före 2."
    )
    assert reasons[1].startswith(f"Plats 2: prioriteringsgrund 2 ({CRITICAL}); nyttovärdering 15 av 25")
    assert reasons[2] == (
        f"Plats 3: prioriteringsgrund 3 ({EFFICIENCY}); nyttovärdering 25 av 25 (potentiell effekt 5 × 2, "
        "genomförbarhet 5 × 1, finansiering 5 × 1, resursbehov 1 (omvänd skala, räknas som 5) × 1); "
        "före plats 4 för att nyttovärderingen är högre (25 mot 23)."
    )
    assert reasons[3].endswith(
        "före plats 5: samma prioriteringsgrund och nyttovärdering, men större årlig realiserbar nettonytta "
        "(100\u00a0000\u00a0kr mot 50\u00a0000\u00a0kr)."
    )
    assert reasons[4].endswith("före plats 6: lika i övrigt, i ordning efter Nr (22-3 före 22-9).")  # natural order
    assert reasons[5].endswith("före plats 7 som saknar prioriteringsgrund.")
    assert reasons[6].startswith("Plats 7: ingen prioriteringsgrund (kommer efter dem som har en); nyttovärdering 25")
    assert reasons[6].endswith("; sist i rangordningen.")
    assert ranking.disclaimer.startswith("Stödet ska fungera som ett underlag")


def test_a_criterion_not_valued_counts_as_the_least_favourable_level(content):
    rows = [
        row("full", priority="lag", levels=(3, 3, 3, 3)),  # 6 + 3 + 3 + 3 = 15
        row("part", priority="lag", levels=(5, None, 5, None)),  # 10 + 1 + 5 + (resursbehov as 5 → 1) = 17
        row("none", priority="lag", levels=(None, None, None, None)),  # 2 + 1 + 1 + 1 = 5
    ]
    ranking = rank(rows, content)
    by_id = {p.row["id"]: p for p in ranking.positions}
    assert [p.row["id"] for p in ranking.positions] == ["part", "full", "none"]
    assert float(by_id["part"].valuation.score) == 17 and not by_id["part"].valuation.fully_valued
    assert by_id["full"].valuation.fully_valued
    assert float(by_id["none"].valuation.score) == 5
    assert (
        "genomförbarhet inte värderad (räknas som minst fördelaktig: 1) × 1, finansiering 5 × 1, "
        "resursbehov inte värderad (räknas som minst fördelaktig: 1) × 1), inte fullständigt nyttovärderad;"
    ) in by_id["part"].reason


def test_decided_initiatives_are_not_candidates_and_the_note_says_why(content):
    rows = [
        row("a", stage="beslutade"),
        row("b", stage=None),
        row("c", stage="klara_for_beslut"),
        {"id": "x", "name": "Trasig", "unreadable": "Revision 2 går inte att läsa", "plans": []},
    ]
    ranking = rank(rows, content)
    assert {p.row["id"] for p in ranking.positions} == {"b", "c"}
    assert ranking.notes == [
        "1 initiativ prövas inte, eftersom de står i steg som inte prioriteras (Beslutade initiativ).",
        "Trasig: går inte att läsa och är inte med (Revision 2 går inte att läsa)",
    ]


def test_weights_and_direction_come_from_content(content, tmp_path):
    target = tmp_path / "content"
    shutil.copytree(content_dir(), target)
    path = target / "portfolio.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("      weight: 2\n", "      weight: 0.5\n", 1)  # potential effect counts a half
    path.write_text(text, encoding="utf-8")
    edited = load_content(target)
    rows = [row("effect", levels=(5, 1, 1, 5)), row("feasible", levels=(1, 5, 1, 5))]
    ranking = rank(rows, edited)
    assert [p.row["id"] for p in ranking.positions] == ["feasible", "effect"]
    # 0,5 × 1 + 5 + 1 + 1 = 7,5 and 0,5 × 5 + 1 + 1 + 1 = 5,5, of 0,5 × 5 + 5 + 5 + 5 = 17,5
    assert "nyttovärdering 7,5 av 17,5 (potentiell effekt 1 × 0,5, genomförbarhet 5 × 1" in ranking.positions[0].reason
    assert "nyttovärdering 5,5 av 17,5" in ranking.positions[1].reason


def test_a_text_with_an_unknown_field_is_reported_with_its_file(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(content_dir(), target)
    path = target / "portfolio.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Plats {place}", "Plats {plats}"), encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        load_content(target)
    assert "portfolio.yaml" in str(raised.value) and "okänt fält {plats}" in str(raised.value)


# ------------------------------------------------------------------ the exact selection


def test_the_best_selection_beats_the_ranked_order_where_greedy_is_not_optimal(content):
    rows = [
        row("A", number="1", priority="lag", levels=(5, 5, 5, 1), costs={"2025": 600_000}),  # 25
        row("B", number="2", priority="effektivitet", levels=(3, 3, 3, 3), costs={"2025": 500_000}),  # 15
        row("C", number="3", priority="effektivitet", levels=(3, 3, 3, 3), costs={"2025": 500_000}),  # 15
    ]
    result = fit_budget(rows, content, year=2025, budget_kr=1_000_000)
    assert [e.position.row["id"] for e in result.in_order.selected] == ["A"]
    assert [e.reason for e in result.in_order.left_out] == [
        "ryms inte när det är dess tur: kostar 500\u00a0000\u00a0kr, kvar av budgeten 400\u00a0000\u00a0kr"
    ] * 2
    assert [e.position.row["id"] for e in result.optimum.selected] == ["B", "C"]
    assert float(result.optimum.score) == 30 and float(result.in_order.score) == 25
    assert result.optimum.left_out[0].reason.startswith("kostar 600\u00a0000\u00a0kr, men bara 0\u00a0kr är kvar")
    assert result.comparison == "Urval b ger 5 poäng högre sammanlagd nyttovärdering än urval a."
    assert result.disclaimer.startswith("Stödet ska fungera som ett underlag")


def test_ties_go_to_the_cheaper_then_to_the_higher_placed():
    # equal value, equal cost: the earlier (higher placed) is kept
    assert best_selection([10, 10], [500, 500], 500) == [0]
    # equal value, one cheaper: the cheaper
    assert best_selection([10, 10], [600, 500], 600) == [1]
    # two selections worth 20: {0, 1} for 1 000 and {2} for 900: the cheaper
    assert best_selection([10, 10, 20], [500, 500, 900], 1000) == [2]


def test_forced_in_and_out(content):
    rows = [
        row("A", number="1", priority="lag", levels=(5, 5, 5, 1), costs={"2025": 600_000}),
        row("B", number="2", levels=(1, 1, 1, 5), costs={"2025": 300_000}),
        row("C", number="3", levels=(3, 3, 3, 3), costs={"2025": 400_000}),
    ]
    result = fit_budget(rows, content, year=2025, budget_kr=1_000_000, force_in=["2"], force_out=["1"])
    for selection in (result.in_order, result.optimum):
        assert [(e.position.row["id"], e.forced) for e in selection.selected] == [
            ("C", False),
            ("B", True),
        ]  # in rank order
        assert [(e.position.row["id"], e.reason) for e in selection.left_out] == [("A", "tvingad ut")]
    with pytest.raises(PrioritisationError, match="både tvingas in och ut: 1"):
        fit_budget(rows, content, year=2025, budget_kr=1_000_000, force_in=["1"], force_out=["1"])
    with pytest.raises(PrioritisationError, match="inget initiativ med Nr eller id 99"):
        fit_budget(rows, content, year=2025, budget_kr=1_000_000, force_in=["99"])


def test_a_forced_initiative_that_is_no_candidate_takes_its_place_in_the_ranking(content):
    rows = [
        row("A", number="1", levels=(3, 3, 3, 3), costs={"2025": 100}),
        row("D", number="2", priority="lag", stage="beslutade", costs={"2025": 100}),
    ]
    result = fit_budget(rows, content, year=2025, budget_kr=150, force_in=["2"])
    assert [p.row["id"] for p in result.ranking.positions] == ["D", "A"]
    assert [(e.position.place, e.position.row["id"]) for e in result.optimum.selected] == [(1, "D")]
    assert [(e.position.place, e.reason) for e in result.optimum.left_out] == [
        (2, "kostar 100\u00a0kr, men bara 50\u00a0kr är kvar i det bästa urvalet; att byta in det mot initiativ "
         "som är med ger ingen högre sammanlagd nyttovärdering")
    ]  # fmt: skip


def test_forced_in_over_the_budget_leaves_room_for_nothing_else(content):
    rows = [row("A", number="1", costs={"2025": 900_000}), row("B", number="2", costs={"2025": 100})]
    result = fit_budget(rows, content, year=2025, budget_kr=500_000, force_in=["1"])
    assert [e.position.row["id"] for e in result.optimum.selected] == ["A"]
    assert [e.position.row["id"] for e in result.in_order.selected] == ["A"]
    assert any("tvingats in kostar tillsammans 900\u00a0000\u00a0kr, mer än budgeten" in n for n in result.notes)


def test_nothing_fits_and_budget_zero(content):
    rows = [row("A", number="1", costs={"2025": 600_000}), row("B", number="2", costs={"2025": 700_000})]
    for budget in (500_000, 0):
        result = fit_budget(rows, content, year=2025, budget_kr=budget)
        assert result.optimum.selected == [] and result.in_order.selected == []
        assert [e.reason for e in result.optimum.left_out] == [
            "kostar 600\u00a0000\u00a0kr år 2025, mer än hela budgeten",
            "kostar 700\u00a0000\u00a0kr år 2025, mer än hela budgeten",
        ]
        assert result.comparison == "Urval a och b ger samma sammanlagda nyttovärdering."


def test_the_cost_counted_is_the_calendar_years_or_the_listings(content):
    calculated = row("calc", costs={"2025": 300_000, "2026": 50_000}, total=1_000_000)
    listed = row("list", total=400_000, year=2025)
    no_year = row("none", total=400_000, year=None)
    assert cost_in_year(calculated, 2025) == (300_000, False)  # the calculation wins over Kostnad totalt
    assert cost_in_year(calculated, 2027) == (0, False)
    assert cost_in_year(listed, 2025) == (400_000, True)
    assert cost_in_year(listed, 2026) == (0, True)
    assert cost_in_year(no_year, 2025) == (None, True)
    result = fit_budget([calculated, listed, no_year], content, year=2026, budget_kr=1_000_000)
    assert [e.position.row["id"] for e in result.optimum.selected] == ["calc"]
    assert "1 av de prövade initiativen har ingen kostnad år 2026 och är inte med i budgetfrågan." in result.notes
    assert any(n.startswith("1 initiativ saknar år") for n in result.notes)


def test_the_exact_selection_is_fast_and_exact_for_450_candidates_with_large_amounts():
    import random

    generator = random.Random(12)
    values = [generator.choice(range(5, 26, 2)) for _ in range(450)]
    costs = [generator.randint(10_000, 30_000_000) * 100 for _ in range(450)]
    budget = sum(costs) // 5
    chosen = best_selection(values, costs, budget)
    assert sum(costs[i] for i in chosen) <= budget
    # nothing left out would still fit in what is left (exactness: the brute-force property test below)
    left = budget - sum(costs[i] for i in chosen)
    outside = [i for i in range(450) if i not in chosen]
    assert all(costs[i] > left for i in outside)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 25), st.integers(0, 3_000_000_000)), min_size=0, max_size=10),
    st.integers(0, 10_000_000_000),
)
def test_the_selection_is_never_worse_than_any_subset_and_always_within_budget(items, budget):
    values = [v for v, _ in items]
    costs = [c for _, c in items]
    chosen = best_selection(values, costs, budget)
    assert len(set(chosen)) == len(chosen)
    cost = sum(costs[i] for i in chosen)
    value = sum(values[i] for i in chosen)
    assert cost <= budget
    best_value, best_cost = 0, 0
    for size in range(len(items) + 1):
        for subset in itertools.combinations(range(len(items)), size):
            subset_cost = sum(costs[i] for i in subset)
            if subset_cost <= budget:
                subset_value = sum(values[i] for i in subset)
                if subset_value > best_value or (subset_value == best_value and subset_cost < best_cost):
                    best_value, best_cost = subset_value, subset_cost
    assert value == best_value
    assert cost == best_cost  # and the cheapest of the best


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 25), st.integers(1, 30_000_000)), min_size=0, max_size=120),
    st.floats(0, 1),
)
def test_fixing_items_by_the_bound_never_changes_the_selection(items, share):
    """The reduction (Dembo–Hammer) only fixes what every optimum takes or leaves: the selection is the
    one the dynamic programme finds over all items, tie-break included."""
    values = [v for v, _ in items]
    costs = [c * 100 for _, c in items]
    budget = int(sum(costs) * share)
    everything = [i for i in range(len(items)) if costs[i] <= budget]
    assert best_selection(values, costs, budget) == sorted(_programme(everything, values, costs, budget))


# ------------------------------------------------------------------ the command line


@pytest.fixture
def portfolio(tmp_path: Path, examples, content) -> Path:
    """The bundled examples in a store, one of them with a calculation in 2025 and a priority class."""
    directory = tmp_path / "data"
    with PortfolioStore(directory, content) as store:
        for index, assessment in enumerate(examples):
            ini = assessment.initiative
            portfolio = ini.portfolio.model_copy(update={"stage": "klara_for_beslut", "number": f"25-{index + 1:02d}"})
            changed = assessment.model_copy(
                update={"id": None, "initiative": ini.model_copy(update={"portfolio": portfolio})}
            )
            store.save(changed)
    return directory


def cli(data_dir: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["--data-dir", str(data_dir), "portfolio", "prioritise", *args], out, err)
    return code, out.getvalue(), err.getvalue()


def test_cli_prints_the_ranking_with_reasons_and_the_disclaimer(portfolio):
    code, out, err = cli(portfolio)
    assert code == EXIT_OK, err
    assert out.startswith("Stödet ska fungera som ett underlag")
    assert "Rangordning: 4 initiativ" in out
    assert "Plats 1: prioriteringsgrund 1 (Är nödvändiga för att leva upp till gällande rätt.)" in out
    assert "Plats 4:" in out and "sist i rangordningen." in out


@pytest.mark.parametrize("budget", ["2 000 000 kr", "2000000", "2\u00a0000\u00a0000\u00a0kr"])
def test_cli_reads_the_budget_as_users_write_it(portfolio, budget):
    code, out, err = cli(portfolio, "--year", "2022", "--budget", budget, "--json")
    assert code == EXIT_OK, err
    document = json.loads(out)
    assert document["budget"]["budget_kr"] == 2_000_000
    assert document["disclaimer"] == document["budget"]["disclaimer"]
    optimum = document["budget"]["optimum"]
    assert optimum["cost_kr"] <= 2_000_000
    assert document["budget"]["in_order"]["valuation_score"] <= optimum["valuation_score"]
    assert all(entry["reason"] for entry in optimum["left_out"])


def test_cli_budget_text_shows_both_selections(portfolio):
    code, out, err = cli(portfolio, "--year", "2022", "--budget", "1 000 000 kr", "--force-out", "25-01")
    assert code == EXIT_OK, err
    assert "Vad ryms i budgeten 1\u00a0000\u00a0000\u00a0kr år 2022?" in out
    assert "a) Rangordningen i tur och ordning" in out and "b) Högsta sammanlagda nyttovärdering" in out
    assert out.rstrip().endswith("taktiska beslut.")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--year", "2025", "--budget", "tvåhundra kr"], EXIT_INVALID, "Budgeten 'tvåhundra kr' går inte att läsa"),
        (["--year", "2025", "--budget", "-5 kr"], EXIT_INVALID, "från 0 till 10 000 000 000"),
        (["--year", "tjugo", "--budget", "5"], EXIT_INVALID, "Året 'tjugo' går inte att läsa"),
        (["--year", "2025", "--budget", "5", "--force-in", "99-99"], EXIT_INVALID, "inget initiativ med Nr"),
        (["--budget", "5"], EXIT_USAGE, "--year och --budget anges tillsammans"),
        (["--force-in", "25-01"], EXIT_USAGE, "gäller budgetfrågan"),
    ],
)
def test_cli_bad_input_gets_a_swedish_message_and_its_exit_code(portfolio, args, code, message):
    got, out, err = cli(portfolio, *args)
    assert got == code
    assert message in err.replace("\u00a0", " ")
    assert out == "" and "Traceback" not in err


def test_the_narrow_rows_give_the_same_ranking_and_budget_answer_as_the_full_rows(tmp_path, content):
    """`prioritise` reads `PortfolioStore.prioritisation_rows` (only what it needs, for speed): over a
    generated portfolio (every stage and priority class, Kostnad (totalt) given or not, calculations over
    3–5 years), with a deleted assessment, budget years inside and outside the calculations and forced
    initiatives, the result is the one the full rows give."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from portfolio_data import Parameters, build

    directory = tmp_path / "generated"
    build(directory, Parameters(300, seed=7), content)
    with PortfolioStore(directory, content) as store:
        full = store.portfolio_rows()
        store.delete(full[5]["id"])
        full = store.portfolio_rows()
        assert rank(store.prioritisation_rows(), content).as_json() == rank(full, content).as_json()
        for year, budget in ((2024, 2_500_000.0), (2026, 40_000_000.0), (2031, 1_000_000.0)):
            narrow = store.prioritisation_rows(year)
            forced = {"force_in": [full[0]["number"]], "force_out": [full[1]["id"]]}
            for options in ({}, forced):
                expected = fit_budget(full, content, year=year, budget_kr=budget, **options)
                found = fit_budget(narrow, content, year=year, budget_kr=budget, **options)
                assert found.as_json() == expected.as_json()
                assert found.ranking.as_json() == expected.ranking.as_json()
