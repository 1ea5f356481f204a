"""Reading inputs: files, folders, JSON Lines, stdin, and broken records in a batch."""

import json

from conftest import FIXTURES, write_jsonl


def test_broken_batch_reports_each_record_and_goes_on(hl):
    run = hl("triage", FIXTURES / "export.jsonl", "--format", "jsonl")
    assert run.code == 2
    results = run.jsonl()
    lines = (FIXTURES / "export.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(results) == len(lines)  # one result per record, in input order
    assert [r["source"] for r in results] == [f"{FIXTURES / 'export.jsonl'}:{i}" for i in range(1, len(lines) + 1)]
    errors = {r["source"].rsplit(":", 1)[1]: r["error"] for r in results if "error" in r}
    assert set(errors) == {"4", "7", "10"}
    assert errors["7"]["path"] == "/product/category" and "fridge" in errors["7"]["message"]
    assert errors["10"]["path"] == "/client/name"
    assert "обрывается" in errors["4"]["message"]
    err_lines = run.err.splitlines()
    assert any("export.jsonl:7: /product/category:" in e for e in err_lines)
    assert any("export.jsonl:10: /client/name: нет обязательного поля «name»" in e for e in err_lines)
    assert any("export.jsonl:4:" in e and "неверный JSON" in e for e in err_lines)
    assert sum(1 for r in results if "verdict" in r) == len(lines) - 3


def test_broken_folder_each_file_has_its_message(hl):
    run = hl("triage", FIXTURES / "broken", "--format", "jsonl")
    assert run.code == 2
    err = run.err
    assert "empty.json: пустой файл" in err
    assert "missing_client_name.json: /client/name: нет обязательного поля «name»" in err
    assert "wrong_enum.json: /product/category" in err
    assert "impossible_date.json: /events/0/at:" in err
    assert "unknown_timezone.json: /city/timezone: неизвестный часовой пояс" in err
    assert "truncated.jsonl:2:" in err
    # the one valid record of truncated.jsonl still gets its verdict
    assert [r["verdict"] for r in run.jsonl() if "verdict" in r] == ["site_form_consultation"]


def test_stdin_jsonl_and_document(hl, make_case):
    a, b = make_case(case_id="A"), make_case(case_id="B")
    run = hl("triage", "--format", "jsonl", input=json.dumps(a) + "\n\n" + json.dumps(b) + "\n")
    assert [(r["case_id"], r["source"]) for r in run.jsonl()] == [("A", "<stdin>:1"), ("B", "<stdin>:3")]
    doc = json.dumps([a, b], indent=2)
    starts = [i for i, line in enumerate(doc.splitlines(), 1) if line == "  {"]  # each element's first line
    run = hl("triage", "-", "--format", "jsonl", input=doc)
    assert [(r["case_id"], r["source"]) for r in run.jsonl()] == [("A", f"<stdin>:{starts[0]}"),
                                                                  ("B", f"<stdin>:{starts[1]}")]
    run = hl("triage", "--format", "jsonl", input=json.dumps(a, indent=2))
    assert [r["case_id"] for r in run.jsonl()] == ["A"]


def test_json_array_elements_keep_their_lines(hl, tmp_path, make_case):
    p = tmp_path / "two.json"
    p.write_text("[\n" + json.dumps(make_case(case_id="A")) + ",\n\n" + json.dumps(make_case(case_id="B")) + "\n]\n")
    assert [r["source"] for r in hl("triage", p, "--format", "jsonl").jsonl()] == [f"{p}:2", f"{p}:4"]


def test_missing_file_is_an_error_record_not_a_crash(hl, tmp_path, make_case):
    good = write_jsonl(tmp_path / "ok.jsonl", [make_case()])
    run = hl("triage", tmp_path / "nope.json", good, "--format", "jsonl")
    assert run.code == 2
    results = run.jsonl()
    assert "error" in results[0] and "verdict" in results[1]
    assert "nope.json: файл не найден" in run.err


def test_not_an_object(hl):
    run = hl("triage", "--format", "jsonl", input="[1, \"x\"]")
    assert run.code == 2
    assert [r["error"]["message"] for r in run.jsonl()] == ["ожидается объект дела {…}, а здесь число",
                                                            "ожидается объект дела {…}, а здесь строка"]


def test_valid_batch_exits_0(hl):
    assert hl("triage", FIXTURES / "cases", "--format", "jsonl").code == 0


def test_unknown_format_is_a_usage_error(hl):
    run = hl("triage", FIXTURES / "cases", "--format", "xml")
    assert run.code == 2


def test_bad_today_is_a_usage_error(hl):
    run = hl("triage", FIXTURES / "cases", "--today", "31.13.2025")
    assert run.code == 2 and "ДД.ММ.ГГГГ" in run.err
    # the way people write a date is accepted
    assert hl("followup", FIXTURES / "cases" / "r8_site_form.json", "--today", "07.11.2025", "--format",
              "jsonl").jsonl()[0]["as_of"] == "2025-11-07"
