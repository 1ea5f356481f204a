"""The journey: one case, one story, every command a view of it (rules.md «The journey»).

One fixture per branch in fixtures/journeys/, run through every command it concerns.
Dates are counted by hand on the 2025 calendar: Sat 1.11 was a working day, Mon 3.11 and
Tue 4.11 were not; so 3 working days after Fri 31.10 end on Thu 6.11, and the next working
day after that is Fri 7.11."""

import json

import pytest

from conftest import FIXTURES

J = FIXTURES / "journeys"
COMMANDS = ["triage", "escalate", "followup", "summarize", "audit"]


def one(hl, command, name, today, *args):
    run = hl(command, J / f"{name}.json", "--format", "jsonl", "--today", today, *args)
    assert run.code in (0, 1), run.err
    [r] = run.jsonl()
    return r


def actions(r):
    return [(a["due"], a["action"]) for a in r["next_actions"]]


def codes(r):
    return sorted(x["code"] for x in r["findings"])


# ---------------------------------------------------------------- the direct e-mail flow

def test_email_triage_is_the_experts_written_flow(hl):
    r = one(hl, "triage", "email_new", "2025-10-30")
    # one request with a conclusion, one ASC in the city: R8 decides, situation 2, but nobody phones this client
    assert (r["rule"], r["situation"], r["verdict"]) == ("R8", 2, "email_flow")
    assert r["say"] == [] and r["records"] == []
    text = " ".join(r["actions"]).lower()
    assert "письм" in text and "позвонить" not in text and "прослушать" not in text
    assert not any("Naumen" in a for a in r["actions"])


def test_email_new_case_goes_to_the_engineer_without_any_call(hl):
    r = one(hl, "escalate", "email_new", "2025-10-30", "--engineer", "e@example.ru")
    assert (r["step"], r["stage"]) == ("engineer_request", 2)
    body = r["message"]["body"]
    assert "минуя ГЛ" in body and "Просим проверить заключение по заявке и помочь с ответом клиенту." in body
    assert "позвонить" not in r["todo"].lower() and "прослушать" not in r["todo"].lower()
    f = one(hl, "followup", "email_new", "2025-10-30")
    assert [c["name"] for c in f["clocks"]] == ["engineer_reply"]  # no promise clock: no expert call
    assert actions(f) == [("2025-10-30", "engineer_request")]  # no expert_call item


def test_email_silence_calls_for_the_re_request_alone(hl):
    r = one(hl, "escalate", "email_awaiting", "2025-11-07")
    assert (r["step"], r["since"], r["due"]) == ("await_answer", "2025-10-31", "2025-11-06")
    assert r["message"]["to"] == "engineer@example.ru"
    assert "Повторно направляем запрос от 31.10.2025" in r["message"]["body"]
    assert "позвонить" not in r["todo"].lower()
    f = one(hl, "followup", "email_awaiting", "2025-11-07")
    assert actions(f) == [("2025-11-07", "re_request")]  # and no delay_call
    assert codes(one(hl, "audit", "email_awaiting", "2025-11-20")) == ["HL205"]  # HL206 is not for e-mail


def test_email_answer_calls_for_written_feedback(hl):
    r = one(hl, "escalate", "email_answered", "2025-11-05")
    assert (r["step"], r["stage"], r["since"], r["due"]) == ("feedback_reply", 3, "2025-11-05", "2025-11-05")
    m = r["message"]
    assert m["to"] == "petrova@example.ru" and m["priority"] is None
    assert "№ 40031822" in m["subject"] and "ответ инженера понятными словами" in m["body"]
    assert actions(one(hl, "followup", "email_answered", "2025-11-05")) == [("2025-11-05", "feedback_reply")]
    assert codes(one(hl, "audit", "email_answered", "2025-11-20")) == []


def test_email_closed_by_the_book(hl):
    r = one(hl, "escalate", "email_closed", "2025-11-20")
    assert (r["step"], r["done_at"], r["message"]) == ("close", "2025-11-06", None)
    s = one(hl, "summarize", "email_closed", "2025-11-20")
    desc = s["consultation"]["customer_description"].split("\n")
    assert "06.11.2025 — письменная обратная связь клиенту по ответу инженера: клиент принял аргументы." in desc
    assert desc[-1] == "Результат: клиент принял аргументы, запрос закрыт."
    assert s["consultation"]["notes"].split("\n") == [
        "Тикет (внутренний запрос на инженера): https://helpdesk.example.ru/tickets/88231",
        "Тикет клиента: https://helpdesk.example.ru/tickets/88200"]
    assert not any("звонка эксперта" in w for w in s["warnings"])
    assert codes(one(hl, "audit", "email_closed", "2025-11-20")) == []
    assert one(hl, "followup", "email_closed", "2025-11-20")["next_actions"] == []


def test_email_rejected_asks_demands_in_the_current_correspondence(hl):
    r = one(hl, "escalate", "email_rejected", "2025-11-06")
    assert r["step"] == "ask_demands" and "в рамках текущей переписки" in r["todo"]
    assert r["message"]["to"] == "petrova@example.ru" and "в ответ на это письмо" in r["message"]["body"]
    # fed back on Thu 6.11: asking the demands is due the next working day, Fri 7.11
    assert actions(one(hl, "followup", "email_rejected", "2025-11-06")) == [("2025-11-07", "ask_demands")]
    # the request's body does not record the threat of court (HL208); demands not asked (HL210)
    assert codes(one(hl, "audit", "email_rejected", "2025-11-20")) == ["HL208", "HL210"]


# ---------------------------------------------------------------- where the expert stage begins

def test_site_form_request_starts_the_expert_stage(hl):
    r = one(hl, "escalate", "site_form_new", "2025-10-30", "--engineer", "e@example.ru")
    assert (r["step"], r["stage"]) == ("engineer_request", 2)
    assert r["todo"] == ("Эксперт: если клиент звонил на ГЛ, прослушать его звонок с оператором, позвонить клиенту "
                         "(вопрос на персональном контроле, решение в течение трёх рабочих дней) и направить запрос "
                         "ответственному инженеру.")
    f = one(hl, "followup", "site_form_new", "2025-10-30")
    assert [c["name"] for c in f["clocks"]] == ["client_promise", "engineer_reply"]
    assert actions(f) == [("2025-10-30", "expert_call"), ("2025-10-30", "engineer_request")]


@pytest.mark.parametrize("name, fragment", [
    ("call_situation1", "ситуация 1: сначала заявка на другой АСЦ"),
    ("call_situation2_waiting", "ситуация 2: ждём запрос клиента через форму «Напишите нам»"),
    ("call_situation4_waiting", "ситуация 4: ждём запрос клиента через форму «Напишите нам»"),
    ("call_situation5", "ситуация 5: действовать по статье «Клиент не согласен с заключением мастера, "
                        "что случай негарантийный»"),
    ("call_fault_gone", "статья не применяется"),
    ("first_contact_situation1", "оформлена заявка на другой АСЦ № 40040001"),
    ("no_request_with_expert_events", "заявок нет"),
])
def test_no_expert_step_where_the_journey_has_none(hl, name, fragment):
    r = one(hl, "escalate", name, "2025-11-20", "--engineer", "e@example.ru")
    assert (r["step"], r["stage"], r["message"]) == (None, None, None)
    assert any(fragment in w for w in r["warnings"]), r["warnings"]
    assert one(hl, "followup", name, "2025-11-20")["next_actions"] == []


def test_situation_3_call_goes_to_the_usedesk_agent(hl):
    r = one(hl, "escalate", "call_situation3", "2025-10-30")
    assert (r["step"], r["stage"]) == ("hpcc_request", 1)
    assert r["message"]["subject"] == "Не согласен с заключением, что техника исправна. Петрова Анна Сергеевна 40031822"
    assert r["message"]["priority"] == "Экстремальный"
    assert actions(one(hl, "followup", "call_situation3", "2025-10-30")) == [("2025-10-30", "hpcc_request")]


def test_situation_4_once_the_site_request_arrived(hl):
    # the expert called on Mon 3.11 (a day off): the request to the engineer is due on Wed 5.11
    r = one(hl, "escalate", "call_situation4_site_arrived", "2025-11-05", "--engineer", "e@example.ru")
    assert (r["step"], r["due"]) == ("engineer_request", "2025-11-05")
    assert r["todo"] == "Эксперт: прослушать звонок клиента с оператором и направить запрос ответственному инженеру."
    assert r["warnings"] == []
    # every written document of every request is attached, not only the disputed one's
    assert r["message"]["attachments"] == ["Акт выполненных работ № 5512", "Акт № 6120"]
    f = one(hl, "followup", "call_situation4_site_arrived", "2025-11-05")
    assert actions(f) == [("2025-11-05", "engineer_request")]
    # the promise: 3 working days after Mon 3.11 — Wed 5, Thu 6, Fri 7
    assert f["clocks"][0]["due"] == "2025-11-07"


def test_an_expert_stage_the_situation_did_not_lead_to_goes_on_with_a_warning(hl):
    r = one(hl, "escalate", "call_situation1_with_expert_events", "2025-11-07")
    assert r["step"] == "await_answer" and r["message"] is not None
    assert any("не должно было попасть к эксперту" in w for w in r["warnings"])


def test_a_stage_without_a_request_cannot_crash_any_command(hl):
    for command in COMMANDS:
        run = hl(command, J / "no_request_with_expert_events.json", "--format", "jsonl", "--today", "2025-11-20")
        assert run.code in (0, 1) and "Traceback" not in run.err
    # audit still judges what the events show: silence past the due date, no call, a missed promise
    assert codes(one(hl, "audit", "no_request_with_expert_events", "2025-11-20")) == ["HL205", "HL206", "HL207"]


# ---------------------------------------------------------------- after closure, first contact, texts

def test_claim_after_closure_goes_to_the_claims_group(hl):
    r = one(hl, "escalate", "claim_after_closure", "2025-11-12")
    assert (r["step"], r["stage"], r["since"], r["due"]) == ("claims_handoff", 6, "2025-11-12", "2025-11-13")
    assert ("После закрытия запроса (06.11.2025) клиент Петрова Анна Сергеевна обратился повторно с требованием: "
            "возврат денег (12.11.2025).") in r["message"]["body"]
    f = one(hl, "followup", "claim_after_closure", "2025-11-12")
    # refund: 10 calendar days after Wed 12.11 is Sat 22.11, so the term ends on Mon 24.11 (art. 193)
    assert actions(f) == [("2025-11-13", "claims_handoff"), ("2025-11-24", "legal_term")]
    assert codes(one(hl, "audit", "claim_after_closure", "2025-11-20")) == ["HL212"]
    t = one(hl, "triage", "claim_after_closure", "2025-11-20")
    assert t["verdict"] == "transfer_to_expert" and any("группу рекламаций" in a for a in t["actions"])


def test_audit_judges_the_situation_of_the_first_contact(hl):
    # the second-ASC request made in the call is in the export: now there are two requests (situation 4),
    # but the call was handled in situation 1, by the book
    a = one(hl, "audit", "first_contact_situation1", "2025-11-20")
    assert (a["situation"], a["rule"], codes(a)) == (1, "R7", [])
    t = one(hl, "triage", "first_contact_situation1", "2025-11-20")
    assert (t["situation"], t["rule"]) == (4, "R4")


def test_feedback_on_an_asc_answer_is_said_as_such(hl):
    s = one(hl, "summarize", "feedback_on_asc_answer", "2025-11-20")
    desc = s["consultation"]["customer_description"]
    assert "05.11.2025 — обратная связь клиенту по ответу АСЦ, без ответа ответственного инженера: " \
           "клиент принял аргументы." in desc
    assert "по ответу инженера" not in desc
    assert desc.endswith("решение инженера не получено, коммуникация не завершена.")
    assert codes(one(hl, "audit", "feedback_on_asc_answer", "2025-11-20")) == ["HL205", "HL206", "HL211"]


def test_every_fixture_through_every_command(hl):
    for command in COMMANDS:
        run = hl(command, J, "--format", "jsonl", "--today", "2025-11-20")
        assert run.code in (0, 1), (command, run.err)
        assert len(run.jsonl()) == len(list(J.glob("*.json")))


def test_fixtures_are_valid_cases():
    from hotline_cli.io.contract import validate

    for p in J.glob("*.json"):
        assert validate(json.loads(p.read_text(encoding="utf-8"))) is None, p


def test_situation_4_script_says_only_what_the_requests_say(hl, tmp_path, make_case):
    two = make_case(requests=[
        {"number": "40031822", "type": "diagnostics", "created_at": "2025-10-10", "conclusion": "no_fault"},
        {"number": "40034411", "type": "repair", "created_at": "2025-10-21", "conclusion": "no_fault"}])
    say = one_say(hl, tmp_path, two)
    assert say[0] == ("Понимаю вас. По вашей технике уже проводились проверки (заявки № 40031822 и № 40034411), "
                      "и заключение было одинаковым: техника исправна.")
    # the latest says no_fault (not situation 5), the earlier one physical damage: not «одинаковым»
    mixed = make_case(requests=[
        {"number": "40031822", "type": "diagnostics", "created_at": "2025-10-10", "conclusion": "physical_damage"},
        {"number": "40034411", "type": "repair", "created_at": "2025-10-21", "conclusion": "no_fault"}])
    assert one_say(hl, tmp_path, mixed)[0] == ("Понимаю вас. По вашей технике уже были обращения: № 40031822 — "
                                               "физическое повреждение; № 40034411 — техника исправна.")
    # a «Нет АСЦ» request without a conclusion: nobody says there is one
    no_asc = make_case(requests=[{"number": "40039999", "type": "no_asc", "created_at": "2025-10-21"}])
    assert one_say(hl, tmp_path, no_asc)[0] == ("Понимаю вас. По вашему запросу «Нет АСЦ» № 40039999 заключения "
                                                "инженера пока нет.")


def one_say(hl, tmp_path, case):
    from conftest import write_jsonl

    run = hl("triage", write_jsonl(tmp_path / "c.jsonl", [case]), "--format", "jsonl")
    [r] = run.jsonl()
    assert (r["situation"], r["rule"]) == (4, "R4")
    return r["say"]


def test_the_engineer_is_never_told_the_fault_persists_when_it_does_not(hl, tmp_path, make_case):
    from conftest import write_jsonl

    case = make_case(channel="site_form", fault_persists=False,
                     events=[{"type": "expert_call", "at": "2025-10-31T10:15:00+03:00"}])
    run = hl("escalate", write_jsonl(tmp_path / "c.jsonl", [case]), "--format", "jsonl", "--today", "2025-10-31",
             "--engineer", "e@example.ru")
    [r] = run.jsonl()
    # the fault is gone: the article does not apply, yet the expert stage is under way — a warning, and a true body
    assert any("не должно было попасть к эксперту" in w for w in r["warnings"])
    assert "неисправность сохраняется" not in r["message"]["body"]
    assert "клиент не подтверждает, что неисправность осталась" in r["message"]["body"]
