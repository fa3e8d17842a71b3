"""The form under JupyterHub: what a user who is not the owner sees, and the owner's sharing panel.

Real stores on one database, each as a different user (as two hub users' kernels are)."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from nyttolib.app.form import AssessmentForm, assessment_form
from nyttolib.app.session import AssessmentSession
from nyttolib.app.sharing import SharingPanel
from nyttolib.identity import User
from nyttolib.portfolio.store import PortfolioStore

ANNA = User("anna", hub=True)
BO = User("bo", hub=True)
OFFICE = User("kerstin", frozenset({"portfoljkontoret"}), hub=True)


def immediately(_delay, callback):
    callback()


def texts(widget) -> str:
    """Every HTML text and button label on a page, in order (what a user can read)."""
    found = []
    if isinstance(widget, widgets.HTML):
        found.append(widget.value)
    if isinstance(widget, widgets.Button):
        found.append(widget.description)
    for child in getattr(widget, "children", ()):
        found.append(texts(child))
    return "\n".join(found)


def controls(widget):
    if widget.has_trait("disabled"):
        yield widget
    for child in getattr(widget, "children", ()):
        yield from controls(child)


@pytest.fixture
def stores(tmp_path, content):
    opened = {user.name: PortfolioStore(tmp_path, content, user=user) for user in (ANNA, BO, OFFICE)}
    yield opened
    for store in opened.values():
        store.close()


@pytest.fixture
def annas(stores, invoice):
    return stores["anna"].save(invoice.model_copy(update={"id": None})).id


def test_an_id_the_user_may_not_read_gives_a_swedish_page_and_no_data(stores, content, annas, invoice):
    page = assessment_form(annas, store=stores["bo"], content=content)
    shown = texts(page)
    assert "Du har inte tillgång till bedömningen" in shown
    assert "Be ägaren dela den med dig" in shown
    assert "role='alert'" in shown
    assert invoice.initiative.name not in shown
    assert not isinstance(page, AssessmentForm)
    # a prefix of someone else's id finds nothing either (the list of ids is not theirs to probe)
    page = assessment_form(annas[:6], store=stores["bo"], content=content)
    assert "Bedömningen finns inte" in texts(page)


def test_a_read_share_opens_read_only_and_nothing_is_written(stores, content, annas):
    stores["anna"].share(annas, "bo", "read")
    form = assessment_form(annas, store=stores["bo"], content=content)
    assert isinstance(form, AssessmentForm) and form.session.read_only
    assert "delad med dig för att läsa" in texts(form.access) and "Ägare: anna" in texts(form.access)
    assert "Skrivskyddad" in form.save_status.value
    assert form.sharing is None and not form.sharing_area.children  # no sharing panel for a reader
    for step in form.step_ids:
        form.show(step)
        view = form.steps[step]
        inputs = list(controls(view))
        assert inputs, step
        if step != "summary":
            assert all(w.disabled for w in inputs), step
    summary = form.steps["summary"]
    assert not any(b.description.startswith("Återställ") for b in controls(summary) if isinstance(b, widgets.Button))
    exports = [w for w in controls(summary) if isinstance(w, widgets.Button) and w.description == "HTML"]
    assert exports and not any(b.disabled for b in exports)  # reading: exports still work
    # a value that still reaches the kernel (a crafted widget message) is never saved, nor its draft
    form.show("initiative")
    fields = {f.key: f for f in form.steps["initiative"].fields()}
    fields["initiative.name"].control.value = "Ändrat av bo"
    fields["initiative.estimated_hours"].control.value = "fyrtio"
    assert form.session.flush()
    assert stores["anna"].head_revision(annas) == 1
    assert stores["anna"].drafts(annas) == {}


def test_an_edit_share_saves_and_records_who_saved(stores, content, annas):
    stores["anna"].share(annas, "bo", "edit")
    form = AssessmentForm(AssessmentSession(stores["bo"], content, annas, scheduler=immediately))
    assert not form.session.read_only and form.sharing is None
    assert "läsa och ändra" in texts(form.access)
    fields = {f.key: f for f in form.steps["initiative"].fields()}
    fields["initiative.name"].control.value = "Ändrat av bo"
    assert stores["anna"].load(annas)[0].initiative.name == "Ändrat av bo"
    assert stores["anna"].history(annas)[-1].saved_by == "bo"


def test_the_office_reads_any_assessment_read_only(stores, content, annas):
    form = assessment_form(annas, store=stores["kerstin"], content=content)
    assert isinstance(form, AssessmentForm) and form.session.read_only
    assert "portföljkontoret" in texts(form.access)


def test_a_share_taken_back_while_editing_says_so_and_stops_saving(stores, content, annas):
    stores["anna"].share(annas, "bo", "edit")
    form = AssessmentForm(AssessmentSession(stores["bo"], content, annas, scheduler=immediately))
    stores["anna"].unshare(annas, "bo")
    fields = {f.key: f for f in form.steps["initiative"].fields()}
    fields["initiative.name"].control.value = "Efter att delningen togs bort"
    assert form.session.status == "refused"
    assert "Du får inte ändra bedömningen" in form.notice.value and "role='alert'" in form.notice.value
    assert all(w.disabled for w in controls(form.body))
    assert stores["anna"].head_revision(annas) == 1


def test_the_owner_shares_stops_sharing_and_hands_over(stores, content, annas):
    form = AssessmentForm(AssessmentSession(stores["anna"], content, annas, scheduler=immediately))
    panel = form.sharing
    assert isinstance(panel, SharingPanel) and panel in form.sharing_area.children
    assert "Ingen annan har tillgång" in texts(panel.people)
    panel.user_name.value, panel.mode.value = "bo", "edit"
    panel.share_button.click()
    assert "Delad med bo" in panel.share_result.value
    assert [(s.user_name, s.mode) for s in stores["anna"].shares(annas)] == [("bo", "edit")]
    assert "bo: får läsa och ändra" in texts(panel.people)
    # a refusal is said where the owner acted
    panel.user_name.value = "två ord"
    panel.share_button.click()
    assert "role='alert'" in panel.share_result.value and "utan mellanslag" in panel.share_result.value
    panel.user_name.value = "anna"
    panel.share_button.click()
    assert "anna äger redan bedömningen" in panel.share_result.value
    stop = next(b for b in controls(panel.people) if isinstance(b, widgets.Button))
    assert stop.description == "Sluta dela med bo"
    stop.click()
    assert stores["anna"].shares(annas) == [] and "inte längre med bo" in panel.share_result.value
    # handing over asks first; Avbryt changes nothing
    panel.new_owner.value = "bo"
    panel.hand_over_button.click()
    assert "Ge bedömningen till bo?" in texts(panel.confirmation)
    yes, no = [b for b in controls(panel.confirmation) if isinstance(b, widgets.Button)]
    no.click()
    assert stores["anna"].owner(annas) == "anna" and not panel.confirmation.children
    panel.hand_over_button.click()
    yes = next(b for b in controls(panel.confirmation) if isinstance(b, widgets.Button))
    yes.click()
    assert stores["bo"].owner(annas) == "bo"
    assert [(s.user_name, s.mode) for s in stores["bo"].shares(annas)] == [("anna", "edit")]
    assert form.session.access == "edit" and not form.session.read_only
    assert "Bedömningen är nu bos" in texts(panel)


def test_handing_over_without_keeping_access_makes_the_form_read_only(stores, content, annas):
    form = AssessmentForm(AssessmentSession(stores["anna"], content, annas, scheduler=immediately))
    panel = form.sharing
    panel.new_owner.value, panel.keep_edit.value = "bo", False
    panel.hand_over_button.click()
    next(b for b in controls(panel.confirmation) if isinstance(b, widgets.Button)).click()
    assert stores["bo"].shares(annas) == []
    assert form.session.read_only
    assert all(w.disabled for w in controls(form.body) if isinstance(w, widgets.Text))


def test_no_sharing_panel_for_the_local_user_or_an_unsaved_assessment(tmp_path, content, invoice):
    with PortfolioStore(tmp_path, content, user=User("lokal")) as local:
        saved = local.save(invoice)
        form = AssessmentForm(AssessmentSession(local, content, saved.id, scheduler=immediately))
        assert form.sharing is None and form.access not in form.children and form.sharing_area not in form.children
    with PortfolioStore(tmp_path, content, user=ANNA) as store:
        form = AssessmentForm(AssessmentSession(store, content, scheduler=immediately))
        assert form.sharing is None
        fields = {f.key: f for f in form.steps["initiative"].fields()}
        fields["initiative.name"].control.value = "Nytt av anna"
        assert isinstance(form.sharing, SharingPanel)  # once saved, it is hers to share
        assert store.owner(form.session.id) == "anna"


def test_the_report_page_of_someone_elses_assessment_is_refused(stores, annas, invoice):
    from nyttolib.app.report_page import report_for

    page = report_for(annas, store=stores["bo"]).data
    assert "Du har inte tillgång till bedömningen" in page and invoice.initiative.name not in page
    stores["anna"].share(annas, "bo", "read")
    assert invoice.initiative.name in report_for(annas, store=stores["bo"]).data


def test_a_reader_sees_the_owners_saves_come_in_and_stays_read_only(stores, content, annas):
    stores["anna"].share(annas, "bo", "read")
    form = AssessmentForm(AssessmentSession(stores["bo"], content, annas, scheduler=immediately))
    assessment, revision = stores["anna"].load(annas)
    renamed = assessment.initiative.model_copy(update={"name": "Nytt namn från anna"})
    stores["anna"].save(assessment.model_copy(update={"initiative": renamed}), expected_revision=revision)
    assert form.session.check_for_updates()
    fields = {f.key: f for f in form.steps["initiative"].fields()}
    assert fields["initiative.name"].control.value == "Nytt namn från anna"
    assert all(w.disabled for w in controls(form.body))
    assert "Skrivskyddad" in form.save_status.value
    assert [info.saved_by for info in stores["anna"].history(annas)] == ["anna", "anna"]
