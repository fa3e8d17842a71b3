"""Small labelled inputs shared by the workshop pages: same look and accessibility as the form's fields."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

import ipywidgets as widgets

from nyttolib.app.errors import guarded
from nyttolib.app.fields import html, shared_layout, shared_style, wide


class LabelledInput(widgets.VBox):
    """An input with its visible label, and a Swedish message beside it when `on_change` refuses the value."""

    def __init__(self, control: widgets.Widget, on_change: Callable[[Any], None] | None = None, help_text: str = ""):
        self.control = control
        control.add_class("nyttolib-control")
        self.message = html("", "nyttolib-message")
        children = [control]
        if help_text:
            children.append(html(f"<p>{escape(help_text)}</p>", "nyttolib-help"))
        super().__init__([*children, self.message], layout=shared_layout())
        self.add_class("nyttolib-field")
        self._on_change = on_change
        if on_change is not None:
            control.observe(guarded(self._changed), names="value")

    def _changed(self, change: dict) -> None:
        try:
            self._on_change(change["new"])  # type: ignore[misc]
        except ValueError as exc:
            self.show_error(str(exc))
            return
        self.clear_error()

    def show_error(self, text: str) -> None:
        self.message.value = f"<p role='alert'><strong>Fel:</strong> {escape(text)}</p>"
        self.control.add_class("nyttolib-invalid")

    def clear_error(self) -> None:
        if self.message.value:
            self.message.value = ""
            self.control.remove_class("nyttolib-invalid")


def text_input(label: str, value: str = "", *, multiline: bool = False, rows: int = 3, **kwargs: Any) -> widgets.Widget:
    cls = widgets.Textarea if multiline else widgets.Text
    control = cls(
        value=value, description=label, continuous_update=True, layout=wide(), style=shared_style("text"), **kwargs
    )
    if multiline:
        control.rows = rows
    return control


def dropdown(label: str, options: list[tuple[str, Any]], value: Any = None) -> widgets.Dropdown:
    values = [v for _, v in options]
    return widgets.Dropdown(
        options=options,
        value=value if value in values else values[0],
        description=label,
        layout=shared_layout(width="auto", max_width="42rem"),
        style=shared_style("description"),
    )


def button(label: str, handler: Callable[[], None], *, primary: bool = False) -> widgets.Button:
    widget = widgets.Button(description=label, button_style="primary" if primary else "", layout=shared_layout())
    widget.on_click(guarded(lambda _b: handler()))
    return widget
