"""The server as `nyttolib serve` starts it: only its own host names (DNS rebinding, cross-site websockets),
static files gzipped and cacheable, and the preheated pools of voila.json."""

from __future__ import annotations

import asyncio
import gzip
import http.client
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from nyttolib.serve.hosts import REFUSED_HOST, REFUSED_ORIGIN, HostPolicy, host_name
from nyttolib.serve.server import server_environment, voila_command

from browser import ROOT, free_port, wait_for

pytestmark = pytest.mark.slow

FORGED = "evil.example"
CONFIGURED = "nyttolib.intra.example"  # given with --allow-host


# --- the policy itself ------------------------------------------------------------------------------


def test_host_names_are_read_without_port_brackets_or_case():
    assert host_name("LocalHost:8866") == "localhost"
    assert host_name("[::1]:8866") == "::1"
    assert host_name("evil.example.") == "evil.example"
    assert host_name("127.0.0.1") == "127.0.0.1"


def test_policy_allows_loopback_the_listen_address_and_configured_names_only():
    local = HostPolicy.for_server("127.0.0.1")
    for host in ("127.0.0.1:8866", "localhost:8866", "[::1]:8866", "127.0.0.2"):
        assert local.allows_host(host), host
    for host in (f"{FORGED}:8866", "localhost.evil.example", "192.168.1.5:8866", "10.0.0.1"):
        assert not local.allows_host(host), host

    named = HostPolicy.for_server("kommunens-dator.local", ["nyttolib.intra.kommun.se"])
    assert named.allows_host("kommunens-dator.local:8866")
    assert named.allows_host("NYTTOLIB.intra.kommun.se")
    assert not named.allows_host(FORGED)


def test_every_interface_allows_this_machines_address_but_no_other_name():
    everywhere = HostPolicy.for_server("0.0.0.0")
    assert everywhere.allows_host("192.168.1.5:8866", local_address="192.168.1.5")
    assert not everywhere.allows_host("192.168.1.6:8866", local_address="192.168.1.5")
    assert not everywhere.allows_host(f"{FORGED}:8866", local_address="192.168.1.5")


def test_versioned_urls_are_told_apart_from_the_others():
    from nyttolib.serve.static import is_versioned

    assert is_versioned("/voila/labextensions/x/static/remoteEntry.c8c9eed2cdefdeac.js", {})
    assert is_versioned("/voila/templates/nyttolib/static/9834b82ad26e2a37583d.woff2", {})
    assert is_versioned("/voila/templates/nyttolib/static/nyttolib.css", {"v": [b"abc"]})
    assert is_versioned("/voila/static/v/0123456789abcdef0123/8925.voila.js", {})
    assert not is_versioned("/voila/static/8925.voila.js", {})
    assert not is_versioned("/voila/static/voila.js", {})


def test_gzip_is_only_sent_to_clients_that_take_it():
    from nyttolib.serve.static import accepts_gzip

    assert accepts_gzip("gzip, deflate, br")
    assert accepts_gzip("br;q=1.0, gzip;q=0.8")
    assert not accepts_gzip("")
    assert not accepts_gzip("identity")
    assert not accepts_gzip("gzip;q=0")


def test_the_gzip_cache_follows_the_file_and_survives_a_restart(tmp_path):
    from nyttolib.serve.static import GzipCache

    script = tmp_path / "a.js"
    script.write_text("let a = 1;\n" * 1000)
    first = GzipCache(tmp_path / "cache").get(str(script))
    assert gzip.decompress(first) == script.read_bytes()
    assert len(list((tmp_path / "cache").iterdir())) == 1
    assert GzipCache(tmp_path / "cache").get(str(script)) == first  # read back, not compressed again
    script.write_text("let b = 2;\n" * 1000)  # same size: a changed file is never served stale
    assert gzip.decompress(GzipCache(tmp_path / "cache").get(str(script))) == script.read_bytes()
    unwritable = GzipCache(tmp_path / "a.js" / "no-folder")  # a cache folder that cannot be made
    assert gzip.decompress(unwritable.get(str(script))) == script.read_bytes()


# --- a real server, on loopback ---------------------------------------------------------------------


@dataclass
class Server:
    port: int
    log: Path

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def request(self, path: str, method: str = "GET", headers: dict[str, str] | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        try:
            connection.request(method, path, headers={"Host": self.host, **(headers or {})})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()


def _start(tmp: Path, *arguments: str) -> tuple[subprocess.Popen, Server]:
    port = free_port()
    log = tmp / "server.log"
    command = voila_command(port=port, open_browser=False, extra=list(arguments))
    with log.open("w") as output:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=server_environment(str(tmp / "data"), allowed_hosts=[CONFIGURED]),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = Server(port, log)
    deadline = time.monotonic() + 120
    while True:
        try:
            server.request("/nyttolib-ping")
            return process, server
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"the server did not start: {log.read_text()}") from None
            time.sleep(0.3)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    process, running = _start(tmp_path_factory.mktemp("serve"))
    try:
        yield running
    finally:
        _stop(process)


def _kernel_id(server: Server) -> str:
    status, _headers, body = server.request("/voila/render/start.ipynb")
    assert status == 200
    return re.search(r'"kernelId": "([0-9a-f-]{36})"', body.decode()).group(1)


def test_the_preheated_pools_have_the_sizes_in_voila_json(server):
    """Voilà's kernel manager logs each pool it has filled: the sizes are voila.json's, read by the server."""
    pools = json.loads((ROOT / "voila.json").read_text())["VoilaKernelManager"]["kernel_pools_config"]
    for notebook, options in pools.items():
        line = f"Kernel pool of {notebook} is filled with {options['pool_size']} kernel(s)"
        wait_for(lambda line=line: line in server.log.read_text(), timeout=300, message=line)
    assert pools["start.ipynb"]["pool_size"] >= 3 and pools["bedomning.ipynb"]["pool_size"] >= 3
    assert "not recognized" not in server.log.read_text()  # every option in voila.json is one Voilà has


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/voila/render/start.ipynb",
        "/voila/render/bedomning.ipynb",
        "/api/kernels",
        "/voila/static/voila.js",
        "/voila/templates/nyttolib/static/nyttolib.css",
        "/voila/labextensions/@jupyter-widgets/jupyterlab-manager/package.json",
        "/voila/tree",
        "/voila/api/contents",
        "/no-such-page",
    ],
)
def test_a_forged_host_is_refused_on_every_route(server, path):
    status, headers, body = server.request(path, headers={"Host": f"{FORGED}:{server.port}"})
    assert status == 403
    assert headers["Content-Type"].startswith("text/plain")
    assert body.decode() == REFUSED_HOST


def test_a_forged_host_is_refused_for_changes_too(server):
    kernel = _kernel_id(server)
    status, _headers, body = server.request(
        f"/api/kernels/{kernel}", method="DELETE", headers={"Host": f"{FORGED}:{server.port}"}
    )
    assert (status, body.decode()) == (403, REFUSED_HOST)
    assert server.request(f"/api/kernels/{kernel}")[0] == 200  # the kernel is still there


def test_allow_host_reaches_the_server(monkeypatch):
    from nyttolib.cli import _parser
    from nyttolib.serve.hosts import ALLOWED_HOSTS_ENV

    arguments = _parser().parse_args(["serve", "--allow-host", "a.example", "--allow-host", "b.example"])
    assert arguments.allow_host == ["a.example", "b.example"]
    monkeypatch.setenv(ALLOWED_HOSTS_ENV, "c.example")
    assert server_environment(allowed_hosts=arguments.allow_host)[ALLOWED_HOSTS_ENV] == "c.example,a.example,b.example"


def test_the_servers_own_names_are_answered(server):
    for host in (server.host, f"localhost:{server.port}", f"[::1]:{server.port}", f"{CONFIGURED}:{server.port}"):
        assert server.request("/voila/static/voila.js", headers={"Host": host})[0] == 200, host


def test_a_change_from_another_site_is_refused(server):
    kernel = _kernel_id(server)
    status, _headers, body = server.request(
        f"/api/kernels/{kernel}", method="DELETE", headers={"Origin": f"http://{FORGED}"}
    )
    assert (status, body.decode()) == (403, REFUSED_ORIGIN)


async def _websocket(server: Server, path: str, host: str, origin: str) -> int:
    """The HTTP status of a websocket upgrade (101 if it opened)."""
    from tornado.httpclient import HTTPClientError, HTTPRequest
    from tornado.websocket import websocket_connect

    request = HTTPRequest(
        f"ws://127.0.0.1:{server.port}{path}",
        headers={"Host": host, "Origin": origin},
        connect_timeout=300,
        request_timeout=300,
    )
    try:
        connection = await websocket_connect(request)
    except HTTPClientError as error:
        return error.code
    connection.close()
    return 101


@pytest.mark.parametrize("channel", ["/api/kernels/{}/channels", "/voila/query/{}"])
def test_websockets_need_the_servers_host_and_origin(server, channel):
    path = channel.format(_kernel_id(server))
    own_origin = f"http://{server.host}"
    forged_host = f"{FORGED}:{server.port}"
    assert asyncio.run(_websocket(server, path, forged_host, f"http://{forged_host}")) == 403  # DNS rebinding
    assert asyncio.run(_websocket(server, path, server.host, f"http://{FORGED}")) == 403  # another site's page
    assert asyncio.run(_websocket(server, path, server.host, own_origin)) == 101


# --- static files: gzip and caching -----------------------------------------------------------------


def _get(server: Server, path: str, **headers: str):
    return server.request(path, headers={"Accept-Encoding": "gzip, deflate", **headers})


def test_voila_scripts_are_gzipped_and_revalidated(server):
    from voila.paths import collect_static_paths

    roots = collect_static_paths(["voila"], "nyttolib")
    original = next(Path(root, "voila.js").read_bytes() for root in roots if Path(root, "voila.js").exists())
    status, headers, body = _get(server, "/voila/static/voila.js")
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == original
    assert int(headers["Content-Length"]) == len(body) < len(original) / 2
    assert headers["Cache-Control"] == "no-cache"  # named by chunk, not by content: check each time
    assert "Accept-Encoding" in headers["Vary"]
    again = _get(server, "/voila/static/voila.js", **{"If-None-Match": headers["Etag"]})
    assert (again[0], again[2]) == (304, b"")

    plain = server.request("/voila/static/voila.js")
    assert plain[0] == 200 and "Content-Encoding" not in plain[1] and plain[2] == original
    assert plain[1]["Etag"] != headers["Etag"]


def test_pages_load_voilas_scripts_from_a_versioned_folder(server):
    """Voilà names its chunks by number only; under /voila/static/v/<version>/ they are cached for good."""
    from voila.paths import collect_static_paths

    _status, _headers, page = server.request("/voila/render/start.ipynb")
    script = re.search(r'src="(/voila/static/v/[0-9a-f]{16,})/voila\.js"', page.decode())
    assert script, "the page loads voila.js from an unversioned URL"
    roots = [Path(root) for root in collect_static_paths(["voila"], "nyttolib") if Path(root, "voila.js").exists()]
    chunk = next(roots[0].glob("*.voila.js"))
    status, headers, body = _get(server, f"{script.group(1)}/{chunk.name}")
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == chunk.read_bytes()
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert _get(server, f"/voila/static/v/{'0' * 20}/{chunk.name}")[0] in (403, 404)  # not our version


def test_versioned_files_are_immutable(server):
    from voila.utils import get_voila_labextensions_path

    manager = next(
        Path(root, "@jupyter-widgets/jupyterlab-manager/static")
        for root in get_voila_labextensions_path()
        if Path(root, "@jupyter-widgets/jupyterlab-manager/static").is_dir()
    )
    entry = next(manager.glob("remoteEntry.*.js"))
    status, headers, body = _get(
        server, f"/voila/labextensions/@jupyter-widgets/jupyterlab-manager/static/{entry.name}"
    )
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == entry.read_bytes()
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"

    status, headers, body = _get(server, "/voila/templates/nyttolib/static/nyttolib.css?v=0123abcd")
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == (ROOT / "templates/voila/templates/nyttolib/static/nyttolib.css").read_bytes()
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_the_page_itself_is_never_cached(server):
    status, headers, _body = server.request("/voila/render/start.ipynb")
    assert status == 200 and "no-store" in headers["Cache-Control"]


# --- serve --workshop: the same guard ---------------------------------------------------------------


def test_the_workshop_server_refuses_a_forged_host_too(tmp_path):
    from nyttolib.serve.server import workshop_server_options

    options = workshop_server_options(1)
    notebooks = options["notebooks"]
    command_extra = [*options["extra"], "--VoilaConfiguration.preheat_kernel=False"]
    port = free_port()
    log = tmp_path / "workshop.log"
    command = voila_command(
        port=port, open_browser=False, extra=command_extra, notebooks=notebooks, module=options["module"]
    )
    with log.open("w") as output:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**server_environment(str(tmp_path / "data")), **options["environment"]},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = Server(port, log)
    try:
        wait_for(lambda: _answers(server), timeout=120, message="the workshop server")
        assert server.request("/voila/render/delta.ipynb", headers={"Host": FORGED})[0] == 403
        assert server.request("/voila/static/voila.js")[0] == 200
    finally:
        _stop(process)


def _answers(server: Server) -> bool:
    try:
        server.request("/nyttolib-ping")
    except OSError:
        return False
    return True



@pytest.mark.slow
def test_killing_nyttolib_serve_stops_voila_too(tmp_path):
    """A `kill` of `nyttolib serve` left Voilà and its kernels answering on the port, and its terminal
    showed a traceback from Voilà shutting down (both found by a walkthrough)."""
    import signal
    import socket
    import time
    import urllib.request

    from browser import free_port

    port = free_port()
    env = {**os.environ, "NYTTOLIB_DATA_DIR": str(tmp_path / "data")}
    command = [sys.executable, "-m", "nyttolib", "serve", "--port", str(port), "--no-browser"]
    terminal = tmp_path / "terminal.txt"
    with terminal.open("w") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/voila/static/voila.js", timeout=5)
                break
            except OSError:
                time.sleep(1)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) is not None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) != 0:
                    break
            time.sleep(1)
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0  # nothing answers on the port any more
        shown = terminal.read_text(encoding="utf-8")
        assert "startsidan finns på" in shown and "Traceback" not in shown, shown  # tracebacks go to the log
    finally:
        if process.poll() is None:
            process.kill()
