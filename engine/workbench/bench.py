"""The workbench's work, without the web: one folder of rulebooks, edits as text, live results.

Every answer is computed from the text the officer is editing, compiled in memory
(:func:`engine.api.compile_rulebook_text`) — nothing is written until :meth:`Workbench.save`,
which writes beside the file and renames over it (never a half-written rulebook). The saved file is
compiled the same way, so the diff and the example outcomes compare "saved" with "being edited",
and the golden cases run against the edited rulebook (:func:`engine.officer.golden.run_golden`).
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from engine.api import check_rulebook_text, compile_rulebook_text
from engine.base.documents import load_yaml
from engine.errors import CaseError, Location, RulebookNotFound, YibaoError, did_you_mean
from engine.officer.docsgen import EXAMPLE_DIRS
from engine.officer.docsgen.compare import Example, evaluate_example, load_examples
from engine.officer.docsgen.diff import diff_rulebooks, to_json
from engine.officer.golden import GOLDEN_ROOT, compare_rulebooks, golden_files, read_golden, run_golden
from engine.officer.textlint import check_text_numbers
from engine.rulebook.rulebook import Rulebook
from engine.workbench.sections import path_exists, sections
from engine.workbench.yamledit import set_value

#: A new golden case's file name: NNN-words.yaml (letters, digits, dashes).
CASE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,60}$")


@dataclass
class _Saved:
    key: Tuple[int, int]
    text: str
    rulebook: Optional[Rulebook]
    errors: List[YibaoError]


def _compile(text: str, source: str) -> Tuple[Optional[Rulebook], List[YibaoError]]:
    """The compiled rulebook (or None) and every located error of ``text``."""
    errors = check_rulebook_text(text, source)
    if errors:
        return None, errors
    try:
        return compile_rulebook_text(text, source), []
    except YibaoError as error:  # e.g. an extends chain that check accepted but compile did not
        return None, [error]


def _error(error: YibaoError) -> Dict[str, Any]:
    data = error.to_dict()
    data["rendered"] = str(error)
    return data


def _outcome_text(result: Dict[str, Any]) -> str:
    """One line per example: the status at the end and each decision, in the officer's words."""
    if "error" in result:
        return f"不适用 n/a: {result['error']}"
    status = result["status"]
    parts = [f"状态 {status['state']}" + (f" 至 {status['until']}" if status.get("until") else "")]
    for d in result.get("decisions") or []:
        action = d["action"]
        if action == "suspend":
            months = d["months"] if d.get("months") is not None else f"{d.get('months_min')}-{d.get('months_max')}"
            action = f"暂停 suspend {months} 个月"
        elif action == "terminate":
            action = f"终止 terminate, {d.get('ban_years') or d.get('ban_years_min')} 年"
        parts.append(f"{d['date']} {d['points']} 分 → {action}")
    return "; ".join(parts)


class Workbench:
    """One officer's workbench over a folder of rulebooks and the golden cases beside them."""

    def __init__(self, rulebooks: Path, golden_root: Path = GOLDEN_ROOT,
                 example_dirs: Sequence[Path] = EXAMPLE_DIRS) -> None:
        self.folder = Path(rulebooks).resolve()
        if not self.folder.is_dir():
            raise RulebookNotFound(f"no rulebook folder at '{rulebooks}'", Location(str(rulebooks)))
        self.golden_root = Path(golden_root)
        self.example_dirs = [Path(d) for d in example_dirs]
        self._lock = threading.Lock()
        self._saved: Dict[str, _Saved] = {}
        self._examples: Optional[List[Example]] = None

    # -- the rulebooks of the folder ---------------------------------------------------------------
    def ids(self) -> List[str]:
        return sorted(p.stem for p in self.folder.glob("*.yaml"))

    def path_of(self, rulebook_id: str) -> Path:
        """The file of a rulebook of this folder; an id that is not one is a located error (never a path)."""
        ids = self.ids()
        if rulebook_id not in ids:
            raise RulebookNotFound(f"unknown rulebook '{rulebook_id}' in {self.folder}; available: {', '.join(ids)}"
                                   + did_you_mean(rulebook_id, ids), Location(field="rulebook"))
        return self.folder / f"{rulebook_id}.yaml"

    def saved(self, rulebook_id: str) -> _Saved:
        """The saved file, read and compiled once per version on disk."""
        path = self.path_of(rulebook_id)
        info = path.stat()
        key = (info.st_mtime_ns, info.st_size)
        with self._lock:
            cached = self._saved.get(rulebook_id)
            if cached is not None and cached.key == key:
                return cached
        text = path.read_text(encoding="utf-8")
        rulebook, errors = _compile(text, str(path))
        entry = _Saved(key, text, rulebook, errors)
        with self._lock:
            self._saved[rulebook_id] = entry
        return entry

    def golden_paths(self, rulebook_id: str) -> List[Path]:
        """The rulebook's golden files (sub-folders included) and the comparison files that have its column."""
        files = golden_files(rulebook_id, self.golden_root) if (self.golden_root / rulebook_id).is_dir() else []
        for path in golden_files("compare", self.golden_root) if (self.golden_root / "compare").is_dir() else []:
            try:
                if rulebook_id in compare_rulebooks(read_golden(path).data):
                    files.append(path)
            except YibaoError:
                files.append(path)  # a broken comparison file shows as one failure
        return files

    def golden(self, rulebook: Rulebook) -> Dict[str, Any]:
        outcomes = [run_golden(path, rulebook=rulebook) for path in self.golden_paths(rulebook.id)]
        cases = [dict(o.to_dict(), path=self._short(o.path)) for o in outcomes]
        failed = sum(1 for o in outcomes if not o.passed)
        return {"passed": len(outcomes) - failed, "failed": failed, "cases": cases}

    def _short(self, path: str) -> str:
        try:
            return str(Path(path).resolve().relative_to(self.golden_root.resolve().parent.parent))
        except ValueError:
            return path

    def listing(self) -> List[Dict[str, Any]]:
        """Every rulebook with its status: check result, golden cases passed/failed, last change."""
        rows = []
        for rid in self.ids():
            entry = self.saved(rid)
            path = self.path_of(rid)
            row: Dict[str, Any] = {
                "id": rid, "file": str(path),
                "last_change": _dt.datetime.fromtimestamp(path.stat().st_mtime).isoformat(timespec="seconds"),
                "errors": len(entry.errors), "title": None, "document": None,
                "golden": None, "text_warnings": 0,
            }
            if entry.rulebook is not None:
                rb = entry.rulebook
                golden = self.golden(rb)
                row.update(title=rb.title, document=rb.document, jurisdiction=rb.jurisdiction,
                           golden={"passed": golden["passed"], "failed": golden["failed"]},
                           text_warnings=len(check_text_numbers(rb)))
            rows.append(row)
        return rows

    # -- one rulebook being edited ----------------------------------------------------------------------
    def open(self, rulebook_id: str) -> Dict[str, Any]:
        """The saved text and everything live about it."""
        entry = self.saved(rulebook_id)
        return dict(self.evaluate(rulebook_id, entry.text), text=entry.text)

    def evaluate(self, rulebook_id: str, text: str) -> Dict[str, Any]:
        """Everything the officer sees live for ``text``: errors, sections, golden cases, the diff
        against the saved file, the example ledgers whose outcome changes, text/number warnings."""
        path = self.path_of(rulebook_id)
        saved = self.saved(rulebook_id)
        rulebook, errors = _compile(text, str(path))
        live: Dict[str, Any] = {"id": rulebook_id, "file": str(path), "errors": [_error(e) for e in errors],
                                "sections": None, "golden": None, "diff": None, "examples": None,
                                "text_warnings": [], "changed": text != saved.text}
        try:
            live["sections"] = sections(load_yaml(text, str(path)))
        except YibaoError:
            pass  # not YAML at all: the error list says where
        if rulebook is None:
            return live
        live["title"] = rulebook.title
        live["golden"] = self.golden(rulebook)
        live["text_warnings"] = [w.to_dict() for w in check_text_numbers(rulebook)]
        if saved.rulebook is not None:
            live["diff"] = to_json(saved.rulebook, rulebook, diff_rulebooks(saved.rulebook, rulebook))["changes"]
            live["examples"] = self.example_changes(saved.rulebook, rulebook)
        return live

    def examples(self) -> List[Example]:
        if self._examples is None:
            self._examples = load_examples([d for d in self.example_dirs if d.is_dir()])
        return self._examples

    def example_changes(self, before: Rulebook, after: Rulebook) -> List[Dict[str, Any]]:
        """The example ledgers (docs/examples/, tests/golden/compare/) evaluated with the saved and the
        edited rulebook: each with both outcomes and whether it changed."""
        rows = []
        for example in self.examples():
            old, new = _outcome_text(evaluate_example(example, before)), _outcome_text(evaluate_example(example, after))
            rows.append({"example": example.title, "file": self._short(str(example.path)), "saved": old,
                         "edited": new, "changed": old != new})
        return rows

    def edit(self, rulebook_id: str, text: str, path: Sequence[Any], value: Any) -> str:
        """``text`` with one value changed (a form edit), everything else as written."""
        source = str(self.path_of(rulebook_id))
        document = load_yaml(text, source)
        if not isinstance(path, (list, tuple)) or not path or not path_exists(document.data, path):
            raise CaseError(f"no place {path!r} in this rulebook", Location(source, field="path"))
        return set_value(text, list(path), value, source)

    def save(self, rulebook_id: str, text: str) -> Dict[str, Any]:
        """Write ``text`` over the rulebook's file when it compiles: a temporary file beside it, then a rename.

        A rulebook with errors is not saved (every tool reading the folder would stop at it); the
        errors are returned instead.
        """
        path = self.path_of(rulebook_id)
        rulebook, errors = _compile(text, str(path))
        if errors:
            return {"saved": False, "errors": [_error(e) for e in errors]}
        if rulebook is not None and rulebook.id != rulebook_id:
            return {"saved": False, "errors": [_error(CaseError(
                f"the text says id: {rulebook.id}, but it is saved as {rulebook_id}.yaml; ids and file names agree",
                Location(str(path), field="id")))]}
        _write_beside(path, text)
        return {"saved": True, "file": str(path), "errors": []}

    # -- trying a case, and keeping it as a golden case -------------------------------------------
    def try_case(self, rulebook_id: str, text: str, case_text: str) -> Dict[str, Any]:
        """Evaluate a case (YAML) with the rulebook being edited; the result and its trace, or the error."""
        rulebook, errors = _compile(text, str(self.path_of(rulebook_id)))
        if rulebook is None:
            return {"result": None, "error": _error(errors[0])}
        try:
            document = load_yaml(case_text, "case")
            case = document.data
            if not isinstance(case, dict):
                raise CaseError("a case is a mapping with rulebook, as_of, person and events", Location("case", 1, 1))
            case = dict(case, rulebook=rulebook_id)
            return {"result": rulebook.evaluate(case, source="case", positions=document.positions), "error": None}
        except YibaoError as error:
            return {"result": None, "error": _error(error)}

    def new_golden(self, rulebook_id: str, case_text: str, name: str, title: str) -> Dict[str, Any]:
        """A new golden case ``tests/golden/<id>/<name>.yaml`` from the case being tried.

        Its expectations are left as FILL_IN on purpose: they are derived by hand from the legal text,
        never copied from the engine, so the new case fails ``yibao test`` until they are written.
        """
        self.path_of(rulebook_id)
        if not CASE_NAME.match(name or ""):
            raise CaseError(f"a case file name is like 071-single-10 (small letters, digits, dashes), got {name!r}",
                            Location(field="name"))
        document = load_yaml(case_text, "case")
        if not isinstance(document.data, dict):
            raise CaseError("a case is a mapping with rulebook, as_of, person and events", Location("case", 1, 1))
        folder = self.golden_root / rulebook_id
        target = folder / f"{name}.yaml"
        if target.exists():
            raise CaseError(f"{target} exists already; choose another name", Location(str(target), field="name"))
        body = ["# yaml-language-server: $schema=../../../schemas/golden.schema.json",
                "# Made in the workbench from a tried case. Fill in articles, derivation and expect BY HAND from the",
                "# legal text (never copy the engine's result), then run: yibao test " + rulebook_id,
                "kind: evaluate",
                f"title: {_one_line(title) or 'FILL_IN 一句话说明本案例'}",
                "articles: [FILL_IN]",
                "derivation: |",
                "  FILL_IN: how the expected values follow from the text, step by step. 逐步写出推算过程。",
                "case:"]
        case_lines = [line for line in case_text.rstrip().splitlines()]
        if not any(line.startswith("rulebook:") for line in case_lines):
            case_lines.insert(0, f"rulebook: {rulebook_id}")
        body += ["  " + line if line else "" for line in case_lines]
        body += ["expect:                      # only the fields written here are compared 只比较写出的字段",
                 "  status: {state: FILL_IN}   # normal 正常 | suspended 暂停 | terminated 终止"]
        folder.mkdir(parents=True, exist_ok=True)
        _write_beside(target, "\n".join(body) + "\n", exclusive=True)
        return {"file": str(target)}


def _one_line(text: str) -> str:
    return " ".join(str(text or "").split()).replace(": ", "：")


def _write_beside(path: Path, text: str, *, exclusive: bool = False) -> None:
    """Write ``text`` to a temporary file in ``path``'s folder, then rename it over ``path``: a reader
    sees the old file or the new one, never half of it. The file keeps its permissions."""
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        if exclusive:
            os.link(temporary, path)  # fails if the file appeared meanwhile: never replace a case
            os.unlink(temporary)
        else:
            os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


__all__ = ["Workbench"]
