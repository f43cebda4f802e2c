"""Golden cases: load them, run them, compare expected with actual field by field.

Shared by the test suite (``tests/test_golden.py``) and the officers' ``yibao test`` command, so
both judge a case the same way: one runner. A golden file (``schemas/golden.schema.json``) says its
``kind`` — ``evaluate`` (a ledger, ``yibao evaluate``), ``attribution`` (``yibao attribute``),
``institution`` (``yibao institution``) or ``compare`` (one ledger under every rulebook) — and holds
``case`` and either ``expect`` (a partial result: only the fields written are compared; lists item
by item, same length) or ``expect_error`` (``field`` and/or ``contains``, optionally ``error``: the
error class name). A golden file that is itself wrong (not YAML, no ``case``, an unknown kind,
nothing to check) is one failed outcome with its location; the other files still run.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

from engine.api import evaluate_institution, load_rulebook
from engine.base.documents import PositionedDocument, load_yaml_file
from engine.base.schemas import schema_errors
from engine.errors import CaseError, Location, YibaoError
from engine.rulebook.rulebook import Rulebook

GOLDEN_ROOT = Path(__file__).resolve().parents[2] / "tests" / "golden"
#: The kinds of golden file (``kind:``), as ``schemas/golden.schema.json`` lists them.
KINDS = ("evaluate", "attribution", "institution", "compare")
#: Sub-folders that hold files the cases refer to (``org_file: orgs/hospital.yaml``), not cases.
SUPPORT_FOLDERS = ("orgs",)


class GoldenFileError(CaseError):
    """A golden file is not a golden case: not YAML, not following schemas/golden.schema.json."""


@dataclass
class Mismatch:
    field: str
    expected: Any
    actual: Any


@dataclass
class GoldenOutcome:
    path: str
    title: str
    articles: List[str]
    mismatches: List[Mismatch] = field(default_factory=list)
    error: Optional[YibaoError] = None
    result: Optional[Dict[str, Any]] = None
    #: The golden file itself is wrong (then nothing was evaluated).
    problem: Optional[YibaoError] = None
    kind: str = "evaluate"

    @property
    def passed(self) -> bool:
        return not self.mismatches and self.problem is None

    def explain(self) -> str:
        """Plain words: the case, each differing field with expected and actual, then the trace."""
        lines = [f"{self.path}: {self.title}", f"  articles checked: {', '.join(self.articles)}"]
        if self.problem is not None:
            lines.append(f"  bad golden file: {self.problem.one_line()}")
        for m in self.mismatches:
            lines.append(f"  field {m.field}: expected {m.expected!r}, actual {m.actual!r}")
        if self.error is not None:
            lines.append(f"  error raised: {self.error.one_line()}")
        if self.result is not None:
            lines.append("  trace:")
            for step in self.result.get("trace", []):
                event = f"event {step['event']}" if step.get("event") is not None else "       "
                lines.append(f"    {event} {step.get('article') or '':<14} {step.get('rule') or '':<26} {step['detail']}")
        return "\n".join(lines)

    def to_dict(self) -> Dict[str, Any]:
        """JSON-ready (``yibao test --json``, the workbench): the verdict, what differs, the error and the trace."""
        return {
            "path": self.path, "title": self.title, "kind": self.kind, "articles": list(self.articles),
            "passed": self.passed,
            "problem": self.problem.to_dict() if self.problem is not None else None,
            "mismatches": [{"field": m.field, "expected": m.expected, "actual": m.actual} for m in self.mismatches],
            "error": self.error.to_dict() if self.error is not None else None,
            "trace": list((self.result or {}).get("trace") or []),
        }


def _case_files(folder: Path) -> List[Path]:
    """Every ``*.yaml`` under ``folder`` and its sub-folders, except support folders such as ``orgs/``."""
    return sorted(p for p in folder.rglob("*.yaml")
                  if not set(p.relative_to(folder).parts[:-1]) & set(SUPPORT_FOLDERS))


def golden_files(rulebook: Optional[str] = None, root: Path = GOLDEN_ROOT) -> List[Path]:
    """Every golden case file, or those of one rulebook folder, sub-folders included.

    Without ``rulebook`` the comparison folder (``compare/``, see :func:`run_compare`) is left out: its
    files hold one ledger for every rulebook, not a case; ``golden_files("compare")`` lists them.
    """
    folders = [root / rulebook] if rulebook else [p for p in sorted(root.iterdir())
                                                  if p.is_dir() and p.name != COMPARE_FOLDER]
    return [p for folder in folders if folder.is_dir() for p in _case_files(folder)]


def read_golden(path: Path) -> PositionedDocument:
    """A golden file, parsed and checked against ``schemas/golden.schema.json``.

    Raises :class:`GoldenFileError` (located) for a file that is not a golden case.
    """
    try:
        document = load_yaml_file(str(path))
    except YibaoError as error:
        raise GoldenFileError(error.message, error.location) from None
    if not isinstance(document.data, dict):
        raise GoldenFileError("a golden file is a mapping with kind, title, articles, case and expect",
                              Location(str(path), 1, 1))
    data = document.data
    if not any(data.get(key) for key in ("expect", "expect_error", "not_applicable")):
        raise GoldenFileError("nothing to check: write expect (a partial result, at least one field) or "
                              "expect_error; a case without them would pass while checking nothing",
                              document.location(("expect",) if "expect" in data else (), field="expect"))
    errors = schema_errors(document, "golden")
    if errors:
        raise GoldenFileError(errors[0].message, errors[0].location)
    return document


def _bad_file(path: Path, problem: YibaoError) -> GoldenOutcome:
    return GoldenOutcome(str(path), path.stem, [], problem=problem)


def _normal(value: Any) -> Any:
    """Expected values may be written as numbers where results have floats, etc."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def compare(expected: Any, actual: Any, path: str, out: List[Mismatch]) -> None:
    """Partial comparison: every field written in ``expected`` must equal the one in ``actual``."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            out.append(Mismatch(path, expected, actual))
            return
        for key, value in expected.items():
            sub = f"{path}.{key}" if path else str(key)
            if key not in actual:
                out.append(Mismatch(sub, value, "(missing)"))
            else:
                compare(value, actual[key], sub, out)
    elif isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            out.append(Mismatch(f"{path} (length)", len(expected), len(actual) if isinstance(actual, list) else actual))
            return
        for index, (e, a) in enumerate(zip(expected, actual)):
            compare(e, a, f"{path}[{index}]", out)
    elif _normal(expected) != _normal(actual):
        out.append(Mismatch(path, expected, actual))


def _case_positions(document: PositionedDocument):
    return {key[1:]: mark for key, mark in document.positions.items() if key and key[0] == "case"}


def _rulebook_for(case: Dict[str, Any], path: Path, override: Optional[Rulebook]) -> Rulebook:
    """The rulebook a case names (else its folder's); ``override`` (an edited, unsaved rulebook) when it is that one."""
    rid = str(case.get("rulebook") or path.parent.name)
    if override is not None and rid == override.id:
        return override
    return load_rulebook(rid)


def run_golden(path: Path, rulebook: Optional[Rulebook] = None) -> GoldenOutcome:
    """Evaluate one golden file and compare (a comparison file: every rulebook it names, one outcome).

    ``rulebook``: a compiled rulebook used instead of the saved one of the same id (the workbench
    runs the cases against the rulebook being edited). A bad golden file is one failed outcome.
    """
    path = Path(path)
    try:
        document = read_golden(path)
    except GoldenFileError as problem:
        return _bad_file(path, problem)
    data = document.data
    kind = data["kind"]
    if kind == "compare":
        rulebooks = compare_rulebooks(data)
        if rulebook is not None:  # only the edited rulebook's column
            rulebooks = [rid for rid in rulebooks if rid == rulebook.id]
        return _combined(path, [run_compare(path, rid, rulebook=rulebook, document=document) for rid in rulebooks])
    outcome = GoldenOutcome(str(path), str(data["title"]), [str(a) for a in data["articles"]], kind=kind)
    case = data["case"]
    positions = _case_positions(document)
    compiled = None
    try:
        compiled = _rulebook_for(case, path, rulebook)
        outcome.result = _evaluate(kind, compiled, case, str(path), positions)
    except YibaoError as error:
        outcome.error = error
    expected_error = data.get("expect_error")
    if expected_error is not None:
        _check_error(expected_error, outcome)
        return outcome
    if outcome.error is not None:
        outcome.mismatches.append(Mismatch("(result)", "a result", f"error: {outcome.error.one_line()}"))
        return outcome
    compare(data.get("expect", {}), outcome.result, "", outcome.mismatches)
    check_deadlines(data.get("deadlines") or (), compiled, outcome.mismatches)
    return outcome


def _evaluate(kind: str, rulebook: Rulebook, case: Dict[str, Any], source: str, positions) -> Dict[str, Any]:
    """The result of a case of ``kind`` (evaluate, attribution, institution) under ``rulebook``."""
    if kind == "institution":
        return evaluate_institution(case, rulebook=rulebook, source=source, positions=positions)
    if kind == "attribution":
        return rulebook.attribute(case, source=source, positions=positions)
    return rulebook.evaluate(case, source=source, positions=positions)


def check_deadlines(items: Any, rulebook: Any, out: List[Mismatch]) -> None:
    """``deadlines: [{kind, from, expect}]`` in a golden file: each computed deadline must equal ``expect``."""
    for index, item in enumerate(items):
        where = f"deadlines[{index}] ({item.get('kind')} from {item.get('from')})"
        try:
            actual = rulebook.deadline(str(item["kind"]), str(item["from"])).deadline.isoformat()
        except YibaoError as error:
            actual = f"error: {error.one_line()}"
        if str(item["expect"]) != actual:
            out.append(Mismatch(where, str(item["expect"]), actual))


def institution_golden_files(rulebook: Optional[str] = None, root: Path = GOLDEN_ROOT) -> List[Path]:
    """Institution golden cases: ``tests/golden/<rulebook>/institution/*.yaml``."""
    return [p for p in golden_files(rulebook, root) if p.parent.name == "institution"]


# -- one ledger, every rulebook (tests/golden/compare/) ---------------------------------------------

COMPARE_FOLDER = "compare"
#: The per-rulebook sections of a comparison file; every rulebook it covers is in exactly one of the three.
COMPARE_OUTCOMES = ("expect", "expect_error", "not_applicable")


def compare_rulebooks(data: Dict[str, Any]) -> List[str]:
    """The rulebook ids a comparison file covers (``expect`` / ``expect_error`` / ``not_applicable``), file order."""
    ids: List[str] = []
    for section in COMPARE_OUTCOMES:
        for rid in data.get(section) or {}:
            if str(rid) not in ids:
                ids.append(str(rid))
    return ids


def compare_case(case: Dict[str, Any], rulebook_id: str) -> Dict[str, Any]:
    """The comparison ledger as a case for one rulebook.

    Every event may carry ``by_rulebook: {<id>: {field: value}}``: the fields replace the event's for that
    rulebook only (a value ``null`` removes the field), because situation codes, discretion and the
    meaning of ``tier`` differ between rulebooks (济宁's tier is class 四（N）; the national baseline
    needs ``points``). The result is the case contract with ``rulebook`` set.
    """
    out = copy.deepcopy({k: v for k, v in case.items() if k != "rulebook"})
    out["rulebook"] = rulebook_id
    events = []
    for event in out.get("events") or ():
        patch = (event.pop("by_rulebook", None) or {}).get(rulebook_id) or {}
        for key, value in patch.items():
            if value is None:
                event.pop(key, None)
            else:
                event[key] = value
        events.append(event)
    if "events" in out:
        out["events"] = events
    return out


def run_compare(path: Path, rulebook_id: str, *, rulebook: Optional[Rulebook] = None,
                document: Optional[PositionedDocument] = None) -> GoldenOutcome:
    """One rulebook's column of a comparison file: evaluate the ledger under it and compare.

    A rulebook listed under ``not_applicable`` (with the reason) passes without evaluation.
    ``rulebook`` replaces the saved rulebook of the same id (see :func:`run_golden`).
    """
    path = Path(path)
    if document is None:
        try:
            document = read_golden(path)
        except GoldenFileError as problem:
            return _bad_file(path, problem)
    data = document.data
    articles = (data.get("articles") or {}).get(rulebook_id) or []
    outcome = GoldenOutcome(f"{path} [{rulebook_id}]", str(data.get("title", path.stem)), [str(a) for a in articles],
                            kind="compare")
    if rulebook_id in (data.get("not_applicable") or {}):
        return outcome
    case = compare_case(data["case"], rulebook_id)
    # positions point at the shared ledger: right for every field a rulebook does not override
    positions = _case_positions(document)
    try:
        compiled = rulebook if rulebook is not None and rulebook.id == rulebook_id else load_rulebook(rulebook_id)
        outcome.result = compiled.evaluate(case, source=str(path), positions=positions)
    except YibaoError as error:
        outcome.error = error
    expected_error = (data.get("expect_error") or {}).get(rulebook_id)
    if expected_error is not None:
        _check_error(expected_error, outcome)
        return outcome
    if outcome.error is not None:
        outcome.mismatches.append(Mismatch("(result)", "a result", f"error: {outcome.error.one_line()}"))
        return outcome
    compare((data.get("expect") or {}).get(rulebook_id) or {}, outcome.result, "", outcome.mismatches)
    return outcome


def _check_error(expected_error: Dict[str, Any], outcome: GoldenOutcome) -> None:
    """``expect_error`` of a golden case or a comparison column: the error raised must be of the class,
    name the field, line and file, and contain the words that are written."""
    if outcome.error is None:
        outcome.mismatches.append(Mismatch("error", expected_error, "(no error)"))
        return
    if "field" in expected_error and outcome.error.location.field != expected_error["field"]:
        outcome.mismatches.append(Mismatch("error.field", expected_error["field"], outcome.error.location.field))
    if "contains" in expected_error and str(expected_error["contains"]) not in outcome.error.message:
        outcome.mismatches.append(Mismatch("error.message", f"…{expected_error['contains']}…", outcome.error.message))
    if "error" in expected_error and type(outcome.error).__name__ != expected_error["error"]:
        outcome.mismatches.append(Mismatch("error.class", expected_error["error"], type(outcome.error).__name__))
    if "line" in expected_error and outcome.error.location.line != expected_error["line"]:
        outcome.mismatches.append(Mismatch("error.line", expected_error["line"], outcome.error.location.line))
    if "file" in expected_error and not str(outcome.error.location.file or "").endswith(str(expected_error["file"])):
        outcome.mismatches.append(Mismatch("error.file", expected_error["file"], outcome.error.location.file))


def _combined(path: Path, outcomes: List[GoldenOutcome]) -> GoldenOutcome:
    """All columns of a comparison file as one outcome (``yibao test compare``): mismatches say the rulebook."""
    first = outcomes[0] if outcomes else GoldenOutcome(str(path), path.stem, [])
    combined = GoldenOutcome(str(path), first.title, sorted({a for o in outcomes for a in o.articles}), kind="compare")
    for o in outcomes:
        rid = o.path.rsplit("[", 1)[-1].rstrip("]")
        combined.mismatches += [Mismatch(f"[{rid}] {m.field}", m.expected, m.actual) for m in o.mismatches]
        if not o.passed and combined.result is None:  # the trace of the first failing column
            combined.result, combined.error = o.result, o.error
    return combined


__all__ = ["GoldenOutcome", "GoldenFileError", "Mismatch", "KINDS", "compare", "compare_case", "compare_rulebooks",
           "golden_files", "institution_golden_files", "read_golden", "run_compare", "run_golden"]
