"""The limits on input, stated and enforced in one place (docs/contract.md, "Limits").

Every reader checks its input against these before the expensive work starts, and a breach is one
located error (exit 2 on the command line, HTTP 413 or 422 from the service) — never a hang, an
out-of-memory or a traceback. The numbers leave a wide margin over any real ledger or rulebook: the
largest rulebook is ~60 KB with expressions of ~400 characters nested a few levels; a person's
ledger holds a few dozen events a year.
"""

from __future__ import annotations

import math
from typing import Any

#: A case file (one ledger, an institution's staff, a finding with its organisation): about 4,000
#: events; reading one this size takes about a second.
MAX_CASE_FILE_BYTES = 512 * 1024
#: A rulebook file, an organisation file, a golden case file, a calendar file (the largest rulebook
#: is about 60 KB).
MAX_DOCUMENT_FILE_BYTES = 1024 * 1024
#: Nesting of mappings and lists in any YAML or JSON document.
MAX_NESTING = 64
#: YAML aliases (``*name``) in one document. Each one can multiply a document's size (a 400-byte
#: "alias bomb" expands to gigabytes), so the size is also counted with aliases expanded (MAX_NODES)
#: before anything walks the document.
MAX_ALIASES = 100
#: Values (scalars, mappings, lists) in one document, aliases expanded.
MAX_NODES = 200_000
#: Events in one case (a person's whole ledger, or the ledger of one staff member).
MAX_EVENTS = 10_000
#: Length of one DSL expression (characters) and the nesting of its parts.
MAX_EXPRESSION_LENGTH = 4_000
MAX_EXPRESSION_DEPTH = 48
#: Magnitude of any integer in a case or rulebook (points, months, years, scores, counts).
MAX_INTEGER = 10 ** 9
#: The years a date may fall in: before 1900 and after 2200 no rule of these texts applies, and
#: terms counted from a later date would leave the calendar.
MIN_YEAR, MAX_YEAR = 1900, 2200
#: Length of one string value (an id, a reference, a text) in a case.
MAX_STRING = 100_000


def text_problem(value: str) -> str:
    """Why a string read from input is refused (too long, or not Unicode text: a lone surrogate from a
    JSON escape such as ``"\\ud800"`` cannot be written out), or an empty string when it is fine."""
    if len(value) > MAX_STRING:
        return f"text of {len(value):,} characters (at most {MAX_STRING:,})"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "not valid Unicode text (a lone surrogate such as \\ud800); expected UTF-8 text"
    return ""


def number_problem(value: Any) -> str:
    """Why ``value`` (a number read from input) is refused, or an empty string when it is fine."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return f"integer out of range (at most {MAX_INTEGER:,} in magnitude)" if abs(value) > MAX_INTEGER else ""
    if isinstance(value, float):
        if not math.isfinite(value):
            return f"'{value}' is not a finite number"
        return f"number out of range (at most {MAX_INTEGER:,} in magnitude)" if abs(value) > MAX_INTEGER else ""
    return ""
