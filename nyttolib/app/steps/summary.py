"""Steg: Sammanfattning – what is missing (each a link to its field), key figures, classification, chart."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any
from urllib.parse import urlencode

import ipywidgets as widgets

from nyttolib import formatting as fmt
from nyttolib.app.errors import guarded
from nyttolib.app.fields import download_link, heading, html, paragraphs
from nyttolib.app.step import Step
from nyttolib.app.steps.calculation import invalid_calculation_text, key_figures, results_table
from nyttolib.assessment.calculations import calculate
from nyttolib.assessment.completeness import STATE_LABELS, completeness
from nyttolib.assessment.rules import calculation_requirement, follow_up_status
from nyttolib.exports.charts import cost_benefit_img

EXPORT_BUTTONS = [
    ("pdf", "PDF (beslutsunderlag)"),
    ("html", "HTML"),
    ("xlsx", "Excel (nyttokalkyl)"),
    ("json", "JSON (arkiv)"),
]


def classification_table(assessment, content) -> str:
    rows = []
    for axis in content.classification.axes:
        chosen = assessment.classification.get(axis.id)
        cells = "".join(
            f"<td class='nyttolib-cell{' nyttolib-chosen' if chosen == n else ''}'>"
            f"{'<strong>X</strong> ' if chosen == n else ''}{escape(cell.label)} ({escape(cell.share)})</td>"
            for n, cell in enumerate(axis.cells, start=1)
        )
        rows.append(f"<tr><th scope='row'>{escape(axis.left)} – {escape(axis.right)}</th>{cells}</tr>")
    return (
        f"<table class='nyttolib-table nyttolib-classification'><caption>{escape(content.classification.title)}"
        f"</caption><tbody>{''.join(rows)}</tbody></table>"
    )


def figures_html(result) -> str:
    return results_table(result) + key_figures(result) + cost_benefit_img(result)


class SummaryStep(Step):
    id = "summary"
    sections = ()

    def __init__(
        self,
        session,
        navigate: Callable[[tuple[Any, ...]], None],
        reload: Callable[[], None] | None = None,
    ):
        self.navigate = navigate
        self.reload = reload or (lambda: None)
        super().__init__(session)

    def build(self) -> None:
        self.title = self.content.form.steps["summary"].title
        self.overview = html("")
        self.missing = widgets.VBox()
        self.missing.add_class("nyttolib-missing")
        self.figures = html("")
        buttons = []
        for export_format, label in EXPORT_BUTTONS:
            button = widgets.Button(description=label, layout=widgets.Layout(width="auto"))
            button.on_click(guarded(lambda _b, f=export_format: self.export(f)))
            buttons.append(button)
        self.downloads = html("", "nyttolib-downloads")
        self.history = widgets.VBox()
        preview = html(
            f"<p><a href='rapport.ipynb?{urlencode({'id': self.session.id})}'>Visa rapporten "
            "(beslutsunderlaget) som webbsida</a></p>"
        )
        self.children = [
            heading(self.title),
            paragraphs(self.content.form.summary_guidance),
            self.overview,
            heading("Det här saknas", 3),
            self.missing,
            heading("Nyttokalkyl", 3),
            self.figures,
            heading("Exportera", 3),
            paragraphs("Skapa filer att bifoga till beslutet. Filen visas som en länk att spara."),
            widgets.HBox(buttons),
            self.downloads,
            preview,
            heading("Historik", 3),
            paragraphs(
                "Varje sparning är en revision. Återställ en äldre revision så blir den den senaste; "
                "inget försvinner ur historiken."
            ),
            self.history,
        ]
        self.refresh()

    def shown(self) -> None:
        self.render_history()

    def render_history(self, shown: int = 15) -> None:
        """The latest revisions, newest first, each with a button to restore it."""
        from nyttolib.app.start_page import local_time
        from nyttolib.storage.assessments import NotFoundError

        s = self.session
        try:
            revisions = s.store.history(s.id)
        except NotFoundError:
            self.history.children = [html("<p>Bedömningen är inte sparad ännu.</p>")]
            return
        rows: list[widgets.Widget] = []
        for info in reversed(revisions[-shown:]):
            done = "" if info.completeness_percent is None else f", {fmt.percent(info.completeness_percent)} ifyllt"
            note = f" – {info.note}" if info.note else ""
            text = html(
                f"<p>Revision {info.revision}: {escape(local_time(info.saved_at))}{escape(done)}{escape(note)}</p>"
            )
            if info.revision == s.revision:
                rows.append(widgets.HBox([text, html("<p><strong>(den här versionen)</strong></p>")]))
                continue
            button = widgets.Button(
                description=f"Återställ revision {info.revision}", layout=widgets.Layout(width="auto")
            )
            button.on_click(guarded(lambda _b, r=info.revision: self.restore(r)))
            rows.append(widgets.HBox([text, button]))
        if len(revisions) > shown:
            rows.append(html(f"<p>… och {len(revisions) - shown} äldre (se <code>nyttolib history</code>).</p>"))
        self.history.children = rows

    def restore(self, revision: int) -> None:
        s = self.session
        s.flush()  # what is typed now becomes a revision of its own before the old one is restored
        s.store.restore(s.id, revision)
        s.take_theirs()
        self.reload()

    def export(self, fmt: str) -> None:
        """Make one export file and offer it as a link (Voilà has no download widget of its own)."""
        from nyttolib.exports.batch import MIME_TYPES, export_bytes, file_stem

        s = self.session
        s.flush()  # the file shows what is saved
        data = export_bytes(s.assessment, self.content, fmt, revision=s.revision, drafts=s.drafts)
        self.downloads.value = download_link(f"{file_stem(s.assessment)}.{fmt}", MIME_TYPES[fmt], data)

    def refresh(self) -> None:
        s, c = self.session, self.content
        a = s.assessment
        progress = completeness(a, c, s.drafts)
        sections = "".join(
            f"<li>{escape(p.title)}: {escape(STATE_LABELS[p.state])}"
            + (f" ({p.done} av {p.total})" if p.total else "")
            + "</li>"
            for p in progress.sections.values()
        )
        steps = "".join(f"<li>{escape(p.title)}: {escape(STATE_LABELS[p.state])}</li>" for p in progress.steps.values())
        answers = [x.answer for x in a.prerequisites.values()]
        self.overview.value = (
            f"<p><strong>{fmt.percent(progress.percent)} ifyllt.</strong> "
            f"Förutsättningar: {answers.count('ja')} JA, {answers.count('nej')} NEJ av {len(c.criteria.criteria)}.</p>"
            f"<h3>Avsnitt</h3><ul>{sections}</ul><h3>Nyttostegen</h3><ul>{steps}</ul>" + classification_table(a, c)
        )
        buttons: list[widgets.Widget] = []
        for check in progress.missing[:60]:
            button = widgets.Button(
                description=check.message,
                tooltip=f"Gå till: {check.message}",
                layout=widgets.Layout(width="auto", max_width="42rem"),
            )
            button.add_class("nyttolib-link")
            button.on_click(guarded(lambda _b, loc=check.loc: self.navigate(loc)))
            buttons.append(button)
        if not buttons:
            buttons = [html("<p>Inget saknas – bedömningen är komplett.</p>")]
        elif len(progress.missing) > 60:
            buttons.append(html(f"<p>… och {len(progress.missing) - 60} till.</p>"))
        self.missing.children = buttons
        result = calculate(a, c)
        requirement = calculation_requirement(a, c)

        def benefit_name(item) -> str:
            benefit = a.benefit(item.benefit_id)
            return benefit.description.rstrip(". ") if benefit and benefit.description else "Plan"

        lights = "".join(
            f"<li>{escape(benefit_name(i))}: {escape(follow_up_status(i, c).label)}</li>" for i in a.plan.items
        )
        self.figures.value = (
            f"<p>{'Nyttokalkyl krävs' if requirement.required else 'Ingen nyttokalkyl krävs'}: "
            f"{escape(requirement.reason)}</p>"
            + (invalid_calculation_text(s.drafts, c) or figures_html(result))
            + (f"<h3>Uppföljning</h3><ul>{lights}</ul>" if lights else "")
        )
