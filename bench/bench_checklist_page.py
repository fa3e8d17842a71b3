"""Benchmark (not a test): time until the checklist page is interactive in Chromium, warm (one tab that
goes to the page again and again, as every later page a user opens), as bench_form measures the form.

Two pages: the chooser (`checklista.ipynb?lista=tio-goda-rad`, ready when "Organisation som svarar" can
be used) and the largest checklist opened by its bookmark (`…?lista=regional-samverkan&svar=ID`, 21 items,
with three earlier answerings to compare; ready when the last item's comment field can be used).
Baseline, in the same run against the same server: the start page. Medians of 5 loads; between loads we
wait until the preheated kernel is there again. Also: how long the kernel takes to build each page.

Run: .venv/bin/python bench/bench_checklist_page.py
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
sys.path.insert(0, str(ROOT / "tests"))

from bench_form import START, load, new_page, warm_loads  # noqa: E402
from browser import CHROMIUM, CHROMIUM_ARGS, voila_server  # noqa: E402

PAUSE = 20  # s: the checklist page's pool holds one preheated kernel; it must be refilled between loads
CHOOSER = ("label", "Organisation som svarar")
ANSWERING = ("label", "Kommentar till punkt 21 (valfritt)")


def fill(data: Path) -> str:
    """Three earlier answerings of the largest checklist and today's, whose id is returned."""
    from nyttolib.checklists.answers import ItemAnswer, new_answering
    from nyttolib.checklists.model import load_checklists
    from nyttolib.checklists.store import ChecklistStore

    regional = load_checklists()[0]["regional-samverkan"]
    answers = ["nej", "delvis", "ja", "ej_aktuellt"]
    with ChecklistStore(data) as store:
        for year in range(4):
            answering = new_answering(regional, "Kommunledningsförvaltningen", dt.date(2023 + year, 3, 1))
            for number, item in enumerate(regional.items):
                answering.answers[item.id] = ItemAnswer(
                    answer=answers[(number + year) % 4], comment=f"Kommentar {year}"
                )
            saved = store.save(answering)
    return saved.id


def kernel_side(data: Path, answering_id: str) -> dict[str, float]:
    import ipywidgets  # noqa: F401

    from nyttolib.app.checklist_page import ChecklistPage
    from nyttolib.checklists.model import load_checklists
    from nyttolib.checklists.store import ChecklistStore

    chooser, answering = [], []
    with ChecklistStore(data) as store:
        for _ in range(5):
            started = time.perf_counter()
            checklists, problems = load_checklists()
            ChecklistPage(store, checklists, problems, checklist_id="tio-goda-rad", live=False)
            chooser.append(time.perf_counter() - started)
            started = time.perf_counter()
            checklists, problems = load_checklists()
            ChecklistPage(store, checklists, problems, answering_id=answering_id, live=False)
            answering.append(time.perf_counter() - started)
    return {
        "build the chooser (kernel, files loaded)": statistics.median(chooser),
        "build the 21-item answering with its comparison (kernel)": statistics.median(answering),
    }


def main() -> None:
    from playwright.sync_api import sync_playwright

    print(
        f"nyttolib checklist page benchmark – {time.strftime('%Y-%m-%d %H:%M')} – {platform.node()} – "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.1f} (a shared machine)",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as work, sync_playwright() as playwright:
        data = Path(work) / "data"
        answering_id = fill(data)
        for name, seconds in kernel_side(data, answering_id).items():
            print(f"  {name}: median {seconds * 1000:.0f} ms", flush=True)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        results: dict[str, list[float]] = {}
        with voila_server(data) as url:
            pages = {
                "checklist chooser": (f"{url}voila/render/checklista.ipynb?lista=tio-goda-rad", CHOOSER),
                "21-item answering by bookmark": (
                    f"{url}voila/render/checklista.ipynb?lista=regional-samverkan&svar={answering_id}",
                    ANSWERING,
                ),
                "start page": (f"{url}voila/render/start.ipynb", START),
            }
            for address, ready in pages.values():  # each pool's first kernel, and the browser's cache
                context = browser.new_context()
                load(new_page(context, ready), address)
                context.close()
            for name, (address, ready) in pages.items():
                results[name] = warm_loads(browser, address, ready, PAUSE)
                print(f"  {name}, warm: {', '.join(f'{t:.2f}' for t in results[name])}", flush=True)
        browser.close()
    baseline = statistics.median(results["start page"])
    for name in ("checklist chooser", "21-item answering by bookmark"):
        ours = statistics.median(results[name])
        print(
            f"[warm] {name} median {ours:.2f} s, max {max(results[name]):.2f} s; start page median "
            f"{baseline:.2f} s; ratio {ours / baseline:.2f}  (goal ≤ 1.5 s)"
        )
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
