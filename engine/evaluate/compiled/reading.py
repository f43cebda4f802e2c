"""Generated code that reads a case: the checks of engine/cases/person.py, with the rulebook's
tables written as literals; any case the interpreter would refuse makes the generated code fall
back, so the interpreter reports the error exactly as it always does."""

from __future__ import annotations

from typing import Any, Dict, Tuple

from engine.cases.points import allowed_points
from engine.evaluate.compiled.coverage import CASE_FIELDS, EVENT_FIELDS
from engine.evaluate.compiled.emit import CLAIM, OBLIGATION, REPAIR, RESTORATION, SCORE, Emitter
from engine.spec.repair import RepairWay
from engine.spec.rulebook import RulebookSpec
from engine.spec.vocabulary import LEVELS

_REPAIR_NAMES = ("score", "points", "verified", "rewarded")  # the reader's fixed list (engine/cases/person.py)


def points_table(spec: RulebookSpec) -> Dict[Tuple[Any, ...], Tuple[Any, ...]]:
    """(situation code, responsibility, adjustment) → (tier, article, default, low, high) for every
    combination the case reader accepts (engine/cases/person.py ``PersonReader.score``); without the
    adjustment where the rulebook allows none."""
    table = {}
    for code, situation in spec.situations.items():
        for responsibility in (None,) + LEVELS:
            if responsibility is None and spec.responsibility_required:
                continue
            levels = situation.points
            if responsibility is not None and levels is not None and not isinstance(levels, int) \
                    and responsibility not in levels:
                continue
            for adjustment in (None,) + tuple(spec.adjustments):
                if adjustment in ("down_tier", "up_tier") and \
                        situation.tier + (-1 if adjustment == "down_tier" else 1) not in spec.tiers:
                    continue
                default, low, high, _ = allowed_points(spec, situation, responsibility, adjustment)
                key = (code, responsibility, adjustment) if spec.adjustments else (code, responsibility)
                table[key] = (situation.tier, situation.legal.article, default, low, high)
    return table


def read_case(e: Emitter) -> None:
    """Locals after this code: ``as_of``, ``role``, ``person``, and ``evs``, the events as tuples
    ``(date, index, kind, text, …)`` sorted by date (stable)."""
    spec, src = e.spec, e.src
    src(f"if not case.keys() <= {src.constant(CASE_FIELDS, 'FIELDS')}:")
    src("    return FALLBACK  # an organisation: attribution")
    src("named = case.get('rulebook')")
    with src.block(f"if named and named != {spec.id!r}"):
        src("return FALLBACK")
    src("as_of = day_of(case['as_of'])")
    with src.block("if as_of is None"):
        src("return FALLBACK")
    src("person = case['person']", "role = person['role']")
    with src.block(f"if role not in {src.constant(frozenset(spec.roles), 'ROLES')}"):
        src("return FALLBACK")
    src("evs = []", "add = evs.append")
    if spec.aggregation is None:
        src("named = set()  # behaviours named so far: the reader refuses one named twice (no aggregation rule)")
    with src.block("for index, body in enumerate(case['events'])"):
        src("text = body['date']", "day = DAYS.get(text) or day_of(text)")
        period = f"day is None or day < {src.constant(spec.effective_from, 'DAY')}"
        if spec.effective_until is not None:
            period += f" or day > {src.constant(spec.effective_until, 'DAY')}"
        with src.block(f"if {period}"):
            src("return FALLBACK")
        src("kind = body['kind']")
        _read_score(e)
        _read_repair(e)
        with src.block("elif kind == 'claim'"):
            _fields(e, "claim")
            src(f"add((day, index, {CLAIM}, text, bool(body.get('emergency', False))))")
        if spec.restoration is not None:  # without a restoration section the reader refuses the event
            with src.block("elif kind == 'restoration'"):
                _fields(e, "restoration")
                src(f"add((day, index, {RESTORATION}, text, bool(body.get('passed', True))))")
        if spec.obligations:
            with src.block("elif kind == 'obligation'"):
                _fields(e, "obligation")
                slots = {name: number for number, name in enumerate(spec.obligations)}
                src(f"slot = {src.constant(slots, 'OBLIGATIONS')}.get(body.get('obligation'))")
                with src.block("if slot is None"):
                    src("return FALLBACK")
                src(f"add((day, index, {OBLIGATION}, text, slot, bool(body.get('passed', True))))")
        with src.block("else"):
            src("return FALLBACK")
    src("evs.sort(key=FIRST)  # by date, stable: same-day events keep their order in the file")


def _fields(e: Emitter, kind: str) -> None:
    fields = EVENT_FIELDS[kind]
    if kind == "score" and not e.spec.adjustments:
        fields = fields - {"adjustment"}  # the reader refuses any adjustment where the rulebook allows none
    with e.src.block(f"if not body.keys() <= {e.src.constant(fields, 'FIELDS')}"):
        e.src("return FALLBACK")


def _read_score(e: Emitter) -> None:
    spec, src = e.spec, e.src
    table = src.constant(points_table(spec), "POINTS")
    catch = {tier.tier: tier.catch_all.code for tier in spec.tiers.values() if tier.catch_all is not None}
    with src.block("if kind == 'score'"):
        _fields(e, "score")
        src("situation = body.get('situation')")
        with src.block("if situation is not None"):
            src("code = situation if type(situation) is str else str(situation)")
        with src.block("else"):
            src(f"code = {src.constant(catch, 'CATCH_ALL')}.get(body.get('tier'))")
        adjustment = ", body.get('adjustment')" if spec.adjustments else ""
        src(f"entry = {table}.get((code, body.get('responsibility'){adjustment}))")
        with src.block("if entry is None or (situation is not None and 'tier' in body and body['tier'] != entry[0])"):
            src("return FALLBACK")
        src("points = body.get('points')")
        with src.block("if points is None"):
            src("points = entry[2]")
            with src.block("if points is None"):
                src("return FALLBACK")
        with src.block("elif not entry[3] <= points <= entry[4]"):
            src("return FALLBACK")
        src("inspection = body.get('inspection')", "behaviour = body.get('behaviour')")
        with src.block("if inspection is None or behaviour is None"):
            src("own = EVENT_KEYS[index] if index < 256 else f'#event-{index}'  # an event names its own")
        src(f"add((day, index, {SCORE}, text, code, entry[0], entry[1], body.get('responsibility'), int(points),"
            " own if inspection is None else str(inspection), own if behaviour is None else str(behaviour)))")
        if spec.aggregation is None:
            scope = "evs[-1][9]" if spec.behaviour_scope == "inspection" else "None"
            with src.block("if behaviour is not None"):
                src(f"seen = (day.year, {scope}, evs[-1][10])")
                src("if seen in named:", "    return FALLBACK", "named.add(seen)")


def _read_repair(e: Emitter) -> None:
    spec, src = e.spec, e.src
    if spec.repair is None:
        return
    with src.block("elif kind == 'repair'"):
        _fields(e, "repair")
        src("way = body['way']")
        for slot, (way_id, way) in enumerate(spec.repair.ways.items()):
            with src.block(f"{'if' if slot == 0 else 'elif'} way == {way_id!r}"):
                _read_way(e, slot, way)
        with src.block("else"):
            src("return FALLBACK")


def _read_way(e: Emitter, slot: int, way: RepairWay) -> None:
    """One repair way's inputs, checked as the reader checks them; the event carries its score, the
    points the case claims, and (for a way with inputs) every input with its default filled in."""
    src = e.src
    for name in _REPAIR_NAMES:
        if name not in way.inputs:
            with src.block(f"if {name!r} in body"):
                src("return FALLBACK")
    inputs = []
    for name, spec in way.inputs.items():
        variable = f"in_{len(inputs)}"
        src(f"{variable} = body.get({name!r})")
        with src.block(f"if {variable} is None"):
            src("return FALLBACK" if spec.required else f"{variable} = {False if spec.type == 'boolean' else 0}")
        if spec.type == "boolean":
            src(f"elif type({variable}) is not bool:", "    return FALLBACK")
        else:
            bad = [f"type({variable}) not in (int, float)"]
            if spec.type == "integer":
                bad.append(f"int({variable}) != {variable}")
            if spec.minimum is not None:
                bad.append(f"{variable} < {spec.minimum!r}")
            if spec.maximum is not None:
                bad.append(f"{variable} > {spec.maximum!r}")
            src(f"elif {' or '.join(bad)}:", "    return FALLBACK")
        inputs.append((name, variable))
    score = next((variable for name, variable in inputs if name == "score"), "0")
    claimed = next((variable for name, variable in inputs if name == "points"), "0")
    carried = "{" + ", ".join(f"{name!r}: {variable}" for name, variable in inputs) + "}"
    src(f"add((day, index, {REPAIR}, text, {slot}, float({score} or 0), float({claimed} or 0), {carried}))")
