"""Generated code of a score event (engine/evaluate/score.py): aggregation, the year cap, the
单次记分, and the consequence rules as one if-chain, most severe first, from their compiled
conditions — then the decision, written as the result writes it, and its term carried out."""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple

from engine.evaluate.compiled.emit import Emitter
from engine.evaluate.compiled.terms import apply, term_fields
from engine.spec.scoring import Consequence

#: Where the generated code holds each name a consequence condition reads (engine/spec/names.py).
NAMES: Dict[str, str] = {
    "year_total": "total", "year_total_before": "total_before", "year_points": "yr[0]", "single": "single",
    "points": "points", "counted_points": "counted", "tier": "tier", "situation": "code",
    "responsibility": "(responsibility or '')",
    "role": "role", "date": "day", "year": "yn", "state_before": "state_before",
    "prior_year_totals": "prior_year_totals", "previous_year_totals": "previous_year_totals",
}


def handle_score(e: Emitter) -> None:
    """The body of ``if kind == SCORE`` in the run loop."""
    src, spec = e.src, e.spec
    e.year()
    # One behaviour is matched within its inspection, or across the year's (scoring.aggregation.behaviour_scope).
    scoped = spec.behaviour_scope == "inspection"
    src(f"key = (yn, {'inspection' if scoped else repr('*')}, behaviour)", "before = bmax.get(key, 0)")
    if spec.same_behaviour == "max":
        src("counted = points - before if points > before else 0")
    else:
        src("counted = points")
    src("if points > before:", "    bmax[key] = points")
    if e.trace:
        with src.block("if counted < points"):
            where = ("inspection ", ("inspection",)) if scoped else ("this year (any inspecting body)",)
            e.step("aggregate", "index", "same-behaviour-max", spec.aggregation.article if spec.aggregation else None,
                   "behaviour ", ("behaviour",), " of ", *where, " already counted ", ("before",),
                   "; counts once at its highest: adds ", ("counted",))
    src("uncapped = counted")
    _cap(e)
    src("total_before = yr[0] - yr[1]", "yr[0] += counted", "total = yr[0] - yr[1]")
    src("ikey = (yn, inspection)", "summed = itot[ikey] = itot.get(ikey, 0) + uncapped")
    scope = e.need("single_score_scope")
    if scope is None:
        return
    src("single = summed" if scope == "inspection" else "single = points")
    src("if single > yr[2]:", "    yr[2] = single")
    if e.trace:
        src("detail_responsibility = ', ' + responsibility if responsibility else ''")
        e.step("score", "index", ("code",), ("article",), ("code",), " tier ", ("tier",), ("detail_responsibility",),
               ": ", ("points",), " points; year ", ("yn",), " total ", ("number(total_before)",), " → ",
               ("number(total)",), "; single ", ("single",))
    _year_lists(e)
    with src.block("if uncapped == 0 and points > 0"):
        e.step("consequence", "index", "no-new-points", spec.aggregation.article if spec.aggregation else None,
               "this finding adds no points to the year (same behaviour already counted at its highest): "
               "no new measure")
        decide(e, None)
    with src.block("else"):
        choose(e)


def _cap(e: Emitter) -> None:
    """engine/evaluate/score.py ``_capped``: what the year cap lets count."""
    spec, src = e.spec, e.src
    if spec.year_cap is None:
        return
    basis = e.need("year_cap_basis")
    if basis is None:
        return
    src("already = yr[0] - yr[1]" if basis == "net" else "already = yr[0]")
    with src.block(f"if already + counted > {spec.year_cap!r}"):
        src(f"capped = max(0, int({spec.year_cap!r} - already))")
        e.step("cap", "index", "year_cap", spec.year_cap_legal.article if spec.year_cap_legal else None,
               f"year capped at {spec.year_cap} ({'net total' if basis == 'net' else 'points'}): adds ",
               ("capped",), " of ", ("counted",), f" (reading year_cap_basis={basis})")
        src("counted = capped")


def _year_lists(e: Emitter) -> None:
    """The names that cost a sort or a walk over the years, only where a condition reads them."""
    names = e.spec.consequence_names
    src = e.src
    if "state_before" in names:
        src("state_before = periods[-1]['state']")
    if "prior_year_totals" in names:
        src("prior_year_totals = [years[y][0] - years[y][1] for y in sorted(years, reverse=True) if y < yn]")
    if "previous_year_totals" in names:
        src("earliest = min(years) if years else yn",
            "previous_year_totals = [years[y][0] - years[y][1] if y in years else 0 "
            "for y in range(yn - 1, earliest - 1, -1)]")


def severity_order(rules: Tuple[Consequence, ...]) -> List[int]:
    """Rule indices, most severe first; among equals the first written (the interpreter's choice)."""
    return sorted(range(len(rules)), key=lambda i: (tuple(-part for part in rules[i].severity), i))


def choose(e: Emitter) -> None:
    """The most severe consequence whose condition holds; with trace, every rule that holds is traced."""
    rules = e.spec.consequences
    src = e.src
    conditions = [e.cond(rule.when, NAMES) for rule in rules]
    if not e.trace:
        _chain(e, [(conditions[i], i) for i in severity_order(rules)], conditions)
        return
    src("holds = (" + "".join(f"{c}, " for c in conditions) + ")")
    src("chosen = -1")
    for number in severity_order(rules):
        with src.block(f"if chosen < 0 and holds[{number}]"):
            src(f"chosen = {number}")
    for number, rule in enumerate(rules):
        text = f"condition '{rule.when.text}' holds → {rule.action}"
        with src.block(f"if holds[{number}]"):
            e.step("consequence", "index", rule.id, rule.legal.article,
                   (f"{text + ' (chosen: most severe)'!r} if chosen == {number} "
                    f"else {text + ' (a more severe rule applies)'!r}",))
    _chain(e, [(f"chosen == {i}", i) for i in severity_order(rules)], [f"holds[{i}]" for i in range(len(rules))])


def _chain(e: Emitter, branches: List[Tuple[str, int]], holds: List[str]) -> None:
    """``if``/``elif`` over the rules, most severe first; ``holds``: each rule's condition (for the
    rules carried out with the chosen one)."""
    src, rules = e.src, e.spec.consequences
    first = True
    for condition, number in branches:
        if condition == "False":
            continue
        header = "else" if condition == "True" and not first else f"{'if' if first else 'elif'} {condition}"
        with src.block(header):
            decide(e, rules[number], [(holds[i], rules[i]) for i in _also(rules, number)])
        first = False
        if condition == "True":
            return
    with src.block("else" if not first else "if True"):
        decide(e, None)


def _also(rules: Tuple[Consequence, ...], chosen: int) -> List[int]:
    """engine/evaluate/score.py ``_also``: the rules that may be carried out with the chosen one — its
    action, another cause — in the rulebook's order (whether they hold is known at run time)."""
    return [i for i, rule in enumerate(rules) if i != chosen and rule.action == rules[chosen].action
            and rule.cause != rules[chosen].cause]


def decide(e: Emitter, rule: Optional[Consequence], also: List[Tuple[str, Consequence]] = ()) -> None:
    """engine/evaluate/score.py ``_decide``: the decision record, then its term. ``also``: (condition,
    rule) of the rules carried out with it where they hold, each adding its cause once."""
    spec, src = e.spec, e.src
    action = rule.action if rule else "none"
    articles = "[article" + (f", {e.const(rule.legal.article)}]" if rule else "]")
    causes = repr((rule.cause,)) if rule else "()"
    if also:
        src(f"articles, rules, causes = {articles}, {[rule.id]!r}, {causes}")
        for condition, other in also:
            with src.block(f"if {other.cause!r} not in causes and {condition}"):
                src(f"articles.append({e.const(other.legal.article)})", f"rules.append({other.id!r})",
                    f"causes += ({other.cause!r},)")
        articles, rule_ids, causes = "articles", "rules", "causes"
    else:
        rule_ids = repr([rule.id] if rule else [])
    if rule is not None and rule.action in ("suspend", "terminate"):
        src("dn = len(decisions)")
    e.record("decision", [("event", ("index",)), ("date", ("text",)), ("situation", ("code",)), ("tier", ("tier",)),
                          ("responsibility", ("responsibility",)), ("points", ("points",)),
                          ("counted_points", ("counted",)), ("single", ("single",)),
                          ("year_total", ("total if type(total) is int else number(total)",)), ("action", action),
                          ("measure", rule.measure if rule else None)] + list(term_fields(rule).items())
             + [("from", None), ("until", None), ("articles", (articles,)), ("rules", (rule_ids,))])
    if spec.scoring_model == "deduct" and spec.allowance is not None:
        src(f"decision['points_left'] = number(max(0, {spec.allowance!r} - total))")
    src("decisions.append(decision)")
    if rule is not None and rule.action in ("suspend", "terminate"):
        apply(e, rule, "decision", "dn", "single", causes)
