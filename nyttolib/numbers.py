"""Numbers as Swedes type them, read by the Swedish locale's rules (CLDR data through Babel).

The rules, which the messages repeat to the user:

- Decimals with a comma: "0,5", "1 234,75". A point is read as a decimal point only where it cannot be
  a thousands separator: "0.5", "12.75" and "0.125" are fine, but "1.000" or "12.500" could mean a
  thousand times more, so they are refused with both readings spelled out; "1.000.000" and "1.000,50"
  (points between thousands) are refused with the right spelling.
- Thousands separated by a space, a no-break space or a narrow no-break space, in groups of three:
  "13 400", "1 250 000". A comma between thousands ("1,000,000") is refused: in Swedish it is the
  decimal sign.
- A minus sign ("-" or "−", U+2212) or a plus sign before the number; the field's unit may follow it
  ("450 kr", "25 %", "25%").
- No exponent notation ("1e30", "5E3"): it gets its own message.
- Every field has an allowed range (`Range`), the same in the form and in the model, chosen so that
  nothing a municipality cannot mean gets through; the message states the range.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from decimal import Decimal

LOCALE = "sv_SE"
SPACES = " \u00a0\u202f"  # space, no-break space, narrow no-break space
MINUS_SIGNS = "-\u2212"
DIGITS = "0123456789"

GENERAL = "Skriv ett tal med siffror, t.ex. 1 250 eller 0,5 (mellanslag mellan tusental, komma före decimaler)"
EXPONENT = "Skriv talet med siffror, utan e-notation: t.ex. 5 000, inte 5e3"
GROUPING = "Skriv tusental i grupper om tre siffror, t.ex. 13 400 eller 1 250 000"
INTEGER = "Skriv ett heltal, utan decimaler"


@functools.cache
def swedish():
    """The Swedish locale's CLDR data, loaded once (Babel takes a few tenths of a second to load it)."""
    from babel import Locale

    return Locale.parse(LOCALE)


def bound_text(value: int | float) -> str:
    """A bound as the messages show it: 10 000 000 000 with no-break spaces, but 2200 and 1000 ungrouped."""
    from nyttolib.formatting import number

    text = number(value, 0 if float(value).is_integer() else 2)
    return text.replace("\u00a0", "") if abs(value) < 10_000 else text


@dataclass(frozen=True)
class Range:
    """The values a field may hold, inclusive, and the unit its messages name."""

    minimum: float
    maximum: float
    unit: str = ""
    integer: bool = False

    def describe(self) -> str:
        """E.g. "från 0 till 10 000 000 000 kr"."""
        unit = f"\u00a0{self.unit}" if self.unit else ""
        return f"från {bound_text(self.minimum)} till {bound_text(self.maximum)}{unit}"

    def contains(self, value: float | int) -> bool:
        return self.minimum <= value <= self.maximum  # False for NaN; exact for huge integers

    def form_message(self) -> str:
        return f"Skriv ett {'heltal' if self.integer else 'tal'} {self.describe()}"

    def model_message(self) -> str:
        return f"ska vara ett {'heltal' if self.integer else 'tal'} {self.describe()}"


# Upper bounds are far above anything one initiative in a Swedish municipality or region can mean,
# and low enough that every sum of them stays an ordinary finite number (the README lists them, "Tal").
AMOUNT = Range(0, 10_000_000_000, "kr")  # 10 miljarder kr: a large region's whole IT budget many times over
HOURS = Range(0, 100_000_000, "h")  # ≈ 50 000 employees' full working year
VOLUME = Range(0, 1_000_000_000, "st")  # per year: more than all of SL's journeys (≈ 800 million)
MINUTES = Range(0, 100_000, "min")  # per case: about one person's working year
PERCENT = Range(0, 100, "%")
OUTCOME_PERCENT = Range(0, 1_000, "%")  # low/high outcome as a percent of the likely value
HOURLY_RATE = Range(0, 10_000, "kr/h")  # the dearest consultants charge a fraction of this
MONTHLY_SALARY = Range(0, 500_000, "kr")
MEASURE = Range(-1_000_000_000_000, 1_000_000_000_000)  # a follow-up measure in a unit the user names
YEAR = Range(1900, 2200, integer=True)
ANSWER = Range(0, 10_000_000_000)  # a workshop's numeric answer (amounts in tkr, counts of users …)


def _strip_unit(text: str, unit: str) -> str:
    if unit and text.lower().endswith(unit.lower()):
        return text[: -len(unit)].rstrip(SPACES + " \t")
    return text


def _only(text: str, allowed: str) -> bool:
    return bool(text) and all(c in allowed for c in text)


def _is_grouped(integer_part: str, separator: str) -> bool:
    """'1.000.000' with separator '.': a first group of 1–3 digits (not a lone 0), then groups of three."""
    groups = integer_part.split(separator)
    first, rest = groups[0], groups[1:]
    return (
        bool(rest)
        and _only(first, DIGITS)
        and len(first) <= 3
        and first != "0"
        and all(len(g) == 3 and _only(g, DIGITS) for g in rest)
    )


def _spelled(value: Decimal) -> str:
    """One reading of an ambiguous number, as the report would print it: "1 000", "12,5"."""
    from nyttolib.formatting import number

    exponent = value.as_tuple().exponent
    return number(float(value), -exponent if isinstance(exponent, int) and exponent < 0 else 0)


def _points(body: str) -> str:
    """The body with a decimal point read as a comma, or ValueError when a point may separate thousands."""
    if "," in body or body.count(".") > 1:
        integer_part = body.split(",")[0]
        if _is_grouped(integer_part, "."):
            fixed = integer_part.replace(".", " ") + body[len(integer_part) :]
            raise ValueError(f"Skriv tusental med mellanslag, inte punkt: {fixed}")
        raise ValueError(GENERAL)
    whole, _, fraction = body.partition(".")
    if _is_grouped(body, "."):
        thousands, decimals = Decimal(whole + fraction), Decimal(f"{whole}.{fraction}").normalize()
        raise ValueError(
            f"Otydligt: {body} kan betyda {_spelled(thousands)} eller {_spelled(decimals)}. "
            "Skriv tusental med mellanslag och decimaler med komma"
        )
    return f"{whole},{fraction}"


def _is_exponent(body: str) -> bool:
    mantissa, e, exponent = body.lower().partition("e")
    return (
        bool(e)
        and _only(mantissa.replace(",", "").replace(".", ""), DIGITS + SPACES)
        and (_only(exponent.lstrip("+-\u2212"), DIGITS))
    )


def _parse_body(body: str) -> Decimal:
    """The unsigned number in `body` ("1 234,5"), read by the Swedish CLDR rules."""
    from babel.numbers import NumberFormatError, parse_decimal

    if _is_exponent(body):
        raise ValueError(EXPONENT)
    if "." in body:
        body = _points(body)
    if not _only(body, DIGITS + SPACES + ",") or body.count(",") > 1 or body[0] not in DIGITS or body[-1] not in DIGITS:
        if body.count(",") > 1 and _is_grouped(body, ","):
            raise ValueError(f"Komma är decimaltecken. Skriv tusental med mellanslag: {body.replace(',', ' ')}")
        raise ValueError(GENERAL)
    body = _without_leading_zeros(body)
    locale = swedish()
    group = locale.number_symbols["latn"]["group"]
    try:
        # strict: the grouping must be the locale's own (groups of three), not just any spaces
        return parse_decimal("".join(group if c in SPACES else c for c in body), locale=locale, strict=True)
    except NumberFormatError:
        raise ValueError(GROUPING) from None


def _without_leading_zeros(body: str) -> str:
    """'012 500' reads as 12 500: a new row's amount field shows 0, and a user who clicks into it and
    types the amount gets the zero in front; '0,5' and '0' stay as they are."""
    stripped = body.lstrip("0" + SPACES)
    if not stripped or stripped[0] == ",":
        return "0" + stripped
    return stripped


def parse_decimal_text(text: str, *, unit: str = "") -> Decimal | None:
    """The exact number in `text`, None for an empty field; ValueError with a Swedish message otherwise."""
    stripped = text.strip()
    cleaned = _strip_unit(stripped, unit).strip()
    if not cleaned:
        if stripped:
            raise ValueError(GENERAL)  # only the unit
        return None
    sign = 1
    if cleaned[0] in MINUS_SIGNS + "+":
        sign = -1 if cleaned[0] in MINUS_SIGNS else 1
        cleaned = cleaned[1:].lstrip(SPACES)
        if not cleaned:
            raise ValueError(GENERAL)
    value = _parse_body(cleaned)
    return value.copy_negate() if sign < 0 else value  # exact: arithmetic would round to 28 digits


def parse_number(text: str, *, unit: str = "", allowed: Range | None = None) -> float | int | None:
    """The number in `text` (an int when `allowed` asks for integers), None for an empty field.

    Raises ValueError with a Swedish message that says how to write it, or the allowed range."""
    value = parse_decimal_text(text, unit=unit)
    if value is None:
        return None
    if allowed is None:
        return float(value)
    if not allowed.contains(value):
        raise ValueError(allowed.form_message())
    if allowed.integer:
        if value != value.to_integral_value():
            raise ValueError(INTEGER)
        return int(value)
    return float(value)


def format_input(value: float | None) -> str:
    """A number as it is shown in an input: no grouping, decimal comma, every digit the value has.

    The digits are the shortest that read back as the same float, so format → parse is exact."""
    if value is None:
        return ""
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    from babel.numbers import format_decimal

    exact = Decimal(value) if isinstance(value, int) else Decimal(repr(float(value)))
    text = format_decimal(abs(exact), locale=swedish(), group_separator=False, decimal_quantization=False)
    return ("-" if exact < 0 else "") + text
