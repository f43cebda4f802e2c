"""YAML with positions: load a document and remember the line and column of every value.

Dates stay strings (the engine parses them itself, with clear errors), so a document is plain
JSON data that JSON Schema can validate. Positions are kept in a side table keyed by the path
of each value, e.g. ``("events", 2, "situation")``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, Optional, Tuple, Union

import os
import re
import stat

import yaml

from engine.base.limits import MAX_ALIASES, MAX_DOCUMENT_FILE_BYTES, MAX_NESTING, MAX_NODES, number_problem, text_problem
from engine.errors import Location, SchemaError

Path = Tuple[Union[str, int], ...]


@dataclass(frozen=True)
class Mark:
    """1-based line and column of a YAML node, and whether its scalar was quoted."""

    line: int
    column: int
    quoted: bool = False
    #: The file the value was written in, where it differs from the document's own source
    #: (a rulebook merged from an ``extends`` chain keeps each value's file).
    source: Optional[str] = None


try:  # libyaml's parser (C) when PyYAML was built with it: it halves the time to read a document
    from yaml.cyaml import CParser as _Parser
except ImportError:  # pragma: no cover - a PyYAML without libyaml
    from yaml.parser import Parser as _Parser  # type: ignore[assignment]
    from yaml.reader import Reader as _Reader
    from yaml.scanner import Scanner as _Scanner
else:
    _Reader = _Scanner = None  # type: ignore[assignment,misc]


class _Loader(yaml.composer.Composer, _Parser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
    """A safe loader that leaves timestamps as strings, rejects duplicate keys, and keeps a document
    within the limits while composing it: nesting, aliases and values (a 400-byte alias bomb would
    otherwise expand to gigabytes). The parser may be libyaml's; composing stays here, in Python,
    so that every node is counted before the next is made."""

    def __init__(self, stream: str) -> None:
        if _Reader is not None:  # the pure-Python parser needs its reader and scanner
            _Reader.__init__(self, stream)
            _Scanner.__init__(self)
            _Parser.__init__(self)
        else:
            _Parser.__init__(self, stream)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)
        self.depth = 0
        self.aliases = 0
        self.nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                mark = self.peek_event().start_mark
                allowed = f"more than {MAX_ALIASES} aliases" if MAX_ALIASES else "aliases"
                raise _LimitBreached(f"{allowed} (*name) are not accepted; write the values out", mark)
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _LimitBreached(f"more than {MAX_NODES:,} values", self.peek_event().start_mark)
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise _LimitBreached(f"nested more than {MAX_NESTING} levels deep", self.peek_event().start_mark)
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _LimitBreached(Exception):
    """A document beyond :mod:`engine.base.limits`, found while composing it (becomes a located SchemaError)."""

    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


# Drop the implicit timestamp resolver: "2025-13-01" should reach the engine as text, which then
# says "not a date" at the right place, instead of PyYAML raising from deep inside.
_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class PositionedDocument:
    """A loaded YAML document, its source name and the positions of its values."""

    data: Any
    source: str
    positions: Dict[Path, Mark]

    def location(self, path: Iterable[Union[str, int]], field: Optional[str] = None) -> Location:
        """The location of the value at ``path`` (or of its nearest ancestor that has one)."""
        path = tuple(path)
        probe = path
        while probe and probe not in self.positions:
            probe = probe[:-1]
        mark = self.positions.get(probe)
        source = mark.source if mark is not None and mark.source else self.source
        return Location(source, mark.line if mark else None, mark.column if mark else None,
                        field if field is not None else format_path(path))

    def expression_location(self, path: Iterable[Union[str, int]]) -> Location:
        """Where the first character of the expression at ``path`` is (inside its quotes)."""
        location = self.location(path)
        mark = self.positions.get(tuple(path))
        if mark and mark.quoted and location.column is not None:
            return Location(location.file, location.line, location.column + 1, location.field)
        return location


def format_path(path: Iterable[Union[str, int]]) -> str:
    """``("events", 2, "situation")`` → ``events[2].situation``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


#: Characters no YAML or JSON document of ours holds: C0 controls other than tab and line ends, DEL, C1,
#: and lone surrogates (only in text not read from a file; libyaml's parser cannot even encode them).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

#: Lone surrogates: a Python string that holds one cannot be written as UTF-8 (nor read by libyaml).
_SURROGATE = re.compile("[\ud800-\udfff]")

#: The tags a document may carry: YAML's own core types. Any other tag (``!foo``) is refused, not ignored.
_PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("map", "seq", "str", "int", "float", "bool", "null"))


def _expanded_size(root: yaml.Node) -> int:
    """How many values the document holds with every alias expanded, counted without expanding:
    an alias is the very node it names, so each node's size is computed once."""
    sizes: Dict[int, int] = {}

    def size(node: yaml.Node) -> int:  # depth is bounded by the composer (MAX_NESTING)
        known = sizes.get(id(node))
        if known is not None:
            return known
        if isinstance(node, yaml.MappingNode):
            total = 1 + sum(size(key) + size(value) for key, value in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total = 1 + sum(size(item) for item in node.value)
        else:
            total = 1
        sizes[id(node)] = total
        return total

    return size(root)


def _construct(node: yaml.Node, loader: _Loader, path: Path, positions: Dict[Path, Mark], source: str) -> Any:
    quoted = isinstance(node, yaml.ScalarNode) and node.style in ("'", '"')
    positions[path] = Mark(node.start_mark.line + 1, node.start_mark.column + 1, quoted)
    if len(positions) > MAX_NODES:
        raise _LimitBreached(f"more than {MAX_NODES:,} values", node.start_mark)
    if node.tag not in _PLAIN_TAGS:
        raise _LimitBreached(f"the tag '{node.tag}' is not allowed; write plain YAML values", node.start_mark)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: Dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise SchemaError("a mapping key must be a plain word",
                                  Location(source, key_node.start_mark.line + 1, key_node.start_mark.column + 1, format_path(path)))
            key = str(key) if not isinstance(key, str) else key  # before the check: 2027 and "2027" are one key
            if key in result:
                raise SchemaError(f"duplicate key '{key}'",
                                  Location(source, key_node.start_mark.line + 1, key_node.start_mark.column + 1, format_path(path + (key,))))
            result[key] = _construct(value_node, loader, path + (key,), positions, source)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, loader, path + (index,), positions, source) for index, item in enumerate(node.value)]
    try:
        value = loader.construct_object(node, deep=True)
    except (ValueError, OverflowError) as error:  # e.g. an integer of thousands of digits
        raise _LimitBreached(f"'{str(node.value)[:40]}…' is not a usable value ({error})", node.start_mark) from None
    problem = text_problem(value) if isinstance(value, str) else number_problem(value)
    if problem:
        raise _LimitBreached(problem, node.start_mark)
    return value


def load_yaml(text: str, source: str = "<string>") -> PositionedDocument:
    """Parse YAML ``text`` into a :class:`PositionedDocument`; a syntax error or a breached limit is
    a located SchemaError."""
    bad = _CONTROL.search(text) or _SURROGATE.search(text)
    if bad is not None and _SURROGATE.fullmatch(bad.group()):
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - text.rfind("\n", 0, bad.start())
        raise SchemaError("not valid Unicode text (a lone surrogate); expected UTF-8 text",
                          Location(source, line, column))
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - text.rfind("\n", 0, bad.start())
        what = "lone surrogate" if "\ud800" <= bad.group() <= "\udfff" else "control character"
        raise SchemaError(f"{what} {bad.group()!r} in the text; expected printable characters",
                          Location(source, line, column))
    loader = None
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
        if node is not None and loader.aliases and _expanded_size(node) > MAX_NODES:
            raise _LimitBreached(f"more than {MAX_NODES:,} values once its aliases (*name) are expanded",
                                 node.start_mark)
        positions: Dict[Path, Mark] = {}
        data = _construct(node, loader, (), positions, source) if node is not None else None
    except _LimitBreached as breach:
        mark = breach.mark
        raise SchemaError(breach.message, Location(source, mark.line + 1, mark.column + 1)) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise SchemaError(
            f"not valid YAML: {error.problem or error.context}",
            Location(source, mark.line + 1 if mark else None, mark.column + 1 if mark else None),
        ) from None
    except yaml.YAMLError as error:
        raise SchemaError(f"not valid YAML: {' '.join(str(error).split())}", Location(source)) from None
    finally:
        if loader is not None:
            loader.dispose()
    return PositionedDocument(data, source, positions)


def read_text_file(path: str, max_bytes: int = MAX_DOCUMENT_FILE_BYTES) -> str:
    """The UTF-8 text of a regular file of at most ``max_bytes``; anything else is a located SchemaError
    (a folder, a device or /proc file, a file too large, bytes that are not UTF-8, NUL characters)."""
    where = Location(str(path))
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise SchemaError("not a regular file; expected a YAML or JSON file", where)
            if info.st_size > max_bytes:
                raise SchemaError(f"the file has {info.st_size:,} bytes; at most {max_bytes:,} are read", where)
            raw = handle.read(max_bytes + 1)
    except OSError as error:
        raise SchemaError(f"cannot read file: {error.strerror}", where) from None
    if len(raw) > max_bytes:  # a file that grew, or reports size 0 (procfs)
        raise SchemaError(f"the file has more than {max_bytes:,} bytes", where)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        raise SchemaError("the file is not UTF-8 text", Location(str(path), line)) from None
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise SchemaError("the file holds a NUL character; expected text", Location(str(path), line)) from None
    return text


def load_yaml_file(path: str, max_bytes: int = MAX_DOCUMENT_FILE_BYTES) -> PositionedDocument:
    """Read and parse a YAML (or JSON) file; an unreadable or oversized file is a located SchemaError."""
    return load_yaml(read_text_file(path, max_bytes), str(path))
