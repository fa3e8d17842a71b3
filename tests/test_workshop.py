"""The workshop beyond the store: a participant's session, the facilitator's notes and action plan, the
compilation as report (HTML, PDF) and raw answers (CSV, xlsx), comparison over time, the command line,
and the pages' widgets driven without a browser."""

from __future__ import annotations

import csv
import io
import sqlite3
import subprocess
import sys

import pytest

from nyttolib.cli import run
from nyttolib.survey.facilitation import FacilitationSession
from nyttolib.survey.participant import ParticipantSession
from nyttolib.survey.questionnaire import load_questionnaires
from nyttolib.survey.report import compile_parts, render_workshop_html
from nyttolib.survey.statistics import DONT_KNOW, statement_key
from nyttolib.survey.store import ClosedError, WorkshopStore

from conftest import BOTH_DATABASES, ROOT, url_for

QUESTIONNAIRES = load_questionnaires()[0]
MATURITY = QUESTIONNAIRES["mognadsanalys-nyttorealisering"]
SYSTEMS = QUESTIONNAIRES["klassificering-is-it-system"]


def at_once(_delay, callback):
    """A scheduler that saves immediately (the debounce is tested in test_session for the form)."""
    callback()


class ManualScheduler:
    """Holds the pending save until the test says the pause is over."""

    def __init__(self):
        self.pending = []

    def __call__(self, _delay, callback):
        handle = type("Handle", (), {"cancelled": False})()
        handle.cancel = lambda: setattr(handle, "cancelled", True)
        self.pending.append((handle, callback))
        return handle

    def run(self):
        pending, self.pending = self.pending, []
        for handle, callback in pending:
            if not handle.cancelled:
                callback()


@pytest.fixture
def store(request, tmp_path):
    """SQLite, or the database a test names with `on_both_databases`."""
    with WorkshopStore(tmp_path, database_url=url_for(request, getattr(request, "param", "sqlite"))) as opened:
        yield opened


# The tests of what the sessions save run on PostgreSQL too; those of reports and pages on SQLite only.
on_both_databases = pytest.mark.parametrize("store", BOTH_DATABASES, indirect=True)


def answer_all(store, workshop, values, role=None, submit=True):
    """One participant answering every statement with (now, target) from `values` in turn."""
    token = store.join(workshop.join_code, role=role)
    answers = {}
    for index, (dimension, statement) in enumerate(MATURITY.statements()):
        now, target = values[index % len(values)]
        answers[statement_key(dimension.id, statement.id)] = {"now": now, "target": target}
    store.save_answers(token, answers, submit=submit)
    return token


@on_both_databases
def test_a_participant_session_saves_after_the_pause_and_keeps_what_is_not_a_number(store):
    workshop = store.create("Systemgenomgång", SYSTEMS.id)
    token = store.join(workshop.join_code, role="Verksamheten", subject="Procapita")
    scheduler = ManualScheduler()
    session = ParticipantSession(store, QUESTIONNAIRES, token, scheduler=scheduler)
    # Verksamheten answers the areas of value and economy, not technology or supplier.
    assert {d.answered_by for d in session.dimensions()} == {"Verksamheten"}
    first = session.dimensions()[0]
    session.set_level(first.id, first.statements[0].id, "now", SYSTEMS.levels[0])
    assert session.status == "pending" and store.response(token)[1].answers == {}
    scheduler.run()
    assert store.response(token)[1].answers[statement_key(first.id, first.statements[0].id)] == {
        "now": SYSTEMS.levels[0]
    }
    with pytest.raises(ValueError, match="Skriv ett tal"):
        session.set_number("licenskostnad", "12,5,0")
    scheduler.run()
    stored = store.response(token)[1].answers
    assert stored["_drafts"] == {"licenskostnad": "12,5,0"}  # kept as typed, never lost
    assert session.number_text("licenskostnad") == "12,5,0"
    session.set_number("licenskostnad", "1 250,5")
    scheduler.run()
    stored = store.response(token)[1].answers
    assert stored["_numbers"] == {"licenskostnad": 1250.5} and stored["_drafts"] == {}
    with pytest.raises(ValueError, match="Skriv ett tal från 0 till 10\u00a0000\u00a0000\u00a0000"):
        session.set_number("anvandare", "-3")
    session.set_number("licenskostnad", "40 tkr")  # the field's unit may follow the number
    scheduler.run()
    assert store.response(token)[1].answers["_numbers"] == {"licenskostnad": 40}
    with pytest.raises(ValueError, match="alternativen"):
        session.set_level(first.id, first.statements[0].id, "now", 99)


@on_both_databases
def test_submitting_and_what_a_closed_survey_does(store):
    workshop = store.create("Mognad", MATURITY.id)
    token = store.join(workshop.join_code)
    session = ParticipantSession(store, QUESTIONNAIRES, token, scheduler=at_once)
    dimension = session.dimensions()[0]
    assert len(session.dimensions()) == len(MATURITY.dimensions)  # no groups: everyone answers everything
    for statement in dimension.statements:
        session.set_level(dimension.id, statement.id, "now", 2)
    assert session.answered(dimension) == 0  # börläge is asked too
    for statement in dimension.statements:
        session.set_level(dimension.id, statement.id, "target", DONT_KNOW)
    assert session.answered(dimension) == len(dimension.statements)
    assert [d.id for d, _ in session.unanswered()] == [d.id for d in MATURITY.dimensions[1:]]
    session.submit()
    assert session.submitted_at and store.response(token)[1].submitted_at == session.submitted_at
    store.close_survey(workshop.facilitator_code)
    session.set_comment(dimension.id, "efter stängning")  # the kernel does not know yet: the save is refused
    assert session.closed and session.status == "closed"
    assert "_comments" not in store.response(token)[1].answers
    with pytest.raises(ClosedError):
        session.set_comment(dimension.id, "igen")
    reopened = ParticipantSession(store, QUESTIONNAIRES, token, scheduler=at_once)
    assert reopened.closed and reopened.level(dimension.id, dimension.statements[0].id) == 2
    store.reopen_survey(workshop.facilitator_code)
    ParticipantSession(store, QUESTIONNAIRES, token, scheduler=at_once).set_comment(dimension.id, "öppen igen")
    assert store.response(token)[1].answers["_comments"] == {dimension.id: "öppen igen"}


@on_both_databases
def test_notes_and_action_plan_are_saved_and_sorted(store):
    workshop = store.create("Mognad", MATURITY.id)
    scheduler = ManualScheduler()
    session = FacilitationSession(store, workshop.facilitator_code, scheduler=scheduler)
    session.set_note("folja-upp", "Ingen tar hem frigjord tid")
    session.add_action("folja-upp")
    session.update_action(
        0, action="Rutin för hemtagning", responsible="Ekonomichef", due="2027-03-31", priority="medel"
    )
    session.add_action()
    session.update_action(1, action="Gemensam modell", priority="hog", due="2027-06-30")
    session.add_action()  # an empty row is not part of the plan
    assert store.facilitation(workshop.id) == {}
    scheduler.run()
    stored = store.facilitation(workshop.id)
    assert stored["notes"] == {"folja-upp": "Ingen tar hem frigjord tid"} and len(stored["actions"]) == 3
    reloaded = FacilitationSession(store, workshop.facilitator_code, scheduler=at_once)
    assert [a.action for a in reloaded.document.sorted_actions()] == ["Gemensam modell", "Rutin för hemtagning"]
    with pytest.raises(ValueError, match="Värdet kunde inte användas"):
        reloaded.update_action(0, priority="bråttom")
    reloaded.remove_action(2)
    assert len(store.facilitation(workshop.id)["actions"]) == 2
    with pytest.raises(Exception, match="Koden stämmer inte"):
        FacilitationSession(store, workshop.join_code)  # the participants' code opens nothing here


def test_the_report_shows_highlights_hides_small_groups_and_escapes_everything(store):
    workshop = store.create("Mognad <script>alert(1)</script>", MATURITY.id, "2026-11-22")
    for values in ([(1, 5)], [(1, 5)], [(5, 5)], [(5, 5)]):
        answer_all(store, workshop, values, role="Chef")
    token = answer_all(store, workshop, [(2, 3)], role="<b>IT</b>")
    answers = store.response(token)[1].answers
    answers["_comments"] = {"folja-upp": "{{ 7*7 }} <img src=x onerror=alert(1)>"}
    store.save_answers(token, answers)
    facilitation = FacilitationSession(store, workshop.facilitator_code, scheduler=at_once)
    facilitation.set_note("ledning-och-styrning", "**inte fetstil** <i>x</i>")
    facilitation.add_action()
    facilitation.update_action(0, action='=HYPERLINK("http://x")', priority="hog")
    html = render_workshop_html(store, MATURITY, workshop)
    for raw in ("<script>alert(1)", "<img src=x", "<i>x</i>", "<b>IT</b>"):
        assert raw not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "{{ 7*7 }}" in html
    # Nuläge 1, 1, 5, 5, 2: median 2, quartiles 1 and 5 → spread 4; börläge 5 → gap 3. On every statement
    # alike, so none stands out: no flag on each row, but the note says that the whole group disagrees.
    assert "Typisk spridning här: 4,0 steg om nuläget, 0,0 om börläget: gruppen är oenig om de flesta" in html
    assert "Typiskt gap: 3,0 steg: de flesta påståendena har ett stort gap." in html
    assert html.count('<td class="flags"></td>') == len(MATURITY.statements())
    assert '<th scope="col" class="num">Chef</th>' in html and "&lt;b&gt;IT" not in html  # one IT answer: not apart
    assert "1 roll med färre än 2 svarande visas inte separat" in html
    assert html.count('<img src="data:image/png;base64,') == 2  # all, and Chef


def test_a_per_system_questionnaire_is_compiled_per_system(store):
    workshop = store.create("System", SYSTEMS.id)
    tokens = {}
    for subject, role, level, licence in [
        ("Procapita", "Verksamheten", 1, 100),
        (" procapita", "Verksamheten", 2, 300),  # the same system, written differently
        ("Ecos", "Verksamheten", 3, 50),
    ]:
        token = store.join(workshop.join_code, role=role, subject=subject)
        dimension = next(d for d in SYSTEMS.dimensions if d.answered_by == role)
        answers = {statement_key(dimension.id, s.id): {"now": level} for s in dimension.statements}
        answers["_numbers"] = {"licenskostnad": licence}
        store.save_answers(token, answers)
        tokens[subject.strip().capitalize()] = dimension
    assert store.subjects(workshop.id) == ["Ecos", "Procapita"]  # offered once each, as first written
    parts = compile_parts(SYSTEMS, store.responses_of(workshop.id), draw=False)
    assert [(p.subject, p.respondents) for p in parts] == [("Ecos", 1), ("Procapita", 2)]
    procapita = parts[1]
    licence = next(row for row in procapita.numbers if row["field"].id == "licenskostnad")
    assert (licence["count"], licence["median"], licence["low"], licence["high"]) == (2, 200, 100, 300)
    dimension = next(d for d in procapita.compilation.dimensions if d.dimension.id == tokens["Procapita"].id)
    assert dimension.now == 1.5  # medians of 1 and 2 for each statement


def test_raw_answers_as_csv_and_xlsx(store):
    from openpyxl import load_workbook

    from nyttolib.survey.export import answers_csv, answers_xlsx

    workshop = store.create("Mognad", MATURITY.id)
    answer_all(store, workshop, [(1, 3), (DONT_KNOW, 5)], role="=cmd|' /C calc'!A0")
    answer_all(store, workshop, [(4, 4)], role="Chef", submit=False)
    responses = store.responses_of(workshop.id)
    rows = list(csv.reader(io.StringIO(answers_csv(MATURITY, responses).decode("utf-8-sig")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Deltagare", "Namn", "Roll/verksamhet"] and "Börläge (text)" in header
    assert len(body) == 2 * len(MATURITY.statements())
    first = dict(zip(header, body[0], strict=True))
    assert first["Deltagare"] == "Deltagare 1" and first["Roll/verksamhet"].startswith("'=")  # not a formula
    assert (first["Nuläge"], first["Nuläge (text)"], first["Börläge"]) == ("1", "Görs inte", "3")
    second = dict(zip(header, body[1], strict=True))
    assert (second["Nuläge"], second["Nuläge (text)"]) == ("", "Vet ej")
    last = dict(zip(header, body[-1], strict=True))
    assert (last["Deltagare"], last["Inskickad (svensk tid)"], last["Nuläge"]) == ("Deltagare 2", "", "4")
    book = load_workbook(io.BytesIO(answers_xlsx(MATURITY, responses, workshop)))
    sheet = book["Svar"]
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == header and len(values) == len(rows)
    assert values[1][header.index("Nuläge")] == 1 and values[1][header.index("Roll/verksamhet")].startswith("=")
    assert sheet.cell(row=2, column=3).data_type == "s"  # the role is text, never a formula


def test_workshops_are_compared_over_time(store):
    earlier = store.create("Mognad 2025", MATURITY.id, "2025-11-20")
    later = store.create("Mognad 2026", MATURITY.id, "2026-11-22")
    store.create("Annan enkät", SYSTEMS.id, "2025-01-01")
    answer_all(store, earlier, [(1, 4)])
    answer_all(store, earlier, [(2, 4)])
    answer_all(store, later, [(3, 5)])
    data = ["--data-dir", str(store.directory), "workshop", "compare"]
    out = io.StringIO()
    assert run([*data, later.facilitator_code], out=out) == 0
    assert "Ingen tidigare workshop är vald" in out.getvalue() and earlier.id[:12] in out.getvalue()
    assert "Mognad 2025" not in render_workshop_html(store, MATURITY, later)  # nothing compared until chosen
    out = io.StringIO()
    assert run([*data, later.facilitator_code, "--with", earlier.id[:8]], out=out) == 0
    text = out.getvalue()
    assert "Mognad 2025 (2025-11-20, 2 svarande) | Mognad 2026 (2026-11-22, 1 svarande)" in text
    assert "- Ledning och styrning: 1,5 / 4,0 | 3,0 / 5,0" in text and "Annan enkät" not in text
    html = render_workshop_html(store, MATURITY, later)
    assert "Mognad 2025 (2025-11-20, 2 svarande)" in html and "1,5 / 4,0" in html
    out = io.StringIO()
    run([*data, earlier.facilitator_code], out=out)
    assert "ingen tidigare workshop" in out.getvalue()


def test_workshop_command_line(tmp_path):
    data = str(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    assert run(["--data-dir", data, "workshop", "create", "Höst", "--date", "2026-11-22"], out=out, err=err) == 0
    code = next(line.split()[-1] for line in out.getvalue().splitlines() if "deltagarkod" in line)
    secret = next(line.split()[1] for line in out.getvalue().splitlines() if "ledarkod:" in line)
    assert run(["--data-dir", data, "workshop", "create", "X", "--questionnaire", "finns-inte"], err=err) == 2
    assert run(["--data-dir", data, "workshop", "create", "X", "--date", "22/11"], err=err) == 2
    out = io.StringIO()
    assert run(["--data-dir", data, "workshop", "list"], out=out) == 0
    assert "Höst" in out.getvalue() and code not in out.getvalue()  # the codes are not stored as they are
    assert run(["--data-dir", data, "workshop", "export", "OKÄND", "--out", str(tmp_path / "ut")], err=err) == 1
    assert run(["--data-dir", data, "workshop", "export", secret, "--format", "doc", "--out", "x"], err=err) == 2
    out = io.StringIO()
    assert run(["--data-dir", data, "workshop", "export", secret, "--out", str(tmp_path / "ut")], out=out) == 0
    written = sorted(p.name for p in (tmp_path / "ut").iterdir())
    assert written == [f"Höst (2026-11-22).{fmt}" for fmt in ("csv", "html", "pdf", "xlsx")]
    assert (tmp_path / "ut" / "Höst (2026-11-22).pdf").read_bytes().startswith(b"%PDF")
    out = io.StringIO()
    assert run(["workshop", "questionnaires"], out=out) == 0 and "(standard)" in out.getvalue()


def test_a_database_from_before_participant_names_gets_the_column(tmp_path):
    connection = sqlite3.connect(tmp_path / "nyttolib.sqlite3")
    connection.executescript(
        "CREATE TABLE workshops (id TEXT PRIMARY KEY, name TEXT NOT NULL, questionnaire_id TEXT NOT NULL,"
        " held_on TEXT, join_code TEXT NOT NULL UNIQUE, facilitator_code TEXT NOT NULL UNIQUE,"
        " created_at TEXT NOT NULL, closed_at TEXT);"
        "CREATE TABLE workshop_responses (workshop_id TEXT NOT NULL REFERENCES workshops(id), token TEXT NOT NULL"
        " UNIQUE, role TEXT, subject TEXT, answers TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
        " submitted_at TEXT, PRIMARY KEY (workshop_id, token));"
        "INSERT INTO workshops VALUES ('w1', 'Gammal', 'mognadsanalys-nyttorealisering', NULL, 'ABCDEF', 'hemlig',"
        " '2025-01-01', NULL);"
        "INSERT INTO workshop_responses VALUES ('w1', 't1', 'Chef', NULL, '{}', '2025-01-01', '2025-01-01', NULL);"
    )
    connection.commit()
    connection.close()
    with WorkshopStore(tmp_path) as store:
        assert store.responses("hemlig")[0].role == "Chef"
        token = store.join("abcdef", name="Anna")
        assert store.response(token)[1].name == "Anna"


# -- the pages, driven as widgets (the browser tests drive them in chromium) ----------------------------


def test_the_participant_page_refuses_a_wrong_code_and_joins_with_the_right_one(store):
    from nyttolib.app.workshop.participant_page import AnswerView, ParticipantPage

    workshop = store.create("Mognad", MATURITY.id)
    page = ParticipantPage(store, QUESTIONNAIRES)
    page.open_join("FEL123")
    join = page.children[0]
    assert "Koden stämmer inte" in join.code_field.message.value and not join.details.children
    join.code.value = workshop.join_code.lower()  # typed in lower case: still the same code
    join._continue()
    assert join.code_field.message is None and "Mognad" in join.details.children[0].value  # the message is gone
    join.role.value = "Projektledare"
    join.name.value = ""
    join._join()
    view = page.children[0]
    assert isinstance(view, AnswerView)
    token = page.session.token
    assert store.response(token)[1].role == "Projektledare" and store.response(token)[1].name is None
    assert f"svar={token}" in view.header.value
    assert len(view.pages) == len(MATURITY.dimensions) + 1  # one page per dimension, then "Skicka in"


def test_a_participant_page_with_a_wrong_personal_link(store):
    from nyttolib.app.workshop.participant_page import ParticipantPage

    page = ParticipantPage(store, QUESTIONNAIRES)
    page.open_answers("gissad-token")
    assert "Länken till dina svar stämmer inte" in page.children[0].value
    assert page.children[1].code is not None  # and the join form to start again


def test_the_facilitator_view_updates_when_someone_answers(store):
    from nyttolib.app.workshop.facilitator_page import FacilitatorView

    workshop = store.create("Mognad", MATURITY.id)
    view = FacilitatorView(store, QUESTIONNAIRES, workshop.facilitator_code, live=False)
    assert "<strong>0</strong> har gått med" in view.live_status.value
    assert not view.refresh()  # nothing changed: nothing recompiled
    answer_all(store, workshop, [(2, 4)], role="Chef")
    assert view.refresh()
    assert "<strong>1</strong> har gått med" in view.live_status.value
    assert "<strong>1</strong> har skickat in" in view.live_status.value
    view.show("statements")
    assert "Ledningen efterfrågar nyttan" in view.sections["statements"].value
    view.show("plan")
    view.add_action()
    view.action_rows[0].children[0].control.value = "Utbilda chefer"
    assert store.facilitation(workshop.id)["actions"][0]["action"] == "Utbilda chefer"
    view.show("finish")
    view.toggle_closed()
    assert store.by_join_code(workshop.join_code).closed_at and "stängd" in view.header.value
    view.export("csv")
    assert 'download="Mognad (' in view.downloads.value.replace("'", '"')


def test_the_workshop_notebooks_execute(tmp_path):
    """Both pages run headless under nbclient with the codes in the query string, as Voilà runs them."""
    import os

    import nbformat
    from nbclient import NotebookClient

    with WorkshopStore(tmp_path) as store:
        workshop = store.create("Notebookprov", MATURITY.id)
        answer_all(store, workshop, [(3, 4)])
    for name, query in [
        ("delta.ipynb", f"kod={workshop.join_code}"),
        ("ledare.ipynb", f"kod={workshop.facilitator_code}"),
    ]:
        path = ROOT / "notebooks" / "workshop" / name
        notebook = nbformat.read(path, as_version=4)
        env = {"NYTTOLIB_DATA_DIR": str(tmp_path), "QUERY_STRING": query}
        old = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            NotebookClient(notebook, timeout=120, kernel_name="python3", store_widget_state=True).execute()
        finally:
            for key, value in old.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        outputs = [o for cell in notebook.cells for o in cell.outputs]
        assert not [o for o in outputs if o.output_type == "error" or o.get("name") == "stderr"], name
        state = str(notebook.metadata.widgets)
        assert "Notebookprov" in state, name


def test_serve_workshop_options(tmp_path):
    from nyttolib.serve.server import WORKSHOP_NOTEBOOKS, workshop_server_options

    options = workshop_server_options(30)
    assert "--VoilaConfiguration.template=nyttolib-workshop" in options["extra"]
    assert '"delta.ipynb": {"pool_size": 30}' in " ".join(options["extra"])  # the first fill: one each
    assert '"delta.ipynb": {"pool_size": 3}' in options["environment"]["NYTTOLIB_REFILL_POOLS"]  # then 3 spare
    assert sorted(p.name for p in WORKSHOP_NOTEBOOKS.glob("*.ipynb")) == ["delta.ipynb", "ledare.ipynb"]
    result = subprocess.run(
        [sys.executable, "-m", "nyttolib", "serve", "--workshop", "OKÄND", "--no-browser"],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "NYTTOLIB_DATA_DIR": str(tmp_path)},
    )
    assert result.returncode == 1 and "Ingen workshop" in result.stderr


def test_the_start_page_leads_to_the_workshop_pages(tmp_path):
    from nyttolib.app.start_page import StartPage
    from nyttolib.storage.assessments import Store

    with Store(tmp_path) as assessments:
        page = StartPage(assessments)
        html = "".join(child.value for child in page.children if isinstance(child.value, str))
    assert "href='workshop/ledare.ipynb'>Leda en workshop" in html
    assert "href='workshop/delta.ipynb'>Delta i en workshop" in html
    assert (ROOT / "notebooks" / "workshop" / "ledare.ipynb").exists()


def test_each_group_gets_its_own_part_of_the_system_questionnaire(store):
    from nyttolib.app.workshop.participant_page import AnswerView

    workshop = store.create("System", SYSTEMS.id)
    pages = {}
    for role in ("Verksamheten", "IT"):
        token = store.join(workshop.join_code, role=role, subject="Procapita")
        view = AnswerView(ParticipantSession(store, QUESTIONNAIRES, token, scheduler=at_once), joined=True)
        pages[role] = [title for title, _ in view.pages]
    business = [d.title for d in SYSTEMS.dimensions if d.answered_by == "Verksamheten"]
    technical = [d.title for d in SYSTEMS.dimensions if d.answered_by == "IT"]
    assert pages["Verksamheten"] == [*business, "Siffror", "Skicka in"]  # the economic figures are theirs
    assert pages["IT"] == [*technical, "Skicka in"]
    # A number typed wrong is shown again, as typed and with its message, when the page is built anew.
    token = store.join(workshop.join_code, role="Verksamheten", subject="Ecos")
    session = ParticipantSession(store, QUESTIONNAIRES, token, scheduler=at_once)
    with pytest.raises(ValueError):
        session.set_number("anvandare", "ca 40")
    view = AnswerView(ParticipantSession(store, QUESTIONNAIRES, token, scheduler=at_once), joined=False)
    view.show(len(view.pages) - 2)
    fields = [c for c in view.body.children[0].children if getattr(c, "control", None) is not None]
    field = fields[-1]  # Antal användare, the last of the numbers
    assert field.control.value == "ca 40" and "Skriv ett tal" in field.message.value


def test_a_failed_save_is_said_and_the_next_change_saves_everything(store, monkeypatch):
    workshop = store.create("Mognad", MATURITY.id)
    token = store.join(workshop.join_code)
    session = ParticipantSession(store, QUESTIONNAIRES, token, scheduler=at_once)
    dimension = MATURITY.dimensions[0]
    original = store.save_answers

    def disk_full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(store, "save_answers", disk_full)
    session.set_level(dimension.id, dimension.statements[0].id, "now", 1)
    assert session.status == "error"
    monkeypatch.setattr(store, "save_answers", original)
    session.set_level(dimension.id, dimension.statements[1].id, "now", 2)
    assert session.status == "saved"
    stored = store.response(token)[1].answers
    assert stored[statement_key(dimension.id, dimension.statements[0].id)] == {"now": 1}  # the failed one too


# -- codes and the one workshop a server serves (issue 11, items 1 and 7) ----------------------------------


def test_exports_and_the_comparison_need_the_facilitator_code(tmp_path):
    data = ["--data-dir", str(tmp_path), "workshop"]
    with WorkshopStore(tmp_path) as store:
        workshop = store.create("Höst", MATURITY.id, "2026-11-22")
        answer_all(store, workshop, [(2, 4)], role="Chef")
    for wrong in (workshop.join_code, workshop.id, workshop.id[:8], "%", ""):
        err = io.StringIO()
        assert run([*data, "export", wrong, "--format", "csv", "--out", str(tmp_path / "ut")], err=err) == 1, wrong
        assert "ledarkoden stämmer inte" in err.getvalue()
        assert run([*data, "compare", wrong], err=io.StringIO()) == 1, wrong
    assert not (tmp_path / "ut").exists()  # nothing written with the participants' code
    # Without the code on the command line it is read from the terminal (here a pipe), never shown.
    result = subprocess.run(
        [sys.executable, "-m", "nyttolib", *data, "export", "--format", "csv", "--out", str(tmp_path / "ut")],
        input=workshop.facilitator_code + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert workshop.facilitator_code not in result.stdout + result.stderr
    assert (tmp_path / "ut" / "Höst (2026-11-22).csv").exists()


def test_a_server_for_one_workshop_offers_no_creation_and_opens_no_other(tmp_path, monkeypatch):
    from nyttolib.app.workshop.facilitator_page import CreateWorkshop, FacilitatorView, facilitator_page
    from nyttolib.app.workshop.participant_page import JoinView, participant_page
    from nyttolib.serve.server import workshop_server_options

    with WorkshopStore(tmp_path) as store:
        served = store.create("Den här", MATURITY.id)
        other = store.create("En annan", MATURITY.id)
    environment = workshop_server_options(5, served.id)["environment"]
    monkeypatch.setenv("NYTTOLIB_DATA_DIR", str(tmp_path))
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("QUERY_STRING", "")
    page = facilitator_page(questionnaires=QUESTIONNAIRES)
    assert not [c for c in page.children if isinstance(c, CreateWorkshop)]
    assert "Skapa en ny workshop" not in str([getattr(c, "value", "") for c in page.children])
    page.open_view(other.facilitator_code)
    assert "Ledarkoden stämmer inte" in page.children[0].value  # another workshop's code opens nothing here
    page.open_view(served.facilitator_code)
    assert isinstance(page.children[0], FacilitatorView)
    monkeypatch.setenv("QUERY_STRING", f"kod={other.join_code}")
    join = participant_page(questionnaires=QUESTIONNAIRES).children[0]
    assert isinstance(join, JoinView) and "Koden stämmer inte" in join.code_field.message.value
    # A server for every workshop (`nyttolib serve`, on this computer) still creates them.
    monkeypatch.delenv("NYTTOLIB_WORKSHOP")
    monkeypatch.setenv("QUERY_STRING", "")
    assert [c for c in facilitator_page(questionnaires=QUESTIONNAIRES).children if isinstance(c, CreateWorkshop)]


def test_the_facilitator_chooses_the_workshops_to_compare_with(store):
    from nyttolib.app.workshop.facilitator_page import FacilitatorView

    real = store.create("Mognad 2025", MATURITY.id, "2025-11-20")
    fake = store.create("Fejk 2024", MATURITY.id, "2024-01-01")  # made by someone else, it must not leak in
    current = store.create("Mognad 2026", MATURITY.id, "2026-11-22")
    store.create("Annan enkät", SYSTEMS.id, "2025-01-01")
    answer_all(store, real, [(1, 4)])
    answer_all(store, fake, [(5, 5)])
    answer_all(store, current, [(3, 5)])
    view = FacilitatorView(store, QUESTIONNAIRES, current.facilitator_code, live=False)
    view.show("compare")
    assert "Ingen tidigare workshop är vald" in view.comparison_table.value
    assert "Fejk 2024" not in render_workshop_html(store, MATURITY, current)
    labels = [box.description for box in view.compare_choices.values()]
    assert labels == ["Mognad 2025 (2025-11-20, 1 svar)", "Fejk 2024 (2024-01-01, 1 svar)"]  # latest first
    view.compare_choices[real.id].value = True
    table = view.comparison_table.value
    assert "Mognad 2025 (2025-11-20, 1 svarande)" in table and "1,0 / 4,0" in table
    html = render_workshop_html(store, MATURITY, current)
    assert "Mognad 2025 (2025-11-20, 1 svarande)" in html and "Fejk 2024" not in html
    reopened = FacilitatorView(store, QUESTIONNAIRES, current.facilitator_code, live=False)
    reopened.show("compare")
    assert reopened.compare_choices[real.id].value and not reopened.compare_choices[fake.id].value
    with pytest.raises(Exception, match="annan enkät"):
        store.set_compared_with(current.facilitator_code, [store.workshops()[-1].id])


def test_the_facilitator_code_stays_out_of_the_address_and_the_view(store):
    from nyttolib.app.workshop.facilitator_page import CLEAN_ADDRESS, FacilitatorPage, FacilitatorView

    workshop = store.create("Mognad", MATURITY.id)
    view = FacilitatorView(store, QUESTIONNAIRES, workshop.facilitator_code, live=False)
    assert CLEAN_ADDRESS in view.header.value  # the page drops ?kod= from the address once the view is open
    assert "data-nyttolib-address='ledare.ipynb'" in CLEAN_ADDRESS
    for section in ("overview", "statements", "plan", "compare", "finish"):
        view.show(section)
    shown = str([getattr(w, "value", "") for w in view.sections.values()]) + view.header.value
    assert workshop.facilitator_code not in shown and workshop.join_code in view.header.value
    page = FacilitatorPage(store, QUESTIONNAIRES)
    page.open_start()
    opener = page.children[1]
    assert type(opener.code).__name__ == "Password"  # typed in a field that hides it
    create = page.children[2]
    create.name.value = "Ny workshop"
    create.create()
    code = create.created.facilitator_code
    assert "Din ledarkod" in create.result.value and f"kod={code}" not in create.result.value  # shown, no link
    assert create.open_button.layout.display is None
    create.open_view()
    assert isinstance(page.children[0], FacilitatorView) and page.children[0].workshop.id == create.created.id
    assert code not in page.children[0].header.value

HOSTILE_TEXTS = ["Chef $$", "$x^2_1$", r"\frac{1}{2}", "a^b_c $", r"$\alpha$ och $", "50 $ per år"]


@pytest.fixture
def drawn_texts(monkeypatch):
    """Every text matplotlib draws, with whether it was read as mathtext (the real charts, spied on)."""
    from matplotlib.text import Text

    drawn = []
    original = Text.draw

    def draw(self, renderer):
        text = self.get_text()
        if text:
            drawn.append((text, self._preprocess_math(text)[1]))
        return original(self, renderer)

    monkeypatch.setattr(Text, "draw", draw)
    return drawn


def test_every_text_in_a_workshop_chart_is_plain_text(store, drawn_texts):
    """A role is a chart title: "Chef $$" raised a mathtext error (the facilitator view froze and the
    export crashed) and "$x^2$" was typeset as a formula."""
    workshop = store.create("Mognad", MATURITY.id)
    for role in HOSTILE_TEXTS:
        for values in ([(2, 4)], [(3, 5)]):  # two of each role: each gets its own chart
            answer_all(store, workshop, values, role=role)
    parts = compile_parts(MATURITY, store.responses_of(workshop.id))
    assert [c.heading for c in parts[0].charts] == ["Alla", *sorted(HOSTILE_TEXTS, key=str.casefold)]
    headings = {text for text, _ in drawn_texts}
    assert set(HOSTILE_TEXTS) <= headings
    assert not [text for text, math in drawn_texts if math]  # nothing read as mathtext, or TeX
    html = render_workshop_html(store, MATURITY, workshop)
    assert "Chef $$" in html


def test_the_facilitator_view_goes_on_updating_with_a_role_like_mathtext(store, drawn_texts):
    """The open facilitator view froze ("Uppdaterad" stopped) when a second "Chef $$" answered, a new one
    showed Voilà's error, and the export crashed."""
    from nyttolib.app.workshop.facilitator_page import FacilitatorView
    from nyttolib.survey.export import workshop_export_bytes

    workshop = store.create("Mognad", MATURITY.id)
    view = FacilitatorView(store, QUESTIONNAIRES, workshop.facilitator_code, live=False)
    for values in ([(2, 4)], [(3, 5)]):
        answer_all(store, workshop, values, role="Chef $$")
        assert view.refresh()
    assert "Chef $$" in {text for text, _ in drawn_texts}
    assert "<strong>2</strong> har skickat in" in view.live_status.value
    fresh = FacilitatorView(store, QUESTIONNAIRES, workshop.facilitator_code, live=False)
    assert "Chef $$" in fresh.sections["overview"].value
    assert workshop_export_bytes(store, MATURITY, workshop, "pdf").startswith(b"%PDF")


def test_dimension_titles_from_a_questionnaire_file_are_plain_text_in_charts(drawn_texts):
    """A municipality writes its own questionnaire: its dimension titles are chart labels too."""
    from nyttolib.survey.charts import maturity_png

    png = maturity_png(HOSTILE_TEXTS, [1, 2, 3, 4, 5, None], [5, 5, 5, 5, 5, 5], [1, 2, 3, 4, 5], heading="$$")
    assert png.startswith(b"\x89PNG")
    assert {"$$", *HOSTILE_TEXTS} <= {text for text, _ in drawn_texts}
    assert not [text for text, math in drawn_texts if math]


def test_every_text_in_the_assessment_chart_is_plain_text(content, drawn_texts):
    """The assessment's chart goes through the same plain-text drawing as the workshop's."""
    import dataclasses

    from nyttolib.assessment.calculations import calculate
    from nyttolib.assessment.model import Assessment
    from nyttolib.exports.charts import cost_benefit_png

    result = calculate(Assessment(), content)
    labels = (HOSTILE_TEXTS * 10)[: len(result.year_labels)]
    cost_benefit_png(dataclasses.replace(result, year_labels=labels))
    assert set(labels) <= {text for text, _ in drawn_texts}
    assert not [text for text, math in drawn_texts if math]


def test_only_those_who_answered_count_towards_a_role_and_roles_are_grouped_as_typed(store):
    """A second "Verksamhet" who joined and answered nothing made the first one's answers visible; "IT",
    "it" and " It " were three roles of one person each."""
    workshop = store.create("Mognad", MATURITY.id)
    answer_all(store, workshop, [(2, 4)], role="Verksamhet")
    store.join(workshop.join_code, role="Verksamhet ")  # joined, never answered
    empty = store.join(workshop.join_code, role="verksamhet")
    store.save_answers(empty, {"_drafts": {"x": "ca 40"}, "_comments": {"realisera": "  "}})  # nothing given
    for role, level in (("IT", 1), ("it", 2), (" It  ", 4)):
        answer_all(store, workshop, [(level, 5)], role=role)
    [part] = compile_parts(MATURITY, store.responses_of(workshop.id), draw=False)
    participation = store.participation(workshop.id)
    assert (participation.joined, participation.started) == (6, 4)
    assert part.respondents == participation.started == 4  # "4 svarande" and "Har svarat 4"
    assert part.roles == ["IT"] and part.hidden_roles == 1  # Verksamhet: one who answered
    dimension = part.compilation.dimensions[0]
    # IT: nuläge 1, 2, 4 on every statement → median 2; börläge 5.
    assert dimension.now_by_role["IT"] == 2.0 and dimension.target_by_role["IT"] == 5.0
    html = render_workshop_html(store, MATURITY, workshop)
    assert "(4 svarande)" in html and "<dd>4</dd>" in html
    assert '<th scope="col" class="num">Verksamhet</th>' not in html


def test_a_role_figure_never_rests_on_one_persons_answer(store):
    """Two of a role, one of whom answered only one statement: the role's level of a dimension uses only
    the statements both answered, and a dimension only one of them answered is not shown for the role."""
    workshop = store.create("Mognad", MATURITY.id)
    answer_all(store, workshop, [(5, 5)], role="Chef")
    token = store.join(workshop.join_code, role="Chef")
    first = MATURITY.dimensions[0]
    store.save_answers(token, {statement_key(first.id, first.statements[0].id): {"now": 1, "target": 3}})
    [part] = compile_parts(MATURITY, store.responses_of(workshop.id), draw=False)
    assert part.roles == ["Chef"]
    levels = {d.dimension.id: (d.now_by_role["Chef"], d.target_by_role["Chef"]) for d in part.compilation.dimensions}
    assert levels[first.id] == (3.0, 4.0)  # median of 5 and 1, of 5 and 3: the only statement both answered
    assert all(value == (None, None) for key, value in levels.items() if key != first.id)
    html = render_workshop_html(store, MATURITY, workshop)
    assert "En rolls nivå bygger bara på påståenden som minst 2 i rollen har besvarat" in html


def test_systems_are_grouped_and_counted_by_who_answered(store):
    """A part said "Procapita (3 svarande)" beside "Har svarat 2": the one who only joined was counted."""
    workshop = store.create("System", SYSTEMS.id)
    business = next(d for d in SYSTEMS.dimensions if d.answered_by == "Verksamheten")
    for subject, level in (("Procapita", 2), ("procapita  ", 4)):
        token = store.join(workshop.join_code, role="Verksamheten", subject=subject)
        store.save_answers(token, {statement_key(business.id, s.id): {"now": level} for s in business.statements})
    store.join(workshop.join_code, role="Verksamheten", subject=" PROCAPITA")
    parts = compile_parts(SYSTEMS, store.responses_of(workshop.id), draw=False)
    assert [(p.subject, p.respondents) for p in parts] == [("Procapita", 2)]
    assert store.participation(workshop.id).started == 2
    assert parts[0].roles == ["Verksamheten"]  # two who answered
    assert next(d for d in parts[0].compilation.dimensions if d.dimension.id == business.id).now == 3.0


def test_a_role_typed_in_another_case_gets_its_own_questions():
    assert [d.answered_by for d in SYSTEMS.dimensions_for(" it ")] == ["IT", "IT"]
    assert [f.answered_by for f in SYSTEMS.numeric_fields_for("it")] == []
    assert len(SYSTEMS.numeric_fields_for("VERKSAMHETEN")) == 4
    assert SYSTEMS.dimensions_for("Ekonomi") == list(SYSTEMS.dimensions)  # no group of its own: everything


def read_as_swedish_excel(data: bytes) -> list[dict[str, str]]:
    """The CSV as Swedish Excel reads it: UTF-8 with BOM, ';' between fields."""
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def swedish_number(text: str) -> float:
    """A cell Swedish Excel takes for a number: digits with a decimal comma, no point."""
    assert "." not in text, text
    return float(text.replace(",", "."))


def test_raw_answers_for_swedish_excel(store, monkeypatch):
    """Numbers were written 120.0 and 45.5, times in UTC without saying so and as text in the xlsx, each
    comment on every row of its dimension, the IT participant got rows for the business questions, and
    "procapita " stood as typed."""
    import datetime as dt

    from openpyxl import load_workbook

    from nyttolib.survey import store as store_module
    from nyttolib.survey.export import answers_csv, answers_xlsx

    workshop = store.create("System", SYSTEMS.id, "2026-11-23")
    business = [d for d in SYSTEMS.dimensions if d.answered_by == "Verksamheten"]
    technical = [d for d in SYSTEMS.dimensions if d.answered_by == "IT"]
    # Summer time (UTC+2) for one, winter time (UTC+1) for the other: both 13:46 in Sweden.
    participants = [
        ("Procapita", "Verksamheten", business, "2026-07-01T11:46:00.000+00:00"),
        ("procapita ", " it", technical, "2026-12-01T12:46:00.000+00:00"),
    ]
    tokens = [store.join(workshop.join_code, role=role, subject=subject) for subject, role, _, _ in participants]
    for token, (_, role, dimensions, saved_at) in zip(tokens, participants, strict=True):
        answers = {statement_key(d.id, s.id): {"now": 3} for d in dimensions for s in d.statements}
        answers["_comments"] = {dimensions[0].id: 'Bra; men "långsamt"'}
        if role == "Verksamheten":
            answers["_numbers"] = {"licenskostnad": 120.0, "anvandare": 45.5}
        monkeypatch.setattr(store_module, "now", lambda saved_at=saved_at: saved_at)
        store.save_answers(token, answers, submit=True)
    store.join(workshop.join_code, role="IT", subject="Ecos")  # joined, answered nothing: no rows
    responses = store.responses_of(workshop.id)

    rows = read_as_swedish_excel(answers_csv(SYSTEMS, responses))
    first = [r for r in rows if r["Deltagare"] == "Deltagare 1"]
    second = [r for r in rows if r["Deltagare"] == "Deltagare 2"]
    assert {r["Deltagare"] for r in rows} == {"Deltagare 1", "Deltagare 2"}
    assert {r["Objekt"] for r in rows} == {"Procapita"} and {r["Roll/verksamhet"] for r in second} == {"it"}
    assert {r["Inskickad (svensk tid)"] for r in first} == {"2026-07-01 13:46"}
    assert {r["Inskickad (svensk tid)"] for r in second} == {"2026-12-01 13:46"}
    numbers = {r["Påstående"]: r["Nuläge"] for r in first if r["Dimension"] == "Siffror"}
    assert numbers["Årlig licenskostnad (tkr)"] == "120" and numbers["Antal användare i kommunen (st)"] == "45,5"
    assert swedish_number(numbers["Antal användare i kommunen (st)"]) == 45.5
    assert numbers["Årlig supportkostnad (tkr)"] == ""
    # The IT participant: the technical statements and one comment row, no business questions, no numbers.
    assert len(second) == sum(len(d.statements) for d in technical) + 1
    assert {r["Dimension"] for r in second} == {d.title for d in technical}
    comments = [r for r in rows if r["Kommentar"]]
    assert [(r["Deltagare"], r["Påstående"], r["Kommentar"]) for r in comments] == [
        ("Deltagare 1", "Kommentar till dimensionen", 'Bra; men "långsamt"'),
        ("Deltagare 2", "Kommentar till dimensionen", 'Bra; men "långsamt"'),
    ]

    book = load_workbook(io.BytesIO(answers_xlsx(SYSTEMS, responses, workshop)))
    sheet = book["Svar"]
    header = [cell.value for cell in sheet[1]]
    cells = [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)]
    assert len(cells) == len(rows)
    statement_cell = cells[0]
    assert statement_cell["Nuläge"].data_type == "n" and statement_cell["Nuläge"].value == 3
    submitted = statement_cell["Inskickad (svensk tid)"]
    assert submitted.is_date and submitted.value == dt.datetime(2026, 7, 1, 13, 46)
    users = next(c for c in cells if c["Påstående"].value == "Antal användare i kommunen (st)")
    assert users["Nuläge"].data_type == "n" and users["Nuläge"].value == 45.5
    about = {row[0].value: row[1] for row in book["Om"].iter_rows()}
    assert about["Datum"].is_date and about["Datum"].value.date() == dt.date(2026, 11, 23)
    assert about["Har svarat"].value == 2 and about["Antal deltagare"].value == 3
    assert "svensk tid" in about["Tider"].value


def test_the_survey_closing_time_is_said_in_swedish_time(store, monkeypatch):
    from nyttolib.survey import store as store_module

    workshop = store.create("Mognad", MATURITY.id)
    monkeypatch.setattr(store_module, "now", lambda: "2026-12-01T12:46:00.000+00:00")
    store.close_survey(workshop.facilitator_code)
    html = render_workshop_html(store, MATURITY, store.workshop(workshop.id))
    assert "stängd 2026-12-01 13:46 (svensk tid)" in html and "UTC" not in html


def _pages_of_elements(html: str):
    """Each element of the laid-out PDF and the pages it is on (WeasyPrint, as the PDF is made)."""
    from weasyprint import HTML

    where: dict[int, tuple] = {}
    for number, page in enumerate(HTML(string=html).render().pages):
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if element is not None:
                where.setdefault(id(element), (element, set()))[1].add(number)
    root = next(element for element, _ in where.values() if element.tag == "html")
    parents = {child: parent for parent in root.iter() for child in parent}
    return where, parents


def layout_problems(html: str) -> list[tuple]:
    """A caption on another page than its table's first row, an explanation or a figure split."""
    where, parents = _pages_of_elements(html)
    problems = []
    for element, pages in where.values():
        classes = element.get("class", "").split()
        if element.tag == "caption":
            first_row = parents[element].find("tbody/tr")
            if first_row is not None and min(where[id(first_row)][1]) != min(pages):
                problems.append(("caption alone", "".join(element.itertext()), sorted(pages)))
        explains = (element.tag == "p" and {"legend", "note"} & set(classes)) or element.tag == "figure"
        if explains and len(pages) > 1:
            problems.append(("split", element.tag, classes, sorted(pages)))
    return problems


@pytest.mark.parametrize("comments", [0, 1, 2, 3, 4])
def test_captions_and_explanations_stay_with_their_content_in_the_pdf(store, comments):
    """Captions were left alone at the bottom of a page and the explanation split over two; the number
    of comments moves where the page breaks fall."""
    import random

    rng = random.Random(comments)
    workshop = store.create("Mognad", MATURITY.id)
    for number in range(6):
        base = rng.randint(1, 3)
        values = [(min(5, base + rng.randint(0, 1)), min(5, base + rng.randint(1, 2))) for _ in range(7)]
        token = answer_all(store, workshop, values, role="Verksamhet" if number % 2 else "IT")
        if number < comments:
            answers = store.response(token)[1].answers
            answers["_comments"] = {d.id: f"Kommentar {number} om {d.title}" for d in MATURITY.dimensions}
            store.save_answers(token, answers)
    assert layout_problems(render_workshop_html(store, MATURITY, workshop)) == []


def test_the_maturity_chart_starts_at_the_scale_and_its_legend_covers_no_bar():
    """Bars started at 0 on a 1–5 scale (a level 1 got a bar's length) and the legend lay over the bars'
    ends. The chart is drawn for real and its parts measured."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from nyttolib.survey.charts import _draw_maturity

    figure = Figure(figsize=(5, 4), dpi=100)
    titles = [d.title for d in MATURITY.dimensions]
    now = [1.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0]
    _draw_maturity(figure, titles, now, [5.0] * 7, MATURITY.levels, "Alla")
    figure.tight_layout()
    renderer = FigureCanvasAgg(figure).get_renderer()
    figure.draw(renderer)
    axes = figure.axes[0]
    assert axes.get_xlim()[0] == 1
    bars = list(axes.patches)
    assert len(bars) == 14
    assert {round(bar.get_x(), 6) for bar in bars} == {1}  # every bar starts at the lowest level
    assert round(bars[0].get_width(), 6) == 0  # nuläge 1: no length, its value written beside it
    assert "1,0" in [t.get_text() for t in axes.texts]
    legend = axes.get_legend().get_window_extent(renderer)
    for bar in bars:
        assert not legend.overlaps(bar.get_window_extent(renderer))


def test_the_report_says_what_is_nulage_and_borlage_and_keeps_medians_of_numbers(store):
    """ "Handlingsplan" stood twice; "Svar" counted nuläge only without saying so; a median of 45 and 46
    was shown 46; the system questionnaire's explanation spoke of börläge."""
    facilitation = FacilitationSession(store, store.create("Mognad", MATURITY.id).facilitator_code, scheduler=at_once)
    workshop = facilitation.workshop
    facilitation.add_action()
    facilitation.update_action(0, action="Ta fram en nyttomodell")
    answer_all(store, workshop, [(2, 4)])
    html = render_workshop_html(store, MATURITY, workshop)
    assert html.count(">Handlingsplan<") == 1 and 'aria-labelledby="s-plan"' in html
    assert '<th scope="colgroup" colspan="4" class="group">Nuläge</th>' in html
    assert '<th scope="colgroup" colspan="2" class="group">Börläge</th>' in html

    systems = store.create("System", SYSTEMS.id)
    for licence in (45, 46):
        token = store.join(systems.join_code, role="Verksamheten", subject="Procapita")
        dimension = SYSTEMS.dimensions[0]
        answers = {statement_key(dimension.id, s.id): {"now": 3} for s in dimension.statements}
        answers["_numbers"] = {"licenskostnad": licence, "anvandare": 1200.25}
        store.save_answers(token, answers)
    html = render_workshop_html(store, SYSTEMS, systems)
    licence_row = html.split("Årlig licenskostnad", 1)[1].split("</tr>", 1)[0]
    assert '<td class="num">45,5</td><td class="num">45</td><td class="num">46</td>' in licence_row
    assert "1\u00a0200,25" in html
    assert "börläge" not in html.lower() and "colgroup" not in html.split("<main>", 1)[1].split("Per påstående")[0]
