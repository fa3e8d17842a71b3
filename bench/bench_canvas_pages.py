"""Benchmark (not a test): time until the need page and the project canvas are interactive in Chromium.

Baseline, measured in the same run against the same server: the start page. "Interactive" is timed by the
browser's own clock from the start of navigation (bench_form's MARK_READY): the need page when its
"Behov" input is enabled, the canvas when its "Projektets namn" input is, the start page when its "Ny
bedömning" link is there. Medians of 5 loads, warm (one tab again and again) and with --cold also cold (a
fresh browser context each); between loads we wait until the page's preheated kernel is there again. The canvas is
opened with `?id=` of a filled-in canvas (the page a user comes back to). With --hub the server runs as a
hub user's server does (JUPYTERHUB_USER=anna) and the canvas is Anna's, shared with one user: her pages
then carry the sharing panel.

Run: .venv/bin/python bench/bench_canvas_pages.py [--cold] [--hub]
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

from bench_form import START, cold_loads, new_page, wait_ready, warm_loads  # noqa: E402
from browser import CHROMIUM, CHROMIUM_ARGS, voila_server  # noqa: E402

PAUSE = 30  # s: the pages' pools hold one preheated kernel each; it must be refilled between loads (a busy
# 2-core machine took more than 12 s)


HUB_USER = "anna"


def filled_canvas(data: Path, hub: bool) -> str:
    from nyttolib.canvas.session import CanvasSession, canvas_store
    from nyttolib.identity import User

    with canvas_store(data, user=User(HUB_USER, hub=True) if hub else None) as store:
        session = CanvasSession(store)
        for name in ("name", "initiator", "department", "need", "target_group", "desired_result", "risks"):
            session.set(name, f"Exempeltext för {name}")
        session.answer("project_criteria", "avgransat", "ja")
        session.flush()
        if hub:
            store.share(session.id, "bo", "read")
        return session.id


def main() -> None:
    from playwright.sync_api import sync_playwright

    from nyttolib.canvas.content import load_canvas_content

    labels = load_canvas_content().canvas.fields
    hub = "--hub" in sys.argv
    print(
        f"nyttolib need page and canvas benchmark – {time.strftime('%Y-%m-%d %H:%M')} – {platform.node()} – "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.1f} (a shared machine)" + (f"; as hub user {HUB_USER}" if hub else ""),
        flush=True,
    )
    with tempfile.TemporaryDirectory() as work, sync_playwright() as playwright:
        data = Path(work) / "data"
        canvas_id = filled_canvas(data, hub)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        results: dict[str, dict[str, list[float]]] = {}
        with voila_server(data, environment={"JUPYTERHUB_USER": HUB_USER} if hub else None) as url:
            pages = {
                "need page": (f"{url}voila/render/behov.ipynb", ("label", labels["need"].label)),
                "canvas": (f"{url}voila/render/projektcanvas.ipynb?id={canvas_id}", ("label", labels["name"].label)),
                "start page": (f"{url}voila/render/start.ipynb", START),
            }
            for address, ready in pages.values():  # each pool's first kernel, and the browser's cache
                context = browser.new_context()
                page = new_page(context, ready)
                page.goto(address, wait_until="commit", timeout=600_000)
                wait_ready(page)
                context.close()
            for name, (address, ready) in pages.items():
                results[name] = {"warm": warm_loads(browser, address, ready, PAUSE)}
                if "--cold" in sys.argv:
                    results[name]["cold"] = cold_loads(browser, address, ready, PAUSE)
                for mode, times in results[name].items():
                    print(f"  {name}, {mode}: {', '.join(f'{t:.2f}' for t in times)}", flush=True)
        browser.close()
    for mode in ("warm", "cold") if "--cold" in sys.argv else ("warm",):
        baseline = statistics.median(results["start page"][mode])
        for name in ("need page", "canvas"):
            ours = statistics.median(results[name][mode])
            print(
                f"[{mode}] {name} median {ours:.2f} s, max {max(results[name][mode]):.2f} s; start page median "
                f"{baseline:.2f} s; ratio {ours / baseline:.2f}" + ("  (goal ≤ 1.5 s)" if mode == "warm" else "")
            )
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
