"""The population path agrees with the scalar engine (the interpreter, which stays the reference).

For every rulebook: 2,000 seeded persons whose every person-year has events (all event kinds, shared
inspections and behaviours, a share of persons choosing other readings and a share the kernel leaves to
the scalar engine), the same ledger typed as a Parquet export would be, and every golden case a ledger
can hold. Compared person by person: the status (state, phase, until, and the status row's from,
until, rule, article), every year's totals, and each event's outcome (a decision's action, months,
ban, from, until, rule, article, single, points, year total, situation, tier; a repair's acceptance
and points; a claim's settlement and rule; a restoration's acceptance). The full-size run is
bench/population.py.
"""

from __future__ import annotations

import pytest

pytest.importorskip("numba")
pytest.importorskip("pyarrow")

from engine.api import list_rulebooks, load_rulebook  # noqa: E402
from engine.population.encode import person_starts  # noqa: E402
from engine.population.ledger import table_from_cases  # noqa: E402
from engine.population.run import Population  # noqa: E402
from engine.population.sample import sample_ledger  # noqa: E402
from population_check import cases_of, differences  # noqa: E402

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent

RULEBOOKS = list_rulebooks()
#: Ledgers over two years (a term or ban runs into the next; the points clear), three where a rule reads
#: the earlier years (济宁 五（一）: three years of 9).
YEARS = {"jining": (2026, 3)}
TWO_YEARS = (2026, 2)


def _compare(rulebook_id: str, table, *, expect_scalar: bool = False) -> None:
    rulebook = load_rulebook(rulebook_id)
    outcome = Population(rulebook).evaluate(table, "<ledger>", 2)
    results = [rulebook.evaluate(case, trace=False) for case in cases_of(table, person_starts(table.column("person_id")))]
    found = differences(results, outcome)
    assert not found, f"{len(found)} differences, e.g.\n" + "\n".join(found[:10])
    assert outcome.kernel > 0
    if expect_scalar:
        assert outcome.scalar > 0, "the ledger was meant to send some persons to the scalar engine"


@pytest.mark.parametrize("rulebook_id", RULEBOOKS)
def test_kernel_agrees_with_the_scalar_engine(rulebook_id):
    year, years = YEARS.get(rulebook_id, TWO_YEARS)
    rulebook = load_rulebook(rulebook_id)
    table = sample_ledger(rulebook, 2000, seed=11, shape="heavy", scalar=0.05, readings=0.1, year=year, years=years)
    _compare(rulebook_id, table, expect_scalar=True)


@pytest.mark.parametrize("rulebook_id", RULEBOOKS)
def test_kernel_agrees_when_as_of_falls_inside_the_ledger(rulebook_id):
    """The status on a day before some of the person's events (a term that runs on, a period to come)."""
    rulebook = load_rulebook(rulebook_id)
    table = sample_ledger(rulebook, 600, seed=13, shape="heavy", year=2025, as_of_inside=True)
    _compare(rulebook_id, table)


@pytest.mark.parametrize("rulebook_id", RULEBOOKS)
def test_typed_parquet_columns_mean_what_their_text_means(rulebook_id, tmp_path):
    """A Parquet export (typed columns, text as dictionaries, small row groups) read in small chunks:
    persons cut by a row group or a chunk are read whole, and every column means what its text means."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from engine.population.ledger import read_chunks

    year, years = YEARS.get(rulebook_id, (2025, 1))
    rulebook = load_rulebook(rulebook_id)
    table = sample_ledger(rulebook, 500, seed=12, shape="realistic", typed=True, year=year, years=years,
                          scalar=0.02, readings=0.05)
    path = tmp_path / "ledger.parquet"
    pq.write_table(table, path, row_group_size=97)
    chunks = list(read_chunks(str(path), rows=300))
    assert len(chunks) > 2 and pa.types.is_dictionary(chunks[0][0].schema.field("kind").type)
    population = Population(rulebook)
    outcomes = [population.evaluate(chunk, str(path), line) for chunk, line in chunks]
    whole = pa.concat_tables([chunk for chunk, _ in chunks])
    results = [rulebook.evaluate(case, trace=False) for case in cases_of(whole, person_starts(whole.column("person_id")))]

    class Joined:  # the chunks' tables, as one outcome
        status = pa.concat_tables([o.status for o in outcomes])
        events = pa.concat_tables([o.events for o in outcomes])
        years = pa.concat_tables([o.years for o in outcomes])

    assert Joined.status.num_rows == 500
    found = differences(results, Joined)
    assert not found, "\n".join(found[:10])


def _golden_ledgers():
    from engine.officer.golden import golden_files
    from engine.base.documents import load_yaml_file

    for rulebook_id in RULEBOOKS:
        cases = []
        for path in golden_files(rulebook_id):
            data = load_yaml_file(str(path)).data
            if data.get("kind", "evaluate") != "evaluate" or "expect" not in data:
                continue
            case = dict(data["case"])
            case.setdefault("person", {"id": path.stem, "role": "physician"})
            case["person"] = {**case["person"], "id": f"{path.stem}"}
            try:
                table_from_cases([case])
            except (ValueError, KeyError, TypeError):
                continue  # a field a ledger has no column for (an appeal's, a notice date, …)
            cases.append(case)
        if cases:
            yield rulebook_id, cases


@pytest.mark.parametrize("rulebook_id,cases", list(_golden_ledgers()), ids=lambda v: v if isinstance(v, str) else "")
def test_every_golden_case_a_ledger_holds(rulebook_id, cases):
    rulebook = load_rulebook(rulebook_id)
    good = []
    for case in cases:
        try:
            rulebook.evaluate(case, trace=False)
        except Exception:  # noqa: BLE001 - a golden case of another rulebook version, or an expected error
            continue
        good.append(case)
    assert good
    _compare(rulebook_id, table_from_cases(good))


def test_persons_the_kernel_does_not_cover_take_the_scalar_path():
    """national writes no aggregation rule: a behaviour id is checked by the case reader, so its person
    goes to the scalar engine; an adjusted score (hainan 第十九条 从轻) the kernel takes itself."""
    case = {"as_of": "2025-05-15", "person": {"id": "A", "role": "physician"},
            "events": [{"kind": "score", "date": "2025-05-01", "tier": 3, "points": 9}]}
    other = {**case, "person": {"id": "B", "role": "physician"},
             "events": [{**case["events"][0], "behaviour": "B1"}]}
    outcome = Population(load_rulebook("national")).evaluate(table_from_cases([case, other]), "<ledger>", 2)
    assert outcome.status.column("path").to_pylist() == ["kernel", "scalar"]
    assert outcome.events.column("path").to_pylist() == ["kernel", "scalar"]
    assert outcome.status.column("state").to_pylist() == ["suspended", "suspended"]
    adjusted = {"as_of": "2025-12-31", "person": {"id": "C", "role": "physician"},
                "events": [{"kind": "score", "date": "2025-05-01", "situation": "21.3.1", "responsibility": "primary",
                            "adjustment": "lighter", "points": 7}]}
    outcome = Population(load_rulebook("hainan")).evaluate(table_from_cases([adjusted]), "<ledger>", 2)
    assert outcome.status.column("path").to_pylist() == ["kernel"]
    assert outcome.events.column("points").to_pylist() == [7.0]


def test_a_condition_the_kernel_cannot_express_sends_those_persons_to_the_scalar_engine(tmp_path):
    """Working days need the calendar: a consequence rule that counts them is named in the summary, and
    every person with a score event goes to the scalar engine (the others stay on the kernel)."""
    from engine.rulebook.registry import load

    text = (ROOT / "rulebooks" / "hainan.yaml").read_text(encoding="utf-8")
    before = 'when: "year_total >= 9"'
    edited = tmp_path / "hainan-workdays.yaml"
    edited.write_text(text.replace(before, 'when: "year_total >= 9 and date < date + 3 workdays"'), encoding="utf-8")
    rulebook = load(str(edited))
    population = Population(rulebook)
    assert any("score" in reason and "working days" in reason for reason in population.unsupported)
    table = sample_ledger(rulebook, 300, seed=5, shape="realistic")
    outcome = population.evaluate(table, "<ledger>", 2)
    scored = {row["person"] for row in outcome.events.to_pylist() if row["kind"] == "score"}
    paths = dict(zip(outcome.status.column("person").to_pylist(), outcome.status.column("path").to_pylist()))
    assert scored and all(paths[person] == "scalar" for person in scored)
    assert any(path == "kernel" for path in paths.values())
    results = [rulebook.evaluate(case, trace=False) for case in cases_of(table, person_starts(table.column("person_id")))]
    assert not differences(results, outcome)


@pytest.mark.parametrize("text,names,expected", [
    ("year_total >= 9 and param.study_trigger == 'any_points'", {}, "(env[0] >= 9)"),
    ("situation == '21.4.3' or situation == 'no-such'", {}, "(env[6] == 12)"),
    ("role in ['physician', 'nurse']", {}, "((env[9] == 0) or (env[9] == 1))"),
    ("year_total in 9..11", {}, "(9 <= env[0] <= 11)"),
    ("date > date + 1 month", {}, "(env[10] > add_months(env[10], 1))"),
    ("max(points, single) - min(prior_year_totals) > 2", {}, "((max(env[4], env[3]) - list_min(prior)) > 2)"),
])
def test_conditions_translate_from_their_checked_asts(text, names, expected):
    from engine.dsl.compiler import compile_expression
    from engine.population import layout as L
    from engine.population.generate import condition_bindings, name_kinds
    from engine.population.translate import Binding, translate
    from engine.spec.names import CONSEQUENCE

    rulebook = load_rulebook("hainan")
    scope = CONSEQUENCE.scope({f"param.{k}": "string" for k in rulebook.parameters})
    expression = compile_expression(text, scope)
    bindings = condition_bindings(L.CONSEQUENCE_ENV, name_kinds(rulebook))
    bindings.update({"prior_year_totals": Binding("list", "prior"), "previous_year_totals": Binding("list", "previous")})
    readings = {name: p.value for name, p in rulebook.parameters.items()}
    assert translate(expression.node, bindings, readings, text) == expected


@pytest.mark.parametrize("text,why", [
    ("date < date + 10 workdays", "working days"),
    ("points / year_total > 1", "division"),
])
def test_what_the_kernel_cannot_express_is_named(text, why):
    from engine.dsl.compiler import compile_expression
    from engine.population import layout as L
    from engine.population.generate import condition_bindings, name_kinds
    from engine.population.translate import Unsupported, translate
    from engine.spec.names import CONSEQUENCE

    rulebook = load_rulebook("hainan")
    expression = compile_expression(text, CONSEQUENCE.scope({}))
    with pytest.raises(Unsupported, match=why):
        translate(expression.node, condition_bindings(L.CONSEQUENCE_ENV, name_kinds(rulebook)), {}, text)


def test_a_changed_file_in_the_cache_is_written_again(tmp_path):
    """Only the generator's own text is ever imported from the cache folder: an edited (or truncated)
    module is replaced before it is loaded, in a fresh process."""
    import os
    import subprocess
    import sys

    script = ("from engine.api import load_rulebook; from engine.population.run import Population; "
              "from engine.population.kernels import cache_dir; "
              "p = Population(load_rulebook('weihai')); p.kernel({}); "
              "print(sorted(str(f) for f in cache_dir().glob('yibao_population_*.py'))[0])")
    env = {**os.environ, "YIBAO_CACHE_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    run = lambda: subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env,  # noqa: E731
                                 cwd=ROOT, timeout=120)
    first = run()
    assert first.returncode == 0, first.stderr
    path = __import__("pathlib").Path(first.stdout.strip())
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace("return fired", "return 0"), encoding="utf-8")  # tampered
    second = run()
    assert second.returncode == 0, second.stderr
    assert path.read_text(encoding="utf-8") == original
