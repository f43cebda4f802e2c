"""The points a score event may carry: the table's default and the range discretion allows."""

from __future__ import annotations

from typing import Optional, Tuple

from engine.spec.rulebook import RulebookSpec
from engine.spec.scoring import Situation


def allowed_points(rulebook: RulebookSpec, situation: Situation, responsibility: Optional[str],
                   adjustment: Optional[str]) -> Tuple[int, int, int, str]:
    """The default points of a score and the range a case may give: (default, low, high, why)."""
    def level_points(points, tier_range) -> Optional[int]:
        if points is None:
            return None  # the rulebook sets only a range: the case gives the points
        if not isinstance(points, int):  # one value per responsibility level
            return points[responsibility] if responsibility in points else tier_range[0]
        return points

    default = level_points(situation.points, situation.range)
    article = situation.legal.article
    if adjustment in ("down_tier", "up_tier"):
        other = rulebook.tiers.get(situation.tier + (-1 if adjustment == "down_tier" else 1))
        if other is None:
            low, high = (0, 0) if adjustment == "down_tier" else situation.range
            return (low if adjustment == "down_tier" else default, low, high, f"{adjustment}: no adjacent tier")
        return level_points(other.points, other.range), other.range[0], other.range[1], f"{adjustment} to tier {other.tier}"
    # Fixed points still allow 从轻/从重 within the tier where the rulebook lists those adjustments.
    if rulebook.discretion_points == "fixed" and adjustment not in ("lighter", "heavier"):
        return default, default, default, f"{article}: fixed points"
    low, high = situation.range
    if adjustment == "lighter":
        return low, low, default, f"{article}: lighter, within the tier below the default"
    if adjustment == "heavier":
        return high, default, high, f"{article}: heavier, within the tier above the default"
    return default, low, high, f"{article}: within the tier"
