"""The start page: what the assessment is for, and the stored assessments."""

from __future__ import annotations

from html import escape

import ipywidgets as widgets

from nyttolib import formatting as fmt
from nyttolib.content import Content, load_content
from nyttolib.storage import Listing, Store


def _paragraphs(texts: list[str]) -> str:
    return "".join(f"<p>{escape(text)}</p>" for text in texts)


def _bullets(texts: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{escape(text)}</li>" for text in texts) + "</ul>" if texts else ""


def assessments_table(listing: list[Listing], content: Content) -> str:
    """The stored assessments as an accessible HTML table; every user text is escaped."""
    start = content.start
    if not listing:
        return f"<p>{escape(start.empty_list)}</p>"
    rows = []
    for row in listing:
        stage = content.label(content.initiative.portfolio_stages, row.stage, "–")
        done = fmt.percent(row.completeness_percent) if row.completeness_percent is not None else "–"
        changed = row.updated_at[:16].replace("T", " ")
        rows.append(
            f"<tr><th scope='row'>{escape(row.name or '(namnlöst initiativ)')}</th>"
            f"<td>{escape(stage)}</td><td>{escape(changed)}</td><td class='nyttolib-number'>{escape(done)}</td></tr>"
        )
    return (
        "<table class='nyttolib-table'><caption>" + escape(start.list_title) + "</caption>"
        "<thead><tr><th scope='col'>Initiativ</th><th scope='col'>Steg</th>"
        "<th scope='col'>Senast ändrad (UTC)</th><th scope='col'>Ifyllt</th></tr></thead>"
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
    table = widgets.HTML(assessments_table(store.list(), content))
    return widgets.VBox([intro, table], layout=widgets.Layout(max_width="60rem"))
