"""Steg: Om initiativet – facts, need before solution, portfolio stage and prioritisation inputs."""

from __future__ import annotations

from html import escape

from nyttolib.app.fields import ChoiceField, DateField, NumberField, TextField, heading, html
from nyttolib.app.rows import RowList
from nyttolib.app.step import Step
from nyttolib.assessment.model import FundingLine


class InitiativeStep(Step):
    id = "initiative"
    sections = ("initiative",)

    def build(self) -> None:
        s, c = self.session, self.content
        form = c.form
        self.title = form.steps["initiative"].title
        ini = ("initiative",)
        funding = RowList(
            s,
            (*ini, "portfolio", "funding"),
            row_title=lambda i, _line: f"Finansiering {i + 1}",
            build_row=lambda i: [
                ChoiceField(
                    s,
                    (*ini, "portfolio", "funding", i, "source"),
                    "Finansieringskälla",
                    [(x.label, x.id) for x in c.initiative.funding_sources],
                ),
                NumberField(s, (*ini, "portfolio", "funding", i, "amount_kr"), "Belopp", unit="kr"),
                TextField(s, (*ini, "portfolio", "funding", i, "note"), "Kommentar"),
            ],
            new_row=FundingLine,
            add_label="Lägg till finansiering",
            level=4,
        )
        self.children = [
            html(
                f"<h2>{escape(self.title)}</h2>"
                + "".join(f"<p>{escape(t)}</p>" for t in form.steps["initiative"].guidance),
                "nyttolib-guidance",
            ),
            TextField(s, (*ini, "name"), "Initiativets namn"),
            TextField(s, (*ini, "department"), "Verksamhet"),
            TextField(s, (*ini, "initiator"), "Initiativtagare"),
            TextField(s, (*ini, "owner"), "Ägare (projektägare)"),
            TextField(s, (*ini, "contact"), "Kontaktperson"),
            TextField(s, (*ini, "need"), "Behov", multiline=True, help_text=form.need_help, rows=4),
            TextField(
                s,
                (*ini, "description"),
                "Beskrivning av initiativet",
                multiline=True,
                help_text=form.description_help,
                rows=4,
            ),
            ChoiceField(s, (*ini, "kind"), "Typ av initiativ", [(k.label, k.id) for k in c.initiative.kinds]),
            NumberField(s, (*ini, "estimated_hours"), "Uppskattad arbetsinsats", unit="timmar"),
            DateField(s, (*ini, "start_date"), "Startdatum"),
            DateField(s, (*ini, "end_date"), "Slutdatum"),
            heading(form.portfolio_title, 3),
            TextField(s, (*ini, "portfolio", "number"), "Nr"),
            NumberField(s, (*ini, "portfolio", "year"), "År"),
            TextField(s, (*ini, "portfolio", "project_number"), "Projektnr"),
            ChoiceField(
                s,
                (*ini, "portfolio", "stage"),
                "Steg i portföljen",
                [(x.label, x.id) for x in c.initiative.portfolio_stages],
            ),
            NumberField(s, (*ini, "portfolio", "total_cost_kr"), "Kostnad (totalt)", unit="kr"),
            funding,
            html(
                f"<h3>{escape(form.prioritisation_title)}</h3><p>{escape(form.prioritisation_guidance)}</p>",
                "nyttolib-guidance",
            ),
            ChoiceField(
                s,
                (*ini, "priority_class"),
                "Prioriteringsgrund",
                [(f"{x.rank}. {x.label}", x.id) for x in c.initiative.priority_classes],
            ),
            *[
                ChoiceField(
                    s,
                    (*ini, "valuation", criterion.id),
                    criterion.label,
                    [(str(level), level) for level in c.initiative.valuation_levels],
                )
                for criterion in c.initiative.valuation_criteria
            ],
        ]
