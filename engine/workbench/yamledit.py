"""Edit one value of a YAML text and keep everything else as the officer wrote it.

A form edit (points, months, a threshold, a sentence) changes one scalar. It is written in place:
the scalar's exact span is found from the parser's events (start and end marks), and only those
characters are replaced, in the same style (plain, quoted, or a block scalar ``>-``/``|``). Comments,
key order, indentation, flow mappings and line breaks elsewhere stay byte for byte. The result is
parsed again and must hold exactly the old data with the one value changed.

Anything else — a key that is not there yet, a list, a value whose scalar cannot be rewritten in
place — goes through ruamel.yaml's round-trip mode, which keeps comments and order but may
normalise indentation.
"""

from __future__ import annotations

import copy
import io
import json
import re
from typing import Any, List, Optional, Sequence, Tuple, Union

import yaml
from ruamel.yaml import YAML

from engine.base.documents import load_yaml
from engine.errors import SchemaError, YibaoError

Key = Union[str, int]


def _nodes(text: str) -> Optional[dict]:
    """Path → where its node is, from the parser's events: ``("scalar", start, end, style)`` for a scalar,
    ``("map", first key column, end of its last value, flow)`` for a mapping. None when it does not parse
    or uses aliases (left to the round-trip writer)."""
    try:
        events = list(yaml.parse(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return None
    found: dict = {}
    stack: List[dict] = []  # open collections: kind, current key or index, whether a key comes next

    def enter() -> Tuple[Key, ...]:
        """A value starts: its path (the key of the mapping, or the next index of the list)."""
        if stack:
            frame = stack[-1]
            if frame["kind"] == "seq":
                frame["index"] += 1
                frame["at"] = frame["index"]
            else:
                frame["at"] = frame["key"]
                frame["expect_key"] = True
        return tuple(f["at"] for f in stack)

    last_end = 0
    for event in events:
        if isinstance(event, yaml.AliasEvent):
            return None
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            path = enter()
            kind = "map" if isinstance(event, yaml.MappingStartEvent) else "seq"
            stack.append({"kind": kind, "index": -1, "key": None, "at": None, "expect_key": True, "path": path,
                          "flow": bool(event.flow_style), "column": None})
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            frame = stack.pop()
            if frame["kind"] == "map":
                found[frame["path"]] = ("map", frame["column"], last_end, frame["flow"])
            last_end = event.end_mark.index if frame["flow"] else last_end
        elif isinstance(event, yaml.ScalarEvent):
            frame = stack[-1] if stack else None
            if frame is not None and frame["kind"] == "map" and frame["expect_key"]:
                frame["key"] = event.value
                frame["expect_key"] = False
                if frame["column"] is None:
                    frame["column"] = event.start_mark.column
                continue
            start, end = event.start_mark.index, event.end_mark.index
            if event.style in (">", "|"):  # a block scalar's span runs on to the next key: stop at its text
                end = start + len(text[start:end].rstrip())
            found[enter()] = ("scalar", start, end, event.style)
            last_end = end
    return found


def _scalar_span(text: str, path: Sequence[Key]) -> Optional[Tuple[int, int, Optional[str]]]:
    """``(start, end, style)`` of the scalar value at ``path`` in ``text``, or None (missing, not a scalar)."""
    node = (_nodes(text) or {}).get(tuple(path))
    return node[1:] if node and node[0] == "scalar" else None


def _insert_key(text: str, path: Sequence[Key], value: Any) -> Optional[str]:
    """``text`` with a new ``key: value`` line at the end of the block mapping at ``path[:-1]``, or None."""
    node = (_nodes(text) or {}).get(tuple(path[:-1]))
    if not node or node[0] != "map" or node[3] or node[1] is None:
        return None
    _, column, last_end, _ = node
    line_end = text.find("\n", last_end)
    at = len(text) if line_end < 0 else line_end + 1
    prefix = "" if at == 0 or text[at - 1] == "\n" else "\n"
    style = "|" if isinstance(value, str) and "\n" in value else None  # several lines: a block, as written
    return text[:at] + prefix + " " * column + f"{path[-1]}: " + _render(value, style, column + 2) + "\n" + text[at:]


_PLAIN_UNSAFE = re.compile(r"[:#,\[\]{}&*!|>'\"%@`]|^[-?\s]|\s$")


def _render(value: Any, style: Optional[str], indent: int) -> str:
    """``value`` as a YAML scalar in (as near as possible) the ``style`` the old value had."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if style in (">", "|"):
        pad = " " * indent
        body = text.split("\n") if "\n" in text else [text]
        head = "|-" if "\n" in text else ">-"
        return head + "".join("\n" + (pad + line if line else "") for line in body)
    if style == "'":
        return "'" + text.replace("'", "''") + "'"
    if style == '"' or _PLAIN_UNSAFE.search(text) or "\n" in text or not text:
        return json.dumps(text, ensure_ascii=False)
    loaded = yaml.safe_load("k: " + text)
    return text if isinstance(loaded, dict) and loaded.get("k") == text else json.dumps(text, ensure_ascii=False)


def _set(data: Any, path: Sequence[Key], value: Any) -> None:
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


def _block_indent(text: str, start: int) -> int:
    """The indentation of a block scalar's content: its key's column + 2 (or the first content line's)."""
    line_start = text.rfind("\n", 0, start) + 1
    key_line = text[line_start:start]
    following = text[start:].split("\n", 2)
    if len(following) > 1 and following[1].strip():
        return len(following[1]) - len(following[1].lstrip(" "))
    return len(key_line) - len(key_line.lstrip(" -")) + 2


def set_value(text: str, path: Sequence[Key], value: Any, source: str = "<rulebook>") -> str:
    """``text`` with the value at ``path`` replaced by ``value``; everything else kept.

    Raises a located :class:`~engine.errors.SchemaError` when ``text`` is not valid YAML.
    """
    before = load_yaml(text, source).data
    expected = copy.deepcopy(before)
    try:
        _set(expected, path, value)
    except (KeyError, IndexError, TypeError):
        raise SchemaError(f"no place {'.'.join(map(str, path))} in this rulebook to set") from None
    span = _scalar_span(text, path) if not isinstance(value, (list, dict)) else None
    if span is None and not isinstance(value, (list, dict)) and isinstance(path[-1], str):
        inserted = _insert_key(text, path, value)
        try:
            if inserted is not None and load_yaml(inserted, source).data == expected:
                return inserted
        except YibaoError:
            pass
    if span is not None:
        start, end, style = span
        new = text[:start] + _render(value, style, _block_indent(text, start)) + text[end:]
        if style in (">", "|") and not new[start:].split("\n", 1)[0].strip().startswith(("|", ">")):
            new = None  # pragma: no cover - defensive
        if new is not None:
            try:
                if load_yaml(new, source).data == expected:
                    return new
            except YibaoError:
                pass
    return round_trip_set(text, path, value)


def _ruamel() -> YAML:
    handler = YAML()
    handler.preserve_quotes = True
    handler.width = 4096  # never re-wrap the officer's long sentences
    handler.indent(mapping=2, sequence=4, offset=2)
    return handler


def round_trip_set(text: str, path: Sequence[Key], value: Any) -> str:
    """Set the value with ruamel.yaml's round trip (comments and order kept; indentation normalised)."""
    handler = _ruamel()
    data = handler.load(text)
    _set(data, path, value)
    out = io.StringIO()
    handler.dump(data, out)
    return out.getvalue()


__all__ = ["set_value", "round_trip_set"]
