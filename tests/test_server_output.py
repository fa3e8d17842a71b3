"""The server's terminal shows Voilà's log, never a traceback: each one goes to the log file, and the
terminal says so in one Swedish line (as Voilà prints one when a kernel's socket closes at shutdown)."""

from __future__ import annotations

import io
import sys
import textwrap

from nyttolib.serve.output import relay
from nyttolib.serve.server import start

from browser import wait_for

VOILA_LOG = """\
[I 2026-12-01 10:00:00.001 ServerApp] Voilà is running at: http://127.0.0.1:8866/
[E 2026-12-01 10:00:05.002 ServerApp] Exception in callback <bound method ZMQStream._handle_events>
Traceback (most recent call last):
  File "/srv/venv/lib/python3.11/site-packages/tornado/ioloop.py", line 919, in _run
    return self.callback()
  File "/srv/venv/lib/python3.11/site-packages/zmq/eventloop/zmqstream.py", line 590, in _handle_events
    raise ZMQError("Socket operation on non-socket")

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/srv/venv/lib/python3.11/site-packages/zmq/sugar/socket.py", line 100, in close
    raise ValueError("closed")
ValueError: closed
[I 2026-12-01 10:00:06.003 ServerApp] Shutting down 3 kernels
plain line from a kernel
Traceback (most recent call last):
  File "/srv/x.py", line 1, in <module>
KeyError: 'x'
"""


def test_tracebacks_go_to_the_log_and_the_terminal_keeps_the_log_lines(tmp_path):
    terminal, log = io.StringIO(), tmp_path / "nyttolib-fel.log"
    relay(io.StringIO(VOILA_LOG).readlines(), terminal, log)
    shown = terminal.getvalue()
    assert "Traceback" not in shown and "/srv/" not in shown and "File " not in shown
    assert "Voilà is running at" in shown and "Shutting down 3 kernels" in shown and "plain line" in shown
    assert "Exception in callback" in shown  # the log record itself stays: it says what happened
    assert shown.count(f"nyttolib: ett internt fel i servern: detaljerna finns i {log}.") == 2
    written = log.read_text(encoding="utf-8")
    assert "ZMQError" in written and "ValueError: closed" in written and "KeyError: 'x'" in written
    assert "Shutting down" not in written and "plain line" not in written
    assert shown.index("Shutting down") < shown.index("plain line") < shown.rindex("nyttolib: ett internt fel")


def test_the_started_server_relays_its_output_so(tmp_path, monkeypatch):
    """`start` (what `nyttolib serve` runs) puts the relay between the server and the terminal."""
    fake = tmp_path / "fakeserver.py"
    fake.write_text(
        textwrap.dedent(
            """
            import sys
            print("[I 2026-12-01 10:00:00.001 ServerApp] igång", file=sys.stderr, flush=True)
            raise RuntimeError("vid avslut")
            """
        ),
        encoding="utf-8",
    )
    terminal = io.StringIO()
    monkeypatch.setattr(sys, "stderr", terminal)
    process = start(data_dir=str(tmp_path / "data"), module="fakeserver", environment={"PYTHONPATH": str(tmp_path)})
    assert process.wait(timeout=60) == 1
    wait_for(lambda: "internt fel" in terminal.getvalue(), message="the relay's line")  # it ends with the stream
    assert "igång" in terminal.getvalue() and "RuntimeError" not in terminal.getvalue()
    assert "vid avslut" in (tmp_path / "data" / "nyttolib-fel.log").read_text(encoding="utf-8")
