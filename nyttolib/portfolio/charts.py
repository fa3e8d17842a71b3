"""The portfolio's charts as PNG with alt text: the stage funnel, the balance, costs and benefits per year.

Drawn through `nyttolib.exports.charts.chart_png`, so every label (stages and axes are content a
municipality writes) is plain text, never mathtext or TeX. Each chart's table is in the report beside it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nyttolib import formatting as fmt
from nyttolib.content import Content
from nyttolib.exports.charts import BENEFIT_COLOUR, COST_COLOUR, MAX_YEAR_TICKS, NET_COLOUR, OTHER_COLOUR, chart_png

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

#: Five cells from left to right, light to dark, each at least 3:1 against white (WCAG 1.4.11), parted by white edges.
CELL_COLOURS = ("#4a90c2", "#2f74b0", "#215a9c", "#1a3f80", "#0e2452")
LABEL_CHARACTERS = 38


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1].rstrip() + "…"


def funnel_png(funnel: pd.DataFrame) -> bytes:
    """One horizontal bar per stage, first stage on top: the number of initiatives, the cost as text."""

    def draw(figure: Figure) -> None:
        axes = figure.add_subplot()
        labels = [_short(label) for label in funnel["label"]]
        positions = list(range(len(labels)))[::-1]
        axes.barh(positions, funnel["count"], color=NET_COLOUR)
        top = max([int(c) for c in funnel["count"]] + [1])
        for position, count, cost in zip(positions, funnel["count"], funnel["cost_kr"], strict=True):
            axes.text(count + top * 0.01, position, f"{int(count)} st · {fmt.kr(cost)}", va="center", fontsize=8)
        axes.set_yticks(positions, labels, fontsize=8)
        axes.set_xlim(0, top * 1.6)
        axes.set_xlabel("Antal initiativ")
        axes.spines[["top", "right"]].set_visible(False)

    return chart_png(draw, width=7.0, height=0.42 * len(funnel) + 1.0, dpi=110)


def funnel_alt_text(funnel: pd.DataFrame) -> str:
    stages = "; ".join(
        f"{label}: {int(count)} initiativ, {fmt.kr(cost)}"
        for label, count, cost in zip(funnel["label"], funnel["count"], funnel["cost_kr"], strict=True)
    )
    return f"Diagram över initiativ per steg. {stages}."


def balance_png(balance: pd.DataFrame, content: Content) -> bytes:
    """Per axis two stacked bars, the share of initiatives and the share of cost in each of the five cells."""

    def draw(figure: Figure) -> None:
        axes = figure.add_subplot()
        names, positions = [], []
        for index, axis in enumerate(content.classification.axes):
            cells = balance[balance["axis"] == axis.id]
            for offset, (measure, what) in enumerate((("count_percent", "antal"), ("cost_percent", "kostnad"))):
                position = index * 2.6 + offset
                left = 0.0
                for level, share in zip(cells["level"], cells[measure], strict=True):
                    axes.barh(position, share, left=left, color=CELL_COLOURS[int(level) - 1], edgecolor="white")
                    left += share
                names.append(f"{_short(axis.left)} – {_short(axis.right)} ({what})")
                positions.append(position)
        axes.set_yticks(positions, names, fontsize=7.5)
        axes.invert_yaxis()
        from matplotlib.patches import Patch

        cells = ["1 (vänster)", "2", "3 (mitten)", "4", "5 (höger)"]
        handles = [Patch(color=colour, label=label) for colour, label in zip(CELL_COLOURS, cells, strict=True)]
        axes.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.01), ncol=5, fontsize=8, frameon=False)
        axes.set_xlim(0, 100)
        axes.set_xlabel("Andel (%), från vänster till höger på axeln")
        axes.spines[["top", "right"]].set_visible(False)

    return chart_png(draw, width=7.0, height=0.55 * 2 * len(content.classification.axes) + 1.2, dpi=110)


def balance_alt_text(balance: pd.DataFrame, content: Content) -> str:
    parts = []
    for axis in content.classification.axes:
        cells = balance[balance["axis"] == axis.id]
        shares = ", ".join(
            f"{label}: {fmt.percent(count)} av antalet, {fmt.percent(cost)} av kostnaden"
            for label, count, cost in zip(cells["cell"], cells["count_percent"], cells["cost_percent"], strict=True)
        )
        parts.append(f"{axis.left} – {axis.right}: {shares}")
    return "Diagram över portföljens balans. " + "; ".join(parts) + "."


def per_year_png(per_year: pd.DataFrame) -> bytes:
    """Bars for costs, planned realisable benefit and realised benefit per calendar year."""

    def draw(figure: Figure) -> None:
        from matplotlib.ticker import FuncFormatter

        axes = figure.add_subplot()
        years = [str(int(y)) for y in per_year["year"]]
        positions = list(range(len(years)))
        bar = 0.27
        axes.bar([p - bar for p in positions], per_year["cost_kr"], bar, label="Kostnader", color=COST_COLOUR)
        axes.bar(positions, per_year["realisable_benefit_kr"], bar, label="Realiserbar nytta", color=BENEFIT_COLOUR)
        axes.bar(
            [p + bar for p in positions],
            per_year["realised_benefit_kr"],
            bar,
            label="Realiserad nytta",
            color=OTHER_COLOUR,
        )
        every = -(-len(positions) // MAX_YEAR_TICKS) or 1
        axes.set_xticks(positions[::every], years[::every])
        axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: fmt.number(value)))
        axes.set_ylabel("kr")
        axes.spines[["top", "right"]].set_visible(False)
        axes.legend(loc="lower left", bbox_to_anchor=(0, 1.01), ncol=3, fontsize=8, frameon=False, borderaxespad=0)

    return chart_png(draw, width=7.0, height=3.4, dpi=110)


def per_year_alt_text(per_year: pd.DataFrame) -> str:
    years = "; ".join(
        f"{int(year)}: kostnader {fmt.kr(cost)}, realiserbar nytta {fmt.kr(planned)}, realiserad {fmt.kr(done)}"
        for year, cost, planned, done in zip(
            per_year["year"],
            per_year["cost_kr"],
            per_year["realisable_benefit_kr"],
            per_year["realised_benefit_kr"],
            strict=True,
        )
    )
    return f"Diagram över portföljens kostnader och nytta per år. {years}."
