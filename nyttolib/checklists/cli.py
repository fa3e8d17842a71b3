"""`nyttolib checklist list|show|export`: the checklists, their answerings and the comparison over time,
and the report as HTML and PDF. Every text a user wrote reaches the terminal through TerminalSafe."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from nyttolib.assessment.documents import write_bytes_atomically, write_text_atomically
from nyttolib.checklists.answers import Answering, answer_label, compare, tally
from nyttolib.checklists.export import ExportReadError, file_stem, read_export, render_pdf, stored_report
from nyttolib.checklists.model import Checklist, load_checklists
from nyttolib.checklists.store import ChecklistStore
from nyttolib.exitcodes import EXIT_INVALID, EXIT_OK, EXIT_USAGE
from nyttolib.storage.assessments import NotFoundError

FORMATS = ("html", "pdf")


def add_parser(commands: argparse._SubParsersAction, parser_class: type[argparse.ArgumentParser]) -> None:
    checklist = commands.add_parser("checklist", help="checklistor: lista, visa svar och jämförelse, exportera")
    actions = checklist.add_subparsers(dest="action", required=True, metavar="ÅTGÄRD", parser_class=parser_class)
    listing = actions.add_parser("list", help="lista checklistorna (och fel i checklistfilerna), eller sparade svar")
    listing.add_argument("--answerings", action="store_true", help="lista sparade svar i stället för checklistor")
    listing.add_argument("--checklist", metavar="ID", help="bara svar på den här checklistan")
    listing.add_argument("--organisation", metavar="NAMN", help="bara svar från den här organisationen")
    show = actions.add_parser("show", help="visa en checklista, ett sparat svar eller en exporterad fil")
    show.add_argument("what", metavar="ID|FIL", help="checklistans id, svarets id eller en exporterad .html/.pdf")
    show.add_argument("--organisation", metavar="NAMN", help="med en checklistas id: organisationens svar över tid")
    export = actions.add_parser("export", help="exportera ett sparat svar (med jämförelsen) som html och pdf")
    export.add_argument("answering", metavar="SVARETS-ID")
    export.add_argument("--format", default="html,pdf", help="html, pdf eller html,pdf (standard)")
    export.add_argument("--out", metavar="MAPP", required=True, help="mapp att skriva till")


def checklist_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    checklists, problems = load_checklists()
    if args.action == "list" and not args.answerings:
        for checklist in checklists.values():
            print(f"{checklist.id}: {checklist.title} – {len(checklist.items)} punkter ({checklist.source})", file=out)
        for problem in problems:
            print(f"Fel: {problem}", file=err)
        return EXIT_INVALID if problems else EXIT_OK
    if args.action == "show" and Path(args.what).is_file():
        return _show_file(Path(args.what), out, err)
    with ChecklistStore(args.data_dir) as store:
        if args.action == "list":
            return _list_answerings(store, args, out)
        if args.action == "show":
            return _show(store, checklists, args, out, err)
        return _export(store, checklists, args, out, err)


def _list_answerings(store: ChecklistStore, args: argparse.Namespace, out: TextIO) -> int:
    found = store.answerings(args.checklist, args.organisation)
    if not found:
        print(f"Inga sparade svar i {store.documents.where}.", file=out)
    for item in found:
        print(
            f"{item.id}  {item.on_date}  {item.organisation}  {item.checklist_title} (revision {item.revision})",
            file=out,
        )
    return EXIT_OK


def _show(store: ChecklistStore, checklists: dict[str, Checklist], args: argparse.Namespace, out, err) -> int:
    checklist = checklists.get(args.what)
    if checklist is None:
        try:
            answering, revision = store.load(args.what)
        except NotFoundError:
            print(f"nyttolib checklist: ingen checklista eller inget sparat svar med id '{args.what}'", file=err)
            print(f"Checklistorna: {', '.join(checklists)}", file=err)
            return EXIT_INVALID
        _print_answering(answering, out, f" (revision {revision})")
        return EXIT_OK
    if args.organisation:
        history = store.history(checklist.id, args.organisation)
        if not history:
            print(f"{args.organisation} har inte besvarat {checklist.title}.", file=out)
            return EXIT_OK
        _print_comparison(history, checklist, out)
        return EXIT_OK
    print(f"{checklist.title}\nKälla: {checklist.source}", file=out)
    if checklist.intro:
        print(f"\n{checklist.intro}", file=out)
    section = ""
    for number, item in enumerate(checklist.items, start=1):
        if item.section and item.section != section:
            print(f"\n{item.section}", file=out)
            section = item.section
        print(f"{number:>3}. {item.text}", file=out)
        if item.help:
            print(f"     {item.help}", file=out)
    return EXIT_OK


def _print_answering(answering: Answering, out: TextIO, suffix: str = "") -> None:
    print(f"{answering.checklist_title} – {answering.organisation}, {answering.on_date}{suffix}", file=out)
    print(f"Svar: {tally(answering).text()}\n", file=out)
    for number, item in enumerate(answering.items, start=1):
        given = answering.answer(item.id)
        print(f"{number:>3}. {item.text}\n     {answer_label(given.answer)}", file=out)
        if given.comment:
            print(f"     Kommentar: {given.comment}", file=out)


def _print_comparison(history: list[Answering], checklist: Checklist | None, out: TextIO) -> None:
    result = compare(history, checklist)
    print(f"{result.checklist_title} – {result.organisation}: {len(result.dates)} tillfällen", file=out)
    for date, text in zip(result.dates, result.tallies, strict=True):
        print(f"  {date}: {text}", file=out)
    for text in result.summaries:
        print(f"  {text}", file=out)
    for number, row in enumerate(result.rows, start=1):
        print(f"\n{number:>3}. {row.text}", file=out)
        for date, cell in zip(result.dates, row.cells, strict=True):
            moved = f" – {cell.change.text}" if cell.change else ""
            print(f"     {date}: {cell.label}{moved}", file=out)


def _show_file(path: Path, out: TextIO, err: TextIO) -> int:
    try:
        answering, earlier = read_export(path)
    except ExportReadError as exc:
        print(f"{path.name}: {exc}", file=err)
        return EXIT_INVALID
    _print_answering(answering, out, f" (läst från {path.name})")
    if earlier:
        print("", file=out)
        _print_comparison([*earlier, answering], None, out)
    return EXIT_OK


def _export(store: ChecklistStore, checklists: dict[str, Checklist], args: argparse.Namespace, out, err) -> int:
    formats = [part.strip().lower() for part in args.format.split(",") if part.strip()]
    if not formats or any(f not in FORMATS for f in formats):
        print(f"nyttolib checklist export: --format ska vara html, pdf eller html,pdf (inte '{args.format}')", file=err)
        return EXIT_USAGE
    try:
        answering, html = stored_report(store, args.answering, checklists)
    except NotFoundError as exc:
        print(f"nyttolib checklist export: {exc}", file=err)
        return EXIT_INVALID
    folder = Path(args.out)
    stem = _free_stem(folder, file_stem(answering), formats)
    for kind in formats:
        target = folder / f"{stem}.{kind}"
        if kind == "html":
            write_text_atomically(target, html)
        else:
            write_bytes_atomically(target, render_pdf(html))
        print(f"Exporterad till {target}", file=out)
    return EXIT_OK


def _free_stem(folder: Path, stem: str, formats: list[str]) -> str:
    """The stem, or 'stem 2', 'stem 3' …: an export never overwrites an earlier one."""
    candidate, number = stem, 2
    while any((folder / f"{candidate}.{kind}").exists() for kind in formats):
        candidate, number = f"{stem} {number}", number + 1
    return candidate
