"""The rulebook data the documentation shows: ``Rulebook.raw``, with a parent's sections where it ``extends`` one.

The engine evaluates the compiled rulebook; the pages describe it from its YAML. A rulebook that
``extends:`` another inherits the sections it does not write itself, so a section missing from the
child's own YAML is shown from the parent (top-level sections only; the engine's own inheritance,
where it exists, decides the details — the outcome tables always come from the engine).
"""

from __future__ import annotations

from typing import Any, Dict, Mapping

from ..rulebook.model import Rulebook


def raw_of(rb: Rulebook, _seen: tuple = ()) -> Mapping[str, Any]:
    """The rulebook's YAML data, top-level sections of its parent filled in where it extends one."""
    own = rb.raw
    parent_id = own.get("extends")
    if not parent_id or parent_id in _seen or parent_id == rb.id:
        return own
    from .. import api
    from ..errors import YibaoError

    try:
        parent = api.load_rulebook(str(parent_id))
    except YibaoError:
        return own
    merged: Dict[str, Any] = dict(raw_of(parent, _seen + (rb.id,)))
    for key in ("id", "title", "jurisdiction", "document", "issuers", "published", "effective", "completeness",
                "missing", "cites", "source"):
        merged.pop(key, None)  # a document's own identity is never inherited
    merged.update(own)
    return merged
