"""Load and check process.yaml; every problem names the file and the line it stands on.

Parsing and the field checks are content.py's (the same messages as every other content file); on top,
the references: `active` names a process, each step's role is one of its process's roles, and each
stage is one of initiative.yaml's portfolio_stages (and means one step only).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from nyttolib.content import (
    ContentError,
    ContentProblem,
    _line_for,
    _where,
    _yaml_with_lines,
    load_content,
    load_content_file,
)
from nyttolib.paths import content_dir
from nyttolib.process.model import Process, ProcessFile

PROCESS_FILE = "process.yaml"


def _problem(lines: dict[tuple[Any, ...], int], loc: tuple[Any, ...], message: str) -> ContentProblem:
    return ContentProblem(PROCESS_FILE, _line_for(lines, loc), _where(loc), message)


def _process_problems(process: Process, at: tuple[Any, ...], stages: set[str], lines) -> list[ContentProblem]:
    problems = []
    roles = {r.id for r in process.roles}
    seen: dict[str, str] = {}
    for s, step in enumerate(process.steps):
        where = (*at, "steps", s)
        if step.role not in roles:
            known = ", ".join(sorted(roles))
            problems.append(_problem(lines, (*where, "role"), f"'{step.role}' finns inte bland rollerna ({known})"))
        for k, stage in enumerate(step.reached_when.stages):
            loc = (*where, "reached_when", "stages", k)
            if stage not in stages:
                problems.append(_problem(lines, loc, f"'{stage}' finns inte bland portfolio_stages i initiative.yaml"))
            elif stage in seen:
                problems.append(_problem(lines, loc, f"'{stage}' hör redan till steget '{seen[stage]}'"))
            else:
                seen[stage] = step.id
    return problems


def _reference_problems(parsed: ProcessFile, lines, stages: set[str]) -> list[ContentProblem]:
    problems = []
    if parsed.process(parsed.active) is None:
        known = ", ".join(p.id for p in parsed.processes)
        problems.append(_problem(lines, ("active",), f"'{parsed.active}' är inte en av processerna ({known})"))
    for p, process in enumerate(parsed.processes):
        problems += _process_problems(process, ("processes", p), stages, lines)
    return problems


def _parse(path: Path) -> tuple[ProcessFile, dict[tuple[Any, ...], int]]:
    """The file parsed once, with the line of every value; if anything is wrong, content.py's problems."""
    try:
        data, lines = _yaml_with_lines(path.read_text(encoding="utf-8"))
        return ProcessFile.model_validate(data), lines
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValidationError):
        _parsed, problems = load_content_file(path, ProcessFile)
        raise ContentError(problems) from None


@functools.lru_cache(maxsize=8)
def _load_cached(directory: str) -> ProcessFile:
    parsed, lines = _parse(Path(directory) / PROCESS_FILE)
    stages = {s.id for s in load_content(directory).initiative.portfolio_stages}
    problems = _reference_problems(parsed, lines, stages)
    if problems:
        raise ContentError(problems)
    return parsed


def load_process_file(directory: str | os.PathLike[str] | None = None) -> ProcessFile:
    """All processes in process.yaml (loaded once per folder), checked; raises ContentError naming file and line."""
    return _load_cached(str(content_dir(directory).resolve()))


def load_process(content_dir: str | os.PathLike[str] | None = None, *, process_id: str | None = None) -> Process:
    """The process the municipality uses (`active` in process.yaml), or the one named `process_id`."""
    loaded = load_process_file(content_dir)
    chosen = process_id or loaded.active
    process = loaded.process(chosen)
    if process is None:
        known = ", ".join(p.id for p in loaded.processes)
        raise ContentError([ContentProblem(PROCESS_FILE, None, "", f"processen '{chosen}' finns inte ({known})")])
    return process
