"""Benchmark (not a test): `nyttolib portfolio summary` over a generated portfolio of 100 000 assessments
(a region's or a national collection), each with a calculation and a plan (bench/portfolio_data.py).

- the command in this process (median of 3) and as a new process (median of 3, start-up included),
  goal ≤ 5 s; and where its time goes (reading the rows, the table, the figures);
- baseline in the same run: what the portfolio would cost without its summary rows, loading every
  document from the store and calculating it (Store.load + calculate, each once);
- the database's size, and the load average (the machine is shared).

The portfolio is generated once into a cache folder (bench/portfolio_data.py; NYTTOLIB_BENCH_CACHE
chooses where) and reused by later runs.

Run: .venv/bin/python bench/bench_portfolio_summary.py [count]
"""

from __future__ import annotations

import io
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from portfolio_data import Parameters, cache_root, cached_store  # noqa: E402

from nyttolib.assessment.calculations import calculate  # noqa: E402
from nyttolib.cli import run  # noqa: E402
from nyttolib.content import load_content  # noqa: E402
from nyttolib.paths import DATABASE_FILENAME  # noqa: E402
from nyttolib.portfolio import queries  # noqa: E402
from nyttolib.portfolio.overview import overview, summary_json  # noqa: E402
from nyttolib.portfolio.store import PortfolioStore  # noqa: E402
from nyttolib.storage.assessments import Store  # noqa: E402

GOAL_SECONDS = 5.0


def timed(action, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def cpu_timed(action, runs: int) -> list[float]:
    """CPU seconds of this process: steadier than wall time on a shared machine."""
    times = []
    for _ in range(runs):
        start = time.process_time()
        action()
        times.append(time.process_time() - start)
    return times


def children_cpu_timed(action, runs: int) -> list[float]:
    """CPU seconds of the processes `action` starts (user + system)."""

    def used() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    times = []
    for _ in range(runs):
        start = used()
        action()
        times.append(used() - start)
    return times


def summary_in_process(data: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = run(["--data-dir", str(data), "portfolio", "summary"], out=out, err=err)
    assert code == 0, err.getvalue()


def summary_process(data: Path, *options: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "nyttolib", "--data-dir", str(data), "portfolio", "summary", *options],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr


def parts(data: Path, content) -> dict[str, float]:
    """Where the summary's time goes, each part once."""
    found = {}
    with PortfolioStore(data, content) as store:
        start = time.perf_counter()
        tables = store.portfolio_data()
        found["tables (SQL → pandas)"] = time.perf_counter() - start
        start = time.perf_counter()
        queries.frame(tables, content)
        found["table labels (pandas)"] = time.perf_counter() - start
        start = time.perf_counter()
        view = overview(tables, content)
        summary_json(view, content)
        found["overview (table + figures)"] = time.perf_counter() - start
    return found


def baseline(data: Path, content) -> tuple[float, int]:
    """Every document loaded from the store and calculated: the portfolio without its rows."""
    start = time.perf_counter()
    with Store(data) as store:
        ids = [listing.id for listing in store.list()]
        for assessment_id in ids:
            assessment, _ = store.load(assessment_id)
            calculate(assessment, content)
    return time.perf_counter() - start, len(ids)


def size_mb(data: Path) -> float:
    files = [data / DATABASE_FILENAME, data / f"{DATABASE_FILENAME}-wal"]
    return sum(f.stat().st_size for f in files if f.exists()) / 1e6


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    content = load_content()
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {os.getloadavg()}")
    start = time.perf_counter()
    data = cached_store(Parameters(count), content)
    built = time.perf_counter() - start
    print(f"Portfolio of {count} generated assessments in {data} ({built:.1f} s; cache {cache_root()})")
    print(f"Database: {size_mb(data):.1f} MB ({size_mb(data) * 1e3 / count:.1f} kB per assessment)")

    summary_in_process(data)  # the first read brings rows up to date if the content changed
    for name, seconds in parts(data, content).items():
        print(f"  {name:<28} {seconds:6.2f} s")
    inside = timed(lambda: summary_in_process(data), 3)
    cpu = cpu_timed(lambda: summary_in_process(data), 3)
    load = os.getloadavg()
    process = timed(lambda: summary_process(data), 3)
    process_cpu = children_cpu_timed(lambda: summary_process(data), 3)
    as_json = timed(lambda: summary_process(data, "--json"), 3)
    print(f"portfolio summary, in process: median {statistics.median(inside):.2f} s of {[round(t, 2) for t in inside]}")
    print(f"portfolio summary, in process: median CPU {statistics.median(cpu):.2f} s of {[round(t, 2) for t in cpu]}")
    print(
        f"portfolio summary, new process: median {statistics.median(process):.2f} s of"
        f" {[round(t, 2) for t in process]} (goal ≤ {GOAL_SECONDS:.0f} s), load average {load[0]:.1f}"
    )
    print(
        f"portfolio summary, new process: median CPU {statistics.median(process_cpu):.2f} s of"
        f" {[round(t, 2) for t in process_cpu]}"
    )
    print(f"portfolio summary --json, new process: median {statistics.median(as_json):.2f} s")

    cpu_start = time.process_time()
    seconds, loaded = baseline(data, content)
    cpu_seconds = time.process_time() - cpu_start
    print(f"Baseline: Store.load + calculate of all {loaded}: {seconds:.1f} s (CPU {cpu_seconds:.1f} s)")
    print(f"Ratio baseline / summary (new process): {seconds / statistics.median(process):.0f}×")
    print(f"Ratio baseline / summary (in process): {seconds / statistics.median(inside):.0f}×")
    print(f"Load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
