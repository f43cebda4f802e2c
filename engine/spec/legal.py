"""The legal layer every rule carries, and the readings of ambiguous text (parameters)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Tuple


@dataclass(frozen=True)
class Legal:
    """The law a rule encodes: article, original sentence, and the reading chosen where ambiguous."""

    article: str
    text: str
    interpretation: Optional[str] = None
    source: Optional[str] = None


@dataclass(frozen=True)
class Parameter:
    """A reading of ambiguous text, chosen by the rulebook and overridable per case."""

    id: str
    value: Any
    allowed: Tuple[Any, ...]
    interpretation: str
    ambiguity: Optional[int] = None
    articles: Tuple[str, ...] = ()
