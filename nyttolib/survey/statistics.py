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
# A spread or gap of at least half the scale's range is highlighted: 2 steps on a 1–5 scale, 1 on a 1–3 scale.
HIGHLIGHT_SHARE = 0.5


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
    disagreement: bool
    large_gap: bool

    @property
    def gap(self) -> float | None:
        if self.target is None or self.now.median is None or self.target.median is None:
            return None
        return self.target.median - self.now.median


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
    threshold = HIGHLIGHT_SHARE * (levels[-1] - levels[0])
    results: list[StatementResult] = []
    for dimension, statement in questionnaire.statements():
        key = statement_key(dimension.id, statement.id)
        answers = [r.get("answers", {}).get(key, {}) for r in responses]
        now = summarise([a.get("now") for a in answers], levels)
        target = summarise([a.get("target") for a in answers], levels) if questionnaire.gap_analysis else None
        gap = None if target is None or now.median is None or target.median is None else target.median - now.median
        results.append(
            StatementResult(
                dimension.id,
                statement.id,
                statement.text,
                now,
                target,
                disagreement=now.spread is not None and now.count >= 3 and now.spread >= threshold,
                large_gap=gap is not None and gap >= threshold,
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
    return Compilation(respondents, results, dimensions, role_respondents)


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
