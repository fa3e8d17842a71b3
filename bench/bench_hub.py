"""Benchmark (not a test): nyttolib under a real JupyterHub (deploy/jupyterhub_config.py as tests/hubserver.py
runs it: dummy login, local processes, configurable-http-proxy).

1. Time from the login POST (the click on "Sign in") to the start page interactive (its upload button shown,
   i.e. the widgets came over the kernel's websocket), for USERS users one after the other, each in a
   browser context of their own: the hub spawns their server, the server renders the page in a new kernel.
   Median. Baseline in the same run: the same page from plain `nyttolib serve` (preheated kernels), opened
   fresh in a new context, median of USERS visits; and the same user logging in again while their server
   still runs (no spawn).
2. Memory per logged-in user with the start page open: RSS (and PSS, shared pages counted once) of every
   process whose environment names the user (their single-user server and the page's kernel). Median.

Run: .venv/bin/python bench/bench_hub.py  (on a quiet machine: check `uptime`)
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

from browser import CHROMIUM, CHROMIUM_ARGS, page_url, voila_server  # noqa: E402
from hubserver import PASSWORD, jupyterhub  # noqa: E402

USERS = 5


def interactive(page) -> None:
    page.get_by_role("button", name="Importera en .json-fil").wait_for(timeout=300_000)


def log_in(browser, hub, name: str) -> tuple[float, object]:
    """Seconds from the login POST to the start page interactive; the context stays open (the page too)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    context.set_default_timeout(300_000)
    page = context.new_page()
    page.goto(hub.url + "hub/login")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    start = time.perf_counter()
    page.get_by_role("button", name="Sign in").click()
    interactive(page)
    return time.perf_counter() - start, context


def processes_of_user(name: str) -> list[int]:
    """Every process started for the hub user: the spawner sets JUPYTERHUB_USER, the kernel inherits it."""
    found = []
    marker = f"JUPYTERHUB_USER={name}".encode()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def memory_mb(pids: list[int]) -> tuple[float, float]:
    """RSS and PSS of these processes, in MB."""
    rss = pss = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            continue
    return rss / 1024, pss / 1024


def bench_plain(browser) -> list[float]:
    """The same start page from `nyttolib serve` (what `make app` runs), each visit in a fresh context."""
    times = []
    with tempfile.TemporaryDirectory() as data, voila_server(Path(data)) as url:
        warm = browser.new_context()
        warm.set_default_timeout(300_000)  # the pools start their kernels
        warm.new_page().goto(page_url(url, "start.ipynb"))  # wait for the pool: the first kernels start here
        interactive(warm.pages[0])
        warm.close()
        for _ in range(USERS):
            time.sleep(3)  # the pool refills (fill_delay 2 s)
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
            context.set_default_timeout(300_000)
            page = context.new_page()
            start = time.perf_counter()
            page.goto(page_url(url, "start.ipynb"))
            interactive(page)
            times.append(time.perf_counter() - start)
            context.close()
    return times


def main() -> None:
    from playwright.sync_api import sync_playwright

    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        plain = bench_plain(browser)
        with tempfile.TemporaryDirectory() as directory, jupyterhub(Path(directory)) as hub:
            names = [f"user{i}" for i in range(USERS)]
            logins, contexts = [], []
            for name in names:
                seconds, context = log_in(browser, hub, name)
                logins.append(seconds)
                contexts.append(context)
            time.sleep(5)  # the pages settle (widgets rendered, nothing pending)
            memory = [memory_mb(processes_of_user(name)) for name in names]
            counts = [len(processes_of_user(name)) for name in names]
            again, context = log_in(browser, hub, names[0])  # a second tab, the server already running
            context.close()
            for context in contexts:
                context.close()
        browser.close()
    rss = [m[0] for m in memory]
    pss = [m[1] for m in memory]
    print(f"load after: {os.getloadavg()[0]:.1f}")
    print(
        f"login → start page interactive, hub (spawn + render): median {statistics.median(logins):.2f} s "
        f"(min {min(logins):.2f}, max {max(logins):.2f}, {USERS} users)"
    )
    print(f"login again, server running:                          {again:.2f} s")
    print(
        f"baseline, `nyttolib serve` start page (preheated):    median {statistics.median(plain):.2f} s "
        f"(min {min(plain):.2f}, max {max(plain):.2f})"
    )
    print(f"ratio hub / baseline: {statistics.median(logins) / statistics.median(plain):.1f}×")
    print(
        f"memory per logged-in user (server + page kernel, {statistics.median(counts):.0f} processes): "
        f"RSS median {statistics.median(rss):.0f} MB (min {min(rss):.0f}, max {max(rss):.0f}), "
        f"PSS median {statistics.median(pss):.0f} MB"
    )


if __name__ == "__main__":
    main()
