"""Steg: Nytta – the benefits table (add, edit, remove, reorder) and whether a nyttokalkyl is required."""

from __future__ import annotations

from html import escape

from nyttolib.app.fields import ChoiceField, TextField, YesNoField, heading, html, paragraphs
from nyttolib.app.rows import RowList, short_title
from nyttolib.app.step import Step
from nyttolib.assessment.model import Benefit
from nyttolib.assessment.rules import calculation_requirement


class BenefitsStep(Step):
    id = "benefits"
    sections = ("benefits",)

    def build(self) -> None:
        s, c = self.session, self.content
        self.title = c.form.steps["benefits"].title
        columns = c.benefits.table_columns
        examples = c.benefits.examples

        def row(i: int) -> list:
            base = ("benefits", i)
            example = examples[i % len(examples)] if examples else None
            return [
                TextField(
                    s,
                    (*base, "description"),
                    columns.description,
                    multiline=True,
                    rows=2,
                    placeholder=example.description if example else "",
                ),
                TextField(
                    s,
                    (*base, "target_group"),
                    columns.target_group,
                    placeholder=example.target_group if example else "",
                ),
                ChoiceField(s, (*base, "category"), "Kategori", [(x.label, x.id) for x in c.benefits.categories]),
                TextField(s, (*base, "means"), columns.means, multiline=True, rows=2),
                YesNoField(s, (*base, "measurable"), columns.measurable),
                TextField(s, (*base, "baseline"), columns.baseline, multiline=True, rows=2),
                ChoiceField(
                    s,
                    (*base, "unvalued_score"),
                    "Skattning om nyttan inte värderas i pengar",
                    [(f"{x.value} – {x.label}", x.value) for x in c.benefits.unvalued_scale],
                ),
            ]

        self.rule = html("", "nyttolib-rule")
        self.rows = RowList(
            s,
            ("benefits",),
            row_title=lambda i, benefit: (
                f"Nytta {i + 1}" + (f": {short_title(benefit.description)}" if benefit.description else "")
            ),
            build_row=row,
            new_row=Benefit,
            add_label="Lägg till nytta",
        )
        self.children = [heading(c.benefits.title), paragraphs(c.benefits.introduction), self.rule, self.rows]
        self.refresh()

    def refresh(self) -> None:
        outcome = calculation_requirement(self.session.assessment, self.content)
        verdict = escape(outcome.verdict)
        because = ""
        if outcome.required and outcome.economic_benefits:
            names = ", ".join(escape(name) for name in outcome.economic_benefits)
            because = f"<p>Direkt ekonomisk nytta: {names}.</p>"
        self.rule.value = f"<div role='status'><h3>{verdict}</h3><p>{escape(outcome.reason)}</p>{because}</div>"
