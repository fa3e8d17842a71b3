"""Benchmark (not a test): exporting the beslutsunderlag.

- one assessment to HTML and to PDF (medians of 5);
- baseline in the same run: `jupyter nbconvert --execute --to html` of the report notebook for the same
  assessment (median of 3) – what exporting through a notebook would cost;
- 450 assessments (Växjö's portfolio) to HTML + PDF with the batch export on all cores;
- worst valid input (issue 10): one 20 000-character word in the description, every text field as long
  as the model allows (as one word or as long Swedish words), every list at the model's most rows over
  its most years, and both at once, each against the normal example measured in the same run (wall and
  CPU time: the CPU time is steadier on a shared machine). The PDF as exported: within its print limits.

Run: make bench-export  (or .venv/bin/python bench/bench_export.py [count | worst])
"""

from __future__ import annotations

import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # longtext: the documents the print tests use

from longtext import SWEDISH, filled, repeated  # noqa: E402

from nyttolib.assessment.documents import assessment_json, read_assessment_file  # noqa: E402
from nyttolib.assessment.model import MAX_ROWS, MAX_YEARS, Assessment  # noqa: E402
from nyttolib.content import load_content  # noqa: E402
from nyttolib.exports.batch import ExportJob, export_batch  # noqa: E402
from nyttolib.exports.report import render_html, render_pdf, render_printed_html  # noqa: E402
from nyttolib.storage.assessments import Store  # noqa: E402


def timed(action, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def timed_pdf(assessment, content, runs: int) -> tuple[float, float, int]:
    """Median wall and CPU seconds of the PDF as exported (its HTML, then the PDF), and its pages."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        pdf = render_pdf(render_printed_html(assessment, content))
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), page_count(pdf)


def page_count(pdf: bytes) -> int:
    """Pages, as poppler's pdfinfo reads them (WeasyPrint keeps the page tree in compressed streams)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        info = subprocess.run(["pdfinfo", file.name], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def up_to(characters: int, words: str):
    return lambda limit: repeated(words)(min(limit, characters))


def with_rows(document: Assessment, rows: int, years: int) -> Assessment:
    """`document` with `rows` rows in every list (the model's most) over `years` years (its most); the
    first plan has `rows` measurements, the others one (so that the document stays within the 10 MB an
    import reads)."""
    data = document.model_dump()
    calc = data["calculation"]
    calc["years"] = years
    for key in ("cost_lines", "benefit_lines", "freed_time_lines"):
        line = calc[key][0]
        for per_year in ("values", "ramp_percent"):
            if per_year in line:
                line[per_year] = (line[per_year] * years)[:years]
        calc[key] = [{**line, "id": f"{key}-{i}"} for i in range(rows)]
    data["benefits"] = [{**data["benefits"][0], "id": f"nytta-{i}"} for i in range(rows)]
    plan = data["plan"]
    item = {**plan["items"][0], "measurements": plan["items"][0]["measurements"][:1]}
    plan["items"] = [{**item, "id": f"plan-{i}", "benefit_id": f"nytta-{i}"} for i in range(rows)]
    plan["items"][0]["measurements"] = item["measurements"] * rows
    for key in ("activities", "risks", "prerequisites", "behaviour_changes"):
        plan[key] = plan[key][:1] * rows
    data["initiative"]["portfolio"]["funding"] = data["initiative"]["portfolio"]["funding"][:1] * rows
    return Assessment.model_validate(data)


def worst(invoice, content, runs: int) -> None:
    """The PDF as exported (the printed version, within the print limits) of the worst valid inputs we
    can build, against the normal example measured in the same run."""
    one_word = invoice.model_copy(deep=True)
    one_word.initiative.description = "a" * 20_000
    short = filled(invoice, content, lambda limit: "Kort text")
    cases = [
        ("normal example (baseline)", invoice),
        ("one 20 000-character word", one_word),
        ("every text at its limit, long Swedish words", filled(invoice, content, repeated(SWEDISH))),
        ("every text at its limit, one word each", filled(invoice, content, repeated("a"))),
        (f"{MAX_ROWS} rows in every list, {MAX_YEARS} years", with_rows(short, MAX_ROWS, MAX_YEARS)),
        (
            f"{MAX_ROWS} rows, {MAX_YEARS} years, every text 1 500 characters",
            with_rows(filled(invoice, content, up_to(1_500, SWEDISH)), MAX_ROWS, MAX_YEARS),
        ),
    ]
    base_wall = base_cpu = None
    for label, assessment in cases:
        wall, cpu, pages = timed_pdf(assessment, content, runs)
        base_wall, base_cpu = base_wall or wall, base_cpu or cpu
        size = len(assessment_json(assessment).encode("utf-8")) / 1e6
        print(
            f"{label:50s} ({size:4.1f} MB): median {wall:5.2f} s wall, {cpu:5.2f} s CPU, {pages:3d} pages "
            f"(ratio {wall / base_wall:4.1f} wall, {cpu / base_cpu:4.1f} CPU; median of {runs})",
            flush=True,
        )


def main() -> None:
    if sys.argv[1:] == ["worst"]:
        content = load_content()
        invoice = read_assessment_file(ROOT / "data/examples/fakturor-e-tjanst.json", content).assessment
        render_pdf(render_printed_html(invoice, content))
        worst(invoice, content, 3)
        return
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 450
    content = load_content()
    invoice = read_assessment_file(ROOT / "data/examples/fakturor-e-tjanst.json", content).assessment
    print(
        f"nyttolib export benchmark – {time.strftime('%Y-%m-%d')} – {platform.node()} – {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}"
    )
    render_pdf(render_html(invoice, content))  # imports and font loading once, as a running app has them
    html_times = timed(lambda: render_html(invoice, content), 5)
    html = render_html(invoice, content)
    pdf_times = timed(lambda: render_pdf(html), 5)
    both_times = timed(lambda: render_pdf(render_html(invoice, content)), 5)
    with tempfile.TemporaryDirectory() as work:
        data = Path(work) / "data"
        with Store(data) as store:
            store.save(invoice)
        env = {**os.environ, "NYTTOLIB_DATA_DIR": str(data), "QUERY_STRING": f"id={invoice.id}"}
        out = Path(work) / "nb"

        def nbconvert() -> None:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "jupyter",
                    "nbconvert",
                    "--execute",
                    "--to",
                    "html",
                    "--output-dir",
                    str(out),
                    str(ROOT / "notebooks" / "rapport.ipynb"),
                ],
                check=True,
                env=env,
                capture_output=True,
            )

        nbconvert_times = timed(nbconvert, 3)
        jobs = []
        for n in range(count):
            document = invoice.model_dump(mode="json")
            document["id"] = f"portfolj-{n:03d}"
            document["initiative"]["name"] = f"Initiativ {n:03d}"
            jobs.append(ExportJob(f"portfolj-{n:03d}", document))
        start = time.perf_counter()
        result = export_batch(jobs, ["html", "pdf"], Path(work) / "batch")
        batch = time.perf_counter() - start
    html_m, pdf_m, both_m, nb_m = (statistics.median(t) for t in (html_times, pdf_times, both_times, nbconvert_times))
    print(f"HTML, one assessment:            median {html_m:.3f} s  (goal ≤ 1 s)")
    print(f"PDF from that HTML:              median {pdf_m:.3f} s")
    print(f"HTML + PDF, one assessment:      median {both_m:.3f} s  (goal PDF ≤ 2 s)")
    print(f"nbconvert --execute --to html:   median {nb_m:.3f} s  (ratio HTML / nbconvert {html_m / nb_m:.3f})")
    print(
        f"{count} assessments, HTML + PDF:   {batch:.1f} s on {os.cpu_count()} processes "
        f"({batch / count:.2f} s each; {len(result.written)} files, {len(result.failed)} failed; goal ≤ 300 s)"
    )
    worst(invoice, content, 3)


if __name__ == "__main__":
    main()
