"""Benchmark (not a test): time until the guided form's first step is interactive in Chromium.

Baseline, measured in the same run: a bare Voilà page (default settings, no preheated kernels) of a
notebook with 30 widgets. "Interactive" means the same thing for both: the page's input is visible
and editable, timed by the browser's own clock from the start of navigation (so the test driver's
overhead is not counted). Each figure is the median of 5 page loads, in two modes:
- cold: each load in a fresh browser context (empty cache: a user's very first page);
- warm: one tab that goes to the page again and again (every later page a user opens).
Between loads we wait until the preheated pool is full again, as it is for spaced-out real requests.

Run: make bench-form  (or .venv/bin/python bench/bench_form.py)
"""

from __future__ import annotations

import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from browser import CHROMIUM, CHROMIUM_ARGS, free_port, voila_server  # noqa: E402

RUNS = 5
BARE_CODE = (
    "import ipywidgets as w\n"
    "w.VBox([w.Text(description=f'Fält {i}') for i in range(29)] + [w.Text(description='Sista fältet')])"
)


MARK_INPUT = """
(label) => { window.__ready = null;
  new MutationObserver((_m, observer) => {
    const found = [...document.querySelectorAll('label')].find(l => l.textContent === label);
    if (found && found.control && !found.control.disabled) {
      window.__ready = performance.now();
      observer.disconnect();
    }
  }).observe(document, {subtree: true, childList: true, attributes: true});
}
"""


def load(page, url: str, label: str) -> float:
    """Seconds from navigation start until the labelled input is in the page and enabled."""
    page.goto(url)
    page.get_by_label(label, exact=True).first.wait_for(state="visible", timeout=60_000)
    assert page.get_by_label(label, exact=True).first.is_editable()
    return page.evaluate("window.__ready") / 1000


def new_page(context, label: str):
    page = context.new_page()
    page.add_init_script(f"({MARK_INPUT})({label!r})")
    return page


def measure(browser, url: str, label: str, pause: float) -> dict[str, list[float]]:
    """Median-ready timings, cold and warm; `pause` lets a preheated pool refill between loads."""
    cold = []
    for _ in range(RUNS):
        time.sleep(pause)
        context = browser.new_context()
        cold.append(load(new_page(context, label), url, label))
        context.close()
    context = browser.new_context()
    page = new_page(context, label)
    time.sleep(pause)
    load(page, url, label)
    warm = []
    for _ in range(RUNS):
        time.sleep(pause)
        warm.append(load(page, url, label))
    context.close()
    return {"cold": cold, "warm": warm}


def bare_server(directory: Path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(BARE_CODE)]
    nbformat.write(notebook, directory / "bare.ipynb")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "voila", "bare.ipynb", f"--port={port}", "--no-browser"],
        cwd=directory,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return process, f"http://127.0.0.1:{port}/"


def main() -> None:
    from playwright.sync_api import sync_playwright

    print(
        f"nyttolib form benchmark – {time.strftime('%Y-%m-%d')} – {platform.node()} – {platform.machine()}, "
        f"{__import__('os').cpu_count()} cores, Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory() as work, sync_playwright() as playwright:
        work_dir = Path(work)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        process, bare_url = bare_server(work_dir)
        try:
            time.sleep(4)
            context = browser.new_context()
            load(new_page(context, "Sista fältet"), bare_url, "Sista fältet")  # the server's first page
            context.close()
            bare = measure(browser, bare_url, "Sista fältet", pause=1)
        finally:
            process.terminate()
            process.wait()
        with voila_server(work_dir / "data") as url:
            form_url = f"{url}voila/render/bedomning.ipynb"
            time.sleep(6)  # let the preheated pools fill
            ours = measure(browser, form_url, "Initiativets namn", pause=4)
        browser.close()
    for mode in ("cold", "warm"):
        bare_median, ours_median = statistics.median(bare[mode]), statistics.median(ours[mode])
        print(
            f"[{mode}] bare Voilà page, 30 widgets, no preheat: median {bare_median:.2f} s "
            f"(runs {', '.join(f'{t:.2f}' for t in bare[mode])})"
        )
        print(
            f"[{mode}] guided form, first step interactive:     median {ours_median:.2f} s "
            f"(runs {', '.join(f'{t:.2f}' for t in ours[mode])})"
        )
        print(f"[{mode}] ratio form / bare page: {ours_median / bare_median:.2f}  (goal ≤ 0.75 and ≤ 1.5 s)")


if __name__ == "__main__":
    main()
