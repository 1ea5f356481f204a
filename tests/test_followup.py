"""followup and workdays through the CLI: every date below was counted by hand on the
official calendar (2025: Sat 1.11 working, Mon 3.11 and Tue 4.11 off)."""

import json
import random
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from conftest import FIXTURES, write_jsonl

ENGINEER_REQUEST = {"type": "engineer_request", "at": "2025-10-31T11:00:00+03:00", "to": "engineer@example.ru",
                    "cc": ["asc-kazan@example.ru"], "priority": "Экстремальный", "ticket": "https://t/1"}
EXPERT_CALL = {"type": "expert_call", "at": "2025-10-31T10:15:00+03:00"}


def followup(hl, tmp_path, case, today, *extra):
    p = write_jsonl(tmp_path / "c.jsonl", [case])
    run = hl("followup", p, "--format", "jsonl", "--today", today, *extra)
    assert run.code == 0, run.err
    [r] = run.jsonl()
    return r


def clocks(r):
    return [(c["name"], c["cycle"], c["start"], c["due"], c["stopped"], c["status"]) for c in r["clocks"]]


@pytest.mark.parametrize("today, status", [("2025-11-05", "pending"), ("2025-11-06", "due_today"),
                                           ("2025-11-07", "overdue")])
def test_three_working_days_over_a_working_saturday_and_a_transfer(hl, tmp_path, make_case, today, status):
    # Fri 31.10 → Sat 1.11 (working), [Mon 3, Tue 4 off], Wed 5, Thu 6: due 6.11
    r = followup(hl, tmp_path, make_case(events=[EXPERT_CALL, ENGINEER_REQUEST]), today)
    assert clocks(r) == [("client_promise", None, "2025-10-31", "2025-11-06", None, status),
                         ("engineer_reply", 1, "2025-10-31", "2025-11-06", None, status)]
    assert r["as_of"] == today


def test_breach_makes_re_request_and_delay_call_due_next_working_day(hl, tmp_path, make_case):
    r = followup(hl, tmp_path, make_case(events=[EXPERT_CALL, ENGINEER_REQUEST]), "2025-11-10")
    # due Thu 6.11, next working day Fri 7.11
    assert [(a["due"], a["action"]) for a in r["next_actions"]] == [("2025-11-07", "re_request"),
                                                                     ("2025-11-07", "delay_call")]
    assert all(a["text"] for a in r["next_actions"])


def test_re_request_starts_a_new_cycle_and_answer_stops_both(hl, tmp_path, make_case):
    events = [EXPERT_CALL, ENGINEER_REQUEST,
              {"type": "re_request", "at": "2025-11-07T09:00:00+03:00"},
              {"type": "delay_call", "at": "2025-11-07T09:30:00+03:00"},
              {"type": "engineer_answer", "at": "2025-11-10T15:00:00+03:00"},
              {"type": "feedback_call", "at": "2025-11-11T10:00:00+03:00", "outcome": "accepted"}]
    r = followup(hl, tmp_path, make_case(events=events), "2025-11-20")
    assert clocks(r) == [
        ("client_promise", None, "2025-10-31", "2025-11-06", "2025-11-11", "missed"),
        ("engineer_reply", 1, "2025-10-31", "2025-11-06", "2025-11-10", "missed"),
        # Fri 7.11 → Mon 10, Tue 11, Wed 12
        ("engineer_reply", 2, "2025-11-07", "2025-11-12", "2025-11-10", "met")]
    # fed back on Tue 11.11 and accepted, not closed yet: closing is due that day
    assert [(a["due"], a["action"]) for a in r["next_actions"]] == [("2025-11-11", "close")]
    # the order of events in the export does not matter
    random.Random(7).shuffle(events)
    assert clocks(followup(hl, tmp_path, make_case(events=events), "2025-11-20")) == clocks(r)


def test_asc_answer_does_not_stop_the_engineer_clock(hl, tmp_path, make_case):
    events = [EXPERT_CALL, ENGINEER_REQUEST, {"type": "asc_answer", "at": "2025-11-05T12:00:00+03:00"}]
    r = followup(hl, tmp_path, make_case(events=events), "2025-11-07")
    assert r["clocks"][1]["status"] == "overdue" and r["clocks"][1]["stopped"] is None


def test_answer_without_feedback_makes_a_feedback_call_due(hl, tmp_path, make_case):
    events = [EXPERT_CALL, ENGINEER_REQUEST, {"type": "engineer_answer", "at": "2025-11-02T12:00:00+03:00"}]
    r = followup(hl, tmp_path, make_case(events=events), "2025-11-02")
    # answered on Sunday 2.11: the call is due on the next working day, Wed 5.11
    assert [(a["due"], a["action"]) for a in r["next_actions"]] == [("2025-11-05", "feedback_call")]
    assert r["clocks"][1]["status"] == "met"


def test_events_after_today_are_ignored(hl, tmp_path, make_case):
    events = [EXPERT_CALL, ENGINEER_REQUEST, {"type": "engineer_answer", "at": "2025-11-12T12:00:00+03:00"}]
    r = followup(hl, tmp_path, make_case(events=events), "2025-11-06")
    assert r["clocks"][1]["status"] == "due_today"


def test_time_zone_moves_the_start_to_the_next_local_date(hl, tmp_path, make_case):
    call = {"type": "expert_call", "at": "2025-10-31T23:30:00+03:00"}
    vladivostok = make_case(city={"name": "Владивосток", "asc_count": 1, "timezone": "Asia/Vladivostok"},
                            events=[call])
    # 23:30 Moscow = 06:30 on Sat 1.11 in Vladivostok (a working Saturday) → Wed 5, Thu 6, Fri 7
    assert followup(hl, tmp_path, vladivostok, "2025-11-01")["clocks"][0][
        "start"] == "2025-11-01"
    assert followup(hl, tmp_path, vladivostok, "2025-11-01")["clocks"][0]["due"] == "2025-11-07"
    moscow = make_case(events=[call])
    assert followup(hl, tmp_path, moscow, "2025-11-01")["clocks"][0]["due"] == "2025-11-06"


def test_start_on_a_non_working_day_and_new_year(hl, tmp_path, make_case):
    call = {"type": "expert_call", "at": "2025-12-27T12:00:00+03:00"}  # Saturday
    r = followup(hl, tmp_path, make_case(events=[call]), "2025-12-29")
    # Mon 29, Tue 30, [31.12–11.01 off], Mon 12.01
    assert r["clocks"][0]["due"] == "2026-01-12"


def test_no_expert_call_no_promise_clock(hl, tmp_path, make_case):
    r = followup(hl, tmp_path, make_case(channel="site_form"), "2025-11-06")
    assert clocks(r) == [("client_promise", None, None, None, None, "not_started"),
                         ("engineer_reply", None, None, None, None, "not_started")]
    # the direct e-mail flow has no promise at all: nobody phones this client
    r = followup(hl, tmp_path, make_case(channel="email"), "2025-11-06")
    assert clocks(r) == [("engineer_reply", None, None, None, None, "not_started")]


# (demand, claim date, extra, satisfied, today, due, status, days_late, penalty) by hand, price 54 990 ₽
LEGAL = [
    # 10 days: 1.11 + 10 = Tue 11.11 (working); 3 days late on 14.11: 54 990 × 1 % × 3
    ("refund", "2025-11-01", {}, None, "2025-11-14", "2025-11-11", "overdue", 3, 1649.7),
    ("price_reduction", "2025-11-01", {}, None, "2025-11-11", "2025-11-11", "due_today", 0, 0.0),
    # 7 days: 25.04 + 7 = Fri 2.05 (off) → art. 193: Mon 5.05; satisfied 6.05: 1 day late
    ("exchange", "2025-04-25", {}, "2025-05-06", "2025-05-20", "2025-05-05", "missed", 1, 549.9),
    # 20 days with a quality check: 12.12 + 20 = 1.01.2026 (off) → Mon 12.01.2026
    ("exchange", "2025-12-12", {"quality_check": True}, None, "2025-12-20", "2026-01-12", "pending", 0, 0.0),
    # 45 days: 1.03 + 45 = Tue 15.04 (working)
    ("repair", "2025-03-01", {}, "2025-04-10", "2025-05-01", "2025-04-15", "met", 0, 0.0),
    # 3 days: 10.06 + 3 = Fri 13.06 (off, moved from 8 March) → Mon 16.06
    ("substitute_device", "2025-06-10", {}, None, "2025-06-16", "2025-06-16", "due_today", 0, 0.0),
]


@pytest.mark.parametrize("demand, start, extra, satisfied, today, due, status, late, penalty", LEGAL)
def test_consumer_rights_terms(hl, tmp_path, make_case, demand, start, extra, satisfied, today, due, status,
                               late, penalty):
    events = [dict({"type": "claim", "at": start, "demand": demand}, **extra)]
    if satisfied:
        events.append({"type": "claim_satisfied", "at": satisfied, "demand": demand})
    case = make_case(events=events, product={"category": "washing_machine", "price": 54990})
    [t] = followup(hl, tmp_path, case, today)["legal"]
    assert (t["demand"], t["start"], t["due"], t["status"], t["days_late"], t["penalty_rub"]) == (
        demand, start, due, status, late, penalty)


def test_penalty_is_null_without_a_price(hl, tmp_path, make_case):
    case = make_case(events=[{"type": "claim", "at": "2025-11-01", "demand": "refund"}])
    [t] = followup(hl, tmp_path, case, "2025-11-20")["legal"]
    assert t["penalty_rub"] is None and t["days_late"] == 9


def test_bad_timestamp_and_zone_are_that_records_errors(hl, tmp_path, make_case):
    bad_at = make_case(case_id="bad-at", events=[{"type": "expert_call", "at": "2025-11-31T10:00:00"}])
    bad_tz = make_case(case_id="bad-tz", city={"name": "X", "asc_count": 1, "timezone": "Mars/Olympus"})
    p = write_jsonl(tmp_path / "b.jsonl", [bad_at, make_case(case_id="ok"), bad_tz])
    run = hl("followup", p, "--format", "jsonl", "--today", "2025-11-06")
    assert run.code == 2
    results = run.jsonl()
    assert [r["case_id"] for r in results] == ["bad-at", "ok", "bad-tz"]
    assert results[0]["error"]["path"] == "/events/0/at"
    assert results[2]["error"]["path"] == "/city/timezone"
    assert "clocks" in results[1]


def test_without_today_the_date_is_the_cases_local_today(hl, tmp_path, make_case):
    case = make_case(city={"name": "Владивосток", "asc_count": 1, "timezone": "Asia/Vladivostok"})
    r = json.loads(hl("followup", write_jsonl(tmp_path / "c.jsonl", [case]), "--format", "jsonl").out)
    assert r["as_of"] == datetime.now(ZoneInfo("Asia/Vladivostok")).date().isoformat()


def test_provisional_year_is_warned(hl, tmp_path, make_case):
    case = make_case(events=[{"type": "expert_call", "at": "2028-03-01T10:00:00+03:00"}])
    r = followup(hl, tmp_path, case, "2028-03-02")
    assert any("2028" in w and "предварительный" in w for w in r["warnings"])


def test_followup_table_has_one_row_per_clock(hl):
    run = hl("followup", FIXTURES / "cases", "--format", "csv", "--today", "2025-11-10")
    rows = run.out.splitlines()[1:]
    assert len(rows) == 2 * len(list((FIXTURES / "cases").glob("*.json")))


def test_followup_text_is_a_todo_list(hl):
    run = hl("followup", FIXTURES / "cases" / "r8_site_form.json", "--today", "2025-11-10")
    assert "ПРОСРОЧЕН" in run.out and "[ ] 07.11.2025 (срок прошёл)" in run.out


@pytest.mark.parametrize("year, n", [(2024, 248), (2025, 247), (2026, 247)])
def test_workdays_year(hl, year, n):
    r = json.loads(hl("workdays", "year", year, "--format", "json").out)
    assert (r["year"], r["working_days"], r["provisional"]) == (year, n, False)


def test_workdays_year_lists_transfers(hl):
    r = json.loads(hl("workdays", "year", "2025", "--format", "json").out)
    assert r["working_weekends"] == ["2025-11-01"]
    assert "2025-11-03" in r["non_working_weekdays"] and "2025-12-31" in r["non_working_weekdays"]
    assert json.loads(hl("workdays", "year", "2028", "--format", "json").out)["provisional"] is True


def test_workdays_add_and_between(hl):
    assert json.loads(hl("workdays", "add", "2025-10-31", "3", "--format", "json").out) == {
        "start": "2025-10-31", "n": 3, "date": "2025-11-06", "provisional": False}
    assert json.loads(hl("workdays", "add", "2025-11-02", "0", "--format", "json").out)["date"] == "2025-11-05"
    assert json.loads(hl("workdays", "between", "2025-12-29", "2026-01-13", "--format", "json").out)[
        "working_days"] == 3
    run = hl("workdays", "add", "2025-10-31", "3")
    assert run.out.strip() == "3-й рабочий день после 31.10.2025: 06.11.2025"


def test_workdays_config_override(hl, tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('[calendar]\nworking = ["2028-01-08"]\nnon_working = ["2028-01-10"]\n'
                   '[calendar.decrees]\n"2028" = "Постановление № 1"\n', encoding="utf-8")
    r = json.loads(hl("workdays", "year", "2028", "--format", "json", "--config", cfg).out)
    assert r["provisional"] is False and "2028-01-08" in r["working_weekends"]
    assert "2028-01-10" in r["non_working_weekdays"]


def test_workdays_bad_input(hl, tmp_path):
    assert hl("workdays", "year", "1990").code == 2
    assert hl("workdays", "add", "2025-02-30", "3").code == 2
    cfg = tmp_path / "c.toml"
    cfg.write_text('[calendar]\nworking = ["2028-02-30"]\n', encoding="utf-8")
    run = hl("workdays", "year", "2028", "--config", cfg)
    assert run.code == 2 and "calendar.working[0]" in run.err and str(cfg) in run.err


def test_workdays_formats_and_output(hl, tmp_path):
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(hl("workdays", "year", "2025", "--format", "csv").out)))
    # 2025: 15 weekdays off (the transfers included) and one worked Saturday, 1 November
    assert len(rows) == 16
    assert [r["date"] for r in rows if r["working"] == "true"] == ["2025-11-01"]
    out = tmp_path / "w.json"
    run = hl("workdays", "between", "2025-10-31", "2025-11-06", "--format", "json", "--output", out)
    assert run.out == "" and json.loads(out.read_text(encoding="utf-8"))["working_days"] == 3
    assert "06.11.2025" in hl("workdays", "add", "2025-10-31", "3", "--format", "table").out
