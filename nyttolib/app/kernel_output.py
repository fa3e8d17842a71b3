"""Under Voilà, nothing the kernel writes to stderr may reach the browser; refusals go to the server's log.

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
from typing import TextIO

from nyttolib.terminal import log_path
from nyttolib.text import terminal_safe

_installed = False
_kernel_stderr: object = None  # the kernel's own stderr stream, before keep_details_in_log replaced it
_access_handler: logging.Handler | None = None
ACCESS_LOGGER = "nyttolib.access"


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
    global _kernel_stderr
    _kernel_stderr = sys.stderr
    handler = logging.FileHandler(log_path(), encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    logging.lastResort = None
    logging.captureWarnings(True)
    sys.stderr = _LogStream(logging.getLogger("stderr"))
    _quiet_ipython_tracebacks()


class _OneLine(logging.Formatter):
    """A record as one line a terminal shows as it is: an id from a crafted URL cannot fake a log line."""

    def format(self, record: logging.LogRecord) -> str:
        return terminal_safe(super().format(record), keep_newlines=False)


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def server_stderr() -> TextIO | None:
    """The stderr of the server that started this kernel (Voilà's or the single-user server's log).

    ipykernel points file descriptor 2 at a pipe whose output it also sends to the page, and keeps a
    copy of the real one: write there, never to fd 2 or `sys.stderr`, which the page would show."""
    stream = _kernel_stderr if _kernel_stderr is not None else sys.stderr
    original = getattr(stream, "_original_stdstream_copy", None)
    if original is not None:
        return open(os.dup(original), "w", encoding="utf-8", errors="replace", buffering=1)
    return sys.__stderr__  # fd 2 is not captured: it is the server's own


def log_refusals_to_server() -> None:
    """In a kernel (once): the store's refusals and sharing changes (logger nyttolib.access) go to the
    server's log, where the hub's administrators look; never to the page."""
    global _access_handler
    if _access_handler is not None or not _in_kernel():
        return
    stream = server_stderr()
    if stream is None:
        return
    _access_handler = logging.StreamHandler(stream)
    _access_handler.setFormatter(_OneLine("%(asctime)s %(name)s %(levelname)s %(message)s"))
    access = logging.getLogger(ACCESS_LOGGER)
    access.addHandler(_access_handler)
    access.setLevel(logging.INFO)


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
