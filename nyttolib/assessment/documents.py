"""Assessments as `.json` files: read with clear Swedish messages, written atomically."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from nyttolib.assessment.model import Assessment
from nyttolib.assessment.validation import Problem, ValidationResult, validate_document
from nyttolib.content import Content


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# Read once at import: os.umask can only be read by setting it, which is unsafe once threads run.
_UMASK = _current_umask()


def _json_integer(digits: str) -> int | float:
    """An integer literal; one too long for Python's int (over 4300 digits) becomes ±inf, so that the
    model refuses it with the field's range message instead of the parser raising a ValueError."""
    if len(digits.lstrip("-")) > sys.get_int_max_str_digits():
        return float(digits)
    return int(digits)


class AssessmentFileError(Exception):
    """The file cannot be used as an assessment; `problems` says why, in Swedish."""

    def __init__(self, path: str | os.PathLike[str], problems: list[Problem]):
        self.path = Path(path)
        self.problems = problems
        lines = "\n".join(f"- {problem}" for problem in problems)
        super().__init__(f"{self.path.name}: filen kan inte läsas som en bedömning:\n{lines}")


def check_file(path: str | os.PathLike[str], content: Content) -> ValidationResult:
    """Validate a file without raising: unreadable or malformed files become problems."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return ValidationResult(None, [Problem((), "", f"Filen {path} finns inte.")])
    except IsADirectoryError:
        return ValidationResult(None, [Problem((), "", f"{path} är en mapp, inte en fil.")])
    except UnicodeDecodeError:
        return ValidationResult(None, [Problem((), "", "Filen är inte en textfil i UTF-8 (är det en JSON-fil?).")])
    except OSError as exc:
        return ValidationResult(None, [Problem((), "", f"Filen kan inte läsas: {exc.strerror}.")])
    try:
        data = json.loads(text, parse_int=_json_integer)
    except json.JSONDecodeError as exc:
        return ValidationResult(
            None, [Problem((), "", f"Filen är inte giltig JSON (rad {exc.lineno}, kolumn {exc.colno}).")]
        )
    except RecursionError:
        return ValidationResult(None, [Problem((), "", "Filen är för djupt nästlad för att vara en bedömning.")])
    return validate_document(data, content)


def read_assessment_file(path: str | os.PathLike[str], content: Content) -> ValidationResult:
    """Read and validate a file; raises AssessmentFileError unless it is a valid assessment."""
    result = check_file(path, content)
    if not result.ok:
        raise AssessmentFileError(path, result.problems)
    return result


def write_bytes_atomically(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write via a temporary file and rename, so a crash never leaves half a file behind."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o666 & ~_UMASK)  # mkstemp creates 0600; give the file ordinary permissions
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def write_text_atomically(path: str | os.PathLike[str], text: str) -> Path:
    return write_bytes_atomically(path, text.encode("utf-8"))


def assessment_json(assessment: Assessment) -> str:
    return json.dumps(assessment.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def write_assessment_file(path: str | os.PathLike[str], assessment: Assessment) -> Path:
    return write_text_atomically(path, assessment_json(assessment))
