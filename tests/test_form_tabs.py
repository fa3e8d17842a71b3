"""The form's widgets when another tab saves: values taken in appear in the fields, a field both tabs
changed offers "Behåll min" / "Ta deras", and a saved assessment names itself in the page address."""

from __future__ import annotations

from test_session import ManualClock

from nyttolib.app.form import AssessmentForm
from nyttolib.app.session import AssessmentSession
from nyttolib.assessment.model import Benefit
from nyttolib.numbers import format_input


def forms(store, content):
    clock = ManualClock()
    first = AssessmentSession(store, content, scheduler=clock)
    first.set(("initiative", "name"), "Två flikar")
    clock.run()
    tab_a = AssessmentForm(AssessmentSession(store, content, first.id, scheduler=clock))
    tab_b = AssessmentForm(AssessmentSession(store, content, first.id, scheduler=clock))
    return clock, tab_a, tab_b


def field(form: AssessmentForm, key: str):
    return next(f for f in form.steps[form.current].fields() if f.key == key)


def test_a_new_assessment_names_itself_in_the_address_once_saved(store, content):
    clock = ManualClock()
    form = AssessmentForm(AssessmentSession(store, content, scheduler=clock))
    assert "data-nyttolib-address" not in form.address.value
    field(form, "initiative.name").control.value = "Ny"
    clock.run()
    assert f"data-nyttolib-address='?id={form.session.id}&amp;steg=initiative'" in form.address.value
    form.show("plan")  # the step is in the address too, so that F5 stays on it
    assert f"data-nyttolib-address='?id={form.session.id}&amp;steg=plan'" in form.address.value
    again = AssessmentForm(AssessmentSession(store, content, form.session.id, scheduler=clock), first_step="plan")
    assert again.current == "plan" and again.body.children[0] is again.steps["plan"]
    unknown = AssessmentForm(AssessmentSession(store, content, form.session.id, scheduler=clock), first_step="<x>")
    assert unknown.current == "initiative"


def test_values_from_another_tab_appear_in_the_open_step_in_place(store, content):
    clock, tab_a, tab_b = forms(store, content)
    field(tab_a, "initiative.department").control.value = "Flik A"
    field(tab_a, "initiative.estimated_hours").control.value = "1 200"
    clock.run()
    b_need = field(tab_b, "initiative.need")
    b_need.control.value = "B skriver här"
    assert tab_b.session.check_for_updates()
    assert field(tab_b, "initiative.need") is b_need  # the field being typed in is the same widget
    assert field(tab_b, "initiative.department").control.value == "Flik A"
    assert field(tab_b, "initiative.estimated_hours").control.value == format_input(1200)
    assert b_need.control.value == "B skriver här"
    assert "Verksamhet" in tab_b._news.value and tab_b._news in tab_b.conflict.children
    latest = store.load(tab_a.session.id)[0].initiative
    assert (latest.department, latest.need, latest.estimated_hours) == ("Flik A", "B skriver här", 1200)
    revision = store.head_revision(tab_a.session.id)
    assert tab_a.session.check_for_updates()
    assert field(tab_a, "initiative.need").control.value == "B skriver här"
    assert store.head_revision(tab_a.session.id) == revision  # showing the values saved nothing new


def test_rows_from_another_tab_rebuild_the_open_step(store, content):
    clock, tab_a, tab_b = forms(store, content)
    tab_b.show("benefits")
    tab_a.session.replace(("benefits",), [Benefit(id="a1", description="Kortare handläggning")])
    clock.run()
    assert tab_b.session.check_for_updates()
    values = [f.control.value for f in tab_b.steps["benefits"].fields() if f.key.endswith(".description")]
    assert values == ["Kortare handläggning"]


def test_a_field_both_tabs_changed_offers_a_choice(store, content):
    clock, tab_a, tab_b = forms(store, content)
    field(tab_a, "initiative.department").control.value = "Flik A"
    clock.run()
    field(tab_b, "initiative.department").control.value = "Flik B"
    clock.run()
    assert tab_b.session.status == "conflict"
    alert, choice = tab_b.conflict.children[:2]
    assert "ett fält har ändrats" in alert.value
    text, buttons = choice.children
    assert "Om initiativet › Verksamhet" in text.value
    assert "Här: «Flik B»" in text.value and "I det andra fönstret: «Flik A»" in text.value
    keep, take = buttons.children
    assert (keep.description, take.description) == ("Behåll min", "Ta deras")
    take.click()
    assert tab_b.session.status == "saved" and list(tab_b.conflict.children) == [tab_b._news]
    assert field(tab_b, "initiative.department").control.value == "Flik A"
    assert store.load(tab_a.session.id)[0].initiative.department == "Flik A"
