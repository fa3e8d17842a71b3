"""The portfolio page's charts as PNG, drawn as the exports draw theirs (every text plain text, never
mathtext: stage labels and the like are content a municipality writes)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nyttolib import formatting as fmt
from nyttolib.exports.charts import BENEFIT_COLOUR, COST_COLOUR, NET_COLOUR, chart_png

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

REALISED_COLOUR = NET_COLOUR


def _kr_axis(axis) -> None:
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda value, _pos: fmt.number(value / 1_000_000, 1) + " mnkr"))


def funnel_png(funnel: pd.DataFrame) -> bytes:
    """Horizontal bars: the number of initiatives per stage, the first stage at the top."""

    def draw(figure: Figure) -> None:
        axes = figure.add_subplot()
        labels = list(funnel["label"])
        positions = list(range(len(labels)))
        axes.barh(positions, list(funnel["count"]), color=NET_COLOUR)
        axes.set_yticks(positions, labels)
        axes.invert_yaxis()
        axes.set_xlabel("Antal initiativ")
        for position, count in zip(positions, funnel["count"], strict=True):
            axes.annotate(fmt.number(count), (count, position), xytext=(4, 0), textcoords="offset points", va="center")
        axes.spines[["top", "right"]].set_visible(False)

    return chart_png(draw, width=6.0, height=0.45 * max(len(funnel), 3) + 0.8, dpi=100)


def per_year_png(per_year: pd.DataFrame) -> bytes:
    """Bars per calendar year: costs, planned realisable benefit and realised benefit."""

    def draw(figure: Figure) -> None:
        axes = figure.add_subplot()
        years = [int(y) for y in per_year["year"]]
        positions = list(range(len(years)))
        width = 0.27
        series = (
            ("cost_kr", "Kostnader", COST_COLOUR, -width),
            ("realisable_benefit_kr", "Realiserbar nytta (planerad)", BENEFIT_COLOUR, 0.0),
            ("realised_benefit_kr", "Realiserad nytta", REALISED_COLOUR, width),
        )
        for column, label, colour, shift in series:
            axes.bar([p + shift for p in positions], list(per_year[column]), width, label=label, color=colour)
        axes.set_xticks(positions, [str(y) for y in years])
        _kr_axis(axes.yaxis)
        axes.legend(loc="upper left", frameon=False)
        axes.spines[["top", "right"]].set_visible(False)

    return chart_png(draw, width=7.0, height=3.6, dpi=100)


def balance_png(shares: list[tuple[str, str, float | None, float | None]]) -> bytes:
    """One line per axis from its left pole (0 %) to its right (100 %), with the portfolio's mean position
    counted (a circle) and cost-weighted (a diamond): shape tells them apart, not colour alone."""

    def draw(figure: Figure) -> None:
        axes = figure.add_subplot()
        positions = list(range(len(shares)))
        for position, (left, right, _counted, _weighted) in zip(positions, shares, strict=True):
            axes.plot([0, 100], [position, position], color="#5c5c5c", linewidth=1)
            axes.annotate(left, (0, position), xytext=(0, 9), textcoords="offset points", ha="left", fontsize=9)
            axes.annotate(right, (100, position), xytext=(0, 9), textcoords="offset points", ha="right", fontsize=9)
        counted = [(c, p) for p, (_l, _r, c, _w) in zip(positions, shares, strict=True) if c is not None]
        weighted = [(w, p) for p, (_l, _r, _c, w) in zip(positions, shares, strict=True) if w is not None]
        if counted:
            axes.scatter(
                *zip(*counted, strict=True), marker="o", s=70, color=NET_COLOUR, label="Räknat i antal", zorder=3
            )
        if weighted:
            axes.scatter(
                *zip(*weighted, strict=True), marker="D", s=60, color=COST_COLOUR, label="Viktat med kostnad", zorder=3
            )
        axes.set_xlim(-2, 102)
        axes.set_ylim(len(shares) - 0.4, -0.8)
        axes.set_yticks([])
        axes.set_xticks([0, 25, 50, 75, 100], ["0 %", "25 %", "50 %", "75 %", "100 %"])
        axes.spines[["top", "right", "left"]].set_visible(False)
        axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False)

    return chart_png(draw, width=6.0, height=0.8 * max(len(shares), 1) + 1.0, dpi=100)
