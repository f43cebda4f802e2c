"""Evaluate a chunk of whole persons: the kernel where it covers them, the scalar engine for the rest.

:class:`Population` holds one rulebook; :meth:`Population.evaluate` takes an Arrow table of ledger rows
(whole persons, in ledger order) and returns three tables in the same order — one row per person
(status), one per event (decisions and the other events' outcomes), one per person-year (years) —
each saying which path evaluated the person (``kernel`` or ``scalar``). Persons the kernel does not
cover (engine/population/encode.py, the rulebook's unsupported parts, several versions of the
rulebook, a claim no settlement rule covers) are evaluated by ``Rulebook.evaluate``, so every result is
the engine's; a person whose record the engine refuses stops the run with that one located error.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

import numpy as np
import pyarrow as pa

from engine.cases.document import effective_readings
from engine.cases.ledger import CSV_COLUMNS, RecordError, case_from_rows
from engine.errors import Location, YibaoError, did_you_mean
from engine.population import layout as L
from engine.population.cells import texts
from engine.population.encode import Encoded, encode
from engine.population.kernels import Kernel, compile_kernel
from engine.population.scalar import Words, fill_person
from engine.population.tables import build_tables
from engine.rulebook.rulebook import Rulebook

#: Persons per kernel call on one thread (the kernel releases the GIL: two threads use two cores).
_SLICE = 1 << 16


@dataclass
class Outcome:
    """The three tables of one chunk, and how many persons took each path."""

    status: pa.Table
    events: pa.Table
    years: pa.Table
    kernel: int
    scalar: int
    #: The person (row of ``status``) of each row of ``events``.
    owner: np.ndarray


class Population:
    """One rulebook, ready to evaluate chunks of a ledger (kernels compiled per set of readings)."""

    def __init__(self, rulebook: Rulebook, threads: int = 2, overrides: Optional[Dict[str, Any]] = None):
        """``overrides``: readings every person is evaluated with, over their own choices (already
        checked against the rulebook: :func:`reading_overrides`)."""
        self.rulebook = rulebook
        self.threads = max(1, threads)
        self.overrides = dict(overrides or {})
        #: With several versions each event is judged by the version of its date: the scalar engine does.
        self.several_versions = len(rulebook.versions()) > 1
        self._kernels: Dict[Tuple, Kernel] = {}

    def kernel(self, chosen: Dict[str, Any]) -> Kernel:
        """The kernel for a person who chooses the readings ``chosen``."""
        readings = effective_readings(self.rulebook.parameters, chosen)
        key = tuple(sorted((name, repr(value)) for name, value in readings.items()))
        found = self._kernels.get(key)
        if found is None:
            found = self._kernels[key] = compile_kernel(self.rulebook, readings)
        return found

    @property
    def unsupported(self) -> List[str]:
        """What the kernel of the rulebook's own readings leaves to the scalar engine, and why."""
        reasons = list(self.kernel({}).code.unsupported)
        if self.several_versions:
            reasons.insert(0, "every person: the rulebook has several versions")
        return reasons

    def empty_tables(self) -> Tuple[pa.Table, pa.Table, pa.Table]:
        """The three tables without rows (an empty ledger still gets its tables)."""
        outcome = self.evaluate(pa.table({name: pa.array([], pa.string()) for name in CSV_COLUMNS}), "", 1)
        return outcome.status, outcome.events, outcome.years

    def evaluate(self, table: pa.Table, source: str, first_line: int) -> Outcome:
        """Evaluate ``table`` (rows of whole persons); ``first_line`` is the ledger line of its first row."""
        enc = encode(table, self.rulebook)
        enc.reading_sets = [{**chosen, **self.overrides} for chosen in enc.reading_sets]
        if self.several_versions:
            enc.scalar[:] = True
        n, m = enc.persons, len(enc.event_rows)
        # Every row is written by the kernel or by the scalar path (a person's years: O_YEARS rows of theirs).
        # Column-major, int32 where it is a day, a code or a count: each field is one contiguous column.
        out_p = np.empty((n, L.O_COLUMNS), np.int32, order="F")
        out_e = np.empty((m, L.OE_COLUMNS), np.int32, order="F")
        out_ef = np.empty((m, L.OEF_COLUMNS), order="F")
        out_y = np.empty((m + n, L.OY_COLUMNS), np.int32, order="F")
        out_yf = np.empty((m + n, L.OYF_COLUMNS), order="F")
        outputs = (out_p, out_e, out_ef, out_y, out_yf)
        words = Words(self.kernel({}).code)
        for index in sorted(set(enc.reading_set[~enc.scalar].tolist())):
            self._run_set(enc, index, outputs, words)
        self._label_kernel_events(enc, outputs, words)
        scalar = np.flatnonzero(enc.scalar)
        for person in scalar:
            result = self._scalar(table, enc, int(person), source, first_line)
            fill_person(result, int(person), enc, outputs, words, self.rulebook)
        path = np.where(enc.scalar, 1, 0)
        status, events, years = build_tables(table, enc, outputs, words, path, self.rulebook)
        owner = np.repeat(np.arange(n), np.diff(enc.p_off))
        return Outcome(status, events, years, n - len(scalar), len(scalar), owner)

    def _run_set(self, enc: Encoded, index: int, outputs: Tuple, words: "Words") -> None:
        """Run the kernel of reading set ``index`` over its persons; those it cannot finish go scalar."""
        kernel = self.kernel(enc.reading_sets[index])
        mine = (enc.reading_set == index) & ~enc.scalar
        kinds = enc.e_i[:, L.E_KIND]
        uncovered = ~np.isin(kinds, [L.KINDS.index(kind) for kind in kernel.code.kinds])
        ways = [i for i, way in enumerate(kernel.code.way_ids) if way not in kernel.code.covered_ways]
        uncovered |= (kinds == L.K_REPAIR) & np.isin(enc.e_i[:, L.E_WAY], ways)
        total = np.concatenate([[0], np.cumsum(uncovered)])
        mine &= (total[enc.p_off[1:]] - total[enc.p_off[:-1]]) == 0
        enc.scalar |= (enc.reading_set == index) & ~mine
        enc.p_i[:, L.P_RUN] = mine
        arrays = (enc.p_off, enc.p_i, enc.e_i, enc.e_f)
        n = enc.persons
        slices = [(lo, min(n, lo + _SLICE)) for lo in range(0, n, _SLICE)]
        if self.threads > 1 and len(slices) > 1:
            with ThreadPoolExecutor(self.threads) as pool:
                list(pool.map(lambda s: kernel.run(s[0], s[1], arrays, outputs), slices))
        else:
            for lo, hi in slices:
                kernel.run(lo, hi, arrays, outputs)
        bailed = mine & (outputs[0][:, L.O_BAIL] == 1)
        enc.scalar |= bailed
        enc.p_i[:, L.P_RUN] = 0

    def _label_kernel_events(self, enc: Encoded, outputs: Tuple, words: "Words") -> None:
        """The situation and tier of the kernel's score events; its claims' rules as settlement rule codes."""
        out_e = outputs[1]
        owner = np.repeat(np.arange(enc.persons), np.diff(enc.p_off))
        kernel_event = ~enc.scalar[owner]
        kinds = enc.e_i[:, L.E_KIND]
        score = np.flatnonzero(kernel_event & (kinds == L.K_SCORE))
        situation = enc.e_i[score, L.E_SITUATION]
        out_e[score, L.OE_SITUATION] = situation
        out_e[score, L.OE_TIER] = self.kernel({}).code.sits[situation, L.SIT_TIER]
        claim = np.flatnonzero(kernel_event & (kinds == L.K_CLAIM))
        out_e[claim, L.OE_RULE] += words.settlement_offset

    def _scalar(self, table: pa.Table, enc: Encoded, person: int, source: str, first_line: int) -> Dict[str, Any]:
        """One person by the scalar engine; their record's error, located in the ledger, stops the run."""
        lo, hi = int(enc.starts[person]), int(enc.starts[person + 1])
        header = table.column_names
        part = table.slice(lo, hi - lo)
        cells = [texts(part.column(name)) for name in header]
        rows = [(first_line + lo + i, [column[i] for column in cells]) for i in range(hi - lo)]
        event_lines: List[int] = []
        try:
            case, event_lines = case_from_rows(header, rows)
            if self.overrides:
                case["parameters"] = {**case.get("parameters", {}), **self.overrides}
            return self.rulebook.evaluate(case, trace=False)
        except RecordError as error:
            raise YibaoError(error.message, Location(source, error.line, field=error.field)) from None
        except YibaoError as error:
            line = _event_line(error.location.field, event_lines) or rows[0][0]
            raise error.relocated(Location(source, line, field=error.location.field)) from None


def reading_overrides(rulebook: Rulebook, text: str) -> Dict[str, Any]:
    """``after_term=normal,year_cap_basis=points`` as readings of ``rulebook`` (each one it declares,
    with a value it allows); a located error otherwise."""
    found: Dict[str, Any] = {}
    for part in [p.strip() for p in text.split(",") if p.strip()]:
        name, _, value = part.partition("=")
        name, value = name.strip(), value.strip()
        parameter = rulebook.parameters.get(name)
        if parameter is None:
            known = list(rulebook.parameters)
            raise YibaoError(f"{rulebook.id} has no reading '{name}'; it has {', '.join(known)}"
                             + did_you_mean(name, known), Location(field="readings"))
        allowed = {str(a).lower(): a for a in parameter.allowed}
        if value.lower() not in allowed:
            raise YibaoError(f"'{value}' is not a reading of {name}; expected one of "
                             f"{', '.join(map(str, parameter.allowed))}", Location(field=f"readings.{name}"))
        found[name] = allowed[value.lower()]
    if not found:
        raise YibaoError("no reading given; expected readings:NAME=VALUE[,NAME=VALUE…]", Location(field="readings"))
    return found


def _event_line(field: Optional[str], event_lines: List[int]) -> Optional[int]:
    """The ledger line of the event an error names (``events[3].points``)."""
    if field and field.startswith("events["):
        index = int(field[len("events["):field.index("]")])
        if index < len(event_lines):
            return event_lines[index]
    return None
