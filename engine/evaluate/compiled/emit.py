"""The state shared by the parts of the generator while one evaluator function is written.

An :class:`Emitter` knows the rulebook spec, the reading set, the source being written and whether
this is the variant with trace. The generated function keeps the interpreter's state in local
variables (the names are listed in engine/evaluate/compiled/module.py); the parts of the generator
(reading.py, scoring.py, terms.py, handlers.py, result.py) write the code of one job each.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional, Sequence, Tuple

from engine.dsl.compiler import CompiledExpression
from engine.evaluate.compiled.expressions import python
from engine.evaluate.compiled.source import Source, fstring
from engine.spec.rulebook import RulebookSpec

#: Event kinds as the small numbers the generated code sorts and dispatches on.
SCORE, REPAIR, CLAIM, RESTORATION, OBLIGATION = range(5)
#: The index of the first repair way's slots in a year's tally: [points, repaired, max_single, …].
WAY_SLOTS = 3


class Emitter:
    """Writes one evaluator function (``trace`` on or off) for one rulebook and reading set."""

    def __init__(self, spec: RulebookSpec, readings: Mapping[str, Any], source: Source, trace: bool):
        self.spec = spec
        self.readings = readings
        self.src = source
        self.trace = trace
        self.ways = list(spec.repair.ways) if spec.repair is not None else []

    # -- readings and expressions ------------------------------------------------------------------
    def reading(self, name: str) -> Optional[Any]:
        """The value of an engine reading in this set, or None when the rulebook does not declare it
        (the interpreter then raises NotSupported where it reads it: generated code falls back there)."""
        return self.readings.get(name)

    def need(self, name: str) -> Any:
        """The value of reading ``name``; where it is missing, code that falls back is written and None returned."""
        value = self.reading(name)
        if value is None:
            self.src("return FALLBACK  # the rulebook declares no reading " + repr(name))
        return value

    def cond(self, expression: CompiledExpression, names: Mapping[str, str]) -> str:
        """A condition as Python source (its value is only tested)."""
        return python(expression, names, self.readings, self.src, boolean=True)

    def value(self, expression: CompiledExpression, names: Mapping[str, str]) -> str:
        """An expression whose value is used (e.g. the points a repair way earns)."""
        return python(expression, names, self.readings, self.src)

    def refuse(self, condition: str, why: str = "") -> None:
        """``if condition: return FALLBACK`` — the case is not one generated code answers."""
        self.src(f"if {condition}:", "    return FALLBACK" + (f"  # {why}" if why else ""))

    def const(self, value: Any, hint: str = "K") -> str:
        """A constant: plain numbers, texts and None inline, anything else as a module-level name."""
        if value is None or type(value) in (bool, int, float, str):
            return repr(value)
        return self.src.constant(value, hint)

    def record(self, variable: str, fields: Sequence[Tuple[str, Any]]) -> None:
        """Write a result record as a copy of a constant template (the record's keys in order, with
        its constant values) and then its variable fields, given as ``(source,)`` — a dict copy
        costs half of a dict display of twenty keys."""
        template = {}
        for name, value in fields:
            assert isinstance(value, tuple) or value is None or type(value) in (bool, int, float, str), \
                "a template holds immutable constants only (a list would be shared between results)"
            template[name] = None if isinstance(value, tuple) else value
        self.src(f"{variable} = {self.src.constant(template, 'RECORD')}.copy()")
        for name, value in fields:
            if isinstance(value, tuple):
                self.src(f"{variable}[{name!r}] = {value[0]}")

    # -- the trace ---------------------------------------------------------------------------------
    def step(self, step: str, event: str, rule: Any, article: Any, *detail: Any) -> None:
        """A trace step (variant with trace only): ``event`` is Python source; ``rule`` and ``article``
        constants, or ``(expression,)``; ``detail`` the parts of an f-string (text, and
        ``(expression,)`` parts)."""
        if not self.trace:
            return
        if len(detail) == 1 and not isinstance(detail[0], tuple):
            text = repr(detail[0])
        elif len(detail) == 1:
            text = detail[0][0]
        else:
            text = fstring(*detail)
        rule = rule[0] if isinstance(rule, tuple) else self.const(rule)
        article = article[0] if isinstance(article, tuple) else self.const(article)
        self.src(f"steps.append({{'step': {step!r}, 'event': {event}, 'rule': {rule}, "
                 f"'article': {article}, 'detail': {text}}})")

    # -- the year's tally --------------------------------------------------------------------------
    def year(self, variable: str = "yr") -> None:
        """``yr``: the tally of the event's year, made on first use (the interpreter's ``state.year``)."""
        fresh = "[" + ", ".join(["0"] * (WAY_SLOTS + 2 * len(self.ways))) + "]"
        self.src(f"yn = day.year", f"{variable} = years.get(yn)")
        with self.src.block(f"if {variable} is None"):
            self.src(f"{variable} = years[yn] = {fresh}")
