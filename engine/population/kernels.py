"""Each rulebook's generated functions, compiled once and kept on disk, and the kernel that runs them.

The generated module (engine/population/generate.py) is written to the population cache folder under
the hash of its text, which names the rulebook, its readings and the kernel it was written for; numba
keeps the machine code beside it (``cache=True``). A file is imported only when its text is exactly
what the generator writes now: one that differs (edited, truncated, another version) is written
again. The folder is ``population/`` in the engine's cache folder (engine/base/caches.py: default
``~/.cache/yibao-rules/population``), private to the user (0700).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Mapping, Tuple

from engine.base.caches import ENV_VAR, cache_root
from engine.population import generate, kernel, layout
from engine.population.generate import RulebookCode
from engine.spec.rulebook import RulebookSpec

_lock = threading.Lock()
_loaded: Dict[str, Tuple[Callable, ...]] = {}


@functools.lru_cache(maxsize=None)
def kernel_digest() -> str:
    """The hash of the kernel's code (its numba module, the array layout and the code generator)."""
    text = b"".join(Path(module.__file__).read_bytes() for module in (kernel, layout, generate))
    return hashlib.sha256(text).hexdigest()[:16]


def cache_dir() -> Path:
    """The folder of the generated modules (made, private to the user, on first use): ``population/``
    in the engine's cache folder, or a folder of this process when caching is off or the folder
    cannot be written (numba still needs a file to compile from)."""
    root = cache_root()
    if root is not None:
        folder = root / "population"
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            return folder
        except OSError:
            pass
    return _process_folder()


@functools.lru_cache(maxsize=1)
def _process_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="yibao-population-"))


def _functions(code: RulebookCode) -> Tuple[Callable, ...]:
    """The five functions of a generated module, compiled (or loaded from numba's cache)."""
    with _lock:
        found = _loaded.get(code.digest)
        if found is not None:
            return found
        name = f"yibao_population_{code.digest}"
        path = cache_dir() / f"{name}.py"
        try:
            current = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            current = None
        if current != code.source:
            temp = path.with_suffix(f".{os.getpid()}.tmp")
            temp.write_text(code.source, encoding="utf-8")
            os.replace(temp, path)
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # numba's cache finds a function by its module
        spec.loader.exec_module(module)
        found = (module.consequence, module.refuse, module.earned, module.restore, module.settle)
        _loaded[code.digest] = found
        return found


@dataclass
class Kernel:
    """One rulebook under one set of readings, ready to run over encoded persons."""

    rulebook: RulebookSpec
    readings: Dict[str, Any]
    code: RulebookCode
    functions: Tuple[Callable, ...]

    def run(self, lo: int, hi: int, arrays: Tuple, outputs: Tuple) -> None:
        """Evaluate persons ``lo``..``hi`` of ``arrays`` (p_off, p_i, e_i, e_f) into ``outputs``."""
        code = self.code
        kernel.run(lo, hi, *arrays, code.cfg, code.rules, code.sits, code.ways, *self.functions, *outputs)


def compile_kernel(rulebook: RulebookSpec, readings: Mapping[str, Any]) -> Kernel:
    """The kernel of ``rulebook`` under ``readings`` (its effective readings: the rulebook's values with
    a case's choices applied)."""
    code = generate.rulebook_code(rulebook, readings, kernel_digest())
    return Kernel(rulebook, dict(readings), code, _functions(code))


__all__ = ["ENV_VAR", "Kernel", "cache_dir", "compile_kernel", "kernel_digest"]
