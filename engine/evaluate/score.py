"""A score event: aggregation (第十七条-style), the year's tally and cap, and the consequence chosen.

One behaviour counts once at its highest situation within a natural year; different behaviours add
up. The year cap (海南 第二十二条) bounds what counts, on the basis the reading ``year_cap_basis``
names. The 单次记分 is one event or one inspection's sum (reading ``single_score_scope``). Every
consequence rule whose condition holds is traced; the most severe one decides (Catala's priority).
"""

from __future__ import annotations

from typing import List, Optional

from engine.cases.events import ScoreEvent
from engine.errors import CaseError
from engine.evaluate.records import Decision, number
from engine.evaluate.state import PersonState, YearTally
from engine.evaluate.terms import apply_decision
from engine.spec.names import CONSEQUENCE
from engine.spec.scoring import Consequence


def _counted(state: PersonState, event: ScoreEvent) -> int:
    """What the event adds to its year after aggregation: nothing more for a behaviour already counted higher."""
    rulebook = state.rulebook
    # Aggregation is within one natural year: an inspection id reused across 1 January does not
    # carry points into the next year's tally (the tally is per 自然年度).
    key = (event.date.year, event.inspection, event.behaviour)
    before = state.behaviour_max.get(key, 0)
    counted = max(0, event.points - before) if rulebook.same_behaviour == "max" else event.points
    state.behaviour_max[key] = max(before, event.points)
    if counted < event.points and state.trace.enabled:
        state.trace.add("aggregate", event.index, "same-behaviour-max",
                        rulebook.aggregation.article if rulebook.aggregation else None,
                        f"behaviour {event.behaviour} of inspection {event.inspection} already counted {before}; "
                        f"counts once at its highest: adds {counted}")
    return counted


def _capped(state: PersonState, event: ScoreEvent, year: YearTally, counted: int) -> int:
    """What the year cap lets count of ``counted`` points."""
    rulebook = state.rulebook
    if rulebook.year_cap is None:
        return counted
    basis = state.readings["year_cap_basis"]
    already = year.net if basis == "net" else year.points
    if already + counted <= rulebook.year_cap:
        return counted
    capped = max(0, int(rulebook.year_cap - already))
    if state.trace.enabled:
        state.trace.add("cap", event.index, "year_cap", rulebook.year_cap_legal.article if rulebook.year_cap_legal else None,
                        f"year capped at {rulebook.year_cap} ({'net total' if basis == 'net' else 'points'}): "
                        f"adds {capped} of {counted} (reading year_cap_basis={basis})")
    return capped


def _previous_year_totals(state: PersonState, year: int) -> List[float]:
    """Net totals of year-1, year-2, … back to the ledger's earliest year; 0 for a year without points."""
    years = state.years
    earliest = min(years) if years else year
    return [years[y].net if y in years else 0 for y in range(year - 1, earliest - 1, -1)]


def _choose(state: PersonState, event: ScoreEvent, env: dict) -> tuple:
    """Every consequence whose condition holds, and the most severe of them."""
    chosen: Optional[Consequence] = None
    fired: List[Consequence] = []
    rules = state.rulebook.consequences
    # The hottest loop of an evaluation: call the compiled conditions directly, and locate a
    # runtime failure (which type checking makes rare) only when one happens.
    try:
        for rule in rules:
            if rule.when.fn(env):
                fired.append(rule)
                if chosen is None or rule.severity > chosen.severity:
                    chosen = rule
    except Exception:
        for rule in rules:
            rule.when(env)  # re-raises the failure as a located DslEvaluationError
        raise
    return chosen, fired


def handle_score(state: PersonState, event: ScoreEvent) -> None:
    rulebook = state.rulebook
    trace = state.trace
    situation = event.situation
    if event.amended_by is not None and trace.enabled:
        rule = rulebook.deadlines.get("appeal")
        trace.add("appeal", event.index, "appeal_result", rule.legal.article if rule else None,
                  f"this decision is the one amended by the appeal result events[{event.amended_by}]: "
                  f"{event.original_points} → {event.points} points; the year and the status are re-run "
                  f"from here ({event.date}); the decision first made is in appeals[].original_decision")
    counted = _counted(state, event)
    uncapped = counted  # the 单次记分 is what was scored, whatever the year cap lets count
    year = state.year(event.date.year)
    counted = _capped(state, event, year, counted)
    total_before = year.net
    year.points += counted
    total = year.net
    inspection_key = (event.date.year, event.inspection)
    state.inspection_total[inspection_key] = state.inspection_total.get(inspection_key, 0) + uncapped
    single = state.inspection_total[inspection_key] if state.readings["single_score_scope"] == "inspection" else event.points
    year.max_single = max(year.max_single, single)
    if trace.enabled:
        trace.add("score", event.index, situation.code, situation.legal.article,
                  f"{situation.code} tier {situation.tier}"
                  f"{', ' + event.responsibility if event.responsibility else ''}: {event.points} points; "
                  f"year {event.date.year} total {number(total_before)} → {number(total)}; single {single}")
    values = dict(year_total=total, year_total_before=total_before, year_points=year.points, single=single,
                  points=event.points, counted_points=counted, tier=situation.tier,
                  responsibility=event.responsibility or "", date=event.date, year=event.date.year,
                  state_before=state.state_now)
    # The year-history lists cost a sort per event; build them only for rulebooks that read them.
    names = rulebook.consequence_names
    if "prior_year_totals" in names:
        values["prior_year_totals"] = [state.years[y].net for y in sorted(state.years, reverse=True)
                                       if y < event.date.year]
    if "previous_year_totals" in names:
        values["previous_year_totals"] = _previous_year_totals(state, event.date.year)
    chosen: Optional[Consequence] = None
    fired: List[Consequence] = []
    if uncapped == 0 and event.points > 0:
        # 第十七条-style aggregation: the behaviour was already scored at a higher situation, so this
        # finding adds no points and is no new 记分 — it cannot start a new measure or term.
        if trace.enabled:
            trace.add("consequence", event.index, "no-new-points",
                      rulebook.aggregation.article if rulebook.aggregation else None,
                      "this finding adds no points to the year (same behaviour already counted at its highest): "
                      "no new measure")
    else:
        chosen, fired = _choose(state, event, CONSEQUENCE.bind(state.base_env, values, names))
    if trace.enabled:
        for rule in fired:
            trace.add("consequence", event.index, rule.id, rule.legal.article,
                      f"condition '{rule.when.text}' holds → {rule.action}"
                      + (" (chosen: most severe)" if rule is chosen else " (a more severe rule applies)"))
    _decide(state, event, counted, single, total, chosen)


def _decide(state: PersonState, event: ScoreEvent, counted: int, single: int, total: float,
            rule: Optional[Consequence]) -> None:
    rulebook = state.rulebook
    situation = event.situation
    action = rule.action if rule else "none"
    decision = Decision(event.index, event.date, situation.code, situation.tier, event.responsibility, event.points,
                        counted, single, number(total), action, rule.measure if rule else None,
                        articles=[situation.legal.article] + ([rule.legal.article] if rule else []),
                        rules=[rule.id] if rule else [])
    if event.amended_by is not None:
        decision.amended_by = event.amended_by
        decision.original_points = event.original_points
    if rulebook.scoring_model == "deduct" and rulebook.allowance is not None:
        decision.points_left = number(max(0, rulebook.allowance - total))
    if event.months is not None and action != "suspend":
        raise CaseError(f"months {event.months} given, but this event leads to {action}, not a suspension",
                        event.where)
    index = len(state.decisions)
    state.decisions.append(decision)
    apply_decision(state, decision, index, event.date, single, rule, event)
