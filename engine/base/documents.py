"""YAML with positions: load a document and remember the line and column of every value.

Dates stay strings (the engine parses them itself, with clear errors), so a document is plain
JSON data that JSON Schema can validate. Positions are kept in a side table keyed by the path
of each value, e.g. ``("events", 2, "situation")``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, Optional, Tuple, Union

import yaml

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


class _Loader(yaml.SafeLoader):
    """A safe loader that leaves timestamps as strings and rejects duplicate keys."""


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


def _construct(node: yaml.Node, loader: _Loader, path: Path, positions: Dict[Path, Mark], source: str) -> Any:
    quoted = isinstance(node, yaml.ScalarNode) and node.style in ("'", '"')
    positions[path] = Mark(node.start_mark.line + 1, node.start_mark.column + 1, quoted)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: Dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise SchemaError("a mapping key must be a plain word",
                                  Location(source, key_node.start_mark.line + 1, key_node.start_mark.column + 1, format_path(path)))
            if key in result:
                raise SchemaError(f"duplicate key '{key}'",
                                  Location(source, key_node.start_mark.line + 1, key_node.start_mark.column + 1, format_path(path + (key,))))
            key = str(key) if not isinstance(key, str) else key
            result[key] = _construct(value_node, loader, path + (key,), positions, source)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, loader, path + (index,), positions, source) for index, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def load_yaml(text: str, source: str = "<string>") -> PositionedDocument:
    """Parse YAML ``text`` into a :class:`PositionedDocument`; a syntax error is a located SchemaError."""
    try:
        loader = _Loader(text)  # the reader refuses control characters here already
    except yaml.reader.ReaderError as error:
        code = error.character if isinstance(error.character, int) else ord(error.character)
        before = text[: error.position]
        raise SchemaError(f"not valid YAML: {error.reason} (U+{code:04X})",
                          Location(source, before.count("\n") + 1, error.position - before.rfind("\n"))) from None
    try:
        node = loader.get_single_node()
        positions: Dict[Path, Mark] = {}
        data = _construct(node, loader, (), positions, source) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise SchemaError(
            f"not valid YAML: {error.problem or error.context}",
            Location(source, mark.line + 1 if mark else None, mark.column + 1 if mark else None),
        ) from None
    except yaml.YAMLError as error:
        raise SchemaError(f"not valid YAML: {error}", Location(source)) from None
    finally:
        loader.dispose()
    return PositionedDocument(data, source, positions)


def load_yaml_file(path: str) -> PositionedDocument:
    """Read and parse a YAML file; an unreadable file is a located SchemaError."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as error:
        raise SchemaError(f"cannot read file: {error.strerror}", Location(str(path))) from None
    except UnicodeDecodeError:
        raise SchemaError("the file is not UTF-8 text", Location(str(path))) from None
    return load_yaml(text, str(path))
