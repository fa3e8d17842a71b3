"""Questionnaires as YAML files in `data/questionnaires/`: a municipality adds its own by dropping a
file there. A broken file is reported with file and line, like the content files."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from nyttolib.content import ContentProblem, load_named_file, load_named_files
from nyttolib.paths import repository_data_dir

QUESTIONNAIRE_DIR_ENV = "NYTTOLIB_QUESTIONNAIRE_DIR"


def group_key(text: str | None) -> str:
    """What makes two typed names the same group: "IT", "it" and " It " are one role, "Procapita" and
    "procapita " one system. Case and spacing are ignored everywhere names are grouped."""
    return " ".join((text or "").split()).casefold()


def display_name(text: str | None) -> str:
    """A typed name as shown for its group: as first written, with its spacing tidied."""
    return " ".join((text or "").split())


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScaleLevel(_Item):
    value: int
    label: str = Field(min_length=1)
    description: str = ""


class Statement(_Item):
    id: str = Field(min_length=1)
    text: str = Field(min_length=1)


class Dimension(_Item):
    id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    answered_by: str = ""
    next_level: str = Field(min_length=1, description="How to get to the next level")
    statements: list[Statement] = Field(min_length=1)


class NumericField(_Item):
    id: str = Field(min_length=1)
    label: str = Field(min_length=1)
    unit: str = ""
    answered_by: str = ""


class Questionnaire(_Item):
    id: str = Field(min_length=1, pattern=r"^[a-z0-9-]+$")
    title: str = Field(min_length=1)
    description: str = ""
    default: bool = False
    per_subject: str = ""  # e.g. "Vilket system bedömer du?": the questionnaire is answered per subject
    gap_analysis: bool = False  # ask for nuläge and börläge
    scale: list[ScaleLevel] = Field(min_length=2)
    dont_know: str = "Vet ej"
    dimensions: list[Dimension] = Field(min_length=1)
    numeric_fields: list[NumericField] = []
    free_text: str = ""

    @model_validator(mode="after")
    def _check(self) -> Questionnaire:
        values = [level.value for level in self.scale]
        if values != sorted(values) or len(set(values)) != len(values):
            raise ValueError("scale: värdena ska vara olika och stå i stigande ordning")
        seen: set[str] = set()
        for dimension in self.dimensions:
            for statement in dimension.statements:
                key = f"{dimension.id}/{statement.id}"
                if key in seen:
                    raise ValueError(f"påståendet '{key}' förekommer mer än en gång")
                seen.add(key)
        if len({d.id for d in self.dimensions}) != len(self.dimensions):
            raise ValueError("dimensions: två dimensioner har samma id")
        return self

    def statements(self) -> list[tuple[Dimension, Statement]]:
        return [(d, s) for d in self.dimensions for s in d.statements]

    @property
    def levels(self) -> list[int]:
        return [level.value for level in self.scale]

    def dimensions_for(self, role: str | None) -> list[Dimension]:
        """The dimensions a participant of `role` is asked: those for their group (and those for
        everyone), or all when the role is none of the groups."""
        groups = {group_key(d.answered_by) for d in self.dimensions if d.answered_by}
        if group_key(role) not in groups:
            return list(self.dimensions)
        return [d for d in self.dimensions if not d.answered_by or group_key(d.answered_by) == group_key(role)]

    def numeric_fields_for(self, role: str | None) -> list[NumericField]:
        """The numeric fields a participant of `role` is asked (all of them when no role is given)."""
        if not group_key(role):
            return list(self.numeric_fields)
        return [f for f in self.numeric_fields if not f.answered_by or group_key(f.answered_by) == group_key(role)]


def questionnaire_dir() -> Path:
    chosen = os.environ.get(QUESTIONNAIRE_DIR_ENV)
    return Path(chosen) if chosen else repository_data_dir() / "questionnaires"


def load_questionnaire(path: Path) -> Questionnaire:
    return load_named_file(path, Questionnaire)


def load_questionnaires(directory: Path | None = None) -> tuple[dict[str, Questionnaire], list[ContentProblem]]:
    """Every questionnaire in the folder, and the problems of those that could not be loaded."""
    return load_named_files(directory or questionnaire_dir(), Questionnaire, "enkäter")
