"""A real JupyterHub for the tests and the bench: deploy/jupyterhub_config.py with the dummy login (a password),
local processes instead of systemd units, configurable-http-proxy from npm, and a data dir of the test's."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from browser import ROOT, free_port

DEPLOY_CONFIG = ROOT / "deploy" / "jupyterhub_config.py"
CHP_CACHE = Path.home() / ".cache" / "nyttolib-test" / "chp"
PASSWORD = "hemligt-lösenord-för-test"


def configurable_http_proxy() -> str | None:
    """The proxy on PATH, or installed by npm into a cache folder (once), or None without node/npm."""
    found = shutil.which("configurable-http-proxy")
    if found:
        return found
    cached = CHP_CACHE / "node_modules" / ".bin" / "configurable-http-proxy"
    if cached.exists():
        return str(cached)
    if not shutil.which("npm"):
        return None
    CHP_CACHE.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--silent", "configurable-http-proxy"],
        cwd=CHP_CACHE,
        check=True,
        capture_output=True,
        timeout=600,
    )
    return str(cached) if cached.exists() else None


def require_proxy() -> str:
    """The proxy's command; without node/npm a skip, except on CI, where it is a failure."""
    proxy = configurable_http_proxy()
    if proxy is None:
        message = "configurable-http-proxy saknas och npm finns inte (apt-get install nodejs npm)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return proxy


@dataclass
class Hub:
    url: str  # the proxy's public URL, ending in /
    directory: Path
    data_dir: Path
    log: Path

    def user_url(self, name: str, path: str = "") -> str:
        return f"{self.url}user/{name}/{path.lstrip('/')}"

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def _hub_config(directory: Path, proxy: str, port: int, data_dir: Path, groups: dict[str, list[str]]) -> str:
    environment = {
        "NYTTOLIB_DATA_DIR": str(data_dir),
        "PYTHONPATH": str(ROOT),  # this checkout's nyttolib, as the browser tests' Voilà gets it
        "PYTHONWARNINGS": "ignore::DeprecationWarning",
        "PATH": os.environ.get("PATH", ""),
        "LANG": "C.UTF-8",
    }
    root_args = ["--allow-root"] if os.geteuid() == 0 else []
    return f"""
load_subconfig({str(DEPLOY_CONFIG)!r})
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {PASSWORD!r}
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {str(directory / "home" / "{username}")!r}
c.Spawner.args = {root_args!r}
c.Spawner.environment = {environment!r}
c.Spawner.mem_limit = None
c.Spawner.cpu_limit = None
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_port = {free_port()}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{free_port()}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.JupyterHub.db_url = "sqlite:///{directory / "jupyterhub.sqlite"}"
c.JupyterHub.cookie_secret_file = {str(directory / "cookie_secret")!r}
c.JupyterHub.pid_file = {str(directory / "jupyterhub.pid")!r}
c.JupyterHub.load_groups = {{name: {{"users": users}} for name, users in {groups!r}.items()}}
c.JupyterHub.log_level = "INFO"
"""


@contextmanager
def jupyterhub(directory: Path, groups: dict[str, list[str]] | None = None) -> Iterator[Hub]:
    """Run the hub until the block ends; every user server it spawned stops with it."""
    proxy = require_proxy()
    directory.mkdir(parents=True, exist_ok=True)
    data_dir = directory / "data"
    data_dir.mkdir(exist_ok=True)
    port = free_port()
    config = directory / "jupyterhub_config.py"
    config.write_text(_hub_config(directory, proxy, port, data_dir, groups or {}), encoding="utf-8")
    log = directory / "hub.log"
    with log.open("w", encoding="utf-8") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(config)],
            cwd=directory,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    hub = Hub(f"http://127.0.0.1:{port}/", directory, data_dir, log)
    try:
        _wait_until_up(hub, process)
        yield hub
    finally:
        process.terminate()  # the hub stops the servers it spawned, then the proxy
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(hub: Hub, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(hub.url + "hub/api", timeout=2):
                return
        except (OSError, urllib.error.URLError):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"JupyterHub did not start:\n{hub.log_text()[-5000:]}") from None
            time.sleep(0.3)
