"""The compiled validator must say exactly what jsonschema says about the published schema."""

import json

import jsonschema
from hypothesis import given, settings

from conftest import FIXTURES
from hotline_cli.io.contract import fast_validator, load_schema, validate
from hotline_cli.io.schema_compiler import Unsupported, compile_schema
from strategies import JSON_VALUES, mutated_cases

FULL = jsonschema.Draft202012Validator(load_schema())
FAST = fast_validator()
VALID = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((FIXTURES / "cases").glob("*.json"))]
VALID += [json.loads(p.read_text(encoding="utf-8")) for p in sorted((FIXTURES / "audit").glob("*.json"))
          if "HL001_hit" not in p.name]

@settings(max_examples=300)
@given(mutated_cases(VALID))
def test_compiled_validator_agrees_with_jsonschema_on_mutated_cases(case):
    assert FAST(case) == FULL.is_valid(case)


@settings(max_examples=300)
@given(JSON_VALUES)
def test_compiled_validator_agrees_on_arbitrary_values(value):
    assert FAST(value) == FULL.is_valid(value)


def test_fixtures_are_valid():
    for case in VALID:
        assert FAST(case) and FULL.is_valid(case)


def test_integer_and_bool_edge_cases(make_case):
    c = make_case()
    c["city"]["asc_count"] = 2.0  # JSON Schema: an integer may be written 2.0
    assert FAST(c) == FULL.is_valid(c) is True
    c["city"]["asc_count"] = True  # a boolean is not a number
    assert FAST(c) == FULL.is_valid(c) is False
    c = make_case(schema_version=True)
    assert FAST(c) == FULL.is_valid(c) is False


def test_unsupported_keyword_is_refused():
    try:
        compile_schema({"type": "object", "oneOf": [{"type": "object"}]})
    except Unsupported:
        return
    raise AssertionError("oneOf must not be silently ignored")


def test_validate_reports_every_problem_with_a_pointer(make_case):
    c = make_case(channel="phone")
    c["client"].pop("name")
    err = validate(c)
    assert err.path == "/channel"
    assert [d["path"] for d in err.details] == ["/client/name"]
