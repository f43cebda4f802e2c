"""A compiled rulebook is deeply immutable: nothing reachable from it can be changed, so no caller can
change a later evaluation in the same process (issue 13)."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import types

import pytest

import engine
from engine.base.frozen import FrozenDict

ATOMS = (str, int, float, bool, type(None), _dt.date, bytes, frozenset)


def mutable_parts(root):
    """Paths to every mutable container or unfrozen dataclass reachable from ``root``."""
    found, seen, stack = [], set(), [(root, "rulebook")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, ATOMS) or callable(value) and not dataclasses.is_dataclass(value):
            continue
        if id(value) in seen:
            continue
        seen.add(id(value))
        if isinstance(value, (dict, list, set, bytearray, types.MappingProxyType)):
            found.append(f"{path}: {type(value).__name__}")
            continue
        if isinstance(value, FrozenDict):
            stack.extend((item, f"{path}[{key!r}]") for key, item in value.items())
        elif isinstance(value, tuple):
            stack.extend((item, f"{path}[{index}]") for index, item in enumerate(value))
        elif dataclasses.is_dataclass(value):
            if not type(value).__dataclass_params__.frozen:
                found.append(f"{path}: {type(value).__name__} is not frozen")
            stack.extend((getattr(value, f.name), f"{path}.{f.name}") for f in dataclasses.fields(value))
        elif type(value).__setattr__ is not object.__setattr__ and hasattr(value, "__dict__"):
            # A plain class that refuses attribute assignment: its attributes must be immutable too.
            stack.extend((item, f"{path}.{name}") for name, item in vars(value).items())
        else:
            found.append(f"{path}: {type(value).__name__} (not known to be immutable)")
    return found


@pytest.mark.parametrize("rulebook_id", engine.list_rulebooks())
def test_nothing_reachable_from_a_rulebook_is_mutable(rulebook_id):
    rulebook = engine.load_rulebook(rulebook_id)
    assert mutable_parts(rulebook) == []


def test_the_example_of_the_issue_cannot_change_later_evaluations():
    rulebook = engine.load_rulebook("inner-mongolia")
    with pytest.raises(TypeError):
        rulebook.situations["18.3.1"].points["primary"] = 1  # type: ignore[index]
    with pytest.raises((TypeError, AttributeError)):
        rulebook.raw["scoring"]["tiers"][0]["points"] = 99  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        rulebook.consequences[0].when.text = "true"  # type: ignore[misc]
