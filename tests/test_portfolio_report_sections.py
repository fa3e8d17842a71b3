"""The portfolio report's sections from the prioritisation and the benefit register (each runs where its
module is installed): in the report and its PDF, escaped, and in the CLI's export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from test_portfolio_export import HOSTILE_NAME, hand_made, hostile

from nyttolib.assessment.documents import read_assessment_file
from nyttolib.cli import run
from nyttolib.content import load_content
from nyttolib.exports.report import ZERO_WIDTH_SPACE
from nyttolib.portfolio.overview import overview
from nyttolib.portfolio.queries import Filters
from nyttolib.portfolio.report import render_html
from nyttolib.portfolio.report_sections import contributed_sections, prioritisation_section, register_section
from nyttolib.portfolio.store import PortfolioStore

from conftest import EXAMPLE_FILES


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    content = load_content()
    with PortfolioStore(tmp_path_factory.mktemp("data"), content) as opened:
        for path in EXAMPLE_FILES:
            opened.save(read_assessment_file(path, content).assessment)
        opened.save(hand_made())
        opened.save(hostile())
        yield opened


def view_of(store, filters=None):
    return overview(store.portfolio_data(), store.content, filters, rows=store.portfolio_rows(plans=True))


def test_the_prioritisation_section_ranks_the_filtered_initiatives_with_reasons(store):
    module = pytest.importorskip("nyttolib.portfolio.prioritisation")
    content = store.content
    view = view_of(store)
    section = prioritisation_section(view, content)
    ranking = module.rank([row for row in view.rows if row["id"] in set(view.table["id"])], content)
    table = section.tables[0] if section.tables else None
    assert section.title == "Prioritering" and section.paragraphs[0] == ranking.disclaimer
    assert [row[0] for row in (table.rows if table else [])] == [p.place for p in ranking.positions]
    assert [row[-1] for row in (table.rows if table else [])] == [p.reason for p in ranking.positions]
    html = render_html(view, content, prioritisation=section)
    assert '<h2 id="s-prioritering">Prioritering</h2>' in html
    for position in ranking.positions:
        assert position.reason.split()[0] in html
    decided = prioritisation_section(view_of(store, Filters(stages=("beslutade",))), content)
    assert len(decided.tables[0].rows if decided.tables else []) <= 3


def test_the_register_section_lists_every_plan_item_and_the_years(store):
    module = pytest.importorskip("nyttolib.portfolio.register")
    content = store.content
    view = view_of(store)
    on = dt.date(2026, 12, 1)
    section = register_section(view, content, on)
    register = module.benefit_register(view.rows, content, on)
    entries = section.tables[0]
    assert len(entries.rows) == len(register.entries) > 0
    assert [row[10] for row in entries.rows] == [item.due.label for item in register.entries]
    years = section.tables[1]
    assert [row[0] for row in years.rows] == [y.year for y in register.economics.per_year]
    html = render_html(view, content, register=section).replace(ZERO_WIDTH_SPACE, "")
    assert '<h2 id="s-register">Nyttoregister</h2>' in html and register.economics.rule[:40] in html


def test_the_export_has_the_sections_of_the_installed_modules(store, tmp_path):
    sections = contributed_sections(view_of(store), store.content)
    out, err = io.StringIO(), io.StringIO()
    code = run(
        ["--data-dir", str(store.directory), "portfolio", "export", "--format", "html", "--out", str(tmp_path)],
        out=out,
        err=err,
    )
    assert code == 0, err.getvalue()
    html = next(tmp_path.glob("*.html")).read_text(encoding="utf-8")
    assert ("s-prioritering" in html) == (sections["prioritisation"] is not None)
    assert ("s-register" in html) == (sections["register"] is not None)
    assert "<img src=x" not in html.replace(ZERO_WIDTH_SPACE, "") and HOSTILE_NAME[:12] in html
