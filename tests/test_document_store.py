"""Documents of other kinds (canvas, checklist answers): revisions, conflicts, owners, links, soft delete;
on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest

from nyttolib.identity import User
from nyttolib.storage.assessments import AccessError, ConflictError, NotFoundError
from nyttolib.storage.documents import DocumentStore

ANNA = User("anna", hub=True)
BO = User("bo", hub=True)
OFFICE = User("eva", frozenset({"portfoljkontoret"}), hub=True)


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
