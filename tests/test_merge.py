"""Three-way merge of two tabs' edits, field by field: what only one side changed is taken, what both
changed differently is a conflict the user decides; rows are matched by id."""

from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nyttolib.assessment.merge import (
    MISSING,
    RowId,
    changed_paths,
    describe,
    positional_path,
    row_lists,
    three_way_merge,
)
from nyttolib.assessment.model import Assessment, Benefit, CostLine


def document(**initiative) -> dict:
    doc = Assessment(id="a1").model_dump(mode="json")
    doc["initiative"].update(initiative)
    return doc


def with_benefits(doc: dict, *rows: tuple[str, str]) -> dict:
    doc = copy.deepcopy(doc)
    doc["benefits"] = [Benefit(id=i, description=d).model_dump(mode="json") for i, d in rows]
    return doc


def test_different_fields_are_both_taken():
    base = document(name="Chatt", department="", need="")
    mine = document(name="Chatt", department="Ekonomi", need="")
    theirs = document(name="Chatt", department="", need="Snabbare svar")
    result = three_way_merge(base, mine, theirs)
    assert result.clean
    assert result.document["initiative"]["department"] == "Ekonomi"
    assert result.document["initiative"]["need"] == "Snabbare svar"
    assert result.document["initiative"]["name"] == "Chatt"


def test_the_same_field_changed_differently_is_a_conflict_decided_by_choice():
    base, mine, theirs = document(department=""), document(department="Flik B"), document(department="Flik A")
    result = three_way_merge(base, mine, theirs)
    (conflict,) = result.conflicts
    assert conflict.path == ("initiative", "department")
    assert (conflict.base, conflict.mine, conflict.theirs) == ("", "Flik B", "Flik A")
    assert result.document["initiative"]["department"] == "Flik B"  # mine until decided
    decided = three_way_merge(base, mine, theirs, {conflict.path: "theirs"})
    assert decided.document["initiative"]["department"] == "Flik A"
    assert decided.conflicts == result.conflicts  # still reported, now with a choice


def test_the_same_change_on_both_sides_is_no_conflict():
    base, both = document(owner=""), document(owner="Chef")
    result = three_way_merge(base, both, copy.deepcopy(both))
    assert result.clean and result.document["initiative"]["owner"] == "Chef"


def test_rows_added_on_both_sides_are_all_kept_in_order():
    base = with_benefits(document(), ("b1", "Ett"), ("b2", "Två"))
    mine = with_benefits(document(), ("b1", "Ett"), ("b2", "Två"), ("m1", "Min nya"))
    theirs = with_benefits(document(), ("t1", "Deras första"), ("b1", "Ett"), ("b2", "Två"))
    result = three_way_merge(base, mine, theirs)
    assert result.clean
    assert [b["id"] for b in result.document["benefits"]] == ["t1", "b1", "b2", "m1"]


def test_a_row_removed_on_one_side_and_another_edited_on_the_other():
    base = with_benefits(document(), ("b1", "Ett"), ("b2", "Två"), ("b3", "Tre"))
    mine = with_benefits(document(), ("b1", "Ett"), ("b3", "Tre"))  # removed b2
    theirs = with_benefits(document(), ("b1", "Ett, ändrad"), ("b2", "Två"), ("b3", "Tre"))
    result = three_way_merge(base, mine, theirs)
    assert result.clean
    assert [(b["id"], b["description"]) for b in result.document["benefits"]] == [("b1", "Ett, ändrad"), ("b3", "Tre")]


def test_a_row_removed_on_one_side_and_edited_on_the_other_is_a_conflict():
    base = with_benefits(document(), ("b1", "Ett"), ("b2", "Två"))
    mine = with_benefits(document(), ("b1", "Ett"))
    theirs = with_benefits(document(), ("b1", "Ett"), ("b2", "Två, ändrad"))
    result = three_way_merge(base, mine, theirs)
    (conflict,) = result.conflicts
    assert conflict.path == ("benefits", RowId("b2"))
    assert conflict.mine is MISSING and conflict.theirs["description"] == "Två, ändrad"
    assert [b["id"] for b in result.document["benefits"]] == ["b1"]
    kept = three_way_merge(base, mine, theirs, {conflict.path: "theirs"}).document
    assert [b["description"] for b in kept["benefits"]] == ["Ett", "Två, ändrad"]


def test_fields_of_one_row_edited_on_both_sides_merge_inside_the_row():
    base = with_benefits(document(), ("b1", "Ett"))
    mine, theirs = copy.deepcopy(base), copy.deepcopy(base)
    mine["benefits"][0]["target_group"] = "Medborgare"
    theirs["benefits"][0]["description"] = "Ett, ändrad"
    merged = three_way_merge(base, mine, theirs).document["benefits"][0]
    assert (merged["target_group"], merged["description"]) == ("Medborgare", "Ett, ändrad")


def test_rows_moved_on_one_side_keep_that_order_and_the_others_edits():
    base = with_benefits(document(), ("b1", "Ett"), ("b2", "Två"), ("b3", "Tre"))
    mine = with_benefits(document(), ("b3", "Tre"), ("b1", "Ett"), ("b2", "Två"))
    theirs = with_benefits(document(), ("b1", "Ett"), ("b2", "Två!"), ("b3", "Tre"))
    result = three_way_merge(base, mine, theirs)
    assert [(b["id"], b["description"]) for b in result.document["benefits"]] == [
        ("b3", "Tre"),
        ("b1", "Ett"),
        ("b2", "Två!"),
    ]


def test_values_per_year_merge_year_by_year_and_conflict_when_the_years_differ():
    base = document()
    base["calculation"]["cost_lines"] = [CostLine(id="k1", values=[100, 200, 300]).model_dump(mode="json")]
    mine, theirs = copy.deepcopy(base), copy.deepcopy(base)
    mine["calculation"]["cost_lines"][0]["values"][0] = 150
    theirs["calculation"]["cost_lines"][0]["values"][2] = 350
    result = three_way_merge(base, mine, theirs)
    assert result.clean and result.document["calculation"]["cost_lines"][0]["values"] == [150, 200, 350]
    theirs["calculation"]["years"] = 4
    theirs["calculation"]["cost_lines"][0]["values"] = [100, 200, 300, 400]
    result = three_way_merge(base, mine, theirs)
    (conflict,) = result.conflicts
    assert conflict.path == ("calculation", "cost_lines", RowId("k1"), "values")
    assert result.document["calculation"]["years"] == 4  # only they changed it


def test_keys_added_and_removed_in_dicts():
    base = document()
    base["prerequisites"] = {"nyttoanalys": {"answer": "ja", "motivation": ""}}
    mine, theirs = copy.deepcopy(base), copy.deepcopy(base)
    mine["prerequisites"]["finansiering"] = {"answer": "nej", "motivation": "Söks i höst"}
    del theirs["prerequisites"]["nyttoanalys"]
    merged = three_way_merge(base, mine, theirs).document
    assert merged["prerequisites"] == {"finansiering": {"answer": "nej", "motivation": "Söks i höst"}}


def test_lists_without_ids_that_both_sides_resize_are_one_conflict():
    base = document()
    mine, theirs = copy.deepcopy(base), copy.deepcopy(base)
    mine["plan"]["prerequisites"] = ["Beslut i nämnden"]
    theirs["plan"]["prerequisites"] = ["Budget"]
    (conflict,) = three_way_merge(base, mine, theirs).conflicts
    assert conflict.path == ("plan", "prerequisites")


def test_changed_paths_and_row_lists_name_what_changed():
    base = with_benefits(document(), ("b1", "Ett"))
    after = with_benefits(document(department="IT"), ("b1", "Ett"), ("b2", "Två"))
    assert changed_paths(base, after) == [("initiative", "department"), ("benefits", RowId("b2"))]
    assert row_lists(base)[("benefits",)] == ("b1",)
    assert row_lists(after)[("benefits",)] == ("b1", "b2")
    assert positional_path(("benefits", RowId("b2"), "description"), after) == ("benefits", 1, "description")
    assert positional_path(("benefits", RowId("zz"), "description"), after) is None


def test_describe_uses_the_models_swedish_titles():
    doc = with_benefits(document(), ("b1", "Ett"), ("b2", "Två"))
    assert describe(("initiative", "department"), doc, Assessment) == "Om initiativet › Verksamhet"
    assert describe(("benefits", RowId("b2"), "target_group"), doc, Assessment) == "Nytta › rad 2 › Målgrupp"
    doc["calculation"]["cost_lines"] = [CostLine(id="k1", values=[1, 2, 3]).model_dump(mode="json")]
    path = ("calculation", "cost_lines", RowId("k1"), "values", 1)
    assert describe(path, doc, Assessment) == "Nyttokalkyl › Kostnader › rad 1 › Belopp per år › år 2"
    names = {"nyttoanalys": "Nyttoanalys framtagen"}
    label = describe(("prerequisites", "nyttoanalys", "motivation"), doc, Assessment, names)
    assert label == "Förutsättningar › Nyttoanalys framtagen › Motivering/kommentar"


# -- property: edits to different fields merge to the document with both applied ---------------------

TEXT_FIELDS = ["name", "department", "initiator", "owner", "contact", "need", "description"]
ROW_TEXT = ["description", "target_group", "means", "baseline"]


def _apply(doc: dict, edit: tuple) -> None:
    kind = edit[0]
    if kind == "initiative":
        doc["initiative"][edit[1]] = edit[2]
    elif kind == "row":
        _, row_id, key, value = edit
        for row in doc["benefits"]:
            if row["id"] == row_id:
                row[key] = value
    elif kind == "remove":
        doc["benefits"] = [row for row in doc["benefits"] if row["id"] != edit[1]]
    elif kind == "add" and all(row["id"] != edit[1] for row in doc["benefits"]):
        doc["benefits"].append(Benefit(id=edit[1], description=edit[2]).model_dump(mode="json"))
    elif kind == "year":
        doc["calculation"]["cost_lines"][0]["values"][edit[1]] = edit[2]


def _target(edit: tuple) -> tuple:
    """What an edit touches: edits on different targets must merge without conflict."""
    if edit[0] in ("remove", "add"):
        return ("row", edit[1])
    if edit[0] == "row":
        return ("row", edit[1])
    return edit[:2]


texts = st.text(alphabet="abcåäö ÅÄÖ-0123", max_size=12)
edits = st.one_of(
    st.tuples(st.just("initiative"), st.sampled_from(TEXT_FIELDS), texts),
    st.tuples(st.just("row"), st.sampled_from(["b1", "b2", "b3"]), st.sampled_from(ROW_TEXT), texts),
    st.tuples(st.just("remove"), st.sampled_from(["b1", "b2", "b3"])),
    st.tuples(st.just("add"), st.sampled_from(["n1", "n2", "n3", "n4"]), texts),
    st.tuples(st.just("year"), st.integers(0, 2), st.integers(0, 10**6)),
)


def _base() -> dict:
    doc = with_benefits(document(name="Bas"), ("b1", "Ett"), ("b2", "Två"), ("b3", "Tre"))
    doc["calculation"]["cost_lines"] = [CostLine(id="k1", values=[1, 2, 3]).model_dump(mode="json")]
    return doc


def _split(all_edits: list[tuple], sides: list[bool]) -> tuple[list, list]:
    """Give each target to one side only, so the two edit sets touch different fields."""
    owner: dict = {}
    mine, theirs = [], []
    for edit, side in zip(all_edits, sides, strict=False):
        target = _target(edit)
        owner.setdefault(target, side)
        (mine if owner[target] else theirs).append(edit)
    return mine, theirs


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(edits, max_size=12), st.lists(st.booleans(), min_size=12, max_size=12))
def test_merging_edits_to_different_fields_equals_applying_both(all_edits, sides):
    mine_edits, their_edits = _split(all_edits, sides)
    base = _base()
    mine, theirs = copy.deepcopy(base), copy.deepcopy(base)
    for edit in mine_edits:
        _apply(mine, edit)
    for edit in their_edits:
        _apply(theirs, edit)
    result = three_way_merge(base, mine, theirs)
    assert result.clean
    expected = copy.deepcopy(theirs)
    for edit in mine_edits:
        _apply(expected, edit)
    assert _normalised(result.document) == _normalised(expected)
    Assessment.model_validate(result.document)  # the merge is a document the model accepts


def _normalised(doc: dict) -> dict:
    """Rows are compared as a set of rows plus the order of the rows both sides kept."""
    doc = copy.deepcopy(doc)
    doc["benefits"] = sorted(doc["benefits"], key=lambda row: row["id"])
    return doc


# -- property: the same over every field and every list of rows of a full example ---------------------


def _full_example() -> dict:
    from nyttolib.assessment.documents import read_assessment_file
    from nyttolib.content import load_content

    from conftest import INVOICE

    return read_assessment_file(INVOICE, load_content()).assessment.model_dump(mode="json")


FULL = _full_example()


def _walk(doc, path=()):
    """Every leaf (scalar) and every list of rows of a document, by paths that name rows by id."""
    if isinstance(doc, dict):
        for key, value in doc.items():
            if key not in ("id", "document_type", "schema_version"):
                yield from _walk(value, (*path, key))
    elif isinstance(doc, list) and doc and all(isinstance(r, dict) and r.get("id") for r in doc):
        yield ("rows", path)
        for row in doc:
            yield from _walk(row, (*path, RowId(row["id"])))
    elif isinstance(doc, list) and doc and all(isinstance(r, dict) for r in doc):
        for index, row in enumerate(doc):  # rows without ids (funding lines) are edited in place
            yield from _walk(row, (*path, index))
    elif isinstance(doc, list):
        for index in range(len(doc)):
            yield ("leaf", (*path, index))
    else:
        yield ("leaf", path)


TARGETS = list(_walk(FULL))


def _parent(doc, path):
    for part in path[:-1]:
        doc = next(r for r in doc if r["id"] == part.id) if isinstance(part, RowId) else doc[part]
    return doc


def _edit(doc: dict, target: tuple, token: int) -> None:
    kind, path = target
    if kind == "leaf":
        parent = _parent(doc, path)
        old = parent[path[-1]]
        parent[path[-1]] = (not old) if isinstance(old, bool) else f"ändrat {token}" if isinstance(old, str) else token
    elif token % 2:  # remove the last row of the list
        rows = _parent(doc, path)[path[-1]]
        rows.pop()
    else:  # add a row: a copy of the first with a new id
        rows = _parent(doc, path)[path[-1]]
        rows.append({**copy.deepcopy(rows[0]), "id": f"ny{token}"})


def _touches(a: tuple, b: tuple) -> bool:
    """Two edits on the same field, or one inside a list of rows the other adds to or removes from."""
    (_, pa), (_, pb) = a, b
    shorter = min(len(pa), len(pb))
    return pa[:shorter] == pb[:shorter]


def _sorted_rows(doc):
    if isinstance(doc, dict):
        return {k: _sorted_rows(v) for k, v in doc.items()}
    if isinstance(doc, list):
        items = [_sorted_rows(v) for v in doc]
        if items and all(isinstance(r, dict) and r.get("id") for r in items):
            return sorted(items, key=lambda r: r["id"])
        return items
    return doc


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.integers(0, len(TARGETS) - 1), st.booleans(), st.integers(1, 10**6)),
        max_size=10,
        unique_by=lambda e: e[0],
    )
)
def test_every_field_and_list_of_an_example_merges_when_the_edits_do_not_overlap(picks):
    chosen: list[tuple[tuple, bool, int]] = []
    for index, side, token in picks:
        target = TARGETS[index]
        if not any(_touches(target, other) for other, _side, _token in chosen):
            chosen.append((target, side, token))
    base = copy.deepcopy(FULL)
    mine, theirs, expected = (copy.deepcopy(base) for _ in range(3))
    for target, side, token in chosen:
        _edit(mine if side else theirs, target, token)
        _edit(expected, target, token)
    result = three_way_merge(base, mine, theirs)
    assert result.clean, result.conflicts
    assert _sorted_rows(result.document) == _sorted_rows(expected)
