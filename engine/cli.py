"""The ``yibao`` command line: a face over :mod:`engine.api`, no legal logic here.

Every command computes its whole output before printing anything, so bad input never leaves a
half-printed report: it prints one located error line to stderr and exits with status 2.

The commands live in engine/commands/ and are imported only when one runs — click's documented
lazy-loading of subcommands (click.palletsprojects.com, "Lazily Loading Subcommands"), not imports
scattered inside functions: ``yibao evaluate CASE`` then imports what evaluating a case needs, not
the batch runner, the documentation generator or the HTTP service, and starts in a fraction of
the time.
"""

from __future__ import annotations

import importlib
import os
from typing import Dict, List, Optional

import click

from engine.commands.common import EXIT_BAD_INPUT, guard  # noqa: F401  (EXIT_BAD_INPUT: the status of bad input)

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
    "serve": "engine.commands.services:serve",
    "workbench": "engine.commands.services:workbench",
    "diff": "engine.commands.officer:diff",
    "docs": "engine.commands.officer:docs",
    "test": "engine.commands.officer:test_command",
    "new-case": "engine.commands.officer:new_case",
}


class LazyGroup(click.Group):
    """A command group whose commands are imported when they are run or listed."""

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


@click.group(cls=LazyGroup, lazy_subcommands=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="yibao-rules")
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
