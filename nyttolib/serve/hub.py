"""An ordinary user's server under JupyterHub: nyttolib's Voilà pages and nothing else.

The hub starts every user's server as `python -m nyttolib.serve.hub` (deploy/jupyterhub_config.py). That is
`jupyterhub-singleuser` (jupyter_server with the hub's OAuth login) locked down so that nobody runs code next
to the database credentials in the server's environment, and the store's access checks decide what each user
sees (deploy/README.md):

- only the voila server extension: no JupyterLab, notebook, terminals, language servers;
- an Authorizer that refuses the Jupyter REST API (contents, files, sessions, kernel starting, nbconvert,
  config writes, terminals, ...), keeping only what Voilà's pages use: their kernel's websocket;
- a kernel websocket that passes the browser's widget (comm) messages and the kernel-info request and drops
  every other message, execute requests above all;
- the start page as the default URL, the notebooks folder as the root, no tracebacks on pages.

Staff, the members of the hub group named by $NYTTOLIB_STAFF_GROUP, get plain JupyterLab (they are trusted
with the code and the database), in their own server and as visitors of another's.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from jupyter_server.services.kernels.connection.base import deserialize_binary_message, deserialize_msg_from_ws_v1
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from jupyterhub.singleuser.extension import JupyterHubAuthorizer
from traitlets.config import Config

STAFF_GROUP_ENV = "NYTTOLIB_STAFF_GROUP"
DEFAULT_STAFF_GROUP = "nyttolib-it"
START_PAGE = "/voila/render/start.ipynb"
CONFIG_FILE = Path(__file__).with_name("singleuser_config.py")

# What Voilà's pages need from jupyter_server's own API, found by watching the pages (tests/test_hub.py): the
# page reads its kernel's model (GET /api/kernels/<id>) and opens the kernel's websocket (authorized as
# "execute" on "kernels"). Voilà's own routes (/voila/render, /voila/static, /voila/api/shutdown, ...) only ask
# that the user is logged in. Keyed by handler too: the same action on the kernel list (GET /api/kernels) or
# by another route stays refused.
VOILA_PAGE_PERMISSIONS = frozenset(
    {("KernelHandler", "read", "kernels"), ("KernelWebsocketHandler", "execute", "kernels")}
)

# The messages a Voilà page sends its kernel: widgets talk over comms; the page asks for the kernel's info.
BROWSER_MESSAGES = frozenset({"comm_open", "comm_msg", "comm_close", "comm_info_request", "kernel_info_request"})
BROWSER_CHANNELS = frozenset({"shell"})

# Server extensions of an ordinary user's server: Voilà and the hub's login (which loads itself).
VOILA_ONLY_EXTENSIONS = frozenset({"voila", "jupyterhub"})


def staff_group(environ: Mapping[str, str] | None = None) -> str:
    """The hub group whose members are trusted with JupyterLab (a setting)."""
    environ = os.environ if environ is None else environ
    return environ.get(STAFF_GROUP_ENV, "").strip() or DEFAULT_STAFF_GROUP


def is_staff(groups: object, environ: Mapping[str, str] | None = None) -> bool:
    """Whether these hub group names (a list, or the comma-separated $NYTTOLIB_GROUPS) include staff."""
    names = groups.split(",") if isinstance(groups, str) else list(groups or [])
    return staff_group(environ) in {str(name).strip() for name in names}


def owner_is_staff(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the hub spawned this server for a staff member ($NYTTOLIB_GROUPS comes from the hub's spawner)."""
    environ = os.environ if environ is None else environ
    return is_staff(environ.get("NYTTOLIB_GROUPS", ""), environ)


class VoilaOnlyAuthorizer(JupyterHubAuthorizer):
    """The hub's scopes first (who may use this server at all), then: staff may do anything, everyone else
    only what Voilà's pages need. Refusals are logged with the user, the action and the resource."""

    def is_authorized(self, handler, user, action: str, resource: str) -> bool:
        if not super().is_authorized(handler, user, action, resource):
            return False
        hub_user = getattr(user, "hub_user", None) or {}
        if is_staff(hub_user.get("groups", [])):  # the groups come from the hub's answer, not from the browser
            return True
        if _permission(handler, action, resource) in VOILA_PAGE_PERMISSIONS:
            return True
        self.log.warning(
            "nyttolib: nekade %s att %s %s (%s %s): bara Voilàs sidor är öppna",
            user.username,
            action,
            resource,
            handler.request.method,
            handler.request.path,
        )
        return False


def _permission(handler, action: str, resource: str) -> tuple[str, str, str]:
    """The jupyter_server handler class (the nearest of its own, past any subclass such as Voilà's) with the
    action and resource asked for."""
    from jupyter_server.services.kernels.handlers import KernelHandler
    from jupyter_server.services.kernels.websocket import KernelWebsocketHandler

    for known in (KernelHandler, KernelWebsocketHandler):
        if isinstance(handler, known):
            return known.__name__, action, resource
    return type(handler).__name__, action, resource


class CommOnlyConnection(ZMQChannelsWebsocketConnection):
    """A kernel websocket that forwards only widget (comm) messages and kernel-info requests from the browser:
    a page can drive its widgets, but an execute request (or any other) never reaches the kernel."""

    def handle_incoming_message(self, incoming_msg) -> None:
        channel, msg_type = self._channel_and_type(incoming_msg)
        if channel in BROWSER_CHANNELS and msg_type in BROWSER_MESSAGES:
            super().handle_incoming_message(incoming_msg)
            return
        user = getattr(self.websocket_handler.current_user, "username", "?")
        self.log.warning(
            "nyttolib: släppte ett %s-meddelande på kanalen %s från %s till kärnan %s: sidorna kör ingen kod",
            msg_type,
            channel,
            user,
            self.kernel_id,
        )

    def _channel_and_type(self, incoming_msg) -> tuple[str | None, str | None]:
        """The channel and message type, read as the parent class reads them (both websocket protocols)."""
        try:
            if self.subprotocol == "v1.kernel.websocket.jupyter.org":
                channel, msg_list = deserialize_msg_from_ws_v1(incoming_msg)
                header = self.get_part("header", None, msg_list)
            else:
                msg = (
                    deserialize_binary_message(incoming_msg)
                    if isinstance(incoming_msg, bytes)
                    else json.loads(incoming_msg)
                )
                channel, header = msg.get("channel"), msg.get("header")
            msg_type = header.get("msg_type") if isinstance(header, dict) else None
        except Exception:  # not a Jupyter message at all: dropped like any other unknown message
            return None, None
        return channel or "shell", msg_type  # the parent class takes a missing channel as shell


def voila_only_config(discovered_extensions: Mapping[str, bool] | None = None) -> Config:
    """The jupyter_server settings of an ordinary user's server (see the module docstring). Every server
    extension that is installed is named and switched off (jupyter_server would load one it was not told
    about), except Voilà and the hub's."""
    from nyttolib.serve.server import NOTEBOOKS

    c = Config()
    extensions = {name: False for name in (discovered_extensions or {})}
    c.ServerApp.jpserver_extensions = {**extensions, **{name: True for name in VOILA_ONLY_EXTENSIONS}}
    c.ServerApp.authorizer_class = VoilaOnlyAuthorizer
    c.ServerApp.kernel_websocket_connection_class = CommOnlyConnection
    c.ServerApp.terminals_enabled = False
    c.ServerApp.default_url = START_PAGE
    c.ServerApp.root_dir = str(NOTEBOOKS)
    # No traceback on an error page; pages, scripts and styles gzipped (nyttolib serve precompresses Voilà's
    # static files, nyttolib.serve.static; here tornado compresses them as it sends them).
    c.ServerApp.tornado_settings = {"serve_traceback": False, "compress_response": True}
    c.ServerApp.quit_button = False
    c.MappingKernelManager.allowed_message_types = sorted(BROWSER_MESSAGES)  # the server's own check too
    _voila_settings(c)
    return c


def _voila_settings(c: Config) -> None:
    """The settings of voila.json that apply to Voilà as a server extension (there are no preheated kernels
    there: the page starts its kernel on request), read from voila.json so the two never drift apart."""
    from nyttolib.serve.server import ROOT

    settings = json.loads((ROOT / "voila.json").read_text(encoding="utf-8"))
    for name, value in settings["VoilaConfiguration"].items():
        if name not in ("preheat_kernel", "default_pool_size"):
            setattr(c.VoilaConfiguration, name, value)
    for name, value in settings["MappingKernelManager"].items():
        setattr(c.MappingKernelManager, name, value)
    c.HTMLExporter.language_code = settings["HTMLExporter"]["language_code"]


def installed_extensions() -> dict[str, bool]:
    """The server extensions jupyter_server finds in the Jupyter config paths (as ServerApp looks for them)."""
    from jupyter_core.paths import jupyter_config_path
    from jupyter_server.extension.config import ExtensionConfigManager

    return dict(ExtensionConfigManager(read_config_path=jupyter_config_path()).get_jpserver_extensions())


def main() -> None:
    """Start the user's server: JupyterLab for staff, Voilà only for everyone else."""
    from nyttolib.serve.server import server_environment

    os.environ.update(server_environment())  # nyttolib's templates on JUPYTER_PATH, for the server and kernels
    if owner_is_staff():
        from jupyterhub.singleuser import main as jupyterhub_singleuser

        os.environ["JUPYTERHUB_DEFAULT_URL"] = "/lab"  # their home folder in JupyterLab, not the start page
        sys.argv[0] = "jupyterhub-singleuser"
        sys.exit(jupyterhub_singleuser())
    sys.exit(_run_voila_only(sys.argv[1:]))


def _run_voila_only(arguments: list[str]) -> int:
    """jupyterhub-singleuser with singleuser_config.py, started only once the server is seen to be locked down.
    (A config file that fails to load is only logged by traitlets, and the server would start with every
    extension and no limits: here it does not start at all.)"""
    from jupyterhub.singleuser.extension import JupyterHubSingleUser

    os.environ.pop("JUPYTERHUB_ROOT_DIR", None)  # Spawner.notebook_dir never moves Voilà off the notebooks folder
    voila_only_config(installed_extensions())  # fails here, before any server, if the settings cannot be made
    serverapp = JupyterHubSingleUser.initialize_server(argv=[f"--config={CONFIG_FILE}", *arguments])
    problems = lockdown_problems(serverapp)
    if problems:
        serverapp.log.critical("nyttolib: servern startas inte, den är inte låst till Voilà: %s", "; ".join(problems))
        return 1
    serverapp.start()
    return 0


def lockdown_problems(serverapp) -> list[str]:
    """What is not as an ordinary user's server must be (empty when it is locked down)."""
    problems = []
    if not isinstance(serverapp.authorizer, VoilaOnlyAuthorizer):
        problems.append(f"authorizer {type(serverapp.authorizer).__name__}")
    if serverapp.kernel_websocket_connection_class is not CommOnlyConnection:
        problems.append(f"kernel websocket {serverapp.kernel_websocket_connection_class.__name__}")
    if serverapp.terminals_enabled:
        problems.append("terminals")
    enabled = {name for name, on in serverapp.jpserver_extensions.items() if on}
    if enabled - VOILA_ONLY_EXTENSIONS:
        problems.append(f"extensions {sorted(enabled - VOILA_ONLY_EXTENSIONS)}")
    loaded = {name for name, package in serverapp.extension_manager.extensions.items() if package.enabled}
    if loaded - VOILA_ONLY_EXTENSIONS:
        problems.append(f"loaded extensions {sorted(loaded - VOILA_ONLY_EXTENSIONS)}")
    return problems


if __name__ == "__main__":
    # As the module, not __main__: the config file imports nyttolib.serve.hub, and the lockdown check compares
    # the server's classes with that module's.
    from nyttolib.serve.hub import main as hub_main

    hub_main()
