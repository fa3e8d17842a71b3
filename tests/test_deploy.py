"""deploy/: the hub's config for one machine loads and says what deploy/README.md promises, the Helm values
for zero-to-jupyterhub parse and say the same, and both group hooks give a user's server the same identity."""

from __future__ import annotations

import logging
import subprocess
import sys
from types import SimpleNamespace

import pytest
import yaml
from traitlets.config import Config, PyFileConfigLoader

from nyttolib.identity import current_user
from nyttolib.serve.hub import CONFIG_FILE, START_PAGE, VOILA_ONLY_EXTENSIONS, is_staff, voila_only_config

from browser import ROOT

DEPLOY = ROOT / "deploy"
HUB_ENV = [
    "NYTTOLIB_AUTHENTICATOR",
    "NYTTOLIB_PORTFOLIO_GROUP",
    "NYTTOLIB_STAFF_GROUP",
    "NYTTOLIB_MEMORY_LIMIT",
    "NYTTOLIB_IDLE_TIMEOUT",
    "NYTTOLIB_DATABASE_URL_FILE",
]


@pytest.fixture
def hub_environment(monkeypatch, tmp_path):
    for name in HUB_ENV:
        monkeypatch.delenv(name, raising=False)
    secret = tmp_path / "database_url"
    secret.write_text("postgresql://nyttolib:hemligt@db.kommun.se/nyttolib\n", encoding="utf-8")
    monkeypatch.setenv("NYTTOLIB_DATABASE_URL_FILE", str(secret))
    return monkeypatch


def load_hub_config() -> Config:
    return PyFileConfigLoader("jupyterhub_config.py", path=str(DEPLOY)).load_config()


def spawner(*groups: str) -> SimpleNamespace:
    user = SimpleNamespace(name="anna", groups=[SimpleNamespace(name=name) for name in groups])
    return SimpleNamespace(user=user, environment={"NYTTOLIB_DATA_DIR": "/srv/nyttolib"}, log=logging.getLogger())


def test_one_machine_config_opens_the_start_page_with_limits_culling_and_a_safe_login(hub_environment):
    c = load_hub_config()
    assert c.JupyterHub.authenticator_class == "pam"  # never the dummy login
    assert c.PAMAuthenticator.allowed_groups == {"nyttolib"}
    assert c.Spawner.cmd == [sys.executable, "-m", "nyttolib.serve.hub"]
    assert c.Spawner.default_url == START_PAGE == "/voila/render/start.ipynb"
    assert (ROOT / "notebooks" / "start.ipynb").exists()
    assert c.Spawner.mem_limit == "1G" and c.JupyterHub.spawner_class == "systemdspawner.SystemdSpawner"
    assert c.Spawner.disable_user_config is True
    culler = next(service for service in c.JupyterHub.services if service["name"] == "idle-culler")
    assert culler["command"][1:] == ["-m", "jupyterhub_idle_culler", "--timeout=3600"]
    role = next(role for role in c.JupyterHub.load_roles if role["name"] == "idle-culler")
    assert role["services"] == ["idle-culler"] and "delete:servers" in role["scopes"]
    assert set(c.JupyterHub.load_groups) == {"portfoljkontoret", "nyttolib-it"}
    help_text = subprocess.run(
        [sys.executable, "-m", "jupyterhub_idle_culler", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "--timeout" in help_text  # the service's command runs


def test_the_login_is_chosen_by_a_setting_and_an_unknown_one_is_refused(hub_environment):
    hub_environment.setenv("NYTTOLIB_AUTHENTICATOR", "entra")
    c = load_hub_config()
    assert c.JupyterHub.authenticator_class == "azuread"
    assert c.AzureAdOAuthenticator.manage_groups is True
    assert "load_groups" not in c.JupyterHub  # the login owns the groups (the hub refuses both)
    hub_environment.setenv("NYTTOLIB_AUTHENTICATOR", "ldap")
    assert load_hub_config().JupyterHub.authenticator_class == "ldapauthenticator.LDAPAuthenticator"
    hub_environment.setenv("NYTTOLIB_AUTHENTICATOR", "dummy")
    with pytest.raises(ValueError, match="välj pam, entra eller ldap"):
        load_hub_config()


def test_the_spawn_hook_gives_the_server_the_users_groups_and_the_database_url(hub_environment):
    hook = load_hub_config().Spawner.pre_spawn_hook
    office = spawner("portfoljkontoret", "ekonomi", "nyttolib-it,portfoljkontoret")
    hook(office)
    assert office.environment == {
        "NYTTOLIB_DATA_DIR": "/srv/nyttolib",
        "NYTTOLIB_GROUPS": "ekonomi,portfoljkontoret",  # the name with a comma is not read as two
        "NYTTOLIB_PORTFOLIO_GROUP": "portfoljkontoret",
        "NYTTOLIB_STAFF_GROUP": "nyttolib-it",
        "NYTTOLIB_DATABASE_URL": "postgresql://nyttolib:hemligt@db.kommun.se/nyttolib",
    }
    user = current_user({**office.environment, "JUPYTERHUB_USER": "anna"})
    assert user.hub and user.portfolio_office and user.groups == {"ekonomi", "portfoljkontoret"}
    assert not is_staff(office.environment["NYTTOLIB_GROUPS"], office.environment)
    ordinary = spawner()
    hook(ordinary)
    assert ordinary.environment["NYTTOLIB_GROUPS"] == ""
    assert not current_user({**ordinary.environment, "JUPYTERHUB_USER": "bertil"}).portfolio_office


def test_kubernetes_values_say_the_same(hub_environment):
    values = yaml.safe_load((DEPLOY / "z2jh-values.yaml").read_text(encoding="utf-8"))
    single = values["singleuser"]
    assert single["cmd"] == ["python", "-m", "nyttolib.serve.hub"]
    assert single["defaultUrl"] == START_PAGE
    assert single["memory"] == {"limit": "1G", "guarantee": "512M"}
    assert single["extraEnv"]["NYTTOLIB_DATABASE_URL"] == {
        "valueFrom": {"secretKeyRef": {"name": "nyttolib-database", "key": "url"}}
    }
    assert values["cull"]["enabled"] is True and values["cull"]["timeout"] == 3600
    assert values["hub"]["config"]["JupyterHub"]["authenticator_class"] != "dummy"
    # The hub's extra config defines the same group hook as the one-machine config.
    c = Config()
    namespace = {"c": c}
    exec(compile(values["hub"]["extraConfig"]["nyttolib-groups"], "extraConfig", "exec"), namespace)
    from_helm, from_file = spawner("portfoljkontoret", "a,b"), spawner("portfoljkontoret", "a,b")
    c.KubeSpawner.pre_spawn_hook(from_helm)
    load_hub_config().Spawner.pre_spawn_hook(from_file)
    del from_file.environment["NYTTOLIB_DATABASE_URL"]  # on Kubernetes it comes from the Secret
    assert from_helm.environment == from_file.environment


def test_an_ordinary_users_server_is_voila_only():
    discovered = {"jupyterlab": True, "notebook": True, "jupyter_server_terminals": True, "voila": True}
    c = voila_only_config(discovered)
    enabled = {name for name, on in c.ServerApp.jpserver_extensions.items() if on}
    assert enabled == set(VOILA_ONLY_EXTENSIONS) == {"voila", "jupyterhub"}
    assert c.ServerApp.jpserver_extensions["jupyterlab"] is False
    assert c.ServerApp.terminals_enabled is False
    assert c.ServerApp.default_url == START_PAGE
    assert c.ServerApp.root_dir == str(ROOT / "notebooks")
    assert c.VoilaConfiguration.show_tracebacks is False and c.VoilaConfiguration.template == "nyttolib"
    assert c.VoilaConfiguration.file_allowlist == ["^$"]  # /voila/files serves nothing
    assert "execute_request" not in c.MappingKernelManager.allowed_message_types
    assert CONFIG_FILE.exists()
    assert is_staff(["nyttolib-it"], {}) and not is_staff("ekonomi, portfoljkontoret", {})
    assert is_staff("it-avd", {"NYTTOLIB_STAFF_GROUP": "it-avd"})
