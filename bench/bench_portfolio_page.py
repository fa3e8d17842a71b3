"""Benchmark (not a test): time until the portfolio page is interactive in Chromium, for a generated
portfolio of 450 assessments (Växjö's size), each with a calculation and a realisation plan.

Baseline, measured in the same run against the same server and data: the start page. "Interactive" is
timed by the browser's own clock from the start of navigation: the portfolio page when its table's first
row is on the page and its "Sortera efter" select is enabled; the start page when its "Ny bedömning"
link is. Medians of 5 loads, cold (a fresh browser context each) and warm (one tab again and again).
Between loads we wait until the preheated kernel is there again, as it is for spaced-out visits.
Also: how long the kernel takes to build the page (PortfolioPage) and to redraw it for a filter.

Run: make bench-portfolio-page  (or .venv/bin/python bench/bench_portfolio_page.py)
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

COUNT = 450
PAUSE = 20  # s: the portfolio page's pool holds one preheated kernel; it must be refilled between loads
PORTFOLIO = ("portfolio", "Sortera efter")

# The portfolio page is usable when its table has rows and its sort select can be used.
PORTFOLIO_READY = """
() => { window.__ready = null;
  const sortable = l => l.textContent === 'Sortera efter' && l.control && !l.control.disabled;
  const ready = () => document.querySelector('.nyttolib-portfolio-table tbody tr') &&
    [...document.querySelectorAll('label')].some(sortable);
  new MutationObserver((_m, observer) => {
    if (ready()) { window.__ready = performance.now(); observer.disconnect(); }
  }).observe(document, {subtree: true, childList: true, attributes: true});
}
"""


def portfolio_page(context, ready, throttled: bool = False):
    """bench_form's pages, with the portfolio page's own readiness."""
    if ready is not PORTFOLIO:
        return new_page(context, ready, throttled)
    page = context.new_page()
    page.add_init_script(f"({PORTFOLIO_READY})()")
    return page


def kernel_side(data: Path) -> dict[str, float]:
    """Seconds the kernel spends building the page and redrawing it for a filter (medians of 5)."""
    import ipywidgets  # noqa: F401
    import pandas  # noqa: F401

    from nyttolib.app.portfolio_page import PortfolioPage
    from nyttolib.content import load_content
    from nyttolib.portfolio.store import PortfolioStore

    content = load_content()
    builds, filters, economy = [], [], []
    with PortfolioStore(data, content) as store:
        for _ in range(5):
            started = time.perf_counter()
            page = PortfolioPage(store, content)
            builds.append(time.perf_counter() - started)
            started = time.perf_counter()
            page.filters["text"].value = "initiativ 1"
            filters.append(time.perf_counter() - started)
            page.filters["text"].value = ""
            started = time.perf_counter()
            page.show("economy", focus=False)
            economy.append(time.perf_counter() - started)
    return {
        "build the page (kernel)": statistics.median(builds),
        "a text filter redraws the table (kernel)": statistics.median(filters),
        "open Balans och ekonomi, charts drawn (kernel)": statistics.median(economy),
    }


def main() -> None:
    from playwright.sync_api import sync_playwright

    from nyttolib.content import load_content
    from nyttolib.portfolio.store import PortfolioStore

    import bench_form
    from portfolio_examples import fill

    bench_form.new_page = portfolio_page  # cold_loads/warm_loads open their pages through it
    print(
        f"nyttolib portfolio page benchmark – {time.strftime('%Y-%m-%d %H:%M')} – {platform.node()} – "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.1f} (a shared machine)",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as work, sync_playwright() as playwright:
        data = Path(work) / "data"
        content = load_content()
        started = time.perf_counter()
        with PortfolioStore(data, content) as store:
            fill(store, content, COUNT)
        print(f"{COUNT} assessments saved in {time.perf_counter() - started:.1f} s", flush=True)
        for name, seconds in kernel_side(data).items():
            print(f"  {name}: median {seconds * 1000:.0f} ms", flush=True)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        results: dict[str, dict[str, list[float]]] = {}
        with voila_server(data) as url:
            pages = {
                "portfolio page": (f"{url}voila/render/portfolj.ipynb", PORTFOLIO),
                "start page": (f"{url}voila/render/start.ipynb", START),
            }
            for address, ready in pages.values():  # each pool's first kernel, and the browser's cache
                context = browser.new_context()
                page = portfolio_page(context, ready)
                page.goto(address, wait_until="commit", timeout=600_000)
                wait_ready(page)
                context.close()
            for name, (address, ready) in pages.items():
                results[name] = {
                    "warm": warm_loads(browser, address, ready, PAUSE),
                    "cold": cold_loads(browser, address, ready, PAUSE),
                }
                for mode, times in results[name].items():
                    print(f"  {name}, {mode}: {', '.join(f'{t:.2f}' for t in times)}", flush=True)
        browser.close()
    for mode in ("warm", "cold"):
        ours, baseline = (statistics.median(results[n][mode]) for n in ("portfolio page", "start page"))
        print(
            f"[{mode}] portfolio page ({COUNT} initiatives) median {ours:.2f} s, max "
            f"{max(results['portfolio page'][mode]):.2f} s; start page median {baseline:.2f} s; "
            f"ratio {ours / baseline:.2f}" + ("  (goal ≤ 1.5 s)" if mode == "warm" else "")
        )
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
