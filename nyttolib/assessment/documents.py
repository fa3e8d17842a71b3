"""Assessments as `.json` files: read with clear Swedish messages, written atomically; and a new, blank one."""

from __future__ import annotations

import json
import os
import stat
import sys
import tempfile
from pathlib import Path

from nyttolib.assessment.model import Assessment, Calculation
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


# An assessment is a few hundred kB at most; a larger file is no assessment (and /dev/zero never ends).
MAX_FILE_BYTES = 10 * 1024 * 1024


class DuplicateKeyError(ValueError):
    """The same field name twice in one JSON object: JSON readers disagree on which one counts."""


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict:
    seen: dict[str, object] = {}
    for key, value in pairs:
        if key in seen:
            raise DuplicateKeyError(key)
        seen[key] = value
    return seen


def parse_json(text: str) -> object:
    """JSON as nyttolib reads it: no field twice in one object, numbers of a sane length."""
    return json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_int=_json_integer)


def _read_limited(path: Path) -> bytes:
    """The file's bytes, refusing anything that is not a regular file or is too large, before reading it."""
    info = path.stat()  # follows links: a link to a regular file is fine
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(path)
    if not stat.S_ISREG(info.st_mode):
        raise _NotRegularFile(path)
    with path.open("rb") as stream:
        data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _TooLarge(path)
    return data


class _NotRegularFile(OSError):
    pass


class _TooLarge(OSError):
    pass


def _problem(message: str) -> ValidationResult:
    return ValidationResult(None, [Problem((), "", message)])


def check_file(path: str | os.PathLike[str], content: Content) -> ValidationResult:
    """Validate a file without raising: unreadable or malformed files become problems."""
    try:
        text = _read_limited(Path(path)).decode("utf-8-sig")
    except FileNotFoundError:
        return _problem(f"Filen {path} finns inte.")
    except IsADirectoryError:
        return _problem(f"{path} är en mapp, inte en fil.")
    except _NotRegularFile:
        return _problem(f"{path} är ingen vanlig fil (utan t.ex. en enhet eller en namngiven rörledning).")
    except _TooLarge:
        return _problem(f"Filen är större än {MAX_FILE_BYTES // (1024 * 1024)} MB och kan inte vara en bedömning.")
    except UnicodeDecodeError:
        return _problem("Filen är inte en textfil i UTF-8 (är det en JSON-fil?).")
    except PermissionError:
        return _problem(f"Du har inte behörighet att läsa filen {path}.")
    except OSError as exc:
        return _problem(f"Filen kan inte läsas: {exc.strerror or 'okänt fel'}.")
    return check_text(text, content)


def check_text(text: str, content: Content) -> ValidationResult:
    """Validate the text of a JSON file (as read from disk or uploaded in the browser)."""
    try:
        data = parse_json(text)
    except json.JSONDecodeError as exc:
        return _problem(f"Filen är inte giltig JSON (rad {exc.lineno}, kolumn {exc.colno}).")
    except DuplicateKeyError as exc:
        return _problem(f"Fältet \"{exc}\" står två gånger i samma objekt; ta bort det ena.")
    except RecursionError:
        return _problem("Filen är för djupt nästlad för att vara en bedömning.")
    except ValueError:  # Python refuses integers of more than 4 300 digits
        return _problem("Filen innehåller ett tal med orimligt många siffror.")
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


def blank_assessment(content: Content) -> Assessment:
    """A new assessment as the form starts one: the content's default hourly rates and the minimum number
    of years, no id yet (the form's new assessment and an imported listing's new initiatives alike)."""
    rates = {rate.id: rate.kr_per_hour for rate in content.settings.hourly_rates}
    return Assessment(calculation=Calculation(years=content.settings.minimum_years, hourly_rates=rates))
