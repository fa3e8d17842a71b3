"""Checklists as YAML files in `data/checklists/`: a municipality adds its own by dropping a file there.

Loaded as the workshop's questionnaires are (nyttolib.content.load_content_file): a broken file is
reported with its name and line, and the other checklists still load.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from nyttolib.content import ContentProblem, load_named_file, load_named_files
from nyttolib.paths import repository_data_dir

CHECKLIST_DIR_ENV = "NYTTOLIB_CHECKLIST_DIR"
ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChecklistItem(_Part):
    id: str = Field(min_length=1, max_length=80, pattern=ID_PATTERN)
    text: str = Field(min_length=1)
    help: str = ""
    section: str = ""  # items with the same section are shown under one heading


class Checklist(_Part):
    id: str = Field(min_length=1, max_length=80, pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    source: str = Field(min_length=1)
    intro: str = ""
    items: list[ChecklistItem] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_item_ids(self) -> Checklist:
        seen: set[str] = set()
        for item in self.items:
            if item.id in seen:
                raise ValueError(f"items: id '{item.id}' förekommer mer än en gång")
            seen.add(item.id)
        return self

    def item(self, item_id: str) -> ChecklistItem | None:
        return next((item for item in self.items if item.id == item_id), None)


def checklist_dir() -> Path:
    chosen = os.environ.get(CHECKLIST_DIR_ENV)
    return Path(chosen) if chosen else repository_data_dir() / "checklists"


def load_checklist(path: Path) -> Checklist:
    return load_named_file(path, Checklist)


def load_checklists(directory: Path | None = None) -> tuple[dict[str, Checklist], list[ContentProblem]]:
    """Every checklist in the folder (by title), and the problems of the files that could not be loaded."""
    found, problems = load_named_files(directory or checklist_dir(), Checklist, "checklistor")
    return dict(sorted(found.items(), key=lambda pair: pair[1].title.casefold())), problems
