"""Benchmark (not a test): time until the start page, with "Vad vill du göra?", is interactive in Chromium.

Baseline, measured in the same run against the same server: the guided form's first step (the figure the
issue sets: warm ≤ 1.5 s). "Interactive" is bench_form's: the start page when its first route's link
("Jag har en idé eller ett behov") is on the page, the form when "Initiativets namn" is enabled, timed by
the browser's own clock from navigation start. Medians of 5 loads, warm (one tab again and again) and cold
(a fresh browser context each); between loads we wait until the preheated kernel is there again.

Run: .venv/bin/python bench/bench_start_page.py  (or `… bench_start_page.py warm` for the warm loads only)
"""

from __future__ import annotations

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

from bench_form import FORM, cold_loads, new_page, wait_ready, warm_loads  # noqa: E402
from browser import CHROMIUM, CHROMIUM_ARGS, voila_server  # noqa: E402

ROUTES = ("link", "Jag har en idé eller ett behov")
PAUSE = 10  # s: a pool refills 2 s after use (voila.json), plus a kernel start on a loaded machine
SETTLE = 30  # s: after the server starts, until its pools (3 + 3 kernels on 2 cores) are full


MODES = {"warm": warm_loads, "cold": cold_loads}


def main() -> None:
    from playwright.sync_api import sync_playwright

    modes = [mode for mode in MODES if mode in sys.argv[1:]] or list(MODES)

    print(
        f"nyttolib start page benchmark – {time.strftime('%Y-%m-%d %H:%M')} – {platform.node()} – "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.1f} (a shared machine)",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as work, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        results: dict[str, dict[str, list[float]]] = {}
        with voila_server(Path(work) / "data") as url:
            time.sleep(SETTLE)
            pages = {
                "start page": (f"{url}voila/render/start.ipynb", ROUTES),
                "form": (f"{url}voila/render/bedomning.ipynb", FORM),
            }
            for address, ready in pages.values():  # each pool's first kernel, and the browser's cache
                context = browser.new_context()
                page = new_page(context, ready)
                page.goto(address, wait_until="commit", timeout=600_000)
                wait_ready(page)
                context.close()
            for name, (address, ready) in pages.items():
                results[name] = {mode: MODES[mode](browser, address, ready, PAUSE) for mode in modes}
                for mode, times in results[name].items():
                    print(f"  {name}, {mode}: {', '.join(f'{t:.2f}' for t in times)}", flush=True)
        browser.close()
    for mode in modes:
        ours, baseline = (statistics.median(results[n][mode]) for n in ("start page", "form"))
        goal = "  (goal ≤ 1.5 s)" if mode == "warm" else ""
        print(
            f"[{mode}] start page median {ours:.2f} s, max {max(results['start page'][mode]):.2f} s; "
            f"form median {baseline:.2f} s; ratio {ours / baseline:.2f}{goal}"
        )
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
