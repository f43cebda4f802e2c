"""Find rulebooks by id or path, load them once, and hand out the compiled, immutable result.

Rulebooks are looked up in the bundled ``rulebooks/`` folder (:mod:`engine.base.resources`), then
in every folder listed in the ``YIBAO_RULEBOOKS`` environment variable (``os.pathsep``-separated). Loading is cached and
guarded by a lock, so concurrent callers share one compiled rulebook.
"""

from __future__ import annotations

import datetime as _dt
import glob
import os
import stat
import threading
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Dict, List, Optional, Sequence, Tuple

from engine.base.lazy import lazy_module
from engine.errors import Location, RulebookError, RulebookNotFound, did_you_mean
from engine.rulebook.cache import Entry, Reads
from engine.base.schemas import validate
from engine.base.documents import PositionedDocument, load_yaml_file
from engine.base.frozen import freeze as deeply_frozen
from engine.base.resources import bundled_dir

if TYPE_CHECKING:
    from engine.evaluate.compiled.evaluator import CompiledEvaluator
    from engine.rulebook.rulebook import Rulebook
    from engine.spec.rulebook import RulebookSpec

# Compiling a rulebook needs the spec builders (the DSL, the rule objects) and the facade; finding a
# rulebook's files and its cached generated code does not: a one-shot command that finds a fresh
# cache entry (engine/rulebook/cache.py) never imports them.
_build = lazy_module("engine.spec.build")
_facade = lazy_module("engine.rulebook.rulebook")
_backend = lazy_module("engine.rulebook.backend")
inherit = lazy_module("engine.rulebook.inherit")

_lock = threading.RLock()
_cache: Dict[Tuple[str, float], "Rulebook"] = {}
_version_cache: Dict[Tuple, Tuple[Path, ...]] = {}


def _candidate_dirs() -> List[Path]:
    extra = os.environ.get("YIBAO_RULEBOOKS", "")
    return [bundled_dir("rulebooks")] + [Path(p) for p in extra.split(os.pathsep) if p]


def rulebook_dirs() -> List[Path]:
    """The folders searched for ``<id>.yaml``, in order."""
    return [d for d in _candidate_dirs() if d.is_dir()]


_frozen_state: Optional[Tuple[Tuple[str, int], ...]] = None


def freeze() -> None:
    """Stop watching the rulebook folders in this process: keep the set of files seen now.

    For long-running faces that compiled their rulebooks at start — the HTTP service and batch
    workers: every case of a run is then judged by the same rulebook versions, and no case pays for
    looking at the folders again. A one-shot process (the CLI) never calls it.
    """
    global _frozen_state
    _frozen_state = _folder_state()


def thaw() -> None:
    """Watch the rulebook folders again (undo :func:`freeze`; a service that stops calls it)."""
    global _frozen_state
    _frozen_state = None


def reset() -> None:
    """Forget every compiled rulebook and version list: the next load reads the files again.

    For a service's rulebook reload: the cache is keyed by each file's modification time, which
    misses a change in a parent (``extends``) of an unchanged file. Rulebooks already handed out
    stay valid; they are simply no longer shared with later loads.
    """
    with _lock:
        _cache.clear()
        _version_cache.clear()


def _folder_state() -> Tuple[Tuple[str, int], ...]:
    """(folder, mtime) of every existing rulebook folder: one stat each (evaluation asks per case)."""
    state = []
    for folder in _candidate_dirs():
        try:
            info = os.stat(folder)
        except OSError:
            continue
        if stat.S_ISDIR(info.st_mode):
            state.append((str(folder), info.st_mtime_ns))
    return tuple(state)


def available_ids() -> List[str]:
    """Ids of every rulebook that can be loaded by id (``<id>.yaml`` and versions ``<id>@<label>.yaml``)."""
    ids = set()
    for folder in rulebook_dirs():
        ids.update(p.stem.split("@", 1)[0] for p in folder.glob("*.yaml"))
    return sorted(ids)


def version_files(rulebook_id: str) -> List[Path]:
    """Every file of one rulebook id: ``<id>.yaml`` and ``<id>@<label>.yaml`` (one per effective period).

    A folder earlier in :func:`rulebook_dirs` hides a later folder's file of the same name.
    """
    # Cached per folder state: evaluation asks for every case, and a glob per case would dominate batches.
    key = (rulebook_id, _frozen_state if _frozen_state is not None else _folder_state())
    cached = _version_cache.get(key)
    if cached is not None:
        return list(cached)
    folders = [Path(name) for name, _ in key[1]]
    found: Dict[str, Path] = {}
    for folder in folders:
        pattern = glob.escape(rulebook_id)  # an id is a name, never a pattern ('*' matches nothing)
        for path in sorted(folder.glob(f"{pattern}.yaml")) + sorted(folder.glob(f"{pattern}@*.yaml")):
            found.setdefault(path.name, path)
    with _lock:
        _version_cache[key] = tuple(found.values())
    return list(found.values())


def versions(rulebook_id: str) -> List[Rulebook]:
    """Every version of a rulebook id, compiled, ordered by the start of its effective period."""
    return sorted((load(str(path)) for path in version_files(rulebook_id)), key=lambda rb: rb.effective_from)


def version_on(rulebook_id: str, day) -> Optional[Rulebook]:
    """The version of ``rulebook_id`` in force on ``day`` (a date), or None."""
    for rulebook in versions(rulebook_id):
        if rulebook.effective_from <= day and (rulebook.effective_until is None or day <= rulebook.effective_until):
            return rulebook
    return None


def _load_parent(parent_id: str, child: PositionedDocument, where: Location,
                 reads: Optional[Reads] = None) -> PositionedDocument:
    """The parent named by ``extends``: the version in force when the child takes effect, else ``<id>.yaml``.
    ``reads`` records the files read (for the compiled-rulebook cache)."""
    files = version_files(parent_id)
    if not files:
        ids = available_ids()
        raise RulebookError(f"extends unknown rulebook '{parent_id}'; available: {', '.join(ids)}"
                            + did_you_mean(parent_id, ids), where)
    chosen = next((f for f in files if f.stem == parent_id), files[0])
    start = None
    if isinstance(child.data, dict) and isinstance(child.data.get("effective"), dict):
        try:
            start = _dt.date.fromisoformat(str(child.data["effective"].get("from")))
        except ValueError:
            start = None
    if len(files) > 1 and reads is not None:
        reads.cacheable = False  # the parent depends on the child's dates: not cached
    if start is not None and len(files) > 1:
        for path in files:
            document = load_yaml_file(display_path(path))
            effective = document.data.get("effective") if isinstance(document.data, dict) else None
            try:
                low = _dt.date.fromisoformat(str(effective["from"]))
                high = _dt.date.fromisoformat(str(effective["until"])) if effective.get("until") else None
            except (TypeError, KeyError, ValueError):
                continue
            if low <= start and (high is None or start <= high):
                return document
    if reads is not None:
        return reads.document(display_path(chosen), parent_id)
    return load_yaml_file(display_path(chosen))


def merged_document(document: PositionedDocument, reads: Optional[Reads] = None) -> PositionedDocument:
    """``document`` with its ``extends`` chain merged in (see :mod:`engine.rulebook.inherit`)."""
    if reads is None:
        return inherit.resolve(document, _load_parent)
    return inherit.resolve(document, lambda parent_id, child, where: _load_parent(parent_id, child, where, reads))


def resolve(id_or_path: str) -> Path:
    """The file of a rulebook given by id (``inner-mongolia``) or by path."""
    text = str(id_or_path)
    candidate = Path(text)
    if text.endswith((".yaml", ".yml")) or os.sep in text or "/" in text:
        if candidate.is_file():
            return candidate
        raise RulebookNotFound(f"no rulebook file at '{text}'", Location(text))
    for folder in rulebook_dirs():
        path = folder / f"{text}.yaml"
        if path.is_file():
            return path
    files = version_files(text)  # only dated versions exist: the latest
    if files:
        return sorted(files)[-1]
    ids = available_ids()
    raise RulebookNotFound(f"unknown rulebook '{text}'; available: {', '.join(ids)}" + did_you_mean(text, ids),
                           Location(field="rulebook"))


def compile_document(document: PositionedDocument, reads: Optional[Reads] = None) -> Rulebook:
    """Schema-validate and compile one parsed rulebook document (inheritance resolved). ``reads``:
    the files were read through it, and the rulebook's generated code may be cached under their content."""
    if not isinstance(document.data, dict):
        raise RulebookError("a rulebook must be a YAML mapping with id, title, document, effective, scope, …",
                            Location(document.source, 1, 1))
    source = document.source
    document = merged_document(document, reads)
    validate(document, "rulebook")
    spec = _build.build_spec(document)
    lineage = tuple(getattr(document, "lineage", (spec.id,)))
    spec = replace(spec, origins=deeply_frozen(tuple(inherit.origins(document))), lineage=lineage)
    entry = reads.entry(spec.id, _single_file) if reads is not None else None
    return _facade.Rulebook.of(spec, _sibling_versions(spec.id, source), _backend.Backend(entry))


def _single_file(rulebook_id: str) -> Optional[Path]:
    """The one file of a rulebook id (an ``extends`` parent), or None when it has none or several
    (then the parent depends on dates, and its rulebooks are not cached)."""
    files = version_files(rulebook_id)
    return files[0] if len(files) == 1 else None


def cached_evaluator(id_or_path: str) -> Optional[CompiledEvaluator]:
    """The generated evaluator of a rulebook from the compiled-rulebook cache, without reading the
    rulebook (engine/rulebook/cache.py); None when there is no fresh entry, or when its id has
    several versions (each event is then judged by its own version: the facade decides)."""
    try:
        path = resolve(id_or_path)
    except RulebookError:
        return None
    evaluator = Entry(path, _single_file).load()
    if evaluator is None or len(version_files(evaluator.name)) > 1:
        return None
    return evaluator


def _sibling_versions(rulebook_id: str, source: str) -> Callable[[], Sequence[RulebookSpec]]:
    """Every version of ``rulebook_id`` when it has several files and ``source`` is one of them;
    nothing for a rulebook loaded from elsewhere (a file given by path stands alone)."""
    frozen: List = []  # (folder state, answer) while the registry is frozen: the answer cannot change

    def siblings() -> Sequence[RulebookSpec]:
        if frozen and frozen[0] is _frozen_state:
            return frozen[1]
        if len(version_files(rulebook_id)) < 2:
            found: Sequence[RulebookSpec] = ()
        else:
            found = versions(rulebook_id)
            found = tuple(found) if any(version.source == source for version in found) else ()
        if _frozen_state is not None:
            frozen[:] = [_frozen_state, found]
        return found
    return siblings


def load(id_or_path: str) -> Rulebook:
    """Load, validate and compile a rulebook, once per file version (cached, thread-safe)."""
    path = resolve(id_or_path)
    key = (str(path.resolve()), path.stat().st_mtime)
    with _lock:
        cached = _cache.get(key)
        if cached is not None:
            return cached
        display = display_path(path)
        reads = Reads()
        rulebook = compile_document(reads.document(display), reads)
        _cache[key] = rulebook
        return rulebook


def display_path(path: Path) -> str:
    """A path relative to the working directory where possible (shorter error messages)."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
