"""Add bilingual titles (and descriptions) to the JSON Schemas where they are missing — additive only.

Run once by hand (`python tools/schema_titles.py`); the test tests/test_schemas_docs.py keeps them
complete afterwards. Inserts `"title": …` (and `"description": …`) as the first keys of each
property schema that has none, leaving every existing line as it was (so merges stay clean).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")

#: Titles by property name (English / 中文); a path-specific entry in BY_PATH wins.
BY_NAME: Dict[str, Tuple[str, Optional[str]]] = {
    "scope": ("Scope / 适用范围", None),
    "institution_measures": ("Institution measures / 机构处理对人员的影响", None),
    "measures": ("Measures / 处理措施", None),
    "term": ("Term / 期限", None),
    "subject": ("Subject / 事项", None),
    "annual_by": ("Yearly by (MM-DD) / 每年报送截止日", None),
    "period": ("Period / 期间", None),
    "months": ("Months / 月数", "the suspension length fixed by the agency, within months_min..months_max / 暂停月数"),
    "institution": ("Institution / 机构", None),
    "measure": ("Measure / 处理措施", None),
    "responsible": ("Responsible / 是否负有责任", None),
    "article": ("Article / 条款", "the article of the source text this rule encodes, e.g. 第十九条（二） / 本规则所依据的条款"),
    "text": ("Original sentence / 原文", "the sentence of law, copied from the source text / 法规原文，照录"),
    "interpretation": ("Reading chosen / 解释", "how the engine reads ambiguous text here / 引擎对含义不明文字所采用的理解"),
    "source": ("Source outside the seeds / 非原文来源", None),
    "from": ("From / 起始日", None), "until": ("Until / 截止日", "last day, inclusive / 最后一日（含）"),
    "roles": ("Roles in scope / 适用人员类别", "ids of GLOSSARY.md / 见词汇表"),
    "required": ("Required / 是否必填", None),
    "levels": ("Responsibility levels / 责任程度", None),
    "general": ("General responsibility / 一般责任", None), "important": ("Important responsibility / 重要责任", None),
    "primary": ("Primary responsibility / 主要责任", None), "label": ("Label / 名称", None),
    "selection": ("Selection / 选择规则", None), "rules": ("Rules / 规则", None),
    "allowed_when": ("Allowed when / 允许条件", "a DSL condition / DSL 条件"),
    "refuse_reason": ("Reason for refusal / 不予恢复的理由", None),
    "value": ("Value / 取值", None), "allowed": ("Allowed readings / 可选理解", None),
    "ambiguity": ("Ambiguity number / 歧义编号", None), "articles": ("Articles / 条款", None),
    "model": ("Scoring model / 记分模式", None), "allowance": ("Yearly allowance / 年度分值", None),
    "year": ("Scoring year / 记分年度", "natural: 1 January to 31 December / 自然年度"),
    "year_cap": ("Yearly cap / 年度上限", "the most points one natural year can count / 一个自然年度最多计入的分值"),
    "aggregation": ("Aggregation in one inspection / 同次检查合并记分", None),
    "same_behaviour": ("Same behaviour / 同一行为", "max: one behaviour counts once at its highest situation / 按最高分值记分"),
    "different_behaviours": ("Different behaviours / 不同行为", "sum: scored separately and added up / 分别记分，累加分值"),
    "accumulation": ("Accumulation across institutions / 跨机构累计", None),
    "discretion": ("Discretion / 裁量", None),
    "points": ("Points / 分值", None), "adjustments": ("Adjustments allowed / 允许的裁量调整", None),
    "tiers": ("Tiers / 记分档次", None), "tier": ("Tier / 档次", None),
    "range": ("Point range / 分值范围", "[lowest, highest] / [最低, 最高]"),
    "situations": ("Situations / 负面情形", None), "code": ("Situation code / 情形编号", None),
    "catch_all": ("Catch-all / 兜底情形", "the tier's 其他应记…分的情形 / 其他情形"),
    "id": ("Id / 标识", None), "when": ("Condition / 条件", "a DSL condition, e.g. year_total >= 9 / DSL 条件"),
    "action": ("Action / 处理", "none | warn | suspend | terminate"),
    "measure": ("Measure / 措施", "the measure in words / 措施原文"),
    "months": ("Months suspended / 暂停月数", None), "months_min": ("Fewest months / 最少暂停月数", None),
    "months_max": ("Most months / 最多暂停月数", None),
    "ban_years": ("Years before re-registration / 不得再次登记备案年数", None),
    "inputs": ("Inputs / 输入项", None), "type": ("Type / 类型", None), "minimum": ("Minimum / 最小值", None),
    "maximum": ("Maximum / 最大值", None), "bands": ("Bands / 分段", None),
    "fail_reason": ("Reason when nothing is earned / 未获修复的理由", None),
    "per_year_count": ("Times a year / 年度次数上限", None),
    "per_year_points": ("Points a year / 年度分值上限", None),
    "ways": ("Repair ways / 修复途径", None), "refuse": ("Refusals / 不予修复", None),
    "reason": ("Reason / 理由", None), "shorten_term": ("Shortening a term / 缩短期限", None),
    "by": ("Shortened by / 缩短", "e.g. 1 month"), "settled": ("Settled / 是否结算", None),
    # case
    "person": ("Person / 人员", None), "name": ("Name / 姓名", None),
    "institutions": ("Institutions / 执业机构", None), "events": ("Events / 事件", "in any order / 顺序不限"),
    "date": ("Date / 日期", "YYYY-MM-DD"), "note": ("Note / 备注", None),
    "situation": ("Situation / 负面情形", None), "responsibility": ("Responsibility / 责任程度", None),
    "adjustment": ("Adjustment / 裁量调整", None), "inspection": ("Inspection id / 检查编号", None),
    "behaviour": ("Behaviour id / 行为编号", None), "institution": ("Institution / 机构", None),
    "way": ("Repair way / 修复途径", None), "score": ("Exam score / 考试成绩", None),
    "emergency": ("Emergency / 急诊抢救", None), "amount": ("Amount / 金额", None),
    "passed": ("Passed / 是否通过", None),
    # result
    "rulebook": ("Rulebook id / 规则集", None), "document": ("Document number / 文号", None),
    "role": ("Role / 人员类别", None), "as_of": ("As of / 截至日期", None),
    "years": ("Points by natural year / 各年度记分", None), "repaired": ("Points repaired / 修复分值", None),
    "net": ("Net points / 净记分", "points − repaired"), "left": ("Points left / 剩余分值", None),
    "decisions": ("Decisions / 处理决定", "one per score event, in date order / 每次记分一项"),
    "repairs": ("Repairs / 记分修复", None), "accepted": ("Accepted / 是否受理", None),
    "shortened": ("Term shortened / 期限缩短", None), "to": ("To / 至", None),
    "claims": ("Claims / 费用结算", None), "state": ("Status state / 状态", "normal 正常 | suspended 暂停 | terminated 终止"),
    "restorations": ("Restorations / 资格恢复", None), "status": ("Status / 状态", None),
    "awaiting_restoration": ("Awaiting restoration / 期满待恢复", None), "timeline": ("Status timeline / 状态时间线", None),
    "interpretations": ("Readings used / 采用的解释", None), "warnings": ("Warnings / 警告", None),
    "trace": ("Trace / 依据", "every rule that fired, in order, with its article / 依次列出适用的规则及条款"),
    "step": ("Step / 步骤", None), "event": ("Event index / 事件序号", None), "rule": ("Rule / 规则", None),
    "detail": ("Detail / 说明", None), "counted_points": ("Counted points / 计入分值", None),
    "single": ("Single score / 单次记分", None), "year_total": ("Year total / 年度累计", None),
    "points_left": ("Points left / 剩余分值", None),
    # calendar, deadlines, attribution, appeals, organisations
    "count_from": ("Counting from / 起算方式", None), "period_end": ("Period end on a holiday / 期间届满日遇节假日", None),
    "overrides": ("Calendar overrides / 工作日调整", None), "complete_years": ("Complete years / 完整年度", None),
    "title": ("Title / 标题", None), "groups": ("Groups / 分组", None), "rows": ("Rows / 条目", None),
    "hit": ("Which rules apply / 适用方式", None), "row": ("Row number / 序号", None),
    "responsibility_text": ("Responsibility text / 责任认定原文", None), "assign": ("Assignments / 责任认定", None),
    "assignments": ("Assignments / 责任认定", None), "choices": ("Choices left to the officer / 可选认定", None),
    "reject": ("Outside the text / 不予认定", None), "who": ("Who / 责任人员", None), "level": ("Level / 责任程度", None),
    "deadline": ("Deadline / 期限", None), "bound": ("Bound / 期限性质", None), "actor": ("Who must act / 办理主体", None),
    "org_file": ("Organisation file / 组织结构文件", None), "org": ("Organisation / 组织结构", None),
    "ref": ("Reference / 文书编号", None), "notice_received": ("Notice received / 收到处理通知书日期", None),
    "attribution": ("Attribution / 责任认定", None), "attributions": ("Attributions / 责任认定", None),
    "violation": ("Violation (annex row) / 违规情形（附件序号）", None), "violation_id": ("Violation id / 违规情形标识", None),
    "violation_text": ("Violation text / 违规情形原文", None), "group": ("Group / 分组", None),
    "ordered": ("Per an order / 按医嘱", None), "involved": ("Persons involved / 涉及人员", None),
    "decided": ("Officer's decision / 经办人员决定", None), "notes": ("Notes / 说明", None),
    "applied": ("Applied / 申请日期或已适用", None), "contests": ("Contested decision / 所申诉的处理", None),
    "appeal": ("Appeal / 申诉", None), "appeals": ("Appeals / 申诉", None), "outcome": ("Outcome / 申诉结果", None),
    "persons": ("Persons / 人员", None), "phase": ("Phase / 阶段", None), "ban_until": ("Ban until / 禁止登记至", None),
    "term_until": ("Term until / 期满日", None), "decision": ("Decision index / 处理决定序号", None),
    "restored_by": ("Restored by / 恢复事件", None), "reading": ("Reading / 采用的理解", None),
    "departments": ("Departments / 科室", None), "wards": ("Wards / 病区", None), "pharmacies": ("Pharmacies / 药房", None),
    "members": ("Members / 成员", None), "nursing": ("Nursing units / 护理单元", None), "parent": ("Parent unit / 上级单位", None),
    "head": ("Head / 负责人", None), "director": ("Director / 主任", None), "leader": ("Leader / 组长", None),
    "head_nurse": ("Head nurse / 护士长", None),
    "legal_representative": ("Legal representative (pharmacy: principal) / 单位法人代表", None),
    "decision_date": ("Decision date / 处理决定日期", None), "timely": ("In time / 是否在期限内", None),
    "verification_due": ("Verification due / 核实期限", None), "verification_article": ("Verification article / 核实期限条款", None),
    "result": ("Result / 结果", None), "points_before": ("Points before / 原记分", None),
    "points_after": ("Points after / 调整后记分", None), "verification_late": ("Verified late / 核实逾期", None), "original_decision": ("Original decision / 原处理决定", None),
    # later additions (obligations, institutions, ranges of bans, …)
    "consequences": ("Consequences / 处理措施", None),
    "discretionary": ("Discretionary / 可以（裁量）", "true where the text says 可以 / 原文为“可以”"),
    "applies_to": ("Applies to / 适用机构", "medical 定点医疗机构 | pharmacy 定点零售药店"),
    "year_cap_rule": ("Yearly cap rule / 年度上限依据", None),
    "situation_required": ("Situation required / 须注明情形", None),
    "ban_years_min": ("Fewest years before re-registration / 最少不得登记年数", None),
    "ban_years_max": ("Most years before re-registration / 最多不得登记年数", None),
    "verified": ("Verified / 查证属实", None), "rewarded": ("Rewarded / 获得举报奖励", None),
    "obligation": ("Obligation / 义务", None), "obligations": ("Obligations / 应履行义务", None),
    "parameters": ("Readings / 解释参数", None), "kind": ("Kind / 类型", None),
    "staff_count": ("Staff count / 相关人员总人数", None), "staff": ("Staff / 相关人员", None),
    "institution": ("Institution / 机构", None), "suspensions": ("Suspensions / 暂停人次", None),
    "terminations": ("Terminations / 终止人次", None), "single_max": ("Largest single score / 最高单次记分", None),
    "violations": ("Violations / 违规次数", None), "met": ("Met / 已履行", None),
    "scoring": ("Scoring / 记分", "tiers of situations and their points / 记分档次、情形及分值"),
    "repair": ("Repair / 记分修复", "ways to repair points and their caps / 记分修复途径及上限"),
}
#: $defs titles.
DEFS = {
    "expression": "DSL expression / DSL 表达式", "role": "Role / 人员类别", "level": "Responsibility level / 责任程度",
    "legal": "Law / 法条", "parameter": "Reading of ambiguous text / 解释参数", "tier": "Tier / 记分档次",
    "situation": "Negative situation / 负面情形", "consequence": "Consequence rule / 处理规则",
    "repair_way": "Repair way / 修复途径", "settlement": "Settlement rule / 结算规则", "date": "Date / 日期",
    "date_or_null": "Date or null / 日期或空", "state": "Status state / 状态", "decision": "Decision / 处理决定",
    "event": "Event / 事件", "scoring": "Scoring / 记分", "repair": "Repair / 记分修复",
}


UNKNOWN: List[str] = []

#: Descriptions of the rulebook's top-level sections (what an officer sees on hover), where missing.
TOP_DESCRIPTIONS = {
    "title": "the document's title as published / 文件标题（照录）",
    "jurisdiction": "the region the rules apply in / 适用地区",
    "document": "the document number (文号), e.g. 内医保发〔2025〕7号 / 发文字号",
    "issuers": "the bodies that issued the document / 联合发文机关",
    "published": "the date the document was issued, YYYY-MM-DD / 印发日期",
    "extends": "a rulebook whose sections this one inherits / 继承其内容的上位规则集",
    "missing": "the parts of the source text that are missing / 原文缺失的部分",
    "cites": "documents the rules rest on / 所依据的文件",
    "source": "where values not in the source text come from / 原文之外取值的出处",
    "effective": "from (and until) when the rules apply; events outside are rejected / 施行起止日期，期间以外的事件不予受理",
    "scope": "who the rules apply to (roles), with the sentence that names them / 适用人员类别及原文",
    "parameters": "readings of ambiguous text: the one used and the others a case may choose / 含义不明之处采用的理解及其他可选理解",
    "responsibility": "the responsibility levels a score names / 记分时认定的责任程度",
    "consequences": "rules deciding warnings, suspensions and terminations after each score / 每次记分后的处理规则",
    "restoration": "when a suspended or terminated person may be restored / 资格恢复的条件",
    "settlement": "whether claims are settled in each status (e.g. 急诊、抢救除外) / 各状态下医保费用是否结算",
}


def bilingual(text: Optional[str]) -> bool:
    return bool(text) and bool(CJK.search(text)) and bool(LATIN.search(text))


def _scan(text: str) -> Dict[Tuple, int]:
    """Offsets of the opening brace of every object value, by JSON path (a tiny position-keeping parser)."""
    offsets: Dict[Tuple, int] = {}
    decoder = json.JSONDecoder()
    i = 0

    def ws(i):
        while text[i] in " \t\r\n":
            i += 1
        return i

    def value(i, path):
        i = ws(i)
        if text[i] == "{":
            offsets[path] = i
            i = ws(i + 1)
            if text[i] == "}":
                return i + 1
            while True:
                key, i = decoder.raw_decode(text, ws(i))
                i = ws(i)
                assert text[i] == ":"
                i = value(i + 1, path + (key,))
                i = ws(i)
                if text[i] == ",":
                    i += 1
                    continue
                assert text[i] == "}"
                return i + 1
        if text[i] == "[":
            i = ws(i + 1)
            if text[i] == "]":
                return i + 1
            n = 0
            while True:
                i = value(i, path + (n,))
                i = ws(i)
                n += 1
                if text[i] == ",":
                    i += 1
                    continue
                assert text[i] == "]"
                return i + 1
        _, end = decoder.raw_decode(text, i)
        return end

    value(i, ())
    return offsets


def schema_title(schema: dict) -> str:
    return str(schema.get("$id", "")).rsplit("/", 1)[-1].replace(".schema.json", "")


def plan(schema: dict) -> Dict[Tuple, List[Tuple[str, str]]]:
    """{path of a property schema: [(key, value) to add]}."""
    todo: Dict[Tuple, List[Tuple[str, str]]] = {}
    schema_root = [schema]

    def walk(node, path):
        if not isinstance(node, dict):
            return
        for key, sub in (node.get("properties") or {}).items():
            if not isinstance(sub, dict):
                continue
            adds = []
            if not bilingual(sub.get("title")) and not sub.get("title"):
                title, description = BY_NAME.get(key, (None, None))
                if title is None:
                    UNKNOWN.append(f"{key} at {'/'.join(map(str, path))}")
                    continue
                adds.append(("title", title))
                if description and not sub.get("description"):
                    adds.append(("description", description))
            if not path and not sub.get("description") and key in TOP_DESCRIPTIONS \
                    and schema_title(schema_root[0]) == "rulebook" and not any(k == "description" for k, _ in adds):
                adds.append(("description", TOP_DESCRIPTIONS[key]))
            title = sub.get("title") or ""
            if title and not adds and not bilingual(title + (sub.get("description") or "")) and not sub.get("description"):
                # a title in one language only: the other goes in the description (titles are not rewritten)
                english, _ = BY_NAME.get(key, (None, None))
                if english is None:
                    UNKNOWN.append(f"{key} at {'/'.join(map(str, path))}")
                else:
                    adds.append(("description", english))
            if adds:
                todo[path + ("properties", key)] = adds
            walk(sub, path + ("properties", key))
        for key, sub in (node.get("$defs") or {}).items():
            if isinstance(sub, dict) and not sub.get("title") and key in DEFS:
                todo[path + ("$defs", key)] = [("title", DEFS[key])]
            walk(sub, path + ("$defs", key))
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                walk(node[key], path + (key,))
        for key in ("oneOf", "anyOf", "allOf"):
            for n, sub in enumerate(node.get(key) or ()):
                walk(sub, path + (key, n))

    walk(schema, ())
    return todo


def apply(path: Path) -> int:
    text = path.read_text(encoding="utf-8")
    schema = json.loads(text)
    todo = plan(schema)
    if UNKNOWN:
        raise SystemExit("add titles to BY_NAME for: " + "; ".join(UNKNOWN))
    offsets = _scan(text)
    for where in sorted(todo, key=lambda p: offsets[p], reverse=True):
        at = offsets[where]
        adds = todo[where]
        after = text[at + 1:]
        multiline = after.lstrip(" \t").startswith("\n")
        if multiline:
            line_start = text.rfind("\n", 0, at) + 1
            indent = len(text[line_start:at]) - len(text[line_start:at].lstrip(" ")) + 2
            empty = after.strip().startswith("}")
            insert = "".join(f"\n{' ' * indent}{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}," for k, v in adds)
            if empty:
                insert = insert.rstrip(",")
        else:
            empty = after.lstrip().startswith("}")
            insert = ", ".join(f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in adds)
            insert += "" if empty else ", "
        text = text[:at + 1] + insert + text[at + 1:]
    json.loads(text)  # still valid
    path.write_text(text, encoding="utf-8")
    return len(todo)


if __name__ == "__main__":
    for name in sys.argv[1:] or ("rulebook", "case", "result"):
        print(name, apply(ROOT / "schemas" / f"{name}.schema.json"))
