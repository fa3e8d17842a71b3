"""The "Var initiativet står" panel: an ordered list with the current step marked (aria-current="step"),
the next step and its role, every text escaped; and the form showing it for its assessment."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser

from nyttolib.app.form import AssessmentForm, assessment_form
from nyttolib.app.process_panel import assessment_facts, process_panel, process_panel_html
from nyttolib.app.session import AssessmentSession
from nyttolib.assessment.model import Assessment, Initiative
from nyttolib.content import load_content
from nyttolib.paths import content_dir
from nyttolib.process import PositionFacts, Process, Role, Step, load_process, load_process_file, position


class _Items(HTMLParser):
    """The list items of the panel's <ol>: (attributes, text) each."""

    def __init__(self):
        super().__init__()
        self.items: list[tuple[dict, str]] = []
        self.depth = 0
        self.in_ol = False

    def handle_starttag(self, tag, attrs):
        if tag == "ol":
            self.in_ol = True
        elif tag == "li" and self.in_ol:
            self.items.append((dict(attrs), ""))

    def handle_endtag(self, tag):
        if tag == "ol":
            self.in_ol = False

    def handle_data(self, data):
        if self.in_ol and self.items:
            attrs, text = self.items[-1]
            self.items[-1] = (attrs, text + data)


def _items(html: str) -> list[tuple[dict, str]]:
    parser = _Items()
    parser.feed(html)
    return parser.items


def test_the_helsingborg_panel_at_the_decision():
    process = load_process()
    found = position(process, PositionFacts(has_assessment=True, stage="klara_for_beslut"))
    html = process_panel_html(found, process)
    items = _items(html)
    assert [text for _attrs, text in items] == [
        "Initiativtagare – jag har ett behov! (klart)",
        "Intern synkronisering (klart)",
        "Projektcanvas (klart)",
        "Utvecklingsråd (klart)",
        "Beslut (här står initiativet nu)",
        "Rollfördelning",
        "Start!",
    ]
    assert [attrs.get("aria-current") for attrs, _text in items] == [None] * 4 + ["step", None, None]
    assert html.count("aria-current") == 1
    assert "<h2>Var initiativet står</h2>" in html
    assert "Process: Från behov till digitaliseringsprojekt (Helsingborg)" in html
    assert "<strong>Nästa steg: Rollfördelning</strong> – Det gör: SBF utvecklingsråd" in html
    assert "<li>Rådet utser en projektägare.</li>" in html  # what the next step holds
    assert "<h3>" in process_panel_html(found, process, heading_level=3)
    assert process_panel(found, process).value == html


def test_nothing_started_and_the_last_step():
    sundsvall = load_process(process_id="sundsvall")
    html = process_panel_html(position(sundsvall, PositionFacts()), sundsvall)
    assert "aria-current" not in html and "Inget steg är påbörjat ännu." in html
    assert "Nästa steg: Steg 0 - Under framtagande/påbörjat</strong> – Det gör: Verksamheten" in html
    html = process_panel_html(position(sundsvall, PositionFacts(stage="beslutade")), sundsvall)
    assert "Initiativet har nått processens sista steg." in html and "Nästa steg" not in html
    assert _items(html)[-1] == (
        {"class": "nyttolib-process-current", "aria-current": "step"},
        "Beslutade initiativ (här står initiativet nu)",
    )


def test_every_text_is_escaped():
    hostile = "<img src=x onerror=alert(1)>"
    process = Process(
        id="x",
        name=f"Process {hostile}",
        roles=[Role(id="r", name=f"Roll {hostile}")],
        steps=[
            Step(id="a", name=f"Steg {hostile}", role="r", reached_when={"facts": ["has_need"]}),
            Step(id="b", name=f"Nästa {hostile}", role="r", duties=[f"Gör {hostile}"]),
        ],
        texts=load_process_file().texts.model_copy(update={"title": f"Rubrik {hostile}"}),
    )
    html = process_panel_html(position(process, PositionFacts(has_need=True)), process)
    assert "<img" not in html
    assert html.count("&lt;img src=x onerror=alert(1)&gt;") == 7  # title, process, both steps, next step, role, duty
    # A Process built without texts takes the file's.
    bare = process.model_copy(update={"texts": None})
    assert "<h2>Var initiativet står</h2>" in process_panel_html(position(bare, PositionFacts()), bare)


def test_facts_from_an_assessment():
    assessment = Assessment(initiative=Initiative(name="x", need="  "))
    assert assessment_facts(assessment) == PositionFacts(has_assessment=True)
    assessment.initiative.need = "Långa handläggningstider"
    assessment.initiative.portfolio.stage = "steg_3"
    assert assessment_facts(assessment) == PositionFacts(has_need=True, has_assessment=True, stage="steg_3")


def immediately(_delay, callback):
    callback()


def _current(form: AssessmentForm) -> str:
    (match,) = re.findall(r"aria-current='step'><strong>([^<]*)</strong>", form.process_panel.value)
    return match


def test_the_form_shows_where_its_initiative_stands_and_follows_the_stage(store, content):
    form = AssessmentForm(AssessmentSession(store, content, scheduler=immediately))
    assert _current(form) == "Utvecklingsråd"  # an assessment is the council's material (process.yaml)
    assert "Nästa steg: Beslut" in form.process_panel.value
    assert form.children.index(form.process_panel) == form.children.index(form.progress) + 1
    stage = next(f for f in form.steps["initiative"].fields() if f.key == "initiative.portfolio.stage")
    stage.control.value = "beslutade"
    assert store.load(form.session.id)[0].initiative.portfolio.stage == "beslutade"
    assert _current(form) == "Rollfördelning"
    assert "Det gör: Projektledare" in form.process_panel.value


def test_the_form_says_which_line_of_a_broken_process_file_is_wrong(tmp_path, store):
    target = tmp_path / "content"
    shutil.copytree(content_dir(), target)
    path = target / "process.yaml"
    text = path.read_text(encoding="utf-8")
    line = text[: text.index("active: helsingborg")].count("\n") + 1
    path.write_text(text.replace("active: helsingborg", "active: malmo"), "utf-8")
    page = assessment_form(store=store, content=load_content(target))
    assert "Innehållsfilerna behöver rättas" in page.value
    assert f"process.yaml, rad {line}: active: &#x27;malmo&#x27; är inte en av processerna" in page.value
