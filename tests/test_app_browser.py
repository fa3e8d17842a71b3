"""`make app`'s start page, served by Voilà with the repo's voila.json, in a real headless chromium."""

from __future__ import annotations

import urllib.request

import pytest

from nyttolib.assessment.documents import read_assessment_file
from nyttolib.assessment.model import Assessment, Initiative
from nyttolib.content import load_content
from nyttolib.storage.assessments import Store

from browser import ROOT, browser_page, page_url, require_chromium, voila_server
from conftest import INVOICE

pytestmark = pytest.mark.slow


def test_start_page_lists_the_stored_assessments(tmp_path):
    require_chromium()
    data = tmp_path / "data"
    with Store(data) as store:
        store.save(read_assessment_file(INVOICE, load_content()).assessment, completeness_percent=100)
        store.save(Assessment(initiative=Initiative(name="<img src=x onerror=alert(1)>")), completeness_percent=5)
    with voila_server(data) as url, browser_page() as page:
        first = page_url(url, "start.ipynb")
        html = urllib.request.urlopen(first, timeout=180).read().decode()  # the pools may still be starting
        assert "from nyttolib" not in html  # sources are stripped
        assert '<html lang="sv">' in html
        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(url)  # the root redirects to the start page
        table = page.get_by_role("table", name="Sparade bedömningar")
        table.wait_for(timeout=180_000)
        rows = table.get_by_role("row")
        assert rows.count() == 3
        assert "E-tjänst för manuell kundfakturering" in table.inner_text()
        assert "Beslutade initiativ" in table.inner_text()
        assert "<img src=x onerror=alert(1)>" in table.inner_text()  # shown as typed, never run
        assert page.get_by_role("heading", level=1).inner_text() == "Bedömningsstöd för utvecklingsinitiativ"
        page.screenshot(path=str(tmp_path / "start.png"), full_page=True)
        assert dialogs == []
    assert (ROOT / "voila.json").exists()
