"""The case contract (``schemas/case.schema.json``), checked by generated code as it reads a case.

Generated code reads every field of a covered case anyway; checking the field's type there costs
less than a second pass over the case by jsonschema-rs. The checks below mirror the schema for the
fields coverage.py covers — as strictly or more (an integer must be an ``int``, not ``2.0``) — and
they are trusted only for the schema they were written against: its
digest is :data:`REVIEWED`. Another schema (an edit of the contract) turns them into mere extras:
every case is then checked by jsonschema-rs, as before, until someone reviews these checks against
the change and records the new digest (tests/test_compiled.py says which).

A check either refuses (generated code falls back; the interpreter reports the error) or, for what
it does not judge (text other than ASCII, numbers beyond 2**62 or not finite), leaves the case to
jsonschema-rs (``plain = False``).
"""

from __future__ import annotations

import hashlib
import json

from engine.base.schemas import load_schema
from engine.evaluate.compiled.emit import Emitter

#: The digest of the case schema these checks were reviewed against (see :func:`schema_digest`).
REVIEWED = "28d6e011f0131cdf6256aa912b4004fa69d4e717cd5285de39a77353e777040d"
#: ``events``' ``maxItems`` in the reviewed schema.
MAX_EVENTS = 10_000
#: Integers within this magnitude are judged here; larger ones are left to jsonschema-rs.
BIG = 2 ** 62


def schema_digest() -> str:
    """SHA-256 of the case schema as data (key order and layout aside)."""
    schema = load_schema("case")
    return hashlib.sha256(json.dumps(schema, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def reviewed() -> str:
    """``'True'`` when the case schema is the reviewed one (the checks prove a case valid), else ``'False'``."""
    return repr(schema_digest() == REVIEWED)


def case_checks(e: Emitter) -> None:
    """The top of a case: required fields, the rulebook's name, the person, the events' list."""
    src = e.src
    e.refuse("'as_of' not in case or 'person' not in case or 'events' not in case")
    with src.block("if 'rulebook' in case"):
        checked_text(e, "case['rulebook']")
    src("person = case['person']")
    with src.block(f"if type(person) is not dict or not person.keys() <= {src.constant(PERSON_FIELDS, 'FIELDS')} "
                   "or 'id' not in person or 'role' not in person or None in person.values()"):
        src("return FALLBACK")
    identifier(e, "person['id']")
    e.refuse("type(person['role']) is not str")
    with src.block("if 'name' in person"):
        checked_text(e, "person['name']")
    with src.block("if 'institutions' in person"):
        src("institutions = person['institutions']")
        e.refuse("type(institutions) is not list")
        with src.block("for institution in institutions"):
            checked_text(e, "institution")
    e.refuse("'parameters' in case and type(case['parameters']) is not dict")
    src("events = case['events']")
    e.refuse(f"type(events) is not list or len(events) > {MAX_EVENTS}")


#: ``person``'s properties in the reviewed schema.
PERSON_FIELDS = frozenset({"id", "role", "name", "institutions"})


def checked_text(e: Emitter, value: str) -> None:
    """A ``string``: anything else refused; non-ASCII text left to jsonschema-rs. (``value`` is source
    without side effects: it is evaluated again on the rare path.)"""
    src = e.src
    with src.block(f"if type({value}) is not str or not {value}.isascii()"):
        src(f"if type({value}) is not str:", "    return FALLBACK", "plain = False")


def identifier(e: Emitter, value: str) -> None:
    """A ``["string", "integer"]`` (an id); the common case, ASCII text, costs one test."""
    src = e.src
    with src.block(f"if type({value}) is not str or not {value}.isascii()"):
        with src.block(f"if type({value}) is int"):
            src(f"if not -{BIG} <= {value} <= {BIG}:", "    plain = False")
        src(f"elif type({value}) is str:", "    plain = False", "else:", "    return FALLBACK")


def integer(e: Emitter, value: str, minimum: int) -> None:
    """An ``integer`` with a ``minimum`` (an ``int``: ``2.0`` is refused, the interpreter judges it)."""
    e.refuse(f"type({value}) is not int or {value} < {minimum}")


def number(e: Emitter, value: str) -> None:
    """A ``number``: an ``int`` or a ``float`` (not a ``bool``); a very large or non-finite one is left
    to jsonschema-rs."""
    src = e.src
    src(f"value = {value}")
    src("kind_of = type(value)")
    with src.block("if kind_of is int"):
        src(f"if not -{BIG} <= value <= {BIG}:", "    plain = False")
    with src.block("elif kind_of is float"):
        src("if not isfinite(value):", "    plain = False")
    src("else:", "    return FALLBACK")


def truth(e: Emitter, name: str) -> None:
    """A ``boolean`` field of the event, when given."""
    e.refuse(f"{name!r} in body and type(body[{name!r}]) is not bool")
