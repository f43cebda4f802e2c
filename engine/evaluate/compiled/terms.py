"""Generated code of the sanction state machine (engine/evaluate/terms.py): carrying out a suspension
or a termination, letting time pass, shortening a running term.

A person is under one term at most in the cases generated code covers (a measure against the
institution, which would add a second, is not covered). The term lives in locals: ``t_state`` (None,
'suspended', 'terminated'), ``t_phase`` (term, awaiting_restoration, banned, ban_over), ``t_start``,
``t_until``, ``t_decision``, ``t_single``, ``t_short`` (shortened once), ``t_ban`` (its ban's
years), ``t_cause`` and ``t_causes`` (what decided it), ``t_first`` (the first day of the
uninterrupted sanction), ``t_year`` (the year of its decision), ``t_article``. The status timeline
is ``periods``: the result's period mappings, dates kept as dates until the end, changed only by
``show`` (engine/evaluate/tracks.py). Readings are constants of the reading set.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from engine.evaluate.compiled.emit import Emitter
from engine.spec.scoring import Consequence


def term_fields(rule: Optional[Consequence]) -> Dict[str, Any]:
    """The term a record shows for ``rule`` (engine/evaluate/terms.py ``apply_decision``): a
    suspension's months, a termination's ban, as the record's fields in order."""
    fields: Dict[str, Any] = {"months": None, "months_min": None, "months_max": None,
                              "ban_years": None, "ban_years_min": None, "ban_years_max": None}
    if rule is not None and rule.action == "suspend":
        fields.update(months=rule.months, months_min=rule.months_min, months_max=rule.months_max)
    elif rule is not None and rule.action == "terminate":
        fixed = rule.ban_years
        fields.update(ban_years=fixed, ban_years_min=rule.ban_years_min if fixed is None else fixed,
                      ban_years_max=rule.ban_years_max if fixed is None else fixed)
    return fields


#: The term as ``runtime.show`` takes it.
TERM = "(t_state, t_phase, t_until, t_decision, t_cause, t_article)"
#: Every local of the term, and a fresh term's values in that order.
FIELDS = "t_state, t_phase, t_start, t_until, t_decision, t_single, t_short, t_ban, t_cause, t_causes, t_first, t_year, t_article"


def show(e: Emitter, day: str, normal: str = "") -> None:
    """Bring the timeline in line with the term from ``day`` on (engine/evaluate/tracks.py ``show``)."""
    e.src(f"show(periods, {day}, {TERM} if t_state is not None else None{', ' + normal if normal else ''})")


def begin(e: Emitter, start: str, start_text: str, period: str) -> None:
    """A new status period from ``start`` (its ISO text ``start_text``): what ``show`` does where the
    status surely changes — the running period ends the day before, or is replaced when it began that
    day. The timeline always shows the one term (``show`` keeps it so), so at every place but an
    overlapping suspension the change is known when the code is written."""
    src = e.src
    src("last = periods[-1]")
    with src.block(f"if last['from'] is not None and last['from'] >= {start_text}"):
        src("periods.pop()")
    src("else:", f"    last['until'] = ({start} - ONE_DAY).isoformat()")
    src(f"periods.append({period})")


def apply(e: Emitter, rule: Consequence, record: str, number: str, single: str, causes: str) -> None:
    """Carry out ``rule`` for the record (a decision or obligation mapping) just made: ``number`` is
    the index the state machine records (a decision's place in ``decisions``, an obligation's event),
    ``single`` the 单次记分 it carries, ``causes`` (source of a tuple) what the decision is for."""
    src = e.src
    if rule.action == "suspend":
        months = rule.months
        if months is None:
            default = e.need("suspension_months_default")
            if default is None:
                return
            months = rule.months_max if default == "max" else rule.months_min
        src(f"until = add_months(day, {months})",
            f"{record}['from'] = text", f"{record}['until'] = until.isoformat()")
        suspend(e, rule, number, single, months, causes)
    elif rule.action == "terminate":
        src(f"until = add_years(day, {rule.shortest_ban})",
            f"{record}['from'] = text", f"{record}['until'] = until.isoformat()")
        terminate(e, rule, number, single, causes)


def suspend(e: Emitter, rule: Consequence, number: str, single: str, months: int, causes: str) -> None:
    """engine/evaluate/terms.py ``suspend``: from ``day`` to ``until``, or what a suspension during a
    running term does (reading overlapping_suspension)."""
    src = e.src
    article = e.const(rule.legal.article)
    with src.block("if t_state == 'terminated'"):
        e.step("status", number, rule.id, rule.legal.article,
               "already terminated: the suspension does not change the status")
        if not e.trace:
            src("pass")
    with src.block("elif t_state is not None and t_phase == 'term' and day <= t_until"):
        overlap = e.need("overlapping_suspension")
        if overlap is not None:
            if overlap == "extend":
                src(f"until = max(t_until, add_months(t_start, {months}))", "start = t_start")
            else:
                src("until = max(t_until, until)", "start = day")
            src(f"causes = {causes}",
                f"{FIELDS} = 'suspended', 'term', start, until, {number}, max({single}, t_single), False, 0, "
                f"causes[0], causes, t_first, day.year, {article}")
            show(e, "day")
            e.step("status", "None", "overlapping_suspension", rule.legal.article,
                   f"a suspension during a running term (reading {overlap}): suspended until ", ("until",))
    with src.block("else"):
        src(f"causes = {causes}",
            f"{FIELDS} = 'suspended', 'term', day, until, {number}, {single}, False, 0, "
            f"causes[0], causes, t_first if t_state is not None else day, day.year, {article}")
        begin(e, "day", "text", "{'state': 'suspended', 'from': text, 'until': until.isoformat(), 'phase': 'term', "
                                "'decision': t_decision, 'article': t_article, 'cause': t_cause}")
        e.step("status", "None", rule.id, rule.legal.article, "suspended from ", ("day",), " until ", ("until",))


def terminate(e: Emitter, rule: Consequence, number: str, single: str, causes: str) -> None:
    """engine/evaluate/terms.py ``terminate``: a ban to ``until``, or what a termination during a ban
    does (reading repeated_termination)."""
    src = e.src
    ban = rule.shortest_ban
    with src.block("if t_state == 'terminated' and t_phase == 'ban_over'"):
        src("t_state = None  # a new ban starts afresh")
    with src.block("if t_state == 'terminated'"):
        reading = e.need("repeated_termination")
        if reading is not None:
            heavier = "" if reading == "later_end" else f" and {ban} > t_ban"
            with src.block(f"if until > t_until{heavier}"):
                src(f"t_ban, t_until = {ban}, until")
            src(f"t_single = max(t_single, {single})", f"t_causes = tuple(dict.fromkeys(t_causes + {causes}))",
                "periods[-1]['ban_until'] = t_until.isoformat()  # the same status goes on: its end moves")
            e.step("status", number, rule.id, rule.legal.article, "already terminated; re-registration ban until ",
                   ("t_until",), f" (reading {reading})")
    with src.block("else"):
        src(f"causes = {causes}",
            f"{FIELDS} = 'terminated', 'banned', day, until, {number}, {single}, False, {ban}, "
            f"causes[0], causes, day, day.year, {e.const(rule.legal.article)}")
        begin(e, "day", "text", "{'state': 'terminated', 'from': text, 'until': None, 'phase': 'banned', "
                                "'ban_until': until.isoformat(), 'decision': t_decision, 'article': t_article, "
                                "'cause': t_cause}")
        years = rule.ban_years if rule.ban_years is not None else f"{rule.ban_years_min}-{rule.ban_years_max}"
        e.step("status", "None", rule.id, rule.legal.article, "terminated from ", ("day",),
               "; no re-registration until ", ("until",), f" ({years} year ban)")


def advance(e: Emitter, day: str) -> None:
    """engine/evaluate/terms.py ``advance``: time passes to ``day`` — a ban that ran out, a suspension
    term that ended (reading after_term)."""
    src = e.src
    with src.block(f"if t_state is not None and (t_phase == 'term' or t_phase == 'banned') and t_until < {day}"):
        src("after = t_until + ONE_DAY")
        with src.block("if t_state == 'terminated'"):
            src("t_phase = 'ban_over'", "after_text = after.isoformat()")
            begin(e, "after", "after_text", "{'state': 'terminated', 'from': after_text, 'until': None, "
                                            "'phase': 'ban_over', 'ban_until': t_until.isoformat(), "
                                            "'decision': t_decision, 'cause': t_cause}")
            e.step("status", "None", "ban_over", None, "re-registration ban ended ", ("t_until",),
                   "; still terminated from ", ("after",), " until a restoration (re-registration) is passed")
        with src.block("else"):
            after = e.need("after_term")
            if after == "normal":
                src("t_state = None", "after_text = after.isoformat()")
                begin(e, "after", "after_text", "{'state': 'normal', 'from': after_text, 'until': None, "
                                                "'phase': 'normal', 'reading': 'after_term=normal'}")
                e.step("status", "None", "after_term", None, "suspension term ended ", ("t_until",),
                       "; status normal from ", ("after",), " (reading after_term=normal)")
            elif after is not None:
                src("t_phase = 'awaiting_restoration'", "after_text = after.isoformat()")
                begin(e, "after", "after_text", "{'state': 'suspended', 'from': after_text, 'until': None, "
                                                "'phase': 'awaiting_restoration', 'awaiting_restoration': True, "
                                                "'term_until': t_until.isoformat(), "
                                                "'reading': 'after_term=awaiting_restoration', "
                                                "'decision': t_decision, 'cause': t_cause}")
                e.step("status", "None", "after_term", None, "suspension term ended ", ("t_until",),
                       "; status stays suspended until a restoration evaluation is passed "
                       "(reading after_term=awaiting_restoration)")


def shorten(e: Emitter, record: str) -> None:
    """engine/evaluate/repair.py ``_shorten_term``: an accepted repair while the person's term runs
    shortens it, as often as the reading repair_shortening says."""
    src = e.src
    rule = e.spec.repair.shorten if e.spec.repair is not None else None
    if rule is None:
        return
    article = rule.legal.article
    with src.block("if t_state is not None and day <= t_until"):
        mode = e.need("repair_shortening")
        if mode is None:
            return
        if mode == "once_per_term":
            with src.block("if t_short"):
                e.step("repair", "index", "shorten_term", article,
                       "the term was already shortened once (reading repair_shortening=once_per_term)")
                src("continue")
        floor = "t_start" if rule.minimum_months == 0 else f"add_months(t_start, {rule.minimum_months})"
        src(f"new_until = max(add_months(t_until, {-rule.months}), {floor}, day)")
        with src.block("if new_until < t_until"):
            src("before, t_until, t_short = t_until, new_until, True",
                "periods[-1]['ban_until' if t_state == 'terminated' else 'until'] = new_until.isoformat()")
            src(f"{record}['shortened'] = {{'from': before.isoformat(), 'to': new_until.isoformat()}}")
            with src.block(f"if {e.const(article)} not in {record}['articles']"):
                src(f"{record}['articles'].append({e.const(article)})")
            e.step("repair", "index", "shorten_term", article, ("t_state",),
                   f" term shortened by {rule.months} month(s): until ", ("before",), " → ", ("new_until",))
