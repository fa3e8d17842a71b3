"""Checklist exports: hostile text is data in HTML and PDF, and every export reads back by nyttolib."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest

from nyttolib.checklists.answers import ItemAnswer, new_answering
from nyttolib.checklists.export import ExportReadError, read_export, read_html, read_pdf, render_html, render_pdf
from nyttolib.checklists.model import load_checklists

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = "<script>alert(1)</script> $x^2$ =SUM(A1:A9) </script><img src=x onerror=alert(2)> &amp; \u202eabc"


@pytest.fixture(scope="module")
def checklists():
    return load_checklists(ROOT / "data" / "checklists")[0]


def _answering(checklist, date, answers, organisation=HOSTILE):
    answering = new_answering(checklist, organisation, dt.date.fromisoformat(date))
    for item_id, (value, comment) in answers.items():
        answering.answers[item_id] = ItemAnswer(answer=value, comment=comment)
    return answering


@pytest.fixture
def answerings(checklists):
    project = checklists["ar-det-ett-projekt"]
    earlier = _answering(project, "2025-03-01", {"tillfallig": ("nej", "Förut"), "avgransat": ("ja", "")})
    now = _answering(project, "2026-03-01", {"tillfallig": ("delvis", HOSTILE), "avgransat": ("nej", "")})
    return now, earlier, project


def test_hostile_text_is_text_in_the_html(answerings):
    now, earlier, project = answerings
    html = render_html(now, earlier=[earlier], checklist=project)
    assert "<script>alert" not in html and "<img" not in html
    assert html.count("</script>") == 1  # only the end of the data block: a comment cannot close it
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "$x^2$ =SUM(A1:A9)" in html
    assert "\u202e" not in html.split("</script>", 1)[1]  # no bidi override where the text is shown


def test_the_html_reads_back(answerings, tmp_path):
    now, earlier, project = answerings
    path = tmp_path / "lista.html"
    path.write_text(render_html(now, earlier=[earlier], checklist=project), encoding="utf-8")
    assert read_export(path) == (now, [earlier])


def test_the_comparison_in_the_export_says_in_words_what_changed(answerings):
    now, earlier, project = answerings
    html = render_html(now, earlier=[earlier], checklist=project)
    text = re.sub(r"<[^>]+>", " ", html.split("</script>", 1)[1])
    assert "bättre (förra gången Nej)" in text and "sämre (förra gången Ja)" in text
    assert "Jämfört med 2025-03-01: 1 bättre, 1 sämre, 1 oförändrat." in text
    alone = render_html(now, checklist=project)
    assert "Jämförelse över tid" not in alone


def test_the_pdf_shows_hostile_text_as_typed_and_reads_back(answerings, tmp_path):
    now, earlier, project = answerings
    pdf = render_pdf(render_html(now, earlier=[earlier], checklist=project))
    path = tmp_path / "lista.pdf"
    path.write_bytes(pdf)
    assert read_export(path) == (now, [earlier])
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "<script>alert(1)</script>" in flat and "$x^2$" in flat and "=SUM(A1:A9)" in flat
    assert "Jämförelse över tid" in flat


def test_what_nyttolib_did_not_write_is_refused_in_swedish(tmp_path):
    with pytest.raises(ExportReadError, match="ingen checklista"):
        read_html("<html><body>Hej</body></html>")
    with pytest.raises(ExportReadError, match="skadad"):
        read_html('<script type="application/json" id="nyttolib-checklista">{trasig</script>')
    with pytest.raises(ExportReadError):
        read_pdf(b"%PDF-1.7 inte en riktig pdf")
    other = tmp_path / "annan.pdf"
    from weasyprint import HTML

    other.write_bytes(HTML(string="<p>Hej</p>").write_pdf())
    with pytest.raises(ExportReadError, match="inga bifogade svar"):
        read_export(other)


def test_a_long_comparison_prints_the_latest_answerings(checklists):
    project = checklists["ar-det-ett-projekt"]
    many = [_answering(project, f"20{10 + year}-01-01", {}, "Kultur") for year in range(8)]
    html = render_html(many[-1], earlier=many[:-1], checklist=project)
    assert "de 5 senaste tillfällena av 8" in html
    assert read_html(html) == (many[-1], many[:-1])  # all of them are embedded
