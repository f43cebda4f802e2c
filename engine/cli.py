"""The ``yibao`` command line: a face over :mod:`engine.api`, no legal logic here.

Every command computes its whole output before printing anything, so bad input never leaves a
half-printed report: it prints one located error line to stderr and exits with status 2. Nothing
ever prints a traceback: an internal error is one line naming a log file with the details (exit
1); Ctrl-C and SIGTERM end a command with one line (exit 130 and 143).

The commands live in engine/commands/ and are imported only when one runs — click's documented
lazy-loading of subcommands (click.palletsprojects.com, "Lazily Loading Subcommands"), not imports
scattered inside functions: ``yibao evaluate CASE`` then imports what evaluating a case needs, not
the batch runner, the documentation generator or the HTTP service, and starts in a fraction of
the time.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any, Dict, List, Optional

import click

from engine.commands.common import EXIT_BAD_INPUT, EXIT_BROKEN_PIPE, error_text, guard
from engine.errors import YibaoError
from engine.faces.interrupt import EXIT_INTERRUPTED, EXIT_TERMINATED, Terminated, sigterm_raises

#: Every command: its name and ``module:function``.
COMMANDS: Dict[str, str] = {
    "evaluate": "engine.commands.cases:evaluate",
    "institution": "engine.commands.cases:institution",
    "attribute": "engine.commands.cases:attribute",
    "check": "engine.commands.rulebooks:check",
    "list": "engine.commands.rulebooks:list_command",
    "deadline": "engine.commands.rulebooks:deadline_command",
    "calendar": "engine.commands.rulebooks:calendar_command",
    "compile": "engine.commands.rulebooks:compile_command",
    "batch": "engine.commands.services:batch",
    "population": "engine.commands.population:population",
    "impact": "engine.commands.population:impact",
    "serve": "engine.commands.services:serve",
    "workbench": "engine.commands.services:workbench",
    "diff": "engine.commands.officer:diff",
    "docs": "engine.commands.officer:docs",
    "test": "engine.commands.officer:test_command",
    "new-case": "engine.commands.officer:new_case",
}


class LazyGroup(click.Group):
    """The command group: its commands are imported when they are run or listed, and every command
    runs inside the one place that turns what escapes into an exit status: bad input 2, Ctrl-C 130,
    SIGTERM 143, anything else 1 with a log file."""

    def __init__(self, *args, lazy_subcommands: Optional[Dict[str, str]] = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_subcommands = dict(lazy_subcommands or {})

    def list_commands(self, ctx: click.Context) -> List[str]:
        return sorted(set(super().list_commands(ctx)) | set(self.lazy_subcommands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> Optional[click.Command]:
        target = self.lazy_subcommands.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module, attribute = target.split(":")
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command):
            raise ValueError(f"{target} is not a click command")
        return command

    def invoke(self, ctx: click.Context) -> Any:
        with sigterm_raises():
            try:
                return super().invoke(ctx)
            except YibaoError as error:
                click.echo(f"error: {error_text(error)}", err=True)
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
                from engine.faces.crash import EXIT_INTERNAL, one_line, write_crash_log

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


@click.group(cls=LazyGroup, lazy_subcommands=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
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

        guard(lambda: use_calendar_file(calendar_file))
        os.environ[ENV_VAR] = calendar_file  # worker processes (batch, serve) read the same file


if __name__ == "__main__":
    main()
