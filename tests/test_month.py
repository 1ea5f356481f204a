"""The supervisor's month: two small months counted by hand, deadlines as rates, people,
waivers, the same case given twice, long label lists, and a workbook people read and print.

The pair below (every figure worked out by hand from the procedure and the calendar):

- October («A»): A1 — the compliant case (operator Иванова, expert Орлова): no finding,
  promise met in 3 working days, one engineer cycle answered in time, closed after 4 working
  days; A2 — HL205 (error) and HL207 (warning) (Иванова, Орлова): promise missed (feedback
  after 7 working days), cycle 1 late and cycle 2 in time, closed after 8 working days.
- November («B»): B1 — compliant (Петров, Зайцев); B2 — compliant (Иванова, Орлова);
  B3 — like A2 (Петров, Зайцев).
"""

import copy
import csv
import io
import json

import openpyxl
import pytest

from conftest import FIXTURES, write_jsonl
from hotline_cli.procedure import month

BASE = json.loads((FIXTURES / "audit" / "base_compliant.json").read_text(encoding="utf-8"))
LATE = json.loads((FIXTURES / "audit" / "HL205_hit.json").read_text(encoding="utf-8"))


def case(template, case_id, operator, expert):
    c = copy.deepcopy(template)
    c["case_id"] = case_id
    c["hotline"] = dict(c.get("hotline") or {}, operator=operator)
    for e in c.get("events") or ():
        if e["type"] != "engineer_answer":
            e["by"] = expert
    return c


@pytest.fixture()
def pair(tmp_path):
    october = write_jsonl(tmp_path / "october.jsonl", [case(BASE, "A1", "Иванова", "Орлова"),
                                                       case(LATE, "A2", "Иванова", "Орлова")])
    november = write_jsonl(tmp_path / "november.jsonl", [case(BASE, "B1", "Петров", "Зайцев"),
                                                         case(BASE, "B2", "Иванова", "Орлова"),
                                                         case(LATE, "B3", "Петров", "Зайцев")])
    return october, november


def stats(hl, *args):
    run = hl("audit", *args, "--today", "2025-11-20", "--statistics", "--format", "json")
    assert run.code in (0, 1), run.err
    return json.loads(run.out)


# ------------------------------------------------------------------ the core's arithmetic


def test_percentiles_are_nearest_rank_and_rates_skip_what_was_not_due():
    assert month.percentile({1: 1, 2: 1, 3: 1, 4: 1}, 0.5) == 2
    assert month.percentile({4: 2, 8: 1}, 0.5) == 4 and month.percentile({4: 2, 8: 1}, 0.9) == 8
    assert month.percentile({5: 9, 30: 1}, 0.9) == 5 and month.percentile({5: 9, 30: 2}, 0.9) == 30
    assert month.percentile({}, 0.5) is None and month.percentile({3: 0}, 0.5) is None
    assert month.rate(2, 3) == 0.6667 and month.rate(0, 0) is None and month.rate(0, 4) == 0.0


def test_changes_are_signed_in_points_and_worst_first():
    assert month.change("compliance_rate", 0.5, 0.6667) == 16.7
    assert month.change("findings", 7, 4) == -3 and month.change("read", None, 4) is None
    assert month.signed(16.7, "п. п.") == "+16,7 п. п." and month.signed(-3) == "−3" and month.signed(0) == "0"
    assert month.signed(None) == "—"
    assert [month.arrow(x) for x in (2, -0.5, 0, None)] == ["▲", "▼", "=", "—"]
    assert [month.times_ru(n) for n in (2, 4, 5, 11, 12, 21, 22, 1000)] == [
        "2 раза", "4 раза", "5 раз", "11 раз", "12 раз", "21 раз", "22 раза", "1000 раз"]


def test_more_than_fifty_labels_are_the_worst_fifty_and_the_others():
    rows = [{"key": f"c{i}", "label": f"Город {i}", "cases": 10, "compliant": i % 11, "findings": 10 - i % 11,
             "compliance_rate": (i % 11) / 10} for i in range(120)]
    shown = month.capped(rows)
    assert len(shown) == 51 and shown[-1]["label"] == "прочие (70)" and shown[-1]["others"] == 70
    assert [r["compliance_rate"] for r in shown[:50]] == sorted(r["compliance_rate"] for r in shown[:50])
    assert sum(r["cases"] for r in shown) == 1200 and sum(r["compliant"] for r in shown) == sum(
        r["compliant"] for r in rows)
    assert month.capped(rows[:3]) == sorted(rows[:3], key=lambda r: r["compliance_rate"])


def test_the_id_set_finds_what_repeats_and_grows():
    ids = month.IdSet(capacity=4)
    for i in range(1000):
        ids.add(month.id_hash(f"case-{i}"))
    assert ids.size == 1000 and not ids.twice and len(ids.slots) >= 2000
    ids.add(month.id_hash("case-7"))
    other = month.IdSet()
    other.add(month.id_hash("case-9"))
    other.add(month.id_hash("new"))
    ids.merge(other)
    assert ids.twice == {month.id_hash("case-7"), month.id_hash("case-9")} and ids.size == 1001


# ------------------------------------------------------------------ two months, counted by hand


def test_deadlines_as_rates_counted_by_hand(hl, pair):
    _, november = pair
    s = stats(hl, november)
    d = s["deadlines"]["overall"]
    assert d["client_promise"] == {"met": 2, "missed": 1, "pending": 0, "rate": 0.6667, "median_days": 3,
                                   "p90_days": 7}
    assert d["engineer"] == {"cycles": 4, "in_time": 3, "late": 1, "pending": 0, "rate": 0.75}
    assert d["re_requests"] == {"due": 1, "on_time": 0, "rate": 0.0}
    assert d["delay_calls"] == {"due": 1, "on_time": 1, "rate": 1.0}
    assert d["days_to_close"] == {"closed": 3, "median": 4, "p90": 8}
    experts = {r["key"]: r for r in s["deadlines"]["by_expert"]}
    assert experts["Зайцев"]["client_promise"]["rate"] == 0.5 and experts["Орлова"]["client_promise"]["rate"] == 1.0
    assert [r["key"] for r in s["deadlines"]["by_month"]] == ["2025-10"]


def test_people_add_up_and_have_scorecards(hl, pair):
    _, november = pair
    s = stats(hl, november)
    assert sum(r["cases"] for r in s["by_operator"]) == sum(r["cases"] for r in s["by_expert"]) == s["valid"] == 3
    cards = {c["key"]: c for c in s["scorecards"]["expert"]}
    z = cards["Зайцев"]
    assert (z["cases"], z["compliant"], z["errors"], z["findings"]) == (2, 1, 1, 2)
    assert z["codes"] == {"HL205": 1, "HL207": 1} and z["top_codes"] == ["HL205", "HL207"]
    assert z["by_month"][0]["label"] == "октябрь 2025" and z["deadlines"]["engineer"]["rate"] == 0.6667
    operators = {c["key"]: c for c in s["scorecards"]["operator"]}
    assert operators["Петров"]["compliance_rate"] == 1.0 and operators["Петров"]["codes"] == {}  # HL2xx: not theirs


def test_compare_two_months_against_a_hand_count(hl, pair, tmp_path):
    october, november = pair
    s = stats(hl, november, "--compare", october)
    c = s["compare"]
    figures = {f["name"]: f for f in c["headline"]}
    assert (figures["valid"]["previous"], figures["valid"]["current"], figures["valid"]["change"]) == (2, 3, 1)
    assert figures["compliance_rate"]["change"] == 16.7  # 1 of 2 → 2 of 3
    assert figures["promise_rate"]["change"] == 16.7 and figures["engineer_rate"]["change"] == 8.3  # 2/3 → 3/4
    assert figures["close_median"]["change"] == 0 and figures["findings"]["change"] == 0
    assert [(r["code"], r["previous"], r["current"], r["change"]) for r in c["rules"]] == [
        ("HL205", 1, 1, 0), ("HL207", 1, 1, 0)]
    experts = {r["key"]: r for r in c["by_expert"]}
    assert experts["Орлова"]["change"] == 50.0 and experts["Орлова"]["previous_cases"] == 2
    assert experts["Зайцев"]["previous_rate"] is None and experts["Зайцев"]["change"] is None
    assert [r["key"] for r in c["by_expert"]] == ["Орлова", "Зайцев"]  # the changes known first
    # a saved --statistics gives the same comparison as the export itself
    saved = tmp_path / "october.json"
    saved.write_text(json.dumps(stats(hl, october), ensure_ascii=False), encoding="utf-8")
    assert stats(hl, november, "--compare", saved)["compare"] == c
    text = hl("audit", november, "--compare", october, "--today", "2025-11-20", "--statistics").out
    assert "  доля соответствующих: 50 % → 67 % (▲ +16,7 п. п.)" in text.splitlines()
    assert "    Орлова: 50 % → 100 % (+50,0 п. п.)" in text.splitlines()
    assert "  обещание клиенту (3 рабочих дня) выполнено: 67 % (2 из 3; ещё идёт: 0), медиана 3 раб. дн." in text


def test_compare_in_the_workbook_and_the_page(hl, pair, tmp_path):
    october, november = pair
    book, page = tmp_path / "m.xlsx", tmp_path / "m.html"
    run = hl("audit", november, "--compare", october, "--today", "2025-11-20", "--format", "xlsx", "-o", book,
             "--report", page)
    assert run.code == 1, run.err
    wb = openpyxl.load_workbook(book)
    rows = list(wb["Динамика"].values)
    rate = next(r for r in rows if r[0] == "доля соответствующих")
    assert rate[1] == 0.5 and abs(rate[2] - 0.6667) < 1e-9 and rate[3:5] == ("+16,7 п. п.", "▲")
    assert ("Орлова", 0.5, 1.0, "+50,0", 2, 1) in rows
    html = page.read_text(encoding="utf-8")
    assert 'id="compare-headline"' in html and "▲ +16,7 п. п." in html and 'id="compare-expert"' in html


def test_a_bad_previous_is_one_line(hl, tmp_path):
    empty = tmp_path / "prev.json"
    empty.write_text("[]", encoding="utf-8")
    run = hl("audit", FIXTURES / "audit" / "HL205_hit.json", "--compare", empty, "--today", "2025-11-20")
    assert run.code == 2 and "--compare" in run.err and "ни одного корректного дела" in run.err


# ------------------------------------------------------------------ waivers


def test_a_waived_finding_is_shown_and_not_counted(hl, pair, tmp_path):
    _, november = pair
    waivers = tmp_path / "w.toml"
    waivers.write_text('[[waiver]]\ncase_id = "B3"\ncode = "HL205"\nreason = "инженер ответил по телефону"\n'
                       'by = "Смирнова (супервайзер)"\ndate = 2025-11-18\n\n'
                       '[[waiver]]\ncase_id = "B9"\ncode = "HL207"\nreason = "калибровка"\n', encoding="utf-8")
    s = stats(hl, november, "--waivers", waivers)
    assert s["compliant"] == 3 and s["with_errors"] == 0 and s["with_warnings_only"] == 1
    assert {r["code"]: (r["findings"], r["waived"]) for r in s["rules"]}["HL205"] == (0, 1)
    assert s["waivers"]["applied"] == [{"case_id": "B3", "code": "HL205", "reason": "инженер ответил по телефону",
                                        "by": "Смирнова (супервайзер)", "date": "2025-11-18",
                                        "title": s["waivers"]["applied"][0]["title"]}]
    assert [(w["case_id"], w["where"]) for w in s["waivers"]["unused"]] == [("B9", f"{waivers}:8")]
    run = hl("audit", november, "--waivers", waivers, "--today", "2025-11-20", "--format", "jsonl")
    assert run.code == 0  # the one error was waived: nothing counts against the case
    b3 = next(r for r in run.jsonl() if r["case_id"] == "B3")
    assert b3["findings"][0]["waived"] == {"reason": "инженер ответил по телефону", "by": "Смирнова (супервайзер)",
                                           "date": "2025-11-18"}
    assert f"{waivers}:8: снятие HL207 для дела B9 не совпало ни с одной находкой" in run.err


def test_waivers_in_csv_as_excel_saves_them(hl, pair, tmp_path):
    _, november = pair
    waivers = tmp_path / "w.csv"
    waivers.write_bytes("Дело;Код;Причина;Кто;Дата\r\nB3;hl205;документ в тикете;Смирнова;18.11.2025\r\n"
                        .encode("cp1251"))
    s = stats(hl, november, "--waivers", waivers)
    assert s["waivers"]["applied"][0]["date"] == "2025-11-18" and s["compliant"] == 3
    bad = tmp_path / "bad.csv"
    bad.write_text("Дело;Код;Причина\nB3;HL999;нет такого\n", encoding="utf-8")
    run = hl("audit", november, "--waivers", bad, "--today", "2025-11-20")
    assert run.code == 2 and f"{bad}:2: неизвестный код правила «HL999»" in run.err
    bad.write_text("Дело;Код\nB3;HL205\n", encoding="utf-8")
    run = hl("audit", november, "--waivers", bad, "--today", "2025-11-20")
    assert run.code == 2 and "в заголовке нет столбцов reason" in run.err


def test_waivers_in_the_workbook_and_the_page(hl, pair, tmp_path):
    _, november = pair
    waivers = tmp_path / "w.toml"
    waivers.write_text('[[waiver]]\ncase_id = "B3"\ncode = "HL205"\nreason = "калибровка 18.11"\n', encoding="utf-8")
    book, page = tmp_path / "w.xlsx", tmp_path / "w.html"
    hl("audit", november, "--waivers", waivers, "--today", "2025-11-20", "--format", "xlsx", "-o", book,
       "--report", page)
    wb = openpyxl.load_workbook(book)
    assert list(wb["Снятые находки"].values)[1][:2] == ("B3", "HL205")
    finding = next(r for r in wb["Находки"].values if r[7] == "HL205")
    assert finding[8] == "ошибка (снята)" and finding[9].endswith("[снята: калибровка 18.11]")
    html = page.read_text(encoding="utf-8")
    assert 'id="waivers-applied"' in html and "калибровка 18.11" in html


# ------------------------------------------------------------------ the same case twice


def test_the_later_copy_of_a_case_is_counted_once(hl, tmp_path):
    early = case(LATE, "X1", "Иванова", "Орлова")
    early["events"] = [e for e in early["events"] if e["at"] < "2025-11-08"]  # exported before the re-request
    first = write_jsonl(tmp_path / "first.jsonl", [early])
    second = write_jsonl(tmp_path / "second.jsonl", [case(LATE, "X1", "Иванова", "Орлова")])
    for order in ((second, first), (first, second)):
        run = hl("audit", *order, "--today", "2025-11-20", "--statistics", "--format", "json")
        s = json.loads(run.out)
        assert (s["read"], s["repeated"], s["valid"]) == (2, 1, 1)
        assert s["duplicates"] == [{"case_id": "X1", "kept": f"{second}:1", "dropped": [f"{first}:1"]}]
        # the full record's findings count: HL205 and HL207, not the early copy's
        assert {r["code"]: r["findings"] for r in s["rules"] if r["findings"]} == {"HL205": 1, "HL207": 1}
        assert "дело X1 встречается 2 раза" in run.err and f"посчитано одно — {second}:1" in run.err
    rows = hl("audit", first, second, "--today", "2025-11-20", "--format", "jsonl").jsonl()
    assert len(rows) == 2  # every record still gives its result: only the summary counts the case once


# ------------------------------------------------------------------ the workbook


def test_the_workbook_is_fitted_printable_and_charted(hl, pair, tmp_path):
    _, november = pair
    book = tmp_path / "b.xlsx"
    hl("audit", november, "--today", "2025-11-20", "--format", "xlsx", "-o", book)
    wb = openpyxl.load_workbook(book)
    findings = wb["Находки"]
    assert findings.column_dimensions["C"].width >= len("B3")  # the case id
    assert 60 < findings.column_dimensions["J"].width < 62  # the finding's text: capped at 60, and wrapped
    assert findings["J2"].alignment.wrap_text
    for ws in wb.worksheets:
        # one page wide (fitToWidth 1 is the file format's default, left out), as many pages long as it takes
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth in (None, 1), ws.title
        assert ws.page_setup.fitToHeight == 0 and ws.page_setup.paperSize == 9, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
    assert findings.print_title_rows == "$1:$1" and wb["Дела"].print_title_rows == "$1:$1"
    assert len(wb["Итог"]._charts) == 1
    assert wb["Итог"]["A1"].value == "Итог по выгрузке за 30.10.2025–30.10.2025"


def test_a_full_sheet_continues_and_a_long_cell_says_so(tmp_path, monkeypatch):
    from hotline_cli.io import workbook

    monkeypatch.setattr(workbook.Workbook, "max_rows", 4)  # a header and three rows a sheet
    out = tmp_path / "w.xlsx"
    with open(out, "wb") as fh:
        book = workbook.Workbook(fh, "audit")
        for i in range(5):
            book.add({"case_id": f"C{i}", "source": f"x.jsonl:{i + 1}",
                      "case": {"opened": "2025-10-30", "city": "Казань", "experts": []},
                      "situation": 2, "findings": [{"code": "HL205", "severity": "error",
                                                    "message": "ж" * 40_000 if i == 4 else "коротко"}]}, [])
        book.close(None)
    assert any("«Находки (2)»" in w for w in book.warnings) and any("обрезан" in w or "«…»" in w
                                                                     for w in book.warnings)
    wb = openpyxl.load_workbook(out)
    assert [ws.title for ws in wb.worksheets][:5] == ["Итог", "Находки", "Дела", "Находки (2)", "Дела (2)"]
    first, second = wb["Находки"], wb["Находки (2)"]
    assert first.max_row == 4 and second.max_row == 3  # 3 + 2 findings, each sheet with its header row
    assert [r[2] for r in second.iter_rows(min_row=2, values_only=True)] == ["C3", "C4"]
    assert [c.value for c in second[1]] == [c.value for c in first[1]]
    long = second.cell(3, 10).value
    assert len(long) == 32_767 and long.endswith("…") and long[:-1] == "ж" * 32_766


def test_csv_for_excel_statistics_in_russian(hl, pair):
    _, november = pair
    raw = hl("audit", november, "--statistics", "--format", "csv", "--excel", "--today", "2025-11-20")
    rows = list(csv.reader(io.StringIO(raw.result.stdout_bytes.decode("utf-8").lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Раздел", "Что", "Дел", "Без ошибок", "Доля, %", "Находок"]
    assert ["по экспертам", "Зайцев", "2", "1", "50,0", "2"] in rows
    assert ["правило", "HL205 инженер молчит 3 рабочих дня, повторного запроса на следующий рабочий день нет",
            "", "", "", "1"] in rows


def test_workers_give_the_same_month(hl, pair, tmp_path):
    """Two worker processes: the same summary, the same repeats settled, the same drill-down page."""
    october, november = pair
    again = tmp_path / "again.jsonl"
    again.write_bytes(november.read_bytes())  # an overlapping export: every case twice
    pages = []
    for jobs in ("1", "2"):
        page = tmp_path / f"p{jobs}.html"
        run = hl("audit", october, november, again, "--jobs", jobs, "--today", "2025-11-20", "--statistics",
                 "--format", "json", "--report", page)
        s = json.loads(run.out)
        assert (s["read"], s["repeated"], s["valid"]) == (8, 3, 5), jobs
        assert [d["case_id"] for d in s["duplicates"]] == ["B1", "B2", "B3"]
        assert all(d["kept"].startswith(str(again)) for d in s["duplicates"])  # same dates: the later input wins
        pages.append(page.read_text(encoding="utf-8").replace(str(tmp_path), ""))
    assert pages[0] == pages[1]


def test_standard_input_repeats_are_said_not_settled(hl, pair):
    _, november = pair
    text = november.read_text(encoding="utf-8")
    run = hl("audit", "-", "--today", "2025-11-20", "--statistics", "--format", "json", input=text + text)
    s = json.loads(run.out)
    assert s["read"] == 6 and s["repeated"] == 0 and s["duplicates_unresolved"] == 3
    assert "3 дел встречаются во входе больше одного раза; стандартный ввод не перечитать" in run.err
