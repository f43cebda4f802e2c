"""A rulebook's generated evaluators, one per reading set, behind one ``evaluate(case, trace)``.

The case's ``parameters`` (readings it chooses) select the reading set, checked as
engine/cases/document.py checks them; the first case with a new set has its module generated
(when the spec is at hand — an evaluator loaded from the cache without one falls back instead).
Anything the generated code does not answer is :data:`FALLBACK`, and the facade
(engine/rulebook/rulebook.py) then asks the interpreter.
"""

from __future__ import annotations

import threading
from types import CodeType
from typing import Any, Callable, Dict, Mapping, Optional, Tuple

from engine.evaluate.compiled.coverage import Uncovered
from engine.evaluate.compiled.loader import Functions, load, run
from engine.evaluate.compiled.runtime import FALLBACK

Key = Tuple[Tuple[str, type, Any], ...]


def _key(readings: Mapping[str, Any]) -> Key:
    # The type is part of the key: a case choosing 1 where the rulebook says true writes 1.
    return tuple((name, type(value), value) for name, value in readings.items())


class CompiledEvaluator:
    """The generated functions of one rulebook (engine/evaluate/compiled/module.py), by reading set.

    ``parameters``: reading id → (the rulebook's value, the allowed values); ``generate`` writes the
    module of a reading set (None: only the sets already added are answered).
    """

    def __init__(self, parameters: Mapping[str, Tuple[Any, Tuple[Any, ...]]],
                 generate: Optional[Callable[[Dict[str, Any]], str]] = None, name: str = "rulebook"):
        self.parameters = dict(parameters)
        self.defaults = {reading: value for reading, (value, _) in self.parameters.items()}
        self.name = name
        self.sources: Dict[Key, str] = {}
        self._functions: Dict[Key, Optional[Functions]] = {}
        self._default: Optional[Functions] = None
        self._generate = generate
        self._lock = threading.Lock()
        #: What its results carry as ``provenance`` where the compiled-rulebook cache knows it
        #: (engine/rulebook/cache.py); None: the facade stamps them.
        self.provenance: Optional[Dict[str, str]] = None

    @classmethod
    def from_source(cls, source: str, generate: Optional[Callable[[Dict[str, Any]], str]] = None,
                    name: str = "rulebook", code: Optional[CodeType] = None) -> "CompiledEvaluator":
        """The evaluator of a generated module's source (e.g. from the cache), or of its ``code``
        compiled from that source before."""
        namespace = run(code, source, name) if code is not None else load(source, name)
        evaluator = cls(namespace["PARAMETERS"], generate, name)
        evaluator.add(source, namespace)
        return evaluator

    def add(self, source: str, namespace: Optional[Dict[str, Any]] = None) -> Functions:
        """Use a generated module (its source) for the reading set it was written for."""
        namespace = namespace if namespace is not None else load(source, self.name)
        key = _key(namespace["READINGS"])
        functions = (namespace["evaluate"], namespace["evaluate_trace"])
        with self._lock:
            self.sources[key] = source
            self._functions[key] = functions
            if key == _key(self.defaults):
                self._default = functions
        return functions

    def source(self, readings: Optional[Mapping[str, Any]] = None) -> Optional[str]:
        """The generated source of a reading set (default: the rulebook's own readings)."""
        key = _key(dict(self.defaults, **(readings or {})))
        if key not in self.sources:
            self._functions_for(dict(self.defaults, **(readings or {})))
        return self.sources.get(key)

    def _functions_for(self, readings: Dict[str, Any]) -> Optional[Functions]:
        key = _key(readings)
        if key in self._functions:
            return self._functions[key]
        if self._generate is None:
            return None
        try:
            return self.add(self._generate(readings))
        except Uncovered:  # an expression this reading set does not let the generator write: the interpreter
            self._functions[key] = None
            return None

    def readings(self, chosen: Any) -> Optional[Dict[str, Any]]:
        """The reading set of a case that chooses ``chosen`` (engine/cases/document.py
        ``chosen_readings`` and ``effective_readings``); None where the interpreter refuses them."""
        readings = dict(self.defaults)
        for name, value in chosen.items():
            declared = self.parameters.get(name)
            if declared is None or value not in declared[1]:
                return None
            readings[name] = value
        return readings

    def evaluate(self, case: Any, trace: bool) -> Any:
        """The result of ``case``, or FALLBACK."""
        if type(case) is not dict:
            return FALLBACK
        try:
            functions = self._readings_of(case) if "parameters" in case else self._default
            if functions is None:
                return FALLBACK
            return functions[trace](case)
        except Exception:  # noqa: BLE001 - generated code never raises for a case the interpreter accepts;
            return FALLBACK  # anything else (a condition failing at run time) is the interpreter's to report

    def evaluate_strict(self, case: Any, trace: bool) -> Any:
        """:meth:`evaluate`, but a failure of generated code raises instead of falling back (tests)."""
        if type(case) is not dict:
            return FALLBACK
        functions = self._readings_of(case)
        return FALLBACK if functions is None else functions[trace](case)

    def _readings_of(self, case: Dict[str, Any]) -> Optional[Functions]:
        chosen = case.get("parameters")
        if not chosen:
            return self._default
        if type(chosen) is not dict:  # the contract: an object (generated code checks the rest)
            return None
        readings = self.readings(chosen)
        return self._functions_for(readings) if readings is not None else None
