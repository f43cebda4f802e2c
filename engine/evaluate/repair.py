"""A repair event (修复): refusals, what the way earns, the yearly caps, and the shortening of a running term."""

from __future__ import annotations

from typing import Optional

from engine.cases.events import RepairEvent
from engine.evaluate.records import RepairRecord, Shortening, number
from engine.evaluate.state import PersonState
from engine.evaluate.terms import shorten
from engine.spec.names import REPAIR


def _refuse(state: PersonState, record: RepairRecord, event: RepairEvent, reason: str, article: Optional[str],
            rule: str) -> None:
    record.reason = reason
    if article and article not in record.articles:
        record.articles.append(article)
    if state.trace.enabled:
        state.trace.add("repair", event.index, rule, article, f"repair by {event.way.id} refused: {reason}")


def handle_repair(state: PersonState, event: RepairEvent) -> None:
    repair = state.rulebook.repair
    if repair is None:  # the case reader checked the way against the version of the event's date
        raise AssertionError("a repair event under a rulebook version without repair")
    way = event.way
    year = state.year(event.date.year)
    term = state.term
    record = RepairRecord(event.index, event.date, way.id, articles=[way.legal.article])
    if event.score:
        record.score = number(event.score)
    state.repairs.append(record)
    values = {"score": event.score, "points_claimed": event.points_claimed, "year_net": year.net,
              "year_points": year.points, "year_max_single": year.max_single,
              "sanction_single": term.single if term else 0, "state": state.state_now, "date": event.date,
              "way_count": year.way_count.get(way.id, 0), "way_points": year.way_points.get(way.id, 0)}
    env = REPAIR.bind(state.base_env, values)
    env.update(event.inputs or {})  # the way's own inputs (declared by the way, checked by the reader)
    for rule in repair.refuse:
        if rule.when(env):
            return _refuse(state, record, event, rule.reason, rule.legal.article, rule.id)
    if way.bands:
        earned = next((band.points for band in way.bands if band.when(env)), 0)
    else:
        earned = way.points(env) if way.points is not None else 0
    if earned <= 0:
        return _refuse(state, record, event, way.fail_reason or "earns no points", way.legal.article, way.id)
    if way.per_year_count is not None and year.way_count.get(way.id, 0) >= way.per_year_count:
        return _refuse(state, record, event, f"{way.id} may repair {way.per_year_count} time(s) a year; already "
                       f"used in {event.date.year}", way.legal.article, way.id)
    if year.net <= 0:
        return _refuse(state, record, event, f"no points to repair in {event.date.year}", way.legal.article, way.id)
    grant = min(earned, year.net)
    if way.per_year_points is not None:
        grant = min(grant, way.per_year_points - year.way_points.get(way.id, 0))
    if repair.per_year_points is not None:
        grant = min(grant, repair.per_year_points - year.repaired)
    if grant <= 0:
        cap = way.per_year_points if way.per_year_points is not None else repair.per_year_points
        return _refuse(state, record, event, f"the cap of {cap} repair points a year by {way.id} is reached",
                       way.legal.article, way.id)
    year.repaired += grant
    year.way_count[way.id] = year.way_count.get(way.id, 0) + 1
    year.way_points[way.id] = year.way_points.get(way.id, 0) + grant
    record.accepted = True
    record.points = number(grant)
    if state.trace.enabled:
        state.trace.add("repair", event.index, way.id, way.legal.article,
                        f"repair by {way.id} accepted: -{number(grant)} (earned {number(earned)}); "
                        f"year {event.date.year} net {number(year.net)}")
    _shorten_term(state, event, record)


def _shorten_term(state: PersonState, event: RepairEvent, record: RepairRecord) -> None:
    """An accepted repair while a term runs may shorten it (内蒙古 第二十三条), as often as the reading
    ``repair_shortening`` says."""
    repair = state.rulebook.repair
    rule = repair.shorten if repair else None
    term = state.term
    if rule is None or term is None or event.date > term.until:
        return
    mode = state.readings["repair_shortening"]
    if term.shortened and mode == "once_per_term":
        if state.trace.enabled:
            state.trace.add("repair", event.index, "shorten_term", rule.legal.article,
                            "the term was already shortened once (reading repair_shortening=once_per_term)")
        return
    before = term.until
    after = shorten(state, term, rule.months, rule.minimum_months, event.date)
    if after is None:
        return
    record.shortened = Shortening(before, after)
    if rule.legal.article not in record.articles:
        record.articles.append(rule.legal.article)
    if state.trace.enabled:
        state.trace.add("repair", event.index, "shorten_term", rule.legal.article,
                        f"{term.state} term shortened by {rule.months} month(s): until {before} → {after}")
