"""The workshop core: questionnaires as data, statistics against hand-computed cases, the store's
access rules, and 30 participants answering at the same time from parallel processes; the store's tests
on SQLite and on PostgreSQL."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nyttolib.content import ContentError
from nyttolib.storage.assessments import NotFoundError
from nyttolib.survey.questionnaire import load_questionnaire, load_questionnaires, questionnaire_dir
from nyttolib.survey.statistics import DONT_KNOW, compile_answers, statement_key, summarise
from nyttolib.survey.store import ClosedError, WorkshopStore, secret_digest

from conftest import raw_database

ROOT = Path(__file__).resolve().parent.parent


def test_the_bundled_questionnaires_validate():
    questionnaires, problems = load_questionnaires()
    assert problems == []
    assert set(questionnaires) == {
        "mognadsanalys-nyttorealisering",
        "klassificering-is-it-system",
        "sjalvgranskning-digitalisering",
    }
    maturity = questionnaires["mognadsanalys-nyttorealisering"]
    assert maturity.default and maturity.gap_analysis and maturity.levels == [1, 2, 3, 4, 5]
    texts = " ".join(s.text for _, s in maturity.statements())
    for question in [
        "Vad är nyttan?",
        "Hur ska den realiseras?",
        "Vem ska realisera nyttan?",
        "När uppkommer nyttan?",
        "Hur ska nyttan följas upp?",
        "Vem ansvarar för uppföljningen?",
        "Vilka mätetal ska man använda?",
    ]:
        assert question in texts, question  # E-delegationen's seven questions are all asked
    systems = questionnaires["klassificering-is-it-system"]
    assert systems.per_subject and {d.answered_by for d in systems.dimensions} == {"Verksamheten", "IT"}
    assert [f.label for f in systems.numeric_fields] == [
        "Årlig licenskostnad",
        "Årlig supportkostnad",
        "Årlig utvecklingskostnad",
        "Antal användare i kommunen",
    ]
    audit = questionnaires["sjalvgranskning-digitalisering"]
    assert [level.label for level in audit.scale] == ["Uppfyller inte alls", "Uppfyller delvis", "Uppfyller helt"]


def test_a_municipality_adds_a_questionnaire_and_a_broken_one_is_reported(tmp_path):
    folder = tmp_path / "enkater"
    shutil.copytree(questionnaire_dir(), folder)
    text = (folder / "sjalvgranskning-digitalisering.yaml").read_text(encoding="utf-8")
    (folder / "var-egen.yaml").write_text(
        text.replace("id: sjalvgranskning-digitalisering", "id: var-egen"), encoding="utf-8"
    )
    broken = text.replace("id: sjalvgranskning-digitalisering", "id: trasig").replace(
        "    next_level: Tydliggör", "    nextlevel: Tydliggör"
    )
    (folder / "trasig.yaml").write_text(broken, encoding="utf-8")
    line = next(i for i, row in enumerate(broken.splitlines(), 1) if "nextlevel:" in row)
    questionnaires, problems = load_questionnaires(folder)
    assert "var-egen" in questionnaires and "trasig" not in questionnaires
    assert any(
        str(p).startswith(f"trasig.yaml, rad {line}: dimensions → punkt 2 → nextlevel: okänt fält") for p in problems
    )
    misnamed = folder / "annat-namn.yaml"
    misnamed.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError, match="filens namn"):
        load_questionnaire(misnamed)


def test_summary_of_one_question_by_hand():
    summary = summarise([1, 2, 2, 4, 5, DONT_KNOW, None, 9], [1, 2, 3, 4, 5])
    assert (summary.count, summary.dont_know) == (5, 1)  # 9 is not on the scale, None is unanswered
    assert summary.distribution == {1: 1, 2: 2, 3: 0, 4: 1, 5: 1}
    assert summary.median == 2
    # Inclusive quartiles of 1, 2, 2, 4, 5: Q1 = 2, Q3 = 4, spread 2.
    assert (summary.lower_quartile, summary.upper_quartile, summary.spread) == (2, 4, 2)
    assert summarise([], [1, 2, 3]).median is None
    assert summarise([3], [1, 2, 3]).spread == 0


def test_compilation_by_hand():
    questionnaire = load_questionnaires()[0]["mognadsanalys-nyttorealisering"]
    key = statement_key("identifiera", "vad-ar-nyttan")
    other = statement_key("identifiera", "behov-fore-losning")
    responses = [
        {"role": "Chef", "answers": {key: {"now": 1, "target": 5}, other: {"now": 3, "target": 4}}},
        {"role": "Chef", "answers": {key: {"now": 2, "target": 4}, other: {"now": 3, "target": 4}}},
        {"role": "Handläggare", "answers": {key: {"now": 5, "target": 5}, other: {"now": 3, "target": 3}}},
        {"role": "Handläggare", "answers": {key: {"now": 1, "target": 4}, other: {"now": DONT_KNOW}}},
    ]
    compiled = compile_answers(questionnaire, responses)
    assert compiled.respondents == 4
    first = next(s for s in compiled.statements if s.statement_id == "vad-ar-nyttan")
    # nuläge 1, 1, 2, 5: median 1.5, Q1 1, Q3 2.75 → spread 1.75 (< 2: not flagged); börläge median 4.5.
    assert (first.now.median, first.now.spread, first.target.median) == (1.5, 1.75, 4.5)
    assert first.gap == 3 and first.large_gap and not first.disagreement
    second = next(s for s in compiled.statements if s.statement_id == "behov-fore-losning")
    assert (second.now.median, second.now.dont_know, second.gap) == (3, 1, 1)
    assert not second.large_gap
    dimension = next(d for d in compiled.dimensions if d.dimension.id == "identifiera")
    # Only two of the dimension's three statements are answered: mean of medians (1.5 + 3) / 2.
    assert (dimension.now, dimension.target) == (2.25, 4.25)
    assert dimension.now_by_role == {"Chef": 2.25, "Handläggare": 3.0}  # Chef (1.5+3)/2; Handläggare (3+3)/2
    assert compiled.weakest(1)[0].dimension.id == "identifiera"


def test_wide_disagreement_is_flagged():
    questionnaire = load_questionnaires()[0]["mognadsanalys-nyttorealisering"]
    key = statement_key("folja-upp", "hemtagning")
    compiled = compile_answers(questionnaire, [{"answers": {key: {"now": v}}} for v in (1, 1, 5, 5)])
    result = next(s for s in compiled.statements if s.statement_id == "hemtagning")
    assert result.now.spread == 4 and result.disagreement


def test_flags_mark_what_stands_out_and_tell_nulage_from_borlage():
    """17 of 21 rows were flagged when the threshold was half the scale alone: a flag is now also larger
    than the typical spread or gap of the compilation (the median over its statements)."""
    questionnaire = load_questionnaires()[0]["mognadsanalys-nyttorealisering"]
    a, b, c, d = [statement_key(dim.id, s.id) for dim, s in questionnaire.statements()[:4]]
    rows = {  # per statement: the four participants' (nuläge, börläge)
        a: [(1, 5), (1, 5), (5, 5), (5, 5)],
        b: [(2, 5), (2, 5), (2, 5), (2, 5)],
        c: [(2, 3), (2, 3), (3, 3), (3, 3)],
        d: [(1, 1), (1, 2), (1, 4), (1, 5)],
    }
    responses = [
        {"answers": {key: {"now": pairs[i][0], "target": pairs[i][1]} for key, pairs in rows.items()}} for i in range(4)
    ]
    compiled = compile_answers(questionnaire, responses)
    by_key = {statement_key(s.dimension_id, s.statement_id): s for s in compiled.statements}
    # Inclusive quartiles: a nuläge 1,1,5,5 → 1 and 5, spread 4; c 2,2,3,3 → 2 and 3, spread 1;
    # d börläge 1,2,4,5 → 1,75 and 4,25, spread 2,5; all others 0. Medians: nuläge 0,5, börläge 0.
    assert [by_key[k].now.spread for k in (a, b, c, d)] == [4, 0, 1, 0]
    assert by_key[d].target.spread == 2.5
    # Gaps: a 5-3 = 2, b 5-2 = 3, c 3-2,5 = 0,5, d 3-1 = 2; median 2.
    assert [by_key[k].gap for k in (a, b, c, d)] == [2, 3, 0.5, 2]
    limits = compiled.thresholds
    assert (limits.scale_minimum, limits.typical_spread, limits.typical_spread_target) == (2, 0.5, 0)
    assert limits.typical_gap == 2
    assert [by_key[k].disagreement for k in (a, b, c, d)] == [True, False, False, False]
    assert [by_key[k].disagreement_target for k in (a, b, c, d)] == [False, False, False, True]
    assert by_key[d].disagreement_about == "börläget" and by_key[a].disagreement_about == "nuläget"
    # Half the scale alone flagged a, b and d; only b's gap is larger than the typical one.
    assert [by_key[k].large_gap for k in (a, b, c, d)] == [False, True, False, False]


def test_participants_see_only_their_own_answers_and_closing_stops_changes(tmp_path, database_url):
    with WorkshopStore(tmp_path, database_url=database_url) as store:
        workshop = store.create("Mognadsanalys 2026", "mognadsanalys-nyttorealisering", "2026-02-26")
        assert len(workshop.join_code) == 6 and workshop.facilitator_code != workshop.join_code
        anna = store.join(workshop.join_code.lower(), role="Chef")  # codes are forgiving about case
        bo = store.join(workshop.join_code)
        store.save_answers(anna, {"a/b": {"now": 2}})
        store.save_answers(bo, {"a/b": {"now": 4}}, role="Handläggare", submit=True)
        assert store.response(anna)[1].answers == {"a/b": {"now": 2}}
        assert store.response(bo)[1].role == "Handläggare" and store.response(bo)[1].submitted_at
        with pytest.raises(NotFoundError):
            store.responses(workshop.join_code)  # the join code does not open the facilitator's view
        with pytest.raises(NotFoundError):
            store.response("gissad-token")
        with pytest.raises(NotFoundError):
            store.save_answers("gissad-token", {"a/b": {"now": 1}})  # nor can a guessed token write
        assert len(store.responses(workshop.facilitator_code)) == 2
        store.close_survey(workshop.facilitator_code)
        with pytest.raises(ClosedError):
            store.save_answers(anna, {"a/b": {"now": 5}})
        with pytest.raises(ClosedError):
            store.join(workshop.join_code)
        assert store.response(anna)[1].answers == {"a/b": {"now": 2}}


PARTICIPANT = textwrap.dedent(
    """
    import sys
    from nyttolib.survey.questionnaire import load_questionnaires
    from nyttolib.survey.statistics import statement_key
    from nyttolib.survey.store import WorkshopStore
    directory, code, number, url = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] or None
    questionnaire = load_questionnaires()[0]["mognadsanalys-nyttorealisering"]
    with WorkshopStore(directory, database_url=url) as store:
        token = store.join(code, role=f"roll-{number % 3}")
        answers = {}
        for index, (dimension, statement) in enumerate(questionnaire.statements()):
            answers[statement_key(dimension.id, statement.id)] = {"now": 1 + (number + index) % 5,
                                                                  "target": 1 + (number + 2 * index) % 5}
            store.save_answers(token, answers)  # autosave after every answer
        store.save_answers(token, answers, submit=True)
        print(token)
    """
)


@pytest.mark.slow
def test_thirty_participants_answering_at_once(tmp_path, database_url):
    questionnaire = load_questionnaires()[0]["mognadsanalys-nyttorealisering"]
    with WorkshopStore(tmp_path, database_url=database_url) as store:
        workshop = store.create("Samtidigt", questionnaire.id)
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", PARTICIPANT, str(tmp_path), workshop.join_code, str(n), database_url or ""],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(30)
    ]
    tokens = {}
    for number, process in enumerate(processes):
        out, _ = process.communicate(timeout=180)
        assert process.returncode == 0
        tokens[out.strip()] = number
    with WorkshopStore(tmp_path, database_url=database_url) as store:
        responses = store.responses(workshop.facilitator_code)
    tokens = {secret_digest(token): number for token, number in tokens.items()}
    assert len(responses) == 30 and set(tokens) == {r.id for r in responses}
    for response in responses:
        number = tokens[response.id]
        assert response.submitted_at and response.role == f"roll-{number % 3}"
        expected = {
            statement_key(d.id, s.id): {"now": 1 + (number + i) % 5, "target": 1 + (number + 2 * i) % 5}
            for i, (d, s) in enumerate(questionnaire.statements())
        }
        assert response.answers == expected  # every answer there, none mixed up
    compiled = compile_answers(questionnaire, [{"role": r.role, "answers": r.answers} for r in responses])
    assert all(s.now.count == 30 for s in compiled.statements)


# -- codes: hashed, constant-time, out of participants' objects; one workshop per server ---------------------


def _stored_values(directory: Path, database_url: str | None = None) -> str:
    """Every value in every table of the database, as one text (to look for codes stored as they are)."""
    with raw_database(directory, database_url) as db:
        tables = sa.inspect(db).get_table_names()
        assert "workshops" in tables and "workshop_responses" in tables
        return " ".join(
            str(value) for table in tables for row in db.execute(sa.text(f'SELECT * FROM "{table}"')) for value in row
        )


def test_codes_and_tokens_are_stored_only_as_digests(tmp_path, database_url):
    with WorkshopStore(tmp_path, database_url=database_url) as store:
        workshop = store.create("Hemlig", "mognadsanalys-nyttorealisering")
        token = store.join(workshop.join_code)
        store.save_answers(token, {"a/b": {"now": 3}})
        stored = _stored_values(tmp_path, database_url)
        for secret in (workshop.join_code, workshop.facilitator_code, token):
            assert secret not in stored and secret.lower() not in stored
        assert secret_digest(workshop.facilitator_code) in stored and secret_digest(token) in stored
        # and each still opens what it opens
        assert store.by_join_code(workshop.join_code).id == workshop.id
        assert store.by_facilitator_code(workshop.facilitator_code).join_code == workshop.join_code  # unsealed
        assert store.response(token)[1].answers == {"a/b": {"now": 3}}


def test_what_a_participant_gets_holds_no_facilitator_code(tmp_path, database_url):
    with WorkshopStore(tmp_path, database_url=database_url) as store:
        workshop = store.create("Mognad", "mognadsanalys-nyttorealisering")
        token = store.join(workshop.join_code)
        joined = store.by_join_code(workshop.join_code)
        own_workshop, own_response = store.response(token)
        for seen in (joined, own_workshop, own_response, *store.workshops(), store.workshop(workshop.id)):
            assert not hasattr(seen, "facilitator_code")
            assert workshop.facilitator_code not in repr(seen)
            assert secret_digest(workshop.facilitator_code) not in repr(seen)
        assert own_workshop.join_code is None  # a personal link does not give the join code either
        assert token not in repr(own_response)  # only the token's digest identifies the response


@pytest.mark.parametrize("reference", ["", " ", "%", "_", "%%%%", "____", "_%_%", "\\%", "*"])
def test_wildcards_and_empty_references_match_no_workshop(tmp_path, database_url, reference):
    with WorkshopStore(tmp_path, database_url=database_url) as store:
        workshop = store.create("Mognad", "mognadsanalys-nyttorealisering")
        with pytest.raises(NotFoundError):
            store.workshop(reference)
        with pytest.raises(NotFoundError):
            store.by_join_code(reference)
        with pytest.raises(NotFoundError):
            store.by_facilitator_code(reference)
        with pytest.raises(NotFoundError):
            store.response(reference)
        assert store.workshop(workshop.id[:6].upper()).id == workshop.id  # an id prefix as typed still works
        assert store.workshop(workshop.join_code.lower()).join_code == workshop.join_code


def test_the_data_folder_and_database_are_private(tmp_path):
    import stat

    folder = tmp_path / "ny" / "data"
    with WorkshopStore(folder) as store:
        workshop = store.create("Mognad", "mognadsanalys-nyttorealisering")
        store.join(workshop.join_code)
        files = sorted(folder.iterdir())
        assert {p.name for p in files} >= {"nyttolib.sqlite3", "nyttolib.sqlite3-wal", "nyttolib.sqlite3-shm"}
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        for path in files:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    # a database made by an older nyttolib (0644) is tightened when it is opened
    (folder / "nyttolib.sqlite3").chmod(0o644)
    with WorkshopStore(folder):
        assert stat.S_IMODE((folder / "nyttolib.sqlite3").stat().st_mode) == 0o600


OLD_DATABASE = """
CREATE TABLE workshops (id TEXT PRIMARY KEY, name TEXT NOT NULL, questionnaire_id TEXT NOT NULL, held_on TEXT,
    join_code TEXT NOT NULL UNIQUE, facilitator_code TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, closed_at TEXT);
CREATE TABLE workshop_responses (workshop_id TEXT NOT NULL REFERENCES workshops(id), token TEXT NOT NULL UNIQUE,
    role TEXT, subject TEXT, answers TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    submitted_at TEXT, name TEXT, PRIMARY KEY (workshop_id, token));
CREATE TABLE workshop_facilitation (workshop_id TEXT PRIMARY KEY REFERENCES workshops(id), document TEXT NOT NULL,
    updated_at TEXT NOT NULL);
INSERT INTO workshops VALUES ('w1', 'Höst 2025', 'mognadsanalys-nyttorealisering', '2025-11-20', 'K7QP2M',
    'gammal-ledarkod-1234567890', '2025-11-01T10:00:00+00:00', NULL);
INSERT INTO workshops VALUES ('w2', 'Vår 2026', 'mognadsanalys-nyttorealisering', '2026-04-20', 'ABCDEF',
    'annan-ledarkod-0987654321', '2026-04-01T10:00:00+00:00', '2026-04-20T15:00:00+00:00');
INSERT INTO workshop_responses VALUES ('w1', 'token-anna', 'Chef', NULL, '{"a/b": {"now": 2}}',
    '2025-11-20T09:00:00+00:00', '2025-11-20T09:05:00+00:00', '2025-11-20T09:06:00+00:00', 'Anna');
INSERT INTO workshop_responses VALUES ('w1', 'token-bo', 'IT', NULL, '{}', '2025-11-20T09:00:00+00:00',
    '2025-11-20T09:00:00+00:00', NULL, NULL);
INSERT INTO workshop_facilitation VALUES ('w1', '{"notes": {"a": "Ledningen"}, "actions": []}',
    '2025-11-20T10:00:00+00:00');
"""


def _old_database(folder: Path) -> Path:
    import sqlite3

    folder.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(folder / "nyttolib.sqlite3")
    connection.executescript(OLD_DATABASE)
    connection.commit()
    connection.close()
    return folder / "nyttolib.sqlite3"


def test_a_database_with_plain_codes_is_migrated_and_every_code_still_works(tmp_path):
    path = _old_database(tmp_path)
    with WorkshopStore(tmp_path) as store:
        stored = _stored_values(path.parent)
        for plain in ("K7QP2M", "ABCDEF", "gammal-ledarkod-1234567890", "annan-ledarkod-0987654321", "token-anna"):
            assert plain not in stored, plain
        # the old codes and personal links open what they opened before
        opened = store.by_facilitator_code("gammal-ledarkod-1234567890")
        assert (opened.id, opened.join_code) == ("w1", "K7QP2M")  # the join code, for the facilitator's view
        assert store.by_facilitator_code("annan-ledarkod-0987654321").join_code == "ABCDEF"
        assert store.by_join_code("k7qp2m").id == "w1"
        workshop, anna = store.response("token-anna")
        assert workshop.id == "w1" and anna.answers == {"a/b": {"now": 2}} and anna.name == "Anna"
        assert [r.role for r in store.responses("gammal-ledarkod-1234567890")] == ["Chef", "IT"]
        assert store.facilitation("w1")["notes"] == {"a": "Ledningen"}
        store.save_answers("token-bo", {"a/b": {"now": 4}})
        with pytest.raises(ClosedError):
            store.join("ABCDEF")  # w2 stays closed
        new = store.join("K7QP2M", role="Chef")
        assert store.response(new)[0].id == "w1"
        with pytest.raises(NotFoundError):
            store.responses("K7QP2M")  # the join code still opens no answers
    with WorkshopStore(tmp_path) as store:  # opening again migrates nothing twice
        assert store.response("token-bo")[1].answers == {"a/b": {"now": 4}}
        assert store.by_facilitator_code("gammal-ledarkod-1234567890").join_code == "K7QP2M"


OPEN_OLD = textwrap.dedent(
    """
    import sys
    from nyttolib.survey.store import WorkshopStore
    with WorkshopStore(sys.argv[1]) as store:
        print(store.by_facilitator_code("gammal-ledarkod-1234567890").join_code, store.response("token-anna")[0].id)
    """
)


def test_kernels_opening_an_old_database_at_once_migrate_it_once(tmp_path):
    """A workshop server starts its kernels together: each opens the store, one migrates, none fails."""
    _old_database(tmp_path)
    processes = [
        subprocess.Popen([sys.executable, "-c", OPEN_OLD, str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        for _ in range(6)
    ]
    outputs = [process.communicate(timeout=120)[0] for process in processes]
    assert [p.returncode for p in processes] == [0] * 6
    assert outputs == ["K7QP2M w1\n"] * 6


def test_a_store_for_one_workshop_reaches_no_other(tmp_path, database_url):
    from nyttolib.storage.database import StoreError

    with WorkshopStore(tmp_path, database_url=database_url) as everything:
        served = everything.create("Den här", "mognadsanalys-nyttorealisering")
        other = everything.create("En annan", "mognadsanalys-nyttorealisering")
        other_token = everything.join(other.join_code, subject="Procapita")
    with WorkshopStore(tmp_path, only=served.id, database_url=database_url) as store:
        assert store.subjects(other.id) == []
        token = store.join(served.join_code)
        assert store.response(token)[0].id == served.id
        assert store.by_facilitator_code(served.facilitator_code).id == served.id
        for attempt in (
            lambda: store.by_join_code(other.join_code),
            lambda: store.join(other.join_code),
            lambda: store.response(other_token),
            lambda: store.save_answers(other_token, {"a/b": {"now": 1}}),
            lambda: store.by_facilitator_code(other.facilitator_code),
            lambda: store.responses(other.facilitator_code),
            lambda: store.close_survey(other.facilitator_code),
            lambda: store.workshop(other.id),
        ):
            with pytest.raises(NotFoundError):
                attempt()
        with pytest.raises(StoreError, match="nya workshoppar skapas inte"):
            store.create("Fejk 2024", "mognadsanalys-nyttorealisering")
    with WorkshopStore(tmp_path, database_url=database_url) as everything:
        assert [w.name for w in everything.workshops()] == ["Den här", "En annan"]
        assert everything.response(other_token)[1].answers == {}

ROLE_SPELLINGS = {"IT": ["IT", "it", " It ", "iT  "], "Chef": ["Chef", "chef", "CHEF ", " chef"]}


@st.composite
def role_responses(draw):
    """Participants of two roles, each spelling the role their own way, answering some statements."""
    questionnaire = load_questionnaires()[0]["mognadsanalys-nyttorealisering"]
    keys = [statement_key(d.id, s.id) for d, s in questionnaire.statements()[:6]]
    answer = st.one_of(st.none(), st.just(DONT_KNOW), st.integers(1, 5))
    responses = []
    for _ in range(draw(st.integers(0, 6))):
        role = draw(st.sampled_from(sorted(ROLE_SPELLINGS)))
        answers = {}
        for key in draw(st.lists(st.sampled_from(keys), unique=True, max_size=len(keys))):
            pair = {"now": draw(answer), "target": draw(answer)}
            answers[key] = {q: v for q, v in pair.items() if v is not None}
        responses.append((role, draw(st.sampled_from(ROLE_SPELLINGS[role])), answers))
    return questionnaire, responses


def _visible(parts) -> list:
    """What the report shows per role: names, levels and how many are hidden."""
    [part] = parts
    return [
        part.respondents,
        part.hidden_roles,
        part.roles,
        [
            (d.now, d.target, [(d.now_by_role[r], d.target_by_role[r]) for r in part.roles])
            for d in part.compilation.dimensions
        ],
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(role_responses(), st.sampled_from(sorted(ROLE_SPELLINGS)))
def test_joining_without_answering_and_spelling_a_role_differently_reveal_nothing(generated, joiner):
    """Invariants of the anonymity rule: a participant who joins and answers nothing changes nothing that
    is shown (no role becomes visible); the same answers under other spellings of the roles compile the same."""
    from nyttolib.survey.report import compile_parts
    from nyttolib.survey.store import Response

    questionnaire, responses = generated

    def as_responses(rows, spelled: bool):
        return [
            Response(str(i), spelling if spelled else role, None, answers, "", None)
            for i, (role, spelling, answers) in enumerate(rows)
        ]

    canonical = _visible(compile_parts(questionnaire, as_responses(responses, False), draw=False))
    spelled = _visible(compile_parts(questionnaire, as_responses(responses, True), draw=False))
    assert spelled[:2] == canonical[:2] and spelled[3] == canonical[3]
    assert [name.casefold().strip() for name in spelled[2]] == [name.casefold() for name in canonical[2]]
    joined = [*as_responses(responses, False), Response("x", joiner, None, {}, "", None)]
    assert _visible(compile_parts(questionnaire, joined, draw=False)) == canonical


def test_codes_and_tokens_are_letters_and_digits_only():
    """A facilitator code beginning with '-' was read as an option by `workshop export CODE`."""
    from nyttolib.survey.store import random_code

    codes = {random_code() for _ in range(2000)}
    assert len(codes) == 2000 and all(code.isalnum() and code.isascii() and len(code) == 25 for code in codes)
