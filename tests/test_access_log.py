"""Refusals reach the server's log, never the page: a real kernel as Voilà starts it under the hub.

The kernel's stderr is the server's log (Voilà's, the single-user server's). ipykernel also points file
descriptor 2 at a pipe it sends to the page, so the record must go to its copy of the real stderr; the
kernel here runs without pytest's variable, so that capture is on as in a real deployment.
"""

from __future__ import annotations

import os
import sys

import pytest
from jupyter_client.manager import start_new_kernel

from nyttolib.identity import User
from nyttolib.storage.assessments import Store

CODE = """
import nyttolib.app
from nyttolib.app.form import assessment_form
page = assessment_form({id!r})
print("klart", type(page).__name__)
"""
# the owner's own action with a name that holds a newline (unshare takes any text): logged as one line
CRAFTED = """
from nyttolib.identity import User
from nyttolib.storage.assessments import Store
Store(user=User("anna", hub=True)).unshare({id!r}, "x\\n2026-01-01 nyttolib.access INFO falsk rad")
"""


def _run(code: str, env: dict[str, str], stderr) -> list[dict]:
    manager, client = start_new_kernel(kernel_name="python3", env=env, stderr=stderr)
    try:
        message_id = client.execute(code)
        messages = []
        while True:
            message = client.get_iopub_msg(timeout=60)
            messages.append(message)
            ours = message["parent_header"].get("msg_id") == message_id
            if ours and message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
                break
        return [m for m in messages if m["msg_type"] != "execute_input"]
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


@pytest.mark.slow
@pytest.mark.parametrize("voila", [True, False], ids=["voila", "lab-kernel"])
def test_a_refusal_is_logged_to_the_servers_stderr_and_not_sent_to_the_page(tmp_path, invoice, voila):
    data = tmp_path / "data"
    with Store(data, user=User("anna", hub=True)) as store:
        assessment_id = store.save(invoice).id
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VOILA_", "PYTEST_"))}
    env |= {"NYTTOLIB_DATA_DIR": str(data), "PYTHONPATH": os.pathsep.join(sys.path), "JUPYTERHUB_USER": "bo"}
    if voila:
        env["VOILA_BASE_URL"] = "/"
    server_log = tmp_path / "server.log"
    with server_log.open("w", encoding="utf-8") as stderr:
        messages = _run(CODE.format(id=assessment_id) + CRAFTED.format(id=assessment_id), env, stderr)
    sent = " ".join(str(m["content"]) for m in messages)
    assert "klart VBox" in sent  # the page was built (the refusal page)
    assert "nekad" not in sent and "nyttolib.access" not in sent
    log = server_log.read_text(encoding="utf-8")
    assert f"nyttolib.access WARNING nekad: bo fick inte read bedömningen {assessment_id} (har: None)" in log
    assert "slutade dela bedömningen" in log and "x<U+000A>2026-01-01" in log
    assert not [line for line in log.splitlines() if line.startswith("2026-01-01 nyttolib.access")]
