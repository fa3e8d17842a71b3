from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from nyttolib.assessment.documents import read_assessment_file
from nyttolib.assessment.model import Assessment
from nyttolib.content import Content, load_content
from nyttolib.paths import DATABASE_FILENAME
from nyttolib.storage.assessments import Store

from postgres import PostgresUnavailable, postgres_server

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


@pytest.fixture(scope="session")
def postgres():
    """One PostgreSQL server for the whole run, started only if a test asks for it.

    Without Debian's postgresql package the PostgreSQL tests are skipped locally and fail in CI,
    where .ci/run installs it."""
    try:
        with postgres_server() as server:
            yield server
    except PostgresUnavailable as missing:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL saknas: {missing} (.ci/run ska installera Debian-paketet postgresql)")
        pytest.skip(str(missing))


@pytest.fixture
def postgres_url(postgres):
    """The URL of a new, empty database of its own for this test, dropped afterwards."""
    with postgres.database() as url:
        yield url


BOTH_DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


def url_for(request, database: str) -> str | None:
    """The database_url a store takes for "sqlite" (None: the default file in its data folder) or "postgresql"."""
    return None if database == "sqlite" else request.getfixturevalue("postgres_url")


@pytest.fixture(params=BOTH_DATABASES)
def database_url(request) -> str | None:
    """Each test that takes this runs on both databases."""
    return url_for(request, request.param)


@contextmanager
def raw_database(directory: Path, database_url: str | None) -> Iterator[sa.Connection]:
    """One transaction on a store's database past the store (to count rows, or to damage them on purpose)."""
    engine = sa.create_engine(database_url or f"sqlite:///{Path(directory) / DATABASE_FILENAME}")
    try:
        with engine.begin() as db:
            yield db
    finally:
        engine.dispose()
