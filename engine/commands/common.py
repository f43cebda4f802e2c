"""What every command shares: one located error line and exit status 2 for bad input, JSON output,
colour for the terminal."""

from __future__ import annotations

import json
import re
import sys
from typing import Any, Callable

import click

from engine.errors import YibaoError

EXIT_BAD_INPUT = 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a tool stopped by a closed pipe

# Control characters (a newline, a terminal escape) and lone surrogates from the input never reach
# the terminal as such: an error stays one line and cannot repaint the screen.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` with control characters and lone surrogates written as escapes (``\\x1b``)."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def error_text(error: YibaoError) -> str:
    """A located error as the commands print it: one line, then the offending line and a caret."""
    text = printable(error.one_line())
    if error.snippet is not None:
        text += f"\n    {printable(error.snippet)}"
        if error.caret is not None:
            text += "\n    " + " " * error.caret + "^"
    return text


def fail(error: YibaoError) -> None:
    """One error line on stderr, exit status 2."""
    click.echo(f"error: {error_text(error)}", err=True)
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
