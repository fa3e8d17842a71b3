"""Which characters user text may hold, and how it is shown where characters can deceive.

The model allows tab and newline in long text and no other control character anywhere: NUL and the
C0/C1 controls break xlsx (XML 1.0 cannot hold them) and terminals, and the Unicode noncharacters
(U+FFFE, U+FFFF …) and lone surrogates make files other programs cannot read. Bidirectional
controls are allowed (right-to-left names are real), but they are neutralised wherever text is
shown, so that a right-to-left override cannot reverse a report or a terminal line.
"""

from __future__ import annotations

import re
import unicodedata

_LONG_TEXT_CONTROLS = {"\t", "\n"}
# Embeddings, overrides and isolates: they reorder the characters after them when displayed.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _forbidden(ch: str, allowed: set[str]) -> bool:
    if ch in allowed:
        return False
    code = ord(ch)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return True
    if 0xD800 <= code <= 0xDFFF:  # a lone surrogate (only a broken \\u escape in JSON gives one)
        return True
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE  # noncharacters


def character_name(ch: str) -> str:
    """'U+0007' with the character's name where Unicode has one, for messages."""
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" ({name.lower()})" if name else "")


_BMP_RANGES = [(0x00, 0x1F), (0x7F, 0x9F), (0xD800, 0xDFFF), (0xFDD0, 0xFDEF), (0xFFFE, 0xFFFF)]
_ASTRAL_RANGES = [(plane * 0x10000 + 0xFFFE, plane * 0x10000 + 0xFFFF) for plane in range(1, 17)]


def _character_class(allowed: set[str], ranges: list[tuple[int, int]] = _BMP_RANGES) -> re.Pattern[str]:
    """The characters `_forbidden` refuses, as a regular expression: a text of 20 000 characters is
    checked in C at every save (≈ 0.15 ms), not character by character in Python (≈ 6 ms)."""
    parts = []
    for start, end in ranges:
        kept = sorted(ord(ch) for ch in allowed if start <= ord(ch) <= end)
        for low, high in _split(start, end, kept):
            parts.append(re.escape(chr(low)) + ("-" + re.escape(chr(high)) if high > low else ""))
    return re.compile(f"[{''.join(parts)}]")


def _split(start: int, end: int, holes: list[int]) -> list[tuple[int, int]]:
    pieces, low = [], start
    for hole in holes:
        if low <= hole - 1:
            pieces.append((low, hole - 1))
        low = hole + 1
    if low <= end:
        pieces.append((low, end))
    return pieces


_FORBIDDEN_IN_LONG_TEXT = _character_class(_LONG_TEXT_CONTROLS)
_FORBIDDEN_IN_LINE = _character_class(set())
_BIDI = re.compile(f"[{''.join(sorted(BIDI_CONTROLS))}]")


_ASTRAL_NONCHARACTERS = _character_class(set(), _ASTRAL_RANGES)


def _has_astral(value: str) -> bool:
    """Any character beyond U+FFFF (an emoji …): each takes two UTF-16 units. Fast, unlike max(value)."""
    return not value.isascii() and len(value.encode("utf-16-le", "surrogatepass")) > 2 * len(value)


def _check(value: str, forbidden: re.Pattern[str], what: str) -> str:
    found = forbidden.search(value)
    if not found and _has_astral(value):  # the other planes' noncharacters
        found = _ASTRAL_NONCHARACTERS.search(value)
    if found:
        raise ValueError(f"{what} innehåller ett otillåtet tecken, {character_name(found.group())}; ta bort det")
    return value


def normalise_newlines(value: str) -> str:
    """Windows and old Mac line ends become one newline, as a browser's text area gives them."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def check_text(value: str) -> str:
    """Long text: tab and newline are allowed (CR LF is read as a newline), no other control character."""
    return _check(normalise_newlines(value), _FORBIDDEN_IN_LONG_TEXT, "Texten")


def check_line(value: str) -> str:
    """A one-line text (a name, a title, an id): no control character at all, not even a newline."""
    return _check(value, _FORBIDDEN_IN_LINE, "Texten")


def without_bidi_controls(text: str) -> str:
    """Text as it is stored, minus the characters that would reorder it when shown."""
    return _BIDI.sub("", text)


def terminal_safe(text: str, *, keep_newlines: bool = True) -> str:
    """Text for a terminal: escape sequences, carriage returns, other controls and bidi controls
    are shown as visible codes (e.g. '<U+001B>'), so a name cannot move the cursor, colour the
    screen, fake a row or reverse a line. One regular expression finds them (in C: the portfolio's
    ranked list of a hundred thousand initiatives is tens of megabytes of text)."""

    def shown(found: re.Match[str]) -> str:
        ch = found.group()
        if ch == "\n" and keep_newlines:
            return ch
        if ch == "\t":
            return "    "
        return f"<U+{ord(ch):04X}>"

    if _plainly_safe(text, keep_newlines):
        return text
    return (_TERMINAL_UNSAFE_BUT_NEWLINE if keep_newlines else _TERMINAL_UNSAFE).sub(shown, text)


def _plainly_safe(text: str, keep_newlines: bool) -> bool:
    """Whether `text` has nothing terminal_safe would change, decided by `str.isprintable` (every
    character terminal_safe shows as a code is one Python counts as unprintable; tests/test_text.py
    checks every code point), after the kept newlines and the no-break spaces of nyttolib's own figures,
    which are unprintable to Python but safe, are put aside. Several times faster than the regular
    expression over the tens of megabytes of a region's ranked list; anything else takes the expression."""
    if keep_newlines:
        text = text.replace("\n", "")
    return text.replace("\u00a0", " ").isprintable()


def _terminal_unsafe(controls: re.Pattern[str]) -> re.Pattern[str]:
    """What terminal_safe shows as codes: these controls (see `_forbidden`), the bidi controls, and the
    line and paragraph separators (Unicode's only characters of the categories Zl and Zp)."""
    classes = (controls.pattern, _BIDI.pattern, "[\u2028\u2029]", _ASTRAL_NONCHARACTERS.pattern)
    return re.compile("[" + "".join(pattern[1:-1] for pattern in classes) + "]")  # one class: one test a character


_TERMINAL_UNSAFE = _terminal_unsafe(_FORBIDDEN_IN_LINE)
_TERMINAL_UNSAFE_BUT_NEWLINE = _terminal_unsafe(_character_class({"\n"}))  # a kept newline is no match
