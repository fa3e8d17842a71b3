"""Safe, unique file names from what users typed (assessment names become export file names)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}

# File systems limit a name to 255 bytes (ext4, APFS) or 255 UTF-16 units (NTFS). A stem gets at most
# this many UTF-8 bytes, which leaves room for " (id)", " 2" and the longest extension (".xlsx").
STEM_BYTES = 200
NAME_BYTES = 160  # the part of the stem taken from the user's name


def truncate_utf8(text: str, max_bytes: int) -> str:
    """The longest prefix of `text` whose UTF-8 encoding has at most `max_bytes` bytes (whole characters)."""
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    return encoded[:max_bytes].decode("utf-8", "ignore")


def safe_filename(name: str | None, fallback: str = "bedomning", max_bytes: int = NAME_BYTES) -> str:
    """A file name stem that is safe on Linux, macOS and Windows and keeps Swedish letters readable.

    Path separators, control, format (bidi) and unassigned characters and characters Windows forbids
    become '-' or a space; leading dots (hidden files, '..') are removed; reserved device names get a
    suffix; the result has at most `max_bytes` bytes in UTF-8.
    """
    text = unicodedata.normalize("NFC", name or "")
    text = "".join(ch if unicodedata.category(ch)[0] not in "CZ" or ch == " " else " " for ch in text)
    text = re.sub(r'[<>:"/\\|?*]+', "-", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"-{2,}", "-", text).strip(" .-")
    text = truncate_utf8(text, max_bytes).rstrip(" .-")
    if not text:
        text = fallback
    if text.split(".")[0].lower() in _RESERVED:
        text = f"{text}-fil"
    return text


def unique_stems(named: Iterable[tuple[str | None, str | None]], fallback: str = "bedomning") -> list[str]:
    """One distinct stem per (name, id) pair, in order: 'Namn (id8)', longer ids, then ' 2', ' 3'.

    Names are compared case-insensitively, as on Windows and macOS, so no two files of one export
    run can overwrite each other whatever the names and ids are.
    """
    taken: set[str] = set()
    stems = []
    for name, ident in named:
        base = safe_filename(name, fallback)
        ident = safe_filename(ident, fallback="", max_bytes=64) if ident else ""
        candidates = [f"{base} ({ident[:n]})" for n in (8, 16, len(ident)) if ident] or [base]
        stem = next((c for c in candidates if c.casefold() not in taken), None)
        number = 2
        while stem is None:
            candidate = f"{candidates[-1]} {number}"
            stem = candidate if candidate.casefold() not in taken else None
            number += 1
        taken.add(stem.casefold())
        stems.append(stem)
    return stems
