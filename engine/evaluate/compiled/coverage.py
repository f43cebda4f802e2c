"""What the generated evaluators cover — declared here, and only here.

A rulebook is compiled to one Python function per reading set (engine/evaluate/compiled/module.py)
unless :func:`rulebook_uncovered` names a reason; a case is judged by that function unless
:func:`case_uncovered` names one. Everything else is evaluated by the interpreter
(engine/evaluate/), which stays the reference: the differential test (tests/test_compiled.py)
requires byte-identical JSON from both, and that the generated function falls back exactly for the
cases named here and for the cases the interpreter refuses.

Not covered, on purpose (each is rare, and each is where the legal semantics are still moving):
appeals (``appeal``, ``appeal_result``, a score's ``ref`` and ``notice_received``), measures against
the institution (a second term beside the person's own), a score event that fixes its suspension's
``months`` or gives its notice dates, a repair's ``shorten``, attribution (``org``, ``org_file``,
events naming their ``person`` or carrying ``attribution``), a restoration's ``applied`` date, and
— whole rulebooks — several versions, or clocks counted in working days from every decision or term
(the rulebook's calendar).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Mapping, Optional, Sequence

from engine.base.schemas import surely_valid

#: The fields of each event kind the generated evaluators read; an event with another field or of
#: another kind sends its case to the interpreter.
EVENT_FIELDS: Mapping[str, frozenset] = MappingProxyType({
    "score": frozenset({"kind", "date", "note", "situation", "tier", "responsibility", "points", "adjustment",
                        "inspection", "behaviour", "institution"}),
    "repair": frozenset({"kind", "date", "note", "way", "score", "points", "verified", "rewarded"}),
    "claim": frozenset({"kind", "date", "note", "emergency", "amount", "institution"}),
    "restoration": frozenset({"kind", "date", "note", "passed"}),
    "obligation": frozenset({"kind", "date", "note", "obligation", "passed"}),
})

#: The top-level fields of a covered case (``org`` and ``org_file`` mean attribution).
CASE_FIELDS = frozenset({"rulebook", "as_of", "person", "parameters", "events"})


class Uncovered(Exception):
    """A rulebook (or one of its expressions) the generator does not compile; the reason is the message."""


#: The FROM of a deadline that makes a working-day clock in every result it applies to
#: (engine/evaluate/clocks.py: from each decision, from the term's end): counting working days needs the
#: rulebook's calendar, which generated code does not carry.
CLOCK_STARTS = frozenset({"decision", "term_end"})


def rulebook_uncovered(spec: Any, versions: Sequence[Any]) -> Optional[str]:
    """Why a rulebook is not compiled at all, before its expressions are looked at (None: it may be).

    ``versions``: the rulebook's sibling versions (empty when it stands alone). Expressions the
    generator cannot translate raise :class:`Uncovered` while generating.
    """
    if versions:
        return "the rulebook has several versions (each event is judged by the version in force on its date)"
    clocks = [kind for kind, deadline in spec.deadlines.items() if deadline.start in CLOCK_STARTS]
    if clocks:
        return f"its results count working-day clocks ({', '.join(clocks)}) from every decision or term"
    return None


def case_uncovered(case: Any) -> Optional[str]:
    """Why the generated evaluator does not judge ``case`` (None: it does, unless the case is invalid,
    when it falls back so that the interpreter reports the error)."""
    if type(case) is not dict or not surely_valid("case", case):
        return "not plain JSON data that follows schemas/case.schema.json"
    if case.keys() - CASE_FIELDS:
        return "the case carries an organisation (attribution)"
    for event in case["events"]:
        fields = EVENT_FIELDS.get(event["kind"])
        if fields is None:
            return f"{event['kind']} events"
        extra = event.keys() - fields
        if extra:
            return f"{event['kind']} events with {', '.join(sorted(extra))}"
    return None
