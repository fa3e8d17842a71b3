"""Saving after a short quiet pause, on the kernel's event loop: shared by every page that autosaves.

Voilà shuts the kernel down when the tab closes, so what a user typed must reach the store within
about a second. Plain Python (no widgets): without an event loop (a script, a test) it saves at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger("nyttolib.app")

Scheduler = Callable[[float, Callable[[], None]], Any]


def asyncio_scheduler(delay: float, callback: Callable[[], None]) -> Any:
    """Run `callback` after `delay` seconds on the kernel's event loop (the thread widgets run on)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    if loop is None:
        callback()  # no event loop (a script or a test): save at once
        return None
    return loop.call_later(delay, callback)


class StatusListeners:
    """A session whose save status ("pending", "saved", ...) the page shows: views register to hear of it."""

    def __init__(self) -> None:
        self._status_listeners: list[Callable[[], None]] = []

    def on_status(self, listener: Callable[[], None]) -> None:
        self._status_listeners.append(listener)

    def _notify(self) -> None:
        for listener in list(self._status_listeners):
            listener()


class Debounced:
    """Calls `save` once after changes stop for `delay` seconds; `flush` saves what is pending now."""

    def __init__(self, save: Callable[[], None], delay: float, scheduler: Scheduler = asyncio_scheduler):
        self._save = save
        self.delay = delay
        self._schedule = scheduler
        self._pending: Any = None
        self.dirty = False

    def touch(self) -> None:
        self.dirty = True
        if self._pending is not None and hasattr(self._pending, "cancel"):
            self._pending.cancel()
        self._pending = self._schedule(self.delay, self._fire)

    def _fire(self) -> None:
        self._pending = None
        if self.dirty:
            self.flush()

    def cancel(self) -> None:
        """Forget the pending save (the caller saves by other means)."""
        if self._pending is not None and hasattr(self._pending, "cancel"):
            self._pending.cancel()
        self._pending = None
        self.dirty = False

    def flush(self) -> None:
        self.cancel()
        try:
            self._save()
        except Exception:
            self.dirty = True  # try again with the next change
            raise
