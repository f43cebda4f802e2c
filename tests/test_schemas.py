"""The contract in both directions: every golden case is a valid case, every result a valid result."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from engine.officer.golden import golden_files
from engine.base.schemas import load_schema, schema_dir

CASE_FILES = [p for p in golden_files()
              if "expect_error" not in yaml.safe_load(p.read_text(encoding="utf-8"))
              and yaml.safe_load(p.read_text(encoding="utf-8")).get("kind", "evaluate") == "evaluate"]


def _plain_case(path):
    # Load without YAML timestamps, as the engine does: dates are text in the contract.
    from engine.base.documents import load_yaml_file

    return load_yaml_file(str(path)).data["case"]


@pytest.mark.parametrize("name", ["rulebook", "case", "result"])
def test_schemas_are_valid_draft_2020_12(name):
    schema = load_schema(name)
    assert schema["$schema"].endswith("2020-12/schema")
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_golden_case_and_its_result_follow_the_schemas(path):
    import engine

    case = _plain_case(path)
    jsonschema.validate(case, load_schema("case"))
    result = engine.load_rulebook(case["rulebook"]).evaluate(case, source=str(path))
    jsonschema.validate(json.loads(json.dumps(result)), load_schema("result"))


def test_example_case_follows_the_schema():
    from engine.base.documents import load_yaml_file

    case = load_yaml_file(str(schema_dir().parent / "examples" / "inner-mongolia-case.yaml")).data
    jsonschema.validate(case, load_schema("case"))
