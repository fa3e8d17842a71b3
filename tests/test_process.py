"""The processes and roles of process.yaml: what they hold, how a broken file is reported, and where an
initiative stands on each of the three (Helsingborg, Växjö, Sundsvall), worked out by hand."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nyttolib.content import ContentError
from nyttolib.paths import content_dir
from nyttolib.process import PositionFacts, load_process, load_process_file, position


@pytest.fixture
def editable_content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(content_dir(), target)
    return target


def _problems(directory: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_process(directory)
    return [str(p) for p in caught.value.problems]


def _edit(directory: Path, old: str, new: str, count: int = 1) -> int:
    """Replace the `count`-th `old` in process.yaml; returns the line it stands on."""
    path = directory / "process.yaml"
    text = path.read_text(encoding="utf-8")
    at = -1
    for _ in range(count):
        at = text.index(old, at + 1)
    path.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")
    return text[:at].count("\n") + 1


# -- the content ---------------------------------------------------------------------------------


def test_helsingborg_is_the_default_with_its_seven_steps_and_roles():
    process = load_process()
    assert process.id == "helsingborg"
    assert [s.name for s in process.steps] == [
        "Initiativtagare – jag har ett behov!",
        "Intern synkronisering",
        "Projektcanvas",
        "Utvecklingsråd",
        "Beslut",
        "Rollfördelning",
        "Start!",
    ]
    assert [r.name for r in process.roles] == ["Initiativtagare", "SBF utvecklingsråd", "Projektägare", "Projektledare"]
    assert "Projektägaren är inte projektledaren." in process.role("projektagare").duties
    assert process.step("rollfordelning").text == (
        "Rådet utser en projektägare. Projektägaren ansvarar för att utse projektledare."
    )
    assert all(step.duties and step.text for step in process.steps)


def test_the_other_two_processes_in_the_seeds_words():
    vaxjo = load_process(process_id="vaxjo")
    assert [s.name for s in vaxjo.steps] == [
        "Utforska och besluta",
        "Starta och genomföra",
        "Implementera och vidmakthålla",
        "Följa upp och utvärdera",
    ]
    sundsvall = load_process(process_id="sundsvall")
    assert [s.name for s in sundsvall.steps] == [
        "Steg 0 - Under framtagande/påbörjat",
        "Steg 1 - Behov och lösning",
        "Steg 2 - Initiativ till arkitektforum",
        "Steg 3 - Klar för beredning",
        "Färdigberedda initiativ",
        "Klara för beslut",
        "Beslutade initiativ",
    ]
    assert [p.id for p in load_process_file().processes] == ["helsingborg", "vaxjo", "sundsvall"]


def test_the_municipality_chooses_its_process(editable_content):
    _edit(editable_content, "active: helsingborg", "active: vaxjo")
    assert load_process(editable_content).id == "vaxjo"
    assert load_process(editable_content).texts.title == "Var initiativet står"  # the file's texts


# -- a broken file names file and line -----------------------------------------------------------


def test_a_yaml_syntax_error_names_the_line(editable_content):
    line = _edit(editable_content, "facts: [has_need]", "facts: [has_need")
    (problem,) = _problems(editable_content)
    assert problem.startswith("process.yaml, rad ") and "felaktig YAML" in problem
    assert int(problem.split("rad ")[1].split(":")[0]) >= line


def test_an_unknown_field_and_an_unknown_fact(editable_content):
    line = _edit(editable_content, "        duties:\n          - Utgå", "        dutys:\n          - Utgå")
    fact_line = _edit(editable_content, "facts: [has_canvas]", "facts: [has_idea]")
    problems = _problems(editable_content)
    assert any(
        p.startswith(f"process.yaml, rad {line + 1}: processes → punkt 1 → steps → punkt 1 → dutys: okänt fält")
        for p in problems
    )
    assert any(
        p.startswith(f"process.yaml, rad {fact_line}: processes → punkt 1 → steps → punkt 3 → reached_when → facts")
        for p in problems
    )


def test_an_unknown_role_stage_and_active_process(editable_content):
    role_line = _edit(editable_content, "role: projektledare", "role: styrgrupp")
    stage_line = _edit(editable_content, "stages: [klara_for_beslut]", "stages: [for_beslut]")
    active_line = _edit(editable_content, "active: helsingborg", "active: goteborg")
    problems = _problems(editable_content)
    assert problems == [
        f"process.yaml, rad {active_line}: active: 'goteborg' är inte en av processerna "
        "(helsingborg, vaxjo, sundsvall)",
        f"process.yaml, rad {stage_line}: processes → punkt 1 → steps → punkt 5 → reached_when → stages → punkt 1: "
        "'for_beslut' finns inte bland portfolio_stages i initiative.yaml",
        f"process.yaml, rad {role_line}: processes → punkt 1 → steps → punkt 7 → role: 'styrgrupp' finns inte "
        "bland rollerna (initiativtagare, projektagare, projektledare, utvecklingsrad)",
    ]


def test_a_stage_in_two_steps_and_a_duplicate_id(editable_content):
    line = _edit(editable_content, "stages: [beslutade]", "stages: [klara_for_beslut]")
    _edit(editable_content, "id: beslut\n", "id: behov\n")
    problems = _problems(editable_content)
    assert any("processes → punkt 1: steps: id 'behov' förekommer mer än en gång" in p for p in problems)
    _edit(editable_content, "id: behov\n", "id: beslut\n", count=2)
    (problem,) = _problems(editable_content)
    assert problem == (
        f"process.yaml, rad {line}: processes → punkt 1 → steps → punkt 6 → reached_when → stages → punkt 1: "
        "'klara_for_beslut' hör redan till steget 'beslut'"
    )


def test_a_text_with_an_unknown_field(editable_content):
    _edit(editable_content, "{step}", "{steg}")
    texts = _edit(editable_content, "  title: Var", "  title: Var")  # where the texts block starts
    (problem,) = _problems(editable_content)
    assert problem.startswith(f"process.yaml, rad {texts}: texts: next: okänt fält {{steg}}")


def test_a_missing_file(editable_content):
    (editable_content / "process.yaml").unlink()
    assert _problems(editable_content) == [f"process.yaml: filen saknas i {editable_content}"]


# -- where an initiative stands ------------------------------------------------------------------


def _where(process_id: str, **facts) -> tuple[str | None, str | None, str | None, list[str]]:
    found = position(load_process(process_id=process_id), PositionFacts(**facts))
    return (
        found.current.id if found.current else None,
        found.next.id if found.next else None,
        found.next_role,
        [s.id for s in found.done],
    )


def test_helsingborg_positions():
    steps = ["behov", "intern_synkronisering", "projektcanvas", "utvecklingsrad", "beslut", "rollfordelning"]
    assert _where("helsingborg") == (None, "behov", "Initiativtagare", [])
    assert _where("helsingborg", has_need=True) == ("behov", "intern_synkronisering", "Initiativtagare", [])
    assert _where("helsingborg", has_need=True, has_canvas=True) == (
        "projektcanvas",
        "utvecklingsrad",
        "SBF utvecklingsråd",
        steps[:2],
    )
    assert _where("helsingborg", has_canvas=True, canvas_submitted=True) == (
        "utvecklingsrad",
        "beslut",
        "SBF utvecklingsråd",
        steps[:3],
    )
    # The form: an assessment, with the stage it has in the portfolio.
    assert _where("helsingborg", has_assessment=True)[0] == "utvecklingsrad"
    assert _where("helsingborg", has_assessment=True, stage="steg_0")[0] == "utvecklingsrad"  # the furthest wins
    assert _where("helsingborg", stage="steg_1") == ("projektcanvas", "utvecklingsrad", "SBF utvecklingsråd", steps[:2])
    assert _where("helsingborg", has_assessment=True, stage="klara_for_beslut") == (
        "beslut",
        "rollfordelning",
        "SBF utvecklingsråd",
        steps[:4],
    )
    assert _where("helsingborg", has_assessment=True, stage="beslutade") == (
        "rollfordelning",
        "start",
        "Projektledare",
        steps[:5],
    )


def test_vaxjo_positions():
    assert _where("vaxjo") == (None, "utforska_och_besluta", "Verksamhetsföreträdare", [])
    for facts in ({"has_need": True}, {"has_assessment": True, "stage": "klara_for_beslut"}, {"stage": "steg_2"}):
        assert _where("vaxjo", **facts) == ("utforska_och_besluta", "starta_och_genomfora", "Berörd verksamhet", [])
    assert _where("vaxjo", has_assessment=True, stage="beslutade") == (
        "starta_och_genomfora",
        "implementera_och_vidmakthalla",
        "Berörd verksamhet",
        ["utforska_och_besluta"],
    )


def test_sundsvall_positions_are_the_portfolio_stages():
    stages = ["steg_0", "steg_1", "steg_2", "steg_3", "fardigberedda", "klara_for_beslut", "beslutade"]
    roles = ["Verksamheten", "Verksamheten", "Arkitektforum", "Beredningen", "Beredningen", "Beslutsfattare"]
    roles.append("Verksamheten")
    assert _where("sundsvall") == (None, "steg_0", "Verksamheten", [])
    assert _where("sundsvall", has_assessment=True) == ("steg_0", "steg_1", "Verksamheten", [])
    for index, stage in enumerate(stages[:-1]):
        assert _where("sundsvall", has_assessment=True, stage=stage) == (
            stage,
            stages[index + 1],
            roles[index + 1],
            stages[:index],
        )
    assert _where("sundsvall", has_assessment=True, stage="beslutade") == ("beslutade", None, None, stages[:-1])
    assert _where("sundsvall", stage="okänt")[0] is None  # a stage the process does not know: nothing reached


def test_the_command_line_reports_a_broken_process_file(editable_content):
    import io

    from nyttolib.cli import run

    line = _edit(editable_content, "role: projektledare", "role: styrgrupp")
    err = io.StringIO()
    assert run(["--content-dir", str(editable_content), "list"], err=err, out=io.StringIO()) == 1
    assert f"process.yaml, rad {line}: processes → punkt 1 → steps → punkt 7 → role: 'styrgrupp'" in err.getvalue()


_STAGES = [None, "steg_0", "steg_1", "steg_2", "steg_3", "fardigberedda", "klara_for_beslut", "beslutade"]
_FACTS = st.builds(
    PositionFacts,
    has_need=st.booleans(),
    has_canvas=st.booleans(),
    canvas_submitted=st.booleans(),
    has_assessment=st.booleans(),
    stage=st.sampled_from(_STAGES),
)


@settings(max_examples=200, deadline=None)
@given(facts=_FACTS, more=_FACTS, process_id=st.sampled_from(["helsingborg", "vaxjo", "sundsvall"]))
def test_a_position_is_a_place_on_the_path_and_more_done_never_moves_it_back(facts, more, process_id):
    process = load_process(process_id=process_id)
    steps = process.steps
    found = position(process, facts)
    at = steps.index(found.current) if found.current else -1
    assert found.done == steps[: max(at, 0)]
    assert found.next == (steps[at + 1] if at + 1 < len(steps) else None)
    assert found.next_role == (process.role(found.next.role).name if found.next else None)
    # Everything known now, and more besides (the later of the two stages): never an earlier step.
    later = max(facts.stage, more.stage, key=lambda stage: _STAGES.index(stage))
    both = PositionFacts(
        has_need=facts.has_need or more.has_need,
        has_canvas=facts.has_canvas or more.has_canvas,
        canvas_submitted=facts.canvas_submitted or more.canvas_submitted,
        has_assessment=facts.has_assessment or more.has_assessment,
        stage=later,
    )
    combined = position(process, both)
    assert (steps.index(combined.current) if combined.current else -1) >= at
