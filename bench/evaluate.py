"""Benchmark: the engine against a hand-written evaluator and zen-engine, on seeded person-years.

    .venv/bin/python bench/evaluate.py            # 100,000 person-years (~5 min on 2 shared CPUs)
    .venv/bin/python bench/evaluate.py --quick    # 5,000
    .venv/bin/python bench/evaluate.py --n 20000 --seed 7 --repeats 5 --profile --json bench/out/run.json

Steps:
 1. generate N seeded Inner Mongolia person-years (bench/gen_im.py);
 2. load the rulebook as the HTTP service does (``registry.freeze()``, then ``load_rulebook``);
 3. check that the engine and the hand-written evaluator (bench/handwritten_im.py), which builds
    the engine's FULL result, give byte-identical JSON (``json.dumps``, key order kept) on every
    case, trace off and trace on, and that both refuse the same invalid cases; any difference is
    printed with its case and the script exits 1 (before timing);
 4. time both (best of --repeats, interleaved by chunks): ``ratio engine/hand-written`` (trace off)
    and ``ratio engine(trace)/hand-written(trace)``; and the interpreter alone (the engine without
    its generated code, engine/evaluate/*) on the first --interpreter-n cases, for reference;
 5. zen-engine (bench/zen_im.py, a JDM graph of 第十八条 points and 第十九条 thresholds) through its
    fastest documented API (a ZenEngine with a loader of pre-compiled ZenDecisionContent,
    ``evaluate(key, context)``; the static loader is timed too and the faster counts): its outputs
    (points, counted_points, single, year_total, action, measure, months, ban_years) are checked
    against the engine's decisions on the same score-only cases, then both are timed on them:
    ``ratio zen-fastest/engine`` (zen's time over the engine's: above 1, the engine is faster);
 6. time a fresh rulebook load+compile (no registry cache) and the generation of its evaluator.

--profile adds a cProfile of the engine and of the hand-written evaluator on 5,000 cases.
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import gc
import io
import json
import pstats
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

import engine  # noqa: E402
import gen_im  # noqa: E402
import handwritten_im  # noqa: E402
from engine.evaluate.person import evaluate_case  # noqa: E402
from engine.rulebook import registry  # noqa: E402

RULEBOOK_PATH = ROOT / "rulebooks" / "inner-mongolia.yaml"
ZEN_FIELDS = ("event", "points", "counted_points", "single", "year_total", "action", "measure", "months", "ban_years")


def dumps(result: Any) -> str:
    return json.dumps(result, ensure_ascii=False)


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
    ("unknown kind", lambda c: c["events"].append({"kind": "audit", "date": "2025-05-01"})),
    ("unknown field", lambda c: c["events"].append({"kind": "claim", "date": "2025-05-01", "amout": 3})),
    ("role out of scope", lambda c: c["person"].update(role="caregiver")),
    ("bad as_of", lambda c: c.update(as_of="31.12.2025")),
]


def show_difference(label: str, case: Dict[str, Any], ours: str, theirs: str) -> None:
    import difflib

    print(f"DIFFERENCE ({label}) on case: {dumps(case)}")
    a = json.dumps(json.loads(ours), ensure_ascii=False, indent=1).splitlines()
    b = json.dumps(json.loads(theirs), ensure_ascii=False, indent=1).splitlines()
    for line in list(difflib.unified_diff(a, b, "engine", "other", lineterm="", n=1))[:30]:
        print("  " + line)


def check(rulebook, cases: List[Dict[str, Any]], limit: int = 3) -> int:
    """Engine == hand-written, byte for byte, trace off and on; both refuse the invalid cases."""
    bad = 0
    for case in cases:
        for trace in (False, True):
            ours, theirs = dumps(rulebook.evaluate(case, trace=trace)), dumps(handwritten_im.evaluate(case, trace))
            if ours != theirs:
                bad += 1
                if bad <= limit:
                    show_difference(f"hand-written, trace={trace}", case, ours, theirs)
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


def check_zen(rulebook, scorer, cases: List[Dict[str, Any]], limit: int = 3) -> int:
    bad = 0
    for case in cases:
        ours = [{k: d[k] for k in ZEN_FIELDS} for d in rulebook.evaluate(case, trace=False)["decisions"]]
        theirs = [{k: d[k] for k in ZEN_FIELDS} for d in scorer.person_year(case)]
        if ours != theirs:
            bad += 1
            if bad <= limit:
                print(f"ZEN DIFFERENCE on score-only case: {dumps(case)}\n  engine {ours}\n  zen    {theirs}")
    return bad


def time_many(evaluators: Dict[str, Callable[[Dict[str, Any]], Any]], cases: List[Dict[str, Any]],
              repeats: int, chunk: int = 2000) -> Dict[str, float]:
    """CPU seconds each evaluator takes over ``cases``: for each chunk of cases its best of ``repeats``
    passes, summed; every pass runs every evaluator on the chunk in turn, so that load from other
    processes on a shared machine does not favour one of them. CPU time of this process
    (``time.process_time``, every thread of it): work of other processes does not count."""
    chunks = [cases[i:i + chunk] for i in range(0, len(cases), chunk)]
    best = {name: [float("inf")] * len(chunks) for name in evaluators}
    perf = time.process_time
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


def time_compile(repeats: int) -> Dict[str, float]:
    from engine.base.documents import load_yaml_file
    from engine.evaluate.compiled.build import compile_spec
    from engine.rulebook.registry import compile_document

    loads, generations = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        rulebook = compile_document(load_yaml_file(str(RULEBOOK_PATH)))
        loads.append(time.perf_counter() - start)
        start = time.perf_counter()
        compile_spec(rulebook)
        generations.append(time.perf_counter() - start)
    return {"load_ms": min(loads) * 1e3, "generate_ms": min(generations) * 1e3}


def profile(label: str, fn: Callable[[Dict[str, Any]], Any], cases: List[Dict[str, Any]], top: int = 18) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for case in cases:
        fn(case)
    profiler.disable()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).strip_dirs().sort_stats("tottime").print_stats(top)
    print(f"--- cProfile of {label} on {len(cases)} cases, by own time ---")
    print("\n".join(line for line in stream.getvalue().splitlines() if line.strip())[:5000])


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="person-years (default 100000)")
    parser.add_argument("--seed", type=int, default=20250301)
    parser.add_argument("--quick", action="store_true", help="n=5000, fewer repeats")
    parser.add_argument("--repeats", type=int, default=None, help="timing passes, best counts (default 3; quick 2)")
    parser.add_argument("--interpreter-n", type=int, default=10_000, help="cases the interpreter alone is timed on")
    parser.add_argument("--no-zen", action="store_true", help="skip zen-engine")
    parser.add_argument("--profile", action="store_true", help="cProfile the engine and the hand-written evaluator")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    n = 5000 if args.quick else args.n
    repeats = args.repeats or (2 if args.quick else 3)
    figures: Dict[str, Any] = {"n": n, "seed": args.seed, "repeats": repeats, "python": sys.version.split()[0]}
    per = lambda seconds, count=n: seconds / count * 1e6  # noqa: E731  µs per person-year

    t0 = time.perf_counter()
    cases = gen_im.generate(n, args.seed)
    print(f"generated {n} person-years (seed {args.seed}) in {time.perf_counter() - t0:.1f} s")
    compile_times = time_compile(5)
    figures.update(compile_times)
    registry.freeze()  # as the HTTP service and batch workers run it
    rulebook = engine.load_rulebook("inner-mongolia")
    rulebook.evaluate(cases[0], trace=False)  # builds the generated evaluator

    # -- correctness -----------------------------------------------------------------------------
    t0 = time.perf_counter()
    bad = check(rulebook, cases)
    print(f"check engine == hand-written (full result, json.dumps byte-identical, trace off and on) on {n} cases "
          f"+ {len(INVALID)} invalid ones: {'OK' if not bad else f'{bad} DIFFERENCES'} ({time.perf_counter() - t0:.1f} s)")
    if bad:
        return 1

    # -- timing: engine vs hand-written, trace off and on ------------------------------------------
    timed = time_many({"hand": handwritten_im.evaluate,
                       "engine": lambda c: rulebook.evaluate(c, trace=False),
                       "hand_trace": lambda c: handwritten_im.evaluate(c, True),
                       "engine_trace": lambda c: rulebook.evaluate(c, trace=True)}, cases, repeats)
    part = cases[:args.interpreter_n]
    interpreted = time_many({"interpreter": lambda c: evaluate_case(rulebook, c, trace=False),
                             "engine": lambda c: rulebook.evaluate(c, trace=False)}, part, repeats)
    figures.update(hand_us=per(timed["hand"]), engine_us=per(timed["engine"]),
                   hand_trace_us=per(timed["hand_trace"]), engine_trace_us=per(timed["engine_trace"]),
                   interpreter_us=per(interpreted["interpreter"], len(part)),
                   ratio_engine=timed["engine"] / timed["hand"],
                   ratio_engine_trace=timed["engine_trace"] / timed["hand_trace"],
                   ratio_interpreter=interpreted["interpreter"] / interpreted["engine"])
    print(f"hand-written          {figures['hand_us']:9.1f} µs/person-year   (trace: {figures['hand_trace_us']:.1f})")
    print(f"engine                {figures['engine_us']:9.1f} µs/person-year   (trace: {figures['engine_trace_us']:.1f})")
    print(f"engine, interpreter   {figures['interpreter_us']:9.1f} µs/person-year   (the engine without its generated "
          f"code, on {len(part)} cases: {figures['ratio_interpreter']:.1f}× the engine)")
    print(f"ratio engine/hand-written: {figures['ratio_engine']:.2f}")
    print(f"ratio engine(trace)/hand-written(trace): {figures['ratio_engine_trace']:.2f}")

    # -- zen-engine ------------------------------------------------------------------------------
    if not args.no_zen:
        import zen_im

        scorers = {api: zen_im.ZenScorer(api) for api in ("loader", "static")}
        scored = [score_only(c) for c in cases]
        calls = sum(len(c["events"]) for c in scored)
        for api, scorer in scorers.items():
            zbad = check_zen(rulebook, scorer, scored)
            print(f"check zen-engine ({api} API) == engine on {n} score-only cases ({calls} score events; points, "
                  f"counted, single, year total, action, measure, months, ban): {'OK' if not zbad else f'{zbad} DIFFERENCES'}")
            if zbad:
                return 1
        timed = time_many({"zen_loader": scorers["loader"].person_year, "zen_static": scorers["static"].person_year,
                           "engine": lambda c: rulebook.evaluate(c, trace=False),
                           "hand": handwritten_im.evaluate}, scored, repeats)
        fastest = min(timed["zen_loader"], timed["zen_static"])
        figures.update(zen_loader_us=per(timed["zen_loader"]), zen_static_us=per(timed["zen_static"]),
                       zen_us_per_call=fastest / max(calls, 1) * 1e6, engine_score_only_us=per(timed["engine"]),
                       hand_score_only_us=per(timed["hand"]), ratio_zen_engine=fastest / timed["engine"])
        print(f"score-only: zen-engine {figures['zen_loader_us']:.1f} µs/person-year with the loader, "
              f"{figures['zen_static_us']:.1f} with the static loader ({figures['zen_us_per_call']:.1f} µs per "
              f"evaluate call, the faster); engine {figures['engine_score_only_us']:.1f} (full result); "
              f"hand-written {figures['hand_score_only_us']:.1f} (full result)")
        print(f"ratio zen-fastest/engine: {figures['ratio_zen_engine']:.2f}")

    print(f"rulebook load+compile: {figures['load_ms']:.1f} ms; generated evaluator: {figures['generate_ms']:.1f} ms "
          "(best of 5)")
    print(f"(one run on a noisy 2-core machine; {n} person-years, seed {args.seed}, best of {repeats}, CPU time, "
          f"Python {figures['python']})")
    if args.profile:
        sample = cases[:5000]
        profile("the engine (trace off)", lambda c: rulebook.evaluate(c, trace=False), sample)
        profile("the hand-written evaluator", handwritten_im.evaluate, sample)
        profile("the engine on score-only cases", lambda c: rulebook.evaluate(c, trace=False),
                [score_only(c) for c in sample])
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
