"""The page request a notebook is rendering for. Voilà's preheated kernels run the notebook before any
request arrives, so whatever depends on the request or on the moment (the query string, the list of
stored assessments) must first wait for it."""

from __future__ import annotations

import logging
import os
import urllib.parse

log = logging.getLogger("nyttolib.app")


def wait_for_request() -> None:
    """Block until Voilà hands this (preheated) kernel a request; returns at once outside Voilà."""
    try:
        from voila.utils import wait_for_request as voila_wait
    except ImportError:
        return
    try:
        voila_wait()
    except Exception:  # not a Voilà kernel (JupyterLab, nbclient): nothing to wait for
        log.debug("No Voilà request to wait for", exc_info=True)


def query_parameter(name: str) -> str | None:
    """One parameter of the page's query string, after waiting for the request."""
    wait_for_request()
    values = urllib.parse.parse_qs(os.environ.get("QUERY_STRING", "")).get(name)
    return values[0] if values else None
