"""Time limits a document sets (期限), as rules: what the period counts from and how far it runs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from engine.dsl.compiler import CompiledExpression
from engine.errors import Location
from engine.spec.legal import Legal


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
