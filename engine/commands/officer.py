"""`yibao diff`, `yibao docs`, `yibao test`, `yibao new-case`: the officers' tools."""

from __future__ import annotations

import sys
from typing import List, Optional

import click

from engine import officer
from engine.officer.docsgen import ROOT
from engine.officer.golden import run_golden
from engine.officer.golden_report import report
from engine.report import render_golden_summary
from engine.commands.common import EXIT_BAD_INPUT, dump, guard, paint
from engine.faces.output import write_text


@click.command()
@click.argument("rulebook_a")
@click.argument("rulebook_b")
@click.option("--json", "as_json", is_flag=True, help="print the differences as JSON")
def diff(rulebook_a: str, rulebook_b: str, as_json: bool) -> None:
    """Rule-by-rule differences from RULEBOOK_A to RULEBOOK_B (ids or files).

    Situations are matched by code, consequences and settlement rules by id, repair ways by name;
    the outcomes the engine computes for 0-12 points are compared too. Exit status: 0 no
    differences, 1 differences, 2 bad input (like diff(1)).
    """
    if as_json:
        data = guard(lambda: officer.diff_rulebooks(rulebook_a, rulebook_b))
        click.echo(dump(data))
        count = data["count"]
    else:
        text, count = guard(lambda: officer.diff_report(rulebook_a, rulebook_b))
        click.echo(text)
    sys.exit(1 if count else 0)


@click.command()
@click.option("--out", "out", default=None, type=click.Path(file_okay=False),
              help="docs folder to write into (default: the project's docs/)")
@click.option("--rulebook", "rulebooks", multiple=True, help="only these rulebooks (repeatable; default: all)")
def docs(out: Optional[str], rulebooks: List[str]) -> None:
    """Generate the documentation pages from the rulebooks (then: mkdocs build --strict)."""
    if out is None and not (ROOT / "mkdocs.yml").is_file():
        click.echo("error: --out DIR is needed outside a checkout of the project (no docs/ folder here)", err=True)
        sys.exit(EXIT_BAD_INPUT)
    target = out or str(ROOT / "docs")
    written = guard(lambda: officer.generate_docs(
        target, list(rulebooks) or None,
        save=lambda path, text: write_text(path, text, what="documentation page", make_parents=True)))
    click.echo(f"wrote {len(written)} files under {target}")


@click.command(name="test")
@click.argument("rulebook", required=False)
@click.option("--golden", "golden_root", default=None, type=click.Path(file_okay=False),
              help="folder of golden cases by rulebook (default: tests/golden)")
@click.option("-q", "--quiet", is_flag=True, help="print failures and the summary only")
@click.option("--json", "as_json", is_flag=True,
              help="print {passed, failed, cases: [{path, title, kind, passed, mismatches, error, problem, trace}]}")
def test_command(rulebook: Optional[str], golden_root: Optional[str], quiet: bool, as_json: bool) -> None:
    """Run the golden cases of RULEBOOK (an id, a folder or one case file; default: all), sub-folders included.

    Each failure prints the case, the field in words, expected vs actual and the trace; a golden file
    that is itself wrong is one failure with its location. The last line is 'N passed, N failed'.
    Exit status 1 when a case fails, 2 on bad input.
    """
    files = guard(lambda: officer.golden_cases(rulebook, golden_root))
    if not files:
        click.echo(f"no golden cases found{' for ' + rulebook if rulebook else ''}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    outcomes = [run_golden(path) for path in files]
    failed = sum(1 for outcome in outcomes if not outcome.passed)
    if as_json:
        cases = [outcome.to_dict() for outcome in outcomes]
        click.echo(dump({"passed": len(outcomes) - failed, "failed": failed, "cases": cases}))
    else:
        failures = [report(outcome) for outcome in outcomes if not outcome.passed]
        click.echo(render_golden_summary([{"path": o.path, "title": o.title, "passed": o.passed} for o in outcomes],
                                         quiet=quiet, paint=paint, failures=failures))
    sys.exit(1 if failed else 0)


@click.command(name="new-case")
@click.argument("rulebook")
@click.option("-o", "--output", default=None, type=click.Path(dir_okay=False),
              help="write to this file (default: print); an existing file is not overwritten")
@click.option("--case-only", is_flag=True, help="a plain case for `yibao evaluate` instead of a golden case")
def new_case(rulebook: str, output: Optional[str], case_only: bool) -> None:
    """Write a case skeleton for RULEBOOK to fill in, listing its situations, roles and repair ways."""
    text = guard(lambda: officer.case_skeleton(rulebook, case_only=case_only))
    if output is None:
        click.echo(text, nl=False)
        return
    guard(lambda: write_text(output, text, what="new case file", overwrite=False))
    click.echo(f"wrote {output}; fill in the FILL_IN parts, then run: yibao test {output}")
