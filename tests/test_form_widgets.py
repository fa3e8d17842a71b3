"""The form's widgets without a browser: bound fields, messages, navigation to a missing item."""

from __future__ import annotations

from nyttolib.app.form import AssessmentForm, assessment_form
from nyttolib.app.session import AssessmentSession
from nyttolib.app.start_page import start_page


def immediately(_delay, callback):
    callback()


def test_fields_write_to_the_store_and_wrong_input_is_kept(store, content):
    form = AssessmentForm(AssessmentSession(store, content, scheduler=immediately))
    initiative = form.steps["initiative"]
    fields = {f.key: f for f in initiative.fields()}
    fields["initiative.name"].control.value = "Chatt för invånare"
    hours = fields["initiative.estimated_hours"]
    hours.control.value = "fyrtio"
    assert hours.has_error and "Skriv ett tal" in hours.message.value
    assert hours.control.value == "fyrtio"
    saved, _ = store.load(form.session.id)
    assert saved.initiative.name == "Chatt för invånare"
    assert store.drafts(form.session.id) == {"initiative.estimated_hours": "fyrtio"}
    assert "(har fel)" in form.nav_buttons["initiative"].description
    hours.control.value = "40"
    assert not hours.has_error
    assert store.load(form.session.id)[0].initiative.estimated_hours == 40
    assert store.drafts(form.session.id) == {}


def test_the_summary_links_to_the_missing_field(store, content):
    form = AssessmentForm(AssessmentSession(store, content, scheduler=immediately))
    form.show("summary")
    first = form.steps["summary"].missing.children[0]
    assert first.description == "Ge initiativet ett namn"
    first.click()
    assert form.current == "initiative"


def test_every_step_builds_for_the_examples(store, content, invoice, study, infrastructure):
    for example in (invoice, study, infrastructure):
        store.save(example)
        form = assessment_form(example.id, store=store, content=content)
        for step_id in form.step_ids:
            form.show(step_id)
            assert form.steps[step_id].children
        assert "(100\u00a0%)" in form.nav_buttons["summary"].description


def test_an_unknown_id_and_broken_content_are_explained(store, content, tmp_path, monkeypatch):
    missing = assessment_form("finns-inte", store=store, content=content)
    assert "Bedömningen finns inte" in missing.children[0].value
    broken = tmp_path / "innehall"
    broken.mkdir()
    monkeypatch.setenv("NYTTOLIB_CONTENT_DIR", str(broken))
    page = start_page(store=store)
    assert "Innehållsfilerna behöver rättas" in page.value
    assert "criteria.yaml: filen saknas" in page.value


def test_export_buttons_offer_the_files_as_links(store, content, invoice):
    import base64
    import html
    import json
    import re

    store.save(invoice)
    form = assessment_form(invoice.id, store=store, content=content)
    form.show("summary")
    summary = form.steps["summary"]
    summary.export("json")
    link = summary.downloads.value
    name = re.search(r"download='([^']+)'", link).group(1)
    assert html.unescape(name) == "E-tjänst för manuell kundfakturering (exempel-).json"
    data = re.search(r"href='data:application/json;base64,([^']+)'", link).group(1)
    assert json.loads(base64.b64decode(data))["initiative"]["name"] == "E-tjänst för manuell kundfakturering"
    summary.export("xlsx")
    assert "data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64," in summary.downloads.value
    assert "rapport.ipynb?id=exempel-fakturor-e-tjanst" in summary.children[-1].value
