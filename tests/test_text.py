"""Which characters text may hold: the fast check (regular expressions) refuses exactly the characters
the rule (`_forbidden`) names, for every code point, in long text and in one-line text."""

from __future__ import annotations

import pytest

from nyttolib import text


@pytest.mark.parametrize(
    ("check", "allowed"), [(text.check_text, {"\t", "\n", "\r"}), (text.check_line, set())], ids=["text", "line"]
)
def test_every_code_point_is_refused_exactly_when_the_rule_says(check, allowed):
    wrong = []
    for code in range(0x110000):
        ch = chr(code)
        try:
            check("Åsa" + ch)
            refused = False
        except ValueError as error:
            refused = True
            assert f"U+{code:04X}" in str(error)
        if refused != (ch not in allowed and text._forbidden(ch, allowed)):
            wrong.append(f"U+{code:04X}")
    assert not wrong, wrong[:20]


def test_bidi_controls_are_taken_out_of_shown_text():
    assert text.without_bidi_controls("abc\u202edef\u2066g") == "abcdefg"
    assert text.without_bidi_controls("vanlig text") == "vanlig text"


def test_terminal_safe_shows_exactly_the_deceiving_characters_as_codes():
    """Over every code point: controls, surrogates, noncharacters, bidi controls and the line and
    paragraph separators become <U+XXXX>, a tab four spaces, a newline stays; nothing else changes."""
    import unicodedata

    from nyttolib.text import BIDI_CONTROLS, terminal_safe

    def expected(ch: str) -> str:
        code = ord(ch)
        if ch == "\n":
            return ch
        if ch == "\t":
            return "    "
        noncharacter = 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE
        if ch in BIDI_CONTROLS or unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") or noncharacter:
            return f"<U+{code:04X}>"
        return ch

    every = "".join(chr(code) for code in range(0x110000))
    assert terminal_safe(every) == "".join(expected(ch) for ch in every)
    assert terminal_safe("a\nb", keep_newlines=False) == "a<U+000A>b"
    # One code point at a time, each within printable text: a text that is all printable but for one
    # character takes the fast path (str.isprintable) unless that character is one to show as a code.
    for code in range(0x110000):
        ch = chr(code)
        assert terminal_safe(f"Nämnd 1\u00a0000\u00a0kr {ch}\n") == f"Nämnd 1\u00a0000\u00a0kr {expected(ch)}\n"
    assert terminal_safe("Ärende 2\u00a0000\u00a0kr\nnästa rad", keep_newlines=False) == (
        "Ärende 2\u00a0000\u00a0kr<U+000A>nästa rad"
    )


def test_the_generated_documents_use_exactly_the_characters_the_model_takes():
    """The property tests' alphabet (tests/strategies.py) is the model's: a character it draws that the
    model refuses (U+1FFFE was one) fails a test on a valid document instead of testing it."""
    import unicodedata

    from strategies import NONCHARACTERS

    refused = set(NONCHARACTERS)
    for code in range(0x110000):
        character = chr(code)
        drawn = unicodedata.category(character) not in ("Cs", "Cc") and character not in refused
        try:
            text.check_line(character)
            taken = True
        except ValueError:
            taken = False
        assert drawn == taken, f"U+{code:04X}"
