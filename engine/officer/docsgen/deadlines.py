"""The table of every working-day clock the rulebooks hold, for ``docs/deadlines.md``.

The page is written by hand around one generated block (between :data:`BEGIN` and :data:`END`), so
that the page never claims a clock no rulebook holds: ``yibao docs`` rewrites the block from the
rulebooks, and ``tests/test_deadlines_doc.py`` fails when the committed page differs from it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import List, Sequence

from engine.evaluate.clocks import DECISION_DATES, TERM_END
from engine.rulebook.rulebook import Rulebook
from engine.spec.time import Deadline
from engine.spec.vocabulary import DEADLINE_KINDS

BEGIN = "<!-- BEGIN generated: every deadline of every rulebook (yibao docs; tests/test_deadlines_doc.py) -->"
END = "<!-- END generated -->"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _in_a_case(rule: Deadline) -> str:
    """Where the evaluation runs this clock (engine/evaluate/clocks.py, appeals.py, restoration.py)."""
    if rule.start in DECISION_DATES:
        where = f"`clocks`, per decision, from its {rule.start}"
        if rule.applies_to:
            where += f" (only {', '.join(rule.applies_to)})"
        if rule.met_by:
            where += f"; met by {rule.met_by}"
        return where
    if rule.start == TERM_END:
        return "`clocks`, from the last day of the term or ban of `status`"
    if rule.kind in ("appeal", "verification"):
        return "`appeals` (from the appeal's date)" if rule.start == "appeal_received" else "`appeals`"
    if rule.kind == "restoration":
        return "`restorations` (from the application's `applied`)"
    return "`yibao deadline` only (no case event)"


def deadlines_table(rulebooks: Sequence[Rulebook]) -> str:
    """The generated block: one row per deadline of each rulebook, in GLOSSARY order."""
    lines = [BEGIN, "",
             "| rulebook | kind | 名称 | article | counted from | deadline | bound | who acts | exceptions | in a case |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    without: List[str] = []
    for rb in sorted(rulebooks, key=lambda r: r.id):
        if not rb.deadlines:
            without.append(rb.id)
            continue
        for kind in DEADLINE_KINDS:
            rule = rb.deadlines.get(kind)
            if rule is None:
                continue
            exceptions = "; ".join(f"`{e.id}`: {e.legal.text} ({e.legal.article})" for e in rule.exceptions.values())
            lines.append("| " + " | ".join(_cell(c) for c in (
                rb.id, f"`{kind}`", rule.label or "", rule.legal.article, f"`{rule.start}`",
                f"`{rule.expression.text}`", rule.bound, rule.actor or "", exceptions or "—", _in_a_case(rule))) + " |")
    lines += ["", "Rulebooks that define no deadline: " + (", ".join(f"`{rid}`" for rid in without) or "none")
              + ". `yibao deadline` answers for them with an error naming the kinds they define (none); an appeal in "
              "their cases is examined without a timeliness check.", "", END]
    return "\n".join(lines)


def refresh(page: Path, rulebooks: Sequence[Rulebook]) -> bool:
    """Rewrite the generated block of ``page``; False when the page has no block (nothing written)."""
    text = page.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        return False
    page.write_text(pattern.sub(lambda _: deadlines_table(rulebooks), text, count=1), encoding="utf-8")
    return True


def current_block(page: Path) -> str:
    """The generated block as the page holds it ('' when it has none)."""
    text = page.read_text(encoding="utf-8")
    match = re.search(re.escape(BEGIN) + r".*?" + re.escape(END), text, re.S)
    return match.group(0) if match else ""
