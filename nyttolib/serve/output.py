"""What the server shows in its terminal: Voilà's log lines as they are, each traceback in the log file.

The terminal is where IT or a workshop facilitator watches the server. A Python traceback there (Voilà
prints one when a kernel's socket closes at shutdown, tornado one for a failing request) tells them
nothing and looks like a crash; it also shows server paths to whoever looks at the screen. Each
traceback goes to nyttolib-fel.log instead, and the terminal gets one Swedish line that says where.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from nyttolib.text import terminal_safe

TRACEBACK_START = "Traceback (most recent call last):"
#: A new record of Voilà's (tornado's) log: "[I 2026-12-01 10:00:00.123 ServerApp] …".
_LOG_RECORD = re.compile(r"^\[[A-Z] \d{4}-\d\d-\d\d|^\[[A-Z] \d\d:\d\d")
_STILL_TRACEBACK = re.compile(r"^(\s|$|During handling|The above exception|Traceback )")


def relay(lines: Iterable[str], terminal: IO[str], log: Path) -> None:
    """Copy `lines` to `terminal`, except tracebacks: those are appended to `log`, with a line saying so.

    A traceback runs from its first line to the line after its exception line (the next record of the
    log, or anything that does not continue it)."""
    pending: list[str] = []
    ended = False  # the exception line has been read: what is not a continuation ends the traceback
    for line in lines:
        if pending:
            continues = _STILL_TRACEBACK.match(line) is not None
            if continues or (not ended and not _LOG_RECORD.match(line)):
                pending.append(line)
                ended = not line.startswith((" ", "\t")) and bool(line.strip()) and not continues
                continue
            _to_log(pending, terminal, log)
            pending, ended = [], False
        if line.startswith(TRACEBACK_START):
            pending = [line]
            continue
        terminal.write(terminal_safe(line))
        terminal.flush()
    if pending:
        _to_log(pending, terminal, log)


def _to_log(traceback_lines: list[str], terminal: IO[str], log: Path) -> None:
    try:
        with log.open("a", encoding="utf-8") as file:
            file.write(f"--- {dt.datetime.now().isoformat(timespec='seconds')} (servern)\n")
            file.writelines(traceback_lines)
        where = f": detaljerna finns i {log}"
    except OSError:
        where = ""
    terminal.write(f"nyttolib: ett internt fel i servern{where}. Servern fortsätter om inget annat sägs.\n")
    terminal.flush()


def relay_in_background(stream: IO[str], terminal: IO[str], log: Path) -> threading.Thread:
    thread = threading.Thread(target=relay, args=(iter(stream.readline, ""), terminal, log), daemon=True)
    thread.start()
    return thread
