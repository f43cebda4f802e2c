"""`yibao batch`, `yibao serve`, `yibao workbench`: the long-running faces (their extras are optional)."""

from __future__ import annotations

import sys
from typing import List, Optional

import click

from engine.commands.common import EXIT_BAD_INPUT, dump, guard


@click.command()
@click.argument("ledger", type=click.Path(dir_okay=False))
@click.option("--rulebook", "rulebook_id", required=True, help="rulebook id or file every case is evaluated with")
@click.option("-o", "--output", "results", required=True, type=click.Path(dir_okay=False),
              help="results file (JSON Lines); bad records go to RESULTS.errors.jsonl")
@click.option("--workers", type=click.IntRange(1), default=None, help="processes (default: every core)")
@click.option("--chunk-size", type=click.IntRange(1), default=500, show_default=True, help="persons per work unit")
@click.option("--trace", is_flag=True, help="keep the explanation trace in each result line (large)")
@click.option("--omit", multiple=True, metavar="FIELD", help="leave a top-level result field out (repeatable), e.g. interpretations")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default=None,
              help="ledger format (default: by extension, .csv is CSV)")
@click.option("--dask", default=None, metavar="ADDRESS", help="run on a Dask scheduler at ADDRESS, or 'local' for a LocalCluster")
@click.option("--progress/--no-progress", default=None, help="progress bar (default: when stderr is a terminal)")
@click.option("--status-table", "status_table", default=None, type=click.Path(dir_okay=False),
              help="also write one status row per person (CSV; Parquet for a .parquet name, needs pyarrow)")
@click.option("--json", "as_json", is_flag=True, help="print the summary as JSON")
def batch(ledger: str, rulebook_id: str, results: str, workers: Optional[int], chunk_size: int, trace: bool,
          omit: List[str], fmt: Optional[str], dask: Optional[str], progress: Optional[bool],
          status_table: Optional[str], as_json: bool) -> None:
    """Evaluate a whole ledger (JSON Lines of cases, or CSV of events grouped by person_id).

    Exit status 0 when every record was good, 3 when some were rejected (see RESULTS.errors.jsonl),
    2 on bad arguments.
    """
    from engine.batch import run_batch

    fields = tuple(dict.fromkeys(([] if trace else ["trace"]) + list(omit)))
    summary = guard(lambda: run_batch(ledger, results, rulebook_id, workers=workers, chunk_size=chunk_size,
                                      omit=fields, dask=dask, progress=progress, fmt=fmt,
                                      status_table=status_table))
    click.echo(dump(summary.to_dict()) if as_json else summary.render())
    sys.exit(summary.exit_code)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--workers", type=click.IntRange(1), default=None,
              help="worker processes, each with the rulebooks compiled once (default: the number of cores)")
@click.option("--max-body", default=1 << 20, show_default=True, type=click.IntRange(1),
              help="largest request body in bytes (larger: 413)")
@click.option("--log-level", default="warning", show_default=True,
              type=click.Choice(["critical", "error", "warning", "info", "debug"]))
@click.option("--access-log/--no-access-log", default=True, show_default=True,
              help="one JSON line per request on stderr (request id, route, status, time)")
def serve(host: str, port: int, workers: Optional[int], max_body: int, log_level: str, access_log: bool) -> None:
    """Serve the HTTP API (FastAPI + uvicorn): /v1/evaluate, /v1/status, /readyz, /metrics, … (docs/deploy.md)

    SIGHUP (or POST /admin/reload with YIBAO_ADMIN_TOKEN set) reloads the rulebooks without downtime.
    """
    import importlib.util

    from engine.faces.server import serve as run_service

    # The serve extra, checked without importing it (prometheus-client must first see its settings).
    missing = [name for name in ("fastapi", "uvicorn", "prometheus_client") if importlib.util.find_spec(name) is None]
    if missing:
        click.echo(f"error: yibao serve needs the serve extra (pip install 'yibao-rules[serve]'): "
                   f"{', '.join(missing)} not installed", err=True)
        sys.exit(EXIT_BAD_INPUT)
    guard(lambda: run_service(host, port, workers=workers, max_body=max_body, log_level=log_level,
                              access_log=access_log))


@click.command()
@click.option("--rulebooks", "folder", default=None, type=click.Path(file_okay=False),
              help="folder of rulebooks to edit (default: the project's rulebooks/)")
@click.option("--golden", "golden_root", default=None, type=click.Path(file_okay=False),
              help="folder of golden cases by rulebook (default: tests/golden)")
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on (keep it local)")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535))
@click.option("--open/--no-open", "open_browser", default=False, help="open the page in the web browser")
def workbench(folder: Optional[str], golden_root: Optional[str], host: str, port: int, open_browser: bool) -> None:
    """The officer's workbench: edit a rulebook in the browser and see at once what each change does.

    Golden cases, the rule-by-rule diff against the saved file, the example ledgers and the
    text/number check follow every edit; saving keeps comments and layout. http://HOST:PORT/
    """
    from engine.officer.docsgen import ROOT
    from engine.officer.golden import GOLDEN_ROOT

    try:  # optional extra: FastAPI, uvicorn and ruamel.yaml come with yibao-rules[workbench]
        from engine.workbench.app import serve as run_workbench
    except ImportError as error:
        click.echo(f"error: yibao workbench needs the workbench extra (pip install 'yibao-rules[workbench]'): {error}",
                   err=True)
        sys.exit(EXIT_BAD_INPUT)
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
    click.echo(f"医保规则工作台 workbench: {url}  (Ctrl-C 结束 to stop)", err=True)
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    guard(lambda: run_workbench(folder or str(ROOT / "rulebooks"), golden_root or str(GOLDEN_ROOT), host, port))
