"""The explanation of an evaluation: every rule that fired, with its article, in order.

An opt-in observer (as OpenFisca's tracer): with tracing off, :attr:`Trace.enabled` is False and
callers skip building the message at all, so batches and services pay nothing for it.
"""

from __future__ import annotations

from typing import List, Optional

from engine.evaluate.records import TraceStep


class Trace:
    """The steps of one evaluation; empty and free when not ``enabled``."""

    __slots__ = ("enabled", "steps")

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.steps: List[TraceStep] = []

    def add(self, step: str, event: Optional[int], rule: Optional[str], article: Optional[str], detail: str) -> None:
        """Append a step. Callers test :attr:`enabled` first when the detail costs to format."""
        if self.enabled:
            self.steps.append(TraceStep(step, event, rule, article, detail))
