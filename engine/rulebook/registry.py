"""Find rulebooks by id or path, load them once, and hand out the compiled, immutable result.

Rulebooks are looked up in ``rulebooks/`` at the project root, then in every folder listed in
the ``YIBAO_RULEBOOKS`` environment variable (``os.pathsep``-separated). Loading is cached and
guarded by a lock, so concurrent callers share one compiled rulebook.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Dict, List, Tuple

from ..errors import Location, RulebookError, RulebookNotFound, did_you_mean
from .model import Rulebook, build_rulebook
from .schema import validate
from .yamlpos import PositionedDocument, load_yaml_file

_ROOT = Path(__file__).resolve().parent.parent.parent
_lock = threading.RLock()
_cache: Dict[Tuple[str, float], Rulebook] = {}


def rulebook_dirs() -> List[Path]:
    """The folders searched for ``<id>.yaml``, in order."""
    dirs = [_ROOT / "rulebooks", Path(__file__).resolve().parent.parent / "rulebooks"]
    extra = os.environ.get("YIBAO_RULEBOOKS", "")
    dirs += [Path(p) for p in extra.split(os.pathsep) if p]
    return [d for d in dirs if d.is_dir()]


def available_ids() -> List[str]:
    """Ids of every rulebook that can be loaded by id."""
    ids = set()
    for folder in rulebook_dirs():
        ids.update(p.stem for p in folder.glob("*.yaml"))
    return sorted(ids)


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
    ids = available_ids()
    raise RulebookNotFound(f"unknown rulebook '{text}'; available: {', '.join(ids)}" + did_you_mean(text, ids),
                           Location(field="rulebook"))


def compile_document(document: PositionedDocument) -> Rulebook:
    """Schema-validate and compile one parsed rulebook document."""
    if not isinstance(document.data, dict):
        raise RulebookError("a rulebook must be a YAML mapping with id, title, document, effective, scope, …",
                            Location(document.source, 1, 1))
    validate(document, "rulebook")
    return build_rulebook(document)


def load(id_or_path: str) -> Rulebook:
    """Load, validate and compile a rulebook, once per file version (cached, thread-safe)."""
    path = resolve(id_or_path)
    key = (str(path.resolve()), path.stat().st_mtime)
    with _lock:
        cached = _cache.get(key)
        if cached is not None:
            return cached
        display = _display_path(path)
        rulebook = compile_document(load_yaml_file(display))
        _cache[key] = rulebook
        return rulebook


def _display_path(path: Path) -> str:
    """A path relative to the working directory where possible (shorter error messages)."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
