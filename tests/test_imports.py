"""The core must not import widget, pandas or nbconvert modules (fast start, usable from scripts)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ["ipywidgets", "pandas", "nbconvert", "matplotlib", "voila", "jupyter_server", "IPython"]


def test_core_modules_import_nothing_heavy():
    code = (
        "import sys, json\n"
        "import nyttolib, nyttolib.cli, nyttolib.assessment.model, nyttolib.assessment.calculations\n"
        "import nyttolib.storage.assessments, nyttolib.assessment.summary, nyttolib.numbers\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    loaded = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    assert loaded == []
