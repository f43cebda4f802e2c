"""``yibao diff``: the rule-by-rule differences between two rulebooks.

For an officer reviewing an edit (the rulebook before and after) or comparing two provinces.
Differences are reported per section and keyed the way officers think of rules: situations by
code, consequences by id, repair ways by name, settlement rules by id, parameters by name — so a
rule that moved in the file is not reported as removed and added. On top of the rule fields, the
consequence tables computed by the engine (what 0-12 points lead to, single and cumulative) are
compared too: two different ``when`` expressions that decide the same are not a difference there,
and a changed threshold shows up as the point totals whose outcome changed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

from engine.base.frozen import thaw
from engine.rulebook.rulebook import Rulebook
from engine.officer.docsgen import ledgers
from engine.officer.docsgen.html import compact
from engine.officer.docsgen.titles import section_title

#: (section, path in the raw rulebook) in report order; ``consequences`` and ``situations`` are special.
METADATA = ("id", "title", "jurisdiction", "document", "issuers", "published", "effective", "completeness",
            "missing", "cites", "source", "extends")
#: List fields whose items are matched by one of these keys rather than by position.
ITEM_KEYS = ("id", "code", "tier", "kind", "name", "way")


@dataclass(frozen=True)
class Change:
    """One difference: ``added`` (only in B), ``removed`` (only in A) or ``changed``."""

    section: str
    path: str
    change: str
    a: Any = None
    b: Any = None

    def to_dict(self) -> Dict[str, Any]:
        return thaw(asdict(self))  # rulebook values are frozen; JSON wants plain dicts and lists

    def render(self) -> str:
        if self.change == "added":
            return f"  + {self.path}: {_short(self.b)}"
        if self.change == "removed":
            return f"  - {self.path}: {_short(self.a)}"
        return f"  ~ {self.path}: {_short(self.a)} → {_short(self.b)}"


def _short(value: Any, limit: int = 160) -> str:
    text = compact(value) if not isinstance(value, str) else value
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _keyed(items: Sequence[Any]) -> Optional[Dict[str, Any]]:
    """A list of mappings as {key: item} when they all carry the same identifying key."""
    if not items or not all(isinstance(i, Mapping) for i in items):
        return None
    for key in ITEM_KEYS:
        if all(key in i for i in items):
            keyed = {str(i[key]): i for i in items}
            if len(keyed) == len(items):
                return keyed
    return None


def deep(section: str, path: str, a: Any, b: Any, out: List[Change]) -> None:
    """Differences between two values, descending into mappings and keyed lists."""
    if a == b:
        return
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        for key in list(a) + [k for k in b if k not in a]:
            sub = f"{path}.{key}" if path else str(key)
            if key not in b:
                out.append(Change(section, sub, "removed", a[key], None))
            elif key not in a:
                out.append(Change(section, sub, "added", None, b[key]))
            else:
                deep(section, sub, a[key], b[key], out)
        return
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        ka, kb = _keyed(a), _keyed(b)
        if ka is not None and kb is not None:
            deep(section, path, ka, kb, out)
            return
        if all(not isinstance(x, (Mapping, list, tuple)) for x in list(a) + list(b)):
            removed = [x for x in a if x not in b]
            added = [x for x in b if x not in a]
            for x in removed:
                out.append(Change(section, path, "removed", x, None))
            for x in added:
                out.append(Change(section, path, "added", None, x))
            if not removed and not added:
                out.append(Change(section, f"{path} (order)", "changed", a, b))
            return
    out.append(Change(section, path, "changed", a, b))


def _situations(rb: Rulebook) -> Dict[str, Dict[str, Any]]:
    result = {}
    for tier in (rb.raw.get("scoring") or {}).get("tiers") or ():
        for situation in tier.get("situations") or ():
            result[str(situation["code"])] = {"tier": tier["tier"], **situation}
    return result


def _tiers(rb: Rulebook) -> Dict[str, Dict[str, Any]]:
    return {str(t["tier"]): {k: v for k, v in t.items() if k != "situations"}
            for t in (rb.raw.get("scoring") or {}).get("tiers") or ()}


def diff_rulebooks(a: Rulebook, b: Rulebook, *, outcomes: bool = True) -> List[Change]:
    """Every difference from rulebook ``a`` to rulebook ``b``, section by section."""
    out: List[Change] = []
    ra, rb_ = a.raw, b.raw
    for key in METADATA:
        deep("metadata", key, ra.get(key), rb_.get(key), out) if (key in ra or key in rb_) else None
    scope_a, scope_b = ra.get("scope") or {}, rb_.get("scope") or {}
    deep("scope", "scope.roles", list(scope_a.get("roles") or ()), list(scope_b.get("roles") or ()), out)
    deep("scope", "scope", {k: v for k, v in scope_a.items() if k != "roles"},
         {k: v for k, v in scope_b.items() if k != "roles"}, out)
    deep("parameters", "parameters", ra.get("parameters") or {}, rb_.get("parameters") or {}, out)
    deep("responsibility", "responsibility", ra.get("responsibility") or {}, rb_.get("responsibility") or {}, out)
    scoring_a = {k: v for k, v in (ra.get("scoring") or {}).items() if k != "tiers"}
    scoring_b = {k: v for k, v in (rb_.get("scoring") or {}).items() if k != "tiers"}
    deep("scoring", "scoring", scoring_a, scoring_b, out)
    deep("tiers", "tier", _tiers(a), _tiers(b), out)
    deep("situations", "situation", _situations(a), _situations(b), out)
    cons_a = ra.get("consequences") or {}
    cons_b = rb_.get("consequences") or {}
    deep("consequences", "consequences", {k: v for k, v in cons_a.items() if k != "rules"},
         {k: v for k, v in cons_b.items() if k != "rules"}, out)
    deep("consequences", "consequence", {r["id"]: r for r in cons_a.get("rules") or ()},
         {r["id"]: r for r in cons_b.get("rules") or ()}, out)
    if outcomes:
        out += outcome_changes(a, b)
    deep("repair", "repair", ra.get("repair") or {}, rb_.get("repair") or {}, out)
    deep("restoration", "restoration", ra.get("restoration") or {}, rb_.get("restoration") or {}, out)
    deep("settlement", "settlement", {r["id"]: r for r in ra.get("settlement") or ()},
         {r["id"]: r for r in rb_.get("settlement") or ()}, out)
    handled = set(METADATA) | {"scope", "parameters", "responsibility", "scoring", "consequences", "repair",
                               "restoration", "settlement"}
    for key in list(ra) + [k for k in rb_ if k not in ra]:  # deadlines, attribution, … and later additions
        if key not in handled:
            deep(key, key, ra.get(key), rb_.get(key), out)
    return out


def outcome_changes(a: Rulebook, b: Rulebook) -> List[Change]:
    """Point totals whose engine-computed outcome differs (by threshold)."""
    ta, tb = ledgers.consequence_table(a), ledgers.consequence_table(b)
    out = []
    for kind in ("cumulative", "single"):
        for n in ledgers.POINTS:
            la, lb = ta[kind][n].label(), tb[kind][n].label()
            if la != lb:
                out.append(Change("outcomes", f"{kind} {n} points", "changed", la, lb))
    return out


SECTION_TITLES = {
    "metadata": "文件信息 metadata", "scope": "适用人员 scope", "parameters": "解释参数 parameters",
    "responsibility": "责任程度 responsibility", "scoring": "记分 scoring", "tiers": "分档 tiers",
    "situations": "负面情形 situations", "consequences": "处理措施 consequences (rules by id)",
    "outcomes": "处理结果 outcomes by point total (computed by the engine)", "repair": "记分修复 repair",
    "restoration": "资格恢复 restoration", "settlement": "费用结算 settlement", "deadlines": "期限 deadlines",
    "attribution": "责任认定 attribution",
}


def render_text(a: Rulebook, b: Rulebook, changes: Iterable[Change]) -> str:
    """The report of ``yibao diff``: grouped by section, + added, - removed, ~ changed."""
    changes = list(changes)
    lines = [f"--- {a.id} ({a.source})", f"+++ {b.id} ({b.source})"]
    if not changes:
        lines.append("no differences 无差异")
        return "\n".join(lines)
    section = None
    for change in changes:
        if change.section != section:
            section = change.section
            count = sum(1 for c in changes if c.section == section)
            lines.append(f"[{SECTION_TITLES.get(section) or section_title(section)}] {count} difference(s)")
        lines.append(change.render())
    lines.append(f"{len(changes)} difference(s)")
    return "\n".join(lines)


def to_json(a: Rulebook, b: Rulebook, changes: Iterable[Change]) -> Dict[str, Any]:
    changes = list(changes)
    return {"a": {"id": a.id, "source": a.source}, "b": {"id": b.id, "source": b.source},
            "count": len(changes), "changes": [c.to_dict() for c in changes]}
