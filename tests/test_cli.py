"""The `nyttolib` command, run as a user runs it (a real subprocess), with its exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, INVOICE, STUDY

NBSP = "\u00a0"


@pytest.fixture
def nyttolib(tmp_path):
    env = {**os.environ, "NYTTOLIB_DATA_DIR": str(tmp_path / "data")}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "nyttolib", *args], capture_output=True, text=True, env=env, timeout=60
        )

    return run


def test_summary_of_the_invoice_example_shows_the_seed_figures(nyttolib):
    result = nyttolib("summary", str(INVOICE))
    assert result.returncode == 0, result.stderr
    text = result.stdout.replace(NBSP, " ")
    assert "804 h/år (ca 800 h)" in text
    assert "361 800 kr/år (ca 360 000 kr)" in text
    assert "13 400 st × 4 min = 893 h/år (ca 890 h)" in text
    assert "12 060 st" in text
    assert "Årlig realiserbar ekonomisk nettonytta efter full effekt: 331 800 kr (361 800 kr minus 30 000 kr)" in text
    assert "Nyttokalkyl krävs: ja." in text
    assert "Fullständighet: 100 %" in text


def test_summary_json(nyttolib):
    result = nyttolib("summary", str(INVOICE), "--json")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    calc = data["calculation"]
    assert calc["freed_hours_per_year_full_effect"] == pytest.approx(804)
    assert calc["freed_value_per_year_full_effect"] == pytest.approx(361_800)
    assert calc["annual_realisable_net_after_full_effect"] == pytest.approx(331_800)
    assert calc["payback_year"] == "2022"
    assert data["calculation_required"] is True
    assert data["prerequisites"] == {"ja": 6, "nej": 0, "total": 6}
    assert data["follow_up"][0]["colour"] == "yellow"


def test_validate(nyttolib, tmp_path):
    for example in EXAMPLES.glob("*.json"):
        result = nyttolib("validate", str(example))
        assert (result.returncode, result.stdout.strip()) == (0, f"{example}: giltig bedömning")
    bad = tmp_path / "fel.json"
    bad.write_text(
        json.dumps({"document_type": "nyttolib.assessment", "schema_version": 2, "calculation": {"years": "tre"}}),
        encoding="utf-8",
    )
    result = nyttolib("validate", str(bad))
    assert result.returncode == 1
    assert "Nyttokalkyl → Antal år: ska vara ett heltal" in result.stderr
    assert "Traceback" not in result.stderr


def test_import_list_history_export_restore_delete(nyttolib, tmp_path):
    assert nyttolib("list").stdout.startswith("Inga sparade bedömningar")
    imported = nyttolib("import", str(INVOICE))
    assert imported.returncode == 0 and "id exempel-fakturor-e-tjanst, revision 1" in imported.stdout
    again = nyttolib("import", str(INVOICE))
    assert again.returncode == 1 and "Det finns redan en bedömning med id exempel-fakturor-e-tjanst" in again.stderr
    assert "--as-new" in again.stderr and "--update" in again.stderr
    updated = nyttolib("import", str(INVOICE), "--update")
    assert updated.stdout.startswith("Importerad som en ny revision") and updated.stdout.endswith("revision 2\n")
    assert nyttolib("import", str(STUDY)).returncode == 0
    listing = nyttolib("list").stdout
    assert "E-tjänst för manuell kundfakturering · Beslutade initiativ · rev 2" in listing
    assert "100 %" in listing
    history = nyttolib("history", "exempel-fak").stdout.splitlines()
    assert len(history) == 2 and "Importerad från fakturor-e-tjanst.json" in history[0]

    out = tmp_path / "ut"
    out.mkdir()
    exported = nyttolib("export", "exempel-fak", "--format", "json", "--out", str(out))
    assert exported.returncode == 0
    assert "Exporterade 1 av 1 bedömningar" in exported.stdout
    written = out / "E-tjänst för manuell kundfakturering (exempel-).json"
    assert json.loads(written.read_text(encoding="utf-8")) == json.loads(INVOICE.read_text(encoding="utf-8"))
    assert json.loads(nyttolib("export", "exempel-fak").stdout)["id"] == "exempel-fakturor-e-tjanst"

    assert nyttolib("summary", "exempel-fak").stdout.startswith("Bedömning: E-tjänst för manuell kundfakturering")
    assert nyttolib("restore", "exempel-fak", "1").stdout == "Revision 1 återställd som revision 3.\n"
    assert nyttolib("delete", "exempel-fors").returncode == 0
    assert "Förstudie" not in nyttolib("list").stdout
    assert "(borttagen)" in nyttolib("list", "--all").stdout

    # A file whose id belongs to a deleted assessment: refused, then --update brings it back into the list.
    refused = nyttolib("import", str(STUDY))
    assert refused.returncode == 1 and "borttagen ur listan" in refused.stderr
    back = nyttolib("import", str(STUDY), "--update")
    assert back.returncode == 0 and "syns nu i listan igen" in back.stdout
    assert "Förstudie" in nyttolib("list").stdout
    # --as-new keeps the existing one as it was and adds another.
    as_new = nyttolib("import", str(INVOICE), "--as-new")
    assert as_new.returncode == 0 and as_new.stdout.startswith("Importerad som en ny bedömning (id:t fanns redan)")
    assert nyttolib("list").stdout.count("E-tjänst för manuell kundfakturering") == 2
    assert len(nyttolib("history", "exempel-fak").stdout.splitlines()) == 3


def test_bad_input_exits_1_and_usage_exits_2(nyttolib, tmp_path):
    missing = nyttolib("summary", str(tmp_path / "saknas.json"))
    assert missing.returncode == 1 and "finns inte" in missing.stderr
    unknown = nyttolib("history", "okänt-id")
    assert unknown.returncode == 1 and "Det finns ingen bedömning med id 'okänt-id'." in unknown.stderr
    newer = tmp_path / "ny.json"
    newer.write_text(json.dumps({"document_type": "nyttolib.assessment", "schema_version": 99}), encoding="utf-8")
    assert nyttolib("import", str(newer)).returncode == 1
    assert nyttolib("list").stdout.startswith("Inga sparade")  # a refused import changes nothing
    assert nyttolib().returncode == 2
    assert nyttolib("export").returncode == 2
    assert nyttolib("export", "x", "--format", "docx").returncode == 2
    assert nyttolib("frobnicate").returncode == 2


def test_broken_content_is_reported_with_file_and_line(nyttolib, tmp_path):
    import shutil

    content = tmp_path / "innehall"
    shutil.copytree(Path(__file__).resolve().parent.parent / "data" / "content", content)
    (content / "settings.yaml").write_text("hourly_rates: [\n", encoding="utf-8")
    result = nyttolib("--content-dir", str(content), "validate", str(INVOICE))
    assert result.returncode == 1
    assert "settings.yaml, rad" in result.stderr and "felaktig YAML" in result.stderr


def test_summary_of_a_blank_assessment_and_of_nej_answers(nyttolib, tmp_path):
    blank = tmp_path / "tom.json"
    blank.write_text(json.dumps({"document_type": "nyttolib.assessment", "schema_version": 2}), encoding="utf-8")
    text = nyttolib("summary", str(blank)).stdout
    assert "Återbetald: – (kalkylen har inga kostnader ännu)" in text
    assert "Nyttorealiseringsplan: Ej påbörjad (väntar på Nytta)" in text
    assert "Uppföljning: Ej påbörjad (väntar på Nytta)" in text
    assert "Effektivitet – Innovation: ej markerad" in text
    document = json.loads(INVOICE.read_text(encoding="utf-8"))
    for criterion in ("finansiering_och_resurser", "agarorganisation"):
        document["prerequisites"][criterion]["answer"] = "nej"
    nej = tmp_path / "nej.json"
    nej.write_text(json.dumps(document), encoding="utf-8")
    text = nyttolib("summary", str(nej)).stdout
    assert "Saknas:" not in text
    assert text.rstrip().endswith(
        "Inget saknas – bedömningen är komplett.\nObservera: 2 förutsättningar är bedömda med NEJ: "
        "”Ägarorganisation finns – stöd från ledning”, ”Finansiering och resurser säkrade”."
    )


def test_diff_between_two_revisions(nyttolib, tmp_path):
    document = json.loads(INVOICE.read_text(encoding="utf-8"))
    first = tmp_path / "forsta.json"
    first.write_text(json.dumps(document), encoding="utf-8")
    assert nyttolib("import", str(first)).returncode == 0
    document["initiative"]["name"] = "Fakturor\u202e[2J"  # a bidi override is allowed text, shown as a code
    document["calculation"]["cost_lines"].pop(0)
    document["calculation"]["cost_lines"][0]["values"][1] = 12_000
    second = tmp_path / "andra.json"
    second.write_text(json.dumps(document), encoding="utf-8")
    assert nyttolib("import", str(second), "--update").returncode == 0

    result = nyttolib("diff", "exempel-fak", "1", "2")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.replace(NBSP, " ").splitlines()
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    assert lines[0] == "Fakturor<U+202E>[2J (exempel-fakt)"
    assert lines[1] == "Ändringar från revision 1 till revision 2:"
    assert (
        lines[2] == "  - Om initiativet → Initiativets namn: ”E-tjänst för manuell kundfakturering” → "
        "”Fakturor<U+202E>[2J”"
    )
    assert lines[3].startswith("  - Nyttokalkyl → Kostnader → rad 1 borttagen: ”")
    assert lines[4].startswith("  - Nyttokalkyl → Kostnader → rad 1 (tidigare rad 2) → ")
    assert lines[4].endswith(" → 12 000")
    assert nyttolib("history", "exempel-fak").stdout.count("\u202e") == 0

    same = nyttolib("diff", "exempel-fak", "2", "2")
    assert (same.returncode, same.stdout.splitlines()[-1]) == (0, "  Inga ändringar.")
    missing = nyttolib("diff", "exempel-fak", "1", "9")
    assert missing.returncode == 1 and "Det finns ingen revision 9 av bedömning" in missing.stderr
    unknown = nyttolib("diff", "finns-inte", "1", "2")
    assert unknown.returncode == 1 and "Det finns ingen bedömning med id 'finns-inte'" in unknown.stderr
    usage = nyttolib("diff", "exempel-fak", "ett", "2")
    assert usage.returncode == 2 and "'ett' är inget revisionsnummer (ett heltal från 1)" in usage.stderr
    assert nyttolib("diff", "exempel-fak", "1").returncode == 2
    assert "Traceback" not in missing.stderr + unknown.stderr + usage.stderr


@pytest.mark.parametrize("command", ["validate", "import", "summary", "export"])
def test_a_5000_digit_number_gets_a_swedish_message_and_exit_1(nyttolib, tmp_path, command):
    """Python's JSON parser refuses integers over 4300 digits with a ValueError: it must never surface."""
    header = '"document_type": "nyttolib.assessment", "schema_version": 2'
    line = f'{{"volume_per_year": {"9" * 5000}, "ramp_percent": [100, 100, 100]}}'
    huge = tmp_path / "enorm.json"
    calculation = f'{{"years": 3, "freed_time_lines": [{line}]}}'
    huge.write_text(f'{{{header}, "calculation": {calculation}, "initiative": {{"portfolio": {{"year": 2e400}}}}}}')
    result = nyttolib(command, str(huge))
    assert result.returncode == 1 and "Traceback" not in result.stderr + result.stdout
    volume = "Frigjord tid → rad 1 → Volym per år (antal): ska vara ett tal från 0 till 1\u00a0000\u00a0000\u00a0000"
    assert volume in result.stderr
    assert "Portfölj → År: ska vara ett heltal från 1900 till 2200" in result.stderr
    assert nyttolib("list").stdout.startswith("Inga sparade")  # nothing imported
    huge.write_text(f'{{{header}, "calculation": {{"years": -{"1" * 5000}}}}}')
    result = nyttolib(command, str(huge))
    assert result.returncode == 1 and "Traceback" not in result.stderr and "Nyttokalkyl → Antal år:" in result.stderr
