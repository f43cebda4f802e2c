"""The full-size differential run: every rulebook's generated evaluator against the interpreter.

    .venv/bin/python bench/compiled.py                 # 100,000 seeded cases per rulebook (~15 min)
    .venv/bin/python bench/compiled.py --n 5000 --rulebook inner-mongolia

For each rulebook, N seeded cases drawn from its own tables (bench/gen_any.py; for Inner Mongolia
also N of bench/gen_im.py's person-years) are evaluated by the generated function
(engine/evaluate/compiled, ``strict``: a failure inside generated code is reported, not hidden)
and by the interpreter (engine/evaluate/*), trace off and on. Every answer must be byte-identical
JSON; every fallback must be a case coverage.py declares uncovered or one the interpreter refuses.
tests/test_compiled.py runs the same check at a size that fits ``make test``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, List, Optional

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import engine  # noqa: E402
import gen_any  # noqa: E402
import gen_im  # noqa: E402
from engine.errors import YibaoError  # noqa: E402
from engine.evaluate.attributed import evaluate_with_attribution, uses_attribution  # noqa: E402
from engine.evaluate.compiled.build import compile_spec  # noqa: E402
from engine.evaluate.compiled.coverage import Uncovered, case_uncovered  # noqa: E402
from engine.evaluate.compiled.runtime import FALLBACK  # noqa: E402
from engine.evaluate.person import evaluate_case  # noqa: E402
from engine.rulebook import registry  # noqa: E402


def interpreter(rulebook, case: Any, trace: bool) -> Optional[str]:
    try:
        if uses_attribution(case):
            result = evaluate_with_attribution(rulebook, case, trace=trace, versions=rulebook.versions())
        else:
            result = evaluate_case(rulebook, case, trace=trace, versions=rulebook.versions())
    except YibaoError:
        return None
    return json.dumps(result, ensure_ascii=False)


def compare(rulebook, evaluator, cases: List[Any], tally: Counter, limit: int = 3) -> None:
    for case in cases:
        for trace in (False, True):
            expected = interpreter(rulebook, case, trace)
            try:
                got = evaluator.evaluate_strict(case, trace)
            except Exception as error:  # noqa: BLE001 - reported as a failure of generated code
                tally["failed"] += 1
                if tally["failed"] <= limit:
                    print(f"  generated code raised {error!r} on {json.dumps(case, ensure_ascii=False)}")
                continue
            if got is FALLBACK:
                ok = expected is None or case_uncovered(case) is not None
                tally["fell back" if ok else "failed"] += 1
                if not ok and tally["failed"] <= limit:
                    print(f"  fell back on a covered, valid case: {json.dumps(case, ensure_ascii=False)}")
                continue
            if expected is None or json.dumps(got, ensure_ascii=False) != expected:
                tally["failed"] += 1
                if tally["failed"] <= limit:
                    print(f"  differs (trace={trace}): {json.dumps(case, ensure_ascii=False)}")
                continue
            tally["identical"] += 1


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="cases per rulebook (default 100000)")
    parser.add_argument("--seed", type=int, default=20250301)
    parser.add_argument("--rulebook", action="append", help="only this rulebook (repeatable)")
    args = parser.parse_args(argv)
    registry.freeze()
    failed = 0
    for rulebook_id in args.rulebook or registry.available_ids():
        rulebook = engine.load_rulebook(rulebook_id)
        try:
            evaluator = compile_spec(rulebook, rulebook.versions())
        except Uncovered as why:
            print(f"{rulebook_id}: not compiled ({why}): the interpreter judges every case")
            continue
        cases = gen_any.generate(rulebook, args.n, args.seed)
        if rulebook_id == "inner-mongolia":
            cases += gen_im.generate(args.n, args.seed)
        tally: Counter = Counter()
        start = time.perf_counter()
        compare(rulebook, evaluator, cases, tally)
        failed += tally["failed"]
        print(f"{rulebook_id}: {len(cases)} cases × trace off/on: {tally['identical']} byte-identical, "
              f"{tally['fell back']} fell back (uncovered or refused), {tally['failed']} FAILED "
              f"({time.perf_counter() - start:.0f} s)")
    print("OK" if not failed else f"{failed} FAILURES")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
