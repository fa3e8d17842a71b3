"""The report (beslutsunderlag) as a page in Voilà: the same HTML as the export, for reading or printing."""

from __future__ import annotations

import logging
from html import escape
from urllib.parse import urlencode

from IPython.display import HTML

from nyttolib.app.request import query_parameter
from nyttolib.app.unreadable import refusal_html
from nyttolib.content import ContentError, load_content
from nyttolib.exports.report import render_html
from nyttolib.storage.assessments import AccessError, NotFoundError, Store

log = logging.getLogger("nyttolib.app")


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
    except AccessError as exc:  # someone else's: why, and the way back; nothing of it
        return HTML(refusal_html(str(exc)))
    except NotFoundError:
        return HTML("<h1>Bedömningen finns inte</h1><p><a href='start.ipynb'>Till startsidan</a></p>")
    try:
        assessment, revision = store.load(full_id)
        saved_at = store.history(full_id)[-1].saved_at
        drafts = store.drafts(full_id)
        return HTML(embedded(render_html(assessment, content, revision=revision, saved_at=saved_at, drafts=drafts)))
    except Exception:  # a revision that does not open: say so, and where it can be restored
        log.exception("Could not show the report of %s", full_id)
        form = f"bedomning.ipynb?{urlencode({'id': full_id})}"
        return HTML(
            "<h1>Rapporten kan inte visas</h1><div role='alert'><p>Den senast sparade versionen av "
            "bedömningen går inte att läsa. Inget är borttaget.</p></div>"
            f"<p><a href='{escape(form, quote=True)}'>Öppna bedömningen för att återställa en tidigare version</a>"
            "</p><p><a href='start.ipynb'>Till startsidan</a></p>"
        )


def embedded(document: str) -> str:
    """The exported report as part of a Voilà page, which already has its one <main> (from the template):
    the report's own <main> becomes a plain block, since two would nest (axe: landmark-no-duplicate-main).
    The tags are the template's own; user text in the report is escaped and cannot contain them."""
    body = document.replace("<main>", "<div class='report-main'>", 1).replace("</main>", "</div>", 1)
    return f"<div class='nyttolib-report'>{body}</div>"


def report_for_request() -> HTML:
    return report_for(query_parameter("id"))
