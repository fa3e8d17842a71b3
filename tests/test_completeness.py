"""Completeness per section and step, in words a user understands."""

from __future__ import annotations

from nyttolib.assessment.completeness import completeness
from nyttolib.assessment.model import Assessment, Benefit, PrerequisiteAnswer


def test_a_new_assessment_says_what_to_do_first(content):
    progress = completeness(Assessment(), content)
    assert progress.percent == 0
    messages = [check.message for check in progress.missing]
    assert messages[0] == "Ge initiativet ett namn"
    assert "Besvara JA eller NEJ för ”Nyttoanalys framtagen”" in messages
    assert "Markera balansen mellan Effektivitet och Innovation" in messages
    assert "Lägg till minst en förväntad nytta" in messages
    assert "Ange kostnaderna för initiativet" in messages
    assert {s.state for s in progress.sections.values()} == {"not_started", "not_applicable"}


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
    assert completeness(study, content).sections["follow_up"].state == "not_applicable"


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
