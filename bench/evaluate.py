"""Benchmark: the engine against a hand-written evaluator and zen-engine, on seeded person-years.

    .venv/bin/python bench/evaluate.py            # 100,000 person-years
    .venv/bin/python bench/evaluate.py --quick    # 5,000 (CI-like)
    .venv/bin/python bench/evaluate.py --n 20000 --seed 7 --repeats 5 --profile

Steps:
 1. generate N seeded Inner Mongolia person-years (bench/gen_im.py);
 2. check that the engine (trace=False and trace=True) and the hand-written evaluator
    (bench/handwritten_im.py) agree on years, decisions, repairs, claims and status for every case,
    and that both reject the same invalid cases; any difference is printed with its case and the
    script exits 1 (before timing);
 3. time both (best of --repeats, per person-year): ``ratio engine/hand-written`` and
    ``ratio engine(trace)/hand-written``;
 4. zen-engine (bench/zen_im.py, a JDM graph of 第十八条 points and 第十九条 thresholds): check its
    decisions (action, months, ban_years) on the score events against the engine's on the same
    score-only cases, and time both: ``ratio zen-engine/engine``;
 5. time a fresh rulebook load+compile (no registry cache): ``rulebook load+compile: N ms``.

--profile adds a cProfile of the engine (trace=False) over the first 5,000 cases.
"""

from __future__ import annotations

import argparse
import collections
import copy
import datetime as _dt
import gc
import json
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

import engine  # noqa: E402
import gen_im  # noqa: E402
import handwritten_im  # noqa: E402

RULEBOOK_PATH = ROOT / "rulebooks" / "inner-mongolia.yaml"
DECISION_FIELDS = ("event", "date", "points", "counted_points", "single", "year_total", "action", "measure",
                   "months", "months_min", "months_max", "ban_years", "from", "until")
REPAIR_FIELDS = ("event", "accepted", "points")
CLAIM_FIELDS = ("event", "settled", "state")
ZEN_FIELDS = ("event", "action", "months", "ban_years")


def project(result: Dict[str, Any]) -> Dict[str, Any]:
    """The compared fields of an engine result (the hand-written evaluator returns exactly these)."""
    return {
        "years": result["years"],
        "decisions": [{k: d[k] for k in DECISION_FIELDS} for d in result["decisions"]],
        "repairs": [{k: r[k] for k in REPAIR_FIELDS} for r in result["repairs"]],
        "claims": [{k: c[k] for k in CLAIM_FIELDS} for c in result["claims"]],
        "status": {"state": result["status"]["state"], "until": result["status"]["until"]},
    }


def _strict(value: Any) -> Any:
    """Values compared with their types (1 and 1.0, True and 1 differ)."""
    if isinstance(value, dict):
        return {k: _strict(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_strict(v) for v in value]
    return (type(value).__name__, value)


def diff(a: Any, b: Any, path: str = "") -> List[str]:
    """Paths where a and b differ, e.g. ``decisions[2].months: 1 != 2``."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in list(a) + [k for k in b if k not in a]:
            if key not in a or key not in b:
                out.append(f"{path}.{key}: {'missing' if key not in a else a[key]!r} != "
                           f"{'missing' if key not in b else b[key]!r}")
            else:
                out.extend(diff(a[key], b[key], f"{path}.{key}"))
        return out
    if isinstance(a, list) and isinstance(b, list):
        out = []
        for i in range(max(len(a), len(b))):
            if i >= len(a) or i >= len(b):
                out.append(f"{path}[{i}]: {a[i] if i < len(a) else 'missing'!r} != {b[i] if i < len(b) else 'missing'!r}")
            else:
                out.extend(diff(a[i], b[i], f"{path}[{i}]"))
        return out
    if _strict(a) != _strict(b):
        return [f"{path}: {a!r} != {b!r}"]
    return []


def score_only(case: Dict[str, Any]) -> Dict[str, Any]:
    return {**case, "events": [e for e in case["events"] if e["kind"] == "score"]}


INVALID = [
    ("unknown situation", lambda c: c["events"].append({"kind": "score", "date": "2025-05-01", "situation": "18.2.9",
                                                       "responsibility": "general"})),
    ("missing responsibility", lambda c: c["events"].append({"kind": "score", "date": "2025-05-01", "situation": "18.2.1"})),
    ("points not the table's", lambda c: c["events"].append({"kind": "score", "date": "2025-05-01", "tier": 2,
                                                            "responsibility": "primary", "points": 5})),
    ("tier out of range", lambda c: c["events"].append({"kind": "score", "date": "2025-05-01", "tier": 5,
                                                       "responsibility": "primary"})),
    ("situation/tier mismatch", lambda c: c["events"].append({"kind": "score", "date": "2025-05-01", "situation": "18.1.1",
                                                             "tier": 2, "responsibility": "primary"})),
    ("adjustment", lambda c: c["events"].append({"kind": "score", "date": "2025-05-01", "situation": "18.1.1",
                                                "responsibility": "primary", "adjustment": "lighter"})),
    ("unknown repair way", lambda c: c["events"].append({"kind": "repair", "date": "2025-05-01", "way": "donation"})),
    ("exam without score", lambda c: c["events"].append({"kind": "repair", "date": "2025-05-01", "way": "exam"})),
    ("exam score 101", lambda c: c["events"].append({"kind": "repair", "date": "2025-05-01", "way": "exam", "score": 101})),
    ("activity with score", lambda c: c["events"].append({"kind": "repair", "date": "2025-05-01", "way": "activity",
                                                         "score": 80})),
    ("not a date", lambda c: c["events"].append({"kind": "claim", "date": "2025-02-30"})),
    ("before 2025-03-01", lambda c: c["events"].append({"kind": "claim", "date": "2025-02-28"})),
    ("unknown kind", lambda c: c["events"].append({"kind": "appeal", "date": "2025-05-01"})),
    ("unknown field", lambda c: c["events"].append({"kind": "claim", "date": "2025-05-01", "amout": 3})),
    ("role out of scope", lambda c: c["person"].update(role="caregiver")),
    ("bad as_of", lambda c: c.update(as_of="31.12.2025")),
]


def check(rulebook, cases: List[Dict[str, Any]], stats: collections.Counter, limit: int = 5) -> int:
    """Engine (trace False and True) against hand-written on every case; the number of cases that differ.

    Also counts what the workload exercised into ``stats``.
    """
    bad = 0
    for number, case in enumerate(cases):
        hand = handwritten_im.evaluate(case)
        for trace in (False, True):
            result = rulebook.evaluate(case, trace=trace)
            if not trace:
                count(stats, case, result)
            got = project(result)
            problems = diff(got, hand)
            if problems:
                bad += 1
                if bad <= limit:
                    print(f"DIFFERENCE in case #{number} (engine trace={trace} vs hand-written):")
                    print("  case: " + json.dumps(case, ensure_ascii=False))
                    for line in problems[:12]:
                        print("  " + line.replace(".", "", 1) if line.startswith(".") else "  " + line)
                break
    # Invalid input: both must refuse.
    base = cases[0] if cases else {"rulebook": "inner-mongolia", "as_of": "2025-12-31",
                                   "person": {"id": "P", "role": "physician"}, "events": []}
    for name, mutate in INVALID:
        case = copy.deepcopy(base)
        mutate(case)
        outcomes = []
        for run in (lambda: rulebook.evaluate(case, trace=False), lambda: handwritten_im.evaluate(case)):
            try:
                run()
                outcomes.append("accepted")
            except Exception as error:  # noqa: BLE001 - any refusal counts
                outcomes.append(f"refused ({type(error).__name__})")
        if not all(o.startswith("refused") for o in outcomes):
            bad += 1
            print(f"INVALID-INPUT DIFFERENCE ({name}): engine {outcomes[0]}, hand-written {outcomes[1]}")
    return bad


def _plain(value: Any) -> Any:
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _expect(expected: Any, actual: Any, path: str, out: List[str]) -> None:
    """Partial comparison as the golden runner does it: only written fields; lists item by item."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            out.append(f"{path}: expected {expected!r}, got {actual!r}")
            return
        for key, value in expected.items():
            if key in actual:  # fields the hand-written evaluator does not produce are skipped
                _expect(value, actual[key], f"{path}.{key}", out)
    elif isinstance(expected, list):
        if not isinstance(actual, list) or len(expected) != len(actual):
            out.append(f"{path}: expected {len(expected)} items, got {actual!r}")
            return
        for i, (a, b) in enumerate(zip(expected, actual)):
            _expect(a, b, f"{path}[{i}]", out)
    elif expected != actual:
        out.append(f"{path}: expected {expected!r}, got {actual!r}")


def golden_check() -> Tuple[int, int, int]:
    """The hand-written evaluator against the hand-derived golden cases (an engine-independent check).

    Cases using what the hand-written evaluator does not implement (other readings, appeals,
    institution measures, application dates, …) are skipped. Returns (passed, failed, skipped).
    """
    import yaml
    passed = failed = skipped = 0
    for path in sorted((ROOT / "tests" / "golden" / "inner-mongolia").glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        case = document.get("case") or {}
        if not handwritten_im.in_scope(_plain(case)):
            skipped += 1
            continue
        problems: List[str] = []
        try:
            result = handwritten_im.evaluate(case)
        except handwritten_im.CaseInvalid as error:
            if "expect_error" not in document:
                problems.append(f"refused: {error}")
        else:
            if "expect_error" in document:
                problems.append("accepted a case the golden file expects to be refused")
            else:
                _expect(_plain(document.get("expect") or {}), result, "", problems)
        if problems:
            failed += 1
            print(f"GOLDEN {path.name}: " + "; ".join(problems[:3]))
        else:
            passed += 1
    return passed, failed, skipped


def best_time(fn: Callable[[Dict[str, Any]], Any], cases: List[Dict[str, Any]], repeats: int) -> float:
    """Best total seconds over ``repeats`` passes of ``fn`` over ``cases``."""
    return time_many({"fn": fn}, cases, repeats)["fn"]


def time_many(evaluators: Dict[str, Callable[[Dict[str, Any]], Any]], cases: List[Dict[str, Any]],
              repeats: int, chunk: int = 2000) -> Dict[str, float]:
    """Seconds each evaluator takes over ``cases``: best of ``repeats``, interleaved.

    The cases are timed in chunks; each repeat runs every evaluator on every chunk in turn, and an
    evaluator's time is the sum over chunks of its best time for that chunk. On a shared machine
    this keeps a burst of load from favouring one evaluator over another.
    """
    chunks = [cases[i:i + chunk] for i in range(0, len(cases), chunk)]
    best = {name: [float("inf")] * len(chunks) for name in evaluators}
    perf = time.perf_counter
    for _ in range(repeats):
        for index, part in enumerate(chunks):
            for name, fn in evaluators.items():
                gc.collect()
                start = perf()
                for case in part:
                    fn(case)
                elapsed = perf() - start
                if elapsed < best[name][index]:
                    best[name][index] = elapsed
    return {name: sum(times) for name, times in best.items()}


def check_zen(rulebook, scorer, cases: List[Dict[str, Any]], limit: int = 5) -> int:
    bad = 0
    for number, case in enumerate(cases):
        mine = [{k: d[k] for k in ZEN_FIELDS} for d in rulebook.evaluate(case, trace=False)["decisions"]]
        theirs = [{k: d[k] for k in ZEN_FIELDS} for d in scorer.person_year(case)]
        problems = diff(mine, theirs)
        if problems:
            bad += 1
            if bad <= limit:
                print(f"ZEN DIFFERENCE in score-only case #{number}:")
                print("  case: " + json.dumps(case, ensure_ascii=False))
                for line in problems[:12]:
                    print("  " + line)
    return bad


def count(stats: collections.Counter, case: Dict[str, Any], result: Dict[str, Any]) -> None:
    """What one case exercised: event kinds, actions, rules, repairs, claims, restorations, status."""
    stats["events"] += len(case["events"])
    for event in case["events"]:
        stats[f"event:{event['kind']}"] += 1
    for d in result["decisions"]:
        stats[f"decision:{d['action']}"] += 1
        if d["counted_points"] < d["points"]:
            stats["decision:aggregated(第十七条)"] += 1
        if d["rules"]:
            stats[f"rule:{d['rules'][0]}"] += 1
    for r in result["repairs"]:
        stats[f"repair:{r['way']}:{'accepted' if r['accepted'] else 'refused'}"] += 1
        if r.get("shortened"):
            stats["repair:shortened a term"] += 1
    for c in result["claims"]:
        stats[f"claim:{c['state']}:{'settled' if c['settled'] else 'not settled'}"] += 1
    for r in result["restorations"]:
        stats[f"restoration:{'accepted' if r['accepted'] else 'refused'}"] += 1
    stats[f"status:{result['status']['state']}"] += 1
    if result["status"].get("awaiting_restoration"):
        stats["status:suspended awaiting restoration"] += 1


def time_compile(repeats: int) -> Dict[str, float]:
    from engine.rulebook.registry import compile_document
    from engine.base.documents import load_yaml_file
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        compile_document(load_yaml_file(str(RULEBOOK_PATH)))
        times.append(time.perf_counter() - start)
    return {"first_ms": times[0] * 1e3, "best_ms": min(times) * 1e3}


def profile_engine(rulebook, cases: List[Dict[str, Any]], top: int = 25) -> None:
    import cProfile
    import io
    import pstats
    profiler = cProfile.Profile()
    profiler.enable()
    for case in cases:
        rulebook.evaluate(case, trace=False)
    profiler.disable()
    for order in ("tottime", "cumulative"):
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).strip_dirs().sort_stats(order).print_stats(top)
        print(f"--- cProfile of the engine (trace=False) on {len(cases)} cases, by {order} ---")
        print("\n".join(line for line in stream.getvalue().splitlines() if line.strip())[:6000])


def what_if(rulebook, cases: List[Dict[str, Any]], repeats: int) -> None:
    """Where the engine's time goes: re-time it with parts switched off (in this process only).

    Module attributes the engine looks up at call time are swapped for no-ops — the case schema
    check (``ledger.surely_valid`` / ``ledger._validator``), the ``_plain`` copy of the input, and the
    per-case look at the rulebook folders (``registry._frozen_state``, as ``registry.freeze()`` sets
    it) — then restored. No engine file is touched. A diagnostic, not a supported mode.
    """
    try:
        from engine.evaluate import ledger
        from engine.rulebook import registry
        saved = {name: getattr(ledger, name) for name in ("_validator", "_plain", "surely_valid") if hasattr(ledger, name)}
        frozen_before = getattr(registry, "_frozen_state", None)
        folder_state = getattr(registry, "_folder_state", None)
    except ImportError as error:
        print(f"what-if skipped: {error}")
        return
    if "_plain" not in saved:
        print("what-if skipped: engine.evaluate.ledger has no _plain")
        return

    class _NoSchema:
        def iter_errors(self, data):
            return iter(())

    no_schema = _NoSchema()
    evaluate = rulebook.evaluate
    frozen = folder_state() if folder_state is not None else None

    def configure(schema: bool, plain: bool, freeze: bool) -> None:
        for name, value in saved.items():
            setattr(ledger, name, value)
        if not schema:
            if "surely_valid" in saved:
                ledger.surely_valid = lambda name, data: True
            ledger._validator = lambda name: no_schema
        if not plain:
            ledger._plain = lambda value: value
        if folder_state is not None:
            registry._frozen_state = frozen if freeze else frozen_before

    def variant(schema: bool, plain: bool, freeze: bool):
        def run(case):
            configure(schema, plain, freeze)
            return evaluate(case, trace=False)
        return run

    variants = {
        "hand": handwritten_im.evaluate,
        "as_is": variant(True, True, False),
        "no_schema": variant(False, True, False),
        "no_plain": variant(False, False, False),
        "frozen": variant(False, False, True),
    }
    try:
        timed = time_many(variants, cases, repeats)
    finally:
        configure(True, True, False)
    us = {name: seconds / len(cases) * 1e6 for name, seconds in timed.items()}
    hand = us["hand"]
    print(f"--- what-if on {len(cases)} cases (µs/person-year, interleaved, best of {repeats}) ---")
    rows = [("hand-written", "hand"), ("engine as is", "as_is"),
            ("  without the case schema check", "no_schema"),
            ("  … and without the _plain copy", "no_plain"),
            ("  … and with the rulebook folders frozen", "frozen")]
    for label, key in rows:
        print(f"  {label:44s} {us[key]:8.1f}  ({us[key] / hand:5.2f} × hand-written)")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="person-years (default 100000)")
    parser.add_argument("--seed", type=int, default=20250301)
    parser.add_argument("--quick", action="store_true", help="n=5000, fewer repeats")
    parser.add_argument("--repeats", type=int, default=None, help="timing passes, best counts (default 3; quick 2)")
    parser.add_argument("--no-zen", action="store_true", help="skip zen-engine")
    parser.add_argument("--profile", action="store_true", help="cProfile the engine on 5000 cases")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    n = 5000 if args.quick else args.n
    repeats = args.repeats or (2 if args.quick else 3)
    figures: Dict[str, Any] = {"n": n, "seed": args.seed, "repeats": repeats, "python": sys.version.split()[0]}

    t0 = time.perf_counter()
    cases = gen_im.generate(n, args.seed)
    print(f"generated {n} person-years (seed {args.seed}) in {time.perf_counter() - t0:.1f} s")
    rulebook = engine.load_rulebook("inner-mongolia")
    # Timed first, while the engine in memory and the rulebook on disk are surely the same version.
    compile_error: Optional[str] = None
    try:
        compile_times = time_compile(8)
        figures.update(compile_first_ms=compile_times["first_ms"], compile_best_ms=compile_times["best_ms"])
    except Exception as error:  # noqa: BLE001 - e.g. the rulebook edited on disk meanwhile
        compile_error = f"{type(error).__name__}: {error}"

    # -- correctness -----------------------------------------------------------------------
    passed, failed, skipped = golden_check()
    figures["golden"] = {"passed": passed, "failed": failed, "skipped": skipped}
    print(f"hand-written vs the golden cases of tests/golden/inner-mongolia: {passed} passed, {failed} failed, "
          f"{skipped} skipped (features the hand-written evaluator does not implement)"
          + ("" if not failed else " (WARNING: the baseline disagrees with hand-derived expectations)"))
    t0 = time.perf_counter()
    stats: collections.Counter = collections.Counter()
    bad = check(rulebook, cases, stats)
    figures["workload"] = dict(stats)
    print(f"workload: {stats['events']} events: "
          + ", ".join(f"{k.split(':')[1]} {v}" for k, v in sorted(stats.items()) if k.startswith("event:")))
    for prefix, label in (("decision", "decisions"), ("rule", "rules"), ("repair", "repairs"), ("claim", "claims"),
                          ("restoration", "restorations"), ("status", "status")):
        items = sorted((k, v) for k, v in stats.items() if k.startswith(prefix + ":"))
        print(f"  {label:13s} " + ", ".join(f"{k.split(':', 1)[1]} {v}" for k, v in items))
    print(f"check engine(trace=False, trace=True) == hand-written on {n} cases + {len(INVALID)} invalid ones: "
          f"{'OK' if not bad else f'{bad} DIFFERENCES'} ({time.perf_counter() - t0:.1f} s)")
    if bad:
        return 1

    # -- timing: engine vs hand-written ---------------------------------------------------------
    timed = time_many({"hand": handwritten_im.evaluate,
                       "engine": lambda c: rulebook.evaluate(c, trace=False),
                       "trace": lambda c: rulebook.evaluate(c, trace=True)}, cases, repeats)
    hand_s, engine_s, trace_s = timed["hand"], timed["engine"], timed["trace"]
    per = lambda seconds: seconds / n * 1e6  # noqa: E731  µs per person-year
    figures.update(hand_us=per(hand_s), engine_us=per(engine_s), engine_trace_us=per(trace_s),
                   ratio_engine=engine_s / hand_s, ratio_engine_trace=trace_s / hand_s)
    print(f"hand-written     {per(hand_s):9.1f} µs/person-year")
    print(f"engine           {per(engine_s):9.1f} µs/person-year")
    print(f"engine(trace)    {per(trace_s):9.1f} µs/person-year")
    print(f"ratio engine/hand-written: {engine_s / hand_s:.2f}")
    print(f"ratio engine(trace)/hand-written: {trace_s / hand_s:.2f}")

    # -- zen-engine ---------------------------------------------------------------------------
    if not args.no_zen:
        import zen_im
        scorer = zen_im.ZenScorer()
        scored = [score_only(c) for c in cases]
        n_scores = sum(len(c["events"]) for c in scored)
        zbad = check_zen(rulebook, scorer, scored)
        print(f"check zen-engine decisions (action, months, ban_years) == engine on {n} score-only cases "
              f"({n_scores} score events): {'OK' if not zbad else f'{zbad} DIFFERENCES'}")
        if zbad:
            return 1
        timed = time_many({"zen": scorer.person_year,
                           "engine": lambda c: rulebook.evaluate(c, trace=False),
                           "hand": handwritten_im.evaluate}, scored, repeats)
        zen_s, eng_scores_s, hand_scores_s = timed["zen"], timed["engine"], timed["hand"]
        figures.update(zen_us=per(zen_s), engine_score_only_us=per(eng_scores_s),
                       hand_score_only_us=per(hand_scores_s), zen_us_per_call=zen_s / max(n_scores, 1) * 1e6,
                       ratio_zen_engine=zen_s / eng_scores_s)
        print(f"score-only: zen-engine {per(zen_s):.1f} µs/person-year ({zen_s / max(n_scores, 1) * 1e6:.1f} µs per "
              f"evaluate call), engine {per(eng_scores_s):.1f}, hand-written {per(hand_scores_s):.1f}")
        print(f"ratio zen-engine/engine: {zen_s / eng_scores_s:.2f}")

    # -- rulebook load + compile (timed at the start, printed here) --------------------------------
    if compile_error is None:
        print(f"rulebook load+compile: {figures['compile_best_ms']:.1f} ms (best of 8; first in this process "
              f"{figures['compile_first_ms']:.1f} ms)")
    else:
        print(f"rulebook load+compile: failed ({compile_error})")

    # -- summary -------------------------------------------------------------------------------
    print()
    print(f"summary ({n} person-years, seed {args.seed}, best of {repeats}, Python {figures['python']})")
    print(f"  {'evaluator':34s} {'µs/person-year':>15s} {'× hand-written':>15s}")
    rows = [("hand-written (plain Python)", figures["hand_us"]),
            ("engine, trace=False", figures["engine_us"]),
            ("engine, trace=True", figures["engine_trace_us"])]
    for name, us in rows:
        print(f"  {name:34s} {us:15.1f} {us / figures['hand_us']:15.2f}")
    if "zen_us" in figures:
        print(f"  {'score-only: hand-written':34s} {figures['hand_score_only_us']:15.1f}")
        print(f"  {'score-only: engine, trace=False':34s} {figures['engine_score_only_us']:15.1f}")
        print(f"  {'score-only: zen-engine':34s} {figures['zen_us']:15.1f}"
              f"   ({figures['ratio_zen_engine']:.2f} × engine)")
    if compile_error is None:
        print(f"  {'rulebook load+compile':34s} {figures['compile_best_ms']:12.1f} ms")

    if args.profile:
        print()
        profile_engine(rulebook, cases[:5000])
        what_if(rulebook, cases[:5000], repeats)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
