"""The names each family of conditions may read — declared once, used twice.

A :class:`Context` is the single declaration of the names (and their DSL types) that the
conditions of one place in a rulebook may read: the type checker compiles those conditions against
:meth:`Context.scope`, and the evaluation builds their environment with :meth:`Context.bind`, which
refuses a name the context does not declare. So a name can never be declared in one file and
filled in another, or filled under a different spelling.
"""

from __future__ import annotations

from dataclasses import dataclass
from engine.base.frozen import FrozenDict
from typing import Any, Dict, Iterable, Mapping


@dataclass(frozen=True)
class Context:
    """The names one family of conditions may read (``name → DSL type``), with what each means."""

    family: str
    types: Mapping[str, str]
    meanings: Mapping[str, str]

    @property
    def names(self) -> frozenset:
        return frozenset(self.types)

    def scope(self, parameter_types: Mapping[str, str]) -> Dict[str, str]:
        """The typing environment of a condition: the context's names and the rulebook's ``param.*``."""
        scope = dict(self.types)
        scope.update(parameter_types)
        return scope

    def extended(self, family: str, types: Mapping[str, str], meanings: Mapping[str, str]) -> "Context":
        """This context plus more names (e.g. the inputs a repair way declares); existing names win."""
        merged = dict(types)
        merged.update(self.types)
        described = dict(meanings)
        described.update(self.meanings)
        return Context(family, FrozenDict(merged), FrozenDict(described))

    def bind(self, base: Mapping[str, Any], values: Mapping[str, Any], needed: Iterable[str] = ()) -> Dict[str, Any]:
        """The environment of one evaluation: ``base`` (the readings ``param.*`` and the person's
        ``role``) plus ``values``.

        ``values`` may hold only declared names; every name in ``needed`` (the names the conditions
        about to run actually read) must be in one of the two.
        """
        keys = values.keys()
        if not keys <= self.types.keys():
            raise KeyError(f"{self.family}: {sorted(keys - self.types.keys())} are not declared names")
        missing = [name for name in needed if name not in keys and name not in base]
        if missing:
            raise KeyError(f"{self.family}: conditions read {missing}, which this evaluation does not fill")
        env = dict(base)
        env.update(values)
        return env


def _context(family: str, declared: Mapping[str, tuple]) -> Context:
    return Context(family, FrozenDict({name: kind for name, (kind, _) in declared.items()}),
                   FrozenDict({name: meaning for name, (_, meaning) in declared.items()}))


#: A consequence condition (``consequences.rules[].when``), judged after each score event.
CONSEQUENCE = _context("consequence", {
    "year_total": ("number", "the year's net points right after this event"),
    "year_total_before": ("number", "the year's net points before this event"),
    "year_points": ("number", "the year's points before repairs"),
    "single": ("number", "the 单次记分 (see the reading single_score_scope)"),
    "points": ("number", "this event's own points"),
    "counted_points": ("number", "what this event added to the year after aggregation"),
    "tier": ("number", "the tier of the situation"),
    "responsibility": ("string", "general | important | primary, or '' where not scored by responsibility"),
    "role": ("string", "the person's role"),
    "date": ("date", "the event's date"),
    "year": ("number", "the event's natural year"),
    "state_before": ("string", "normal | suspended | terminated before this event"),
    "prior_year_totals": ("list", "net totals of the earlier years that have points, most recent first"),
    "previous_year_totals": ("list", "net totals of the calendar years before this one, year-1 first, 0 for a "
                                     "year without points, back to the earliest year of the ledger"),
})

#: An obligation rule (``obligations.<id>.consequences[].when``): an obligation met or not.
OBLIGATION = _context("obligation", {
    "passed": ("bool", "the obligation was met (the test passed)"),
    "date": ("date", "the event's date"),
    "year": ("number", "the event's natural year"),
    "role": ("string", "the person's role"),
    "state_before": ("string", "the status before this event"),
    "year_total": ("number", "the year's net points on that day"),
})

#: An institution rule (``institution_rules[].when``): counts over one institution's staff in one year.
INSTITUTION = _context("institution", {
    "institution_kind": ("string", "medical | pharmacy"),
    "staff_count": ("number", "相关人员总人数"),
    "suspended_times": ("number", "suspension terms begun or running in the year (人次)"),
    "terminated_times": ("number", "terminations in the year (人次)"),
    "suspended_persons": ("number", "staff suspended at some time in the year (人数)"),
    "terminated_persons": ("number", "staff terminated at some time in the year (人数)"),
    "affected_persons": ("number", "staff suspended or terminated in the year (人数)"),
    "share_suspended": ("number", "suspended_times / staff_count"),
    "share_terminated": ("number", "terminated_times / staff_count"),
    "share_affected": ("number", "affected_persons / staff_count"),
    "principal_suspended": ("bool", "a pharmacy_principal of this institution was suspended in the year"),
    "principal_terminated": ("bool", "a pharmacy_principal of this institution was terminated in the year"),
    "max_single": ("number", "the largest 单次记分 of any staff member in the year"),
    "max_other_violations": ("number", "the most violations below a single 12 of one staff member"),
    "severe_persons": ("number", "staff with a single score of 12 or more in the year"),
    "year": ("number", "the natural year evaluated"),
})

#: A repair rule (bands, points, refusals); a repair way adds the inputs it declares.
REPAIR = _context("repair", {
    "score": ("number", "the exam score, where the way has one (else 0)"),
    "points_claimed": ("number", "the points the case gives, where the way takes them (else 0)"),
    "year_net": ("number", "the repair year's net points before this repair"),
    "year_points": ("number", "the repair year's points before repairs"),
    "year_max_single": ("number", "the largest 单次记分 of the repair year"),
    "sanction_single": ("number", "the 单次记分 of the decision behind the running term (0 if none)"),
    "state": ("string", "the status on the repair date"),
    "date": ("date", "the repair date"),
    "role": ("string", "the person's role"),
    "way_count": ("number", "repairs of this way already accepted this year"),
    "way_points": ("number", "points of this way already accepted this year"),
})

#: A restoration condition (``restoration.allowed_when``).
RESTORATION = _context("restoration", {
    "state": ("string", "the status on the restoration date"),
    "date": ("date", "the restoration date"),
    "until": ("date", "the last day of the running term or ban"),
    "from": ("date", "the first day of the running term or ban"),
    "passed": ("bool", "the restoration evaluation was passed"),
    "role": ("string", "the person's role"),
    "year_net": ("number", "the net points of the restoration date's year (after repairs)"),
    "sanction_single": ("number", "the 单次记分 of the decision behind the running term"),
    "sanction_cause": ("string", "score | institution: what decided the running term"),
})

#: A staff-measure rule (``institution_measures.rules[].when``): a measure against the person's institution.
MEASURE = _context("measure", {
    "responsible": ("bool", "the person bears responsibility for the institution's violation"),
    "measure": ("string", "the measure against the institution"),
    "state": ("string", "the person's status before the measure"),
    "date": ("date", "the measure's date"),
    "role": ("string", "the person's role"),
})

#: A settlement rule (``settlement[].when`` and ``settled``).
SETTLEMENT = _context("settlement", {
    "state": ("string", "the status on the claim date"),
    "emergency": ("bool", "急诊、抢救等特殊情形"),
    "date": ("date", "the claim date"),
    "role": ("string", "the person's role"),
    "until": ("date", "the last day of the running term or ban (none when normal)"),
})

#: A deadline expression (``deadlines.<kind>.deadline``).
DEADLINE = _context("deadline", {"from": ("date", "the day the period counts from")})

#: Every context, for the reference page of the documentation.
CONTEXTS: Mapping[str, Context] = FrozenDict({c.family: c for c in (
    CONSEQUENCE, OBLIGATION, INSTITUTION, REPAIR, RESTORATION, MEASURE, SETTLEMENT, DEADLINE)})


def parameter_type(value: Any) -> str:
    """The DSL type of a reading's value (``param.<id>`` names)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return "string"
