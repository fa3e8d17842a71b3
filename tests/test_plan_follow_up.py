"""A plan item's measurement interval and the plan's indicator contributions: edited in the plan step,
asked for by the completeness checks, and shown in Sammanfattning and the report."""

from __future__ import annotations

import datetime as dt
import re

from nyttolib.app.form import AssessmentForm
from nyttolib.app.rows import RowList
from nyttolib.app.session import AssessmentSession
from nyttolib.assessment.completeness import completeness
from nyttolib.assessment.model import IndicatorContribution
from nyttolib.exports.report import render_html


def immediately(_delay, callback):
    callback()


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u00a0", " ")


def _row_lists(widget):
    from ipywidgets import Box

    if isinstance(widget, RowList):
        yield widget
    if isinstance(widget, Box):
        for child in widget.children:
            yield from _row_lists(child)


def _fields(step) -> dict:
    return {f.key: f for f in step.fields()}


def test_the_interval_is_chosen_in_the_plan_step_and_saved(store, content, invoice):
    store.save(invoice)
    form = AssessmentForm(AssessmentSession(store, content, invoice.id, scheduler=immediately))
    form.show("plan")
    field = _fields(form.steps["plan"])["plan.items.0.measurement_interval"]
    labels = [label for label, _ in field.control.options]
    assert labels == ["– Välj –", *(i.label for i in content.portfolio.measurement_intervals)]
    assert field.control.description == "Hur ofta nyttan mäts"
    assert field.control.value == "manad"
    field.control.value = "kvartal"
    assert store.load(invoice.id)[0].plan.items[0].measurement_interval == "kvartal"
    field.control.value = None
    assert store.load(invoice.id)[0].plan.items[0].measurement_interval is None


def test_an_indicator_contribution_is_added_and_its_help_follows_the_choice(store, content, invoice):
    invoice.plan.indicators = []
    store.save(invoice)
    form = AssessmentForm(AssessmentSession(store, content, invoice.id, scheduler=immediately))
    form.show("plan")
    (rows,) = [r for r in _row_lists(form.steps["plan"]) if r.path == ("plan", "indicators")]
    rows.add_button.click()
    fields = _fields(form.steps["plan"])
    choice = fields["plan.indicators.0.indicator"]
    assert "Välj den indikator" in choice.children[1].value
    first, second = content.portfolio.indicators[:2]
    choice.control.value = second.id
    assert second.description in choice.children[1].value
    assert [label for label, _ in choice.control.options][1] == f"{first.label} ({first.unit})"
    fields["plan.indicators.0.year"].control.value = "2027"
    fields["plan.indicators.0.expected"].control.value = "12"
    fields["plan.indicators.0.realised"].control.value = "tolv"  # kept with a message, not saved
    assert fields["plan.indicators.0.realised"].has_error
    (saved,) = store.load(invoice.id)[0].plan.indicators
    assert (saved.indicator, saved.year, saved.expected, saved.realised) == (second.id, 2027, 12, None)


def test_a_plan_item_without_interval_is_missing(content, invoice):
    assert not [c for c in completeness(invoice, content).missing if "mätas" in c.message]
    invoice.plan.items[0].measurement_interval = None
    missing = [c for c in completeness(invoice, content).missing if c.loc[-1] == "measurement_interval"]
    assert [(c.message, c.section) for c in missing] == [
        (
            "”Frigjord tid / undvika ökade personalkostnader inom Ekonomi-sektionen.”: ange hur ofta nyttan ska mätas",
            "plan",
        )
    ]


def test_sammanfattning_shows_the_interval_the_due_state_and_the_indicators(store, content, invoice):
    store.save(invoice)
    form = AssessmentForm(AssessmentSession(store, content, invoice.id, scheduler=immediately))
    form.show("summary")
    figures = form.steps["summary"].figures.value
    # The latest measurement is from 31 Jan 2021 and it is measured monthly: long overdue today.
    assert "mäts: varje månad · försenad: skulle ha mätts 2021-02-28" in figures
    assert "<caption>Bidrag till indikatorer</caption>" in figures
    label = content.label(content.portfolio.indicators, "tillgangliga_digitala_tjanster")
    assert f"<th scope='row'>{label}</th>" in figures


def test_the_report_shows_the_interval_and_the_indicator_contributions(content, invoice):
    invoice.plan.indicators.append(
        IndicatorContribution(indicator="avvecklade_it_system", year=2022, expected=2.5, comment="<b>två</b> system")
    )
    text = text_of(render_html(invoice, content))
    assert "· mäts: Varje månad" in text
    assert "Bidrag till indikatorer" in text
    html = render_html(invoice, content)
    assert "&lt;b&gt;två&lt;/b&gt; system" in html  # user text is data
    assert "2,5" in text
    invoice.plan.items[0].measurement_interval = None
    assert "· mäts: –" in text_of(render_html(invoice, content))


def test_the_due_state_in_sammanfattning_counts_from_today(store, content, invoice, monkeypatch):
    from nyttolib.app.steps import summary

    invoice.plan.items[0].measurements[-1].date = dt.date(2030, 1, 31)
    monkeypatch.setattr(summary, "today", lambda: dt.date(2030, 2, 15))
    store.save(invoice)
    form = AssessmentForm(AssessmentSession(store, content, invoice.id, scheduler=immediately))
    form.show("summary")
    assert "nästa mätning 2030-02-28 (räknat från senaste mätningen)" in form.steps["summary"].figures.value
