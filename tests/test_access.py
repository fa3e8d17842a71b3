"""Who may do what with an assessment, over the store's whole API: the owner, a user it is shared with to
read or to edit, the portfolio office, a stranger, and the one local user of `make app`; also rows saved
before assessments had owners. Every refusal is an AccessError with a Swedish message, and is logged.

SQLite only: the PostgreSQL fixture (tests/conftest.py `database_url`) is not on main yet."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from nyttolib.identity import User
from nyttolib.portfolio.store import PortfolioStore
from nyttolib.storage.assessments import AccessError, ExistsError, NotFoundError, StoreError

ANNA = User("anna", hub=True)
READER = User("bo", hub=True)
EDITOR = User("cecilia", hub=True)
OFFICE = User("kerstin", frozenset({"portfoljkontoret", "ekonomi"}), hub=True)
STRANGER = User("david", frozenset({"ekonomi"}), hub=True)
LOCAL = User("lokal")
USERS = {"owner": ANNA, "read": READER, "edit": EDITOR, "office": OFFICE, "stranger": STRANGER, "local": LOCAL}


@pytest.fixture
def stores(tmp_path, content):
    opened = {role: PortfolioStore(tmp_path, content, user=user) for role, user in USERS.items()}
    yield opened
    for store in opened.values():
        store.close()


@pytest.fixture
def annas(stores, invoice):
    owner = stores["owner"]
    saved = owner.save(invoice.model_copy(update={"id": None}), completeness_percent=100)
    owner.save(owner.load(saved.id)[0], expected_revision=1)
    owner.save_drafts(saved.id, {"initiative.estimated_hours": "fyrtio"})
    owner.share(saved.id, "bo", "read")
    owner.share(saved.id, "cecilia", "edit")
    return saved.id


def operations(store: PortfolioStore, assessment_id: str) -> dict[str, Callable[[], object]]:
    """Each thing a page or the command line does with one assessment, by the kind of right it needs."""

    def save():
        assessment, revision = store.load(assessment_id) if store.access(assessment_id) else (None, None)
        if assessment is None:  # a stranger cannot even load it: try to save over it blind
            from nyttolib.assessment.model import Assessment

            assessment, revision = Assessment(id=assessment_id), store_head(store, assessment_id)
        return store.save(assessment, expected_revision=revision)

    return {
        "load": lambda: store.load(assessment_id),
        "load old revision": lambda: store.load(assessment_id, 1),
        "head_revision": lambda: store.head_revision(assessment_id),
        "history": lambda: store.history(assessment_id),
        "drafts": lambda: store.drafts(assessment_id),
        "owner": lambda: store.owner(assessment_id),
        "shares": lambda: store.shares(assessment_id),
        "save": save,
        "save_drafts": lambda: store.save_drafts(assessment_id, {"initiative.name": "x"}),
        "restore": lambda: store.restore(assessment_id, 1),
        "change_portfolio_fields": lambda: store.change_portfolio_fields(assessment_id, priority_class="lag"),
        "share": lambda: store.share(assessment_id, "erik", "read"),
        "unshare": lambda: store.unshare(assessment_id, "erik"),
        "set_owner": lambda: store.set_owner(assessment_id, store.user.name if store.user.hub else "anna"),
        "delete": lambda: store.delete(assessment_id),
        "undelete": lambda: store.undelete(assessment_id),
    }


def store_head(store: PortfolioStore, assessment_id: str) -> int:
    return store._database.row("SELECT head_revision FROM assessments WHERE id = ?", (assessment_id,))[0]


READS = {"load", "load old revision", "head_revision", "history", "drafts", "owner", "shares"}
EDITS = {"save", "save_drafts", "restore"}
OWNS = {"share", "unshare", "set_owner", "delete", "undelete"}
ALLOWED = {
    "owner": READS | EDITS | {"change_portfolio_fields"} | OWNS,
    "local": READS | EDITS | {"change_portfolio_fields"} | OWNS,
    "edit": READS | EDITS | {"change_portfolio_fields"},
    "office": READS | {"change_portfolio_fields"},
    "read": READS,
    "stranger": set(),
}


@pytest.mark.parametrize("role", list(ALLOWED))
def test_each_user_may_do_exactly_what_their_access_gives(stores, annas, role, caplog):
    store = stores[role]
    for name, operation in operations(store, annas).items():
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="nyttolib.access"):
            if name in ALLOWED[role]:
                operation()
                assert not [r for r in caplog.records if r.levelno >= logging.WARNING], (role, name)
            else:
                with pytest.raises(AccessError) as refused:
                    operation()
                message = str(refused.value)
                assert message.startswith("Du får inte ") and annas in message, (role, name, message)
                assert "Traceback" not in message
                logged = [r.getMessage() for r in caplog.records if r.name == "nyttolib.access"]
                assert logged and logged[-1].startswith(f"nekad: {store.user.name} fick inte "), (role, name)


def test_list_and_resolve_show_only_what_the_user_may_read(stores, annas, invoice):
    own = stores["stranger"].save(invoice.model_copy(update={"id": None})).id
    listed = {role: {(row.id, row.owner, row.access) for row in store.list()} for role, store in stores.items()}
    assert listed["owner"] == {(annas, "anna", "owner")}
    assert listed["read"] == {(annas, "anna", "read")}
    assert listed["edit"] == {(annas, "anna", "edit")}
    assert listed["stranger"] == {(own, "david", "owner")}
    assert listed["office"] == {(annas, "anna", "office"), (own, "david", "office")}
    assert listed["local"] == {(annas, "anna", "owner"), (own, "david", "owner")}
    assert stores["read"].resolve(annas[:6]) == annas
    with pytest.raises(NotFoundError):  # a prefix finds only one's own: ids of others are not probed
        stores["stranger"].resolve(annas[:6])
    with pytest.raises(AccessError):  # the whole id of someone else's: refused, not "not found"
        stores["stranger"].resolve(annas)
    with pytest.raises(NotFoundError):
        stores["stranger"].resolve("0" * 32)
    assert stores["office"].resolve(own[:6]) == own


def test_deleted_assessments_are_listed_only_with_include_deleted_and_only_if_readable(stores, annas):
    stores["owner"].delete(annas)
    assert all(store.list() == [] for store in stores.values())
    assert [r.id for r in stores["read"].list(include_deleted=True)] == [annas]
    assert stores["stranger"].list(include_deleted=True) == []


def test_the_portfolio_rows_are_the_readable_ones(stores, annas, invoice):
    own = stores["stranger"].save(invoice.model_copy(update={"id": None})).id
    for role, expected in [("owner", {annas}), ("read", {annas}), ("stranger", {own}), ("office", {annas, own})]:
        store = stores[role]
        assert {row["id"] for row in store.portfolio_rows()} == expected, role
        assert {row["id"] for row in store.prioritisation_rows()} == expected, role
        data = store.portfolio_data()
        assert set(data.table["id"]) == expected, role
        assert data.year_totals()["initiatives"].max() == len(expected), role  # the sums too
        # Asking for every id by hand still sums only what the user may see.
        import pandas as pd

        everyone = pd.Series([annas, own])
        assert data.year_totals(everyone)["initiatives"].max() == len(expected), role


def test_a_change_from_the_portfolio_records_who_made_it(stores, annas):
    stores["office"].change_portfolio_fields(annas, stage="steg_3")
    history = stores["owner"].history(annas)
    assert [info.saved_by for info in history] == ["anna", "anna", "kerstin"]
    assert stores["owner"].load(annas)[0].initiative.portfolio.stage == "steg_3"


def test_shares_are_managed_by_the_owner_and_checked_as_they_change(stores, annas):
    owner = stores["owner"]
    assert [(s.user_name, s.mode, s.shared_by) for s in owner.shares(annas)] == [
        ("bo", "read", "anna"),
        ("cecilia", "edit", "anna"),
    ]
    owner.share(annas, "bo", "edit")  # changing the mode, not adding another share
    assert stores["read"].access(annas) == "edit"
    owner.unshare(annas, "bo")
    assert stores["read"].access(annas) is None and stores["read"].list() == []
    for name in ("", "två ord", "a\nb", "x" * 201):
        with pytest.raises(StoreError, match="utan mellanslag"):
            owner.share(annas, name, "read")
    with pytest.raises(StoreError, match="läsa eller för att ändra"):
        owner.share(annas, "bo", "write")
    with pytest.raises(StoreError, match="anna äger redan"):
        owner.share(annas, "anna", "edit")


def test_handing_over_moves_every_right_and_can_keep_the_previous_owners(stores, annas):
    owner = stores["owner"]
    owner.set_owner(annas, "cecilia", keep="read")
    assert stores["edit"].access(annas) == "owner" and owner.access(annas) == "read"
    assert [(s.user_name, s.mode) for s in stores["edit"].shares(annas)] == [("anna", "read"), ("bo", "read")]
    with pytest.raises(AccessError):
        owner.share(annas, "erik", "read")
    stores["edit"].set_owner(annas, "bo")  # no keep: cecilia has nothing left
    assert stores["edit"].access(annas) is None and stores["read"].access(annas) == "owner"


def test_rows_from_before_owners_are_the_local_users_and_the_offices_only(stores, annas, invoice):
    legacy = stores["local"].save(invoice.model_copy(update={"id": None})).id
    with stores["local"]._database.write() as db:
        db.execute("UPDATE assessments SET owner = NULL WHERE id = ?", (legacy,))
        db.execute("UPDATE revisions SET saved_by = NULL WHERE assessment_id = ?", (legacy,))
    assert stores["local"].access(legacy) == "owner"
    assert stores["office"].access(legacy) == "office"
    for role in ("owner", "read", "edit", "stranger"):
        assert stores[role].access(legacy) is None, role
        assert legacy not in {row.id for row in stores[role].list()}, role
    assert [info.saved_by for info in stores["local"].history(legacy)] == [None]
    listing = next(row for row in stores["office"].list() if row.id == legacy)
    assert listing.owner is None and listing.access == "office"
    stores["local"].set_owner(legacy, "anna")  # IT gives it its owner on the command line
    assert stores["owner"].access(legacy) == "owner"


def test_an_import_never_names_or_touches_someone_elses_assessment(stores, annas, content):
    document = stores["owner"].load(annas)[0]
    with pytest.raises(ExistsError) as taken:
        stores["stranger"].import_assessment(document)
    assert "inte har tillgång till" in str(taken.value) and document.initiative.name not in str(taken.value)
    with pytest.raises(ExistsError):
        stores["stranger"].import_assessment(document, on_existing="update")
    assert store_head(stores["owner"], annas) == 2
    imported = stores["stranger"].import_assessment(document, on_existing="as_new")
    assert imported.how == "as_new" and stores["stranger"].owner(imported.saved.id) == "david"
