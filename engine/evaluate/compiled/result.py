"""Generated code that writes the result (engine/evaluate/write.py ``person_result``): the same
fields in the same order, so that ``json.dumps`` of both is byte-identical. The parts that are the
same for every case of a reading set — the readings' interpretations, the rulebook's warnings —
are constants of the generated module. ``clocks`` is empty: a rulebook whose clocks run from every
decision or from the term's end is not compiled (coverage.py), and the other clocks need dates the
covered cases do not give."""

from __future__ import annotations

from engine.evaluate.compiled.emit import Emitter
from engine.evaluate.compiled.source import literal


def interpretations(e: Emitter) -> tuple:
    """engine/evaluate/write.py ``interpretations``: every reading of the rulebook with this set's value."""
    return tuple({"id": name, "value": e.readings[name], "note": parameter.interpretation,
                  "ambiguity": parameter.ambiguity, "articles": list(parameter.articles)}
                 for name, parameter in e.spec.parameters.items())


def warnings(e: Emitter) -> list:
    """engine/evaluate/write.py ``warnings`` for a case without appeals."""
    spec = e.spec
    if spec.completeness == "partial":
        return [f"rulebook {spec.id} is partial: {'; '.join(spec.missing) or 'parts of its source are missing'}"]
    return []


def write_result(e: Emitter) -> None:
    """``return {…}``: the result of one person, after time has passed to ``as_of``."""
    src, spec = e.src, e.spec
    deduct = spec.scoring_model == "deduct" and spec.allowance is not None
    src("as_of_text = case['as_of']  # checked by day_of: ISO text, as the result writes it")
    src("current = periods[0]")
    with src.block("for period in periods"):  # ISO texts order as the dates do
        src("if period['from'] is None or period['from'] <= as_of_text:", "    current = period")
    src("st = current['state']")
    with src.block("if st == 'suspended'"):
        src("until = current['term_until'] if 'term_until' in current else current['until']")
    src("elif st == 'terminated':", "    until = current.get('ban_until')", "else:", "    until = None")
    src("status = {'as_of': as_of_text, 'state': st, 'until': until, 'phase': current['phase']}")
    src("if current.get('awaiting_restoration') is True:", "    status['awaiting_restoration'] = True")
    src("if 'cause' in current:", "    status['cause'] = current['cause']")
    src("tallies = {}")
    with src.block("for y in sorted(years)"):
        src("v = years[y]", "net = v[0] - v[1]")
        entry = ("{'points': v[0], 'repaired': v[1] if type(v[1]) is int else number(v[1]), "
                 "'net': net if type(net) is int else number(net)}")
        src(f"tallies[str(y)] = entry = {entry}")
        if deduct:
            src(f"entry['left'] = number(max(0, {spec.allowance!r} - net))")
    extra = ""
    if deduct:
        src("v = years.get(as_of.year)")
        src(f"points_left = number(max(0, {spec.allowance!r} - (v[0] - v[1] if v else 0)))")
        extra = f"'points_left': points_left, 'allowance': {spec.allowance!r}, "
    shared = src.constant(interpretations(e), "INTERPRETATIONS")
    src("return {" + f"'rulebook': {spec.id!r}, 'document': {spec.document!r}, "
        "'person': {'id': str(person['id']), 'role': role}, 'as_of': as_of_text, 'years': tallies, "
        "'decisions': decisions, 'repairs': repairs, 'claims': claims, 'restorations': restorations, "
        f"'obligations': obligations, {extra}'institution_measures': [], 'status': status, "
        f"'timeline': periods, 'interpretations': list({shared}), 'warnings': {literal(warnings(e))}, "
        f"'trace': {'steps' if e.trace else '[]'}, 'appeals': [], 'clocks': []" + "}")
