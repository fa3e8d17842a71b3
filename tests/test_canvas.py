"""The project canvas and the need before it: content, the canvas → assessment round trip and its links,
autosave that survives a killed kernel, a second tab, and exports that keep hostile text as text and
read back."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nyttolib.assessment.model import Assessment
from nyttolib.canvas.assessment import CANVAS_ONLY, MAPPING, assessment_from_canvas, canvas_fields, start_assessment
from nyttolib.canvas.content import load_canvas_content
from nyttolib.canvas.export import canvas_from_html, project_verdict, render_canvas_html, render_canvas_pdf
from nyttolib.canvas.model import INPUT_FIELDS, Canvas, missing_required, rule_problems
from nyttolib.canvas.session import CanvasSession, FieldError, canvas_store
from nyttolib.content import ContentError
from nyttolib.paths import content_dir
from nyttolib.portfolio.store import PortfolioStore
from tests.strategies import amounts, dates, hours, lines, long_texts

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = "<script>alert('x')</script> $x^2$ =SUM(A1:A9) &amp; </script><!--"

FULL = Canvas(
    name="Gemensam kundprofil",
    initiator="Ville Initiativtagare",
    department="Stadsbyggnadsförvaltningen",
    date=dt.date(2026, 3, 1),
    need="Idag sparas kundinformation i flera olika system utan integration mellan varandra.",
    target_group="Kunder och handläggare",
    desired_result="EN gemensam kundprofil som kan användas för all ärendehantering.",
    benefit="Bättre service mot kund och bättre datakvalitet.",
    start_date=dt.date(2026, 9, 1),
    end_date=dt.date(2027, 6, 30),
    estimated_hours=800.5,
    cost_kr=1_250_000,
    follow_up="Handläggningstiden mäts varje månad av enhetschefen.",
    proposed_owner="Avdelningschef Anna",
    resources="En systemutvecklare halvtid och en verksamhetsutvecklare.",
    risks="Leverantören hinner inte.\nData av dålig kvalitet.",
    solution_risks={"uppfunnet_behov": "nej", "information_finns": "ja"},
    project_criteria={"tillfalligt": "ja", "avgransat": "ja", "foljas_upp": "ja"},
    submitted_on=dt.date(2026, 3, 2),
)


def immediately(_delay, callback):
    callback()


def never(_delay, _callback):
    return None


@pytest.fixture
def texts():
    return load_canvas_content()


@pytest.fixture
def canvases(tmp_path):
    with canvas_store(tmp_path / "data") as store:
        yield store


@pytest.fixture
def assessments(tmp_path, content):
    with PortfolioStore(tmp_path / "data", content) as store:
        yield store


# -- content ---------------------------------------------------------------------------------------


def test_the_content_quotes_the_seed_and_covers_every_field(texts):
    seed = next((ROOT.parent.parent / "shared" / "seeds").glob("004_*.txt"), None)
    assert [i.id for i in texts.need.risks.items] and len(texts.need.project.criteria) == 3
    assert len(texts.need.examples.texts) == 2
    assert set(texts.canvas.fields) == set(INPUT_FIELDS)
    if seed is not None:  # the seed's own words (the shared folder is beside the work trees)
        source = " ".join(seed.read_text(encoding="utf-8").split())
        for quoted in [*texts.need.what_is_a_need.texts, *(c.criterion for c in texts.need.project.criteria)]:
            assert quoted in source
        for item in texts.need.risks.items:
            assert item.risk in source
        for example in texts.need.examples.texts:
            assert example.rstrip(".") in source


def test_a_broken_content_file_names_file_and_line(tmp_path):
    for name in ("need.yaml", "canvas.yaml"):
        shutil.copy(content_dir() / name, tmp_path / name)
    need = (tmp_path / "need.yaml").read_text(encoding="utf-8")
    (tmp_path / "need.yaml").write_text(need.replace('      if_no: "Bra – behovet gäller', '      iff_no: "Bra'))
    canvas = (tmp_path / "canvas.yaml").read_text(encoding="utf-8")
    (tmp_path / "canvas.yaml").write_text(canvas.replace("fields: [follow_up]", "fields: [folow_up]"))
    with pytest.raises(ContentError) as caught:
        load_canvas_content(tmp_path)
    problems = [str(p) for p in caught.value.problems]
    line = next(i for i, text in enumerate(need.splitlines(), 1) if "Bra – behovet gäller" in text)
    assert any(p.startswith(f"need.yaml, rad {line}") and "iff_no" in p for p in problems), problems
    assert any(p.startswith("canvas.yaml, rad ") and "folow_up" in p for p in problems), problems


# -- the model -------------------------------------------------------------------------------------


def test_bad_values_get_swedish_messages_and_rules_show_at_the_field(canvases):
    session = CanvasSession(canvases, scheduler=immediately)
    with pytest.raises(FieldError, match="ska vara ett tal från 0 till"):
        session.set("cost_kr", 1e12)
    with pytest.raises(FieldError, match="högst 500 tecken"):
        session.set("name", "x" * 501)
    session.set("start_date", dt.date(2027, 1, 1))
    session.set("end_date", dt.date(2026, 1, 1))
    assert rule_problems(session.canvas) == {"end_date": "Slutet kan inte ligga före starten."}
    assert missing_required(session.canvas, ["name", "need"]) == ["name", "need"]


def test_the_project_verdict_follows_the_answers(texts):
    assert project_verdict(Canvas(), texts) == texts.need.project.unanswered
    assert project_verdict(FULL, texts) == texts.need.project.all_yes
    some_no = FULL.model_copy(update={"project_criteria": {"tillfalligt": "ja", "avgransat": "nej"}})
    assert project_verdict(some_no, texts) == texts.need.project.some_no


# -- canvas → assessment ---------------------------------------------------------------------------


def test_every_canvas_field_has_a_place_in_the_assessment_or_stays_on_the_canvas():
    fields = set(Canvas.model_fields) - {"document_type", "schema_version"}
    assert set(MAPPING) | set(CANVAS_ONLY) == fields
    assert not set(MAPPING) & set(CANVAS_ONLY)


def test_starta_bedomning_keeps_every_field_and_links_both_ways(canvases, assessments, content):
    session = CanvasSession(canvases, scheduler=immediately, initial=FULL)
    session.flush()
    assessment_id = start_assessment(session.id, canvases, assessments, content)
    assessment, revision = assessments.load(assessment_id)
    assert revision == 1
    assert canvas_fields(assessment) == {name: getattr(FULL, name) for name in MAPPING}
    assert (assessment.initiative.name, assessment.initiative.initiator) == (FULL.name, FULL.initiator)
    assert assessment.initiative.department == FULL.department and assessment.initiative.need == FULL.need
    assert assessment.initiative.description == FULL.desired_result
    assert canvases.listing(session.id).link == assessment_id
    assert [c.id for c in canvases.linked(assessment_id)] == [session.id]
    # a second click opens the same assessment, and the portfolio lists it
    assert start_assessment(session.id, canvases, assessments, content) == assessment_id
    assert [row.id for row in assessments.list()] == [assessment_id]
    # the canvas itself is unchanged by it (link aside), and still opens
    assert CanvasSession(canvases, session.id).canvas == FULL


def test_an_empty_canvas_starts_an_empty_assessment(canvases, assessments, content):
    session = CanvasSession(canvases, scheduler=immediately)
    session.flush()
    assessment, _ = assessments.load(start_assessment(session.id, canvases, assessments, content))
    assert assessment.benefits == [] and assessment.plan.risks == [] and assessment.plan.prerequisites == []
    assert canvas_fields(assessment) == {name: getattr(Canvas(), name) for name in MAPPING}


@st.composite
def generated_canvases(draw) -> Canvas:
    def text(strategy):
        return draw(strategy)

    values = {
        "name": text(lines),
        "initiator": text(lines),
        "department": text(lines),
        "date": draw(dates),
        "need": text(long_texts),
        "target_group": text(lines),
        "desired_result": text(long_texts),
        "benefit": text(long_texts),
        "start_date": draw(dates),
        "end_date": draw(dates),
        "estimated_hours": draw(st.none() | hours),
        "cost_kr": draw(st.none() | amounts),
        "follow_up": text(long_texts),
        "proposed_owner": text(lines),
        "resources": text(long_texts),
        "risks": text(long_texts),
    }
    return Canvas(**values)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated_canvases())
def test_round_trip_over_generated_canvases(canvas):
    from nyttolib.content import load_content

    assessment = assessment_from_canvas(canvas, load_content())
    stored = Assessment.model_validate_json(json.dumps(assessment.model_dump(mode="json")))
    back = canvas_fields(stored)
    for name in MAPPING:
        expected = getattr(canvas, name)
        if name in ("benefit", "target_group") and not (canvas.benefit.strip() or canvas.target_group.strip()):
            expected = ""  # no benefit row for blank text
        if name in ("resources", "risks") and not expected.strip():
            expected = ""
        assert back[name] == expected, name


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(generated_canvases())
def test_generated_canvases_survive_the_stores(tmp_path_factory, content, canvas):
    folder = tmp_path_factory.mktemp("round")
    with canvas_store(folder) as canvases, PortfolioStore(folder, content) as assessments:
        session = CanvasSession(canvases, scheduler=immediately, initial=canvas)
        session.flush()
        assert CanvasSession(canvases, session.id).canvas == canvas
        assessment, _ = assessments.load(start_assessment(session.id, canvases, assessments, content))
        shown = canvas_fields(assessment)
        assert all(shown[name] == getattr(canvas, name) for name in MAPPING if getattr(canvas, name) not in ("",))


# -- autosave, drafts, a second tab ----------------------------------------------------------------


def test_every_change_is_a_revision_and_drafts_are_kept(canvases):
    session = CanvasSession(canvases, scheduler=immediately)
    session.set("need", "Ett behov")
    session.set_draft("cost_kr", "12,5,0")
    session.answer("project_criteria", "avgransat", "nej")
    reopened = CanvasSession(canvases, session.id)
    assert reopened.canvas.need == "Ett behov" and reopened.drafts == {"cost_kr": "12,5,0"}
    assert reopened.canvas.project_criteria == {"avgransat": "nej"}
    assert len(canvases.history(session.id)) == 3
    reopened.answer("project_criteria", "avgransat", None)
    assert CanvasSession(canvases, session.id).canvas.project_criteria == {}


def test_the_first_change_creates_the_canvas_at_once(canvases):
    session = CanvasSession(canvases, scheduler=never)  # a debounced save that never comes
    session.set("need", "Skrivet innan fliken stängs")
    assert session.id is not None
    assert CanvasSession(canvases, session.id).canvas.need == "Skrivet innan fliken stängs"
    session.set("target_group", "Kunder")  # pending: saved when the kernel is shut down cleanly
    assert session.flush() and CanvasSession(canvases, session.id).canvas.target_group == "Kunder"


KILLED = """
import asyncio, os, sys, time
from nyttolib.canvas.session import CanvasSession, canvas_store

async def main():
    session = CanvasSession(canvas_store(sys.argv[1]))
    session.set("name", "Dödad kärna")
    session.set("need", "Det här är skrivet")
    session.answer("solution_risks", "uppfunnet_behov", "ja")
    session.set_draft("cost_kr", "tolv")
    await asyncio.sleep(1.2)  # a second after the last keystroke
    print(session.id, flush=True)
    await asyncio.sleep(60)

asyncio.run(main())
"""


def test_a_killed_kernel_loses_nothing_typed_a_second_before(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(KILLED), str(tmp_path)], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        canvas_id = process.stdout.readline().strip()
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL
    with canvas_store(tmp_path) as store:
        session = CanvasSession(store, canvas_id)
    assert (session.canvas.name, session.canvas.need) == ("Dödad kärna", "Det här är skrivet")
    assert session.canvas.solution_risks == {"uppfunnet_behov": "ja"} and session.drafts == {"cost_kr": "tolv"}


def test_a_second_tab_is_merged_and_a_real_conflict_loses_nothing(canvases):
    first = CanvasSession(canvases, scheduler=immediately)
    first.set("name", "Kundprofil")
    second = CanvasSession(canvases, first.id, scheduler=immediately)
    second.set("need", "Från flik två")
    first.set("target_group", "Kunder")  # the store refuses the stale save: merged, nothing asked
    assert first.status == "saved" and first.canvas.need == "Från flik två"
    assert CanvasSession(canvases, first.id).canvas.target_group == "Kunder"
    assert second.check_for_updates() and second.canvas.target_group == "Kunder"
    second.set("risks", "Tvåans risk")
    first.set("risks", "Ettans risk")
    assert first.status == "conflict" and "Risker" in first.status_message
    first.set("resources", "Skrivet under konflikten")
    assert first.keep_mine()
    saved, _ = canvases.load(first.id)
    assert (saved["risks"], saved["resources"]) == ("Ettans risk", "Skrivet under konflikten")
    everything = [canvases.load(first.id, r.revision)[0]["risks"] for r in canvases.history(first.id)]
    assert "Tvåans risk" in everything  # the other version is in the history
    second.set("risks", "Tvåans igen")
    assert second.status == "conflict" and second.take_theirs()
    assert canvases.load(first.id)[0]["risks"] == "Ettans risk"


# -- exports ---------------------------------------------------------------------------------------


def hostile_canvas() -> Canvas:
    values = {name: HOSTILE for name in ("name", "initiator", "department", "need", "target_group")}
    values |= {name: HOSTILE for name in ("desired_result", "benefit", "follow_up", "proposed_owner")}
    values |= {"resources": HOSTILE, "risks": HOSTILE}
    return Canvas(**values, cost_kr=12.5)


def test_exports_keep_hostile_text_as_text_and_read_back(texts, tmp_path):
    canvas = hostile_canvas()
    drafts = {"estimated_hours": "<b>tolv</b>"}
    page = render_canvas_html(canvas, texts, drafts=drafts)
    assert "<script>alert" not in page and "<b>tolv" not in page and "<!--" not in page.split("</style>")[1]
    assert page.count("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; $x^2$ =SUM(A1:A9) &amp;amp;") >= 11
    assert page.count("<script") == 1  # only the data block, which nothing in the canvas can end
    assert canvas_from_html(page) == (canvas, drafts)
    path = tmp_path / "canvas.pdf"
    path.write_bytes(render_canvas_pdf(canvas, texts, drafts=drafts))
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils is not installed")
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.replace("\u200b", "").split())
    assert "<script>alert('x')</script> $x^2$ =SUM(A1:A9) &amp;" in flat
    assert "12,50 kr" in flat.replace("\xa0", " ")


def test_a_full_canvas_exports_every_field_and_reads_back(texts, tmp_path):
    page = render_canvas_html(FULL, texts, assessment="Bedömningen finns")
    assert canvas_from_html(page) == (FULL, {})
    for name in ("need", "target_group", "desired_result", "benefit", "follow_up", "proposed_owner"):
        assert getattr(FULL, name) in page
    assert "1 250 000" in page.replace("\xa0", " ") and "2026-09-01" in page
    path = tmp_path / "full.pdf"
    path.write_bytes(render_canvas_pdf(FULL, texts))
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        flat = " ".join(text.replace("\u200b", "").replace("\xa0", " ").split())
        assert "Gemensam kundprofil" in flat and "1 250 000 kr" in flat
        assert texts.need.project.all_yes in flat


def test_a_file_that_is_no_canvas_export_is_named(texts):
    from nyttolib.canvas.export import UnreadableExport

    with pytest.raises(UnreadableExport, match="ingen projektcanvas"):
        canvas_from_html("<html><body>Hej</body></html>")


# -- edit sequences in two tabs --------------------------------------------------------------------

TAB_FIELDS = ("name", "need", "target_group", "risks", "cost_kr")
operations = st.lists(
    st.tuples(
        st.sampled_from([0, 1]),
        st.sampled_from(["set", "draft", "answer", "look"]),
        st.sampled_from(TAB_FIELDS),
        lines,
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(operations)
def test_edit_sequences_in_two_tabs_lose_nothing_and_every_revision_opens(tmp_path_factory, steps):
    from nyttolib.canvas.session import split_document, stored_document

    with canvas_store(tmp_path_factory.mktemp("tabs")) as store:
        first = CanvasSession(store, scheduler=immediately, watch_scheduler=never)
        first.set("name", "Start")
        tabs = [first, CanvasSession(store, first.id, scheduler=immediately, watch_scheduler=never)]
        typed: list[tuple[str, object]] = []
        for tab, kind, name, text in steps:
            session = tabs[tab]
            if kind == "set":
                value = 1000.0 + len(text) if name == "cost_kr" else text
                session.set(name, value)
                typed.append((name, value))
            elif kind == "draft":
                session.set_draft(name, f"ogiltigt {text}")
                typed.append((f"draft:{name}", f"ogiltigt {text}"))
            elif kind == "answer":
                session.answer("project_criteria", "avgransat", "ja" if len(text) % 2 else "nej")
            else:
                session.check_for_updates()
            if session.status == "conflict":
                assert session.keep_mine()  # the user keeps theirs; the other version stays in the history
            if session.status == "saved" and session.revision == store.head_revision(first.id):
                assert store.load(first.id)[0] == stored_document(session.canvas, session.drafts)
        history = [store.load(first.id, r.revision)[0] for r in store.history(first.id)]
        for document in history:
            split_document(document)  # every revision opens
        for name, value in typed:
            if name.startswith("draft:"):
                assert any(d["drafts"].get(name[6:]) == value for d in history), (name, value)
            else:
                assert any(d[name] == value for d in history), (name, value)
