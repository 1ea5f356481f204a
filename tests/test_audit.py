"""audit: every code has a fixture that triggers it and a near miss that must not.

Each fixture in fixtures/audit/ carries, as extra fields the contract ignores, the
findings worked out by hand (`x_expected_findings`), the date judged at (`x_today`) and
why (`x_note`)."""

import json
from pathlib import Path

import pytest

from conftest import FIXTURES, write_jsonl
from hotline_cli.procedure.audit import CODES as RULES
from hotline_cli.procedure.audit import select_rules

AUDIT = sorted((FIXTURES / "audit").glob("*.json"))


def _load(p: Path) -> dict:
    return json.loads(p.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", AUDIT, ids=[p.stem for p in AUDIT])
def test_fixture_findings(hl, path):
    spec = _load(path)
    run = hl("audit", path, "--today", spec["x_today"], "--format", "jsonl")
    [r] = run.jsonl()
    assert sorted(x["code"] for x in r["findings"]) == spec["x_expected_findings"], spec["x_note"]
    errors = any(RULES[c].severity == "error" for c in spec["x_expected_findings"])
    assert run.code == (2 if "error" in r else 1 if errors else 0)
    for x in r["findings"]:
        assert x["severity"] == RULES[x["code"]].severity and x["message"]


def test_every_code_has_a_hit_and_a_near_miss():
    stems = {p.stem for p in AUDIT}
    for code in RULES:
        assert f"{code}_hit" in stems and f"{code}_miss" in stems, code
        assert code in _load(FIXTURES / "audit" / f"{code}_hit.json")["x_expected_findings"]
        assert code not in _load(FIXTURES / "audit" / f"{code}_miss.json")["x_expected_findings"]


def test_rule_codes_are_the_specs():
    assert sorted(RULES) == ["HL001", "HL101", "HL102", "HL103", "HL104", "HL105", "HL106", "HL107",
                             "HL108", "HL109", "HL201", "HL202", "HL203", "HL204", "HL205", "HL206",
                             "HL207", "HL208", "HL209", "HL210", "HL211", "HL212", "HL301", "HL302",
                             "HL303", "HL304"]


def test_absent_parts_are_not_audited(hl, tmp_path, make_case):
    # no hotline part, no events, no consultation: nothing to judge, nothing fires
    c = make_case(city={"name": "Казань", "asc_count": 2})  # situation 1
    [r] = hl("audit", write_jsonl(tmp_path / "a.jsonl", [c]), "--today", "2025-11-20", "--format", "jsonl").jsonl()
    assert (r["situation"], r["findings"]) == (1, [])


def test_summary_totals_add_up(hl):
    folders = [FIXTURES / d for d in ("cases", "audit", "broken")] + [FIXTURES / "export.jsonl"]
    run = hl("audit", *folders, "--today", "2025-11-20")
    assert run.code == 2  # invalid records win over findings
    lines = run.out.splitlines()

    def num(prefix):
        [line] = [x for x in lines if x.strip().startswith(prefix)]
        return int(line.split(":")[1].split()[0])

    read = num("записей прочитано")
    invalid, errors, warnings, clean = (num("некорректных записей"), num("дел с ошибками"),
                                        num("дел только с предупреждениями"), num("дел без замечаний"))
    # the same case_id in cases/ and in export.jsonl is counted once: the older copies are repeats
    assert invalid + errors + warnings + clean + num("повторы дел") == read
    files = [p for f in folders for p in ([f] if f.is_file() else f.rglob("*.json*"))]
    empty = [p for p in files if not p.read_text(encoding="utf-8").strip()]  # an input that holds no record
    inputs = sum(1 for p in files if p.suffix == ".json" and p not in empty) + sum(
        sum(1 for line in p.read_text(encoding="utf-8").splitlines() if line.strip())
        for p in files if p.suffix == ".jsonl" and p not in empty)
    assert read == inputs
    assert num("входов без записей") == len(empty) == 1  # fixtures/broken/empty.json
    at = lines.index("По ситуациям при обращении (дел, без ошибок, находок):") + 1
    sit_lines = []
    while at < len(lines) and lines[at].startswith("  "):
        sit_lines.append(lines[at])
        at += 1
    # «  ситуация 2: 48, 29 (60 %), 33»: cases, compliant (share), findings
    assert sum(int(x.rsplit(": ", 1)[1].split(",")[0]) for x in sit_lines) == read - invalid - num("повторы дел")


def test_exit_1_on_error_findings_0_on_warnings_only(hl):
    assert hl("audit", FIXTURES / "audit" / "HL202_hit.json", "--today", "2025-11-20").code == 1
    assert hl("audit", FIXTURES / "audit" / "HL107_hit.json", "--today", "2025-11-20").code == 0
    assert hl("audit", FIXTURES / "audit" / "base_compliant.json", "--today", "2025-11-20").code == 0


def test_invalid_record_is_hl001_with_its_pointer(hl):
    run = hl("audit", FIXTURES / "audit" / "HL001_hit.json", "--today", "2025-11-20", "--format", "jsonl")
    [r] = run.jsonl()
    assert r["error"]["path"] == "/product/category"
    assert r["findings"] == [{"code": "HL001", "severity": "error",
                              "message": r["error"]["path"] + ": " + r["error"]["message"]}]


def test_select_and_ignore(hl):
    f = FIXTURES / "audit" / "HL205_hit.json"
    codes = lambda *a: [x["code"] for x in hl("audit", f, "--today", "2025-11-20", "--format", "jsonl", *a)
                        .jsonl()[0]["findings"]]
    assert codes() == ["HL205", "HL207"]
    assert codes("--ignore", "HL207") == ["HL205"]
    assert codes("--select", "HL2") == ["HL205", "HL207"]
    assert codes("--select", "HL1,HL3") == []
    assert codes("--select", "HL205", "--select", "HL207", "--ignore", "HL205") == ["HL207"]
    run = hl("audit", f, "--select", "HL999")
    assert run.code == 2 and "HL999" in run.err
    assert [r.code for r in select_rules(["hl30"])] == ["HL301", "HL302", "HL303", "HL304"]


def test_csv_is_one_row_per_finding(hl):
    run = hl("audit", FIXTURES / "audit" / "HL211_hit.json", "--today", "2025-11-07", "--format", "csv")
    lines = run.out.splitlines()
    assert lines[0] == "case_id,source,situation,code,severity,message"
    assert [line.split(",")[3] for line in lines[1:]] == ["HL211", "HL211"]


def test_text_report_names_the_facts(hl):
    run = hl("audit", FIXTURES / "audit" / "HL205_hit.json", "--today", "2025-11-20")
    assert "HL205 ошибка: цикл 1: запрос инженеру 31.10.2025, ответа к 06.11.2025 нет, повторного запроса " \
           "до 07.11.2025 включительно нет" in run.out
    assert "соответствуют статье (без ошибок): 0 из 1" in run.out
