"""Impact analysis: what a rule change does to a population (``yibao impact``).

The question an officer drafting a change asks first — “if suspension starts at 8 instead of 9, how
many more doctors are suspended?” — answered on a real ledger: every person is evaluated under rulebook
A and under B (another rulebook, an edited copy of A, another version of it, or A with other readings
of its ambiguous texts), on the population path (engine/population: the kernel where it covers a
person, the scalar engine for the rest, on both sides), and compared person by person:

- **action**: the most severe measure decided in the ledger (none < warn < suspend < terminate);
- **state**: the status on ``as_of``;
- **months**: the months of every suspension decided.

The report counts the persons whose action, state or months change (and which way), the transitions,
breaks them down by tier (the highest tier the person was scored in), role and institution (of the
person's first score naming one), and lists the changed persons. ``schemas/impact.schema.json`` is
the shape of its JSON.
"""

from __future__ import annotations

import collections
import os
import time
from dataclasses import dataclass, field
from typing import Any, Counter, Dict, List, Optional, Sequence, Tuple

import numpy as np

from engine.api import load_rulebook
from engine.population import layout as L
from engine.population.ledger import read_chunks
from engine.population.run import Outcome, Population, reading_overrides

READINGS_PREFIX = "readings:"
NO_INSTITUTION = "(none)"


def _codes(column, vocabulary: Sequence[str]) -> np.ndarray:
    """A dictionary column as codes in ``vocabulary`` order (-1 for null)."""
    array = column.combine_chunks()
    if len(array) == 0:
        return np.zeros(0, np.int64)
    position = np.array([vocabulary.index(v) for v in array.dictionary.to_pylist()] + [-1], np.int64)
    return position[array.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)]


def _segment(values: np.ndarray, owner: np.ndarray, persons: int, empty: int, how) -> np.ndarray:
    """``how`` (np.maximum, np.minimum) of each person's values (owner sorted), ``empty`` for none."""
    out = np.full(persons, empty, values.dtype if len(values) else np.int64)
    if len(values):
        starts = np.flatnonzero(np.concatenate([[True], owner[1:] != owner[:-1]]))
        out[owner[starts]] = how.reduceat(values, starts)
    return out


@dataclass
class _Side:
    """One side's per-person figures of a chunk."""

    action: np.ndarray
    state: np.ndarray
    months: np.ndarray

    @classmethod
    def of(cls, outcome: Outcome) -> "_Side":
        n = outcome.status.num_rows
        actions = _codes(outcome.events.column("action"), L.ACTIONS)
        months = outcome.events.column("term_months").to_numpy(zero_copy_only=False)
        months = np.where((actions == L.A_SUSPEND) & ~np.isnan(months.astype(float)),
                          np.nan_to_num(months.astype(float)), 0.0)
        return cls(np.maximum(_segment(actions, outcome.owner, n, 0, np.maximum), 0),
                   _codes(outcome.status.column("state"), L.STATES),
                   np.bincount(outcome.owner, weights=months, minlength=n).astype(np.int64))


@dataclass
class _Tally:
    """Everything the report counts, chunk after chunk."""

    listed: int
    persons: int = 0
    paths: Dict[str, Counter] = field(default_factory=lambda: {"a": collections.Counter(), "b": collections.Counter()})
    changed: Counter = field(default_factory=collections.Counter)
    actions: Dict[str, Counter] = field(default_factory=lambda: {"a": collections.Counter(), "b": collections.Counter()})
    states: Dict[str, Counter] = field(default_factory=lambda: {"a": collections.Counter(), "b": collections.Counter()})
    months: Dict[str, int] = field(default_factory=lambda: {"a": 0, "b": 0})
    transitions: Dict[str, Counter] = field(default_factory=lambda: {"action": collections.Counter(),
                                                                      "state": collections.Counter()})
    groups: Dict[str, Dict[Any, Counter]] = field(default_factory=lambda: {"tier": {}, "role": {}, "institution": {}})
    rows: List[Dict[str, Any]] = field(default_factory=list)

    # long: one chunk's persons, compared side by side, every count in one place.
    def add(self, a: Outcome, b: Outcome) -> None:
        one, two = _Side.of(a), _Side.of(b)
        n = a.status.num_rows
        self.persons += n
        for side, outcome in (("a", a), ("b", b)):
            self.paths[side].update({"kernel": outcome.kernel, "scalar": outcome.scalar})
        for side, figures in (("a", one), ("b", two)):
            self.actions[side].update(_named(figures.action, L.ACTIONS))
            self.states[side].update(_named(figures.state, L.STATES))
            self.months[side] += int(figures.months.sum())
        action, state, months = one.action != two.action, one.state != two.state, one.months != two.months
        changed = action | state | months
        more, less = two.action > one.action, two.action < one.action
        for name, mask in (("any", changed), ("action", action), ("state", state), ("months", months),
                           ("more_severe", more), ("less_severe", less)):
            self.changed[name] += int(mask.sum())
        for name, first, second, words in (("action", one.action, two.action, L.ACTIONS),
                                           ("state", one.state, two.state, L.STATES)):
            moved = np.flatnonzero(first != second)
            self.transitions[name].update(zip((words[i] for i in first[moved]), (words[i] for i in second[moved])))
        keys = _keys(a)
        for name, values in keys.items():
            groups = self.groups[name]
            for key, total, change, up, down in _grouped(values, changed, more, less):
                counts = groups.setdefault(key, collections.Counter())
                counts.update({"persons": total, "changed": change, "more_severe": up, "less_severe": down})
        for index in np.flatnonzero(changed)[:max(0, self.listed - len(self.rows))]:
            word = {name: (codes[index] if words is None else words[codes[index]])
                    for name, (codes, words) in keys.items()}
            self.rows.append({
                "person": a.status.column("person")[int(index)].as_py(), "role": word["role"],
                "tier": int(word["tier"]) if word["tier"] > 0 else None, "institution": word["institution"],
                "a": {"action": L.ACTIONS[one.action[index]], "state": L.STATES[one.state[index]],
                      "months": int(one.months[index])},
                "b": {"action": L.ACTIONS[two.action[index]], "state": L.STATES[two.state[index]],
                      "months": int(two.months[index])}})


def _named(codes: np.ndarray, words: Sequence[str]) -> Dict[str, int]:
    counts = np.bincount(codes[codes >= 0], minlength=len(words))
    return {word: int(count) for word, count in zip(words, counts) if count}


def _dictionary(column) -> Tuple[np.ndarray, List[Any]]:
    """A dictionary column's codes (-1 for null) and its words."""
    array = column.combine_chunks()
    if len(array) == 0:
        return np.zeros(0, np.int64), []
    return array.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64), array.dictionary.to_pylist()


def _keys(outcome: Outcome) -> Dict[str, Tuple[np.ndarray, List[Any]]]:
    """Each person's tier (the highest scored; 0: none), role and institution (of the first score naming
    one), as (code per person, the words the codes name)."""
    n = outcome.status.num_rows
    events = outcome.events
    tiers = np.nan_to_num(events.column("tier").to_numpy(zero_copy_only=False).astype(float), nan=0).astype(np.int64)
    tier = _segment(tiers, outcome.owner, n, 0, np.maximum)
    place, places = _dictionary(events.column("institution"))
    never = np.iinfo(np.int64).max
    first = _segment(np.where(place >= 0, np.arange(len(place)), never), outcome.owner, n, never, np.minimum)
    institution = np.where(first == never, len(places), place[np.minimum(first, max(len(place) - 1, 0))]
                           if len(place) else len(places))
    role, roles = _dictionary(outcome.status.column("role"))
    return {"tier": (tier, None), "role": (np.where(role < 0, len(roles), role), roles + [None]),
            "institution": (institution, places + [NO_INSTITUTION])}


def _grouped(keys: Tuple[np.ndarray, Optional[List[Any]]], changed, more, less):
    """(key, persons, changed, more severe, less severe) for each distinct key."""
    codes, words = keys
    values, inverse = np.unique(codes, return_inverse=True)
    counts = [np.bincount(inverse, weights=None if w is None else w.astype(float), minlength=len(values))
              for w in (None, changed, more, less)]
    for index, value in enumerate(values.tolist()):
        yield (value if words is None else words[value]), *(int(c[index]) for c in counts)


def _against(rulebook_a, against: str) -> Tuple[Dict[str, Any], Population]:
    """Side B: its description and its population path."""
    if against.startswith(READINGS_PREFIX):
        overrides = reading_overrides(rulebook_a, against[len(READINGS_PREFIX):])
        described = {"kind": "readings", "spec": against, "rulebook": rulebook_a.id,
                     "readings": {k: v for k, v in overrides.items()}}
        return described, Population(rulebook_a, overrides=overrides)
    rulebook_b = load_rulebook(against)
    kind = "file" if against.endswith((".yaml", ".yml")) or os.sep in against or "/" in against else (
        "version" if "@" in against else "rulebook")
    return {"kind": kind, "spec": against, "rulebook": rulebook_b.id, "document": rulebook_b.document}, \
        Population(rulebook_b)


def _table(groups: Dict[Any, Counter], name: str) -> List[Dict[str, Any]]:
    rows = [{name: key, **{k: int(counts[k]) for k in ("persons", "changed", "more_severe", "less_severe")}}
            for key, counts in groups.items()]
    return sorted(rows, key=lambda row: (-row["changed"], str(row[name])))


def impact(ledger: str, rulebook_a: str, against: str, *, fmt: Optional[str] = None, listed: int = 20
           ) -> Dict[str, Any]:
    """The impact of changing ``rulebook_a`` to ``against`` on the persons of ``ledger`` (JSON-ready)."""
    started = time.perf_counter()
    a = Population(load_rulebook(rulebook_a))
    described, b = _against(a.rulebook, against)
    tally = _Tally(listed)
    for table, line in read_chunks(ledger, fmt):
        tally.add(a.evaluate(table, ledger, line), b.evaluate(table, ledger, line))
    return {
        "ledger": ledger, "rulebook": a.rulebook.id, "document": a.rulebook.document, "against": described,
        "persons": tally.persons, "paths": {side: dict(c) for side, c in tally.paths.items()},
        "changed": {k: int(tally.changed[k]) for k in ("any", "action", "state", "months", "more_severe",
                                                        "less_severe")},
        "actions": {side: dict(c) for side, c in tally.actions.items()},
        "states": {side: dict(c) for side, c in tally.states.items()},
        "months": dict(tally.months),
        "transitions": {name: [{"from": f, "to": t, "persons": n} for (f, t), n in counts.most_common()]
                        for name, counts in tally.transitions.items()},
        "by_tier": _table(tally.groups["tier"], "tier"), "by_role": _table(tally.groups["role"], "role"),
        "by_institution": _table(tally.groups["institution"], "institution"),
        "listed": tally.rows, "seconds": round(time.perf_counter() - started, 3),
    }


def render_impact(report: Dict[str, Any]) -> str:
    """The report as text for the terminal."""
    changed, against = report["changed"], report["against"]
    lines = [f"impact of {against['spec']} against {report['rulebook']} on {report['persons']:,} persons "
             f"({report['ledger']})",
             f"changed: {changed['any']:,} persons — action {changed['action']:,} "
             f"({changed['more_severe']:,} more severe, {changed['less_severe']:,} less severe), "
             f"state {changed['state']:,}, months {changed['months']:,}",
             f"suspension months: {report['months']['a']:,} → {report['months']['b']:,}"]
    for name in ("action", "state"):
        moves = ", ".join(f"{t['from']} → {t['to']} {t['persons']:,}" for t in report["transitions"][name])
        lines.append(f"{name} transitions: {moves or 'none'}")
    for name in ("tier", "role", "institution"):
        rows = [r for r in report[f"by_{name}"] if r["changed"]][:8]
        shown = ", ".join(f"{r[name] if r[name] not in (0, None) else '-'}: {r['changed']:,}/{r['persons']:,}"
                          for r in rows)
        lines.append(f"changed by {name}: {shown or 'none'}")
    for row in report["listed"]:
        lines.append(f"  {row['person']} ({row['role']}, tier {row['tier'] or '-'}, {row['institution']}): "
                     f"{row['a']['action']}/{row['a']['state']}/{row['a']['months']}m → "
                     f"{row['b']['action']}/{row['b']['state']}/{row['b']['months']}m")
    return "\n".join(lines)


__all__ = ["READINGS_PREFIX", "impact", "render_impact"]
