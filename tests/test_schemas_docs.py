"""Editor support for officers: bilingual schema titles, and the schema line at the top of every rulebook."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = sorted((ROOT / "schemas").glob("*.schema.json"))
RULEBOOK_FILES = sorted((ROOT / "rulebooks").glob("*.yaml")) + sorted((ROOT / "tests" / "data" / "rulebooks").glob("*.yaml"))
CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")


def property_schemas(node, path=""):
    """(path, schema) of every named property, wherever it is nested."""
    if not isinstance(node, dict):
        return
    for key, sub in (node.get("properties") or {}).items():
        if isinstance(sub, dict):
            yield f"{path}.{key}", sub
            yield from property_schemas(sub, f"{path}.{key}")
    for key, sub in (node.get("$defs") or {}).items():
        yield from property_schemas(sub, f"$defs.{key}")
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), dict):
            yield from property_schemas(node[key], path + ("[]" if key == "items" else ".*"))
    for key in ("oneOf", "anyOf", "allOf"):
        for sub in node.get(key) or ():
            yield from property_schemas(sub, path)


@pytest.mark.parametrize("schema_path", SCHEMAS, ids=[p.name for p in SCHEMAS])
def test_every_property_has_a_title_in_chinese_and_english(schema_path):
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    assert CJK.search(schema["title"]) and LATIN.search(schema["title"])
    # a title, and Chinese and English between the title and the description
    missing = [path for path, sub in property_schemas(schema)
               if not (sub.get("title") and CJK.search(sub["title"] + sub.get("description", ""))
                       and LATIN.search(sub["title"] + sub.get("description", "")))]
    assert not missing, (f"{schema_path.name}: these properties need a title in English and Chinese, e.g. "
                         f'"title": "Deadlines / 期限" (tools/schema_titles.py can add them): {missing}')


@pytest.mark.parametrize("path", RULEBOOK_FILES, ids=[p.name for p in RULEBOOK_FILES])
def test_every_rulebook_names_its_schema_for_editors(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match, (f"{path.relative_to(ROOT)} must start with the line "
                   "'# yaml-language-server: $schema=../schemas/rulebook.schema.json' so editors validate it")
    assert (path.parent / match.group(1)).resolve() == (ROOT / "schemas" / "rulebook.schema.json").resolve()
