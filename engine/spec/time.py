"""Time limits a document sets (期限), as rules: what the period counts from and how far it runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional, Tuple

from engine.base.frozen import FrozenDict
from engine.dsl.compiler import CompiledExpression
from engine.errors import Location
from engine.spec.legal import Legal


@dataclass(frozen=True)
class DeadlineException:
    """A case the text takes out of a time limit (e.g. 辽宁 第三十三条 “需第三方专业机构或专家评估鉴定的除外”):
    when it applies, the document sets no deadline at all."""

    id: str
    label: Optional[str]
    legal: Legal


@dataclass(frozen=True)
class Deadline:
    """A time limit of the document: ``expression`` is a date expression over ``from``."""

    kind: str
    legal: Legal
    label: Optional[str]
    start: str                  # what the FROM date is, e.g. notice_received
    expression: CompiledExpression
    bound: str                  # latest | earliest
    actor: Optional[str]
    location: Location
    #: Cases the text takes out of this limit, by id.
    exceptions: Mapping[str, DeadlineException] = field(default_factory=FrozenDict)
    #: The actions of a decision this clock follows (第二十七条: only suspensions and terminations are
    #: published); empty: every decision.
    applies_to: Tuple[str, ...] = ()
    #: The date in a case that shows the act was done (e.g. ``notice_issued`` for ``notice``), if any.
    met_by: Optional[str] = None
