"""`nyttolib workshop …`: create, list, export and compare workshops from the command line.

Export and compare open the answers, so they take the facilitator code, as the facilitator's page
does; left out on the command line, it is asked for without being shown (a terminal on a projector,
the shell's history)."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
from pathlib import Path
from typing import TextIO

from nyttolib.assessment.documents import write_bytes_atomically
from nyttolib.exitcodes import EXIT_INVALID, EXIT_OK, EXIT_USAGE
from nyttolib.storage.assessments import NotFoundError
from nyttolib.survey.questionnaire import load_questionnaires
from nyttolib.survey.store import Workshop, WorkshopStore

WRONG_CODE = (
    "nyttolib workshop: ledarkoden stämmer inte. Svaren öppnas bara med ledarkoden du fick när workshoppen "
    "skapades (deltagarkoden och id:t öppnar inga svar)."
)


def facilitator_code(args: argparse.Namespace) -> str:
    """The code from the command line, or asked for without echo (read from a pipe when there is no terminal)."""
    if args.code is not None:
        return args.code
    if sys.stdin.isatty():
        return getpass.getpass("Ledarkod (visas inte): ")
    return sys.stdin.readline().strip()


def _open(store: WorkshopStore, code: str, err: TextIO) -> Workshop | None:
    try:
        return store.by_facilitator_code(code)
    except NotFoundError:
        print(WRONG_CODE, file=err)
        return None


def workshop_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    questionnaires, problems = load_questionnaires()
    if args.action == "questionnaires":
        for q in sorted(questionnaires.values(), key=lambda q: q.id):
            default = "  (standard)" if q.default else ""
            statements = len(q.statements())
            print(f"{q.id}: {q.title} – {len(q.dimensions)} dimensioner, {statements} påståenden{default}", file=out)
        for problem in problems:
            print(f"Fel: {problem}", file=err)
        return EXIT_INVALID if problems else EXIT_OK
    with WorkshopStore(args.data_dir) as store:
        if args.action == "create":
            chosen = args.questionnaire or next((q.id for q in questionnaires.values() if q.default), None)
            if chosen not in questionnaires:
                print(f"nyttolib workshop: ingen enkät '{chosen}'; välj bland {', '.join(questionnaires)}", file=err)
                return EXIT_USAGE
            try:
                held_on = dt.date.fromisoformat(args.date).isoformat() if args.date else dt.date.today().isoformat()
            except ValueError:
                print(f"nyttolib workshop: datumet '{args.date}' ska skrivas ÅÅÅÅ-MM-DD", file=err)
                return EXIT_USAGE
            workshop = store.create(args.name, chosen, held_on)
            print(
                f"Workshop: {workshop.name} ({held_on}), enkät: {questionnaires[chosen].title}\n"
                f"  id:          {workshop.id}\n"
                f"  deltagarkod: {workshop.join_code}\n"
                f"  ledarkod:    {workshop.facilitator_code}   (dela inte)\n"
                f"Starta: nyttolib serve --workshop {workshop.join_code} --participants 30 --host 0.0.0.0",
                file=out,
            )
            return EXIT_OK
        if args.action == "list":
            workshops = store.workshops()
            if not workshops:
                print(f"Inga workshoppar i {store.where}.", file=out)
            for w in workshops:
                p = store.participation(w.id)
                state = "stängd" if w.closed_at else "öppen"
                print(
                    f"{w.id[:12]}  {w.held_on or w.created_at[:10]}  {state:<6}  "
                    f"{p.started:>3} svar, {p.submitted:>3} inskickade  {w.name} · {w.questionnaire_id}",
                    file=out,
                )
            return EXIT_OK
        code = facilitator_code(args)
        workshop = _open(store, code, err)
        if workshop is None:
            return EXIT_INVALID
        questionnaire = questionnaires.get(workshop.questionnaire_id)
        if questionnaire is None:
            print(f"nyttolib workshop: enkäten '{workshop.questionnaire_id}' finns inte längre", file=err)
            return EXIT_INVALID
        if args.action == "export":
            from nyttolib.exports.batch import parse_formats
            from nyttolib.survey.export import WORKSHOP_FORMATS, workshop_export_bytes, workshop_file_stem

            try:
                formats = parse_formats(args.format, WORKSHOP_FORMATS)
            except ValueError as exc:
                print(f"nyttolib workshop export: {exc}", file=err)
                return EXIT_USAGE
            target = Path(args.out)
            target.mkdir(parents=True, exist_ok=True)
            for fmt in formats:
                path = target / f"{workshop_file_stem(workshop)}.{fmt}"
                write_bytes_atomically(path, workshop_export_bytes(store, questionnaire, workshop, fmt))
                print(f"Skrev {path}", file=out)
            return EXIT_OK
        if args.action == "compare":
            from nyttolib.survey.report import compare, earlier_workshops, level_text

            if args.earlier is not None:
                chosen = [store.workshop(reference).id for reference in args.earlier]
                store.set_compared_with(code, chosen)
            comparison = compare(store, questionnaire, workshop)
            if comparison is None:
                candidates = earlier_workshops(store, workshop)
                if not candidates:
                    print("Det finns ingen tidigare workshop med samma enkät att jämföra med.", file=out)
                    return EXIT_OK
                print("Ingen tidigare workshop är vald. Välj med --with ID (kan upprepas) bland:", file=out)
                for w in candidates:
                    print(f"  {w.id[:12]}  {w.held_on or w.created_at[:10]}  {w.name}", file=out)
                return EXIT_OK
            names = [
                f"{w.name} ({w.held_on or w.created_at[:10]}, {count} svarande)"
                for w, count in zip(comparison.workshops, comparison.respondents, strict=True)
            ]
            print("Nuläge / börläge per dimension:" if questionnaire.gap_analysis else "Nivå per dimension:", file=out)
            print("  " + " | ".join(names), file=out)
            for title, values in comparison.rows:
                cells = [
                    f"{level_text(now)} / {level_text(target)}" if questionnaire.gap_analysis else level_text(now)
                    for now, target in values
                ]
                print(f"- {title}: " + " | ".join(cells), file=out)
            return EXIT_OK
    return EXIT_USAGE
