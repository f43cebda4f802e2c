"""Tools for the people who write rulebooks: golden cases, case skeletons, diffs, documentation pages.

They sit above the embedding API (:mod:`engine.api`) and use only it and the rulebook facade; the
faces (the CLI, the workbench) call the functions below.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from engine.api import (check_rulebook, describe_rulebook, load_rulebook, rulebook_origins, rulebook_provenance,
                        rulebook_warnings)
from engine.errors import CaseError, Location, did_you_mean
from engine.officer.docsgen import generate
from engine.officer.docsgen.diff import diff_rulebooks as _rule_changes, render_text, to_json
from engine.officer.golden import GOLDEN_ROOT, golden_files
from engine.officer.skeleton import skeleton
from engine.officer.textlint import check_text_numbers


def check_report(id_or_path: str, *, origins: bool = False) -> Dict[str, Any]:
    """``yibao check`` for one rulebook, JSON-ready: errors (located), warnings, and where a rule's
    sentence and its numbers disagree (:mod:`engine.officer.textlint`)."""
    errors = check_rulebook(id_or_path)
    report: Dict[str, Any] = {
        "rulebook": id_or_path, "ok": not errors,
        "errors": [dict(error.to_dict(), rendered=str(error)) for error in errors],
        "summary": None, "warnings": [], "text_warnings": [],
    }
    if errors:
        return report
    report["summary"] = describe_rulebook(id_or_path)
    report["provenance"] = rulebook_provenance(id_or_path)
    report["warnings"] = rulebook_warnings(id_or_path)
    report["text_warnings"] = [w.to_dict() for w in check_text_numbers(id_or_path)]
    if origins:
        report["origins"] = rulebook_origins(id_or_path)
    return report


def diff_rulebooks(a: str, b: str) -> Dict[str, Any]:
    """Rule-by-rule differences between two rulebooks (ids or files), JSON-ready (``yibao diff --json``)."""
    rb_a, rb_b = load_rulebook(a), load_rulebook(b)
    return to_json(rb_a, rb_b, _rule_changes(rb_a, rb_b))


def diff_report(a: str, b: str) -> Tuple[str, int]:
    """The text report of ``yibao diff`` and the number of differences."""
    rb_a, rb_b = load_rulebook(a), load_rulebook(b)
    changes = _rule_changes(rb_a, rb_b)
    return render_text(rb_a, rb_b, changes), len(changes)


def generate_docs(out: str, rulebooks: Optional[List[str]] = None, save=None) -> List[str]:
    """Write the generated documentation pages under ``out``; the files written.

    ``save(path, text)``, when given, writes each page (the CLI's safe writer)."""
    return [str(p) for p in generate(Path(out), rulebooks, save=save)]


def case_skeleton(id_or_path: str, *, case_only: bool = False) -> str:
    """A new golden case (or plain case) for a rulebook, with its situations, roles and repair ways as comments."""
    return skeleton(load_rulebook(id_or_path), case_only=case_only)


def golden_cases(target: Optional[str] = None, root: Optional[str] = None) -> List[Path]:
    """The golden case files of a rulebook id (all when None), of a folder, or one file."""
    base = Path(root) if root else GOLDEN_ROOT
    if target:
        path = Path(target)
        if path.is_file():
            return [path]
        looks_like_path = os.sep in target or "/" in target
        if path.is_dir() and (looks_like_path or not (base / target).is_dir()):
            return golden_files(path.name, path.parent)
        if not (base / target).is_dir():
            known = sorted(p.name for p in base.iterdir() if p.is_dir()) if base.is_dir() else []
            raise CaseError(f"no golden cases for '{target}' under {base}; rulebooks with cases: "
                            f"{', '.join(known) or 'none'}" + did_you_mean(target, known), Location(field="rulebook"))
    if not base.is_dir():
        return []
    if target is None:  # every rulebook's cases, then the comparison files (one ledger, every rulebook)
        return golden_files(None, base) + golden_files("compare", base)
    return golden_files(target, base)


__all__ = ["check_report", "diff_rulebooks", "diff_report", "generate_docs", "case_skeleton", "golden_cases"]
