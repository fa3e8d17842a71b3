"""Benchmark of `nyttolib portfolio prioritise` (not a test) on generated portfolios.

- 100 000 assessments (a region or a national collection), each with a calculation and a plan, in a
  PortfolioStore: the ranked list with reasons (`portfolio prioritise`), and the budget question
  (`portfolio prioritise --year 2026 --budget "50 000 000 kr"`), each as the command a user runs
  (a new process, output to /dev/null), median of RUNS runs. Goal ≤ 5 s each.
- The same two commands on a Växjö-sized portfolio of 450.
- Baseline in the same run: what the portfolio would cost without its summary rows, i.e. loading
  every document and calculating it (`Store.load` + `calculate` for each of the 100 000), once.

The generated database is built once and cached: its folder is named by the generator's parameters
(count, seed, GENERATOR_VERSION) and a fingerprint of the content and the example documents, under
$NYTTOLIB_BENCH_CACHE or /tmp/nyttolib-bench-portfolio. It is built in a temporary folder beside it
and renamed when complete, so an interrupted build is never used. Rows are computed with the real
`summary_row` of each document and everything is inserted in one transaction (executemany), so the
database is the same as one made by 100 000 saves, only faster to make (≈ 5 min instead of hours).

Run: .venv/bin/python bench/bench_portfolio_prioritise.py [--count 100000] [--runs 3]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nyttolib.assessment.calculations import calculate  # noqa: E402
from nyttolib.assessment.model import Assessment  # noqa: E402
from nyttolib.content import load_content  # noqa: E402
from nyttolib.portfolio.prioritisation import cost_in_year, is_candidate  # noqa: E402
from nyttolib.portfolio.rows import ROW_VERSION, row_text, summary_row  # noqa: E402
from nyttolib.portfolio.store import PortfolioStore  # noqa: E402
from nyttolib.storage.assessments import Store  # noqa: E402
from nyttolib.storage.database import now  # noqa: E402

GENERATOR_VERSION = 2
SEED = 2026
TEMPLATES = ["digital-signering.json", "e-arkiv.json", "fakturor-e-tjanst.json"]  # each has a calculation and a plan
YEARS = range(2016, 2027)
BUDGET_YEAR = "2026"
BUDGET = "50 000 000 kr"
CHUNK = 5_000
MUNICIPALITY = 1_000  # up to this many: a municipality's current portfolio (see generate)
DEPARTMENTS = [
    "Kommunledningsförvaltningen",
    "Omsorgsförvaltningen",
    "Förvaltningen för arbete och välfärd",
    "Utbildningsförvaltningen",
    "Stadsbyggnadsförvaltningen",
    "Kultur- och fritidsförvaltningen",
    "Tekniska förvaltningen",
    "Miljö- och hälsoskyddsförvaltningen",
    "Servicenämndens förvaltning",
    "Socialförvaltningen",
]


def cache_root() -> Path:
    return Path(os.environ.get("NYTTOLIB_BENCH_CACHE", "/tmp/nyttolib-bench-portfolio"))


def cache_key(count: int) -> str:
    digest = hashlib.sha256(f"{count}:{SEED}:{GENERATOR_VERSION}:{ROW_VERSION}".encode())
    for path in sorted((ROOT / "data" / "content").glob("*.yaml")) + [ROOT / "data/examples" / t for t in TEMPLATES]:
        digest.update(path.read_bytes())
    return f"portfolio-{count}-{digest.hexdigest()[:12]}"


def _scaled(values: list[float], factor: float) -> list[float]:
    return [round(value * factor, 2) for value in values]


def generate(template_text: str, n: int, content, municipality: bool) -> dict:
    """One initiative: a template with its own id, Nr, year, stage, priority, valuation and amounts.

    A municipality's portfolio (Växjö's 450) is the current one: recent years, every stage. A large
    collection holds years of history: the older an initiative, the likelier it is decided."""
    rng = random.Random(SEED * 1_000_003 + n)  # per initiative, so the workers' order does not matter
    document = json.loads(template_text)
    stages = [s.id for s in content.initiative.portfolio_stages]
    if municipality:
        year, stage = rng.choice(YEARS[-3:]), rng.choice(stages)
    else:
        year = rng.choice(YEARS)
        age = YEARS[-1] - year
        decided = 0.95 if age >= 3 else 0.6 if age >= 1 else 0.0
        stage = "beslutade" if rng.random() < decided else rng.choice(stages)
    factor = rng.lognormvariate(0, 1.0)
    ini = document["initiative"]
    ini["name"] = f"{ini['name']} ({n})"
    ini["department"] = rng.choice(DEPARTMENTS)
    ini["priority_class"] = rng.choice(["lag", "kritisk_verksamhet", "effektivitet", "effektivitet", None])
    ini["valuation"] = {
        criterion: (None if rng.random() < 0.05 else rng.choice([1, 3, 5]))
        for criterion in ("potential_effect", "feasibility", "financing", "resource_need")
    }
    portfolio = ini["portfolio"]
    portfolio.update(number=f"{year % 100:02d}-{n:06d}", year=year, stage=stage)
    if portfolio.get("total_cost_kr") is not None:
        portfolio["total_cost_kr"] = round(portfolio["total_cost_kr"] * factor, 2)
    calc = document["calculation"]
    calc["start_year"] = year
    for line in calc["cost_lines"]:
        line["values"] = _scaled(line["values"], factor)
    for line in calc["benefit_lines"]:
        line["full_effect_kr"] = round(line["full_effect_kr"] * factor, 2)
    document["id"] = f"{rng.getrandbits(128):032x}"
    return document


_WORKER: dict = {}


def _start_worker(fingerprint: str, saved_at: str, municipality: bool) -> None:
    _WORKER.update(
        content=load_content(),
        templates=[(ROOT / "data/examples" / name).read_text(encoding="utf-8") for name in TEMPLATES],
        fingerprint=fingerprint,
        saved_at=saved_at,
        municipality=municipality,
    )


def _generated(n: int) -> tuple:
    """The three table rows of one generated assessment, as a save writes them (with the real summary row)."""
    content, templates = _WORKER["content"], _WORKER["templates"]
    document = generate(templates[n % len(templates)], n, content, _WORKER["municipality"])
    assessment = Assessment.model_validate(document)
    text = json.dumps(assessment.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))
    row = summary_row(assessment, content)
    plans = row.pop("plans")
    ini = assessment.initiative
    saved_at = _WORKER["saved_at"]
    return (
        (assessment.id, saved_at, 1),
        (assessment.id, 1, saved_at, assessment.schema_version, ini.name, ini.portfolio.stage,
         row["completeness_percent"], "", text),
        (assessment.id, 1, _WORKER["fingerprint"], row_text(row), row_text(plans)),
    )  # fmt: skip


def build(directory: Path, count: int, content, workers: int) -> None:
    """Generate `count` assessments with their summary rows into a PortfolioStore in `directory`:
    rows computed in `workers` processes, everything inserted in one transaction."""
    with PortfolioStore(directory, content) as store:  # creates the schema
        fingerprint, path = store.fingerprint, store.path
    started = time.perf_counter()
    initargs = (fingerprint, now(), count <= MUNICIPALITY)
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        with multiprocessing.Pool(workers, _start_worker, initargs) as pool:
            done = 0
            for first in range(0, count, CHUNK):
                chunk = pool.map(_generated, range(first, min(first + CHUNK, count)), chunksize=100)
                _insert(db, chunk)
                done += len(chunk)
                print(f"  generated {done} ({time.perf_counter() - started:.0f} s)", flush=True)
        db.execute("COMMIT")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()


def _insert(db: sqlite3.Connection, generated: list[tuple]) -> None:
    db.executemany(
        "INSERT INTO assessments (id, created_at, head_revision) VALUES (?, ?, ?)", [g[0] for g in generated]
    )
    db.executemany(
        "INSERT INTO revisions (assessment_id, revision, saved_at, schema_version, name, stage,"
        " completeness_percent, note, document) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [g[1] for g in generated],
    )
    db.executemany(
        "INSERT INTO portfolio_rows (assessment_id, revision, fingerprint, summary, plans) VALUES (?, ?, ?, ?, ?)",
        [g[2] for g in generated],
    )


def cached_portfolio(count: int, content, workers: int = 2) -> Path:
    target = cache_root() / cache_key(count)
    if (target / "complete").exists():
        print(f"portfolio of {count}: cached in {target}")
        return target
    print(f"portfolio of {count}: building in {target} (once)")
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    started = time.perf_counter()
    build(partial, count, content, workers)
    (partial / "complete").write_text(f"{time.perf_counter() - started:.1f} s\n")
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
    return target


def command_seconds(directory: Path, args: list[str], runs: int) -> float:
    """The median wall time of the command as a user runs it: a new process, output to /dev/null."""
    timings = []
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _ in range(runs):
        started = time.perf_counter()
        with open(os.devnull, "w") as sink:
            subprocess.run(
                [sys.executable, "-m", "nyttolib", "--data-dir", str(directory), "portfolio", "prioritise", *args],
                check=True,
                stdout=sink,
                env=env,
                cwd=ROOT,
            )
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


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


def measure(count: int, runs: int, content, with_baseline: bool) -> dict:
    directory = cached_portfolio(count, content)
    weighed, with_cost = candidates(directory, content)
    result = {
        "count": count,
        "size_mb": database_size(directory) / 1e6,
        "weighed": weighed,
        "with_cost": with_cost,
        "ranking_s": command_seconds(directory, [], runs),
        "budget_s": command_seconds(directory, ["--year", BUDGET_YEAR, "--budget", BUDGET], runs),
        "json_budget_s": command_seconds(directory, ["--year", BUDGET_YEAR, "--budget", BUDGET, "--json"], runs),
    }
    if with_baseline:
        result["baseline_s"] = baseline_seconds(directory, content)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="processes that generate the cached database")
    parser.add_argument("--build-only", action="store_true", help="only build (or find) the cached databases")
    args = parser.parse_args()
    content = load_content()
    if args.build_only:
        for count in (450, args.count):
            cached_portfolio(count, content, args.workers)
        return
    print(f"load average before: {os.getloadavg()}")
    small = measure(450, args.runs, content, with_baseline=True)
    large = measure(args.count, args.runs, content, with_baseline=True)
    print(f"load average after: {os.getloadavg()}")
    for figures in (small, large):
        baseline = figures["baseline_s"]
        print(
            f"\n{figures['count']} assessments, database {figures['size_mb']:.0f} MB;"
            f" {figures['weighed']} weighed, {figures['with_cost']} with a cost in {BUDGET_YEAR}"
        )
        print(f"  baseline (Store.load + calculate each): {baseline:.2f} s")
        for name, label in (
            ("ranking_s", "portfolio prioritise"),
            ("budget_s", f"portfolio prioritise --year {BUDGET_YEAR} --budget '{BUDGET}'"),
            ("json_budget_s", "  the same with --json"),
        ):
            print(f"  {label}: {figures[name]:.2f} s  (ratio to baseline {figures[name] / baseline:.3f})")


if __name__ == "__main__":
    main()
