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


def _explained_by_jsonschema_alone(case):
    """contract.explain as it was: jsonschema over the whole record."""
    from unittest import mock

    import hotline_cli.io.contract as contract

    with mock.patch.object(contract, "_iter_errors", lambda data, name: FULL.iter_errors(data)):
        return contract.explain(case)


@settings(max_examples=200)
@given(mutated_cases(VALID, changes=(1, 4)))
def test_an_invalid_record_is_explained_as_jsonschema_explains_the_whole_record(case):
    """jsonschema is shown only the top-level properties the compiled check finds invalid: the same
    problems, in the same order, as when it walks the whole record."""
    from hotline_cli.io.contract import explain

    if FAST(case):
        return
    assert explain(case) == _explained_by_jsonschema_alone(case)


def test_the_pruned_explanation_keeps_every_kind_of_problem():
    from hotline_cli.io.contract import explain

    case = json.loads(json.dumps(VALID[0]))
    del case["case_id"]  # the root's own keyword: required
    case["channel"] = "phone"  # a top-level value
    case["city"]["asc_count"] = -1  # inside an object
    case["events"] = [{"type": "feedback_call", "at": "2025-13-01"}]  # the pattern, the if/then of an item
    got = explain(case)
    assert got == _explained_by_jsonschema_alone(case)
    assert [e["path"] for e in got] == ["/case_id", "/channel", "/city/asc_count", "/events/0/outcome"]


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


def test_a_missing_key_and_values_outside_their_lists_are_said_without_jsonschema():
    """The commonest problems — a key missing, a value not in its list — are said as jsonschema says
    them, without importing it (32 ms); anything else still goes to jsonschema."""
    import subprocess
    import sys

    case = json.loads(json.dumps(VALID[0]))
    del case["case_id"]
    del case["requests"]
    case["channel"] = "phone"
    case["schema_version"] = 7
    from hotline_cli.io.contract import explain

    got = explain(case)
    assert got == _explained_by_jsonschema_alone(case)
    assert [e["path"] for e in got] == ["/case_id", "/requests", "/channel", "/schema_version"]
    assert got[2]["message"] == ('значение "phone" не допускается; ожидается одно из: call, site_form, email; '
                                 'возможно, имелось в виду «call»')
    code = ("import json, sys\nfrom hotline_cli.io.contract import validate\n"
            f"e = validate(json.loads({json.dumps(json.dumps(case))}))\n"
            "print(e.path, 'jsonschema' in sys.modules)\n"
            "case = json.loads(" + repr(json.dumps(dict(case, case_id=""))) + ")\n"
            "validate(case)\nprint('jsonschema' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["/case_id", "False", "True"]  # an empty case_id (minLength) is jsonschema's to say
