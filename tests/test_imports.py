"""The core must not import widget, pandas or nbconvert modules (fast start, usable from scripts)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ["ipywidgets", "pandas", "nbconvert", "matplotlib", "voila", "jupyter_server", "IPython", "alembic"]


def test_core_modules_import_nothing_heavy():
    code = (
        "import sys, json\n"
        "import nyttolib, nyttolib.cli, nyttolib.assessment.model, nyttolib.assessment.calculations\n"
        "import nyttolib.storage.assessments, nyttolib.assessment.summary, nyttolib.numbers\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    loaded = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    assert loaded == []


def test_a_database_at_the_newest_schema_opens_without_importing_alembic(tmp_path):
    """Every page and command opens the store: the schema's version is checked with one query, and
    Alembic (its import costs start-up time) is loaded only when there is something to upgrade."""
    code = (
        "import sys\n"
        "from nyttolib.storage.assessments import Store\n"
        f"Store({str(tmp_path)!r}).close()\n"
        "print('alembic' in sys.modules)\n"
    )

    def opened() -> str:
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()

    assert opened() == "True"  # a new database: Alembic makes the tables
    assert opened() == "False"  # at the newest schema: one query, no Alembic
