"""Helpers for browser tests: a Voilà server started from the repo's own config, and Debian's chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> None:
    """Browser tests run wherever chromium is; in CI its absence is a failure, not a skip."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} saknas: .ci/run ska installera Debian-paketet chromium")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def voila_server(
    data_dir: Path,
    *arguments: str,
    extra: list[str] | None = None,
    notebooks: Path | None = None,
    module: str | None = None,
    environment: dict[str, str] | None = None,
) -> Iterator[str]:
    """Start the app as `make app` does (`nyttolib serve`: repo config, templates, preheated kernels);
    with `**workshop_server_options(n)` as `nyttolib serve --workshop` does."""
    from nyttolib.serve.server import NOTEBOOKS, VOILA_MODULE, server_environment, voila_command

    port = free_port()
    # The server's output goes to a file: a pipe nobody reads fills up (64 KB) and then blocks the server
    # mid-request, so a long test would hang on a page that never renders.
    log_path = Path(tempfile.mkstemp(prefix="nyttolib-voila-", suffix=".log")[1])
    log = log_path.open("w")
    process = subprocess.Popen(
        voila_command(
            port=port,
            open_browser=False,
            extra=[*arguments, *(extra or [])],
            notebooks=notebooks or NOTEBOOKS,
            module=module or VOILA_MODULE,
        ),
        cwd=ROOT,
        env={**server_environment(str(data_dir)), **(environment or {})},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "nyttolib-ping", timeout=1):
                    pass
            except urllib.error.HTTPError:
                break  # any HTTP answer (here 404) means the server is up; "/" would start a kernel
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"Voilà did not start: {_tail(log_path)}") from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        if os.environ.get("NYTTOLIB_KEEP_SERVER_LOG"):
            print(f"server log: {log_path} ({log_path.stat().st_size} bytes)")
        else:
            log_path.unlink(missing_ok=True)


def _tail(path: Path, size: int = 20_000) -> str:
    text = path.read_text(errors="replace")
    return text[-size:]


def page_url(base: str, notebook: str, query: str = "") -> str:
    return f"{base}voila/render/{notebook}" + (f"?{query}" if query else "")


def kernel_pids(kernel_id: str) -> list[int]:
    """Process ids of the kernel with this id (its connection file names it)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if f"kernel-{kernel_id}" in command:
                pids.append(int(entry.name))
    return pids


def wait_for(predicate, timeout: float = 20.0, interval: float = 0.2, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {message}")
        time.sleep(interval)


@contextmanager
def browser_page(viewport: tuple[int, int] = (1200, 900)):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, locale="sv-SE")
            context.set_default_timeout(60_000)  # a loaded 2-core CI machine is slow, not broken
            yield context.new_page()
        finally:
            browser.close()


# axe-core with all its rules: WCAG A/AA (2.0, 2.1, 2.2), best practice (landmarks, heading order, `region`, …)
# and the rules axe ships switched off (target-size). Left out: rules tagged experimental (unfinished, known
# false positives), deprecated (replaced by others) and WCAG AAA (our bar is AA: 7:1 contrast is not required).
AXE_LEFT_OUT_TAGS = ("experimental", "deprecated", "wcag2aaa")
AXE_RULES_SCRIPT = f"axe.getRules().filter(r => !r.tags.some(t => {list(AXE_LEFT_OUT_TAGS)!r}.includes(t)))"


def axe_rules(page) -> list[str]:
    """The ids of the rules every axe check runs (axe is injected into the page first)."""
    from axe_playwright_python.sync_playwright import Axe

    page.evaluate(Axe().axe_script)
    return page.evaluate(f"{AXE_RULES_SCRIPT}.map(r => r.ruleId)")


def axe_violations(page) -> list[str]:
    """axe-core's violations on the page as it is now, one readable line per rule."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "rule", "values": axe_rules(page)}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} ({len(v['nodes'])}×, t.ex. {v['nodes'][0]['target']}: "
        f"{v['nodes'][0]['html'][:160]})"
        for v in results.response["violations"]
    ]


def assert_no_axe_violations(found: dict[str, list[str]]) -> None:
    """Every page checked by name, every violation on a line of its own."""
    failing = {name: lines for name, lines in found.items() if lines}
    assert not failing, "\n".join(f"{name}:\n  " + "\n  ".join(lines) for name, lines in failing.items())
