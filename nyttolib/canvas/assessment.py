"""The "Starta bedömning" button: an assessment pre-filled from a canvas, and the two linked both ways.

The canvas's `link` (DocumentStore) is the assessment's id; the assessment form finds its canvas by
DocumentStore("canvas").linked(assessment_id). Every field the initiator typed lands in the assessment
where the assessment has it (`MAPPING`), so nothing has to be typed twice; the canvas's own date, its
sending date and the need page's ja/nej self-checks stay on the canvas, which the assessment links to.
"""

from __future__ import annotations

import uuid
from typing import Any

from nyttolib.assessment.completeness import completeness
from nyttolib.assessment.documents import blank_assessment
from nyttolib.assessment.model import Assessment, Benefit, Risk
from nyttolib.canvas.model import Canvas
from nyttolib.content import Content
from nyttolib.storage.assessments import NotFoundError, Store
from nyttolib.storage.documents import DocumentStore

#: Canvas field → where it lands in the assessment (a path of attributes; a row's field for lists).
MAPPING: dict[str, tuple[str, ...]] = {
    "name": ("initiative", "name"),
    "initiator": ("initiative", "initiator"),
    "department": ("initiative", "department"),
    "proposed_owner": ("initiative", "owner"),
    "need": ("initiative", "need"),
    "desired_result": ("initiative", "description"),
    "start_date": ("initiative", "start_date"),
    "end_date": ("initiative", "end_date"),
    "estimated_hours": ("initiative", "estimated_hours"),
    "cost_kr": ("initiative", "portfolio", "total_cost_kr"),
    "benefit": ("benefits", "0", "description"),
    "target_group": ("benefits", "0", "target_group"),
    "follow_up": ("plan", "reporting"),
    "resources": ("plan", "prerequisites", "0"),
    "risks": ("plan", "risks", "0", "risk"),
}
#: What stays on the canvas only (the assessment has no place for it).
CANVAS_ONLY = ("date", "solution_risks", "project_criteria", "submitted_on")


def assessment_from_canvas(canvas: Canvas, content: Content) -> Assessment:
    """A new assessment (with an id) holding every canvas field the assessment has a place for."""
    assessment = blank_assessment(content).model_copy(update={"id": uuid.uuid4().hex})
    initiative = assessment.initiative
    for name, path in MAPPING.items():
        if path[0] == "initiative":
            target: Any = initiative
            for part in path[1:-1]:
                target = getattr(target, part)
            setattr(target, path[-1], getattr(canvas, name))
    if canvas.benefit.strip() or canvas.target_group.strip():
        assessment.benefits = [Benefit(description=canvas.benefit, target_group=canvas.target_group)]
    assessment.plan.reporting = canvas.follow_up
    if canvas.resources.strip():
        assessment.plan.prerequisites = [canvas.resources]
    if canvas.risks.strip():
        assessment.plan.risks = [Risk(risk=canvas.risks)]
    return assessment


def canvas_fields(assessment: Assessment) -> dict[str, Any]:
    """The canvas fields as the assessment holds them (the inverse of `assessment_from_canvas`)."""
    initiative, plan = assessment.initiative, assessment.plan
    benefit = assessment.benefits[0] if assessment.benefits else Benefit()
    return {
        "name": initiative.name,
        "initiator": initiative.initiator,
        "department": initiative.department,
        "proposed_owner": initiative.owner,
        "need": initiative.need,
        "desired_result": initiative.description,
        "start_date": initiative.start_date,
        "end_date": initiative.end_date,
        "estimated_hours": initiative.estimated_hours,
        "cost_kr": initiative.portfolio.total_cost_kr,
        "benefit": benefit.description,
        "target_group": benefit.target_group,
        "follow_up": plan.reporting,
        "resources": plan.prerequisites[0] if plan.prerequisites else "",
        "risks": plan.risks[0].risk if plan.risks else "",
    }


def start_assessment(canvas_id: str, canvases: DocumentStore, assessments: Store, content: Content) -> str:
    """Create the assessment from the canvas's newest revision, link the canvas to it, and return its id.
    A canvas already linked to an assessment that still exists gets no second one: its id is returned."""
    from nyttolib.canvas.session import split_document

    existing = canvases.listing(canvas_id).link
    if existing:
        try:
            assessments.head_revision(existing)
            return existing
        except NotFoundError:
            pass  # the assessment was removed for good: start a new one
    document, _revision = canvases.load(canvas_id)
    canvas, _drafts = split_document(document)
    assessment = assessment_from_canvas(canvas, content)
    percent = completeness(assessment, content, {}).percent
    saved = assessments.save(assessment, note="Startad från projektcanvas", completeness_percent=percent)
    canvases.set_link(canvas_id, saved.id)
    return saved.id


def canvases_beside(assessments: Store) -> DocumentStore:
    """The canvases in the same database as `assessments`, as the same user sees them."""
    url = assessments.database_url
    return DocumentStore("canvas", None if url else assessments.directory, database_url=url, user=assessments.user)


def canvas_of(assessments: Store, assessment_id: str) -> str | None:
    """The id of the canvas the assessment was started from (None if it has none the user may read)."""
    with canvases_beside(assessments) as canvases:
        linked = canvases.linked(assessment_id)
    return linked[0].id if linked else None
