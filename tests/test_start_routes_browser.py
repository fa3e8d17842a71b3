""""Vad vill du göra?" in Debian chromium: every route by keyboard alone (Tab to its link, a visible focus,
Enter opens its page at its own address), and axe-core with all rules finds nothing at 1280 and 320 px."""

from __future__ import annotations

import pytest
from test_start_routes import ROUTES

from browser import assert_no_axe_violations, axe_violations, browser_page, page_url, require_chromium, voila_server

pytestmark = pytest.mark.slow

ROUTES_NAV = "nav[aria-label='Vad vill du göra?']"
FOCUS = """(routes) => { const a = document.activeElement, s = getComputedStyle(a);
  return {text: a.textContent, inRoutes: !!a.closest(routes), outline: s.outlineStyle,
          width: parseFloat(s.outlineWidth), colour: s.outlineColor}; }"""


def _open_start(page, url: str) -> None:
    page.goto(page_url(url, "start.ipynb"))
    page.locator(ROUTES_NAV).wait_for(timeout=180_000)  # the first visit may wait for a kernel


def _tab_to(page, text: str, limit: int = 40) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS, ROUTES_NAV)
        if focus["inRoutes"] and focus["text"] == text:
            return focus
    raise AssertionError(f"Tab never reached the link {text!r}")


def test_the_routes_by_keyboard_alone_and_axe_at_1280_and_320(tmp_path):
    require_chromium()
    found: dict[str, list[str]] = {}
    with voila_server(tmp_path / "data") as url:
        for width in (1280, 320):
            with browser_page((width, 900)) as page:
                page.set_default_navigation_timeout(180_000)
                _open_start(page, url)
                found[f"startsidan, {width} px"] = axe_violations(page)
                page.screenshot(path=str(tmp_path / f"start-{width}.png"), full_page=True)
                assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing sideways
        with browser_page((1280, 900)) as page:
            page.set_default_navigation_timeout(180_000)
            for text, href in ROUTES:
                _open_start(page, url)
                focus = _tab_to(page, text)
                assert focus["outline"] == "solid" and focus["width"] >= 2, f"no visible focus on {text}: {focus}"
                target = page_url(url, href)
                with page.expect_response(lambda response, target=target: response.url == target) as answer:
                    page.keyboard.press("Enter")
                page.wait_for_url(target)
                assert answer.value.status == 200, f"{href}: HTTP {answer.value.status}"
                page.get_by_role("heading", level=1).first.wait_for(timeout=180_000)
    assert_no_axe_violations(found)
