"""`nyttolib portfolio list | summary | export`, run as a user runs them (a real subprocess): the figures,
the JSON, the filters, the exit codes, and user text that cannot reach the terminal as escapes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest
from test_portfolio_export import (
    BY_STAGE,
    BY_YEAR,
    CENTRAL,
    COSTS,
    HOSTILE_NAME,
    TOTAL_COST,
    hand_made,
    hostile,
)

from nyttolib.assessment.documents import read_assessment_file
from nyttolib.assessment.model import Assessment, Initiative, Portfolio
from nyttolib.cli import run
from nyttolib.content import load_content
from nyttolib.portfolio.cli_views import cell, table_lines
from nyttolib.portfolio.store import PortfolioStore

from conftest import EXAMPLE_FILES

NBSP = "\u00a0"
LONG_WORD = "Ärendehanteringssystemsintegrationsplattformsuppgraderingsprojektet"


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("data")
    content = load_content()
    with PortfolioStore(folder, content) as store:
        for path in EXAMPLE_FILES:
            store.save(read_assessment_file(path, content).assessment)
        store.save(hand_made())
        store.save(hostile())
    return folder


def nyttolib(data, *args: str) -> subprocess.CompletedProcess:
    """The command in this process (the same code path as the installed command, without the start-up)."""
    out, err = io.StringIO(), io.StringIO()
    code = run(["--data-dir", str(data), "portfolio", *args], out=out, err=err)
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def nyttolib_process(data, *args: str) -> subprocess.CompletedProcess:
    """The command as a user runs it: a new process."""
    return subprocess.run(
        [sys.executable, "-m", "nyttolib", "--data-dir", str(data), "portfolio", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=120,
    )


def test_summary_json_gives_the_hand_computed_figures(data):
    result = nyttolib(data, "summary", "--json", "--budget", "3 000 000 kr")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["count"], summary["total_cost_kr"]) == (6, TOTAL_COST)
    assert {s["stage"]: (s["count"], s["cost_kr"]) for s in summary["by_stage"] if s["count"]} == BY_STAGE
    assert {y["year"]: (y["count"], y["cost_kr"]) for y in summary["by_year"]} == BY_YEAR
    assert {y["year"]: y["cost_kr"] for y in summary["per_calendar_year"]} == pytest.approx(COSTS)
    assert summary["central_funding"]["used_kr"] == CENTRAL
    assert summary["central_funding"]["left_kr"] == 3_000_000 - CENTRAL
    assert len(summary["balance"]) == 3 and len(summary["indicators"]) == 4


def test_summary_text(data):
    result = nyttolib(data, "summary", "--stage", "beslutade", "--stage", "klara_for_beslut")
    assert result.returncode == 0, result.stderr
    text = result.stdout.replace(NBSP, " ")
    assert "Portföljen: 4 initiativ, kostnad (totalt) 2 333 000 kr" in text
    assert "Urval: Steg: Beslutade initiativ, Klara för beslut" in text
    assert "Beslutade initiativ" in text and "1 945 000 kr" in text
    assert "Portföljens balans" in text and "Centrala medel: 2 060 000 kr sökta" in text
    assert "2021" in text and "315 000 kr" in text and "217 080 kr" in text


def test_list_table_and_json(data):
    result = nyttolib(data, "list")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["Nr", "År", "Utvecklingsärende"]
    assert len([line for line in lines if line[:5] in {"25-11", "20-05", "22-07", "23-01", "26-01", "<U+20"}]) >= 5
    assert "6 initiativ · kostnad 2 443 000 kr" in result.stdout.replace(NBSP, " ")
    listed = json.loads(nyttolib(data, "list", "--json").stdout)
    assert {row["id"] for row in listed} >= {"handgjord", "fientlig", "exempel-e-arkiv"}
    made = next(row for row in listed if row["id"] == "handgjord")
    assert made["cost_kr"] == 100_000 and made["stage"] == "steg_0" and made["year"] == 2026
    assert next(row for row in listed if row["id"] == "fientlig")["name"] == HOSTILE_NAME  # JSON keeps it whole


def test_list_filters(data):
    def ids(*args: str) -> set[str]:
        result = nyttolib(data, "list", "--json", *args)
        assert result.returncode == 0, result.stderr
        return {row["id"] for row in json.loads(result.stdout)}

    assert ids("--year", "2022", "--year", "2023") == {"exempel-e-arkiv", "exempel-forstudie-digital-post"}
    assert ids("--department", " kommunarkivet ") == {"exempel-e-arkiv"}
    assert ids("--kind", "forstudie") == {"exempel-forstudie-digital-post"}
    assert ids("--priority", "lag") == {"exempel-e-arkiv"}
    assert ids("--light", "gul") == {"exempel-fakturor-e-tjanst"} == ids("--light", "yellow")
    assert ids("--text", "digital", "--stage", "beslutade") == {"exempel-forstudie-digital-post"}
    assert ids("--text", ".*") == set()  # plain text, never a pattern


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--stage", "steg_9"], "Det finns inget steg 'steg_9'. Giltiga: steg_0 (Steg 0 - Under framtagande/påbörjat)"),
        (["--kind", "okänd"], "Det finns inget typ 'okänd'. Giltiga: genomforande (Genomförande)"),
        (["--priority", "x"], "Det finns inget prioriteringsgrund 'x'. Giltiga: lag"),
        (["--light", "blå"], "Det finns inget ljus 'blå'"),
        (
            ["--department", "Månen"],
            "Ingen verksamhet i portföljen heter 'Månen'. Verksamheter: =1+2; Ekonomi-sektionen; Kommunarkivet",
        ),
    ],
)
def test_an_unknown_filter_value_is_invalid_input_with_the_valid_ones(data, args, message):
    for action in ("list", "summary"):
        result = nyttolib(data, action, *args)
        assert result.returncode == 1, result.stdout
        assert message in result.stderr and "Traceback" not in result.stderr


def test_usage_errors_exit_2_and_bad_values_exit_1(data, tmp_path):
    assert nyttolib_process(data, "list", "--year", "tjugotjugo").returncode == 2
    assert nyttolib(data, "export", "--format", "html").returncode == 2  # --out is required
    wrong = nyttolib(data, "export", "--format", "docx", "--out", str(tmp_path / "ut"))
    assert wrong.returncode == 2 and "okänt format: docx" in wrong.stderr
    assert not (tmp_path / "ut").exists()
    budget = nyttolib(data, "summary", "--budget", "tvåhundra kr")
    assert budget.returncode == 1 and "Budgeten 'tvåhundra kr' går inte att läsa" in budget.stderr


def test_export_reports_every_file_and_every_file_reported_is_there(data, tmp_path):
    out = tmp_path / "ut"
    result = nyttolib_process(data, "export", "--format", "csv,xlsx,html", "--out", str(out), "--year", "2022")
    assert result.returncode == 0, result.stderr
    reported = [line[2:] for line in result.stdout.splitlines() if line.startswith("- ")]
    assert len(reported) == 3 and "(3 filer)" in result.stdout and "(1 initiativ)" in result.stdout
    assert sorted(p.name for p in out.iterdir()) == sorted(os.path.basename(p) for p in reported)
    assert all(os.path.isfile(p) and os.path.getsize(p) > 0 for p in reported)
    csv_text = next(p for p in out.iterdir() if p.suffix == ".csv").read_bytes().decode("utf-8-sig")
    assert csv_text.count("\r\n") == 2 and "Öka takten i e-arkiv" in csv_text


def test_terminal_output_cannot_carry_escapes_and_keeps_its_columns(data):
    result = nyttolib_process(data, "list")
    assert "\u202e" not in result.stdout and "$\\alpha^{2}$ <img src=x" in result.stdout  # as typed, cut
    assert "\x1b" not in result.stdout
    assert cell("avtal \u202egnirgis\u202c", 40) == "avtal <U+202E>gnirgis<U+202C>"
    # Cells are made safe before they are measured: escapes become visible codes within the width.
    assert cell("\x1b[31mröd\x1b[0m", 40) == "<U+001B>[31mröd<U+001B>[0m"
    assert cell("rad ett\u2028rad två\r", 40) == "rad ett<U+2028>rad två<U+000D>"
    assert cell(LONG_WORD, 20) == LONG_WORD[:19] + "…"
    record = {
        "number": "\x1b[2J",
        "year": 2026,
        "name": LONG_WORD * 2,
        "department": LONG_WORD,
        "stage_label": "Steg 0 - Under framtagande/påbörjat",
        "cost_kr": 123_456_789.0,
        "net_kr": -5.0,
        "completeness_percent": 50.0,
        "light_label": "Gul – delvis på väg",
    }
    lines = table_lines([record, {**record, "name": "Kort", "number": "1"}])
    assert all("\x1b" not in line for line in lines)
    # Every column starts at the same place on every row: the ruler under the headings shows where.
    starts = [index for index, ch in enumerate(lines[1]) if ch == "-" and (index == 0 or lines[1][index - 1] == " ")]
    for line in lines[2:]:
        assert all(line[start - 2 : start] in ("  ", "") for start in starts[1:]), line


def test_an_empty_portfolio_says_so(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    assert run(["--data-dir", str(tmp_path / "tom"), "portfolio", "list"], out=out, err=err) == 0
    assert "Portföljen är tom" in out.getvalue()
    out = io.StringIO()
    assert run(["--data-dir", str(tmp_path / "tom"), "portfolio", "summary", "--json"], out=out, err=err) == 0
    assert json.loads(out.getvalue())["count"] == 0


def test_an_unreadable_assessment_is_reported_not_counted(tmp_path):
    content = load_content()
    with PortfolioStore(tmp_path / "data", content) as store:
        store.save(Assessment(id="hel", initiative=Initiative(name="Hel", portfolio=Portfolio(total_cost_kr=5))))
        store.save(Assessment(id="trasig", initiative=Initiative(name="Trasig")))
        with store._write() as db:
            db.execute("UPDATE revisions SET document = '{\"schema_version\": 99}' WHERE assessment_id = 'trasig'")
            db.execute("DELETE FROM portfolio_rows WHERE assessment_id = 'trasig'")
    out, err = io.StringIO(), io.StringIO()
    assert run(["--data-dir", str(tmp_path / "data"), "portfolio", "summary", "--json"], out=out, err=err) == 0
    summary = json.loads(out.getvalue())
    assert summary["count"] == 1 and summary["total_cost_kr"] == 5
    assert [u["id"] for u in summary["unreadable"]] == ["trasig"]
    assert "Bedömningen trasig går inte att läsa" in err.getvalue()
