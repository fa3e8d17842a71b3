"""Benchmark (not a test): 50 writers saving at once, on SQLite and on PostgreSQL.

Each writer is a process of its own, as each user's kernel is: it opens the store the app uses
(`PortfolioStore`), and, once all 50 are ready, saves revisions of a bundled example, alternating between
its own two assessments and five that all writers share. Every save names the revision it started from
(`expected_revision`); a conflict (someone saved in between) is counted, and the writer reloads and saves
again, as a user does after the app's conflict message. Measured: revisions per second from the go
signal to the last writer's last save (median of the runs), the conflicts, and a check that nothing is
lost or mixed: the revisions in the database are exactly those the writers report saved, each with the
note and document its writer saved.

SQLite is the default file in a temporary data folder (WAL, synchronous=FULL); PostgreSQL a server from
Debian's package started as the tests do (tests/postgres.py), with its durable defaults (fsync on), a
new database per run. The ratio printed is PostgreSQL's rate over SQLite's.

Run: make bench-writers  (or .venv/bin/python bench/bench_writers.py [writers] [saves-per-writer] [runs])
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import sqlalchemy as sa  # noqa: E402

from nyttolib.assessment.documents import read_assessment_file  # noqa: E402
from nyttolib.content import load_content  # noqa: E402
from nyttolib.paths import DATABASE_FILENAME  # noqa: E402
from nyttolib.portfolio.store import PortfolioStore  # noqa: E402
from nyttolib.storage.assessments import ConflictError  # noqa: E402
from nyttolib.storage.database import StoreError  # noqa: E402

from postgres import postgres_server  # noqa: E402

WRITERS, SAVES, RUNS = 50, 20, 3
OWN, SHARED = 2, 5
EXAMPLE = ROOT / "data" / "examples" / "fakturor-e-tjanst.json"


def shared_ids() -> list[str]:
    return [f"delad-{i}" for i in range(SHARED)]


def own_ids(writer: int) -> list[str]:
    return [f"egen-{writer}-{i}" for i in range(OWN)]


def open_store(directory: str, url: str | None) -> PortfolioStore:
    return PortfolioStore(directory, load_content(), database_url=url)


def save_with_retry(store: PortfolioStore, assessment_id: str, note: str) -> tuple[int, int, int]:
    """Load the newest revision, change it, save it as its successor; on a conflict reload and retry, and
    on "the database is busy" (SQLite's 30 s lock wait ran out) retry as the app's autosave does.
    Returns (revision saved, conflicts met, busy refusals met)."""
    conflicts = busy = 0
    while True:
        document, revision = store.load(assessment_id)
        document.initiative.name = note
        try:
            return store.save(document, expected_revision=revision, note=note).revision, conflicts, busy
        except ConflictError:
            conflicts += 1
        except StoreError as refused:
            if "upptagen" not in str(refused):
                raise
            busy += 1


def writer(directory: str, url: str | None, number: int, saves: int) -> None:
    """One writer process: set up its own assessments, say ready, wait for go, save, report in JSON."""
    example = read_assessment_file(EXAMPLE, load_content()).assessment
    with open_store(directory, url) as store:
        for assessment_id in own_ids(number):
            store.save(example.model_copy(update={"id": assessment_id}), note="start")
        print("ready", flush=True)
        sys.stdin.readline()
        targets = [own_ids(number)[n // 2 % OWN] if n % 2 == 0 else shared_ids()[(number + n) % SHARED]
                   for n in range(saves)]
        saved, conflicts, busy = [], 0, 0
        for n, assessment_id in enumerate(targets):
            note = f"w{number}-{n}"
            revision, met, waited = save_with_retry(store, assessment_id, note)
            saved.append((assessment_id, revision, note))
            conflicts += met
            busy += waited
        finished = time.monotonic()
    print(json.dumps({"saved": saved, "conflicts": conflicts, "busy": busy, "finished": finished}), flush=True)


def run(directory: str, url: str | None, writers: int, saves: int) -> dict:
    """One run: all writers started and ready, then go at once; the figures and the check."""
    example = read_assessment_file(EXAMPLE, load_content()).assessment
    with open_store(directory, url) as store:
        for assessment_id in shared_ids():
            store.save(example.model_copy(update={"id": assessment_id}), note="start")
    environment = os.environ | {"PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    processes = [
        subprocess.Popen(
            [sys.executable, __file__, "_writer", directory, url or "", str(number), str(saves)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=environment,
        )
        for number in range(writers)
    ]
    try:
        for process in processes:
            if process.stdout.readline().strip() != "ready":
                raise SystemExit("a writer did not start")
        started = time.monotonic()
        for process in processes:
            process.stdin.write("go\n")
            process.stdin.flush()
        reports = []
        for process in processes:
            output, _ = process.communicate(timeout=600)
            if process.returncode != 0:
                raise SystemExit(f"a writer failed ({process.returncode})")
            reports.append(json.loads(output))
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    elapsed = max(report["finished"] for report in reports) - started
    saved = [tuple(entry) for report in reports for entry in report["saved"]]
    return {
        "revisions": len(saved),
        "seconds": elapsed,
        "per_second": len(saved) / elapsed,
        "conflicts": sum(report["conflicts"] for report in reports),
        "busy": sum(report["busy"] for report in reports),
        "lost": check(directory, url, saved, writers),
    }


def check(directory: str, url: str | None, saved: list[tuple[str, int, str]], writers: int) -> list[str]:
    """What is wrong with the database against what the writers report (empty: nothing lost or mixed)."""
    problems = []
    reported = Counter((assessment_id, revision) for assessment_id, revision, _ in saved)
    problems += [f"{key} reported saved {count} times" for key, count in reported.items() if count > 1]
    engine = sa.create_engine(url or f"sqlite:///{Path(directory) / DATABASE_FILENAME}")
    try:
        with engine.connect() as db:
            total = db.execute(sa.text("SELECT count(*) FROM revisions")).scalar_one()
    finally:
        engine.dispose()
    setup = SHARED + OWN * writers
    if total != setup + len(saved):
        problems.append(f"{total} revisions in the database, {setup} set up + {len(saved)} reported saved")
    with open_store(directory, url) as store:
        for assessment_id in shared_ids() + [i for w in range(writers) for i in own_ids(w)]:
            history = store.history(assessment_id)
            if [h.revision for h in history] != list(range(1, len(history) + 1)):
                problems.append(f"{assessment_id}: the revisions are not 1…{len(history)}")
        notes = {(i, h.revision): h.note for i in {s[0] for s in saved} for h in store.history(i)}
        for assessment_id, revision, note in saved:
            if notes.get((assessment_id, revision)) != note:
                problems.append(f"{assessment_id} revision {revision}: note {notes.get((assessment_id, revision))!r}, "
                                f"the writer saved {note!r}")
            elif store.load(assessment_id, revision)[0].initiative.name != note:
                problems.append(f"{assessment_id} revision {revision}: not the document its writer saved")
    return problems


def bench(label: str, runs: int, writers: int, saves: int, url_for_run) -> dict:
    results = []
    for number in range(runs):
        with tempfile.TemporaryDirectory(prefix="nyttolib-bench-") as directory, url_for_run() as url:
            result = run(directory, url, writers, saves)
        results.append(result)
        lost = "none lost" if not result["lost"] else f"LOST/MIXED: {result['lost'][:5]}"
        print(f"  {label} run {number + 1}: {result['revisions']} revisions in {result['seconds']:.2f} s = "
              f"{result['per_second']:.0f}/s, {result['conflicts']} conflicts, {result['busy']} busy, {lost}",
              flush=True)
    return {
        "per_second": statistics.median(r["per_second"] for r in results),
        "conflicts": statistics.median(r["conflicts"] for r in results),
        "busy": sum(r["busy"] for r in results),
        "lost": sum(len(r["lost"]) for r in results),
    }


def main() -> None:
    given = [int(argument) for argument in sys.argv[1:4]]
    writers, saves, runs = given + [WRITERS, SAVES, RUNS][len(given):]
    print(f"{writers} writers × {saves} saves ({OWN} own assessments each, {SHARED} shared), {runs} runs; "
          f"load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores", flush=True)
    sqlite = bench("SQLite", runs, writers, saves, lambda: nullcontext(None))
    with postgres_server(durable=True) as server:
        postgresql = bench("PostgreSQL", runs, writers, saves, server.database)
    for label, result in (("SQLite", sqlite), ("PostgreSQL", postgresql)):
        lost = "none lost" if not result["lost"] else f"{result['lost']} problems"
        print(f"{label}: {result['per_second']:.0f} revisions/s (median), {result['conflicts']:.0f} conflicts "
              f"(median), {result['busy']} busy refusals, {lost}")
    print(f"PostgreSQL / SQLite: {postgresql['per_second'] / sqlite['per_second']:.2f}; "
          f"load average after {os.getloadavg()[0]:.2f}")
    if sqlite["lost"] or postgresql["lost"]:
        sys.exit(1)


if __name__ == "__main__":
    if sys.argv[1:2] == ["_writer"]:
        directory, url, number, saves = sys.argv[2:6]
        writer(directory, url or None, int(number), int(saves))
    else:
        main()
