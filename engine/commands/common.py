"""What every command shares: one located error line and exit status 2 for bad input, JSON output,
colour for the terminal."""

from __future__ import annotations

import json
import sys
from typing import Any, Callable

import click

from engine.errors import YibaoError

EXIT_BAD_INPUT = 2


def fail(error: YibaoError) -> None:
    """One error line on stderr, exit status 2."""
    click.echo(f"error: {error}", err=True)
    sys.exit(EXIT_BAD_INPUT)


def guard(action: Callable[[], Any]) -> Any:
    """``action()``; a :class:`YibaoError` ends the command with one error line (:func:`fail`)."""
    try:
        return action()
    except YibaoError as error:
        fail(error)


def dump(data: Any) -> str:
    """JSON as the commands print it."""
    return json.dumps(data, ensure_ascii=False, indent=2)


def paint(text: str, colour: str) -> str:
    """Colour for the terminal; ``click.echo`` drops it when the output is a pipe or a file."""
    return click.style(text, fg=colour, bold=colour == "red")
