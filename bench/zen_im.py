"""The Inner Mongolia scoring and 第十九条 thresholds as a GoRules JDM decision graph (zen-engine).

The graph, as a zen user would draw it in the JDM editor:

    request ─▶ 第十八条 points (decision table: tier × responsibility → points)
            ─▶ 第十七条 aggregation (expression node: counted, year_total, single)
            ─▶ 第十九条 consequences (decision table, hit policy "first", most severe row first)
            ─▶ response

The state that spans events (the year's net total, the highest points already counted for a
behaviour, the running sum of an inspection) is kept in Python, as a zen user would: one evaluate
call per score event, its inputs taken from and its outputs written back to that state. Only
score events are handled (no repairs, claims or restorations): this is the "score-only" part of
the workload.

zen is called through its fastest documented API (docs.gorules.io/reference/python, "Loader":
"Combined with ZenDecisionContent for pre-compilation, this provides optimal performance"): a
``ZenEngine`` whose loader returns the graph pre-compiled as ``ZenDecisionContent``, and
``engine.evaluate(key, context)``. ``api="static"`` uses the static loader configuration instead
(the content given up front), ``api="decision"`` the slow ``create_decision(json).evaluate`` path of
the first benchmark (~10x slower a call), kept for comparison.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List

import zen

SITUATION_TIER = {
    "18.1.1": 1, "18.1.2": 1, "18.1.3": 1, "18.1.4": 1, "18.1.5": 1,
    "18.2.1": 2, "18.2.2": 2, "18.2.3": 2, "18.2.4": 2,
    "18.3.1": 3, "18.3.2": 3,
    "18.4.1": 4, "18.4.2": 4, "18.4.3": 4, "18.4.4": 4,
}
CATCH_ALL = {1: "18.1.5", 2: "18.2.4", 3: "18.3.2", 4: "18.4.4"}
LEVELS = ("general", "important", "primary")


def _points_table() -> Dict[str, Any]:
    rules = []
    for tier, row in ((1, (1, 2, 3)), (2, (4, 5, 6)), (3, (7, 8, 9)), (4, (10, 11, 12))):
        for level, points in zip(LEVELS, row):
            rules.append({"_id": f"p{tier}{level[0]}", "_description": f"第十八条 tier {tier}, {level}",
                          "in-tier": str(tier), "in-resp": json.dumps(level, ensure_ascii=False),
                          "out-points": str(points)})
    return {
        "hitPolicy": "first", "passThrough": True, "inputField": None, "outputPath": None, "executionMode": "single",
        "inputs": [{"id": "in-tier", "name": "Tier", "field": "tier"},
                   {"id": "in-resp", "name": "Responsibility", "field": "responsibility"}],
        "outputs": [{"id": "out-points", "name": "Points", "field": "points"}],
        "rules": rules,
    }


def _consequence_table() -> Dict[str, Any]:
    # Most severe first; hit policy "first" picks the most severe consequence whose condition holds.
    # The first row: a finding that adds no points (第十七条, same behaviour already counted at its
    # highest) is no new 记分 and makes no new measure. 第十二条: a licence lost (18.4.2) by a 医药卫生类
    # 专业技术人员 terminates without a ban — lighter than a termination for points (which then applies).
    licence_roles = 'in ["physician", "nurse", "pharmacist", "technician"]'
    rows = [
        ("no-new-points", "0", "", "", "", "", "none", None, "null", "null"),
        ("terminate-single-12", "", "", ">= 12", "", "", "terminate", "终止医保支付资格", "null", "3"),
        ("terminate-cumulative-12", "", ">= 12", "", "", "", "terminate", "终止医保支付资格", "null", "1"),
        ("terminate-licence-lost", "", "", "", '"18.4.2"', licence_roles, "terminate",
         "终止医保支付资格（不具备行业主管部门执业资格）", "null", "0"),
        ("suspend-single-11", "", "", ">= 11", "", "", "suspend", "暂停医保支付资格", "6", "null"),
        ("suspend-cumulative-11", "", ">= 11", "", "", "", "suspend", "暂停医保支付资格", "5", "null"),
        ("suspend-single-10", "", "", ">= 10", "", "", "suspend", "暂停医保支付资格", "4", "null"),
        ("suspend-cumulative-10", "", ">= 10", "", "", "", "suspend", "暂停医保支付资格", "3", "null"),
        ("suspend-single-9", "", "", ">= 9", "", "", "suspend", "暂停医保支付资格", "2", "null"),
        ("suspend-cumulative-9", "", ">= 9", "", "", "", "suspend", "暂停医保支付资格", "1", "null"),
        ("warn-3", "", ">= 3", "", "", "", "warn", "通报记分情况、谈话提醒、学习培训", "null", "null"),
        ("none", "", "", "", "", "", "none", None, "null", "null"),
    ]
    rules = [{"_id": rid, "_description": rid, "in-counted": counted, "in-total": total, "in-single": single,
              "in-situation": situation, "in-role": role, "out-action": json.dumps(action),
              "out-measure": json.dumps(measure, ensure_ascii=False) if measure else "null",
              "out-months": months, "out-ban": ban}
             for rid, counted, total, single, situation, role, action, measure, months, ban in rows]
    return {
        "hitPolicy": "first", "passThrough": True, "inputField": None, "outputPath": None, "executionMode": "single",
        "inputs": [{"id": "in-counted", "name": "Counted points", "field": "counted_points"},
                   {"id": "in-total", "name": "Year total", "field": "year_total"},
                   {"id": "in-single", "name": "Single score", "field": "single"},
                   {"id": "in-situation", "name": "Situation", "field": "situation"},
                   {"id": "in-role", "name": "Role", "field": "role"}],
        "outputs": [{"id": "out-action", "name": "Action", "field": "action"},
                    {"id": "out-measure", "name": "Measure", "field": "measure"},
                    {"id": "out-months", "name": "Months", "field": "months"},
                    {"id": "out-ban", "name": "Ban years", "field": "ban_years"}],
        "rules": rules,
    }


def graph() -> Dict[str, Any]:
    """The JDM document (what the JDM editor would save)."""
    def node(id_, type_, name, x, content=None):
        body = {"id": id_, "type": type_, "name": name, "position": {"x": x, "y": 100}}
        if content is not None:
            body["content"] = content
        return body

    aggregation = {
        "passThrough": True, "inputField": None, "outputPath": None, "executionMode": "single",
        "expressions": [
            # 第十七条: one behaviour counts once, at its highest situation
            {"id": "x-counted", "key": "counted_points", "value": "max([0, points - behaviour_before])"},
            {"id": "x-total", "key": "year_total", "value": "year_net_before + $.counted_points"},
            # reading single_score_scope=inspection: an inspection's sum is one 单次记分
            {"id": "x-single", "key": "single", "value": "inspection_before + $.counted_points"},
        ],
    }
    nodes = [
        node("request", "inputNode", "Request", 0),
        node("points", "decisionTableNode", "第十八条 points", 250, _points_table()),
        node("aggregate", "expressionNode", "第十七条 aggregation", 500, aggregation),
        node("consequence", "decisionTableNode", "第十九条 consequences", 750, _consequence_table()),
        node("response", "outputNode", "Response", 1000),
    ]
    chain = ["request", "points", "aggregate", "consequence", "response"]
    edges = [{"id": f"e{i}", "type": "edge", "sourceId": a, "targetId": b} for i, (a, b) in enumerate(zip(chain, chain[1:]))]
    return {"contentType": "application/vnd.gorules.decision", "nodes": nodes, "edges": edges}


KEY = "inner-mongolia-score.json"


class ZenScorer:
    """Score events through zen-engine; ``api``: ``loader`` (the fastest documented), ``static`` or ``decision``."""

    def __init__(self, api: str = "loader") -> None:
        text = json.dumps(graph(), ensure_ascii=False)
        if api == "loader":
            content = zen.ZenDecisionContent(text)  # pre-compiled once, as the docs advise
            self.engine = zen.ZenEngine({"loader": lambda key: content})
            engine = self.engine
            self.call = lambda context: engine.evaluate(KEY, context)
        elif api == "static":
            self.engine = zen.ZenEngine({"loader": {"type": "static", "content": {KEY: graph()}}})
            engine = self.engine
            self.call = lambda context: engine.evaluate(KEY, context)
        elif api == "decision":
            self.engine = zen.ZenEngine()
            self.call = self.engine.create_decision(text).evaluate
        else:
            raise ValueError(f"unknown zen api {api!r}")

    def person_year(self, case: Dict[str, Any]) -> List[Dict[str, Any]]:
        """Decisions (event, action, months, ban_years, …) for the score events of one case, in date order."""
        role = case["person"]["role"]
        scores = [(e["date"], i, e) for i, e in enumerate(case["events"]) if e["kind"] == "score"]
        scores.sort(key=lambda s: s[0])  # ISO dates sort as text; stable like the engine
        year_net: Dict[str, int] = {}
        behaviour_max: Dict[tuple, int] = {}
        inspection_total: Dict[str, int] = {}
        evaluate = self.call
        out = []
        for day, index, event in scores:
            situation = event.get("situation")
            tier = SITUATION_TIER[str(situation)] if situation is not None else event["tier"]
            code = str(situation) if situation is not None else CATCH_ALL[tier]
            year = day[:4]  # 第十七条 aggregation within a natural year
            inspection = (year, str(event.get("inspection", f"#event-{index}")))
            key = (inspection, str(event.get("behaviour", f"#event-{index}")))
            result = evaluate({
                "tier": tier, "responsibility": event["responsibility"], "situation": code, "role": role,
                "behaviour_before": behaviour_max.get(key, 0),
                "year_net_before": year_net.get(year, 0),
                "inspection_before": inspection_total.get(inspection, 0),
            })["result"]
            behaviour_max[key] = max(behaviour_max.get(key, 0), result["points"])
            year_net[year] = result["year_total"]
            inspection_total[inspection] = result["single"]
            out.append({"event": index, "points": result["points"], "counted_points": result["counted_points"],
                        "single": result["single"], "year_total": result["year_total"], "action": result["action"],
                        "measure": result.get("measure"), "months": result.get("months"),
                        "ban_years": result.get("ban_years")})
        return out
