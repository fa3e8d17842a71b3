"""`nyttolib portfolio …`: the portfolio office's commands (import a listing, list, summary, prioritise,
register, export, rebuild). Each action is one function; `ACTIONS` maps the action's name to it and
`add_parser` declares its arguments."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from nyttolib.content import Content
from nyttolib.exitcodes import EXIT_INVALID, EXIT_OK
from nyttolib.portfolio import cli_views
from nyttolib.portfolio.store import PortfolioStore
from nyttolib.text import terminal_safe

if TYPE_CHECKING:
    from nyttolib.portfolio.listing_import import PlannedRow


def add_parser(commands: argparse._SubParsersAction, parser_class: type[argparse.ArgumentParser]) -> None:
    portfolio = commands.add_parser(
        "portfolio", help="portföljen: alla initiativ tillsammans (import, lista, summering, prioritering …)"
    )
    actions = portfolio.add_subparsers(dest="action", required=True, metavar="ÅTGÄRD", parser_class=parser_class)
    actions.add_parser("rebuild", help="räkna om portföljens rader från bedömningarnas senaste revisioner")
    cli_views.add_parsers(actions)
    listing = actions.add_parser(
        "import", help="importera en portföljlista (.xlsx eller .csv): en ny bedömning per Nr, eller en ny revision"
    )
    listing.add_argument("file", metavar="FIL", help="portföljlistan: .xlsx eller .csv med Nr, År, Utvecklingsärende …")
    listing.add_argument("--dry-run", action="store_true", help="visa vad som skulle skapas och ändras; spara inget")
    _add_register_parser(actions)
    _add_prioritise_parser(actions)


def _date(text: str) -> dt.date:
    """A date as typed after --date (ÅÅÅÅ-MM-DD), said in Swedish when it is not one."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        shown = terminal_safe(text, keep_newlines=False)
        raise argparse.ArgumentTypeError(f"'{shown}' är inget datum (skriv ÅÅÅÅ-MM-DD)") from None


def _add_register_parser(actions: argparse._SubParsersAction) -> None:
    register = actions.add_parser(
        "register", help="nyttoregistret: varje nytta i planerna, senaste mätning, trafikljus och när mätning är dags"
    )
    register.add_argument("--json", action="store_true", help="skriv registret som JSON")
    register.add_argument("--department", metavar="VERKSAMHET", help="bara initiativ i den här verksamheten")
    register.add_argument(
        "--light", choices=["red", "yellow", "green", "none"], help="bara nyttor med det här trafikljuset"
    )
    register.add_argument("--due", action="store_true", help="bara nyttor där en mätning är dags eller försenad")
    register.add_argument(
        "--date", type=_date, metavar="ÅÅÅÅ-MM-DD", help="räkna dags och försenad per det här datumet (annars i dag)"
    )


def _rebuild(args: argparse.Namespace, store: PortfolioStore, out: TextIO, err: TextIO) -> int:
    rebuilt = store.rebuild()
    counted = "1 bedömning" if rebuilt.rows == 1 else f"{rebuilt.rows} bedömningar"
    print(f"Portföljen är omräknad: {counted}.", file=out)
    for assessment_id in rebuilt.unreadable:
        print(f"Bedömningen {assessment_id} går inte att läsa och visas utan siffror (se nyttolib history).", file=err)
    return EXIT_INVALID if rebuilt.unreadable else EXIT_OK


def _import_listing(args: argparse.Namespace, store: PortfolioStore, out: TextIO, err: TextIO) -> int:
    """`portfolio import FIL [--dry-run]`: every row valid, or nothing written (exit 1)."""
    from nyttolib.portfolio.listing_import import ListingError, apply_import, plan_import, read_listing

    try:
        listing = read_listing(args.file, store.content)
        plan = plan_import(listing, store)
    except ListingError as exc:
        print(exc, file=err)
        for notice in exc.notices:
            print(f"Observera: {notice}", file=err)
        return EXIT_INVALID
    sheet = f" (bladet ”{listing.sheet}”)" if listing.sheet else ""
    rows = "1 rad" if len(listing.rows) == 1 else f"{len(listing.rows)} rader"
    print(f"Portföljlistan {listing.source}{sheet}: {rows}.", file=out)
    for planned in plan.rows:
        if planned.how != "unchanged":  # counted below; 450 unchanged rows would hide the changes
            _print_planned(planned, out)
    for notice in listing.unknown_columns:
        print(f"Observera: {notice}", file=err)
    new = _counted(plan.count("new"), "ny", "nya")
    changed = _counted(plan.count("changed"), "ändrad", "ändrade")
    counts = f"{new}, {changed} och {_counted(plan.count('unchanged'), 'oförändrad', 'oförändrade')}"
    if args.dry_run:
        print(f"Provkörning: inget sparades. Importen skulle ge {counts}.", file=out)
        return EXIT_OK
    saved = apply_import(plan, store)
    print(f"Importerat: {counts} ({_counted(len(saved), 'ny revision', 'nya revisioner')}).", file=out)
    return EXIT_OK


def _counted(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


_HOW = {"new": "Ny", "changed": "Ändras", "unchanged": "Oförändrad"}


def _print_planned(planned: PlannedRow, out: TextIO) -> None:
    row = planned.row
    where = f" – bedömning {planned.assessment_id[:12]}, revision {planned.revision}" if planned.assessment_id else ""
    print(f"Rad {row.row}: {_HOW[planned.how]}: {row.number} {row.name}{where}", file=out)
    for change in planned.changes:
        if planned.how != "new":
            print(f"    {change.label}: {change.old} → {change.new}", file=out)
        elif change.label not in ("Nr", "Utvecklingsärende"):  # already on the row's line
            print(f"    {change.label}: {change.new}", file=out)


def _register(args: argparse.Namespace, store: PortfolioStore, out: TextIO, err: TextIO) -> int:
    from nyttolib.portfolio.register import Filters, benefit_register, register_text
    from nyttolib.portfolio.rows import today

    filters = Filters(department=args.department, light=args.light, due=args.due)
    register = benefit_register(store.portfolio_rows(plans=True), store.content, args.date or today(), filters)
    if args.json:
        print(json.dumps(register.to_json(), ensure_ascii=False, indent=2), file=out)
    else:
        print(register_text(register), end="", file=out)
    for assessment_id, _name in register.unreadable:
        print(f"Bedömningen {assessment_id} går inte att läsa och saknas i registret (se nyttolib history).", file=err)
    return EXIT_INVALID if register.unreadable else EXIT_OK
def _add_prioritise_parser(actions: argparse._SubParsersAction) -> None:
    prioritise = actions.add_parser(
        "prioritise",
        help="rangordna initiativen med skälet för varje plats; med --year och --budget: vad ryms i budgeten",
    )
    prioritise.add_argument("--year", metavar="ÅR", help="kalenderåret vars kostnader räknas mot budgeten")
    prioritise.add_argument("--budget", metavar="KR", help='budgeten för året, t.ex. "2 000 000 kr" eller 2000000')
    prioritise.add_argument(
        "--force-in", action="append", default=[], metavar="NR", help="ta alltid med detta initiativ (Nr eller id)"
    )
    prioritise.add_argument(
        "--force-out", action="append", default=[], metavar="NR", help="ta aldrig med detta initiativ (Nr eller id)"
    )
    prioritise.add_argument("--json", action="store_true", help="skriv resultatet som JSON")


def _prioritise(args: argparse.Namespace, store: PortfolioStore, out: TextIO, err: TextIO) -> int:
    from nyttolib.portfolio import prioritise_cli

    return prioritise_cli.prioritise(args, store, out, err)


ACTIONS: dict[str, Callable[[argparse.Namespace, PortfolioStore, TextIO, TextIO], int]] = {
    "rebuild": _rebuild,
    **cli_views.ACTIONS,
    "import": _import_listing,
    "register": _register,
    "prioritise": _prioritise,
}


def portfolio_command(args: argparse.Namespace, content: Content, out: TextIO, err: TextIO) -> int:
    with PortfolioStore(args.data_dir, content) as store:
        return ACTIONS[args.action](args, store, out, err)
