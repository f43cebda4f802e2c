"""``yibao test``: golden cases run for officers, failures explained in plain words.

Reuses :func:`engine.officer.golden.run_golden` (the same judge as the test suite) and turns each
mismatch into a sentence: which case, which field in words (第几次记分的处理、状态…), what the
case expected, what the engine decided, and then the trace of rules that fired with their articles.
"""

from __future__ import annotations

import re
from typing import Iterable, Tuple

from engine.officer.golden import GoldenOutcome, Mismatch

#: Field names of the result, in words (Chinese and English).
WORDS = {
    "years": "年度记分 points of year", "points": "记分 points", "repaired": "修复分值 points repaired",
    "net": "净记分 net points", "decisions": "处理决定 decision", "repairs": "修复 repair", "claims": "结算 claim",
    "restorations": "资格恢复 restoration", "status": "状态 status", "state": "状态 state", "until": "截止日 until",
    "action": "处理 action", "months": "暂停月数 months", "ban_years": "禁止登记年数 ban years", "from": "起始日 from",
    "year_total": "年度累计 year total", "single": "单次记分 single score", "counted_points": "计入分值 counted points",
    "accepted": "是否受理 accepted", "settled": "是否结算 settled", "reason": "理由 reason", "measure": "措施 measure",
    "articles": "条款 articles", "rules": "规则 rules", "awaiting_restoration": "期满待恢复 awaiting restoration",
    "error": "错误 error", "error.field": "错误字段 error field", "error.message": "错误信息 error message",
    "timeline": "状态时间线 timeline", "shortened": "缩短期限 shortened term", "tier": "档次 tier",
}


def in_words(path: str) -> str:
    """``decisions[1].months`` → ``处理决定 decision #2 → 暂停月数 months``."""
    if path in WORDS:
        return WORDS[path]
    column = re.fullmatch(r"\[([^\]]+)\] (.+)", path)  # a comparison file's column: "[hainan] decisions[0].months"
    if column:
        return f"规则集 rulebook {column.group(1)}: {in_words(column.group(2))}"
    parts = []
    for piece in path.split("."):
        match = re.fullmatch(r"([^\[]+)(?:\[(\d+)\])?(.*)", piece)
        if not match:
            parts.append(piece)
            continue
        name, index, rest = match.groups()
        word = WORDS.get(name, name)
        if name in ("years",):
            word = WORDS["years"]
        if index is not None:
            word += f" #{int(index) + 1}"
        parts.append(word + rest)
    return " → ".join(parts)


def _value(value) -> str:
    if value is None:
        return "null (nothing)"
    return repr(value) if isinstance(value, str) else str(value)


def report(outcome: GoldenOutcome) -> str:
    """One failed case in plain words."""
    if outcome.problem is not None:  # the golden file itself is wrong: nothing was evaluated
        return "\n".join([f"FAIL {outcome.path}",
                          f"  案例文件有误 the golden file is not a golden case: {outcome.problem.one_line()}",
                          "  See schemas/golden.schema.json and tests/golden/README.md. 请参照案例格式修改。"])
    lines = [f"FAIL {outcome.path}", f"  案例 case: {outcome.title}"]
    if outcome.articles:
        lines.append(f"  检验条款 checks: {', '.join(outcome.articles)}")
    lines.append("  不一致 what differs:")
    for m in outcome.mismatches:
        lines.append(f"    {in_words(m.field)} [{m.field}]: expected 预期 {_value(m.expected)}, "
                     f"but the engine gives 实际 {_value(m.actual)}")
    if outcome.error is not None:
        lines.append(f"  引擎报错 the engine rejected the case: {outcome.error.one_line()}")
    trace = (outcome.result or {}).get("trace") or []
    if trace:
        lines.append("  引擎的依据 how the engine decided (rules that fired, in order):")
        for step in trace:
            event = f"event {step['event']}" if step.get("event") is not None else "        "
            lines.append(f"    {event:<9} {step.get('article') or '':<14} {step['detail']}")
    lines.append("  If the expectation was derived correctly from the text, the rulebook or the engine is wrong; "
                 "otherwise fix the case. 若预期按原文推算无误，则规则集或引擎有误，否则请修改案例。")
    return "\n".join(lines)


def summary(outcomes: Iterable[GoldenOutcome]) -> Tuple[str, int, int]:
    outcomes = list(outcomes)
    failed = sum(1 for o in outcomes if not o.passed)
    return f"{len(outcomes) - failed} passed, {failed} failed", len(outcomes) - failed, failed


__all__ = ["report", "summary", "in_words", "Mismatch"]
