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


# ---------------------------------------------------------------- hotline log

DAY = ROOT / "fixtures" / "agenda" / "c_due_on_a_working_saturday.json"  # AG-C: the engineer asked on 29.10
NOW = "05.11.2025 12:00"


def copy_case(tmp_path, src=DAY, name="case.json"):
    path = tmp_path / name
    path.write_bytes(src.read_bytes())
    return path


def events(path):
    return [(e["type"], e["at"]) for e in json.loads(path.read_text(encoding="utf-8"))["events"]]


def test_log_records_what_was_done_and_shows_the_next_step(hl, tmp_path):
    """AG-C: engineer asked on Wednesday 29.10, due Saturday 01.11 (a working day); silent. On 05.11 the
    expert writes again: the new cycle runs 3 working days from 05.11 — 06.11, 07.11, 10.11."""
    path = copy_case(tmp_path)
    before = json.loads(path.read_text(encoding="utf-8"))
    run = hl("log", path, "повторный запрос", "--at", "05.11 10:30", "--by", "Кузнецова Е.", "--now", NOW)
    assert run.code == 0, run.err
    assert run.out.splitlines()[0] == (f"Записано в дело AG-C ({path}): 05.11.2025 10:30 — повторный запрос инженеру "
                                       "(Кузнецова Е.).")
    assert "Ждать ответа ответственного инженера до 10.11.2025 включительно" in run.out
    after = json.loads(path.read_text(encoding="utf-8"))
    assert {k: v for k, v in after.items() if k != "events"} == {k: v for k, v in before.items() if k != "events"}
    assert after["events"][:-1] == before["events"]
    assert after["events"][-1] == {"type": "re_request", "at": "2025-11-05T10:30+03:00", "by": "Кузнецова Е.",
                                   "source": "hotline log 2025-11-05T12:00:00+03:00"}


def test_log_names_events_in_russian_and_suggests_for_a_typo(hl, tmp_path):
    path = copy_case(tmp_path)
    run = hl("log", path, "звонок о задрежке", "--now", NOW)
    assert run.code == 2 and "возможно, имелось в виду «звонок клиенту о задержке»" in run.err
    for name, code in (("ответ инженера", "engineer_answer"), ("engineer_answer", "engineer_answer"),
                       ("закрыт", "closed")):
        assert hl("log", path, name, "--at", "05.11 09:00", "--now", NOW).code == 0
        assert events(path)[-1][0] == code
        hl("log", path, "--undo", "--now", NOW)


def test_log_refuses_what_the_contract_or_the_clock_does_not_allow(hl, tmp_path):
    path = copy_case(tmp_path)
    original = path.read_bytes()
    cases = [
        (("обратная связь",), "для события «обратная связь клиенту» нужно: --outcome (принял / не принял)"),
        (("звонок эксперта", "--at", "27.10 09:00"), "27.10.2025 09:00 — раньше обращения (28.10.2025 10:00)"),
        (("звонок эксперта", "--at", "06.11 09:00"), "06.11.2025 09:00 — ещё не наступило"),
        (("звонок эксперта", "--outcome", "принял"), "у события «звонок эксперта клиенту» не бывает: --outcome"),
        (("требование", "--demand", "вернуть всё"), "--demand: «вернуть всё» — такого варианта нет"),
    ]
    for args, message in cases:
        run = hl("log", path, *args, "--now", NOW)
        assert run.code == 2 and message in run.err, (args, run.err)
    assert path.read_bytes() == original  # nothing was written


def test_feedback_with_its_outcome_then_close(hl, tmp_path):
    path = copy_case(tmp_path)
    hl("log", path, "ответ инженера", "--at", "05.11 09:00", "--now", NOW)
    run = hl("log", path, "обратная связь", "--outcome", "принял", "--at", "05.11 11:00", "--now", NOW)
    assert "обратная связь клиенту: клиент принял аргументы" in run.out
    assert "Закрыть запрос" in run.out
    assert json.loads(path.read_text(encoding="utf-8"))["events"][-1]["outcome"] == "accepted"


def test_undo_takes_back_only_what_log_wrote(hl, tmp_path):
    path = copy_case(tmp_path)
    original = json.loads(path.read_text(encoding="utf-8"))
    hl("log", path, "повторный запрос", "--at", "05.11 10:30", "--now", "05.11.2025 11:00")
    hl("log", path, "звонок о задержке", "--at", "05.11 11:30", "--now", "05.11.2025 12:00")
    run = hl("log", path, "--undo", "--now", NOW)
    assert "Отменено в деле AG-C" in run.out and "звонок клиенту о задержке" in run.out
    assert [t for t, _ in events(path)][-1] == "re_request"
    hl("log", path, "--undo", "--now", NOW)
    assert json.loads(path.read_text(encoding="utf-8")) == original
    run = hl("log", path, "--undo", "--now", NOW)
    assert run.code == 2 and "отменять нечего" in run.err


def test_a_file_of_several_cases_needs_an_id(hl, tmp_path):
    path = tmp_path / "cases.jsonl"
    cases = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "fixtures" / "agenda").glob("*.json"))]
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), encoding="utf-8")
    run = hl("log", path, "звонок эксперта", "--now", NOW)
    assert run.code == 2 and "в файле 4 дел (AG-A, AG-B, AG-C, AG-D): укажите дело — --id НОМЕР" in run.err
    assert hl("log", path, "звонок о задержке", "--id", "AG-C", "--at", "05.11 11:00", "--now", NOW).code == 0
    after = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [c["case_id"] for c in after] == ["AG-A", "AG-B", "AG-C", "AG-D"]
    assert after[0] == cases[0] and after[3] == cases[3]
    assert after[2]["events"][-1]["type"] == "delay_call"


def test_log_from_the_draft_escalate_wrote_and_the_rerequest_threads_it(hl, tmp_path):
    """escalate drafts the engineer request (site-form case, 05.11); log records it from the .eml with its
    Message-ID; a week later the re-request's draft answers that Message-ID."""
    path = copy_case(tmp_path, ROOT / "fixtures" / "journeys" / "site_form_new.json")
    draft = tmp_path / "request.eml"
    hl("escalate", path, "--today", "2025-11-05", "--engineer", "eng@example.ru", "--eml", draft)
    run = hl("log", path, "--from-draft", draft, "--at", "05.11 11:00", "--by", "Кузнецова Е.", "--now", NOW)
    assert run.code == 0, run.err
    ev = json.loads(path.read_text(encoding="utf-8"))["events"][-1]
    assert ev["type"] == "engineer_request" and ev["to"] == "eng@example.ru" and ev["priority"] == "Экстремальный"
    assert ev["subject"].startswith("Не согласен с заключением, что техника исправна.")
    assert ev["message_id"].startswith("<engineer-request.") and "Вопросы:" in ev["body"]
    again = tmp_path / "again.eml"
    r = hl("escalate", path, "--today", "2025-11-14", "--eml", again, "--format", "jsonl").jsonl()[0]
    assert r["step"] == "await_answer" and r["message"]["in_reply_to"] == ev["message_id"]
    text = again.read_text(encoding="ascii")
    assert f"In-Reply-To: {ev['message_id']}" in text and f"References: {ev['message_id']}" in text


def test_log_in_a_terminal_asks_about_a_typo(tmp_path):
    """In a real pseudo-terminal: a mistyped event is offered its nearest name, «да» records it."""
    import sys
    from pathlib import Path

    import pexpect

    path = copy_case(tmp_path)
    entry = Path(sys.executable).with_name("hotline")
    child = pexpect.spawn(str(entry), ["log", str(path), "звонок о задрежке", "--at", "05.11 11:00", "--now", NOW],
                          cwd=str(tmp_path), encoding="utf-8", timeout=30, dimensions=(40, 120),
                          env={"PATH": str(entry.parent), "LANG": "C.UTF-8"})
    child.expect_exact("Возможно, имелось в виду «звонок клиенту о задержке»? (да/нет): ")
    child.sendline("нт")
    child.expect_exact("ответьте «да» или «нет»")
    child.sendline("да")
    child.expect_exact("Записано в дело AG-C")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert events(path)[-1] == ("delay_call", "2025-11-05T11:00+03:00")


# ---------------------------------------------------------------- the agenda for a person


def test_the_agenda_names_whom_to_call_and_filters_by_expert(hl, tmp_path):
    folder = tmp_path / "cases"
    folder.mkdir()
    for p in (ROOT / "fixtures" / "agenda").glob("*.json"):
        (folder / p.name).write_bytes(p.read_bytes())
    hl("log", folder / "c_due_on_a_working_saturday.json", "повторный запрос", "--at", "05.11 10:30",
       "--by", "Кузнецова Е.", "--now", NOW)
    items = hl("agenda", folder, "--today", "31.10.2025", "--format", "jsonl").jsonl()
    calls = [x for x in items if x["action"] in ("feedback_call", "delay_call", "expert_call")]
    assert calls and all("Клиент: " in x["text"] and ", телефон: " in x["text"] for x in calls)
    assert any(x["text"].endswith("Клиент: Петрова Анна Сергеевна, телефон: +7 903 555-12-34.") for x in calls)
    mine = hl("agenda", folder, "--today", "05.11.2025", "--days", "5", "--expert", "кузнецова е.",
              "--format", "jsonl").jsonl()
    assert {x["case_id"] for x in mine} == {"AG-C"}
    assert hl("agenda", folder, "--today", "05.11.2025", "--days", "30000").code == 2  # one usage error


def test_the_agenda_workbook_has_real_dates(hl, tmp_path):
    import openpyxl

    book = tmp_path / "plan.xlsx"
    run = hl("agenda", ROOT / "fixtures" / "agenda", "--today", "31.10.2025", "--format", "xlsx", "-o", book)
    assert run.code == 0, run.err
    rows = list(openpyxl.load_workbook(book, read_only=True).worksheets[0].iter_rows(min_row=2, values_only=True))
    assert rows and all(r[0].__class__.__name__ == "datetime" for r in rows)
    assert rows[0][0].strftime("%d.%m.%Y") == "29.10.2025"


def test_the_next_step_after_the_engineers_answer_is_the_call_back(hl, tmp_path):
    path = copy_case(tmp_path)
    run = hl("log", path, "ответ инженера", "--at", "05.11 09:00", "--now", NOW)
    assert ("Следующий шаг: Позвонить клиенту и разъяснить ответ инженера; непонятные формулировки и сложные "
            "термины — попросить инженера изложить понятно для клиента.") in " ".join(run.out.split())


def test_the_consultation_tells_the_claim_and_its_satisfaction(hl, tmp_path):
    """A claim and its satisfaction in the expert stage (no consultation on record yet): each is a line of
    «Описание заказчика», dated."""
    path = copy_case(tmp_path)
    hl("log", path, "ответ инженера", "--at", "31.10 09:00", "--now", NOW)
    hl("log", path, "требование", "--demand", "возврат", "--at", "03.11 10:00", "--now", NOW)
    hl("log", path, "требование удовлетворено", "--demand", "возврат", "--at", "05.11 10:00", "--now", NOW)
    r = json.loads(hl("summarize", path, "--today", "2025-11-05", "--format", "jsonl").out)
    lines = r["consultation"]["customer_description"].splitlines()
    assert "03.11.2025 — клиент предъявил требование: возврат денег." in lines
    assert "05.11.2025 — требование удовлетворено: возврат денег." in lines
