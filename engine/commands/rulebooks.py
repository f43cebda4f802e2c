"""`yibao check`, `yibao list`, `yibao deadline`, `yibao calendar`, `yibao compile`: the rulebooks themselves."""

from __future__ import annotations

import sys
from typing import List

import click

from engine import api, officer
from engine.base.holidays import coverage, years_text
from engine.report import render_check, table
from engine.commands.common import EXIT_BAD_INPUT, dump, error_text, guard, paint


@click.command()
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
    reports = [guard(lambda: officer.check_report(name, origins=show_origins)) for name in rulebooks]
    failed = any(item["errors"] for item in reports)
    if as_json:
        click.echo(dump(reports))
        sys.exit(EXIT_BAD_INPUT if failed else 0)
    for item in reports:
        for error in item["errors"]:
            click.echo(error["rendered"], err=True)
        if item["errors"]:
            click.echo(f"{item['rulebook']}: {len(item['errors'])} error(s) 个错误", err=True)
    text = render_check(reports, paint=paint)
    if text:
        click.echo(text)
    if failed:
        sys.exit(EXIT_BAD_INPUT)


@click.command(name="list")
@click.option("--json", "as_json", is_flag=True)
def list_command(as_json: bool) -> None:
    """List the rulebooks that can be loaded by id (a broken one is reported on stderr and skipped)."""
    compiled, broken = api.load_rulebooks()
    for rid, error in broken.items():
        click.echo(f"warning: skipped rulebook '{rid}': {error_text(error)}", err=True)
    rows = [api.index_row(rb) for rb in compiled.values()]
    if as_json:
        click.echo(dump(rows))
        return
    click.echo("\n".join(table(["规则集 id", "文号 document", "施行 from", "标题 title"],
                               [[row["id"], row["document"], row["effective_from"], row["title"]] for row in rows])))


@click.command(name="deadline")
@click.argument("rulebook")
@click.argument("kind")
@click.argument("from_date", metavar="FROM_DATE")
@click.option("--json", "as_json", is_flag=True, help="print {deadline, kind, article, from, text, rulebook, …}")
@click.option("--except", "exceptions", multiple=True, metavar="ID",
              help="an exception the text writes for this limit applies (e.g. expert_assessment, 辽宁 第三十三条): no deadline")
def deadline_command(rulebook: str, kind: str, from_date: str, as_json: bool, exceptions: List[str]) -> None:
    """The deadline of KIND (appeal, verification, restoration, …) counted from FROM_DATE."""
    result = guard(lambda: api.deadline(rulebook, kind, from_date, tuple(exceptions)))
    if as_json:
        click.echo(dump(result))
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


@click.command(name="calendar")
@click.option("--json", "as_json", is_flag=True, help="print {file, file_origin, package, years: [{year, source, notice, …}]}")
def calendar_command(as_json: bool) -> None:
    """The years whose State Council holiday schedule is known, and where each comes from."""
    data = guard(coverage)
    if as_json:
        click.echo(dump(data))
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


@click.command(name="compile")
@click.argument("rulebook")
@click.option("--show", is_flag=True, help="print the generated Python source")
@click.option("--reading", "readings", multiple=True, metavar="NAME=VALUE",
              help="the module of this reading set instead of the rulebook's own (repeatable)")
def compile_command(rulebook: str, show: bool, readings: List[str]) -> None:
    """Compile RULEBOOK (an id or a file) to Python: one generated function per reading set.

    The generated code answers the cases it covers exactly as the interpreter would (docs/api.md,
    "Rulebooks compiled to Python"); it is kept in the compiled-rulebook cache, so that the next
    `yibao evaluate` starts without reading the rulebook. --show prints the source.
    """
    chosen = {}
    for item in readings:
        name, sep, value = item.partition("=")
        if not sep:
            click.echo(f"error: --reading {item}: expected NAME=VALUE", err=True)
            sys.exit(EXIT_BAD_INPUT)
        chosen[name.strip()] = value.strip()
    compiled = guard(lambda: api.compiled_rulebook(rulebook, chosen))
    if show and compiled["source"]:
        click.echo(compiled["source"], nl=False)
        return
    if not compiled["source"]:
        click.echo(f"{compiled['rulebook']}: not compiled — {compiled['reason']}; the interpreter judges its cases")
        return
    click.echo(f"{compiled['rulebook']}: compiled to Python — {compiled['lines']} lines, "
               f"readings {', '.join(f'{k}={v}' for k, v in compiled['readings'].items()) or 'none'}"
               + (f"; note: {compiled['reason']}" if compiled["reason"] else ""))
