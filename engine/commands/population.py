"""`yibao population` and `yibao impact`: whole populations on the population path (pyarrow, numba)."""

from __future__ import annotations

import json
from typing import Optional

import click

from engine.commands.common import dump, guard


@click.command()
@click.argument("ledger", type=click.Path())
@click.option("--rulebook", "rulebook_id", required=True, help="rulebook id or file every person is evaluated with")
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(),
              help="folder for status.parquet, decisions.parquet and years.parquet")
@click.option("--format", "fmt", type=click.Choice(["parquet", "csv"]), default=None,
              help="ledger format (default: by extension)")
@click.option("--chunk-rows", type=click.IntRange(1000), default=None, help="ledger rows per chunk (whole persons)")
@click.option("--dask", default=None, metavar="ADDRESS",
              help="one task per Parquet file of a folder ledger on a Dask scheduler at ADDRESS, or 'local'")
@click.option("--workers", type=click.IntRange(1), default=None, help="workers of --dask local")
@click.option("--json", "as_json", is_flag=True, help="print the summary as JSON")
def population(ledger: str, rulebook_id: str, out_dir: str, fmt: Optional[str], chunk_rows: Optional[int],
               dask: Optional[str], workers: Optional[int], as_json: bool) -> None:
    """Evaluate a whole population's ledger (Parquet or CSV, grouped by person) into Parquet tables.

    The kernel compiled from the rulebook (numba) evaluates every person it covers; the others go
    through the scalar engine, so every result is the engine's. docs/population.md
    """
    if dask:
        from engine.faces.population_dask import run_on_dask

        summary = guard(lambda: run_on_dask(ledger, out_dir, rulebook_id, dask, workers=workers, fmt=fmt))
    else:
        from engine.faces.population import run_population

        summary = guard(lambda: run_population(ledger, out_dir, rulebook_id, fmt=fmt, chunk_rows=chunk_rows))
    click.echo(dump(summary.to_dict()) if as_json else summary.render())


@click.command()
@click.argument("ledger", type=click.Path())
@click.option("--rulebook", "rulebook_a", required=True, help="the rulebook in force (id or file)")
@click.option("--against", "against", required=True, metavar="B",
              help="another rulebook id, an edited rulebook file, a version (id@label), or readings:NAME=VALUE[,…]")
@click.option("--json", "as_json", is_flag=True, help="print the report as one JSON document (schemas/impact.schema.json)")
@click.option("--chart", default=None, type=click.Path(dir_okay=False), help="also draw the report as an SVG file")
@click.option("--list", "listed", type=click.IntRange(0), default=20, show_default=True,
              help="list this many changed persons")
@click.option("--format", "fmt", type=click.Choice(["parquet", "csv"]), default=None,
              help="ledger format (default: by extension)")
def impact(ledger: str, rulebook_a: str, against: str, as_json: bool, chart: Optional[str], listed: int,
           fmt: Optional[str]) -> None:
    """What changing rulebook A to B does to the persons of LEDGER: who changes action, status or months,
    by tier, role and institution (on the population path). docs/population.md"""
    from engine.faces.output import write_text
    from engine.officer.impact import impact as run_impact, render_impact
    from engine.officer.impact_chart import impact_chart

    report = guard(lambda: run_impact(ledger, rulebook_a, against, fmt=fmt, listed=listed))
    if chart:
        guard(lambda: write_text(chart, impact_chart(report), inputs=[ledger], what="chart"))
    click.echo(json.dumps(report, ensure_ascii=False) if as_json else render_impact(report))
