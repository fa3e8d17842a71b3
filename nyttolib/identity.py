"""Who is using nyttolib: the JupyterHub user, or the one local user of `make app`.

Under JupyterHub the hub starts each user's server with `JUPYTERHUB_USER` set, and nyttolib's
`deploy/jupyterhub_config.py` adds the user's hub groups as `NYTTOLIB_GROUPS` when it spawns the server.
Both come from the hub's process environment, never from anything the browser sends, and an ordinary
user's server runs no code of theirs (see deploy/README: Voilà only), so they cannot be changed.
Without the hub there is one local user, who owns everything, as before identities existed.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

HUB_USER_ENV = "JUPYTERHUB_USER"
GROUPS_ENV = "NYTTOLIB_GROUPS"
PORTFOLIO_GROUP_ENV = "NYTTOLIB_PORTFOLIO_GROUP"
LOCAL_USER_ENV = "NYTTOLIB_USER"
DEFAULT_PORTFOLIO_GROUP = "portfoljkontoret"


def portfolio_office_group(environ: Mapping[str, str] | None = None) -> str:
    """The hub group whose members read every assessment and change the portfolio fields (a setting)."""
    environ = os.environ if environ is None else environ
    return environ.get(PORTFOLIO_GROUP_ENV, "").strip() or DEFAULT_PORTFOLIO_GROUP


@dataclass(frozen=True)
class User:
    """A user as the stores see them. `hub` is False for the local user, who may do everything."""

    name: str
    groups: frozenset[str] = field(default_factory=frozenset)
    hub: bool = False
    portfolio_group: str = DEFAULT_PORTFOLIO_GROUP

    @property
    def local(self) -> bool:
        return not self.hub

    @property
    def portfolio_office(self) -> bool:
        """Reads every assessment and changes stage and priority; the local user is the office too."""
        return self.local or self.portfolio_group in self.groups


def _split_groups(text: str) -> frozenset[str]:
    return frozenset(part.strip() for part in text.split(",") if part.strip())


_process_user: User | None = None


@contextmanager
def acting_as(user: User) -> Iterator[None]:
    """Run as `user` for a while: the command line, which only staff with the database's credentials can
    run (ordinary users have Voilà only), acts with every right under its own name."""
    global _process_user
    before, _process_user = _process_user, user
    try:
        yield
    finally:
        _process_user = before


def current_user(environ: Mapping[str, str] | None = None) -> User:
    """The user this process works for: the hub's user if a hub started it, else the local user."""
    if _process_user is not None and environ is None:
        return _process_user
    environ = os.environ if environ is None else environ
    group = portfolio_office_group(environ)
    hub_user = environ.get(HUB_USER_ENV, "").strip()
    if hub_user:
        return User(hub_user, _split_groups(environ.get(GROUPS_ENV, "")), hub=True, portfolio_group=group)
    local = environ.get(LOCAL_USER_ENV, "").strip() or _login_name()
    return User(local, hub=False, portfolio_group=group)


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name for this uid (a container): still one local user
        return "lokal"


LOCAL = User("lokal")
