"""The identifiers of the shared vocabulary (GLOSSARY.md) as types: what a field may hold.

Literal types rather than enums: the values are the JSON strings of the public contract, so a
record can be written to JSON as it is, and the type checker still knows the closed set.
"""

from __future__ import annotations

from typing import Literal, Tuple, get_args

Level = Literal["general", "important", "primary"]
Action = Literal["none", "warn", "suspend", "terminate"]
State = Literal["normal", "suspended", "terminated"]
Phase = Literal["normal", "term", "awaiting_restoration", "banned", "ban_over"]
InstitutionAction = Literal["none", "key_monitoring", "suspend_agreement", "dissolve_agreement"]
EventKind = Literal["score", "repair", "claim", "restoration", "obligation", "appeal", "appeal_result",
                    "institution_measure"]
#: What decided a running term: the person's own score (or obligation), or a measure against the institution.
TermCause = Literal["score", "institution"]

LEVELS: Tuple[str, ...] = get_args(Level)
#: In order of severity: a later action is heavier.
ACTIONS: Tuple[str, ...] = get_args(Action)
STATES: Tuple[str, ...] = get_args(State)
PHASES: Tuple[str, ...] = get_args(Phase)
#: In order of severity.
INSTITUTION_ACTIONS: Tuple[str, ...] = get_args(InstitutionAction)
EVENT_KINDS: Tuple[str, ...] = get_args(EventKind)

#: The deadline kinds of the shared vocabulary (GLOSSARY.md), in its order.
DEADLINE_KINDS: Tuple[str, ...] = ("appeal", "verification", "restoration", "restoration_request", "notice",
                                   "delivery", "record_update", "publication", "commitment")
