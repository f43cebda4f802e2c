"""Render an evaluation result as a readable report (plain text, Chinese labels beside the ids)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Callable, Dict, List, Optional

STATE_LABELS = {"normal": "正常", "suspended": "暂停", "terminated": "终止"}
ACTION_LABELS = {"none": "无", "warn": "提醒", "suspend": "暂停", "terminate": "终止"}


def _action(decision: Dict[str, Any]) -> str:
    action = decision["action"]
    text = f"{action} ({ACTION_LABELS.get(action, action)})"
    if action == "suspend":
        months = decision["months"]
        span = f"{months} 个月" if months is not None else f"{decision['months_min']}-{decision['months_max']} 个月"
        text += f" {span}, {decision['from']} → {decision['until']}"
    elif action == "terminate":
        text += f", 自 {decision['from']}, {decision['ban_years']} 年内不得再次登记备案 (至 {decision['until']})"
    if action == "terminate" and decision.get("ban_years") is None and decision.get("ban_years_min") is not None:
        text = (f"{action} ({ACTION_LABELS.get(action, action)}), 自 {decision['from']}, "
                f"{decision['ban_years_min']}-{decision['ban_years_max']} 年内不得再次登记备案/签订协议 (最早至 {decision['until']})")
    if decision.get("points_left") is not None:
        text += f"  [剩余 points left {decision['points_left']}]"
    if decision.get("measure") and action == "warn":
        text += f": {decision['measure']}"
    return text


def render_text(result: Dict[str, Any], *, show_trace: bool = True) -> str:
    """The report ``yibao evaluate`` prints."""
    lines: List[str] = []
    person = result["person"]
    lines.append(f"规则集 rulebook: {result['rulebook']} ({result.get('document', '')})")
    lines.append(f"人员 person: {person['id']} ({person['role']})    截至 as of: {result['as_of']}")
    for warning in result.get("warnings", []):
        lines.append(f"! {warning}")
    status = result["status"]
    state = status["state"]
    line = f"状态 status: {state} ({STATE_LABELS.get(state, state)})"
    if status.get("until"):
        line += f" until {status['until']}"
    if status.get("awaiting_restoration"):
        line += " — term ended, awaiting restoration evaluation (期满待恢复)"
    lines.append(line)
    lines.append("")
    if result.get("points_left") is not None:
        lines.append(f"剩余分值 points left: {result['points_left']} of {result.get('allowance')} ({result['as_of'][:4]})")
    lines.append("年度记分 points by natural year:")
    if not result["years"]:
        lines.append("  (none)")
    for year, entry in result["years"].items():
        extra = f", left {entry['left']}" if "left" in entry else ""
        lines.append(f"  {year}: points {entry['points']}, repaired {entry['repaired']}, net {entry['net']}{extra}")
    lines.append("")
    lines.append("记分处理 decisions:")
    if not result["decisions"]:
        lines.append("  (none)")
    for d in result["decisions"]:
        lines.append(f"  {d['date']}  event {d['event']}: {d['situation']} tier {d['tier']}"
                     f"{' ' + d['responsibility'] if d.get('responsibility') else ''}, {d['points']} pts"
                     f" (counted {d['counted_points']}, single {d['single']}, year total {d['year_total']})")
        lines.append(f"      → {_action(d)}    [{', '.join(d['articles'])}]")
        if d.get("amended_by") is not None:
            lines.append(f"      (amended on appeal by event {d['amended_by']}: originally {d['original_points']} pts; "
                         "re-run from this decision)")
    if result["repairs"]:
        lines.append("")
        lines.append("记分修复 repairs:")
        for r in result["repairs"]:
            verdict = f"accepted -{r['points']}" if r["accepted"] else f"refused: {r['reason']}"
            if r.get("shortened"):
                verdict += f"; term shortened {r['shortened']['from']} → {r['shortened']['to']}"
            lines.append(f"  {r['date']}  event {r['event']}: {r['way']} — {verdict}    [{', '.join(r['articles'])}]")
    if result["claims"]:
        lines.append("")
        lines.append("费用结算 claims:")
        for c in result["claims"]:
            verdict = "settled 予以结算" if c["settled"] else "not settled 不予结算"
            lines.append(f"  {c['date']}  event {c['event']}: {'emergency ' if c['emergency'] else ''}"
                         f"{verdict} (status {c['state']})    [{c['article']}]")
    if result["restorations"]:
        lines.append("")
        lines.append("资格恢复 restorations:")
        for r in result["restorations"]:
            verdict = "restored 恢复" if r["accepted"] else f"refused: {r['reason']}"
            lines.append(f"  {r['date']}  event {r['event']}: {verdict}    [{r['article']}]")
    if result.get("institution_measures"):
        lines.append("")
        lines.append("机构处理联动 institution measures:")
        for r in result["institution_measures"]:
            who = "responsible 负有责任" if r["responsible"] else "not responsible 不负有责任"
            until = f" until {r['until']}" if r.get("until") else ""
            lines.append(f"  {r['date']}  event {r['event']}: {r['measure']}, {who} → {r['action']}{until}"
                         f"    [{', '.join(r['articles'])}]")
    lines.extend(_appeal_lines(result))
    lines.extend(_timeline_lines(result))
    if result.get("obligations"):
        lines.append("")
        lines.append("义务 obligations:")
        for o in result["obligations"]:
            lines.append(f"  {o['date']}  event {o['event']}: {o['obligation']} {'met' if o['passed'] else 'NOT met'}"
                         f" → {_action(o)}    [{', '.join(o['articles'])}]")
    lines.append("")
    lines.append("采用的解释 interpretations (readings of ambiguous text):")
    for item in result["interpretations"]:
        lines.append(f"  {item['id']} = {item['value']}")
    if show_trace and result.get("trace"):
        lines.append("")
        lines.append("依据 trace (rules that fired, in order):")
        for step in result["trace"]:
            event = f"event {step['event']}" if step.get("event") is not None else "        "
            lines.append(f"  {event:<8} {step.get('article') or '':<14} {step['detail']}")
    return "\n".join(lines)


PHASE_LABELS = {"normal": "正常", "term": "暂停期内", "awaiting_restoration": "期满待恢复评估",
                "banned": "终止，禁止再次登记备案", "ban_over": "终止，禁止期满可申请重新登记备案"}


def _timeline_lines(result: Dict[str, Any]) -> List[str]:
    """Every status period with from/until (the status as a timeline)."""
    periods = result.get("timeline") or []
    if len(periods) <= 1:
        return []
    lines = ["", "状态时间线 status timeline:"]
    for period in periods:
        phase = period.get("phase") or period["state"]
        start = period["from"] or "…"
        end = period["until"] or "…"
        extra = f", ban until {period['ban_until']}" if period.get("ban_until") else ""
        cite = f"    [{period['article']}]" if period.get("article") else ""
        lines.append(f"  {start} → {end}  {period['state']} ({PHASE_LABELS.get(phase, phase)}){extra}{cite}")
    return lines


def _appeal_lines(result: Dict[str, Any]) -> List[str]:
    appeals = result.get("appeals") or []
    if not appeals:
        return []
    lines = ["", "异议申诉 appeals:"]
    for a in appeals:
        verdict = (("in time" + (f" (deadline {a['deadline']})" if a.get("deadline") else ""))
                   if a["timely"] else f"refused: late (deadline {a['deadline']})")
        lines.append(f"  {a['date']}  event {a['event']}: against event {a['contests']} ({a['decision_date']}) — "
                     f"{verdict}    [{a.get('article') or ''}]")
        outcome = a.get("result")
        if outcome:
            lines.append(f"      result {outcome['date']} (event {outcome['event']}): {outcome['reason']}")
    return lines


INSTITUTION_ACTION_LABELS = {"none": "无", "key_monitoring": "列入重点监控名单", "suspend_agreement": "中止医保协议",
                             "dissolve_agreement": "解除医保协议"}


def render_institution_text(result: Dict[str, Any], *, show_trace: bool = True) -> str:
    """The report ``yibao institution`` prints."""
    inst = result["institution"]
    facts = result["facts"]
    lines = [f"规则集 rulebook: {result['rulebook']} ({result.get('document', '')})",
             f"机构 institution: {inst['id']} ({inst['kind']})    年度 year: {result['year']}    截至 as of: {result['as_of']}"]
    for warning in result.get("warnings", []):
        lines.append(f"! {warning}")
    lines.append("")
    lines.append(f"相关人员 staff: {facts['staff_count']}; 暂停 suspended {facts['suspended_times']} 人次 "
                 f"({facts['share_suspended']:.0%}); 终止 terminated {facts['terminated_times']} 人次 "
                 f"({facts['share_terminated']:.0%}); 暂停或终止 {facts['affected_persons']} 人 ({facts['share_affected']:.0%})")
    for member in result["staff"]:
        lines.append(f"  {member['id']:<10} {member['role']:<20} {member['state']:<10} suspensions {member['suspensions']}, "
                     f"terminations {member['terminations']}, single max {member['single_max']}, "
                     f"violations {member['violations']} ({member['from']})")
    lines.append("")
    action = result["action"]
    lines.append(f"机构处理 measure: {action} ({INSTITUTION_ACTION_LABELS.get(action, action)})")
    for m in result["measures"]:
        extra = f", 不超过 {m['months_max']} 个月" if m.get("months_max") else ""
        lines.append(f"  {m['rule']}: {m['action']}{extra}{' — 可以 (discretionary)' if m['discretionary'] else ''}"
                     f"    [{m['article']}]")
    if show_trace and result.get("trace"):
        lines.append("")
        lines.append("依据 trace:")
        for step in result["trace"]:
            lines.append(f"  {step.get('article') or '':<14} {step['detail']}")
    return "\n".join(lines)


LEVEL_LABELS = {"general": "一般责任", "important": "重要责任", "primary": "主要责任"}


def render_attribution(result: Dict[str, Any], *, show_trace: bool = True) -> str:
    """The report ``yibao attribute`` prints."""
    lines: List[str] = [
        f"规则集 rulebook: {result['rulebook']} ({result.get('document', '')})    机构 institution: {result['institution']}",
        f"违法违规类型 violation: {result['article']} {result['violation_text']}",
        f"涉及人员 involved: {', '.join(result['involved'])}",
        "责任认定 assignments:",
    ]
    for item in result["assignments"]:
        how = " (officer's decision)" if item.get("decided") else ""
        lines.append(f"  {item['person']:<8} {item['responsibility']} ({LEVEL_LABELS[item['responsibility']]}){how}"
                     f" — {item['reason']}")
    if not result["assignments"]:
        lines.append("  (none fixed by the text)")
    open_choices = [c for c in result["choices"] if c.get("decided") is None]
    if open_choices:
        lines.append("待认定 officer's choices (add decided: {person: level}):")
        for choice in open_choices:
            allowed = " / ".join(f"{a} ({LEVEL_LABELS[a]})" for a in choice["allowed"])
            lines.append(f"  {choice['person']:<8} {allowed} — {choice['reason']}")
    for reading in result.get("interpretations", []):
        lines.append(f"解释 reading {reading['id']} = {reading['value']}")
    if show_trace:
        lines.append("trace:")
        for step in result.get("trace", []):
            lines.append(f"  {step.get('rule') or '':<28} {step['detail']}")
    return "\n".join(lines)


def _attribution_lines(attributions: List[Dict[str, Any]]) -> List[str]:
    lines = ["责任认定 attributions (附件):"]
    for item in attributions:
        assigned = ", ".join(f"{a['person']} {a['responsibility']}" for a in item["assignments"]) or "(none)"
        lines.append(f"  event {item['event']}: {item['article']} {item['violation_text'][:24]}… → {assigned}")
    return lines


def render_evaluation(result: Dict[str, Any], *, show_trace: bool = True) -> str:
    """The report ``yibao evaluate`` prints: one person's, or every person's of a case with an organisation."""
    if "persons" not in result:
        text = render_text(result, show_trace=show_trace)
        if result.get("attributions"):
            text += "\n\n" + "\n".join(_attribution_lines(result["attributions"]))
        return text
    lines = [f"规则集 rulebook: {result['rulebook']} ({result.get('document', '')})    机构 institution: "
             f"{result.get('institution')}    截至 as of: {result['as_of']}"]
    lines += _attribution_lines(result.get("attributions", []))
    for person, one in result["persons"].items():
        lines.append("")
        lines.append("=" * 72)
        lines.append(render_text(one, show_trace=show_trace))
    return "\n".join(lines)


# -- tables for the terminal: aligned by display width (a CJK character takes two columns) ----------

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide and full-width characters (中文) count two.

    The standard library's East Asian Width table is enough here; ``str.ljust`` counts characters,
    which misaligns every table with Chinese in it.
    """
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 0 if unicodedata.combining(ch) else 1
               for ch in _ANSI.sub("", str(text)))  # colour codes take no columns


def pad(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` display columns."""
    return str(text) + " " * max(0, width - display_width(text))


def table(headers: List[str], rows: List[List[str]], indent: str = "") -> List[str]:
    """Lines of a plain-text table whose columns line up in a terminal, Chinese or not (last column unpadded)."""
    widths = [max(display_width(cell) for cell in column) for column in zip(headers, *rows)]
    out = []
    for row in [headers] + rows:
        cells = [pad(cell, widths[i]) if i < len(row) - 1 else str(cell) for i, cell in enumerate(row)]
        out.append((indent + "  ".join(cells)).rstrip())
    return out


#: Colours a word for the terminal (``click.style``); the identity leaves text plain (pipes, files).
Paint = Callable[[str, str], str]


def _plain(text: str, _colour: str) -> str:
    return text


def render_check(reports: List[Dict[str, Any]], paint: Paint = _plain) -> str:
    """What ``yibao check`` prints for the rulebooks that compiled (errors go to stderr, one per line)."""
    lines: List[str] = []
    for item in reports:
        if item["errors"]:
            continue
        lines.append(f"{item['rulebook']}: {paint('ok 通过', 'green')} — {item['summary']}")
        if item.get("provenance"):
            stamp = item["provenance"]
            lines.append(f"  来源 provenance: sha256 {stamp['rulebook_sha256']}, version {stamp['rulebook_version']}, "
                         f"engine {stamp['engine_version']}")
        for warning in item["warnings"]:
            lines.append(f"  {paint('警告 warning', 'yellow')}: {warning}")
        for warning in item["text_warnings"]:
            lines.append(f"  {paint('警告 warning', 'yellow')}: {warning['file']}:{warning['line']}: {warning['message']}")
            lines.append(f"      原文 text: {warning['text']}")
        if item.get("origins"):
            lines.extend(table(["部分 section", "规则 rule", "出处 file:line"],
                               [[row["section"], str(row["id"]), f"{row['file']}:{row['line']}"]
                                for row in item["origins"]], indent="  "))
    return "\n".join(lines)


def render_golden_summary(outcomes: List[Dict[str, Any]], *, quiet: bool = False, paint: Paint = _plain,
                          failures: Optional[List[str]] = None) -> str:
    """What ``yibao test`` prints: a table of cases (结果, 文件, 标题), the failures explained, then 'N passed, N failed'."""
    rows = []
    for outcome in outcomes:
        if quiet and outcome["passed"]:
            continue
        verdict = paint("通过 ok  ", "green") if outcome["passed"] else paint("失败 FAIL", "red")
        rows.append([verdict, outcome["path"], outcome["title"]])
    lines = table(["结果 result", "案例文件 case file", "标题 title"], rows) if rows else []
    if failures:
        lines += [""] + failures
    failed = sum(1 for o in outcomes if not o["passed"])
    lines.append(f"{len(outcomes) - failed} passed, {failed} failed")
    return "\n".join(lines)
