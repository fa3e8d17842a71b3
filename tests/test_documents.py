from __future__ import annotations

import json
import os
import stat

import pytest

from nyttolib.assessment.documents import (
    AssessmentFileError,
    read_assessment_file,
    write_assessment_file,
    write_text_atomically,
)
from nyttolib.assessment.model import SCHEMA_VERSION


def test_write_then_read_round_trips(content, invoice, tmp_path):
    path = write_assessment_file(tmp_path / "a" / "b.json", invoice)
    assert read_assessment_file(path, content).assessment == invoice
    mode = stat.S_IMODE(os.stat(path).st_mode)
    assert mode & stat.S_IRUSR and mode & stat.S_IWUSR and not mode & stat.S_IXUSR
    assert json.loads(path.read_text(encoding="utf-8"))["schema_version"] == SCHEMA_VERSION


def test_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "bedomning.json"
    target.write_text("gammalt", encoding="utf-8")

    def crash(*_args):
        raise OSError("disken är full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        write_text_atomically(target, "nytt")
    assert target.read_text(encoding="utf-8") == "gammalt"
    assert [p.name for p in tmp_path.iterdir()] == ["bedomning.json"]  # no temporary file left behind


def test_reading_an_invalid_file_raises_with_swedish_problems(content, tmp_path):
    path = tmp_path / "x.json"
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(AssessmentFileError) as caught:
        read_assessment_file(path, content)
    assert "x.json: filen kan inte läsas som en bedömning" in str(caught.value)
