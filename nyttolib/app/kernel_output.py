"""Under Voilà, nothing the kernel writes to stderr may reach the browser.

A Voilà page's kernel forwards its stderr and every traceback to each websocket client: a logged
exception would show the server's file paths and code to anyone with the page open. So in a Voilà
kernel, log records, warnings, stderr and IPython's tracebacks all go to the log file in the data
directory (and the server's own terminal never needed them: it has its own log).
"""

from __future__ import annotations

import io
import logging
import os
import sys

from nyttolib.terminal import log_path

_installed = False


def under_voila() -> bool:
    return "VOILA_BASE_URL" in os.environ or "VOILA_KERNEL_ID" in os.environ


class _LogStream(io.TextIOBase):
    """A stderr that writes to the log file (line by line, through logging)."""

    def __init__(self, logger: logging.Logger):
        self._logger = logger
        self._pending = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._pending += text
        *lines, self._pending = self._pending.split("\n")
        for line in lines:
            if line.strip():
                self._logger.warning(line)
        return len(text)


def keep_details_in_log() -> None:
    """In a Voilà kernel: route logging, warnings, stderr and tracebacks to the log file (once)."""
    global _installed
    if _installed or not under_voila():
        return
    _installed = True
    handler = logging.FileHandler(log_path(), encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    logging.lastResort = None
    logging.captureWarnings(True)
    sys.stderr = _LogStream(logging.getLogger("stderr"))
    _quiet_ipython_tracebacks()


def _quiet_ipython_tracebacks() -> None:
    """IPython sends a traceback of an error in a callback to every client: log it instead."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    log = logging.getLogger("nyttolib.kernel")

    def showtraceback(*_args, **_kwargs) -> None:
        log.error("Fel i kärnan", exc_info=sys.exc_info())

    shell.showtraceback = showtraceback
