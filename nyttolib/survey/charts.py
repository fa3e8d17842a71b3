"""The maturity per dimension as a bar chart (nuläge and börläge), with the same facts as alt text.

matplotlib is imported only when a chart is drawn.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from nyttolib import formatting as fmt
from nyttolib.exports.charts import chart_png

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# At least 3:1 against white and against each other (WCAG 1.4.11); börläge is also hatched.
NOW_COLOUR = "#1f3a93"
TARGET_COLOUR = "#8a6d00"


def _level(value: float | None) -> str:
    return "–" if value is None else fmt.number(value, decimals=1)


def maturity_png(
    titles: list[str],
    now: list[float | None],
    target: list[float | None] | None,
    levels: list[int],
    *,
    heading: str = "",
) -> bytes:
    """Horizontal bars per dimension on the questionnaire's scale; a missing level is left blank.

    Every text (the heading is a role someone typed) is drawn as plain text by `chart_png`."""
    rows = len(titles)
    return chart_png(
        lambda figure: _draw_maturity(figure, titles, now, target, levels, heading),
        width=5.0,
        height=0.42 * rows + 1.3,
        dpi=120,
    )


def _draw_maturity(
    figure: Figure,
    titles: list[str],
    now: list[float | None],
    target: list[float | None] | None,
    levels: list[int],
    heading: str,
) -> None:
    axes = figure.add_subplot()
    positions = list(range(len(titles)))[::-1]  # first dimension at the top
    height = 0.38 if target is not None else 0.6
    offset = height / 2 if target is not None else 0
    # The bars start at the scale's lowest level, not at 0: on a 1–5 scale a bar from 0 to 1 would
    # show a length for "görs inte". Each bar's value stands at its end, so a lowest level still shows.
    _bars(axes, [p + offset for p in positions], now, height, levels[0], label="Nuläge", color=NOW_COLOUR)
    if target is not None:
        _bars(
            axes,
            [p - offset for p in positions],
            target,
            height,
            levels[0],
            label="Börläge",
            color=TARGET_COLOUR,
            hatch="//",
            edgecolor="white",
        )
    axes.set_yticks(positions, [textwrap.fill(t, 22) for t in titles], fontsize=8)
    axes.set_xlim(levels[0], levels[-1] + 0.45)  # room for the value after a bar at the top level
    axes.set_xticks(levels)
    axes.grid(axis="x", color="#cccccc", linewidth=0.6)
    axes.set_axisbelow(True)
    axes.spines[["top", "right"]].set_visible(False)
    if heading:
        axes.set_title(textwrap.fill(heading, 40), fontsize=10, loc="left")
    # Below the scale, outside the plot: never over the bars' ends.
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, fontsize=8, frameon=False)


def _bars(axes, positions, values, height, start, **style) -> None:
    widths = [v - start if v is not None else 0 for v in values]
    axes.barh(positions, widths, height, left=start, **style)
    for position, value in zip(positions, values, strict=True):
        if value is not None:
            axes.text(value + 0.05, position, _level(value), va="center", fontsize=7, color="#333333")


def maturity_alt_text(
    titles: list[str], now: list[float | None], target: list[float | None] | None, *, heading: str = ""
) -> str:
    parts = []
    for index, title in enumerate(titles):
        text = f"{title}: nuläge {_level(now[index])}"
        if target is not None:
            text += f", börläge {_level(target[index])}"
        parts.append(text)
    prefix = f"Mognad per dimension, {heading}. " if heading else "Mognad per dimension. "
    return prefix + "; ".join(parts) + "."
