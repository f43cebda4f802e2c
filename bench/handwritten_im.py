"""A hand-written, plain-Python evaluator of the Inner Mongolia rules (内医保发〔2025〕7号).

No engine imports: the tables, thresholds and readings of ``rulebooks/inner-mongolia.yaml`` are
hard-coded here, as a programmer would write them without a rules engine. It is the baseline of
``bench/evaluate.py`` and a second, independent implementation to check the engine against.

Readings (the rulebook's ``parameters`` defaults; other readings are refused):
  single_score_scope=inspection, warning_trigger=reached, suspension_start=event_date,
  overlapping_suspension=fresh, repeated_termination=heavier_only, after_term=awaiting_restoration,
  repair_shortening=once_per_term, repair_year=repair_date; and the rulebook's other choices:
  第十七条 aggregation within a natural year, a finding that adds no points makes no new measure,
  a restoration takes effect after the last day of the term or ban (``date > until``), the end of
  a re-registration ban restores nothing by itself.

``evaluate(case)`` takes the same case dict as ``Rulebook.evaluate`` (dates as ISO text or
``datetime.date``) and returns the compared subset of the engine's result: ``years``, ``decisions``,
``repairs``, ``claims``, ``status``.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Dict, List, Optional

RULEBOOK_ID = "inner-mongolia"
EFFECTIVE_FROM = _dt.date(2025, 3, 1)  # 第二十九条

ROLES = frozenset({"physician", "nurse", "pharmacist", "technician", "billing_reviewer", "pharmacy_principal"})
LEVELS = ("general", "important", "primary")  # 第十六条

# 第十八条: points by tier and responsibility (fixed, no discretion).
POINTS = {
    1: {"general": 1, "important": 2, "primary": 3},
    2: {"general": 4, "important": 5, "primary": 6},
    3: {"general": 7, "important": 8, "primary": 9},
    4: {"general": 10, "important": 11, "primary": 12},
}
SITUATION_TIER = {
    "18.1.1": 1, "18.1.2": 1, "18.1.3": 1, "18.1.4": 1, "18.1.5": 1,
    "18.2.1": 2, "18.2.2": 2, "18.2.3": 2, "18.2.4": 2,
    "18.3.1": 3, "18.3.2": 3,
    "18.4.1": 4, "18.4.2": 4, "18.4.3": 4, "18.4.4": 4,
}
CATCH_ALL = {1: "18.1.5", 2: "18.2.4", 3: "18.3.2", 4: "18.4.4"}  # 其他应记…的情形

WARN_MEASURE = "通报记分情况、谈话提醒、学习培训"
SUSPEND_MEASURE = "暂停医保支付资格"
TERMINATE_MEASURE = "终止医保支付资格"

DEFAULT_PARAMETERS = {
    "single_score_scope": "inspection", "warning_trigger": "reached", "suspension_start": "event_date",
    "overlapping_suspension": "fresh", "repeated_termination": "heavier_only", "after_term": "awaiting_restoration",
    "repair_shortening": "once_per_term", "repair_year": "repair_date",
}

EXAM_PER_YEAR = 1          # 第二十三条（一）: 年度内可获得一次修复
ACTIVITY_PER_YEAR = 3      # 第二十三条（二）: 最多不超过3分

_SCORE_FIELDS = frozenset({"kind", "date", "note", "situation", "tier", "responsibility", "points", "adjustment",
                           "inspection", "behaviour", "institution"})
_REPAIR_FIELDS = frozenset({"kind", "date", "note", "way", "score", "points"})
_CLAIM_FIELDS = frozenset({"kind", "date", "note", "emergency", "amount"})
_RESTORATION_FIELDS = frozenset({"kind", "date", "note", "passed"})
_CASE_FIELDS = frozenset({"rulebook", "as_of", "person", "parameters", "events"})
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_ONE_DAY = _dt.timedelta(days=1)


_FIELDS_BY_KIND = {"score": _SCORE_FIELDS, "repair": _REPAIR_FIELDS, "claim": _CLAIM_FIELDS,
                   "restoration": _RESTORATION_FIELDS}


def in_scope(case: Any) -> bool:
    """Whether ``case`` uses only what this evaluator implements: the four event kinds with their
    contract fields and the default readings. (The engine also knows appeals, institution measures,
    restoration application dates, …; cases using those are out of scope here, not invalid.)"""
    if not isinstance(case, dict):
        return True
    for name, value in (case.get("parameters") or {}).items():
        if DEFAULT_PARAMETERS.get(name) != value:
            return False
    for event in case.get("events") or ():
        if not isinstance(event, dict):
            continue
        fields = _FIELDS_BY_KIND.get(event.get("kind"))
        if fields is None or event.keys() - fields - {"person"}:
            return False
    return True


class CaseInvalid(ValueError):
    """Bad input: names the field."""


def _date(value: Any, where: str) -> _dt.date:
    if type(value) is _dt.date:
        return value
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise CaseInvalid(f"{where}: {value!r} is not a date; expected YYYY-MM-DD")


def add_months(day: _dt.date, n: int) -> _dt.date:
    """The corresponding day n months later, or that month's last day (民法典 第二百零二条)."""
    index = day.year * 12 + day.month - 1 + n
    year, month0 = divmod(index, 12)
    last = _DAYS_IN_MONTH[month0]
    if month0 == 1 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        last = 29
    return _dt.date(year, month0 + 1, day.day if day.day <= last else last)


def _iso(day: Optional[_dt.date]) -> Optional[str]:
    return None if day is None else day.isoformat()


def _consequence(year_total: int, single: int):
    """第十九条: the most severe consequence whose condition holds → (action, measure, months, ban_years)."""
    if single >= 12:
        return "terminate", TERMINATE_MEASURE, None, 3      # （四）单次记分为12分
    if year_total >= 12:
        return "terminate", TERMINATE_MEASURE, None, 1      # （三）累计达到12分
    if single >= 11:
        return "suspend", SUSPEND_MEASURE, 6, None
    if year_total >= 11:
        return "suspend", SUSPEND_MEASURE, 5, None
    if single >= 10:
        return "suspend", SUSPEND_MEASURE, 4, None
    if year_total >= 10:
        return "suspend", SUSPEND_MEASURE, 3, None
    if single >= 9:
        return "suspend", SUSPEND_MEASURE, 2, None
    if year_total >= 9:
        return "suspend", SUSPEND_MEASURE, 1, None
    if year_total >= 3:
        return "warn", WARN_MEASURE, None, None           # （一）reading warning_trigger=reached
    return "none", None, None, None


def _read_events(case: Dict[str, Any]) -> List[tuple]:
    """Validate the events; return (date, index, kind, payload) sorted by date (stable)."""
    events = case.get("events") or ()
    if not isinstance(events, (list, tuple)):
        raise CaseInvalid("events: expected a list")
    out = []
    for index, body in enumerate(events):
        where = f"events[{index}]"
        if not isinstance(body, dict):
            raise CaseInvalid(f"{where}: expected a mapping")
        kind = body.get("kind")
        if "date" not in body:
            raise CaseInvalid(f"{where}: missing required field 'date'")
        day = _date(body["date"], f"{where}.date")
        if day < EFFECTIVE_FROM:
            raise CaseInvalid(f"{where}.date: {day} is before the rulebook took effect on {EFFECTIVE_FROM}")
        if kind == "score":
            extra = body.keys() - _SCORE_FIELDS
            if extra:
                raise CaseInvalid(f"{where}: unknown field {sorted(extra)[0]!r}")
            situation = body.get("situation")
            tier = body.get("tier")
            if situation is not None:
                code = str(situation)
                tier_of = SITUATION_TIER.get(code)
                if tier_of is None:
                    raise CaseInvalid(f"{where}.situation: unknown situation {code!r}")
                if tier is not None and tier != tier_of:
                    raise CaseInvalid(f"{where}.tier: situation {code} belongs to tier {tier_of}, not {tier}")
            elif tier is not None:
                if type(tier) is not int or tier not in CATCH_ALL:
                    raise CaseInvalid(f"{where}.tier: unknown tier {tier!r}; expected 1..4")
                code, tier_of = CATCH_ALL[tier], tier
            else:
                raise CaseInvalid(f"{where}: a score event needs a situation or a tier")
            responsibility = body.get("responsibility")
            if responsibility is None:
                raise CaseInvalid(f"{where}.responsibility: missing responsibility; expected one of {', '.join(LEVELS)}")
            if responsibility not in POINTS[tier_of]:
                raise CaseInvalid(f"{where}.responsibility: {responsibility!r} is not one of {', '.join(LEVELS)}")
            if body.get("adjustment") is not None:
                raise CaseInvalid(f"{where}.adjustment: not allowed, points are fixed by 第十八条")
            points = POINTS[tier_of][responsibility]
            given = body.get("points")
            if given is not None and (type(given) is not int or given != points):
                raise CaseInvalid(f"{where}.points: {given!r} points are not allowed for {code} "
                                  f"with {responsibility} responsibility; expected {points}")
            inspection = body.get("inspection")
            behaviour = body.get("behaviour")
            out.append((day, index, "score", (
                code, points,
                f"#event-{index}" if inspection is None else str(inspection),
                f"#event-{index}" if behaviour is None else str(behaviour))))
        elif kind == "repair":
            extra = body.keys() - _REPAIR_FIELDS
            if extra:
                raise CaseInvalid(f"{where}: unknown field {sorted(extra)[0]!r}")
            way = body.get("way")
            if "points" in body:
                raise CaseInvalid(f"{where}.points: repair way {way!r} takes no 'points'")
            if way == "exam":
                score = body.get("score")
                if score is None:
                    raise CaseInvalid(f"{where}.score: repair way 'exam' needs 'score'")
                if isinstance(score, bool) or not isinstance(score, (int, float)):
                    raise CaseInvalid(f"{where}.score: must be a number, got {score!r}")
                if not 0 <= score <= 100:
                    raise CaseInvalid(f"{where}.score: {score} is outside 0..100")
            elif way == "activity":
                if "score" in body:
                    raise CaseInvalid(f"{where}.score: repair way 'activity' takes no 'score'")
                score = None
            else:
                raise CaseInvalid(f"{where}.way: unknown repair way {way!r}; expected exam, activity")
            out.append((day, index, "repair", (way, score)))
        elif kind == "claim":
            extra = body.keys() - _CLAIM_FIELDS
            if extra:
                raise CaseInvalid(f"{where}: unknown field {sorted(extra)[0]!r}")
            emergency = body.get("emergency", False)
            if type(emergency) is not bool:
                raise CaseInvalid(f"{where}.emergency: expected a boolean")
            out.append((day, index, "claim", emergency))
        elif kind == "restoration":
            extra = body.keys() - _RESTORATION_FIELDS
            if extra:
                raise CaseInvalid(f"{where}: unknown field {sorted(extra)[0]!r}")
            passed = body.get("passed", True)
            if type(passed) is not bool:
                raise CaseInvalid(f"{where}.passed: expected a boolean")
            out.append((day, index, "restoration", passed))
        else:
            raise CaseInvalid(f"{where}.kind: {kind!r} is not one of score, repair, claim, restoration")
    out.sort(key=lambda e: e[0])  # stable: same-day events keep file order
    return out


def evaluate(case: Dict[str, Any]) -> Dict[str, Any]:
    """Evaluate one person's ledger under the Inner Mongolia rules."""
    if not isinstance(case, dict):
        raise CaseInvalid("a case must be a mapping")
    extra = case.keys() - _CASE_FIELDS
    if extra:
        raise CaseInvalid(f"unknown field {sorted(extra)[0]!r}")
    rulebook = case.get("rulebook")
    if rulebook is not None and rulebook != RULEBOOK_ID:
        raise CaseInvalid(f"rulebook: this evaluator is for {RULEBOOK_ID}, not {rulebook!r}")
    if "as_of" not in case:
        raise CaseInvalid("missing required field 'as_of'")
    as_of = _date(case["as_of"], "as_of")
    person = case.get("person")
    if not isinstance(person, dict) or "id" not in person or "role" not in person:
        raise CaseInvalid("person: needs id and role")
    if person["role"] not in ROLES:
        raise CaseInvalid(f"person.role: {person['role']!r} is not in the scope of 第二条")
    for name, value in (case.get("parameters") or {}).items():
        if DEFAULT_PARAMETERS.get(name) != value:
            raise CaseInvalid(f"parameters.{name}: only the rulebook's default readings are hard-coded here")
    if "events" not in case:
        raise CaseInvalid("missing required field 'events'")
    events = _read_events(case)

    # Per-year ledger: [points, repaired, max_single, exam_count, activity_points]
    years: Dict[int, list] = {}
    behaviour_max: Dict[tuple, int] = {}     # 第十七条: one behaviour counts once, at its highest (per year)
    inspection_total: Dict[tuple, int] = {}  # the 单次记分 of an inspection (reading single_score_scope)
    decisions: List[Dict[str, Any]] = []
    repairs: List[Dict[str, Any]] = []
    claims: List[Dict[str, Any]] = []

    # The running suspension or termination.
    s_state: Optional[str] = None
    s_start: Optional[_dt.date] = None
    s_until: Optional[_dt.date] = None
    s_single = 0
    s_shortened = False
    s_ban_years = 0
    # Status periods: [from, state, until (timeline), status_until (awaiting / terminated), phase]
    # phase: normal | term | awaiting (term over, 暂停 until restored) | banned | ban_over
    periods: List[list] = [[None, "normal", None, None, "normal"]]

    def enter(state: str, start: _dt.date, until, status_until, phase: str) -> None:
        last = periods[-1]
        if last[0] is not None and last[0] >= start:
            periods.pop()
        else:
            last[2] = start - _ONE_DAY
        periods.append([start, state, until, status_until, phase])

    def time_passes(day: _dt.date) -> None:
        if s_state == "terminated":
            # the ban ended: still 终止 until re-registration (第二十四条), nothing restores by itself
            if day > s_until and periods[-1][4] == "banned":
                enter("terminated", s_until + _ONE_DAY, None, s_until, "ban_over")
        # a suspension term that ended stays 暂停 until a restoration (第二十条, 第二十四条)
        elif s_state == "suspended" and day > s_until and periods[-1][4] != "awaiting":
            enter("suspended", s_until + _ONE_DAY, None, s_until, "awaiting")

    for day, index, kind, payload in events:
        time_passes(day)

        if kind == "score":
            code, points, inspection, behaviour = payload
            key = (day.year, inspection, behaviour)
            before = behaviour_max.get(key, 0)
            counted = points - before if points > before else 0
            if points > before:
                behaviour_max[key] = points
            year = years.get(day.year)
            if year is None:
                year = years[day.year] = [0, 0, 0, 0, 0]
            year[0] += counted
            total = year[0] - year[1]
            single = inspection_total.get((day.year, inspection), 0) + counted
            inspection_total[(day.year, inspection)] = single
            if single > year[2]:
                year[2] = single
            if counted == 0:
                # the behaviour was already scored at a higher situation: no new 记分, no new measure
                action, measure, months, ban_years = "none", None, None, None
            else:
                action, measure, months, ban_years = _consequence(total, single)
            decision = {
                "event": index, "date": day.isoformat(), "points": points, "counted_points": counted,
                "single": single, "year_total": total, "action": action, "measure": measure,
                "months": months, "months_min": months, "months_max": months, "ban_years": ban_years,
                "from": None, "until": None,
            }
            decisions.append(decision)
            if action == "suspend":
                until = add_months(day, months)
                decision["from"], decision["until"] = day.isoformat(), until.isoformat()
                if s_state == "terminated":
                    pass                                   # already terminated: status unchanged
                elif s_state == "suspended" and day <= s_until:
                    # reading overlapping_suspension=fresh: own term from its date; status to the later end
                    if s_until > until:
                        until = s_until
                    s_start, s_until, s_shortened = day, until, False
                    if single > s_single:
                        s_single = single
                    periods[-1][2] = until
                else:
                    s_state, s_start, s_until, s_single, s_shortened = "suspended", day, until, single, False
                    enter("suspended", day, until, None, "term")
            elif action == "terminate":
                until = add_months(day, 12 * ban_years)   # 终止之日起 N 年内不得再次登记备案
                decision["from"], decision["until"] = day.isoformat(), until.isoformat()
                if s_state == "terminated" and periods[-1][4] != "ban_over":
                    # reading repeated_termination=heavier_only: “终止之日起” counts from the first
                    # termination; only a heavier ban counts anew from its own day
                    if until > s_until and ban_years > s_ban_years:
                        s_until, s_ban_years = until, ban_years
                        periods[-1][2] = None
                        periods[-1][3] = until
                    if single > s_single:
                        s_single = single
                else:
                    s_state, s_start, s_until, s_single, s_shortened = "terminated", day, until, single, False
                    s_ban_years = ban_years
                    enter("terminated", day, None, until, "banned")

        elif kind == "repair":
            way, score = payload
            year = years.get(day.year)
            if year is None:
                year = years[day.year] = [0, 0, 0, 0, 0]
            record = {"event": index, "accepted": False, "points": 0}
            repairs.append(record)
            # 第二十三条: 一次记满12分的，不予修复
            if year[2] >= 12 or (s_state is not None and s_single >= 12):
                continue
            if way == "exam":   # 第二十三条（一）: 60-75 → 1, 76-90 → 2, 91-100 → 3; once a year
                earned = 3 if score >= 91 else 2 if score >= 76 else 1 if score >= 60 else 0
                if earned == 0 or year[3] >= EXAM_PER_YEAR:
                    continue
            else:               # 第二十三条（二）: 1 point per activity, at most 3 a year
                earned = 1
            net = year[0] - year[1]
            if net <= 0:
                continue
            grant = earned if earned < net else net
            if way == "activity" and grant > ACTIVITY_PER_YEAR - year[4]:
                grant = ACTIVITY_PER_YEAR - year[4]
            if grant <= 0:
                continue
            year[1] += grant
            if way == "exam":
                year[3] += 1
            else:
                year[4] += grant
            record["accepted"] = True
            record["points"] = grant
            # 修复记分后，涉及登记备案状态调整的，可缩短暂停或终止时限1个月 (once per term)
            if s_state is not None and day <= s_until and not s_shortened:
                new_until = add_months(s_until, -1)
                if new_until < s_start:
                    new_until = s_start
                if new_until < day:
                    new_until = day
                if new_until < s_until:
                    s_until = new_until
                    s_shortened = True
                    if s_state == "terminated":
                        periods[-1][3] = new_until
                    else:
                        periods[-1][2] = new_until

        elif kind == "claim":
            state = periods[-1][1]
            # 第九条: normal → settled; suspended / terminated → only 急诊、抢救
            claims.append({"event": index, "settled": True if state == "normal" else payload, "state": state})

        else:  # restoration (第二十四条): after the term ends, if the evaluation is passed
            state = periods[-1][1]
            if s_state is None or state == "normal":
                continue
            if day <= s_until or not payload:   # 期满: from the day after the last day (民法典 第二百零一条)
                continue
            s_state = s_start = s_until = None
            s_single, s_shortened, s_ban_years = 0, False, 0
            enter("normal", day, None, None, "normal")

    time_passes(as_of)

    current = periods[0]
    for period in periods:
        if period[0] is None or period[0] <= as_of:
            current = period
    state = current[1]
    if state == "suspended":
        until = current[3] if current[4] == "awaiting" else current[2]
    elif state == "terminated":
        until = current[3]
    else:
        until = None
    return {
        "years": {str(y): {"points": v[0], "repaired": v[1], "net": v[0] - v[1]} for y, v in sorted(years.items())},
        "decisions": decisions,
        "repairs": repairs,
        "claims": claims,
        "status": {"state": state, "until": _iso(until) if isinstance(until, _dt.date) else until},
    }
