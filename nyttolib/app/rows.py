"""An editable list of rows (benefits, cost lines, activities …): add, remove and reorder, by keyboard too."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
from pydantic import BaseModel

from nyttolib.app.errors import guarded
from nyttolib.app.fields import Field, heading, shared_button_style, shared_layout
from nyttolib.app.session import AssessmentSession, Path


class RowList(widgets.VBox):
    """Rows of the list at `path`; `build_row(index)` returns the fields of one row."""

    def __init__(
        self,
        session: AssessmentSession,
        path: Path,
        *,
        row_title: Callable[[int, Any], str],
        build_row: Callable[[int], list[widgets.Widget]],
        new_row: Callable[[], BaseModel | str],
        add_label: str,
        level: int = 3,
    ):
        super().__init__()
        self.session = session
        self.path = path
        self.row_title = row_title
        self.build_row = build_row
        self.new_row = new_row
        self.level = level
        self.add_button = widgets.Button(description=add_label)
        self.add_button.add_class("nyttolib-add")
        self.add_button.on_click(guarded(lambda _button: self._add()))
        self.fields: list[Field] = []
        self.add_class("nyttolib-rows")
        self.render()

    @property
    def items(self) -> list[Any]:
        return self.session.get(self.path) or []

    def render(self) -> None:
        rows: list[widgets.Widget] = []
        self.fields = []
        items = self.items
        for index, item in enumerate(items):
            title = self.row_title(index, item)
            buttons = []
            if index > 0:
                buttons.append(
                    self._button("Flytta upp", "arrow-up", lambda i=index: self._move(i, -1), f"Flytta upp: {title}")
                )
            if index < len(items) - 1:
                buttons.append(
                    self._button("Flytta ner", "arrow-down", lambda i=index: self._move(i, 1), f"Flytta ner: {title}")
                )
            buttons.append(self._button("Ta bort", "trash", lambda i=index: self._remove(i), f"Ta bort: {title}"))
            row_fields = self.build_row(index)
            self.fields += [w for w in row_fields if isinstance(w, Field)]
            box = widgets.VBox([heading(title, self.level), *row_fields, widgets.HBox(buttons)])
            box.add_class("nyttolib-row")
            rows.append(box)
        self.children = [*rows, self.add_button]

    def _button(self, text: str, icon: str, action: Callable[[], None], tooltip: str) -> widgets.Button:
        button = widgets.Button(description=text, tooltip=tooltip, layout=shared_layout(), style=shared_button_style())
        button.on_click(guarded(lambda _button: action()))
        return button

    def _changed(self, items: list[Any]) -> None:
        self.session.replace(self.path, [i.model_dump() if isinstance(i, BaseModel) else i for i in items])
        self.render()

    def _add(self) -> None:
        self._changed([*self.items, self.new_row()])
        if self.fields:
            last_row = self.children[-2]
            first = next((w for w in last_row.children if isinstance(w, Field)), None)
            if first is not None:
                first.focus()

    def _remove(self, index: int) -> None:
        items = list(self.items)
        del items[index]
        self._changed(items)
        self.add_button.focus()

    def _move(self, index: int, step: int) -> None:
        items = list(self.items)
        items[index], items[index + step] = items[index + step], items[index]
        self._changed(items)
