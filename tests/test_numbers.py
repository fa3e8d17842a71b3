import pytest

from nyttolib.numbers import format_input, parse_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("450", 450),
        ("0,5", 0.5),
        ("0.5", 0.5),
        ("13 400", 13400),
        ("13\u00a0400", 13400),
        ("1 234,75", 1234.75),
        ("-12", -12),
        ("\u221212", -12),
        ("450 kr", 450),
        ("  7 ", 7),
        ("", None),
        ("   ", None),
    ],
)
def test_swedish_numbers_parse(text, value):
    assert parse_number(text, unit="kr") == value


@pytest.mark.parametrize("text", ["12,5,0", "abc", "1 23", "4 000 0", "5e3", "1,", ",5", "kr"])
def test_anything_else_is_refused_with_a_swedish_message(text):
    with pytest.raises(ValueError, match="Skriv ett tal"):
        parse_number(text)


def test_inputs_show_numbers_without_noise():
    assert format_input(450.0) == "450"
    assert format_input(0.25) == "0,25"
    assert format_input(None) == ""
