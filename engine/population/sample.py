"""Seeded synthetic ledgers for any rulebook, built with numpy: for the differential test, the benchmark
(bench/population.py) and for trying the population path.

Every row is a valid event of the rulebook (situations of its tiers or a tier's catch-all, the
responsibility levels and points its table allows, its repair ways with their inputs, claims,
restorations where it writes them, dates in its effective period), so that warnings, suspensions,
overlapping terms, terminations, repairs that shorten a term and restorations all occur. Shapes:
``realistic`` — 80 % of person-years without events, the others 1-8; ``heavy`` — every person-year
1-4 events. Scores carry the adjustments of the points the rulebook allows (从轻、从重、一档). ``scalar`` gives, for
that share of persons, an event the kernel leaves to the scalar engine (an obligation met, where the
rulebook has one, else an inspection id spelt like the engine's own ids), and ``readings`` lets that share of
persons choose another reading of an ambiguous text.
"""

from __future__ import annotations

import datetime as _dt
from typing import Dict, List, Optional

import numpy as np
import pyarrow as pa

from engine.population.encode import ADJUSTMENTS, points_tables
from engine.population.translate import day_number
from engine.spec.rulebook import RulebookSpec

SHAPES = ("realistic", "heavy")
_LEVELS = np.array(["", "general", "important", "primary"], dtype=object)


def _span(spec: RulebookSpec, year: int, years: int):
    """(first day, last day, as_of) of the ledger, inside the rulebook's effective period."""
    first = max(_dt.date(year - years + 1, 1, 1), spec.effective_from)
    last = _dt.date(year, 12, 31)
    if spec.effective_until is not None:
        last = min(last, spec.effective_until)
    return day_number(first), day_number(last), last


def _events_per_person(rng: np.random.Generator, n: int, shape: str) -> np.ndarray:
    if shape == "heavy":
        return rng.integers(1, 5, n)
    counts = rng.choice(np.arange(1, 9), n, p=[0.25, 0.22, 0.17, 0.12, 0.1, 0.07, 0.04, 0.03])
    return np.where(rng.random(n) < 0.8, 0, counts)


def _text(values: np.ndarray) -> pa.Array:
    return pa.array(values.astype(object), pa.string())


# long: one column after another, vectorised over every row of the ledger.
def sample_ledger(spec: RulebookSpec, persons: int, *, seed: int = 0, shape: str = "realistic", year: int = 2025,
                  years: int = 1, scalar: float = 0.0, readings: float = 0.0, typed: bool = False,
                  first_id: int = 0, as_of_inside: bool = False) -> pa.Table:
    """A ledger of ``persons`` person-years for ``spec`` (rows grouped by person, file order not by date).
    ``as_of_inside``: each person's as_of is a day of the ledger's span (events may come after it)."""
    rng = np.random.default_rng(seed)
    counts = _events_per_person(rng, persons, shape)
    rows_per = np.maximum(counts, 1)
    owner = np.repeat(np.arange(persons), rows_per)
    m = len(owner)
    has_event = np.repeat(counts > 0, rows_per)
    first, last, as_of = _span(spec, year, years)
    kinds = ["score", "repair", "claim", "restoration"]
    weights = np.array([0.55, 0.2 if spec.repair else 0, 0.15, 0.1 if spec.restoration else 0])
    kind = np.array(kinds, dtype=object)[rng.choice(4, m, p=weights / weights.sum())]
    kind = np.where(has_event, kind, "")
    score, repair, claim, restoration = (kind == k for k in kinds)
    # dates lean to the later months, after the scores, so that terms end and restorations follow
    date = first + (rng.beta(1.2, 1.0, m) * (last - first)).astype(np.int64)
    date = np.where(repair | restoration, np.minimum(last, date + rng.integers(0, 120, m)), date)
    # most restorations come after the person's last score: a term has ended, or may be shortened
    starts = np.concatenate([[0], np.cumsum(rows_per)[:-1]])
    last_score = np.maximum.reduceat(np.where(score, date, first), starts)[owner]
    later = restoration & (rng.random(m) < 0.7)
    date = np.where(later, np.minimum(last, last_score + rng.integers(20, 400, m)), date)
    columns: Dict[str, np.ndarray] = {"kind": kind}
    situations = list(spec.situations.values())
    tiers = np.array([s.tier for s in situations])
    tier_of = np.array(sorted(set(tiers.tolist())))
    weight = np.array([0.55, 0.3, 0.1, 0.05][:len(tier_of)] + [0.02] * max(0, len(tier_of) - 4))
    tier = tier_of[rng.choice(len(tier_of), m, p=weight / weight.sum())]
    situation = np.empty(m, np.int64)
    for t in tier_of:
        mine = tier == t
        situation[mine] = rng.choice(np.flatnonzero(tiers == t), mine.sum())
    level = rng.integers(1, 4, m) if spec.responsibility_required else np.where(rng.random(m) < 0.5,
                                                                                rng.integers(1, 4, m), 0)
    default, low, high = points_tables(spec)
    adjustable = [ADJUSTMENTS.index(a) for a in spec.adjustments if a in ADJUSTMENTS]
    adjust = np.where((rng.random(m) < 0.15) & bool(adjustable),
                      np.array(adjustable or [0])[rng.integers(0, max(1, len(adjustable)), m)], 0)
    adjust = np.where(low[situation, level, adjust] >= 0, adjust, 0)  # an adjacent tier that exists
    usable = low[situation, level, adjust] >= 0
    level = np.where(usable, level, 1)
    chosen = rng.integers(low[situation, level, adjust], high[situation, level, adjust] + 1)
    give_points = (default[situation, level, adjust] < 0) | (rng.random(m) < 0.1)
    catch_all = {t.tier: t.catch_all.code for t in spec.tiers.values() if t.catch_all}
    by_tier = (rng.random(m) < 0.2) & np.isin(tiers[situation], list(catch_all))
    codes = np.array([s.code for s in situations], dtype=object)
    columns["situation"] = np.where(score & ~by_tier, codes[situation], "")
    columns["tier"] = np.where(score & by_tier, tiers[situation].astype(str), "")
    columns["responsibility"] = np.where(score, _LEVELS[level], "")
    columns["points"] = np.where(score & give_points, chosen.astype(str), "")
    columns["adjustment"] = np.where(score, np.array(ADJUSTMENTS, dtype=object)[adjust], "")
    shared = rng.random(m) < 0.35
    columns["inspection"] = np.where(score & shared, "I" + rng.integers(0, 3, m).astype(str), "")
    behaviour = score & shared & (rng.random(m) < 0.5) & (spec.aggregation is not None)
    columns["behaviour"] = np.where(behaviour, "B" + rng.integers(0, 2, m).astype(str), "")
    columns["institution"] = np.where(score, "H" + rng.integers(1, 6, m).astype(str), "")
    _repairs(spec, rng, repair, columns)
    columns["emergency"] = np.where(claim, np.array(["true", "false", ""], dtype=object)[rng.choice(3, m, p=[.3, .5, .2])], "")
    columns["passed"] = np.where(restoration, np.array(["true", "false", ""], dtype=object)[rng.choice(3, m, p=[.6, .15, .25])], "")
    if scalar:  # events the kernel leaves to the scalar engine: an obligation met (e.g. the licence check)
        odd = claim & np.repeat(rng.random(persons) < scalar, rows_per)
        if spec.obligations:
            columns["kind"] = np.where(odd, "obligation", columns["kind"])
            columns["obligation"] = np.where(odd, next(iter(spec.obligations)), "")
            columns["passed"] = np.where(odd, "true", columns["passed"])
            columns["emergency"] = np.where(odd, "", columns["emergency"])
        else:  # an inspection id spelt like the engine's own ids: valid, and the scalar engine's
            odd = score & np.repeat(rng.random(persons) < scalar, rows_per)
            columns["inspection"] = np.where(odd, "#event-99", columns["inspection"])
    columns["date"] = np.where(has_event, (date.astype("datetime64[D]")).astype(str), "")
    table = {"person_id": _text(np.char.add("P", (owner + first_id).astype(str)).astype(object)),
             "role": _text(np.array(spec.roles, dtype=object)[rng.integers(0, len(spec.roles), persons)][owner]),
             "as_of": _text(np.full(m, as_of.isoformat(), dtype=object))}
    if as_of_inside:
        days = first + rng.integers(0, last - first + 1, persons)
        table["as_of"] = _text(days.astype("datetime64[D]").astype(str).astype(object)[owner])
    table.update({name: _text(values) for name, values in columns.items()})
    if readings:
        table.update(_readings(spec, rng, persons, owner, readings))
    ledger = pa.table(table)
    return typed_ledger(ledger) if typed else ledger


def _repairs(spec: RulebookSpec, rng: np.random.Generator, repair: np.ndarray, columns: Dict[str, np.ndarray]) -> None:
    """The way of each repair row and the inputs that way takes (its score, its points)."""
    m = len(repair)
    ways = [w for w in (spec.repair.ways.values() if spec.repair else ())
            if not any(s.required for n, s in w.inputs.items() if n not in ("score", "points"))]
    way = rng.integers(0, max(1, len(ways)), m)
    ids = np.array([w.id for w in ways] or [""], dtype=object)
    columns["way"] = np.where(repair, ids[way], "")
    score = np.where(rng.random(m) < 0.8, rng.integers(40, 101, m).astype(str),
                     np.round(rng.uniform(40, 100, m), 1).astype(str))
    columns["score"] = np.full(m, "", dtype=object)
    for index, spec_way in enumerate(ways):
        mine = repair & (way == index)
        if "score" in spec_way.inputs:
            columns["score"] = np.where(mine, score, columns["score"])
        points = spec_way.inputs.get("points")
        if points is not None:
            low, high = int(points.minimum or 0), int(points.maximum or 3)
            columns["points"] = np.where(mine, rng.integers(low, high + 1, m).astype(str), columns["points"])


def _readings(spec: RulebookSpec, rng: np.random.Generator, persons: int, owner: np.ndarray,
              share: float) -> Dict[str, pa.Array]:
    """``param.<name>`` columns: a share of the persons choose another allowed reading."""
    choices = [(name, parameter.allowed) for name, parameter in spec.parameters.items() if len(parameter.allowed) > 1]
    found: Dict[str, pa.Array] = {}
    for name, allowed in choices[:3]:
        values = np.array([str(a).lower() if isinstance(a, bool) else str(a) for a in allowed], dtype=object)
        pick = np.where(rng.random(persons) < share, values[rng.integers(0, len(values), persons)], "")
        found[f"param.{name}"] = _text(pick[owner])
    return found


def typed_ledger(ledger: pa.Table) -> pa.Table:
    """The same ledger with typed columns, as a Parquet export would have them (dates, integers, true/false)."""
    def cast(name: str, kind: pa.DataType) -> Optional[pa.Array]:
        if name not in ledger.column_names:
            return None
        column = ledger.column(name)
        text = pa.compute.if_else(pa.compute.equal(column, ""), pa.scalar(None, pa.string()), column)
        if kind == pa.bool_():
            return pa.compute.equal(text, "true")
        return text.cast(kind)
    result = ledger
    for name, kind in (("as_of", pa.date32()), ("date", pa.date32()), ("tier", pa.int32()), ("points", pa.int64()),
                       ("emergency", pa.bool_()), ("passed", pa.bool_())):
        typed = cast(name, kind)
        if typed is not None:
            result = result.set_column(result.column_names.index(name), name, typed)
    return result


__all__: List[str] = ["SHAPES", "sample_ledger", "typed_ledger"]
