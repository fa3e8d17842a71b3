"""JupyterHub for nyttolib on one machine (The Littlest JupyterHub style): login, one server per user.

Copy to /etc/jupyterhub/jupyterhub_config.py (or TLJH's /opt/tljh/config/jupyterhub_config.d/) and start
`jupyterhub -f /etc/jupyterhub/jupyterhub_config.py` as root. deploy/README.md (Swedish) says how to install,
choose the login, size the machine, back up and upgrade. The settings that IT chooses are at the top, each
also readable from the hub's environment (so the systemd unit can set them without editing this file).

What users reach: an ordinary user's server is `python -m nyttolib.serve.hub`, Voilà's pages only (no
JupyterLab, terminals, file or kernel API, no code run): see nyttolib/serve/hub.py. Members of the staff
group get JupyterLab and are trusted with the code and the database.
"""

import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - JupyterHub defines it for its config file

# --------------------------------------------------------------------------------------------------------------
# What IT chooses
# --------------------------------------------------------------------------------------------------------------
# The login: "pam" (the machine's own accounts: the safe default, nothing to register), "entra" (Entra ID /
# Azure AD, pip install oauthenticator) or "ldap" (Active Directory or another LDAP, pip install
# jupyterhub-ldapauthenticator). Never the dummy authenticator: it lets anyone in.
AUTHENTICATOR = os.environ.get("NYTTOLIB_AUTHENTICATOR", "pam")
# Hub groups: the portfolio office reads every assessment and changes stage and priority; staff (IT, the
# nyttolib administrators) get JupyterLab. Everyone else may use nyttolib's pages.
PORTFOLIO_GROUP = os.environ.get("NYTTOLIB_PORTFOLIO_GROUP", "portfoljkontoret")
STAFF_GROUP = os.environ.get("NYTTOLIB_STAFF_GROUP", "nyttolib-it")
# The PostgreSQL URL (postgresql://user:password@host/db) in a file only root (the hub) can read: chmod 600.
DATABASE_URL_FILE = Path(os.environ.get("NYTTOLIB_DATABASE_URL_FILE", "/etc/nyttolib/database_url"))
# Memory per user's server (their server and the kernels of their open pages; bench/RESULTS.md: about 0.3 GB
# with one page open). SystemdSpawner enforces it (MemoryMax); the simple local spawners do not.
MEMORY_LIMIT = os.environ.get("NYTTOLIB_MEMORY_LIMIT", "1G")
# A user's server is stopped after this many seconds without activity (its pages closed or idle).
IDLE_TIMEOUT = int(os.environ.get("NYTTOLIB_IDLE_TIMEOUT", "3600"))
# Where the hub keeps its own state (its user database, cookie secret).
STATE_DIR = Path(os.environ.get("NYTTOLIB_HUB_STATE", "/srv/jupyterhub"))

# --------------------------------------------------------------------------------------------------------------
# The hub
# --------------------------------------------------------------------------------------------------------------
c.JupyterHub.bind_url = os.environ.get("NYTTOLIB_HUB_URL", "http://:8000")  # put TLS in front (README)
c.JupyterHub.db_url = f"sqlite:///{STATE_DIR / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE_DIR / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE_DIR / "jupyterhub.pid")
c.JupyterHub.redirect_to_server = True


# --------------------------------------------------------------------------------------------------------------
# Login
# --------------------------------------------------------------------------------------------------------------
def _secret(name):
    """A secret from the hub's environment or a file only root reads (/etc/nyttolib/<name>)."""
    value = os.environ.get(name.upper().replace("-", "_"), "")
    path = Path("/etc/nyttolib") / name
    return value or (path.read_text(encoding="utf-8").strip() if path.is_file() else "")


if AUTHENTICATOR == "pam":
    # The machine's accounts; the members of the unix group may log in. Hub groups (portfolio office, staff)
    # come from c.JupyterHub.load_groups below or the hub's admin page.
    c.JupyterHub.authenticator_class = "pam"
    c.PAMAuthenticator.allowed_groups = {os.environ.get("NYTTOLIB_LOGIN_GROUP", "nyttolib")}
elif AUTHENTICATOR == "entra":
    # Entra ID (Azure AD): register an app in the tenant with the redirect URI below and the "groups" claim.
    c.JupyterHub.authenticator_class = "azuread"
    c.AzureAdOAuthenticator.tenant_id = os.environ.get("AZURE_TENANT_ID", "")
    c.AzureAdOAuthenticator.client_id = os.environ.get("AZURE_CLIENT_ID", "")
    c.AzureAdOAuthenticator.client_secret = _secret("azure-client-secret")
    c.AzureAdOAuthenticator.oauth_callback_url = os.environ.get("NYTTOLIB_OAUTH_CALLBACK_URL", "")
    c.AzureAdOAuthenticator.username_claim = "preferred_username"
    # The hub's groups are the token's groups claim, renewed at every login: set the two group names above to
    # what the claim carries (the groups' object ids, unless the app registration emits names).
    c.AzureAdOAuthenticator.manage_groups = True
    c.AzureAdOAuthenticator.auth_state_groups_key = "groups"
    c.AzureAdOAuthenticator.allowed_groups = set(filter(None, os.environ.get("NYTTOLIB_LOGIN_GROUPS", "").split(",")))
elif AUTHENTICATOR == "ldap":
    # Active Directory / LDAP: the user binds with their own password (ldaps). Hub groups as for pam.
    c.JupyterHub.authenticator_class = "ldapauthenticator.LDAPAuthenticator"
    c.LDAPAuthenticator.server_address = os.environ.get("NYTTOLIB_LDAP_SERVER", "")
    c.LDAPAuthenticator.tls_strategy = "on_connect"
    c.LDAPAuthenticator.bind_dn_template = [os.environ.get("NYTTOLIB_LDAP_BIND_DN", "")]
    c.LDAPAuthenticator.allowed_groups = list(filter(None, os.environ.get("NYTTOLIB_LDAP_GROUPS", "").split(";")))
else:
    raise ValueError(f"NYTTOLIB_AUTHENTICATOR={AUTHENTICATOR!r}: välj pam, entra eller ldap")

c.Authenticator.admin_users = set(filter(None, os.environ.get("NYTTOLIB_HUB_ADMINS", "").split(",")))
if AUTHENTICATOR != "entra":
    # The hub groups nyttolib knows, created at start (members are added, never removed, from these lists);
    # more members on the hub's admin page. With Entra ID the login owns the groups (manage_groups).
    c.JupyterHub.load_groups = {
        PORTFOLIO_GROUP: {"users": list(filter(None, os.environ.get("NYTTOLIB_PORTFOLIO_USERS", "").split(",")))},
        STAFF_GROUP: {"users": list(filter(None, os.environ.get("NYTTOLIB_STAFF_USERS", "").split(",")))},
    }

# --------------------------------------------------------------------------------------------------------------
# Each user's server
# --------------------------------------------------------------------------------------------------------------
# systemd units per user (TLJH's spawner): memory limit enforced, a transient system user per hub user (no
# local accounts needed for Entra ID or LDAP users). pip install jupyterhub-systemdspawner.
c.JupyterHub.spawner_class = "systemdspawner.SystemdSpawner"
c.SystemdSpawner.dynamic_users = True
c.SystemdSpawner.unit_name_template = "nyttolib-{USERNAME}"
c.Spawner.cmd = [sys.executable, "-m", "nyttolib.serve.hub"]  # Voilà only; JupyterLab for staff
c.Spawner.default_url = "/voila/render/start.ipynb"
c.Spawner.disable_user_config = True  # a user's ~/.jupyter never changes their server's settings
c.Spawner.mem_limit = MEMORY_LIMIT
c.Spawner.cpu_limit = float(os.environ.get("NYTTOLIB_CPU_LIMIT", "1"))
c.Spawner.http_timeout = 60
c.Spawner.start_timeout = 120


def database_url():
    """The PostgreSQL URL from the file only the hub reads, or "" (then each server uses its data dir's SQLite,
    which suits a trial with one user, not a shared portfolio)."""
    return DATABASE_URL_FILE.read_text(encoding="utf-8").strip() if DATABASE_URL_FILE.is_file() else ""


def nyttolib_environment(spawner):
    """The user's hub groups, the two group settings and the database URL, in the server's environment
    (nyttolib.identity reads them there). They come from the hub, never from the browser. A group name with a
    comma is left out: it would read as two names."""
    names = sorted(group.name for group in spawner.user.groups)
    kept = [name for name in names if "," not in name]
    for name in set(names) - set(kept):
        spawner.log.warning("nyttolib: gruppen %r har ett kommatecken i namnet och räknas inte", name)
    environment = {
        "NYTTOLIB_GROUPS": ",".join(kept),
        "NYTTOLIB_PORTFOLIO_GROUP": PORTFOLIO_GROUP,
        "NYTTOLIB_STAFF_GROUP": STAFF_GROUP,
    }
    url = database_url()
    if url:
        environment["NYTTOLIB_DATABASE_URL"] = url
    spawner.environment = {**spawner.environment, **environment}


c.Spawner.pre_spawn_hook = nyttolib_environment

# --------------------------------------------------------------------------------------------------------------
# Idle servers stopped (pip install jupyterhub-idle-culler); a page's kernel stops 2 minutes after its tab
# closes (nyttolib.serve.hub), the server itself after IDLE_TIMEOUT.
# --------------------------------------------------------------------------------------------------------------
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={IDLE_TIMEOUT}"],
    }
]
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]
