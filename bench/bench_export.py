"""Benchmark (not a test): exporting the beslutsunderlag.

- one assessment to HTML and to PDF (medians of 5);
- baseline in the same run: `jupyter nbconvert --execute --to html` of the report notebook for the same
  assessment (median of 3) – what exporting through a notebook would cost;
- 450 assessments (Växjö's portfolio) to HTML + PDF with the batch export on all cores;
- overlong words (issue 10): one 20 000-character word in the description, and the worst valid input
  (every text field as long as the model allows, as one word or as long Swedish words), each against the
  normal example measured in the same run (wall and CPU time: the CPU time is steadier on a shared machine).

Run: make bench-export  (or .venv/bin/python bench/bench_export.py [count | long-words])
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

from nyttolib.assessment.documents import read_assessment_file  # noqa: E402
from nyttolib.content import load_content  # noqa: E402
from nyttolib.exports.batch import ExportJob, export_batch  # noqa: E402
from nyttolib.exports.report import render_html, render_pdf  # noqa: E402
from nyttolib.storage.assessments import Store  # noqa: E402


def timed(action, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def timed_pdf(assessment, content, runs: int) -> tuple[float, float, int]:
    """Median wall and CPU seconds of HTML + PDF, and the number of pages."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        pdf = render_pdf(render_html(assessment, content))
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


def long_words(invoice, content, runs: int) -> None:
    """Overlong words against the normal example, in the same run."""
    one_word = invoice.model_copy(deep=True)
    one_word.initiative.description = "a" * 20_000
    cases = [
        ("normal example (baseline)", invoice, runs),
        ("one 20 000-character word", one_word, runs),
        ("every text field 2 000 characters, long Swedish words", filled(invoice, content, up_to(2000, SWEDISH)), 1),
        ("every text field 2 000 characters, one word each", filled(invoice, content, up_to(2000, "a")), 1),
        ("every text field at its limit, long Swedish words", filled(invoice, content, repeated(SWEDISH)), 1),
        ("every text field at its limit, one word each", filled(invoice, content, repeated("a")), 1),
    ]
    base_wall = base_cpu = None
    for label, assessment, count in cases:
        wall, cpu, pages = timed_pdf(assessment, content, count)
        base_wall, base_cpu = base_wall or wall, base_cpu or cpu
        print(
            f"HTML + PDF, {label:55s} median {wall:7.2f} s wall, {cpu:7.2f} s CPU, {pages:3d} pages "
            f"(ratio {wall / base_wall:5.1f} wall, {cpu / base_cpu:5.1f} CPU; median of {count})"
        )


def main() -> None:
    if sys.argv[1:] == ["long-words"]:
        content = load_content()
        invoice = read_assessment_file(ROOT / "data/examples/fakturor-e-tjanst.json", content).assessment
        render_pdf(render_html(invoice, content))
        long_words(invoice, content, 5)
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
    long_words(invoice, content, 5)


if __name__ == "__main__":
    main()
