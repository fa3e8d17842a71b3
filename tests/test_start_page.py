from __future__ import annotations

from nyttolib.app.start_page import assessments_table, start_page
from nyttolib.model import Assessment, Initiative


def test_start_page_lists_stored_assessments_escaped(store, content, invoice):
    store.save(invoice, completeness_percent=100)
    store.save(Assessment(initiative=Initiative(name="<script>alert(1)</script>")), completeness_percent=12.5)
    page = start_page(store=store, content=content)
    intro, table = page.children
    assert "Bedömningsstöd för utvecklingsinitiativ" in intro.value
    assert "Stödet ska fungera som ett underlag" in intro.value
    assert "E-tjänst för manuell kundfakturering" in table.value
    assert "Beslutade initiativ" in table.value
    assert "<script>" not in table.value and "&lt;script&gt;alert(1)&lt;/script&gt;" in table.value
    assert "<th scope='col'>Ifyllt</th>" in table.value


def test_empty_store(content):
    assert assessments_table([], content) == "<p>Det finns inga sparade bedömningar ännu.</p>"
