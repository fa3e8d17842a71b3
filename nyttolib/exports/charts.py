"""Charts as PNG images with alt text: the nyttokalkyl's costs and benefits per year, accumulated net as a line.

matplotlib is imported only when a chart is drawn, never at `import nyttolib`.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from typing import TYPE_CHECKING

from markupsafe import Markup

from nyttolib import formatting as fmt
from nyttolib.assessment.calculations import CalculationResult

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# Colours with at least 3:1 contrast against white and against each other's fill (WCAG 1.4.11).
COST_COLOUR = "#b3261e"
BENEFIT_COLOUR = "#1b6e3a"
OTHER_COLOUR = "#8a6d00"
NET_COLOUR = "#1f3a93"

# Every text in a chart is plain text: matplotlib would otherwise read "$…$" in a title, a label or a
# tick as mathtext (a role "Chef $$" raised an error and froze the page that drew it) and could hand
# text to LaTeX. The settings are read when a Text artist is made, and tick labels are made while the
# figure is saved, so drawing and saving both happen inside them.
PLAIN_TEXT = {"text.parse_math": False, "text.usetex": False}
MAX_YEAR_TICKS = 12


def chart_png(draw: Callable[[Figure], None], *, width: float, height: float, dpi: int) -> bytes:
    """A figure drawn by `draw` as PNG bytes, every text in it plain text (never mathtext or TeX)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    with matplotlib.rc_context(PLAIN_TEXT):
        figure = Figure(figsize=(width, height), dpi=dpi)
        draw(figure)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    return buffer.getvalue()


def cost_benefit_png(result: CalculationResult, *, width: float = 7.0, height: float = 3.6) -> bytes:
    """Bars for costs and economic benefit per year, a line for the accumulated net."""
    return chart_png(lambda figure: _draw_cost_benefit(figure, result), width=width, height=height, dpi=110)


def _draw_cost_benefit(figure: Figure, result: CalculationResult) -> None:
    from matplotlib.ticker import FuncFormatter

    axes = figure.add_subplot()
    positions = list(range(len(result.year_labels)))
    bar = 0.38
    axes.bar([p - bar / 2 for p in positions], result.cost_total, bar, label="Kostnader", color=COST_COLOUR)
    axes.bar(
        [p + bar / 2 for p in positions], result.benefit_realisable, bar, label="Ekonomisk nytta", color=BENEFIT_COLOUR
    )
    if any(result.benefit_not_realisable):
        axes.bar(
            [p + bar / 2 for p in positions],
            result.benefit_not_realisable,
            bar,
            bottom=result.benefit_realisable,
            label="Övrig värderad nytta",
            color=OTHER_COLOUR,
            hatch="//",
            edgecolor="white",
        )
    axes.plot(
        positions, result.accumulated_net, marker="o", color=NET_COLOUR, linewidth=2, label="Ackumulerad nettonytta"
    )
    axes.axhline(0, color="#333333", linewidth=0.8)
    # At most MAX_YEAR_TICKS years named under the axis (thirty side by side ran into each other).
    every = -(-len(positions) // MAX_YEAR_TICKS) or 1
    axes.set_xticks(positions[::every], result.year_labels[::every])
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: fmt.number(value)))
    axes.set_ylabel("kr")
    axes.spines[["top", "right"]].set_visible(False)
    # Above the plot, never over a bar or the line (large costs filled the upper left corner).
    axes.legend(loc="lower left", bbox_to_anchor=(0, 1.01), ncol=4, fontsize=8, frameon=False, borderaxespad=0)


def cost_benefit_alt_text(result: CalculationResult) -> str:
    """The chart in words, for screen readers and for anyone who cannot see the picture."""
    years = "; ".join(
        f"{label}: kostnader {fmt.kr(cost)}, ekonomisk nytta {fmt.kr(benefit)}, ackumulerat {fmt.kr(acc)}"
        for label, cost, benefit, acc in zip(
            result.year_labels, result.cost_total, result.benefit_realisable, result.accumulated_net, strict=True
        )
    )
    return f"Diagram över kostnader och nytta per år. {years}."


def png_data_uri(png: bytes) -> Markup:
    """Markup, not text: templates print it as it is (no break opportunities inside the base64)."""
    return Markup("data:image/png;base64," + base64.b64encode(png).decode("ascii"))


def cost_benefit_img(result: CalculationResult) -> str:
    """The chart as an <img> element with its alt text, for pages that show it inline."""
    from html import escape

    png = cost_benefit_png(result)
    alt = escape(cost_benefit_alt_text(result), quote=True)
    return f"<img src='{png_data_uri(png)}' alt='{alt}' style='max-width:100%'>"
