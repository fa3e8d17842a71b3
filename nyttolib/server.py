"""Start the Voilà app the way `make app` and the tests do: the repo's voila.json, templates and notebooks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
TEMPLATES = ROOT / "templates"


def server_environment(data_dir: str | None = None) -> dict[str, str]:
    """The environment Voilà needs: our templates on JUPYTER_PATH, and the chosen data directory."""
    env = dict(os.environ)
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in [str(TEMPLATES), env.get("JUPYTER_PATH", "")] if p)
    if data_dir:
        env["NYTTOLIB_DATA_DIR"] = str(Path(data_dir).expanduser().resolve())
    return env


def voila_command(
    *, host: str = "127.0.0.1", port: int = 8866, open_browser: bool = True, extra: list[str] | None = None
) -> list[str]:
    return [
        sys.executable,
        "-m",
        "voila",
        str(NOTEBOOKS),
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
) -> subprocess.Popen:
    """Start the server in the repository root (so voila.json applies) and return the process."""
    return subprocess.Popen(
        voila_command(host=host, port=port, open_browser=open_browser, extra=extra),
        cwd=ROOT,
        env=server_environment(data_dir),
    )


def serve(*, host: str = "127.0.0.1", port: int = 8866, data_dir: str | None = None, open_browser: bool = True) -> int:
    """Run the server in the foreground until Ctrl+C."""
    print(f"nyttolib: startsidan finns på http://{host}:{port}/ (avsluta med Ctrl+C)", flush=True)
    process = start(host=host, port=port, data_dir=data_dir, open_browser=open_browser)
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        return process.wait()
