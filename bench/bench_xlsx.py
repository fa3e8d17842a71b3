"""Benchmark (not a test): the nyttokalkyl as xlsx, with the formulas' cached results.

- the invoice example, and the same with 300 freed-time lines (an extreme calculation), medians of 5;
- baseline in the same run: the same workbook written by openpyxl without cached values (what the
  export cost before previewers were given the figures).

Run: make bench-xlsx  (or .venv/bin/python bench/bench_xlsx.py)
"""

from __future__ import annotations

import io
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nyttolib.assessment.documents import read_assessment_file  # noqa: E402
from nyttolib.assessment.model import FreedTimeLine  # noqa: E402
from nyttolib.content import load_content  # noqa: E402
from nyttolib.exports import spreadsheet  # noqa: E402


def median_time(action, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def without_cached_values(assessment, content) -> bytes:
    sheets = spreadsheet._CalculationSheets(assessment, content)
    sheets.write_inputs()
    sheets.write_results()
    from openpyxl.styles import Alignment

    for sheet in (sheets.inputs, sheets.results):
        for cells in sheet.iter_rows():
            for cell in cells:
                cell.alignment = Alignment(vertical="top")
    buffer = io.BytesIO()
    sheets.book.save(buffer)
    return buffer.getvalue()


def main() -> None:
    content = load_content()
    invoice = read_assessment_file(ROOT / "data/examples/fakturor-e-tjanst.json", content).assessment
    large = invoice.model_copy(deep=True)
    years = large.calculation.years
    large.calculation.freed_time_lines = [
        FreedTimeLine(description=f"Ärende {n}", volume_per_year=n, minutes_per_case=3, ramp_percent=[100] * years)
        for n in range(300)
    ]
    print(
        f"nyttolib xlsx benchmark – {time.strftime('%Y-%m-%d')} – {platform.node()} – {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}"
    )
    for name, assessment in (("invoice example", invoice), ("300 freed-time lines", large)):
        cached = median_time(lambda a=assessment: spreadsheet.calculation_workbook(a, content))
        plain = median_time(lambda a=assessment: without_cached_values(a, content))
        print(f"{name:22} with cached values {cached:.3f} s, without {plain:.3f} s (ratio {cached / plain:.2f})")


if __name__ == "__main__":
    main()
