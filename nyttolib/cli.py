"""The `nyttolib` command: validate, summarise, import, export, list and show history of assessments.

Exit codes: 0 ok, 1 invalid input (a file or an id that cannot be used), 2 usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from nyttolib import __version__
from nyttolib.assessment.completeness import completeness
from nyttolib.assessment.documents import (
    AssessmentFileError,
    assessment_json,
    check_file,
    read_assessment_file,
    write_text_atomically,
)
from nyttolib.assessment.model import Assessment
from nyttolib.assessment.summary import summarise, summary_text
from nyttolib.content import ContentError, load_content
from nyttolib.exitcodes import EXIT_INVALID, EXIT_OK, EXIT_USAGE
from nyttolib.storage.assessments import Store, StoreError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's default exits 2 too; keep it, in Swedish
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: fel: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="nyttolib", description="Bedömning, nyttokalkyl och nyttorealisering av utvecklingsinitiativ."
    )
    parser.add_argument("--version", action="version", version=f"nyttolib {__version__}")
    parser.add_argument(
        "--data-dir", help="mapp där bedömningarna sparas (annars NYTTOLIB_DATA_DIR eller användarens datamapp)"
    )
    parser.add_argument(
        "--content-dir", help="mapp med innehållsfilerna (annars NYTTOLIB_CONTENT_DIR eller data/content)"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO", parser_class=_Parser)

    validate = commands.add_parser("validate", help="kontrollera en bedömning i en .json-fil")
    validate.add_argument("file", metavar="FIL")

    summary = commands.add_parser("summary", help="sammanfatta en bedömning (fil eller id)")
    summary.add_argument("source", metavar="FIL|ID")
    summary.add_argument("--json", action="store_true", help="skriv nyckeltalen som JSON")

    import_ = commands.add_parser("import", help="importera en .json-fil till lagret")
    import_.add_argument("file", metavar="FIL")

    export = commands.add_parser("export", help="exportera bedömningar (id eller .json-filer)")
    export.add_argument("sources", nargs="+", metavar="ID|FIL")
    export.add_argument("--format", default="json", help="ett eller flera av html,pdf,xlsx,json (json)")
    export.add_argument("--out", metavar="MAPP", help="mapp att skriva till (annars standard ut för en json)")
    export.add_argument("--workers", type=int, help="antal parallella processer (antal kärnor)")

    list_ = commands.add_parser("list", help="lista sparade bedömningar")
    list_.add_argument("--all", action="store_true", help="ta med borttagna")
    list_.add_argument("--json", action="store_true", help="skriv listan som JSON")

    history = commands.add_parser("history", help="visa revisionerna av en bedömning")
    history.add_argument("id", metavar="ID")

    restore = commands.add_parser("restore", help="återställ en äldre revision (som en ny revision)")
    restore.add_argument("id", metavar="ID")
    restore.add_argument("revision", type=int, metavar="REVISION")

    delete = commands.add_parser("delete", help="ta bort en bedömning ur listan (revisionerna sparas)")
    delete.add_argument("id", metavar="ID")

    commands.add_parser("schema", help="skriv bedömningens JSON Schema")

    serve = commands.add_parser("serve", help="starta webbappen (Voilà) på den här datorn")
    serve.add_argument("--host", default="127.0.0.1", help="adress att lyssna på (127.0.0.1 = bara den här datorn)")
    serve.add_argument("--port", type=int, default=8866, help="port (8866)")
    serve.add_argument("--no-browser", action="store_true", help="öppna ingen webbläsare")
    serve.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAMN",
        help="ett värdnamn till som servern ska svara på, utöver localhost, 127.0.0.1 och --host (kan upprepas; "
        "även miljövariabeln NYTTOLIB_ALLOWED_HOSTS)",
    )
    serve.add_argument(
        "--workshop", metavar="ID|KOD", help="visa bara workshopsidorna, för den här workshoppen (id eller deltagarkod)"
    )
    serve.add_argument(
        "--participants", type=int, default=30, metavar="N", help="antal deltagare att ha kärnor redo för (30)"
    )

    workshop = commands.add_parser("workshop", help="mognadsanalys i workshop: skapa, lista, exportera, jämföra")
    actions = workshop.add_subparsers(dest="action", required=True, metavar="ÅTGÄRD", parser_class=_Parser)
    create = actions.add_parser("create", help="skapa en workshop och skriv ut deltagarkod och ledarkod")
    create.add_argument("name", metavar="NAMN")
    create.add_argument("--questionnaire", metavar="ENKÄT", help="enkätens id (standardenkäten om inget anges)")
    create.add_argument("--date", metavar="ÅÅÅÅ-MM-DD", help="datum för workshoppen (i dag)")
    actions.add_parser("list", help="lista workshoppar")
    actions.add_parser("questionnaires", help="lista enkäterna och fel i enkätfilerna")
    wexport = actions.add_parser("export", help="exportera rapport (html, pdf) och alla svar (csv, xlsx)")
    wexport.add_argument("workshop", metavar="ID|KOD")
    wexport.add_argument("--format", default="html,pdf,csv,xlsx", help="ett eller flera av html,pdf,csv,xlsx")
    wexport.add_argument("--out", metavar="MAPP", required=True, help="mapp att skriva till")
    compare = actions.add_parser("compare", help="jämför en workshop med tidigare med samma enkät")
    compare.add_argument("workshop", metavar="ID|KOD")
    return parser


def _load_source(source: str, args: argparse.Namespace, content) -> Assessment:
    path = Path(source)
    if path.exists() or source.lower().endswith(".json"):
        return read_assessment_file(path, content).assessment
    with Store(args.data_dir) as store:
        assessment, _ = store.load(store.resolve(source))
    return assessment


def run(argv: list[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        content = load_content(args.content_dir)
    except ContentError as exc:
        print(exc, file=err)
        return EXIT_INVALID
    try:
        return _dispatch(args, content, out, err)
    except AssessmentFileError as exc:
        print(exc, file=err)
        return EXIT_INVALID
    except StoreError as exc:
        print(exc, file=err)
        return EXIT_INVALID


def _dispatch(args: argparse.Namespace, content, out: TextIO, err: TextIO) -> int:
    if args.command == "validate":
        result = check_file(args.file, content)
        if not result.ok:
            print(f"{args.file}: ogiltig bedömning", file=err)
            for problem in result.problems:
                print(f"- {problem}", file=err)
            return EXIT_INVALID
        migrated = (
            f" (läst som schemaversion {result.migrated_from}, uppdateras vid import)" if result.migrated_from else ""
        )
        print(f"{args.file}: giltig bedömning{migrated}", file=out)
        return EXIT_OK

    if args.command == "summary":
        assessment = _load_source(args.source, args, content)
        if args.json:
            print(json.dumps(summarise(assessment, content), ensure_ascii=False, indent=2), file=out)
        else:
            print(summary_text(assessment, content), end="", file=out)
        return EXIT_OK

    if args.command == "serve":
        from nyttolib.serve.server import serve, serve_workshop

        if args.workshop:
            from nyttolib.survey.store import WorkshopStore

            if args.participants < 1:
                print("nyttolib serve: --participants ska vara minst 1", file=err)
                return EXIT_USAGE
            with WorkshopStore(args.data_dir) as store:
                workshop = store.workshop(args.workshop)
            return serve_workshop(
                workshop,
                participants=args.participants,
                host=args.host,
                port=args.port,
                data_dir=args.data_dir,
                open_browser=not args.no_browser,
                allowed_hosts=args.allow_host,
            )
        return serve(
            host=args.host,
            port=args.port,
            data_dir=args.data_dir,
            open_browser=not args.no_browser,
            allowed_hosts=args.allow_host,
        )

    if args.command == "workshop":
        from nyttolib.survey.cli import workshop_command

        return workshop_command(args, out, err)

    if args.command == "schema":
        from nyttolib.assessment.model import json_schema

        print(json.dumps(json_schema(), ensure_ascii=False, indent=2), file=out)
        return EXIT_OK

    with Store(args.data_dir) as store:
        if args.command == "import":
            result = read_assessment_file(args.file, content)
            assessment = result.assessment
            note = f"Importerad från {Path(args.file).name}"
            saved = store.save(assessment, note=note, completeness_percent=completeness(assessment, content).percent)
            print(
                f"Importerad: {assessment.initiative.name or '(namnlöst)'} – id {saved.id}, revision {saved.revision}",
                file=out,
            )
            return EXIT_OK
        if args.command == "export":
            return _export(args, store, content, out, err)
        if args.command == "list":
            listing = store.list(include_deleted=args.all)
            if args.json:
                rows = [row.__dict__ for row in listing]
                print(json.dumps(rows, ensure_ascii=False, indent=2), file=out)
                return EXIT_OK
            if not listing:
                print(f"Inga sparade bedömningar i {store.directory}.", file=out)
                return EXIT_OK
            for row in listing:
                stage = content.label(content.initiative.portfolio_stages, row.stage, "–")
                done = f"{row.completeness_percent:.0f} %" if row.completeness_percent is not None else "–"
                deleted = "  (borttagen)" if row.deleted_at else ""
                print(
                    f"{row.id[:12]}  {row.updated_at[:16].replace('T', ' ')}  {done:>5}  "
                    f"{row.name or '(namnlöst)'} · {stage} · rev {row.revision}{deleted}",
                    file=out,
                )
            return EXIT_OK
        if args.command == "history":
            assessment_id = store.resolve(args.id)
            for info in store.history(assessment_id):
                note = f"  {info.note}" if info.note else ""
                saved_at = info.saved_at[:19].replace("T", " ")
                print(
                    f"rev {info.revision:>4}  {saved_at}  {info.name or '(namnlöst)'}{note}",
                    file=out,
                )
            return EXIT_OK
        if args.command == "restore":
            saved = store.restore(store.resolve(args.id), args.revision)
            print(f"Revision {args.revision} återställd som revision {saved.revision}.", file=out)
            return EXIT_OK
        if args.command == "delete":
            assessment_id = store.resolve(args.id)
            store.delete(assessment_id)
            print(f"Bedömningen {assessment_id[:12]} är borttagen ur listan (revisionerna finns kvar).", file=out)
            return EXIT_OK
    return EXIT_USAGE


def _progress_bar(err: TextIO) -> object:
    def show(done: int, total: int, source: str) -> None:
        width = 30
        filled = round(width * done / total)
        end = "\n" if done == total else ""
        print(
            f"\r[{'#' * filled}{' ' * (width - filled)}] {done}/{total} {source[:40]:<40}",
            end=end,
            file=err,
            flush=True,
        )

    return show


def _export(args: argparse.Namespace, store: Store, content, out: TextIO, err: TextIO) -> int:
    from nyttolib.exports.batch import export_batch, parse_formats

    try:
        formats = parse_formats(args.format)
    except ValueError as exc:
        print(f"nyttolib export: {exc}", file=err)
        return EXIT_USAGE
    if not args.out:
        if len(args.sources) != 1 or formats != ["json"]:
            print(
                "nyttolib export: ange --out MAPP när du exporterar flera bedömningar eller andra format än json",
                file=err,
            )
            return EXIT_USAGE
        assessment = _load_source(args.sources[0], args, content)
        out.write(assessment_json(assessment))
        return EXIT_OK
    target = Path(args.out)
    if len(args.sources) == 1 and formats == ["json"] and target.suffix.lower() == ".json" and not target.is_dir():
        assessment = _load_source(args.sources[0], args, content)
        write_text_atomically(target, assessment_json(assessment))
        print(f"Exporterad till {target}", file=out)
        return EXIT_OK
    jobs, failed = [], []
    for source in args.sources:
        try:
            jobs.append(_export_job(source, store, content))
        except (AssessmentFileError, StoreError) as exc:
            failed.append((source, str(exc).splitlines()[-1].lstrip("- ")))
    result = (
        export_batch(
            jobs,
            formats,
            target,
            content_dir=args.content_dir,
            workers=args.workers,
            progress=_progress_bar(err) if jobs else None,
        )
        if jobs
        else None
    )
    written = result.written if result else []
    failed += result.failed if result else []
    succeeded = len(jobs) - len(result.failed if result else [])
    print(f"Exporterade {succeeded} av {len(args.sources)} bedömningar till {target} ({len(written)} filer).", file=out)
    if failed:
        print("Misslyckades:", file=out)
        for source, reason in failed:
            print(f"- {source}: {reason}", file=out)
        return EXIT_INVALID
    return EXIT_OK


def _export_job(source: str, store: Store, content) -> object:
    from nyttolib.exports.batch import ExportJob

    path = Path(source)
    if path.exists() or source.lower().endswith(".json"):
        assessment = read_assessment_file(path, content).assessment
        return ExportJob(source, assessment.model_dump(mode="json"))
    assessment_id = store.resolve(source)
    assessment, revision = store.load(assessment_id)
    saved_at = store.history(assessment_id)[-1].saved_at
    return ExportJob(source, assessment.model_dump(mode="json"), revision, saved_at)


def main() -> None:
    sys.exit(run())
