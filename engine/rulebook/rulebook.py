"""The :class:`Rulebook` facade: a compiled rulebook spec with the operations embedders call.

A :class:`Rulebook` *is* its :class:`~engine.spec.rulebook.RulebookSpec` (every field of the spec
is readable on it) plus ``evaluate``, ``can_settle``, ``deadline`` and ``attribute``, which hand
the spec to the evaluation layer; every result leaves here with its ``provenance``
(:mod:`engine.rulebook.provenance`). The registry (:mod:`engine.rulebook.registry`) makes them and
tells each one where its sibling versions are, so that every event of a case is judged by the
version in force on its date.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Mapping, Optional, Sequence, Tuple

from engine.base.documents import Mark
from engine.evaluate.attributed import evaluate_with_attribution, uses_attribution
from engine.evaluate.attribution import attribute_case
from engine.evaluate.deadlines import DeadlineResult, compute_deadline
from engine.evaluate.institution import evaluate_institution
from engine.evaluate.person import can_settle_case, evaluate_case
from engine.rulebook.backend import FALLBACK, Backend
from engine.rulebook.provenance import stamp
from engine.spec.rulebook import RulebookSpec

Positions = Optional[Dict[Tuple, Mark]]


def _alone() -> Sequence[RulebookSpec]:
    return ()


@dataclass(frozen=True, repr=False)
class Rulebook(RulebookSpec):
    """A compiled rulebook: immutable, safe to share between threads.

    Use :func:`engine.load_rulebook` to get one; ``evaluate`` runs a case against it.
    """

    #: Every version of this rulebook id, by effective period (empty: this file stands alone).
    versions: Callable[[], Sequence[RulebookSpec]] = field(default=_alone, repr=False, compare=False)

    @classmethod
    def of(cls, spec: RulebookSpec, versions: Callable[[], Sequence[RulebookSpec]] = _alone,
           backend: Optional[Backend] = None) -> "Rulebook":
        """The facade over ``spec``; ``versions`` lists the sibling versions when there are several;
        ``backend`` carries its entry in the compiled-rulebook cache."""
        values = {f.name: getattr(spec, f.name) for f in dataclasses.fields(RulebookSpec)}
        rulebook = cls(**values, versions=versions)
        object.__setattr__(rulebook, "_backend", backend or Backend())
        return rulebook

    @property
    def backend(self) -> Backend:
        """Which evaluator runs its cases: the generated code where it covers them (engine/rulebook/backend.py).

        Derived from the rulebook, not part of its data (not a field: the rulebook stays deeply
        immutable); made on first use, and it never changes a result.
        """
        backend = self.__dict__.get("_backend")
        if backend is None:
            backend = Backend()
            object.__setattr__(self, "_backend", backend)
        return backend

    def evaluate(self, case: Mapping[str, Any], *, source: Optional[str] = None, positions: Positions = None,
                 trace: bool = True) -> Dict[str, Any]:
        """Evaluate one person's ledger; returns the JSON-ready result of ``yibao evaluate --json``.

        A case with an organisation, attributed score events or events naming their ``person`` is
        attributed first, then every assigned person is scored (docs/contract.md).

        A case the rulebook's generated code covers is evaluated by it, any other by the interpreter;
        the result is the same (engine/rulebook/backend.py). Results share constant parts (the
        readings' interpretations) between calls: treat them as read-only.
        """
        versions = self.versions()
        if not versions:
            result = (self.__dict__.get("_backend") or self.backend).evaluate(self, case, trace)
            if result is not FALLBACK:
                return stamp(self, result, versions)
        if uses_attribution(case):
            return stamp(self, evaluate_with_attribution(self, case, source=source, positions=positions, trace=trace,
                                                         versions=versions), versions)
        return stamp(self, evaluate_case(self, case, source=source, positions=positions, trace=trace,
                                         versions=versions), versions)

    def can_settle(self, case: Mapping[str, Any], date: Any, emergency: bool = False) -> Dict[str, Any]:
        """Would a claim on ``date`` (``YYYY-MM-DD`` or a date) by this case's person be settled?

        Returns ``{person, date, emergency, settled, state, article, rule, reason}``: the status on
        that date (from evaluating the case) judged by the rulebook's settlement rules.
        """
        return stamp(self, can_settle_case(self, case, date, emergency, evaluate=self.evaluate))

    def evaluate_institution(self, case: Mapping[str, Any], *, source: Optional[str] = None,
                             positions: Positions = None, trace: bool = True) -> Dict[str, Any]:
        """Evaluate an institution case (its staff in one natural year) against the institution rules;
        returns the JSON-ready result of ``yibao institution --json``."""
        return stamp(self, evaluate_institution(self, case, source=source, positions=positions, trace=trace,
                                                versions=self.versions()))

    def deadline(self, kind: str, start: Any, exceptions: Sequence[str] = ()) -> DeadlineResult:
        """The deadline of ``kind`` (a GLOSSARY kind this rulebook defines) counted from ``start``.

        ``start`` is a date or ``YYYY-MM-DD`` text. ``exceptions``: ids of exceptions the text writes
        for this limit that apply (e.g. ``expert_assessment``, 辽宁 第三十三条): then ``deadline`` is
        None. Raises :class:`~engine.errors.DeadlineError` for a kind the rulebook does not define (or an
        exception it does not write) and :class:`~engine.errors.CalendarError` for a date without holiday data.
        """
        return compute_deadline(self, kind, start, exceptions)

    def attribute(self, case: Mapping[str, Any], *, source: Optional[str] = None,
                  positions: Positions = None) -> Dict[str, Any]:
        """Who bears which responsibility for one finding (the annex rules over the organisation);
        returns the JSON-ready result of ``yibao attribute --json``."""
        return stamp(self, attribute_case(self, case, source=source, positions=positions))
