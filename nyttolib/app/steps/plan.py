"""Steg: Nyttorealiseringsplan (steg 4–6) – per benefit the plan questions and E-delegationen's seven,
activities, prerequisites, behaviour changes, risks and follow-up measurements."""

from __future__ import annotations

from html import escape

import ipywidgets as widgets

from nyttolib import formatting as fmt
from nyttolib.app.errors import guarded
from nyttolib.app.fields import CheckboxField, ChoiceField, DateField, NumberField, TextField, heading, html, paragraphs
from nyttolib.app.focus import request_focus
from nyttolib.app.rows import RowList, UndoNotice
from nyttolib.app.step import Step
from nyttolib.assessment.model import Activity, IndicatorContribution, Measurement, PlanItem, Risk
from nyttolib.assessment.rules import follow_up_status
from nyttolib.content import Content

LIGHT_SYMBOLS = {"green": "●", "yellow": "●", "red": "●", "none": "○"}
INTERVAL_HELP = "Portföljens nyttoregister visar när nästa mätning är dags och när den är försenad."
INDICATORS_GUIDANCE = (
    "Hur initiativet bidrar till kommunens indikatorer: det förväntade bidraget per år, och det uppnådda "
    "när det är uppföljt. Portföljen summerar bidragen för alla initiativ."
)


def indicator_help(content: Content, indicator_id: str | None) -> str:
    """What the chosen indicator counts (its description), or what to do when none is chosen."""
    found = next((i for i in content.portfolio.indicators if i.id == indicator_id), None)
    return found.description if found else "Välj den indikator som initiativet bidrar till."


class PlanStep(Step):
    id = "plan"
    sections = ("plan", "follow_up")

    def build(self) -> None:
        self.title = self.content.form.steps["plan"].title
        self.items_box = widgets.VBox()
        self._lights: dict[int, widgets.HTML] = {}
        self._removed: tuple[int, dict] | None = None  # a plan removed with "Ta bort plan", while it can be undone
        self._undo: UndoNotice | None = None
        s, c = self.session, self.content
        steps = c.steps
        fields = steps.activity_fields
        plan = ("plan",)
        self.render_items()
        activities = RowList(
            s,
            (*plan, "activities"),
            row_title=lambda i, a: f"Aktivitet {i + 1}",
            build_row=lambda i: [
                TextField(s, (*plan, "activities", i, "activity"), fields["activity"]),
                TextField(s, (*plan, "activities", i, "purpose"), fields["purpose"], multiline=True, rows=2),
                TextField(s, (*plan, "activities", i, "schedule"), fields["schedule"]),
                TextField(s, (*plan, "activities", i, "resources"), fields["resources"]),
                TextField(s, (*plan, "activities", i, "responsible"), fields["responsible"]),
                CheckboxField(
                    s,
                    (*plan, "activities", i, "outside_project"),
                    "Ingår inte i projektet men krävs för att nyttan ska uppnås",
                ),
            ],
            new_row=Activity,
            add_label="Lägg till aktivitet",
            level=4,
        )
        text_list = self._text_list
        self.children = [
            heading(self.title),
            paragraphs([f"{s_.number}. {s_.label}: {s_.description}" for s_ in steps.benefit_steps if s_.number >= 4]),
            self.items_box,
            heading("Aktiviteter", 3),
            paragraphs(steps.outside_activities_question),
            activities,
            heading("Förutsättningar", 3),
            paragraphs(steps.prerequisites_guidance),
            text_list((*plan, "prerequisites"), "Förutsättning", "Lägg till förutsättning"),
            heading("Beteendeförändringar", 3),
            paragraphs(steps.behaviour_changes_guidance),
            text_list((*plan, "behaviour_changes"), "Beteendeförändring", "Lägg till beteendeförändring"),
            heading("Risker", 3),
            RowList(
                s,
                (*plan, "risks"),
                row_title=lambda i, r: f"Risk {i + 1}",
                build_row=lambda i: [
                    TextField(s, (*plan, "risks", i, "risk"), "Risk", multiline=True, rows=2),
                    TextField(s, (*plan, "risks", i, "handling"), "Hur risken hanteras", multiline=True, rows=2),
                ],
                new_row=Risk,
                add_label="Lägg till risk",
                level=4,
            ),
            heading("Bidrag till indikatorer", 3),
            paragraphs(INDICATORS_GUIDANCE),
            self._indicator_list(),
            heading("Rapportering och godkännande", 3),
            TextField(s, (*plan, "reporting"), "När ska det rapporteras?", multiline=True, rows=2),
            TextField(s, (*plan, "approved_by"), "Godkänd av (beställare)"),
            DateField(s, (*plan, "approved_date"), "Godkänd datum"),
        ]

    def _indicator_list(self) -> RowList:
        """The initiative's expected and realised contribution to the municipality's indicators, per year."""
        s = self.session
        path = ("plan", "indicators")
        return RowList(
            s,
            path,
            row_title=lambda i, _r: f"Indikatorbidrag {i + 1}",
            build_row=lambda i: [
                self._indicator_choice((*path, i, "indicator")),
                NumberField(s, (*path, i, "year"), "År", width="8rem"),
                NumberField(s, (*path, i, "expected"), "Förväntat bidrag"),
                NumberField(s, (*path, i, "realised"), "Uppnått bidrag"),
                TextField(s, (*path, i, "comment"), "Kommentar", multiline=True, rows=2),
            ],
            new_row=IndicatorContribution,
            add_label="Lägg till indikatorbidrag",
            level=4,
        )

    def _indicator_choice(self, path: tuple) -> ChoiceField:
        """The indicator dropdown; its help says what the chosen indicator counts."""
        indicators = self.content.portfolio.indicators
        field = ChoiceField(
            self.session,
            path,
            "Indikator",
            [(f"{i.label} ({i.unit})", i.id) for i in indicators],
            help_text=indicator_help(self.content, self.session.get(path)),
        )
        help_widget = field.children[1]

        def show_help() -> None:
            help_widget.value = f"<p>{escape(indicator_help(self.content, self.session.get(path)))}</p>"

        field.after_change.append(show_help)
        return field

    def _text_list(self, path: tuple, label: str, add_label: str) -> RowList:
        s = self.session
        return RowList(
            s,
            path,
            row_title=lambda i, _t: f"{label} {i + 1}",
            build_row=lambda i: [TextField(s, (*path, i), f"{label} {i + 1}", multiline=True, rows=2)],
            new_row=lambda: "",
            add_label=add_label,
            level=4,
        )

    def render_items(self) -> None:
        """A plan section per measurable benefit (others can get one on request)."""
        s, c = self.session, self.content
        assessment = s.assessment
        planned = {item.benefit_id for item in assessment.plan.items}
        for benefit in assessment.benefits:
            if benefit.measurable and benefit.id not in planned:
                assessment.plan.items.append(PlanItem(benefit_id=benefit.id))
        sections: list[widgets.Widget] = []
        self._lights = {}
        for index, item in enumerate(assessment.plan.items):
            benefit = assessment.benefit(item.benefit_id)
            name = benefit.description if benefit and benefit.description else f"Plan {index + 1}"
            base = ("plan", "items", index)
            questions = []
            for question in c.steps.plan_questions:
                if question.id == "what_benefit" and benefit is not None:
                    questions.append(html(f"<p><strong>{escape(question.label)}</strong> {escape(name)}</p>"))
                    continue
                questions.append(TextField(s, (*base, "answers", question.id), question.label, multiline=True, rows=2))
            seven = [
                TextField(s, (*base, "seven_questions", q.id), q.label, multiline=True, rows=2)
                for q in c.steps.seven_questions
            ]
            light = html("", "nyttolib-light")
            self._lights[index] = light
            measurements = RowList(
                s,
                (*base, "measurements"),
                row_title=lambda i, m: f"Mätning {i + 1}",
                build_row=lambda i, base=base: [
                    DateField(s, (*base, "measurements", i, "date"), "Datum"),
                    NumberField(s, (*base, "measurements", i, "value"), "Uppmätt värde"),
                    TextField(s, (*base, "measurements", i, "comment"), "Kommentar"),
                ],
                new_row=Measurement,
                add_label="Lägg till mätning",
                level=5,
            )
            remove = []
            if benefit is None:
                button = widgets.Button(description=f"Ta bort plan {index + 1}")
                button.on_click(guarded(lambda _b, i=index: self._remove_item(i)))
                remove = [html("<p>Nyttan som planen hörde till finns inte längre i nyttotabellen.</p>"), button]
            sections.append(
                widgets.VBox(
                    [
                        heading(f"Nytta: {name}", 3),
                        *questions,
                        heading("E-delegationens sju frågor", 4),
                        *seven,
                        heading("Mätetal och mål", 4),
                        TextField(s, (*base, "unit"), "Mätetal (enhet)"),
                        NumberField(s, (*base, "baseline_value"), "Nuläge (värde)"),
                        NumberField(s, (*base, "target_value"), "Målvärde"),
                        DateField(s, (*base, "target_date"), "Målet ska nås senast"),
                        ChoiceField(
                            s,
                            (*base, "measurement_interval"),
                            "Hur ofta nyttan mäts",
                            [(i.label, i.id) for i in c.portfolio.measurement_intervals],
                            help_text=INTERVAL_HELP,
                        ),
                        heading("Uppföljning", 4),
                        light,
                        measurements,
                        *remove,
                    ]
                )
            )
        if self._undo is not None and self._removed is not None:
            sections.insert(min(self._removed[0], len(sections)), self._undo)
        unplanned = [b for b in assessment.benefits if not b.measurable and b.id not in planned]
        for benefit in unplanned:
            button = widgets.Button(
                description=f"Gör en plan för: {benefit.description or 'namnlös nytta'}",
                layout=widgets.Layout(width="auto"),
            )
            button.on_click(guarded(lambda _b, b=benefit: self._add_item(b.id)))
            sections.append(button)
        if not assessment.benefits:
            sections.append(paragraphs("Lägg först till nyttor i steget Nytta; här planeras hur de realiseras."))
        self.items_box.children = sections
        self.refresh()

    def _add_item(self, benefit_id: str) -> None:
        self._removed, self._undo = None, None
        self.session.assessment.plan.items.append(PlanItem(benefit_id=benefit_id))
        self.session.changed()
        self.render_items()

    def _remove_item(self, index: int) -> None:
        """Remove (and save) a plan whose benefit is gone; "Ångra" in its place saves it back."""
        items = [i.model_dump() for i in self.session.assessment.plan.items]
        self._removed = (index, items.pop(index))
        self._undo = UndoNotice(f"Plan {index + 1}", self._restore_item)
        self.session.replace(("plan", "items"), items)
        self.render_items()
        request_focus(self._undo.button)

    def _restore_item(self) -> None:
        if self._removed is None:
            return
        index, item = self._removed
        items = [i.model_dump() for i in self.session.assessment.plan.items]
        index = min(index, len(items))
        items.insert(index, item)
        self._removed, self._undo = None, None
        self.session.replace(("plan", "items"), items)
        self.render_items()
        request_focus(self.items_box.children[index])

    def refresh(self) -> None:
        items = self.session.assessment.plan.items
        for index, light in self._lights.items():
            if index >= len(items):
                continue
            status = follow_up_status(items[index], self.content)
            progress = (
                ""
                if status.progress_percent is None
                else f" – {fmt.percent(status.progress_percent)} av vägen till målet"
            )
            light.value = (
                f"<p role='status' class='nyttolib-light-{status.colour}'>"
                f"<span aria-hidden='true'>{LIGHT_SYMBOLS[status.colour]}</span> "
                f"{escape(status.label)}{escape(progress)}</p>"
            )
