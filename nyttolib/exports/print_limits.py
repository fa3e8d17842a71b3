"""How much of an assessment the printed beslutsunderlag (PDF) holds, so that any valid one prints fast.

A valid assessment can hold hundreds of pages (some 35 text fields of up to 20 000 characters, lists of
any length). No layout engine sets that in the two seconds an export may take, and nobody decides from
it on paper. So the PDF shows every list up to a shared number of rows and every text up to a shared
number of characters (`print_limits` in settings.yaml): what fits is printed whole, and the longest
lists and texts share what is left equally. Where it shortens, the PDF says so at the place and on its
first page. The HTML report, the JSON and the xlsx always hold everything.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from nyttolib import formatting as fmt


def water_level(sizes: Sequence[int], budget: int, weights: Sequence[int] | None = None) -> int | None:
    """The largest L with sum(weight × min(size, L)) ≤ budget, or None when everything fits.

    Small items keep their whole size; the large ones are all cut to the same L (water-filling)."""
    weights = weights or [1] * len(sizes)

    def used(level: int) -> int:
        return sum(w * min(s, level) for s, w in zip(sizes, weights, strict=True))

    return largest_level(used, budget, max(sizes, default=0))


def largest_level(used: Callable[[int], int], budget: int, top: int) -> int | None:
    """The largest L in 0..top with used(L) ≤ budget (`used` grows with L), or None when used(top) fits."""
    if used(top) <= budget:
        return None
    low, high = 0, top  # used(low) ≤ budget < used(high), or used(0) > budget and the answer is 0
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if used(middle) <= budget else (low, middle)
    return low


def shortened(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters (at a space when one is near the end), with a marker."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    if space >= limit * 0.8:
        cut = cut[:space]
    return f"{cut.rstrip()} … [förkortad: {fmt.number(len(cut))} av {fmt.number(len(text))} tecken]"
