"""Voilà's static files compressed and cacheable: ≈5 MB of JavaScript a first visit fetches, ≈1.3 MB gzipped.

Voilà serves its files uncompressed; its labextension files, whose names carry a content hash, are even
marked no-cache. The handlers here are Voilà's own with two changes:
- gzip, compressed once per file (kept in memory and in the user's cache folder, so a restart does not
  compress again): tornado's `compress_response` would compress all of it again for every visitor, about
  a second of CPU in the server's only thread;
- Cache-Control: files whose URL carries a version (`?v=…`, a content hash in the name, or a
  `/v/<version>/` folder) are immutable for a year; the others are revalidated (`no-cache` with an
  ETag per encoding, answered by 304 when unchanged).
Voilà's own scripts (`/voila/static/1234.voila.js`, named by chunk number only) are loaded from a
versioned folder, `/voila/static/v/<version>/` (see nyttolib.serve.voila_app): a repeat visit then asks
the server nothing for them.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import os
import re
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path

import tornado.web

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
_HASHED_NAME = re.compile(r"(^|[.\-_])[0-9a-f]{16,}([.\-_]|$)")
_VERSION_FOLDER = re.compile(r"/v/[0-9a-f]{16,}/")
_COMPRESSIBLE_TYPES = {
    "application/javascript",
    "application/x-javascript",
    "application/json",
    "application/xml",
    "image/svg+xml",
}
_COMPRESSIBLE_SUFFIXES = {".js", ".mjs", ".css", ".json", ".svg", ".html", ".txt", ".xml"}
MAX_COMPRESSED_FILE = 20 * 1024 * 1024  # larger files are sent as they are


def is_versioned(path: str, arguments: dict) -> bool:
    """A URL that changes whenever the file does: safe to cache for good."""
    return "v" in arguments or bool(_HASHED_NAME.search(os.path.basename(path)) or _VERSION_FOLDER.search(path))


def folders_version(roots: Iterable[str]) -> str:
    """A version for the files under these folders: it changes when any file is added, removed or changed."""
    digest = hashlib.sha256()
    for root in roots:
        for folder, dirs, files in os.walk(root):
            dirs.sort()
            for name in sorted(files):
                path = os.path.join(folder, name)
                with contextlib.suppress(OSError):
                    status = os.stat(path)
                    digest.update(f"{os.path.relpath(path, root)}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:20]


def compressible(content_type: str) -> bool:
    kind = content_type.split(";")[0].strip().lower()
    return kind.startswith("text/") or kind in _COMPRESSIBLE_TYPES


def accepts_gzip(accept_encoding: str) -> bool:
    """The client takes gzip (and has not refused it with q=0)."""
    for part in accept_encoding.lower().split(","):
        coding, _, parameters = part.strip().partition(";")
        if coding.strip() in ("gzip", "*"):
            return parameters.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def default_cache_directory() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("nyttolib", appauthor=False)) / "gzip"


class GzipCache:
    """gzip bytes of files: in memory by path, size and modification time; on disk by content hash."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self._memory: dict[tuple[str, int, int], bytes] = {}
        self._lock = threading.Lock()

    def get(self, path: str) -> bytes | None:
        """The file gzipped, or None if it is too large or cannot be read."""
        try:
            status = os.stat(path)
        except OSError:
            return None
        if status.st_size > MAX_COMPRESSED_FILE:
            return None
        key = (path, status.st_size, status.st_mtime_ns)
        cached = self._memory.get(key)
        if cached is None:
            try:
                data = Path(path).read_bytes()
            except OSError:
                return None
            digest = hashlib.sha256(data).hexdigest()  # on disk by content: a changed file is never served stale
            cached = self._from_disk(digest)
            if cached is None:
                cached = gzip.compress(data, compresslevel=6, mtime=0)
                self._store(digest, cached)
            with self._lock:
                self._memory[key] = cached
        return cached

    def warm(self, roots: Iterable[str]) -> threading.Thread:
        """Compress every compressible file under these folders in the background (zlib frees the GIL)."""

        def run() -> None:
            for root in roots:
                for folder, _dirs, files in os.walk(root):
                    for name in files:
                        if os.path.splitext(name)[1].lower() in _COMPRESSIBLE_SUFFIXES:
                            self.get(os.path.join(folder, name))

        thread = threading.Thread(target=run, name="nyttolib-gzip", daemon=True)
        thread.start()
        return thread

    def _disk_path(self, digest: str) -> Path | None:
        return None if self.directory is None else self.directory / f"{digest}.gz"

    def _from_disk(self, digest: str) -> bytes | None:
        stored = self._disk_path(digest)
        if stored is None:
            return None
        try:
            return stored.read_bytes()
        except OSError:
            return None

    def _store(self, digest: str, compressed: bytes) -> None:
        """Write atomically; a cache folder that cannot be written only costs compressing again."""
        stored = self._disk_path(digest)
        if stored is None:
            return
        temporary = None
        try:
            stored.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=stored.parent, suffix=".tmp")
            with os.fdopen(handle, "wb") as file:
                file.write(compressed)
            os.replace(temporary, stored)
        except OSError:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)


class CompressedCachedMixin:
    """For tornado StaticFileHandler subclasses: gzip from the cache, and our Cache-Control."""

    gzip_cache: GzipCache | None = None
    _gzipped: bytes | None = None

    def set_headers(self) -> None:
        self._gzipped = self._choose_gzip()
        super().set_headers()  # type: ignore[misc]
        if is_versioned(self.request.path, self.request.arguments):  # type: ignore[attr-defined]
            self.set_header("Cache-Control", IMMUTABLE)  # type: ignore[attr-defined]
        else:
            self.set_header("Cache-Control", REVALIDATE)  # type: ignore[attr-defined]
            self.clear_header("Expires")  # type: ignore[attr-defined]
        self.set_header("Vary", "Accept-Encoding")  # type: ignore[attr-defined]
        if self._gzipped is not None:
            self.set_header("Content-Encoding", "gzip")  # type: ignore[attr-defined]
            gzipped = self._gzipped
            # tornado reads the body through get_content (a classmethod it also uses to hash the file)
            self.get_content = lambda _path, start=None, end=None: gzipped[start:end]

    def _choose_gzip(self) -> bytes | None:
        request = self.request  # type: ignore[attr-defined]
        if self.gzip_cache is None or "Range" in request.headers:
            return None
        if not accepts_gzip(request.headers.get("Accept-Encoding", "")):
            return None
        if not compressible(self.get_content_type()):  # type: ignore[attr-defined]
            return None
        return self.gzip_cache.get(self.absolute_path)  # type: ignore[attr-defined]

    def compute_etag(self) -> str | None:
        """The file's hash, marked per encoding (the two representations differ byte for byte)."""
        version = tornado.web.StaticFileHandler._get_cached_version(self.absolute_path)  # type: ignore[attr-defined]
        if not version:
            return None
        return f'"{version}-gzip"' if self._gzipped is not None else f'"{version}"'

    def get_content_size(self) -> int:
        if self._gzipped is not None:
            return len(self._gzipped)
        return super().get_content_size()  # type: ignore[misc]


def compressed_cached(handler: type[tornado.web.StaticFileHandler], cache: GzipCache) -> type:
    """The handler class with compression from `cache` and our caching headers."""
    return type(f"CompressedCached{handler.__name__}", (CompressedCachedMixin, handler), {"gzip_cache": cache})
