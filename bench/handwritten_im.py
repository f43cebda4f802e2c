"""A hand-written, plain-Python evaluator of the Inner Mongolia rules (内医保发〔2025〕7号).

No engine imports: the tables, thresholds and readings of ``rulebooks/inner-mongolia.yaml`` are
hard-coded here, as a programmer would write them without a rules engine (only the long legal
texts that the result quotes — the readings' interpretations — are read from the rulebook file
with PyYAML, as a programmer would copy them). It is the baseline of ``bench/evaluate.py`` and a
second, independent implementation to check the engine against.

``evaluate(case, trace=False)`` takes the same case dict as ``Rulebook.evaluate`` (dates as ISO
text or ``datetime.date``) and returns the engine's **full** result — every field of
``yibao evaluate --json``, in the same order: ``json.dumps`` of both is byte-identical (checked by
``bench/evaluate.py`` on every case). With ``trace=True`` it also writes the engine's trace.

Readings (the rulebook's ``parameters``; other readings are refused as out of scope):
  single_score_scope=inspection, warning_trigger=reached, suspension_start=event_date,
  overlapping_suspension=fresh, repeated_termination=heavier_only, after_term=awaiting_restoration,
  repair_shortening=once_per_term, repair_year=repair_date; and the rulebook's other choices:
  第十七条 aggregation within a natural year, a finding that adds no points makes no new measure,
  a restoration takes effect after the last day of the term or ban (``date > until``), the end of
  a re-registration ban restores nothing by itself.

Results share their constant parts (the interpretation entries) between calls, as the engine's
compiled evaluator does: treat them as read-only.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

RULEBOOK_ID = "inner-mongolia"
DOCUMENT = "内医保发〔2025〕7号"
EFFECTIVE_FROM = _dt.date(2025, 3, 1)  # 第二十九条

ROLES = frozenset({"physician", "nurse", "pharmacist", "technician", "billing_reviewer", "pharmacy_principal"})
LEVELS = ("general", "important", "primary")  # 第十六条

# 第十八条: points by tier and responsibility (fixed, no discretion), and each tier's article.
POINTS = {
    1: {"general": 1, "important": 2, "primary": 3},
    2: {"general": 4, "important": 5, "primary": 6},
    3: {"general": 7, "important": 8, "primary": 9},
    4: {"general": 10, "important": 11, "primary": 12},
}
TIER_ARTICLE = {1: "第十八条（一）", 2: "第十八条（二）", 3: "第十八条（三）", 4: "第十八条（四）"}
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

# 第十九条, in the rulebook's order: (id, article, condition as written, action, months, ban years).
RULES = (
    ("warn-3", "第十九条（一）", "year_total >= 3 and (param.warning_trigger == 'reached' or year_total_before < 3)",
     "warn", None, None),
    ("suspend-cumulative-9", "第十九条（二）", "year_total >= 9", "suspend", 1, None),
    ("suspend-single-9", "第十九条（二）", "single >= 9", "suspend", 2, None),
    ("suspend-cumulative-10", "第十九条（二）", "year_total >= 10", "suspend", 3, None),
    ("suspend-single-10", "第十九条（二）", "single >= 10", "suspend", 4, None),
    ("suspend-cumulative-11", "第十九条（二）", "year_total >= 11", "suspend", 5, None),
    ("suspend-single-11", "第十九条（二）", "single >= 11", "suspend", 6, None),
    ("terminate-cumulative-12", "第十九条（三）", "year_total >= 12", "terminate", None, 1),
    ("terminate-single-12", "第十九条（四）", "single >= 12", "terminate", None, 3),
    # 第十二条: 18.4.2 (a licence revoked) also means the licence 第十二条 requires is lost — for 医药卫生类专业技术人员.
    ("terminate-licence-lost", "第十二条",
     "situation == '18.4.2' and role in ['physician', 'nurse', 'pharmacist', 'technician']", "terminate", None, 0),
)
MEASURES = {"warn": WARN_MEASURE, "suspend": SUSPEND_MEASURE, "terminate": TERMINATE_MEASURE}
LICENCE_MEASURE = "终止医保支付资格（不具备行业主管部门执业资格）"
LICENCE_ROLES = frozenset({"physician", "nurse", "pharmacist", "technician"})
# The rule indices above, most severe first (第十九条: the heaviest consequence that holds applies; a
# termination for the licence alone has no ban, the lightest termination).
_BY_SEVERITY = (8, 7, 9, 6, 5, 4, 3, 2, 1, 0)

EXAM_ARTICLE, ACTIVITY_ARTICLE = "第二十三条（一）", "第二十三条（二）"
EXAM_FAIL = "考试成绩低于60分，未通过考试，不获得修复"
EXAM_PER_YEAR = 1          # 第二十三条（一）: 年度内可获得一次修复
ACTIVITY_PER_YEAR = 3      # 第二十三条（二）: 最多不超过3分
REPAIR_ARTICLE = "第二十三条"  # 一次记满12分的，不予修复; 可缩短暂停或终止时限1个月
NO_REPAIR_AFTER_12 = "一次记满12分的，不予修复"
RESTORATION_ARTICLE = "第二十四条"
SETTLEMENT = {"normal": ("settle-normal", "第九条（一）"), "suspended": ("settle-suspended", "第九条（二）"),
              "terminated": ("settle-terminated", "第九条（三）")}
SETTLE_LICENCE = ("settle-licence-lost", "第十二条")  # 第十二条 不予结算: no 急诊 exception for a lost licence


def _provenance() -> Dict[str, str]:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from engine.api import rulebook_provenance

    return rulebook_provenance(RULEBOOK_ID)


def _parameters() -> Dict[str, Any]:
    """The rulebook's readings as a programmer would copy them: each with its value and the words the
    result quotes (interpretation, ambiguity, articles)."""
    path = Path(__file__).resolve().parent.parent / "rulebooks" / "inner-mongolia.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))["parameters"]


PARAMETERS = _parameters()
DEFAULT_PARAMETERS = {name: body["value"] for name, body in PARAMETERS.items()}
# What every result carries as provenance: the engine's version and the rulebook's id, version label and
# hash, copied once as a programmer would copy them from `yibao check` (the hash is of the exact rules).
PROVENANCE = _provenance()
INTERPRETATIONS = tuple({"id": name, "value": body["value"], "note": body["interpretation"],
                         "ambiguity": body.get("ambiguity"), "articles": list(body.get("articles") or ())}
                        for name, body in PARAMETERS.items())

_SCORE_FIELDS = frozenset({"kind", "date", "note", "situation", "tier", "responsibility", "points", "adjustment",
                           "inspection", "behaviour", "institution"})
_REPAIR_FIELDS = frozenset({"kind", "date", "note", "way", "score", "points"})
_CLAIM_FIELDS = frozenset({"kind", "date", "note", "emergency", "amount", "institution"})
_RESTORATION_FIELDS = frozenset({"kind", "date", "note", "passed"})
_CASE_FIELDS = frozenset({"rulebook", "as_of", "person", "parameters", "events"})
_PERSON_FIELDS = frozenset({"id", "role", "name", "institutions"})
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_ONE_DAY = _dt.timedelta(days=1)
_FIELDS_BY_KIND = {"score": _SCORE_FIELDS, "repair": _REPAIR_FIELDS, "claim": _CLAIM_FIELDS,
                   "restoration": _RESTORATION_FIELDS}
_DATES: Dict[str, _dt.date] = {}


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
        if fields is None or event.keys() - fields:
            return False
    return True


class CaseInvalid(ValueError):
    """Bad input: names the field."""


def _date(value: Any, where: str) -> _dt.date:
    day = _DATES.get(value) if type(value) is str else None
    if day is not None:
        return day
    if type(value) is _dt.date:
        return value
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-" \
            and value[:4].isdigit() and value[5:7].isdigit() and value[8:].isdigit() and value.isascii():
        try:
            day = _dt.date.fromisoformat(value)
        except ValueError:
            pass
        else:
            if len(_DATES) < 100_000:
                _DATES[value] = day
            return day
    raise CaseInvalid(f"{where}: {value!r} is not a date; expected YYYY-MM-DD")


def add_months(day: _dt.date, n: int) -> _dt.date:
    """The corresponding day n months later, or that month's last day (民法典 第二百零二条)."""
    index = day.year * 12 + day.month - 1 + n
    year, month0 = divmod(index, 12)
    if day.day <= 28:
        return _dt.date(year, month0 + 1, day.day)
    last = _DAYS_IN_MONTH[month0]
    if month0 == 1 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        last = 29
    return _dt.date(year, month0 + 1, day.day if day.day <= last else last)


def _number(value):
    """Whole numbers as int (9, not 9.0), as the result writes them."""
    return int(value) if float(value).is_integer() else value


def _read_score(body: Dict[str, Any], where: str, index: int) -> tuple:
    extra = body.keys() - _SCORE_FIELDS
    if extra:
        raise CaseInvalid(f"{where}: unknown field {sorted(extra)[0]!r}")
    situation = body.get("situation")
    tier = body.get("tier")
    if situation is not None:
        if type(situation) not in (str, int, float):
            raise CaseInvalid(f"{where}.situation: expected text")
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
    if type(responsibility) is not str or responsibility not in POINTS[tier_of]:
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
    for name, value in (("inspection", inspection), ("behaviour", behaviour)):
        if value is not None and type(value) not in (str, int):
            raise CaseInvalid(f"{where}.{name}: expected text or a whole number")
    if body.get("institution") is not None and type(body["institution"]) is not str:
        raise CaseInvalid(f"{where}.institution: expected text")
    return (code, tier_of, responsibility, points,
            f"#event-{index}" if inspection is None else str(inspection),
            f"#event-{index}" if behaviour is None else str(behaviour))


def _read_repair(body: Dict[str, Any], where: str) -> tuple:
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
        return way, float(score)
    if way == "activity":
        if "score" in body:
            raise CaseInvalid(f"{where}.score: repair way 'activity' takes no 'score'")
        return way, 0.0
    raise CaseInvalid(f"{where}.way: unknown repair way {way!r}; expected exam, activity")


def _read_events(case: Dict[str, Any]) -> List[tuple]:
    """Validate the events; return (date, index, kind, payload) sorted by date (stable)."""
    events = case.get("events")
    if type(events) is not list:
        raise CaseInvalid("events: expected a list")
    out = []
    for index, body in enumerate(events):
        where = f"events[{index}]"
        if type(body) is not dict:
            raise CaseInvalid(f"{where}: expected a mapping")
        kind = body.get("kind")
        if "date" not in body:
            raise CaseInvalid(f"{where}: missing required field 'date'")
        day = _date(body["date"], f"{where}.date")
        if day < EFFECTIVE_FROM:
            raise CaseInvalid(f"{where}.date: {day} is before the rulebook took effect on {EFFECTIVE_FROM}")
        if "note" in body and type(body["note"]) is not str:
            raise CaseInvalid(f"{where}.note: expected text")
        if kind == "score":
            out.append((day, index, "score", _read_score(body, where, index)))
        elif kind == "repair":
            out.append((day, index, "repair", _read_repair(body, where)))
        elif kind == "claim":
            extra = body.keys() - _CLAIM_FIELDS
            if extra:
                raise CaseInvalid(f"{where}: unknown field {sorted(extra)[0]!r}")
            emergency = body.get("emergency", False)
            if type(emergency) is not bool:
                raise CaseInvalid(f"{where}.emergency: expected a boolean")
            amount = body.get("amount")
            if amount is not None and (type(amount) not in (int, float)):
                raise CaseInvalid(f"{where}.amount: expected a number")
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


def _read_case(case: Any) -> tuple:
    if type(case) is not dict:
        raise CaseInvalid("a case must be a mapping")
    extra = case.keys() - _CASE_FIELDS
    if extra:
        raise CaseInvalid(f"unknown field {sorted(extra)[0]!r}")
    rulebook = case.get("rulebook")
    if rulebook is not None and (type(rulebook) is not str or (rulebook and rulebook != RULEBOOK_ID)):
        raise CaseInvalid(f"rulebook: this evaluator is for {RULEBOOK_ID}, not {rulebook!r}")
    if "as_of" not in case:
        raise CaseInvalid("missing required field 'as_of'")
    as_of = _date(case["as_of"], "as_of")
    person = case.get("person")
    if type(person) is not dict or "id" not in person or "role" not in person or person.keys() - _PERSON_FIELDS:
        raise CaseInvalid("person: needs id and role")
    if type(person["id"]) not in (str, int):
        raise CaseInvalid("person.id: expected text or a whole number")
    if person["role"] not in ROLES:
        raise CaseInvalid(f"person.role: {person['role']!r} is not in the scope of 第二条")
    parameters = case.get("parameters")
    if parameters is not None:
        if type(parameters) is not dict:
            raise CaseInvalid("parameters: expected a mapping")
        for name, value in parameters.items():
            if DEFAULT_PARAMETERS.get(name) != value:
                raise CaseInvalid(f"parameters.{name}: only the rulebook's default readings are hard-coded here")
    if "events" not in case:
        raise CaseInvalid("missing required field 'events'")
    return as_of, person, _read_events(case)


# long: one pass over the events, as a hand-written evaluator would be written
def evaluate(case: Dict[str, Any], trace: bool = False) -> Dict[str, Any]:
    """Evaluate one person's ledger under the Inner Mongolia rules: the engine's full result."""
    as_of, person, events = _read_case(case)
    role = person["role"]
    steps: List[Dict[str, Any]] = []
    step = steps.append

    # Per natural year: [points, repaired, max_single, exam_count, activity_count, activity_points]
    years: Dict[int, list] = {}
    behaviour_max: Dict[tuple, int] = {}     # 第十七条: one behaviour counts once, at its highest (per year)
    inspection_total: Dict[tuple, int] = {}  # the 单次记分 of an inspection (reading single_score_scope)
    decisions: List[Dict[str, Any]] = []
    repairs: List[Dict[str, Any]] = []
    claims: List[Dict[str, Any]] = []
    restorations: List[Dict[str, Any]] = []

    # The running suspension or termination: state, phase (term, awaiting_restoration, banned, ban_over),
    # start, until, decision index, single, shortened, ban years, and what it is for (its causes).
    t_state: Optional[str] = None
    t_phase: Optional[str] = None
    t_start = t_until = None
    t_decision = t_single = t_ban = 0
    t_shortened = False
    t_causes: tuple = ()
    # The status timeline: the periods as the result writes them (dates as date objects until the end).
    periods: List[Dict[str, Any]] = [{"state": "normal", "from": None, "until": None, "phase": "normal"}]

    def enter(period: Dict[str, Any]) -> None:
        last = periods[-1]
        if last["from"] is not None and last["from"] >= period["from"]:
            periods.pop()
        else:
            last["until"] = period["from"] - _ONE_DAY
        periods.append(period)

    def time_passes(day: _dt.date) -> None:
        nonlocal t_phase
        if t_state is None or t_phase not in ("term", "banned") or day <= t_until:
            return
        after = t_until + _ONE_DAY
        if t_state == "terminated":
            # the ban ended: still 终止 until re-registration (第二十四条), nothing restores by itself
            t_phase = "ban_over"
            enter({"state": "terminated", "from": after, "until": None, "phase": "ban_over",
                   "ban_until": t_until, "decision": t_decision, "cause": t_causes[0]})
            if trace:
                step({"step": "status", "event": None, "rule": "ban_over", "article": None,
                      "detail": f"re-registration ban ended {t_until}; still terminated from {after} until a "
                                "restoration (re-registration) is passed"})
        else:
            # a suspension term that ended stays 暂停 until a restoration (第二十条, 第二十四条)
            t_phase = "awaiting_restoration"
            enter({"state": "suspended", "from": after, "until": None, "phase": "awaiting_restoration",
                   "awaiting_restoration": True, "term_until": t_until, "reading": "after_term=awaiting_restoration",
                   "decision": t_decision, "cause": t_causes[0]})
            if trace:
                step({"step": "status", "event": None, "rule": "after_term", "article": None,
                      "detail": f"suspension term ended {t_until}; status stays suspended until a restoration "
                                "evaluation is passed (reading after_term=awaiting_restoration)"})

    for day, index, kind, payload in events:
        time_passes(day)

        if kind == "score":
            code, tier, responsibility, points, inspection, behaviour = payload
            key = (day.year, inspection, behaviour)
            before = behaviour_max.get(key, 0)
            counted = points - before if points > before else 0
            if points > before:
                behaviour_max[key] = points
            if trace and counted < points:
                step({"step": "aggregate", "event": index, "rule": "same-behaviour-max", "article": "第十七条",
                      "detail": f"behaviour {behaviour} of inspection {inspection} already counted {before}; "
                                f"counts once at its highest: adds {counted}"})
            year = years.get(day.year)
            if year is None:
                year = years[day.year] = [0, 0, 0, 0, 0, 0]
            total_before = year[0] - year[1]
            year[0] += counted
            total = year[0] - year[1]
            single = inspection_total.get((day.year, inspection), 0) + counted
            inspection_total[(day.year, inspection)] = single
            if single > year[2]:
                year[2] = single
            article = TIER_ARTICLE[tier]
            if trace:
                step({"step": "score", "event": index, "rule": code, "article": article,
                      "detail": f"{code} tier {tier}, {responsibility}: {points} points; "
                                f"year {day.year} total {total_before} → {total}; single {single}"})
            chosen = None
            if counted == 0 and points > 0:
                # the behaviour was already scored at a higher situation: no new 记分, no new measure
                if trace:
                    step({"step": "consequence", "event": index, "rule": "no-new-points", "article": "第十七条",
                          "detail": "this finding adds no points to the year (same behaviour already counted at "
                                    "its highest): no new measure"})
            else:
                licence = code == "18.4.2" and role in LICENCE_ROLES
                holds = (total >= 3, total >= 9, single >= 9, total >= 10, single >= 10, total >= 11, single >= 11,
                         total >= 12, single >= 12, licence)
                for number in _BY_SEVERITY:
                    if holds[number]:
                        chosen = number
                        break
                if trace:
                    for number, rule in enumerate(RULES):
                        if holds[number]:
                            step({"step": "consequence", "event": index, "rule": rule[0], "article": rule[1],
                                  "detail": f"condition '{rule[2]}' holds → {rule[3]}"
                                            + (" (chosen: most severe)" if number == chosen
                                               else " (a more severe rule applies)")})
            if chosen is None:
                decisions.append({
                    "event": index, "date": day, "situation": code, "tier": tier, "responsibility": responsibility,
                    "points": points, "counted_points": counted, "single": single, "year_total": total,
                    "action": "none", "measure": None, "months": None, "months_min": None, "months_max": None,
                    "ban_years": None, "ban_years_min": None, "ban_years_max": None, "from": None, "until": None,
                    "articles": [article], "rules": []})
                continue
            rule_id, rule_article, _, action, months, ban = RULES[chosen]
            articles, rule_ids, causes = [article, rule_article], [rule_id], ("licence" if chosen == 9 else "score",)
            if chosen in (7, 8) and licence:  # a termination for points, and the licence lost: one, both causes
                articles.append(RULES[9][1])
                rule_ids.append(RULES[9][0])
                causes += ("licence",)
            decision = {
                "event": index, "date": day, "situation": code, "tier": tier, "responsibility": responsibility,
                "points": points, "counted_points": counted, "single": single, "year_total": total,
                "action": action, "measure": LICENCE_MEASURE if chosen == 9 else MEASURES[action], "months": months,
                "months_min": months, "months_max": months, "ban_years": ban, "ban_years_min": ban,
                "ban_years_max": ban, "from": None, "until": None, "articles": articles, "rules": rule_ids}
            number = len(decisions)
            decisions.append(decision)
            if action == "suspend":
                until = add_months(day, months)
                decision["from"], decision["until"] = day, until
                if t_state == "terminated":
                    if trace:
                        step({"step": "status", "event": number, "rule": rule_id, "article": rule_article,
                              "detail": "already terminated: the suspension does not change the status"})
                elif t_state == "suspended" and t_phase == "term" and day <= t_until:
                    # reading overlapping_suspension=fresh: own term from its date; status to the later end
                    if t_until > until:
                        until = t_until
                    t_start, t_until, t_decision, t_shortened, t_causes = day, until, number, False, causes
                    if single > t_single:
                        t_single = single
                    periods[-1]["until"] = until
                    if trace:
                        step({"step": "status", "event": None, "rule": "overlapping_suspension",
                              "article": rule_article,
                              "detail": f"a suspension during a running term (reading fresh): suspended until {until}"})
                else:
                    t_state, t_phase, t_start, t_until, t_decision, t_single, t_shortened, t_causes = \
                        "suspended", "term", day, until, number, single, False, causes
                    enter({"state": "suspended", "from": day, "until": until, "phase": "term",
                           "decision": number, "article": rule_article, "cause": causes[0]})
                    if trace:
                        step({"step": "status", "event": None, "rule": rule_id, "article": rule_article,
                              "detail": f"suspended from {day} until {until}"})
            elif action == "terminate":
                until = add_months(day, 12 * ban)   # 终止之日起 N 年内不得再次登记备案
                decision["from"], decision["until"] = day, until
                if t_state == "terminated" and t_phase == "ban_over":
                    t_state = None               # a new ban starts afresh
                if t_state == "terminated":
                    # reading repeated_termination=heavier_only: “终止之日起” counts from the first
                    # termination; only a heavier ban counts anew from its own day
                    if until > t_until and ban > t_ban:
                        t_until, t_ban = until, ban
                        periods[-1]["ban_until"] = until
                    if single > t_single:
                        t_single = single
                    t_causes = tuple(dict.fromkeys(t_causes + causes))
                    if trace:
                        step({"step": "status", "event": number, "rule": rule_id, "article": rule_article,
                              "detail": f"already terminated; re-registration ban until {t_until} "
                                        "(reading heavier_only)"})
                else:
                    t_state, t_phase, t_start, t_until, t_decision, t_single, t_shortened, t_ban, t_causes = \
                        "terminated", "banned", day, until, number, single, False, ban, causes
                    enter({"state": "terminated", "from": day, "until": None, "phase": "banned",
                           "ban_until": until, "decision": number, "article": rule_article, "cause": causes[0]})
                    if trace:
                        step({"step": "status", "event": None, "rule": rule_id, "article": rule_article,
                              "detail": f"terminated from {day}; no re-registration until {until} ({ban} year ban)"})

        elif kind == "repair":
            way, score = payload
            year = years.get(day.year)
            if year is None:
                year = years[day.year] = [0, 0, 0, 0, 0, 0]
            exam = way == "exam"
            article = EXAM_ARTICLE if exam else ACTIVITY_ARTICLE
            record = {"event": index, "date": day, "way": way, "accepted": False, "points": 0, "reason": None,
                      "articles": [article], "shortened": None}
            if score:
                record["score"] = _number(score)
            repairs.append(record)
            reason = rule = None
            net = year[0] - year[1]
            if year[2] >= 12 or (t_state is not None and t_single >= 12):   # 第二十三条: 一次记满12分的，不予修复
                reason, rule = NO_REPAIR_AFTER_12, "no-repair-after-single-12"
                record["articles"].append(REPAIR_ARTICLE)
                article = REPAIR_ARTICLE
            else:
                rule = way
                if exam:  # 第二十三条（一）: 60-75 → 1, 76-90 → 2, 91-100 → 3; once a year
                    earned = 3 if score >= 91 else 2 if score >= 76 else 1 if score >= 60 else 0
                else:     # 第二十三条（二）: 1 point per activity, at most 3 a year
                    earned = 1
                if earned <= 0:
                    reason = EXAM_FAIL
                elif exam and year[3] >= EXAM_PER_YEAR:
                    reason = f"exam may repair {EXAM_PER_YEAR} time(s) a year; already used in {day.year}"
                elif net <= 0:
                    reason = f"no points to repair in {day.year}"
                else:
                    grant = earned if earned < net else net
                    if not exam and grant > ACTIVITY_PER_YEAR - year[5]:
                        grant = ACTIVITY_PER_YEAR - year[5]
                    if grant <= 0:
                        reason = f"the cap of {ACTIVITY_PER_YEAR} repair points a year by activity is reached"
            if reason is not None:
                record["reason"] = reason
                if trace:
                    step({"step": "repair", "event": index, "rule": rule, "article": article,
                          "detail": f"repair by {way} refused: {reason}"})
                continue
            year[1] += grant
            if exam:
                year[3] += 1
            else:
                year[4] += 1
                year[5] += grant
            record["accepted"] = True
            record["points"] = grant
            if trace:
                step({"step": "repair", "event": index, "rule": way, "article": article,
                      "detail": f"repair by {way} accepted: -{grant} (earned {earned}); "
                                f"year {day.year} net {year[0] - year[1]}"})
            # 修复记分后，涉及登记备案状态调整的，可缩短暂停或终止时限1个月 (once per term)
            if t_state is None or day > t_until:
                continue
            if t_shortened:
                if trace:
                    step({"step": "repair", "event": index, "rule": "shorten_term", "article": REPAIR_ARTICLE,
                          "detail": "the term was already shortened once (reading repair_shortening=once_per_term)"})
                continue
            new_until = add_months(t_until, -1)
            if new_until < t_start:
                new_until = t_start
            if new_until < day:
                new_until = day
            if new_until >= t_until:
                continue
            before, t_until, t_shortened = t_until, new_until, True
            periods[-1]["ban_until" if t_state == "terminated" else "until"] = new_until
            record["shortened"] = {"from": before, "to": new_until}
            record["articles"].append(REPAIR_ARTICLE)
            if trace:
                step({"step": "repair", "event": index, "rule": "shorten_term", "article": REPAIR_ARTICLE,
                      "detail": f"{t_state} term shortened by 1 month(s): until {before} → {new_until}"})

        elif kind == "claim":
            state = periods[-1]["state"]
            causes = list(t_causes) if t_state is not None else []
            # 第九条: normal → settled; suspended / terminated → only 急诊、抢救; 第十二条: a lost licence, never
            if state == "terminated" and "licence" in causes:
                settled, (rule, article) = False, SETTLE_LICENCE
            else:
                settled = True if state == "normal" else payload
                rule, article = SETTLEMENT[state]
            reason = (f"status {state}" + (f" ({', '.join(causes)})" if set(causes) - {"score"} else "")
                      + (", emergency" if payload else "") + f": {'settled' if settled else 'not settled'} ({article})")
            record = {"event": index, "date": day, "emergency": payload, "settled": settled, "state": state,
                      "article": article, "rule": rule, "reason": reason}
            if causes:
                record["causes"] = causes
            claims.append(record)
            if trace:
                step({"step": "claim", "event": index, "rule": rule, "article": article, "detail": reason})

        else:  # restoration (第二十四条): after the term ends, if the evaluation is passed
            state = periods[-1]["state"]
            record = {"event": index, "date": day, "passed": payload, "accepted": False, "state_before": state,
                      "reason": None, "article": RESTORATION_ARTICLE}
            restorations.append(record)
            rule = "restoration"
            if t_state is None:
                record["reason"] = "status is normal: nothing to restore"
                rule = None
            elif not day > t_until:   # 期满: from the day after the last day (民法典 第二百零一条)
                record["reason"] = f"暂停、终止期限未满，不能恢复 ({state} until {t_until})"
            elif not payload:
                record["reason"] = "the restoration evaluation was not passed; status unchanged"
            else:
                record["accepted"] = True
                t_state = None
                enter({"state": "normal", "from": day, "until": None, "phase": "normal",
                       "article": RESTORATION_ARTICLE, "restored_by": index})
                record["state_after"] = "normal"
                if trace:
                    step({"step": "restoration", "event": index, "rule": rule, "article": RESTORATION_ARTICLE,
                          "detail": f"restored: {state} → normal from {day}"})
                continue
            if trace:
                step({"step": "restoration", "event": index, "rule": rule, "article": RESTORATION_ARTICLE,
                      "detail": record["reason"]})

    time_passes(as_of)
    return _result(as_of, person, years, decisions, repairs, claims, restorations, periods, steps)


def _iso_fields(records: List[Dict[str, Any]], names: tuple) -> None:
    for record in records:
        for name in names:
            value = record[name]
            if value is not None:
                record[name] = value.isoformat()


def _result(as_of, person, years, decisions, repairs, claims, restorations, periods, steps) -> Dict[str, Any]:
    current = periods[0]
    for period in periods:
        if period["from"] is None or period["from"] <= as_of:
            current = period
    state = current["state"]
    if state == "suspended":
        until = current.get("term_until", current["until"])
    elif state == "terminated":
        until = current.get("ban_until")
    else:
        until = None
    status = {"as_of": as_of.isoformat(), "state": state, "until": until.isoformat() if until else None,
              "phase": current["phase"]}
    if current.get("awaiting_restoration") is True:
        status["awaiting_restoration"] = True
    if "cause" in current:
        status["cause"] = current["cause"]
    _iso_fields(decisions, ("date", "from", "until"))
    _iso_fields(claims, ("date",))
    _iso_fields(restorations, ("date",))
    for record in repairs:
        record["date"] = record["date"].isoformat()
        shortened = record["shortened"]
        if shortened is not None:
            shortened["from"], shortened["to"] = shortened["from"].isoformat(), shortened["to"].isoformat()
    for period in periods:
        for name in ("from", "until", "term_until", "ban_until"):
            value = period.get(name)
            if value is not None and name in period:
                period[name] = value.isoformat()
    return {
        "rulebook": RULEBOOK_ID,
        "document": DOCUMENT,
        "person": {"id": str(person["id"]), "role": person["role"]},
        "as_of": as_of.isoformat(),
        "years": {str(y): {"points": v[0], "repaired": v[1], "net": v[0] - v[1]} for y, v in sorted(years.items())},
        "decisions": decisions,
        "repairs": repairs,
        "claims": claims,
        "restorations": restorations,
        "obligations": [],
        "institution_measures": [],
        "status": status,
        "timeline": periods,
        "interpretations": list(INTERPRETATIONS),
        "warnings": [],
        "trace": steps,
        "appeals": [],
        "clocks": [],
        "provenance": dict(PROVENANCE),
    }
