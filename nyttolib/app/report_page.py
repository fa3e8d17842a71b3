"""The report (beslutsunderlag) as a page in Voilà: the same HTML as the export, for reading or printing."""

from __future__ import annotations

from html import escape

from IPython.display import HTML

from nyttolib.app.request import query_parameter
from nyttolib.content import ContentError, load_content
from nyttolib.exports.report import render_html
from nyttolib.storage.assessments import NotFoundError, Store


def report_for(assessment_id: str | None, *, store: Store | None = None) -> HTML:
    if not assessment_id:
        return HTML("<h1>Ingen bedömning vald</h1><p><a href='start.ipynb'>Till startsidan</a></p>")
    try:
        content = load_content()
    except ContentError as exc:
        return HTML(f"<h1>Innehållsfilerna behöver rättas</h1><pre>{escape(str(exc))}</pre>")
    store = store or Store()
    try:
        full_id = store.resolve(assessment_id)
        assessment, revision = store.load(full_id)
    except NotFoundError:
        return HTML("<h1>Bedömningen finns inte</h1><p><a href='start.ipynb'>Till startsidan</a></p>")
    saved_at = store.history(full_id)[-1].saved_at
    return HTML(embedded(render_html(assessment, content, revision=revision, saved_at=saved_at)))


def embedded(document: str) -> str:
    """The exported report as part of a Voilà page, which already has its one <main> (from the template):
    the report's own <main> becomes a plain block, since two would nest (axe: landmark-no-duplicate-main).
    The tags are the template's own; user text in the report is escaped and cannot contain them."""
    body = document.replace("<main>", "<div class='report-main'>", 1).replace("</main>", "</div>", 1)
    return f"<div class='nyttolib-report'>{body}</div>"


def report_for_request() -> HTML:
    return report_for(query_parameter("id"))
