"""The ``yibao`` command line: a face over :mod:`engine.api`, no legal logic here.

Every command computes its whole output before printing anything, so bad input never leaves a
half-printed report: it prints one located error line to stderr and exits with status 2. Nothing
ever prints a traceback: an internal error is one line naming a log file with the details (exit
1); Ctrl-C and SIGTERM end a command with one line (exit 130 and 143).
"""

from __future__ import annotations

import json
import os
import re
import sys
from typing import Any, Callable, List, Optional

import click

from engine import api, officer
from engine.errors import YibaoError
from engine.faces.crash import EXIT_INTERNAL, one_line, write_crash_log
from engine.faces.interrupt import EXIT_INTERRUPTED, EXIT_TERMINATED, Terminated, sigterm_raises

EXIT_BAD_INPUT = 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a tool stopped by a closed pipe

# Control characters (a newline, a terminal escape) and lone surrogates from the input never reach
# the terminal as such: an error stays one line and cannot repaint the screen.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` with control characters and lone surrogates written as escapes (``\\x1b``)."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _error_text(error: YibaoError) -> str:
    text = printable(error.one_line())
    if error.snippet is not None:
        text += f"\n    {printable(error.snippet)}"
        if error.caret is not None:
            text += "\n    " + " " * error.caret + "^"
    return text


def _fail(error: YibaoError) -> None:
    click.echo(f"error: {_error_text(error)}", err=True)
    sys.exit(EXIT_BAD_INPUT)


def _guard(action: Callable[[], Any]) -> Any:
    try:
        return action()
    except YibaoError as error:
        _fail(error)


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


class _Yibao(click.Group):
    """The command group; every command runs inside the one place that turns what escapes into an
    exit status: bad input 2, Ctrl-C 130, SIGTERM 143, anything else 1 with a log file."""

    def invoke(self, ctx: click.Context) -> Any:
        with sigterm_raises():
            try:
                return super().invoke(ctx)
            except YibaoError as error:
                click.echo(f"error: {_error_text(error)}", err=True)
                ctx.exit(EXIT_BAD_INPUT)
            except KeyboardInterrupt:
                click.echo("interrupted", err=True)
                ctx.exit(EXIT_INTERRUPTED)
            except Terminated:
                click.echo("terminated", err=True)
                ctx.exit(EXIT_TERMINATED)
            except BrokenPipeError:  # `yibao list | head`: the reader left; end as if by SIGPIPE
                _silence_stdout()
                ctx.exit(EXIT_BROKEN_PIPE)
            except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
                raise
            except Exception as error:  # noqa: BLE001 - the one place an internal error is reported
                click.echo(one_line(error, write_crash_log(error)), err=True)
                ctx.exit(EXIT_INTERNAL)


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _add_rulebook_folders(ctx: click.Context, param: click.Parameter, folders: tuple) -> tuple:
    """``--rulebooks DIR``: add operator folders to the search path, for this process and every
    worker it starts (batch pools, service workers inherit the environment)."""
    if folders:
        known = [p for p in os.environ.get("YIBAO_RULEBOOKS", "").split(os.pathsep) if p]
        os.environ["YIBAO_RULEBOOKS"] = os.pathsep.join(known + [os.path.abspath(f) for f in folders])
    return folders


@click.group(cls=_Yibao, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="yibao-rules")
@click.option("--rulebooks", "rulebook_folders", multiple=True, metavar="DIR", expose_value=False, is_eager=True,
              type=click.Path(exists=True, file_okay=False), callback=_add_rulebook_folders,
              help="also load rulebooks from DIR (repeatable; like YIBAO_RULEBOOKS). A bundled rulebook "
                   "hides a file of the same name in DIR.")
@click.option("--calendar", "calendar_file", default=None, type=click.Path(dir_okay=False), metavar="FILE",
              help="State Council holiday schedules to use instead of calendars/state-council.yaml "
                   "(also: the YIBAO_CALENDAR environment variable); see `yibao calendar`")
def main(calendar_file: Optional[str]) -> None:
    """yibao-rules: 医保支付资格管理 rulebooks as data — evaluate cases, check rulebooks."""
    if calendar_file is not None:
        from engine.base.holidays import ENV_VAR, use_calendar_file

        _guard(lambda: use_calendar_file(calendar_file))
        os.environ[ENV_VAR] = calendar_file  # worker processes (batch, serve) read the same file


@main.command()
@click.argument("case_file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="print the JSON result (the public contract)")
@click.option("--rulebook", default=None, help="evaluate with this rulebook id or file instead of the case's own")
@click.option("--no-trace", is_flag=True, help="leave the explanation trace out")
def evaluate(case_file: str, as_json: bool, rulebook: Optional[str], no_trace: bool) -> None:
    """Evaluate one person's ledger (CASE_FILE, YAML or JSON) and report status and decisions."""
    from engine.report import render_evaluation

    result = _guard(lambda: api.evaluate_file(case_file, rulebook=rulebook, trace=not no_trace))
    output = _dump(result) if as_json else render_evaluation(result)
    click.echo(output)


def _paint(text: str, colour: str) -> str:
    """Colour for the terminal; ``click.echo`` drops it when the output is a pipe or a file."""
    return click.style(text, fg=colour, bold=colour == "red")


@main.command()
@click.argument("rulebooks", nargs=-1, required=True)
@click.option("--origins", "show_origins", is_flag=True,
              help="list every effective rule with the file and line it came from (inheritance)")
@click.option("--json", "as_json", is_flag=True,
              help="print [{rulebook, ok, summary, errors, warnings, text_warnings}] as JSON")
def check(rulebooks: List[str], show_origins: bool, as_json: bool) -> None:
    """Validate and compile rulebooks (ids or files); print every error with file:line:column.

    Also warns where a rule's original sentence (text:) names a number (个月, 分, 年) that its
    encoding (months, points, ban_years, thresholds) does not use. Exit status 2 when a rulebook has
    errors; warnings do not change it.
    """
    from engine.report import render_check

    reports = [_guard(lambda: officer.check_report(name, origins=show_origins)) for name in rulebooks]
    failed = any(item["errors"] for item in reports)
    if as_json:
        click.echo(_dump(reports))
        sys.exit(EXIT_BAD_INPUT if failed else 0)
    for item in reports:
        for error in item["errors"]:
            click.echo(error["rendered"], err=True)
        if item["errors"]:
            click.echo(f"{item['rulebook']}: {len(item['errors'])} error(s) 个错误", err=True)
    text = render_check(reports, paint=_paint)
    if text:
        click.echo(text)
    if failed:
        sys.exit(EXIT_BAD_INPUT)


@main.command(name="list")
@click.option("--json", "as_json", is_flag=True)
def list_command(as_json: bool) -> None:
    """List the rulebooks that can be loaded by id (a broken one is reported on stderr and skipped)."""
    compiled, broken = api.load_rulebooks()
    for rid, error in broken.items():
        click.echo(f"warning: skipped rulebook '{rid}': {_error_text(error)}", err=True)
    rows = [api.index_row(rb) for rb in compiled.values()]
    if as_json:
        click.echo(_dump(rows))
        return
    from engine.report import table

    click.echo("\n".join(table(["规则集 id", "文号 document", "施行 from", "标题 title"],
                               [[row["id"], row["document"], row["effective_from"], row["title"]] for row in rows])))


@main.command()
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
    summary = _guard(lambda: run_batch(ledger, results, rulebook_id, workers=workers, chunk_size=chunk_size,
                                       omit=fields, dask=dask, progress=progress, fmt=fmt,
                                       status_table=status_table))
    click.echo(_dump(summary.to_dict()) if as_json else summary.render())
    sys.exit(summary.exit_code)


@main.command()
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

        summary = _guard(lambda: run_on_dask(ledger, out_dir, rulebook_id, dask, workers=workers, fmt=fmt))
    else:
        from engine.faces.population import run_population

        summary = _guard(lambda: run_population(ledger, out_dir, rulebook_id, fmt=fmt, chunk_rows=chunk_rows))
    click.echo(_dump(summary.to_dict()) if as_json else summary.render())


@main.command()
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
    _guard(lambda: run_service(host, port, workers=workers, max_body=max_body, log_level=log_level,
                               access_log=access_log))


@main.command()
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
    _guard(lambda: run_workbench(folder or str(ROOT / "rulebooks"), golden_root or str(GOLDEN_ROOT), host, port))


# -- documentation and the officers' loop (issue 7) ------------------------------------------------

@main.command()
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
        data = _guard(lambda: officer.diff_rulebooks(rulebook_a, rulebook_b))
        click.echo(_dump(data))
        count = data["count"]
    else:
        text, count = _guard(lambda: officer.diff_report(rulebook_a, rulebook_b))
        click.echo(text)
    sys.exit(1 if count else 0)


@main.command()
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

    report = _guard(lambda: run_impact(ledger, rulebook_a, against, fmt=fmt, listed=listed))
    if chart:
        _guard(lambda: write_text(chart, impact_chart(report), inputs=[ledger], what="chart"))
    click.echo(json.dumps(report, ensure_ascii=False) if as_json else render_impact(report))


@main.command()
@click.option("--out", "out", default=None, type=click.Path(file_okay=False),
              help="docs folder to write into (default: the project's docs/)")
@click.option("--rulebook", "rulebooks", multiple=True, help="only these rulebooks (repeatable; default: all)")
def docs(out: Optional[str], rulebooks: List[str]) -> None:
    """Generate the documentation pages from the rulebooks (then: mkdocs build --strict)."""
    from engine.faces.output import write_text
    from engine.officer.docsgen import ROOT

    if out is None and not (ROOT / "mkdocs.yml").is_file():
        click.echo("error: --out DIR is needed outside a checkout of the project (no docs/ folder here)", err=True)
        sys.exit(EXIT_BAD_INPUT)
    target = out or str(ROOT / "docs")
    written = _guard(lambda: officer.generate_docs(
        target, list(rulebooks) or None,
        save=lambda path, text: write_text(path, text, what="documentation page", make_parents=True)))
    click.echo(f"wrote {len(written)} files under {target}")


@main.command(name="test")
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
    from engine.officer.golden import run_golden
    from engine.officer.golden_report import report
    from engine.report import render_golden_summary

    files = _guard(lambda: officer.golden_cases(rulebook, golden_root))
    if not files:
        click.echo(f"no golden cases found{' for ' + rulebook if rulebook else ''}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    outcomes = [run_golden(path) for path in files]
    failed = sum(1 for outcome in outcomes if not outcome.passed)
    if as_json:
        cases = [outcome.to_dict() for outcome in outcomes]
        click.echo(_dump({"passed": len(outcomes) - failed, "failed": failed, "cases": cases}))
    else:
        failures = [report(outcome) for outcome in outcomes if not outcome.passed]
        click.echo(render_golden_summary([{"path": o.path, "title": o.title, "passed": o.passed} for o in outcomes],
                                         quiet=quiet, paint=_paint, failures=failures))
    sys.exit(1 if failed else 0)


@main.command(name="new-case")
@click.argument("rulebook")
@click.option("-o", "--output", default=None, type=click.Path(dir_okay=False),
              help="write to this file (default: print); an existing file is not overwritten")
@click.option("--case-only", is_flag=True, help="a plain case for `yibao evaluate` instead of a golden case")
def new_case(rulebook: str, output: Optional[str], case_only: bool) -> None:
    """Write a case skeleton for RULEBOOK to fill in, listing its situations, roles and repair ways."""
    from engine.faces.output import write_text

    text = _guard(lambda: officer.case_skeleton(rulebook, case_only=case_only))
    if output is None:
        click.echo(text, nl=False)
        return
    _guard(lambda: write_text(output, text, what="new case file", overwrite=False))
    click.echo(f"wrote {output}; fill in the FILL_IN parts, then run: yibao test {output}")


@main.command(name="deadline")
@click.argument("rulebook")
@click.argument("kind")
@click.argument("from_date", metavar="FROM_DATE")
@click.option("--json", "as_json", is_flag=True, help="print {deadline, kind, article, from, text, rulebook, …}")
@click.option("--except", "exceptions", multiple=True, metavar="ID",
              help="an exception the text writes for this limit applies (e.g. expert_assessment, 辽宁 第三十三条): no deadline")
def deadline_command(rulebook: str, kind: str, from_date: str, as_json: bool, exceptions: List[str]) -> None:
    """The deadline of KIND (appeal, verification, restoration, …) counted from FROM_DATE."""
    result = _guard(lambda: api.deadline(rulebook, kind, from_date, tuple(exceptions)))
    if as_json:
        click.echo(_dump(result))
        return
    if result["deadline"] is None:
        exception = result["exception"]
        click.echo("no deadline")
        click.echo(f"{result['kind']}: {exception['label'] or exception['id']} — the text sets no time limit "
                   f"({exception['article']}: {exception['text']})")
        click.echo(f"{result['article']}: {result['text']}")
        return
    label = f" ({result['label']})" if result.get("label") else ""
    word = "no earlier than" if result["bound"] == "earliest" else "by"
    click.echo(f"{result['deadline']}")
    click.echo(f"{result['kind']}{label}: {word} {result['deadline']}, counted from {result['from']} "
               f"({result['from_means']}; {result['expression']})")
    click.echo(f"{result['article']}: {result['text']}")
    for note in result["notes"][1:]:
        click.echo(f"note: {note}")


@main.command(name="calendar")
@click.option("--json", "as_json", is_flag=True, help="print {file, file_origin, package, years: [{year, source, notice, …}]}")
def calendar_command(as_json: bool) -> None:
    """The years whose State Council holiday schedule is known, and where each comes from."""
    from engine.base.holidays import coverage, years_text

    data = _guard(coverage)
    if as_json:
        click.echo(_dump(data))
        return
    package = data["package"]
    origin = {"option": "--calendar", "env": data["env_var"], "bundled": "bundled", "none": "none"}[data["file_origin"]]
    lines = [f"schedule file: {data['file'] or '(none)'} ({origin})",
             f"package: chinese-calendar {package['version']}, {package['first']}–{package['last']}", ""]
    from_package = [entry["year"] for entry in data["years"] if entry["source"] == "package"]
    if from_package:
        lines.append(f"{years_text(from_package)}  package (chinese-calendar {package['version']})")
    for entry in data["years"]:
        if entry["source"] == "file":
            ref = entry.get("document") or entry.get("url") or ""
            lines.append(f"{entry['year']}  file: {entry['notice']} {ref}".rstrip())
            if entry["corrects_package"]:
                lines.append(f"      the file wins over the package on {', '.join(entry['corrects_package'])}")
            elif entry["also_in_package"]:
                lines.append("      (the package has the same days)")
    lines += ["", f"not covered from {data['first_missing']}: a working-day deadline that reaches it is an error "
              "until the year is added (docs/officers-guide.md)"]
    click.echo("\n".join(lines))


@main.command()
@click.argument("case_file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="print the JSON result")
@click.option("--rulebook", default=None, help="evaluate with this rulebook id or file instead of the case's own")
@click.option("--no-trace", is_flag=True, help="leave the explanation trace out")
def institution(case_file: str, as_json: bool, rulebook: Optional[str], no_trace: bool) -> None:
    """Evaluate one institution's staff in one year (CASE_FILE) against the rulebook's institution rules."""
    from engine.report import render_institution_text

    result = _guard(lambda: api.evaluate_institution_file(case_file, rulebook=rulebook, trace=not no_trace))
    click.echo(_dump(result) if as_json else render_institution_text(result))


@main.command()
@click.argument("case_file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="print the JSON result")
@click.option("--rulebook", default=None, help="attribute with this rulebook id or file instead of the case's own")
def attribute(case_file: str, as_json: bool, rulebook: Optional[str]) -> None:
    """Who bears which responsibility for one finding (CASE_FILE: violation, involved, org)."""
    from engine.report import render_attribution

    result = _guard(lambda: api.attribute_file(case_file, rulebook=rulebook))
    click.echo(_dump(result) if as_json else render_attribution(result))


if __name__ == "__main__":
    main()
