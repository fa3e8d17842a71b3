"""The portfolio's summary rows: what the store keeps equals what the document gives, for generated
assessments; the row is saved with its revision or not at all; rows missing, stale or unreadable are
found and brought up to date; on SQLite and on PostgreSQL."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings

from nyttolib.assessment.calculations import calculate
from nyttolib.assessment.model import Assessment, Calculation, FreedTimeLine, Initiative
from nyttolib.content import load_content
from nyttolib.paths import DATABASE_FILENAME
from nyttolib.portfolio.rows import calendar_start, summary_row
from nyttolib.portfolio.store import PortfolioStore
from nyttolib.storage.assessments import NotFoundError, Store

from conftest import ROOT, raw_database
from strategies import assessments

STORE_KEYS = ("revision", "saved_at", "deleted")


def _stored(row: dict) -> dict:
    return {key: value for key, value in row.items() if key not in STORE_KEYS}


def _count(directory, table: str, url: str | None) -> int:
    with raw_database(directory, url) as db:
        return db.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar_one()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(assessment=assessments())
def test_the_stored_row_equals_a_recomputation_and_the_calculation(tmp_path_factory, assessment):
    content = load_content()
    with PortfolioStore(tmp_path_factory.mktemp("rows") / "data", content) as store:
        saved = store.save(assessment)
        (row,) = store.portfolio_rows(plans=True)
        loaded, revision = store.load(saved.id)
    assert (row["id"], row["revision"], row["deleted"]) == (saved.id, revision, False)
    assert _stored(row) == summary_row(loaded, content)
    result = calculate(loaded, content)
    start = calendar_start(loaded)
    count = len(result.cost_total)
    years = [str(start + i) for i in range(count)] if start is not None else [f"År {i + 1}" for i in range(count)]
    assert row["cost_per_year"] == dict(zip(years, result.cost_total, strict=True))
    assert row["realisable_benefit_per_year"] == dict(zip(years, result.benefit_realisable, strict=True))
    assert row["net_kr"] == result.total_net
    assert row["annual_realisable_net_kr"] == result.annual_realisable_net
    assert row["calculation_cost_kr"] == result.total_cost
    assert len(row["plans"]) == len(loaded.plan.items)
    assert len(row["indicators"]) == sum(1 for i in loaded.plan.indicators if i.indicator)


class FailingAfterTheRow(PortfolioStore):
    """Fails inside the save's transaction, after the revision and the row are written."""

    def _write_row(self, db, assessment_id, revision, row):
        super()._write_row(db, assessment_id, revision, row)
        raise RuntimeError("disk gone")


def test_the_row_is_written_in_the_revisions_transaction(tmp_path, database_url, content, invoice):
    directory = tmp_path / "data"
    with FailingAfterTheRow(directory, content, database_url=database_url) as failing, pytest.raises(RuntimeError):
        failing.save(invoice)
    with PortfolioStore(directory, content, database_url=database_url) as store:
        with pytest.raises(NotFoundError):
            store.load(invoice.id)
        assert _count(directory, "portfolio_rows", database_url) == 0
        assert _count(directory, "revisions", database_url) == 0
        store.save(invoice)
    changed = invoice.model_copy(deep=True)
    changed.initiative.name = "Nytt namn"
    with FailingAfterTheRow(directory, content, database_url=database_url) as failing, pytest.raises(RuntimeError):
        failing.save(changed, expected_revision=1)
    with PortfolioStore(directory, content, database_url=database_url) as store:
        (row,) = store.portfolio_rows()
        assert (row["revision"], row["name"]) == (1, invoice.initiative.name)
        assert store.head_revision(invoice.id) == 1


def test_a_database_without_rows_gets_them_on_first_read(tmp_path, database_url, content, examples):
    directory = tmp_path / "data"
    with Store(directory, database_url=database_url) as plain:  # nyttolib before the portfolio: revisions only
        for example in examples:
            plain.save(example)
    with PortfolioStore(directory, content, database_url=database_url) as store:
        assert _count(directory, "portfolio_rows", database_url) == 0
        rows = store.portfolio_rows()
        assert _count(directory, "portfolio_rows", database_url) == len(examples)
    assert sorted(row["id"] for row in rows) == sorted(e.id for e in examples)
    by_id = {row["id"]: row for row in rows}
    for example in examples:
        expected = summary_row(example, content)
        expected.pop("plans")
        assert _stored(by_id[example.id]) == expected


def test_a_save_by_a_plain_store_makes_the_row_stale(tmp_path, database_url, content, invoice):
    directory = tmp_path / "data"
    with PortfolioStore(directory, content, database_url=database_url) as store:
        store.save(invoice)
    changed = invoice.model_copy(deep=True)
    changed.initiative.name = "Sparad av en äldre nyttolib"
    with Store(directory, database_url=database_url) as plain:
        plain.save(changed)
    with PortfolioStore(directory, content, database_url=database_url) as store:
        (row,) = store.portfolio_rows()
    assert (row["revision"], row["name"]) == (2, "Sparad av en äldre nyttolib")


def test_a_changed_content_folder_makes_the_rows_stale(tmp_path, database_url, content):
    directory = tmp_path / "data"
    # 1 000 cases of 60 minutes a year at the content's internal rate (the document sets no rate of its own).
    freed = FreedTimeLine(volume_per_year=1000, minutes_per_case=60, realisable=True, ramp_percent=[100, 100, 100])
    assessment = Assessment(calculation=Calculation(years=3, freed_time_lines=[freed]))
    with PortfolioStore(directory, content, database_url=database_url) as store:
        assessment = assessment.model_copy(update={"id": store.save(assessment).id})
        (before,) = store.portfolio_rows()
    folder = tmp_path / "content"  # the municipality changes its internal hourly rate
    shutil.copytree(ROOT / "data" / "content", folder)
    settings_file = folder / "settings.yaml"
    text = settings_file.read_text(encoding="utf-8")
    assert "kr_per_hour: 450" in text
    settings_file.write_text(text.replace("kr_per_hour: 450", "kr_per_hour: 900"), encoding="utf-8")
    changed = load_content(folder)
    with PortfolioStore(directory, changed, database_url=database_url) as store:
        (after,) = store.portfolio_rows()
        fingerprint = store.fingerprint
    with PortfolioStore(directory, content, database_url=database_url) as unchanged:
        assert fingerprint != unchanged.fingerprint
    expected = summary_row(assessment, changed)
    expected.pop("plans")
    assert _stored(after) == expected
    assert before["realisable_benefit_per_year"]["År 1"] == 1000 * 450
    assert after["realisable_benefit_per_year"]["År 1"] == 1000 * 900
    with raw_database(directory, database_url) as db:
        assert db.execute(sa.text("SELECT fingerprint FROM portfolio_rows")).all() == [(fingerprint,)]


def test_rebuild_recomputes_every_row(tmp_path, database_url, content, examples):
    directory = tmp_path / "data"
    with PortfolioStore(directory, content, database_url=database_url) as store:
        for example in examples:
            store.save(example)
        with raw_database(directory, database_url) as db:
            db.execute(sa.text("UPDATE portfolio_rows SET name = 'fel', net_kr = 1"))
            db.execute(sa.text("DELETE FROM portfolio_years"))
        rebuilt = store.rebuild()
        rows = {row["id"]: row for row in store.portfolio_rows()}
    assert (rebuilt.rows, rebuilt.unreadable) == (len(examples), [])
    assert sorted(rows) == sorted(e.id for e in examples)
    for example in examples:
        expected = summary_row(example, content)
        expected.pop("plans")
        assert _stored(rows[example.id]) == expected


def test_soft_deleted_assessments_are_left_out(tmp_path, database_url, content, invoice, study):
    with PortfolioStore(tmp_path / "data", content, database_url=database_url) as store:
        store.save(invoice)
        store.save(study)
        store.delete(study.id)
        assert [row["id"] for row in store.portfolio_rows()] == [invoice.id]
        everything = store.portfolio_rows(include_deleted=True)
        assert {row["id"]: row["deleted"] for row in everything} == {invoice.id: False, study.id: True}
        store.undelete(study.id)
        assert len(store.portfolio_rows()) == 2


def test_an_unreadable_head_revision_gives_a_row_with_the_reason(tmp_path, database_url, content, invoice):
    directory = tmp_path / "data"
    with Store(directory, database_url=database_url) as plain:
        plain.save(Assessment(id="trasig", initiative=Initiative(name="Trasig")))
        plain.save(invoice)
    with raw_database(directory, database_url) as db:
        db.execute(
            sa.text("UPDATE revisions SET document = :document WHERE assessment_id = 'trasig'"),
            {"document": '{"schema_version": 3, "plan": 5}'},
        )
    with PortfolioStore(directory, content, database_url=database_url) as store:
        rows = {row["id"]: row for row in store.portfolio_rows(plans=True)}
        rebuilt = store.rebuild()
    broken = rows["trasig"]
    assert (broken["name"], broken["plans"]) == ("Trasig", [])
    assert broken["unreadable"].startswith("Revision 1 av bedömningen 'trasig' går inte att läsa")
    assert "unreadable" not in rows[invoice.id]
    assert rebuilt.unreadable == ["trasig"]


def test_portfolio_tables_of_an_older_shape_are_made_anew(tmp_path, content, invoice):
    """The tables hold only derived figures: a database whose portfolio table lacks a column (written by an
    older nyttolib) gets new tables and its rows back on the first read."""
    directory = tmp_path / "data"
    with Store(directory) as plain:
        plain.save(invoice)
    with sqlite3.connect(directory / DATABASE_FILENAME) as db:
        db.execute("CREATE TABLE portfolio_rows (assessment_id TEXT PRIMARY KEY, revision INTEGER, summary TEXT)")
        db.execute("INSERT INTO portfolio_rows VALUES (?, 1, '{}')", (invoice.id,))
    with PortfolioStore(directory, content) as store:
        (row,) = store.portfolio_rows()
    expected = summary_row(invoice, content)
    expected.pop("plans")
    assert _stored(row) == expected
