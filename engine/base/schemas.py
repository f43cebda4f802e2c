"""JSON Schema validation with located, readable errors.

The schemas are the bundled ``schemas/`` folder (:mod:`engine.base.resources`). Errors are turned into :class:`SchemaError` with the YAML line and column of
the offending value and a field path such as ``consequences[3].action``.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, List, Optional

from engine.base.lazy import lazy_module

from engine.errors import SchemaError, did_you_mean
from engine.base.documents import PositionedDocument, format_path
from engine.base.resources import bundled_dir

# Only an invalid document needs jsonschema (to locate its error); valid ones pass jsonschema-rs alone.
jsonschema = lazy_module("jsonschema")


def schema_dir() -> Path:
    """Where the JSON Schemas are (the bundled ``schemas/`` folder)."""
    return bundled_dir("schemas")


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict:
    """The schema ``schemas/<name>.schema.json`` as a dict."""
    with open(schema_dir() / f"{name}.schema.json", encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=None)
def validator(name: str) -> jsonschema.protocols.Validator:
    schema = load_schema(name)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _explain(error: "jsonschema.exceptions.ValidationError") -> str:
    """A sentence saying what was expected, with a suggestion where one helps; never the whole
    offending value (it may be a list of ten thousand events)."""
    text = _sentence(error)
    return text if len(text) <= 400 else text[:400] + "…"


_DATE_PATTERN = "^\\d{4}-\\d{2}-\\d{2}$"


def _sentence(error: "jsonschema.exceptions.ValidationError") -> str:
    validator = error.validator
    if validator == "pattern" and error.validator_value == _DATE_PATTERN:
        return f"'{error.instance}' is not a date; expected YYYY-MM-DD"
    if validator in ("maxItems", "minItems"):
        return (f"{len(error.instance):,} items; expected {'at most' if validator == 'maxItems' else 'at least'} "
                f"{error.validator_value:,}")
    if validator == "enum":
        options = [str(o) for o in error.validator_value]
        return (f"'{error.instance}' is not allowed; expected one of {', '.join(options)}"
                + did_you_mean(str(error.instance), options))
    if validator == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        extras = re.findall(r"'([^']+)'", error.message.split("(")[-1]) or []
        extra = extras[0] if extras else "?"
        return (f"unknown field '{extra}'; expected one of {', '.join(allowed)}" + did_you_mean(extra, allowed))
    if validator == "required":
        missing = re.findall(r"'([^']+)' is a required property", error.message)
        return f"missing required field '{missing[0] if missing else error.message}'"
    if validator == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        return f"expected {expected}, got {type(error.instance).__name__} {error.instance!r}"
    if validator == "format":
        return f"'{error.instance}' is not a valid {error.validator_value} (expected YYYY-MM-DD)" if error.validator_value == "date" else error.message
    if validator in ("oneOf", "anyOf") and error.context:
        deepest = jsonschema.exceptions.best_match(error.context)
        return _sentence(deepest)
    description = error.schema.get("description") if isinstance(error.schema, dict) else None
    return error.message + (f" ({description})" if description else "")


def locate(document: PositionedDocument, error: "jsonschema.exceptions.ValidationError") -> SchemaError:
    """A jsonschema error as a :class:`SchemaError` at the YAML line and column of the offending value."""
    path = list(error.absolute_path)
    if error.validator in ("oneOf", "anyOf") and error.context:
        deepest = jsonschema.exceptions.best_match(error.context)
        path = list(deepest.absolute_path)
        error = deepest
    if error.validator == "additionalProperties":
        extras = re.findall(r"'([^']+)'", error.message.split("(")[-1])
        if extras and tuple(path + [extras[0]]) in document.positions:
            path = path + [extras[0]]
    field_path = list(path)
    if error.validator == "required":
        # Point at the mapping that lacks the field, but name the field itself.
        missing = re.findall(r"'([^']+)' is a required property", error.message)
        field_path += missing[:1]
    location = document.location(path, field=format_path(field_path) or "(document)")
    return SchemaError(_explain(error), location)


def schema_errors(document: PositionedDocument, name: str) -> List[SchemaError]:
    """Every schema violation of ``document``, located, in document order."""
    errors = [locate(document, e) for e in validator(name).iter_errors(document.data)]
    return sorted(errors, key=lambda e: (e.location.line or 0, e.location.column or 0))


def validate(document: PositionedDocument, name: str) -> None:
    """Raise the most relevant schema violation of ``document`` as a located :class:`SchemaError`."""
    error = jsonschema.exceptions.best_match(validator(name).iter_errors(document.data))
    if error is not None:
        raise locate(document, error)


def best_error(document: PositionedDocument, name: str, *, deepest_first: bool = False) -> Optional[SchemaError]:
    """The most relevant schema violation of ``document`` (jsonschema's ``best_match``), located;
    None when valid. ``deepest_first`` breaks ties toward the most deeply nested value."""
    errors = list(validator(name).iter_errors(document.data))
    if not errors:
        return None
    if deepest_first:
        errors.sort(key=lambda e: len(list(e.absolute_path)), reverse=True)
    return locate(document, jsonschema.exceptions.best_match(errors))


def first_error(document: PositionedDocument, name: str) -> Optional[SchemaError]:
    """The first schema violation of ``document`` in the schema's own order, located; None when valid.

    Valid data the fast validator accepts costs no jsonschema run (the hot path of batches).
    """
    if surely_valid(name, document.data):
        return None
    for error in validator(name).iter_errors(document.data):
        return locate(document, error)
    return None


def validate_data(data: Any, name: str) -> None:
    """Validate plain data (no positions), e.g. a result against ``result.schema.json``."""
    error = jsonschema.exceptions.best_match(validator(name).iter_errors(data))
    if error is not None:
        raise SchemaError(f"{format_path(error.absolute_path) or '(document)'}: {_explain(error)}")


@lru_cache(maxsize=None)
def _fast_validator(name: str) -> Any:
    """A compiled validator of ``jsonschema-rs`` (Rust, ~100x faster), or None when it is not installed."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - optional accelerator
        return None
    try:
        return jsonschema_rs.validator_for(load_schema(name))
    except Exception:  # noqa: BLE001 - a schema it cannot compile: always take the jsonschema path
        return None


def fast_check(name: str) -> Callable[[Any], bool]:
    """:func:`surely_valid` for one schema as one callable, for hot paths that check many documents."""
    validator = _fast_validator(name)
    if validator is None:
        return lambda data: False
    is_valid = validator.is_valid

    def check(data: Any) -> bool:
        try:
            return bool(is_valid(data))
        except Exception:  # noqa: BLE001 - e.g. integers beyond 64 bits: let jsonschema judge
            return False
    return check


def surely_valid(name: str, data: Any) -> bool:
    """True when the fast validator finds ``data`` valid against ``schemas/<name>.schema.json``.

    False means "not known to be valid": the caller runs :mod:`jsonschema` as before, which also
    finds and locates the error. So the fast path only ever skips work on valid data (the hot
    path of batches and services); tests/test_api.py checks on junk that it never accepts what
    jsonschema refuses.
    """
    validator = _fast_validator(name)
    if validator is None:
        return False
    try:
        return bool(validator.is_valid(data))
    except Exception:  # noqa: BLE001 - e.g. integers beyond 64 bits: let jsonschema judge
        return False
