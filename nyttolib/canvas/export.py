"""The canvas as a document (HTML and PDF) through the assessment report's machinery: the same Jinja
environment (autoescape, break opportunities in overlong words, no bidi controls), stylesheet, logo and
WeasyPrint. The HTML carries the canvas as JSON, so nyttolib can read back what it wrote."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from markupsafe import Markup

from nyttolib import __version__
from nyttolib import formatting as fmt
from nyttolib.canvas.content import CanvasContent, Question
from nyttolib.canvas.model import DATE_FIELDS, NUMBER_FIELDS, Canvas
from nyttolib.canvas.session import split_document, stored_document
from nyttolib.exports.report import logo_data_uri, render_pdf, report_template_dir, template_environment

EMPTY = "–"
META_FIELDS = ("initiator", "department", "date")
_DATA = re.compile(r'<script type="application/json" id="nyttolib-canvas">(.*?)</script>', re.S)


def shown(canvas: Canvas, name: str, drafts: dict[str, str] | None = None) -> str:
    """A field as the document shows it: Swedish numbers, ISO dates, a draft marked as not valid yet."""
    if drafts and name in drafts:
        return f"{drafts[name]} (ej giltigt värde)"
    value = getattr(canvas, name)
    if value is None or value == "":
        return EMPTY
    if name in NUMBER_FIELDS:
        decimals = 0 if float(value).is_integer() else 2  # an estimate as it was typed, never rounded away
        return fmt.number(value, decimals) + (
            f"{fmt.GROUP_SEPARATOR}kr" if name == "cost_kr" else f"{fmt.GROUP_SEPARATOR}h"
        )
    if name in DATE_FIELDS:
        return value.isoformat()
    return str(value)


def _json_data(canvas: Canvas, drafts: dict[str, str]) -> Markup:
    """The canvas as JSON inside a <script type="application/json">: nothing in it can end the element."""
    text = json.dumps(stored_document(canvas, drafts), ensure_ascii=False, sort_keys=True)
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _check_rows(questions: list[Question], answers: dict[str, str], content: CanvasContent) -> list[dict[str, Any]]:
    texts = content.need.answers
    rows = []
    for question in questions:
        answer = answers.get(question.id)
        rows.append(
            {
                "question": question.question,
                "answer": answer,
                "answer_text": {"ja": texts.answer_yes, "nej": texts.answer_no}.get(answer or "", "Inte besvarad"),
                "follows": question.if_yes if answer == "ja" else question.if_no if answer == "nej" else "",
            }
        )
    return rows


def project_verdict(canvas: Canvas, content: CanvasContent) -> str:
    """What follows from the three criteria: a project, not one, or not all answered yet."""
    check = content.need.project
    answers = [canvas.project_criteria.get(c.id) for c in check.criteria]
    if any(a == "nej" for a in answers):
        return check.some_no
    return check.all_yes if all(a == "ja" for a in answers) else check.unanswered


def canvas_context(
    canvas: Canvas,
    content: CanvasContent,
    *,
    drafts: dict[str, str] | None = None,
    assessment: str | None = None,
    created: str | None = None,
) -> dict[str, Any]:
    texts = content.canvas
    drafts = drafts or {}
    meta = [{"label": texts.label(n), "value": shown(canvas, n, drafts)} for n in META_FIELDS]
    if canvas.submitted_on:
        meta.append({"label": "Skickad till utvecklingsrådet", "value": canvas.submitted_on.isoformat()})
    sections = []
    for section in texts.sections:
        fields = [n for n in section.fields if n not in META_FIELDS and n != "name"]
        if fields:
            items = [{"label": texts.label(n), "value": shown(canvas, n, drafts)} for n in fields]
            sections.append({"title": section.title, "fields": items})
    need = content.need
    checks = [
        {
            "title": need.risks.title,
            "rows": _check_rows(need.risks.items, canvas.solution_risks, content),
            "verdict": "",
        },
        {
            "title": need.project.title,
            "rows": _check_rows(need.project.criteria, canvas.project_criteria, content),
            "verdict": project_verdict(canvas, content),
        },
    ]
    return {
        "texts": texts,
        "title": canvas.name.strip() or "(namnlös idé)",
        "meta": meta,
        "sections": sections,
        "checks": checks,
        "assessment": assessment,
        "data": _json_data(canvas, drafts),
        "css": (report_template_dir() / "report.css").read_text(encoding="utf-8"),
        "logo": logo_data_uri(report_template_dir()),
        "version": __version__,
        "created": created or dt.date.today().isoformat(),
    }


def render_canvas_html(canvas: Canvas, content: CanvasContent, **options: Any) -> str:
    """The canvas as one self-contained HTML document: no JavaScript, no network."""
    environment = template_environment(str(report_template_dir()))
    return environment.get_template("canvas.html.j2").render(**canvas_context(canvas, content, **options))


def render_canvas_pdf(canvas: Canvas, content: CanvasContent, **options: Any) -> bytes:
    """A4 tagged PDF of the canvas (the report's WeasyPrint settings)."""
    return render_pdf(render_canvas_html(canvas, content, **options))


class UnreadableExport(ValueError):
    """The file is not a canvas exported by nyttolib."""


def canvas_from_html(html: str) -> tuple[Canvas, dict[str, str]]:
    """Read back a canvas HTML export (the canvas and its drafts)."""
    match = _DATA.search(html)
    if match is None:
        raise UnreadableExport("Filen är ingen projektcanvas sparad av nyttolib.")
    try:
        return split_document(json.loads(match.group(1)))
    except ValueError as exc:
        raise UnreadableExport(f"Projektcanvasen i filen går inte att läsa: {exc}") from None
