""""Vad vill du göra?" on the start page: each route a plain, bookmarkable link to a page that exists, its texts
from start.yaml, escaped; a wrong page in start.yaml is reported with file and line."""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import pytest

from nyttolib.app.start_page import StartPage, routes_html
from nyttolib.content import ContentError, load_content
from nyttolib.paths import content_dir
from nyttolib.serve.server import NOTEBOOKS

ROUTES = [
    ("Jag har en idé eller ett behov", "behov.ipynb"),
    ("Bedöma ett initiativ", "bedomning.ipynb"),
    ("Portföljen", "portfolj.ipynb"),
    ("Leda en workshop", "workshop/ledare.ipynb"),
    ("Delta i en workshop", "workshop/delta.ipynb"),
    ("Checklistor", "checklista.ipynb"),
]


def _links(html: str) -> list[tuple[str, str]]:
    return [(text, href) for href, text in re.findall(r"<a href='([^']*)'>([^<]*)</a>", html)]


def test_the_routes_come_first_and_link_to_their_pages(store, content):
    page = StartPage(store=store, content=content)
    intro = page.children[0].value
    section = routes_html(content)
    assert intro.index("<h1>") < intro.index(section) < intro.index("Ny bedömning")  # right under the title
    assert section.startswith("<nav class='nyttolib-routes' aria-label='Vad vill du göra?'><h2>Vad vill du göra?</h2>")
    assert _links(section) == ROUTES
    assert "<span class='nyttolib-route-label'>Leda eller delta i en workshop:</span>" in section
    assert "Börja med behovet" in section
    assert section.count("<li>") == 5


@pytest.mark.parametrize("page", [href for _text, href in ROUTES])
def test_each_route_opens_a_page_of_the_app(page):
    """The href is relative to the start page (/voila/render/start.ipynb), so it is the page's own address."""
    assert (Path(NOTEBOOKS) / page).is_file()


def test_route_texts_are_escaped(content):
    hostile = "<img src=x onerror=alert(1)>"
    route = content.start.routes[3].model_copy(update={"label": hostile, "text": hostile})
    link = content.start.routes[0].model_copy(update={"label": hostile})
    start = content.start.model_copy(update={"routes_title": f"'{hostile}", "routes": [link, route]})
    html = routes_html(dataclasses.replace(content, start=start))
    assert "<img" not in html and html.count("&lt;img src=x onerror=alert(1)&gt;") == 5
    assert "aria-label='&#x27;&lt;img" in html


def test_no_routes_no_section(content):
    start = content.start.model_copy(update={"routes": []})
    assert routes_html(dataclasses.replace(content, start=start)) == ""


@pytest.mark.parametrize("page", ["javascript:alert(1)", "https://example.org/x.ipynb", "../hemlig.ipynb", "behov"])
def test_a_page_that_is_not_in_the_app_names_file_and_line(tmp_path, page):
    target = tmp_path / "content"
    shutil.copytree(content_dir(), target)
    path = target / "start.yaml"
    text = path.read_text(encoding="utf-8")
    line = text[: text.index("page: portfolj.ipynb")].count("\n") + 1
    path.write_text(text.replace("page: portfolj.ipynb", f"page: {page!r}"), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_content(target)
    (problem,) = [str(p) for p in caught.value.problems]
    assert problem.startswith(f"start.yaml, rad {line}: routes → punkt 3 → page: '{page}' ska vara en sida i appen")


def test_a_route_needs_a_page_or_links(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(content_dir(), target)
    path = target / "start.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    page: portfolj.ipynb\n", ""), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_content(target)
    (problem,) = [str(p) for p in caught.value.problems]
    assert problem.endswith("routes → punkt 3: ange antingen page (en sida) eller links (flera sidor)")
