"""The beslutsunderlag as printed: a tagged PDF, words hyphenated (never cut), everything inside the page,
the calculation's effect per year and the unvalued score shown, and overlong words that stay fast.

The PDFs are read back with poppler (pdftotext, pdfinfo), as a reader of the document would see them."""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pyphen
import pytest
from longtext import SWEDISH, filled, repeated

from nyttolib.assessment.documents import read_assessment_file
from nyttolib.assessment.model import Activity, Assessment, Benefit, BenefitLine
from nyttolib.exports.report import (
    BREAK_EVERY,
    LONG_WORD,
    ZERO_WIDTH_SPACE,
    render_html,
    render_pdf,
    render_printed_html,
)

from conftest import EXAMPLES

NBSP = "\u00a0"
HYPHEN = "\u2010"  # what hyphenation adds at a line end
A4_WIDTH_PT = 595.276
MARGIN_PT = 18 / 25.4 * 72  # @page margin: 18 mm left and right

pytestmark = pytest.mark.slow


def poppler(*args: str) -> str:
    if not shutil.which(args[0]):
        if os.environ.get("CI"):
            pytest.fail(f"{args[0]} saknas (poppler-utils)")
        pytest.skip("poppler-utils is not installed")
    return subprocess.run(list(args), capture_output=True, text=True, check=True).stdout


def pdf_file(assessment: Assessment, content, tmp_path: Path, name: str = "rapport") -> Path:
    """The PDF as nyttolib exports it: from the report's printed version (within the print limits)."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(render_pdf(render_printed_html(assessment, content)))
    return path


def reader_text(path: Path) -> str:
    """The PDF's text in reading order; a hyphen WeasyPrint adds at a line end is U+2010, the text's own "-"."""
    return poppler("pdftotext", "-raw", str(path), "-").replace(NBSP, " ").replace(ZERO_WIDTH_SPACE, "")


def pdf_objects(pdf: bytes) -> bytes:
    """The PDF's bytes with every Flate stream (object streams included) inflated, to search its structure."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n", pdf):
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompressobj().decompress(pdf[match.end() :]))
    return b"\n".join(parts)


def pdf_string(hex_or_literal: bytes) -> str:
    if hex_or_literal.startswith(b"<"):
        raw = bytes.fromhex(hex_or_literal[1:-1].decode("ascii"))
        return raw[2:].decode("utf-16-be") if raw.startswith(b"\xfe\xff") else raw.decode("latin-1")
    return hex_or_literal[1:-1].decode("latin-1")


def examples(content) -> list[tuple[str, Assessment]]:
    return [(p.stem, read_assessment_file(p, content).assessment) for p in sorted(EXAMPLES.glob("*.json"))]


def long_words_document(invoice: Assessment, content) -> Assessment:
    """Every text field filled with long Swedish compounds (up to 240 characters a field), narrow columns
    included: Kontaktcenterchef as the one responsible for an activity, Verksamheter as a target group."""
    document = filled(invoice, content, lambda limit: repeated(SWEDISH)(min(limit, 240)))
    document.plan.activities.append(
        Activity(
            activity="Konfiguration",
            purpose="Kontaktcenter",
            schedule="Hösten",
            resources="Kontaktcenter",
            responsible="Kontaktcenterchef",
        )
    )
    return document


# --- tagged PDF (PDF/UA) -------------------------------------------------------------------------


def test_pdf_is_tagged_with_language_title_and_chart_alt_text(content, invoice, tmp_path):
    path = pdf_file(invoice, content, tmp_path)
    info = poppler("pdfinfo", str(path))
    assert re.search(r"^Tagged:\s+yes$", info, re.M), info
    assert re.search(r"^Title:\s+Beslutsunderlag: E-tjänst för manuell kundfakturering$", info, re.M), info
    objects = pdf_objects(path.read_bytes())
    assert re.search(rb"/MarkInfo\s*<<\s*/Marked\s+true", objects)
    assert b"/StructTreeRoot" in objects
    assert re.search(rb"/Lang\s*\(sv\)", objects)
    assert b"pdfuaid" in objects  # the XMP metadata declares PDF/UA conformance
    figures = re.findall(rb"/S\s*/Figure.{0,400}?/Alt\s*(<[0-9a-fA-F]+>|\([^)]*\))", objects, re.S)
    assert figures, "the chart must be a tagged Figure with alt text"
    alt = pdf_string(figures[0])
    assert alt.startswith("Diagram över kostnader och nytta per år.") and "2021: kostnader 315" in alt, alt
    # headings and tables are tagged as such, so a screen reader can navigate them
    for tag in (b"/H1", b"/H2", b"/Table", b"/TH", b"/TD"):
        assert re.search(rb"/S\s*" + re.escape(tag) + rb"\b", objects), tag


# --- words: hyphenated at syllables, never cut ----------------------------------------------------


def words_of(text: str) -> list[str]:
    return re.findall(r"[\wåäöÅÄÖéü]+(?:-[\wåäöÅÄÖéü]+)*[-\u2010]?", text)


def syllable_boundary(word: str, cut: int, hyphenation: pyphen.Pyphen) -> bool:
    """Whether Swedish hyphenation allows cutting `word` at `cut`, within its part (Ekonomi-sektionen)."""
    start = word.rfind("-", 0, cut) + 1
    end = word.find("-", cut) if "-" in word[cut:] else len(word)
    return cut - start in hyphenation.positions(word[start:end])


def broken_words(pdf_text: str, html_text: str) -> list[str]:
    """Line ends in the PDF that cut a word. Hyphens the PDF added (U+2010, a word may take several in a
    narrow column) must stand where Swedish hyphenation allows, between parts of a word of the document;
    without one, two parts must not be one word of the document cut in two. The text's own hyphens
    (e-tjänst) may end a line."""
    vocabulary = set(words_of(html_text))
    hyphenation = pyphen.Pyphen(lang="sv")
    problems = []
    lines = [words_of(line) for line in pdf_text.splitlines()]
    index = 0
    while index < len(lines) - 1:
        words, following = lines[index], lines[index + 1]
        index += 1
        if not words or not following or words[-1].endswith("-"):
            continue
        if not words[-1].endswith(HYPHEN):
            last, first = words[-1], following[0]
            if last + first in vocabulary and not (last in vocabulary and first in vocabulary):
                problems.append(f"{last} | {first}")
            continue
        parts = [words[-1]]
        while parts[-1].endswith(HYPHEN) and index < len(lines) and lines[index]:
            parts.append(lines[index][0])
            if len(lines[index]) > 1 or not parts[-1].endswith(HYPHEN):
                break
            index += 1  # a line holding only the middle of the word
        joined = "".join(part.removesuffix(HYPHEN) for part in parts)
        cuts = list(itertools.accumulate(len(part) - 1 for part in parts[:-1]))
        shown = " | ".join(parts)
        if joined not in vocabulary:
            problems.append(shown)
        elif not all(syllable_boundary(joined, cut, hyphenation) for cut in cuts):
            problems.append(f"{shown} (not a syllable boundary)")
    return problems


def html_text(html: str) -> str:
    body = html.split("</style>", 1)[1]
    return re.sub(r"<[^>]+>", " ", body).replace("&amp;", "&")


@pytest.mark.parametrize("which", ["examples", "long words"])
def test_no_word_is_cut_without_a_hyphen(content, invoice, tmp_path, which):
    documents = examples(content) if which == "examples" else [("long", long_words_document(invoice, content))]
    for name, document in documents:
        path = pdf_file(document, content, tmp_path, name)
        text = reader_text(path)
        problems = broken_words(text, html_text(render_printed_html(document, content)))
        assert not problems, f"{name}: {problems}"
    if which == "long words":
        flat = text.replace(HYPHEN + "\n", "")
        for word in ("Kontaktcenterchef", "konfiguration", "kontaktcenter", "Verksamheter"):
            assert word in flat


def test_the_cut_words_check_sees_a_cut(content):
    """The check above is not blind: a word cut without a hyphen, or hyphenated off-syllable, is found."""
    html = "<style></style><p>konfiguration kontaktcenter e-tjänst</p>"
    assert broken_words("konfigura\ntion\nkontaktcente\nr", html_text(html)) == [
        "konfigura | tion",
        "kontaktcente | r",
    ]
    assert broken_words("kontaktc\u2010\nenter", html_text(html)) == [
        "kontaktc\u2010 | enter (not a syllable boundary)"
    ]
    assert broken_words("konfigu\u2010\nration\nkontakt\u2010\ncenter\ne-\ntjänst", html_text(html)) == []
    assert broken_words("kon\u2010\nfigura\u2010\ntion", html_text(html)) == []
    assert broken_words("kon\u2010\nfigur\u2010\nation", html_text(html)) == [
        "kon\u2010 | figur\u2010 | ation (not a syllable boundary)"
    ]


# --- everything inside the page, nothing over the next column ---------------------------------------


def word_boxes(path: Path) -> list[list[tuple[float, float, float, float, str]]]:
    xml = poppler("pdftotext", "-bbox", str(path), "-")
    pages = []
    for page in xml.split("<page ")[1:]:
        boxes = [
            (float(x0), float(y0), float(x1), float(y1), word)
            for x0, y0, x1, y1, word in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page
            )
        ]
        pages.append(boxes)
    return pages


def layout_problems(path: Path) -> list[str]:
    problems = []
    for number, boxes in enumerate(word_boxes(path), start=1):
        for x0, _y0, x1, _y1, word in boxes:
            if x0 < MARGIN_PT - 1 or x1 > A4_WIDTH_PT - MARGIN_PT + 1:
                problems.append(f"page {number}: '{word}' outside the margins ({x0:.0f}–{x1:.0f} pt)")
        ordered = sorted(boxes, key=lambda b: b[1])
        for i, (x0, y0, x1, y1, word) in enumerate(ordered):
            for a0, b0, a1, b1, other in ordered[i + 1 :]:
                if b0 >= y1 - 1:
                    break
                if min(x1, a1) - max(x0, a0) > 1 and min(y1, b1) - max(y0, b0) > 1:
                    problems.append(f"page {number}: '{word}' overlaps '{other}'")
    return problems


def many_years(invoice: Assessment) -> Assessment:
    """A twelve-year calculation with a large amount: the per-year tables must still fit."""
    document = invoice.model_dump(mode="json")
    calc = document["calculation"]
    calc["years"] = years = 12
    for line in calc["cost_lines"]:
        line["values"] = (line["values"] + [line["values"][-1]] * years)[:years]
    calc["cost_lines"][0]["values"][0] = 12_345_678.0
    for line in calc["freed_time_lines"]:
        line["ramp_percent"] = (line["ramp_percent"] + [100.0] * years)[:years]
    return Assessment.model_validate(document)


@pytest.mark.parametrize("which", ["examples", "long words", "twelve years"])
def test_everything_fits_the_page_and_nothing_overlaps(content, invoice, tmp_path, which):
    if which == "examples":
        documents = examples(content)
    elif which == "long words":
        documents = [("long", long_words_document(invoice, content))]
    else:
        documents = [("years", many_years(invoice))]
    for name, document in documents:
        path = pdf_file(document, content, tmp_path, name)
        problems = layout_problems(path)
        assert not problems, f"{name}: {problems[:10]}"
    if which == "twelve years":
        text = poppler("pdftotext", str(path), "-").replace(NBSP, " ")
        for year in range(2021, 2033):  # every year is there, in tables that fit
            assert str(year) in text
        for figure in ("10 740 837 360", "-10 740 620 280", "-10 736 970 480", "10 741 167 360"):
            assert figure in text  # whole: large amounts get fewer years to a table, never cut


def test_the_layout_check_sees_overflow(content, tmp_path):
    """A table wider than the page, and a cell's word over the next cell, are found by the check above."""
    html = (
        "<html lang=sv><style>@page { size: A4; margin: 22mm 18mm } table { width: 108%; table-layout: fixed }"
        "td { width: 50% }</style><table><tr><td>Ja</td><td style='text-align: right'>Nej</td></tr></table>"
        "<table style='width: 40%'><tr><td>Kontaktcenterchefkontaktcenterchef</td><td>Nej</td></tr></table>"
    )
    path = tmp_path / "wide.pdf"
    path.write_bytes(render_pdf(html))
    problems = layout_problems(path)
    assert any("outside the margins" in p for p in problems), problems
    assert any("overlaps 'Nej'" in p for p in problems), problems


# --- the calculation explained: effect per year, unvalued score -----------------------------------


def test_effect_per_year_and_unvalued_score_with_hand_computed_figures(content, invoice, tmp_path):
    document = invoice.model_copy(deep=True)
    document.benefits.append(Benefit(id="service", description="Bättre service", category="kvalitet", unvalued_score=2))
    document.calculation.benefit_lines = [
        BenefitLine(description="Lägre portokostnad", full_effect_kr=270_000, ramp_percent=[50.0, 100.0, 100.0]),
        BenefitLine(
            description="Tid för rådgivning", full_effect_kr=90_000, ramp_percent=[0, 33.3, 100.0], realisable=False
        ),
    ]
    document = Assessment.model_validate(document.model_dump())
    html = render_html(document, content)
    table = re.search(r'<table class="grid effects">.*?</table>', html, re.S).group()
    rows = [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).replace(NBSP, " ").strip()
        for row in re.findall(r"<tr>.*?</tr>", table.split("<tbody>")[1], re.S)
    ]
    # 270 000 kr × 50 % = 135 000 kr in year 1, then full effect
    assert rows[0] == "Lägre portokostnad 270 000 50 % 135 000 100 % 270 000 100 % 270 000"
    # 90 000 × 33,3 % = 29 970 (the percentage as the calculation uses it, not rounded to 33 %)
    assert rows[1] == "Tid för rådgivning (tas inte hem som pengar) 90 000 0 % 0 33,3 % 29 970 100 % 90 000"
    # freed time: 13 400 cases × 4 min / 60 × 90 % = 804 h × 450 kr/h = 361 800 kr; 60 % in year 1
    freed = "Manuella kundfakturor som hanteras via e-tjänsten"
    assert rows[2] == f"{freed} 361 800 60 % 217 080 100 % 361 800 100 % 361 800"
    header = re.search(r"<thead>.*?</thead>", table, re.S).group()
    assert "Full effekt, kr/år" in header and all(f">{y}<" in header for y in ("2021", "2022", "2023"))
    benefits = re.search(r'<table class="grid benefits">.*?</table>', html, re.S).group()
    assert "Ej värderad i pengar (0–3)" in benefits and "2 – Måttlig" in benefits
    # and in the PDF as a reader sees it
    text = reader_text(pdf_file(document, content, tmp_path)).replace(HYPHEN + "\n", "")
    assert "50 %" in text and "135 000" in text and "33,3 %" in text and "2 – Måttlig" in text
    assert "Full effekt," in text


def test_every_table_header_has_a_name(content, invoice):
    """No empty <th> (axe: empty-table-header), also in the per-year tables."""
    html = render_html(invoice, content)
    assert not re.findall(r"<th[^>]*>\s*</th>", html)


# --- overlong words: break opportunities, escaping kept --------------------------------------------


def test_no_field_prints_a_word_longer_than_the_limit(content, invoice):
    """Every field filled with one word as long as the model allows: the report gives every run of
    more than LONG_WORD characters break opportunities (the cause of a minute per PDF)."""
    document = filled(invoice, content, repeated("ä"))
    html = render_html(document, content)
    body = html.split("</style>", 1)[1]
    runs = [run for run in re.findall(r"[^\s<>\u200b]+", re.sub(r'(src|alt)="[^"]*"', "", body))]
    assert max(len(run) for run in runs) <= LONG_WORD
    assert ("ä" * BREAK_EVERY + ZERO_WIDTH_SPACE) * 3 in html  # the user's text is all there
    assert 'src="data:image/png;base64,' in html and ZERO_WIDTH_SPACE not in re.search(r'src="[^"]*"', html).group()


def test_long_words_keep_escaping(content):
    hostile = "<script>alert(1)</script>" + "x" * 200 + "&amp;<b>"
    document = Assessment(initiative={"name": "Namn", "need": hostile, "description": hostile})
    html = render_html(document, content)
    assert ZERO_WIDTH_SPACE in html  # the long run got its break opportunities …
    assert "<script>alert" not in html and "<b>" not in html  # … and stayed text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html.replace(ZERO_WIDTH_SPACE, "")
    assert "&amp;amp;&lt;b&gt;" in html.replace(ZERO_WIDTH_SPACE, "")


@pytest.mark.parametrize("printed", [False, True], ids=["whole", "printed"])
def test_a_twenty_thousand_character_word_renders(content, invoice, tmp_path, printed):
    """One word of 20 000 characters (the longest text the model allows) in the description: the PDF is
    made and its lines end at the break opportunities the report put in (every BREAK_EVERY characters),
    not wherever the width ran out (speed: bench/bench_export.py). Rendered whole, all of the word is in
    it; the exported (printed) version shows the part its print limits allow and says how much."""
    document = invoice.model_copy(deep=True)
    document.initiative.description = "a" * 20_000
    path = tmp_path / "rapport.pdf"
    path.write_bytes(render_pdf((render_printed_html if printed else render_html)(document, content)))
    text = reader_text(path)
    lines = [line for line in text.replace("\f", "\n").splitlines() if re.fullmatch("a{10,}", line)]
    shown = sum(len(line) for line in lines)
    if printed:  # the marker after the word says how much of it is shown, and that much is
        joined = "".join(text.split())  # the word runs on over page breaks (their header and footer between)
        marked = re.search(r"a{12}…\[förkortad:(\d+)av20000tecken\]", joined)
        assert marked, "the shortened word carries its marker"
        assert 1_000 < sum(len(run) for run in re.findall("a{12,}", joined)) == int(marked.group(1))
    else:
        assert shown == 20_000
    assert all(len(line) % BREAK_EVERY == 0 for line in lines[:-1]), sorted({len(line) for line in lines})
    assert int(re.search(r"^Pages:\s+(\d+)$", poppler("pdfinfo", str(path)), re.M).group(1)) < 20
