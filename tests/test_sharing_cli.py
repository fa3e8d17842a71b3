"""`nyttolib share`, `unshare`, `owner` and who saved each revision in `history`, run as a user runs them
(a real subprocess): as the local user, also inside a hub user's environment (a staff terminal)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from nyttolib.identity import User
from nyttolib.storage.assessments import Store
from nyttolib.storage.documents import DocumentStore


@pytest.fixture
def data(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def nyttolib(data):
    def run(*args: str, **environment: str) -> subprocess.CompletedProcess:
        env = {key: value for key, value in os.environ.items() if key != "JUPYTERHUB_USER"}
        env.update(NYTTOLIB_DATA_DIR=str(data), **environment)
        return subprocess.run(
            [sys.executable, "-m", "nyttolib", *args], capture_output=True, text=True, env=env, timeout=60
        )

    return run


@pytest.fixture
def annas(data, invoice):
    with Store(data, user=User("anna", hub=True)) as store:
        saved = store.save(invoice.model_copy(update={"id": None}))
        store.save(invoice.model_copy(update={"id": saved.id}))
    with Store(data, user=User("bo", hub=True)) as store:
        assert store.list() == []
    return saved.id


def test_share_unshare_and_owner_as_the_local_user(nyttolib, data, annas):
    result = nyttolib("owner", annas[:8])
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["Ägare: anna", "Delas inte med någon."]
    result = nyttolib("share", annas[:8], "bo", "--read")
    assert (result.returncode, result.stdout.strip()) == (0, f"Bedömningen {annas[:12]} delas med bo, som får läsa.")
    with Store(data, user=User("bo", hub=True)) as store:
        assert [row.access for row in store.list()] == ["read"]
    assert nyttolib("share", annas, "bo", "--edit").returncode == 0
    owner = nyttolib("owner", annas).stdout
    assert "Delas med bo: får ändra, delad av " in owner
    result = nyttolib("unshare", annas, "bo")
    assert result.stdout.strip() == f"Bedömningen {annas[:12]} delas inte längre med bo."
    assert "var inte delad med bo" in nyttolib("unshare", annas, "bo").stdout
    result = nyttolib("owner", annas, "bo", "--keep", "read")
    assert result.stdout.strip() == f"Bedömningen {annas[:12]} ägs nu av bo (den tidigare ägaren får läsa)."
    with Store(data, user=User("bo", hub=True)) as store:
        assert store.owner(annas) == "bo" and [(s.user_name, s.mode) for s in store.shares(annas)] == [("anna", "read")]


def test_a_staff_terminal_under_the_hub_is_trusted_and_recorded_by_name(nyttolib, data, annas):
    result = nyttolib("share", annas, "bo", "--read", JUPYTERHUB_USER="it-admin")
    assert result.returncode == 0, result.stderr
    with Store(data, user=User("anna", hub=True)) as store:
        assert [(s.user_name, s.shared_by) for s in store.shares(annas)] == [("bo", "it-admin")]


def test_history_shows_who_saved_each_revision(nyttolib, data, annas):
    with Store(data, user=User("anna", hub=True)) as store:
        store.share(annas, "bo", "edit")
    with Store(data, user=User("bo", hub=True)) as store:
        store.save(store.load(annas)[0])
    lines = nyttolib("history", annas).stdout.splitlines()
    assert [line.rsplit("  av ", 1)[1] for line in lines] == ["anna", "anna", "bo"]


def test_mistakes_are_swedish_sentences_without_a_traceback(nyttolib, annas):
    cases = {
        ("share", annas, "två ord", "--read"): "utan mellanslag",
        ("share", annas, "anna", "--edit"): "anna äger redan bedömningen",
        ("share", "okänt", "bo", "--read"): "Det finns ingen bedömning, projektcanvas eller checklista med id 'okänt'",
        ("share", "", "bo", "--read"): "Det finns ingen bedömning med id ''",
        ("owner", annas, "\u202ebo\u202c"): "utan mellanslag",
    }
    for args, message in cases.items():
        result = nyttolib(*args)
        assert result.returncode == 1, args
        assert message in result.stderr and "Traceback" not in result.stderr, result.stderr
    usage = nyttolib("share", annas, "bo")
    assert usage.returncode == 2 and "--read" in usage.stderr and "Traceback" not in usage.stderr
    # user text reaches the terminal only made visible: no bidi override is written
    shown = nyttolib("share", annas, "b\u202eo", "--read")
    assert "\u202e" not in shown.stdout + shown.stderr
    help_text = nyttolib("share", "--help").stdout
    assert "lokala användaren" in help_text and "--edit" in help_text


@pytest.mark.parametrize(("kind", "the"), [("canvas", "Projektcanvasen"), ("checklist", "Checklistan")])
def test_canvases_and_checklists_are_shared_by_their_id_too(nyttolib, data, annas, kind, the):
    with DocumentStore(kind, data, user=User("anna", hub=True)) as store:
        saved = store.save({"name": "Annas"}, name="Annas")
    result = nyttolib("share", saved.id[:10], "bo", "--edit")
    assert (result.returncode, result.stdout.strip()) == (0, f"{the} {saved.id[:12]} delas med bo, som får ändra.")
    with DocumentStore(kind, data, user=User("bo", hub=True)) as store:
        assert [(d.name, d.access) for d in store.list()] == [("Annas", "edit")]
    assert nyttolib("owner", saved.id).stdout.splitlines() == [
        "Ägare: anna", f"Delas med bo: får ändra, delad av {nyttolib_user()} " + _today()
    ]  # fmt: skip
    result = nyttolib("owner", saved.id, "bo", "--keep", "read")
    assert result.stdout.strip() == f"{the} {saved.id[:12]} ägs nu av bo (den tidigare ägaren får läsa)."
    assert nyttolib("unshare", saved.id, "anna").stdout.strip() == f"{the} {saved.id[:12]} delas inte längre med anna."
    with DocumentStore(kind, data, user=User("anna", hub=True)) as store:
        assert store.list() == []


def nyttolib_user() -> str:
    from nyttolib.identity import current_user

    return current_user().name


def _today() -> str:
    import datetime as dt

    return dt.datetime.now(dt.UTC).date().isoformat()
