"""Generated code that reads a case: the checks of engine/cases/person.py, with the rulebook's
tables written as literals; any case the interpreter would refuse makes the generated code fall
back, so the interpreter reports the error exactly as it always does.

The contract check (``schemas/case.schema.json``) is made here too, field by field as the case is
read (:mod:`engine.evaluate.compiled.contract`), where the schema is the one those checks were
written against: a case they prove valid costs no call to jsonschema-rs. A case with text they do
not judge (non-ASCII) is checked by jsonschema-rs as before; one they refuse falls back.
"""

from __future__ import annotations

from typing import Any, Dict, Tuple

from engine.cases.points import allowed_points
from engine.evaluate.compiled.contract import (case_checks, checked_text, identifier, integer, number, reviewed,
                                               truth)
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
    src(f"plain = {reviewed()}  # the inline contract checks hold for this schema (contract.py)")
    src(f"if not case.keys() <= {src.constant(CASE_FIELDS, 'FIELDS')} or None in case.values():")
    src("    return FALLBACK  # an organisation (attribution), or a null")
    case_checks(e)
    src("named = case.get('rulebook')")
    e.refuse(f"named and named != {spec.id!r}")
    src("text = case['as_of']", "as_of = (DAYS.get(text) or day_of(text)) if type(text) is str else None")
    e.refuse("as_of is None")
    src("role = person['role']")
    e.refuse(f"role not in {src.constant(frozenset(spec.roles), 'ROLES')}")
    src("evs = []", "add = evs.append")
    if spec.aggregation is None:
        src("named = set()  # behaviours named so far: the reader refuses one named twice (no aggregation rule)")
    with src.block("for index, body in enumerate(events)"):
        e.refuse("type(body) is not dict or None in body.values()")
        src("text = body.get('date')", "day = (DAYS.get(text) or day_of(text)) if type(text) is str else None")
        period = f"day is None or day < {src.constant(spec.effective_from, 'DAY')}"
        if spec.effective_until is not None:
            period += f" or day > {src.constant(spec.effective_until, 'DAY')}"
        e.refuse(f"{period}")
        src("kind = body.get('kind')")
        with src.block("if 'note' in body"):
            checked_text(e, "body['note']")
        _read_score(e)
        _read_repair(e)
        _read_others(e)
        with src.block("else"):
            src("return FALLBACK")
    with src.block("if not plain and not valid_case(case)"):
        src("return FALLBACK  # not proven valid by the checks above, refused by jsonschema-rs")
    src("evs.sort(key=FIRST)  # by date, stable: same-day events keep their order in the file")


def _fields(e: Emitter, kind: str) -> None:
    fields = EVENT_FIELDS[kind]
    if kind == "score" and not e.spec.adjustments:
        fields = fields - {"adjustment"}  # the reader refuses any adjustment where the rulebook allows none
    e.refuse(f"not body.keys() <= {e.src.constant(fields, 'FIELDS')}")


def _read_score(e: Emitter) -> None:
    spec, src = e.spec, e.src
    table = src.constant(points_table(spec), "POINTS")
    catch = {tier.tier: tier.catch_all.code for tier in spec.tiers.values() if tier.catch_all is not None}
    with src.block("if kind == 'score'"):
        _fields(e, "score")
        src("situation = body.get('situation')", "tier = body.get('tier')")
        with src.block("if tier is not None"):
            integer(e, "tier", 1)
        with src.block("if situation is not None"):
            src("kind_of = type(situation)")
            with src.block("if kind_of is str"):
                src("code = situation")
            with src.block("elif kind_of is int or kind_of is float"):
                number(e, "situation")
                src("code = str(situation)")
            src("else:", "    return FALLBACK")
        with src.block("else"):
            src(f"code = {src.constant(catch, 'CATCH_ALL')}.get(tier)")
        src("responsibility = body.get('responsibility')")
        key = "(code, responsibility)"
        if spec.adjustments:
            src("adjustment = body.get('adjustment')")
            key = "(code, responsibility, adjustment)"
            e.refuse("adjustment is not None and type(adjustment) is not str")
        e.refuse("responsibility is not None and type(responsibility) is not str")
        src(f"entry = {table}.get({key})")
        e.refuse("entry is None or (situation is not None and tier is not None and tier != entry[0])")
        src("points = body.get('points')")
        with src.block("if points is None"):
            src("points = entry[2]")
            e.refuse("points is None")
        with src.block("elif type(points) is not int or not entry[3] <= points <= entry[4] or points < 0"):
            src("return FALLBACK")
        src("inspection = body.get('inspection')", "behaviour = body.get('behaviour')")
        with src.block("if inspection is None or behaviour is None"):
            src("own = EVENT_KEYS[index] if index < 256 else f'#event-{index}'  # an event names its own")
        for name in ("inspection", "behaviour"):
            with src.block(f"if {name} is not None and (type({name}) is not str or not {name}.isascii())"):
                identifier(e, name)
        with src.block("if 'institution' in body"):
            checked_text(e, "body['institution']")
        src(f"add((day, index, {SCORE}, text, code, entry[0], entry[1], responsibility, points,"
            " own if inspection is None else inspection if type(inspection) is str else str(inspection),"
            " own if behaviour is None else behaviour if type(behaviour) is str else str(behaviour)))")
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
        src("way = body.get('way')")
        for slot, (way_id, way) in enumerate(spec.repair.ways.items()):
            with src.block(f"{'if' if slot == 0 else 'elif'} way == {way_id!r} and type(way) is str"):
                _read_way(e, slot, way)
        with src.block("else"):
            src("return FALLBACK")


def _read_way(e: Emitter, slot: int, way: RepairWay) -> None:
    """One repair way's inputs, checked as the reader checks them; the event carries its score, the
    points the case claims, and (for a way with inputs) every input with its default filled in."""
    src = e.src
    for name in _REPAIR_NAMES:
        if name not in way.inputs:
            e.refuse(f"{name!r} in body")
    inputs = []
    for name, spec in way.inputs.items():
        variable = f"in_{len(inputs)}"
        src(f"{variable} = body.get({name!r})")
        with src.block(f"if {variable} is None"):
            src("return FALLBACK" if spec.required else f"{variable} = {False if spec.type == 'boolean' else 0}")
        if spec.type == "boolean":
            src(f"elif type({variable}) is not bool:", "    return FALLBACK")
        else:
            with src.block("else"):
                number(e, variable)
                bad = []
                if spec.type == "integer":
                    bad.append(f"int({variable}) != {variable}")
                if spec.minimum is not None:
                    bad.append(f"{variable} < {spec.minimum!r}")
                if spec.maximum is not None:
                    bad.append(f"{variable} > {spec.maximum!r}")
                if bad:
                    src(f"if {' or '.join(bad)}:", "    return FALLBACK")
        inputs.append((name, variable))
    score = next((variable for name, variable in inputs if name == "score"), "0")
    claimed = next((variable for name, variable in inputs if name == "points"), "0")
    carried = "{" + ", ".join(f"{name!r}: {variable}" for name, variable in inputs) + "}"
    src(f"add((day, index, {REPAIR}, text, {slot}, float({score} or 0), float({claimed} or 0), {carried}))")


def _read_others(e: Emitter) -> None:
    """Claims, restorations (where the rulebook writes a procedure) and obligations."""
    spec, src = e.spec, e.src
    with src.block("elif kind == 'claim'"):
        _fields(e, "claim")
        truth(e, "emergency")
        with src.block("if 'amount' in body"):
            number(e, "body['amount']")
        with src.block("if 'institution' in body"):
            checked_text(e, "body['institution']")
        src(f"add((day, index, {CLAIM}, text, body.get('emergency', False)))")
    if spec.restoration is not None:  # without a restoration section the reader refuses the event
        with src.block("elif kind == 'restoration'"):
            _fields(e, "restoration")
            truth(e, "passed")
            src(f"add((day, index, {RESTORATION}, text, body.get('passed', True)))")
    if spec.obligations:
        with src.block("elif kind == 'obligation'"):
            _fields(e, "obligation")
            truth(e, "passed")
            src("obligation = body.get('obligation')")
            e.refuse("type(obligation) is not str")
            slots = {name: position for position, name in enumerate(spec.obligations)}
            src(f"slot = {src.constant(slots, 'OBLIGATIONS')}.get(obligation)")
            e.refuse("slot is None")
            src(f"add((day, index, {OBLIGATION}, text, slot, body.get('passed', True)))")
