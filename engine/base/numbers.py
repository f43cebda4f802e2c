"""How a result writes a number: whole numbers as ``int`` (``9``, not ``9.0``)."""

from __future__ import annotations

from typing import Union

Number = Union[int, float]


def number(value: float) -> Number:
    """Whole numbers as ``int`` (``9``, not ``9.0``) so results read as the law writes them."""
    return int(value) if float(value).is_integer() else value
