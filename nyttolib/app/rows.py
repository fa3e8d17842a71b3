"""An editable list of rows (benefits, cost lines, activities …): add, remove and reorder, by keyboard too.

"Ta bort" removes a row at once (and saves); "Ångra" in its place puts it back where it was (a new save).
The focus follows: onto "Ångra" after a removal, onto the row's first field after an undo or an addition,
onto the moved row's button after a move."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

import ipywidgets as widgets
from pydantic import BaseModel

from nyttolib.app.errors import guarded
from nyttolib.app.fields import Field, heading, html, shared_button_style, shared_layout
from nyttolib.app.focus import request_focus
from nyttolib.app.session import AssessmentSession, Path
from nyttolib.assessment.model import MAX_ROWS

TITLE_LENGTH = 80
LIST_FULL = "Listan är full: den rymmer högst {rows} rader. Ta bort en rad för att kunna lägga till en ny."


def short_title(text: str, limit: int = TITLE_LENGTH) -> str:
    """`text` on one line, cut at a word before `limit` characters with "…" (the full text is in the row)."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:–-") + "…"


#: The field that names a row, in the order looked for (a cost's description, an activity, a risk …).
NAMING_FIELDS = ("description", "activity", "risk", "note", "comment")


def removed_title(title: str, item: Any) -> str:
    """"Kostnad 2 (Licenser för e-tjänsten)": the number alone does not say which row went, and the
    numbers of the rows after it change at once."""
    text = item if isinstance(item, str) else next(
        (value for name in NAMING_FIELDS if isinstance(value := getattr(item, name, None), str) and value.strip()), ""
    )
    named = short_title(text, 60) if text.strip() else ""
    return f"{title} ({named})" if named and named not in title else title


class UndoNotice(widgets.HBox):
    """The notice "Kostnad 2 togs bort. [Ångra]", shown where the row was."""

    def __init__(self, what: str, undo: Callable[[], None]):
        self.button = widgets.Button(
            description="Ångra", tooltip=f"Ångra borttagningen: ta tillbaka {what}", style=shared_button_style()
        )
        self.button.on_click(guarded(lambda _button: undo()))
        super().__init__([html(f"<p><strong>{escape(what)}</strong> togs bort.</p>"), self.button])
        self.add_class("nyttolib-undo")


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
        self.full_notice = html(f"<p>{LIST_FULL.format(rows=MAX_ROWS)}</p>")
        self.fields: list[Field] = []
        self.rows: list[widgets.VBox] = []
        self.move_buttons: list[dict[int, widgets.Button]] = []
        self.removed: tuple[int, Any] | None = None  # the last row removed, while it can be undone
        self.undo: UndoNotice | None = None
        self.add_class("nyttolib-rows")
        self.render()

    @property
    def items(self) -> list[Any]:
        return self.session.get(self.path) or []

    def render(self) -> None:
        self.fields, self.rows, self.move_buttons = [], [], []
        items = self.items
        for index, item in enumerate(items):
            title = self.row_title(index, item)
            moves = {}
            if index > 0:
                moves[-1] = self._button("Flytta upp", lambda i=index: self._move(i, -1), f"Flytta upp: {title}")
            if index < len(items) - 1:
                moves[1] = self._button("Flytta ner", lambda i=index: self._move(i, 1), f"Flytta ner: {title}")
            remove = self._button("Ta bort", lambda i=index: self._remove(i), f"Ta bort: {title}")
            row_fields = self.build_row(index)
            self.fields += [w for w in row_fields if isinstance(w, Field)]
            box = widgets.VBox([heading(title, self.level), *row_fields, widgets.HBox([*moves.values(), remove])])
            box.add_class("nyttolib-row")
            self.rows.append(box)
            self.move_buttons.append(moves)
        shown: list[widgets.Widget] = list(self.rows)
        if self.undo is not None and self.removed is not None:
            shown.insert(min(self.removed[0], len(shown)), self.undo)
        full = len(items) >= MAX_ROWS
        self.add_button.disabled = full
        self.children = [*shown, self.add_button, *([self.full_notice] if full else [])]

    def _button(self, text: str, action: Callable[[], None], tooltip: str) -> widgets.Button:
        button = widgets.Button(description=text, tooltip=tooltip, layout=shared_layout(), style=shared_button_style())
        button.on_click(guarded(lambda _button: action()))
        return button

    def _changed(self, items: list[Any]) -> None:
        self.session.replace(self.path, [i.model_dump() if isinstance(i, BaseModel) else i for i in items])
        self.render()

    def _forget_removed(self) -> None:
        self.removed, self.undo = None, None

    def _focus_row(self, index: int) -> None:
        first = next((w for w in self.rows[index].children if isinstance(w, Field)), None)
        request_focus(first if first is not None else self.rows[index].children[-1].children[-1])

    def _add(self) -> None:
        if len(self.items) >= MAX_ROWS:
            return
        self._forget_removed()
        self._changed([*self.items, self.new_row()])
        self._focus_row(len(self.rows) - 1)

    def _remove(self, index: int) -> None:
        items = list(self.items)
        removed = items.pop(index)
        self.removed = (index, removed)
        self.undo = UndoNotice(removed_title(self.row_title(index, removed), removed), self._restore)
        self._changed(items)
        request_focus(self.undo.button)

    def _restore(self) -> None:
        """Put the removed row back where it was (or last, if the list has become shorter)."""
        if self.removed is None:
            return
        index, item = self.removed
        items = list(self.items)
        index = min(index, len(items))
        items.insert(index, item)
        self._forget_removed()
        self._changed(items)
        self._focus_row(index)

    def _move(self, index: int, step: int) -> None:
        self._forget_removed()
        items = list(self.items)
        items[index], items[index + step] = items[index + step], items[index]
        self._changed(items)
        moved = self.move_buttons[index + step]
        request_focus(moved.get(step) or moved[-step])
