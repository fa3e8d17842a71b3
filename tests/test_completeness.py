"""Completeness per section and step, in words a user understands."""

from __future__ import annotations

from nyttolib.assessment.completeness import closing_remarks, completeness, state_text
from nyttolib.assessment.model import Assessment, Benefit, Calculation, FreedTimeLine, PrerequisiteAnswer


def test_a_new_assessment_says_what_to_do_first(content):
    progress = completeness(Assessment(), content)
    assert progress.percent == 0
    messages = [check.message for check in progress.missing]
    assert messages[0] == "Ge initiativet ett namn"
    assert "Besvara JA eller NEJ för ”Nyttoanalys framtagen”" in messages
    assert "Markera balansen mellan Effektivitet och Innovation" in messages
    assert "Lägg till minst en förväntad nytta" in messages
    assert "Ange kostnaderna för initiativet" in messages
    # Nothing is "klar" or "inget att fylla i" in a blank assessment: the plan and follow-up wait for benefits.
    assert {s.state for s in progress.sections.values()} == {"not_started"}
    assert progress.sections["plan"].waiting_for == "Nytta"
    assert progress.sections["plan"].percent == 0
    assert state_text(progress.sections["plan"], content) == "Ej påbörjad (väntar på Nytta)"
    assert {s.state for s in progress.steps.values()} == {"not_started"}
    assert state_text(progress.steps[4], content, counted=False) == "Ej påbörjad (väntar på Nytta)"


def test_sections_move_from_not_started_to_complete(content):
    assessment = Assessment()
    assessment.prerequisites["nyttoanalys"] = PrerequisiteAnswer(answer="ja")
    progress = completeness(assessment, content)
    prerequisites = progress.sections["prerequisites"]
    assert prerequisites.state == "in_progress"
    assert (prerequisites.done, prerequisites.total) == (1, 12)
    assert "Skriv en motivering för ”Nyttoanalys framtagen”" in [c.message for c in prerequisites.missing]
    for criterion in content.criteria.criteria:
        assessment.prerequisites[criterion.id] = PrerequisiteAnswer(answer="nej", motivation="Se bilaga")
    assert completeness(assessment, content).sections["prerequisites"].state == "complete"


def test_economic_benefit_requires_calculation_lines(content):
    assessment = Assessment(
        benefits=[
            Benefit(
                description="Minskade kostnader", category="kostnadsminskning", target_group="Kommunen", measurable=True
            )
        ]
    )
    progress = completeness(assessment, content)
    messages = [c.message for c in progress.sections["calculation"].missing]
    assert "Räkna på den ekonomiska nyttan: lägg till nyttorader eller frigjord tid i nyttokalkylen" in messages
    assert "Beskriv noll-mätningen för ”Minskade kostnader”" in [c.message for c in progress.missing]
    assert "Gör en nyttorealiseringsplan för ”Minskade kostnader”" in [c.message for c in progress.missing]
    steps = progress.steps
    assert steps[1].title == "Steg 1. Nyttoanalys" and steps[1].state == "in_progress"
    assert steps[6].title == "Steg 6. Följa upp"


def test_the_examples_are_complete(content, examples, invoice, study):
    for assessment in examples:
        progress = completeness(assessment, content)
        assert progress.missing == [], [c.message for c in progress.missing]
        assert progress.percent == 100
    assert completeness(invoice, content).steps[6].state == "complete"
    assert completeness(study, content).sections["follow_up"].state == "not_applicable"  # its plan is done


def test_every_missing_item_points_at_a_field(content):
    for check in completeness(Assessment(benefits=[Benefit()]), content).missing:
        assert check.loc and check.loc[0] in {
            "initiative",
            "prerequisites",
            "classification",
            "benefits",
            "calculation",
            "plan",
        }


def test_follow_up_waits_for_an_unfinished_plan(content):
    benefit = Benefit(description="Färre samtal", target_group="Invånare", category="kvalitet", measurable=True)
    progress = completeness(Assessment(benefits=[benefit]), content)
    assert progress.sections["plan"].state == "not_started"
    follow_up = progress.sections["follow_up"]
    assert (follow_up.state, follow_up.waiting_for) == ("not_started", "Nyttorealiseringsplan")
    assert state_text(progress.steps[6], content, counted=False) == "Ej påbörjad (väntar på Nyttorealiseringsplan)"


def test_a_complete_assessment_with_nej_answers_says_which(content, invoice):
    assessment = invoice.model_copy(deep=True)
    assessment.prerequisites["finansiering_och_resurser"].answer = "nej"
    assessment.prerequisites["uppskalning_och_ateranvandning"].answer = "nej"
    progress = completeness(assessment, content)
    assert progress.missing == []
    assert closing_remarks(progress, content) == [
        "Inget saknas – bedömningen är komplett.",
        "Observera: 2 förutsättningar är bedömda med NEJ: ”Finansiering och resurser säkrade”, "
        "”Möjlighet till uppskalning och återanvändning”.",
    ]
    assessment.prerequisites["uppskalning_och_ateranvandning"].answer = "ja"
    remarks = closing_remarks(completeness(assessment, content), content)
    assert remarks[1] == "Observera: en förutsättning är bedömd med NEJ: ”Finansiering och resurser säkrade”."
    # With something missing, the NEJ answers are still said, but "komplett" is not.
    assessment.initiative.name = ""
    assert closing_remarks(completeness(assessment, content), content) == remarks[1:]


def test_freed_time_asks_whether_it_is_taken_home(content):
    line = FreedTimeLine(description="Registrering", volume_per_year=100, minutes_per_case=6, ramp_percent=[100] * 3)
    assert line.realisable is None  # a conscious choice, not a default
    progress = completeness(Assessment(calculation=Calculation(freed_time_lines=[line])), content)
    missing = [c for c in progress.missing if c.loc[-1] == "realisable"]
    assert [c.message for c in missing] == ["Välj om den frigjorda tiden tas hem som pengar, rad 1"]
    assert missing[0].loc == ("calculation", "freed_time_lines", 0, "realisable")
    line.realisable = False
    progress = completeness(Assessment(calculation=Calculation(freed_time_lines=[line])), content)
    assert not [c for c in progress.missing if c.loc[-1] == "realisable"]
