"""Benchmark (not a test): a maturity-analysis workshop.

1. 30 participants joining at once: the server is started as `nyttolib serve --workshop … --participants 30`
   does; once its pool is ready, 30 requests for the participants' page arrive at the same moment. We time
   until all 30 pages are delivered, each rendered by a kernel that has run the page for that request
   (every page holds the executed cell's widget; the widgets' state then comes over the websocket).
   Baseline in the same run: one page requested alone (median of 5). Memory: the server and all its
   kernels, as PSS (shared pages counted once) and as RSS.
2. Time to interactive in Chromium for 5 pages opened at the same moment (join form's button usable),
   against one page alone, in the same browser.
3. Memory after 30 reloads of a participant's page in Chromium (each reload ends the page's kernel by
   Voilà's shutdown request and takes a new one), against the server with its pool ready and one page open,
   and against the same 30 reloads with the shutdown refused as it was before issue 11 (the `_xsrf` cookie
   missing: a 403, the kernel left until culled). Run alone: `bench_workshop.py reloads`.
4. Compilation of 50 answers × 60 statements: `compile_answers`, and the whole facilitator compilation
   with charts and the report HTML, against a bare loop of `statistics.median` over the same answers.

Run: make bench-workshop  (or .venv/bin/python bench/bench_workshop.py)
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import platform
import random
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from nyttolib.serve.server import SPARE_KERNELS, workshop_server_options  # noqa: E402
from nyttolib.survey.questionnaire import Dimension, Questionnaire, ScaleLevel, Statement  # noqa: E402
from nyttolib.survey.statistics import compile_answers, statement_key  # noqa: E402
from nyttolib.survey.store import WorkshopStore  # noqa: E402

from browser import CHROMIUM, CHROMIUM_ARGS, voila_server  # noqa: E402

PARTICIPANTS = 30
RUNS = 5
RELOADS = 30


def processes_of(root_pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root_pid]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def memory_mb(pids: list[int]) -> tuple[float, float]:
    """(PSS, RSS) summed over the processes, in MB."""
    pss = rss = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1])
                elif line.startswith("Rss:"):
                    rss += int(line.split()[1])
        except OSError:
            continue
    return pss / 1024, rss / 1024


def available_mb() -> float:
    """MemAvailable: what the machine can still give; the server's share is the drop from before it started."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def kernel_count(pids: list[int]) -> int:
    count = 0
    for pid in pids:
        try:
            if b"ipykernel_launcher" in Path(f"/proc/{pid}/cmdline").read_bytes():
                count += 1
        except OSError:
            continue
    return count


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError):
            continue
    return total / 100


def server_pid(port: int) -> int:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if f"--port={port}".encode() in command and b"ipykernel" not in command:
                return int(entry.name)
    raise RuntimeError("no server process")


def wait_until_idle(url: str, kernels: int) -> float:
    """Wait until the pool holds `kernels` kernels and they have stopped working (preheated); seconds taken."""
    port = int(url.rstrip("/").rsplit(":", 1)[1])
    pid = server_pid(port)
    start = time.perf_counter()
    while kernel_count(processes_of(pid)) < kernels:
        time.sleep(0.5)
    before = cpu_seconds(processes_of(pid))
    while True:
        time.sleep(2)
        now = cpu_seconds(processes_of(pid))
        if now - before < 0.2:
            return time.perf_counter() - start
        before = now


def fetch(address: str) -> tuple[float, str]:
    start = time.perf_counter()
    with urllib.request.urlopen(address, timeout=120) as response:
        body = response.read().decode("utf-8")
    return time.perf_counter() - start, body


def rendered(body: str) -> bool:
    """The page holds the executed cell's widget (the kernel has run the page for this request)."""
    return "application/vnd.jupyter.widget-view+json" in body and "There was an error" not in body


def bench_joining(url: str, join_code: str) -> dict:
    port = int(url.rstrip("/").rsplit(":", 1)[1])
    pid = server_pid(port)
    address = f"{url}voila/render/delta.ipynb?kod={join_code}"
    fill = wait_until_idle(url, PARTICIPANTS + 1)
    available_ready = available_mb()
    idle_pss, idle_rss = memory_mb(processes_of(pid))
    with concurrent.futures.ThreadPoolExecutor(PARTICIPANTS) as pool:
        start = time.perf_counter()
        results = list(pool.map(fetch, [address] * PARTICIPANTS))
        all_delivered = time.perf_counter() - start
    assert all(rendered(body) for _, body in results), "a page came without its form"
    busy_pss, busy_rss = memory_mb(processes_of(pid))
    # Then the pool is topped up with the spare kernels for latecomers: the steady state of the workshop.
    wait_until_idle(url, PARTICIPANTS + 1 + SPARE_KERNELS)
    settled_pss, settled_rss = memory_mb(processes_of(pid))
    available_settled = available_mb()
    kernels = kernel_count(processes_of(pid))
    return {
        "fill": fill,
        "all": all_delivered,
        "slowest": max(t for t, _ in results),
        "idle": (idle_pss, idle_rss),
        "busy": (busy_pss, busy_rss),
        "settled": (settled_pss, settled_rss),
        "available": (available_ready, available_settled),
        "kernels": kernels,
    }


def bench_single(url: str, join_code: str) -> float:
    """One page alone, preheated kernel, waiting for the pool to be refilled between runs."""
    address = f"{url}voila/render/delta.ipynb?kod={join_code}"
    times = []
    for _ in range(RUNS):
        wait_until_idle(url, 21)
        seconds, body = fetch(address)
        assert rendered(body)
        times.append(seconds)
    return statistics.median(times)


async def _time_to_interactive(url: str, pages: int) -> list[float]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = await browser.new_context(locale="sv-SE")
        warm = await context.new_page()  # the browser's cache holds Voilà's scripts, as after a first page
        await warm.goto(f"{url}voila/render/delta.ipynb")
        await warm.get_by_role("button", name="Fortsätt").wait_for(timeout=120_000)
        await warm.close()

        async def one() -> float:
            page = await context.new_page()
            start = time.perf_counter()
            await page.goto(f"{url}voila/render/delta.ipynb")
            button = page.get_by_role("button", name="Fortsätt")
            await button.wait_for(timeout=120_000)
            assert await button.is_enabled()
            return time.perf_counter() - start

        times = await asyncio.gather(*[one() for _ in range(pages)])
        await browser.close()
        return list(times)


def settle(pid: int, timeout: float = 300) -> None:
    """Wait until the server and its kernels are idle and the number of kernels has stopped changing."""
    deadline = time.monotonic() + timeout
    before = (kernel_count(processes_of(pid)), cpu_seconds(processes_of(pid)))
    while time.monotonic() < deadline:
        time.sleep(3)
        now = (kernel_count(processes_of(pid)), cpu_seconds(processes_of(pid)))
        if now[0] == before[0] and now[1] - before[1] < 0.3 + 0.02 * now[0]:  # idle kernels tick a little
            return
        before = now


async def _reloads(url: str) -> dict:
    """One participants' page in Chromium, open throughout: memory once the server is idle with it open,
    after RELOADS reloads (each until the form is usable), and after RELOADS more with the `_xsrf` cookie
    dropped before each, so that the shutdown fails its xsrf check as it did before issue 11."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout
    from playwright.async_api import async_playwright

    pid = server_pid(int(url.rstrip("/").rsplit(":", 1)[1]))

    def measure() -> tuple[float, float, int]:
        settle(pid)
        return (*memory_mb(processes_of(pid)), kernel_count(processes_of(pid)))

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = await browser.new_context(locale="sv-SE")
        page = await context.new_page()
        page.set_default_navigation_timeout(180_000)  # a loaded machine is slow
        settle(pid)  # the pools are filled and preheated
        await page.goto(f"{url}voila/render/delta.ipynb")
        await page.get_by_role("button", name="Fortsätt").wait_for(timeout=120_000)
        result = {"baseline": measure()}
        print_reload_line("baseline, pool ready, one page open", result["baseline"], result["baseline"])
        for key, refuse in (("shutdown", False), ("refused", True)):
            times = []
            try:
                for _ in range(RELOADS):
                    if refuse:
                        await context.clear_cookies()
                    start = time.perf_counter()
                    await page.reload()
                    await page.get_by_role("button", name="Fortsätt").wait_for(timeout=120_000)
                    times.append(time.perf_counter() - start)
            except PlaywrightTimeout:
                print(f"({key}: reload {len(times) + 1} did not finish within 3 minutes)")
            result[key] = (*measure(), len(times), statistics.median(times) if times else float("nan"))
            print_reload_line(RELOAD_PHASES[key], result[key], result["baseline"])
        await browser.close()
    return result


def bench_reloads(data: Path) -> dict:
    """Memory of the server and its kernels around RELOADS reloads, with the shutdown working and refused
    (same server, same run; the refused kernels would be culled only minutes later)."""
    with voila_server(data, **workshop_server_options(2)) as url:
        return asyncio.run(_reloads(url))


RELOAD_PHASES = {"shutdown": "each reload ends its kernel", "refused": "shutdown refused (before issue 11)"}


def print_reload_line(what: str, measured: tuple, baseline: tuple) -> None:
    pss, rss, kernels, *reloads = measured
    done = f"; {reloads[0]} reloads, median {reloads[1]:.2f} s each" if reloads else ""
    print(
        f"{what}: PSS {pss:.0f} MB (ratio {pss / baseline[0]:.2f}), RSS {rss:.0f} MB, {kernels} kernels{done}",
        flush=True,
    )


def synthetic(statements: int = 60, per_dimension: int = 6) -> Questionnaire:
    dimensions = [
        Dimension(
            id=f"d{d}",
            title=f"Dimension {d + 1}",
            next_level="Nästa nivå.",
            statements=[Statement(id=f"s{s}", text=f"Påstående {d + 1}.{s + 1}") for s in range(per_dimension)],
        )
        for d in range(statements // per_dimension)
    ]
    scale = [ScaleLevel(value=v, label=str(v)) for v in range(1, 6)]
    return Questionnaire(id="bench", title="Bench", gap_analysis=True, scale=scale, dimensions=dimensions)


def bench_compilation() -> dict:
    from nyttolib.survey.report import compile_parts, render_workshop_html

    questionnaire = synthetic()
    rng = random.Random(7)
    roles = ["Chef", "IT", "Handläggare", "Projektledare"]
    responses = []
    for _ in range(50):
        answers = {
            statement_key(d.id, s.id): {"now": rng.choice([1, 2, 3, 4, 5, "vet_ej"]), "target": rng.randint(3, 5)}
            for d, s in questionnaire.statements()
        }
        responses.append({"role": rng.choice(roles), "answers": answers})

    def bare() -> None:
        for dimension, statement in questionnaire.statements():
            key = statement_key(dimension.id, statement.id)
            for question in ("now", "target"):
                values = [r["answers"][key][question] for r in responses]
                statistics.median([v for v in values if isinstance(v, int)])

    def timed(function, runs: int = 7) -> float:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            function()
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    baseline = timed(bare)
    compile_time = timed(lambda: compile_answers(questionnaire, responses))
    with tempfile.TemporaryDirectory() as directory, WorkshopStore(directory) as store:
        workshop = store.create("Bench", questionnaire.id, "2026-11-22")
        for response in responses:
            token = store.join(workshop.join_code, role=response["role"])
            store.save_answers(token, response["answers"], submit=True)
        stored = store.responses_of(workshop.id)
        compile_parts(questionnaire, stored)  # matplotlib imported once, as in a running kernel
        with_charts = timed(lambda: compile_parts(questionnaire, stored), runs=5)
        import nyttolib.survey.report as report

        original = report.compare
        report.compare = lambda *a, **k: None  # the synthetic questionnaire is not in the questionnaire folder
        try:
            page = timed(lambda: render_workshop_html(store, questionnaire, workshop), runs=5)
        finally:
            report.compare = original
    return {"baseline": baseline, "compile": compile_time, "charts": with_charts, "report": page}


def main() -> None:
    if sys.argv[1:] == ["reloads"]:
        with tempfile.TemporaryDirectory() as directory:
            print(f"# Workshop benchmark, reloads only, {time.strftime('%Y-%m-%d')}, {platform.node()}")
            print(f"\n## Memory around {RELOADS} reloads of the participants' page (server and kernels)")
            bench_reloads(Path(directory))
        return
    print(f"# Workshop benchmark, {time.strftime('%Y-%m-%d')}, {platform.node()}, {platform.processor() or ''}")
    with open("/proc/cpuinfo") as cpuinfo:
        model = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "?")
    print(f"machine: {model}, {len(__import__('os').sched_getaffinity(0))} cores, Python {platform.python_version()}")

    compilation = bench_compilation()
    print("\n## Compilation of 50 answers × 60 statements (median of 7/5)")
    print(f"bare statistics.median loop (baseline): {compilation['baseline'] * 1000:.1f} ms")
    print(
        f"compile_answers: {compilation['compile'] * 1000:.1f} ms "
        f"(ratio {compilation['compile'] / compilation['baseline']:.1f})"
    )
    print(f"facilitator compilation with 5 charts: {compilation['charts'] * 1000:.0f} ms")
    print(f"workshop report HTML: {compilation['report'] * 1000:.0f} ms")

    with tempfile.TemporaryDirectory() as directory:
        data = Path(directory)
        with WorkshopStore(data) as store:
            workshop = store.create("Benchworkshop", "mognadsanalys-nyttorealisering", "2026-11-22")
        before_server = available_mb()
        with voila_server(data, **workshop_server_options(PARTICIPANTS, workshop.id)) as url:
            joining = bench_joining(url, workshop.join_code)
        print(f"\n## {PARTICIPANTS} participants joining at once (pool of {PARTICIPANTS})")
        print(f"pool ready after server start: {joining['fill']:.1f} s")
        print(f"all {PARTICIPANTS} pages delivered: {joining['all']:.2f} s (slowest single {joining['slowest']:.2f} s)")
        print(
            f"memory, pool ready: PSS {joining['idle'][0]:.0f} MB, RSS {joining['idle'][1]:.0f} MB; "
            f"right after joining: PSS {joining['busy'][0]:.0f} MB, RSS {joining['busy'][1]:.0f} MB"
        )
        print(
            f"memory with the {SPARE_KERNELS} spare kernels started: PSS {joining['settled'][0]:.0f} MB, "
            f"RSS {joining['settled'][1]:.0f} MB, {joining['kernels']} kernels"
        )
        print(
            f"machine's available memory taken by the server: {before_server - joining['available'][0]:.0f} MB "
            f"with the pool ready, {before_server - joining['available'][1]:.0f} MB after joining and refill"
        )
        # A pool large enough for every page below (used kernels are refilled only after the joining).
        with voila_server(data, **workshop_server_options(20, workshop.id)) as url:
            wait_until_idle(url, 21)
            single = bench_single(url, workshop.join_code)
            print(
                f"baseline: one page alone: {single:.2f} s; ratio all {PARTICIPANTS} / one: "
                f"{joining['all'] / single:.1f}"
            )
            wait_until_idle(url, 21)
            alone = [asyncio.run(_time_to_interactive(url, 1))[0] for _ in range(3)]
            wait_until_idle(url, 21)
            five = asyncio.run(_time_to_interactive(url, 5))
        print("\n## Time to interactive in Chromium (join form usable), warm browser cache")
        print(f"one page alone (median of 3): {statistics.median(alone):.2f} s")
        print(
            f"5 pages at once: median {statistics.median(five):.2f} s, slowest {max(five):.2f} s "
            f"(ratio slowest / alone {max(five) / statistics.median(alone):.1f})"
        )
        print(f"\n## Memory around {RELOADS} reloads of the participants' page (server and kernels)")
        bench_reloads(data)


if __name__ == "__main__":
    main()
