"""The start page: what the assessment is for, and the stored assessments."""

from __future__ import annotations

from datetime import datetime
from html import escape

import ipywidgets as widgets

from nyttolib import formatting as fmt
from nyttolib.content import Content, load_content
from nyttolib.storage import Listing, Store


def _paragraphs(texts: list[str]) -> str:
    return "".join(f"<p>{escape(text)}</p>" for text in texts)


def _bullets(texts: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{escape(text)}</li>" for text in texts) + "</ul>" if texts else ""


STYLE = """<style>
.nyttolib-table { border-collapse: collapse; margin-top: 1rem; min-width: 40rem; color: #1a1a1a; }
.nyttolib-table caption { text-align: left; font-size: 1.25rem; font-weight: 600; padding-bottom: .5rem; }
.nyttolib-table th, .nyttolib-table td { text-align: left; padding: .4rem .75rem; border-bottom: 1px solid #8a8a8a; }
.nyttolib-table thead th { border-bottom: 2px solid #1a1a1a; }
.nyttolib-table .nyttolib-number { text-align: right; font-variant-numeric: tabular-nums; }
</style>"""


def local_time(iso_timestamp: str) -> str:
    """A stored UTC timestamp as the server's local time, e.g. '2026-11-22 20:51'."""
    return datetime.fromisoformat(iso_timestamp).astimezone().strftime("%Y-%m-%d %H:%M")


def assessments_table(listing: list[Listing], content: Content) -> str:
    """The stored assessments as an accessible HTML table; every user text is escaped."""
    start = content.start
    if not listing:
        return f"<p>{escape(start.empty_list)}</p>"
    rows = []
    for row in listing:
        stage = content.label(content.initiative.portfolio_stages, row.stage, "–")
        done = fmt.percent(row.completeness_percent) if row.completeness_percent is not None else "–"
        changed = local_time(row.updated_at)
        rows.append(
            f"<tr><th scope='row'>{escape(row.name or '(namnlöst initiativ)')}</th>"
            f"<td>{escape(stage)}</td><td>{escape(changed)}</td><td class='nyttolib-number'>{escape(done)}</td></tr>"
        )
    return (
        "<table class='nyttolib-table'><caption>" + escape(start.list_title) + "</caption>"
        "<thead><tr><th scope='col'>Initiativ</th><th scope='col'>Steg</th>"
        "<th scope='col'>Senast ändrad</th><th scope='col'>Ifyllt</th></tr></thead>"
        "<tbody>" + "".join(rows) + "</tbody></table>"
    )


def start_page(store: Store | None = None, content: Content | None = None) -> widgets.VBox:
    """The start page as a widget: guidance from start.yaml and the list of stored assessments."""
    content = content or load_content()
    store = store or Store()
    start = content.start
    intro = widgets.HTML(
        f"<h1>{escape(start.title)}</h1>"
        f"<h2>{escape(start.why_title)}</h2>{_paragraphs(start.why)}{_bullets(start.why_reasons)}"
        f"<h2>{escape(start.instructions_title)}</h2>{_bullets(start.instructions)}"
    )
    table = widgets.HTML(STYLE + assessments_table(store.list(), content))
    return widgets.VBox([intro, table], layout=widgets.Layout(max_width="60rem"))
