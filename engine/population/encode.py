"""Rows of whole persons (an Arrow table in the ledger's columns) as the kernel's arrays, and for each
person whether the kernel may evaluate them or the scalar engine must.

A person goes to the kernel only when every one of their rows is something the kernel evaluates
exactly as the scalar engine does: an event kind it runs, words of the rulebook, dates and numbers
the case contract and the rulebook allow (the checks of engine/cases/person.py), one role and one
as_of, readings the rulebook declares. Anything else — an adjustment, a behaviour id where the
rulebook writes no aggregation rule, a value the reader would refuse — sends the person to the scalar
engine, which evaluates them or reports their error. So the kernel never has to validate, and never
guesses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from engine.base.limits import MAX_EVENTS
from engine.cases.ledger import EVENT_COLUMNS, reading_value
from engine.cases.points import allowed_points
from engine.population import layout as L
from engine.population.cells import ABSENT, BAD, Column, day, flag, integer, number, own_id, word_index
from engine.population.translate import day_number
from engine.spec.rulebook import RulebookSpec

#: The event columns a row of each kind may fill (the case contract's fields that a ledger has).
ALLOWED = {
    "score": {"situation", "tier", "responsibility", "points", "adjustment", "inspection", "behaviour", "institution"},
    "repair": {"way", "score", "points"},
    "claim": {"emergency", "institution"},
    "restoration": {"passed"},
}
#: The event columns of a ledger (engine/cases/ledger.py); those no kind above allows (an obligation's, an
#: appeal's, a score's notice or fixed months) send their person to the scalar engine.
FIELDS = EVENT_COLUMNS[2:]


@dataclass
class Encoded:
    """One chunk of persons as the kernel reads them."""

    starts: np.ndarray            # first row of each person, and the number of rows at the end
    p_off: np.ndarray             # first event of each person, and the number of events at the end
    p_i: np.ndarray
    e_i: np.ndarray
    e_f: np.ndarray
    event_rows: np.ndarray        # the table row of each event
    scalar: np.ndarray            # True: the scalar engine evaluates this person
    reading_set: np.ndarray       # per person: index into ``reading_sets`` (-1: scalar)
    reading_sets: List[Dict[str, Any]] = field(default_factory=list)
    #: Columns passed through to the output, per event: (codes, words) of kind and institution.
    labels: Dict[str, Tuple[np.ndarray, List[str]]] = field(default_factory=dict)

    @property
    def persons(self) -> int:
        return len(self.starts) - 1


def person_starts(ids: pa.ChunkedArray) -> np.ndarray:
    """Where each person's run of rows starts (rows of one person are consecutive), and the end."""
    ids = ids.combine_chunks() if isinstance(ids, pa.ChunkedArray) else ids
    n = len(ids)
    if n == 0:
        return np.zeros(1, np.int64)
    if not pa.types.is_string(ids.type) and not pa.types.is_large_string(ids.type):
        ids = pc.cast(ids, pa.string())
    ids = ids.fill_null("")
    changed = pc.not_equal(ids[1:], ids[:-1]).to_numpy(zero_copy_only=False)
    return np.concatenate([[0], np.flatnonzero(changed) + 1, [n]]).astype(np.int64)


def _column(table: pa.Table, name: str) -> Optional[Column]:
    return Column(table.column(name)) if name in table.column_names else None


class _Rows:
    """The per-row codes of a chunk, column by column, and the rows the kernel cannot take."""

    def __init__(self, table: pa.Table, spec: RulebookSpec):
        self.n = table.num_rows
        self.spec = spec
        self.columns = {name: _column(table, name) for name in ("role", "as_of", "kind", "date") + tuple(FIELDS)}
        self.bad = np.zeros(self.n, bool)

    def codes(self, name: str, meaning) -> np.ndarray:
        """``meaning`` of each row's word in column ``name``; ABSENT where empty."""
        column = self.columns[name]
        if column is None:
            return np.full(self.n, ABSENT, np.int64)
        return column.mapped(meaning)

    def present(self, name: str) -> np.ndarray:
        column = self.columns[name]
        return column.present if column is not None else np.zeros(self.n, bool)

    def kinds(self) -> np.ndarray:
        known = {kind: index for index, kind in enumerate(L.KINDS)}
        kinds = self.codes("kind", lambda word: known.get(word, BAD))
        self.bad |= kinds == BAD
        for name in FIELDS:  # fields a row of its kind may not have (the contract refuses them)
            allowed = np.array([name in ALLOWED[kind] for kind in L.KINDS] + [False, False])
            self.bad |= self.present(name) & ~allowed[kinds]
        self.bad |= (kinds == ABSENT) & self.present("date")
        return kinds


def _level(word: str) -> int:
    """A responsibility level as its code (1-3), BAD for another word."""
    return L.RESPONSIBILITIES.index(word) if word in L.RESPONSIBILITIES[1:] else BAD


#: Adjustments of the points (从轻、从重、减轻一档、加重一档) by code; 0 is none.
ADJUSTMENTS = ("", "lighter", "heavier", "down_tier", "up_tier")


def _allowed(spec: RulebookSpec, situation, responsibility: Optional[str], adjustment: Optional[str]) -> bool:
    """Whether the case reader accepts this responsibility and adjustment for the situation."""
    if responsibility is None and spec.responsibility_required:
        return False
    points = situation.points
    if responsibility is not None and points is not None and not isinstance(points, int) \
            and responsibility not in points:
        return False
    if adjustment is not None and adjustment not in spec.adjustments:
        return False
    if adjustment in ("down_tier", "up_tier"):
        return situation.tier + (-1 if adjustment == "down_tier" else 1) in spec.tiers
    return True


def points_tables(spec: RulebookSpec) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per (situation, responsibility, adjustment): the default points and the allowed range
    (engine/cases/points.py); BAD where the reader refuses the combination, -1 for no default."""
    shape = (max(1, len(spec.situations)), len(L.RESPONSIBILITIES), len(ADJUSTMENTS))
    default, low, high = (np.full(shape, BAD, np.int64) for _ in range(3))
    for i, situation in enumerate(spec.situations.values()):
        for r, level in enumerate(L.RESPONSIBILITIES):
            for a, adjustment in enumerate(ADJUSTMENTS):
                if not _allowed(spec, situation, level or None, adjustment or None):
                    continue
                value, low[i, r, a], high[i, r, a], _ = allowed_points(spec, situation, level or None,
                                                                      adjustment or None)
                default[i, r, a] = -1 if value is None else value
    return default, low, high


# long: every column of a score event, checked as engine/cases/person.py reads it.
def _scores(rows: _Rows, is_score: np.ndarray) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(situation index, points, responsibility level) of each score row; rows the kernel cannot take are marked bad."""
    spec = rows.spec
    situations = list(spec.situations)
    tiers = np.array([s.tier for s in spec.situations.values()] + [0], np.int64)
    catch_all = {tier.tier: situations.index(tier.catch_all.code) for tier in spec.tiers.values() if tier.catch_all}
    situation = rows.codes("situation", word_index(situations))
    tier = rows.codes("tier", integer(1))
    tier_catch = rows.codes("tier", lambda word: catch_all.get(integer(1)(word), BAD))
    resolved = np.where(situation >= 0, situation, tier_catch)
    bad = (situation == BAD) | (tier == BAD) | (resolved < 0)
    bad |= (situation >= 0) & (tier >= 0) & (tiers[np.maximum(situation, 0)] != tier)
    responsibility = rows.codes("responsibility", _level)
    bad |= responsibility == BAD
    level = np.maximum(responsibility, 0)
    adjustment = rows.codes("adjustment", word_index(ADJUSTMENTS))
    bad |= adjustment == BAD
    default, low, high = points_tables(spec)
    at = (np.maximum(resolved, 0), level, np.maximum(adjustment, 0))
    given = rows.codes("points", integer(0))
    bad |= (low[at] == BAD) | (given == BAD)
    bad |= (given >= 0) & ((given < low[at]) | (given > high[at]))
    bad |= (given == ABSENT) & (default[at] < 0)
    if spec.aggregation is None:
        bad |= rows.present("behaviour")  # the reader checks repeated behaviours: the scalar engine does
    for name in ("inspection", "behaviour"):
        bad |= rows.codes(name, own_id) == BAD
    rows.bad |= is_score & bad
    points = np.where(given >= 0, given, default[at])
    return np.where(is_score, resolved, ABSENT), points, np.where(is_score, level, 0)


def _repairs(rows: _Rows, is_repair: np.ndarray) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(way index, score, points claimed) of each repair row, the inputs checked against the way."""
    spec = rows.spec
    ways = list(spec.repair.ways.values()) if spec.repair else []
    way = rows.codes("way", word_index([w.id for w in ways]))
    score, score_ok = rows.columns["score"].numbers(number) if rows.columns["score"] else (
        np.zeros(rows.n), np.ones(rows.n, bool))
    claimed = rows.codes("points", integer(0))
    bad = (way < 0) | ~score_ok | (claimed == BAD)
    for index, spec_way in enumerate(ways):
        mine = way == index
        for name, given, value in (("score", rows.present("score"), score),
                                   ("points", rows.present("points"), claimed.astype(np.float64))):
            accepted = spec_way.inputs.get(name)
            if accepted is None:
                bad |= mine & given
                continue
            if accepted.required:
                bad |= mine & ~given
            if accepted.minimum is not None:
                bad |= mine & given & (value < accepted.minimum)
            if accepted.maximum is not None:
                bad |= mine & given & (value > accepted.maximum)
            if accepted.type == "integer" and name == "score":
                bad |= mine & given & (np.floor(value) != value)
        if any(s.required for n, s in spec_way.inputs.items() if n not in ("score", "points")):
            bad |= mine  # verified, rewarded: not ledger columns
    rows.bad |= is_repair & bad
    claimed = np.where(claimed > 0, claimed, 0).astype(np.float64)
    return np.where(is_repair, way, ABSENT), np.where(is_repair, score, 0.0), np.where(is_repair, claimed, 0.0)


def _person_value(values: np.ndarray, starts: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """The one value of each person's non-empty cells (role, as_of), and whether there is exactly one."""
    if len(starts) < 2:
        return np.zeros(0, np.int64), np.zeros(0, bool)
    big = np.iinfo(np.int64).max
    low = np.minimum.reduceat(np.where(values == ABSENT, big, values), starts[:-1])
    top = np.maximum.reduceat(values, starts[:-1])
    return top, (top != ABSENT) & (top != BAD) & (low == top)


def _readings(table: pa.Table, spec: RulebookSpec, starts: np.ndarray, scalar: np.ndarray):
    """Each person's reading set (param.<name> on their first row that has one), checked against the rulebook."""
    names = [name for name in table.column_names if name.startswith("param.")]
    persons = len(starts) - 1
    if not names:
        return np.zeros(persons, np.int64), [{}]
    firsts = []
    columns = []
    for name in names:
        column = Column(table.column(name))
        present = np.flatnonzero(column.codes >= 0)  # rows with a value, in order
        first = np.full(persons, -1, np.int64)
        if len(present):
            at = np.minimum(np.searchsorted(present, starts[:-1]), len(present) - 1)
            found = (present[at] >= starts[:-1]) & (present[at] < starts[1:])
            first = np.where(found, column.codes[present[at]], -1)
        firsts.append(first)
        columns.append(column)
    combos, inverse = np.unique(np.stack(firsts, axis=1), axis=0, return_inverse=True)
    sets: List[Dict[str, Any]] = []
    usable = np.zeros(len(combos), bool)
    for index, combo in enumerate(combos):
        chosen = {name[6:]: reading_value(column.words[code]) for name, column, code in zip(names, columns, combo)
                  if code >= 0}
        usable[index] = all(key in spec.parameters and value in spec.parameters[key].allowed
                            for key, value in chosen.items())
        sets.append(chosen)
    inverse = inverse.reshape(-1)
    scalar |= ~usable[inverse]
    return inverse.astype(np.int64), sets


# long: the whole chunk, column by column; each check is one vectorised line.
def encode(table: pa.Table, spec: RulebookSpec) -> Encoded:
    """The kernel's arrays for ``table`` (rows of whole persons, in ledger order) under ``spec``."""
    starts = person_starts(table.column("person_id"))
    persons = len(starts) - 1
    rows = _Rows(table, spec)
    kinds = rows.kinds()
    is_event = kinds != ABSENT
    dates = rows.codes("date", day)
    until = spec.effective_until
    inside = (dates >= day_number(spec.effective_from)) & ((dates <= day_number(until)) if until else True)
    rows.bad |= is_event & ~inside
    situation, points, level = _scores(rows, kinds == L.K_SCORE)
    way, score, claimed = _repairs(rows, kinds == L.K_REPAIR)
    emergency = rows.codes("emergency", flag)
    passed = rows.codes("passed", flag)
    rows.bad |= (emergency == BAD) | (passed == BAD)
    role, one_role = _person_value(rows.codes("role", word_index(spec.roles)), starts)
    as_of, one_as_of = _person_value(rows.codes("as_of", day), starts)
    events = np.add.reduceat(is_event.astype(np.int64), starts[:-1]) if persons else np.zeros(0, np.int64)
    scalar = np.logical_or.reduceat(rows.bad, starts[:-1]) if persons else np.zeros(0, bool)
    scalar |= ~one_role | ~one_as_of | (events > MAX_EVENTS)
    reading_set, sets = _readings(table, spec, starts, scalar)
    event_rows = np.flatnonzero(is_event)
    e_i = np.empty((len(event_rows), L.E_COLUMNS), np.int64)  # every column is filled below
    for column, values in ((L.E_KIND, kinds), (L.E_DATE, dates), (L.E_SITUATION, situation),
                           (L.E_POINTS, points), (L.E_WAY, way), (L.E_RESPONSIBILITY, level),
                           (L.E_EMERGENCY, np.where(emergency == 1, 1, 0)), (L.E_PASSED, np.where(passed == 0, 0, 1))):
        e_i[:, column] = values[event_rows]
    for column, name in ((L.E_INSPECTION, "inspection"), (L.E_BEHAVIOUR, "behaviour")):
        codes = rows.columns[name].codes if rows.columns[name] is not None else np.full(rows.n, ABSENT)
        e_i[:, column] = codes[event_rows]  # the same id, the same code (within the chunk)
    e_i[:, L.E_VERIFIED] = 0
    e_i[:, L.E_REWARDED] = 0
    e_f = np.zeros((len(event_rows), L.EF_COLUMNS), np.float64)
    e_f[:, L.EF_SCORE] = score[event_rows]
    e_f[:, L.EF_POINTS] = claimed[event_rows]
    p_off = np.concatenate([[0], np.cumsum(events)]).astype(np.int64)
    p_i = np.zeros((persons, L.P_COLUMNS), np.int64)
    p_i[:, L.P_AS_OF] = np.where(one_as_of, as_of, L.NULL)
    p_i[:, L.P_ROLE] = np.where(one_role, role, 0)
    reading_set = np.where(scalar, -1, reading_set)
    labels = {name: (rows.columns[name].codes[event_rows], rows.columns[name].words)
              for name in ("kind", "institution") if rows.columns[name] is not None}
    return Encoded(starts, p_off, p_i, e_i, e_f, event_rows, scalar, reading_set, sets, labels)
