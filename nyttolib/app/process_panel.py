"""The "Var initiativet står" panel: the chosen process as an ordered list, the current step marked, and
what the next step is and which role does it. Pages that know other facts (the canvas) reuse it."""

from __future__ import annotations

from html import escape

import ipywidgets as widgets

from nyttolib.assessment.model import Assessment
from nyttolib.process import Position, PositionFacts, Process, ProcessTexts, Step, position


def _texts(process: Process) -> ProcessTexts:
    if process.texts is None:  # a Process built by hand, not loaded: the file's texts
        from nyttolib.process import load_process_file

        return load_process_file().texts
    return process.texts


def _item(step: Step, state: str, texts: ProcessTexts) -> str:
    name = escape(step.name)
    if state == "current":
        return (
            "<li class='nyttolib-process-current' aria-current='step'>"
            f"<strong>{name}</strong> <span class='nyttolib-process-state'>({escape(texts.current)})</span></li>"
        )
    if state == "done":
        return (
            f"<li class='nyttolib-process-done'>{name} "
            f"<span class='nyttolib-process-state'>({escape(texts.done)})</span></li>"
        )
    return f"<li>{name}</li>"


def _next_html(found: Position, texts: ProcessTexts) -> str:
    if found.next is None:
        return f"<p class='nyttolib-process-next'>{escape(texts.last)}</p>"
    step = found.next
    line = f"<strong>{escape(texts.next.format(step=step.name))}</strong>"
    if found.next_role:
        line += f" – {escape(texts.next_role.format(role=found.next_role))}"
    duties = "".join(f"<li>{escape(duty)}</li>" for duty in step.duties)
    return f"<p class='nyttolib-process-next'>{line}</p>" + (f"<ul>{duties}</ul>" if duties else "")


def process_panel_html(found: Position, process: Process, *, heading_level: int = 2) -> str:
    """The panel as HTML; every text from the content is escaped."""
    texts = _texts(process)
    done = {step.id for step in found.done}
    current = found.current.id if found.current else None
    items = "".join(
        _item(step, "current" if step.id == current else "done" if step.id in done else "", texts)
        for step in process.steps
    )
    level = min(max(heading_level, 1), 6)
    not_started = f"<p>{escape(texts.not_started)}</p>" if found.current is None else ""
    return (
        f"<div class='nyttolib-process'><h{level}>{escape(texts.title)}</h{level}>"
        f"<p class='nyttolib-process-name'>{escape(texts.process.format(name=process.name))}</p>"
        f"<ol class='nyttolib-process-steps'>{items}</ol>{not_started}{_next_html(found, texts)}</div>"
    )


def process_panel(found: Position, process: Process, *, heading_level: int = 2) -> widgets.HTML:
    """The panel as a widget, for a page to place where it shows the initiative."""
    return widgets.HTML(process_panel_html(found, process, heading_level=heading_level))


def assessment_facts(assessment: Assessment) -> PositionFacts:
    """What an assessment tells of where its initiative stands: it exists, its need and its portfolio stage."""
    initiative = assessment.initiative
    return PositionFacts(
        has_need=bool(initiative.need.strip()),
        has_assessment=True,
        stage=initiative.portfolio.stage,
    )


def assessment_panel_html(assessment: Assessment, process: Process) -> str:
    return process_panel_html(position(process, assessment_facts(assessment)), process)
