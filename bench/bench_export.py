"""Benchmark (not a test): exporting the beslutsunderlag.

- one assessment to HTML and to PDF (medians of 5);
- baseline in the same run: `jupyter nbconvert --execute --to html` of the report notebook for the same
  assessment (median of 3) – what exporting through a notebook would cost;
- 450 assessments (Växjö's portfolio) to HTML + PDF with the batch export on all cores.

Run: make bench-export  (or .venv/bin/python bench/bench_export.py [count])
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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


def main() -> None:
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


if __name__ == "__main__":
    main()
