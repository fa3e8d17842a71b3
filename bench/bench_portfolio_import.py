"""Benchmark (not a test): importing a portfolio listing of 450 initiatives (Växjö's portfolio, seed 003)
from .xlsx, goal ≤ 5 s.

- import: read the file, plan, and save all 450 new assessments (with their summary rows) in one
  transaction, into an empty store; then a re-import of the same listing with every cost changed
  (450 new revisions);
- baseline in the same run: the same 450 assessments saved one by one with `PortfolioStore.save`
  (each its own durable transaction), as a loop over the rows would.

Medians of 7 runs, interleaved, each into a fresh data folder. Run: .venv/bin/python bench/bench_portfolio_import.py
"""

from __future__ import annotations

import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402

from nyttolib.assessment.completeness import completeness  # noqa: E402
from nyttolib.content import load_content  # noqa: E402
from nyttolib.portfolio.listing_import import apply_import, plan_import, read_listing  # noqa: E402
from nyttolib.portfolio.store import PortfolioStore  # noqa: E402

ROWS = 450
RUNS = 7
ACCOUNTING = '_-* #,##0 "kr"_-;-* #,##0 "kr"_-;_-* "-" "kr"_-;_-@_-'
WORDS = [
    "Digital",
    "e-tjänst",
    "ärendehantering",
    "Heroma",
    "e-arkiv",
    "kontaktcenter",
    "automatisering",
    "förstudie",
    "invånarservice",
    "parkeringstillstånd",
    "leverantörsfakturaportal",
    "LAS",
]


def listing(path: Path, rows: int, seed: int, cost_factor: float = 1.0) -> Path:
    """A listing in seed 000's shape: a title band, the header, then rows as Excel stores them (number
    cells in the accounting format, some amounts typed as text, a few empty)."""
    rng = random.Random(seed)
    book = Workbook()
    sheet = book.active
    sheet.title = "Gemensam portfölj"
    sheet.append(["Allmänt om utvecklingsärendet", None, None, None, None, "Finansiering (uppstart)"])
    sheet.append(["Nr", "År", "Utvecklingsärende", "Projektnr", "Kostnad (totalt)", "2%-aren"])
    for index in range(rows):
        year = 2021 + index % 4
        cost = round(rng.randrange(0, 3_000_000, 50) * cost_factor)
        central = cost if rng.random() < 0.4 else None
        name = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9))).capitalize()
        typed = rng.random() < 0.2
        cost_cell = (f"{cost:,} kr".replace(",", " ") if cost else "- kr") if typed else cost
        sheet.append([f"{year % 100}-{index + 1:03d}", year, name, 11000 + index, cost_cell, central])
        for cell in sheet[sheet.max_row][4:6]:
            cell.number_format = ACCOUNTING
    book.save(path)
    return path


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="nyttolib-bench-import-") as work:  # 25 MB a run: not left in /tmp
        measure(Path(work))


def measure(work: Path) -> None:
    content = load_content()
    first = listing(work / "portfolj.xlsx", ROWS, seed=1)
    second = listing(work / "portfolj-ny.xlsx", ROWS, seed=1, cost_factor=1.1)
    counter = iter(range(10_000))

    def fresh() -> PortfolioStore:
        return PortfolioStore(work / f"data-{next(counter)}", content)

    def timed_import() -> float:
        with fresh() as store:
            start = time.perf_counter()
            saved = apply_import(plan_import(read_listing(first, content), store), store)
            elapsed = time.perf_counter() - start
            assert len(saved) == ROWS and len(store.portfolio_rows()) == ROWS
        return elapsed

    def timed_reimport() -> float:
        with fresh() as store:
            apply_import(plan_import(read_listing(first, content), store), store)
            start = time.perf_counter()
            saved = apply_import(plan_import(read_listing(second, content), store), store)
            elapsed = time.perf_counter() - start
            assert len(saved) > ROWS * 0.9  # every non-zero cost changed
        return elapsed

    documents = [planned.assessment for planned in plan_import(read_listing(first, content), fresh()).rows]

    def timed_one_by_one() -> float:
        with fresh() as store:
            start = time.perf_counter()
            for document in documents:
                store.save(document, completeness_percent=completeness(document, content).percent)
            elapsed = time.perf_counter() - start
            assert len(store.portfolio_rows()) == ROWS
        return elapsed

    def timed_read() -> float:
        start = time.perf_counter()
        read_listing(first, content)
        return time.perf_counter() - start

    load = os.getloadavg()
    print(
        f"nyttolib portfolio import benchmark – {time.strftime('%Y-%m-%d %H:%M')} – {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, load average "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"
    )
    print(f"listing: {ROWS} rows, {first.stat().st_size / 1024:.0f} kB .xlsx; medians of {RUNS} runs")
    # Interleaved, so that the import and its baseline see the same load on a shared machine.
    measured: dict[str, list[float]] = {"read": [], "import": [], "baseline": [], "reimport": []}
    for _ in range(RUNS):
        measured["read"].append(timed_read())
        measured["import"].append(timed_import())
        measured["baseline"].append(timed_one_by_one())
        measured["reimport"].append(timed_reimport())
    median = {name: statistics.median(times) for name, times in measured.items()}

    def runs(name: str) -> str:
        return ", ".join(f"{t:.2f}" for t in measured[name])

    print(f"read and check the file only          {median['read']:.3f} s  runs {runs('read')}")
    print(f"import (read, plan, one transaction)  {median['import']:.3f} s  runs {runs('import')}")
    print(f"re-import, every cost changed         {median['reimport']:.3f} s  runs {runs('reimport')}")
    print(f"baseline: {ROWS} saves one by one       {median['baseline']:.3f} s  runs {runs('baseline')}")
    ratio = median["import"] / median["baseline"]
    print(f"ratio import / baseline               {ratio:.2f}   (goal: import ≤ 5 s)")
    load = os.getloadavg()
    print(f"load average after: {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")


if __name__ == "__main__":
    main()
