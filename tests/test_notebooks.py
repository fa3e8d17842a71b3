"""Every notebook executes headless, with no error output, against a real store."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from nyttolib.assessment.documents import read_assessment_file
from nyttolib.content import load_content
from nyttolib.storage.assessments import Store

from conftest import INVOICE, ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").rglob("*.ipynb"))


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_executes_without_errors(path: Path, tmp_path, monkeypatch):
    data = tmp_path / "data"
    with Store(data) as store:
        store.save(read_assessment_file(INVOICE, load_content()).assessment, completeness_percent=100)
    monkeypatch.setenv("NYTTOLIB_DATA_DIR", str(data))
    monkeypatch.setenv("QUERY_STRING", "id=exempel-fakturor-e-tjanst")  # what Voilà sets for ?id=…
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    shown = [o.get("data", {}) for o in outputs]
    if path.name == "rapport.ipynb":
        html = "".join(d.get("text/html", "") for d in shown)
        assert "Beslutsunderlag" in html and "E-tjänst för manuell kundfakturering" in html
    else:
        assert any("application/vnd.jupyter.widget-view+json" in d for d in shown)
    assert os.environ["NYTTOLIB_DATA_DIR"] == str(data)
