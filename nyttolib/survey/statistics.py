"""Compile a workshop's answers: per statement the distribution, median and spread, where the group
disagrees and where the gap between nuläge and börläge is large; per dimension the level, for all and
per role; and the "how to get to the next level" texts for the weakest dimensions.

Answers are levels on the questionnaire's scale; "vet ej" is counted but is not a level.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from nyttolib.survey.questionnaire import Dimension, Questionnaire, display_name, group_key

DONT_KNOW = "vet_ej"
# A spread or gap is highlighted when it is at least half the scale's range (2 steps on a 1–5 scale,
# 1 on a 1–3 scale) and larger than this workshop's typical one (the median over its statements): where
# every gap is 2 steps, a flag on each would say nothing.
HIGHLIGHT_SHARE = 0.5
MIN_FOR_SPREAD = 3  # fewer answers than this have no spread worth calling disagreement


@dataclass(frozen=True)
class Summary:
    """The answers to one question (nuläge or börläge) of one statement."""

    count: int
    dont_know: int
    distribution: dict[int, int]
    median: float | None
    lower_quartile: float | None
    upper_quartile: float | None

    @property
    def spread(self) -> float | None:
        """The interquartile range: how far apart the middle half of the group is."""
        if self.lower_quartile is None or self.upper_quartile is None:
            return None
        return self.upper_quartile - self.lower_quartile


def summarise(values: list[int | str | None], levels: list[int]) -> Summary:
    answered = [v for v in values if isinstance(v, int) and not isinstance(v, bool) and v in levels]
    distribution = {level: answered.count(level) for level in levels}
    dont_know = sum(1 for v in values if v == DONT_KNOW)
    if not answered:
        return Summary(0, dont_know, distribution, None, None, None)
    if len(answered) == 1:
        return Summary(1, dont_know, distribution, float(answered[0]), float(answered[0]), float(answered[0]))
    lower, _, upper = statistics.quantiles(answered, n=4, method="inclusive")
    return Summary(len(answered), dont_know, distribution, float(statistics.median(answered)), lower, upper)


@dataclass(frozen=True)
class StatementResult:
    dimension_id: str
    statement_id: str
    text: str
    now: Summary
    target: Summary | None
    disagreement: bool  # about nuläge
    large_gap: bool
    disagreement_target: bool = False  # about börläge

    @property
    def disagreement_any(self) -> bool:
        return self.disagreement or self.disagreement_target

    @property
    def disagreement_about(self) -> str:
        """What the group disagrees about, in words: "nuläget", "börläget" or both."""
        flagged = (("nuläget", self.disagreement), ("börläget", self.disagreement_target))
        return " och ".join(word for word, on in flagged if on)

    @property
    def gap(self) -> float | None:
        if self.target is None or self.now.median is None or self.target.median is None:
            return None
        return self.target.median - self.now.median


@dataclass(frozen=True)
class Thresholds:
    """What makes a flag, for one compilation: the scale's minimum and the typical values here."""

    scale_minimum: float  # half the scale's range
    typical_spread: float | None  # median spread of nuläge over the statements
    typical_gap: float | None  # median gap over the statements
    typical_spread_target: float | None = None  # median spread of börläge

    def disagreement(self, summary: Summary | None, *, target: bool = False) -> bool:
        if summary is None or summary.spread is None or summary.count < MIN_FOR_SPREAD:
            return False
        typical = self.typical_spread_target if target else self.typical_spread
        return _stands_out(summary.spread, self.scale_minimum, typical)

    def large_gap(self, gap: float | None) -> bool:
        return gap is not None and _stands_out(gap, self.scale_minimum, self.typical_gap)


def _stands_out(value: float, minimum: float, typical: float | None) -> bool:
    return value >= minimum and (typical is None or value > typical)


def _typical(values: list[float]) -> float | None:
    """The median, once there are enough values to say what is typical (three statements)."""
    return float(statistics.median(values)) if len(values) >= 3 else None


def _spreads(summaries: list[Summary | None]) -> list[float]:
    return [s.spread for s in summaries if s is not None and s.spread is not None and s.count >= MIN_FOR_SPREAD]


def thresholds(questionnaire: Questionnaire, summaries: list[tuple[Summary, Summary | None]]) -> Thresholds:
    """The thresholds from the scale and from the spreads and gaps of this group's answers."""
    levels = questionnaire.levels
    gaps = [
        target.median - now.median
        for now, target in summaries
        if target is not None and now.median is not None and target.median is not None
    ]
    return Thresholds(
        HIGHLIGHT_SHARE * (levels[-1] - levels[0]),
        _typical(_spreads([now for now, _ in summaries])),
        _typical(gaps),
        _typical(_spreads([target for _, target in summaries])),
    )


@dataclass(frozen=True)
class DimensionResult:
    dimension: Dimension
    now: float | None  # mean of the statements' medians
    target: float | None
    now_by_role: dict[str, float | None] = field(default_factory=dict)
    target_by_role: dict[str, float | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Compilation:
    respondents: int  # those who answered something, not those who only joined
    statements: list[StatementResult]
    dimensions: list[DimensionResult]
    # Per role (grouped as `group_key` does, named as first written): how many gave at least one level.
    role_respondents: dict[str, int] = field(default_factory=dict)
    thresholds: Thresholds | None = None

    def weakest(self, count: int = 3) -> list[DimensionResult]:
        """The dimensions with the lowest nuläge (the largest gap breaks ties): where to start."""
        rated = [d for d in self.dimensions if d.now is not None]
        return sorted(rated, key=lambda d: (d.now, -((d.target or d.now) - d.now)))[:count]


def _mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def statement_key(dimension_id: str, statement_id: str) -> str:
    return f"{dimension_id}/{statement_id}"


def has_answered(answers: dict) -> bool:
    """Whether a participant has answered anything: a level or "vet ej", a number or a comment.
    Someone who only joined (or only typed a number that is not one yet) has not."""
    for key, value in answers.items():
        if key == "_drafts" or not isinstance(value, dict):
            continue
        for item in value.values():
            if item is not None and not (isinstance(item, str) and not item.strip()):
                return True
    return False


def _gave_a_level(answers: dict, levels: list[int]) -> bool:
    return any(
        isinstance(value, dict) and any(v in levels for v in value.values() if isinstance(v, int))
        for key, value in answers.items()
        if not key.startswith("_")
    )


def roles_of(responses: list[dict]) -> dict[str, str]:
    """Each role's group key and the name it is shown by (as first written)."""
    roles: dict[str, str] = {}
    for response in responses:
        key = group_key(response.get("role"))
        if key and key not in roles:
            roles[key] = display_name(response.get("role"))
    return roles


def compile_answers(questionnaire: Questionnaire, responses: list[dict], *, min_group: int = 1) -> Compilation:
    """`responses`: each {"role": str | None, "answers": {statement key: {"now": v, "target": v}}}.

    Per role, a statement's median counts only when at least `min_group` of the role gave a level to
    it, so that a role's figures never show how one person answered."""
    levels = questionnaire.levels
    summaries = []
    for dimension, statement in questionnaire.statements():
        key = statement_key(dimension.id, statement.id)
        answers = [r.get("answers", {}).get(key, {}) for r in responses]
        now = summarise([a.get("now") for a in answers], levels)
        target = summarise([a.get("target") for a in answers], levels) if questionnaire.gap_analysis else None
        summaries.append((dimension, statement, now, target))
    limits = thresholds(questionnaire, [(now, target) for _, _, now, target in summaries])
    results: list[StatementResult] = []
    for dimension, statement, now, target in summaries:
        gap = None if target is None or now.median is None or target.median is None else target.median - now.median
        results.append(
            StatementResult(
                dimension.id,
                statement.id,
                statement.text,
                now,
                target,
                disagreement=limits.disagreement(now),
                large_gap=limits.large_gap(gap),
                disagreement_target=limits.disagreement(target, target=True),
            )
        )

    roles = roles_of(responses)
    members = {key: [r for r in responses if group_key(r.get("role")) == key] for key in sorted(roles)}
    dimensions = []
    for dimension in questionnaire.dimensions:
        # The level for everyone comes from the statements just summarised; only the roles need new summaries.
        own = [r for r in results if r.dimension_id == dimension.id]
        now = _mean([r.now.median for r in own])
        target = _mean([r.target.median for r in own if r.target is not None]) if questionnaire.gap_analysis else None
        by_role = {
            roles[key]: dimension_level(questionnaire, dimension, group, min_count=min_group)
            for key, group in members.items()
        }
        dimensions.append(
            DimensionResult(
                dimension,
                now,
                target,
                {role: level[0] for role, level in by_role.items()},
                {role: level[1] for role, level in by_role.items()} if questionnaire.gap_analysis else {},
            )
        )
    respondents = sum(1 for r in responses if has_answered(r.get("answers", {})))
    role_respondents = {
        roles[key]: sum(1 for r in group if _gave_a_level(r.get("answers", {}), levels))
        for key, group in members.items()
    }
    return Compilation(respondents, results, dimensions, role_respondents, limits)


def dimension_level(
    questionnaire: Questionnaire, dimension: Dimension, responses: list[dict], *, min_count: int = 1
) -> tuple[float | None, float | None]:
    """A dimension's level, nuläge and börläge: the mean of its statements' medians (for all, or one role).
    A statement with fewer than `min_count` levels given is left out."""
    levels = questionnaire.levels

    def median(summary: Summary) -> float | None:
        return summary.median if summary.count >= min_count else None

    now, target = [], []
    for statement in dimension.statements:
        key = statement_key(dimension.id, statement.id)
        answers = [r.get("answers", {}).get(key, {}) for r in responses]
        now.append(median(summarise([a.get("now") for a in answers], levels)))
        if questionnaire.gap_analysis:
            target.append(median(summarise([a.get("target") for a in answers], levels)))
    return _mean(now), _mean(target) if questionnaire.gap_analysis else None
