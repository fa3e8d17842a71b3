"""`nyttolib portfolio prioritise [--year ÅR --budget KR] [--force-in NR] [--force-out NR] [--json]`.

The ranked list with the reason for every place and, for a year and a budget, what fits. Reads the
portfolio's summary rows only. Exit codes: 0 done, 1 a value that cannot be used (a budget written
"tvåhundra kr", an unknown Nr), 2 wrong usage (a budget without a year)."""

from __future__ import annotations

import argparse
import gc
import json
from typing import Any, TextIO

from nyttolib.content import Content
from nyttolib.exitcodes import EXIT_INVALID, EXIT_OK, EXIT_USAGE
from nyttolib.formatting import kr
from nyttolib.numbers import AMOUNT, YEAR, parse_number
from nyttolib.portfolio.prioritisation import (
    BudgetResult,
    PrioritisationError,
    Ranking,
    Selection,
    fit_budget,
    plain_score,
    rank,
)
from nyttolib.portfolio.store import PortfolioStore
from nyttolib.text import terminal_safe

PROGRAM = "nyttolib portfolio prioritise"


def _usage_problem(args: argparse.Namespace) -> str | None:
    if (args.year is None) != (args.budget is None):
        return "--year och --budget anges tillsammans: budgeten gäller ett kalenderår."
    if (args.force_in or args.force_out) and args.budget is None:
        return "--force-in och --force-out gäller budgetfrågan; ange också --year och --budget."
    return None


def _value(text: str, what: str, allowed, unit: str = "") -> int | float:
    """A year or an amount as the user wrote it; ValueError with the Swedish reason otherwise."""
    try:
        value = parse_number(text, unit=unit, allowed=allowed)
    except ValueError as exc:
        raise ValueError(f"{what} '{terminal_safe(text, keep_newlines=False)}' går inte att läsa: {exc}.") from None
    if value is None:
        raise ValueError(f"{what} saknas: skriv t.ex. {'2025' if unit == '' else '2 000 000 kr'}.")
    return value


def prioritise(args: argparse.Namespace, store: PortfolioStore, out: TextIO, err: TextIO) -> int:
    problem = _usage_problem(args)
    if problem:
        print(f"{PROGRAM}: {problem}", file=err)
        return EXIT_USAGE
    content = store.content
    try:
        year = budget = None
        if args.budget is not None:
            year = int(_value(args.year, "Året", YEAR))
            budget = float(_value(args.budget, "Budgeten", AMOUNT, unit="kr"))
        ranking, result = _computed(store, content, year, budget, args)
    except (ValueError, PrioritisationError) as exc:
        print(f"{PROGRAM}: {exc}", file=err)
        return EXIT_INVALID
    if args.json:
        document: dict[str, Any] = {"disclaimer": ranking.disclaimer, "ranking": ranking.as_json()}
        if result is not None:
            document["budget"] = result.as_json()
        print(json.dumps(document, ensure_ascii=False, indent=2), file=out)
    else:
        _print_text(ranking, result, content, out)
    return EXIT_OK


def _computed(
    store: PortfolioStore, content: Content, year: int | None, budget: float | None, args: argparse.Namespace
) -> tuple[Ranking, BudgetResult | None]:
    """Rows, ranking and budget question. The cyclic garbage collector is paused meanwhile: reading a
    hundred thousand rows makes millions of objects and no cycles, and its passes over them cost more
    than the reading (it runs again when done)."""
    gc.disable()
    try:
        rows = store.prioritisation_rows(year)  # only what the ranking and the budget question read
        ranking = rank(rows, content)
        result = None
        if budget is not None:
            result = fit_budget(
                rows,
                content,
                year=year,
                budget_kr=budget,
                force_in=args.force_in,
                force_out=args.force_out,
                ranking=ranking,
            )
            ranking = result.ranking  # with a forced initiative that is no candidate in its place
        return ranking, result
    finally:
        gc.enable()


def _print_text(ranking: Ranking, result: BudgetResult | None, content: Content, out: TextIO) -> None:
    texts = content.portfolio.prioritisation.texts
    lines = [ranking.disclaimer, "", texts.ranking_title.format(count=len(ranking.positions))]
    for position in ranking.positions:
        row = position.row
        lines.append(f"  {row.get('number') or '–'}  {row.get('name') or '(namnlöst)'}")
        lines.append(f"      {position.reason}")
    lines.extend(f"  {note}" for note in ranking.notes)
    if result is not None:
        lines += ["", result.title, f"  {result.cost_rule}"]
        for selection in (result.in_order, result.optimum):
            lines += ["", *_selection_lines(selection, content)]
        lines += ["", result.comparison]
        lines.extend(note for note in result.notes if note not in ranking.notes)
    lines += ["", ranking.disclaimer]
    out.write("\n".join(lines) + "\n")


def _entry_line(entry, content: Content) -> str:
    texts = content.portfolio.prioritisation.texts
    row = entry.position.row
    text = texts.entry.format(
        place=entry.position.place,
        name=row.get("name") or "(namnlöst)",
        number=row.get("number") or "–",
        cost=kr(entry.cost_kr),
        score=plain_score(entry.position.valuation.score),
    )
    extras = [entry.reason] if entry.reason else []
    if entry.from_listing:
        extras.append(texts.cost_from_listing)
    return f"    {text}" + (f": {'; '.join(extras)}" if extras else "")


def _selection_lines(selection: Selection, content: Content) -> list[str]:
    texts = content.portfolio.prioritisation.texts
    lines = [selection.title, f"  {selection.rule}", f"  {texts.selected_title}:"]
    if selection.selected:
        lines.extend(_entry_line(entry, content) for entry in selection.selected)
    else:
        lines.append(f"    {texts.nothing_selected}")
    if selection.left_out:
        lines.append(f"  {texts.left_out_title}:")
        lines.extend(_entry_line(entry, content) for entry in selection.left_out)
    lines.append(f"  {selection.summary(content)}")
    return lines
