"""--mask-pii: names, phones and e-mails masked in every format, stably, join keys kept."""

import json

import pytest

from conftest import FIXTURES

NAME = "Петрова Анна Сергеевна"
PHONE = "+7 903 555-12-34"


@pytest.mark.parametrize("command", ["triage", "escalate", "followup", "summarize", "audit"])
@pytest.mark.parametrize("fmt", ["text", "json", "jsonl", "csv", "table"])
def test_no_personal_data_in_any_format(hl, command, fmt):
    args = ["--engineer", "ivanov@example.ru"] if command == "escalate" else []
    plain = hl(command, FIXTURES / "cases" / "r8_site_form.json", "--today", "2025-11-20", "--format", fmt, *args)
    masked = hl(command, FIXTURES / "cases" / "r8_site_form.json", "--today", "2025-11-20", "--format", fmt,
                "--mask-pii", *args)
    assert masked.code == plain.code
    for secret in (NAME, PHONE, "petrova@example.ru", "asc-kazan@example.ru", "engineer@example.ru"):
        assert secret not in masked.out, secret
    assert "HL-2025-0417" in masked.out  # the join key is kept


def test_masks_are_stable_and_the_same_for_the_same_client(hl):
    # both fixtures are the same client: an engineer request and an HPCC request, each with the name in the subject
    a = hl("escalate", FIXTURES / "journeys" / "site_form_new.json", "--today", "2025-11-05", "--engineer", "e@x.ru",
           "--format", "jsonl", "--mask-pii").jsonl()[0]
    b = hl("escalate", FIXTURES / "cases" / "r9_naumen.json", "--today", "2025-11-05",
           "--format", "jsonl", "--mask-pii").jsonl()[0]
    token = a["message"]["subject"].split(". ", 1)[1].split()[0]
    assert token.startswith("<фио:") and len(token) == len("<фио:12345678>")
    assert token in b["message"]["subject"]  # the same client in two cases: the same token
    again = hl("escalate", FIXTURES / "journeys" / "site_form_new.json", "--today", "2025-11-05", "--engineer",
               "e@x.ru", "--format", "jsonl", "--mask-pii").jsonl()[0]
    assert again == a
    assert "<тел:" in a["message"]["body"] and PHONE not in a["message"]["body"]


def test_dates_and_request_numbers_are_not_taken_for_phones(hl):
    [r] = hl("summarize", FIXTURES / "cases" / "r8_site_form.json", "--today", "2025-11-20", "--format", "jsonl",
             "--mask-pii").jsonl()
    desc = r["consultation"]["customer_description"]
    assert "30.10.2025" in desc and "40031822" in desc


def test_phone_is_masked_where_it_is_shown(hl):
    [r] = hl("triage", FIXTURES / "cases" / "r8_site_form.json", "--format", "jsonl", "--mask-pii").jsonl()
    said = " ".join(r["say"])
    assert PHONE not in said and "<тел:" in said


def test_invalid_record_is_masked_too(hl, tmp_path):
    bad = json.loads((FIXTURES / "broken" / "wrong_enum.json").read_text(encoding="utf-8"))
    bad["product"]["category"] = NAME  # the name ends up quoted in the error message
    p = tmp_path / "b.json"
    p.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    run = hl("triage", p, "--format", "jsonl", "--mask-pii")
    assert run.code == 2 and NAME not in run.out and NAME not in run.err
