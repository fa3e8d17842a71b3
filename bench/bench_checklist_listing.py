"""Benchmark (not a test): listing a checklist's answerings when a municipality has many.

The checklist page lists "Tidigare svar på checklistan" and finds an organisation's answering of a date by
reading every answering the user may see (the portfolio office sees all of them), since which checklist an
answering belongs to is inside its document. Measured: `ChecklistStore.answerings(checklist_id)` over N
answerings of the six checklists (one query that brings each newest document along), against the baseline
in the same run: the way it was read before, the list and then one load per answering. Medians of 5.

Run: .venv/bin/python bench/bench_checklist_listing.py [N]   (default 1000)
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nyttolib.checklists.answers import new_answering  # noqa: E402
from nyttolib.checklists.model import load_checklists  # noqa: E402
from nyttolib.checklists.store import ChecklistStore, parse_answering  # noqa: E402

WANTED = "ar-det-ett-projekt"


def fill(store: ChecklistStore, count: int) -> None:
    checklists = list(load_checklists()[0].values())
    start = dt.date(2020, 1, 1)
    for i in range(count):
        checklist = checklists[i % len(checklists)]
        store.save(new_answering(checklist, f"Förvaltning {i % 40}", start + dt.timedelta(days=i)))


def one_load_each(store: ChecklistStore) -> int:
    """The previous way: the listing, then every answering loaded by itself to see its checklist."""
    found = 0
    for listing in store.documents.list():
        answering = parse_answering(store.documents.load(listing.id)[0])
        found += answering.checklist_id == WANTED
    return found


def median_seconds(run, repeat: int = 5) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    print(
        f"nyttolib checklist listing benchmark – {time.strftime('%Y-%m-%d %H:%M')} – {platform.node()} – "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as work, ChecklistStore(work) as store:
        fill(store, count)
        baseline, expected = median_seconds(lambda: one_load_each(store))
        ours, listed = median_seconds(lambda: store.answerings(WANTED))
        assert len(listed) == expected, (len(listed), expected)
        print(f"{count} answerings, {expected} of them of '{WANTED}':")
        print(f"  one load per answering (before): median {baseline:.3f} s")
        print(f"  answerings(), one query:         median {ours:.3f} s; ratio {ours / baseline:.3f}")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
