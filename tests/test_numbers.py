"""Numbers as Swedes type them: hand-made cases for every rule and every message, and round trips."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nyttolib import formatting as fmt
from nyttolib import numbers
from nyttolib.numbers import AMOUNT, HOURLY_RATE, MEASURE, PERCENT, YEAR, format_input, parse_number

NBSP, NNBSP = "\u00a0", "\u202f"
GENERAL = "Skriv ett tal med siffror, t.ex. 1 250 eller 0,5 (mellanslag mellan tusental, komma före decimaler)"
EXPONENT = "Skriv talet med siffror, utan e-notation: t.ex. 5 000, inte 5e3"
GROUPING = "Skriv tusental i grupper om tre siffror, t.ex. 13 400 eller 1 250 000"
AMBIGUOUS = "Otydligt: {} kan betyda {} eller {}. Skriv tusental med mellanslag och decimaler med komma"


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [
        ("450", "", 450),
        ("0,5", "", 0.5),
        ("1 234,75", "", 1234.75),
        ("13 400", "kr", 13400),
        (f"13{NBSP}400", "kr", 13400),
        (f"13{NNBSP}400", "kr", 13400),
        (f"1{NBSP}250{NBSP}000", "", 1_250_000),
        ("1 000,50", "", 1000.5),
        ("-12", "", -12),
        ("\u221212", "", -12),
        ("\u2212 1 234,5", "", -1234.5),
        ("+7", "", 7),
        ("450 kr", "kr", 450),
        ("450kr", "kr", 450),
        ("450 KR", "kr", 450),
        (f"450{NBSP}kr", "kr", 450),
        ("25 %", "%", 25),
        ("25%", "%", 25),
        ("  7 ", "", 7),
        (f"{NBSP}7{NNBSP}", "", 7),
        ("007", "", 7),
        ("1,000", "", 1),  # the comma is the decimal sign, in Swedish as in CLDR
        # a point where it cannot separate thousands is a decimal point
        ("0.5", "", 0.5),
        ("12.75", "", 12.75),
        ("0.125", "", 0.125),
        ("1.2345", "", 1.2345),
        ("1 234.5", "", 1234.5),
        ("", "kr", None),
        ("   ", "kr", None),
    ],
)
def test_what_is_read_and_as_what(text, unit, value):
    assert parse_number(text, unit=unit) == value


@pytest.mark.parametrize(
    ("text", "unit", "message"),
    [
        ("abc", "", GENERAL),
        ("12,5,0", "", GENERAL),
        ("1,", "", GENERAL),
        (",5", "", GENERAL),
        (".5", "", GENERAL),
        ("5.", "", GENERAL),
        ("-", "", GENERAL),
        ("kr", "", GENERAL),
        ("kr", "kr", GENERAL),  # only the unit is not an empty field
        ("450 €", "kr", GENERAL),
        ("Infinity", "", GENERAL),
        ("nan", "", GENERAL),
        ("1_000", "", GENERAL),
        ("\u0661\u0662", "", GENERAL),  # Arabic-Indic digits, which Python's Decimal would read
        ("1.2.3", "", GENERAL),
        ("10-20", "", GENERAL),
        ("1e30", "", EXPONENT),
        ("5E3", "", EXPONENT),
        ("1,5e-3", "", EXPONENT),
        ("2.5e+4", "", EXPONENT),
        ("1 23", "", GROUPING),
        ("4 000 0", "", GROUPING),
        ("1234 567", "", GROUPING),
        ("1  000", "", GROUPING),
        ("1,234 5", "", GROUPING),
        ("1.000", "", AMBIGUOUS.format("1.000", f"1{NBSP}000", "1")),
        ("12.500 kr", "kr", AMBIGUOUS.format("12.500", f"12{NBSP}500", "12,5")),
        ("-999.999", "", AMBIGUOUS.format("999.999", f"999{NBSP}999", "999,999")),
        ("1.000.000", "", "Skriv tusental med mellanslag, inte punkt: 1 000 000"),
        ("1.000,50", "", "Skriv tusental med mellanslag, inte punkt: 1 000,50"),
        ("1,000,000", "", "Komma är decimaltecken. Skriv tusental med mellanslag: 1 000 000"),
    ],
)
def test_what_is_refused_and_the_message_that_says_how(text, unit, message):
    with pytest.raises(ValueError) as refused:
        parse_number(text, unit=unit)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("text", "allowed", "result"),
    [
        ("10 000 000 000", AMOUNT, 10_000_000_000),
        ("0", AMOUNT, 0),
        ("10 000 000 001", AMOUNT, f"Skriv ett tal från 0 till 10{NBSP}000{NBSP}000{NBSP}000{NBSP}kr"),
        ("1 000 000 000 000 000 000", AMOUNT, f"Skriv ett tal från 0 till 10{NBSP}000{NBSP}000{NBSP}000{NBSP}kr"),
        ("-1", AMOUNT, f"Skriv ett tal från 0 till 10{NBSP}000{NBSP}000{NBSP}000{NBSP}kr"),
        ("1" * 5000, AMOUNT, f"Skriv ett tal från 0 till 10{NBSP}000{NBSP}000{NBSP}000{NBSP}kr"),
        ("100", PERCENT, 100),
        ("100,5", PERCENT, f"Skriv ett tal från 0 till 100{NBSP}%"),
        ("10 001", HOURLY_RATE, f"Skriv ett tal från 0 till 10{NBSP}000{NBSP}kr/h"),
        ("-5 000", MEASURE, -5000),
        ("2024", YEAR, 2024),
        ("2201", YEAR, "Skriv ett heltal från 1900 till 2200"),
        ("2024,5", YEAR, "Skriv ett heltal, utan decimaler"),
    ],
)
def test_each_field_has_a_range_and_the_message_states_it(text, allowed, result):
    if isinstance(result, str):
        with pytest.raises(ValueError) as refused:
            parse_number(text, allowed=allowed)
        assert str(refused.value) == result
    else:
        value = parse_number(text, allowed=allowed)
        assert value == result and type(value) is (int if allowed.integer else float)


def test_digits_are_exact_not_rounded_through_binary_floats():
    assert parse_number("0,1") == 0.1 and parse_number("1234567,891") == 1234567.891
    assert numbers.parse_decimal_text("-0,30000000000000004") == numbers.Decimal("-0.30000000000000004")


def test_inputs_show_numbers_without_noise():
    assert format_input(450.0) == "450"
    assert format_input(0.25) == "0,25"
    assert format_input(-1234.5) == "-1234,5"
    assert format_input(10_000_000_000) == "10000000000"
    assert format_input(1.5e-7) == "0,00000015"  # never e-notation, which the parser refuses
    assert format_input(None) == ""


ranges = [value for value in vars(numbers).values() if isinstance(value, numbers.Range) and not value.integer]


@given(st.sampled_from(ranges).flatmap(lambda r: st.tuples(st.just(r), st.floats(r.minimum, r.maximum))))
def test_what_an_input_shows_reads_back_as_the_same_value(case):
    allowed, value = case
    assert parse_number(format_input(value), allowed=allowed) == value


@given(st.integers(YEAR.minimum, YEAR.maximum))
def test_years_read_back(year):
    assert parse_number(format_input(year), allowed=YEAR) == year


@given(
    st.sampled_from(ranges).flatmap(lambda r: st.tuples(st.just(r), st.floats(r.minimum, r.maximum))),
    st.sampled_from([0, 1, 2]),
)
def test_what_a_report_shows_reads_back_as_the_rounded_value(case, decimals):
    """Figures copied from a report (no-break spaces, units) are read back as what they show."""
    allowed, value = case
    shown = round(value, decimals)
    if allowed.unit == "kr":
        assert parse_number(fmt.kr(value, decimals), unit="kr", allowed=allowed) == pytest.approx(shown, abs=1e-9)
    elif allowed.unit == "%":
        assert parse_number(fmt.percent(value, decimals), unit="%", allowed=allowed) == pytest.approx(shown, abs=1e-9)
    assert parse_number(fmt.number(value, decimals), allowed=allowed) == pytest.approx(shown, abs=1e-9)


def test_bounds_are_finite_and_their_sums_stay_finite():
    worst = numbers.VOLUME.maximum * numbers.MINUTES.maximum / 60 * HOURLY_RATE.maximum
    assert math.isfinite(worst * 1000 * 30)  # a thousand such lines over thirty years


def test_a_zero_typed_in_front_of_an_amount_is_ignored():
    """A new row's amount shows 0; clicking in and typing 12 500 gives '012 500' (found by trying the form)."""
    assert parse_number("012 500") == 12_500
    assert parse_number("0012") == 12
    assert parse_number("00") == 0
    assert parse_number("0,5") == 0.5
    assert parse_number("0") == 0
