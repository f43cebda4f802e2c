"""Generated ledgers evaluated by the engine: what N points cost under a rulebook.

Nothing here decides a legal outcome. It only *builds* ledgers (one person, one natural year)
from what a rulebook allows — which situations, responsibility levels and points a score event may
have — and hands them to :meth:`Rulebook.evaluate`. The comparison pages, the chart and
``yibao diff`` read the engine's decisions from the results, so they can never drift from it.

* a **single** ledger for N points is one score event worth exactly N (一次记分 N 分);
* a **cumulative** ledger for N points reaches a year total of N with events as small as the
  rulebook allows (so that no single-event threshold is met before a cumulative one), on
  consecutive days; the outcome is the decision of the event that brings the year to N.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple

from engine.errors import YibaoError
from engine.cases.points import allowed_points
from engine.rulebook.rulebook import Rulebook
from engine.spec.vocabulary import LEVELS

#: Point totals the comparison pages cover (the 1-12 scale of 医保发〔2024〕23号, and 0).
POINTS = tuple(range(0, 13))

ACTION_ZH = {"none": "无", "warn": "提醒", "suspend": "暂停", "terminate": "终止"}
STATE_ZH = {"normal": "正常", "suspended": "暂停", "terminated": "终止"}


@dataclass(frozen=True)
class Outcome:
    """The engine's decision for one generated ledger (or why there is none)."""

    points: int
    kind: str                       # single | cumulative
    action: Optional[str]           # none | warn | suspend | terminate; None when not reachable
    months: Optional[int] = None
    months_min: Optional[int] = None
    months_max: Optional[int] = None
    ban_years: Optional[int] = None
    measure: Optional[str] = None
    rules: Tuple[str, ...] = ()
    articles: Tuple[str, ...] = ()
    note: Optional[str] = None      # why there is no outcome (not reachable, an error)
    case: Optional[Mapping[str, Any]] = None
    ban_years_min: Optional[int] = None   # a ban given as a range (e.g. 1-2 years)
    ban_years_max: Optional[int] = None

    @property
    def reachable(self) -> bool:
        return self.action is not None

    def label(self) -> str:
        """Short bilingual text for a table cell, e.g. ``暂停 2 个月 suspend 2 months``."""
        if self.action is None:
            return "n/a"
        if self.action == "none":
            return "—"
        if self.action == "warn":
            return "提醒 warn"
        if self.action == "suspend":
            if self.months is not None:
                return f"暂停 {self.months} 个月 suspend {self.months} mo"
            return f"暂停 {self.months_min}-{self.months_max} 个月 suspend {self.months_min}-{self.months_max} mo"
        return f"终止 terminate, 禁 {ban_text(self.ban_years, self.ban_years_min, self.ban_years_max)}"

    def chart_months(self) -> Optional[float]:
        """Suspension months for the chart: 0 for none/warn, the shortest term of a range."""
        if self.action in ("none", "warn"):
            return 0
        if self.action == "suspend":
            return self.months if self.months is not None else self.months_min
        return None  # terminate: drawn on its own band


def ban_text(years: Optional[int], low: Optional[int] = None, high: Optional[int] = None) -> str:
    """``3 年 ban 3 y``, or ``1-2 年 ban 1-2 y`` for a range."""
    span = str(years) if years is not None else (f"{low}-{high}" if low != high else str(low))
    return f"{span} 年 ban {span} y"


def point_options(rulebook: Rulebook) -> Dict[int, Dict[str, Any]]:
    """For every number of points one score event may carry: a score event (without date) giving it.

    Uses the engine's own ``allowed_points`` (the rule that validates case files), so an option is
    exactly what a case file may say. Catch-all situations (其他…情形) are preferred, then the first.
    """
    options: Dict[int, Dict[str, Any]] = {}
    for number in sorted(rulebook.tiers):
        tier = rulebook.tiers[number]
        situation = tier.catch_all or tier.situations[0]
        if isinstance(situation.points, Mapping):
            levels = [level for level in LEVELS if level in situation.points]
        else:
            levels = ["general"] if rulebook.responsibility_required else [None]
        for level in levels:
            default, low, high, _ = allowed_points(rulebook, situation, level, None)
            for points in range(int(low), int(high) + 1):
                if points <= 0 or points in options:
                    continue
                event: Dict[str, Any] = {"kind": "score", "situation": situation.code}
                if level is not None:
                    event["responsibility"] = level
                if points != default:
                    event["points"] = points
                options[points] = event
    return options


def decompose(total: int, values: List[int]) -> Optional[List[int]]:
    """``total`` as a sum of ``values`` with the smallest largest part, then the fewest parts."""
    if total == 0:
        return []
    for bound in sorted(values):
        usable = [v for v in values if v <= bound]
        best: List[Optional[List[int]]] = [[]] + [None] * total
        for amount in range(1, total + 1):
            for value in usable:
                if value <= amount and best[amount - value] is not None:
                    candidate = best[amount - value] + [value]  # type: ignore[operator]
                    if best[amount] is None or len(candidate) < len(best[amount]):  # type: ignore[arg-type]
                        best[amount] = candidate
        if best[total] is not None:
            return sorted(best[total], reverse=True)  # type: ignore[arg-type]
    return None


def base_date(rulebook: Rulebook) -> Optional[_dt.date]:
    """A day early in a natural year the rulebook is in force for, leaving room for 12 events."""
    start = rulebook.effective_from
    candidates = [start] if start.month <= 6 else []
    candidates.append(_dt.date(start.year + 1, 1, 5))
    for day in candidates:
        last = day + _dt.timedelta(days=40)
        if rulebook.effective_until is None or last <= rulebook.effective_until:
            return day
    return None


def make_case(rulebook: Rulebook, parts: List[Dict[str, Any]], *, extra: Optional[List[Dict[str, Any]]] = None,
              start: Optional[_dt.date] = None) -> Optional[Dict[str, Any]]:
    """A case with the score events ``parts`` on consecutive days, then ``extra`` events after them."""
    day = start or base_date(rulebook)
    if day is None:
        return None
    events = []
    for offset, event in enumerate(parts):
        events.append({**event, "date": (day + _dt.timedelta(days=offset)).isoformat()})
    last = day + _dt.timedelta(days=max(len(parts) - 1, 0))
    for offset, event in enumerate(extra or (), start=1):
        events.append({**event, "date": (last + _dt.timedelta(days=offset)).isoformat()})
    as_of = events[-1]["date"] if events else day.isoformat()
    return {"rulebook": rulebook.id, "as_of": as_of, "person": {"id": "DOC", "role": rulebook.roles[0]},
            "events": events}


def _outcome(rulebook: Rulebook, points: int, kind: str, case: Optional[Dict[str, Any]]) -> Outcome:
    if case is None:
        return Outcome(points, kind, None, note="no date inside the effective period")
    try:
        result = rulebook.evaluate(case, trace=False)
    except YibaoError as error:
        return Outcome(points, kind, None, note=error.one_line(), case=case)
    if not result["decisions"]:
        return Outcome(points, kind, "none", case=case)
    d = result["decisions"][-1]
    return Outcome(points, kind, d["action"], d.get("months"), d.get("months_min"), d.get("months_max"),
                   d.get("ban_years"), d.get("measure"), tuple(d.get("rules") or ()), tuple(d.get("articles") or ()),
                   case=case, ban_years_min=d.get("ban_years_min"), ban_years_max=d.get("ban_years_max"))


def single_ledger(rulebook: Rulebook, points: int) -> Optional[Dict[str, Any]]:
    """One score event of exactly ``points``, or None where no event can carry that many."""
    option = point_options(rulebook).get(points)
    if option is None:
        return None
    return make_case(rulebook, [option])


def cumulative_ledger(rulebook: Rulebook, points: int) -> Optional[Dict[str, Any]]:
    """Small score events adding up to ``points`` in one natural year, or None if impossible."""
    options = point_options(rulebook)
    parts = decompose(points, sorted(options))
    if parts is None:
        return None
    return make_case(rulebook, [options[p] for p in parts])


def single_outcome(rulebook: Rulebook, points: int) -> Outcome:
    """The engine's decision on one event of ``points`` (一次记分)."""
    if points == 0:
        return _outcome(rulebook, 0, "single", make_case(rulebook, []))
    case = single_ledger(rulebook, points)
    if case is None:
        return Outcome(points, "single", None, note=f"no score event of {rulebook.id} carries exactly {points} points")
    return _outcome(rulebook, points, "single", case)


def cumulative_outcome(rulebook: Rulebook, points: int) -> Outcome:
    """The engine's decision on the event that brings the year total to ``points`` (累计记分)."""
    case = cumulative_ledger(rulebook, points)
    if case is None:
        return Outcome(points, "cumulative", None, note=f"{points} points cannot be reached with {rulebook.id}'s scores")
    return _outcome(rulebook, points, "cumulative", case)


def consequence_table(rulebook: Rulebook) -> Dict[str, Dict[int, Outcome]]:
    """``{"cumulative": {N: Outcome}, "single": {N: Outcome}}`` for N in 0..12."""
    return {"cumulative": {n: cumulative_outcome(rulebook, n) for n in POINTS},
            "single": {n: single_outcome(rulebook, n) for n in POINTS}}


def settlement_outcomes(rulebook: Rulebook, table: Optional[Dict[str, Dict[int, Outcome]]] = None
                        ) -> Dict[Tuple[str, bool], Dict[str, Any]]:
    """For each status the engine can reach, a claim with and without emergency, as the engine settles it.

    The status is reached by the smallest generated ledger whose decision leads there (normal: no
    score at all). Returns ``{(state, emergency): claim result (or {'note': …})}``.
    """
    table = table or consequence_table(rulebook)
    ledgers: Dict[str, Optional[List[Dict[str, Any]]]] = {"normal": [], "suspended": None, "terminated": None}
    for kind in ("single", "cumulative"):
        for n in POINTS:
            outcome = table[kind][n]
            state = {"suspend": "suspended", "terminate": "terminated"}.get(outcome.action or "")
            if state and ledgers[state] is None and outcome.case is not None:
                ledgers[state] = [e for e in outcome.case["events"]]
    out: Dict[Tuple[str, bool], Dict[str, Any]] = {}
    for state, events in ledgers.items():
        for emergency in (False, True):
            if events is None:
                out[(state, emergency)] = {"note": f"{rulebook.id} never leads to {state} on 0-12 points"}
                continue
            parts = [{k: v for k, v in e.items() if k != "date"} for e in events]
            case = make_case(rulebook, parts, extra=[{"kind": "claim", "emergency": emergency}])
            try:
                result = rulebook.evaluate(case, trace=False)  # type: ignore[arg-type]
            except YibaoError as error:
                out[(state, emergency)] = {"note": error.one_line()}
                continue
            claim = result["claims"][-1]
            if claim["state"] != state:
                out[(state, emergency)] = {"note": f"the ledger left the status {claim['state']}, not {state}"}
            else:
                out[(state, emergency)] = claim
    return out
