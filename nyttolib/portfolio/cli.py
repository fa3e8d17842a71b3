"""`nyttolib portfolio …`: the portfolio office's commands (import a listing, list, summary, prioritise,
register, export, rebuild). Each action is one function; `ACTIONS` maps the action's name to it and
`add_parser` declares its arguments."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TextIO

from nyttolib.content import Content
from nyttolib.exitcodes import EXIT_INVALID, EXIT_OK
from nyttolib.portfolio.store import PortfolioStore


def add_parser(commands: argparse._SubParsersAction, parser_class: type[argparse.ArgumentParser]) -> None:
    portfolio = commands.add_parser(
        "portfolio", help="portföljen: alla initiativ tillsammans (import, lista, summering, prioritering …)"
    )
    actions = portfolio.add_subparsers(dest="action", required=True, metavar="ÅTGÄRD", parser_class=parser_class)
    actions.add_parser("rebuild", help="räkna om portföljens rader från bedömningarnas senaste revisioner")
    _add_prioritise_parser(actions)


def _rebuild(args: argparse.Namespace, store: PortfolioStore, out: TextIO, err: TextIO) -> int:
    rebuilt = store.rebuild()
    counted = "1 bedömning" if rebuilt.rows == 1 else f"{rebuilt.rows} bedömningar"
    print(f"Portföljen är omräknad: {counted}.", file=out)
    for assessment_id in rebuilt.unreadable:
        print(f"Bedömningen {assessment_id} går inte att läsa och visas utan siffror (se nyttolib history).", file=err)
    return EXIT_INVALID if rebuilt.unreadable else EXIT_OK


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
    "prioritise": _prioritise,
}


def portfolio_command(args: argparse.Namespace, content: Content, out: TextIO, err: TextIO) -> int:
    with PortfolioStore(args.data_dir, content) as store:
        return ACTIONS[args.action](args, store, out, err)
