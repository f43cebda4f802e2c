"""Inheritance between rulebooks: ``extends: <rulebook id>``, resolved as a chain.

A rulebook may name one parent, so the parents form a chain of rulebook files; a cycle is a
located error at the ``extends`` value that closes it, naming every file on the cycle. The chain
is merged from the root down:

* Mappings merge by key, recursively (``parameters``, ``responsibility``, ``scoring``,
  ``consequences``, ``repair`` and its ``ways``, ``restoration``, ``institution``, …): a child
  may change one field of an inherited parameter or repair way.
* Lists whose items all carry an identifier (``id``, or ``code`` for situations, ``tier`` for
  tiers) merge by that identifier: a child item with an inherited id replaces that item whole,
  in place; a new id is appended.
* Everything else (scalars, plain lists such as ``roles``) is replaced by the child's value.
* The fields that describe the document itself (``id``, ``title``, ``document``, ``effective``,
  ``issuers``, ``published``, …) are never inherited: every file states its own.
* ``remove: [id, …]`` in a child drops inherited rules (any identified list item or an entry of
  ``parameters`` / ``repair.ways`` / ``obligations``) by id; an id that matches nothing is an error with a
  suggestion.
* ``completeness`` is ``partial`` when any file of the chain is partial; ``missing`` lists the
  child's own gaps and those of its parents, each prefixed with the parent's id.

The merged document keeps, for every value, the file and line where it was written (``Mark.source``),
so schema and compile errors point into the right file, and :func:`origins` lists where each
effective rule came from.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from engine.errors import Location, RulebookError, did_you_mean
from engine.base.documents import Mark, Path, PositionedDocument, format_path

#: Keys that identify the items of a list of rules, in order of preference.
ID_KEYS: Tuple[str, ...] = ("id", "code", "tier")

#: Top-level fields that describe one file and are never inherited.
OWN_FIELDS = frozenset({"id", "title", "jurisdiction", "document", "issuers", "published", "extends",
                        "completeness", "missing", "cites", "source", "effective", "remove"})

#: Top-level fields replaced whole rather than merged key by key (a partial scope would mix two texts).
WHOLE_FIELDS = frozenset({"scope"})

#: Mappings whose entries are rules with an id (the key), for ``remove`` and :func:`origins`.
KEYED_MAPPINGS: Tuple[Path, ...] = (("parameters",), ("repair", "ways"), ("obligations",))

#: Loads a parent rulebook document by id; ``where`` is the location of the ``extends`` value.
ParentLoader = Callable[[str, PositionedDocument, Location], PositionedDocument]


def _node(document: PositionedDocument) -> str:
    return document.source


def _label(document: PositionedDocument) -> str:
    data = document.data if isinstance(document.data, dict) else {}
    return f"{data.get('id', '?')} ({document.source})"


def chain(document: PositionedDocument, load_parent: ParentLoader) -> List[PositionedDocument]:
    """The documents of ``document``'s extends chain, root first, ``document`` last.

    Raises a located :class:`RulebookError` for a cycle (naming the cycle) or an unknown parent.
    """
    # One parent each: the chain is a path, walked until it ends or meets a file it has seen.
    walk: List[PositionedDocument] = [document]
    seen: Dict[str, int] = {_node(document): 0}
    current = document
    while isinstance(current.data, dict) and current.data.get("extends"):
        parent_id = str(current.data["extends"])
        where = current.location(("extends",))
        parent = load_parent(parent_id, current, where)
        if _node(parent) in seen:
            cycle = walk[seen[_node(parent)]:]
            names = [_label(item) for item in cycle] + [_label(cycle[0])]
            raise RulebookError("extends cycle: " + " → ".join(names) + "; a rulebook cannot inherit from itself",
                                where)
        seen[_node(parent)] = len(walk)
        walk.append(parent)
        current = parent
    return list(reversed(walk))  # parents before children


def _graft(document: PositionedDocument, src: Path, dst: Path, positions: Dict[Path, Mark]) -> None:
    """Copy the positions of the value at ``src`` (and below) to ``dst``, keeping the file."""
    size = len(src)
    for path, mark in document.positions.items():
        if path[:size] == src:
            positions[dst + path[size:]] = mark if mark.source else Mark(mark.line, mark.column, mark.quoted,
                                                                           document.source)


def _id_key(*lists: Sequence[Any]) -> Optional[str]:
    """The identifier key shared by every item of ``lists`` (all dicts), or None."""
    items = [item for items in lists for item in items]
    if not items or not all(isinstance(item, dict) for item in items):
        return None
    for key in ID_KEYS:
        if all(key in item for item in items):
            return key
    return None


def _merge(parent: PositionedDocument, p_val: Any, p_path: Path, child: PositionedDocument, c_val: Any,
           c_path: Path, out: Path, positions: Dict[Path, Mark]) -> Any:
    if isinstance(p_val, dict) and isinstance(c_val, dict):
        _graft_self(child, c_path, out, positions)
        result: Dict[str, Any] = {}
        for key, value in p_val.items():
            if key not in c_val:
                result[key] = value
                _graft(parent, p_path + (key,), out + (key,), positions)
        for key, value in c_val.items():
            if key in p_val:
                result[key] = _merge(parent, p_val[key], p_path + (key,), child, value, c_path + (key,),
                                     out + (key,), positions)
            else:
                result[key] = value
                _graft(child, c_path + (key,), out + (key,), positions)
        return result
    if isinstance(p_val, list) and isinstance(c_val, list):
        key = _id_key(p_val, c_val)
        if key is not None:
            _graft_self(child, c_path, out, positions)
            replacements = {item[key]: (index, item) for index, item in enumerate(c_val)}
            merged: List[Any] = []
            for p_index, item in enumerate(p_val):
                if item[key] in replacements:
                    c_index, replacement = replacements.pop(item[key])
                    _graft(child, c_path + (c_index,), out + (len(merged),), positions)
                    merged.append(replacement)
                else:
                    _graft(parent, p_path + (p_index,), out + (len(merged),), positions)
                    merged.append(item)
            for c_index, item in enumerate(c_val):
                if item[key] in replacements:
                    _graft(child, c_path + (c_index,), out + (len(merged),), positions)
                    merged.append(item)
            return merged
    _graft(child, c_path, out, positions)
    return c_val


def _graft_self(document: PositionedDocument, src: Path, dst: Path, positions: Dict[Path, Mark]) -> None:
    mark = document.positions.get(src)
    if mark is not None:
        positions[dst] = mark if mark.source else Mark(mark.line, mark.column, mark.quoted, document.source)


def merge_pair(parent: PositionedDocument, child: PositionedDocument) -> PositionedDocument:
    """``child`` over ``parent`` (both mappings); the result keeps every value's file and line."""
    positions: Dict[Path, Mark] = {}
    _graft_self(child, (), (), positions)
    data: Dict[str, Any] = {}
    p_data: Dict[str, Any] = parent.data
    c_data: Dict[str, Any] = child.data
    for key, value in p_data.items():
        if key in OWN_FIELDS or key in c_data:
            continue
        data[key] = value
        _graft(parent, (key,), (key,), positions)
    for key, value in c_data.items():
        if key in p_data and key not in OWN_FIELDS and key not in WHOLE_FIELDS:
            data[key] = _merge(parent, p_data[key], (key,), child, value, (key,), (key,), positions)
        else:
            data[key] = value
            _graft(child, (key,), (key,), positions)
    if "scope" not in data and "scope" in p_data:  # scope is inherited whole when the child has none
        data["scope"] = p_data["scope"]
        _graft(parent, ("scope",), ("scope",), positions)
    # Completeness flows down: a child of a partial rulebook is partial in what it inherits.
    if p_data.get("completeness") == "partial":
        data["completeness"] = "partial"
        inherited = [f"{p_data.get('id')}: {gap}" for gap in (p_data.get("missing") or ())]
        data["missing"] = list(c_data.get("missing") or ()) + inherited
    merged = PositionedDocument(data, child.source, positions)
    _apply_removals(merged, child)
    return merged


def _rule_index(data: Any) -> Dict[str, List[Tuple[Path, Any]]]:
    """Every removable rule of ``data``: id → [(container path, key or list index)]."""
    index: Dict[str, List[Tuple[Path, Any]]] = {}

    def walk(value: Any, path: Path) -> None:
        if isinstance(value, dict):
            if path in KEYED_MAPPINGS:
                for key in value:
                    index.setdefault(str(key), []).append((path, key))
            for key, sub in value.items():
                walk(sub, path + (key,))
        elif isinstance(value, list):
            key = _id_key(value)
            for position, item in enumerate(value):
                if key is not None:
                    index.setdefault(str(item[key]), []).append((path, position))
                walk(item, path + (position,))

    for top, value in data.items():
        if top not in OWN_FIELDS:
            walk(value, (top,))
    return index


def _apply_removals(merged: PositionedDocument, child: PositionedDocument) -> None:
    removals = child.data.get("remove") or []
    if not removals:
        return
    if not isinstance(removals, list):
        raise RulebookError("'remove' is a list of inherited rule ids", child.location(("remove",)))
    index = _rule_index(merged.data)
    doomed: List[Tuple[Path, Any]] = []
    for position, rule_id in enumerate(removals):
        hits = index.get(str(rule_id))
        if not hits:
            raise RulebookError(f"cannot remove '{rule_id}': no inherited rule has this id"
                                + did_you_mean(str(rule_id), index), child.location(("remove", position)))
        doomed.extend(hits)
    by_container: Dict[Path, List[Any]] = {}
    for container, key in doomed:
        by_container.setdefault(container, []).append(key)
    for container, keys in by_container.items():
        target: Any = merged.data
        for part in container:
            target = target[part]
        if isinstance(target, dict):
            for key in keys:
                target.pop(key, None)
            continue
        gone = set(keys)
        keep = [i for i in range(len(target)) if i not in gone]
        renumber = {old: new for new, old in enumerate(keep)}
        target[:] = [target[i] for i in keep]
        _renumber(merged, container, renumber)


def _renumber(document: PositionedDocument, container: Path, renumber: Dict[int, int]) -> None:
    """Move the positions under ``container[i]`` to their new indices after items were removed."""
    size = len(container)
    moved: Dict[Path, Mark] = {}
    for path in list(document.positions):
        if path[:size] == container and len(path) > size and isinstance(path[size], int):
            mark = document.positions.pop(path)
            new = renumber.get(path[size])
            if new is not None:
                moved[container + (new,) + path[size + 1:]] = mark
    document.positions.update(moved)


def resolve(document: PositionedDocument, load_parent: ParentLoader) -> PositionedDocument:
    """``document`` with its extends chain merged in (itself when it extends nothing)."""
    if isinstance(document.data, dict) and document.data.get("remove") and not document.data.get("extends"):
        raise RulebookError("'remove' drops inherited rules, but this rulebook extends nothing; "
                            "delete the rules instead, or add 'extends: <rulebook id>'", document.location(("remove",)))
    if not isinstance(document.data, dict) or not document.data.get("extends"):
        return document
    documents = chain(document, load_parent)
    lineage = tuple(str(d.data.get("id")) for d in reversed(documents))
    merged = documents[0]
    for child in documents[1:]:
        if not isinstance(merged.data, dict) or not isinstance(child.data, dict):
            raise RulebookError("a rulebook must be a YAML mapping", Location(child.source, 1, 1))
        merged = merge_pair(merged, child)
    merged.lineage = lineage  # type: ignore[attr-defined]
    return merged


def origins(document: PositionedDocument) -> List[Dict[str, Any]]:
    """For every effective rule: where it sits, its id, and the file:line it came from."""
    rows: List[Dict[str, Any]] = []
    data = document.data if isinstance(document.data, dict) else {}

    def record(path: Path, rule_id: Any) -> None:
        location = document.location(path)
        rows.append({"section": format_path(path[:-1]), "id": str(rule_id), "file": location.file,
                     "line": location.line})

    def walk(value: Any, path: Path) -> None:
        if isinstance(value, dict):
            for key, sub in value.items():
                if path in KEYED_MAPPINGS:
                    record(path + (key,), key)
                walk(sub, path + (key,))
        elif isinstance(value, list):
            key = _id_key(value)
            for position, item in enumerate(value):
                if key is not None:
                    record(path + (position,), item[key])
                walk(item, path + (position,))

    for top, value in data.items():
        if top not in OWN_FIELDS:
            walk(value, (top,))
    return rows
