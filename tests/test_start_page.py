from __future__ import annotations

import json

from nyttolib.app.start_page import StartPage, assessments_table
from nyttolib.assessment.model import Assessment, Initiative

from conftest import INVOICE


def test_start_page_lists_stored_assessments_with_links_escaped(store, content, invoice):
    store.save(invoice, completeness_percent=100)
    store.save(Assessment(initiative=Initiative(name="<script>alert(1)</script>")), completeness_percent=12.5)
    page = StartPage(store=store, content=content)
    intro = page.children[0].value
    assert "Bedömningsstöd för utvecklingsinitiativ" in intro
    assert "Stödet ska fungera som ett underlag" in intro
    assert "<a class='nyttolib-primary-link' href='bedomning.ipynb'>Ny bedömning</a>" in intro
    table = page.table.value
    assert "<a href='bedomning.ipynb?id=exempel-fakturor-e-tjanst'>E-tjänst för manuell kundfakturering</a>" in table
    assert "Beslutade initiativ" in table
    assert "<script>" not in table and "&lt;script&gt;alert(1)&lt;/script&gt;" in table
    assert "<th scope='col'>Ifyllt</th>" in table


def test_empty_store(content):
    assert (
        assessments_table([], content) == "<h2>Sparade bedömningar</h2><p>Det finns inga sparade bedömningar ännu.</p>"
    )


def test_import_a_file_from_the_browser(store, content, tmp_path):
    page = StartPage(store=store, content=content)
    upload = {"name": "fakturor.json", "type": "application/json", "size": 1, "content": INVOICE.read_bytes()}
    page._on_upload({"new": (upload,)})
    assert "Importerad" in page.import_result.value
    assert [row.name for row in store.list()] == ["E-tjänst för manuell kundfakturering"]
    assert "E-tjänst för manuell kundfakturering" in page.table.value
    bad = {"name": "<b>trasig</b>.json", "content": json.dumps({"schema_version": 2}).encode()}
    page._on_upload({"new": (bad,)})
    assert "kunde inte importeras" in page.import_result.value and "Inget har ändrats" in page.import_result.value
    assert "&lt;b&gt;trasig&lt;/b&gt;.json" in page.import_result.value
    assert len(store.list()) == 1
