"""The cells of a ledger column as the kernel's codes: one Python look at each distinct value.

A ledger column holds few distinct values (a few hundred dates, a dozen situations), so each column
is dictionary-encoded by Arrow and only its distinct values are read in Python, with exactly the
rules of the scalar path (engine/cases/ledger.py: ``cell_value``, the case contract, the rulebook's
words). A value the kernel cannot take — not a word of the rulebook, not a date, a number out of its
range — gets :data:`BAD`, and its person is evaluated by the scalar engine (which says why, if it is
an error).
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from typing import Any, Callable, List, Optional, Sequence, Tuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from engine.base.dates import parse_date
from engine.base.limits import MAX_INTEGER, MAX_YEAR
from engine.cases.ledger import TRUE_WORDS, cell_value
from engine.population.translate import day_number

#: A cell the kernel cannot take (its person goes to the scalar engine).
BAD = -2
#: An empty cell (the field is absent).
ABSENT = -1
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def text_of(value: Any) -> str:
    """A cell's text, as the CSV ledger would hold it (a Parquet column may be typed)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time() and value.tzinfo is None else value.isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "surrogateescape")
    return str(value)


def texts(column: pa.ChunkedArray) -> List[str]:
    """Every cell of ``column`` as text (for the rows of the persons the scalar engine evaluates)."""
    return [text_of(value) for value in column.to_pylist()]


_LAST_DAY = day_number(_dt.date(MAX_YEAR, 12, 31))


def typed_values(column: pa.Array, meaning: Callable) -> Optional[np.ndarray]:
    """The values of a typed Parquet column without looking at its distinct values one by one (a date
    column read as dates, an integer column as integers, a true/false column as such); None when the
    column is text or ``meaning`` wants a look at each word."""
    kind = column.type
    null = column.is_null().to_numpy(zero_copy_only=False)
    if meaning is day and pa.types.is_date32(kind):
        values = column.cast(pa.int32()).fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
        return np.where(null, ABSENT, np.where((values > 0) & (values <= _LAST_DAY), values, BAD))
    if isinstance(meaning, integer) and pa.types.is_integer(kind):
        values = column.fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
        good = (values >= meaning.minimum) & (values <= MAX_INTEGER)
        return np.where(null, ABSENT, np.where(good, values, BAD))
    if meaning is flag and pa.types.is_boolean(kind):
        return np.where(null, ABSENT, column.fill_null(False).to_numpy(zero_copy_only=False).astype(np.int64))
    return None


class Column:
    """One ledger column: a code per row (an index into :attr:`words`, :data:`ABSENT` when empty) and
    the distinct stripped texts, read when first asked for."""

    def __init__(self, column: pa.ChunkedArray):
        if isinstance(column, pa.ChunkedArray):
            if pa.types.is_dictionary(column.type):
                column = column.unify_dictionaries()  # one dictionary for the chunk (Parquet has one per row group)
            column = column.combine_chunks()
        self.array = column
        self._codes: Optional[np.ndarray] = None
        self._words: List[str] = []

    def _encode(self) -> None:
        array = self.array
        encoded = array if pa.types.is_dictionary(array.type) else pc.dictionary_encode(array)
        self._words = [text_of(value).strip() for value in encoded.dictionary.to_pylist()]
        remap = np.array([index if word != "" else ABSENT for index, word in enumerate(self._words)] + [ABSENT],
                         np.int64)
        indices = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        self._codes = remap[indices]

    @property
    def codes(self) -> np.ndarray:
        if self._codes is None:
            if self.array.null_count == len(self.array):
                self._codes = np.full(len(self.array), ABSENT, np.int64)
            else:
                self._encode()
        return self._codes

    @property
    def words(self) -> List[str]:
        self.codes  # noqa: B018 - encodes on first use
        return self._words

    @property
    def present(self) -> np.ndarray:
        kind = self.array.type.value_type if pa.types.is_dictionary(self.array.type) else self.array.type
        if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
            return self.array.is_valid().to_numpy(zero_copy_only=False)  # a typed value is never empty text
        return self.codes >= 0

    def mapped(self, meaning: Callable[[str], int]) -> np.ndarray:
        """A value per row: ``meaning(word)`` of its word, :data:`ABSENT` where empty."""
        typed = typed_values(self.array, meaning)
        if typed is not None:
            return typed
        table = np.array([meaning(word) for word in self.words] + [ABSENT], np.int64)
        return table[self.codes]

    def numbers(self, meaning: Callable[[str], Optional[float]]) -> Tuple[np.ndarray, np.ndarray]:
        """(value, ok) per row: ``meaning(word)`` as a float, ok False where it is None (absent: 0, ok)."""
        values = [meaning(word) for word in self.words]
        table = np.array([0.0 if v is None else v for v in values] + [0.0], np.float64)
        good = np.array([v is not None for v in values] + [True])
        return table[self.codes], good[self.codes]


def word_index(words: Sequence[str]) -> Callable[[str], int]:
    """The index of a word in ``words``, or :data:`BAD`."""
    index = {word: i for i, word in enumerate(words)}
    return lambda word: index.get(word, BAD)


def day(word: str) -> int:
    """A ``YYYY-MM-DD`` date as a day number (the case contract's pattern and the engine's years), or BAD."""
    parsed = parse_date(word) if _ISO.fullmatch(word) else None
    number = day_number(parsed) if parsed is not None else BAD
    return number if number > 0 else BAD  # before 1970: the scalar engine (codes below 0 mean absent or bad)


class integer:
    """An integer cell (engine/cases/ledger.py: cell_value) of at least ``minimum``, or BAD."""

    def __init__(self, minimum: int):
        self.minimum = minimum

    def __call__(self, word: str) -> int:
        value = cell_value("points", word)
        return value if isinstance(value, int) and self.minimum <= value <= MAX_INTEGER else BAD


def flag(word: str) -> int:
    """A true/false cell as 1 or 0, BAD for another word."""
    value = TRUE_WORDS.get(word.lower())
    return BAD if value is None else int(value)


def number(word: str) -> Optional[float]:
    """A number cell (cell_value): a finite number, else None."""
    value = cell_value("score", word)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def own_id(word: str) -> int:
    """An inspection or behaviour id: 0, or BAD for one spelt like the engine's own ids of events
    without one (``#event-3``), which the scalar engine would take as the same."""
    return BAD if word.startswith("#event-") else 0


__all__ = ["ABSENT", "BAD", "Column", "day", "flag", "integer", "number", "own_id", "text_of", "texts",
           "word_index"]
