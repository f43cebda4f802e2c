"""Text and numbers agree: warn where a rule's original sentence names a number its encoding does not use.

A rule keeps its sentence of law (``text:``) beside the numbers the engine applies (``months``,
``ban_years``, the points of a tier, the thresholds of a ``when`` condition, repair points and caps).
When an officer changes ``months: 2`` to ``3`` and leaves "暂停医保支付资格 2 个月", nothing else
notices; this lint does. It reads the compiled rulebook (the API), never the YAML.

The check is one-way on purpose: every encoded number must be one the sentence names with that unit
(个月, 分, 年; Arabic or Chinese numerals; a range "1-6个月" names both ends). A sentence that names no
number of that unit cannot be checked and gives no warning; a sentence may name more numbers than the
rule encodes ("连续三年……1－2年内").
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

from engine.api import load_rulebook
from engine.rulebook.rulebook import Rulebook
from engine.spec.scoring import Consequence

#: The units a sentence of law writes its numbers in, and what each one measures.
UNITS = {"months": "个月", "points": "分", "years": "年"}
UNIT_WORDS = {"months": "暂停月数 months", "points": "分值 points", "years": "年数 years"}

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUMBER = r"(\d+|[零〇一二两三四五六七八九十]+)"
_RANGE_SEPARATOR = r"\s*[-－~～至到]\s*"
#: Names of a condition that hold points; a number compared with them is a threshold in 分.
_POINT_NAMES = ("year_total_before", "year_total", "year_points", "counted_points", "single", "points", "year_net",
                "year_max_single", "sanction_single", "max_single")
_COMPARISON = re.compile(r"\b(" + "|".join(_POINT_NAMES) + r")\s*(>=|<=|==|>|<)\s*(\d+)\b")


def chinese_number(word: str) -> Optional[int]:
    """``"12"`` → 12, ``"十二"`` → 12, ``"二十"`` → 20, ``"两"`` → 2; None for anything else.

    Hand-written because the legal texts write only numbers below 100 this way (a library such as
    cn2an would add a dependency for ten lines).
    """
    if word.isdigit():
        return int(word)
    if "十" not in word:
        return _DIGITS[word] if len(word) == 1 and word in _DIGITS else None
    tens, _, ones = word.partition("十")
    if (tens and tens not in _DIGITS) or (ones and ones not in _DIGITS) or "十" in ones:
        return None
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)


def numbers_in(text: str, unit: str) -> List[int]:
    """The numbers ``text`` names with ``unit`` (``months``, ``points``, ``years``); "1-3分" names 1, 2 and 3.

    Years of the calendar ("2025年") and the words 年度/年内 after a date are left out: only counts of
    years (below 100) are read.
    """
    word = UNITS[unit]
    found: List[int] = []
    pattern = re.compile(_NUMBER + r"(?:" + _RANGE_SEPARATOR + _NUMBER + r")?\s*" + re.escape(word))
    for match in pattern.finditer(text or ""):
        low, high = (chinese_number(group) if group else None for group in match.groups())
        if low is None or (unit == "years" and low >= 100):
            continue
        if high is not None and low <= high <= low + 24:  # a range names every value between its ends
            found.extend(range(low, high + 1))
        else:
            found.append(low)
    return found


#: How a sentence names a responsibility level ("负有重要责任的记 2分/次").
LEVEL_WORDS = {"general": "一般责任", "important": "重要责任", "primary": "主要责任"}


def level_points(text: str, level: str) -> Tuple[int, ...]:
    """The points a sentence gives one responsibility level ("重要责任的记 2分" → (2,)), or () when it names none."""
    word = LEVEL_WORDS.get(level)
    match = re.search(re.escape(word) + r"[^，,；;。]*?" + _NUMBER + r"\s*分", text or "") if word else None
    value = chinese_number(match.group(1)) if match else None
    return (value,) if value is not None else ()


@dataclass(frozen=True)
class TextWarning:
    """One number of a rule that its original sentence does not name."""

    rulebook: str
    section: str
    rule: str
    article: str
    field: str
    unit: str
    encoded: Any
    text_numbers: Tuple[int, ...]
    text: str
    file: Optional[str] = None
    line: Optional[int] = None

    @property
    def message(self) -> str:
        named = "、".join(f"{n}{UNITS[self.unit]}" for n in self.text_numbers)
        return (f"{self.section} {self.rule} ({self.article}): {self.field} = {self.encoded}, but the text names "
                f"{named} — 原文与编码数值不一致 text and number disagree")

    def one_line(self) -> str:
        where = f"{self.file}:{self.line}: " if self.file and self.line else ""
        return where + self.message

    def to_dict(self) -> Dict[str, Any]:
        data = asdict(self)
        data["text_numbers"] = list(self.text_numbers)
        data["message"] = self.message
        return data


def _thresholds(condition: str) -> List[Tuple[int, ...]]:
    """The point thresholds of a condition, each with the values the text may name for it.

    ``year_total >= 9`` → (9,); ``year_total > 8`` → (8, 9) (the text may say "8分以上" or "9分").
    """
    out = []
    for _, operator, number in _COMPARISON.findall(condition or ""):
        value = int(number)
        if value == 0:
            continue  # "> 0": any points at all, which no sentence writes as a number
        if operator == ">":
            out.append((value, value + 1))
        elif operator == "<":
            out.append((value, value - 1))
        else:
            out.append((value,))
    return out


class _Checker:
    """Collects the warnings of one rulebook, locating each rule by its origin (file and line)."""

    def __init__(self, rb: Rulebook) -> None:
        self.rb = rb
        self.where = {(row["section"], str(row["id"])): (row["file"], row["line"]) for row in rb.origins}
        self.warnings: List[TextWarning] = []

    def number(self, section: str, rule: str, legal: Any, field: str, unit: str, encoded: Any,
               accepted: Iterable[int] = (), named: Iterable[int] = ()) -> None:
        """Warn when ``encoded`` (or one of ``accepted``) is not a number the sentence names with ``unit``
        (or, where the sentence names the number of this very field, ``named``)."""
        if encoded is None or legal is None:
            return
        named = list(named) or numbers_in(legal.text, unit)
        candidates = set(accepted) or {encoded}
        if not named or candidates & set(named):
            return
        file, line = self.where.get((section, rule), (self.rb.source, None))
        self.warnings.append(TextWarning(self.rb.id, section, rule, legal.article, field, unit, encoded,
                                         tuple(dict.fromkeys(named)), legal.text, file, line))

    def consequence(self, section: str, c: Consequence) -> None:
        # a fixed term is also stored as its own minimum and maximum: check those only for a range
        for field in ("months",) if c.months is not None else ("months_min", "months_max"):
            self.number(section, c.id, c.legal, field, "months", getattr(c, field))
        for field in ("ban_years",) if c.ban_years is not None else ("ban_years_min", "ban_years_max"):
            self.number(section, c.id, c.legal, field, "years", getattr(c, field))
        for accepted in _thresholds(c.when.text):
            self.number(section, c.id, c.legal, f"when ({c.when.text})", "points", accepted[0], accepted)


def _points(points: Any) -> List[Tuple[str, int]]:
    if isinstance(points, Mapping):
        return [(f"points.{level}", value) for level, value in points.items()]
    return [("points", points)] if isinstance(points, int) else []


def check_text_numbers(rulebook: Any) -> List[TextWarning]:
    """Every disagreement between a rule's sentence and its encoded numbers (a rulebook id, file or compiled)."""
    rb = rulebook if isinstance(rulebook, Rulebook) else load_rulebook(str(rulebook))
    check = _Checker(rb)
    for index, number in enumerate(sorted(rb.tiers)):
        tier = rb.tiers[number]
        for field, value in _points(tier.points):
            check.number("scoring.tiers", str(number), tier.legal, field, "points", value,
                         named=level_points(tier.legal.text, field.rpartition(".")[2]))
        for field, value in zip(("range[0]", "range[1]"), tier.range or ()):
            check.number("scoring.tiers", str(number), tier.legal, field, "points", value)
        for situation in tier.situations:  # a situation whose own points differ from its tier's
            if situation.points != tier.points:
                for field, value in _points(situation.points):
                    check.number(f"scoring.tiers[{index}].situations", situation.code, situation.legal, field,
                                 "points", value)
    for consequence in rb.consequences:
        check.consequence("consequences.rules", consequence)
    for obligation in rb.obligations.values():
        for consequence in obligation.consequences:
            check.consequence("obligations", consequence)
    if rb.repair is not None:
        for way in rb.repair.ways.values():
            if way.points is not None and way.points.text.strip().isdigit():
                check.number("repair.ways", way.id, way.legal, "points", "points", int(way.points.text))
            for band in way.bands:
                check.number("repair.ways", way.id, way.legal, "bands.points", "points", band.points)
            check.number("repair.ways", way.id, way.legal, "per_year_points", "points", way.per_year_points)
        if rb.repair.shorten is not None:
            check.number("repair", "shorten", rb.repair.shorten.legal, "shorten.months", "months",
                         rb.repair.shorten.months)
    for rule in rb.institution_rules:
        check.number("institution_rules", rule.id, rule.legal, "months_max", "months", rule.months_max)
    if rb.institution_measures is not None:
        for rule in rb.institution_measures.rules:
            check.number("institution_measures.rules", rule.id, rule.legal, "ban_years", "years", rule.ban_years)
    return check.warnings


__all__ = ["TextWarning", "check_text_numbers", "numbers_in", "chinese_number", "UNITS", "UNIT_WORDS"]
