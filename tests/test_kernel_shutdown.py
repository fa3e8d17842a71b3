"""A page's kernel ends when the page is closed or reloaded: Voilà's page posts /voila/api/shutdown/<kernel>
with the `_xsrf` cookie's value, so the server must set that cookie (before, it did not: every shutdown
failed its xsrf check with a 403 and each reload kept ≈112 MB until culled minutes later). The xsrf check
stays on. Also: /voila/templates/ paths that are no template file are 404s, not 500s."""

from __future__ import annotations

import http.cookiejar
import json
import urllib.error
import urllib.parse
import urllib.request

import pytest

from nyttolib.serve.server import workshop_server_options

from browser import browser_page, kernel_pids, page_url, require_chromium, voila_server, wait_for

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with voila_server(tmp_path_factory.mktemp("data"), **workshop_server_options(2)) as url:
        yield url


def status(url: str, opener=None, **request) -> int:
    try:
        with (opener or urllib.request.build_opener()).open(urllib.request.Request(url, **request), timeout=60) as r:
            return r.status
    except urllib.error.HTTPError as error:
        return error.code


def kernel_of(body: str) -> str:
    config = body.split('id="jupyter-config-data"', 1)[1].split(">", 1)[1].split("</script>", 1)[0]
    return json.loads(config)["kernelId"]


def test_the_shutdown_request_works_with_the_xsrf_cookie_and_only_with_it(server):
    cookies = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
    with browser.open(page_url(server, "delta.ipynb"), timeout=120) as response:
        kernel = kernel_of(response.read().decode())
    xsrf = next((c.value for c in cookies if c.name == "_xsrf"), None)
    assert xsrf, "the page sets no _xsrf cookie: its shutdown request cannot pass the xsrf check"
    shutdown = f"{server}voila/api/shutdown/{kernel}"
    # Without the token (or with a wrong one) the request is refused: xsrf protection is on.
    assert status(shutdown, browser, method="POST", data=b"") == 403
    assert status(shutdown, browser, method="POST", data=b"_xsrf=2|0|0|0") == 403
    assert status(f"{server}api/kernels/{kernel}", browser) == 200
    # As the page sends it (FormData with the cookie's value), it ends the kernel.
    body = urllib.parse.urlencode({"_xsrf": xsrf}).encode()
    assert status(shutdown, browser, method="POST", data=body) == 204
    assert status(f"{server}api/kernels/{kernel}", browser) == 404


def test_a_reloaded_page_leaves_no_kernel_behind(server):
    require_chromium()
    with browser_page() as page:
        page.goto(page_url(server, "delta.ipynb"))
        page.get_by_label("Kod från den som leder workshoppen").wait_for()
        first = json.loads(page.locator("#jupyter-config-data").inner_text())["kernelId"]
        assert kernel_pids(first), "the page's kernel process was not found"
        page.reload()  # the page's beforeunload sends the shutdown
        page.get_by_label("Kod från den som leder workshoppen").wait_for()
        second = json.loads(page.locator("#jupyter-config-data").inner_text())["kernelId"]
        assert second != first
        wait_for(lambda: status(f"{server}api/kernels/{first}") == 404, timeout=15, message="the kernel's end")
        wait_for(lambda: not kernel_pids(first), timeout=15, message="the kernel's process to end")
        page.close(run_before_unload=True)
    wait_for(lambda: status(f"{server}api/kernels/{second}") == 404, timeout=15, message="the closed page's kernel")


@pytest.mark.parametrize(
    "path",
    [
        "voila/templates/",
        "voila/templates/nyttolib",
        "voila/templates/nyttolib/",
        "voila/templates/nyttolib/static",
        "voila/templates/nyttolib/static/",
        "voila/templates/nyttolib/other/nyttolib.css",
        "voila/templates/nyttolib/static/no-such-file.css",
        "voila/templates/no-such-template/static/nyttolib.css",
        "voila/templates/nyttolib/static/../../../conf.json",
        "voila/templates/../static/x",
    ],
)
def test_a_path_under_templates_that_is_no_template_file_is_a_404(server, path):
    assert status(server + path) == 404


def test_a_template_file_is_served(server):
    assert status(server + "voila/templates/nyttolib/static/nyttolib.css") == 200
