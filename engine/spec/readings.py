"""The readings of ambiguous text that the evaluation itself applies, and when a rulebook needs them.

Most readings are ordinary parameters that a rulebook's own conditions read (``param.<id>``). A few
change how the evaluation counts (AMBIGUITIES.md): the scope of a 单次记分, what happens after a
term, overlapping and repeated terms, repeated shortening, what a year cap bounds, the length of a
ranged suspension. The engine never supplies one of these from Python: a rulebook whose rules make
the evaluation need one must declare it under ``parameters`` (own or inherited), and every result
names it. :func:`missing_readings` is the check ``yibao check`` runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from engine.base.frozen import FrozenDict
from typing import List, Mapping, Optional, Tuple

from engine.spec.rulebook import RulebookSpec

Path = Tuple[object, ...]


@dataclass(frozen=True)
class EngineReading:
    """A reading the evaluation applies: its id, the values the engine implements, what it decides."""

    id: str
    values: Tuple[str, ...]
    decides: str
    ambiguity: Optional[int] = None


READINGS: Mapping[str, EngineReading] = FrozenDict({r.id: r for r in (
    EngineReading("single_score_scope", ("event", "inspection"),
                  "what a 单次记分 / 一次性记满 is: one scored behaviour, or the sum of one inspection", 3),
    EngineReading("after_term", ("normal", "awaiting_restoration"),
                  "the status after a suspension's term: normal at once, or suspended until a restoration is passed", 1),
    EngineReading("overlapping_suspension", ("fresh", "extend"),
                  "a suspension decided while a term runs: a fresh term from the new decision, or the "
                  "longer term counted from the first day", 4),
    EngineReading("repeated_termination", ("heavier_only", "later_end"),
                  "a termination decided during a re-registration ban: moves the ban only when heavier, "
                  "or always to the later end", 18),
    EngineReading("repair_shortening", ("once_per_term", "per_repair"),
                  "how often accepted repairs shorten one running term"),
    EngineReading("year_cap_basis", ("points", "net"),
                  "what the year cap bounds: the points counted, or the year's net total after repairs"),
    EngineReading("suspension_months_default", ("min", "max"),
                  "the length of a ranged suspension when the case does not fix it", 17),
)})


def _first_rule_taking(spec: RulebookSpec, action: str) -> Optional[Path]:
    """Where the first rule that can take ``action`` (a score or obligation consequence, or a measure
    against the institution carried to the person) is written, or None."""
    for index, rule in enumerate(spec.consequences):
        if rule.action == action:
            return ("consequences", "rules", index)
    for ob_id, obligation in spec.obligations.items():
        for index, rule in enumerate(obligation.consequences):
            if rule.action == action:
                return ("obligations", ob_id, "consequences", index)
    if spec.institution_measures is not None:
        for index, measure_rule in enumerate(spec.institution_measures.rules):
            if measure_rule.action == action:
                return ("institution_measures", "rules", index)
    return None


def _ranged_suspension(spec: RulebookSpec) -> Optional[Path]:
    for index, rule in enumerate(spec.consequences):
        if rule.action == "suspend" and rule.months is None:
            return ("consequences", "rules", index)
    return None


def needed_readings(spec: RulebookSpec) -> List[Tuple[str, Path, str]]:
    """The engine readings ``spec`` needs: ``(reading id, where in the rulebook, why)``."""
    needed: List[Tuple[str, Path, str]] = []
    if spec.tiers:
        # Every decision reports its 单次记分, so every rulebook that scores decides what one is.
        needed.append(("single_score_scope", ("scoring", "tiers"), "decisions report the 单次记分"))
    suspends = _first_rule_taking(spec, "suspend")
    if suspends is not None:
        needed.append(("after_term", suspends, "a suspension's term ends"))
        needed.append(("overlapping_suspension", suspends, "a suspension can be decided while a term runs"))
    terminates = _first_rule_taking(spec, "terminate")
    if terminates is not None:
        needed.append(("repeated_termination", terminates, "a termination can be decided during a ban"))
    if spec.repair is not None and spec.repair.shorten is not None:
        needed.append(("repair_shortening", ("repair", "shorten_term"), "repairs shorten a running term"))
    if spec.year_cap is not None:
        needed.append(("year_cap_basis", ("scoring", "year_cap"), "the year's points are capped"))
    ranged = _ranged_suspension(spec)
    if ranged is not None:
        needed.append(("suspension_months_default", ranged, "a suspension is given as a range of months"))
    return needed


def missing_readings(spec: RulebookSpec) -> List[Tuple[Path, str]]:
    """Every engine reading ``spec`` needs but does not declare, or declares with values the engine
    does not implement: ``(where, message)`` for a located rulebook error."""
    problems: List[Tuple[Path, str]] = []
    for reading_id, path, why in needed_readings(spec):
        reading = READINGS[reading_id]
        parameter = spec.parameters.get(reading_id)
        if parameter is None:
            about = f" (AMBIGUITIES {reading.ambiguity})" if reading.ambiguity else ""
            problems.append((path, f"this rule needs the reading '{reading_id}' ({why}): declare it under "
                                   f"parameters with one of {', '.join(reading.values)} and its interpretation"
                                   f"{about} — {reading.decides}; the engine never assumes one"))
            continue
        unknown = [value for value in parameter.allowed if value not in reading.values]
        if unknown:
            problems.append((("parameters", reading_id, "allowed"),
                             f"the engine implements {', '.join(reading.values)} for '{reading_id}', "
                             f"not {', '.join(map(str, unknown))}"))
    return problems
