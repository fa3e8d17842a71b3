"""Three-way merge of two edited copies of one assessment, field by field.

Two tabs (or two people) start from the same saved revision (the base) and change it. What only one
side changed is taken as it is; a field both changed to different values is a conflict the user
decides ("behåll min / ta deras"). Rows in lists are matched by their id, so a row added, removed or
edited on one side survives the other side's edits to other rows. Plain data (the JSON form of the
document, `Assessment.model_dump(mode="json")`): no widgets, no store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel

Choice = Literal["mine", "theirs"]


class _Missing:
    """A key or row that is not there (added on one side, removed on the other)."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()


@dataclass(frozen=True)
class RowId:
    """A row of a list of rows, named by its id (its position may differ between the versions)."""

    id: str


MergePath = tuple[str | int | RowId, ...]


@dataclass(frozen=True)
class Conflict:
    """One field (or row, or list) both sides changed, to different values."""

    path: MergePath
    base: Any
    mine: Any
    theirs: Any


@dataclass
class MergeResult:
    document: dict  # the merged document; each conflict resolved by its choice (mine by default)
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.conflicts


def three_way_merge(
    base: dict, mine: dict, theirs: dict, choices: Mapping[MergePath, Choice] | None = None, default: Choice = "mine"
) -> MergeResult:
    """Merge `mine` and `theirs`, both edited from `base`. `choices` decides conflicts by path; the
    conflicts are reported whether decided or not, so a caller can ask about those still open."""
    conflicts: list[Conflict] = []
    merged = _merge(base, mine, theirs, (), dict(choices or {}), default, conflicts)
    return MergeResult(merged, conflicts)


def _merge(base: Any, mine: Any, theirs: Any, path: MergePath, choices: dict, default: Choice, out: list) -> Any:
    if mine == theirs:
        return mine
    if mine == base:
        return theirs
    if theirs == base:
        return mine
    if isinstance(base, dict) and isinstance(mine, dict) and isinstance(theirs, dict):
        return _merge_dicts(base, mine, theirs, path, choices, default, out)
    if isinstance(base, list) and isinstance(mine, list) and isinstance(theirs, list):
        if _rows_with_ids(base) and _rows_with_ids(mine) and _rows_with_ids(theirs):
            return _merge_rows(base, mine, theirs, path, choices, default, out)
        if len(base) == len(mine) == len(theirs):
            return [
                _merge(b, m, t, (*path, index), choices, default, out)
                for index, (b, m, t) in enumerate(zip(base, mine, theirs, strict=True))
            ]
    out.append(Conflict(path, base, mine, theirs))
    return theirs if choices.get(path, default) == "theirs" else mine


def _merge_dicts(base: dict, mine: dict, theirs: dict, path: MergePath, choices: dict, default: Choice, out: list):
    keys = list(theirs) + [k for k in mine if k not in theirs] + [k for k in base if k not in theirs and k not in mine]
    merged = {}
    for key in keys:
        b, m, t = (side.get(key, MISSING) for side in (base, mine, theirs))
        value = _merge(b, m, t, (*path, key), choices, default, out)
        if value is not MISSING:
            merged[key] = value
    return merged


def _rows_with_ids(rows: list) -> bool:
    """A list of rows that each carry a unique id (benefits, cost lines, activities …)."""
    ids = [row.get("id") if isinstance(row, dict) else None for row in rows]
    return all(isinstance(i, str) and i for i in ids) and len(set(ids)) == len(ids)


def _merge_rows(base: list, mine: list, theirs: list, path: MergePath, choices: dict, default: Choice, out: list):
    by_id = [{row["id"]: row for row in rows} for rows in (base, mine, theirs)]
    merged = []
    for row_id in _row_order(*[[row["id"] for row in rows] for rows in (base, mine, theirs)]):
        b, m, t = (rows.get(row_id, MISSING) for rows in by_id)
        value = _merge(b, m, t, (*path, RowId(row_id)), choices, default, out)
        if value is not MISSING:
            merged.append(value)
    return merged


def _row_order(base: list[str], mine: list[str], theirs: list[str]) -> list[str]:
    """Every id of either side once, in the order of the side that moved rows (theirs if both did);
    a row only the other side has goes right after the row it follows there (or before the one it
    precedes; at the end when it is alone)."""
    common = set(base) & set(mine) & set(theirs)

    def kept(ids: list[str]) -> list[str]:
        return [i for i in ids if i in common]

    mine_moved = kept(mine) != kept(base)
    theirs_moved = kept(theirs) != kept(base)
    primary, secondary = (mine, theirs) if mine_moved and not theirs_moved else (theirs, mine)
    order = list(primary)
    for index, row_id in enumerate(secondary):
        if row_id in order:
            continue
        before = next((secondary[i] for i in range(index - 1, -1, -1) if secondary[i] in order), None)
        after = next((i for i in secondary[index + 1 :] if i in order), None)
        if before is not None:
            order.insert(order.index(before) + 1, row_id)
        elif after is not None:
            order.insert(order.index(after), row_id)
        else:
            order.append(row_id)
    return order


def changed_paths(before: Any, after: Any, path: MergePath = ()) -> list[MergePath]:
    """The paths (rows by id) whose values differ between two versions: the leaves that changed, or a
    whole row or key that was added or removed."""
    if before == after:
        return []
    if isinstance(before, dict) and isinstance(after, dict):
        keys = list(after) + [k for k in before if k not in after]
        return [p for k in keys for p in changed_paths(before.get(k, MISSING), after.get(k, MISSING), (*path, k))]
    if isinstance(before, list) and isinstance(after, list):
        if _rows_with_ids(before) and _rows_with_ids(after):
            old, new = ({row["id"]: row for row in rows} for rows in (before, after))
            ids = list(new) + [i for i in old if i not in new]
            found = [p for i in ids for p in changed_paths(old.get(i, MISSING), new.get(i, MISSING), (*path, RowId(i)))]
            return found or [path]  # the same rows, moved
        if len(before) == len(after):
            pairs = enumerate(zip(before, after, strict=True))
            return [p for i, (b, a) in pairs for p in changed_paths(b, a, (*path, i))]
    return [path]


def row_lists(document: Any, path: tuple = ()) -> dict[tuple, tuple]:
    """Every list in the document, by its path with positions, and the ids (or count) of its rows: what a
    view of the lists must show again when it changes."""
    found: dict[tuple, tuple] = {}
    if isinstance(document, dict):
        for key, value in document.items():
            found |= row_lists(value, (*path, key))
    elif isinstance(document, list):
        rows = tuple(r.get("id") if isinstance(r, dict) else None for r in document)
        found[path] = rows if all(rows) else (len(document),)
        for index, value in enumerate(document):
            if isinstance(value, (dict, list)):
                found |= row_lists(value, (*path, index))
    return found


def positional_path(path: MergePath, document: Any) -> tuple | None:
    """The path with rows as positions in `document` (as the form names its fields), or None when a
    row on the path is not in it."""
    result: list = []
    target = document
    for part in path:
        if isinstance(part, RowId):
            index = _row_index(target, part)
            if index is None:
                return None
            result.append(index)
            target = target[index]
        else:
            result.append(part)
            try:
                target = target[part]
            except (KeyError, IndexError, TypeError):
                target = None
    return tuple(result)


def _row_index(rows: Any, row: RowId) -> int | None:
    items = rows if isinstance(rows, list) else []
    return next((i for i, r in enumerate(items) if isinstance(r, dict) and r.get("id") == row.id), None)


def describe(path: MergePath, document: dict, model: type[BaseModel], names: Mapping[str, str] | None = None) -> str:
    """A Swedish name for a field, from the model's field titles: "Nyttokalkyl › Kostnader › rad 2 › Kostnad".
    `names` gives labels for content ids used as keys (criteria, classification axes, hourly rates)."""
    parts: list[str] = []
    current: Any = model
    target: Any = document
    for part in path:
        if isinstance(part, RowId):
            index = _row_index(target, part)
            parts.append(f"rad {index + 1}" if index is not None else "en borttagen rad")
            target = target[index] if index is not None else None
            current = _item_model(current)
            continue
        if isinstance(part, int):
            current = _item_model(current)
            per_year = bool(parts) and "per år" in parts[-1]
            noun = "rad" if current is not None else "år" if per_year else "nr"
            parts.append(f"{noun} {part + 1}")
            target = target[part] if isinstance(target, list) and part < len(target) else None
            continue
        if isinstance(current, type) and issubclass(current, BaseModel) and part in current.model_fields:
            info = current.model_fields[part]
            parts.append(info.title or part)
            current = info.annotation
        else:
            parts.append((names or {}).get(part, part))
            current = _item_model(current)
        target = target.get(part) if isinstance(target, dict) else None
    return " › ".join(parts)


def _item_model(annotation: Any) -> Any:
    """The model of the items of a list or dict annotation (list[CostLine] → CostLine)."""
    for argument in reversed(getattr(annotation, "__args__", ()) or ()):
        if isinstance(argument, type) and issubclass(argument, BaseModel):
            return argument
        inner = _item_model(argument)
        if inner is not None:
            return inner
    return None
