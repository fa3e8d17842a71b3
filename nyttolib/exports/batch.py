"""Export assessments to files: HTML and PDF (the beslutsunderlag), xlsx (the nyttokalkyl), JSON (archive).

One function makes the bytes of one format; the batch writes many assessments at once, in parallel
processes, and reports which failed and why without stopping at the first failure.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from nyttolib.assessment.documents import assessment_json, write_bytes_atomically
from nyttolib.assessment.model import Assessment
from nyttolib.content import Content, load_content
from nyttolib.exports.filenames import unique_stems
from nyttolib.terminal import os_error_text

FORMATS = ("html", "pdf", "xlsx", "json")
MIME_TYPES = {
    "html": "text/html",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "csv": "text/csv",  # a workshop's raw answers
}


def parse_formats(text: str, allowed: tuple[str, ...] = FORMATS) -> list[str]:
    """'html,pdf' → ['html', 'pdf']; raises ValueError (Swedish) for a format not in `allowed`."""
    formats = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [f for f in formats if f not in allowed]
    if unknown or not formats:
        raise ValueError(f"okänt format: {', '.join(unknown) or '(inget)'}; välj bland {', '.join(allowed)}")
    return list(dict.fromkeys(formats))


def export_bytes(
    assessment: Assessment,
    content: Content,
    fmt: str,
    *,
    revision: int | None = None,
    saved_at: str | None = None,
    drafts: dict[str, str] | None = None,
) -> bytes:
    """One export format as bytes. The PDF is made from the report's printed version, which keeps to
    the print limits (nyttolib.exports.print_limits); the HTML holds everything.

    `drafts` (text the form did not accept) show in the report as "ej giltigt värde"; the JSON and the
    workbook hold the saved document only."""
    if fmt == "json":
        return assessment_json(assessment).encode("utf-8")
    if fmt == "xlsx":
        from nyttolib.exports.spreadsheet import calculation_workbook

        return calculation_workbook(assessment, content)
    from nyttolib.exports.report import render_html, render_pdf, render_printed_html

    if fmt == "html":
        return render_html(assessment, content, revision=revision, saved_at=saved_at, drafts=drafts).encode("utf-8")
    if fmt == "pdf":
        return render_pdf(render_printed_html(assessment, content, revision=revision, saved_at=saved_at, drafts=drafts))
    raise ValueError(f"okänt format: {fmt}")


def file_stem(assessment: Assessment) -> str:
    """A safe file name from the assessment's name (the id keeps two equal names apart)."""
    return unique_stems([(assessment.initiative.name, assessment.id)])[0]


def write_exports(
    assessment: Assessment,
    content: Content,
    formats: Iterable[str],
    out_dir: Path,
    *,
    revision: int | None = None,
    saved_at: str | None = None,
    stem: str | None = None,
) -> list[Path]:
    """Write the chosen formats of one assessment into `out_dir` (each file written atomically)."""
    written = []
    stem = stem or file_stem(assessment)
    try:
        for fmt in formats:
            data = export_bytes(assessment, content, fmt, revision=revision, saved_at=saved_at)
            target = out_dir / f"{stem}.{fmt}"
            write_bytes_atomically(target, data)
            written.append(target)
    except BaseException:
        for path in written:  # all of one assessment's files, or none: a half export is not reported as done
            path.unlink(missing_ok=True)
        raise
    return written


@dataclass
class ExportJob:
    """One assessment to export: where it comes from (for messages) and the document itself."""

    source: str
    document: dict
    revision: int | None = None
    saved_at: str | None = None
    stem: str | None = None  # set by export_batch: unique within the run


@dataclass
class BatchResult:
    written: list[Path] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def _export_job(job: ExportJob, formats: list[str], out_dir: str, content_dir: str | None) -> list[str]:
    content = load_content(content_dir)
    assessment = Assessment.model_validate(job.document)
    return [
        str(p)
        for p in write_exports(
            assessment, content, formats, Path(out_dir), revision=job.revision, saved_at=job.saved_at, stem=job.stem
        )
    ]


def export_batch(
    jobs: list[ExportJob],
    formats: list[str],
    out_dir: Path,
    *,
    content_dir: str | None = None,
    workers: int | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> BatchResult:
    """Export many assessments in parallel processes; one that fails is reported, the rest go on."""
    result = BatchResult()
    out_dir.mkdir(parents=True, exist_ok=True)
    jobs = _with_unique_stems(jobs)
    workers = workers or min(len(jobs), os.cpu_count() or 1) or 1
    done = 0
    if workers == 1:
        for job in jobs:
            try:
                result.written += _on_disk(_export_job(job, formats, str(out_dir), content_dir))
            except Exception as exc:  # one bad assessment must not stop the batch
                result.failed.append((job.source, _reason(exc)))
            done += 1
            if progress:
                progress(done, len(jobs), job.source)
        return result
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(_export_job, job, formats, str(out_dir), content_dir): job for job in jobs}
        for future in as_completed(futures):
            job = futures[future]
            try:
                result.written += _on_disk(future.result())
            except Exception as exc:
                result.failed.append((job.source, _reason(exc)))
            done += 1
            if progress:
                progress(done, len(jobs), job.source)
    return result


def _with_unique_stems(jobs: list[ExportJob]) -> list[ExportJob]:
    """Give every job its own file name stem before the work is spread over processes."""

    def name_and_id(job: ExportJob) -> tuple[str | None, str | None]:
        document = job.document if isinstance(job.document, dict) else {}
        initiative = document.get("initiative") if isinstance(document.get("initiative"), dict) else {}
        name, ident = initiative.get("name"), document.get("id")
        return (name if isinstance(name, str) else None, ident if isinstance(ident, str) else None)

    stems = unique_stems(name_and_id(job) for job in jobs)
    return [dataclasses.replace(job, stem=stem) for job, stem in zip(jobs, stems, strict=True)]


def _on_disk(paths: list[str]) -> list[Path]:
    """Only what is really there is reported as written."""
    return [Path(p) for p in paths if Path(p).is_file()]


def _reason(exc: Exception) -> str:
    """One Swedish line for a failed assessment (OS errors such as a full disk included)."""
    if isinstance(exc, OSError):
        return os_error_text(exc)
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else "okänt fel"
    return text[:300]
