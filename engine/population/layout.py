"""The shape of the arrays the population kernel reads and writes: column numbers, codes and the slots
of each condition's environment — declared once, read by the encoder, the kernel and the code generator.

Every number the kernel holds is an ``int64`` (dates as days since 1970-01-01) or a ``float64`` (points
after repairs). A value that is absent is :data:`NULL`. A condition generated from a rulebook reads its
names from one ``float64`` array per family (:data:`CONSEQUENCE_ENV`, …): the kernel fills the slots,
the generated function reads them, so every rulebook's functions share one signature.
"""

from __future__ import annotations

from typing import Dict, Tuple

#: An absent date or number (no real date is this far from 1970).
NULL = -999_999_999

# -- codes -----------------------------------------------------------------------------------------
#: Event kinds the kernel runs, by code.
KINDS: Tuple[str, ...] = ("score", "repair", "claim", "restoration")
K_SCORE, K_REPAIR, K_CLAIM, K_RESTORATION = range(4)
#: Status states and phases (records.Period, terms.Term).
STATES: Tuple[str, ...] = ("normal", "suspended", "terminated")
S_NORMAL, S_SUSPENDED, S_TERMINATED = range(3)
PHASES: Tuple[str, ...] = ("normal", "term", "awaiting_restoration", "banned", "ban_over")
PH_NORMAL, PH_TERM, PH_AWAITING, PH_BANNED, PH_BAN_OVER = range(5)
#: Actions of a decision, from the least to the most severe (engine.spec.vocabulary.ACTIONS).
ACTIONS: Tuple[str, ...] = ("none", "warn", "suspend", "terminate")
A_NONE, A_WARN, A_SUSPEND, A_TERMINATE = range(4)
#: What a term is for (TermCause); a term's causes are a bit mask over these.
CAUSES: Tuple[str, ...] = ("score", "obligation", "licence", "institution")
#: Responsibility levels: 0 is none ('' in a condition).
RESPONSIBILITIES: Tuple[str, ...] = ("", "general", "important", "primary")

# -- inputs ----------------------------------------------------------------------------------------
#: Columns of the per-person input (int64).
P_AS_OF, P_ROLE, P_RUN = range(3)
P_COLUMNS = 3
#: Columns of the per-event input (int64); -1 where a code is absent.
(E_KIND, E_DATE, E_SITUATION, E_RESPONSIBILITY, E_POINTS, E_INSPECTION, E_BEHAVIOUR, E_WAY, E_EMERGENCY,
 E_PASSED, E_VERIFIED, E_REWARDED) = range(12)
E_COLUMNS = 12
#: Columns of the per-event input (float64): a repair's exam score and the points it claims.
EF_SCORE, EF_POINTS = range(2)
EF_COLUMNS = 2

# -- the rulebook as numbers -----------------------------------------------------------------------
#: Settings (``cfg``): the readings the evaluation applies and the section switches.
(C_SAME_MAX, C_SCOPE_YEAR, C_YEAR_CAP, C_CAP_NET, C_SINGLE_INSPECTION, C_AFTER_NORMAL, C_OVERLAP_EXTEND,
 C_REPEAT_LATER_END, C_SHORTEN_PER_REPAIR, C_MONTHS_MAX, C_DEDUCT, C_ALLOWANCE, C_NEED_PRIOR, C_NEED_PREVIOUS,
 C_RULES, C_SHORTEN, C_SHORTEN_MONTHS, C_SHORTEN_MINIMUM, C_REPAIR_PER_YEAR, C_RESTORATION, C_WAYS,
 C_RESTORATION_ARTICLE) = range(22)
CFG_COLUMNS = 22
#: C_RESTORATION: no restoration section, allowed always (no condition), allowed when its condition holds.
RESTORATION_NONE, RESTORATION_ALWAYS, RESTORATION_WHEN = range(3)
#: Columns of a consequence rule; R_ORDER lists the rules from the most severe (ties: file order).
(R_ACTION, R_MONTHS, R_MONTHS_MIN, R_MONTHS_MAX, R_BAN, R_BAN_MIN, R_BAN_MAX, R_SHORTEST_BAN, R_CAUSE,
 R_ARTICLE, R_ORDER) = range(11)
R_COLUMNS = 11
#: Columns of a situation.
SIT_TIER, SIT_ARTICLE = range(2)
SIT_COLUMNS = 2
#: Columns of a repair way.
W_PER_YEAR_COUNT, W_PER_YEAR_POINTS, W_ARTICLE = range(3)
W_COLUMNS = 3

# -- outputs ---------------------------------------------------------------------------------------
#: Per person (int64): the status on as_of, the status row's fields, the as_of year's points.
(O_STATE, O_PHASE, O_FROM, O_UNTIL, O_RULE, O_ARTICLE, O_BAIL, O_YEARS, O_STATUS_UNTIL) = range(9)
O_COLUMNS = 9
#: Per event (int64); NULL where the field does not apply.
(OE_ACTION, OE_MONTHS, OE_BAN, OE_TERM_MONTHS, OE_FROM, OE_UNTIL, OE_RULE, OE_ARTICLE, OE_SINGLE, OE_ACCEPTED,
 OE_SETTLED, OE_SITUATION, OE_TIER) = range(13)
OE_COLUMNS = 13
#: Per event (float64): the year's total after a score, the points a score counted or a repair granted.
OEF_YEAR_TOTAL, OEF_POINTS = range(2)
OEF_COLUMNS = 2
#: Per person-year (int64 and float64), at row ``event offset + person`` onwards.
OY_YEAR, OY_POINTS = range(2)
OY_COLUMNS = 2
OYF_REPAIRED, OYF_NET = range(2)
OYF_COLUMNS = 2


# -- the environments of the generated conditions --------------------------------------------------
def _slots(*names: str) -> Dict[str, int]:
    return {name: index for index, name in enumerate(names)}


#: engine.spec.names.CONSEQUENCE (the lists are arguments of their own).
CONSEQUENCE_ENV = _slots("year_total", "year_total_before", "year_points", "single", "points", "counted_points",
                         "situation", "tier", "responsibility", "role", "date", "year", "state_before")
#: engine.spec.names.REPAIR and a way's inputs (``input.<name>``).
REPAIR_ENV = _slots("score", "points_claimed", "year_net", "year_points", "year_max_single", "sanction_single",
                    "state", "date", "role", "way_count", "way_points", "input.score", "input.points",
                    "input.verified", "input.rewarded")
#: engine.spec.names.RESTORATION.
RESTORATION_ENV = _slots("state", "date", "until", "from", "passed", "role", "year_net", "sanction_single",
                         "sanction_cause", "sanction_year_net", "first_day", "term_repairs")
#: engine.spec.names.SETTLEMENT (``causes`` is a bit mask over :data:`CAUSES`; ``until`` may be NULL).
SETTLEMENT_ENV = _slots("state", "emergency", "date", "role", "until", "causes")
