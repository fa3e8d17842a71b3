"""The maturity per dimension as a bar chart (nuläge and börläge), with the same facts as alt text.

matplotlib is imported only when a chart is drawn.
"""

from __future__ import annotations

import io
import textwrap

from nyttolib import formatting as fmt

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
    """Horizontal bars per dimension on the questionnaire's scale; a missing level is left blank."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    rows = len(titles)
    figure = Figure(figsize=(5.0, 0.42 * rows + 1.0), dpi=120)
    axes = figure.add_subplot()
    positions = list(range(rows))[::-1]  # first dimension at the top
    height = 0.38 if target is not None else 0.6
    offset = height / 2 if target is not None else 0
    axes.barh(
        [p + offset for p in positions],
        [v if v is not None else 0 for v in now],
        height,
        left=0,
        label="Nuläge",
        color=NOW_COLOUR,
    )
    if target is not None:
        axes.barh(
            [p - offset for p in positions],
            [v if v is not None else 0 for v in target],
            height,
            label="Börläge",
            color=TARGET_COLOUR,
            hatch="//",
            edgecolor="white",
        )
    axes.set_yticks(positions, [textwrap.fill(t, 22) for t in titles], fontsize=8)
    axes.set_xlim(0, levels[-1])
    axes.set_xticks(levels)
    axes.grid(axis="x", color="#cccccc", linewidth=0.6)
    axes.set_axisbelow(True)
    axes.spines[["top", "right"]].set_visible(False)
    if heading:
        axes.set_title(heading, fontsize=10, loc="left")
    axes.legend(loc="lower right", fontsize=8, frameon=True)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


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
