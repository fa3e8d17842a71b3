"""Steg: Förutsättningar – the six criteria, JA/NEJ and motivering, each with its description."""

from __future__ import annotations

from html import escape

from nyttolib.app.fields import RadioField, TextField, heading, html, paragraphs
from nyttolib.app.step import Step
from nyttolib.assessment.model import PrerequisiteAnswer


class PrerequisitesStep(Step):
    id = "prerequisites"
    sections = ("prerequisites",)

    def build(self) -> None:
        s, c = self.session, self.content
        self.title = c.form.steps["prerequisites"].title
        criteria = c.criteria
        children = [heading(criteria.title), paragraphs([criteria.purpose, *criteria.guidance])]
        for criterion in criteria.criteria:
            if criterion.id not in s.assessment.prerequisites:
                # An empty answer object to bind to; it is only saved with the first real answer.
                s.assessment.prerequisites[criterion.id] = PrerequisiteAnswer()
            path = ("prerequisites", criterion.id)
            children += [
                heading(criterion.label, 3),
                html(f"<p>{escape(criterion.description)}</p>", "nyttolib-guidance"),
                RadioField(
                    s,
                    (*path, "answer"),
                    f"Bedömning: {criterion.label}",
                    [(a.label, a.id) for a in criteria.answers],
                    orientation="horizontal",
                ),
                TextField(
                    s, (*path, "motivation"), f"{criteria.motivation_label}: {criterion.label}", multiline=True, rows=2
                ),
            ]
        self.children = children
