"""escalate: the next step and its message, expected texts written from the procedure."""

import email
import email.policy
import json
import re

import pytest

from conftest import FIXTURES, write_jsonl

SUBJECT = "Не согласен с заключением, что техника исправна. Петрова Анна Сергеевна 40031822"
COPY = ["Olesya.Vedischeva@haierrussia.ru", "igrineva@haierrussia.ru"]  # the article, 3.2
URGENT = "evgeniy.morozov@haierrussia.ru"
ASC = "asc-kazan@example.ru"
CALL = {"type": "expert_call", "at": "2025-10-31T10:15:00+03:00"}
REQ = {"type": "engineer_request", "at": "2025-10-31T11:00:00+03:00", "to": "engineer@example.ru",
       "cc": [ASC] + COPY, "priority": "Экстремальный", "subject": SUBJECT, "ticket": "https://helpdesk/t/88231"}
ANSWER = {"type": "engineer_answer", "at": "2025-11-05T12:00:00+03:00"}


def esc(hl, tmp_path, case, *args, today="2025-11-05"):
    p = write_jsonl(tmp_path / "c.jsonl", [case])
    run = hl("escalate", p, "--format", "jsonl", "--today", today, *args)
    assert run.code == 0, run.err
    [r] = run.jsonl()
    return r


def test_hpcc_request_when_the_asc_report_is_missing(hl, tmp_path, make_case):
    case = make_case()
    case["requests"][0]["conclusion"] = None
    r = esc(hl, tmp_path, case)
    assert (r["step"], r["stage"]) == ("hpcc_request", 1)
    m = r["message"]
    assert (m["to"], m["cc"], m["priority"], m["subject"]) == ("", [], "Экстремальный", SUBJECT)
    assert "акт и описание дефекта" in m["body"]
    assert any("routing.hpcc_manager" in w for w in r["warnings"])
    cfg = tmp_path / "c.toml"
    cfg.write_text('[routing]\nhpcc_manager = "hpcc@example.ru"\n', encoding="utf-8")
    r = esc(hl, tmp_path, case, "--config", cfg)
    assert r["message"]["to"] == "hpcc@example.ru" and r["warnings"] == []


def test_await_documents_then_engineer_request(hl, tmp_path, make_case):
    case = make_case(events=[{"type": "hpcc_request", "at": "2025-11-01T10:00:00+03:00"}])
    case["requests"][0]["conclusion"] = None
    r = esc(hl, tmp_path, case)
    assert (r["step"], r["since"], r["message"]) == ("await_documents", "2025-11-01", None)
    case["events"].append({"type": "hpcc_documents", "at": "2025-11-05T10:00:00+03:00"})
    assert esc(hl, tmp_path, case)["step"] == "engineer_request"


def test_engineer_request_copies_subject_priority(hl, tmp_path, make_case):
    case = make_case(channel="site_form")  # the client's request through the site: the expert's stage
    case["requests"][0]["documents"] = ["Акт выполненных работ № 5512"]
    r = esc(hl, tmp_path, case, "--engineer", "ivanov@example.ru")
    m = r["message"]
    assert r["step"] == "engineer_request"
    assert m["to"] == "ivanov@example.ru"
    assert m["cc"] == [ASC] + COPY  # the ASC first, then the configured copy; no urgent address
    assert (m["priority"], m["subject"]) == ("Экстремальный", SUBJECT)
    assert m["attachments"] == ["Акт выполненных работ № 5512"]
    assert "Возможно ли провести ремонт в рамках лояльности или актирование техники?" in m["body"]
    assert "Просим предоставить ответ с развёрнутыми формулировками для клиента." in m["body"]
    assert "суд" not in m["body"].lower() and "ВАЖНО" not in m["body"]
    urgent = esc(hl, tmp_path, case, "--engineer", "ivanov@example.ru", "--urgent")["message"]
    assert urgent["cc"] == [ASC] + COPY + [URGENT]


@pytest.mark.parametrize("intents, line", [
    (["court"], "ВАЖНО: клиент намерен обратиться в суд."),
    (["rospotrebnadzor", "image_damage"],
     "ВАЖНО: клиент намерен обратиться в Роспотребнадзор; действовать в ущерб имиджу компании (подрыв имиджа)."),
])
def test_intent_line_exactly_when_client_intent_is_present(hl, tmp_path, make_case, intents, line):
    body = esc(hl, tmp_path, make_case(channel="site_form", client_intent=intents), "--engineer",
               "e@x.ru")["message"]["body"]
    assert line in body.split("\n")


def test_responsibility_list_and_missing_engineer(hl, tmp_path, make_case):
    r = esc(hl, tmp_path, make_case(channel="site_form"))
    assert r["message"]["to"] == ""
    assert any("routing.engineers" in w and "washing_machine" in w for w in r["warnings"])
    cfg = tmp_path / "c.toml"
    cfg.write_text('[routing]\ncopy = ["boss@example.ru"]\n'
                   '[[routing.engineers]]\ncategory = "washing_machine"\nemail = "wm@example.ru"\n'
                   '[[routing.engineers]]\ncategory = "washing_machine"\ncity = "Казань"\nemail = "kzn@example.ru"\n',
                   encoding="utf-8")
    m = esc(hl, tmp_path, make_case(channel="site_form"), "--config", cfg)["message"]
    assert (m["to"], m["cc"]) == ("kzn@example.ru", [ASC, "boss@example.ru"])


def test_email_channel_asks_engineer_to_check_and_help(hl, tmp_path, make_case):
    body = esc(hl, tmp_path, make_case(channel="email"), "--engineer", "e@x.ru")["message"]["body"]
    assert "минуя ГЛ" in body and "Просим проверить заключение по заявке и помочь с ответом клиенту." in body


def test_await_answer_and_the_repeat_request_past_due(hl, tmp_path, make_case):
    case = make_case(events=[CALL, REQ], client_intent=["court"])
    r = esc(hl, tmp_path, case, today="2025-11-06")
    assert (r["step"], r["since"], r["due"], r["message"]) == ("await_answer", "2025-10-31", "2025-11-06", None)
    r = esc(hl, tmp_path, case, today="2025-11-07")
    m = r["message"]
    assert (m["to"], m["cc"], m["subject"], m["priority"]) == ("engineer@example.ru", [ASC] + COPY, SUBJECT,
                                                               "Экстремальный")
    assert "Повторно направляем запрос от 31.10.2025" in m["body"]
    assert "ВАЖНО: клиент намерен обратиться в суд." in m["body"]
    assert "позвонить клиенту" in r["todo"]


def test_asc_answer_never_closes(hl, tmp_path, make_case):
    case = make_case(events=[CALL, REQ, {"type": "asc_answer", "at": "2025-11-03T10:00:00+03:00"},
                             {"type": "feedback_call", "at": "2025-11-04T10:00:00+03:00", "outcome": "accepted"}])
    r = esc(hl, tmp_path, case)
    assert r["step"] == "await_answer"
    assert any("без ответа ответственного инженера" in w for w in r["warnings"])


def test_feedback_call_step(hl, tmp_path, make_case):
    r = esc(hl, tmp_path, make_case(events=[CALL, REQ, ANSWER]))
    assert (r["step"], r["since"], r["due"], r["message"]) == ("feedback_call", "2025-11-05", "2025-11-05", None)


def fb(outcome):
    return {"type": "feedback_call", "at": "2025-11-06T10:00:00+03:00", "outcome": outcome}


def test_accepted_closes(hl, tmp_path, make_case):
    r = esc(hl, tmp_path, make_case(events=[CALL, REQ, ANSWER, fb("accepted")], client_intent=["court"]),
            today="2025-11-06")
    assert (r["step"], r["stage"], r["message"]) == ("close", 4, None)


def test_rejected_without_intent_closes(hl, tmp_path, make_case):
    r = esc(hl, tmp_path, make_case(events=[CALL, REQ, ANSWER, fb("rejected")]), today="2025-11-06")
    assert (r["step"], r["message"]) == ("close", None)


def test_rejected_with_intent_and_demands_goes_to_claims(hl, tmp_path, make_case):
    case = make_case(events=[CALL, REQ, ANSWER, fb("rejected")], client_intent=["court"], demands_stated=True)
    r = esc(hl, tmp_path, case, today="2025-11-06")
    assert r["step"] == "claims_handoff"
    assert "Передаём тикет в группу рекламаций" in r["message"]["body"]
    assert any("routing.claims_group" in w for w in r["warnings"])
    case["events"].append({"type": "claims_handoff", "at": "2025-11-07T10:00:00+03:00"})
    r = esc(hl, tmp_path, case, today="2025-11-07")
    assert (r["step"], r["done_at"], r["message"]) == ("claims_handoff", "2025-11-07", None)


def test_claim_event_counts_as_stated_demands(hl, tmp_path, make_case):
    case = make_case(events=[CALL, REQ, ANSWER, fb("rejected"),
                             {"type": "claim", "at": "2025-11-06T12:00:00+03:00", "demand": "refund"}],
                     client_intent=["rospotrebnadzor"])
    r = esc(hl, tmp_path, case, today="2025-11-06")
    assert r["step"] == "claims_handoff" and "возврат денег" in r["message"]["body"]


@pytest.mark.parametrize("channel, where", [("call", "в рамках вашего первоначального запроса"),
                                            ("email", "в ответ на это письмо")])
def test_rejected_with_intent_without_demands_asks_for_them(hl, tmp_path, make_case, channel, where):
    case = make_case(channel=channel, events=[CALL, REQ, ANSWER, fb("rejected")], client_intent=["court"])
    case["client"]["email"] = "petrova@example.ru"
    r = esc(hl, tmp_path, case, today="2025-11-06")
    assert r["step"] == "ask_demands"
    assert r["message"]["to"] == "petrova@example.ru" and where in r["message"]["body"]
    assert ("текущей переписки" if channel == "email" else "первоначального запроса") in r["todo"]


def test_no_request_has_no_step(hl, tmp_path, make_case):
    r = esc(hl, tmp_path, make_case(requests=[]))
    assert (r["step"], r["message"]) == (None, None) and any("triage" in w for w in r["warnings"])


def test_eml_parses_back(hl, tmp_path, make_case):
    case = make_case(channel="site_form", client_intent=["court"])
    out = tmp_path / "m.eml"
    esc(hl, tmp_path, case, "--engineer", "ivanov@example.ru", "--eml", out)
    msg = email.message_from_bytes(out.read_bytes(), policy=email.policy.default)
    assert msg["To"] == "ivanov@example.ru"
    assert [a.strip() for a in msg["Cc"].split(",")] == [ASC] + COPY
    assert msg["Subject"] == SUBJECT
    assert msg["X-Priority"].startswith("1") and msg["Importance"] == "High"
    body = msg.get_body().get_content()
    assert "Клиент Петрова Анна Сергеевна не согласен" in body and "ВАЖНО: клиент намерен обратиться в суд." in body


def test_eml_header_injection_is_impossible(hl, tmp_path, make_case):
    case = make_case(channel="site_form")
    case["client"]["name"] = "Иванов\r\n Bcc: x@y.ru\r\nX-Evil: 1"
    case["requests"][0]["asc"]["email"] = "asc@example.ru\r\nBcc: x@y.ru"
    out = tmp_path / "m.eml"
    r = esc(hl, tmp_path, case, "--engineer", "ivanov@example.ru", "--eml", out)
    msg = email.message_from_bytes(out.read_bytes(), policy=email.policy.default)
    assert msg["Bcc"] is None and msg["X-Evil"] is None
    assert {k.lower() for k in msg} <= {"to", "cc", "subject", "x-priority", "importance", "priority",
                                                 "x-unsent", "content-type", "content-transfer-encoding",
                                                 "mime-version", "message-id"}
    assert re.fullmatch(r"<engineer-request\.[0-9a-f]{20}@hotline\.invalid>", msg["Message-ID"])
    assert "\n" not in msg["Subject"] and msg["Subject"].startswith("Не согласен")
    assert any("некорректен" in w for w in r["warnings"])


def test_eml_folder_for_a_batch(hl, tmp_path):
    out = tmp_path / "mails"
    run = hl("escalate", FIXTURES / "cases", "--today", "2025-11-05", "--eml", out, "--format", "jsonl",
             "--engineer", "e@example.ru")
    written = sorted(p.name for p in out.iterdir())
    with_message = [r for r in run.jsonl() if r.get("message")]
    assert written == sorted(f"{r['case_id']}.eml" for r in with_message) and written


@pytest.mark.parametrize("content, key", [
    ('[routing]\ncopy = ["not-an-address"]\n', "routing.copy[0]"),
    ('[routing]\nengineers = [{category = "fridge", email = "a@b.ru"}]\n', "routing.engineers[0].category"),
    ('[routting]\n', "routting"),
    ('[routing\n', "TOML"),
])
def test_broken_config_names_file_and_key(hl, tmp_path, content, key):
    cfg = tmp_path / "bad.toml"
    cfg.write_text(content, encoding="utf-8")
    run = hl("escalate", FIXTURES / "cases" / "r8_site_form.json", "--config", cfg)
    assert run.code == 2
    assert str(cfg) in run.err and key in run.err
    assert run.out == ""


def test_config_from_environment(hl, tmp_path, monkeypatch):
    cfg = tmp_path / "bad.json"
    cfg.write_text(json.dumps({"routing": {"urgent": "nope"}}), encoding="utf-8")
    monkeypatch.setenv("HOTLINE_CONFIG", str(cfg))
    run = hl("escalate", FIXTURES / "cases" / "r8_site_form.json")
    assert run.code == 2 and "routing.urgent" in run.err
