"""Contracts for scripts: every command's jsonl result validates against its published schema
(schemas/results/), for every fixture and a generated export; an error always has its path,
message and details."""

import json

import jsonschema
import pytest

from conftest import FIXTURES, ROOT
from strategies import generated_export

COMMANDS = ["triage", "escalate", "followup", "summarize", "audit", "agenda"]
INPUTS = [FIXTURES / d for d in ("cases", "journeys", "audit", "agenda", "broken", "hostile")] + \
    [FIXTURES / "export.jsonl"]


def schema(name):
    return jsonschema.Draft202012Validator(
        json.loads((ROOT / "schemas" / "results" / f"{name}.schema.json").read_text(encoding="utf-8")))


def generated(tmp_path):
    p = tmp_path / "gen.jsonl"
    generated_export(p, 60, seed=3)
    return p


@pytest.mark.parametrize("command", COMMANDS)
def test_every_result_validates_against_its_schema(hl, tmp_path, command):
    v = schema(command)
    for inputs in (INPUTS, [generated(tmp_path)]):
        run = hl(command, *inputs, "--format", "jsonl", "--today", "2025-11-20")
        results = run.jsonl()
        assert results
        for r in results:
            errors = sorted(v.iter_errors(r), key=str)
            assert not errors, (r.get("source"), [e.message for e in errors][:3])
            if "error" in r:
                assert set(r["error"]) == {"path", "message", "details"} and isinstance(r["error"]["details"], list)


def test_statistics_and_workdays_validate(hl):
    run = hl("audit", *INPUTS, "--format", "json", "--statistics", "--today", "2025-11-20")
    schema("statistics").validate(json.loads(run.out))
    for args in (["add", "2025-10-31", "3"], ["between", "2025-10-31", "2025-11-06"], ["year", "2025"]):
        schema("workdays").validate(json.loads(hl("workdays", *args, "--format", "json").out))


def test_the_schemas_say_what_they_forbid(hl):
    v = schema("audit")
    [r] = hl("audit", FIXTURES / "audit" / "HL205_hit.json", "--format", "jsonl", "--today", "2025-11-20").jsonl()
    r["findings"][0]["severity"] = "fatal"
    assert list(v.iter_errors(r))


@pytest.mark.parametrize(("text", "written"), [
    ("a\x7fb", b'"a\\u007fb"'),  # DEL alone
    ("a\x85b", b'"a\\u0085b"'),  # a C1 control alone (NEL)
    ("a\x9bb", b'"a\\u009bb"'),  # the terminal's CSI
    ("a\u2028b\u2029", b'"a\\u2028b\\u2029"'),  # the line and paragraph separators alone
    ("«ё» — №\u00a0\u2027\u202a", '"«ё» — №\u00a0\u2027\u202a"'.encode()),  # their neighbours stay as they are
])
def test_unsafe_characters_are_escaped_each_alone(text, written):
    from hotline_cli.io import writers

    assert writers.dumps_bytes(text) == written
    assert writers.jsonl_block([writers.jsonl_line(text), writers.jsonl_line("x")]) == written + b'\n"x"\n'
