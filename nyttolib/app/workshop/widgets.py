"""Small labelled inputs shared by the workshop pages: same look and accessibility as the form's fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from nyttolib.app.errors import guarded
from nyttolib.app.fields import LabelledControl, shared_layout
from nyttolib.storage.assessments import StoreError


class LabelledInput(LabelledControl):
    """A labelled input whose `on_change` may refuse a value: its Swedish message is shown beside the input."""

    def __init__(self, control: widgets.Widget, on_change: Callable[[Any], None] | None = None, help_text: str = ""):
        super().__init__(control, help_text)
        self._on_change = on_change
        if on_change is not None:
            control.observe(guarded(self._changed), names="value")

    def _changed(self, change: dict) -> None:
        try:
            self._on_change(change["new"])  # type: ignore[misc]
        except (ValueError, StoreError) as exc:  # a value refused, or a change the store refuses (survey closed)
            self.show_error(str(exc))
            return
        self.clear_error()


def button(label: str, handler: Callable[[], None], *, primary: bool = False) -> widgets.Button:
    widget = widgets.Button(description=label, button_style="primary" if primary else "", layout=shared_layout())
    widget.on_click(guarded(lambda _b: handler()))
    return widget
