"""Swedish number formats: `360 000 kr`, decimal comma, and the seed's rounded figures ("ca 800 h").

Digits, grouping and the decimal sign follow the Swedish locale's CLDR pattern (groups of three with a
no-break space, decimal comma); Python writes them, and a test checks the text against Babel's. The
minus is the ASCII "-" rather than CLDR's "−" (U+2212): figures copied from a report into Excel or
LibreOffice must stay negative numbers, and both signs are read back by `nyttolib.numbers`.
"""

from __future__ import annotations

import decimal
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
    rounded = round(value, decimals)
    if rounded == 0:
        rounded = 0.0  # no "-0"
    return ("-" if rounded < 0 else "") + _grouped(abs(rounded), max(decimals, 0))


def _grouped(value: float, decimals: int) -> str:
    """The Swedish CLDR pattern "#,##0.00" (groups of three, no-break space, decimal comma), written by
    Python's own formatting: the same text as Babel's `apply` (tests/test_formatting.py compares them),
    about twenty times faster, which counts where a hundred thousand figures are shown (the portfolio)."""
    if value >= 1e12:  # where a float's spacing reaches the decimals shown: its shortest decimal, as Babel
        # repr of a numpy float is "np.float64(…)" (matplotlib's ticks, pandas' sums): take the float's own.
        exact = decimal.Decimal(value) if isinstance(value, int) else decimal.Decimal(repr(float(value)))
        return format(exact, f",.{decimals}f").translate(_SWEDISH_SIGNS)
    return f"{value:,.{decimals}f}".translate(_SWEDISH_SIGNS)


_SWEDISH_SIGNS = str.maketrans({",": GROUP_SEPARATOR, ".": ","})


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


# Times are stored in UTC and shown in Swedish time, the zone said once where they are listed.
LOCAL_ZONE = "Europe/Stockholm"
LOCAL_ZONE_TEXT = "svensk tid"


def local_datetime(iso_timestamp: str | None):
    """A stored UTC timestamp as a naive datetime in Swedish time (daylight saving included), or None.
    Naive, because a spreadsheet date has no zone: the sheet says which one it is."""
    if not iso_timestamp:
        return None
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    moment = datetime.fromisoformat(iso_timestamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(LOCAL_ZONE)).replace(tzinfo=None)


def local_time(iso_timestamp: str | None, *, zone: bool = False) -> str:
    """A stored UTC timestamp as Swedish time, e.g. '2026-11-22 14:46' or with `zone`
    '2026-11-22 14:46 (svensk tid)'; empty for none."""
    moment = local_datetime(iso_timestamp)
    if moment is None:
        return ""
    return moment.strftime("%Y-%m-%d %H:%M") + (f" ({LOCAL_ZONE_TEXT})" if zone else "")


def plain_decimal(value: float) -> str:
    """A number as Swedish Excel reads it from a CSV file: decimal comma, no grouping, no needless
    decimals (`120.0` → `120`, `45.5` → `45,5`)."""
    from decimal import Decimal

    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = format(Decimal(repr(value)), "f") if isinstance(value, float) else str(value)
    return text.replace(".", ",")
