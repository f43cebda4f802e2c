"""The population's output as Arrow tables: status (one row per person), events (one per event) and
years (one per person-year), in ledger order, each with the path that evaluated the person.

Dates are ``date32``, absent values null; words with few values (state, action, rule, article, …) are
dictionary-encoded, as Parquet stores them anyway.
"""

from __future__ import annotations

from typing import List, Sequence, Tuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from engine.population import layout as L
from engine.population.encode import Encoded
from engine.population.scalar import Words
from engine.spec.rulebook import RulebookSpec

PATHS = ("kernel", "scalar")
#: The columns of each table, in order (docs/population.md).
STATUS_COLUMNS = ("person", "path", "role", "as_of", "state", "phase", "from", "until", "status_until", "rule",
                  "article", "year", "points", "repaired", "net")
EVENT_COLUMNS = ("person", "event", "kind", "date", "action", "months", "ban_years", "term_months", "from", "until",
                 "rule", "article", "situation", "tier", "institution", "points", "single", "year_total", "accepted",
                 "settled", "path")
YEAR_COLUMNS = ("person", "year", "points", "repaired", "net", "path")


def parquet_options(schema: pa.Schema) -> dict:
    """How the tables are written: statistics (min, max) for the numbers and dates, which readers use to
    skip row groups; none for the words and the person ids, which cost a third of the writing."""
    numbers = [f.name for f in schema if not pa.types.is_dictionary(f.type) and not pa.types.is_string(f.type)]
    return {"write_statistics": numbers}


def words(codes: np.ndarray, items: Sequence[str]) -> pa.Array:
    """Codes into ``items`` as a dictionary array (null where a code is negative or NULL)."""
    codes = np.asarray(codes, np.int32)
    return pa.DictionaryArray.from_arrays(pa.array(codes, mask=codes < 0), pa.array(list(items), pa.string()))


def dates(days: np.ndarray) -> pa.Array:
    days = np.asarray(days, np.int32)
    return pa.array(days, type=pa.date32(), mask=days == L.NULL)


def integers(values: np.ndarray) -> pa.Array:
    values = np.asarray(values, np.int32)
    return pa.array(values, type=pa.int32(), mask=values == L.NULL)


def floats(values: np.ndarray) -> pa.Array:
    return pa.array(values, type=pa.float64(), mask=np.isnan(values))


def flags(values: np.ndarray) -> pa.Array:
    return pa.array(values == 1, type=pa.bool_(), mask=values == L.NULL)


def _years_of(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


# long: three tables, one column per line.
def build_tables(table: pa.Table, enc: Encoded, outputs: Tuple, names: Words, path: np.ndarray,
                 rulebook: RulebookSpec) -> Tuple[pa.Table, pa.Table, pa.Table]:
    out_p, out_e, out_ef, out_y, out_yf = outputs
    n = enc.persons
    ids = table.column("person_id").combine_chunks()
    if not pa.types.is_string(ids.type):
        ids = pc.cast(ids, pa.string())
    person_ids = ids.take(pa.array(enc.starts[:-1]))
    owner = np.repeat(np.arange(n), np.diff(enc.p_off))
    slots = np.repeat(np.arange(n), np.diff(enc.p_off) + 1)  # each person's year rows: events + 1
    as_of = enc.p_i[:, L.P_AS_OF]
    year = np.where(as_of == L.NULL, L.NULL, _years_of(np.where(as_of == L.NULL, 0, as_of)))
    totals = np.zeros(n, np.int64)
    repaired, net = np.zeros(n), np.zeros(n)
    used = (np.arange(len(slots)) - (enc.p_off[slots] + slots)) < out_p[slots, L.O_YEARS]
    match = np.flatnonzero(used & (out_y[:, L.OY_YEAR] == year[slots]))
    totals[slots[match]] = out_y[match, L.OY_POINTS]
    repaired[slots[match]] = out_yf[match, L.OYF_REPAIRED]
    net[slots[match]] = out_yf[match, L.OYF_NET]
    status = pa.table([
        person_ids, words(path, PATHS), words(np.where(as_of == L.NULL, -1, enc.p_i[:, L.P_ROLE]), rulebook.roles),
        dates(as_of), words(out_p[:, L.O_STATE], L.STATES), words(out_p[:, L.O_PHASE], L.PHASES),
        dates(out_p[:, L.O_FROM]), dates(out_p[:, L.O_UNTIL]), dates(out_p[:, L.O_STATUS_UNTIL]),
        words(out_p[:, L.O_RULE], names.rules), words(out_p[:, L.O_ARTICLE], names.articles), integers(year),
        pa.array(totals, pa.int64()), pa.array(repaired), pa.array(net)], names=list(STATUS_COLUMNS))
    kind_codes, kind_words = enc.labels.get("kind", (np.zeros(0, np.int64), []))
    place_codes, place_words = enc.labels.get("institution", (np.full(len(owner), -1), []))
    events = pa.table([
        person_ids.take(pa.array(owner)), pa.array((np.arange(len(owner)) - enc.p_off[owner]).astype(np.int32)),
        words(kind_codes, kind_words), dates(enc.e_i[:, L.E_DATE].copy() if len(owner) else np.zeros(0, np.int64)),
        words(out_e[:, L.OE_ACTION], L.ACTIONS), integers(out_e[:, L.OE_MONTHS]), integers(out_e[:, L.OE_BAN]),
        integers(out_e[:, L.OE_TERM_MONTHS]), dates(out_e[:, L.OE_FROM]), dates(out_e[:, L.OE_UNTIL]),
        words(out_e[:, L.OE_RULE], names.rules), words(out_e[:, L.OE_ARTICLE], names.articles),
        words(out_e[:, L.OE_SITUATION], names.situations), integers(out_e[:, L.OE_TIER]),
        words(place_codes, place_words), floats(out_ef[:, L.OEF_POINTS]), integers(out_e[:, L.OE_SINGLE]),
        floats(out_ef[:, L.OEF_YEAR_TOTAL]), flags(out_e[:, L.OE_ACCEPTED]), flags(out_e[:, L.OE_SETTLED]),
        words(path[owner], PATHS)], names=list(EVENT_COLUMNS))
    rows = np.flatnonzero(used)
    years = pa.table([
        person_ids.take(pa.array(slots[rows])), integers(out_y[rows, L.OY_YEAR]),
        pa.array(out_y[rows, L.OY_POINTS], pa.int64()),
        pa.array(out_yf[rows, L.OYF_REPAIRED]), pa.array(out_yf[rows, L.OYF_NET]), words(path[slots[rows]], PATHS)],
        names=list(YEAR_COLUMNS))
    return status, events, years


__all__: List[str] = ["EVENT_COLUMNS", "STATUS_COLUMNS", "YEAR_COLUMNS", "build_tables", "parquet_options"]
