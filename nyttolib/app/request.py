"""The page request a notebook is rendering for. Voilà's preheated kernels run the notebook before any
request arrives, so whatever depends on the request or on the moment (the query string, the list of
stored assessments) must first wait for it."""

from __future__ import annotations

import logging
import os
import urllib.parse

log = logging.getLogger("nyttolib.app")


_received = False


def wait_for_request() -> None:
    """Block until Voilà hands this (preheated) kernel a request; returns at once outside Voilà.

    Only the first call waits: a kernel serves one request, and Voilà sends its details once, so a
    second wait would block for ever.
    """
    global _received
    if _received:
        return
    try:
        from voila.utils import wait_for_request as voila_wait
    except ImportError:
        _received = True
        return
    try:
        voila_wait()
    except Exception:  # not a Voilà kernel (JupyterLab, nbclient): nothing to wait for
        log.debug("No Voilà request to wait for", exc_info=True)
    _received = True


def query_parameter(name: str) -> str | None:
    """One parameter of the page's query string, after waiting for the request."""
    wait_for_request()
    values = urllib.parse.parse_qs(os.environ.get("QUERY_STRING", "")).get(name)
    return values[0] if values else None


def page_address(page: str, **parameters: str) -> str:
    """The full address of a page beside the current one, as the browser reached the server (for links to
    copy or bookmark); a relative link outside Voilà."""
    query = f"?{urllib.parse.urlencode(parameters)}" if parameters else ""
    host, port = os.environ.get("SERVER_NAME"), os.environ.get("SERVER_PORT")
    script = os.environ.get("SCRIPT_NAME", "")
    if not host or not script:
        return page + query
    folder = script.rsplit("/", 1)[0]
    return f"http://{host}{':' + port if port else ''}{folder}/{page}{query}"
