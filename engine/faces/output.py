"""Writing an output file without ever destroying what should not be: every command that writes
(``yibao batch -o`` and ``--status-table``, ``yibao new-case -o``, ``yibao docs``) goes through here.

* The new content goes to a temporary file beside the target (``.NAME.yibao-PID.tmp``) and is
  renamed over the target only when complete, so an interrupted run leaves no half file and an
  older file stays as it was.
* The target must be a regular file or nothing. A directory, a device (``/dev/null``), a FIFO or a
  socket is refused, and so is a **symbolic link**: yibao never writes through a link, nor replaces
  the link itself (give the real path). A target that is one of the command's inputs is refused.
* Temporary files left by earlier runs that were killed (SIGKILL, power loss) are removed when a
  later run writes the same target; those of a run still alive are left alone.

Every refusal and every failure to write is a :class:`~engine.errors.YibaoError` naming the file:
the CLI prints it as one line and exits 2.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
from pathlib import Path
from typing import BinaryIO, Iterable, Optional, Union

from engine.errors import Location, YibaoError

PathLike = Union[str, "os.PathLike[str]"]
# ".NAME.yibao-PID.tmp|spool"; also ".NAME.PID.tmp|spool", the names of earlier releases.
_STALE = re.compile(r"^\.(?P<name>.+)\.(?:yibao-)?(?P<pid>\d+)\.(?:tmp|spool)$")


class OutputError(YibaoError):
    """An output file that must not be written, or that could not be."""


def _refuse(path: Path, what: str, why: str) -> OutputError:
    return OutputError(f"{why} ({what})", Location(str(path)))


def check_target(path: PathLike, *, inputs: Iterable[PathLike] = (), what: str = "output file",
                 make_parents: bool = False) -> Path:
    """Raise :class:`OutputError` unless ``path`` may be (re)written; the path.

    ``make_parents`` creates a missing folder (batches); otherwise a missing folder is an error.
    """
    target = Path(path)
    if str(path) == "" or target.name in ("", ".", ".."):
        raise _refuse(target, what, "not a file name")
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise _refuse(target, what, f"cannot be checked ({error.strerror})") from None
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise _refuse(target, what, "is a symbolic link; yibao never writes through a link, give the real path")
        if stat.S_ISDIR(info.st_mode):
            raise _refuse(target, what, "is a directory; expected a file name")
        if not stat.S_ISREG(info.st_mode):
            raise _refuse(target, what, "is not a regular file (a device, a pipe or a socket); refusing to replace it")
        for source in inputs:
            try:
                if os.path.samefile(source, target):
                    raise _refuse(target, what, f"is the same file as {source} (an input or another output of "
                                                f"this command); write it to another file")
            except OSError:
                continue
    folder = target.parent
    if not folder.is_dir():
        if make_parents and not folder.exists():
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise _refuse(target, what, f"cannot create its folder {folder} ({error.strerror})") from None
        else:
            raise _refuse(target, what, f"the folder {folder} does not exist" if not folder.exists()
                          else f"{folder} is not a folder")
    return target


def clean_stale(target: Path) -> int:
    """Remove temporary files and spool folders that earlier, killed runs left beside ``target``."""
    removed = 0
    try:
        names = os.listdir(target.parent)
    except OSError:
        return 0
    for name in names:
        match = _STALE.match(name)
        if not match or not match.group("name").startswith(target.name):
            continue
        pid = int(match.group("pid"))
        if pid == os.getpid() or _alive(pid):
            continue
        stale = target.parent / name
        try:
            if stale.is_dir() and not stale.is_symlink():
                shutil.rmtree(stale, ignore_errors=True)
            else:
                stale.unlink()
            removed += 1
        except OSError:
            continue
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    except OSError:
        return False
    return True


def temp_path(target: Path, kind: str = "tmp") -> Path:
    """The temporary name beside ``target`` that :func:`clean_stale` recognises (``tmp`` or ``spool``)."""
    return target.with_name(f".{target.name}.yibao-{os.getpid()}.{kind}")


class AtomicOutput:
    """One output file written beside its target and renamed into place by :meth:`commit`.

    ``with AtomicOutput(path) as handle: handle.write(b"…")`` commits when the block ends without an
    exception and discards otherwise. Batches that must commit several files together call
    :meth:`open`, then :meth:`commit` on each (or :meth:`discard`).
    """

    def __init__(self, path: PathLike, *, inputs: Iterable[PathLike] = (), what: str = "output file",
                 make_parents: bool = False) -> None:
        self.what = what
        self.inputs = tuple(inputs)
        self.target = check_target(path, inputs=self.inputs, what=what, make_parents=make_parents)
        clean_stale(self.target)
        self.temp = temp_path(self.target)
        self.handle: Optional[BinaryIO] = None

    def open(self) -> BinaryIO:
        try:
            self.handle = open(self.temp, "xb")
        except FileExistsError:  # a stale file of this very pid (an earlier run in this process)
            os.unlink(self.temp)
            self.handle = open(self.temp, "xb")
        except OSError as error:
            raise _refuse(self.target, self.what, f"cannot write beside it ({error.strerror})") from None
        return self.handle

    def commit(self) -> Path:
        """Flush to disk and rename over the target (checked again: still a regular file or nothing)."""
        if self.handle is None:
            self.open()
        assert self.handle is not None
        try:
            self.handle.flush()
            os.fsync(self.handle.fileno())
            self.handle.close()
            check_target(self.target, inputs=self.inputs, what=self.what)
            os.replace(self.temp, self.target)
        except OSError as error:
            self.discard()
            raise _refuse(self.target, self.what, f"cannot be written ({error.strerror})") from None
        except BaseException:
            self.discard()
            raise
        return self.target

    def discard(self) -> None:
        """Close and remove the temporary file (the target is untouched)."""
        if self.handle is not None and not self.handle.closed:
            try:
                self.handle.close()
            except OSError:
                pass
        try:
            os.unlink(self.temp)
        except OSError:
            pass

    def __enter__(self) -> BinaryIO:
        return self.open()

    def __exit__(self, kind, value, tb) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()


def write_text(path: PathLike, text: str, *, inputs: Iterable[PathLike] = (), what: str = "output file",
               make_parents: bool = False, overwrite: bool = True) -> Path:
    """Write ``text`` (UTF-8) to ``path`` safely; ``overwrite=False`` refuses an existing file."""
    if not overwrite and os.path.lexists(path):
        raise _refuse(Path(path), what, "exists already; choose another file name")
    with AtomicOutput(path, inputs=inputs, what=what, make_parents=make_parents) as handle:
        handle.write(text.encode("utf-8"))
    return Path(path)


__all__ = ["OutputError", "AtomicOutput", "check_target", "clean_stale", "temp_path", "write_text"]
