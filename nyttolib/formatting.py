"""Swedish number formats: `360 000 kr`, decimal comma, and the seed's rounded figures ("ca 800 h")."""

from __future__ import annotations

import math
import unicodedata

GROUP_SEPARATOR = "\u00a0"  # no-break space, so that "360 000 kr" never wraps


def number(value: float, decimals: int = 0) -> str:
    """`1234567.5` → `1 234 568` (or with decimals, `1 234 567,50`)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    rounded = round(value, decimals)
    if rounded == 0:
        rounded = 0.0  # no "-0"
    text = f"{abs(rounded):,.{decimals}f}".replace(",", GROUP_SEPARATOR).replace(".", ",")
    return ("-" if rounded < 0 else "") + text


def kr(value: float, decimals: int = 0) -> str:
    return f"{number(value, decimals)}{GROUP_SEPARATOR}kr"


def hours(value: float) -> str:
    return f"{number(value)}{GROUP_SEPARATOR}h"


def percent(value: float, decimals: int = 0) -> str:
    return f"{number(value, decimals)}{GROUP_SEPARATOR}%"


def approximate(value: float, significant: int = 2) -> float:
    """Round to significant figures as the seed does: 804 → 800, 361 800 → 360 000, 893 → 890."""
    if value == 0 or not math.isfinite(value):
        return value
    digits = significant - math.floor(math.log10(abs(value))) - 1
    return round(value, digits)


def terminal_safe(text: str) -> str:
    """User text for a terminal: control characters (escape sequences, bidi overrides, line breaks) made
    visible as `\\x1b`, `\\u202e`, `\\n`, so that nothing a user typed can move the cursor, recolour or hide output."""
    return "".join(_visible(ch) if unicodedata.category(ch) in _INVISIBLE else ch for ch in text)


_INVISIBLE = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}


def _visible(ch: str) -> str:
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    if ch in named:
        return named[ch]
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}" if ord(ch) < 0x10000 else f"\\U{ord(ch):08x}"
