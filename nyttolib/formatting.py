"""Swedish number formats: `360 000 kr`, decimal comma, and the seed's rounded figures ("ca 800 h").

Digits, grouping and the decimal sign follow the Swedish locale's CLDR data (through Babel). The
minus is the ASCII "-" rather than CLDR's "−" (U+2212): figures copied from a report into Excel or
LibreOffice must stay negative numbers, and both signs are read back by `nyttolib.numbers`.
"""

from __future__ import annotations

import functools
import math

GROUP_SEPARATOR = "\u00a0"  # no-break space, so that "360 000 kr" never wraps (CLDR's group sign for sv)


@functools.cache
def _pattern(decimals: int):
    from babel.numbers import parse_pattern

    return parse_pattern("#,##0" + ("." + "0" * decimals if decimals > 0 else ""))


def number(value: float, decimals: int = 0) -> str:
    """`1234567.5` → `1 234 568` (or with decimals, `1 234 567,50`)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    from nyttolib.numbers import swedish

    rounded = round(value, decimals)
    if rounded == 0:
        rounded = 0.0  # no "-0"
    text = _pattern(decimals).apply(abs(rounded), swedish())
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
