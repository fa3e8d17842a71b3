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


def test_every_step_builds_for_the_examples(store, content, examples):
    for example in examples:
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
    assert any("rapport.ipynb?id=exempel-fakturor-e-tjanst" in getattr(w, "value", "") for w in summary.children)


def test_adding_a_line_right_after_the_years_change_is_not_lost(store, content):
    """Changing the first year re-renders the lines; a click on "Lägg till kostnad" that lands meanwhile
    must still add a row to the list that is shown (it once went to a detached copy)."""
    form = AssessmentForm(AssessmentSession(store, content, scheduler=immediately))
    form.show("calculation")
    step = form.steps["calculation"]
    costs = step._row_lists[0]
    button_before = costs.add_button
    start_year = next(f for f in step.fields() if f.key == "calculation.start_year")
    start_year.control.value = "2025"
    button_before.click()
    assert costs in step.lines.children
    assert len(form.session.assessment.calculation.cost_lines) == 1
    assert any("Kostnad 1" in getattr(w, "value", "") for row in costs.children[:-1] for w in row.children)


def test_lines_offer_benefits_added_after_the_calculation_step_was_built(store, content):
    from nyttolib.assessment.model import Benefit

    form = AssessmentForm(AssessmentSession(store, content, scheduler=immediately))
    form.show("calculation")
    form.steps["calculation"]._row_lists[1].add_button.click()  # a freed-time line
    form.session.replace(("benefits",), [Benefit(id="ny", description="Ny nytta").model_dump()])
    form.show("benefits")
    form.show("calculation")
    link = next(f for f in form.steps["calculation"].fields() if f.key == "calculation.freed_time_lines.0.benefit_id")
    assert ("Ny nytta", "ny") in link.control.options


def test_restore_an_older_revision_from_the_summary(store, content):
    form = AssessmentForm(AssessmentSession(store, content, scheduler=immediately))
    name = next(f for f in form.steps["initiative"].fields() if f.key == "initiative.name")
    name.control.value = "Första namnet"
    name.control.value = "Andra namnet"
    form.show("summary")
    history = form.steps["summary"].history
    texts = [row.children[0].value for row in history.children]
    assert texts[0].startswith("<p>Revision 2:") and texts[1].startswith("<p>Revision 1:")
    assert "(den här versionen)" in history.children[0].children[1].value
    restore_first = history.children[1].children[1]
    assert restore_first.description == "Återställ revision 1"
    restore_first.click()
    assert form.session.assessment.initiative.name == "Första namnet"
    assert store.load(form.session.id)[0].initiative.name == "Första namnet"
    assert [h.revision for h in store.history(form.session.id)] == [1, 2, 3]
    assert store.history(form.session.id)[-1].note == "Återställd från revision 1"
    form.show("initiative")  # the steps were rebuilt from the restored version
    fresh_name = next(f for f in form.steps["initiative"].fields() if f.key == "initiative.name")
    assert fresh_name.control.value == "Första namnet"  # the form shows the restored version


def test_rules_read_right_in_a_blank_form(store, content):
    """Item 8: nothing is "klar" in a blank assessment; an empty calculation is not "Återbetald: År 1"."""
    form = AssessmentForm(AssessmentSession(store, content, scheduler=immediately))
    assert form.nav_buttons["plan"].description.endswith("Nyttorealiseringsplan (ej påbörjad)")
    assert not any("(klar)" in button.description for button in form.nav_buttons.values())
    form.show("calculation")
    results = form.steps["calculation"].results.value
    assert "<dt>Återbetald</dt><dd>– (kalkylen har inga kostnader ännu)</dd>" in results
    form.show("summary")
    overview = form.steps["summary"].overview.value
    assert "<li>Nyttorealiseringsplan: Ej påbörjad (väntar på Nytta)</li>" in overview
    assert "Övervägande del innovation (25% - 75%)" in overview


def test_summary_names_nej_answers_of_a_complete_assessment(store, content, invoice):
    invoice.prerequisites["finansiering_och_resurser"].answer = "nej"
    invoice.prerequisites["nyttoanalys"].answer = "nej"
    store.save(invoice)
    form = assessment_form(invoice.id, store=store, content=content)
    form.show("summary")
    [remarks] = form.steps["summary"].missing.children
    assert remarks.value == (
        "<p>Inget saknas – bedömningen är komplett.</p><p>Observera: 2 förutsättningar är bedömda med NEJ: "
        "”Nyttoanalys framtagen”, ”Finansiering och resurser säkrade”.</p>"
    )


def test_taking_freed_time_home_is_a_conscious_choice(store, content):
    form = AssessmentForm(AssessmentSession(store, content, scheduler=immediately))
    form.show("calculation")
    step = form.steps["calculation"]
    freed_list = next(r for r in step._row_lists if r.path[-1] == "freed_time_lines")
    freed_list.add_button.click()
    choice = next(f for f in step.fields() if f.key == "calculation.freed_time_lines.0.realisable")
    assert choice.control.value is None  # unset until the user chooses
    assert [label for label, _ in choice.control.options] == [
        "Ja, som reducerad eller undvikt personalkostnad",
        "Nej, tiden används till annat (omfördelning)",
    ]
    assert form.session.assessment.calculation.freed_time_lines[0].realisable is None
    choice.control.value = True
    assert store.load(form.session.id)[0].calculation.freed_time_lines[0].realisable is True


def test_the_history_compares_two_revisions_field_by_field(store, content):
    """Item 12 in Sammanfattning: pick two revisions, read what changed in the form's words."""
    from nyttolib.assessment.model import Assessment, CostLine

    first = Assessment(
        initiative={"name": "Chatt"},
        calculation={
            "start_year": 2023,
            "years": 3,
            "cost_lines": [CostLine(description="Licens", values=[10_000, 0, 0])],
        },
    )
    saved = store.save(first)
    second = store.load(saved.id)[0]
    second.calculation.cost_lines[0].values[0] = 12_000
    second.calculation.cost_lines.append(CostLine(description="Drift <b>", values=[1, 1, 1]))
    store.save(second)
    third = store.load(saved.id)[0]
    third.initiative.name = "Chatt för invånare"
    store.save(third)

    form = assessment_form(saved.id, store=store, content=content)
    form.show("summary")
    summary = form.steps["summary"]
    assert summary.compare_from.value == 2 and summary.compare_to.value == 3
    assert [label.split(" – ")[0] for label, _ in summary.compare_from.options] == [
        "Revision 3",
        "Revision 2",
        "Revision 1",
    ]
    summary.compare_from.value = 1
    summary.compare_to.value = 2
    button = summary.comparison.children[1].children[2]
    assert button.description == "Visa ändringar"
    button.click()
    shown = summary.changes.value.replace("\u00a0", " ")
    assert "<strong>Ändringar från revision 1 till revision 2</strong>" in shown
    assert "<li>Nyttokalkyl → Kostnader → rad 1 → Belopp 2023 (kr): 10 000 → 12 000</li>" in shown
    assert "<li>Nyttokalkyl → Kostnader → rad 2 tillagd: ”Drift &lt;b&gt;”</li>" in shown
    summary.compare_from.value = 3
    summary.compare_to.value = 3
    button.click()
    assert "<p>Inga ändringar.</p>" in summary.changes.value


def test_a_long_history_is_shown_in_the_page_not_sent_to_the_command_line(store, content):
    from nyttolib.assessment.model import Assessment

    saved = store.save(Assessment(initiative={"name": "Version 0"}))
    for number in range(1, 17):
        store.save(Assessment(id=saved.id, initiative={"name": f"Version {number}"}))
    form = assessment_form(saved.id, store=store, content=content)
    form.show("summary")
    summary = form.steps["summary"]
    texts = [getattr(w, "value", "") for w in summary.history.children] + [
        getattr(c, "value", "") for w in summary.history.children for c in getattr(w, "children", ())
    ]
    assert not any("nyttolib history" in text for text in texts)
    more = summary.history.children[-1]
    assert more.description == "Visa alla 17 revisioner"
    more.click()
    assert len(summary.history.children) == 17
    assert "Revision 1:" in summary.history.children[-1].children[0].value


def number_fields(widget) -> list:
    """Every number input under `widget`, also those in rows and in per-year boxes."""
    from nyttolib.app.fields import NumberField

    if isinstance(widget, NumberField):
        return [widget]
    return [field for child in getattr(widget, "children", ()) for field in number_fields(child)]


def test_number_fields_hold_the_models_ranges_and_say_them(store, content, invoice):
    """Every number input refuses what the model would refuse, with the range in its message."""
    from nyttolib.assessment.model import BenefitLine, CostLine
    from nyttolib.assessment.validation import number_range
    from nyttolib.numbers import HOURS, format_input

    example = invoice.model_copy(deep=True)
    years = example.calculation.years
    example.calculation.benefit_lines.append(BenefitLine(full_effect_kr=5000, ramp_percent=[100] * years))
    example.calculation.cost_lines.append(CostLine(unit="timmar", values=[10] * years))
    seen = set()
    store.save(example)
    form = assessment_form(example.id, store=store, content=content)
    for step_id in form.step_ids:
        form.show(step_id)
        for field in number_fields(form.steps[step_id]):
            path = tuple(field.path)
            hours = path[:2] == ("calculation", "cost_lines") and "Timmar" in field.control.description
            assert field.allowed == (HOURS if hours else number_range(path)) and field.allowed, path
            seen.add(path[-2] if isinstance(path[-1], int) else path[-1])
            before = form.session.get(path)
            field.control.value = format_input(field.allowed.maximum * 10 + 1)
            assert field.has_error and field.allowed.describe() in field.message.value, path
            assert form.session.get(path) == before  # refused, kept as a draft, the value unchanged
            field.control.value = format_input(before)
    assert {"values", "volume_per_year", "minutes_per_case", "share_percent", "full_effect_kr", "start_year"} <= seen


def _focus_number(widget) -> int:
    """The number of the last focus request for `widget` (nyttolib.js focuses the highest one)."""
    return max((int(c.rsplit("-", 1)[1]) for c in widget._dom_classes if c.startswith("nyttolib-focus-")), default=0)


def _row_lists(widget):
    from ipywidgets import Box

    from nyttolib.app.rows import RowList

    if isinstance(widget, RowList):
        yield widget
    if isinstance(widget, Box):
        for child in widget.children:
            yield from _row_lists(child)


def test_every_row_list_removes_at_once_and_undo_saves_the_row_back_in_its_place(store, content, invoice):
    """Costs, freed time, benefits, funding, activities, risks, measurements …: "Ta bort" saves the list
    without the row and puts "Ångra" (focused) where it was; "Ångra" saves the row back at its place."""
    from nyttolib.app.rows import UndoNotice

    store.save(invoice)
    form = AssessmentForm(AssessmentSession(store, content, invoice.id, scheduler=immediately))
    session = form.session
    seen = set()
    for step_id in form.step_ids:
        form.show(step_id)
        for rows in _row_lists(form.steps[step_id]):
            while len(rows.items) < 3:
                rows.add_button.click()
            path = rows.path
            before = [session.get(path)[i] for i in range(len(rows.items))]
            dumped = [i.model_dump() if hasattr(i, "model_dump") else i for i in before]
            title = rows.row_title(1, before[1])
            remove = rows.rows[1].children[-1].children[-1]
            assert remove.description == "Ta bort"
            remove.click()
            saved = store.load(session.id)[0]
            assert len(session.get(path)) == 2
            notice = rows.children[1]
            assert isinstance(notice, UndoNotice) and title in notice.children[0].value
            assert "togs bort" in notice.children[0].value and notice.button.description == "Ångra"
            assert _focus_number(notice.button) > 0
            assert _stored(saved, path) == [dumped[0], dumped[2]]
            notice.button.click()
            assert _stored(store.load(session.id)[0], path) == dumped
            assert not any(isinstance(child, UndoNotice) for child in rows.children)
            restored = rows.rows[1]
            first = next(w for w in restored.children if hasattr(w, "path"))
            assert _focus_number(first) > _focus_number(notice.button)
            seen.add(path[-1])
    assert {"funding", "cost_lines", "freed_time_lines", "benefit_lines", "benefits", "activities", "risks"} <= seen
    assert {"prerequisites", "behaviour_changes", "measurements", "indicators"} <= seen


def _stored(assessment, path):
    target = assessment
    for part in path:
        target = target[part] if isinstance(target, (list, dict)) else getattr(target, part)
    return [i.model_dump() if hasattr(i, "model_dump") else i for i in target]


def test_undo_puts_the_row_last_when_the_list_became_shorter_and_a_new_change_ends_the_undo(store, content):
    form = AssessmentForm(AssessmentSession(store, content, scheduler=immediately))
    form.show("calculation")
    costs = form.steps["calculation"]._row_lists[0]
    for _ in range(3):
        costs.add_button.click()
    fields = {f.key: f for f in form.steps["calculation"].fields()}
    for index in range(3):
        fields[f"calculation.cost_lines.{index}.description"].control.value = f"Kostnad nr {index}"
    costs.rows[2].children[-1].children[-1].click()  # remove the last
    costs.rows[0].children[-1].children[-1].click()  # remove the first: only this one can be undone now
    assert [type(c).__name__ for c in costs.children] == ["UndoNotice", "VBox", "Button"]
    assert "<strong>Kostnad 1 (Kostnad nr 0)</strong> togs bort." in costs.children[0].children[0].value  # which one
    costs.children[0].button.click()
    names = [line.description for line in store.load(form.session.id)[0].calculation.cost_lines]
    assert names == ["Kostnad nr 0", "Kostnad nr 1"]
    costs.rows[1].children[-1].children[-1].click()
    costs.add_button.click()  # adding ends the undo: the notice goes
    assert not any(type(c).__name__ == "UndoNotice" for c in costs.children)


def test_a_full_list_says_so_and_adds_no_row(store, content):
    """At MAX_ROWS rows (what the model holds) "Lägg till" is disabled and the list says why; a click that
    arrives anyway adds nothing, and removing a row makes room again."""
    from nyttolib.app.rows import LIST_FULL
    from nyttolib.assessment.model import MAX_ROWS

    form = AssessmentForm(AssessmentSession(store, content, scheduler=immediately))
    form.show("plan")
    risks = next(r for r in _row_lists(form.steps["plan"]) if r.path[-1] == "risks")
    form.session.replace(risks.path, [{"risk": f"Risk {i}"} for i in range(MAX_ROWS)])
    risks.render()
    assert risks.add_button.disabled
    assert LIST_FULL.format(rows=MAX_ROWS) in risks.children[-1].value
    risks._add()
    assert len(store.load(form.session.id)[0].plan.risks) == MAX_ROWS
    risks.rows[0].children[-1].children[-1].click()
    assert not risks.add_button.disabled and risks.children[-1] is risks.add_button
    risks.add_button.click()
    assert len(store.load(form.session.id)[0].plan.risks) == MAX_ROWS


def test_moving_a_row_keeps_the_focus_on_the_moved_row(store, content):
    form = AssessmentForm(AssessmentSession(store, content, scheduler=immediately))
    form.show("plan")
    risks = next(r for r in _row_lists(form.steps["plan"]) if r.path[-1] == "risks")
    risks.add_button.click()
    risks.add_button.click()
    down = risks.rows[0].children[-1].children[0]
    assert down.description == "Flytta ner"
    down.click()
    moved_up = risks.rows[1].children[-1].children[0]
    assert moved_up.description == "Flytta upp" and _focus_number(moved_up) > 0


def test_changing_step_focuses_the_new_steps_heading_and_marks_the_current_step(store, content):
    form = AssessmentForm(AssessmentSession(store, content, scheduler=immediately))
    assert _focus_number(form.steps["initiative"].heading()) == 0  # opening the page does not move the focus
    form.next.click()
    heading = form.steps["prerequisites"].heading()
    assert "<h2>" in heading.value and _focus_number(heading) > 0
    assert "nyttolib-current" in form.nav_buttons["prerequisites"]._dom_classes
    assert "nyttolib-current" not in form.nav_buttons["initiative"]._dom_classes
    form.nav_buttons["initiative"].click()
    again = form.steps["initiative"].heading()
    assert _focus_number(again) > _focus_number(heading)
    form.previous.disabled = False
    form.nav_buttons["summary"].click()
    form.steps["summary"].missing.children[0].click()  # a missing item: the focus goes to its field
    name = next(f for f in form.steps["initiative"].fields() if f.key == "initiative.name")
    assert _focus_number(name) > _focus_number(form.steps["summary"].heading())
    assert _focus_number(name) > _focus_number(form.steps["initiative"].heading())


def test_short_titles_end_in_an_ellipsis_at_a_word():
    from nyttolib.app.rows import short_title

    assert short_title("Färre fel") == "Färre fel"
    long = "Frigjord tid för handläggarna i kommunens kontaktcenter och Kontaktcenterchefsuppdragsbeskrivningen"
    short = short_title(long, 60)
    assert short.endswith("…") and len(short) <= 60 and long.startswith(short[:-1]) and " " not in short[-2:]
    assert short_title("rad ett\nrad två") == "rad ett rad två"


def test_a_removed_plan_comes_back_with_undo(store, content, invoice):
    """A plan whose benefit was removed offers "Ta bort plan"; undo saves it back in its place."""
    from nyttolib.app.rows import UndoNotice

    invoice.benefits = invoice.benefits[1:]  # the first plan's benefit is gone
    store.save(invoice)
    form = AssessmentForm(AssessmentSession(store, content, invoice.id, scheduler=immediately))
    form.show("plan")
    plan = form.steps["plan"]
    before = [item.model_dump() for item in form.session.assessment.plan.items]
    remove = next(w for w in plan.items_box.children[0].children if getattr(w, "description", "") == "Ta bort plan 1")
    remove.click()
    assert [item.model_dump() for item in store.load(invoice.id)[0].plan.items] == before[1:]
    notice = plan.items_box.children[0]
    assert isinstance(notice, UndoNotice) and "Plan 1" in notice.children[0].value
    assert _focus_number(notice.button) > 0
    notice.button.click()
    assert [item.model_dump() for item in store.load(invoice.id)[0].plan.items] == before
    assert not any(isinstance(w, UndoNotice) for w in plan.items_box.children)
    assert _focus_number(plan.items_box.children[0]) > _focus_number(notice.button)
