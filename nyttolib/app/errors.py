"""Errors inside widget callbacks are shown nowhere by default: catch them, log them, tell the user."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger("nyttolib.app")

FRIENDLY = "Något gick fel, men det du har skrivit är sparat. Försök igen, eller ladda om sidan."

_reporters: list[Callable[[str], None]] = []


def add_reporter(reporter: Callable[[str], None]) -> None:
    """Register where a friendly message is shown (the form's notice area)."""
    _reporters.append(reporter)


def report(message: str = FRIENDLY) -> None:
    for reporter in list(_reporters):
        try:
            reporter(message)
        except Exception:
            log.exception("Error reporter failed")


def guarded(handler: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a widget callback: an exception becomes a log entry and a short message, never a traceback."""

    @functools.wraps(handler)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return handler(*args, **kwargs)
        except Exception:
            log.exception("Error in %s", getattr(handler, "__qualname__", handler))
            report()
            return None

    return wrapper


def content_error_page(error: Exception) -> Any:
    """What a page shows when the content files are broken: the problems, with file and line."""
    import html

    import ipywidgets as widgets

    problems = getattr(error, "problems", [error])
    items = "".join(f"<li>{html.escape(str(p))}</li>" for p in problems)
    return widgets.HTML(
        "<h1>Innehållsfilerna behöver rättas</h1><div role='alert' class='nyttolib-error'><p>Appen kan inte visas "
        "förrän filerna i data/content är rättade. Kontakta den som förvaltar innehållet.</p>"
        f"<ul>{items}</ul></div>"
    )
