"""Appeals (异议申诉) in a case: timeliness, results, and the re-run of an amended decision.

An ``appeal`` event contests the decision of one score event; it is in time when filed no later
than the rulebook's ``appeal`` deadline counted from the day the 处理通知书 was received (the
appeal's ``notice_received``, else the score event's). A late appeal is refused with the deadline
it missed (内蒙古 第二十五条 “逾期未申诉的，视为放弃”); its result, if the case gives one, is not applied.

An ``appeal_result`` of an appeal in time is ``upheld`` (nothing changes), ``amended`` (the
contested score is replaced by the amended one *on its own date*) or ``revoked`` (the score is
withdrawn). The evaluation is then run with the amended ledger, so the year's points, every later
decision, the status timeline and the claims are recomputed from the amended event onward; the
decision the person first received is kept in the appeal record (``original_decision``) and the
trace says at the amended event that it was re-run. Reading where the texts are silent: an appeal
does not suspend the decision while it is examined (the status follows the original decision in
reality until the result), but the report states the legal position as amended, retroactively to
the decision's date, because 第二十八条 “确需修改处理结果的，经办机构及时调整记分情况” corrects the
decision itself rather than making a new one.
"""

from __future__ import annotations

import copy
import datetime as _dt
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from engine.evaluate.deadlines import compute_deadline
from engine.spec.rulebook import RulebookSpec
from engine.evaluate.ledger import AppealEvent, AppealResultEvent, Case, ScoreEvent


def _iso(value: Optional[_dt.date]) -> Optional[str]:
    return value.isoformat() if value is not None else None


@dataclass
class AppealPlan:
    """What the appeals of a case do: one record per appeal (by event index), and warnings."""

    records: Dict[int, Dict[str, Any]] = field(default_factory=dict)
    warnings: List[str] = field(default_factory=list)
    amended: Dict[int, int] = field(default_factory=dict)    # score event index → appeal_result index
    revoked: Dict[int, int] = field(default_factory=dict)


def plan_appeals(rulebook: RulebookSpec, case: Case) -> AppealPlan:
    """Judge every appeal's timeliness, apply the results of appeals in time to ``case.events``."""
    plan = AppealPlan()
    appeals = [e for e in case.events if isinstance(e, AppealEvent)]
    if not appeals:
        return plan
    original_case = copy.copy(case)
    original_case.events = list(case.events)
    scores = {e.index: e for e in case.events if isinstance(e, ScoreEvent)}
    appeal_rule = rulebook.deadlines.get("appeal")
    verification_rule = rulebook.deadlines.get("verification")
    for appeal in appeals:
        contested = scores[appeal.contests]
        notice = appeal.notice_received or contested.notice_received
        record: Dict[str, Any] = {
            "event": appeal.index, "date": _iso(appeal.date), "contests": contested.index,
            "decision_date": _iso(contested.date), "ref": contested.ref, "notice_received": _iso(notice),
            "deadline": None, "article": appeal_rule.legal.article if appeal_rule else None,
            "timely": True, "accepted": True, "reason": None,
            "verification_due": None, "verification_article": None, "result": None,
        }
        if appeal_rule is None:
            record["reason"] = f"{rulebook.id} sets no appeal deadline: the appeal is examined"
        elif notice is None:
            record["reason"] = ("no notice_received date (on the appeal or the contested score event): "
                                "timeliness not checked, the appeal is examined")
            plan.warnings.append(f"appeal events[{appeal.index}]: {record['reason']}")
        else:
            deadline = compute_deadline(rulebook, "appeal", notice).deadline
            record["deadline"] = _iso(deadline)
            if appeal.date > deadline:
                record["timely"] = record["accepted"] = False
                record["reason"] = (f"late: filed {appeal.date}, the appeal deadline was {deadline} "
                                    f"({appeal_rule.expression.text}, notice received {notice}; "
                                    f"{appeal_rule.legal.article}); refused")
            else:
                record["reason"] = (f"in time: filed {appeal.date}, deadline {deadline} "
                                    f"(notice received {notice}; {appeal_rule.legal.article})")
        if verification_rule is not None and record["accepted"]:
            record["verification_due"] = _iso(compute_deadline(rulebook, "verification", appeal.date).deadline)
            record["verification_article"] = verification_rule.legal.article
        plan.records[appeal.index] = record

    for result in sorted((e for e in case.events if isinstance(e, AppealResultEvent)), key=lambda e: e.date):
        record = plan.records[result.appeal]
        outcome: Dict[str, Any] = {"event": result.index, "date": _iso(result.date), "outcome": result.outcome,
                                   "applied": False, "points_before": scores[record["contests"]].points,
                                   "points_after": None, "reason": None, "verification_late": False}
        record["result"] = outcome
        if record["verification_due"] and result.date.isoformat() > record["verification_due"]:
            outcome["verification_late"] = True
        if not record["accepted"]:
            outcome["reason"] = (f"the appeal was late (deadline {record['deadline']}, {record['article']}): "
                                 "its result is not applied")
            continue
        outcome["applied"] = True
        contested = record["contests"]
        if result.outcome == "upheld":
            outcome["points_after"] = outcome["points_before"]
            outcome["reason"] = "upheld: the decision stands (维持原状)"
            continue
        position = next(i for i, e in enumerate(case.events) if isinstance(e, ScoreEvent) and e.index == contested)
        if result.outcome == "revoked":
            del case.events[position]
            plan.revoked[contested] = result.index
            outcome["points_after"] = 0
            outcome["reason"] = f"revoked: the score of events[{contested}] is withdrawn; re-run from {record['decision_date']}"
        else:
            amended = result.amended
            assert amended is not None  # the ledger built it
            case.events[position] = amended
            plan.amended[contested] = result.index
            outcome["points_after"] = amended.points
            outcome["situation_after"] = amended.situation.code
            outcome["responsibility_after"] = amended.responsibility
            outcome["reason"] = (f"amended: events[{contested}] {outcome['points_before']} → {amended.points} points; "
                                 f"year {amended.date.year} and status re-run from {amended.date}")

    for record in plan.records.values():
        due = record["verification_due"]
        if record["accepted"] and record["result"] is None and due and due < case.as_of.isoformat():
            plan.warnings.append(f"appeal events[{record['event']}]: no result, and its verification was due by "
                                 f"{due} ({record['verification_article']})")
    if plan.amended or plan.revoked:
        _attach_original_decisions(rulebook, original_case, plan)
    return plan


def _attach_original_decisions(rulebook: RulebookSpec, original: Case, plan: AppealPlan) -> None:
    """The decisions as first made (without the amendments), for the appeal records."""
    from engine.evaluate.pipeline import _Evaluation

    run = _Evaluation(rulebook, original, trace=False)
    run.appeal_plan = AppealPlan(records=plan.records)
    decisions = {d["event"]: d for d in run.run()["decisions"]}
    for record in plan.records.values():
        if record["result"] and record["result"]["applied"] and record["result"]["outcome"] != "upheld":
            first = decisions.get(record["contests"])
            if first:
                record["original_decision"] = {k: first[k] for k in ("points", "year_total", "action", "months",
                                                                     "ban_years", "from", "until", "rules")}
