"""The templates are found wherever Jupyter runs Voilà: installed as the wheel's shared data into
share/jupyter/voila/templates (and the report templates inside the package), not only when `nyttolib
serve` puts templates/ on JUPYTER_PATH."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import pytest

from browser import ROOT, free_port, wait_for

pytestmark = pytest.mark.slow


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- Voilà as a Jupyter server extension (Binder, JupyterHub, "Render with Voilà") -------------------


def _installed_templates() -> Path:
    """Our Voilà template where Jupyter looks for data (not via JUPYTER_PATH), as an install puts it."""

    environment = {key: value for key, value in os.environ.items() if key != "JUPYTER_PATH"}
    code = "from jupyter_core.paths import jupyter_path; print('\\n'.join(jupyter_path('voila', 'templates')))"
    found = subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True)
    for folder in found.stdout.split():
        if (Path(folder) / "nyttolib" / "index.html.j2").exists():
            return Path(folder)
    pytest.fail("nyttolib's Voilà templates are not installed where Jupyter looks: run `pip install -e .`")


def test_the_installed_templates_are_the_checkouts():
    """An editable install copies them: after editing templates/voila, reinstall (`make` does)."""
    installed = _installed_templates()
    source = ROOT / "templates/voila/templates"
    for file in source.rglob("*"):
        if file.is_file():
            copy = installed / file.relative_to(source)
            assert copy.exists() and copy.read_bytes() == file.read_bytes(), f"{copy} is stale: pip install -e ."


def test_voila_as_a_jupyter_server_extension_renders_our_template(tmp_path):
    """`jupyter server` in a folder with the repo's voila.json and notebooks, as Binder starts it."""
    _installed_templates()
    (tmp_path / "voila.json").write_text((ROOT / "voila.json").read_text())
    (tmp_path / "notebooks").symlink_to(ROOT / "notebooks", target_is_directory=True)
    port, token = free_port(), "nyttolib-test-token"
    environment = {key: value for key, value in os.environ.items() if key != "JUPYTER_PATH"}
    environment["NYTTOLIB_DATA_DIR"] = str(tmp_path / "data")
    log = tmp_path / "jupyter.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyter_server",  # what `jupyter server` runs
                "--no-browser",
                f"--port={port}",
                "--ServerApp.port_retries=0",
                "--ServerApp.ip=127.0.0.1",
                "--ServerApp.allow_root=True",  # test machines may run as root; Binder does not
                f"--IdentityProvider.token={token}",
                f"--ServerApp.root_dir={tmp_path}",
            ],
            cwd=tmp_path,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _jupyter_answers(base, token, process, log), timeout=120, message="jupyter server")
        page = _fetch(f"{base}/voila/render/notebooks/start.ipynb?token={token}", log)
        styles = re.search(r'href="([^"]*/voila/templates/nyttolib/static/nyttolib\.css[^"]*)"', page)
        assert styles, "the page is not rendered with the nyttolib template"
        css = _fetch(base + urllib.parse.urljoin("/voila/render/notebooks/", styles.group(1)), log)
        assert css == (ROOT / "templates/voila/templates/nyttolib/static/nyttolib.css").read_text()
        assert "There was an error when executing cell" not in page and "Traceback" not in page
    finally:
        _stop(process)


def _jupyter_answers(base: str, token: str, process: subprocess.Popen, log: Path) -> bool:
    if process.poll() is not None:
        pytest.fail(f"jupyter server stopped: {log.read_text()[-3000:]}")
    try:
        with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5):
            return True
    except OSError:
        return False


def _fetch(url: str, log: Path) -> str:
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            return response.read().decode()
    except urllib.error.HTTPError as error:
        pytest.fail(f"{url}: {error.code} {error.read().decode()[:500]}\n{log.read_text()[-3000:]}")


# --- the wheel ---------------------------------------------------------------------------------------


def test_the_wheel_carries_the_templates(tmp_path):
    """The report templates inside the package, the Voilà ones as shared data into share/jupyter."""
    from hatchling.builders.wheel import WheelBuilder

    wheel = Path(next(iter(WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"]))))
    names = set(zipfile.ZipFile(wheel).namelist())
    index = ".data/data/share/jupyter/voila/templates/nyttolib/index.html.j2"
    data = next(name.split("/")[0] for name in names if name.endswith(index))
    for file in (ROOT / "templates").rglob("*"):
        if file.is_file():
            relative = file.relative_to(ROOT / "templates").as_posix()
            if relative.startswith("voila/templates/"):
                assert f"{data}/data/share/jupyter/{relative}" in names, relative
            else:
                assert f"nyttolib/_templates/{relative}" in names, relative

    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    code = (
        "from nyttolib.exports.report import report_template_dir as d; from nyttolib.paths import templates_dir as t;"
        "print(t()); print((d() / 'report.html.j2').exists())"
    )
    found = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(unpacked)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert found.stdout.split() == [str(unpacked / "nyttolib" / "_templates"), "True"]
