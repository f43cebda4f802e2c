"""Which evaluator runs a rulebook's cases: its generated code where it covers them, else the interpreter.

Every :class:`~engine.rulebook.rulebook.Rulebook` has one :class:`Backend`. For a rulebook read
from its file, the first case builds the rulebook's generated evaluator (engine/evaluate/compiled)
— or takes it from the compiled-rulebook cache (engine/rulebook/cache.py), and writes it there for
the next process. A rulebook compiled from text in memory (an unsaved edit in the workbench) is
judged by the interpreter for its first :data:`WARM_UP` cases: writing its code costs more than a
few cases gain. A rulebook the generator does not cover, or one with several versions, is judged
by the interpreter (engine/evaluate), which is also the answer for every case the generated code
falls back on. Results are byte-identical either way (tests/test_compiled.py).

``YIBAO_BACKEND=interpreter`` in the environment (read when a rulebook first evaluates a case)
makes it use the interpreter alone (for comparisons and benchmarks; it never changes a result).
"""

from __future__ import annotations

import os
import threading
from typing import Any, Optional

from engine.evaluate.compiled.build import compile_spec
from engine.evaluate.compiled.coverage import Uncovered
from engine.evaluate.compiled.evaluator import CompiledEvaluator
from engine.evaluate.compiled.module import generate
from engine.evaluate.compiled.runtime import FALLBACK
from engine.rulebook.cache import Entry
from engine.spec.rulebook import RulebookSpec

__all__ = ["Backend", "FALLBACK", "WARM_UP", "interpreter_only"]

#: Cases a rulebook compiled in memory (no cache entry) leaves to the interpreter before its code is generated.
WARM_UP = 200


def interpreter_only() -> bool:
    """Whether the environment asks for the interpreter alone (``YIBAO_BACKEND=interpreter``)."""
    return os.environ.get("YIBAO_BACKEND", "").strip().lower() == "interpreter"


class Backend:
    """The generated evaluator of one rulebook, built on first use (thread-safe), or the reason there is none."""

    __slots__ = ("entry", "_evaluator", "_reason", "_lock", "_cases")

    def __init__(self, entry: Optional[Entry] = None) -> None:
        #: The rulebook's entry in the compiled-rulebook cache (None: a rulebook not read from a file).
        self.entry = entry
        self._evaluator: Optional[CompiledEvaluator] = None
        self._reason: Optional[str] = None
        self._lock = threading.Lock()
        self._cases = 0

    def evaluator(self, spec: RulebookSpec) -> Optional[CompiledEvaluator]:
        """The generated evaluator of ``spec`` (a rulebook standing alone); None where it is not covered."""
        if self._evaluator is not None or self._reason is not None:
            return self._evaluator
        with self._lock:
            if self._evaluator is None and self._reason is None:
                if interpreter_only():
                    self._reason = "YIBAO_BACKEND=interpreter"
                    return None
                try:
                    self._evaluator = self._build(spec)
                except Uncovered as why:
                    self._reason = str(why)
        return self._evaluator

    def _build(self, spec: RulebookSpec) -> CompiledEvaluator:
        evaluator = self.entry.load(lambda readings: generate(spec, readings)) if self.entry is not None else None
        if evaluator is None:
            evaluator = compile_spec(spec)
            if self.entry is not None:
                self.entry.store(evaluator.source(), spec)
        return evaluator

    @property
    def built(self) -> bool:
        """Whether the generated evaluator is built (cases it covers run generated code)."""
        return self._evaluator is not None

    @property
    def uncovered(self) -> Optional[str]:
        """Why the rulebook has no generated evaluator (None: it has one, or it was not built yet)."""
        return self._reason

    def evaluate(self, spec: RulebookSpec, case: Any, trace: bool) -> Any:
        """The generated evaluator's result for ``case``, or FALLBACK (the interpreter's turn)."""
        evaluator = self._evaluator
        if evaluator is None:
            if self._reason is not None:
                return FALLBACK
            if self.entry is None and self._cases < WARM_UP:
                self._cases += 1
                return FALLBACK
            evaluator = self.evaluator(spec)
            if evaluator is None:
                return FALLBACK
        return evaluator.evaluate(case, trace)
