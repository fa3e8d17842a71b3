"""The need page's and the canvas's texts, from data/content/need.yaml and canvas.yaml (seed 004's own words).

Problems are reported as all content is: file, line and a Swedish message (nyttolib.content)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from nyttolib.canvas.model import INPUT_FIELDS, Canvas
from nyttolib.content import ContentError, ContentProblem, load_content_file
from nyttolib.paths import content_dir


class _Content(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _known_fields(names: list[str]) -> None:
    unknown = [name for name in names if name not in INPUT_FIELDS]
    if unknown:
        raise ValueError(f"okänt fält i canvasen: {', '.join(unknown)} (fälten är {', '.join(INPUT_FIELDS)})")


class TitledTexts(_Content):
    title: str = Field(min_length=1)
    texts: list[str] = Field(min_length=1)


class WriteNeed(_Content):
    title: str = Field(min_length=1)
    text: str
    fields: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> WriteNeed:
        _known_fields(self.fields)
        return self


class Question(_Content):
    """One ja/nej question of a self-check, and what follows from each answer."""

    id: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
    question: str = Field(min_length=1)
    if_yes: str = Field(min_length=1)
    if_no: str = Field(min_length=1)


class SolutionRisk(Question):
    risk: str = Field(min_length=1)


class Criterion(Question):
    criterion: str = Field(min_length=1)


def _unique(items: list[Question], what: str) -> None:
    ids = [item.id for item in items]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ValueError(f"{what}: id '{repeated[0]}' förekommer mer än en gång")


class Risks(_Content):
    title: str = Field(min_length=1)
    text: str
    items: list[SolutionRisk] = Field(min_length=1)
    sound_off: str = ""

    @model_validator(mode="after")
    def _check(self) -> Risks:
        _unique(self.items, "risks → items")
        return self


class Digital(_Content):
    title: str = Field(min_length=1)
    text: str = Field(min_length=1)


class ProjectCheck(_Content):
    title: str = Field(min_length=1)
    text: str
    criteria: list[Criterion] = Field(min_length=1)
    all_yes: str = Field(min_length=1)
    some_no: str = Field(min_length=1)
    unanswered: str = Field(min_length=1)
    digital: Digital | None = None

    @model_validator(mode="after")
    def _check(self) -> ProjectCheck:
        _unique(self.criteria, "project → criteria")
        return self


class Answers(_Content):
    answer_yes: str = Field(min_length=1)
    answer_no: str = Field(min_length=1)


class Continue(_Content):
    label: str = Field(min_length=1)
    text: str = ""


class NeedFile(_Content):
    title: str = Field(min_length=1)
    source: str = ""
    intro: list[str] = Field(default_factory=list)
    what_is_a_need: TitledTexts
    write: WriteNeed
    examples: TitledTexts
    risks: Risks
    project: ProjectCheck
    answers: Answers
    continue_: Continue = Field(alias="continue")


class FieldText(_Content):
    label: str = Field(min_length=1)
    help: str = ""


class Section(_Content):
    title: str = Field(min_length=1)
    text: str = ""
    fields: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> Section:
        _known_fields(self.fields)
        return self


class Submit(_Content):
    label: str = Field(min_length=1)
    done: str = Field(min_length=1)
    undo: str = Field(min_length=1)


class StartAssessment(_Content):
    label: str = Field(min_length=1)
    text: str = ""
    linked: str = Field(min_length=1)


class ExportTexts(_Content):
    title: str = Field(min_length=1)
    text: str = ""


class CanvasFile(_Content):
    title: str = Field(min_length=1)
    intro: list[str] = Field(default_factory=list)
    sections: list[Section] = Field(min_length=1)
    fields: dict[str, FieldText]
    required: list[str] = Field(default_factory=list)
    missing: str = Field(min_length=1)
    submit: Submit
    start_assessment: StartAssessment
    export: ExportTexts

    @model_validator(mode="after")
    def _check(self) -> CanvasFile:
        _known_fields([*self.fields, *self.required])
        unlabelled = [name for name in INPUT_FIELDS if name not in self.fields]
        if unlabelled:
            raise ValueError(f"fields: etikett saknas för {', '.join(unlabelled)}")
        placed = [name for section in self.sections for name in section.fields]
        twice = sorted({name for name in placed if placed.count(name) > 1})
        if twice:
            raise ValueError(f"sections: fältet {twice[0]} står i mer än ett avsnitt")
        left_out = [name for name in INPUT_FIELDS if name not in placed]
        if left_out:
            raise ValueError(f"sections: fälten {', '.join(left_out)} står inte i något avsnitt")
        return self

    def label(self, name: str) -> str:
        return self.fields[name].label


@dataclass(frozen=True)
class CanvasContent:
    need: NeedFile
    canvas: CanvasFile


def load_canvas_content(directory: str | Path | None = None) -> CanvasContent:
    """need.yaml and canvas.yaml, checked; ContentError names file and line of every problem."""
    folder = Path(directory) if directory else content_dir()
    need, need_problems = load_content_file(folder / "need.yaml", NeedFile)
    canvas, canvas_problems = load_content_file(folder / "canvas.yaml", CanvasFile)
    problems: list[ContentProblem] = [*need_problems, *canvas_problems]
    if problems:
        raise ContentError(problems)
    return CanvasContent(need, canvas)  # type: ignore[arg-type]


__all__ = ["Canvas", "CanvasContent", "CanvasFile", "NeedFile", "load_canvas_content"]
