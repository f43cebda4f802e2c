"""``yibao population`` and ``yibao impact`` end to end: real processes, real files, a real Dask LocalCluster."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("numba")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
pv = pytest.importorskip("pyarrow.csv")

from engine.api import load_rulebook  # noqa: E402
from engine.population.sample import sample_ledger  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
YIBAO = [sys.executable, "-m", "engine"]


def yibao(*args, cwd=None):
    return subprocess.run(YIBAO + [str(a) for a in args], capture_output=True, text=True, cwd=cwd or ROOT,
                          timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})


def _csv(table, path: Path) -> Path:
    pv.write_csv(table, str(path))
    return path


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    """A hainan ledger: 600 persons with events, some the kernel leaves to the scalar engine, as CSV."""
    folder = tmp_path_factory.mktemp("ledger")
    table = sample_ledger(load_rulebook("hainan"), 600, seed=3, shape="heavy", scalar=0.05)
    return _csv(table, folder / "hainan.csv")


def test_population_writes_three_tables_that_agree_with_batch(ledger, tmp_path):
    out = tmp_path / "out"
    done = yibao("population", ledger, "--rulebook", "hainan", "-o", out, "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["persons"] == 600 and summary["paths"]["kernel"] > 500 and summary["paths"]["scalar"] > 0
    status = pq.read_table(out / "status.parquet").to_pylist()
    assert len(status) == 600 and pq.read_table(out / "decisions.parquet").num_rows == summary["events"]
    assert pq.read_table(out / "years.parquet").num_rows > 300  # persons with only claims have no year
    # yibao batch's status table of the same CSV: the same state, from, until, rule and article
    batch = yibao("batch", ledger, "--rulebook", "hainan", "-o", tmp_path / "r.jsonl", "--status-table",
                  tmp_path / "s.csv", "--workers", "1")
    assert batch.returncode == 0, batch.stderr
    rows = pv.read_csv(tmp_path / "s.csv", convert_options=pv.ConvertOptions(
        column_types={name: pa.string() for name in ("person", "from", "until", "rule", "article")},
        strings_can_be_null=True)).to_pylist()
    for mine, theirs in zip(status, rows):
        assert mine["person"] == theirs["person"]
        for name in ("state", "from", "until", "rule", "article"):
            value = mine[name].isoformat() if hasattr(mine[name], "isoformat") else mine[name]
            assert value == theirs[name], (name, mine, theirs)


def test_a_refused_record_stops_the_run_with_one_located_line(ledger, tmp_path):
    import csv

    rows = list(csv.reader(ledger.read_text(encoding="utf-8").splitlines()))
    header = rows[0]
    at = next(i for i, row in enumerate(rows) if row[header.index("kind")] == "score" and i > 100)
    rows[at][header.index("situation")] = "99.9"
    rows[at][header.index("tier")] = ""
    bad = tmp_path / "bad.csv"
    with open(bad, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    out = tmp_path / "out"
    done = yibao("population", bad, "--rulebook", "hainan", "-o", out)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and f"bad.csv:{at + 1}" in done.stderr and "unknown situation '99.9'" in done.stderr
    assert not any(out.glob("*.parquet")) and not any(p.name.startswith(".") for p in out.iterdir())


def test_bad_ledgers_and_outputs_are_refused(ledger, tmp_path):
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("person_id,role,as_of,kind,dat\nP1,nurse,2025-12-31,,\n", encoding="utf-8")
    done = yibao("population", wrong, "--rulebook", "hainan", "-o", tmp_path / "o")
    assert done.returncode == 2 and "wrong.csv:1" in done.stderr and "did you mean 'date'" in done.stderr
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    done = yibao("population", ledger, "--rulebook", "hainan", "-o", afile)
    assert done.returncode == 2 and "not a folder" in done.stderr
    (tmp_path / "linked").mkdir()
    os.symlink(tmp_path / "elsewhere.parquet", tmp_path / "linked" / "status.parquet")
    done = yibao("population", ledger, "--rulebook", "hainan", "-o", tmp_path / "linked")
    assert done.returncode == 2 and "symbolic link" in done.stderr
    assert not (tmp_path / "elsewhere.parquet").exists()


def test_parquet_partitions_on_a_dask_local_cluster(tmp_path):
    pytest.importorskip("distributed")
    rulebook = load_rulebook("inner-mongolia")
    folder = tmp_path / "ledger"
    folder.mkdir()
    for index in range(3):  # three partitions, each with whole persons
        table = sample_ledger(rulebook, 300, seed=index, shape="realistic", typed=True, first_id=1000 * index)
        pq.write_table(table, folder / f"part-{index}.parquet")
    local = yibao("population", folder, "--rulebook", "inner-mongolia", "-o", tmp_path / "local", "--json")
    assert local.returncode == 0, local.stderr
    dask = yibao("population", folder, "--rulebook", "inner-mongolia", "-o", tmp_path / "dask", "--dask", "local",
                 "--workers", "2", "--json")
    assert dask.returncode == 0, dask.stderr
    assert json.loads(dask.stdout)["persons"] == json.loads(local.stdout)["persons"] == 900
    for name in ("status", "decisions", "years"):
        parts = sorted((tmp_path / "dask" / name).glob("part-*.parquet"))
        assert len(parts) == 3
        combined = pa.concat_tables([pq.read_table(p) for p in parts])
        assert combined.to_pylist() == pq.read_table(tmp_path / "local" / f"{name}.parquet").to_pylist()


def _edited_hainan(tmp_path: Path) -> Path:
    """A copy of hainan whose suspension starts at 8 points instead of 9 (第二十四条（二）, edited)."""
    text = (ROOT / "rulebooks" / "hainan.yaml").read_text(encoding="utf-8")
    before = 'when: "year_total >= 9"'
    assert text.count(before) == 1
    path = tmp_path / "hainan-8.yaml"
    path.write_text(text.replace(before, 'when: "year_total >= 8"'), encoding="utf-8")
    return path


def test_impact_of_suspending_at_8_instead_of_9(tmp_path):
    import jsonschema

    from engine.base.schemas import load_schema

    rulebook = load_rulebook("hainan")
    table = sample_ledger(rulebook, 1500, seed=8, shape="heavy")
    ledger = tmp_path / "ledger.parquet"
    pq.write_table(table, ledger)
    chart = tmp_path / "impact.svg"
    done = yibao("impact", ledger, "--rulebook", "hainan", "--against", _edited_hainan(tmp_path), "--json",
                 "--chart", chart, "--list", "1000")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)  # one JSON document
    jsonschema.validate(report, load_schema("impact"))
    # Hand-countable: a person changes action exactly when their year total reaches 8 but never 9 —
    # from none or warn (study) to suspend; nobody's action becomes less severe.
    from engine.population.run import Population

    decisions = Population(rulebook).evaluate(table, str(ledger), 1).events.to_pylist()
    top = {}
    for row in decisions:
        if row["kind"] == "score":
            top[row["person"]] = max(top.get(row["person"], 0), row["year_total"])
    expected = {person for person, total in top.items() if 8 <= total < 9}
    moved = {row["person"] for row in report["listed"] if row["a"]["action"] != row["b"]["action"]}
    assert expected and moved == expected
    assert report["changed"]["action"] == report["changed"]["more_severe"] == len(expected)
    assert {(t["from"], t["to"]) for t in report["transitions"]["action"]} <= {("none", "suspend"), ("warn", "suspend")}
    assert report["against"]["kind"] == "file" and report["persons"] == 1500
    svg = chart.read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "<script" not in svg and 'class="bar"' in svg


def test_impact_of_readings_and_a_bad_reading(tmp_path):
    table = sample_ledger(load_rulebook("inner-mongolia"), 400, seed=2, shape="heavy")
    ledger = _csv(table, tmp_path / "ledger.csv")
    done = yibao("impact", ledger, "--rulebook", "inner-mongolia", "--against", "readings:after_term=normal")
    assert done.returncode == 0, done.stderr
    assert "suspended → normal" in done.stdout
    done = yibao("impact", ledger, "--rulebook", "inner-mongolia", "--against", "readings:after_trem=normal")
    assert done.returncode == 2 and "did you mean 'after_term'" in done.stderr and done.stderr.count("\n") == 1
