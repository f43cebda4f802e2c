"""The data shipped with the engine: the bundled rulebooks and JSON Schemas, read through
:mod:`importlib.resources`.

The folders stay at the top of the source tree (``rulebooks/``, ``schemas/``, ``calendars/``); the
build maps them into the package as ``engine/bundled/<name>`` (``setup.py``), so a
wheel carries them. An editable install or a plain checkout on ``PYTHONPATH`` has no
``engine/bundled``: there the folders are read where they are, beside the ``engine`` package.
Everything that needs these folders asks this module, and only it knows the two layouts.
"""

from __future__ import annotations

import functools
import importlib.resources
import shutil
import tempfile
from pathlib import Path

#: The bundled data folders, by name.
BUNDLED = ("rulebooks", "schemas", "calendars")


@functools.lru_cache(maxsize=None)
def bundled_dir(name: str) -> Path:
    """The folder of bundled data ``name`` (``rulebooks`` or ``schemas``) as a directory on disk.

    Raises :class:`FileNotFoundError` when the installation has no such folder (a broken install).
    """
    if name not in BUNDLED:
        raise ValueError(f"unknown bundled folder {name!r}; expected one of {', '.join(BUNDLED)}")
    package = importlib.resources.files("engine")
    installed = package.joinpath("bundled").joinpath(name)
    if installed.is_dir():  # a wheel (or any non-editable install)
        return installed if isinstance(installed, Path) else _extracted(installed, name)
    checkout = Path(str(package)).parent / name  # a source checkout: pip install -e, or PYTHONPATH=.
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"the engine's bundled '{name}' folder is missing from {package} (a broken install?)")


def _extracted(folder: importlib.resources.abc.Traversable, name: str) -> Path:
    """A copy on disk of a folder that is not on disk (an installation inside a zip archive):
    the registry globs and stats its files, which only real files allow."""
    target = Path(tempfile.mkdtemp(prefix=f"yibao-{name}-"))
    for item in folder.iterdir():
        if item.is_file():
            with item.open("rb") as source, open(target / item.name, "wb") as copy:
                shutil.copyfileobj(source, copy)
    return target


__all__ = ["BUNDLED", "bundled_dir"]
