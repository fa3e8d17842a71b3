"""Voilà as nyttolib serves it: only its own host names, and static files compressed and cacheable.

Two repairs of Voilà 0.5 as well. A page's kernel is shut down when the tab closes or reloads by a POST to
/voila/api/shutdown/<kernel> that carries the `_xsrf` cookie's value; but Voilà's page handlers never set
that cookie, so the POST failed its xsrf check (403) and every reload left a kernel running until culled.
Our page handlers set the cookie (xsrf protection stays on). And /voila/templates/ with a path that is not
`<template>/static/<file>` answered 500 (an assertion in Voilà's handler): it is a 404 now.

Run by `nyttolib serve` as `python -m nyttolib.serve.voila_app <voila arguments>`; `serve --workshop`
runs nyttolib.serve.workshop, which builds on this. The class takes the `Voila` section of voila.json
and the command line as Voilà does (traitlets passes a parent class's config to its subclasses).
"""

from __future__ import annotations

import os
import sys

import tornado.web
from jupyter_core.utils import ensure_async
from jupyter_server.base.handlers import FileFindHandler
from jupyter_server.utils import url_path_join
from jupyterlab_server.themes_handler import ThemesHandler
from traitlets import List, Unicode, default
from voila.app import Voila
from voila.handler import BaseVoilaHandler
from voila.paths import collect_static_paths
from voila.static_file_handler import MultiStaticFileHandler, TemplateStaticFileHandler

from nyttolib.serve.hosts import ALLOWED_HOSTS_ENV, HostPolicy, configured_hosts, install_host_guard
from nyttolib.serve.static import GzipCache, compressed_cached, default_cache_directory, folders_version

_STATIC_HANDLERS = (MultiStaticFileHandler, TemplateStaticFileHandler, FileFindHandler)


class NyttolibVoila(Voila):
    allowed_hosts = List(
        Unicode(),
        config=True,
        help=f"Host names the server answers besides localhost, 127.0.0.1, ::1 and --Voila.ip "
        f"(default: ${ALLOWED_HOSTS_ENV}, separated by commas).",
    )

    @default("allowed_hosts")
    def _allowed_hosts_from_environment(self) -> list[str]:
        return configured_hosts()

    def init_settings(self) -> dict:
        """Pages load Voilà's scripts from a versioned folder (before the kernel manager pre-renders any)."""
        self.static_version = folders_version(self.static_paths)
        self.voila_configuration.page_config_hook = _versioned_static(
            self.static_version, self.voila_configuration.page_config_hook
        )
        return super().init_settings()

    def init_handlers(self) -> list:
        """Voilà's routes behind the host guard, its static files compressed and cacheable."""
        install_host_guard(self.app, HostPolicy.for_server(self.ip, self.allowed_hosts))
        cache = GzipCache(default_cache_directory())
        versioned = (
            url_path_join(self.server_url, rf"/voila/static/v/{self.static_version}/(.*)"),
            MultiStaticFileHandler,
            {"paths": self.static_paths, "default_filename": "index.html"},
        )
        handlers = []
        for pattern, handler, *options in [versioned, *super().init_handlers()]:
            if handler is TemplateStaticFileHandler:
                handler = TemplateFiles
            if isinstance(handler, type) and issubclass(handler, BaseVoilaHandler):
                handler = _setting_xsrf_cookie(handler)
            if _serves_files_as_they_are(handler):
                handler = compressed_cached(handler, cache)
            handlers.append((pattern, handler, *options))
        cache.warm(self._static_roots())
        return handlers

    def _static_roots(self) -> list[str]:
        """The folders the page's scripts and styles come from, to compress before the first visitor."""
        template = collect_static_paths(["voila", "nbconvert"], self.voila_configuration.template)
        return [*self.static_paths, *template, *self.labextensions_path]


class TemplateFiles(TemplateStaticFileHandler):
    """A template's static files; any other path under /voila/templates/ is a 404 (Voilà's handler fails
    with an assertion or an unpacking error on it: a 500)."""

    def parse_url_path(self, path: str) -> str:
        parts = path.split("/", 2)
        if len(parts) != 3 or parts[1] != "static" or not parts[0] or not parts[2]:
            raise tornado.web.HTTPError(404)
        try:
            return super().parse_url_path(path)
        except ValueError:  # no template of that name
            raise tornado.web.HTTPError(404) from None

    @classmethod
    def get_absolute_path(cls, root: str, path: str) -> str:
        parts = os.path.normpath(path).split(os.path.sep, 2)
        if len(parts) != 3 or parts[1] != "static":  # e.g. a path with ".." that leaves the static folder
            raise tornado.web.HTTPError(404)
        return super().get_absolute_path(root, path)


def _setting_xsrf_cookie(handler: type) -> type:
    """The page handler, setting the `_xsrf` cookie that the page sends back with its shutdown request."""

    class PageHandler(handler):  # type: ignore[misc, valid-type]
        async def prepare(self, *args, **kwargs):
            await ensure_async(super().prepare(*args, **kwargs))
            if not self._finished:
                self.xsrf_token  # noqa: B018 - reading it sets the cookie (tornado), once per browser

    PageHandler.__name__ = PageHandler.__qualname__ = f"XsrfCookie{handler.__name__}"
    return PageHandler


def _versioned_static(version: str, previous):
    """A page_config hook: Voilà's scripts from /voila/static/v/<version>/ (webpack loads its chunks from there)."""

    def hook(page_config, base_url, settings, log, voila_configuration, notebook_path):
        if previous is not None:
            page_config = previous(page_config, base_url, settings, log, voila_configuration, notebook_path)
        page_config["fullStaticUrl"] = url_path_join(base_url, f"voila/static/v/{version}")
        return page_config

    return hook


def _serves_files_as_they_are(handler: object) -> bool:
    """Voilà's plain file handlers (the themes handler rewrites its CSS on the way, so it stays as it is)."""
    if not isinstance(handler, type):
        return False
    return issubclass(handler, _STATIC_HANDLERS) and not issubclass(handler, ThemesHandler)


def main() -> None:
    sys.argv[0] = "voila"
    sys.exit(NyttolibVoila.launch_instance())


if __name__ == "__main__":
    main()
