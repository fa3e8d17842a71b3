"""Validation names each wrong field in Swedish, migrates old documents and never crashes on any JSON."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nyttolib.assessment.documents import check_file
from nyttolib.assessment.model import SCHEMA_VERSION
from nyttolib.assessment.validation import validate_document

HEADER = {"document_type": "nyttolib.assessment", "schema_version": SCHEMA_VERSION}


def _messages(result) -> list[str]:
    return [str(p) for p in result.problems]


def test_the_examples_are_valid(content, examples):
    assert len(examples) >= 4
    for assessment in examples:
        assert validate_document(assessment.to_json_dict(), content).ok


def test_wrong_types_are_named_by_their_form_labels(content):
    document = HEADER | {
        "initiative": {"start_date": "2024-13-01", "portfolio": {"year": "tjugo"}},
        "calculation": {"years": 3, "cost_lines": [{"description": "Konsult", "values": [1000, "mycket", 0]}]},
        "prerequisites": {"nyttoanalys": {"answer": "kanske"}},
    }
    messages = _messages(validate_document(document, content))
    assert "Om initiativet → Startdatum: ska vara ett datum på formen ÅÅÅÅ-MM-DD, t.ex. 2024-03-01" in messages
    assert "Om initiativet → Portfölj → År: ska vara ett heltal, skrivet som tal utan citattecken (t.ex. 3)" in messages
    assert "Nyttokalkyl → Kostnader → rad 1 → Belopp per år → år 2: ska vara ett tal, t.ex. 450 eller 0,5" in messages
    assert (
        "Förutsättningar → 'Nyttoanalys framtagen' → Bedömning (JA/NEJ): ska vara ett av: 'ja' eller 'nej'" in messages
    )


def test_bounds_and_cross_field_rules(content):
    document = HEADER | {
        "initiative": {"start_date": "2024-05-01", "end_date": "2024-04-01"},
        "classification": {"intern_extern": 6},
        "calculation": {"years": 3, "freed_time_lines": [{"share_percent": 120, "ramp_percent": [100, 100, 100]}]},
    }
    messages = _messages(validate_document(document, content))
    assert "Klassificering → 'Intern nytta – Extern nytta': får inte vara större än 5" in messages
    assert (
        "Nyttokalkyl → Frigjord tid → rad 1 → Andel som påverkas (%): ska vara ett tal från 0 till 100\u00a0%"
        in messages
    )


def test_rules_between_fields_are_warnings_and_the_document_opens(content):
    """Date order and one value per year are shown in the form; they never stop a document from loading
    (as model validators they made saved assessments impossible to open)."""
    document = HEADER | {
        "initiative": {"start_date": "2024-05-01", "end_date": "2024-04-01"},
        "calculation": {"years": 4, "cost_lines": [{"description": "Licens", "values": [1, 2, 3]}]},
    }
    result = validate_document(document, content)
    assert result.ok and result.assessment is not None
    assert [str(w) for w in result.warnings] == [
        "Om initiativet → Startdatum: Startdatum kan inte vara efter slutdatum",
        "Om initiativet → Slutdatum: Slutdatum kan inte vara före startdatum",
        "Nyttokalkyl → Kostnader → rad 1 → Belopp per år → år 4: "
        "Kostnader, rad 1 ('Licens'), har 3 värden per år, men kalkylen har 4 år",
    ]


def test_references_into_the_content_and_the_document(content):
    document = HEADER | {
        "initiative": {"kind": "projekt", "portfolio": {"stage": "steg_9"}},
        "prerequisites": {"okand": {"answer": "ja"}},
        "benefits": [{"id": "a", "category": "lycka"}, {"id": "a"}],
        "calculation": {
            "years": 2,
            "freed_time_lines": [{"benefit_id": "saknas", "rate": "gratis", "ramp_percent": [1, 1]}],
        },
        "plan": {"items": [{"benefit_id": "b", "answers": {"vad_da": "x"}}]},
    }
    messages = _messages(validate_document(document, content))
    assert "Om initiativet → Typ av initiativ: okänd typ 'projekt' (giltiga: genomforande, forstudie, mvp)" in messages
    assert any(m.startswith("Om initiativet → Portfölj → Steg i portföljen: okänt steg 'steg_9'") for m in messages)
    assert any(m.startswith("Förutsättningar: okänt kriterium 'okand'") for m in messages)
    assert any(m.startswith("Nytta → rad 1 → Kategori: okänd kategori 'lycka'") for m in messages)
    assert "Nytta → rad 2 → Id: id 'a' används på mer än en rad" in messages
    assert "Nyttokalkyl → Antal år: kalkylen ska omfatta minst 3 år" in messages
    assert "Nyttokalkyl → Frigjord tid → rad 1 → Hör till nytta: nyttan 'saknas' finns inte i nyttotabellen" in messages
    assert any(m.startswith("Nyttokalkyl → Frigjord tid → rad 1 → Timpris: okänt timpris 'gratis'") for m in messages)
    assert "Nyttorealiseringsplan → Nyttor i planen → rad 1 → Nytta: nyttan 'b' finns inte i nyttotabellen" in messages
    assert any(
        m.startswith(
            "Nyttorealiseringsplan → Nyttor i planen → rad 1 → Nyttorealiseringsplanens frågor: okänd fråga 'vad_da'"
        )
        for m in messages
    )


def test_unknown_fields_are_reported_not_dropped(content):
    messages = _messages(validate_document(HEADER | {"initiativ": {}}, content))
    assert messages == ["'initiativ': okänt fält (stavfel, eller ett fält som inte finns i den här versionen)"]


def test_not_an_assessment_and_newer_schema(content):
    assert _messages(validate_document([1, 2], content)) == [
        "Filen innehåller ingen bedömning (väntade ett JSON-objekt)."
    ]
    assert "ingen bedömning från nyttolib" in _messages(validate_document({"name": "x"}, content))[0]
    newer = validate_document(HEADER | {"schema_version": SCHEMA_VERSION + 1}, content)
    assert not newer.ok
    assert f"schemaversion {SCHEMA_VERSION + 1}" in str(newer.problems[0])
    assert "Uppdatera nyttolib" in str(newer.problems[0])


def test_version_1_documents_are_migrated(content):
    old = {
        "document_type": "nyttolib.assessment",
        "schema_version": 1,
        "prerequisites": {
            "nyttoanalys": {"answer": True, "motivation": "Finns"},
            "agarorganisation": {"answer": False, "motivation": ""},
        },
        "calculation": {"years": 3, "hourly_rate_kr": 500},
    }
    snapshot = json.dumps(old)
    result = validate_document(old, content)
    assert result.ok, result.problems
    assert result.migrated_from == 1
    assert result.assessment.schema_version == SCHEMA_VERSION
    assert result.assessment.prerequisites["nyttoanalys"].answer == "ja"
    assert result.assessment.prerequisites["agarorganisation"].answer == "nej"
    assert result.assessment.calculation.hourly_rates == {"intern": 500}
    assert json.dumps(old) == snapshot  # the input is not modified


def test_malformed_files(content, tmp_path):
    broken = tmp_path / "trasig.json"
    broken.write_text('{"document_type": "nyttolib.assessment",\n  "schema_version": 2,,}', encoding="utf-8")
    assert _messages(check_file(broken, content)) == ["Filen är inte giltig JSON (rad 2, kolumn 23)."]
    binary = tmp_path / "bild.json"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    assert "inte en textfil i UTF-8" in _messages(check_file(binary, content))[0]
    assert "finns inte" in _messages(check_file(tmp_path / "saknas.json", content))[0]
    assert "är en mapp" in _messages(check_file(tmp_path, content))[0]
    deep = tmp_path / "djup.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert not check_file(deep, content).ok


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=30,
)
field_names = st.sampled_from(
    [
        "initiative",
        "prerequisites",
        "classification",
        "benefits",
        "calculation",
        "plan",
        "id",
        "years",
        "cost_lines",
        "values",
        "name",
        "answer",
        "schema_version",
        "document_type",
        "ramp_percent",
        "freed_time_lines",
        "items",
    ]
)
assessment_like = st.fixed_dictionaries(
    {"document_type": st.just("nyttolib.assessment"), "schema_version": st.sampled_from([1, 2, 3, "2", None])},
    optional={
        "initiative": st.dictionaries(st.sampled_from(["name", "kind", "start_date", "portfolio"]), json_values),
        "prerequisites": st.dictionaries(st.sampled_from(["nyttoanalys", "x"]), json_values),
        "calculation": st.dictionaries(field_names, json_values),
        "benefits": st.lists(st.dictionaries(st.sampled_from(["id", "category", "measurable"]), json_values)),
    },
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(json_values, assessment_like))
def test_validation_never_crashes_on_arbitrary_json(content, data):
    result = validate_document(data, content)
    assert result.ok or result.problems
    for problem in result.problems:
        assert isinstance(str(problem), str) and str(problem)


NBSP = "\u00a0"
AMOUNTS = f"ska vara ett tal från 0 till 10{NBSP}000{NBSP}000{NBSP}000{NBSP}kr"
LINES = {
    "cost_lines": [{"description": "Bygge", "unit": "timmar", "values": [0, 0, 0]}, {"values": [0, 0, 0]}],
    "benefit_lines": [{"full_effect_kr": 0, "ramp_percent": [0, 0, 0]}],
    "freed_time_lines": [{"ramp_percent": [0, 0, 0]}],
}


@pytest.mark.parametrize(
    ("path", "value", "where", "message"),
    [
        (("calculation", "cost_lines", 1, "values", 2), 1e18, "Kostnader → rad 2 → Belopp per år → år 3", AMOUNTS),
        (("calculation", "cost_lines", 1, "values", 0), -1, "Kostnader → rad 2 → Belopp per år → år 1", AMOUNTS),
        (("calculation", "benefit_lines", 0, "full_effect_kr"), 10**30, "Nyttor → rad 1 → Årlig nytta", AMOUNTS),
        (
            ("calculation", "freed_time_lines", 0, "volume_per_year"),
            1e308,
            "Frigjord tid → rad 1 → Volym per år (antal)",
            f"ska vara ett tal från 0 till 1{NBSP}000{NBSP}000{NBSP}000{NBSP}st",
        ),
        (
            ("calculation", "freed_time_lines", 0, "minutes_per_case"),
            100_001,
            "Frigjord tid → rad 1 → Minuter per ärende",
            f"ska vara ett tal från 0 till 100{NBSP}000{NBSP}min",
        ),
        (
            ("calculation", "freed_time_lines", 0, "ramp_percent", 1),
            101,
            "Frigjord tid → rad 1 → Effekt per år (%) → år 2",
            f"ska vara ett tal från 0 till 100{NBSP}%",
        ),
        (
            ("calculation", "benefit_lines", 0, "high_percent"),
            1001,
            "Nyttor → rad 1 → Högt utfall (% av troligt)",
            f"ska vara ett tal från 0 till 1000{NBSP}%",
        ),
        (
            ("calculation", "hourly_rates", "intern"),
            50_000,
            "Timpriser (kr/h) → 'Intern personal'",
            f"ska vara ett tal från 0 till 10{NBSP}000{NBSP}kr/h",
        ),
        (("calculation", "start_year"), 3000, "Första år", "ska vara ett heltal från 1900 till 2200"),
        (
            ("initiative", "portfolio", "total_cost_kr"),
            float("inf"),
            "Om initiativet → Portfölj → Kostnad (totalt)",
            AMOUNTS,
        ),
        (
            ("initiative", "estimated_hours"),
            1e9,
            "Om initiativet → Uppskattad arbetsinsats (timmar)",
            f"ska vara ett tal från 0 till 100{NBSP}000{NBSP}000{NBSP}h",
        ),
    ],
)
def test_numbers_are_held_to_the_forms_ranges_with_swedish_messages(content, path, value, where, message):
    """An imported file obeys the same ranges as the form: nothing a municipality cannot mean passes."""
    document = HEADER | {"calculation": {"years": 3, "start_year": 2025} | json.loads(json.dumps(LINES))}
    document["initiative"] = {"portfolio": {}}
    if "benefit_lines" not in path:
        del document["calculation"]["benefit_lines"]  # only the one wrong value in each document
    target = document
    for part in path[:-1]:
        target = target[part] if not isinstance(target, dict) or part in target else target.setdefault(part, {})
    target[path[-1]] = value
    messages = _messages(validate_document(document, content))
    assert len(messages) == 1 and where in messages[0] and messages[0].endswith(f": {message}"), messages


def test_hours_beyond_the_hours_range_are_a_warning_not_a_refusal(content):
    """200 000 000 in a cost line is a valid amount in kronor; switched to hours it is beyond the hours
    range. A rule between two fields (the unit and the amount): the document loads and imports, and the
    rule is shown at the field, so that an export of what the form saved always reads back."""
    document = HEADER | {"calculation": {"years": 3, "cost_lines": [{"unit": "timmar", "values": [1, 200_000_000, 1]}]}}
    result = validate_document(document, content)
    assert result.ok, _messages(result)
    assert [(w.where, w.message) for w in result.warnings] == [
        (
            "Nyttokalkyl → Kostnader → rad 1 → Belopp per år → år 2",
            f"ska vara ett tal från 0 till 100{NBSP}000{NBSP}000{NBSP}h",
        )
    ]


def test_the_largest_values_allowed_still_give_finite_results(content):
    """The issue's `volume_per_year: 1e308` gave "Återbetald: 2021" with every figure "–"."""
    from nyttolib.assessment.calculations import calculate

    huge = HEADER | {"calculation": {"years": 1, "freed_time_lines": [{"volume_per_year": 1e308, "ramp_percent": [1]}]}}
    assert not validate_document(huge, content).ok
    document = HEADER | {
        "calculation": {
            "years": 3,
            "hourly_rates": {"intern": 10_000},
            "cost_lines": [{"values": [10_000_000_000] * 3}],
            "freed_time_lines": [{"volume_per_year": 1e9, "minutes_per_case": 100_000, "ramp_percent": [100] * 3}] * 20,
        }
    }
    result = validate_document(document, content)
    assert result.ok, _messages(result)
    figures = calculate(result.assessment, content)
    assert all(math.isfinite(v) for v in [*figures.net, *figures.accumulated_net, figures.npv])
