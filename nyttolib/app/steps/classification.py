"""Steg: Klassificering – three axes as five-cell choices, with the characteristics beside them."""

from __future__ import annotations

from html import escape

import ipywidgets as widgets

from nyttolib.app.fields import RadioField, heading, html, paragraphs
from nyttolib.app.step import Step


def _list(title: str, items: list[str]) -> str:
    if not items:
        return ""
    return f"<h4>{escape(title)}</h4><ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>"


class ClassificationStep(Step):
    id = "classification"
    sections = ("classification",)

    def build(self) -> None:
        s, c = self.session, self.content
        self.title = c.form.steps["classification"].title
        classification = c.classification
        children = [heading(classification.title), paragraphs(classification.introduction)]
        for axis in classification.axes:
            options = [(f"{cell.label} ({cell.share})", number) for number, cell in enumerate(axis.cells, start=1)]
            choice = RadioField(
                s, ("classification", axis.id), f"{axis.left} – {axis.right}", options, help_text=axis.instruction
            )
            guidance = html(
                (f"<h4>{escape(axis.guidance_title)}</h4>" if axis.guidance_title else "")
                + "".join(f"<p>{escape(p)}</p>" for p in axis.guidance)
                + _list(axis.left_characteristics_title, axis.left_characteristics)
                + _list(axis.right_characteristics_title, axis.right_characteristics),
                "nyttolib-aside",
            )
            row = widgets.HBox([choice, guidance])
            row.add_class("nyttolib-axis")
            children += [heading(f"{axis.left} eller {axis.right}", 3), row]
        self.children = children
