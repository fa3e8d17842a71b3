"""Steg: Sammanfattning – what is missing (each a link to its field), key figures, classification, chart."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any
from urllib.parse import urlencode

import ipywidgets as widgets

from nyttolib import formatting as fmt
from nyttolib.app.errors import guarded
from nyttolib.app.fields import READING, download_link, dropdown_control, heading, html, paragraphs, shared_layout
from nyttolib.app.step import Step
from nyttolib.app.steps.calculation import invalid_calculation_text, key_figures, results_table
from nyttolib.assessment.calculations import calculate
from nyttolib.assessment.completeness import closing_remarks, completeness, state_text
from nyttolib.assessment.model import Assessment, PlanItem
from nyttolib.assessment.rules import calculation_requirement, follow_up_status
from nyttolib.content import Content
from nyttolib.exports.charts import cost_benefit_img
from nyttolib.portfolio.register import plan_item_due
from nyttolib.portfolio.rows import today

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


def figures_html(result, content) -> str:
    return results_table(result) + key_figures(result, content) + cost_benefit_img(result)


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
        self.missing.add_class(READING)  # buttons that go to a field: reading too
        self.figures = html("")
        buttons = []
        for export_format, label in EXPORT_BUTTONS:
            button = widgets.Button(description=label, layout=widgets.Layout(width="auto"))
            button.on_click(guarded(lambda _b, f=export_format: self.export(f)))
            buttons.append(button)
        self.downloads = html("", "nyttolib-downloads")
        self.history = widgets.VBox()
        self.comparison = widgets.VBox()
        self.comparison.add_class("nyttolib-comparison")
        self.comparison.add_class(READING)
        exports = widgets.HBox(buttons)
        exports.add_class(READING)
        self.changes = html("", "nyttolib-changes")
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
            exports,
            self.downloads,
            preview,
            heading("Historik", 3),
            paragraphs(self.content.texts.history.introduction),
            self.history,
            self.comparison,
        ]
        self.refresh()

    def shown(self) -> None:
        self.render_history()

    def render_history(self, shown: int = 15) -> None:
        """The latest revisions, newest first, each with a button to restore it; below, a comparison."""
        from nyttolib.app.start_page import local_time
        from nyttolib.storage.assessments import NotFoundError

        s = self.session
        try:
            revisions = s.store.history(s.id)
        except NotFoundError:
            self.history.children = [html("<p>Bedömningen är inte sparad ännu.</p>")]
            self.comparison.children = []
            return
        self.render_comparison(revisions)
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
            if s.read_only:  # restoring saves: not offered to a user who may only read
                rows.append(text)
                continue
            button = widgets.Button(
                description=f"Återställ revision {info.revision}", layout=widgets.Layout(width="auto")
            )
            button.on_click(guarded(lambda _b, r=info.revision: self.restore(r)))
            rows.append(widgets.HBox([text, button]))
        if len(revisions) > shown:
            more = widgets.Button(
                description=self.content.texts.history.show_all.format(count=len(revisions)),
                layout=widgets.Layout(width="auto"),
            )
            more.on_click(guarded(lambda _b: self.render_history(shown=len(revisions))))
            more.add_class(READING)
            rows.append(more)
        self.history.children = rows

    def render_comparison(self, revisions) -> None:
        """Two revisions to pick (by default the one before this and this) and their changes, field by field."""
        from nyttolib.app.start_page import local_time

        texts = self.content.texts.history
        if len(revisions) < 2:
            self.comparison.children = []
            return
        options = [(f"Revision {r.revision} – {local_time(r.saved_at)}", r.revision) for r in reversed(revisions)]
        numbers = [r.revision for r in revisions]
        current = self.session.revision if self.session.revision in numbers else numbers[-1]
        before = max((n for n in numbers if n < current), default=numbers[0])
        self.compare_from = dropdown_control(texts.compare_from, options, before)
        self.compare_to = dropdown_control(texts.compare_to, options, current)
        for picker in (self.compare_from, self.compare_to):
            picker.layout = shared_layout(max_width="100%")  # shrinks to a phone's width instead of running off it
            picker.add_class("nyttolib-stacked")  # the label above the list, as for every other field
        button = widgets.Button(description=texts.compare_button, layout=widgets.Layout(width="auto"))
        button.on_click(guarded(lambda _b: self.compare(self.compare_from.value, self.compare_to.value)))
        self.changes.value = ""
        pick = widgets.VBox([self.compare_from, self.compare_to, button])  # one under the other: labels never overlap
        self.comparison.children = [heading(texts.compare_title, 4), pick, self.changes]

    def compare(self, old: int, new: int) -> None:
        """Show what changed from revision `old` to revision `new`, one line a change, in the form's words."""
        from pydantic import ValidationError

        from nyttolib.assessment.diff import diff

        s, texts = self.session, self.content.texts.history
        try:
            older, _ = s.store.load(s.id, old)
            newer, _ = s.store.load(s.id, new)
        except ValidationError:
            self.changes.value = f"<p>{escape(texts.unreadable.format(old=old, new=new))}</p>"
            return
        changes = diff(older, newer, self.content)
        title = f"<p><strong>{escape(texts.changes_title.format(old=old, new=new))}</strong></p>"
        if not changes:
            self.changes.value = f"{title}<p>{escape(texts.no_changes)}</p>"
            return
        items = "".join(f"<li>{escape(str(change))}</li>" for change in changes)
        self.changes.value = f"{title}<ul>{items}</ul>"

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
            f"<li>{escape(p.title)}: {escape(state_text(p, c))}</li>" for p in progress.sections.values()
        )
        steps = "".join(
            f"<li>{escape(p.title)}: {escape(state_text(p, c, counted=False))}</li>" for p in progress.steps.values()
        )
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
        if len(progress.missing) > 60:
            buttons.append(html(f"<p>… och {len(progress.missing) - 60} till.</p>"))
        remarks = closing_remarks(progress, c)
        if remarks:
            buttons.append(html("".join(f"<p>{escape(text)}</p>" for text in remarks), "nyttolib-remarks"))
        self.missing.children = buttons
        result = calculate(a, c)
        requirement = calculation_requirement(a, c)

        def benefit_name(item) -> str:
            benefit = a.benefit(item.benefit_id)
            return benefit.description.rstrip(". ") if benefit and benefit.description else "Plan"

        lights = "".join(
            f"<li>{escape(benefit_name(i))}: {escape(follow_up_status(i, c).label)}{escape(due_text(a, i, c))}</li>"
            for i in a.plan.items
        )
        self.figures.value = (
            f"<p>{escape(requirement.verdict)}: "
            f"{escape(requirement.reason)}</p>"
            + (invalid_calculation_text(s.drafts, c) or figures_html(result, c))
            + (f"<h3>Uppföljning</h3><ul>{lights}</ul>" if lights else "")
            + indicators_html(a, c)
        )


def due_text(assessment: Assessment, item: PlanItem, content: Content) -> str:
    """The register's interval and due state in words (" · mäts: varje kvartal · nästa mätning …")."""
    interval, due = plan_item_due(assessment, item, content, today())
    if interval.months is None:
        return f" · {interval.text}"
    return f" · mäts: {interval.text.lower()} · {due.label[:1].lower()}{due.label[1:]}"


def indicators_html(assessment: Assessment, content: Content) -> str:
    """The plan's contributions to the municipality's indicators, as a table (none: nothing)."""
    rows = assessment.plan.indicators
    if not rows:
        return ""
    body = "".join(
        "<tr>"
        f"<th scope='row'>{escape(content.label(content.portfolio.indicators, row.indicator, '–'))}</th>"
        f"<td data-label='År'>{row.year if row.year is not None else '–'}</td>"
        f"<td class='nyttolib-number' data-label='Förväntat'>{escape(measure_text(row.expected))}</td>"
        f"<td class='nyttolib-number' data-label='Uppnått'>{escape(measure_text(row.realised))}</td>"
        f"<td data-label='Kommentar'>{escape(row.comment)}</td>"
        "</tr>"
        for row in rows
    )
    return (
        "<table class='nyttolib-table'><caption>Bidrag till indikatorer</caption><thead><tr>"
        "<th scope='col'>Indikator</th><th scope='col'>År</th><th scope='col'>Förväntat</th>"
        "<th scope='col'>Uppnått</th><th scope='col'>Kommentar</th></tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def measure_text(value: float | None) -> str:
    return "–" if value is None else fmt.number(value, 2).replace(",00", "")
