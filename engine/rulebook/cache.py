"""The compiled-rulebook cache: a rulebook's generated evaluator kept on disk between processes.

A one-shot command (``yibao evaluate CASE``) would otherwise read, validate and compile the whole
rulebook for every run; with the cache it reads the rulebook file only to hash it, and compiles
the generated source it finds (engine/evaluate/compiled/module.py) again.

An entry is keyed by the exact content it was made from: the bytes of the rulebook file and of every
rulebook of its ``extends`` chain (as they resolve now), and the engine that made it (its version
and the hash of its own code). Only the engine's own output is ever loaded: an entry holds the
generated source and its SHA-256, written by this engine; a stale entry (another content, another
engine), a corrupt one or one that does not compile is ignored and written again.

The folder is ``$YIBAO_CACHE_DIR`` if set (``off``: no cache), else ``$XDG_CACHE_HOME/yibao-rules``
(default ``~/.cache/yibao-rules``). A folder that cannot be written only costs the speed-up.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

from engine.base.documents import PositionedDocument, load_yaml, read_text_file
from engine.evaluate.compiled.evaluator import CompiledEvaluator
from engine.evaluate.compiled.module import GENERATOR

_ENGINE = Path(__file__).resolve().parent.parent
_VERSION = "0.1.0"  # engine.__version__ (the package root imports the whole API; this module must not)
#: Entries older than this layout are ignored.
_LAYOUT = 1


def folder() -> Optional[Path]:
    """The cache folder, or None when caching is off."""
    chosen = os.environ.get("YIBAO_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off", "none", "0") else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "yibao-rules"


@functools.lru_cache(maxsize=None)
def fingerprint() -> str:
    """The engine that writes entries: its version, the generator's version and a hash of its code."""
    digest = hashlib.sha256(f"{_VERSION}|{GENERATOR}|{_LAYOUT}|{sys.version_info[:2]}".encode())
    for path in sorted(_ENGINE.rglob("*.py")):
        digest.update(str(path.relative_to(_ENGINE)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _entry_file(content: str) -> Optional[Path]:
    """Where the entry of a rulebook file whose bytes hash to ``content`` is (None: caching is off)."""
    where = folder()
    return None if where is None else where / f"{_sha((fingerprint() + content).encode())[:40]}.json"


class Reads:
    """The rulebook files read to compile one rulebook, with the hash of the exact bytes parsed: the
    content its cache entry is keyed by (engine/rulebook/registry.py ``load`` reads through it)."""

    def __init__(self) -> None:
        self.file: Optional[Tuple[Path, str]] = None
        self.parents: List[Tuple[str, str]] = []
        self.cacheable = True

    def document(self, path: str, parent_id: Optional[str] = None) -> PositionedDocument:
        """Read and parse a rulebook file (the rulebook itself, or the parent ``parent_id``)."""
        text = read_text_file(path)
        content = _sha(text.encode("utf-8"))  # strict UTF-8: the same bytes as the file's
        if parent_id is None:
            self.file = (Path(path).resolve(), content)
        else:
            self.parents.append((parent_id, content))
        return load_yaml(text, path)

    def entry(self, rulebook_id: str, resolve_parent: Callable[[str], Optional[Path]]) -> Optional["Entry"]:
        """The cache entry of what was read (None: a parent chosen by date, which is not cached)."""
        if self.file is None or not self.cacheable:
            return None
        return Entry(self.file[0], resolve_parent, rulebook_id, self.file[1], tuple(self.parents))


class Entry:
    """The cache entry of one rulebook file.

    Made by :class:`Reads`, it knows the hashes of the bytes that were compiled (``content`` and the
    ``extends`` chain's ``parents``); made from a path alone (a one-shot command looking for the
    entry before reading the rulebook) it hashes the files as they are now. ``resolve_parent`` names
    the one file a parent id resolves to now (None: not exactly one).
    """

    def __init__(self, rulebook_file: Path, resolve_parent: Callable[[str], Optional[Path]], rulebook_id: str = "",
                 content: Optional[str] = None, parents: Optional[Tuple[Tuple[str, str], ...]] = None):
        self.file = Path(rulebook_file)
        self.resolve_parent = resolve_parent
        self.rulebook_id = rulebook_id
        self.content = content
        self.parents = parents

    def _parents_match(self, recorded: List[List[str]]) -> bool:
        if self.parents is not None:
            return [list(parent) for parent in self.parents] == recorded
        for parent_id, content in recorded:
            path = self.resolve_parent(parent_id)
            if path is None or _sha(path.read_bytes()) != content:
                return False
        return True

    def load(self, generate: Optional[Callable[[Dict[str, Any]], str]] = None) -> Optional[CompiledEvaluator]:
        """The cached evaluator, or None (no entry, or a stale or corrupt one)."""
        try:
            content = self.content or _sha(self.file.read_bytes())
            where = _entry_file(content)
            if where is None or not where.is_file():
                return None
            entry = json.loads(where.read_text(encoding="utf-8"))
            source = entry["source"]
            if (entry.get("layout") != _LAYOUT or entry.get("engine") != fingerprint() or entry.get("file") != content
                    or _sha(source.encode("utf-8")) != entry.get("source_sha256")
                    or not self._parents_match(entry["parents"])):
                return None
            return CompiledEvaluator.from_source(source, generate, entry.get("rulebook") or "rulebook")
        except Exception:  # noqa: BLE001 - a stale, corrupt or unreadable entry is ignored (and written again)
            return None

    def store(self, source: str) -> None:
        """Write the entry (atomically); nothing for an entry not made by :class:`Reads`, or where the
        folder cannot be written."""
        if self.content is None or self.parents is None:
            return
        where = _entry_file(self.content)
        if where is None:
            return
        entry = {"layout": _LAYOUT, "engine": fingerprint(), "rulebook": self.rulebook_id, "file": self.content,
                 "parents": [list(parent) for parent in self.parents],
                 "source_sha256": _sha(source.encode("utf-8")), "source": source}
        try:
            _write(where, json.dumps(entry, ensure_ascii=False))
        except OSError:
            return


def _write(where: Path, text: str) -> None:
    where.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".entry-", suffix=".json", dir=where.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, where)
    except BaseException:
        os.unlink(temporary)
        raise
