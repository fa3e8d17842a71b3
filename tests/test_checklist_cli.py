"""`nyttolib checklist list|show|export`: what a user sees in the terminal, and the files it writes."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from nyttolib.checklists.answers import ItemAnswer, new_answering
from nyttolib.checklists.model import load_checklists
from nyttolib.checklists.store import ChecklistStore
from nyttolib.cli import run

ROOT = Path(__file__).resolve().parent.parent


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def stored(tmp_path):
    project = load_checklists(ROOT / "data" / "checklists")[0]["ar-det-ett-projekt"]
    ids = []
    with ChecklistStore(tmp_path / "data") as store:
        for date, value in [("2025-03-01", "nej"), ("2026-03-01", "ja")]:
            answering = new_answering(project, "Kultur \x1b[31mröd", dt.date.fromisoformat(date))
            answering.answers["tillfallig"] = ItemAnswer(answer=value, comment="=SUM(A1)")
            ids.append(store.save(answering).id)
    return tmp_path / "data", ids


def test_list_shows_the_checklists_and_names_a_broken_file(tmp_path, monkeypatch):
    code, out, err = _run("checklist", "list")
    assert code == 0 and err == ""
    assert "tio-goda-rad: Tio goda råd för e-utvecklingsarbetet – 10 punkter" in out
    folder = tmp_path / "listor"
    folder.mkdir()
    (folder / "trasig.yaml").write_text("id: trasig\ntitle: T\nsource: S\nitems: []\n", encoding="utf-8")
    monkeypatch.setenv("NYTTOLIB_CHECKLIST_DIR", str(folder))
    code, out, err = _run("checklist", "list")
    assert code == 1 and "Fel: trasig.yaml, rad 4: items" in err


def test_show_a_checklist_and_an_organisations_answers_over_time(stored):
    data, ids = stored
    code, out, _ = _run("--data-dir", str(data), "checklist", "show", "ar-det-ett-projekt")
    assert code == 0 and "  2. Ett projekt är avgränsat i tid och kostnad." in out
    code, out, _ = _run(
        "--data-dir", str(data), "checklist", "show", "ar-det-ett-projekt", "--organisation", "kultur \x1b[31mröd"
    )
    assert code == 0
    assert "Jämfört med 2025-03-01: 1 bättre, 2 oförändrade." in out
    assert "2026-03-01: Ja – bättre (förra gången Nej)" in out
    assert "\x1b" not in out and "<U+001B>" in out  # the name cannot colour the terminal
    code, out, _ = _run("--data-dir", str(data), "checklist", "show", ids[0])
    assert code == 0 and "Kommentar: =SUM(A1)" in out
    code, out, _ = _run(
        "--data-dir", str(data), "checklist", "list", "--answerings", "--checklist", "ar-det-ett-projekt"
    )
    assert [line.split()[0] for line in out.splitlines()] == [ids[1], ids[0]]


def test_export_writes_html_and_pdf_that_read_back_and_never_overwrite(stored, tmp_path):
    data, ids = stored
    target = tmp_path / "ut"
    code, out, err = _run("--data-dir", str(data), "checklist", "export", ids[1], "--out", str(target))
    assert code == 0, err
    files = sorted(p.name for p in target.iterdir())
    assert files == [
        "Är det ett projekt- – Kultur [31mröd 2026-03-01.html",
        "Är det ett projekt- – Kultur [31mröd 2026-03-01.pdf",
    ]
    for name in files:
        code, out, err = _run("checklist", "show", str(target / name))
        assert code == 0, err
        assert "Är det ett projekt? – Kultur <U+001B>[31mröd, 2026-03-01" in out
        assert "Jämfört med 2025-03-01: 1 bättre, 2 oförändrade." in out
    code, _, _ = _run("--data-dir", str(data), "checklist", "export", ids[1], "--out", str(target), "--format", "html")
    assert code == 0 and len(list(target.iterdir())) == 3  # "… 2.html" beside the first
    code, _, err = _run(
        "--data-dir", str(data), "checklist", "export", ids[1], "--out", str(target), "--format", "xlsx"
    )
    assert code == 2 and "--format" in err
    code, _, err = _run("--data-dir", str(data), "checklist", "export", "finns-inte", "--out", str(target))
    assert code == 1 and "finns-inte" in err and "Traceback" not in err
    (tmp_path / "annan.html").write_text("<p>hej</p>", encoding="utf-8")
    code, _, err = _run("checklist", "show", str(tmp_path / "annan.html"))
    assert code == 1 and "ingen checklista exporterad från nyttolib" in err
