"""The compiled-rulebook cache: a rulebook's generated evaluator kept on disk between processes.

A one-shot command (``yibao evaluate CASE``) would otherwise read, validate and compile the whole
rulebook for every run; with the cache it reads the rulebook file only to hash it, and compiles
the generated source it finds (engine/evaluate/compiled/module.py) again.

An entry is keyed by the exact content it was made from: the bytes of the rulebook file and of every
rulebook of its ``extends`` chain (as they resolve now), and the engine that made it (its version
and the hash of its own code). Only the engine's own output is ever loaded: an entry holds the
generated source and its SHA-256, written by this engine; a stale entry (another content, another
engine), a corrupt one or one that does not compile is ignored and written again.

Next to an entry, its source compiled to Python code (``marshal``, as Python keeps ``.pyc`` files),
named by its SHA-256 in the entry: a one-shot command runs it without compiling the source again.

An entry also keeps what every result's ``provenance`` is made of (engine/rulebook/provenance.py):
the rulebook's id, version label and canonical JSON. Its hash includes the hash of the State
Council schedules in effect, which costs reading and checking them; that hash is kept too, in a
``calendar-*.txt`` file keyed by the schedule file's bytes and the ``chinese-calendar`` package's
identity. A result from the cache carries the same provenance as one from the rulebook; where the
schedules' hash is not kept yet, the command takes the usual way (and keeps it).

The folder is ``$YIBAO_CACHE_DIR`` if set (``off``: no cache), else ``$XDG_CACHE_HOME/yibao-rules``
(default ``~/.cache/yibao-rules``). A folder that cannot be written only costs the speed-up.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import marshal
import os
import re
import sys
import tempfile
from pathlib import Path
from types import CodeType
from typing import Any, Callable, Dict, List, Optional, Tuple

from engine.base import holidays
from engine.base.caches import cache_root
from engine.base.documents import PositionedDocument, load_yaml, read_text_file
from engine.base.version import __version__
from engine.evaluate.compiled.evaluator import CompiledEvaluator
from engine.evaluate.compiled.loader import GENERATOR, compile_source
from engine.rulebook.provenance import calendar_sha256, canonical_json, content_digest, rulebook_version

_ENGINE = Path(__file__).resolve().parent.parent
#: Entries older than this layout are ignored.
_LAYOUT = 3
_DIGEST = re.compile(r"[0-9a-f]{64}")


def folder() -> Optional[Path]:
    """The cache folder, or None when caching is off."""
    return cache_root()


@functools.lru_cache(maxsize=None)
def fingerprint() -> str:
    """The engine that writes entries: the generator's version, the Python that compiles its code, and
    the identity of every module of the engine (path, size and modification time: a changed module is
    another engine; reading them all would cost a one-shot command more than the cache saves)."""
    digest = hashlib.sha256(f"{GENERATOR}|{_LAYOUT}|{sys.implementation.cache_tag}".encode())
    folders = [str(_ENGINE)]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in sorted(entries, key=lambda item: item.name):
                if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                    folders.append(entry.path)
                elif entry.name.endswith(".py"):
                    info = entry.stat()
                    digest.update(f"{entry.path}|{info.st_size}|{info.st_mtime_ns}\n".encode())
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
            name = entry.get("rulebook") or "rulebook"
            code = _code(where.with_suffix(".code"), entry["source_sha256"], entry.get("code_sha256"))
            if code is None:  # compiled again from the source, and kept for the next run
                code = compile_source(source, name)
                data = marshal.dumps(code)
                _write(where.with_suffix(".code"), data)
                entry["code_sha256"] = _code_sha(entry["source_sha256"], data)
                _write(where, json.dumps(entry, ensure_ascii=False).encode("utf-8"))
            evaluator = CompiledEvaluator.from_source(source, generate, name, code)
            evaluator.provenance = _provenance(entry.get("provenance"))
            return evaluator
        except Exception:  # noqa: BLE001 - a stale, corrupt or unreadable entry is ignored (and written again)
            return None

    def store(self, source: str, rulebook: Any) -> None:
        """Write the entry of the generated ``source`` of ``rulebook`` (a compiled rulebook standing
        alone) and its compiled code (atomically); nothing for an entry not made by :class:`Reads`,
        or where the folder cannot be written."""
        if self.content is None or self.parents is None:
            return
        where = _entry_file(self.content)
        if where is None:
            return
        try:
            code = marshal.dumps(compile_source(source, self.rulebook_id or "rulebook"))
            source_sha = _sha(source.encode("utf-8"))
            entry = {"layout": _LAYOUT, "engine": fingerprint(), "rulebook": self.rulebook_id, "file": self.content,
                     "parents": [list(parent) for parent in self.parents], "source_sha256": source_sha,
                     "code_sha256": _code_sha(source_sha, code), "source": source,
                     "provenance": {"rulebook_id": rulebook.id, "rulebook_version": rulebook_version(rulebook),
                                    "rulebook_json": canonical_json(rulebook.raw).decode("utf-8")}}
            _write(where.with_suffix(".code"), code)
            _write(where, json.dumps(entry, ensure_ascii=False).encode("utf-8"))
        except OSError:
            return
        remember_calendar()


def _calendar_file() -> Optional[Path]:
    """Where the hash of the State Council schedules this process would use is kept, named by the
    schedule file's path and bytes and the identity of the ``chinese-calendar`` package (its tables'
    path, size and modification time) — found without reading the schedules."""
    where = folder()
    if where is None:
        return None
    key = hashlib.sha256(fingerprint().encode())
    path = holidays.schedule_file()
    if path is not None:
        key.update(f"|{Path(path).resolve()}|".encode())
        key.update(Path(path).read_bytes())
    package = importlib.util.find_spec("chinese_calendar")
    for place in (package.submodule_search_locations or []) if package is not None else []:
        info = os.stat(os.path.join(place, "constants.py"))
        key.update(f"|{place}|{info.st_size}|{info.st_mtime_ns}".encode())
    return where / f"calendar-{key.hexdigest()[:40]}.txt"


def known_calendar() -> Optional[str]:
    """The kept hash of the schedules in effect (engine/rulebook/provenance.py ``calendar_sha256``), or None."""
    try:
        place = _calendar_file()
        if place is None or not place.is_file():
            return None
        digest = place.read_text(encoding="ascii").strip()
    except (OSError, UnicodeError):
        return None
    return digest if _DIGEST.fullmatch(digest) else None


def remember_calendar() -> None:
    """Keep the hash of the schedules in effect (reading them, if not read yet) for the next process;
    nothing where it cannot be kept or the schedules cannot be read (the command reports that)."""
    try:
        place = _calendar_file()
        if place is not None:
            _write(place, calendar_sha256().encode("ascii"))
    except Exception:  # noqa: BLE001 - a bad schedule file is reported where it is used, not here
        return


def _provenance(recorded: Any) -> Optional[Dict[str, str]]:
    """The ``provenance`` of results from an entry that recorded ``recorded``: None when the hash of
    the schedules in effect is not kept (or the entry recorded nothing)."""
    if not isinstance(recorded, dict):
        return None
    calendar = known_calendar()
    if calendar is None:
        return None
    return {"engine_version": __version__, "rulebook_id": recorded["rulebook_id"],
            "rulebook_version": recorded["rulebook_version"],
            "rulebook_sha256": content_digest(recorded["rulebook_json"].encode("utf-8"), calendar)}


def _code_sha(source_sha: str, data: bytes) -> str:
    """The hash that names an entry's code: its bytes, bound to the source they were compiled from."""
    return _sha(source_sha.encode() + data)


def _code(path: Path, source_sha: str, expected: Optional[str]) -> Optional[CodeType]:
    """The compiled code kept with an entry, when its bytes are the ones the entry names."""
    if not expected or not path.is_file():
        return None
    data = path.read_bytes()
    return marshal.loads(data) if _code_sha(source_sha, data) == expected else None


def _write(where: Path, data: bytes) -> None:
    where.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".entry-", suffix=where.suffix, dir=where.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, where)
    except BaseException:
        os.unlink(temporary)
        raise
