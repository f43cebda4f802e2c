"""Where the engine keeps what it generates (compiled rulebooks, the population path's kernels).

One folder for every cache, so that one setting turns them all off or moves them all:
``$YIBAO_CACHE_DIR`` if set (``off``, ``none``, ``0`` or empty: no cache kept), else
``$XDG_CACHE_HOME/yibao-rules`` (default ``~/.cache/yibao-rules``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

#: The environment variable that moves (or turns off) every cache.
ENV_VAR = "YIBAO_CACHE_DIR"
_OFF = ("", "off", "none", "0")


def cache_root() -> Optional[Path]:
    """The cache folder, or None when caching is off."""
    chosen = os.environ.get(ENV_VAR)
    if chosen is not None:
        return None if chosen.strip().lower() in _OFF else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "yibao-rules"


__all__ = ["ENV_VAR", "cache_root"]
