"""Benchmark (not a test): time until the guided form's first step is interactive in Chromium.

Baseline, measured in the same run: a bare Voilà page (default settings, no preheated kernels) of a
notebook with 30 widgets. "Interactive" means the same thing for both: the page's input is visible
and editable (the start page: its "Ny bedömning" link), timed by the browser's own clock from the
start of navigation (so the test driver's overhead is not counted). Medians of 5 page loads, in modes:
- cold: each load in a fresh browser context (empty cache: a user's very first page);
- warm: one tab that goes to the page again and again (every later page a user opens);
- throttled cold: cold, over Chromium's network emulation (CDP Network.emulateNetworkConditions,
  20 Mbit/s and 40 ms latency: a municipal network rather than localhost);
- burst of 3: three new visitors open the start page within 2 s (each a fresh context), three times;
  the median and the slowest of the nine; and for the same visitors the time to the page's first byte,
  the server's part (the browsers share this machine's cores with the server; users' do not).
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
THROTTLE = {"latency_ms": 40, "mbit_per_s": 20}  # a municipal network: 20 Mbit/s, 40 ms round trip
BURST_OFFSETS = (0.0, 0.9, 1.8)  # three visitors within 2 s
BURSTS = 3
TIMEOUT_MS = 600_000  # a loaded 2-core machine is slow, not broken
BARE_CODE = (
    "import ipywidgets as w\n"
    "w.VBox([w.Text(description=f'Fält {i}') for i in range(29)] + [w.Text(description='Sista fältet')])"
)

# When the page is usable, by the page's own clock (ms since its navigation started):
# a labelled input that is enabled, or (the start page) its "Ny bedömning" link.
MARK_READY = """
([kind, text]) => { window.__ready = null;
  const ready = () => kind === 'label'
    ? [...document.querySelectorAll('label')].some(l => l.textContent === text && l.control && !l.control.disabled)
    : [...document.querySelectorAll('a')].some(a => a.textContent === text);
  new MutationObserver((_m, observer) => {
    if (ready()) { window.__ready = performance.now(); observer.disconnect(); }
  }).observe(document, {subtree: true, childList: true, attributes: true});
}
"""
FORM = ("label", "Initiativets namn")
START = ("link", "Ny bedömning")
BARE = ("label", "Sista fältet")


def wait_ready(page) -> float:
    """Seconds from navigation start until the page was usable."""
    page.wait_for_function("window.__ready !== null && window.__ready !== undefined", timeout=TIMEOUT_MS)
    return page.evaluate("window.__ready") / 1000


def load(page, url: str) -> float:
    page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
    return wait_ready(page)


def new_page(context, ready: tuple[str, str], throttled: bool = False):
    page = context.new_page()
    page.add_init_script(f"({MARK_READY})({list(ready)!r})")
    if throttled:
        session = context.new_cdp_session(page)
        session.send("Network.enable")
        rate = THROTTLE["mbit_per_s"] * 1_000_000 / 8
        session.send(
            "Network.emulateNetworkConditions",
            {"offline": False, "latency": THROTTLE["latency_ms"], "downloadThroughput": rate, "uploadThroughput": rate},
        )
    return page


def cold_loads(browser, url: str, ready, pause: float, throttled: bool = False) -> list[float]:
    """Each load in a fresh browser context: an empty cache, a user's very first page."""
    times = []
    for _ in range(RUNS):
        time.sleep(pause)
        context = browser.new_context()
        times.append(load(new_page(context, ready, throttled), url))
        context.close()
    return times


def warm_loads(browser, url: str, ready, pause: float) -> list[float]:
    """One tab that goes to the page again and again: every later page a user opens."""
    context = browser.new_context()
    page = new_page(context, ready)
    time.sleep(pause)
    load(page, url)
    times = []
    for _ in range(RUNS):
        time.sleep(pause)
        times.append(load(page, url))
    context.close()
    return times


#: The server's part of a visit: ms from navigation start to the page's first byte (a preheated kernel
#: answers at once; a visitor who finds the pool empty waits here for a kernel to start).
FIRST_BYTE = "performance.getEntriesByType('navigation')[0].responseStart"
FIRST_BYTES: list[float] = []


def bursts(browser, url: str, ready, pause: float) -> list[float]:
    """Three new visitors within 2 s (each a fresh context), BURSTS times: every visitor's time."""
    times = []
    for _ in range(BURSTS):
        time.sleep(pause)
        contexts = [browser.new_context() for _ in BURST_OFFSETS]
        pages = [new_page(context, ready) for context in contexts]
        started = time.monotonic()
        for page, offset in zip(pages, BURST_OFFSETS, strict=True):
            time.sleep(max(0.0, started + offset - time.monotonic()))
            page.evaluate(f"window.location.href = {url!r}")  # navigate without waiting for it
        times.extend(wait_ready(page) for page in pages)
        FIRST_BYTES.extend(page.evaluate(FIRST_BYTE) / 1000 for page in pages)
        for context in contexts:
            context.close()
    return times


MODES = ("cold", "warm", "throttled cold", "burst of 3")
BURST_FIRST_BYTE = "burst of 3, first byte"


def measure(browser, url: str, ready, pause: float, burst_url: str, burst_ready, burst_pause: float, modes) -> dict:
    runs = {
        "cold": lambda: cold_loads(browser, url, ready, pause),
        "warm": lambda: warm_loads(browser, url, ready, pause),
        "throttled cold": lambda: cold_loads(browser, url, ready, pause, throttled=True),
        "burst of 3": lambda: bursts(browser, burst_url, burst_ready, burst_pause),
    }
    results = {}
    for mode in modes:
        results[mode] = runs[mode]()
        if mode == "burst of 3":
            results[BURST_FIRST_BYTE], FIRST_BYTES[:] = list(FIRST_BYTES), []
        for name in (mode, BURST_FIRST_BYTE) if mode == "burst of 3" else (mode,):
            print(f"  {name}: {', '.join(f'{t:.2f}' for t in results[name])}", flush=True)
    return results


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
    wait_until_listening(port, process)
    return process, f"http://127.0.0.1:{port}/"


def wait_until_listening(port: int, process: subprocess.Popen, timeout: float = 180) -> None:
    """A loaded machine takes its time to import Voilà: wait for the port instead of a fixed pause."""
    import socket

    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the bare Voilà server did not start") from None
            time.sleep(0.3)


def report(bare: dict, ours: dict) -> None:
    what = {
        "cold": "first step interactive, fresh context",
        "warm": "first step interactive, same tab again",
        "throttled cold": f"fresh context over {THROTTLE['mbit_per_s']} Mbit/s, {THROTTLE['latency_ms']} ms",
        "burst of 3": f"start page, 3 visitors within 2 s ×{BURSTS} (bare: its page)",
        BURST_FIRST_BYTE: "the same visitors: until the server's first byte (its part of the wait)",
    }
    for mode in bare:
        bare_median, ours_median = statistics.median(bare[mode]), statistics.median(ours[mode])
        print(f"[{mode}] {what[mode]}")
        print(f"    bare Voilà page, no preheat: median {bare_median:.2f} s, max {max(bare[mode]):.2f} s "
              f"(runs {', '.join(f'{t:.2f}' for t in bare[mode])})")
        print(f"    nyttolib:                    median {ours_median:.2f} s, max {max(ours[mode]):.2f} s "
              f"(runs {', '.join(f'{t:.2f}' for t in ours[mode])})")
        print(f"    ratio nyttolib / bare page: {ours_median / bare_median:.2f}  (goal ≤ 0.75 and ≤ 1.5 s)")


def main() -> None:
    """`bench_form.py` runs every mode; `bench_form.py "throttled cold" "burst of 3"` only those."""
    from playwright.sync_api import sync_playwright

    modes = [mode for mode in MODES if mode in sys.argv[1:]] or list(MODES)

    print(
        f"nyttolib form benchmark – {time.strftime('%Y-%m-%d')} – {platform.node()} – {platform.machine()}, "
        f"{__import__('os').cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {__import__('os').getloadavg()[0]:.1f}",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as work, sync_playwright() as playwright:
        work_dir = Path(work)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        process, bare_url = bare_server(work_dir)
        try:
            context = browser.new_context()
            load(new_page(context, BARE), bare_url)  # the server's first page
            context.close()
            print("bare Voilà page:", flush=True)
            bare = measure(browser, bare_url, BARE, 1, bare_url, BARE, 4, modes)
        finally:
            process.terminate()
            process.wait()
        with voila_server(work_dir / "data") as url:
            time.sleep(10)  # let the preheated pools fill
            print("nyttolib:", flush=True)
            form, start = f"{url}voila/render/bedomning.ipynb", f"{url}voila/render/start.ipynb"
            ours = measure(browser, form, FORM, 4, start, START, 12, modes)
        browser.close()
    report(bare, ours)


if __name__ == "__main__":
    main()
