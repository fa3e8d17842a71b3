"""Keyboard focus and ARIA state set from Python.

ipywidgets can focus an input or a button only once its view exists, and cannot focus a heading or set
ARIA attributes at all. So the kernel sets CSS classes and the page script of the nyttolib Voilà template
(templates/voila/templates/nyttolib/static/nyttolib.js) turns them into focus and ARIA attributes when the
elements are on the page: a request made while a new step or row is still being drawn is not lost.
"""

from __future__ import annotations

import itertools

import ipywidgets as widgets

FOCUS_PREFIX = "nyttolib-focus-"
CURRENT = "nyttolib-current"  # -> aria-current="step"

_requests = itertools.count(1)


def request_focus(widget: widgets.DOMWidget) -> None:
    """Move the keyboard focus to `widget` (a field's input, a button, or the heading in an HTML widget) and
    scroll it into view. Each request has a larger number than the last, so the page acts on it once."""
    stale = [name for name in widget._dom_classes if name.startswith(FOCUS_PREFIX)]
    widget._dom_classes = (*[c for c in widget._dom_classes if c not in stale], f"{FOCUS_PREFIX}{next(_requests)}")


def set_current(widget: widgets.DOMWidget, current: bool) -> None:
    """Mark the current step's button (aria-current="step" and a look that is not colour alone)."""
    if current and CURRENT not in widget._dom_classes:
        widget.add_class(CURRENT)
    elif not current and CURRENT in widget._dom_classes:
        widget.remove_class(CURRENT)
