"""The ``attribution`` section: the responsibility-attribution table (附件) compiled over the organisation."""

from __future__ import annotations

from engine.base.frozen import FrozenDict
from typing import Any, Dict, List, Optional, Tuple

from engine.org.functions import ATTRIBUTION_FUNCTIONS, ATTRIBUTION_NAMES
from engine.spec.attribution import Attribution, AttributionRule, Outcome, Row, RowGroup
from engine.spec.build.context import BuildContext
from engine.spec.legal import Legal
from engine.spec.names import Context
from engine.spec.vocabulary import LEVELS

#: The names an attribution condition reads, from the organisation layer that fills them.
ATTRIBUTION = Context("attribution", ATTRIBUTION_NAMES, FrozenDict({}))


def attribution(ctx: BuildContext) -> Optional[Attribution]:
    body = ctx.data.get("attribution")
    if not body:
        return None
    section_legal = Legal(str(body.get("article", "")), str(body.get("text", "")), body.get("interpretation"))
    rows: Dict[int, Row] = {}
    row_ids: Dict[str, int] = {}
    groups: Dict[str, RowGroup] = {}

    def expression(text: Any, expect: str, *path: Any):
        return ctx.expression(text, ATTRIBUTION, expect, *path, functions=ATTRIBUTION_FUNCTIONS)

    for g_index, group in enumerate(body["groups"]):
        path = ("attribution", "groups", g_index)
        if group["id"] in groups:
            ctx.fail(f"attribution group id '{group['id']}' is used twice", *path, "id")
        numbers = []
        for r_index, row in enumerate(group["rows"]):
            r_path = path + ("rows", r_index)
            if row["row"] in rows:
                ctx.fail(f"row {row['row']} is in two groups ('{rows[row['row']].group}' and '{group['id']}')",
                         *r_path, "row")
            if row["id"] in row_ids:
                ctx.fail(f"row id '{row['id']}' is used twice", *r_path, "id")
            rows[row["row"]] = Row(row["row"], row["id"], row["text"], group["id"], row.get("responsibility_text"),
                                   row.get("interpretation"))
            row_ids[row["id"]] = row["row"]
            numbers.append(row["row"])
        rules: List[AttributionRule] = []
        for k, rule in enumerate(group["rules"]):
            r_path = path + ("rules", k)
            kinds = [key for key in ("assign", "choices", "reject") if rule.get(key)]
            if len(kinds) != 1:
                ctx.fail("a rule needs exactly one outcome: assign, choices or reject"
                         + (f" (it has {', '.join(kinds)})" if kinds else ""), *r_path)
                continue
            when = expression(rule["when"], "bool", *r_path, "when") if "when" in rule else None

            def outcomes(key: str) -> Tuple[Outcome, ...]:
                found = []
                for o_index, item in enumerate(rule.get(key) or ()):
                    o_path = r_path + (key, o_index)
                    who = expression(item["who"], "persons", *o_path, "who")
                    cond = expression(item["when"], "bool", *o_path, "when") if "when" in item else None
                    if who is None:
                        continue
                    allowed = tuple(level for level in LEVELS if level in (item.get("allowed") or ()))
                    found.append(Outcome(who, item.get("level"), allowed, cond, item.get("reason")))
                return tuple(found)

            rules.append(AttributionRule(
                str(rule["id"]),
                Legal(section_legal.article.strip(), str(rule["text"]), rule.get("interpretation")),
                when, outcomes("assign"), outcomes("choices"), rule.get("reject")))
        groups[group["id"]] = RowGroup(group["id"], tuple(numbers),
                                       Legal(section_legal.article, str(group["text"]), group.get("interpretation")),
                                       group.get("hit", "first"), tuple(rules))
    return Attribution(section_legal, body.get("title"), FrozenDict(rows), FrozenDict(row_ids),
                       FrozenDict(groups))
