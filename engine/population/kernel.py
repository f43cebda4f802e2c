"""The population kernel: one person's events after another, in machine code (numba).

This is the scalar engine's state machine (engine/evaluate: run.py, score.py, repair.py, claim.py,
restoration.py, terms.py, tracks.py, timeline.py) for the persons and event kinds the population path
covers — one track of terms (the person's own), one rulebook version — written over arrays
(:mod:`engine.population.layout`). It holds nothing of any province: the rulebook comes in as numbers
(readings, tables: ``cfg``, ``rules``, ``sits``, ``ways``) and as the functions generated from its
conditions (:mod:`engine.population.generate`), passed as first-class functions. So the kernel is
compiled once (explicit signature, numba's on-disk cache) and each rulebook adds only its small
generated functions. All numba code of the kernel is in this one file, because numba's cache is
invalidated by a change of the file that holds the function, not of the files it calls.

The differential test (tests/test_population.py) holds it to the interpreter, which stays the reference.
"""

from __future__ import annotations

import numpy as np
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

from engine.population.layout import (
    A_NONE, A_SUSPEND, A_TERMINATE, A_WARN, C_AFTER_NORMAL, C_ALLOWANCE, C_CAP_NET, C_DEDUCT, C_MONTHS_MAX,
    C_NEED_PREVIOUS, C_NEED_PRIOR, C_OVERLAP_EXTEND, C_REPAIR_PER_YEAR, C_REPEAT_LATER_END, C_RESTORATION,
    C_RULES, C_SAME_MAX, C_SCOPE_YEAR, C_SHORTEN, C_SHORTEN_MINIMUM, C_SHORTEN_MONTHS,
    C_SHORTEN_PER_REPAIR, C_SINGLE_INSPECTION, C_WAYS, C_YEAR_CAP, CONSEQUENCE_ENV, E_BEHAVIOUR, E_DATE,
    E_EMERGENCY, E_INSPECTION, E_KIND, E_PASSED, E_POINTS, E_RESPONSIBILITY, E_REWARDED, E_SITUATION, E_VERIFIED,
    E_WAY, EF_POINTS, EF_SCORE, K_CLAIM, K_REPAIR, K_RESTORATION, K_SCORE, NULL, O_ARTICLE, O_BAIL, O_FROM,
    O_PHASE, O_RULE, O_STATE, O_STATUS_UNTIL, O_UNTIL, O_YEARS, OE_ACCEPTED, OE_ACTION, OE_ARTICLE, OE_BAN,
    OE_FROM, OE_MONTHS, OE_RULE, OE_SETTLED, OE_SINGLE, OE_TERM_MONTHS, OE_UNTIL, OEF_POINTS, OEF_YEAR_TOTAL,
    OY_POINTS, OY_YEAR, OYF_NET, OYF_REPAIRED, P_AS_OF, P_ROLE, P_RUN, PH_AWAITING, PH_BAN_OVER, PH_BANNED,
    PH_NORMAL, PH_TERM, R_ACTION, R_ARTICLE, R_BAN, R_BAN_MAX, R_BAN_MIN, R_CAUSE, R_MONTHS, R_MONTHS_MAX,
    R_MONTHS_MIN, R_ORDER, R_SHORTEST_BAN, REPAIR_ENV, RESTORATION_ALWAYS, RESTORATION_ENV, RESTORATION_NONE,
    S_NORMAL, S_SUSPENDED, S_TERMINATED, SETTLEMENT_ENV, SIT_ARTICLE, SIT_TIER, W_PER_YEAR_COUNT,
    W_PER_YEAR_POINTS)

# The environment slots, as plain module constants (numba reads globals, not dict look-ups).
CQ = [CONSEQUENCE_ENV[n] for n in ("year_total", "year_total_before", "year_points", "single", "points",
                                     "counted_points", "situation", "tier", "responsibility", "role", "date",
                                     "year", "state_before")]
(CQ_TOTAL, CQ_BEFORE, CQ_YEAR_POINTS, CQ_SINGLE, CQ_POINTS, CQ_COUNTED, CQ_SITUATION, CQ_TIER, CQ_RESP, CQ_ROLE,
 CQ_DATE, CQ_YEAR, CQ_STATE) = CQ
CQ_SIZE = len(CONSEQUENCE_ENV)
RP = [REPAIR_ENV[n] for n in ("score", "points_claimed", "year_net", "year_points", "year_max_single",
                                "sanction_single", "state", "date", "role", "way_count", "way_points", "input.score",
                                "input.points", "input.verified", "input.rewarded")]
(RP_SCORE, RP_CLAIMED, RP_NET, RP_POINTS, RP_MAX_SINGLE, RP_SANCTION, RP_STATE, RP_DATE, RP_ROLE, RP_WAY_COUNT,
 RP_WAY_POINTS, RP_IN_SCORE, RP_IN_POINTS, RP_IN_VERIFIED, RP_IN_REWARDED) = RP
RP_SIZE = len(REPAIR_ENV)
RS = [RESTORATION_ENV[n] for n in ("state", "date", "until", "from", "passed", "role", "year_net", "sanction_single",
                                     "sanction_cause", "sanction_year_net", "first_day", "term_repairs")]
(RS_STATE, RS_DATE, RS_UNTIL, RS_FROM, RS_PASSED, RS_ROLE, RS_NET, RS_SINGLE, RS_CAUSE, RS_YEAR_NET, RS_FIRST,
 RS_REPAIRS) = RS
RS_SIZE = len(RESTORATION_ENV)
ST = [SETTLEMENT_ENV[n] for n in ("state", "emergency", "date", "role", "until", "causes")]
ST_STATE, ST_EMERGENCY, ST_DATE, ST_ROLE, ST_UNTIL, ST_CAUSES = ST
ST_SIZE = len(SETTLEMENT_ENV)

# The person's own term (engine.evaluate.state.Term), one int64 array.
(T_ON, T_STATE, T_START, T_UNTIL, T_DECISION, T_SINGLE, T_CAUSE, T_CAUSES, T_BAN, T_PHASE, T_FIRST, T_YEAR,
 T_ARTICLE, T_SHORTENED) = range(14)
# A period of the timeline (records.Period).
(PF_STATE, PF_PHASE, PF_START, PF_UNTIL, PF_TERM_UNTIL, PF_BAN_UNTIL, PF_DECISION, PF_ARTICLE, PF_CAUSE) = range(9)
# Counters of one person's scratch space.
N_PERIODS, N_YEARS, N_BEHAVIOURS, N_INSPECTIONS, N_DECISIONS, N_ACCEPTED = range(6)
# A natural year's tally (YearTally), and a decision (records.Decision: what the status row reads of it).
Y_YEAR, Y_POINTS, Y_MAX_SINGLE = range(3)
D_ACTION, D_FROM, D_RULE, D_LAST_ARTICLE = range(4)

F64 = types.float64[::1]
I64 = types.int64[::1]
I2 = types.int64[:, ::1]
F2 = types.float64[:, ::1]
#: The outputs are column-major (each field contiguous, as Arrow takes it) and int32 (days, codes, counts);
#: "A": numba types an array of one row as C-contiguous as well.
O2 = types.Array(types.int32, 2, "A")
OF2 = types.Array(types.float64, 2, "A")
#: The signatures of the functions generated from a rulebook (engine.population.generate).
CONSEQUENCE_FN = types.int64(F64, F64, F64)      # env, prior_year_totals, previous_year_totals → fired bit mask
REFUSE_FN = types.int64(F64)                     # env → index of the first refusal that holds, or -1
EARNED_FN = types.float64(types.int64, F64)      # way, env → points the way earns
RESTORE_FN = types.boolean(F64)                  # env → restoration.allowed_when
SETTLE_FN = types.int64(F64)                     # env → 2 * rule + settled, or -1 when no rule covers the claim
SIGNATURE = types.void(types.int64, types.int64, I64, I2, I2, F2, I64, I2, I2, I2,
                       types.FunctionType(CONSEQUENCE_FN), types.FunctionType(REFUSE_FN),
                       types.FunctionType(EARNED_FN), types.FunctionType(RESTORE_FN),
                       types.FunctionType(SETTLE_FN), O2, O2, OF2, O2, OF2)


@intrinsic
def borrowed(typingctx, array):
    """The same array without its owner: numba counts references to an array at every call it is passed
    to (an atomic operation each, ~20 calls per event), and a view without an owner costs none. Only for
    arrays whose owner outlives every use of the view (the caller's, or kept alive to the end of ``run``)."""
    def codegen(context, builder, signature, args):
        source = context.make_array(array)(context, builder, value=args[0])
        view = context.make_array(array)(context, builder)
        for name in ("nitems", "itemsize", "data", "shape", "strides"):
            setattr(view, name, getattr(source, name))
        view.meminfo = cgutils.get_null_value(view.meminfo.type)
        view.parent = cgutils.get_null_value(view.parent.type)
        return view._getvalue()
    return array(array), codegen


# -- dates (engine.base.calendar: 民法典 第二百零二条) ---------------------------------------------------
@njit(cache=True, nogil=True)
def civil(day):
    """(year, month, day) of a day number (days since 1970-01-01), proleptic Gregorian."""
    z = day + 719468
    era = (z if z >= 0 else z - 146096) // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (1 if m <= 2 else 0), m, d


@njit(cache=True, nogil=True)
def day_number(y, m, d):
    y = y - (1 if m <= 2 else 0)
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468


@njit(cache=True, nogil=True)
def add_months(day, n):
    """The corresponding day n months later, clamped to the month's end (calendar.add_months)."""
    y, m, d = civil(day)
    index = y * 12 + (m - 1) + n
    y2 = index // 12
    m2 = index % 12 + 1
    if d > 28:
        if m2 == 2:
            last = 29 if (y2 % 4 == 0 and (y2 % 100 != 0 or y2 % 400 == 0)) else 28
        elif m2 in (4, 6, 9, 11):
            last = 30
        else:
            last = 31
        d = min(d, last)
    return day_number(y2, m2, d)


@njit(cache=True, nogil=True)
def year_of(day):
    return civil(day)[0]


# -- lists of numbers (engine/dsl/functions.py: max, min, sum, ``in``) --------------------------------
@njit(cache=True, nogil=True)
def list_max(items):
    return items.max() if items.shape[0] else 0.0


@njit(cache=True, nogil=True)
def list_min(items):
    return items.min() if items.shape[0] else 0.0


@njit(cache=True, nogil=True)
def list_sum(items):
    total = 0.0  # in order, as Python's sum()
    for value in items:
        total += value
    return total


@njit(cache=True, nogil=True)
def list_has(items, value):
    for item in items:
        if item == value:
            return True
    return False


# -- the timeline (tracks.show, timeline.Timeline.enter) --------------------------------------------
@njit(cache=True, nogil=True)
def set_end(per, cur, phase, last):
    """The end a period keeps by its phase: the term's last day, the awaited term's, the ban's."""
    if phase == PH_TERM:
        per[cur, PF_UNTIL] = last
    elif phase == PH_AWAITING:
        per[cur, PF_TERM_UNTIL] = last
    elif phase == PH_BANNED or phase == PH_BAN_OVER:
        per[cur, PF_BAN_UNTIL] = last


@njit(cache=True, nogil=True)
def show(term, per, cnt, day):
    """Bring the timeline in line with the term in force from ``day`` on (tracks.show)."""
    on = term[T_ON] == 1
    kind = term[T_STATE] if on else S_NORMAL
    phase = term[T_PHASE] if on else PH_NORMAL
    last = term[T_UNTIL]
    cur = cnt[N_PERIODS] - 1
    if per[cur, PF_STATE] == kind and per[cur, PF_PHASE] == phase and (not on or per[cur, PF_CAUSE] == term[T_CAUSE]):
        set_end(per, cur, phase, last)  # the same status, for the same cause, goes on: only its end moves
        return
    if per[cur, PF_START] != NULL and per[cur, PF_START] >= day:
        cur -= 1  # a period that began the same day is replaced
    else:
        per[cur, PF_UNTIL] = day - 1
    cur += 1
    cnt[N_PERIODS] = cur + 1
    for f in range(per.shape[1]):  # element by element: a row view would cost a reference count
        per[cur, f] = NULL
    per[cur, PF_STATE] = kind
    per[cur, PF_PHASE] = phase
    per[cur, PF_START] = day
    set_end(per, cur, phase, last)
    if on:
        per[cur, PF_DECISION] = term[T_DECISION]
        per[cur, PF_CAUSE] = term[T_CAUSE]
        if phase == PH_TERM or phase == PH_BANNED:
            per[cur, PF_ARTICLE] = term[T_ARTICLE]


@njit(cache=True, nogil=True)
def advance(term, per, cnt, cfg, day):
    """Let time pass to ``day``: a term or ban that ended before it (terms.advance)."""
    while term[T_ON] == 1 and (term[T_PHASE] == PH_TERM or term[T_PHASE] == PH_BANNED) and term[T_UNTIL] < day:
        after = term[T_UNTIL] + 1
        if term[T_STATE] == S_TERMINATED:
            term[T_PHASE] = PH_BAN_OVER
        elif cfg[C_AFTER_NORMAL] == 1:
            term[T_ON] = 0
        else:
            term[T_PHASE] = PH_AWAITING
        show(term, per, cnt, after)


@njit(cache=True, nogil=True)
def set_term(term, state, start, until, decision, single, cause, causes, ban, phase, first, year, article):
    term[T_ON] = 1
    term[T_STATE] = state
    term[T_START] = start
    term[T_UNTIL] = until
    term[T_DECISION] = decision
    term[T_SINGLE] = single
    term[T_CAUSE] = cause
    term[T_CAUSES] = causes
    term[T_BAN] = ban
    term[T_PHASE] = phase
    term[T_FIRST] = first
    term[T_YEAR] = year
    term[T_ARTICLE] = article
    term[T_SHORTENED] = 0


# -- terms (terms.suspend, terms.terminate, terms.apply_decision) -----------------------------------
@njit(cache=True, nogil=True)
def suspend(term, per, cnt, cfg, index, day, until, months, single, cause, causes, article):
    if term[T_ON] == 1 and term[T_STATE] == S_TERMINATED:
        return  # already terminated: the suspension does not change the status
    first = term[T_FIRST] if term[T_ON] == 1 else day
    start = day
    if term[T_ON] == 1 and term[T_PHASE] == PH_TERM and day <= term[T_UNTIL]:
        # a suspension during a running term (reading overlapping_suspension)
        if cfg[C_OVERLAP_EXTEND] == 1:
            until = max(term[T_UNTIL], add_months(term[T_START], months))
            start = term[T_START]
        else:
            until = max(term[T_UNTIL], until)
        single = max(single, term[T_SINGLE])
    set_term(term, S_SUSPENDED, start, until, index, single, cause, causes, 0, PH_TERM, first, year_of(day), article)
    show(term, per, cnt, day)


@njit(cache=True, nogil=True)
def terminate(term, per, cnt, cfg, index, day, until, single, ban, cause, causes, article):
    if term[T_ON] == 1 and term[T_STATE] == S_TERMINATED and term[T_PHASE] != PH_BAN_OVER:
        # already terminated (reading repeated_termination)
        if until > term[T_UNTIL] and (cfg[C_REPEAT_LATER_END] == 1 or ban > term[T_BAN]):
            term[T_BAN] = ban
            term[T_UNTIL] = until
        term[T_SINGLE] = max(term[T_SINGLE], single)
        term[T_CAUSES] = term[T_CAUSES] | causes
        show(term, per, cnt, day)
        return
    set_term(term, S_TERMINATED, day, until, index, single, cause, causes, ban, PH_BANNED, day, year_of(day), article)
    show(term, per, cnt, day)


@njit(cache=True, nogil=True)
def apply_rule(term, per, cnt, cfg, rules, out_e, ev, rule, index, day, single, causes):
    """Carry out the chosen rule's suspension or termination and fill the decision's term fields."""
    action = rules[rule, R_ACTION]
    if action == A_SUSPEND:
        months = rules[rule, R_MONTHS]
        out_e[ev, OE_MONTHS] = months
        if months == NULL:  # a range the case does not fix (reading suspension_months_default)
            months = rules[rule, R_MONTHS_MAX] if cfg[C_MONTHS_MAX] == 1 else rules[rule, R_MONTHS_MIN]
        until = add_months(day, months)
        out_e[ev, OE_TERM_MONTHS] = months
        out_e[ev, OE_FROM] = day
        out_e[ev, OE_UNTIL] = until
        suspend(term, per, cnt, cfg, index, day, until, months, single, rules[rule, R_CAUSE], causes,
                rules[rule, R_ARTICLE])
    elif action == A_TERMINATE:
        ban = rules[rule, R_SHORTEST_BAN]
        until = add_months(day, 12 * ban)
        out_e[ev, OE_BAN] = rules[rule, R_BAN]
        out_e[ev, OE_FROM] = day
        out_e[ev, OE_UNTIL] = until
        terminate(term, per, cnt, cfg, index, day, until, single, ban, rules[rule, R_CAUSE], causes,
                  rules[rule, R_ARTICLE])


# -- year tallies (state.PersonState.year, score._previous_year_totals) -----------------------------
@njit(cache=True, nogil=True)
def find_year(yi, cnt, year):
    for i in range(cnt[N_YEARS]):
        if yi[i, Y_YEAR] == year:
            return i
    return -1


@njit(cache=True, nogil=True)
def year_slot(yi, yf, wc, wp, cnt, year):
    """The tally of a natural year, made on first use."""
    i = find_year(yi, cnt, year)
    if i >= 0:
        return i
    i = cnt[N_YEARS]
    cnt[N_YEARS] = i + 1
    yi[i, Y_YEAR] = year
    yi[i, Y_POINTS] = 0
    yi[i, Y_MAX_SINGLE] = 0
    yf[i] = 0.0
    for w in range(wc.shape[1]):
        wc[i, w] = 0
        wp[i, w] = 0.0
    return i


@njit(cache=True, nogil=True)
def year_lists(yi, yf, cnt, year, prior, previous):
    """prior_year_totals (the earlier years that have a tally, most recent first) and
    previous_year_totals (year-1 back to the earliest year, 0 without a tally); their lengths, or -1, -1
    when they do not fit the scratch arrays."""
    n = cnt[N_YEARS]
    k = 0
    bound = year
    while True:
        best = -1
        for i in range(n):
            if yi[i, Y_YEAR] < bound and (best < 0 or yi[i, Y_YEAR] > yi[best, Y_YEAR]):
                best = i
        if best < 0:
            break
        prior[k] = yi[best, Y_POINTS] - yf[best]
        k += 1
        bound = yi[best, Y_YEAR]
    earliest = year
    for i in range(n):
        earliest = min(earliest, yi[i, Y_YEAR])
    if year - earliest > previous.shape[0]:
        return -1, -1
    m = 0
    for y in range(year - 1, earliest - 1, -1):
        i = find_year(yi, cnt, y)
        previous[m] = yi[i, Y_POINTS] - yf[i] if i >= 0 else 0.0
        m += 1
    return k, m


# -- the event handlers -----------------------------------------------------------------------------
@njit(cache=True, nogil=True)
def counted_points(cfg, bm, cnt, year, inspection, behaviour, points):
    """What a score adds after aggregation: one behaviour counts once at its highest (score._counted)."""
    if behaviour < 0 or (cfg[C_SCOPE_YEAR] == 0 and inspection < 0):
        return points  # its own behaviour (or its own inspection): nothing counted before
    scope = -3 if cfg[C_SCOPE_YEAR] == 1 else inspection
    before = 0
    slot = -1
    for i in range(cnt[N_BEHAVIOURS]):
        if bm[i, 0] == year and bm[i, 1] == scope and bm[i, 2] == behaviour:
            slot = i
            before = bm[i, 3]
            break
    if slot < 0:
        slot = cnt[N_BEHAVIOURS]
        cnt[N_BEHAVIOURS] = slot + 1
        bm[slot, 0] = year
        bm[slot, 1] = scope
        bm[slot, 2] = behaviour
    bm[slot, 3] = max(before, points)
    return max(0, points - before) if cfg[C_SAME_MAX] == 1 else points


@njit(cache=True, nogil=True)
def inspection_total(it, cnt, year, inspection, uncapped):
    """The sum of one inspection in one year (the 单次记分 of reading single_score_scope=inspection)."""
    if inspection < 0:
        return uncapped
    for i in range(cnt[N_INSPECTIONS]):
        if it[i, 0] == year and it[i, 1] == inspection:
            it[i, 2] += uncapped
            return it[i, 2]
    i = cnt[N_INSPECTIONS]
    cnt[N_INSPECTIONS] = i + 1
    it[i, 0] = year
    it[i, 1] = inspection
    it[i, 2] = uncapped
    return uncapped


@njit(cache=True, nogil=True)
def choose(rules, fired, n):
    """The most severe rule that fired (ties: the first written), the causes and the last article of the
    decision: the chosen rule and the rules of the same action that give its term another cause (score._also)."""
    chosen = -1
    for k in range(n):
        r = rules[k, R_ORDER]
        if (fired >> r) & 1:
            chosen = r
            break
    if chosen < 0:
        return -1, 0, NULL
    causes = 1 << rules[chosen, R_CAUSE]
    article = rules[chosen, R_ARTICLE]
    for r in range(n):
        if r != chosen and (fired >> r) & 1 and rules[r, R_ACTION] == rules[chosen, R_ACTION] \
                and not (causes >> rules[r, R_CAUSE]) & 1:
            causes |= 1 << rules[r, R_CAUSE]
            article = rules[r, R_ARTICLE]
    return chosen, causes, article


# long: score.handle_score step by step — aggregation, cap, tallies, the environment, the decision.
@njit(cache=True, nogil=True)
def on_score(ev, e_i, cfg, rules, sits, role, term, per, cnt, yi, yf, wc, wp, bm, it, dec, env, prior, previous,
             f_conseq, out_e, out_ef):
    day = e_i[ev, E_DATE]
    year = year_of(day)
    points = e_i[ev, E_POINTS]
    inspection = e_i[ev, E_INSPECTION]
    counted = counted_points(cfg, bm, cnt, year, inspection, e_i[ev, E_BEHAVIOUR], points)
    uncapped = counted
    y = year_slot(yi, yf, wc, wp, cnt, year)
    cap = cfg[C_YEAR_CAP]
    if cap != NULL:
        already = yi[y, Y_POINTS] - yf[y] if cfg[C_CAP_NET] == 1 else float(yi[y, Y_POINTS])
        if already + counted > cap:
            counted = max(0, int(cap - already))
    before = yi[y, Y_POINTS] - yf[y]
    yi[y, Y_POINTS] += counted
    total = yi[y, Y_POINTS] - yf[y]
    single = inspection_total(it, cnt, year, inspection, uncapped)
    if cfg[C_SINGLE_INSPECTION] == 0:
        single = points
    yi[y, Y_MAX_SINGLE] = max(yi[y, Y_MAX_SINGLE], single)
    situation = e_i[ev, E_SITUATION]
    fired = 0
    if not (uncapped == 0 and points > 0):  # a finding that adds no points takes no new measure
        env[CQ_TOTAL] = total
        env[CQ_BEFORE] = before
        env[CQ_YEAR_POINTS] = yi[y, Y_POINTS]
        env[CQ_SINGLE] = single
        env[CQ_POINTS] = points
        env[CQ_COUNTED] = counted
        env[CQ_SITUATION] = situation
        env[CQ_TIER] = sits[situation, SIT_TIER]
        env[CQ_RESP] = e_i[ev, E_RESPONSIBILITY]
        env[CQ_ROLE] = role
        env[CQ_DATE] = day
        env[CQ_YEAR] = year
        env[CQ_STATE] = per[cnt[N_PERIODS] - 1, PF_STATE]
        k, m = 0, 0
        if cfg[C_NEED_PRIOR] == 1 or cfg[C_NEED_PREVIOUS] == 1:
            k, m = year_lists(yi, yf, cnt, year, prior, previous)
            if k < 0:
                return False
        fired = f_conseq(env, prior[:k], previous[:m])
    chosen, causes, article = choose(rules, fired, cfg[C_RULES])
    index = cnt[N_DECISIONS]
    cnt[N_DECISIONS] = index + 1
    action = rules[chosen, R_ACTION] if chosen >= 0 else A_NONE
    out_e[ev, OE_ACTION] = action
    out_e[ev, OE_SINGLE] = single
    out_e[ev, OE_RULE] = chosen if chosen >= 0 else NULL
    out_e[ev, OE_ARTICLE] = article if chosen >= 0 else sits[situation, SIT_ARTICLE]
    out_ef[ev, OEF_YEAR_TOTAL] = total
    out_ef[ev, OEF_POINTS] = counted
    dec[index, D_ACTION] = action
    dec[index, D_RULE] = out_e[ev, OE_RULE]
    dec[index, D_LAST_ARTICLE] = out_e[ev, OE_ARTICLE]
    if action == A_SUSPEND or action == A_TERMINATE:
        apply_rule(term, per, cnt, cfg, rules, out_e, ev, chosen, index, day, single, causes)
    dec[index, D_FROM] = out_e[ev, OE_FROM]
    return True


# long: repair.handle_repair and repair._shorten_term step by step.
@njit(cache=True, nogil=True)
def on_repair(ev, e_i, e_f, cfg, ways, role, term, per, cnt, yi, yf, wc, wp, acc, env, f_refuse, f_earned,
              out_e, out_ef):
    day = e_i[ev, E_DATE]
    way = e_i[ev, E_WAY]
    y = year_slot(yi, yf, wc, wp, cnt, year_of(day))
    on = term[T_ON] == 1
    out_e[ev, OE_ACCEPTED] = 0
    out_ef[ev, OEF_POINTS] = 0.0
    net = yi[y, Y_POINTS] - yf[y]
    env[RP_SCORE] = e_f[ev, EF_SCORE]
    env[RP_CLAIMED] = e_f[ev, EF_POINTS]
    env[RP_NET] = net
    env[RP_POINTS] = yi[y, Y_POINTS]
    env[RP_MAX_SINGLE] = yi[y, Y_MAX_SINGLE]
    env[RP_SANCTION] = term[T_SINGLE] if on else 0
    env[RP_STATE] = per[cnt[N_PERIODS] - 1, PF_STATE]
    env[RP_DATE] = day
    env[RP_ROLE] = role
    env[RP_WAY_COUNT] = wc[y, way]
    env[RP_WAY_POINTS] = wp[y, way]
    env[RP_IN_SCORE] = e_f[ev, EF_SCORE]
    env[RP_IN_POINTS] = e_f[ev, EF_POINTS]
    env[RP_IN_VERIFIED] = e_i[ev, E_VERIFIED]
    env[RP_IN_REWARDED] = e_i[ev, E_REWARDED]
    if f_refuse(env) >= 0:
        return
    earned = f_earned(way, env)
    if earned <= 0:
        return
    if ways[way, W_PER_YEAR_COUNT] != NULL and wc[y, way] >= ways[way, W_PER_YEAR_COUNT]:
        return
    if net <= 0:
        return
    grant = min(earned, net)
    if ways[way, W_PER_YEAR_POINTS] != NULL:
        grant = min(grant, ways[way, W_PER_YEAR_POINTS] - wp[y, way])
    if cfg[C_REPAIR_PER_YEAR] != NULL:
        grant = min(grant, cfg[C_REPAIR_PER_YEAR] - yf[y])
    if grant <= 0:
        return
    yf[y] += grant
    wc[y, way] += 1
    wp[y, way] += grant
    out_e[ev, OE_ACCEPTED] = 1
    out_ef[ev, OEF_POINTS] = grant
    acc[cnt[N_ACCEPTED]] = day
    cnt[N_ACCEPTED] += 1
    # an accepted repair while the person's own term runs may shorten it (reading repair_shortening)
    if cfg[C_SHORTEN] == 0 or not on or day > term[T_UNTIL]:
        return
    if term[T_SHORTENED] == 1 and cfg[C_SHORTEN_PER_REPAIR] == 0:
        return
    floor = add_months(term[T_START], cfg[C_SHORTEN_MINIMUM])
    until = max(add_months(term[T_UNTIL], -cfg[C_SHORTEN_MONTHS]), floor, day)
    if until < term[T_UNTIL]:
        term[T_UNTIL] = until
        term[T_SHORTENED] = 1
        show(term, per, cnt, day)


@njit(cache=True, nogil=True)
def on_claim(ev, e_i, role, term, per, cnt, env, f_settle, out_e):
    """The settlement rules on the claim's day; False when no rule covers it (the engine refuses to guess)."""
    on = term[T_ON] == 1
    env[ST_STATE] = per[cnt[N_PERIODS] - 1, PF_STATE]
    env[ST_EMERGENCY] = e_i[ev, E_EMERGENCY]
    env[ST_DATE] = e_i[ev, E_DATE]
    env[ST_ROLE] = role
    env[ST_UNTIL] = term[T_UNTIL] if on else NULL
    env[ST_CAUSES] = term[T_CAUSES] if on else 0
    found = f_settle(env)
    if found < 0:
        return False
    out_e[ev, OE_RULE] = found >> 1
    out_e[ev, OE_SETTLED] = found & 1
    return True


@njit(cache=True, nogil=True)
def on_restoration(ev, e_i, cfg, role, term, per, cnt, yi, yf, wc, wp, acc, env, f_restore, out_e):
    day = e_i[ev, E_DATE]
    out_e[ev, OE_ACCEPTED] = 0
    if term[T_ON] == 0:
        return  # status normal: nothing to restore
    if cfg[C_RESTORATION] != RESTORATION_ALWAYS:
        decided = find_year(yi, cnt, term[T_YEAR])
        env[RS_YEAR_NET] = yi[decided, Y_POINTS] - yf[decided] if decided >= 0 else 0.0
        y = year_slot(yi, yf, wc, wp, cnt, year_of(day))
        repairs = 0
        for i in range(cnt[N_ACCEPTED]):
            if acc[i] >= term[T_FIRST]:
                repairs += 1
        env[RS_STATE] = term[T_STATE]
        env[RS_DATE] = day
        env[RS_UNTIL] = term[T_UNTIL]
        env[RS_FROM] = term[T_START]
        env[RS_FIRST] = term[T_FIRST]
        env[RS_PASSED] = e_i[ev, E_PASSED]
        env[RS_ROLE] = role
        env[RS_NET] = yi[y, Y_POINTS] - yf[y]
        env[RS_SINGLE] = term[T_SINGLE]
        env[RS_CAUSE] = term[T_CAUSE]
        env[RS_REPAIRS] = repairs
        if not f_restore(env):
            return
    if e_i[ev, E_PASSED] == 0:
        return
    out_e[ev, OE_ACCEPTED] = 1
    term[T_ON] = 0
    show(term, per, cnt, day)


# -- the person's status on as_of (timeline.status_on, and the status row of engine/faces/status.py) --
@njit(cache=True, nogil=True)
def cause_of(per, cnt, dec, i):
    """The decision behind a suspended or terminated period (the status row's rule and article)."""
    state = per[i, PF_STATE]
    wanted = A_SUSPEND if state == S_SUSPENDED else A_TERMINATE
    index = per[i, PF_DECISION]
    n = cnt[N_DECISIONS]
    if index != NULL and 0 <= index < n and dec[index, D_ACTION] == wanted:
        return index
    start = per[i, PF_START]
    if start == NULL:
        return -1
    found = -1
    for j in range(n):
        if dec[j, D_ACTION] == wanted and dec[j, D_FROM] == start:
            found = j
    if found >= 0:
        return found
    for j in range(n):
        if dec[j, D_ACTION] == wanted and dec[j, D_FROM] <= start:
            found = j
    return found


# long: the status on as_of and the status row, field by field.
@njit(cache=True, nogil=True)
def finish(p, as_of, per, cnt, dec, out_p):
    n = cnt[N_PERIODS]
    cur = 0
    for i in range(n):
        if per[i, PF_START] == NULL or per[i, PF_START] <= as_of:
            cur = i
    state = per[cur, PF_STATE]
    out_p[p, O_STATE] = state
    out_p[p, O_PHASE] = per[cur, PF_PHASE]
    until = NULL
    if state == S_SUSPENDED:
        until = per[cur, PF_TERM_UNTIL] if per[cur, PF_TERM_UNTIL] != NULL else per[cur, PF_UNTIL]
    elif state == S_TERMINATED:
        until = per[cur, PF_BAN_UNTIL]
    out_p[p, O_STATUS_UNTIL] = until
    at = -1
    for i in range(n):
        if (per[i, PF_START] == NULL or per[i, PF_START] <= as_of) and (per[i, PF_UNTIL] == NULL
                                                                       or as_of <= per[i, PF_UNTIL]):
            at = i
            break
    first = at
    while first > 0 and per[first - 1, PF_STATE] == state:
        first -= 1
    out_p[p, O_FROM] = per[first, PF_START] if first >= 0 else NULL
    if state == S_TERMINATED:
        out_p[p, O_UNTIL] = until
    else:
        out_p[p, O_UNTIL] = per[at, PF_UNTIL] if at >= 0 else NULL
    out_p[p, O_RULE] = NULL
    out_p[p, O_ARTICLE] = NULL
    if state == S_NORMAL:
        return
    cause = cause_of(per, cnt, dec, at) if at >= 0 else -1
    if cause < 0 and first >= 0:
        cause = cause_of(per, cnt, dec, first)
    if cause >= 0:
        out_p[p, O_RULE] = dec[cause, D_RULE]
    if at >= 0 and per[at, PF_ARTICLE] != NULL:
        out_p[p, O_ARTICLE] = per[at, PF_ARTICLE]
    elif first >= 0 and per[first, PF_ARTICLE] != NULL:
        out_p[p, O_ARTICLE] = per[first, PF_ARTICLE]
    elif cause >= 0:
        out_p[p, O_ARTICLE] = dec[cause, D_LAST_ARTICLE]


@njit(cache=True, nogil=True)
def write_years(p, row, yi, yf, cnt, out_p, out_y, out_yf):
    """The person's years in order (result ``years``), from ``row`` on."""
    n = cnt[N_YEARS]
    bound = -1 << 40
    for k in range(n):
        best = -1
        for i in range(n):
            if yi[i, Y_YEAR] > bound and (best < 0 or yi[i, Y_YEAR] < yi[best, Y_YEAR]):
                best = i
        out_y[row + k, OY_YEAR] = yi[best, Y_YEAR]
        out_y[row + k, OY_POINTS] = yi[best, Y_POINTS]
        out_yf[row + k, OYF_REPAIRED] = yf[best]
        out_yf[row + k, OYF_NET] = yi[best, Y_POINTS] - yf[best]
        bound = yi[best, Y_YEAR]
    out_p[p, O_YEARS] = n


@njit(cache=True, nogil=True)
def keep_alive(owners):
    """A use of the scratch arrays' owners after the last use of their borrowed views."""
    return len(owners)


# long: the run (run.run): per person, events in date order, time passing between them.
@njit(SIGNATURE, cache=True, nogil=True)
def run(lo, hi, p_off, p_i, e_i, e_f, cfg, rules, sits, ways, f_conseq, f_refuse, f_earned, f_restore, f_settle,
        out_p, out_e, out_ef, out_y, out_yf):
    """Evaluate persons ``lo``..``hi`` whose ``P_RUN`` is set; a person the kernel cannot finish gets O_BAIL."""
    most = 1
    for p in range(lo, hi):
        most = max(most, p_off[p + 1] - p_off[p])
    ways_ = max(1, cfg[C_WAYS])
    owners = (np.empty(most, np.int64), np.empty((3 * most + 4, 9), np.int64), np.empty((most + 2, 3), np.int64),
              np.empty(most + 2, np.float64), np.empty((most + 2, ways_), np.int64),
              np.empty((most + 2, ways_), np.float64), np.empty((most, 4), np.int64), np.empty((most, 3), np.int64),
              np.empty((most, 4), np.int64), np.empty(most, np.int64), np.zeros(14, np.int64), np.zeros(6, np.int64),
              np.zeros(CQ_SIZE, np.float64), np.zeros(RP_SIZE, np.float64), np.zeros(RS_SIZE, np.float64),
              np.zeros(ST_SIZE, np.float64), np.empty(most + 2, np.float64), np.empty(512, np.float64))
    order, per, yi, yf, wc, wp = (borrowed(owners[0]), borrowed(owners[1]), borrowed(owners[2]), borrowed(owners[3]),
                                  borrowed(owners[4]), borrowed(owners[5]))
    bm, it, dec, acc, term, cnt = (borrowed(owners[6]), borrowed(owners[7]), borrowed(owners[8]), borrowed(owners[9]),
                                   borrowed(owners[10]), borrowed(owners[11]))
    env_cq, env_rp, env_rs, env_st, prior, previous = (borrowed(owners[12]), borrowed(owners[13]),
                                                       borrowed(owners[14]), borrowed(owners[15]),
                                                       borrowed(owners[16]), borrowed(owners[17]))
    # the caller's arrays live for the whole call
    p_off, p_i, e_i, e_f, cfg, rules, sits, ways = (borrowed(p_off), borrowed(p_i), borrowed(e_i), borrowed(e_f),
                                                    borrowed(cfg), borrowed(rules), borrowed(sits), borrowed(ways))
    out_p, out_e, out_ef, out_y, out_yf = (borrowed(out_p), borrowed(out_e), borrowed(out_ef), borrowed(out_y),
                                           borrowed(out_yf))
    for p in range(lo, hi):
        if p_i[p, P_RUN] == 0:
            continue
        a = p_off[p]
        n = p_off[p + 1] - a
        for k in range(n):  # stable: same-day events keep their order in the ledger
            x = a + k
            d = e_i[x, E_DATE]
            j = k - 1
            while j >= 0 and e_i[order[j], E_DATE] > d:
                order[j + 1] = order[j]
                j -= 1
            order[j + 1] = x
        term.fill(0)
        cnt.fill(0)
        for f in range(per.shape[1]):
            per[0, f] = NULL
        per[0, PF_STATE] = S_NORMAL
        per[0, PF_PHASE] = PH_NORMAL
        cnt[N_PERIODS] = 1
        role = p_i[p, P_ROLE]
        ok = True
        for k in range(n):
            ev = order[k]
            advance(term, per, cnt, cfg, e_i[ev, E_DATE])
            for f in range(out_e.shape[1]):
                out_e[ev, f] = NULL
            out_ef[ev, OEF_YEAR_TOTAL] = np.nan
            out_ef[ev, OEF_POINTS] = np.nan
            kind = e_i[ev, E_KIND]
            if kind == K_SCORE:
                ok = on_score(ev, e_i, cfg, rules, sits, role, term, per, cnt, yi, yf, wc, wp, bm, it, dec, env_cq,
                              prior, previous, f_conseq, out_e, out_ef)
            elif kind == K_REPAIR:
                on_repair(ev, e_i, e_f, cfg, ways, role, term, per, cnt, yi, yf, wc, wp, acc, env_rp, f_refuse,
                          f_earned, out_e, out_ef)
            elif kind == K_CLAIM:
                ok = on_claim(ev, e_i, role, term, per, cnt, env_st, f_settle, out_e)
            elif kind == K_RESTORATION and cfg[C_RESTORATION] != RESTORATION_NONE:
                on_restoration(ev, e_i, cfg, role, term, per, cnt, yi, yf, wc, wp, acc, env_rs, f_restore, out_e)
            else:
                ok = False
            if not ok:
                break
        out_p[p, O_BAIL] = 0 if ok else 1
        if not ok:
            continue
        as_of = p_i[p, P_AS_OF]
        advance(term, per, cnt, cfg, as_of)
        finish(p, as_of, per, cnt, dec, out_p)
        write_years(p, a + p, yi, yf, cnt, out_p, out_y, out_yf)
    keep_alive(owners)  # the scratch arrays' owners outlive their borrowed views
