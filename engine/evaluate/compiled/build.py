"""Compile a rulebook spec into its generated evaluator (engine/evaluate/compiled/evaluator.py)."""

from __future__ import annotations

from typing import Any, Sequence

from engine.evaluate.compiled.coverage import Uncovered, rulebook_uncovered
from engine.evaluate.compiled.evaluator import CompiledEvaluator
from engine.evaluate.compiled.module import generate
from engine.spec.rulebook import RulebookSpec


def compile_spec(spec: RulebookSpec, versions: Sequence[Any] = ()) -> CompiledEvaluator:
    """The generated evaluator of ``spec`` with its own readings written at once (the module of
    another reading set is written when a case first chooses it). Raises
    :class:`~engine.evaluate.compiled.coverage.Uncovered` with the reason a rulebook is not compiled."""
    reason = rulebook_uncovered(spec, versions)
    if reason is not None:
        raise Uncovered(reason)
    parameters = {name: (parameter.value, tuple(parameter.allowed)) for name, parameter in spec.parameters.items()}
    evaluator = CompiledEvaluator(parameters, lambda readings: generate(spec, readings), spec.id)
    evaluator.add(generate(spec, evaluator.defaults))
    return evaluator
