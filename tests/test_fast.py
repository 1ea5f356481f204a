"""The contract's fast path (io/fast.py) against the full path (strict reader + schema):
the same case or the same error for every record, the known traps of msgspec each refused,
the types compiled from the schema equal to the schema, and whole runs byte-identical."""

import json
import os
import subprocess
import sys
import typing
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, ROOT
from hotline_cli.io.contract import fast_reader, load_schema
from hotline_cli.io.fast import _Compiler
from hotline_cli.io.records import Record
from hotline_cli.io.sources import resolve
from hotline_cli.run import pipeline
from strategies import JSON_VALUES, cases, mutated_cases

FAST = fast_reader()


def _seeds() -> list[dict]:
    """The valid cases of the fixtures: the export's good lines and every case file (without
    the case files' own notes, x_note: a field outside the contract is never proven)."""
    texts = (FIXTURES / "export.jsonl").read_text(encoding="utf-8").splitlines()
    texts += [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "cases").glob("*.json"))]
    out = []
    for text in texts:
        try:
            data = json.loads(text)
        except ValueError:
            continue
        if isinstance(data, dict) and not isinstance(pipeline.to_case(Record("x", data=data)), dict):
            out.append({k: v for k, v in data.items() if not k.startswith("x_")})
    return out


SEEDS = _seeds()


def line(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


def strict(a, b) -> bool:
    """Equal, and of the same types all the way down (1 is not 1.0 here)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(strict(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(strict(x, y) for x, y in zip(a, b))
    return a == b


def both_paths(raw: bytes):
    """(the full path's Case or error result, the data it read; the same for the pipeline's path)."""
    full = resolve(Record("x:1", raw=raw))
    ours = pipeline.parsed(Record("x:1", raw=raw))
    return (pipeline.to_case(full), full.data), (pipeline.to_case(ours), ours.data), ours.valid


def assert_same(raw: bytes) -> bool:
    (case_full, data_full), (case_fast, data_fast), proven = both_paths(raw)
    assert case_full == case_fast
    assert strict(data_full, data_fast)
    if proven:  # what the fast path proves, the schema accepts (a zone or a date that does not exist is the model's)
        assert pipeline.checked(resolve(Record("x:1", raw=raw))) is None, case_full
    return proven


def test_the_schema_compiles_to_a_fast_path():
    assert FAST is not None


def test_every_seed_is_proven_and_read_alike():
    assert SEEDS
    for seed in SEEDS:
        assert assert_same(line(seed)), seed["case_id"]


# ---------------------------------------------------------------- the known traps, each refused


def seed() -> dict:
    return json.loads(json.dumps(SEEDS[0]))


@pytest.mark.parametrize("raw, why", [
    (line(seed())[:-1] + b', "case_id": "other"}', "a key twice: msgspec keeps the last"),
    (line(dict(seed(), x_extra="поле вне контракта")), "a field outside the contract: msgspec drops it"),
    (line(seed()).replace(b'"client": {', b'"client": {"x_note": 1, ', 1), "an extra field inside an object"),
    (line(dict(seed(), case_id='H-\\u0022')).replace(b'H-\\\\u0022', b'H-\\u0022'), "a quote written as \\u0022"),
    (line(seed()).replace(b'"case_id": "', b'"case_id": "\\ud800', 1), "a lone surrogate"),
    (b"\xef\xbb\xbf" + line(seed()), "a byte order mark"),
    (line(seed()).replace(b'"asc_count": 1', b'"asc_count": 1.0', 1), "1.0 for an integer"),
    (line(seed()).replace(b'"price": 54990', b'"price": 1e400', 1), "a number out of range"),
    (line(seed()).replace(b'"price": 54990', b'"price": NaN', 1), "NaN"),
    (line(seed()).replace(b'"price": 54990', b'"price": ' + b"9" * 5000, 1), "5000 digits"),
    (line(seed()).replace(b'"opened_at": "2025-11-12T09:05:00+03:00"', b'"opened_at": "2025-11-12"', 1),
     "a bare date (kept as a string: the full path's own parsing)"),
    (line(seed()).replace(b'"channel": "call"', b'"channel": "phone"', 1), "a value outside an enum"),
    (line(seed()) + b" trailing", "text after the value"),
    (line({k: v for k, v in seed().items() if k != "client"}), "a required field missing"),
], ids=lambda v: "line" if isinstance(v, bytes) else v.split(":")[0].split(" (")[0].replace(" ", "-"))
def test_a_trap_is_read_by_the_full_path_alike(raw, why):
    assert_same(raw)
    if why.startswith("a bare date"):
        return  # valid, and proven: the timestamp stays a string either way
    assert FAST(raw) is None, why


def test_a_bare_date_stays_a_string():
    raw = line(seed()).replace(b'"opened_at": "2025-11-12T09:05:00+03:00"', b'"opened_at": "2025-11-12"', 1)
    data = FAST(raw)
    assert data is not None and data["opened_at"] == "2025-11-12"


@pytest.mark.parametrize("where", ["opened_at", "requests", "events"])
@pytest.mark.parametrize("stamp", ["2025-11-12T9:05", "12.11.2025", "2025-11-12T09:05:00+3", "2025-11-12 ",
                                   "2025-11-12T09:05:00.1234567", "x2025-11-12"])
def test_a_timestamp_outside_the_pattern_is_not_proven_anywhere(where, stamp):
    """The timestamps' pattern is searched by the fast path itself, each distinct text once: a
    text outside it is never proven, wherever it stands, even right after valid ones were seen."""
    case = seed()
    case["requests"] = [dict(case["requests"][0], created_at="2025-10-01")] if case["requests"] else []
    case["events"] = [{"type": "expert_call", "at": "2025-11-13T10:00:00+03:00"}]
    assert FAST(line(case)) is not None  # these texts are now remembered as matched
    if where == "opened_at":
        case["opened_at"] = stamp
    elif where == "requests":
        case["requests"] = [dict(SEEDS[0]["requests"][0] if SEEDS[0]["requests"] else {"number": "1",
                                                                                      "type": "repair"},
                                 created_at=stamp)]
    else:
        case["events"].append({"type": "expert_call", "at": stamp})
    assert FAST(line(case)) is None, (where, stamp)
    assert_same(line(case))


def test_a_condition_of_the_schema_is_checked():
    """A feedback call without its outcome is invalid by the schema's if/then: not proven."""
    case = seed()
    case["events"] = [{"type": "feedback_call", "at": "2025-11-20T10:00:00+03:00"}]
    assert FAST(line(case)) is None
    assert isinstance(both_paths(line(case))[0][0], dict)  # the full path's error result
    case["events"][0]["outcome"] = "accepted"
    assert assert_same(line(case))


@pytest.mark.parametrize("kind, needed, value", [("feedback_call", "outcome", "accepted"),
                                                  ("claim", "demand", "refund"),
                                                  ("claim_satisfied", "demand", "exchange")])
def test_each_condition_is_checked_at_every_event(kind, needed, value):
    """Every if/then of the schema, at an event after others that need nothing: not proven
    without the key it requires, proven and read alike with it."""
    case = seed()
    case["events"] = [{"type": "expert_call", "at": "2025-11-19T10:00:00+03:00"},
                      {"type": "feedback_call", "at": "2025-11-19T11:00:00+03:00", "outcome": "accepted"},
                      {"type": kind, "at": "2025-11-20T10:00:00+03:00"}]
    assert FAST(line(case)) is None, kind
    assert isinstance(both_paths(line(case))[0][0], dict)
    case["events"][-1][needed] = value
    assert assert_same(line(case)), kind


def test_a_line_with_escapes_but_no_quote_escape_is_proven():
    """Escapes other than a quote's (a line break in a body, a backslash, a quote as \\") leave the
    line proven and read alike; a quote written as \\u0022 among them is still refused."""
    case = seed()
    case["events"] = [{"type": "expert_call", "at": "2025-11-19T10:00:00+03:00",
                       "body": 'Клиент: "не согласен"\nпуть C:\\acts'}]
    raw = line(case)
    assert b"\\n" in raw and b'\\"' in raw and b"\\\\" in raw
    assert assert_same(raw)
    assert FAST(raw.replace(b"\\n", b"\\u0022", 1)) is None


def test_a_key_twice_hidden_by_quotes_written_as_escapes_is_refused():
    """The quote count alone is fooled when a dropped key's four quotes are made up by four
    quotes written as \\u0022 (each written back as \\"): such a line is never proven."""
    case = seed()
    case["client"]["name"] = "Иванов QQQQ"
    raw = line(case).replace(b"QQQQ", b"\\u0022" * 4)[:-1] + b', "case_id": "H-other"}'
    assert FAST(raw) is None
    assert isinstance(both_paths(raw)[0][0], dict)  # the full path: a key twice is an error


# ---------------------------------------------------------------- generated and mutated records

@st.composite
def mutated(draw):
    """A case's line with a few changes, and sometimes a key written twice (a dict cannot hold it)."""
    raw = line(draw(mutated_cases(SEEDS, changes=(0, 3))))
    if draw(st.booleans()):
        raw = raw[:-1] + b', "case_id": ' + json.dumps(draw(JSON_VALUES)).encode() + b"}"
    return raw


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_fast_and_full_paths_agree_on_mutated_records(raw):
    assert_same(raw)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_generated_cases_read_alike(case):
    """Every part, every event type, bare dates and times: the same case, and proven when valid."""
    raw = line(case)
    proven = assert_same(raw)
    if not isinstance(pipeline.to_case(resolve(Record("x:1", raw=raw))), dict):
        assert proven  # a valid case of the contract's own fields is always proven


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SEEDS), st.text(min_size=1, max_size=20))
def test_any_text_in_a_field_reads_alike(case, text):
    case = json.loads(json.dumps(case))
    case["client"]["name"] = text
    case["product"]["model"] = text
    assert_same(line(case))
    assert_same(json.dumps(case).encode())  # \\u escapes instead of raw characters


# ---------------------------------------------------------------- the types are the schema's


def _literal_values(t):
    origin = typing.get_origin(t)
    if origin is typing.Literal:
        return set(typing.get_args(t))
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        out = set()
        for a in typing.get_args(t):
            out |= _literal_values(a)
        return out
    return set()


def _objects(schema, root):
    """(name, object schema) of every object in the schema, $refs followed."""
    seen = []

    def walk(s, name):
        if not isinstance(s, dict):
            return
        if "$ref" in s:
            key = s["$ref"].removeprefix("#/$defs/")
            walk(root["$defs"][key], key)
            return
        if s.get("type") == "object" or "properties" in s:
            seen.append((name, s))
        for k, v in (s.get("properties") or {}).items():
            walk(v, f"{name}.{k}")
        if "items" in s:
            walk(s["items"], name + "[]")
        for v in s.get("anyOf", ()):
            walk(v, name)

    walk(schema, "case")
    return seen


def _typed_dicts(t, out):
    if isinstance(t, type) and typing.is_typeddict(t):
        if t in out:
            return
        out.append(t)
        for v in typing.get_type_hints(t, include_extras=True).values():
            _typed_dicts(v, out)
        return
    for a in typing.get_args(t):
        _typed_dicts(a, out)


def test_the_types_have_the_schema_s_fields_required_keys_and_enums():
    schema = load_schema()
    compiled = _Compiler(schema).type(schema, "case")
    dicts: list = []
    _typed_dicts(compiled, dicts)
    objects = _objects(schema, schema)
    assert len(dicts) == len(objects)
    for (name, s), td in zip(objects, dicts):
        assert set(td.__annotations__) == set(s.get("properties", {})) | set(s.get("required", ())), name
        assert set(td.__required_keys__) == set(s.get("required", ())), name
        hints = typing.get_type_hints(td)
        for key, prop in s.get("properties", {}).items():
            if "$ref" in prop:
                prop = schema["$defs"][prop["$ref"].removeprefix("#/$defs/")]
            if "enum" in prop:
                assert _literal_values(hints[key]) == set(prop["enum"]), f"{name}.{key}"


# ---------------------------------------------------------------- whole runs, byte for byte

FULL_ONLY = ("import sys, hotline_cli.run.pipeline as p\n"
             "p.fast_reader = lambda name='case.schema.json': None\n"
             "from hotline_cli.cli import main\nmain()\n")


def _both_runs(tmp_path, *args):
    env = dict(os.environ, COLUMNS="100")
    runs = []
    for code in (FULL_ONLY, "from hotline_cli.cli import main\nmain()\n"):
        runs.append(subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True,
                                   cwd=tmp_path, env=env, timeout=600))
    return runs


def _as_jsonl(folder, tmp_path):
    """Every case of a folder of .json fixtures as one JSON Lines file (the fast path reads lines)."""
    out = tmp_path / (folder.name + ".jsonl")
    lines = []
    for p in sorted(folder.glob("*.json")):
        text = p.read_bytes()
        try:
            lines.append(line(json.loads(text)))
        except (ValueError, RecursionError):
            lines.append(text.replace(b"\n", b" "))  # broken on purpose: kept broken, on one line
    out.write_bytes(b"\n".join(lines) + b"\n")
    return out


@pytest.mark.parametrize("command", ["triage", "escalate", "followup", "summarize", "audit", "agenda"])
def test_fixtures_and_hostile_corpus_byte_identical(tmp_path, command):
    inputs = [FIXTURES / "export.jsonl", *sorted((FIXTURES / "hostile").glob("*.jsonl"))]
    inputs += [_as_jsonl(FIXTURES / name, tmp_path) for name in ("cases", "audit", "journeys", "hostile", "broken")]
    for fmt in ("jsonl", "text"):
        full, fast = _both_runs(tmp_path, command, *inputs, "--today", "2025-11-20", "--format", fmt)
        assert full.returncode == fast.returncode
        assert full.stderr == fast.stderr
        assert full.stdout == fast.stdout
        assert full.stdout


def test_benchmark_export_byte_identical_through_the_worker_pool(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench

    export = tmp_path / "export.jsonl"
    bench.generate(str(export), 3000)
    full, fast = _both_runs(tmp_path, "audit", export, "--today", bench.TODAY, "--format", "jsonl", "--jobs", "2")
    assert (full.returncode, fast.returncode) == (2, 2)
    assert full.stderr == fast.stderr and full.stderr.count(b"\n") > 10
    assert full.stdout == fast.stdout and fast.stdout.count(b"\n") == 3000
    assert date.fromisoformat(bench.TODAY)
