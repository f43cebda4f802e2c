"""Ctrl-C and SIGTERM end a command with one line and the shell's exit status (130, 143).

A SIGTERM is turned into :class:`Terminated` (a ``BaseException``, like ``KeyboardInterrupt``), so
that ``finally`` blocks run on the way out: temporary files are removed, worker pools stopped.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from typing import Iterator, Optional

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


class StopSignals:
    """SIGINT and SIGTERM raise (``KeyboardInterrupt``, :class:`Terminated`) and are remembered:
    Python swallows an exception raised inside some callbacks (those :func:`os.fork` runs, for one),
    so a long loop calls :meth:`check` to stop all the same."""

    def __init__(self) -> None:
        self.received: Optional[int] = None
        self._previous: dict = {}

    def _handle(self, signum, frame) -> None:
        self.received = signum
        self.check()

    def check(self) -> None:
        if self.received == signal.SIGINT:
            raise KeyboardInterrupt()
        if self.received == signal.SIGTERM:
            raise Terminated()

    def __enter__(self) -> "StopSignals":
        if threading.current_thread() is threading.main_thread():
            self._previous = {sig: signal.signal(sig, self._handle) for sig in (signal.SIGINT, signal.SIGTERM)}
        return self

    def __exit__(self, *exc) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)


_STOPS = {signal.SIGINT, signal.SIGTERM}


@contextlib.contextmanager
def stops_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back while inside (e.g. while forking workers: an exception raised in
    :func:`os.fork`'s own callbacks is printed and swallowed); they are delivered on the way out.
    A worker forked inside inherits the hold: :func:`ignore_stop_signals` releases it."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)


def ignore_stop_signals() -> None:
    """For a worker process: SIGINT and SIGTERM are the parent's to handle — it stops its workers
    when it stops (and they see the end of their input should it die) — and a signal held back by
    :func:`stops_held` while the worker was forked is dropped."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)


__all__ = ["EXIT_INTERRUPTED", "EXIT_TERMINATED", "Terminated", "sigterm_raises", "ignore_stop_signals", "StopSignals",
           "stops_held"]
