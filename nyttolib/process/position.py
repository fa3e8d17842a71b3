"""Where an initiative stands on its process, from what is done; the mapping is the process's data.

Each step says when it is reached (`reached_when` in process.yaml). The initiative stands in the last
step reached: the steps before it are done, the one after it is next. Nothing reached: no current
step, and the first step is next.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nyttolib.process.model import Process, Step


@dataclass(frozen=True)
class PositionFacts:
    """What is known about an initiative. `stage`: its portfolio stage id (initiative.yaml portfolio_stages)."""

    has_need: bool = False
    has_canvas: bool = False
    canvas_submitted: bool = False
    has_assessment: bool = False
    stage: str | None = None


@dataclass(frozen=True)
class Position:
    current: Step | None
    next: Step | None
    #: The name of the role that does the next step (None when there is none).
    next_role: str | None
    done: list[Step] = field(default_factory=list)


def reached(step: Step, facts: PositionFacts) -> bool:
    when = step.reached_when
    return any(getattr(facts, fact) for fact in when.facts) or (facts.stage is not None and facts.stage in when.stages)


def position(process: Process, facts: PositionFacts) -> Position:
    """The current step, the next step and its role, and the steps done."""
    steps = process.steps
    furthest = max((index for index, step in enumerate(steps) if reached(step, facts)), default=None)
    if furthest is None:
        return Position(current=None, next=steps[0], next_role=process.role(steps[0].role).name, done=[])
    following = steps[furthest + 1] if furthest + 1 < len(steps) else None
    return Position(
        current=steps[furthest],
        next=following,
        next_role=process.role(following.role).name if following else None,
        done=list(steps[:furthest]),
    )
