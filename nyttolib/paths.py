"""Where nyttolib finds its content files and keeps its database."""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR_ENV = "NYTTOLIB_DATA_DIR"
CONTENT_DIR_ENV = "NYTTOLIB_CONTENT_DIR"
DATABASE_FILENAME = "nyttolib.sqlite3"

_PACKAGE_DIR = Path(__file__).resolve().parent


def repository_data_dir() -> Path:
    """The `data/` folder: beside the package in a checkout, bundled inside it in a wheel."""
    bundled = _PACKAGE_DIR / "_data"
    if bundled.is_dir():
        return bundled
    return _PACKAGE_DIR.parent / "data"


def templates_dir() -> Path:
    """The `templates/` folder (report and Voilà templates): beside the package in a checkout, bundled in a wheel."""
    bundled = _PACKAGE_DIR / "_templates"
    if bundled.is_dir():
        return bundled
    return _PACKAGE_DIR.parent / "templates"


def content_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The folder of content files: an explicit override, the environment variable, or the default."""
    chosen = override or os.environ.get(CONTENT_DIR_ENV)
    return Path(chosen) if chosen else repository_data_dir() / "content"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Where assessments are stored: an explicit override, the environment variable, or the user's data dir."""
    chosen = override or os.environ.get(DATA_DIR_ENV)
    if chosen:
        return Path(chosen).expanduser()
    return default_data_dir()


def default_data_dir() -> Path:
    """The user's own data folder for nyttolib (e.g. ~/.local/share/nyttolib)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("nyttolib", appauthor=False))
