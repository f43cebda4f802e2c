"""A ledger's rows (one row per event, grouped by person: the CSV of ``yibao batch`` and the Parquet or
CSV of ``yibao population``) as the case of one person, in the case contract (docs/contract.md).

One copy of the rules, for both: the columns, what a cell means (an integer, a number, true/false or
text), which rows belong to the person, and the errors of a record that cannot become a case.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Sequence, Tuple

#: The columns of a ledger, in the order the documentation lists them; ``param.<name>`` columns choose
#: a reading for the person (their first row). The last ones carry the fields of the other event kinds
#: (obligation, institution measure, appeal, appeal result) and of a score's notice and fixed months.
CSV_COLUMNS: Tuple[str, ...] = (
    "person_id", "role", "as_of", "kind", "date", "situation", "tier", "responsibility", "points",
    "adjustment", "inspection", "behaviour", "institution", "way", "score", "emergency", "passed",
    "obligation", "measure", "responsible", "until", "contests", "appeal", "outcome", "ref", "notice_received",
    "months",
)
INTEGER_COLUMNS = frozenset({"tier", "points", "appeal", "months"})
NUMBER_COLUMNS = frozenset({"score"})
BOOLEAN_COLUMNS = frozenset({"emergency", "passed", "responsible"})
#: An integer where the cell is one, else text (an appeal contests a score by its index or its ``ref``).
INDEX_COLUMNS = frozenset({"contests"})
#: Every event kind of the case contract.
KINDS = ("score", "repair", "claim", "restoration", "obligation", "institution_measure", "appeal", "appeal_result")
#: kind, date and the event fields.
EVENT_COLUMNS = CSV_COLUMNS[3:]
#: The words a true/false cell may hold.
TRUE_WORDS = {"true": True, "1": True, "yes": True, "y": True, "false": False, "0": False, "no": False, "n": False}
#: The largest cell (characters of text) a record may have; larger is that person's error.
MAX_CSV_FIELD = 128 * 1024
_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8, as read with surrogateescape


class RecordError(Exception):
    """A record of the ledger that cannot become a case: its line, the message, the column."""

    def __init__(self, line: int, message: str, field: Optional[str] = None):
        super().__init__(message)
        self.line, self.message, self.field = line, message, field


def not_utf8(text: str) -> Optional[str]:
    """Where ``text`` (read with surrogateescape) had bytes that are not UTF-8, as a message."""
    found = _NOT_UTF8.search(text)
    if found is None:
        return None
    return f"not UTF-8 text (byte 0x{ord(found.group()) - 0xdc00:02x} at column {found.start() + 1})"


def cell_value(name: str, text: str) -> Any:
    """A cell as the contract's type where it clearly is one; otherwise the text (the engine says why)."""
    if name in INTEGER_COLUMNS:
        try:
            return int(text)
        except ValueError:
            return text
    if name in NUMBER_COLUMNS:
        try:
            number = float(text)
            return int(number) if number.is_integer() else number
        except ValueError:
            return text
    if name in BOOLEAN_COLUMNS:
        return TRUE_WORDS.get(text.lower(), text)
    if name in INDEX_COLUMNS:
        try:
            return int(text)
        except ValueError:
            return text
    return text


def reading_value(text: str) -> Any:
    """A ``param.<name>`` cell: true/false as such, any other text as text."""
    return TRUE_WORDS.get(text.lower(), text) if text.lower() in ("true", "false") else text


# long: the rules of a person's rows, one after another, as the documentation states them.
def case_from_rows(header: Sequence[str], rows: Sequence[Tuple[int, Sequence[str]]]) -> Tuple[Dict[str, Any], List[int]]:
    """One person's rows → a case dict (contract form) and the line of each event; :class:`RecordError`
    for rows that cannot be one person's case."""
    person: Dict[str, Any] = {}
    parameters: Dict[str, Any] = {}
    events: List[Dict[str, Any]] = []
    lines: List[int] = []
    for line, row in rows:
        if len(row) > len(header):
            raise RecordError(line, f"{len(row)} cells but the header has {len(header)} columns")
        for index, cell in enumerate(row):
            name = header[index] if index < len(header) else None
            if len(cell) > MAX_CSV_FIELD:
                raise RecordError(line, f"a cell of {len(cell)} characters; at most {MAX_CSV_FIELD}", name)
            problem = not_utf8(cell)
            if problem:
                raise RecordError(line, problem, name)
        cells = {name: row[i].strip() for i, name in enumerate(header) if i < len(row) and row[i].strip() != ""}
        for name in ("role", "as_of"):
            if name in cells:
                if name in person and person[name] != cells[name]:
                    raise RecordError(line, f"{name} '{cells[name]}' differs from '{person[name]}' on an earlier row "
                                            "of this person", name)
                person[name] = cells[name]
        for name, value in cells.items():
            if name.startswith("param.") and name[6:] not in parameters:
                parameters[name[6:]] = reading_value(value)
        if "kind" in cells:
            events.append({name: cell_value(name, cells[name]) for name in EVENT_COLUMNS if name in cells})
            lines.append(line)
        elif any(name in cells for name in EVENT_COLUMNS[1:]):
            raise RecordError(line, f"event fields without a kind; expected kind {', '.join(KINDS)}", "kind")
    first = rows[0][0]
    if "as_of" not in person:
        raise RecordError(first, "missing as_of on the person's rows", "as_of")
    if "role" not in person:
        raise RecordError(first, "missing role on the person's rows", "role")
    case: Dict[str, Any] = {"as_of": person["as_of"], "person": {"id": rows[0][1][header.index("person_id")],
                                                                 "role": person["role"]}, "events": events}
    if parameters:
        case["parameters"] = parameters
    return case, lines


__all__ = ["CSV_COLUMNS", "EVENT_COLUMNS", "KINDS", "MAX_CSV_FIELD", "RecordError", "TRUE_WORDS", "case_from_rows",
           "cell_value", "not_utf8", "reading_value"]
