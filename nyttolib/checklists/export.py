"""An answering as a report: one self-contained HTML file and a PDF made from it, through the same
machinery as the assessment report (templates/report/, autoescaped Jinja, WeasyPrint). The answering
and the earlier ones it is compared with are embedded as JSON (in the HTML a data block, in the PDF an
attached file), so nyttolib reads every export it writes back."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

from markupsafe import Markup

from nyttolib import __version__
from nyttolib.assessment.documents import parse_json
from nyttolib.checklists.answers import Answering, answer_label, compare, tally
from nyttolib.checklists.model import Checklist
from nyttolib.checklists.store import ChecklistStore, parse_answering
from nyttolib.exports.filenames import safe_filename
from nyttolib.exports.report import logo_data_uri, report_template_dir, template_environment
from nyttolib.storage.assessments import StoreError

EXPORT_FORMAT = "nyttolib-checklista-export"
ATTACHMENT = "checklista.json"
#: The comparison prints at most this many earlier answerings beside the exported one (A4 width).
MAX_EARLIER = 4
_EMBEDDED = re.compile(r'<script type="application/json" id="nyttolib-checklista">(.*?)</script>', re.DOTALL)


class ExportReadError(StoreError):
    """A file that is not a checklist export nyttolib wrote (or is damaged)."""


def embedded_json(answering: Answering, earlier: list[Answering]) -> str:
    """The export's data as JSON safe inside a <script> block: `<`, `>` and `&` written as \\u escapes,
    so no text a user typed can end the block or start markup."""
    data = {
        "format": EXPORT_FORMAT,
        "version": 1,
        "answering": answering.model_dump(mode="json"),
        "earlier": [item.model_dump(mode="json") for item in earlier],
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def report_context(
    answering: Answering,
    *,
    earlier: list[Answering] | None = None,
    checklist: Checklist | None = None,
    revision: int | None = None,
    saved_at: str | None = None,
) -> dict[str, Any]:
    earlier = sorted((e for e in earlier or [] if e.on_date < answering.on_date), key=lambda e: e.on_date)
    shown = earlier[-MAX_EARLIER:]
    saved = dt.datetime.fromisoformat(saved_at).astimezone() if saved_at else dt.datetime.now().astimezone()
    same_items = checklist if checklist is not None and checklist.id == answering.checklist_id else None
    return {
        "a": answering,
        "intro": same_items.intro if same_items else "",
        "label": answer_label,
        "tally": tally(answering).text(),
        "comparison": compare([*shown, answering], same_items) if shown else None,
        "shown_earlier": len(shown),
        "all_earlier": len(earlier),
        "revision": revision,
        "saved": saved.strftime("%Y-%m-%d %H:%M"),
        "version": __version__,
        "logo": logo_data_uri(report_template_dir()),
        "css": (report_template_dir() / "report.css").read_text(encoding="utf-8"),
        "embedded": Markup(embedded_json(answering, earlier)),
    }


def render_html(answering: Answering, **options: Any) -> str:
    """The report as one self-contained HTML document (no script runs, no network)."""
    environment = template_environment(str(report_template_dir()))
    return environment.get_template("checklist.html.j2").render(**report_context(answering, **options))


def render_pdf(html: str) -> bytes:
    """A4 tagged PDF (PDF/UA-1) of the report, as the assessment report's (nyttolib.exports.report),
    with the embedded data attached as a file."""
    import logging

    from weasyprint import HTML, Attachment
    from weasyprint.urls import URLFetcher

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    match = _EMBEDDED.search(html)
    attachments = [Attachment(string=match.group(1), name=ATTACHMENT)] if match else []
    fetcher = URLFetcher(allowed_protocols=("data",), fail_on_errors=True)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_variant="pdf/ua-1", attachments=attachments)


def _parsed(text: str) -> tuple[Answering, list[Answering]]:
    try:
        data = parse_json(text)
    except ValueError:
        raise ExportReadError("Checklistans data i filen är skadad (ingen giltig JSON).") from None
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise ExportReadError("Filen är ingen checklista exporterad från nyttolib.")
    earlier = data.get("earlier")
    if not isinstance(earlier, list):
        raise ExportReadError("Checklistans data i filen är ofullständig.")
    return parse_answering(data.get("answering")), [parse_answering(item) for item in earlier]


def read_html(text: str) -> tuple[Answering, list[Answering]]:
    match = _EMBEDDED.search(text)
    if match is None:
        raise ExportReadError("Filen är ingen checklista exporterad från nyttolib (inga inbäddade svar).")
    return _parsed(match.group(1))


def read_pdf(data: bytes) -> tuple[Answering, list[Answering]]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        attachments = PdfReader(io.BytesIO(data)).attachments
    except (PdfReadError, ValueError, KeyError):
        raise ExportReadError("Filen är ingen läsbar PDF.") from None
    found = attachments.get(ATTACHMENT)
    if not found:
        raise ExportReadError("PDF-filen är ingen checklista exporterad från nyttolib (inga bifogade svar).")
    return _parsed(found[0].decode("utf-8"))


def read_export(path: str | Path) -> tuple[Answering, list[Answering]]:
    """The answering (and the earlier ones it was compared with) from an HTML or PDF export."""
    data = Path(path).read_bytes()
    if data.startswith(b"%PDF"):
        return read_pdf(data)
    try:
        return read_html(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ExportReadError("Filen är varken en HTML- eller en PDF-fil från nyttolib.") from None


def stored_report(store: ChecklistStore, answering_id: str, checklists: dict[str, Checklist]) -> tuple[Answering, str]:
    """The stored answering's report (compared with the organisation's earlier answerings of the same
    checklist), as the page and the command line export it."""
    answering, revision = store.load(answering_id)
    saved_at = store.documents.listing(answering_id).updated_at
    earlier = [
        a for a in store.history(answering.checklist_id, answering.organisation) if a.on_date < answering.on_date
    ]
    html = render_html(
        answering,
        earlier=earlier,
        checklist=checklists.get(answering.checklist_id),
        revision=revision,
        saved_at=saved_at,
    )
    return answering, html


def file_stem(answering: Answering) -> str:
    """A safe file name (without suffix) for the export: checklist, organisation and date."""
    return safe_filename(f"{answering.checklist_title} – {answering.organisation} {answering.on_date}", "checklista")


def render_fragment(macro: str, *args: Any) -> str:
    """One part of the report (a macro of checklist_parts.html.j2) as HTML for the checklist page, so
    what the page shows is what the export prints."""
    environment = template_environment(str(report_template_dir()))
    module = environment.get_template("checklist_parts.html.j2").make_module({"label": answer_label})
    return str(getattr(module, macro)(*args))
