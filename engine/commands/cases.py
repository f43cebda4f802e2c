"""`yibao evaluate`, `yibao institution`, `yibao attribute`: one case file in, its result out."""

from __future__ import annotations

from typing import Callable, Optional

import click

from engine import api
from engine.base.lazy import lazy_module
from engine.commands.common import dump, guard

# The text reports are written only without --json: a JSON result does not import them.
report = lazy_module("engine.report")


def case_file_command(json_help: str) -> Callable[[Callable], click.Command]:
    """A command over one case file, evaluated with its rulebook (or --rulebook), trace on or off."""
    def decorate(function: Callable) -> click.Command:
        for option in reversed([
                click.argument("case_file", type=click.Path(dir_okay=False)),
                click.option("--json", "as_json", is_flag=True, help=json_help),
                click.option("--rulebook", default=None,
                             help="evaluate with this rulebook id or file instead of the case's own"),
                click.option("--no-trace", is_flag=True, help="leave the explanation trace out")]):
            function = option(function)
        return click.command()(function)
    return decorate


@case_file_command("print the JSON result (the public contract)")
def evaluate(case_file: str, as_json: bool, rulebook: Optional[str], no_trace: bool) -> None:
    """Evaluate one person's ledger (CASE_FILE, YAML or JSON) and report status and decisions."""
    result = guard(lambda: api.evaluate_file(case_file, rulebook=rulebook, trace=not no_trace))
    output = dump(result) if as_json else report.render_evaluation(result)
    click.echo(output)


@case_file_command("print the JSON result")
def institution(case_file: str, as_json: bool, rulebook: Optional[str], no_trace: bool) -> None:
    """Evaluate one institution's staff in one year (CASE_FILE) against the rulebook's institution rules."""
    result = guard(lambda: api.evaluate_institution_file(case_file, rulebook=rulebook, trace=not no_trace))
    click.echo(dump(result) if as_json else report.render_institution_text(result))


@click.command()
@click.argument("case_file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="print the JSON result")
@click.option("--rulebook", default=None, help="attribute with this rulebook id or file instead of the case's own")
def attribute(case_file: str, as_json: bool, rulebook: Optional[str]) -> None:
    """Who bears which responsibility for one finding (CASE_FILE: violation, involved, org)."""
    result = guard(lambda: api.attribute_file(case_file, rulebook=rulebook))
    click.echo(dump(result) if as_json else report.render_attribution(result))
