"""Golden cases: load them, run them, compare expected with actual field by field.

Shared by the test suite (``tests/test_golden.py``) and the officers' ``yibao test`` command, so
both judge a case the same way. A golden file holds ``case`` and either ``expect`` (a partial
result: only the fields written are compared; lists item by item, same length) or
``expect_error`` (``field`` and/or ``contains``, optionally ``error``: the error class name).
``kind: attribution`` at the top makes ``case`` an attribution case (``yibao attribute``); the
default, ``kind: evaluate``, is a ledger (``yibao evaluate``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

from engine.errors import YibaoError
from engine.base.documents import PositionedDocument, load_yaml_file

GOLDEN_ROOT = Path(__file__).resolve().parents[2] / "tests" / "golden"


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

    @property
    def passed(self) -> bool:
        return not self.mismatches

    def explain(self) -> str:
        """Plain words: the case, each differing field with expected and actual, then the trace."""
        lines = [f"{self.path}: {self.title}", f"  articles checked: {', '.join(self.articles)}"]
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


def golden_files(rulebook: Optional[str] = None, root: Path = GOLDEN_ROOT) -> List[Path]:
    """Every golden case file, or those of one rulebook folder.

    Without ``rulebook`` the comparison folder (``compare/``, see :func:`run_compare`) is left out: its
    files hold one ledger for every rulebook, not a case; ``golden_files("compare")`` lists them.
    """
    folders = [root / rulebook] if rulebook else [p for p in sorted(root.iterdir())
                                                  if p.is_dir() and p.name != COMPARE_FOLDER]
    return [p for folder in folders if folder.is_dir() for p in sorted(folder.glob("*.yaml"))]


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


def run_golden(path: Path) -> GoldenOutcome:
    """Evaluate one golden file and compare (a comparison file: every rulebook it names, one outcome)."""
    from engine.api import load_rulebook

    document = load_yaml_file(str(path))
    data = document.data
    if data.get("kind") == "compare":
        return _combined(path, [run_compare(path, rid) for rid in compare_rulebooks(data)])
    outcome = GoldenOutcome(str(path), str(data.get("title", path.stem)), [str(a) for a in data.get("articles", [])])
    case = data["case"]
    positions = {key[1:]: mark for key, mark in document.positions.items() if key and key[0] == "case"}
    try:
        rulebook = load_rulebook(case.get("rulebook") or path.parent.name)
        if "staff" in case:  # an institution case (engine/evaluate/institution.py)
            from engine.evaluate.institution import evaluate_institution

            outcome.result = evaluate_institution(rulebook, case, source=str(path), positions=positions)
        elif data.get("kind", "evaluate") == "attribution":
            outcome.result = rulebook.attribute(case, source=str(path), positions=positions)
        else:
            outcome.result = rulebook.evaluate(case, source=str(path), positions=positions)
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
    check_deadlines(data.get("deadlines") or (), rulebook, outcome.mismatches)
    return outcome


def check_deadlines(items: Any, rulebook: Any, out: List[Mismatch]) -> None:
    """``deadlines: [{kind, from, expect}]`` in a golden file: each computed deadline must equal ``expect``.

    ``exceptions: [id]`` says which exceptions of the text apply (``expect: null``: no deadline);
    ``expect_error: text`` instead of ``expect`` wants an error containing ``text`` (e.g. a kind the
    rulebook's text does not set).
    """
    for index, item in enumerate(items):
        where = f"deadlines[{index}] ({item.get('kind')} from {item.get('from')})"
        try:
            computed = rulebook.deadline(str(item["kind"]), str(item["from"]), tuple(item.get("exceptions") or ()))
            actual = computed.deadline.isoformat() if computed.deadline else None
        except YibaoError as error:
            actual = f"error: {error.one_line()}"
        if "expect_error" in item:
            if not (isinstance(actual, str) and actual.startswith("error: ") and str(item["expect_error"]) in actual):
                out.append(Mismatch(where, f"an error containing {item['expect_error']!r}", actual))
            continue
        expected = None if item.get("expect") is None else str(item["expect"])
        if expected != actual:
            out.append(Mismatch(where, expected, actual))


def institution_golden_files(rulebook: Optional[str] = None, root: Path = GOLDEN_ROOT) -> List[Path]:
    """Institution golden cases: ``tests/golden/<rulebook>/institution/*.yaml``."""
    folders = [root / rulebook] if rulebook else [p for p in sorted(root.iterdir()) if p.is_dir()]
    return [p for folder in folders for p in sorted((folder / "institution").glob("*.yaml"))]


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
    import copy

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


def run_compare(path: Path, rulebook_id: str) -> GoldenOutcome:
    """One rulebook's column of a comparison file: evaluate the ledger under it and compare.

    A rulebook listed under ``not_applicable`` (with the reason) passes without evaluation.
    """
    from engine.api import load_rulebook

    document = load_yaml_file(str(path))
    data = document.data
    articles = (data.get("articles") or {}).get(rulebook_id) or []
    outcome = GoldenOutcome(f"{path} [{rulebook_id}]", str(data.get("title", path.stem)), [str(a) for a in articles])
    if rulebook_id in (data.get("not_applicable") or {}):
        return outcome
    case = compare_case(data["case"], rulebook_id)
    # positions point at the shared ledger: right for every field a rulebook does not override
    positions = {key[1:]: mark for key, mark in document.positions.items() if key and key[0] == "case"}
    try:
        rulebook = load_rulebook(rulebook_id)
        outcome.result = rulebook.evaluate(case, source=str(path), positions=positions)
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
    combined = GoldenOutcome(str(path), first.title, sorted({a for o in outcomes for a in o.articles}))
    for o in outcomes:
        rid = o.path.rsplit("[", 1)[-1].rstrip("]")
        combined.mismatches += [Mismatch(f"[{rid}] {m.field}", m.expected, m.actual) for m in o.mismatches]
        if not o.passed and combined.result is None:  # the trace of the first failing column
            combined.result, combined.error = o.result, o.error
    return combined


__all__ = ["GoldenOutcome", "Mismatch", "compare", "compare_case", "compare_rulebooks", "golden_files",
           "run_compare", "run_golden", "PositionedDocument"]
