"""Start the Voilà app the way `make app` and the tests do: the repo's voila.json, templates and notebooks."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from nyttolib.serve.hosts import ALLOWED_HOSTS_ENV, configured_hosts

if TYPE_CHECKING:
    from nyttolib.survey.store import Workshop

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
TEMPLATES = ROOT / "templates"
VOILA_MODULE = "nyttolib.serve.voila_app"  # Voilà with the host guard and compressed, cacheable static files


def server_environment(data_dir: str | None = None, allowed_hosts: list[str] | None = None) -> dict[str, str]:
    """The environment Voilà needs: the checkout's templates first on JUPYTER_PATH (so edits apply without
    reinstalling; an installed nyttolib has them in share/jupyter too), the data directory, extra host names."""
    env = dict(os.environ)
    env.setdefault("PYTHONWARNINGS", "ignore::DeprecationWarning")  # library deprecations are not for users
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in [str(TEMPLATES), env.get("JUPYTER_PATH", "")] if p)
    if data_dir:
        env["NYTTOLIB_DATA_DIR"] = str(Path(data_dir).expanduser().resolve())
    if allowed_hosts:
        env[ALLOWED_HOSTS_ENV] = ",".join([*configured_hosts(env.get(ALLOWED_HOSTS_ENV, "")), *allowed_hosts])
    return env


def voila_command(
    *,
    host: str = "127.0.0.1",
    port: int = 8866,
    open_browser: bool = True,
    extra: list[str] | None = None,
    notebooks: Path = NOTEBOOKS,
    module: str = VOILA_MODULE,
) -> list[str]:
    return [
        sys.executable,
        "-m",
        module,
        str(notebooks),
        f"--Voila.ip={host}",
        f"--port={port}",
        f"--Voila.open_browser={open_browser}",
        "--Voila.port_retries=0",
        *(extra or []),
    ]


def start(
    *,
    host: str = "127.0.0.1",
    port: int = 8866,
    data_dir: str | None = None,
    open_browser: bool = True,
    extra: list[str] | None = None,
    notebooks: Path = NOTEBOOKS,
    module: str = VOILA_MODULE,
    environment: dict[str, str] | None = None,
    allowed_hosts: list[str] | None = None,
) -> subprocess.Popen:
    """Start the server in the repository root (so voila.json applies) and return the process. Its log
    goes to the terminal, its tracebacks to the log file (nyttolib.serve.output)."""
    from nyttolib.serve.output import relay_in_background
    from nyttolib.terminal import log_path

    process = subprocess.Popen(
        voila_command(host=host, port=port, open_browser=open_browser, extra=extra, notebooks=notebooks, module=module),
        cwd=ROOT,
        env={**server_environment(data_dir, allowed_hosts), **(environment or {})},
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    relay_in_background(process.stderr, sys.stderr, log_path(data_dir))
    return process


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 8866,
    data_dir: str | None = None,
    open_browser: bool = True,
    allowed_hosts: list[str] | None = None,
) -> int:
    """Run the server in the foreground until Ctrl+C."""
    print(f"nyttolib: startsidan finns på http://{host}:{port}/ (avsluta med Ctrl+C)", flush=True)
    return _until_interrupted(
        start(host=host, port=port, data_dir=data_dir, open_browser=open_browser, allowed_hosts=allowed_hosts)
    )


def _until_interrupted(process: subprocess.Popen) -> int:
    """Wait for the server. Ctrl+C, a kill (SIGTERM) or a closed terminal (SIGHUP) stop Voilà too, with its
    kernels: without this a killed `nyttolib serve` left Voilà running and answering on the port."""

    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        try:
            return process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            return process.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


WORKSHOP_NOTEBOOKS = NOTEBOOKS / "workshop"
KERNEL_MB = 110  # measured resident size of one participant kernel (bench/bench_workshop.py)
SPARE_KERNELS = 3  # kept ready after the joining, for latecomers and reloads (refilled 3 s after use)
WORKSHOP_MODULE = "nyttolib.serve.workshop"


def workshop_arguments(participants: int) -> list[str]:
    """Voilà options for a workshop: only the workshop pages, a preheated kernel ready for every participant."""
    pools = {"delta.ipynb": {"pool_size": max(1, participants)}, "ledare.ipynb": {"pool_size": 1}}
    return [
        "--VoilaConfiguration.template=nyttolib-workshop",
        f"--VoilaKernelManager.kernel_pools_config={json.dumps(pools)}",
    ]


def workshop_environment(participants: int, workshop_id: str | None = None) -> dict[str, str]:
    """After the first fill, keep only a few kernels spare (see nyttolib.serve.workshop); and the one
    workshop the pages serve: no other can be joined or opened, and none created."""
    from nyttolib.serve.workshop import REFILL_ENV
    from nyttolib.survey.store import SERVED_WORKSHOP_ENV

    refill = {"delta.ipynb": {"pool_size": min(SPARE_KERNELS, max(1, participants))}, "ledare.ipynb": {"pool_size": 1}}
    environment = {REFILL_ENV: json.dumps(refill)}
    if workshop_id:
        environment[SERVED_WORKSHOP_ENV] = workshop_id
    return environment


def workshop_server_options(participants: int, workshop_id: str | None = None) -> dict:
    """Everything `start` needs to serve a workshop (also used by the tests and the benchmark)."""
    return {
        "extra": workshop_arguments(participants),
        "notebooks": WORKSHOP_NOTEBOOKS,
        "module": WORKSHOP_MODULE,
        "environment": workshop_environment(participants, workshop_id),
    }


def lan_address() -> str:
    """This computer's address on the local network, for the link participants type (no traffic is sent)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def serve_workshop(
    workshop: Workshop,
    *,
    participants: int,
    host: str = "127.0.0.1",
    port: int = 8866,
    data_dir: str | None = None,
    open_browser: bool = True,
    allowed_hosts: list[str] | None = None,
) -> int:
    """Serve only the workshop pages, sized for the group, until Ctrl+C."""
    shown_host = lan_address() if host in ("0.0.0.0", "") else host
    base = f"http://{shown_host}:{port}/voila/render"
    # The facilitator code is never printed (it is not stored either): the terminal may be on the projector.
    participants_go = (
        f"{base}/delta.ipynb?kod={workshop.join_code}  (eller http://{shown_host}:{port}/ och koden "
        f"{workshop.join_code})"
        if workshop.join_code
        else f"http://{shown_host}:{port}/ och skriver deltagarkoden"
    )
    print(
        f"nyttolib: workshop '{workshop.name}' för {participants} deltagare "
        f"(ca {(participants + SPARE_KERNELS + 1) * KERNEL_MB / 1024:.1f} GB minne).\n"
        f"  Deltagarna går till: {participants_go}\n"
        f"  Du som leder öppnar: {base}/ledare.ipynb och skriver din ledarkod\n"
        "  Servern visar bara den här workshoppen. Sidorna är redo när alla kärnor har startat (någon minut). "
        "Avsluta med Ctrl+C.",
        flush=True,
    )
    if host in ("127.0.0.1", "localhost"):
        print(
            "  Obs: bara den här datorn når sidorna. Ange --host 0.0.0.0 för att deltagarna ska nå dem över nätverket.",
            flush=True,
        )
    return _until_interrupted(
        start(
            host=host,
            port=port,
            data_dir=data_dir,
            open_browser=open_browser,
            allowed_hosts=allowed_hosts,
            **workshop_server_options(participants, workshop.id),
        )
    )
