"""Evaluate one person's ledger against a compiled rulebook.

Events are applied in date order. A score event is aggregated (第十七条-style: one behaviour
counts once at its highest situation, different behaviours add up), added to its natural year,
and judged by the rulebook's consequence rules (the most severe whose condition holds); a repair
reduces the year's points within the rulebook's caps and may shorten a running term; a claim is
judged against the status on its date; a restoration ends a term. The status is kept as a
timeline of periods. Every rule that fires is written to the trace with its article.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from engine.base.calendar import add_months, add_years
from engine.spec.rulebook import RulebookSpec
from engine.spec.scoring import Consequence
from engine.errors import CaseError
from engine.evaluate.deadlines import compute_deadline
from engine.evaluate.ledger import (AppealEvent, AppealResultEvent, Case, ClaimEvent, InstitutionEvent, ObligationEvent,
                     RepairEvent, RestorationEvent, ScoreEvent, read_case)

_ONE_DAY = _dt.timedelta(days=1)


@dataclass
class _Year:
    points: int = 0          # counted points after aggregation (and the year cap)
    repaired: float = 0      # points removed by accepted repairs
    max_single: int = 0
    way_count: Dict[str, int] = field(default_factory=dict)
    way_points: Dict[str, float] = field(default_factory=dict)

    @property
    def net(self) -> float:
        return self.points - self.repaired


@dataclass
class _Sanction:
    """A running suspension or termination."""

    state: str               # suspended | terminated
    start: _dt.date
    until: _dt.date          # last day of the suspension term, or of the re-registration ban
    decision: int            # index into the decisions list
    single: int
    shortened: bool = False
    cause: str = "score"     # score | institution: what decided the term (institution rules)
    ban_years: float = 0     # the ban of the termination in force (for repeated_termination=heavier_only)


_TEMPLATES: Dict[int, Tuple[RulebookSpec, List[Tuple[Dict[str, Any], Tuple[str, ...]]]]] = {}


def _interpretation_templates(rulebook: RulebookSpec) -> List[Tuple[Dict[str, Any], Tuple[str, ...]]]:
    """The constant part of each result's ``interpretations`` entry, built once per rulebook.

    Keyed by id() but holding the rulebook itself, so an id is never reused while cached.
    """
    cached = _TEMPLATES.get(id(rulebook))
    if cached is None or cached[0] is not rulebook:
        templates = [({"id": name, "value": None, "note": p.interpretation, "ambiguity": p.ambiguity}, p.articles)
                     for name, p in rulebook.parameters.items()]
        cached = _TEMPLATES[id(rulebook)] = (rulebook, templates)
    return cached[1]


def _iso(value: Optional[_dt.date]) -> Optional[str]:
    return value.isoformat() if value is not None else None


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


class _Evaluation:
    def __init__(self, rulebook: RulebookSpec, case: Case, trace: bool):
        self.rulebook = rulebook
        self.case = case
        self.tracing = trace
        self.trace: List[Dict[str, Any]] = []
        self.years: Dict[int, _Year] = {}
        self.behaviour_max: Dict[Tuple[int, str, str], int] = {}
        self.inspection_total: Dict[Tuple[int, str], int] = {}
        self.decisions: List[Dict[str, Any]] = []
        self.repairs: List[Dict[str, Any]] = []
        self.claims: List[Dict[str, Any]] = []
        self.restorations: List[Dict[str, Any]] = []
        self.obligations: List[Dict[str, Any]] = []
        self.institution_measures: List[Dict[str, Any]] = []
        self.sanction: Optional[_Sanction] = None
        self.periods: List[Dict[str, Any]] = [{"state": "normal", "from": None, "until": None, "phase": "normal"}]
        self.appeal_plan = None          # set by evaluate_case (engine/evaluate/appeals.py)
        self.appeals: List[Dict[str, Any]] = []
        params = case.parameters
        self.single_scope = params.get("single_score_scope", "event")
        self.after_term = params.get("after_term", "normal")
        self.overlap = params.get("overlapping_suspension", "fresh")
        self.repeated_termination = params.get("repeated_termination", "later_end")
        self.shorten_mode = params.get("repair_shortening", "once_per_term")
        # What a year cap bounds (海南 第二十二条 “记分上限为12分”): the points counted ('points') or
        # the year's net total after repairs ('net').
        self.cap_basis = params.get("year_cap_basis", "points")
        # A suspension of months_min..months_max whose length the case does not fix (AMBIGUITIES: ranges).
        self.months_default = params.get("suspension_months_default", "min")
        # One env per evaluation, updated in place: the compiled conditions read it by key.
        self.env: Dict[str, Any] = {f"param.{k}": v for k, v in params.items()}
        self.env["role"] = case.role

    # -- trace -------------------------------------------------------------------------------
    def note(self, step: str, event: Optional[int], rule: Optional[str], article: Optional[str], detail: str) -> None:
        """Append a trace step. Callers test ``self.tracing`` first, so that an untraced evaluation
        (batches, services) never pays for formatting the message."""
        if self.tracing:
            self.trace.append({"step": step, "event": event, "rule": rule, "article": article, "detail": detail})

    # -- status timeline ---------------------------------------------------------------------
    def _enter(self, state: str, start: _dt.date, until: Optional[_dt.date], **extra: Any) -> None:
        last = self.periods[-1]
        if last["from"] is not None and last["from"] >= start:
            self.periods.pop()
        else:
            last["until"] = start - _ONE_DAY
        self.periods.append({"state": state, "from": start, "until": until, **extra})

    def advance(self, day: _dt.date) -> None:
        """Let time pass to ``day``: a suspension term that ended before it moves on."""
        self._ban_runs_out(day)
        sanction = self.sanction
        if sanction is None or sanction.state != "suspended" or day <= sanction.until:
            return
        last = self.periods[-1]
        if last.get("awaiting_restoration"):
            return
        after = sanction.until + _ONE_DAY
        if self.after_term == "normal":
            self._enter("normal", after, None, phase="normal", reading="after_term=normal")
            if self.tracing:
                self.note("status", None, "after_term", None,
                          f"suspension term ended {sanction.until}; status normal from {after} (reading after_term=normal)")
            self.sanction = None
        else:
            self._enter("suspended", after, None, awaiting_restoration=True, term_until=_iso(sanction.until),
                        phase="awaiting_restoration", reading="after_term=awaiting_restoration",
                        decision=sanction.decision)
            if self.tracing:
                self.note("status", None, "after_term", None,
                          f"suspension term ended {sanction.until}; status stays suspended until a restoration "
                          "evaluation is passed (reading after_term=awaiting_restoration)")

    def _ban_runs_out(self, day: _dt.date) -> None:
        """A termination whose re-registration ban ended before ``day``: still terminated, may re-register.

        第二十四条 “终止资格恢复的，需重新作出承诺和登记备案”: the end of the ban does not restore
        anything by itself; a passed restoration (re-registration) event does.
        """
        sanction = self.sanction
        if sanction is None or sanction.state != "terminated" or day <= sanction.until:
            return
        last = self.periods[-1]
        if last.get("phase") != "banned":
            return
        after = sanction.until + _ONE_DAY
        self._enter("terminated", after, None, ban_until=_iso(sanction.until), phase="ban_over",
                    decision=sanction.decision)
        if self.tracing:
            self.note("status", None, "ban_over", None,
                      f"re-registration ban ended {sanction.until}; still terminated from {after} until a "
                      "restoration (re-registration) is passed")

    def state_now(self) -> str:
        return self.periods[-1]["state"]

    def year(self, number: int) -> _Year:
        year = self.years.get(number)
        if year is None:
            year = self.years[number] = _Year()
        return year

    # -- score ---------------------------------------------------------------------------------
    def score(self, event: ScoreEvent) -> None:
        rulebook = self.rulebook
        situation = event.situation
        if event.amended_by is not None:
            if self.tracing:
                self.note("appeal", event.index, "appeal_result", self._appeal_article(),
                          f"this decision is the one amended by the appeal result events[{event.amended_by}]: "
                          f"{event.original_points} → {event.points} points; the year and the status are re-run "
                          f"from here ({event.date}); the decision first made is in appeals[].original_decision")
        # Aggregation is within one natural year: an inspection id reused across 1 January does not
        # carry points into the next year's tally (the tally is per 自然年度).
        key = (event.date.year, event.inspection, event.behaviour)
        before = self.behaviour_max.get(key, 0)
        counted = max(0, event.points - before) if rulebook.same_behaviour == "max" else event.points
        self.behaviour_max[key] = max(before, event.points)
        if counted < event.points:
            if self.tracing:
                self.note("aggregate", event.index, "same-behaviour-max",
                          rulebook.aggregation.article if rulebook.aggregation else None,
                          f"behaviour {event.behaviour} of inspection {event.inspection} already counted {before}; "
                          f"counts once at its highest: adds {counted}")
        year = self.year(event.date.year)
        uncapped = counted  # the 单次记分 is what was scored, whatever the year cap lets count
        basis = year.net if self.cap_basis == "net" else year.points
        if rulebook.year_cap is not None and basis + counted > rulebook.year_cap:
            capped = max(0, int(rulebook.year_cap - basis))
            if self.tracing:
                self.note("cap", event.index, "year_cap",
                          rulebook.year_cap_legal.article if rulebook.year_cap_legal else None,
                          f"year capped at {rulebook.year_cap} ({'net total' if self.cap_basis == 'net' else 'points'}): "
                          f"adds {capped} of {counted}")
            counted = capped
        total_before = year.net
        year.points += counted
        total = year.net
        inspection_key = (event.date.year, event.inspection)
        self.inspection_total[inspection_key] = self.inspection_total.get(inspection_key, 0) + uncapped
        single = self.inspection_total[inspection_key] if self.single_scope == "inspection" else event.points
        year.max_single = max(year.max_single, single)
        if self.tracing:
            self.note("score", event.index, situation.code, situation.legal.article,
                      f"{situation.code} tier {situation.tier}"
                      f"{', ' + event.responsibility if event.responsibility else ''}: {event.points} points; "
                      f"year {event.date.year} total {_number(total_before)} → {_number(total)}; single {single}")

        state_before = self.state_now()
        env = self.env
        env.update(year_total=total, year_total_before=total_before, year_points=year.points, single=single,
                   points=event.points, counted_points=counted, tier=situation.tier,
                   responsibility=event.responsibility or "", date=event.date, year=event.date.year,
                   state_before=state_before)
        # The year-history lists cost a sort per event; build them only for rulebooks that read them.
        names = self.rulebook.consequence_names
        if "prior_year_totals" in names:
            env["prior_year_totals"] = [self.years[y].net for y in sorted(self.years, reverse=True) if y < event.date.year]
        if "previous_year_totals" in names:
            env["previous_year_totals"] = self.previous_year_totals(event.date.year)
        chosen: Optional[Consequence] = None
        fired = []
        if uncapped == 0 and event.points > 0:
            # 第十七条-style aggregation: the behaviour was already scored at a higher situation, so this
            # finding adds no points and is no new 记分 — it cannot start a new measure or term.
            if self.tracing:
                self.note("consequence", event.index, "no-new-points", rulebook.aggregation.article if rulebook.aggregation else None,
                          "this finding adds no points to the year (same behaviour already counted at its highest): no new measure")
        else:
            # The hottest loop of an evaluation: call the compiled conditions directly, and locate a
            # runtime failure (which type checking makes rare) only when one happens.
            try:
                for rule in rulebook.consequences:
                    if rule.when.fn(env):
                        fired.append(rule)
                        if chosen is None or rule.severity > chosen.severity:
                            chosen = rule
            except Exception:
                for rule in rulebook.consequences:
                    rule.when(env)  # re-raises the failure as a located DslEvaluationError
                raise
        for rule in fired:
            if self.tracing:
                self.note("consequence", event.index, rule.id, rule.legal.article,
                          f"condition '{rule.when.text}' holds → {rule.action}"
                          + (" (chosen: most severe)" if rule is chosen else " (a more severe rule applies)"))
        self.decide(event, situation, counted, single, total, chosen)

    def previous_year_totals(self, year: int) -> List[float]:
        """Net totals of year-1, year-2, … back to the ledger's earliest year; 0 for a year without points."""
        earliest = min(self.years) if self.years else year
        return [self.years[y].net if y in self.years else 0 for y in range(year - 1, earliest - 1, -1)]

    def decide(self, event: ScoreEvent, situation, counted: int, single: int, total: float,
               rule: Optional[Consequence]) -> None:
        action = rule.action if rule else "none"
        decision: Dict[str, Any] = {
            "event": event.index, "date": _iso(event.date), "situation": situation.code, "tier": situation.tier,
            "responsibility": event.responsibility, "points": event.points, "counted_points": counted,
            "single": single, "year_total": _number(total), "action": action,
            "measure": rule.measure if rule else None,
            "months": None, "months_min": None, "months_max": None, "ban_years": None,
            "ban_years_min": None, "ban_years_max": None,
            "from": None, "until": None,
            "articles": [situation.legal.article] + ([rule.legal.article] if rule else []),
            "rules": [rule.id] if rule else [],
        }
        if event.amended_by is not None:
            decision["amended_by"] = event.amended_by
            decision["original_points"] = event.original_points
        if self.rulebook.scoring_model == "deduct" and self.rulebook.allowance is not None:
            decision["points_left"] = _number(max(0, self.rulebook.allowance - total))
        if event.months is not None and action != "suspend":
            raise CaseError(f"months {event.months} given, but this event leads to {action}, not a suspension",
                            event.where)
        index = len(self.decisions)
        self.decisions.append(decision)
        self.apply(decision, index, event.date, single, rule, event)

    def apply(self, decision: Dict[str, Any], index: int, day: _dt.date, single: int,
              rule: Optional[Consequence], event: Optional[ScoreEvent] = None) -> None:
        """Carry out a decision's suspension or termination (shared by score and obligation decisions)."""
        action = rule.action if rule else "none"
        if rule is None or action in ("none", "warn"):
            return
        if action == "suspend":
            decision["months"] = rule.months
            decision["months_min"] = rule.months_min
            decision["months_max"] = rule.months_max
            months = rule.months if rule.months is not None else (
                rule.months_max if self.months_default == "max" else rule.months_min)
            if event is not None and event.months is not None:
                # The agency fixed the length within the rule's range (e.g. 辽宁 第二十四条（三） 1-3 months).
                if not rule.months_min <= event.months <= rule.months_max:
                    raise CaseError(f"months {event.months} is outside {rule.months_min}..{rule.months_max} "
                                    f"of {rule.id} ({rule.legal.article})", event.where)
                months = event.months
                decision["months"] = months
            until = add_months(day, months)
            decision["from"], decision["until"] = _iso(day), _iso(until)
            self.suspend(index, day, until, months, single, rule)
        elif action == "terminate":
            decision["ban_years"] = rule.ban_years
            decision["ban_years_min"] = rule.ban_years_min if rule.ban_years is None else rule.ban_years
            decision["ban_years_max"] = rule.ban_years_max if rule.ban_years is None else rule.ban_years
            # A ban given as a range is counted with its shortest end; the agency may set a longer one.
            until = add_years(day, rule.ban_years if rule.ban_years is not None else (rule.ban_years_min or 0))
            decision["from"], decision["until"] = _iso(day), _iso(until)
            self.terminate(index, day, until, single, rule)

    def suspend(self, index: int, day: _dt.date, until: _dt.date, months: int, single: int, rule: Consequence) -> None:
        current = self.sanction
        if current is not None and current.state == "terminated":
            if self.tracing:
                self.note("status", index, rule.id, rule.legal.article,
                          "already terminated: the suspension does not change the status")
            return
        if current is not None and day <= current.until:
            # A new suspension while a term runs (AMBIGUITIES 4).
            if self.overlap == "extend":
                until = max(current.until, add_months(current.start, months))
                start = current.start
            else:
                until = max(current.until, until)
                start = day
            self.sanction = _Sanction("suspended", start, until, index, max(single, current.single))
            self.periods[-1]["until"] = until
            if self.tracing:
                self.note("status", None, "overlapping_suspension", rule.legal.article,
                          f"a suspension during a running term (reading {self.overlap}): suspended until {until}")
            return
        self.sanction = _Sanction("suspended", day, until, index, single)
        self._enter("suspended", day, until, phase="term", decision=index, article=rule.legal.article)
        if self.tracing:
            self.note("status", None, rule.id, rule.legal.article, f"suspended from {day} until {until}")

    def terminate(self, index: int, day: _dt.date, until: _dt.date, single: int, rule: Consequence) -> None:
        current = self.sanction
        if current is not None and current.state == "terminated" and self.periods[-1].get("phase") == "ban_over":
            current = self.sanction = None  # a new ban starts afresh below
        if current is not None and current.state == "terminated":
            new_ban = rule.ban_years if rule.ban_years is not None else (rule.ban_years_min or 0)
            # repeated_termination: does a further termination decision during a ban move the ban's end?
            # later_end: to the later of the two ends; heavier_only: only a heavier ban (more years),
            # counted from its own day — “终止之日起” otherwise counts from the first termination.
            moves = until > current.until and (self.repeated_termination == "later_end" or new_ban > current.ban_years)
            if moves:
                current.ban_years = new_ban
                current.until = until
                self.periods[-1]["until"] = None
                self.periods[-1]["ban_until"] = _iso(until)
            current.single = max(current.single, single)
            if self.tracing:
                self.note("status", index, rule.id, rule.legal.article, f"already terminated; re-registration ban until {current.until}")
            return
        self.sanction = _Sanction("terminated", day, until, index, single,
                                  ban_years=rule.ban_years if rule.ban_years is not None else (rule.ban_years_min or 0))
        self._enter("terminated", day, None, ban_until=_iso(until), phase="banned", decision=index,
                    article=rule.legal.article)
        ban = (rule.ban_years if rule.ban_years is not None else f"{rule.ban_years_min}-{rule.ban_years_max}")
        if self.tracing:
            self.note("status", None, rule.id, rule.legal.article,
                      f"terminated from {day}; no re-registration until {until} ({ban} year ban)")

    # -- repair --------------------------------------------------------------------------------
    def repair(self, event: RepairEvent) -> None:
        repair = self.rulebook.repair
        assert repair is not None  # the ledger checked that the way exists
        way = event.way
        year = self.year(event.date.year)
        sanction = self.sanction
        record: Dict[str, Any] = {"event": event.index, "date": _iso(event.date), "way": way.id,
                                  "accepted": False, "points": 0, "reason": None, "articles": [way.legal.article],
                                  "shortened": None}
        if event.score:
            record["score"] = _number(event.score)
        self.repairs.append(record)
        env = {**self.env, "score": event.score, "points_claimed": event.points_claimed, "year_net": year.net,
               "year_points": year.points, "year_max_single": year.max_single,
               "sanction_single": sanction.single if sanction else 0, "state": self.state_now(),
               "date": event.date, "way_count": year.way_count.get(way.id, 0),
               "way_points": year.way_points.get(way.id, 0), **(event.inputs or {})}

        def refuse(reason: str, article: Optional[str], rule: str) -> None:
            record["reason"] = reason
            if article and article not in record["articles"]:
                record["articles"].append(article)
            if self.tracing:
                self.note("repair", event.index, rule, article, f"repair by {way.id} refused: {reason}")

        for rule in repair.refuse:
            if rule.when(env):
                return refuse(rule.reason, rule.legal.article, rule.id)
        if way.bands:
            earned = next((band.points for band in way.bands if band.when(env)), 0)
        else:
            earned = way.points(env) if way.points is not None else 0
        if earned <= 0:
            return refuse(way.fail_reason or "earns no points", way.legal.article, way.id)
        if way.per_year_count is not None and year.way_count.get(way.id, 0) >= way.per_year_count:
            return refuse(f"{way.id} may repair {way.per_year_count} time(s) a year; already used in {event.date.year}",
                          way.legal.article, way.id)
        if year.net <= 0:
            return refuse(f"no points to repair in {event.date.year}", way.legal.article, way.id)
        grant = min(earned, year.net)
        if way.per_year_points is not None:
            grant = min(grant, way.per_year_points - year.way_points.get(way.id, 0))
        if repair.per_year_points is not None:
            grant = min(grant, repair.per_year_points - year.repaired)
        if grant <= 0:
            cap = way.per_year_points if way.per_year_points is not None else repair.per_year_points
            return refuse(f"the cap of {cap} repair points a year by {way.id} is reached", way.legal.article, way.id)
        year.repaired += grant
        year.way_count[way.id] = year.way_count.get(way.id, 0) + 1
        year.way_points[way.id] = year.way_points.get(way.id, 0) + grant
        record["accepted"] = True
        record["points"] = _number(grant)
        if self.tracing:
            self.note("repair", event.index, way.id, way.legal.article,
                      f"repair by {way.id} accepted: -{_number(grant)} (earned {_number(earned)}); "
                      f"year {event.date.year} net {_number(year.net)}")
        self.shorten(event, record)

    def shorten(self, event: RepairEvent, record: Dict[str, Any]) -> None:
        shorten = self.rulebook.repair.shorten if self.rulebook.repair else None
        sanction = self.sanction
        if shorten is None or sanction is None or event.date > sanction.until:
            return
        if sanction.shortened and self.shorten_mode == "once_per_term":
            if self.tracing:
                self.note("repair", event.index, "shorten_term", shorten.legal.article,
                          "the term was already shortened once (reading repair_shortening=once_per_term)")
            return
        floor = add_months(sanction.start, shorten.minimum_months)
        new_until = max(add_months(sanction.until, -shorten.months), floor, event.date)
        if new_until >= sanction.until:
            return
        record["shortened"] = {"from": _iso(sanction.until), "to": _iso(new_until)}
        if shorten.legal.article not in record["articles"]:
            record["articles"].append(shorten.legal.article)
        if self.tracing:
            self.note("repair", event.index, "shorten_term", shorten.legal.article,
                      f"{sanction.state} term shortened by {shorten.months} month(s): until {sanction.until} → {new_until}")
        sanction.until = new_until
        sanction.shortened = True
        last = self.periods[-1]
        if sanction.state == "terminated":
            last["ban_until"] = _iso(new_until)
        else:
            last["until"] = new_until

    # -- claim and restoration -------------------------------------------------------------------
    def claim(self, event: ClaimEvent) -> None:
        state = self.state_now()
        sanction = self.sanction
        env = {**self.env, "state": state, "emergency": event.emergency, "date": event.date,
               "until": sanction.until if sanction else None}
        for rule in self.rulebook.settlement:
            if rule.when(env):
                settled = bool(rule.settled(env))
                reason = (f"status {state}" + (", emergency" if event.emergency else "") +
                          f": {'settled' if settled else 'not settled'} ({rule.legal.article})")
                self.claims.append({"event": event.index, "date": _iso(event.date), "emergency": event.emergency,
                                    "settled": settled, "state": state, "article": rule.legal.article,
                                    "rule": rule.id, "reason": reason})
                if self.tracing:
                    self.note("claim", event.index, rule.id, rule.legal.article, reason)
                return
        settled = state == "normal"
        self.claims.append({"event": event.index, "date": _iso(event.date), "emergency": event.emergency,
                            "settled": settled, "state": state, "article": None, "rule": None,
                            "reason": f"no settlement rule in {self.rulebook.id} covers status {state}"})
        if self.tracing:
            self.note("claim", event.index, None, None, f"no settlement rule covers status {state}")

    def restore(self, event: RestorationEvent) -> None:
        restoration = self.rulebook.restoration
        sanction = self.sanction
        state = self.state_now()
        record: Dict[str, Any] = {"event": event.index, "date": _iso(event.date), "passed": event.passed,
                                  "accepted": False, "state_before": state, "reason": None,
                                  "article": restoration.legal.article if restoration else None}
        self.restorations.append(record)
        if self._restoration_application(event, record, sanction):
            return
        if sanction is None or state == "normal":
            record["reason"] = "status is normal: nothing to restore"
            if self.tracing:
                self.note("restoration", event.index, None, record["article"], record["reason"])
            return
        env = {**self.env, "state": state, "date": event.date, "until": sanction.until, "from": sanction.start,
               "passed": event.passed, "year_net": self.year(event.date.year).net,
               "sanction_single": sanction.single, "sanction_cause": sanction.cause}
        if restoration is not None and restoration.allowed_when is not None and not restoration.allowed_when(env):
            record["reason"] = f"{restoration.refuse_reason} ({state} until {sanction.until})"
            if self.tracing:
                self.note("restoration", event.index, "restoration", record["article"], record["reason"])
            return
        if not event.passed:
            record["reason"] = "the restoration evaluation was not passed; status unchanged"
            if self.tracing:
                self.note("restoration", event.index, "restoration", record["article"], record["reason"])
            return
        record["accepted"] = True
        self.sanction = None
        self._enter("normal", event.date, None, phase="normal", restored_by=event.index,
                    article=record["article"])
        if self.tracing:
            self.note("restoration", event.index, "restoration", record["article"],
                      f"restored: {state} → normal from {event.date}")

    def _restoration_application(self, event: RestorationEvent, record: Dict[str, Any],
                                 sanction: Optional[_Sanction]) -> bool:
        """Deadlines around a restoration application; True when the application is refused as too early.

        ``restoration_request`` (e.g. 辽宁 第三十一条 “可于期满前15个工作日提出”, bound earliest, from the
        term's last day): an application before that day is refused. ``restoration`` (内蒙古 第二十四条
        “收到申请后，10个工作日内进行评估”): the evaluation is due by then; a late one binds the agency,
        not the person, so it is only noted.
        """
        if event.applied is None:
            return False
        deadlines = self.rulebook.deadlines
        record["applied"] = _iso(event.applied)
        request = deadlines.get("restoration_request")
        if request is not None and sanction is not None:
            earliest = compute_deadline(self.rulebook, "restoration_request", sanction.until).deadline
            record["earliest_application"] = _iso(earliest)
            if request.bound == "earliest" and event.applied < earliest:
                record["reason"] = (f"application received {event.applied}, before the earliest day {earliest} "
                                    f"({request.expression.text} from the term's last day {sanction.until}; "
                                    f"{request.legal.article})")
                if self.tracing:
                    self.note("restoration", event.index, "restoration_request", request.legal.article, record["reason"])
                return True
        rule = deadlines.get("restoration")
        if rule is not None:
            due = compute_deadline(self.rulebook, "restoration", event.applied).deadline
            record["evaluation_due"] = _iso(due)
            late = event.date > due
            record["evaluation_late"] = late
            if self.tracing:
                self.note("restoration", event.index, "restoration", rule.legal.article,
                          f"application received {event.applied}: evaluation due by {due} ({rule.expression.text}, "
                          f"{rule.legal.article})" + (f"; concluded {event.date}, late — the result still stands"
                                                      if late else ""))
        return False

    # -- obligation --------------------------------------------------------------------------------
    def obligation(self, event: ObligationEvent) -> None:
        """An obligation met or not (e.g. the yearly test); its most severe holding consequence applies."""
        obligation = event.obligation
        year = self.year(event.date.year)
        env = {**self.env, "passed": event.passed, "date": event.date, "year": event.date.year,
               "state_before": self.state_now(), "year_total": year.net}
        chosen: Optional[Consequence] = None
        for rule in obligation.consequences:
            if rule.when(env) and (chosen is None or rule.severity > chosen.severity):
                chosen = rule
        record: Dict[str, Any] = {
            "event": event.index, "date": _iso(event.date), "obligation": obligation.id, "passed": event.passed,
            "action": chosen.action if chosen else "none", "measure": chosen.measure if chosen else None,
            "months": None, "months_min": None, "months_max": None, "ban_years": None,
            "ban_years_min": None, "ban_years_max": None, "from": None, "until": None,
            "articles": [obligation.legal.article] + ([chosen.legal.article] if chosen and
                                                      chosen.legal.article != obligation.legal.article else []),
            "rules": [chosen.id] if chosen else [],
        }
        self.obligations.append(record)
        if self.tracing:
            self.note("obligation", event.index, chosen.id if chosen else obligation.id, obligation.legal.article,
                      f"{obligation.id} {'met' if event.passed else 'not met'}"
                      + (f" → {chosen.action}" if chosen else ": no consequence"))
        self.apply(record, event.index, event.date, 0, chosen)

    # -- institution ------------------------------------------------------------------------------
    def institution(self, event: InstitutionEvent) -> None:
        """A measure against the institution: the rulebook's institution rules decide the person's status."""
        spec = self.rulebook.institution_measures
        assert spec is not None  # the ledger checked it
        state = self.state_now()
        record: Dict[str, Any] = {"event": event.index, "date": _iso(event.date), "measure": event.measure,
                                  "responsible": event.responsible, "action": "none", "until": None,
                                  "state_before": state, "rules": [], "articles": []}
        self.institution_measures.append(record)
        env = {**self.env, "responsible": event.responsible, "measure": event.measure, "state": state,
               "date": event.date}
        for rule in spec.rules:
            if rule.measure != event.measure or not rule.when(env):
                continue
            record["rules"].append(rule.id)
            record["articles"].append(rule.legal.article)
            record["action"] = rule.action
            if rule.action == "suspend":
                until = event.until
                current = self.sanction
                if current is not None and current.state == "suspended" and (until is None or current.until > until):
                    until = current.until  # the person's own term runs longer: it decides
                record["until"] = _iso(until)
                if current is not None and current.state == "suspended" and event.date <= current.until:
                    current.until = until
                    self.periods[-1]["until"] = until
                    if self.tracing:
                        self.note("status", None, rule.id, rule.legal.article,
                                  f"already suspended: suspended until the later end, {until}")
                else:
                    self.suspend(-1, event.date, until, 0, current.single if current else 0, _RuleView(rule))
                    if self.sanction is not None:
                        self.sanction.cause = "institution"
            elif rule.action == "terminate":
                until = add_years(event.date, rule.ban_years or 0)
                record["until"] = _iso(until)
                self.terminate(-1, event.date, until, self.sanction.single if self.sanction else 0, _RuleView(rule))
                if self.sanction is not None and self.sanction.start == event.date:
                    self.sanction.cause = "institution"
            if self.tracing:
                self.note("institution", event.index, rule.id, rule.legal.article,
                          f"institution measure {event.measure}, person responsible: {event.responsible} → {rule.action}")
            return
        article = spec.legal.article or None
        if article:
            record["articles"].append(article)
        if self.tracing:
            self.note("institution", event.index, None, article,
                      f"institution measure {event.measure}, person responsible: {event.responsible}: "
                      f"no rule applies; status stays {state}")

    # -- run -------------------------------------------------------------------------------------
    def run(self) -> Dict[str, Any]:
        handlers = {"score": self.score, "repair": self.repair, "claim": self.claim, "restoration": self.restore,
                    "obligation": self.obligation, "appeal": self.appeal, "appeal_result": self.appeal_result,
                    "institution_measure": self.institution}
        base = self.rulebook
        for event in self.case.events:
            version = getattr(event, "rulebook", None) or base
            if version is not self.rulebook:
                if self.tracing:
                    self.note("version", event.index, version.id, version.effective_legal.article
                              if version.effective_legal else None,
                              f"{version.document} in force from {version.effective_from}"
                              f"{' until ' + str(version.effective_until) if version.effective_until else ''} "
                              f"applies from this event on")
                self.rulebook = version
            self.advance(event.date)
            handlers[event.kind](event)
        as_of = self.case.as_of
        self.advance(as_of)
        result = self.result()
        result["appeals"] = self.appeals
        if self.appeal_plan is not None:
            result["warnings"].extend(self.appeal_plan.warnings)
        return result

    # -- appeals (the plan is made before the run: engine/evaluate/appeals.py) ----------------------
    def _appeal_article(self) -> Optional[str]:
        rule = self.rulebook.deadlines.get("appeal")
        return rule.legal.article if rule else None

    def appeal(self, event: AppealEvent) -> None:
        record = self.appeal_plan.records[event.index] if self.appeal_plan else None
        if record is None:
            return
        self.appeals.append(record)
        if self.tracing:
            self.note("appeal", event.index, "appeal", record["article"],
                      f"appeal against the decision of events[{record['contests']}] ({record['decision_date']}): "
                      f"{record['reason']}"
                      + (f"; verification due by {record['verification_due']} ({record['verification_article']})"
                         if record["verification_due"] else ""))

    def appeal_result(self, event: AppealResultEvent) -> None:
        record = self.appeal_plan.records.get(event.appeal) if self.appeal_plan else None
        if record is None or record["result"] is None:
            return
        outcome = record["result"]
        detail = f"appeal result for events[{event.appeal}]: {outcome['reason']}"
        if outcome["verification_late"]:
            detail += (f"; the verification concluded after its deadline {record['verification_due']} "
                       f"({record['verification_article']}) — the result still stands")
        rule = self.rulebook.deadlines.get("verification")
        if self.tracing:
            self.note("appeal", event.index, "appeal_result", rule.legal.article if rule else record["article"], detail)

    def points_left(self) -> Dict[str, Any]:
        """For a deduct model (济宁: 12 points a year, minus deductions): the points left in the as_of year."""
        rulebook = self.rulebook
        if rulebook.scoring_model != "deduct" or rulebook.allowance is None:
            return {}
        year = self.years.get(self.case.as_of.year)
        net = year.net if year else 0
        return {"points_left": _number(max(0, rulebook.allowance - net)), "allowance": rulebook.allowance}

    def status_on(self, day: _dt.date) -> Dict[str, Any]:
        current = self.periods[0]
        for period in self.periods:
            if period["from"] is None or period["from"] <= day:
                current = period
        state = current["state"]
        until = None
        if state == "suspended":
            until = current.get("term_until") or _iso(current["until"])
        elif state == "terminated":
            until = current.get("ban_until")
        status = {"as_of": _iso(day), "state": state, "until": until, "phase": current.get("phase", state)}
        if current.get("awaiting_restoration"):
            status["awaiting_restoration"] = True
        return status

    def result(self) -> Dict[str, Any]:
        rulebook = self.rulebook
        case = self.case
        years = {}
        for number in sorted(self.years):
            year = self.years[number]
            entry = {"points": year.points, "repaired": _number(year.repaired), "net": _number(year.net)}
            if rulebook.scoring_model == "deduct" and rulebook.allowance is not None:
                entry["left"] = _number(max(0, rulebook.allowance - year.net))
            years[str(number)] = entry
        timeline = []
        for period in self.periods:
            item = dict(period)
            item["from"] = _iso(item["from"])
            item["until"] = _iso(item["until"]) if isinstance(item["until"], _dt.date) else item["until"]
            timeline.append(item)
        warnings = []
        if rulebook.completeness == "partial":
            warnings.append(f"rulebook {rulebook.id} is partial: {'; '.join(rulebook.missing) or 'parts of its source are missing'}")
        return {
            "rulebook": rulebook.id,
            "document": rulebook.document,
            "person": {"id": case.person_id, "role": case.role},
            "as_of": _iso(case.as_of),
            "years": years,
            "decisions": self.decisions,
            "repairs": self.repairs,
            "claims": self.claims,
            "restorations": self.restorations,
            "obligations": self.obligations,
            **self.points_left(),
            "institution_measures": self.institution_measures,
            "status": self.status_on(case.as_of),
            "timeline": timeline,
            "interpretations": [{**template, "value": case.parameters[template["id"]], "articles": list(articles)}
                                for template, articles in _interpretation_templates(rulebook)],
            "warnings": warnings,
            "trace": self.trace,
        }


class _RuleView:
    """An institution rule seen as a consequence by the status machinery (id, legal, ban_years)."""

    def __init__(self, rule) -> None:
        self.id = rule.id
        self.legal = rule.legal
        self.ban_years = rule.ban_years


def evaluate_case(rulebook: RulebookSpecSpec, case: Mapping[str, Any], *, source: Optional[str] = None,
                  positions=None, trace: bool = True, event_indices=None,
                  versions: Sequence[RulebookSpec] = ()) -> Dict[str, Any]:
    """Validate ``case`` and evaluate it against ``rulebook``; the JSON-ready result.

    ``versions``: every version of the rulebook id by effective period, when it has several
    (``<id>.yaml``, ``<id>@<label>.yaml``): each event is then judged by the version in force on its
    date. ``event_indices``: see :func:`engine.evaluate.ledger.read_case`.
    """
    from engine.evaluate.appeals import plan_appeals

    typed = read_case(rulebook, case, source=source, positions=positions, versions=versions or None,
                      event_indices=event_indices)
    plan = plan_appeals(rulebook, typed)  # may replace amended scores in typed.events
    evaluation = _Evaluation(rulebook, typed, trace)
    evaluation.appeal_plan = plan
    return evaluation.run()


def can_settle_case(rulebook: RulebookSpecSpec, case: Mapping[str, Any], day: Any, emergency: bool = False, *,
                    evaluate: Callable[..., Dict[str, Any]]) -> Dict[str, Any]:
    """Would a claim dated ``day`` by the person of ``case`` be settled?

    Delegates to the evaluation: a claim event on ``day`` is added to (a copy of) the case, which
    is evaluated as usual (validation, attribution, appeals and all); the engine orders events by
    date, stably, so the claim comes after that day's events and a decision taken that day already
    applies. The claim is judged like any claim: the status on that date, then the rulebook's
    settlement rules.
    """
    from engine.errors import CaseError, Location, NotSupported

    if isinstance(day, (_dt.date, _dt.datetime)):
        day = day.isoformat()[:10]
    try:
        date = _dt.date.fromisoformat(day) if isinstance(day, str) else None
    except ValueError:
        date = None
    if date is None:
        raise CaseError(f"{day!r} is not a date; expected YYYY-MM-DD", Location(field="date"))
    if not isinstance(emergency, bool):
        raise CaseError(f"emergency must be true or false, got {emergency!r}", Location(field="emergency"))
    if date < rulebook.effective_from or (rulebook.effective_until and date > rulebook.effective_until):
        raise CaseError(f"{date} is outside the time {rulebook.id} applies "
                        f"({rulebook.effective_from} – {rulebook.effective_until or 'open'})", Location(field="date"))
    events = case.get("events") if isinstance(case, Mapping) else None
    if not isinstance(case, Mapping) or not isinstance(events, (list, tuple, type(None))):
        evaluate(case, trace=False)  # raises the engine's own, located error for this input
        raise CaseError("a case must be a mapping with rulebook, as_of, person and events")
    events = list(events or ())
    probe = dict(case)
    probe["events"] = events + [{"kind": "claim", "date": date.isoformat(), "emergency": emergency}]
    result = evaluate(probe, trace=False)
    record = next((c for c in result.get("claims") or () if c.get("event") == len(events)), None)
    if record is None or "person" not in result:
        raise NotSupported("can_settle answers for one person's ledger; this case evaluates to several persons",
                           Location(field="events"))
    return {"person": result["person"]["id"], "date": record["date"], "emergency": emergency,
            "settled": record["settled"], "state": record["state"], "article": record.get("article"),
            "rule": record.get("rule"), "reason": record.get("reason")}
