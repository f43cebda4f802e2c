"""Deeply immutable containers for compiled rulebooks: a rulebook is shared by every thread and
every later evaluation of a process, so nothing reachable from it may change.

:class:`FrozenDict` is a read-only mapping (hashable when its values are, picklable, cheap to copy);
:func:`freeze` turns nested dicts and lists into FrozenDicts and tuples; :func:`thaw` gives a
mutable deep copy back to a caller that wants to edit (the documentation generator, the workbench).
"""

from __future__ import annotations

from typing import Any, Dict, Iterator, Mapping, Tuple, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class FrozenDict(Mapping[K, V]):
    """A mapping that cannot change after it is made."""

    __slots__ = ("_items", "_hash")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        object.__setattr__(self, "_items", dict(*args, **kwargs))
        object.__setattr__(self, "_hash", None)

    def __getitem__(self, key: K) -> V:
        return self._items[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def get(self, key: Any, default: Any = None) -> Any:
        return self._items.get(key, default)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("FrozenDict is immutable")

    def __hash__(self) -> int:
        if self._hash is None:
            object.__setattr__(self, "_hash", hash(frozenset(self._items.items())))
        return self._hash  # type: ignore[return-value]

    def __eq__(self, other: object) -> bool:
        return dict(self._items) == other if isinstance(other, Mapping) else NotImplemented

    def __repr__(self) -> str:
        return f"FrozenDict({self._items!r})"

    def __reduce__(self) -> Tuple[Any, ...]:
        return (FrozenDict, (self._items,))

    def __copy__(self) -> "FrozenDict[K, V]":
        return self

    def __deepcopy__(self, memo: Dict[int, Any]) -> "FrozenDict[K, V]":
        return self


def freeze(value: Any) -> Any:
    """``value`` with every dict made a :class:`FrozenDict` and every list (or set) a tuple, all the way down."""
    if isinstance(value, FrozenDict):
        return value
    if isinstance(value, Mapping):
        return FrozenDict({key: freeze(item) for key, item in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(freeze(item) for item in value)
    if isinstance(value, (set, frozenset)):
        return frozenset(freeze(item) for item in value)
    return value


def thaw(value: Any) -> Any:
    """A mutable deep copy: mappings become dicts, tuples and lists become lists."""
    if isinstance(value, Mapping):
        return {key: thaw(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [thaw(item) for item in value]
    return value
