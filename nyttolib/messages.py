"""Swedish wording of validation errors.

Pydantic reports each error as a type code with a context; users and content editors read Swedish,
so every code we can meet is worded here. Unknown codes still get a plain Swedish sentence.
"""

from __future__ import annotations

from typing import Any

_TEMPLATES: dict[str, str] = {
    "missing": "uppgiften saknas",
    "extra_forbidden": "okänt fält (stavfel, eller ett fält som inte finns i den här versionen)",
    "string_type": "ska vara en text",
    "int_type": "ska vara ett heltal, skrivet som tal utan citattecken (t.ex. 3)",
    "int_parsing": "ska vara ett heltal, t.ex. 2024",
    "int_from_float": "ska vara ett heltal, utan decimaler",
    "float_type": "ska vara ett tal",
    "float_parsing": "ska vara ett tal, t.ex. 450 eller 0,5",
    "finite_number": "ska vara ett ändligt tal",
    "bool_type": "ska vara ja eller nej: true eller false, utan citattecken",
    "bool_parsing": "ska vara ja eller nej (true/false)",
    "date_type": "ska vara ett datum (ÅÅÅÅ-MM-DD)",
    "date_parsing": "ska vara ett datum på formen ÅÅÅÅ-MM-DD, t.ex. 2024-03-01",
    "date_from_datetime_parsing": "ska vara ett datum på formen ÅÅÅÅ-MM-DD, t.ex. 2024-03-01",
    "date_from_datetime_inexact": "ska vara ett datum utan klockslag",
    "list_type": "ska vara en lista",
    "dict_type": "ska vara en samling fält (ett objekt)",
    "model_type": "ska vara en samling fält (ett objekt)",
    "model_attributes_type": "ska vara en samling fält (ett objekt)",
    "greater_than_equal": "får inte vara mindre än {ge}",
    "greater_than": "måste vara större än {gt}",
    "less_than_equal": "får inte vara större än {le}",
    "less_than": "måste vara mindre än {lt}",
    "too_short": "måste ha minst {min_length} värden",
    "too_long": "får ha högst {max_length} värden",
    "string_too_short": "måste ha minst {min_length} tecken",
    "string_too_long": "får ha högst {max_length} tecken",
    "literal_error": "ska vara ett av: {expected}",
    "enum": "ska vara ett av: {expected}",
    "json_invalid": "är inte giltig JSON",
    "string_unicode": "innehåller ett trasigt tecken (en ensam surrogat, U+D800–U+DFFF); ta bort det",
    "string_pattern_mismatch": (
        "får bara innehålla bokstäverna a–z, siffror, - och _ (och börja med en bokstav eller siffra)"
    ),
}


def _swedish_number(value: Any) -> str:
    from nyttolib.numbers import bound_text

    return bound_text(value) if isinstance(value, int | float) else str(value)


def error_text(error: dict[str, Any]) -> str:
    """The Swedish sentence (without location) for one pydantic error."""
    kind = error.get("type", "")
    ctx = dict(error.get("ctx") or {})
    if kind in ("value_error", "assertion_error"):
        cause = ctx.get("error")
        return str(cause) if cause else "ogiltigt värde"
    template = _TEMPLATES.get(kind)
    if template is None:
        return "ogiltigt värde"
    for key in ("ge", "gt", "le", "lt"):
        if key in ctx:
            ctx[key] = _swedish_number(ctx[key])
    if "expected" in ctx:
        ctx["expected"] = str(ctx["expected"]).replace(" or ", " eller ")
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return template.split("{")[0].strip() or "ogiltigt värde"
