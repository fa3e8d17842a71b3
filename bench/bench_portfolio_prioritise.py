"""Benchmark of `nyttolib portfolio prioritise` (not a test) on generated portfolios.

- 100 000 assessments (a region or a national collection with years of history), each with a
  calculation and a plan (bench/portfolio_data.py, the generator and cache the summary bench uses):
  the ranked list with reasons (`portfolio prioritise`), and the budget question (`portfolio
  prioritise --year 2026 --budget "50 000 000 kr"`, also with `--json`), each as the command a user
  runs (a new process, output to /dev/null), median of RUNS runs, wall and CPU time. Goal ≤ 5 s each.
- The same commands on a Växjö-sized portfolio of 450 (the one the page and export benches use).
- Baseline in the same run: what the portfolio would cost without its summary rows, i.e. loading
  every document and calculating it (`Store.load` + `calculate` for each), once.
- The database's size, and the load average before and after (the machine is shared).

The portfolios are generated once into a cache folder (bench/portfolio_data.py; NYTTOLIB_BENCH_CACHE
chooses where) and reused by later runs and by bench/bench_portfolio_summary.py.

Run: .venv/bin/python bench/bench_portfolio_prioritise.py [--count 100000] [--runs 3] [--build-only]
"""

from __future__ import annotations

import argparse
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

from portfolio_data import Parameters, cached_store  # noqa: E402

from nyttolib.assessment.calculations import calculate  # noqa: E402
from nyttolib.content import load_content  # noqa: E402
from nyttolib.portfolio.prioritisation import cost_in_year, is_candidate  # noqa: E402
from nyttolib.portfolio.store import PortfolioStore  # noqa: E402
from nyttolib.storage.assessments import Store  # noqa: E402

BUDGET_YEAR = "2026"
BUDGET = "50 000 000 kr"
GOAL_SECONDS = 5.0


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def command_seconds(directory: Path, args: list[str], runs: int) -> tuple[float, float]:
    """The median wall and CPU time of the command as a user runs it: a new process, output to /dev/null."""
    walls, cpus = [], []
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _ in range(runs):
        started, cpu = time.perf_counter(), _children_cpu()
        with open(os.devnull, "w") as sink:
            subprocess.run(
                [sys.executable, "-m", "nyttolib", "--data-dir", str(directory), "portfolio", "prioritise", *args],
                check=True,
                stdout=sink,
                env=env,
                cwd=ROOT,
            )
        walls.append(time.perf_counter() - started)
        cpus.append(_children_cpu() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def baseline_seconds(directory: Path, content) -> float:
    """Without summary rows: load every document and calculate it."""
    started = time.perf_counter()
    with Store(directory) as store:
        for listing in store.list():
            assessment, _ = store.load(listing.id)
            calculate(assessment, content)
    return time.perf_counter() - started


def database_size(directory: Path) -> int:
    return sum(path.stat().st_size for path in directory.glob("*.sqlite3*"))


def candidates(directory: Path, content) -> tuple[int, int]:
    """How many the ranking weighs, and how many of them have a cost in the budget year."""
    with PortfolioStore(directory, content) as store:
        rows = store.portfolio_rows()
    weighed = [row for row in rows if is_candidate(row, content)]
    with_cost = [row for row in weighed if cost_in_year(row, int(BUDGET_YEAR))[0]]
    return len(weighed), len(with_cost)


def measure(parameters: Parameters, runs: int, content, with_baseline: bool) -> dict:
    directory = cached_store(parameters, content)
    weighed, with_cost = candidates(directory, content)  # also brings the rows up to date, once
    load = os.getloadavg()
    result = {
        "count": parameters.count,
        "directory": directory,
        "size_mb": database_size(directory) / 1e6,
        "weighed": weighed,
        "with_cost": with_cost,
        "ranking": command_seconds(directory, [], runs),
        "budget": command_seconds(directory, ["--year", BUDGET_YEAR, "--budget", BUDGET], runs),
        "json_budget": command_seconds(directory, ["--year", BUDGET_YEAR, "--budget", BUDGET, "--json"], runs),
        "load": (load, os.getloadavg()),
    }
    if with_baseline:
        cpu = time.process_time()
        result["baseline_s"] = baseline_seconds(directory, content)
        result["baseline_cpu_s"] = time.process_time() - cpu
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--build-only", action="store_true", help="only build (or find) the cached databases")
    args = parser.parse_args()
    content = load_content()
    portfolios = (Parameters(450, long_names=True), Parameters(args.count))
    if args.build_only:
        for parameters in portfolios:
            print(cached_store(parameters, content))
        return
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, load average before: {os.getloadavg()}")
    results = [measure(parameters, args.runs, content, with_baseline=True) for parameters in portfolios]
    print(f"load average after: {os.getloadavg()}")
    for figures in results:
        baseline = figures["baseline_s"]
        print(
            f"\n{figures['count']} assessments ({figures['directory']}), database {figures['size_mb']:.0f} MB;"
            f" {figures['weighed']} weighed, {figures['with_cost']} with a cost in {BUDGET_YEAR};"
            f" load average {figures['load'][0][0]:.1f} → {figures['load'][1][0]:.1f}"
        )
        print(f"  baseline (Store.load + calculate each): {baseline:.2f} s (CPU {figures['baseline_cpu_s']:.2f} s)")
        for name, label in (
            ("ranking", "portfolio prioritise"),
            ("budget", f"portfolio prioritise --year {BUDGET_YEAR} --budget '{BUDGET}'"),
            ("json_budget", "  the same with --json"),
        ):
            wall, cpu = figures[name]
            goal = "" if name == "json_budget" else f"; goal ≤ {GOAL_SECONDS:.0f} s"
            print(f"  {label}: {wall:.2f} s (CPU {cpu:.2f} s; baseline / this {baseline / wall:.2g}×{goal})")


if __name__ == "__main__":
    main()
