"""Generated code of the other covered event kinds: repair (engine/evaluate/repair.py), claim
(claim.py), restoration without an application date (restoration.py) and obligation
(obligation.py). Each rule's condition is the rulebook's compiled expression, rewritten over the
generated code's variables (engine/evaluate/compiled/expressions.py)."""

from __future__ import annotations

from typing import Dict, Optional

from engine.evaluate.compiled.emit import WAY_SLOTS, Emitter
from engine.evaluate.compiled.scoring import severity_order
from engine.evaluate.compiled.source import literal
from engine.evaluate.compiled.terms import apply, begin, shorten, term_fields
from engine.spec.repair import RepairWay
from engine.spec.scoring import Consequence
from engine.spec.status import Obligation


def _repair_names(e: Emitter, slot: int, way: RepairWay) -> Dict[str, str]:
    names = {"score": "score", "points_claimed": "claimed", "year_net": "(yr[0] - yr[1])", "year_points": "yr[0]",
             "year_max_single": "yr[2]", "sanction_single": "(t_single if t_state is not None else 0)",
             "state": "periods[-1]['state']", "date": "day", "role": "role",
             "way_count": f"yr[{WAY_SLOTS + 2 * slot}]", "way_points": f"yr[{WAY_SLOTS + 2 * slot + 1}]"}
    names.update({name: f"inputs[{name!r}]" for name in way.inputs})  # the way's own inputs win
    return names


def handle_repair(e: Emitter) -> None:
    """The body of ``elif kind == REPAIR`` in the run loop."""
    src = e.src
    e.year()
    for slot, way in enumerate(e.spec.repair.ways.values()):
        with src.block(f"{'if' if slot == 0 else 'elif'} slot == {slot}"):
            _way(e, slot, way)


def _refuse(e: Emitter, way: RepairWay, reason: tuple, article: Optional[str], rule: str) -> None:
    """engine/evaluate/repair.py ``_refuse``; ``reason`` is a 1-tuple of Python source."""
    src = e.src
    src(f"record['reason'] = {reason[0]}")
    if article and article != way.legal.article:
        src(f"record['articles'].append({e.const(article)})")
    e.step("repair", "index", rule, article, f"repair by {way.id} refused: ", reason)
    src("continue")


def _way(e: Emitter, slot: int, way: RepairWay) -> None:
    src, repair = e.src, e.spec.repair
    names = _repair_names(e, slot, way)
    count, points = WAY_SLOTS + 2 * slot, WAY_SLOTS + 2 * slot + 1
    e.record("record", [("event", ("index",)), ("date", ("text",)), ("way", way.id), ("accepted", False), ("points", 0),
                        ("reason", None), ("articles", (f"[{e.const(way.legal.article)}]",)), ("shortened", None)])
    src("if score:", "    record['score'] = number(score)", "repairs.append(record)")
    for rule in repair.refuse:
        with src.block(f"if {e.cond(rule.when, names)}"):
            _refuse(e, way, (repr(rule.reason),), rule.legal.article, rule.id)
    if way.bands:
        for number, band in enumerate(way.bands):
            with src.block(f"{'if' if number == 0 else 'elif'} {e.cond(band.when, names)}"):
                src(f"earned = {band.points!r}")
        src("else:", "    earned = 0")
    else:
        src(f"earned = {e.value(way.points, names) if way.points is not None else '0'}")
    with src.block("if earned <= 0"):
        _refuse(e, way, (repr(way.fail_reason or "earns no points"),), way.legal.article, way.id)
    if way.per_year_count is not None:
        with src.block(f"if yr[{count}] >= {way.per_year_count!r}"):
            _refuse(e, way, (f"f'{way.id} may repair {way.per_year_count} time(s) a year; already used in {{yn}}'",),
                    way.legal.article, way.id)
    with src.block("if yr[0] - yr[1] <= 0"):
        _refuse(e, way, ("f'no points to repair in {yn}'",), way.legal.article, way.id)
    src("grant = min(earned, yr[0] - yr[1])")
    if way.per_year_points is not None:
        src(f"grant = min(grant, {way.per_year_points!r} - yr[{points}])")
    if repair.per_year_points is not None:
        src(f"grant = min(grant, {repair.per_year_points!r} - yr[1])")
    cap = way.per_year_points if way.per_year_points is not None else repair.per_year_points
    with src.block("if grant <= 0"):
        _refuse(e, way, (repr(f"the cap of {cap} repair points a year by {way.id} is reached"),),
                way.legal.article, way.id)
    src("yr[1] += grant", f"yr[{count}] += 1", f"yr[{points}] += grant")
    src("record['accepted'] = True", "record['points'] = number(grant)")
    e.step("repair", "index", way.id, way.legal.article, f"repair by {way.id} accepted: -", ("number(grant)",),
           " (earned ", ("number(earned)",), "); year ", ("yn",), " net ", ("number(yr[0] - yr[1])",))
    shorten(e, "record")


def handle_claim(e: Emitter) -> None:
    """The body of ``elif kind == CLAIM``: the first settlement rule whose condition holds decides; a
    claim no rule decides is an error of the interpreter's (generated code falls back)."""
    src = e.src
    src("st = periods[-1]['state']", "causes = list(t_causes) if t_state is not None else []")
    names = {"state": "st", "emergency": "emergency", "date": "day", "role": "role", "causes": "causes",
             "until": "(t_until if t_state is not None else None)"}
    first = True
    for rule in e.spec.settlement:
        condition = e.cond(rule.when, names)
        if condition == "False":
            continue
        header = ("if " if first else "elif ") + condition if condition != "True" else ("if True" if first else "else")
        with src.block(header):
            settled = e.cond(rule.settled, names)
            src(f"settled = {settled if settled in ('True', 'False') else f'bool({settled})'}")
            article = rule.legal.article
            src("reason = 'status ' + st + (' (' + ', '.join(causes) + ')' if set(causes) - {'score'} else '') + "
                f"(', emergency' if emergency else '') + "
                f"({': settled (' + str(article) + ')'!r} if settled else {': not settled (' + str(article) + ')'!r})")
            src(f"claims.append(record := {{'event': index, 'date': text, 'emergency': emergency, 'settled': settled, "
                f"'state': st, 'article': {e.const(article)}, 'rule': {rule.id!r}, 'reason': reason}})")
            src("if causes:", "    record['causes'] = causes")
            e.step("claim", "index", rule.id, article, ("reason",))
        first = False
        if condition == "True":
            return
    with src.block("else" if not first else "if True"):
        src("return FALLBACK  # no settlement rule decides this claim: the interpreter's error")


def handle_restoration(e: Emitter) -> None:
    """The body of ``elif kind == RESTORATION`` (a restoration without an application date)."""
    src, restoration = e.src, e.spec.restoration
    article = restoration.legal.article
    src("st = periods[-1]['state']")
    src(f"record = {{'event': index, 'date': text, 'passed': passed, 'accepted': False, 'state_before': st, "
        f"'reason': None, 'article': {e.const(article)}}}", "restorations.append(record)")
    with src.block("if t_state is None"):
        src("record['reason'] = 'status is normal: nothing to restore'")
        e.step("restoration", "index", None, article, "status is normal: nothing to restore")
        src("continue")
    if restoration.allowed_when is not None:
        e.year()  # the condition's names include year_net: the interpreter makes the year's tally
        names = {"state": "t_state", "date": "day", "until": "t_until", "from": "t_start", "passed": "passed",
                 "role": "role", "first_day": "(t_first or t_start)", "year_net": "(yr[0] - yr[1])",
                 "sanction_single": "t_single", "sanction_cause": "t_cause",
                 "sanction_year_net": "(years[t_year][0] - years[t_year][1] if t_year in years else 0)",
                 "term_repairs": "sum(1 for repair in repairs if repair['accepted'] and "
                                 "repair['date'] >= (t_first or t_start).isoformat())"}
        with src.block(f"if not ({e.cond(restoration.allowed_when, names)})"):
            src(f"record['reason'] = {restoration.refuse_reason + ' ('!r} + st + ' until ' + str(t_until) + ')'")
            e.step("restoration", "index", "restoration", article, ("record['reason']",))
            src("continue")
    with src.block("if not passed"):
        src("record['reason'] = 'the restoration evaluation was not passed; status unchanged'")
        e.step("restoration", "index", "restoration", article,
               "the restoration evaluation was not passed; status unchanged")
        src("continue")
    src("record['accepted'] = True", "t_state = None")
    begin(e, "day", "text", f"{{'state': 'normal', 'from': text, 'until': None, 'phase': 'normal', "
                            f"'article': {e.const(article)}, 'restored_by': index}}")
    src("record['state_after'] = periods[-1]['state']")
    e.step("restoration", "index", "restoration", article, "restored: ", ("st",), " → ", ("record['state_after']",),
           " from ", ("day",))


def handle_obligation(e: Emitter) -> None:
    """The body of ``elif kind == OBLIGATION``: the most severe consequence that holds applies."""
    src = e.src
    e.year()
    names = {"passed": "passed", "date": "day", "year": "yn", "state_before": "periods[-1]['state']",
             "year_total": "(yr[0] - yr[1])", "role": "role"}
    for slot, obligation in enumerate(e.spec.obligations.values()):
        with src.block(f"{'if' if slot == 0 else 'elif'} slot == {slot}"):
            rules = obligation.consequences
            first = True
            for number in severity_order(rules):
                condition = e.cond(rules[number].when, names)
                if condition == "False":
                    continue
                header = ("if " if first else "elif ") + condition if condition != "True" else ("if True" if first else "else")
                with src.block(header):
                    _obligation_record(e, obligation, rules[number])
                first = False
                if condition == "True":
                    break
            else:
                with src.block("else" if not first else "if True"):
                    _obligation_record(e, obligation, None)


def _obligation_record(e: Emitter, obligation: Obligation, rule: Optional[Consequence]) -> None:
    src = e.src
    articles = [obligation.legal.article]
    if rule is not None and rule.legal.article != obligation.legal.article:
        articles.append(rule.legal.article)
    fixed = term_fields(rule)
    e.record("record", [("event", ("index",)), ("date", ("text",)), ("obligation", obligation.id), ("passed", ("passed",)),
                        ("action", rule.action if rule else "none"), ("measure", rule.measure if rule else None)]
             + list(fixed.items()) + [("from", None), ("until", None), ("articles", (literal(articles),)),
                                      ("rules", (repr([rule.id] if rule else []),))])
    src("obligations.append(record)")
    suffix = f" → {rule.action}" if rule else ": no consequence"
    e.step("obligation", "index", rule.id if rule else obligation.id, obligation.legal.article,
           (f"{obligation.id + ' '!r} + ('met' if passed else 'not met') + {suffix!r}",))
    if rule is not None and rule.action in ("suspend", "terminate"):
        apply(e, rule, "record", "index", "0", repr((rule.cause,)))
