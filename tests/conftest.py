from __future__ import annotations

from pathlib import Path

import pytest

from nyttolib.assessment.documents import read_assessment_file
from nyttolib.assessment.model import Assessment
from nyttolib.content import Content, load_content
from nyttolib.storage.assessments import Store

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "data" / "examples"
INVOICE = EXAMPLES / "fakturor-e-tjanst.json"
STUDY = EXAMPLES / "forstudie-digital-post.json"
INFRASTRUCTURE = EXAMPLES / "e-arkiv.json"
SIGNING = EXAMPLES / "digital-signering.json"  # has every kind of calculation line
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.json"))


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content()


@pytest.fixture
def invoice(content: Content) -> Assessment:
    return read_assessment_file(INVOICE, content).assessment


@pytest.fixture
def study(content: Content) -> Assessment:
    return read_assessment_file(STUDY, content).assessment


@pytest.fixture
def infrastructure(content: Content) -> Assessment:
    return read_assessment_file(INFRASTRUCTURE, content).assessment


@pytest.fixture
def signing(content: Content) -> Assessment:
    return read_assessment_file(SIGNING, content).assessment


@pytest.fixture
def examples(content: Content) -> list[Assessment]:
    """Every bundled example, so that a new example is covered by every test that takes this."""
    return [read_assessment_file(path, content).assessment for path in EXAMPLE_FILES]


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "data") as opened:
        yield opened
