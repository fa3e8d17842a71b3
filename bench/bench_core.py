"""Benchmark of the core (not a test): import time, save + load of 1 000 assessments, validation of 1 000.

Each figure is the median of several runs, printed beside a baseline measured in the same run:
- import: a bare `python -c pass`;
- save + load: the same JSON documents written to and read from a plain SQLite table with the same
  durability (one transaction per save, WAL, synchronous=FULL) but no revisions or bookkeeping;
- validation: jsonschema's Draft 2020-12 validator with the generated schema (which checks less:
  no content references, no Swedish messages).

Run: make bench  (or .venv/bin/python bench/bench_core.py)
"""

from __future__ import annotations

import json
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nyttolib.assessment.documents import read_assessment_file  # noqa: E402
from nyttolib.assessment.model import json_schema  # noqa: E402
from nyttolib.assessment.validation import validate_document  # noqa: E402
from nyttolib.content import load_content  # noqa: E402
from nyttolib.storage.assessments import Store  # noqa: E402

COUNT = 1000


def median_seconds(action, runs: int) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def import_time(statement: str, runs: int = 9) -> float:
    return median_seconds(lambda: subprocess.run([sys.executable, "-c", statement], check=True, cwd=ROOT), runs)


def documents() -> list[dict]:
    content = load_content()
    invoice = read_assessment_file(ROOT / "data/examples/fakturor-e-tjanst.json", content).assessment
    base = invoice.model_dump(mode="json")
    result = []
    for n in range(COUNT):
        copy = json.loads(json.dumps(base))
        copy["id"] = f"bench-{n:04d}"
        copy["initiative"]["name"] = f"Initiativ {n}"
        result.append(copy)
    return result


def ours_save_load(docs) -> None:
    from nyttolib.assessment.model import Assessment

    models = [Assessment.model_validate(d) for d in docs]
    with tempfile.TemporaryDirectory() as directory, Store(directory) as store:
        for model in models:
            store.save(model)
        for model in models:
            store.load(model.id)


def plain_sqlite_save_load(docs) -> None:
    texts = [(d["id"], json.dumps(d, ensure_ascii=False)) for d in docs]
    with tempfile.TemporaryDirectory() as directory:
        db = sqlite3.connect(Path(directory) / "plain.sqlite3", isolation_level=None)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = FULL")
        db.execute("CREATE TABLE docs (id TEXT PRIMARY KEY, document TEXT NOT NULL)")
        for row in texts:
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO docs VALUES (?, ?)", row)
            db.execute("COMMIT")
        for doc_id, _ in texts:
            json.loads(db.execute("SELECT document FROM docs WHERE id = ?", (doc_id,)).fetchone()[0])
        db.close()


def main() -> None:
    content = load_content()
    docs = documents()
    print(
        f"nyttolib core benchmark – {time.strftime('%Y-%m-%d')} – {platform.node()} – "
        f"{platform.machine()}, Python {platform.python_version()}"
    )

    bare = import_time("pass")
    package = import_time("import nyttolib")
    core = import_time(
        "import nyttolib.cli, nyttolib.storage.assessments, nyttolib.assessment.summary, nyttolib.assessment.validation"
    )
    print(
        f"import nyttolib:               {package:.3f} s  (bare interpreter {bare:.3f} s, ratio {package / bare:.2f})"
    )
    print(f"import whole core (CLI):       {core:.3f} s  (core alone ≈ {core - bare:.3f} s)")

    ours = median_seconds(lambda: ours_save_load(docs), 5)
    plain = median_seconds(lambda: plain_sqlite_save_load(docs), 5)
    print(
        f"save + load {COUNT} assessments:  {ours:.2f} s  ({ours / COUNT * 1000:.2f} ms each; "
        f"plain SQLite {plain:.2f} s, ratio {ours / plain:.2f})"
    )

    validated = median_seconds(lambda: [validate_document(d, content) for d in docs], 5)
    assert all(validate_document(d, content).ok for d in docs[:5])
    import jsonschema

    validator = jsonschema.Draft202012Validator(json_schema())
    baseline = median_seconds(lambda: [validator.is_valid(d) for d in docs], 5)
    print(
        f"validate {COUNT} assessments:     {validated:.3f} s  ({validated / COUNT * 1000:.3f} ms each; "
        f"jsonschema {baseline:.3f} s, ratio {validated / baseline:.2f})"
    )


if __name__ == "__main__":
    main()
