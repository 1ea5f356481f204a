"""summarize: the final GSIS consultation."""

import csv
import io

from conftest import FIXTURES, write_jsonl

FIRST = "В случае повторного обращения перевести звонок на эксперта, консультацию не проводить"


def summ(hl, tmp_path, case, today="2025-11-20"):
    run = hl("summarize", write_jsonl(tmp_path / "c.jsonl", [case]), "--format", "jsonl", "--today", today)
    assert run.code == 0, run.err
    [r] = run.jsonl()
    return r


FULL = [
    {"type": "expert_call", "at": "2025-10-31T10:15:00+03:00"},
    {"type": "engineer_request", "at": "2025-10-31T11:00:00+03:00", "to": "engineer@example.ru",
     "cc": ["asc-kazan@example.ru"], "ticket": "https://helpdesk.example.ru/tickets/88231"},
    {"type": "engineer_answer", "at": "2025-11-05T12:00:00+03:00"},
    {"type": "feedback_call", "at": "2025-11-06T10:00:00+03:00", "outcome": "accepted"},
    {"type": "closed", "at": "2025-11-06T10:30:00+03:00"},
]


def test_consultation_of_a_finished_case(hl, tmp_path, make_case):
    r = summ(hl, tmp_path, make_case(events=FULL))
    desc = r["consultation"]["customer_description"]
    assert desc.startswith(FIRST)
    assert desc.split("\n") == [
        FIRST + ".",
        "30.10.2025 — обращение клиента (звонок на ГЛ): не согласен с заключением по заявке № 40031822, "
        "что техника исправна; по словам клиента, неисправность сохраняется.",
        "31.10.2025 — звонок эксперта клиенту: вопрос на персональном контроле, срок решения — три рабочих дня.",
        "31.10.2025 — запрос ответственному инженеру (engineer@example.ru), в копии: asc-kazan@example.ru.",
        "05.11.2025 — получен ответ ответственного инженера.",
        "06.11.2025 — обратная связь клиенту по ответу инженера: клиент принял аргументы.",
        "06.11.2025 — запрос закрыт.",
        "Результат: клиент принял аргументы, запрос закрыт.",
    ]
    assert r["consultation"]["notes"] == "Тикет (внутренний запрос на инженера): https://helpdesk.example.ru/tickets/88231"
    assert r["warnings"] == []


def test_email_channel_notes_carry_the_client_ticket(hl, tmp_path, make_case):
    events = [e for e in FULL if e["type"] != "expert_call"] + [
        {"type": "client_ticket", "at": "2025-10-30T09:00:00+03:00", "ticket": "https://helpdesk/c/5"}]
    r = summ(hl, tmp_path, make_case(channel="email", events=events))
    assert r["consultation"]["notes"].split("\n") == [
        "Тикет (внутренний запрос на инженера): https://helpdesk.example.ru/tickets/88231",
        "Тикет клиента: https://helpdesk/c/5"]


def test_missing_link_and_unfinished_work_are_warnings(hl, tmp_path, make_case):
    r = summ(hl, tmp_path, make_case(events=[FULL[0]]))
    w = " ".join(r["warnings"])
    assert "нет ссылки на тикет запроса инженеру" in w and "нет ответа инженера" in w and \
        "нет обратной связи клиенту" in w
    assert r["consultation"]["customer_description"].endswith("Результат: коммуникация с клиентом не завершена.")


def test_rejected_with_intent_result(hl, tmp_path, make_case):
    events = FULL[:3] + [dict(FULL[3], outcome="rejected"),
                         {"type": "claims_handoff", "at": "2025-11-07T10:00:00+03:00"}]
    r = summ(hl, tmp_path, make_case(events=events, client_intent=["court"], demands_stated=True))
    assert r["consultation"]["customer_description"].endswith(
        "Результат: клиент не принял аргументы; клиент намерен обратиться в суд; тикет передаётся в группу рекламаций.")


def test_batch_csv_one_row_per_case_ready_to_paste(hl):
    run = hl("summarize", FIXTURES / "cases", "--format", "csv", "--today", "2025-11-20")
    rows = list(csv.DictReader(io.StringIO(run.out)))
    assert len(rows) == len(list((FIXTURES / "cases").glob("*.json")))
    # a repeat contact with demands (R0) keeps the consultation on record, which begins with the sentence too
    assert all(r["customer_description"].startswith(FIRST + (". " if r["case_id"] == "HL-2025-0501" else ".\n"))
               for r in rows), [r["customer_description"][:100] for r in rows]
