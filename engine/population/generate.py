"""A rulebook (its validated spec and one set of readings) as the kernel's numbers and generated functions.

:func:`rulebook_code` writes, from the spec that the rulebook's builder made — tiers and situations,
consequence rules, repair ways, refusals and caps, the restoration condition, the settlement rules,
the readings — the tables the kernel reads (:mod:`engine.population.layout`) and the source of five
numba functions, one per family of conditions (the consequence rules as one bit mask of the rules that
fire, the repair refusals, what each repair way earns, the restoration condition, the settlement
rules as one if-chain). The conditions are translated from their checked ASTs
(:mod:`engine.population.translate`); the readings are constants of the code. What cannot be translated
is listed in :attr:`RulebookCode.unsupported`, and the event kinds (and repair ways) it concerns in
:attr:`RulebookCode.kinds` / :attr:`RulebookCode.ways` are left to the scalar engine.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Set, Tuple

import numpy as np

from engine.population import layout as L
from engine.population.translate import Binding, Unsupported, translate
from engine.spec.readings import needed_readings
from engine.spec.rulebook import RulebookSpec
from engine.spec.vocabulary import ACTIONS

#: The inputs of a repair way the kernel holds (the ledger's columns score and points; verified and
#: rewarded are absent from a ledger, so false).
WAY_INPUTS = {"score": "number", "points": "number", "verified": "bool", "rewarded": "bool"}


@dataclass
class RulebookCode:
    """What the kernel needs of one rulebook under one set of readings."""

    source: str                                  # the generated module (functions)
    cfg: np.ndarray
    rules: np.ndarray
    sits: np.ndarray
    ways: np.ndarray
    #: Strings behind the kernel's codes.
    rule_ids: Tuple[str, ...]
    settlement_ids: Tuple[str, ...]
    articles: Tuple[str, ...]
    situations: Tuple[str, ...]
    way_ids: Tuple[str, ...]
    roles: Tuple[str, ...]
    #: Event kinds the kernel runs for this rulebook, and the repair ways it runs.
    kinds: Set[str] = field(default_factory=set)
    covered_ways: Set[str] = field(default_factory=set)
    #: What falls back to the scalar engine, and why (for the documentation and ``--explain``).
    unsupported: List[str] = field(default_factory=list)

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.source.encode("utf-8")).hexdigest()[:24]


class _Articles:
    """Article strings by code ('' has no code: an empty article is treated as absent, as ``or`` does)."""

    def __init__(self) -> None:
        self.items: List[str] = []
        self.index: Dict[str, int] = {}

    def code(self, article: Optional[str]) -> int:
        if not article:
            return L.NULL
        if article not in self.index:
            self.index[article] = len(self.items)
            self.items.append(article)
        return self.index[article]


def condition_bindings(env: Mapping[str, int], kinds: Mapping[str, Any],
                       nullable: Sequence[str] = ()) -> Dict[str, Binding]:
    """Each name of a condition family as the kernel holds it in its ``env`` slot."""
    found: Dict[str, Binding] = {}
    for name, slot in env.items():
        kind = kinds.get(name, "number")
        code = f"env[{slot}]"
        if isinstance(kind, tuple):
            found[name] = Binding("enum", code, kind)
        elif kind == "bool":
            found[name] = Binding("bool", f"({code} != 0.0)")
        elif kind == "flags":
            found[name] = Binding("flags", code, L.CAUSES)
        else:
            found[name] = Binding(kind, code, nullable=name in nullable)
    return found


def name_kinds(spec: RulebookSpec) -> Dict[str, Any]:
    """How the kernel holds each name a condition may read: the words of an enum, date, bool, flags."""
    words = {"situation": tuple(spec.situations), "responsibility": L.RESPONSIBILITIES, "role": tuple(spec.roles),
             "state": L.STATES, "state_before": L.STATES, "sanction_cause": L.CAUSES}
    dates = {name: "date" for name in ("date", "until", "from", "first_day")}
    return {**words, **dates, "passed": "bool", "emergency": "bool", "causes": "flags"}


def _function(name: str, signature: str, args: str, body: Sequence[str]) -> str:
    return "\n".join([f"@njit({signature}, cache=True, nogil=True)", f"def {name}({args}):", *body, ""])


class _Generator:
    """The tables and functions of one rulebook, section by section."""

    def __init__(self, spec: RulebookSpec, readings: Mapping[str, Any]):
        self.spec = spec
        self.readings = dict(readings)
        self.kinds = name_kinds(spec)
        self.articles = _Articles()
        self.unsupported: List[str] = []
        self.covered: Set[str] = set(L.KINDS)

    def condition(self, expression, env: Mapping[str, int], extra: Optional[Dict[str, Binding]] = None) -> str:
        # A claim's ``until`` is absent when no term is in force (engine/evaluate/claim.py).
        bindings = condition_bindings(env, self.kinds, ("until",) if env is L.SETTLEMENT_ENV else ())
        bindings.update(extra or {})
        return translate(expression.node, bindings, self.readings, expression.text)

    def lose(self, kind: str, why: str) -> None:
        self.covered.discard(kind)
        self.unsupported.append(f"{kind}: {why}")

    def consequences(self) -> Tuple[str, np.ndarray]:
        rules = self.spec.consequences
        table = np.full((max(1, len(rules)), L.R_COLUMNS), L.NULL, np.int64)
        body = ["    fired = 0"]
        lists = {"prior_year_totals": Binding("list", "prior"), "previous_year_totals": Binding("list", "previous")}
        if len(rules) > 62:
            self.lose("score", f"{len(rules)} consequence rules (the kernel holds 62)")
        order = sorted(range(len(rules)), key=lambda i: (tuple(-x for x in rules[i].severity), i))
        for index, rule in enumerate(rules):
            table[index, L.R_ACTION] = ACTIONS.index(rule.action)
            for column, value in ((L.R_MONTHS, rule.months), (L.R_MONTHS_MIN, rule.months_min),
                                  (L.R_MONTHS_MAX, rule.months_max), (L.R_BAN, rule.ban_years),
                                  (L.R_BAN_MIN, rule.ban_years_min), (L.R_BAN_MAX, rule.ban_years_max)):
                table[index, column] = L.NULL if value is None else value
            table[index, L.R_SHORTEST_BAN] = rule.shortest_ban
            if rule.cause not in L.CAUSES:
                self.lose("score", f"rule {rule.id}: cause {rule.cause}")
            table[index, L.R_CAUSE] = L.CAUSES.index(rule.cause) if rule.cause in L.CAUSES else 0
            table[index, L.R_ARTICLE] = self.articles.code(rule.legal.article)
            table[index, L.R_ORDER] = order[index]
            try:
                code = self.condition(rule.when, L.CONSEQUENCE_ENV, lists)
            except Unsupported as error:
                self.lose("score", f"rule {rule.id}: {error}")
                continue
            body.append(f"    if {code}:\n        fired |= {1 << index}")
        body.append("    return fired")
        return _function("consequence", "CONSEQUENCE_FN", "env, prior, previous", body), table

    def repair(self) -> Tuple[str, str, np.ndarray, Set[str]]:
        repair = self.spec.repair
        ways = list(repair.ways.values()) if repair else []
        table = np.full((max(1, len(ways)), L.W_COLUMNS), L.NULL, np.int64)
        refuse = ["    return -1"]
        earned = []
        covered: Set[str] = set()
        if repair is None:
            self.lose("repair", "the rulebook defines no repair")
            return (_function("refuse", "REFUSE_FN", "env", refuse),
                    _function("earned", "EARNED_FN", "way, env", ["    return 0.0"]), table, covered)
        try:
            refuse = [f"    if {self.condition(rule.when, L.REPAIR_ENV)}:\n        return {index}"
                      for index, rule in enumerate(repair.refuse)] + ["    return -1"]
        except Unsupported as error:
            self.lose("repair", f"a refusal: {error}")
        for index, way in enumerate(ways):
            table[index, L.W_PER_YEAR_COUNT] = L.NULL if way.per_year_count is None else way.per_year_count
            table[index, L.W_PER_YEAR_POINTS] = L.NULL if way.per_year_points is None else way.per_year_points
            table[index, L.W_ARTICLE] = self.articles.code(way.legal.article)
            try:
                earned.append(f"    if way == {index}:\n" + self.way(way))
                covered.add(way.id)
            except Unsupported as error:
                self.unsupported.append(f"repair way {way.id}: {error}")
        earned.append("    return 0.0")
        return (_function("refuse", "REFUSE_FN", "env", refuse), _function("earned", "EARNED_FN", "way, env", earned),
                table, covered)

    def way(self, way) -> str:
        extra: Dict[str, Binding] = {}
        for name, spec in way.inputs.items():
            if name not in WAY_INPUTS:
                raise Unsupported(f"the input '{name}' is not a ledger column")
            slot = L.REPAIR_ENV[f"input.{name}"]
            extra[name] = (Binding("bool", f"(env[{slot}] != 0.0)") if spec.type == "boolean"
                           else Binding("number", f"env[{slot}]"))
        if way.bands:
            lines = [f"        if {self.condition(band.when, L.REPAIR_ENV, extra)}:\n"
                     f"            return {float(band.points)!r}" for band in way.bands]
            return "\n".join(lines + ["        return 0.0"])
        if way.points is None:
            return "        return 0.0"
        return f"        return float({self.condition(way.points, L.REPAIR_ENV, extra)})"

    def restoration(self) -> Tuple[str, int]:
        restoration = self.spec.restoration
        if restoration is None:
            self.lose("restoration", "the rulebook writes no restoration")
            return _function("restore", "RESTORE_FN", "env", ["    return False"]), L.RESTORATION_NONE
        if restoration.allowed_when is None:
            return _function("restore", "RESTORE_FN", "env", ["    return True"]), L.RESTORATION_ALWAYS
        try:
            code = self.condition(restoration.allowed_when, L.RESTORATION_ENV)
        except Unsupported as error:
            self.lose("restoration", str(error))
            code = "False"
        return _function("restore", "RESTORE_FN", "env", [f"    return {code}"]), L.RESTORATION_WHEN

    def settlement(self) -> str:
        body = []
        for index, rule in enumerate(self.spec.settlement):
            try:
                when = self.condition(rule.when, L.SETTLEMENT_ENV)
                settled = self.condition(rule.settled, L.SETTLEMENT_ENV)
            except Unsupported as error:
                self.lose("claim", f"settlement rule {rule.id}: {error}")
                return _function("settle", "SETTLE_FN", "env", ["    return -1"])
            body.append(f"    if {when}:\n        return {2 * index} + (1 if {settled} else 0)")
        return _function("settle", "SETTLE_FN", "env", body + ["    return -1"])

    def readings_missing(self) -> None:
        for reading, _path, why in needed_readings(self.spec):
            if reading not in self.readings:
                for kind in L.KINDS:
                    self.lose(kind, f"the reading {reading} ({why}) is not declared")


#: The head of every generated module: the signatures and the helpers its code calls.
HEADER = """# Generated by engine.population.generate from rulebook {id} ({source}) with the readings below,
# for the kernel {kernel}. Do not edit: the population path writes it again when anything changes.
# readings: {readings}
from numba import njit

from engine.population.kernel import (CONSEQUENCE_FN, EARNED_FN, REFUSE_FN, RESTORE_FN, SETTLE_FN, add_months,
                                      list_has, list_max, list_min, list_sum, year_of)
from engine.population.layout import NULL

"""


def rulebook_code(spec: RulebookSpec, readings: Mapping[str, Any], kernel_digest: str) -> RulebookCode:
    """The kernel's tables and the generated functions of ``spec`` under ``readings`` (its effective readings)."""
    gen = _Generator(spec, readings)
    gen.readings_missing()
    sits = np.zeros((max(1, len(spec.situations)), L.SIT_COLUMNS), np.int64)
    for index, situation in enumerate(spec.situations.values()):
        sits[index, L.SIT_TIER] = situation.tier
        sits[index, L.SIT_ARTICLE] = gen.articles.code(situation.legal.article)
    consequence, rules = gen.consequences()
    refuse, earned, ways, covered_ways = gen.repair()
    restore, restoration_kind = gen.restoration()
    settle = gen.settlement()
    cfg = _settings(spec, gen.readings, len(spec.consequences), restoration_kind, len(ways))
    cfg[L.C_RESTORATION_ARTICLE] = gen.articles.code(spec.restoration.legal.article if spec.restoration else None)
    shown = ", ".join(f"{name}={value}" for name, value in sorted(gen.readings.items()))
    source = HEADER.format(id=spec.id, source=spec.source, kernel=kernel_digest, readings=shown) + "\n\n".join(
        [consequence, refuse, earned, restore, settle])
    return RulebookCode(source, cfg, rules, sits, ways, tuple(rule.id for rule in spec.consequences),
                        tuple(rule.id for rule in spec.settlement), tuple(gen.articles.items), tuple(spec.situations),
                        tuple(spec.repair.ways) if spec.repair else (), tuple(spec.roles), gen.covered, covered_ways,
                        gen.unsupported)


def _settings(spec: RulebookSpec, readings: Mapping[str, Any], rules: int, restoration: int, ways: int) -> np.ndarray:
    """The readings the evaluation applies and the switches of each section, as ``cfg``."""
    cfg = np.zeros(L.CFG_COLUMNS, np.int64)
    flag = {L.C_SAME_MAX: spec.same_behaviour == "max", L.C_SCOPE_YEAR: spec.behaviour_scope == "year",
            L.C_CAP_NET: readings.get("year_cap_basis") == "net",
            L.C_SINGLE_INSPECTION: readings.get("single_score_scope") == "inspection",
            L.C_AFTER_NORMAL: readings.get("after_term") == "normal",
            L.C_OVERLAP_EXTEND: readings.get("overlapping_suspension") == "extend",
            L.C_REPEAT_LATER_END: readings.get("repeated_termination") == "later_end",
            L.C_SHORTEN_PER_REPAIR: readings.get("repair_shortening") == "per_repair",
            L.C_MONTHS_MAX: readings.get("suspension_months_default") == "max",
            L.C_DEDUCT: spec.scoring_model == "deduct",
            L.C_NEED_PRIOR: "prior_year_totals" in spec.consequence_names,
            L.C_NEED_PREVIOUS: "previous_year_totals" in spec.consequence_names}
    for column, value in flag.items():
        cfg[column] = 1 if value else 0
    cfg[L.C_YEAR_CAP] = L.NULL if spec.year_cap is None else spec.year_cap
    cfg[L.C_ALLOWANCE] = L.NULL if spec.allowance is None else spec.allowance
    cfg[L.C_RULES] = rules
    shorten = spec.repair.shorten if spec.repair else None
    cfg[L.C_SHORTEN] = 1 if shorten is not None else 0
    cfg[L.C_SHORTEN_MONTHS] = shorten.months if shorten else 0
    cfg[L.C_SHORTEN_MINIMUM] = shorten.minimum_months if shorten else 0
    per_year = spec.repair.per_year_points if spec.repair else None
    cfg[L.C_REPAIR_PER_YEAR] = L.NULL if per_year is None else per_year
    cfg[L.C_RESTORATION] = restoration
    cfg[L.C_WAYS] = ways
    return cfg
