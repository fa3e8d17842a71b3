"""The `nyttolib` command: validate, summarise, import, export, list, show history of and compare assessments.

Exit codes: 0 ok, 1 invalid input (a file or an id that cannot be used), 2 usage.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from sqlalchemy.exc import SQLAlchemyError

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
from nyttolib.identity import acting_as
from nyttolib.paths import DATABASE_FILENAME, data_dir
from nyttolib.portfolio.store import PortfolioStore
from nyttolib.process import load_process
from nyttolib.storage.assessments import Store, StoreError
from nyttolib.storage.database import DATABASE_URL_ENV, translate
from nyttolib.storage.sharing_cli import cli_user
from nyttolib.terminal import TerminalSafe, os_error_text, unexpected_error
from nyttolib.text import terminal_safe


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's default exits 2 too; keep it, in Swedish
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: fel: {message}\n")


def _revision(text: str) -> int:
    """A revision number as typed: a positive whole number, said in Swedish when it is not."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        shown = terminal_safe(text, keep_newlines=False)
        raise argparse.ArgumentTypeError(f"'{shown}' är inget revisionsnummer (ett heltal från 1)")
    return number


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
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="en delad databas, postgresql://användare:lösenord@server/databas (annars NYTTOLIB_DATABASE_URL, "
        "eller SQLite-filen i datamappen)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO", parser_class=_Parser)

    validate = commands.add_parser("validate", help="kontrollera en bedömning i en .json-fil")
    validate.add_argument("file", metavar="FIL")

    summary = commands.add_parser("summary", help="sammanfatta en bedömning (fil eller id)")
    summary.add_argument("source", metavar="FIL|ID")
    summary.add_argument("--json", action="store_true", help="skriv nyckeltalen som JSON")

    import_ = commands.add_parser("import", help="importera en .json-fil till lagret")
    import_.add_argument("file", metavar="FIL")
    existing = import_.add_mutually_exclusive_group()
    existing.add_argument(
        "--as-new", action="store_true", help="om id:t redan finns: importera som en ny bedömning (nytt id)"
    )
    existing.add_argument(
        "--update", action="store_true", help="om id:t redan finns: spara filen som en ny revision av den"
    )

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
    restore.add_argument("revision", type=_revision, metavar="REVISION")

    diff = commands.add_parser("diff", help="visa vad som ändrades mellan två revisioner, fält för fält")
    diff.add_argument("id", metavar="ID")
    diff.add_argument("old", type=_revision, metavar="REV1")
    diff.add_argument("new", type=_revision, metavar="REV2")

    delete = commands.add_parser("delete", help="ta bort en bedömning ur listan (revisionerna sparas)")
    delete.add_argument("id", metavar="ID")

    commands.add_parser("schema", help="skriv bedömningens JSON Schema")

    database = commands.add_parser("db", help="databasen: kontrollera, uppgradera, flytta till PostgreSQL")
    db_actions = database.add_subparsers(dest="db_command", required=True, metavar="ÅTGÄRD", parser_class=_Parser)
    db_actions.add_parser("check", help="kontrollera databasen (SQLite integrity_check); skadad: inget mer skrivs")
    db_actions.add_parser("upgrade", help="uppgradera databasens schema till den här versionen av nyttolib")
    copy = db_actions.add_parser(
        "copy", help="kopiera hela databasen till en ny, tom databas (t.ex. SQLite-filen till PostgreSQL), kontrollerat"
    )
    copy.add_argument("--to", required=True, metavar="URL", help="måldatabasen, postgresql://…")
    copy.add_argument(
        "--owner", metavar="ANVÄNDARE", help="ge varje kopierad bedömning den här ägaren (användarnamnet i JupyterHub)"
    )

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

    from nyttolib.portfolio.cli import add_parser as add_portfolio_parser

    add_portfolio_parser(commands, _Parser)
    from nyttolib.storage.sharing_cli import add_parser as add_sharing_parser

    add_sharing_parser(commands, _Parser)

    from nyttolib.checklists.cli import add_parser as add_checklist_parser

    add_checklist_parser(commands, _Parser)

    workshop = commands.add_parser("workshop", help="mognadsanalys i workshop: skapa, lista, exportera, jämföra")
    actions = workshop.add_subparsers(dest="action", required=True, metavar="ÅTGÄRD", parser_class=_Parser)
    create = actions.add_parser("create", help="skapa en workshop och skriv ut deltagarkod och ledarkod")
    create.add_argument("name", metavar="NAMN")
    create.add_argument("--questionnaire", metavar="ENKÄT", help="enkätens id (standardenkäten om inget anges)")
    create.add_argument("--date", metavar="ÅÅÅÅ-MM-DD", help="datum för workshoppen (i dag)")
    actions.add_parser("list", help="lista workshoppar")
    actions.add_parser("questionnaires", help="lista enkäterna och fel i enkätfilerna")
    wexport = actions.add_parser("export", help="exportera rapport (html, pdf) och alla svar (csv, xlsx)")
    code_help = "workshoppens ledarkod (utelämnad: frågas efter utan att visas)"
    wexport.add_argument("code", metavar="LEDARKOD", nargs="?", help=code_help)
    wexport.add_argument("--format", default="html,pdf,csv,xlsx", help="ett eller flera av html,pdf,csv,xlsx")
    wexport.add_argument("--out", metavar="MAPP", required=True, help="mapp att skriva till")
    compare = actions.add_parser("compare", help="jämför en workshop med tidigare med samma enkät")
    compare.add_argument("code", metavar="LEDARKOD", nargs="?", help=code_help)
    compare.add_argument(
        "--with",
        dest="earlier",
        action="append",
        metavar="ID",
        help="en tidigare workshop att jämföra med (id eller deltagarkod; kan upprepas; ersätter valet som sparats)",
    )
    return parser


def _load_source(source: str, args: argparse.Namespace, content) -> Assessment:
    path = Path(source)
    if path.exists() or source.lower().endswith(".json"):
        return read_assessment_file(path, content).assessment
    with Store(args.data_dir) as store:
        assessment, _ = store.load(store.resolve(source))
    return assessment


def run(argv: list[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run one command. User text reaches the terminal only through TerminalSafe; no traceback does."""
    out = TerminalSafe(out or sys.stdout)
    err = TerminalSafe(err or sys.stderr)
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    with _database_url(args.database_url), acting_as(cli_user()):
        return _run(args, out, err)


@contextlib.contextmanager
def _database_url(url: str | None) -> Iterator[None]:
    """--database-url for every store the command opens (and the server it starts), for this run only."""
    if not url:
        yield
        return
    before = os.environ.get(DATABASE_URL_ENV)
    os.environ[DATABASE_URL_ENV] = url
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(DATABASE_URL_ENV, None)
        else:
            os.environ[DATABASE_URL_ENV] = before


def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        content = load_content(args.content_dir)
        load_process(args.content_dir)  # process.yaml is content too: a broken one is reported with file and line
        return _dispatch(args, content, out, err)
    except (ContentError, AssessmentFileError, StoreError) as exc:
        print(exc, file=err)
        return EXIT_INVALID
    except (sqlite3.Error, SQLAlchemyError) as exc:  # outside the stores' translation (e.g. a pandas read)
        print(_database_error(exc, args), file=err)
        return EXIT_INVALID
    except OSError as exc:
        print(f"nyttolib {args.command}: {os_error_text(exc)}", file=err)
        return EXIT_INVALID
    except KeyboardInterrupt:
        print("Avbrutet.", file=err)
        return 130
    except Exception as exc:  # the last line of defence: a Swedish sentence, the details in a log file
        print(unexpected_error(exc, args.data_dir), file=err)
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
        for warning in result.warnings:
            print(f"- Att rätta i formuläret: {warning}", file=out)
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

    if args.command == "checklist":
        from nyttolib.checklists.cli import checklist_command

        return checklist_command(args, out, err)

    if args.command == "portfolio":
        from nyttolib.portfolio.cli import portfolio_command

        return portfolio_command(args, content, out, err)

    if args.command == "workshop":
        from nyttolib.survey.cli import workshop_command

        return workshop_command(args, out, err)

    if args.command == "db":
        if args.db_command == "upgrade":
            return _upgrade_database(args, out)
        if args.db_command == "copy":
            return _copy_database(args, out, err)
        return _check_database(args, out)

    from nyttolib.storage import sharing_cli

    if args.command in sharing_cli.COMMANDS:
        return sharing_cli.sharing_command(args, out, err)

    if args.command == "schema":
        from nyttolib.assessment.model import json_schema

        print(json.dumps(json_schema(), ensure_ascii=False, indent=2), file=out)
        return EXIT_OK

    with PortfolioStore(args.data_dir, content) as store:
        if args.command == "import":
            return _import(args, store, content, out)
        if args.command == "export":
            return _export(args, store, content, out, err)
        if args.command == "list":
            listing = store.list(include_deleted=args.all)
            if args.json:
                rows = [row.__dict__ for row in listing]
                print(json.dumps(rows, ensure_ascii=False, indent=2), file=out)
                return EXIT_OK
            if not listing:
                print(f"Inga sparade bedömningar i {store.where}.", file=out)
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
                note = (f"  {info.note}" if info.note else "") + sharing_cli.saved_by(info.saved_by)
                saved_at = info.saved_at[:19].replace("T", " ")
                print(f"rev {info.revision:>4}  {saved_at}  {info.name or '(namnlöst)'}{note}", file=out)
            return EXIT_OK
        if args.command == "diff":
            return _diff(args, store, content, out, err)
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


_IMPORTED = {
    "new": "Importerad",
    "as_new": "Importerad som en ny bedömning (id:t fanns redan)",
    "revision": "Importerad som en ny revision av den befintliga bedömningen",
    "undeleted": "Importerad som en ny revision; bedömningen var borttagen och syns nu i listan igen",
}


def _import(args: argparse.Namespace, store: Store, content, out: TextIO) -> int:
    assessment = read_assessment_file(args.file, content).assessment
    imported = store.import_assessment(
        assessment,
        on_existing="as_new" if args.as_new else "update" if args.update else "refuse",
        note=f"Importerad från {Path(args.file).name}",
        completeness_percent=completeness(assessment, content).percent,
    )
    saved = imported.saved
    name = assessment.initiative.name or "(namnlöst)"
    print(f"{_IMPORTED[imported.how]}: {name} – id {saved.id}, revision {saved.revision}", file=out)
    return EXIT_OK


def _database_error(exc: BaseException, args: argparse.Namespace) -> StoreError:
    from nyttolib.storage.database import chosen_url, normalise_url, translate_server

    url = chosen_url()
    original = getattr(exc, "orig", None) or exc
    if url:
        return translate_server(original, normalise_url(url).render_as_string(hide_password=True))
    return translate(original, data_dir(args.data_dir) / DATABASE_FILENAME)


def _upgrade_database(args: argparse.Namespace, out: TextIO) -> int:
    """`nyttolib db upgrade`: the schema to this version (the stores do it on opening too; IT runs this
    after installing a new nyttolib, before users come back)."""
    from nyttolib.storage.database import Database
    from nyttolib.storage.migrations import HEAD

    database = Database(args.data_dir, upgrade=False)
    try:
        before = database.schema_version()
        database.upgrade()
        if before == HEAD:
            print(f"Databasen {database.where} har redan schemaversion {HEAD}; inget behövde göras.", file=out)
        else:
            was = f"från {before}" if before else "från schemat före versionsnumren"
            print(f"Databasen {database.where} är uppgraderad {was} till schemaversion {HEAD}.", file=out)
        return EXIT_OK
    finally:
        database.close()


def _copy_database(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """`nyttolib db copy --to URL`: everything into a new, empty database, verified by counts and checksums."""
    from nyttolib.storage.copy import copy_database
    from nyttolib.storage.database import Database
    from nyttolib.survey.store import WorkshopStore

    WorkshopStore(args.data_dir).close()  # a workshop table of an older shape is brought up to date first
    with contextlib.ExitStack() as stack:
        source = Database(args.data_dir)
        stack.callback(source.close)
        target = Database(args.data_dir, args.to)
        stack.callback(target.close)

        def progress(table: str, rows: int) -> None:
            print(f"\r{table}: {rows} rader", end="", file=err, flush=True)

        copied = copy_database(source, target, owner=args.owner, progress=progress if err.isatty() else None)
        if err.isatty():
            print(file=err)
        print(f"Kopierat från {source.where} till {target.where}, och kontrollerat:", file=out)
        for item in copied:
            print(f"- {item.table}: {item.rows} rader, kontrollsumma {item.checksum[:16]} stämmer", file=out)
        if args.owner:
            print(f"Alla kopierade bedömningar ägs nu av {args.owner}.", file=out)
        print("Portföljens sammanställning räknas om när portföljen öppnas första gången.", file=out)
        return EXIT_OK


def _check_database(args: argparse.Namespace, out: TextIO) -> int:
    """Run SQLite's integrity check: a damaged database is marked so that no process writes to it."""
    from nyttolib.storage.database import Database, damaged_mark

    database = Database(args.data_dir, upgrade=False)  # a check only reads: a damaged file is not written to
    if database.server:
        try:
            database.check()
            print(f"Databasservern {database.where} svarar, och schemat är {database.schema_version()}.", file=out)
            return EXIT_OK
        finally:
            database.close()
    try:
        problems = database.check()
        if problems:
            print(f"Databasen {database.path} är skadad; nyttolib skriver inte mer i den. SQLite säger:", file=out)
            for problem in problems:
                print(f"- {problem}", file=out)
            return EXIT_INVALID
        mark = damaged_mark(database.path)
        again = ""
        if mark.exists() and not database.read_only:
            mark.unlink()
            again = " igen; markeringen om skada är borttagen och nyttolib sparar som vanligt"
        print(f"Databasen {database.path} är hel{again}.", file=out)
        return EXIT_OK
    finally:
        database.close()


def _diff(args: argparse.Namespace, store: Store, content, out: TextIO, err: TextIO) -> int:
    """`nyttolib diff ID REV1 REV2`: the changes from REV1 to REV2, one a line, in the form's words."""
    from nyttolib.assessment.diff import diff

    assessment_id = store.resolve(args.id)
    documents = [store.load(assessment_id, revision)[0] for revision in (args.old, args.new)]  # damage: StoreError
    texts = content.texts.history
    name = documents[1].initiative.name or "(namnlöst)"
    print(f"{name} ({assessment_id[:12]})", file=out)
    changes = diff(documents[0], documents[1], content)
    print(texts.changes_title.format(old=args.old, new=args.new) + ":", file=out)
    if not changes:
        print(f"  {texts.no_changes}", file=out)
    for change in changes:
        print(f"  - {terminal_safe(str(change), keep_newlines=False)}", file=out)
    return EXIT_OK


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
        except AssessmentFileError as exc:
            failed.append((source, "; ".join(str(problem) for problem in exc.problems)))
        except StoreError as exc:
            failed.append((source, str(exc)))
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
