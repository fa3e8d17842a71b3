"""Safe file names from what users typed (assessment names become export file names)."""

from __future__ import annotations

import re
import unicodedata

_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def safe_filename(name: str | None, fallback: str = "bedomning", max_length: int = 80) -> str:
    """A file name stem that is safe on Linux, macOS and Windows and keeps Swedish letters readable.

    Path separators, control characters and characters Windows forbids become '-'; leading dots
    (hidden files, '..') are removed; reserved device names get a suffix.
    """
    text = unicodedata.normalize("NFC", name or "")
    text = "".join(ch if unicodedata.category(ch)[0] not in "CZ" or ch == " " else " " for ch in text)
    text = re.sub(r'[<>:"/\\|?*]+', "-", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"-{2,}", "-", text).strip(" .-")
    text = text[:max_length].rstrip(" .-")
    if not text:
        text = fallback
    if text.split(".")[0].lower() in _RESERVED:
        text = f"{text}-fil"
    return text
