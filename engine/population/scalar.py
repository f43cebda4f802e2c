"""A person the scalar engine evaluated, written into the population's arrays like the kernel's persons.

The result is the engine's JSON (``Rulebook.evaluate``); its status row comes from
:func:`engine.evaluate.status_row.status_fields`, the same fields ``yibao batch --status-table`` writes.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Dict, List, Mapping, Optional, Tuple

import numpy as np

from engine.evaluate.status_row import status_fields
from engine.population import layout as L
from engine.population.encode import Encoded
from engine.population.generate import RulebookCode
from engine.population.translate import day_number
from engine.spec.rulebook import RulebookSpec


class Words:
    """The strings behind the codes of the output (rule ids, articles, situations); a string the kernel's
    tables lack (an obligation's rule, a measure's) is added when a scalar result names it."""

    def __init__(self, code: RulebookCode):
        self.rules: List[str] = list(code.rule_ids) + list(code.settlement_ids)
        self.settlement_offset = len(code.rule_ids)
        self.articles: List[str] = list(code.articles)
        self.situations: List[str] = list(code.situations)
        self._index: Dict[Tuple[str, str], int] = {}
        for kind, items in (("rule", self.rules), ("article", self.articles), ("situation", self.situations)):
            for index, item in enumerate(items):
                self._index.setdefault((kind, item), index)

    def code(self, kind: str, text: Optional[str]) -> int:
        if not text:
            return L.NULL
        found = self._index.get((kind, text))
        if found is None:
            items = {"rule": self.rules, "article": self.articles, "situation": self.situations}[kind]
            found = self._index[(kind, text)] = len(items)
            items.append(text)
        return found


def _day(text: Optional[str]) -> int:
    return L.NULL if text is None else day_number(_dt.date.fromisoformat(text))


def _int(value: Any) -> int:
    return L.NULL if value is None else int(value)


def _term_months(record: Mapping[str, Any], result: Mapping[str, Any]) -> int:
    """The months a suspension decision's term ran for: its months, else the reading's end of its range."""
    if record.get("action") != "suspend":
        return L.NULL
    if record.get("months") is not None:
        return int(record["months"])
    reading = next((item["value"] for item in result.get("interpretations") or ()
                    if item["id"] == "suspension_months_default"), None)
    return _int(record.get("months_max") if reading == "max" else record.get("months_min"))


def _term(out_e: np.ndarray, row: int, record: Mapping[str, Any], result: Mapping[str, Any], words: Words) -> None:
    """A decision's action and term (score, obligation, measure against the institution)."""
    out_e[row, L.OE_ACTION] = L.ACTIONS.index(record["action"]) if record.get("action") in L.ACTIONS else L.NULL
    out_e[row, L.OE_MONTHS] = _int(record.get("months"))
    out_e[row, L.OE_BAN] = _int(record.get("ban_years"))
    out_e[row, L.OE_TERM_MONTHS] = _term_months(record, result)
    out_e[row, L.OE_FROM] = _day(record.get("from"))
    out_e[row, L.OE_UNTIL] = _day(record.get("until"))
    out_e[row, L.OE_RULE] = words.code("rule", (record.get("rules") or [None])[0])
    out_e[row, L.OE_ARTICLE] = words.code("article", (record.get("articles") or [None])[-1])


# long: one block per record list of the result.
def fill_person(result: Mapping[str, Any], person: int, enc: Encoded, outputs: Tuple, words: Words,
                rulebook: RulebookSpec) -> None:
    """Write one person's scalar result into the output arrays (rows of their events and years)."""
    out_p, out_e, out_ef, out_y, out_yf = outputs
    status = result["status"]
    fields = status_fields(result)
    out_p[person, L.O_STATE] = L.STATES.index(status["state"])
    out_p[person, L.O_PHASE] = L.PHASES.index(status["phase"])
    out_p[person, L.O_STATUS_UNTIL] = _day(status.get("until"))
    out_p[person, L.O_FROM] = _day(fields["from"])
    out_p[person, L.O_UNTIL] = _day(fields["until"])
    out_p[person, L.O_RULE] = words.code("rule", fields["rule"])
    out_p[person, L.O_ARTICLE] = words.code("article", fields["article"])
    out_p[person, L.O_BAIL] = 0
    row = int(enc.p_off[person]) + person
    years = sorted(result["years"].items(), key=lambda item: int(item[0]))
    for k, (year, entry) in enumerate(years):
        out_y[row + k] = (int(year), entry["points"])
        out_yf[row + k] = (entry["repaired"], entry["net"])
    out_p[person, L.O_YEARS] = len(years)
    base = int(enc.p_off[person])
    out_e[base:int(enc.p_off[person + 1])] = L.NULL
    out_ef[base:int(enc.p_off[person + 1])] = np.nan
    for record in result["decisions"]:
        at = base + record["event"]
        _term(out_e, at, record, result, words)
        out_e[at, L.OE_SINGLE] = record["single"]
        out_e[at, L.OE_SITUATION] = words.code("situation", record["situation"])
        out_e[at, L.OE_TIER] = record["tier"]
        out_ef[at] = (record["year_total"], record["counted_points"])
    for record in list(result.get("obligations") or ()) + list(result.get("institution_measures") or ()):
        _term(out_e, base + record["event"], record, result, words)
    for record in result.get("repairs") or ():
        out_e[base + record["event"], L.OE_ACCEPTED] = int(record["accepted"])
        out_ef[base + record["event"], L.OEF_POINTS] = record["points"]
    for record in result.get("claims") or ():
        out_e[base + record["event"], L.OE_SETTLED] = int(record["settled"])
        out_e[base + record["event"], L.OE_RULE] = words.code("rule", record.get("rule"))
    for record in result.get("restorations") or ():
        out_e[base + record["event"], L.OE_ACCEPTED] = int(record["accepted"])


__all__ = ["Words", "fill_person"]
