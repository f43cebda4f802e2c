"""The service's OpenAPI document: the project's JSON Schemas as components, full response schemas
for every route, stable operation ids and tags.

Request and result bodies are the files of ``schemas/`` (``Case``, ``Result``, ``AttributionCase``,
…, with their ``$defs`` as ``Case_event`` etc.); the shapes that only the service has (errors,
can-settle, deadlines, rulebook summaries, status rows, probes, reloads) are written here.
"""

from __future__ import annotations

import copy
import re
from typing import Any, Dict, List

from engine.base.schemas import load_schema, schema_dir
from engine.faces.status import COLUMNS

#: Operation ids by (method, path): stable names for generated clients; never change one.
OPERATION_IDS = {
    ("post", "/v1/evaluate"): "evaluate", ("post", "/v1/can-settle"): "canSettle",
    ("post", "/v1/attribute"): "attribute", ("post", "/v1/status"): "status",
    ("get", "/v1/deadline/{rulebook}/{kind}/{date}"): "deadline",
    ("get", "/v1/rulebooks"): "listRulebooks", ("get", "/v1/rulebooks/{rulebook}"): "getRulebook",
    ("get", "/healthz"): "healthz", ("get", "/readyz"): "readyz", ("get", "/metrics"): "metrics",
    ("post", "/admin/reload"): "reloadRulebooks",
}
TAGS = [
    {"name": "evaluation", "description": "a person's ledger, a claim, a finding, many persons' status"},
    {"name": "rulebooks", "description": "the rulebooks served and their deadlines"},
    {"name": "operations", "description": "probes, metrics and the rulebook rollout"},
]

_NULL_STRING = {"type": ["string", "null"]}
_STRING_LIST = {"type": "array", "items": {"type": "string"}}


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[-_.]", name) if part)


def _rewrite_refs(node: Any, prefix: str) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/"):
                out[key] = f"#/components/schemas/{prefix}_{value[len('#/$defs/'):]}"
            elif key == "$ref" and value == "#":
                out[key] = f"#/components/schemas/{prefix}"
            else:
                out[key] = _rewrite_refs(value, prefix)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(item, prefix) for item in node]
    return node


def ref(name: str) -> Dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(required: List[str], properties: Dict[str, Any], **extra: Any) -> Dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties, **extra}


def schema_components() -> Dict[str, Any]:
    """Every ``schemas/<name>.schema.json`` as components, and the service's own shapes."""
    components: Dict[str, Any] = {}
    for path in sorted(schema_dir().glob("*.schema.json")):
        name = path.name[: -len(".schema.json")]
        schema = copy.deepcopy(load_schema(name))
        prefix = _camel(name)
        defs = schema.pop("$defs", {})
        for key in ("$schema", "$id"):  # an $id would move the base of every $ref
            schema.pop(key, None)
        components[prefix] = _rewrite_refs(schema, prefix)
        for key, body in defs.items():
            components[f"{prefix}_{key}"] = _rewrite_refs(body, prefix)
    provenance = ref("Result_provenance")
    components["Error"] = _object(["error", "message", "text"], {
        "error": {"type": "string", "description": "the error's type, e.g. CaseError, RulebookNotFound, TooLarge"},
        "message": {"type": "string"}, "file": _NULL_STRING, "line": {"type": ["integer", "null"]},
        "column": {"type": ["integer", "null"]}, "field": _NULL_STRING,
        "text": {"type": "string", "description": "the located line the CLI prints"},
        "errors": {"type": "array", "items": ref("Error"), "description": "a refused reload: every rulebook's error"}})
    components["CanSettleRequest"] = _object(["case", "date"], {
        "case": ref("Case"), "date": ref("Case_date"), "emergency": {"type": "boolean", "default": False}},
        additionalProperties=False)
    components["CanSettle"] = _object(["person", "date", "emergency", "settled", "state", "article", "rule", "reason",
                                       "provenance"], {
        "person": {"type": "string"}, "date": {"type": "string"}, "emergency": {"type": "boolean"},
        "settled": {"type": "boolean"}, "state": {"enum": ["normal", "suspended", "terminated"]},
        "article": _NULL_STRING, "rule": _NULL_STRING, "reason": {"type": ["string", "null"]},
        "provenance": provenance})
    components["RulebookEntry"] = _object(["id", "document", "title", "effective_from", "effective_until"], {
        "id": {"type": "string"}, "document": {"type": "string"}, "title": {"type": "string"},
        "effective_from": {"type": "string"}, "effective_until": _NULL_STRING})
    components["RulebookList"] = {"type": "array", "items": ref("RulebookEntry")}
    components["RulebookSummary"] = _object(
        ["id", "title", "document", "jurisdiction", "issuers", "effective_from", "effective_until", "completeness",
         "missing", "roles", "scoring_model", "situations", "consequences", "repair_ways", "settlement", "parameters"], {
            "id": {"type": "string"}, "title": {"type": "string"}, "document": {"type": "string"},
            "jurisdiction": _NULL_STRING, "issuers": _STRING_LIST, "effective_from": {"type": "string"},
            "effective_until": _NULL_STRING, "completeness": {"enum": ["complete", "partial"]},
            "missing": _STRING_LIST, "roles": _STRING_LIST, "scoring_model": {"type": "string"},
            "situations": {"type": "array", "items": _object(["code", "tier", "article", "text"], {
                "code": {"type": "string"}, "tier": {"type": "integer"}, "article": {"type": "string"},
                "text": {"type": "string"}})},
            "consequences": {"type": "array", "items": _object(["id", "action", "when", "article"], {
                "id": {"type": "string"}, "action": {"type": "string"}, "when": {"type": "string"},
                "article": {"type": "string"}})},
            "repair_ways": _STRING_LIST,
            "settlement": {"type": "array", "items": _object(["id", "when", "settled", "article"], {
                "id": {"type": "string"}, "when": {"type": "string"}, "settled": {"type": "string"},
                "article": {"type": "string"}})},
            "parameters": {"type": "array", "items": _object(["id", "value", "allowed", "interpretation"], {
                "id": {"type": "string"}, "value": {}, "allowed": {"type": "array"},
                "interpretation": {"type": "string"}})}})
    components["Deadline"] = _object(
        ["deadline", "kind", "article", "from", "from_means", "text", "label", "rulebook", "bound", "expression",
         "computed", "interpretation", "notes", "provenance"], {
            "deadline": ref("Case_date"), "kind": {"type": "string"}, "article": _NULL_STRING,
            "from": ref("Case_date"), "from_means": {"type": "string"}, "text": {"type": "string"},
            "label": _NULL_STRING, "rulebook": {"type": "string"}, "bound": {"enum": ["latest", "earliest"]},
            "expression": {"type": "string"}, "computed": ref("Case_date"), "interpretation": _NULL_STRING,
            "notes": _STRING_LIST, "provenance": provenance})
    components["StatusRequest"] = _object(["cases"], {"cases": {"type": "array", "items": ref("Case")}},
                                          additionalProperties=False)
    components["StatusRow"] = _object(list(COLUMNS), {
        **{name: _NULL_STRING for name in COLUMNS},
        "state": {"enum": ["normal", "suspended", "terminated", None]},
        "error": {"type": ["string", "null"], "description": "the located one-line error of a bad record"}})
    components["StatusAnswer"] = _object(["rows"], {"rows": {"type": "array", "items": ref("StatusRow")}})
    components["Health"] = _object(["status", "rulebooks"], {
        "status": {"const": "ok"}, "rulebooks": _STRING_LIST})
    served = {"generation": {"type": "integer"}, "loaded_at": {"type": "string"},
              "rulebooks": {"type": "array", "items": provenance},
              "skipped": {"type": "object", "additionalProperties": ref("Error")}}
    components["Ready"] = _object(["status", "generation", "rulebooks"], {
        "status": {"enum": ["ready", "not ready"]}, **served})
    components["Reloaded"] = _object(["status", "generation", "rulebooks"], {
        "status": {"const": "reloaded"}, "workers": {"type": "integer"}, **served})
    return components


_SAID = {401: "no or a wrong admin token", 404: "no such rulebook (or the admin routes are off)",
         413: "request body too large", 415: "the body is not JSON (content type)",
         422: "bad input: the located message of the CLI", 501: "not in this build of the engine",
         503: "no rulebook loaded"}


def body(name: str, *extra_types: str) -> Dict[str, Any]:
    """An ``openapi_extra`` request body of the component ``name`` (JSON, plus other media types)."""
    content: Dict[str, Any] = {"application/json": {"schema": ref(name)}}
    for media in extra_types:
        content[media] = {"schema": {"type": "string", "description": "one JSON object per line"}}
    return {"requestBody": {"required": True, "content": content}}


def responses(ok: str, *errors: int, media: str = "application/json") -> Dict[str, Any]:
    """Responses: ``ok`` on 200, the Error shape on each of ``errors`` (and 415/422 on every POST)."""
    schema = ref(ok) if media == "application/json" else {"type": "string"}
    out: Dict[str, Any] = {"200": {"description": "OK", "content": {media: {"schema": schema}}}}
    for status in errors:
        out[str(status)] = {"description": _SAID[status], "content": {"application/json": {"schema": ref("Error")}}}
    return out


def finish(document: Dict[str, Any]) -> Dict[str, Any]:
    """Add the components, operation ids and tags to FastAPI's document; drop FastAPI's own 422 shape."""
    document.setdefault("components", {}).setdefault("schemas", {}).update(schema_components())
    document["tags"] = TAGS
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            operation["operationId"] = OPERATION_IDS.get((method, path), operation.get("operationId"))
            for status, answer in operation.get("responses", {}).items():
                if status == "422":  # the engine validates bodies itself: located Error, not FastAPI's shape
                    answer["content"] = {"application/json": {"schema": ref("Error")}}
                    answer["description"] = _SAID[422]
    for name in ("HTTPValidationError", "ValidationError"):
        document["components"]["schemas"].pop(name, None)
    return document


__all__ = ["schema_components", "body", "responses", "finish", "ref", "OPERATION_IDS", "TAGS"]
