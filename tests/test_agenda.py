"""agenda: the expert's day over a folder of cases, dates counted by hand on the 2025 calendar.

Judged on Fri 31.10.2025 with the default horizon of 3 working days: Sat 1.11 is a working
Saturday (1), Mon 3.11 and Tue 4.11 are days off (National Unity Day and its transfer), Wed
5.11 (2), Thu 6.11 (3): «ближайшие дни» run to 06.11.2025."""

import csv
import io

from conftest import FIXTURES

AGENDA = FIXTURES / "agenda"
# (due, status, case, action) in order — see each fixture's x_note for the arithmetic
EXPECTED = [
    ("2025-10-29", "overdue", "AG-A", "re_request"),  # asked Thu 23.10, due Tue 28.10; e-mail: no delay call
    ("2025-10-31", "today", "AG-B", "feedback_call"),  # answered Fri 31.10
    ("2025-11-05", "upcoming", "AG-C", "re_request"),  # asked Wed 29.10, due Sat 1.11; next working day Wed 5.11
    ("2025-11-05", "upcoming", "AG-C", "delay_call"),
    ("2025-11-05", "upcoming", "AG-D", "legal_term"),  # exchange 27.10 + 7 = Mon 3.11, off to Wed 5.11
]  # the refund 30.10 + 10 = Sun 9.11 → Mon 10.11 is past the horizon


def items(hl, *extra):
    run = hl("agenda", AGENDA, "--today", "31.10.2025", "--format", "jsonl", *extra)
    assert run.code == 0, run.err
    return run.jsonl()


def test_the_day_in_order_with_hand_counted_dates(hl):
    got = items(hl)
    assert [(x["due"], x["status"], x["case_id"], x["action"]) for x in got] == EXPECTED
    assert all(set(x) >= {"case_id", "source", "due", "status", "action", "text", "client"} for x in got)
    assert got[0]["message"]["to"] == "engineer@example.ru"  # the re-request is drafted
    assert "Повторно направляем запрос от 23.10.2025" in got[0]["message"]["body"]
    assert got[3]["message"] is None


def test_a_longer_horizon_reaches_the_refund(hl):
    # 5 working days after 31.10: Sat 1, Wed 5, Thu 6, Fri 7, Mon 10.11
    got = items(hl, "--days", "5")
    assert [(x["due"], x["case_id"], x["action"]) for x in got][-1] == ("2025-11-10", "AG-D", "legal_term")


def test_text_groups_overdue_today_and_the_next_days(hl):
    out = hl("agenda", AGENDA, "--today", "2025-10-31", width=100).out
    lines = out.splitlines()
    assert lines[0] == "План на 31.10.2025 (ближайшие дни — по 06.11.2025)"
    heads = [line for line in lines if line in ("Просрочено (1)", "Сегодня (1)", "Ближайшие дни (3)")]
    assert heads == ["Просрочено (1)", "Сегодня (1)", "Ближайшие дни (3)"]
    assert "  29.10.2025  AG-A · Петрова Анна Сергеевна" in lines
    assert "  05.11.2025  AG-C · Иванов Пётр Ильич" in lines
    assert "Текст письма:" in out


def test_csv_and_table(hl):
    rows = list(csv.DictReader(io.StringIO(hl("agenda", AGENDA, "--today", "2025-10-31", "--format", "csv").out)))
    assert [(r["due"], r["status"], r["case_id"], r["action"]) for r in rows] == EXPECTED
    table = hl("agenda", AGENDA, "--today", "2025-10-31", "--format", "table").out
    assert table.splitlines()[0].split() == ["Срок", "Статус", "Дело", "Действие", "Что", "сделать"]
    assert "просрочено" in table and "05.11.2025" in table


def test_a_bad_record_is_reported_and_the_rest_planned(hl, tmp_path):
    import shutil

    shutil.copytree(AGENDA, tmp_path / "a")
    (tmp_path / "a" / "z_broken.json").write_text("{", encoding="utf-8")
    run = hl("agenda", tmp_path / "a", "--today", "2025-10-31", "--format", "jsonl")
    assert run.code == 2 and "z_broken.json" in run.err
    got = run.jsonl()
    assert len(got) == len(EXPECTED) + 1 and "error" in got[-1]
