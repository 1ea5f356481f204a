"""A case that lives: one story for a repeat contact with demands in every command, messages
judged as of their sending, and `hotline log`."""

from __future__ import annotations

import json

from conftest import ROOT

REPEAT = ROOT / "fixtures" / "journeys" / "repeat_contact_with_demands.json"
CONFIG = ROOT / "hotline.example.toml"
TODAY = "2025-11-21"  # the claim was made on Tuesday 18.11.2025: the handoff was due by Wednesday 19.11


def one(hl, command, path=REPEAT, *extra):
    run = hl(command, path, "--today", TODAY, "--config", CONFIG, "--format", "jsonl", *extra)
    (r,) = run.jsonl()
    return r


# ---------------------------------------------------------------- a repeat contact with demands (R0)


def test_triage_sends_the_repeat_contact_to_the_expert(hl):
    r = one(hl, "triage")
    assert (r["rule"], r["verdict"]) == ("R0", "transfer_to_expert")
    assert any("группу рекламаций" in a for a in r["actions"])


def test_escalate_hands_the_ticket_to_the_claims_group(hl):
    r = one(hl, "escalate")
    assert (r["step"], r["stage"], r["since"], r["due"]) == ("claims_handoff", 6, "2025-11-18", "2025-11-19")
    assert r["message"]["to"] == "claims@example.ru"
    assert r["message"]["subject"] == "Не согласен с заключением, что техника исправна. Петрова Анна Сергеевна 40031822"
    assert ("Передаём тикет в группу рекламаций. После итоговой консультации клиент Петрова Анна Сергеевна обратился "
            "повторно с требованием: возврат денег (18.11.2025).") in r["message"]["body"]


def test_followup_and_agenda_list_the_handoff(hl):
    r = one(hl, "followup")
    assert r["next_actions"][0] == {
        "due": "2025-11-19", "action": "claims_handoff",
        "text": "Повторное обращение с требованиями после итоговой консультации (18.11.2025): передать тикет в "
                "группу рекламаций."}
    run = hl("agenda", REPEAT, "--today", TODAY, "--config", CONFIG, "--format", "jsonl")
    assert [(a["action"], a["status"], a["due"]) for a in run.jsonl()][0] == ("claims_handoff", "overdue", "2025-11-19")


def test_summarize_keeps_the_consultation_on_record(hl):
    r = one(hl, "summarize")
    recorded = json.loads(REPEAT.read_text(encoding="utf-8"))["consultation"]
    assert r["consultation"] == {
        "customer_description": recorded["customer_description"] + "\nРезультат: после итоговой консультации клиент "
                                "обратился повторно с требованиями; тикет передаётся в группу рекламаций.",
        "notes": recorded["notes"]}
    assert not any("не нужна" in w for w in r["warnings"])


def test_audit_finds_the_handoff_missing_by_the_next_working_day(hl):
    r = one(hl, "audit")
    assert r["findings"] == [{"code": "HL212", "severity": "error",
                              "message": "требование «возврат денег» 18.11.2025 после итоговой консультации: тикет "
                                         "не передан в группу рекламаций до 19.11.2025 включительно"}]


def test_a_handoff_on_the_next_working_day_is_in_time(hl, tmp_path):
    case = json.loads(REPEAT.read_text(encoding="utf-8"))
    case["events"].append({"type": "claims_handoff", "at": "2025-11-19T17:00:00+03:00"})
    r = one(hl, "audit", write(tmp_path / "c.json", case), "--select", "HL212")
    assert r["findings"] == []
    assert one(hl, "escalate", tmp_path / "c.json")["done_at"] == "2025-11-19"


def write(path, case):
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    return path


# ---------------------------------------------------------------- a message judged as of its sending


def two_requests(subjects: list[tuple[str, str]]) -> dict:
    case = json.loads((ROOT / "fixtures" / "audit" / "base_compliant.json").read_text(encoding="utf-8"))
    case["requests"] = [dict(case["requests"][0], number="51000001", created_at="2025-10-20"),
                        dict(case["requests"][0], number="51000002", created_at="2025-11-03")]
    case["events"] = [{"type": "engineer_request", "at": at, "priority": "Экстремальный", "subject": s,
                       "to": "engineer@example.ru", "cc": ["asc-kazan@example.ru"], "body": "суд"}
                      for at, s in subjects]
    return case


def test_a_subject_is_judged_by_the_requests_that_existed_when_it_was_sent(hl, tmp_path):
    """Sent on 31.10 naming 51000001 (the only request then): right. Sent on 05.11 naming 51000001, when
    51000002 (03.11) was the disputed one: wrong."""
    name = "Петрова Анна Сергеевна"
    first = f"Не согласен с заключением, что техника исправна. {name} 51000001"
    case = two_requests([("2025-10-31T11:00:00+03:00", first)])
    r = one(hl, "audit", write(tmp_path / "a.json", case), "--select", "HL203")
    assert r["findings"] == []
    case = two_requests([("2025-10-31T11:00:00+03:00", first), ("2025-11-05T11:00:00+03:00", first)])
    r = one(hl, "audit", write(tmp_path / "b.json", case), "--select", "HL203")
    assert [f["message"] for f in r["findings"]] == [
        f"запрос инженеру 05.11.2025: тема «{first}», нужна «Не согласен с заключением, что техника исправна. "
        f"{name} 51000002»"]
