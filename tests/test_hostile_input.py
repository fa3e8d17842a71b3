"""Hostile input: every bad file and payload goes through validate, import, summary and every export.

Each bad file must give exit code 1, a Swedish message, no traceback, nothing written to the store
or the output folder. Hostile text that the model allows must stay data in every export, and the
files the CLI reports must be the files on disk.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from nyttolib.assessment.model import Assessment
from nyttolib.cli import run
from nyttolib.exports.filenames import unique_stems

from conftest import EXAMPLES, INVOICE, SIGNING

HEADER = {"document_type": "nyttolib.assessment", "schema_version": 2}
COMMANDS = ("validate", "import", "summary", "export")


def cli(*args: str, data: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["--data-dir", str(data), *args], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _document(**parts) -> dict:
    return HEADER | parts


def _v1(**parts) -> dict:
    return {"document_type": "nyttolib.assessment", "schema_version": 1, **parts}


# name → (file content as bytes, a phrase of the Swedish message)
BAD_FILES: dict[str, tuple[bytes, str]] = {
    "not-json": (b"{ detta ar inte json", "inte giltig JSON"),
    "empty": (b"", "inte giltig JSON"),
    "binary": (bytes(range(256)) * 4, "inte en textfil i UTF-8"),
    "array": (b"[1, 2, 3]", "ingen bedömning"),
    "other-document": (json.dumps({"document_type": "annat"}).encode(), "ingen bedömning från nyttolib"),
    "newer-schema": (json.dumps(HEADER | {"schema_version": 99}).encode(), "schemaversion 99"),
    "huge-integer": (
        b'{"document_type": "nyttolib.assessment", "schema_version": 2, "initiative": {"estimated_hours": '
        + b"9" * 5000
        + b"}}",
        "Uppskattad arbetsinsats (timmar)",
    ),
    "deep": (b"[" * 100_000 + b"]" * 100_000, "djupt nästlad"),
    "duplicate-key": (
        b'{"document_type": "nyttolib.assessment", "schema_version": 2, "initiative": {"name": "A", "name": "B"}}',
        'Fältet "name" står två gånger',
    ),
    "v1-rates-as-list": (
        json.dumps(_v1(calculation={"hourly_rates": [450], "hourly_rate_kr": 450})).encode(),
        "Timpriser (kr/h): ska vara en samling fält",
    ),
    "v1-prerequisites-as-list": (json.dumps(_v1(prerequisites=[True])).encode(), "Förutsättningar"),
    "nul-in-name": (json.dumps(_document(initiative={"name": "A\x00B"})).encode(), "otillåtet tecken, U+0000"),
    "escape-in-name": (json.dumps(_document(initiative={"name": "\x1b[2J"})).encode(), "otillåtet tecken, U+001B"),
    "newline-in-name": (json.dumps(_document(initiative={"name": "rad 1\nrad 2"})).encode(), "U+000A"),
    "bell-in-long-text": (json.dumps(_document(initiative={"need": "a\x07b"})).encode(), "otillåtet tecken, U+0007"),
    "noncharacter": (json.dumps(_document(initiative={"description": "a\ufffeb"})).encode(), "U+FFFE"),
    "noncharacter-ffff": (json.dumps(_document(initiative={"name": "a\uffff"})).encode(), "U+FFFF"),
    "lone-surrogate": (
        b'{"document_type": "nyttolib.assessment", "schema_version": 2, "initiative": {"name": "\\ud800"}}',
        "trasigt tecken (en ensam surrogat, U+D800–U+DFFF)",
    ),
    "c1-control": (json.dumps(_document(initiative={"name": "a\x85b"})).encode(), "U+0085"),
    "bool-as-true-score": (json.dumps(_document(benefits=[{"id": "b", "unvalued_score": True}])).encode(), "heltal"),
    "years-as-string": (json.dumps(_document(calculation={"years": "3"})).encode(), "heltal"),
    "realisable-as-0": (
        json.dumps(
            _document(calculation={"years": 3, "benefit_lines": [{"ramp_percent": [1, 1, 1], "realisable": 0}]})
        ).encode(),
        "ja eller nej",
    ),
    "measurable-as-yes": (json.dumps(_document(benefits=[{"id": "b", "measurable": "yes"}])).encode(), "ja eller nej"),
    "id-of-a-megabyte": (json.dumps(_document(id="a" * 1_000_000)).encode(), "högst 64 tecken"),
    "id-with-slash": (json.dumps(_document(id="../../etc")).encode(), "får bara innehålla"),
}


def _write_bad(tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.json"
    path.write_bytes(BAD_FILES[name][0])
    return path


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_get_a_swedish_message_and_nothing_is_written(tmp_path, name):
    path = _write_bad(tmp_path, name)
    data, out_dir = tmp_path / "data", tmp_path / "ut"
    phrase = BAD_FILES[name][1]
    for command in COMMANDS:
        extra = ["--format", "html,pdf,xlsx,json", "--out", str(out_dir)] if command == "export" else []
        code, out, err = cli(command, str(path), *extra, data=data)
        said = out + err
        assert code == 1, (command, said)
        assert phrase in said, (command, said)
        assert "Traceback" not in said and "Error" not in said.replace("Error in", ""), (command, said)
    assert not out_dir.exists() or list(out_dir.iterdir()) == []
    assert cli("list", data=data)[1].startswith("Inga sparade bedömningar")


@pytest.mark.slow
@pytest.mark.parametrize("special", ["/dev/zero", "fifo", "too-large", "directory", "missing"])
def test_special_files_are_refused_without_reading_them(tmp_path, special):
    messages = {
        "/dev/zero": "ingen vanlig fil",
        "fifo": "ingen vanlig fil",
        "too-large": "större än 10 MB",
        "directory": "är en mapp",
        "missing": "finns inte",
    }
    path = {"/dev/zero": Path("/dev/zero"), "directory": tmp_path}.get(special, tmp_path / f"{special}.json")
    if special == "fifo":
        os.mkfifo(path)
    if special == "too-large":
        path.write_bytes(b" " * (10 * 1024 * 1024 + 1))
    env = {**os.environ, "NYTTOLIB_DATA_DIR": str(tmp_path / "data")}
    for command in ("validate", "import", "summary"):
        result = subprocess.run(
            [sys.executable, "-m", "nyttolib", command, str(path)], capture_output=True, text=True, env=env, timeout=60
        )
        assert result.returncode == 1, result
        assert messages[special] in result.stderr and "Traceback" not in result.stderr + result.stdout


def _text_kind(info) -> str | None:
    """'long' or 'short' for a free-text field (by its length limit); None for ids, references and the rest."""
    from annotated_types import MaxLen

    limits = [m.max_length for m in info.metadata if isinstance(m, MaxLen)]
    return {20_000: "long", 500: "short"}.get(limits[0]) if limits and info.annotation is str else None


def _set_every_text(model, payload: str, short: str):
    """A copy of a model with every free-text field (one-line and long) set to the payload."""
    from pydantic import BaseModel

    updates = {}
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        kind = _text_kind(info)
        if kind:
            updates[name] = payload if kind == "long" else short
        elif isinstance(value, BaseModel):
            updates[name] = _set_every_text(value, payload, short)
        elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
            updates[name] = [_set_every_text(v, payload, short) for v in value]
        elif isinstance(value, list) and value and isinstance(value[0], str):
            updates[name] = [payload for _ in value]
        elif isinstance(value, dict) and value and isinstance(next(iter(value.values())), BaseModel):
            updates[name] = {k: _set_every_text(v, payload, short) for k, v in value.items()}
        elif isinstance(value, dict) and value and isinstance(next(iter(value.values())), str):
            updates[name] = dict.fromkeys(value, payload)
    return type(model).model_validate(model.model_copy(update=updates).model_dump())


PAYLOADS = {
    "script": "<script>alert('x')</script>",
    "img": '<img src=x onerror="alert(1)">',
    "jinja": "{{ 7*7 }} {% raw %}",
    "markdown": "**fet** [länk](javascript:alert(1))",
    "formula": '=HYPERLINK("http://evil.example";"klicka")',
    "dde": "@SUM(1+1)*cmd|' /C calc'!A0",
    "mathtext": "$\\alpha^{2}$ kostar $$ 5",
    "rtl": "avtal \u202egnirgis\u202c klart",
    "long-text": "rad 1\n\trad 2 med tabb",
}


@pytest.mark.slow
@pytest.mark.parametrize("key", sorted(PAYLOADS))
def test_hostile_text_in_every_field_stays_data_in_every_export(content, signing, tmp_path, key):
    payload = PAYLOADS[key]
    short = payload.replace("\n", " ").replace("\t", " ")
    hostile = _set_every_text(signing, payload, short)
    source = tmp_path / "hostile.json"
    source.write_text(hostile.model_dump_json(), encoding="utf-8")
    data, out_dir = tmp_path / "data", tmp_path / "ut"
    code, out, err = cli("import", str(source), data=data)
    assert code == 0, err
    code, out, err = cli(
        "export", "exempel-digital", "--format", "html,pdf,xlsx,json", "--out", str(out_dir), data=data
    )
    assert code == 0, out + err
    files = sorted(out_dir.iterdir())
    assert len(files) == 4 and "(4 filer)" in out
    html = next(f for f in files if f.suffix == ".html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img src=x" not in html and "\u202e" not in html
    if key == "jinja":
        assert "{{ 7*7 }}" in html  # Jinja in user text is shown, not evaluated
    pdf_text = subprocess.run(
        ["pdftotext", str(next(f for f in files if f.suffix == ".pdf")), "-"], capture_output=True, text=True
    ).stdout
    assert short.replace("\u202e", "").replace("\u202c", "")[:8] in pdf_text.replace("\n", " ")
    from openpyxl import load_workbook

    workbook = load_workbook(next(f for f in files if f.suffix == ".xlsx"))
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and short[:8] in cell.value:
                    assert cell.data_type == "s"  # text, never a formula
    exported = next(f for f in files if f.suffix == ".json")
    code, out, err = cli("validate", str(exported), data=data)
    assert code == 0, err  # nyttolib reads back what it wrote
    listing = cli("list", data=data)[1]
    assert "\u202e" not in listing and "\x1b" not in listing


def test_terminal_output_shows_control_and_bidi_characters_as_codes(tmp_path, store):
    """Names written by an older version (or by hand) with escapes cannot move the cursor or fake a row."""
    store.save(Assessment(id="spoof"))
    with sqlite3.connect(store.path) as raw:
        raw.execute("UPDATE revisions SET name = ? WHERE assessment_id = 'spoof'", ("Ond\x1b[2J\rfalsk rad\u202e",))
    code, out, _ = cli("list", data=store.directory)
    assert code == 0
    assert "\x1b" not in out and "\r" not in out and "\u202e" not in out
    assert "Ond<U+001B>[2J<U+000D>falsk rad<U+202E>" in out


def test_a_document_that_cannot_be_decoded_is_named_not_crashed(tmp_path, store, invoice):
    saved = store.save(invoice)
    with sqlite3.connect(store.path) as raw:
        raw.execute("UPDATE revisions SET document = ? WHERE assessment_id = ?", ("{trasig", saved.id))
    for command in ("summary", "export"):
        code, out, err = cli(command, saved.id, data=store.directory)
        assert code == 1
        assert f"Revision 1 av bedömningen '{saved.id}' går inte att läsa" in err + out


def test_a_file_that_is_not_a_database_is_refused_and_never_written(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "nyttolib.sqlite3").write_bytes(b"det har ar ingen databas" * 100)
    before = (data / "nyttolib.sqlite3").read_bytes()
    for args in (["list"], ["import", str(INVOICE)]):
        code, _out, err = cli(*args, data=data)
        assert code == 1 and "är skadad" in err and "Traceback" not in err
    assert (data / "nyttolib.sqlite3").read_bytes() == before


@pytest.mark.slow
def test_a_damaged_database_is_marked_and_no_more_is_written(tmp_path, content, invoice):
    from nyttolib.storage.assessments import Store

    data = tmp_path / "data"
    with Store(data) as store:
        for n in range(40):
            store.save(invoice.model_copy(update={"id": f"a{n}"}))
    path = data / "nyttolib.sqlite3"
    raw = bytearray(path.read_bytes())
    for offset in range(4096 * 2, len(raw), 4096):  # trash the b-tree header of every page after the second
        raw[offset : offset + 12] = b"\xff" * 12
    path.write_bytes(bytes(raw))
    code, out, err = cli("db", "check", data=data)
    assert code == 1 and "är skadad" in out
    assert (data / "nyttolib.sqlite3.skadad").exists()
    code, out, err = cli("import", str(SIGNING), data=data)
    assert code == 1 and "skriver inte mer i den" in err
    # After a repair (here: a fresh database), the check says so and writing works again.
    path.unlink()
    for extra in data.glob("nyttolib.sqlite3-*"):
        extra.unlink()
    code, out, _ = cli("db", "check", data=data)
    assert code == 0 and "markeringen om skada är borttagen" in out
    code, out, err = cli("import", str(SIGNING), data=data)
    assert code == 0, err


def _can_drop_privileges() -> bool:
    return os.geteuid() == 0 and Path("/usr/bin/setpriv").exists()


@pytest.mark.slow
@pytest.mark.skipif(not _can_drop_privileges(), reason="needs root to run the CLI as another user")
def test_a_read_only_data_dir_can_be_listed_and_says_why_nothing_is_saved(tmp_path):
    import tempfile

    home = Path(tempfile.mkdtemp(dir="/tmp"))  # pytest's tmp_path is private to root
    try:
        home.chmod(0o755)
        data = home / "data"
        assert cli("import", str(INVOICE), data=data)[0] == 0
        os.chmod(data / "nyttolib.sqlite3", 0o444)
        os.chmod(data, 0o555)
        nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-m", "nyttolib"]
        env = {**os.environ, "NYTTOLIB_DATA_DIR": str(data), "HOME": str(home)}
        listed = subprocess.run([*nobody, "list"], capture_output=True, text=True, env=env, timeout=60)
        assert listed.returncode == 0 and "E-tjänst för manuell kundfakturering" in listed.stdout, listed
        imported = subprocess.run(
            [*nobody, "import", str(SIGNING)], capture_output=True, text=True, env=env, timeout=60
        )
        assert imported.returncode == 1 and "skrivskyddad" in imported.stderr, imported
        assert "Traceback" not in imported.stderr
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(home)], check=False)
        subprocess.run(["rm", "-rf", str(home)], check=False)


@pytest.fixture
def tiny_disk(tmp_path, request):
    """A small file system (1 MB, or the size the test names), mounted for the test (root only, as in CI)."""
    size = getattr(request, "param", "1m")
    mount = tmp_path / "liten"
    mount.mkdir()
    command = ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)]
    if os.geteuid() != 0 or subprocess.run(command).returncode:
        pytest.skip("needs root to mount a small file system")
    yield mount
    if subprocess.run(["umount", str(mount)]).returncode:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.mark.slow
def test_a_full_disk_is_said_in_swedish_and_the_store_stays_whole(tiny_disk, tmp_path, content, signing):
    data = tiny_disk / "data"
    big = tmp_path / "stor.json"
    code, saved = 0, 0
    while code == 0 and saved < 400:
        document = signing.model_copy(update={"id": f"fyll{saved}"})
        document.initiative.need = "x" * 19_000
        big.write_text(document.model_dump_json(), encoding="utf-8")
        code, _out, err = cli("import", str(big), data=data)
        saved += code == 0
    assert code == 1 and "Disken är full" in err and "Traceback" not in err
    raw = sqlite3.connect(data / "nyttolib.sqlite3")
    try:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        raw.close()
    assert len(cli("list", data=data)[1].splitlines()) == saved


@pytest.mark.slow
@pytest.mark.parametrize("tiny_disk", ["160k"], indirect=True)
def test_exporting_to_a_full_disk_reports_only_the_files_on_disk(tiny_disk, tmp_path):
    data = tmp_path / "data"
    code, out, err = cli(
        "export", *map(str, sorted(EXAMPLES.glob("*.json"))), "--format", "pdf,xlsx", "--out", str(tiny_disk), data=data
    )
    on_disk = [p for p in tiny_disk.iterdir() if not p.name.startswith(".")]
    assert code == 1 and "disken är full" in out.lower() + err.lower()
    assert f"({len(on_disk)} filer)" in out
    assert "Traceback" not in out + err


def test_file_names_are_unique_and_within_the_byte_limit():
    long_name = "Digitalisering av ärendehantering " * 4
    stems = unique_stems(
        [
            (long_name, "abcdef1234567890aaaa"),
            (long_name, "abcdef1234567890bbbb"),  # shares 16 characters
            (long_name, "abcdef12zzzz"),  # shares 8
            (long_name.upper(), "abcdef1234567890aaaa"),  # same but for case: Windows and macOS see one file
            (None, None),
            (None, None),
            ("𝔸" * 80, None),
        ]
    )
    assert len({s.casefold() for s in stems}) == len(stems)
    assert all(len(f"{s}.xlsx".encode()) <= 255 for s in stems)
    assert stems[4] == "bedomning" and stems[5] == "bedomning 2"


@pytest.mark.slow
def test_batch_export_of_equal_long_names_writes_every_file(tmp_path, invoice):
    name = "Gemensam plattform för digitala tjänster och självservice för invånare och företag i kommunen " + "ö" * 40
    sources = []
    for n, ident in enumerate(["samma8teckenA", "samma8teckenB", None, None]):
        document = invoice.model_copy(update={"id": ident})
        document.initiative.name = name
        path = tmp_path / f"k{n}.json"
        path.write_text(document.model_dump_json(), encoding="utf-8")
        sources.append(str(path))
    out_dir = tmp_path / "ut"
    code, out, err = cli("export", *sources, "--format", "html,json", "--out", str(out_dir), data=tmp_path / "data")
    assert code == 0, err
    files = list(out_dir.iterdir())
    assert len(files) == 8 and "(8 filer)" in out
    assert all(len(f.name.encode()) <= 255 for f in files)
