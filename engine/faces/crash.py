"""An internal error (a bug, not bad input) becomes one short line and a log file with the details.

The CLI never prints a traceback: bad input is one located line and exit 2; anything else is
``error: internal error (TypeError: …); details in /tmp/yibao-1000/yibao-….log`` and exit 1. The log
folder is ``YIBAO_LOG_DIR`` when set, else ``yibao-<uid>`` in the system's temporary folder.
"""

from __future__ import annotations

import datetime as _dt
import os
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Optional

#: Exit status of an internal error (bad input is 2).
EXIT_INTERNAL = 1


def log_dir() -> Path:
    """Where internal-error logs go."""
    configured = os.environ.get("YIBAO_LOG_DIR")
    if configured:
        return Path(configured)
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    return Path(tempfile.gettempdir()) / f"yibao-{uid}"


def write_crash_log(error: BaseException, argv: Optional[list] = None) -> Optional[Path]:
    """Write the traceback of ``error`` (and the command line) to a new log file; its path, or None
    when no log can be written (the short line is then all there is)."""
    from engine.base.version import __version__

    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    try:
        folder = log_dir()
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = folder / f"yibao-{stamp}-{os.getpid()}.log"
        # 0600: a traceback may quote case data.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8", errors="backslashreplace") as handle:
            handle.write(f"yibao-rules {__version__}, python {sys.version.split()[0]}\n")
            handle.write(f"command: {' '.join(argv if argv is not None else sys.argv)}\n\n")
            handle.write("".join(traceback.format_exception(type(error), error, error.__traceback__)))
        return path
    except OSError:
        return None


def one_line(error: BaseException, log: Optional[Path]) -> str:
    """The line the user sees for an internal error."""
    text = " ".join(str(error).split())[:200]
    where = f"; details in {log}" if log else ""
    return f"error: internal error ({type(error).__name__}: {text}){where}"


__all__ = ["EXIT_INTERNAL", "log_dir", "write_crash_log", "one_line"]
