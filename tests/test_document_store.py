"""Documents of other kinds (canvas, checklist answers): revisions, conflicts, owners, shares, links, soft
delete; on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest

from nyttolib.identity import User
from nyttolib.storage.assessments import AccessError, ConflictError, NotFoundError
from nyttolib.storage.database import StoreError
from nyttolib.storage.documents import DocumentStore

ANNA = User("anna", hub=True)
BO = User("bo", hub=True)
OFFICE = User("eva", frozenset({"portfoljkontoret"}), hub=True)
CECILIA = User("cecilia", hub=True)


def test_every_save_is_a_revision_and_a_stale_one_is_refused(tmp_path, database_url):
    with DocumentStore("canvas", tmp_path, database_url=database_url, user=ANNA) as store:
        first = store.save({"need": "Ett behov"}, name="Canvas åäö", organisation="Skola", on_date="2026-12-01")
        second = store.save({"need": "Ett bättre behov"}, id=first.id, expected_revision=1, name="Canvas åäö")
        assert second.revision == 2
        assert store.load(first.id) == ({"need": "Ett bättre behov"}, 2)
        assert store.load(first.id, 1) == ({"need": "Ett behov"}, 1)
        assert [(r.revision, r.saved_by) for r in store.history(first.id)] == [(1, "anna"), (2, "anna")]
        with pytest.raises(ConflictError):
            store.save({"need": "Från en gammal flik"}, id=first.id, expected_revision=1)
        assert store.load(first.id)[1] == 2
        (listing,) = store.list()
        assert (listing.name, listing.owner, listing.organisation, listing.on_date) == (
            "Canvas åäö", "anna", "Skola", "2026-12-01"
        )  # fmt: skip


def test_kinds_are_apart_and_links_are_found(tmp_path, database_url):
    with (
        DocumentStore("canvas", tmp_path, database_url=database_url, user=ANNA) as canvases,
        DocumentStore("checklist", tmp_path, database_url=database_url, user=ANNA) as checklists,
    ):
        canvas = canvases.save({}, name="C")
        checklists.save({}, name="L")
        assert [d.name for d in canvases.list()] == ["C"] and [d.name for d in checklists.list()] == ["L"]
        with pytest.raises(NotFoundError):
            checklists.load(canvas.id)
        canvases.set_link(canvas.id, "bedomning-1")
        assert [d.id for d in canvases.linked("bedomning-1")] == [canvas.id]


def test_only_the_owner_changes_the_office_reads_others_see_nothing(tmp_path, database_url):
    with DocumentStore("canvas", tmp_path, database_url=database_url, user=ANNA) as store:
        saved = store.save({"need": "x"}, name="Annas")
    with DocumentStore("canvas", tmp_path, database_url=database_url, user=BO) as store:
        assert store.list() == []
        with pytest.raises(AccessError):
            store.load(saved.id)
        with pytest.raises(AccessError):
            store.save({"need": "kapat"}, id=saved.id)
        with pytest.raises(AccessError):
            store.delete(saved.id)
    with DocumentStore("canvas", tmp_path, database_url=database_url, user=OFFICE) as store:
        assert [d.name for d in store.list()] == ["Annas"]
        assert store.load(saved.id)[0] == {"need": "x"}
        with pytest.raises(AccessError):
            store.save({"need": "ändrat"}, id=saved.id)
    # make app: the one local user may everything
    with DocumentStore("canvas", tmp_path, database_url=database_url) as local:
        assert local.load(saved.id)[1] == 1


def test_soft_delete_keeps_the_revisions(tmp_path, database_url):
    with DocumentStore("checklist", tmp_path, database_url=database_url, user=ANNA) as store:
        saved = store.save({"a": 1}, name="Lista")
        store.delete(saved.id)
        assert store.list() == [] and [d.id for d in store.list(include_deleted=True)] == [saved.id]
        assert store.load(saved.id)[0] == {"a": 1}
        store.undelete(saved.id)
        assert [d.id for d in store.list()] == [saved.id]


def test_a_nul_character_in_a_name_is_refused_alike_on_both_databases(tmp_path, database_url):
    from nyttolib.storage.database import StoreError

    with DocumentStore("canvas", tmp_path, database_url=database_url, user=ANNA) as store:
        for named in ({"name": "Canvas\x00"}, {"organisation": "Skola\x00"}):
            with pytest.raises(StoreError, match="otillåtet tecken, U\\+0000"):
                store.save({"need": "x"}, **named)
        assert store.list() == []
        saved = store.save({"need": "noll\x00tecken"}, name="Canvas")  # in the JSON document it is escaped
        assert store.load(saved.id) == ({"need": "noll\x00tecken"}, 1)


def _as(user, tmp_path, database_url, kind="canvas"):
    return DocumentStore(kind, tmp_path, database_url=database_url, user=user)


def test_the_owner_shares_to_read_or_edit_and_stops_sharing(tmp_path, database_url):
    with _as(ANNA, tmp_path, database_url) as anna:
        saved = anna.save({"need": "x"}, name="Annas canvas")
        anna.share(saved.id, "bo", "read")
        anna.share(saved.id, " cecilia ", "edit")  # as typed in the form: trimmed
        assert [(s.user_name, s.mode, s.shared_by) for s in anna.shares(saved.id)] == [
            ("bo", "read", "anna"), ("cecilia", "edit", "anna")
        ]  # fmt: skip
    with _as(BO, tmp_path, database_url) as bo:
        assert [(d.name, d.access) for d in bo.list()] == [("Annas canvas", "read")]
        assert bo.load(saved.id)[0] == {"need": "x"} and bo.access(saved.id) == "read"
        with pytest.raises(AccessError, match="Du får inte ändra projektcanvasen"):
            bo.save({"need": "läsaren skriver"}, id=saved.id)
        with pytest.raises(AccessError):
            bo.share(saved.id, "dan", "edit")  # a reader passes nothing on
    with _as(CECILIA, tmp_path, database_url) as cecilia:
        assert [d.access for d in cecilia.list()] == ["edit"]
        assert cecilia.save({"need": "y"}, id=saved.id, expected_revision=1).revision == 2
        assert cecilia.history(saved.id)[-1].saved_by == "cecilia"
        with pytest.raises(AccessError, match="Det får bara ägaren"):
            cecilia.delete(saved.id)  # an editor changes it, the owner alone removes it
        with pytest.raises(AccessError):
            cecilia.unshare(saved.id, "bo")
    with _as(ANNA, tmp_path, database_url) as anna:
        anna.unshare(saved.id, "bo")
        assert [s.user_name for s in anna.shares(saved.id)] == ["cecilia"]
    with _as(BO, tmp_path, database_url) as bo:
        assert bo.list() == [] and bo.access(saved.id) is None
        with pytest.raises(AccessError, match="Be ägaren dela den med dig"):
            bo.load(saved.id)


def test_shares_are_per_kind_and_per_document(tmp_path, database_url):
    with _as(ANNA, tmp_path, database_url) as canvases, _as(ANNA, tmp_path, database_url, "checklist") as lists:
        canvas, other = canvases.save({}, name="Delad"), canvases.save({}, name="Inte delad")
        answers = lists.save({}, name="Svar")
        canvases.share(canvas.id, "bo", "edit")
        with pytest.raises(NotFoundError):
            lists.share(canvas.id, "bo", "edit")  # the checklist store does not reach a canvas
    with _as(BO, tmp_path, database_url) as canvases, _as(BO, tmp_path, database_url, "checklist") as lists:
        assert [d.name for d in canvases.list()] == ["Delad"]
        assert lists.list() == []
        for refused in (lambda: canvases.load(other.id), lambda: lists.load(answers.id)):
            with pytest.raises(AccessError, match="Du får inte se"):
                refused()


def test_handing_over_keeps_a_share_if_asked_and_bad_names_are_refused(tmp_path, database_url):
    with _as(ANNA, tmp_path, database_url, "checklist") as anna:
        saved = anna.save({}, name="Svar")
        for bad in ("", "två ord", "x" * 201, "tab\tnamn"):
            with pytest.raises(StoreError, match="Skriv användarnamnet"):
                anna.share(saved.id, bad, "read")
        with pytest.raises(StoreError, match="anna äger redan checklistan"):
            anna.share(saved.id, "anna", "edit")
        with pytest.raises(StoreError, match="läsa eller för att ändra"):
            anna.share(saved.id, "bo", "admin")
        anna.share(saved.id, "bo", "read")
        anna.set_owner(saved.id, "bo", keep="read")
        assert anna.access(saved.id) == "read"
        with pytest.raises(AccessError):
            anna.save({}, id=saved.id)
    with _as(BO, tmp_path, database_url, "checklist") as bo:
        assert bo.owner(saved.id) == "bo" and bo.access(saved.id) == "owner"
        assert [(s.user_name, s.mode) for s in bo.shares(saved.id)] == [("anna", "read")]  # bo's own share gone
        bo.set_owner(saved.id, "cecilia")
    with _as(BO, tmp_path, database_url, "checklist") as bo:
        assert bo.access(saved.id) is None and bo.list() == []
