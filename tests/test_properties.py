"""Properties that hold for any input: one result per record, valid JSON Lines, the
exit status of the CLI contract — for arbitrary JSON values, mutated valid cases and
garbage lines, through every command."""

import json

from hypothesis import given
from hypothesis import strategies as st

from hotline_cli.io.sources import read_records
from strategies import JSON_VALUES, mutated_cases
from test_contract import VALID

COMMANDS = ["triage", "escalate", "followup", "summarize", "audit"]
KEY = {"triage": "verdict", "escalate": "step", "followup": "clocks", "summarize": "consultation", "audit": "rule"}

garbage = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"),
                  min_size=1, max_size=40).filter(lambda s: s.strip())
line = st.one_of(
    mutated_cases(VALID).map(lambda c: json.dumps(c, ensure_ascii=False)),
    JSON_VALUES.map(json.dumps),
    garbage,
)


def _record_lines(lines):
    """The numbers of the lines that are records: not blank (a BOM opening the file is not a record)."""
    return [i for i, x in enumerate(lines, 1) if (x[1:] if i == 1 and x.startswith("\ufeff") else x).strip()]


def _export(tmp_path_factory, lines):
    p = tmp_path_factory.mktemp("p") / "export.jsonl"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


@given(st.lists(line, min_size=1, max_size=6), st.sampled_from(COMMANDS))
def test_one_result_per_record_valid_jsonl_and_the_exit_status(hl, tmp_path_factory, lines, command):
    p = _export(tmp_path_factory, lines)
    run = hl(command, p, "--format", "jsonl", "--today", "2025-11-20")
    results = [json.loads(x) for x in run.out.splitlines()]  # always valid JSON
    numbers = _record_lines(lines)
    assert [r["source"] for r in results] == [f"{p}:{i}" for i in numbers]
    errors = [r for r in results if "error" in r]
    # a line per bad record; audit also says which case ids repeat (counted once in its summary)
    said = [x for x in run.err.splitlines() if not x.startswith("hotline: предупреждение: дело ")]
    assert len(said) == len(errors)
    if errors:
        expected = 2
    elif command == "audit" and any(f["severity"] == "error" for r in results for f in r["findings"]):
        expected = 1
    else:
        expected = 0
    assert run.code == expected
    for r in results:
        assert set(r) >= {"case_id", "source", "warnings"}
        assert ("error" in r) != (KEY[command] in r)  # an error result carries no decision
        if command == "audit" and "error" in r:
            assert [f["code"] for f in r["findings"]] == ["HL001"]


@given(st.lists(line, min_size=1, max_size=5))
def test_every_format_survives(hl, tmp_path_factory, lines):
    p = _export(tmp_path_factory, lines)
    for fmt in ("text", "json", "csv", "table"):
        run = hl("audit", p, "--format", fmt, "--today", "2025-11-20")
        assert run.code in (0, 1, 2)
        if fmt == "json":
            assert len(json.loads(run.out)) == len(_record_lines(lines))


@given(st.binary(max_size=300))
def test_reader_never_raises_on_bytes(tmp_path_factory, data):
    p = tmp_path_factory.mktemp("b") / "x.jsonl"
    p.write_bytes(data)
    records = list(read_records([str(p)]))
    assert records  # at least one record or one error
    lines = [x for x in data.split(b"\n") if x.strip()]
    assert len(records) == max(1, len(lines)) or not lines
    for r in records:
        assert (r.error is None) or r.data is None


@given(st.binary(max_size=300))
def test_reader_json_document_never_raises(tmp_path_factory, data):
    p = tmp_path_factory.mktemp("b") / "x.json"
    p.write_bytes(data)
    assert list(read_records([str(p)]))
