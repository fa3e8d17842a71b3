"""The committed JSON Schema is the one generated from the model, and the examples conform to it."""

from __future__ import annotations

import json

import jsonschema

from nyttolib.assessment.model import json_schema

from conftest import EXAMPLES, ROOT

SCHEMA_FILE = ROOT / "data" / "schema" / "assessment.schema.json"


def test_committed_schema_is_up_to_date():
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == json_schema(), (
        "Regenerate it: nyttolib schema > data/schema/assessment.schema.json"
    )


def test_examples_conform_to_the_schema():
    validator = jsonschema.Draft202012Validator(json_schema())
    for example in EXAMPLES.glob("*.json"):
        errors = list(validator.iter_errors(json.loads(example.read_text(encoding="utf-8"))))
        assert errors == [], example.name


def test_schema_rejects_what_the_model_rejects():
    validator = jsonschema.Draft202012Validator(json_schema())
    assert not validator.is_valid({"document_type": "nyttolib.assessment", "schema_version": 2, "okänt": 1})
    assert not validator.is_valid(
        {"document_type": "nyttolib.assessment", "schema_version": 2, "classification": {"intern_extern": 9}}
    )
