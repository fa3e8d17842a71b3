"""In a Voilà kernel nothing of the server's (tracebacks, paths) reaches the websocket clients.

A real kernel with Voilà's environment variable runs code that logs an exception, warns, writes to
stderr and raises inside a widget-style callback; every message it sends on iopub is checked.
"""

from __future__ import annotations

import os
import sys

import pytest
from jupyter_client.manager import start_new_kernel

CODE = """
import logging, warnings, sys
import nyttolib.app
try:
    1 / 0
except ZeroDivisionError:
    logging.getLogger("nyttolib.app").exception("Error in callback")
warnings.warn("something deprecated")
print("hemligt-stderr", file=sys.stderr)
try:
    raise RuntimeError("from a callback")
except RuntimeError:
    get_ipython().showtraceback()
print("klart")
"""


def _iopub_after(code: str, env: dict[str, str]) -> list[dict]:
    manager, client = start_new_kernel(kernel_name="python3", env=env)
    try:
        message_id = client.execute(code)
        messages = []
        while True:
            message = client.get_iopub_msg(timeout=60)
            messages.append(message)
            ours = message["parent_header"].get("msg_id") == message_id
            if ours and message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
                break
        return [m for m in messages if m["msg_type"] != "execute_input"]  # the code itself, echoed
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


@pytest.mark.slow
def test_a_voila_kernel_sends_no_traceback_or_stderr(tmp_path):
    env = {
        **os.environ,
        "VOILA_BASE_URL": "/",
        "NYTTOLIB_DATA_DIR": str(tmp_path),
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    messages = _iopub_after(CODE, env)
    sent = " ".join(str(m["content"]) for m in messages)
    assert "klart" in sent  # the code ran to the end
    for forbidden in ("Traceback", "ZeroDivisionError", "hemligt-stderr", "something deprecated", "from a callback"):
        assert forbidden not in sent
    assert not [m for m in messages if m["msg_type"] == "error"]
    log = (tmp_path / "nyttolib-fel.log").read_text(encoding="utf-8")
    for kept in ("ZeroDivisionError", "hemligt-stderr", "something deprecated", "from a callback"):
        assert kept in log


@pytest.mark.slow
def test_outside_voila_errors_are_shown_as_usual(tmp_path):
    """The control: in JupyterLab (no Voilà variable) the same code shows its traceback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VOILA_")}
    env |= {"NYTTOLIB_DATA_DIR": str(tmp_path), "PYTHONPATH": os.pathsep.join(sys.path)}
    sent = " ".join(str(m["content"]) for m in _iopub_after(CODE, env))
    assert "hemligt-stderr" in sent and "from a callback" in sent
