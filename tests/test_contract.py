"""The compiled validator must say exactly what jsonschema says about the published schema."""

import copy
import json

import jsonschema
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES
from hotline_cli.io.contract import fast_validator, load_schema, validate
from hotline_cli.io.schema_compiler import Unsupported, compile_schema

FULL = jsonschema.Draft202012Validator(load_schema())
FAST = fast_validator()
VALID = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((FIXTURES / "cases").glob("*.json"))]
VALID += [json.loads(p.read_text(encoding="utf-8")) for p in sorted((FIXTURES / "audit").glob("*.json"))
          if "HL001_hit" not in p.name]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(allow_nan=False, allow_infinity=False, width=16)
    | st.sampled_from(["", "x", "call", "email", "air_conditioner", "2025-10-31", "2025-10-31T10:15:00+03:00",
                       "no_fault", "feedback_call", "claim", "accepted", "refund", "Europe/Moscow", "1.0"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(
        st.sampled_from(["name", "type", "at", "outcome", "demand", "number", "category", "x"]), children, max_size=3),
    max_leaves=8)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, prefix + (i,))


@st.composite
def mutated_cases(draw):
    case = copy.deepcopy(draw(st.sampled_from(VALID)))
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(case) if p]
        path = draw(st.sampled_from(paths))
        parent = case
        for key in path[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "replace":
            parent[path[-1]] = draw(json_values)
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(["extra", "outcome", "demand", "conclusion"]))] = draw(json_values)
        else:
            parent.append(draw(json_values))
    return case


@settings(max_examples=300)
@given(mutated_cases())
def test_compiled_validator_agrees_with_jsonschema_on_mutated_cases(case):
    assert FAST(case) == FULL.is_valid(case)


@settings(max_examples=300)
@given(json_values)
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
