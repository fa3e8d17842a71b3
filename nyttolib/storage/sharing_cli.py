"""`nyttolib share`, `unshare` and `owner`: who may read and change an assessment, a project canvas or a
checklist's answers, from the command line (the id says which).

The command line is for staff with the database's credentials (IT, the portfolio office's
administrators): anyone who can run it can read the database directly, so it runs as the local user,
who may do everything, also where it runs under JupyterHub (a staff member's JupyterLab terminal). The
name it records as the one who shared is the user's own.
"""

from __future__ import annotations

import argparse
import contextlib
from typing import Any, TextIO

from nyttolib.exitcodes import EXIT_OK
from nyttolib.identity import User, current_user
from nyttolib.storage.assessments import SHARE_MODES, NotFoundError, Store
from nyttolib.storage.documents import THE_KIND, DocumentStore

COMMANDS = ("share", "unshare", "owner")
TRUSTED = (
    "Körs som den lokala användaren, som får ändra allt: kommandoraden är till för personal med "
    "databasens uppgifter (IT, portföljkontorets administratörer), som ändå kan läsa databasen direkt."
)
ID_HELP = "id:t för en bedömning, en projektcanvas eller svar på en checklista (eller början av det)"


def cli_user() -> User:
    """The command line's user: its own name (the hub's, in a staff member's terminal), with every right."""
    user = current_user()
    return User(user.name, user.groups, hub=False, portfolio_group=user.portfolio_group)


def add_parser(commands: argparse._SubParsersAction, parser_class: type[argparse.ArgumentParser]) -> None:
    share = commands.add_parser(
        "share",
        help="dela en bedömning, canvas eller checklista med en användare, för att läsa eller ändra",
        description=TRUSTED,
    )
    share.add_argument("id", metavar="ID", help=ID_HELP)
    share.add_argument("user", metavar="ANVÄNDARE", help="användarnamnet som personen loggar in med")
    mode = share.add_mutually_exclusive_group(required=True)
    mode.add_argument("--read", dest="mode", action="store_const", const="read", help="får läsa")
    mode.add_argument("--edit", dest="mode", action="store_const", const="edit", help="får läsa och ändra")
    unshare = commands.add_parser(
        "unshare", help="sluta dela en bedömning, canvas eller checklista med en användare", description=TRUSTED
    )
    unshare.add_argument("id", metavar="ID", help=ID_HELP)
    unshare.add_argument("user", metavar="ANVÄNDARE")
    owner = commands.add_parser(
        "owner",
        help="visa vem som äger en bedömning, canvas eller checklista och vilka den delas med, eller byt ägare",
        description=TRUSTED,
    )
    owner.add_argument("id", metavar="ID", help=ID_HELP)
    owner.add_argument("user", metavar="ANVÄNDARE", nargs="?", help="den nya ägaren (utelämnad: visa ägaren)")
    owner.add_argument(
        "--keep",
        choices=sorted(SHARE_MODES),
        help="den tidigare ägaren får fortsätta att läsa (read) eller ändra (edit)",
    )


def sharing_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run share, unshare or owner; a StoreError (Swedish) is printed by the caller."""
    with contextlib.ExitStack() as opened:
        store, thing_id, the = _target(args, opened)
        said = f"{the} {thing_id[:12]}"
        if args.command == "share":
            store.share(thing_id, args.user, args.mode)
            print(f"{said} delas med {args.user.strip()}, som får {SHARE_MODES[args.mode]}.", file=out)
        elif args.command == "unshare":
            if args.user.strip() not in {share.user_name for share in store.shares(thing_id)}:
                print(f"{said} var inte delad med {args.user.strip()}; inget ändrat.", file=out)
                return EXIT_OK
            store.unshare(thing_id, args.user)
            print(f"{said} delas inte längre med {args.user.strip()}.", file=out)
        elif args.user is not None:
            store.set_owner(thing_id, args.user, keep=args.keep)
            kept = f" (den tidigare ägaren får {SHARE_MODES[args.keep]})" if args.keep else ""
            print(f"{said} ägs nu av {args.user.strip()}{kept}.", file=out)
        else:
            _show_owner(store, thing_id, out)
    return EXIT_OK


def _target(args: argparse.Namespace, opened: contextlib.ExitStack) -> tuple[Any, str, str]:
    """The store, the full id and the Swedish name of what the id names: an assessment (by id or the start
    of one), else a canvas or a checklist's answers (likewise); NotFoundError if none."""
    url, user = getattr(args, "database_url", None), cli_user()
    assessments = opened.enter_context(Store(args.data_dir, database_url=url, user=user))
    try:
        return assessments, assessments.resolve(args.id), "Bedömningen"
    except NotFoundError as missing:
        if not args.id.strip():
            raise
        for kind, the in THE_KIND.items():  # the kinds of documents shared as assessments are
            documents = opened.enter_context(DocumentStore(kind, args.data_dir, database_url=url, user=user))
            found = [d.id for d in documents.list(include_deleted=True) if d.id.startswith(args.id)]
            exact = [found_id for found_id in found if found_id == args.id]
            if exact or len(found) == 1:
                return documents, (exact or found)[0], the.capitalize()
            if len(found) > 1:
                many = f"Flera dokument har ett id som börjar med '{args.id}'; skriv fler tecken."
                raise NotFoundError(many) from None
        raise NotFoundError(
            f"Det finns ingen bedömning, projektcanvas eller checklista med id '{args.id}'."
        ) from missing


def _show_owner(store: Any, assessment_id: str, out: TextIO) -> None:
    owner = store.owner(assessment_id)
    print(f"Ägare: {owner or '(ingen: sparad innan nyttolib hade ägare)'}", file=out)
    shares = store.shares(assessment_id)
    if not shares:
        print("Delas inte med någon.", file=out)
    for share in shares:
        by = f", delad av {share.shared_by}" if share.shared_by else ""
        print(f"Delas med {share.user_name}: får {SHARE_MODES[share.mode]}{by} {share.shared_at[:10]}", file=out)


def saved_by(who: str | None) -> str:
    """Who saved a revision, for `nyttolib history` (a revision from before identities: nobody named)."""
    return f"  av {who}" if who else ""
