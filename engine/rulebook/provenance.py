"""Which exact rules produced a result: every result carries ``provenance``.

``{engine_version, rulebook_id, rulebook_version, rulebook_sha256}`` — a disputed settlement can be
reproduced with certainty by the same engine version and the rulebook content with that hash.

``rulebook_sha256`` is a SHA-256 over a canonical JSON text (sorted keys, no whitespace, UTF-8) of:

* the rulebook document **with its ``extends`` chain merged in** (what the engine compiled; so a
  change in a parent rulebook changes the child's hash too);
* every other version of the same id (``<id>@<label>.yaml``) when the id has several: an
  evaluation judges each event by the version in force on its date, so all of them decide results;
* the State Council holiday schedule the engine counts working days with (deadlines and terms).

Nothing of the file's place, name or layout (comments, key order, indentation) goes in: the same
hash means the same rules, across runs, machines and checkouts. ``rulebook_version`` is the file's
version label (``<id>@<label>.yaml``) or else its effective period in ISO 8601 interval form
(``2025-03-01/..`` open-ended, ``2024-01-01/2024-12-31`` closed).
"""

from __future__ import annotations

import functools
import hashlib
import json
import weakref
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Callable, Dict, Mapping, Optional, Sequence, Tuple

from engine.base.lazy import lazy_module
from engine.base.version import __version__

if TYPE_CHECKING:
    from engine.spec.rulebook import RulebookSpec

# The schedules are read when a hash is first needed: a result stamped from the compiled-rulebook
# cache (engine/rulebook/cache.py) carries a hash recorded there, and never reads them.
_holidays = lazy_module("engine.base.holidays")

#: What is computed once per compiled rulebook (its content hash, its version label), by ``id``.
_own: Dict[int, Tuple["weakref.ref[RulebookSpec]", Dict[str, str]]] = {}


def _plain(value: Any) -> Any:
    """JSON for the read-only containers a compiled rulebook keeps its document in."""
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


def canonical_json(data: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8, no NaN: one text for one content."""
    return json.dumps(data, default=_plain, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def calendar_sha256() -> str:
    """A SHA-256 of the State Council schedules in effect (the package's years and the schedule file's,
    engine/base/holidays.py): the same rulebook counts other working days under other schedules."""
    schedules = _holidays.active_schedules()
    if _calendar_digest and _calendar_digest[0][0] is schedules:
        return _calendar_digest[0][1]
    days = {"covered": sorted(schedules.years),
            "days": sorted((day.isoformat(), working) for day, working in schedules.days.items())}
    digest = hashlib.sha256(canonical_json(days)).hexdigest()
    _calendar_digest[:] = [(schedules, digest)]  # one schedule set is in effect at a time
    return digest


_calendar_digest: list = []


def _remembered(rulebook: RulebookSpec, name: str, compute: Callable[[RulebookSpec], Any]) -> Any:
    """``compute(rulebook)``, once per compiled rulebook (it is immutable)."""
    key = id(rulebook)
    hit = _own.get(key)
    if hit is None or hit[0]() is not rulebook:
        hit = _own[key] = (weakref.ref(rulebook, functools.partial(_forget, _own, key)), {})
    known = hit[1]
    value = known.get(name)
    if value is None:
        value = known[name] = compute(rulebook)
    return value


def _forget(own: Dict[int, Any], key: int, gone: "weakref.ref") -> None:
    """A remembered rulebook was collected: drop its entry (not a newer rulebook's at the same id).
    ``own`` is bound when the entry is made: at interpreter exit the module's globals are gone."""
    entry = own.get(key)
    if entry is not None and entry[0] is gone:
        del own[key]


def content_sha256(rulebook: RulebookSpec) -> str:
    """The SHA-256 of one compiled rulebook's merged document and the holiday schedule (cached)."""
    return _remembered(rulebook, "sha256", lambda book: content_digest(canonical_json(book.raw), calendar_sha256()))


def content_digest(rulebook_json: bytes, calendar: str) -> str:
    """The SHA-256 of ``{"calendar": calendar, "rulebook": …}`` as canonical JSON, from the rulebook's
    own canonical JSON (``rulebook_json``, kept by the compiled-rulebook cache)."""
    digest = hashlib.sha256(b'{"calendar":')
    digest.update(canonical_json(calendar))
    digest.update(b',"rulebook":')
    digest.update(rulebook_json)
    digest.update(b"}")
    return digest.hexdigest()


def rulebook_sha256(rulebook: RulebookSpec, versions: Optional[Sequence[RulebookSpec]] = None) -> str:
    """The hash of everything in the rulebook that decides results (see the module's docstring);
    ``versions``: the rulebook's dated versions when the caller has them already."""
    if versions is None:
        versions = _versions(rulebook)
    if len(versions) < 2:
        return content_sha256(rulebook)
    return hashlib.sha256(canonical_json([content_sha256(version) for version in versions])).hexdigest()


def _versions(rulebook: RulebookSpec) -> Sequence[RulebookSpec]:
    return rulebook.versions() if callable(getattr(rulebook, "versions", None)) else ()


def rulebook_version(rulebook: RulebookSpec) -> str:
    """The version label of the file (``<id>@<label>.yaml``), else its effective period."""
    return _remembered(rulebook, "version", _version_label)


def _version_label(rulebook: RulebookSpec) -> str:
    stem = PurePath(rulebook.source).stem if rulebook.source else ""
    if "@" in stem:
        return stem.split("@", 1)[1]
    until = rulebook.effective_until.isoformat() if rulebook.effective_until else ".."
    return f"{rulebook.effective_from.isoformat()}/{until}"


def provenance(rulebook: RulebookSpec, versions: Optional[Sequence[RulebookSpec]] = None) -> Dict[str, str]:
    """``{engine_version, rulebook_id, rulebook_version, rulebook_sha256}`` of results of ``rulebook``
    (a fresh dict each call). Worked out once per compiled rulebook and set of dated versions: the
    versions are those the registry finds now (``versions``, when the caller has them), so a version
    file added beside an unfrozen registry's rulebook changes the hash as it changes the results."""
    if versions is None:
        versions = _versions(rulebook)
    known = _remembered(rulebook, "provenance", _empty_slot)
    seen, stamped = known
    # ``seen is versions``: the registry hands out the same tuple while nothing changes (and () is one object)
    if stamped is None or (seen is not versions and (len(seen) != len(versions)
                                                     or any(a is not b for a, b in zip(seen, versions)))):
        stamped = {"engine_version": __version__, "rulebook_id": rulebook.id,
                   "rulebook_version": rulebook_version(rulebook),
                   "rulebook_sha256": rulebook_sha256(rulebook, versions)}
        known[:] = [tuple(versions), stamped]
    return dict(stamped)


def _empty_slot(rulebook: RulebookSpec) -> list:
    return [None, None]


def stamp(rulebook: RulebookSpec, result: Dict[str, Any],
          versions: Optional[Sequence[RulebookSpec]] = None) -> Dict[str, Any]:
    """``result`` with its ``provenance`` (and that of every per-person result inside it)."""
    return stamp_with(provenance(rulebook, versions), result)


def stamp_with(stamped: Dict[str, str], result: Dict[str, Any]) -> Dict[str, Any]:
    """``result`` with the provenance ``stamped`` (and every per-person result inside it)."""
    persons = result.get("persons")
    if isinstance(persons, dict):
        for one in persons.values():
            if isinstance(one, dict):
                one["provenance"] = dict(stamped)
    result["provenance"] = stamped
    return result


__all__ = ["provenance", "stamp", "stamp_with", "rulebook_sha256", "rulebook_version", "content_sha256",
           "content_digest", "canonical_json", "calendar_sha256"]
