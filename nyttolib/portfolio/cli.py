"""`nyttolib portfolio …`: the portfolio office's commands (import a listing, list, summary, prioritise,
register, export, rebuild). Each action is one function; `ACTIONS` maps the action's name to it and
`add_parser` declares its arguments."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Callable
from typing import TextIO

from nyttolib.content import Content
from nyttolib.exitcodes import EXIT_INVALID, EXIT_OK
from nyttolib.portfolio.store import PortfolioStore
from nyttolib.text import terminal_safe


def add_parser(commands: argparse._SubParsersAction, parser_class: type[argparse.ArgumentParser]) -> None:
    portfolio = commands.add_parser(
        "portfolio", help="portföljen: alla initiativ tillsammans (import, lista, summering, prioritering …)"
    )
    actions = portfolio.add_subparsers(dest="action", required=True, metavar="ÅTGÄRD", parser_class=parser_class)
    actions.add_parser("rebuild", help="räkna om portföljens rader från bedömningarnas senaste revisioner")
    _add_register_parser(actions)


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


ACTIONS: dict[str, Callable[[argparse.Namespace, PortfolioStore, TextIO, TextIO], int]] = {
    "rebuild": _rebuild,
    "register": _register,
}


def portfolio_command(args: argparse.Namespace, content: Content, out: TextIO, err: TextIO) -> int:
    with PortfolioStore(args.data_dir, content) as store:
        return ACTIONS[args.action](args, store, out, err)
