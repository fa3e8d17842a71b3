"""Content files: the seed's texts are there verbatim, and a broken file is reported with file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nyttolib.content import ContentError, load_content
from nyttolib.paths import content_dir

SEED_CRITERIA = [
    "Initiativ i linje med beslutade strategier och mål",
    "Nyttjande av vår digitala infrastruktur",
    "Nyttoanalys framtagen",
    "Ägarorganisation finns – stöd från ledning",
    "Finansiering och resurser säkrade",
    "Möjlighet till uppskalning och återanvändning",
]


def test_bundled_content_has_the_seed_model(content):
    assert [c.label for c in content.criteria.criteria] == SEED_CRITERIA
    assert content.criteria.criteria[2].description.startswith("Samtliga initiativ ska ha en nyttoanalys.")
    assert content.criteria.criteria[2].description.endswith(
        "Införandeinitiativ ska alltid innehålla ekonomisk nyttoanalys."
    )
    axes = content.classification.axes
    assert [(a.left, a.right) for a in axes] == [
        ("Effektivitet", "Innovation"),
        ("Operativt", "Strategiskt"),
        ("Intern nytta", "Extern nytta"),
    ]
    assert [c.label for c in axes[0].cells] == [
        "Uteslutande effektivitet",
        "Övervägande del effektivitet",
        "Lika stor del",
        "Övervägande del innovation",
        "Uteslutande innovation",
    ]
    assert "Diagnostisk styrning" in axes[0].left_characteristics
    assert "Interaktiv styrning" in axes[0].right_characteristics
    assert [q.label for q in content.steps.seven_questions] == [
        "Vad är nyttan?",
        "Hur ska den realiseras?",
        "Vem ska realisera nyttan?",
        "När uppkommer nyttan?",
        "Hur ska nyttan följas upp?",
        "Vem ansvarar för uppföljningen?",
        "Vilka mätetal ska man använda?",
    ]
    assert [s.label for s in content.steps.benefit_steps] == [
        "Nyttoanalys",
        "Fördjupad nyttoanalys",
        "Nyttokalkyl och beslut",
        "Planera",
        "Realisera",
        "Följa upp",
    ]
    assert {r.id: r.kr_per_hour for r in content.settings.hourly_rates} == {"intern": 450, "inkopt": 870}
    categories = {c.id: c for c in content.benefits.categories}
    assert {
        "kostnadsminskning",
        "intaktsokning",
        "undvikt_kostnad",
        "frigjord_tid",
        "omfordelning",
        "kvalitet",
        "miljo",
    } == set(categories)
    assert categories["frigjord_tid"].direct_economic and not categories["kvalitet"].direct_economic
    assert content.initiative.portfolio_stages[0].label == "Steg 0 - Under framtagande/påbörjat"


@pytest.fixture
def editable_content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(content_dir(), target)
    return target


def _problems(directory: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_content(directory)
    return [str(p) for p in caught.value.problems]


def test_a_missing_field_names_file_and_line(editable_content):
    path = editable_content / "criteria.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("    label: Nyttoanalys framtagen\n", "    lable: Nyttoanalys framtagen\n")
    path.write_text(text, encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "lable:" in row)
    problems = _problems(editable_content)
    assert any(p.startswith(f"criteria.yaml, rad {line}: criteria → punkt 3 → lable: okänt fält") for p in problems)
    assert any("criteria → punkt 3 → label: uppgiften saknas" in p for p in problems)


def test_a_yaml_syntax_error_names_the_line(editable_content):
    path = editable_content / "settings.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    index = next(i for i, row in enumerate(lines) if row.startswith("minimum_years"))
    lines[index] = "minimum_years: [3"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (problem,) = _problems(editable_content)
    assert problem.startswith("settings.yaml, rad ")
    assert "felaktig YAML" in problem


def test_a_wrong_value_and_a_duplicate_id(editable_content):
    path = editable_content / "settings.yaml"
    text = path.read_text(encoding="utf-8").replace("kr_per_hour: 450", "kr_per_hour: gratis")
    path.write_text(text, encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "gratis" in row)
    steps = editable_content / "steps.yaml"
    steps.write_text(steps.read_text(encoding="utf-8").replace("id: nar\n", "id: vad\n"), encoding="utf-8")
    problems = _problems(editable_content)
    assert any(
        p.startswith(f"settings.yaml, rad {line}: hourly_rates → punkt 1 → kr_per_hour: ska vara ett tal")
        for p in problems
    )
    assert any(p.startswith("steps.yaml") and "id 'vad' förekommer mer än en gång" in p for p in problems)


def test_a_missing_file_and_a_cross_file_reference(editable_content):
    (editable_content / "start.yaml").unlink()
    problems = _problems(editable_content)
    assert problems == [f"start.yaml: filen saknas i {editable_content.resolve()}"]


def test_an_exempt_kind_must_exist(editable_content):
    path = editable_content / "benefits.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("exempt_kinds: [forstudie]", "exempt_kinds: [utredning]"),
        encoding="utf-8",
    )
    problems = _problems(editable_content)
    assert problems == [
        "benefits.yaml: calculation_rule → exempt_kinds: 'utredning' finns inte bland kinds i initiative.yaml"
    ]


def test_a_municipality_can_rename_a_step(editable_content):
    path = editable_content / "steps.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("label: Realisera\n", "label: Hemtagning\n"), encoding="utf-8"
    )
    assert load_content(editable_content).steps.benefit_steps[4].label == "Hemtagning"


def test_classification_shares_read_left_to_right(content):
    """'Övervägande del innovation' is 25 % effektivitet – 75 % innovation, not '75% - 25%'."""
    for axis in content.classification.axes:
        lefts = [int(cell.share.split("%")[0]) for cell in axis.cells]
        assert lefts == [100, 75, 50, 25, 0], axis.id
    innovation = content.classification.axes[0].cells[3]
    assert (innovation.label, innovation.share) == ("Övervägande del innovation", "25% - 75%")


def test_a_share_that_contradicts_its_side_is_refused(editable_content):
    path = editable_content / "classification.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        '- label: Övervägande del innovation\n        share: "25% - 75%"',
        '- label: Övervägande del innovation\n        share: "75% - 25%"',
    )
    path.write_text(text, encoding="utf-8")
    [problem] = _problems(editable_content)
    assert problem.startswith("classification.yaml, rad ")
    assert "axes → punkt 1" in problem
    assert "cell 4 (Övervägande del innovation) har andelen '75% - 25%'" in problem
    assert "vänster% - höger% (Effektivitet - Innovation)" in problem
