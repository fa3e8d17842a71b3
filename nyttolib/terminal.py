"""What the command line prints: user text made harmless, OS errors and crashes said in Swedish.

Names and notes come from users and files; printed as they are, an escape sequence could colour or
clear the screen, a carriage return could overwrite a row and a bidi override could reverse one. All
output goes through TerminalSafe, and an unexpected error prints one Swedish sentence while the
traceback goes to a log file, never to the screen.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import tempfile
import traceback
from pathlib import Path
from typing import TextIO

from nyttolib.paths import data_dir
from nyttolib.text import terminal_safe

LOG_FILENAME = "nyttolib-fel.log"

_OS_ERRORS = {
    errno.ENOSPC: "disken är full; frigör utrymme och försök igen",
    errno.EDQUOT: "din diskkvot är slut; frigör utrymme och försök igen",
    errno.EACCES: "ingen behörighet",
    errno.EPERM: "ingen behörighet",
    errno.EROFS: "filsystemet är skrivskyddat",
    errno.ENAMETOOLONG: "filnamnet är för långt",
    errno.ENOENT: "filen eller mappen finns inte",
    errno.ENOTDIR: "en del av sökvägen är ingen mapp",
    errno.EISDIR: "det är en mapp, inte en fil",
}


class TerminalSafe:
    """A text stream wrapper that shows control and bidi characters as visible codes.

    A carriage return at the very start of a write is kept: that is the progress bar redrawing its
    own line, never user text.
    """

    def __init__(self, stream: TextIO):
        self._stream = stream.stream if isinstance(stream, TerminalSafe) else stream

    @property
    def stream(self) -> TextIO:
        return self._stream

    def write(self, text: str) -> int:
        head = "\r" if text.startswith("\r") else ""
        return self._stream.write(head + terminal_safe(text[len(head) :]))

    def flush(self) -> None:
        self._stream.flush()

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def os_error_text(exc: OSError) -> str:
    """'kan inte skriva /x/y: disken är full; …' from an OSError, in Swedish."""
    reason = _OS_ERRORS.get(exc.errno or -1, exc.strerror or "okänt fel")
    where = f" {exc.filename}" if exc.filename else ""
    return f"filen eller mappen{where} kan inte användas: {reason}."


def log_path(directory: str | None = None) -> Path:
    """The log file in the data directory, or in the temporary folder when the data directory is not writable."""
    try:
        folder = data_dir(directory)
        folder.mkdir(parents=True, exist_ok=True)
        if os.access(folder, os.W_OK):
            return folder / LOG_FILENAME
    except OSError:
        pass
    return Path(tempfile.gettempdir()) / LOG_FILENAME


def unexpected_error(exc: BaseException, directory: str | None = None) -> str:
    """Log the traceback to a file and return the sentence for the user."""
    path = log_path(directory)
    try:
        # 0600: a traceback can hold what users typed
        with open(os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600), "a", encoding="utf-8") as log:
            log.write(f"--- {dt.datetime.now().isoformat(timespec='seconds')}\n")
            log.write("".join(traceback.format_exception(exc)))
        where = f" Detaljerna finns i {path}."
    except OSError:
        where = ""
    kind = "Minnet tog slut" if isinstance(exc, MemoryError) else "Ett oväntat fel inträffade"
    return f"{kind}; inget mer gjordes.{where} Skicka gärna filen till den som förvaltar nyttolib."
