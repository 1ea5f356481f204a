"""Supervisors and pipelines: the workbook, CSV for Excel, the summary as data, the exit
status a pipeline chooses, the rule book, the breakdown by person, the Python API."""

import csv
import io
import json
from datetime import datetime

import openpyxl
import pytest

from conftest import FIXTURES, write_jsonl
from hotline_cli import api

EXPORT = FIXTURES / "export.jsonl"


def statistics(hl, *inputs):
    run = hl("audit", *inputs, "--statistics", "--format", "json", "--today", "2025-11-20")
    assert run.code in (1, 2)
    return json.loads(run.out)


def test_the_audit_workbook_agrees_with_the_statistics(hl, tmp_path):
    out = tmp_path / "audit.xlsx"
    run = hl("audit", EXPORT, "--format", "xlsx", "-o", out, "--today", "2025-11-20")
    assert run.code == 2 and run.out == ""  # three broken records in the bundled export
    s = statistics(hl, EXPORT)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Итог", "Находки", "Дела", "Сроки", "Люди", "Люди × правила"]
    findings, cases, total = wb["Находки"], wb["Дела"], wb["Итог"]
    assert findings.max_row - 1 == sum(r["findings"] for r in s["rules"])  # a row per finding
    assert cases.max_row - 1 == s["read"]  # a row per record, clean cases too
    compliant = [row[7] for row in cases.iter_rows(min_row=2, values_only=True)]
    assert compliant.count("да") == s["compliant"] and compliant.count("нет") == s["read"] - s["compliant"]
    values = {row[0]: row[1] for row in total.iter_rows(values_only=True) if row[0]}
    assert values["Записей прочитано"] == s["read"] and values["Некорректных записей (HL001)"] == s["invalid"]
    assert values["Дел с ошибками"] == s["with_errors"] and values["Дел без замечаний"] == s["clean"]
    assert values["Соответствуют статье (без ошибок)"] == s["compliant"]
    assert abs(values["Доля соответствующих"] - s["compliance_rate"]) < 1e-9
    for r in s["rules"]:  # each code that found something, with its level; the silent ones are left out
        assert values.get(r["code"]) == (None if not r["findings"] else
                                         "ошибка" if r["severity"] == "error" else "предупреждение")
    # Russian headers, real dates, a frozen header row and an autofilter
    assert [c.value for c in findings[1]][:3] == ["Дата обращения", "Неделя", "Дело"]
    assert findings.freeze_panes == "A2" and findings.auto_filter.ref == "A1:N1"
    assert any(isinstance(row[0], datetime) for row in findings.iter_rows(min_row=2, values_only=True))


@pytest.mark.parametrize("command, sheet, header", [("triage", "Решения", "Ситуация"), ("followup", "Сроки", "Статус"),
                                                   ("escalate", "Шаги эксперта", "Шаг"),
                                                   ("summarize", "Консультации", "Результат"),
                                                   ("agenda", "План", "Срок")])
def test_every_case_command_writes_a_workbook(hl, tmp_path, command, sheet, header):
    out = tmp_path / "x.xlsx"
    run = hl(command, FIXTURES / "journeys", "--format", "xlsx", "-o", out, "--today", "2025-11-05")
    assert run.code in (0, 1), run.err
    ws = openpyxl.load_workbook(out)[sheet]
    assert header in [c.value for c in ws[1]] and ws.max_row > 1


def test_xlsx_needs_an_output_file(hl):
    run = hl("audit", EXPORT, "--format", "xlsx")
    assert run.code == 2 and "--output" in run.err


def test_csv_for_russian_excel(hl):
    run = hl("audit", FIXTURES / "audit" / "HL205_hit.json", "--format", "csv", "--excel", "--today", "2025-11-20")
    raw = run.result.stdout_bytes.decode("utf-8")  # as written (CliRunner's text turns CRLF into LF)
    assert raw.startswith("\ufeff") and "\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Дело", "Ситуация", "Код", "Уровень", "Находка"]  # what the workbook shows, in Russian
    assert [r[2:4] for r in rows[1:]] == [["HL205", "ошибка"], ["HL207", "предупреждение"]]
    plain = hl("audit", FIXTURES / "audit" / "HL205_hit.json", "--format", "csv", "--today", "2025-11-20").out
    assert not plain.startswith("\ufeff") and plain.splitlines()[0].count(",") == 5  # RFC 4180 for pipelines
    assert hl("audit", EXPORT, "--format", "json", "--excel").code == 2


def test_statistics_totals_add_up_in_every_format(hl):
    s = statistics(hl, FIXTURES / "cases", FIXTURES / "audit", FIXTURES / "journeys", EXPORT)
    # the same case in two inputs is counted once: its older copies are `repeated`
    assert s["repeated"] > 0 and s["duplicates"]
    assert s["invalid"] + s["with_errors"] + s["with_warnings_only"] + s["clean"] + s["repeated"] == s["read"]
    assert s["compliant"] == s["valid"] - s["with_errors"]
    assert s["valid"] == s["read"] - s["invalid"] - s["repeated"]
    # every breakdown adds up to the valid cases: a case naming nobody is the row «не указано»
    for dimension in ("situation", "week", "month", "city", "category", "channel", "operator", "expert"):
        assert sum(r["cases"] for r in s[f"by_{dimension}"]) == s["valid"], dimension
        if dimension not in ("operator", "expert"):  # a person's compliance is their own stage's
            assert sum(r["compliant"] for r in s[f"by_{dimension}"]) == s["compliant"], dimension
    assert s["worst"] and s["worst"][0]["errors"] >= s["worst"][-1]["errors"]
    jsonl = hl("audit", EXPORT, "--statistics", "--format", "jsonl", "--today", "2025-11-20").out
    assert len(jsonl.splitlines()) == 1 and json.loads(jsonl) == statistics(hl, EXPORT)
    rows = list(csv.DictReader(io.StringIO(hl("audit", EXPORT, "--statistics", "--format", "csv",
                                                 "--today", "2025-11-20").out)))
    assert {"total", "rule", "by_week", "by_operator"} <= {r["section"] for r in rows}
    text = hl("audit", EXPORT, "--statistics", "--today", "2025-11-20").out
    assert text.lstrip().startswith("Итого по выгрузке") and "Дело " not in text
    table = hl("audit", EXPORT, "--statistics", "--format", "table", "--today", "2025-11-20").out
    assert table.splitlines()[0].split()[:3] == ["Раздел", "Ключ", "Что"] and "HL205" in table


def test_exit_zero_and_all(hl, tmp_path):
    hit = FIXTURES / "audit" / "HL205_hit.json"
    assert hl("audit", hit, "--today", "2025-11-20").code == 1
    assert hl("audit", hit, "--today", "2025-11-20", "--exit-zero").code == 0
    assert hl("audit", EXPORT, "--today", "2025-11-20", "--exit-zero").code == 2  # a bad record still counts
    clean = FIXTURES / "audit" / "base_compliant.json"
    plain = hl("audit", clean, hit, "--format", "csv", "--today", "2025-11-20").out.splitlines()
    every = hl("audit", clean, hit, "--format", "csv", "--all", "--today", "2025-11-20").out.splitlines()
    assert len(every) == len(plain) + 1 and every[1].startswith("AUD-base-compliant,") and every[1].endswith(",,,")


def test_select_and_ignore_in_the_configuration(hl, tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('[audit]\nselect = ["HL2"]\nignore = ["HL207"]\n', encoding="utf-8")
    hit = FIXTURES / "audit" / "HL205_hit.json"
    run = hl("audit", hit, "--config", cfg, "--format", "jsonl", "--today", "2025-11-20")
    assert [x["code"] for x in run.jsonl()[0]["findings"]] == ["HL205"]
    run = hl("audit", hit, "--config", cfg, "--select", "HL3", "--format", "jsonl", "--today", "2025-11-20")
    assert run.jsonl()[0]["findings"] == []  # --select replaces the file's select
    cfg.write_text('[audit]\nselect = ["XX"]\n', encoding="utf-8")
    assert hl("audit", hit, "--config", cfg).code == 2


def test_findings_by_operator_and_expert(hl):
    s = statistics(hl, EXPORT)
    operators = {r["key"]: r for r in s["by_operator"]}
    assert set(operators) == {"Ковалёв Д.", "Смирнова Е."}
    assert sum(r["cases"] for r in s["by_operator"]) == sum(1 for r in hl(
        "audit", EXPORT, "--format", "jsonl", "--today", "2025-11-20").jsonl() if (r.get("case") or {}).get("operator"))
    experts = {r["key"]: r for r in s["by_expert"]}
    assert set(experts) == {"Орлова М.", None} and experts[None]["label"] == "не указано"
    assert sum(r["cases"] for r in s["by_expert"]) == s["valid"]  # every case once: one expert here


def test_the_rule_book(hl):
    listing = json.loads(hl("rules", "--format", "json").out)
    codes = [e["code"] for e in listing]
    assert codes[:10] == [f"R{i}" for i in range(10)] and "HL304" in codes and "HL001" in codes
    assert all(e["source"] and e["title"] for e in listing)
    assert [e["channels"] for e in listing if e["code"] == "HL206"] == [["call", "site_form"]]
    one = json.loads(hl("rules", "HL205", "--format", "json").out)
    assert [(x["what"], x["result"]) for x in one["examples"]] == [("нарушение", ["HL205", "HL207"]),
                                                                  ("почти, но не нарушение", ["HL207"])]
    text = hl("rules", "hl205").out
    assert text.startswith("HL205 — инженер молчит 3 рабочих дня") and "Откуда в статье: ВАЖНО" in text
    assert hl("rules", "HL999").code == 2


# ---------------------------------------------------------------- the Python API


def test_the_api_returns_exactly_what_jsonl_prints(hl, tmp_path):
    case = json.loads((FIXTURES / "journeys" / "email_awaiting.json").read_text(encoding="utf-8"))
    p = write_jsonl(tmp_path / "c.jsonl", [case])
    for name, fn in (("triage", api.triage), ("escalate", api.escalate), ("followup", api.followup),
                     ("summarize", api.summarize), ("audit", api.audit)):
        got = fn(case, today="2025-11-07")
        [expected] = hl(name, p, "--format", "jsonl", "--today", "2025-11-07").jsonl()
        expected["source"] = got["source"]  # the file's name, or the API's
        assert got == expected, name
    assert api.escalate(case, today="07.11.2025")["step"] == "await_answer"
    items = api.agenda(case, today="2025-11-07")["items"]
    assert [(x["due"], x["action"]) for x in items] == [("2025-11-07", "re_request")]


def test_the_api_raises_one_exception_with_the_russian_messages():
    case = json.loads((FIXTURES / "broken" / "wrong_enum.json").read_text(encoding="utf-8"))
    case["client"].pop("name")
    with pytest.raises(api.InvalidCase) as e:
        api.triage(case, today="2025-11-20")
    paths = [x["path"] for x in e.value.errors]
    assert "/client/name" in paths and "/product/category" in paths
    assert "нет обязательного поля «name»" in str(e.value)


def test_the_api_maps_an_iterable_of_json_lines():
    lines = (FIXTURES / "export.jsonl").read_text(encoding="utf-8").splitlines()
    results = list(api.run("audit", lines, today="2025-11-20", source="export"))
    assert len(results) == len([x for x in lines if x.strip()])
    assert sum("error" in r for r in results) == 3 and results[0]["source"] == "export:1"
