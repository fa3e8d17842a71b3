"""Prioritisation of the portfolio: a ranked list with the reason for every place, and what fits in a budget.

Works on the summary rows (`PortfolioStore.portfolio_rows()`), never on the documents, so it is as fast
for a hundred thousand initiatives as for Växjö's 450. It never decides: every result carries the
content's disclaimer, as seed 000 says ("ett underlag för att skapa samsyn").

The order (content: initiative.yaml and portfolio.yaml `prioritisation`):
1. Växjö's prioriteringsordning: the priority classes by rank (law → critical services → efficiency);
   an initiative without a priority class comes after all that have one.
2. The nyttovärdering: the weighted sum of the 1/3/5 levels of the criteria. A criterion where a high
   level speaks against the initiative (resursbehov) is counted on the reversed scale (1 counts as 5).
   A criterion not yet valued counts as the least favourable level, and the initiative is marked as not
   fully valued: an unfinished valuation never gains a place over a finished one.
3. Ties: the larger annual realisable net first (unknown last), then Nr in natural order (empty last),
   then the id, so the order is the same every time.

The budget question counts each initiative's cost in the chosen calendar year (see `cost_in_year`) and
gives (a) the ranked list taken in order, skipping an initiative that does not fit in what is left and
going on, and (b) the selection with the highest total valuation within the budget, exact (a 0/1
knapsack solved by dynamic programming over the valuation, in whole öre; see `best_selection`).
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from nyttolib.content import Content
from nyttolib.formatting import kr, number

# Above this many cells (candidates × reachable valuation) the exact selection would need too much
# memory and time; the caller says so in Swedish instead of guessing.
MAX_CELLS = 400_000_000
_INFINITE = 1 << 62


class PrioritisationError(ValueError):
    """Input the prioritisation cannot use (an unknown Nr, a selection too large to compute exactly)."""


@functools.lru_cache(maxsize=1024)
def plain_score(value: Fraction | float) -> str:
    """A score or weight as Swedes read it: 19, 18,5, 1,25."""
    value = Fraction(value)
    if value.denominator == 1:
        return number(float(value))
    decimals = 1 if (value * 10).denominator == 1 else 2
    return number(float(value), decimals)


# ------------------------------------------------------------------ the valuation


@dataclass(frozen=True)
class Valuation:
    """An initiative's nyttovärdering: its weighted score (exact), the maximum, and the words."""

    score: Fraction
    maximum: Fraction
    units: int  # the score in whole units of the content's weights (score × denominator), for the knapsack
    fully_valued: bool
    text: str


class Valuer:
    """The valuation of the criteria levels, computed once per combination of levels (there are few)."""

    def __init__(self, content: Content):
        prioritisation = content.portfolio.prioritisation
        self.texts = prioritisation.texts
        levels = sorted(content.initiative.valuation_levels)
        self.lowest, self.highest = levels[0], levels[-1]
        labels = {c.id: c.label for c in content.initiative.valuation_criteria}
        self.criteria = [
            (c, c.label or labels.get(c.id, c.id), Fraction(repr(c.weight))) for c in prioritisation.criteria
        ]
        self.denominator = math.lcm(*(weight.denominator for _, _, weight in self.criteria))
        self.maximum = sum((weight * self.highest for _, _, weight in self.criteria), Fraction(0))
        self.value_of = functools.lru_cache(maxsize=4096)(self._value_of)

    def _points(self, level: int | None, higher_is_better: bool) -> int:
        if level is None:
            return self.lowest
        return level if higher_is_better else self.lowest + self.highest - level

    def _value_of(self, levels: tuple[int | None, ...]) -> Valuation:
        texts = self.texts
        score = Fraction(0)
        parts = []
        for (criterion, label, weight), level in zip(self.criteria, levels, strict=True):
            points = self._points(level, criterion.higher_is_better)
            score += weight * points
            shown = {"label": label, "level": level, "points": points, "weight": plain_score(weight)}
            if level is None:
                parts.append(texts.criterion_missing.format(**shown))
            elif criterion.higher_is_better or points == level:
                parts.append(texts.criterion.format(**shown))
            else:
                parts.append(texts.criterion_reversed.format(**shown))
        fully = all(level is not None for level in levels)
        text = texts.valuation.format(
            score=plain_score(score), maximum=plain_score(self.maximum), parts=", ".join(parts)
        )
        if not fully:
            text += f", {texts.not_fully_valued}"
        units = score * self.denominator
        return Valuation(score, self.maximum, int(units), fully, text)

    def of(self, row: dict[str, Any]) -> Valuation:
        valuation = row.get("valuation") or {}
        return self.value_of(tuple(valuation.get(criterion.id) for criterion, _, _ in self.criteria))


# ------------------------------------------------------------------ the ranked list


@dataclass(frozen=True)
class Position:
    place: int
    row: dict[str, Any]
    valuation: Valuation
    priority_rank: int | None
    priority_label: str
    reason: str

    def as_json(self) -> dict[str, Any]:
        row = self.row
        return {
            "place": self.place,
            "id": row["id"],
            "number": row.get("number", ""),
            "name": row.get("name", ""),
            "stage": row.get("stage"),
            "priority_class": row.get("priority_class"),
            "priority_rank": self.priority_rank,
            "valuation_score": float(self.valuation.score),
            "valuation_maximum": float(self.valuation.maximum),
            "fully_valued": self.valuation.fully_valued,
            "annual_realisable_net_kr": row.get("annual_realisable_net_kr"),
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Ranking:
    positions: list[Position]
    not_candidates: list[dict[str, Any]]
    unreadable: list[dict[str, Any]]
    notes: list[str]
    disclaimer: str

    def as_json(self) -> dict[str, Any]:
        return {
            "disclaimer": self.disclaimer,
            "positions": [position.as_json() for position in self.positions],
            "not_candidates": [row["id"] for row in self.not_candidates],
            "unreadable": [
                {"id": row["id"], "name": row.get("name", ""), "message": row["unreadable"]} for row in self.unreadable
            ],
            "notes": self.notes,
        }


def _natural(text: str) -> tuple[Any, ...]:
    """Nr in natural order ("22-4" before "22-10"); an empty Nr after every given one."""
    if not text:
        return (1,)
    return (
        0,
        *((0, int(part), "") if part.isdigit() else (1, 0, part.lower()) for part in re.split(r"(\d+)", text) if part),
    )


def is_candidate(row: dict[str, Any], content: Content) -> bool:
    """Whether the prioritisation weighs this initiative (content: candidate_stages, candidates_without_stage)."""
    prioritisation = content.portfolio.prioritisation
    stage = row.get("stage")
    if stage is None:
        return prioritisation.candidates_without_stage
    return stage in prioritisation.candidate_stages


@dataclass(frozen=True)
class _Keyed:
    key: tuple[Any, ...]
    row: dict[str, Any]
    valuation: Valuation
    rank: int | None
    label: str


def _keyed(row: dict[str, Any], valuer: Valuer, classes: dict[str, tuple[int, str]]) -> _Keyed:
    valuation = valuer.of(row)
    rank, label = classes.get(row.get("priority_class") or "", (None, ""))
    net = row.get("annual_realisable_net_kr")
    key = (
        rank if rank is not None else math.inf,
        -valuation.units,
        -net if net is not None else math.inf,
        _natural(row.get("number") or ""),
        row["id"],
    )
    return _Keyed(key, row, valuation, rank, label)


def _ahead(this: _Keyed, other: _Keyed, place: int, content: Content) -> str:
    """Why `this` stands before `other` (the next place), in words: the first key that differs."""
    texts = content.portfolio.prioritisation.texts
    following = place + 1
    if this.rank != other.rank:
        if other.rank is None:
            return texts.ahead_has_priority_class.format(next=following)
        return texts.ahead_priority_class.format(next=following, this=this.rank, other=other.rank)
    if this.valuation.units != other.valuation.units:
        return texts.ahead_valuation.format(
            next=following, this=plain_score(this.valuation.score), other=plain_score(other.valuation.score)
        )
    mine, theirs = this.row.get("annual_realisable_net_kr"), other.row.get("annual_realisable_net_kr")
    if mine != theirs:
        return texts.ahead_net.format(
            next=following, this=kr(mine) if mine is not None else "–", other=kr(theirs) if theirs is not None else "–"
        )
    return texts.ahead_number.format(
        next=following, this=this.row.get("number") or this.row["id"], other=other.row.get("number") or other.row["id"]
    )


def _reason(item: _Keyed, following: _Keyed | None, place: int, content: Content) -> str:
    texts = content.portfolio.prioritisation.texts
    if item.rank is not None:
        priority = texts.priority_class.format(rank=item.rank, label=item.label)
    else:
        priority = texts.no_priority_class
    ahead = _ahead(item, following, place, content) if following is not None else texts.last
    return f"{texts.place.format(place=place)}: {priority}; {item.valuation.text}; {ahead}."


def _scope_notes(not_candidates: list[dict[str, Any]], unreadable: list[dict[str, Any]], content: Content) -> list[str]:
    """What is not in the ranking and why: initiatives in stages not weighed, and unreadable ones."""
    texts = content.portfolio.prioritisation.texts
    notes = []
    if not_candidates:
        stages = sorted({row.get("stage") or "" for row in not_candidates})
        names = ", ".join(content.label(content.initiative.portfolio_stages, stage, stage or "–") for stage in stages)
        notes.append(texts.not_candidates.format(count=len(not_candidates), stages=names))
    for row in unreadable:
        notes.append(texts.unreadable.format(name=row.get("name") or row["id"], message=row["unreadable"]))
    return notes


def rank(rows: list[dict[str, Any]], content: Content, *, extra: set[str] = frozenset()) -> Ranking:
    """The candidates (and the initiatives whose ids are in `extra`) in priority order, each with the
    reason for its place in words."""
    prioritisation = content.portfolio.prioritisation
    unreadable = [row for row in rows if row.get("unreadable")]
    candidates, not_candidates = [], []
    for row in rows:
        if not row.get("unreadable"):
            (candidates if is_candidate(row, content) or row["id"] in extra else not_candidates).append(row)
    valuer = Valuer(content)
    classes = {c.id: (c.rank, c.label) for c in content.initiative.priority_classes}
    keyed = sorted((_keyed(row, valuer, classes) for row in candidates), key=lambda item: item.key)
    positions = []
    for index, item in enumerate(keyed):
        following = keyed[index + 1] if index + 1 < len(keyed) else None
        reason = _reason(item, following, index + 1, content)
        positions.append(Position(index + 1, item.row, item.valuation, item.rank, item.label, reason))
    notes = _scope_notes(not_candidates, unreadable, content)
    return Ranking(positions, not_candidates, unreadable, notes, prioritisation.disclaimer)


# ------------------------------------------------------------------ the exact selection


def _ore(amount: float) -> int:
    return max(0, round(amount * 100))


def _upper_bound(values: list[int], costs: list[int], budget: int) -> int:
    """The fractional knapsack's value (Dantzig's bound): no selection within the budget is worth more."""
    order = sorted(range(len(values)), key=lambda i: -(values[i] / costs[i]) if costs[i] else -math.inf)
    total, left = 0, budget
    for i in order:
        if costs[i] <= left:
            total += values[i]
            left -= costs[i]
        else:
            return total + (values[i] * left) // costs[i]
    return total


def best_selection(values: list[int], costs: list[int], budget: int) -> list[int]:
    """The indices of the selection with the highest total value whose total cost is at most `budget`.

    Exact 0/1 knapsack, with integer values and costs (öre), so nothing is rounded. First the items
    that every optimal selection takes or leaves are fixed by the Dembo–Hammer bound (exact rational
    arithmetic): taking (or leaving) them the other way cannot reach the value a greedy selection already
    has. The rest, usually a few dozen near the break ratio, go to a dynamic programme over the total
    value (the least cost that reaches each value), whose value axis stops at the fractional bound.
    Of several selections with the highest value it returns the cheapest, and of equally cheap ones
    the one without the later items (the items come in rank order, so the higher placed are kept).
    """
    fitting = [i for i in range(len(values)) if costs[i] <= budget and values[i] > 0]
    if sum(costs[i] for i in fitting) <= budget:
        return fitting
    fixed, core = _reduce(fitting, values, costs, budget)
    left = budget - sum(costs[i] for i in fixed)
    return sorted(fixed + _programme(core, values, costs, left))


def _ratio_order(items: list[int], values: list[int], costs: list[int]) -> list[int]:
    """The items by value per cost, highest first, exactly: sorted by the float ratio, then the few
    neighbours that floats cannot tell apart put right by comparing integer cross products."""
    order = sorted(items, key=lambda i: -values[i] / costs[i] if costs[i] else -math.inf)
    for k in range(1, len(order)):
        j = k
        while j > 0 and values[order[j]] * costs[order[j - 1]] > values[order[j - 1]] * costs[order[j]]:
            order[j - 1], order[j] = order[j], order[j - 1]
            j -= 1
    return order


def _reduce(items: list[int], values: list[int], costs: list[int], budget: int) -> tuple[list[int], list[int]]:
    """(the items every optimal selection takes, the items still undecided); the rest no optimum takes.

    In integers throughout: with the break item's ratio r = vb / cb, an item's bound
    LP − |v − r·c| < greedy is compared multiplied by cb."""
    order = _ratio_order(items, values, costs)
    value = cost = 0
    prefix: set[int] = set()
    for position, i in enumerate(order):
        if cost + costs[i] > budget:
            breaking = i
            rest = order[position:]
            break
        value, cost = value + values[i], cost + costs[i]
        prefix.add(i)
    else:
        return order, []
    vb, cb = values[breaking], costs[breaking]  # cb > 0: it does not fit where everything before did
    fractional = value * cb + vb * (budget - cost)  # the LP optimum, times cb
    greedy, spent = value, cost  # a feasible selection: the prefix, then whatever else fits in ratio order
    for i in rest:
        if spent + costs[i] <= budget:
            greedy, spent = greedy + values[i], spent + costs[i]
    fixed, core = [], []
    for i in items:
        if fractional - abs(values[i] * cb - vb * costs[i]) < greedy * cb:  # the other way cannot reach `greedy`
            if i in prefix:
                fixed.append(i)
        else:
            core.append(i)
    return fixed, core


def _programme(items: list[int], values: list[int], costs: list[int], budget: int) -> list[int]:
    """The exact best selection of `items` (in rank order) by a dynamic programme over the total value."""
    import numpy as np

    if sum(costs[i] for i in items) <= budget:
        return list(items)
    fitting = [i for i in items if costs[i] <= budget]
    cap = min(
        _upper_bound([values[i] for i in fitting], [costs[i] for i in fitting], budget), sum(values[i] for i in fitting)
    )
    if len(fitting) * (cap + 1) > MAX_CELLS:
        raise PrioritisationError(
            f"Urvalet är för stort för att beräknas exakt ({len(fitting)} kandidater nära gränsen). "
            "Begränsa kandidaterna (steg i portfolio.yaml) eller budgeten."
        )
    least = np.full(cap + 1, _INFINITE, dtype=np.int64)
    least[0] = 0
    taken = []
    for i in fitting:
        value, cost = values[i], costs[i]
        if value > cap:
            taken.append(None)
            continue
        candidate = least[:-value] + cost
        better = (candidate < least[value:]) & (candidate <= budget)
        least[value:] = np.where(better, candidate, least[value:])
        taken.append(np.packbits(better))
    target = int(np.nonzero(least <= budget)[0][-1])
    chosen = []
    for position in range(len(fitting) - 1, -1, -1):
        if target == 0:
            break
        bits, index = taken[position], target - values[fitting[position]]
        if bits is not None and index >= 0 and (bits[index >> 3] >> (7 - (index & 7))) & 1:
            chosen.append(fitting[position])
            target = index
    return chosen


# ------------------------------------------------------------------ the budget question


def cost_in_year(row: dict[str, Any], year: int) -> tuple[float | None, bool]:
    """The initiative's cost in a calendar year, and whether it comes from the listing.

    The calculation's cost that year where the initiative has a calculation with a known start year;
    without a calculation, the listing's Kostnad (totalt) counts in the initiative's År (and nothing in
    other years). None when no calendar year is known (neither År nor the calculation's start year).
    """
    per_year = row.get("cost_per_year") or {}
    if row.get("calculation_cost_kr"):
        if row.get("calculation_start") is None:
            return None, False
        return max(0.0, float(per_year.get(str(year), 0.0))), False
    if row.get("total_cost_kr") is not None:
        if row.get("year") is None:
            return None, True
        return (float(row["total_cost_kr"]) if row["year"] == year else 0.0), True
    return 0.0, False


@dataclass(frozen=True)
class Entry:
    position: Position
    cost_kr: float
    from_listing: bool
    forced: bool = False
    reason: str = ""

    def as_json(self) -> dict[str, Any]:
        row = self.position.row
        return {
            "place": self.position.place,
            "id": row["id"],
            "number": row.get("number", ""),
            "name": row.get("name", ""),
            "cost_kr": self.cost_kr,
            "cost_from_listing": self.from_listing,
            "valuation_score": float(self.position.valuation.score),
            "forced": self.forced,
            **({"reason": self.reason} if self.reason else {}),
        }


@dataclass(frozen=True)
class Selection:
    title: str
    rule: str
    selected: list[Entry]
    left_out: list[Entry]
    budget_kr: float
    note: str = ""

    @property
    def cost_kr(self) -> float:
        return sum(entry.cost_kr for entry in self.selected)

    @property
    def score(self) -> Fraction:
        return sum((entry.position.valuation.score for entry in self.selected), Fraction(0))

    def summary(self, content: Content) -> str:
        return content.portfolio.prioritisation.texts.selection_summary.format(
            count=len(self.selected),
            cost=kr(self.cost_kr),
            budget=kr(self.budget_kr),
            left=kr(self.budget_kr - self.cost_kr),
            score=plain_score(self.score),
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "rule": self.rule,
            "selected": [entry.as_json() for entry in self.selected],
            "left_out": [entry.as_json() for entry in self.left_out],
            "cost_kr": self.cost_kr,
            "left_kr": self.budget_kr - self.cost_kr,
            "valuation_score": float(self.score),
            **({"note": self.note} if self.note else {}),
        }


@dataclass(frozen=True)
class BudgetResult:
    year: int
    budget_kr: float
    title: str
    cost_rule: str
    in_order: Selection
    optimum: Selection
    comparison: str
    notes: list[str] = field(default_factory=list)
    disclaimer: str = ""
    ranking: Ranking | None = None  # the ranking the places refer to

    def as_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "budget_kr": self.budget_kr,
            "title": self.title,
            "cost_rule": self.cost_rule,
            "in_order": self.in_order.as_json(),
            "optimum": self.optimum.as_json(),
            "comparison": self.comparison,
            "notes": self.notes,
            "disclaimer": self.disclaimer,
        }


def find_initiative(rows: list[dict[str, Any]], key: str) -> dict[str, Any]:
    """The row a user means by a Nr (as in the listing) or an id (or the start of one)."""
    wanted = key.strip()
    by_number = [row for row in rows if (row.get("number") or "").strip().lower() == wanted.lower() and wanted]
    if len(by_number) == 1:
        return by_number[0]
    if len(by_number) > 1:
        ids = ", ".join(row["id"][:12] for row in by_number)
        raise PrioritisationError(f"Flera initiativ har Nr {wanted} ({ids}); ange id i stället.")
    by_id = [row for row in rows if row["id"] == wanted] or [
        row for row in rows if wanted and row["id"].startswith(wanted)
    ]
    if len(by_id) == 1:
        return by_id[0]
    if len(by_id) > 1:
        raise PrioritisationError(f"Flera initiativ har ett id som börjar med {wanted}; skriv fler tecken.")
    raise PrioritisationError(f"Det finns inget initiativ med Nr eller id {wanted}.")


@dataclass(frozen=True)
class _Candidate:
    position: Position
    cost_kr: float
    from_listing: bool


def _candidates(
    rows: list[dict[str, Any]], year: int, content: Content, forced: set[str], ranking: Ranking | None
) -> tuple[list[_Candidate], list[str], Ranking]:
    """The ranked initiatives with a cost in the year (and every forced one), notes on the others, and
    the ranking the places refer to (a forced initiative that is no candidate takes its place in it)."""
    texts = content.portfolio.prioritisation.texts
    if ranking is None or not forced <= {position.row["id"] for position in ranking.positions}:
        ranking = rank(rows, content, extra=forced)
    candidates, no_cost, no_year = [], 0, 0
    for position in ranking.positions:
        cost, from_listing = cost_in_year(position.row, year)
        is_forced = position.row["id"] in forced
        if cost is None and not is_forced:
            no_year += 1
        elif not cost and not is_forced:
            no_cost += 1
        else:
            candidates.append(_Candidate(position, cost or 0.0, from_listing))
    notes = list(ranking.notes)
    if no_cost:
        notes.append(texts.no_cost_in_year.format(count=no_cost, year=year))
    if no_year:
        notes.append(texts.no_calendar_year.format(count=no_year))
    return candidates, notes, ranking


def _entry(candidate: _Candidate, **extra: Any) -> Entry:
    return Entry(candidate.position, candidate.cost_kr, candidate.from_listing, **extra)


def _in_order(
    candidates: list[_Candidate], budget: int, forced_in: set[str], forced_out: set[str], year: int, content: Content
) -> Selection:
    texts = content.portfolio.prioritisation.texts
    left = budget - sum(_ore(c.cost_kr) for c in candidates if c.position.row["id"] in forced_in)
    selected, left_out = [], []
    for candidate in candidates:
        row_id, cost = candidate.position.row["id"], _ore(candidate.cost_kr)
        if row_id in forced_in:
            selected.append(_entry(candidate, forced=True, reason=texts.forced_in))
        elif row_id in forced_out:
            left_out.append(_entry(candidate, forced=True, reason=texts.forced_out))
        elif cost > budget:
            left_out.append(_entry(candidate, reason=texts.over_budget.format(cost=kr(candidate.cost_kr), year=year)))
        elif cost <= left:
            selected.append(_entry(candidate))
            left -= cost
        else:
            reason = texts.skipped_in_order.format(cost=kr(candidate.cost_kr), left=kr(max(left, 0) / 100))
            left_out.append(_entry(candidate, reason=reason))
    return Selection(texts.in_order_title, texts.in_order_rule, selected, left_out, budget / 100)


def _optimum(
    candidates: list[_Candidate], budget: int, forced_in: set[str], forced_out: set[str], year: int, content: Content
) -> Selection:
    texts = content.portfolio.prioritisation.texts
    left = budget - sum(_ore(c.cost_kr) for c in candidates if c.position.row["id"] in forced_in)
    free = [
        c
        for c in candidates
        if c.position.row["id"] not in forced_in
        and c.position.row["id"] not in forced_out
        and _ore(c.cost_kr) <= budget
    ]
    chosen: set[str] = set()
    if left >= 0:
        picked = best_selection([c.position.valuation.units for c in free], [_ore(c.cost_kr) for c in free], left)
        chosen = {free[i].position.row["id"] for i in picked}
    remaining = left - sum(_ore(c.cost_kr) for c in free if c.position.row["id"] in chosen)
    selected, left_out = [], []
    for candidate in candidates:
        row_id = candidate.position.row["id"]
        if row_id in forced_in:
            selected.append(_entry(candidate, forced=True, reason=texts.forced_in))
        elif row_id in forced_out:
            left_out.append(_entry(candidate, forced=True, reason=texts.forced_out))
        elif _ore(candidate.cost_kr) > budget:
            left_out.append(_entry(candidate, reason=texts.over_budget.format(cost=kr(candidate.cost_kr), year=year)))
        elif row_id in chosen:
            selected.append(_entry(candidate))
        else:
            reason = texts.left_out_optimum.format(cost=kr(candidate.cost_kr), left=kr(max(remaining, 0) / 100))
            left_out.append(_entry(candidate, reason=reason))
    return Selection(texts.optimum_title, texts.optimum_rule, selected, left_out, budget / 100)


def fit_budget(
    rows: list[dict[str, Any]],
    content: Content,
    *,
    year: int,
    budget_kr: float,
    force_in: list[str] = (),
    force_out: list[str] = (),
    ranking: Ranking | None = None,
) -> BudgetResult:
    """What fits in the budget of one calendar year: (a) the ranked list in order, (b) the best selection.

    `force_in` and `force_out` name initiatives by Nr or id (PrioritisationError when one is unknown or
    named in both). `ranking`: the rows' ranking when the caller has it already (it is not made again)."""
    prioritisation = content.portfolio.prioritisation
    texts = prioritisation.texts
    readable = [row for row in rows if not row.get("unreadable")]
    forced_in = {find_initiative(readable, key)["id"] for key in force_in}
    forced_out = {find_initiative(readable, key)["id"] for key in force_out}
    both = forced_in & forced_out
    if both:
        names = ", ".join(next(r.get("number") or r["id"] for r in readable if r["id"] == i) for i in sorted(both))
        raise PrioritisationError(f"Ett initiativ kan inte både tvingas in och ut: {names}.")
    candidates, notes, ranking = _candidates(rows, year, content, forced_in | forced_out, ranking)
    budget = _ore(budget_kr)
    in_order = _in_order(candidates, budget, forced_in, forced_out, year, content)
    optimum = _optimum(candidates, budget, forced_in, forced_out, year, content)
    forced_cost = sum(c.cost_kr for c in candidates if c.position.row["id"] in forced_in)
    if _ore(forced_cost) > budget:
        notes.append(texts.forced_over_budget.format(cost=kr(forced_cost), budget=kr(budget_kr)))
    difference = optimum.score - in_order.score
    comparison = (
        texts.comparison_better.format(difference=plain_score(difference)) if difference > 0 else texts.comparison_equal
    )
    return BudgetResult(
        year=year,
        budget_kr=budget / 100,
        title=texts.budget_title.format(budget=kr(budget_kr), year=year),
        cost_rule=texts.cost_rule.format(year=year),
        in_order=in_order,
        optimum=optimum,
        comparison=comparison,
        notes=notes,
        disclaimer=prioritisation.disclaimer,
        ranking=ranking,
    )
