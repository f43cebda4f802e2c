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
from typing import Dict

from engine.cases.events import AppealEvent, AppealResultEvent, Case, ScoreEvent
from engine.evaluate.deadlines import compute_deadline
from engine.evaluate.records import AppealOutcome, AppealPlan, AppealRecord
from engine.evaluate.run import run
from engine.evaluate.write import to_json
from engine.spec.rulebook import RulebookSpec


def _record(rulebook: RulebookSpec, appeal: AppealEvent, contested: ScoreEvent, plan: AppealPlan) -> AppealRecord:
    """The appeal's timeliness (the ``appeal`` deadline from the notice) and its verification deadline."""
    appeal_rule = rulebook.deadlines.get("appeal")
    verification_rule = rulebook.deadlines.get("verification")
    notice = appeal.notice_received or contested.notice_received
    record = AppealRecord(appeal.index, appeal.date, contested.index, contested.date, contested.ref, notice,
                          None, appeal_rule.legal.article if appeal_rule else None, True, True, None, None, None, None)
    if appeal_rule is None:
        record.reason = f"{rulebook.id} sets no appeal deadline: the appeal is examined"
    elif notice is None:
        record.reason = ("no notice_received date (on the appeal or the contested score event): "
                         "timeliness not checked, the appeal is examined")
        plan.warnings.append(f"appeal events[{appeal.index}]: {record.reason}")
    else:
        deadline = compute_deadline(rulebook, "appeal", notice).deadline
        record.deadline = deadline
        if appeal.date > deadline:
            record.timely = record.accepted = False
            record.reason = (f"late: filed {appeal.date}, the appeal deadline was {deadline} "
                             f"({appeal_rule.expression.text}, notice received {notice}; "
                             f"{appeal_rule.legal.article}); refused")
        else:
            record.reason = (f"in time: filed {appeal.date}, deadline {deadline} "
                             f"(notice received {notice}; {appeal_rule.legal.article})")
    if verification_rule is not None and record.accepted:
        record.verification_due = compute_deadline(rulebook, "verification", appeal.date).deadline
        record.verification_article = verification_rule.legal.article
    return record


def plan_appeals(rulebook: RulebookSpec, case: Case) -> AppealPlan:
    """Judge every appeal's timeliness and apply the results of appeals in time to ``case.events``."""
    plan = AppealPlan()
    appeals = [e for e in case.events if isinstance(e, AppealEvent)]
    if not appeals:
        return plan
    original_case = copy.copy(case)
    original_case.events = list(case.events)
    scores = {e.index: e for e in case.events if isinstance(e, ScoreEvent)}
    for appeal in appeals:
        plan.records[appeal.index] = _record(appeal.rulebook or rulebook, appeal, scores[appeal.contests], plan)
    for result in sorted((e for e in case.events if isinstance(e, AppealResultEvent)), key=lambda e: e.date):
        _apply_result(case, plan, scores, result)
    for record in plan.records.values():
        due = record.verification_due
        if record.accepted and record.result is None and due and due < case.as_of:
            plan.warnings.append(f"appeal events[{record.event}]: no result, and its verification was due by "
                                 f"{due} ({record.verification_article})")
    if plan.amended or plan.revoked:
        _attach_original_decisions(rulebook, original_case, plan)
    return plan


def _apply_result(case: Case, plan: AppealPlan, scores: Dict[int, ScoreEvent], result: AppealResultEvent) -> None:
    record = plan.records[result.appeal]
    contested = record.contests
    outcome = AppealOutcome(result.index, result.date, result.outcome, False, scores[contested].points, None, None,
                            bool(record.verification_due and result.date > record.verification_due))
    record.result = outcome
    if not record.accepted:
        outcome.reason = (f"the appeal was late (deadline {record.deadline}, {record.article}): "
                          "its result is not applied")
        return
    outcome.applied = True
    if result.outcome == "upheld":
        outcome.points_after = outcome.points_before
        outcome.reason = "upheld: the decision stands (维持原状)"
        return
    position = next(i for i, e in enumerate(case.events) if isinstance(e, ScoreEvent) and e.index == contested)
    if result.outcome == "revoked":
        del case.events[position]
        plan.revoked[contested] = result.index
        outcome.points_after = 0
        outcome.reason = f"revoked: the score of events[{contested}] is withdrawn; re-run from {record.decision_date}"
        return
    amended = result.amended
    assert amended is not None  # the case reader built it
    case.events[position] = amended
    plan.amended[contested] = result.index
    outcome.points_after = amended.points
    outcome.situation_after = amended.situation.code
    outcome.responsibility_after = amended.responsibility
    outcome.reason = (f"amended: events[{contested}] {outcome.points_before} → {amended.points} points; "
                      f"year {amended.date.year} and status re-run from {amended.date}")


def _attach_original_decisions(rulebook: RulebookSpec, original: Case, plan: AppealPlan) -> None:
    """The decisions as first made (without the amendments), for the appeal records."""
    first_run = run(rulebook, original, trace=False, plan=AppealPlan(records=plan.records))
    decisions = {d.event: d for d in first_run.decisions}
    for record in plan.records.values():
        if record.result and record.result.applied and record.result.outcome != "upheld":
            first = decisions.get(record.contests)
            if first is not None:
                written = to_json(first)
                record.original_decision = {k: written[k] for k in ("points", "year_total", "action", "months",
                                                                     "ban_years", "from", "until", "rules")}
