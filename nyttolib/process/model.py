"""What process.yaml holds: the processes, their steps and roles, and which one the municipality uses."""

from __future__ import annotations

import string
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

#: What nyttolib knows about an initiative, by the names a step's `reached_when` uses.
Fact = Literal["has_need", "has_canvas", "canvas_submitted", "has_assessment"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _unique(ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for item_id in ids:
        if item_id in seen:
            raise ValueError(f"{what}: id '{item_id}' förekommer mer än en gång")
        seen.add(item_id)


class Role(_Model):
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    text: str = ""
    duties: list[str] = Field(default_factory=list)


class Reached(_Model):
    """When a step is reached: any of these facts is true, or the initiative stands in one of these stages."""

    facts: list[Fact] = Field(default_factory=list)
    stages: list[str] = Field(default_factory=list)


class Step(_Model):
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    #: The id of the role (in the process's roles) that does this step.
    role: str = Field(min_length=1)
    duties: list[str] = Field(default_factory=list)
    text: str = ""
    reached_when: Reached = Reached()


# The {fields} each text may use.
_TEXT_FIELDS = {
    "title": set(),
    "process": {"name"},
    "current": set(),
    "done": set(),
    "not_started": set(),
    "next": {"step"},
    "next_role": {"role"},
    "last": set(),
}


class ProcessTexts(_Model):
    """What the "Var initiativet står" panel says around the process's own words."""

    title: str = Field(min_length=1)
    process: str = Field(min_length=1)
    current: str = Field(min_length=1)
    done: str = Field(min_length=1)
    not_started: str = Field(min_length=1)
    next: str = Field(min_length=1)
    next_role: str = Field(min_length=1)
    last: str = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> ProcessTexts:
        for name, allowed in _TEXT_FIELDS.items():
            try:
                used = {part[1] for part in string.Formatter().parse(getattr(self, name)) if part[1] is not None}
            except ValueError:
                raise ValueError(f"{name}: en ensam {{ eller }} (skriv {{{{ eller }}}} för tecknet)") from None
            unknown = sorted(used - allowed)
            if unknown:
                shown = ", ".join("{" + field + "}" for field in sorted(allowed)) or "inga"
                raise ValueError(f"{name}: okänt fält {{{unknown[0]}}} (fält som kan användas: {shown})")
        return self


class Process(_Model):
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    introduction: str = ""
    roles: list[Role] = Field(min_length=1)
    steps: list[Step] = Field(min_length=1)
    #: What the panel says; a process without its own takes the file's `texts`.
    texts: ProcessTexts | None = None

    @model_validator(mode="after")
    def _check(self) -> Process:
        _unique([r.id for r in self.roles], "roles")
        _unique([s.id for s in self.steps], "steps")
        return self

    def role(self, role_id: str) -> Role:
        """The role with this id (the loader has checked that every step's role exists)."""
        return next(r for r in self.roles if r.id == role_id)

    def step(self, step_id: str) -> Step:
        return next(s for s in self.steps if s.id == step_id)


class ProcessFile(_Model):
    active: str = Field(min_length=1)
    texts: ProcessTexts
    processes: list[Process] = Field(min_length=1)

    @field_validator("processes")
    @classmethod
    def _unique_processes(cls, processes: list[Process]) -> list[Process]:
        _unique([p.id for p in processes], "processes")
        return processes

    def process(self, process_id: str) -> Process | None:
        """The process with this id, with the file's texts unless it has its own."""
        process = next((p for p in self.processes if p.id == process_id), None)
        if process is None or process.texts is not None:
            return process
        return process.model_copy(update={"texts": self.texts})
