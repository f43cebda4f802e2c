"""The one door to the engine: load a rulebook, evaluate a case.

Faces (the CLI, services, batch jobs, documentation) call only these functions.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from .errors import CaseError, Location
from .rulebook import registry
from .rulebook.model import Rulebook
from .rulebook.yamlpos import load_yaml_file


def load_rulebook(id_or_path: str) -> Rulebook:
    """The compiled rulebook with this id (``inner-mongolia``) or file path; cached and immutable."""
    return registry.load(id_or_path)


def list_rulebooks() -> List[str]:
    """Ids of the rulebooks that can be loaded by id."""
    return registry.available_ids()


def evaluate_file(path: str, *, rulebook: Optional[str] = None, trace: bool = True) -> Dict[str, Any]:
    """Evaluate the case file at ``path`` (YAML or JSON); errors point into that file."""
    document = load_yaml_file(path)
    data = document.data
    if not isinstance(data, dict):
        raise CaseError("a case must be a mapping with rulebook, as_of, person and events", Location(path, 1, 1))
    rulebook_id = rulebook or data.get("rulebook")
    if not rulebook_id:
        raise CaseError("missing required field 'rulebook' (e.g. rulebook: inner-mongolia)", Location(path, 1, 1, "rulebook"))
    try:
        compiled = load_rulebook(str(rulebook_id))
    except Exception as error:
        if hasattr(error, "location") and error.location.field == "rulebook":  # unknown id: point into the case
            error.location = document.location(("rulebook",))
        raise
    return compiled.evaluate(data, source=path, positions=document.positions, trace=trace)
