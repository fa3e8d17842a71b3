"""The canvas, the need page and a checklist under JupyterHub, as each user sees them: the owner's sharing
panel, a reader's read-only page (exports still there), an editor's saves, a share taken back while the
page is open, and someone else's id. Real stores on one database, one per user (as the hub users'
kernels have); the local user of `make app` sees the pages as before."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import ipywidgets as widgets
import pytest

from nyttolib.app.canvas_page import CanvasPage, canvas_list, canvas_page
from nyttolib.app.checklist_page import AnsweringView, ChecklistPage
from nyttolib.app.need_page import NeedPage, need_page
from nyttolib.app.sharing import SharingPanel
from nyttolib.canvas.content import load_canvas_content
from nyttolib.canvas.session import CanvasSession, canvas_store
from nyttolib.checklists.model import load_checklists
from nyttolib.checklists.session import ChecklistSession
from nyttolib.checklists.store import ChecklistStore
from nyttolib.identity import User

ROOT = Path(__file__).resolve().parent.parent
ANNA = User("anna", hub=True)
BO = User("bo", hub=True)
CECILIA = User("cecilia", hub=True)
OFFICE = User("kerstin", frozenset({"portfoljkontoret"}), hub=True)
EXPORTS = {"Spara som HTML", "Spara som PDF", "Skapa HTML-fil", "Skapa PDF-fil"}


def immediately(_delay, callback):
    callback()


def walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def texts(widget) -> str:
    return "\n".join(w.value if isinstance(w, widgets.HTML) else w.description for w in walk(widget)
                     if isinstance(w, (widgets.HTML, widgets.Button)))  # fmt: skip


def enabled(widget) -> set[str]:
    """The descriptions of the inputs and buttons a user can still use."""
    return {w.description for w in walk(widget) if w.has_trait("disabled") and not w.disabled and w.description}


@pytest.fixture
def content():
    return load_canvas_content()


@pytest.fixture
def canvases(tmp_path):
    opened = {user.name: canvas_store(tmp_path, user=user) for user in (ANNA, BO, CECILIA, OFFICE)}
    yield opened
    for store in opened.values():
        store.close()


@pytest.fixture
def annas_canvas(canvases):
    saved = canvases["anna"].save({"name": "Annas idé", "need": "Ett behov"}, name="Annas idé")
    canvases["anna"].share(saved.id, "bo", "read")
    canvases["anna"].share(saved.id, "cecilia", "edit")
    return saved.id


def _open(page_class, store, canvas_id, content):
    return page_class(CanvasSession(store, canvas_id, scheduler=immediately, save_delay=0), content)


@pytest.mark.parametrize("page_class", [CanvasPage, NeedPage])
@pytest.mark.parametrize("reader", ["bo", "kerstin"])
def test_a_reader_and_the_office_get_the_page_read_only_with_its_exports(
    page_class, reader, canvases, annas_canvas, content
):
    page = _open(page_class, canvases[reader], annas_canvas, content)
    assert page.session.read_only
    expected = "delad med dig för att läsa" if reader == "bo" else "som portföljkontoret"
    assert expected in texts(page.access_area) and "Ägare: anna" in texts(page.access_area)
    assert "Skrivskyddad: du kan läsa den" in page.status.status.value
    assert enabled(page) <= EXPORTS  # every field, self-check and button off; the exports still work
    assert not page.access_area.panel_area.children
    if page_class is CanvasPage:
        assert enabled(page) == {"Spara som HTML", "Spara som PDF"}
        page.export("html")
        assert "download=" in page.download.value
    # a value that still reaches the kernel (a crafted widget message) is never taken, nor saved
    page.fields["need"].control.value = "Ändrat av en läsare"
    assert page.session.canvas.need == "Ett behov" and page.session.flush()
    assert canvases["anna"].head_revision(annas_canvas) == 1


def test_an_editor_saves_under_their_name_and_gets_no_sharing_panel(canvases, annas_canvas, content):
    page = _open(CanvasPage, canvases["cecilia"], annas_canvas, content)
    assert not page.session.read_only and "läsa och ändra" in texts(page.access_area)
    assert not page.access_area.panel_area.children
    page.fields["need"].control.value = "Ett skarpare behov"
    assert canvases["anna"].load(annas_canvas)[0]["need"] == "Ett skarpare behov"
    assert canvases["anna"].history(annas_canvas)[-1].saved_by == "cecilia"


def test_a_share_taken_back_while_editing_says_so_stops_saving_and_locks_the_page(canvases, annas_canvas, content):
    page = _open(CanvasPage, canvases["cecilia"], annas_canvas, content)
    canvases["anna"].unshare(annas_canvas, "cecilia")
    page.fields["need"].control.value = "Efter att delningen togs bort"
    assert page.session.status == "refused"
    assert "Du får inte ändra projektcanvasen" in page.status.status.value
    assert "har inte sparats" in page.status.status.value
    assert enabled(page) <= EXPORTS
    page.session._autosave()  # no retries: a refusal is not a passing failure
    assert canvases["anna"].head_revision(annas_canvas) == 1


def test_someone_elses_canvas_by_its_id_is_refused_in_swedish_with_nothing_of_it(tmp_path, canvases, content):
    saved = canvases["anna"].save({"name": "Hemlig idé", "need": "Hemligt behov"}, name="Hemlig idé")
    for build in (canvas_page, need_page):
        page = build(saved.id, store=canvases["bo"], content=content)
        shown = texts(page)
        assert "Du har inte tillgång till projektcanvasen" in shown and "Be ägaren dela den med dig" in shown
        assert "Hemlig" not in shown and not isinstance(page, (CanvasPage, NeedPage))
    assert canvases["bo"].list() == []


def test_the_owner_shares_from_the_page_and_hands_over(canvases, content):
    page = _open(CanvasPage, canvases["anna"], None, content)
    assert not page.access_area.children  # nothing to share before it is saved
    page.fields["name"].control.value = "Ny idé"
    panel = page.access_area.sharing
    assert isinstance(panel, SharingPanel) and page.access_area.panel_area.children == (panel,)
    assert "Dela projektcanvasen …" in texts(page.access_area)
    assert "Projektcanvasen är din." in texts(panel)
    panel.user_name.value, panel.mode.value = "bo", "edit"
    panel.share_button.click()
    assert "Delad med bo" in panel.share_result.value
    assert [(s.user_name, s.mode) for s in canvases["anna"].shares(page.session.id)] == [("bo", "edit")]
    panel.user_name.value = "anna"
    panel.share_button.click()
    assert "anna äger redan projektcanvasen" in panel.share_result.value
    panel.new_owner.value, panel.keep_edit.value = "bo", False
    panel.hand_over_button.click()
    assert "Ge projektcanvasen till bo?" in texts(panel.confirmation)
    next(b for b in walk(panel.confirmation) if isinstance(b, widgets.Button)).click()
    assert canvases["bo"].owner(page.session.id) == "bo"
    assert "Projektcanvasen är nu bos" in texts(panel)
    assert page.session.read_only and enabled(page) <= EXPORTS


def test_the_list_says_whose_each_canvas_is_under_the_hub_only(tmp_path, canvases, annas_canvas):
    canvases["bo"].save({"name": "Bos idé"}, name="Bos idé")
    listed = canvas_list(canvases["bo"])
    assert "Projektcanvasar du kan öppna" in listed
    assert "Annas idé</a></th><td>" in listed and "<td>anna</td><td>Delad med dig: läsa</td>" in listed
    assert "<td>du</td><td>Din</td>" in listed
    with canvas_store(tmp_path) as local:  # make app: as before identities
        listed = canvas_list(local)
    assert "Dina sparade projektcanvasar" in listed and "Ägare" not in listed


def test_no_sharing_panel_or_notice_for_the_local_user(tmp_path, content):
    with canvas_store(tmp_path) as local:
        page = _open(CanvasPage, local, None, content)
        page.fields["name"].control.value = "Lokal idé"
        assert page.session.id and not page.access_area.children and not page.access_area.panel_area.children


# -- checklists ------------------------------------------------------------------------------------


@pytest.fixture
def checklists():
    return load_checklists(ROOT / "data" / "checklists")


@pytest.fixture
def answered(tmp_path, checklists):
    """Anna's answering of "Är det ett projekt?", shared with Bo to read and Cecilia to edit."""
    stores = {user.name: ChecklistStore(tmp_path, user=user) for user in (ANNA, BO, CECILIA, OFFICE)}
    project = checklists[0]["ar-det-ett-projekt"]
    session = ChecklistSession.start(stores["anna"], project, "Kultur", dt.date(2026, 3, 1), scheduler=immediately)
    session.set_answer("tillfallig", "ja")
    stores["anna"].share(session.id, "bo", "read")
    stores["anna"].share(session.id, "cecilia", "edit")
    yield stores, session.id
    for store in stores.values():
        store.close()


def _view(stores, name, answering_id, checklists):
    session = ChecklistSession(stores[name], answering_id, scheduler=immediately)
    return AnsweringView(session, stores[name], checklists[0], live=False)


@pytest.mark.parametrize("reader", ["bo", "kerstin"])
def test_a_checklist_reader_sees_the_answers_locked_and_exports_them(reader, answered, checklists):
    stores, answering_id = answered
    view = _view(stores, reader, answering_id, checklists)
    assert view.session.read_only and "Skrivskyddad: du kan läsa svaren" in view.status.value
    expected = (
        "Checklistan är delad med dig för att läsa" if reader == "bo" else "Du ser checklistan som portföljkontoret"
    )
    assert expected in texts(view.access_area)
    assert enabled(view) == {"Skapa HTML-fil", "Skapa PDF-fil"}
    radio = next(w for w in walk(view) if isinstance(w, widgets.RadioButtons))
    assert radio.value == "ja" and radio.disabled
    assert "Jämförelse över tid" in texts(view)
    with pytest.raises(ValueError, match="inte ändra"):  # a crafted widget message changes nothing either
        view.session.set_answer("tillfallig", "nej")
    assert view.session.answering.answer("tillfallig").answer == "ja"
    assert stores["anna"].load(answering_id)[1] == 2


def test_a_checklist_editor_answers_and_a_taken_back_share_stops_the_saving(answered, checklists):
    stores, answering_id = answered
    view = _view(stores, "cecilia", answering_id, checklists)
    radios = [w for w in walk(view) if isinstance(w, widgets.RadioButtons)]
    radios[1].value = "nej"
    assert stores["anna"].load(answering_id)[1] == 3 and stores["anna"].documents.history(answering_id)[-1].saved_by
    stores["anna"].unshare(answering_id, "cecilia")
    radios[2].value = "nej"
    assert view.session.status == "refused" and "Du får inte ändra checklistan" in view.status.value
    assert all(radio.disabled for radio in radios)
    assert stores["anna"].load(answering_id)[1] == 3


def test_the_checklist_owner_has_the_sharing_panel(answered, checklists):
    stores, answering_id = answered
    view = _view(stores, "anna", answering_id, checklists)
    panel = view.access_area.sharing
    assert isinstance(panel, SharingPanel) and panel in view.access_area.panel_area.children
    assert "bo: får läsa" in texts(panel.people) and "cecilia: får läsa och ändra" in texts(panel.people)


def test_someone_elses_answering_by_its_bookmark_is_refused(answered, checklists):
    stores, answering_id = answered
    denied = ChecklistStore(stores["anna"].documents._database.directory, user=User("dan", hub=True))
    page = ChecklistPage(denied, *checklists, answering_id=answering_id, live=False)
    assert page.view is None and "Kultur" not in texts(page)
    assert "Du får inte se checklistan" in texts(page)


def test_the_earlier_answerings_say_whose_each_is_under_the_hub(answered, checklists, tmp_path):
    stores, _answering_id = answered
    page = ChecklistPage(stores["bo"], *checklists, checklist_id="ar-det-ett-projekt", live=False)
    assert "<td>anna</td><td>Delad med dig: läsa</td>" in page.earlier.value
    with ChecklistStore(tmp_path / "lokal") as local:
        page = ChecklistPage(local, *checklists, checklist_id="ar-det-ett-projekt", live=False)
    assert "Ägare" not in page.earlier.value
