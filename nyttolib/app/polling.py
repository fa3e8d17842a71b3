"""A page's check at a fixed interval (the facilitator's live view, a participant's "is it closed?").

Runs on the kernel's event loop for as long as the kernel lives; a failing check is logged and tried
again at the next interval, never ends the loop (a view that stopped updating looked frozen)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

log = logging.getLogger("nyttolib.app")


def every(seconds: float, check: Callable[[], object], what: str) -> asyncio.Task | None:
    """Call `check` every `seconds` in the background; None where there is no event loop (a script or a
    test, which calls `check` itself)."""

    async def loop() -> None:
        while True:
            await asyncio.sleep(seconds)
            try:
                check()
            except Exception:
                log.exception("%s failed", what)

    try:
        return asyncio.get_running_loop().create_task(loop())
    except RuntimeError:
        return None
