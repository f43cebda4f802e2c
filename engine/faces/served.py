"""The rulebooks a service process answers with, and their rollout without downtime.

A :class:`Served` holds one immutable :class:`Snapshot` (the compiled rulebooks, their index,
summaries and provenance). Requests read ``served.snapshot`` once and use that object to the end,
so a reload never changes the rules under a request. :meth:`Served.reload` compiles the new set
*beside* the old one and swaps the reference only when every rulebook compiled; when one fails,
the old set keeps serving and the errors say why.

At start, a broken rulebook is reported and skipped (the others serve); on a reload, any broken
rulebook refuses the whole new set (fix or remove it first), so a rollout never loses a rulebook
that was serving.
"""

from __future__ import annotations

import datetime as _dt
import threading
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence

from engine import api
from engine.errors import YibaoError
from engine.rulebook import registry
from engine.rulebook.rulebook import Rulebook


@dataclass(frozen=True)
class Snapshot:
    """One set of compiled rulebooks, as served."""

    compiled: Mapping[str, Rulebook]
    index: List[Dict[str, Any]]
    summaries: Mapping[str, Dict[str, Any]]
    provenance: Mapping[str, Dict[str, str]]
    skipped: Mapping[str, Dict[str, Any]] = field(default_factory=dict)   # id → the error (to_dict)
    generation: int = 1
    loaded_at: str = ""

    def describe(self) -> Dict[str, Any]:
        """What /readyz and the admin route report."""
        return {"generation": self.generation, "loaded_at": self.loaded_at,
                "rulebooks": [dict(self.provenance[rid]) for rid in self.compiled],
                "skipped": dict(self.skipped)}


class ReloadFailed(YibaoError):
    """A new rulebook set did not compile: the old one keeps serving. ``errors``: each rulebook's error."""

    def __init__(self, errors: Mapping[str, YibaoError]):
        names = ", ".join(sorted(errors))
        first = next(iter(errors.values()))
        super().__init__(f"the new rulebook set does not compile ({names}); the old set keeps serving. "
                         f"First error: {first.one_line()}", first.location)
        self.errors = dict(errors)


def _snapshot(compiled: Dict[str, Rulebook], broken: Mapping[str, YibaoError], generation: int) -> Snapshot:
    return Snapshot(compiled=compiled, index=[api.index_row(rb) for rb in compiled.values()],
                    summaries={rid: api.rulebook_summary(rb) for rid, rb in compiled.items()},
                    provenance={rid: api.rulebook_provenance(rb) for rid, rb in compiled.items()},
                    skipped={rid: error.to_dict() for rid, error in broken.items()}, generation=generation,
                    loaded_at=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"))


class Served:
    """The current :class:`Snapshot` of a service process and its reload."""

    def __init__(self, ids: Optional[Sequence[str]] = None) -> None:
        self.ids = list(ids) if ids is not None else None
        self._lock = threading.Lock()
        compiled, broken = api.load_rulebooks(self.ids)
        self.snapshot = _snapshot(compiled, broken, 1)

    def reload(self) -> Snapshot:
        """Compile the rulebook folders anew and swap; raises :class:`ReloadFailed` (old set kept)."""
        with self._lock:
            registry.reset()   # compile from the files as they are now, parents (extends) included
            registry.freeze()
            compiled, broken = api.load_rulebooks(self.ids)
            if broken:
                raise ReloadFailed(broken)
            if not compiled:
                raise ReloadFailed({"(none)": YibaoError("no rulebook found in the rulebook folders")})
            self.snapshot = _snapshot(compiled, {}, self.snapshot.generation + 1)
            return self.snapshot


__all__ = ["Snapshot", "Served", "ReloadFailed"]
