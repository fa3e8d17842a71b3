"""Swedish number formats: `360 000 kr`, decimal comma, and the seed's rounded figures ("ca 800 h")."""

from __future__ import annotations

import math

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
