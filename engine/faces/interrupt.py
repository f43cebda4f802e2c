"""Ctrl-C and SIGTERM end a command with one line and the shell's exit status (130, 143).

A SIGTERM is turned into :class:`Terminated` (a ``BaseException``, like ``KeyboardInterrupt``), so
that ``finally`` blocks run on the way out: temporary files are removed, worker pools stopped.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from typing import Iterator

#: Exit statuses of a command stopped by a signal (128 + the signal's number, as shells report).
EXIT_INTERRUPTED = 128 + signal.SIGINT     # 130
EXIT_TERMINATED = 128 + signal.SIGTERM     # 143


class Terminated(BaseException):
    """SIGTERM arrived (raised in the main thread by the handler :func:`sigterm_raises` installs)."""


def _raise_terminated(signum, frame) -> None:
    raise Terminated()


@contextlib.contextmanager
def sigterm_raises() -> Iterator[None]:
    """While inside, SIGTERM raises :class:`Terminated` in the main thread (elsewhere: no change)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def default_signals_in_worker() -> None:
    """For a forked worker process: the parent's SIGTERM handler must not run there (it would raise
    :class:`Terminated` inside the worker and print a traceback); SIGINT is the parent's to handle."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


__all__ = ["EXIT_INTERRUPTED", "EXIT_TERMINATED", "Terminated", "sigterm_raises", "default_signals_in_worker"]
