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
