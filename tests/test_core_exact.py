"""The core exactly: every Russian text of `procedure/` against a golden file reviewed by hand,
and the places a sampled mutation run (benchmarks/mutate.py) found unguarded — each test here
fails when that place is changed the way a slip would change it."""

import ast
import copy
import json

from conftest import FIXTURES, ROOT
from hotline_cli.procedure import month
from hotline_cli.procedure.audit import Summary
from hotline_cli.procedure.calendar_data import DECREE_PAGES
from hotline_cli.procedure.escalate import dedupe
from hotline_cli.procedure.logbook import said
from hotline_cli.procedure.terms import legal_rule

GOLDEN = ROOT / "tests" / "golden"
CORE = ROOT / "hotline_cli" / "procedure"


def _cyrillic(s: str) -> bool:
    return any("а" <= ch.casefold() <= "я" or ch in "ёЁ" for ch in s)


def core_texts() -> dict[str, list[str]]:
    """Every string of the core that a person reads (it holds Cyrillic), module by module, in the
    order of the source: mandated sentences, labels, explanations, message parts."""
    out = {}
    for path in sorted(CORE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found = [(n.lineno, n.col_offset, n.value) for n in ast.walk(tree)
                 if isinstance(n, ast.Constant) and isinstance(n.value, str) and _cyrillic(n.value)
                 and not _docstring(tree, n)]
        out[path.stem] = [v for _, _, v in sorted(found)]
    return out


def _docstring(tree: ast.Module, node: ast.Constant) -> bool:
    for n in ast.walk(tree):
        if isinstance(n, ast.Module | ast.FunctionDef | ast.ClassDef) and n.body:
            first = n.body[0]
            if isinstance(first, ast.Expr) and first.value is node:
                return True
    return False


def test_every_russian_text_of_the_core_is_the_reviewed_one():
    """A changed word of a mandated sentence or a label fails here; the golden file is regenerated
    only by hand (a mismatch writes core-texts.json.new to compare and move)."""
    text = json.dumps(core_texts(), ensure_ascii=False, indent=1) + "\n"
    path, new = GOLDEN / "core-texts.json", GOLDEN / "core-texts.json.new"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        new.write_text(text, encoding="utf-8")
        raise AssertionError(f"the core's texts differ from {path.name}: see {new} (move it over if right)")
    assert sum(len(v) for v in json.loads(text).values()) > 500


def test_the_decree_pages_are_the_documents_checked():
    assert {y: f"https://www.consultant.ru/document/cons_doc_LAW_{n}/" for y, n in {
        2015: 167928, 2016: 186505, 2017: 202871, 2018: 280526, 2019: 307996, 2020: 328918, 2021: 365179,
        2022: 395538, 2023: 425407, 2024: 455140, 2025: 481586, 2026: 515170, 2027: 544706}.items()} == DECREE_PAGES


def test_the_replacement_terms_in_days():
    assert (legal_rule("exchange", True, False, None).n, legal_rule("exchange", False, False, None).n) == (20, 7)


def test_blank_addresses_are_dropped_and_repeats_kept_once():
    assert dedupe(["a@x.ru", "  ", None, "", " A@x.ru ", "b@x.ru"]) == ["a@x.ru", "b@x.ru"]


def test_the_logged_line_names_the_demand():
    line = said({"type": "claim", "at": "2025-11-05T14:00:00+03:00", "demand": "refund", "by": "Кузнецова Е."},
                "Europe/Moscow")
    assert line == "05.11.2025 14:00 — требование потребителя: возврат денег (Кузнецова Е.)"


def test_events_out_of_order_are_judged_in_time_order(hl, tmp_path):
    case = json.loads((FIXTURES / "audit" / "HL205_hit.json").read_text(encoding="utf-8"))
    shuffled = copy.deepcopy(case)
    shuffled["events"] = list(reversed(shuffled["events"]))
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    b.write_text(json.dumps(shuffled, ensure_ascii=False), encoding="utf-8")
    runs = [hl("audit", x, "--today", "2025-11-20", "--format", "jsonl").jsonl()[0] for x in (a, b)]
    assert [f["code"] for f in runs[1]["findings"]] == ["HL205", "HL207"]
    assert runs[0]["findings"] == runs[1]["findings"] and runs[0]["case"] == runs[1]["case"]


def test_one_early_re_request_is_said_without_a_count(hl, tmp_path):
    case = json.loads((FIXTURES / "audit" / "HL205_hit.json").read_text(encoding="utf-8"))
    case["events"].append({"type": "re_request", "at": "2025-10-30T18:00:00+03:00"})
    path = tmp_path / "early.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    [r] = hl("followup", path, "--today", "2025-11-20", "--format", "jsonl").jsonl()
    assert "повторный запрос 30.10.2025 раньше первого запроса инженеру: не учитывается" in r["warnings"]
    case["events"].append({"type": "re_request", "at": "2025-10-30T19:00:00+03:00"})
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    [r] = hl("followup", path, "--today", "2025-11-20", "--format", "jsonl").jsonl()
    assert "повторный запрос 30.10.2025 раньше первого запроса инженеру: не учитывается (таких 2)" in r["warnings"]


def test_the_air_conditioner_exemption_is_for_an_unknown_asc_count_only(hl, tmp_path):
    """HL106: an air conditioner's Naumen comment may take either wording only while the number of
    ASCs is unknown; with a known number, a wrong comment is a finding as for any appliance."""
    case = json.loads((FIXTURES / "audit" / "HL106_hit.json").read_text(encoding="utf-8"))
    case["product"]["category"] = "air_conditioner"
    path = tmp_path / "ac.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    [r] = hl("audit", path, "--today", "2025-11-20", "--format", "jsonl").jsonl()
    assert case["city"]["asc_count"] is not None and "HL106" in [f["code"] for f in r["findings"]]


# ------------------------------------------------------------------ the month's arithmetic


def _facts(city, operator, expert, deadlines=None, month_="2025-11", week="2025-W45"):
    return {"opened": "2025-11-03", "week": week, "month": month_, "city": city, "category": "tv",
            "channel": "call", "operator": operator, "experts": [expert] if expert else [],
            "deadlines": deadlines or {"client_promise": None}}


def test_a_cut_summary_adds_the_rest_up_as_others():
    s = Summary()
    # five cities: Д and Е with an error each, the rest clean; two experts
    for i, city in enumerate("АБВГДЕ"):
        findings = (("HL205", "error"), ("HL207", "warning")) if city in "ДЕ" else ()
        s.add(None, findings, 2, _facts(city, f"оп{i % 2}", "Орлова" if i < 3 else "Зайцев"), (f"C{i}", f"f:{i}"))
    data = s.as_dict(shown=2)
    cities = data["by_city"]
    assert [r["key"] for r in cities] == ["Д", "Е", None]
    assert cities[2] == {"key": None, "label": "прочие (4)", "others": 4, "cases": 4, "compliant": 4, "findings": 0,
                         "compliance_rate": 1.0}
    assert [(r["key"], r["cases"], r["compliant"], r["findings"]) for r in data["by_expert"]] == [
        ("Зайцев", 3, 1, 4), ("Орлова", 3, 3, 0)]
    assert [r["key"] for r in data["deadlines"]["by_expert"]] == ["Зайцев", "Орлова"]
    assert data["worst"][0] == {"case_id": "C4", "source": "f:4", "errors": 1, "warnings": 1,
                                "codes": ["HL205", "HL207"]}
    whole = s.as_dict()
    assert len(whole["by_city"]) == 6 and not any(r.get("others") for r in whole["by_city"])


def test_only_the_people_shown_get_deadline_rows():
    s = Summary()
    for i in range(4):
        s.add(None, (("HL205", "error"),) if i == 0 else (), 2, _facts("Казань", None, f"эксперт {i}"),
              (f"C{i}", f"f:{i}"))
    data = s.as_dict(shown=1)
    assert [r["key"] for r in data["by_expert"]] == ["эксперт 0", None]
    assert [r["key"] for r in data["deadlines"]["by_expert"]] == ["эксперт 0"]
    assert [c["key"] for c in data["scorecards"]["expert"]] == ["эксперт 0"]


def test_a_waived_code_is_not_among_the_worst_codes():
    s = Summary()
    s.add(None, (("HL205", "waived"), ("HL207", "warning")), 2, _facts("Казань", None, None), ("C1", "f:1"))
    assert s.as_dict()["worst"][0]["codes"] == ["HL207"] and s.waivers_used == {("C1", "HL205")}


def test_deadlines_counted_by_key_equal_case_by_case():
    """Cases of the same key are added to their rows together, a case taken back out counts
    minus one, and a row or a day emptied that way stays with zeros, as case by case. Worked
    out by hand in FIELDS' order (met, missed, pending, cycles, in time, pending cycles, re-requests
    due / on time, delay calls due / on time, closed)."""
    a = {"client_promise": "met", "promise_days": 2, "engineer_cycles": 1, "engineer_in_time": 1, "days_to_close": 5}
    c = {"client_promise": "missed", "promise_days": 4, "engineer_cycles": 2, "engineer_pending": 1}
    fa = {"week": "W1", "month": "M1", "experts": ["Е1"], "deadlines": a}
    fc = {"week": "W2", "month": "M1", "experts": [], "deadlines": c}
    d = month.Deadlines()
    for facts, sign in ((fa, 1), (fa, 1), (fc, 1), (fa, -1)):
        d.add(facts, sign)
    rows = d.rows
    assert rows[("all",)].n == [1, 1, 0, 3, 1, 1, 0, 0, 0, 0, 1]
    assert rows[("all",)].promise_days == {2: 1, 4: 1} and rows[("all",)].close_days == {5: 1}
    assert rows[("week", "W1")].n == [1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1]
    assert rows[("week", "W2")].n == [0, 1, 0, 2, 0, 1, 0, 0, 0, 0, 0]
    assert rows[("month", "M1")].n == rows[("all",)].n
    assert d.counters(("expert_month", "Е1", "M1")) == [1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1]
    assert d.counters(("expert_month", "Е2", "M1")) == [0] * 11
    assert [k for k, _ in d.scope("expert")] == ["Е1", None]
    # the other copy taken back out too: its rows stay, with zeros, and so do its days
    d.add(fa, -1)
    assert d.rows[("week", "W1")].n == [0] * 11 and d.rows[("week", "W1")].close_days == {5: 0}
    assert d.of(("week", "W1"))["days_to_close"] == {"closed": 0, "median": None, "p90": None}
    # split between two workers, one read already: the same rows once merged
    d1, d2 = month.Deadlines(), month.Deadlines()
    d1.add(fa)
    d1.add(fa)
    assert d1.rows[("all",)].n[0] == 2
    d2.add(fc)
    d2.add(fa, -1)
    d1.merge(d2)
    assert d1.rows[("all",)].n == [1, 1, 0, 3, 1, 1, 0, 0, 0, 0, 1]
    assert d1.rows[("all",)].promise_days == {2: 1, 4: 1}


def test_pending_promises_and_merged_histograms_count_exactly():
    a, b = month.DeadlineRow(), month.DeadlineRow()
    a.add({"client_promise": "pending", "engineer_cycles": 1, "engineer_pending": 1})
    a.add({"client_promise": "met", "promise_days": 2, "days_to_close": 5})
    b.add({"client_promise": "missed", "promise_days": 4, "days_to_close": 5})
    a.merge(b)
    assert a.n == [1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 2]
    assert a.promise_days == {2: 1, 4: 1} and a.close_days == {5: 2}
    d = a.as_dict()
    assert d["client_promise"]["rate"] == 0.5 and d["engineer"]["rate"] is None  # the one cycle still runs


def test_weeks_come_in_order():
    s = Summary()
    for week in ("2025-W47", "2025-W45", "2025-W46"):
        s.add(None, (), 2, _facts("Казань", None, None, week=week), ("C", "f"))
    assert [r["key"] for r in s.as_dict()["deadlines"]["by_week"]] == ["2025-W45", "2025-W46", "2025-W47"]


def test_compare_keeps_new_codes_and_people_who_left():
    previous = {"rules": [{"code": "HL205", "findings": 2}],
                "by_expert": [{"key": "Орлова", "label": "Орлова", "cases": 2, "compliance_rate": 0.5, "findings": 1},
                              {"key": "Ушла", "label": "Ушла", "cases": 1, "compliance_rate": 1.0, "findings": 0}]}
    current = {"rules": [{"code": "HL205", "title": "", "findings": 1}, {"code": "HL207", "title": "", "findings": 3},
                         {"code": "HL301", "title": "", "findings": 0}],
               "by_expert": [{"key": "Орлова", "label": "Орлова", "cases": 4, "compliance_rate": 0.75, "findings": 1}]}
    c = month.compare(current, previous, ["expert"])
    assert [(r["code"], r["previous"], r["current"], r["change"]) for r in c["rules"]] == [
        ("HL207", 0, 3, 3), ("HL205", 2, 1, -1)]
    rows = {r["key"]: r for r in c["by_expert"]}
    assert rows["Орлова"]["change"] == 25.0 and rows["Ушла"]["current_cases"] is None
    assert rows["Ушла"]["previous_cases"] == 1 and rows["Ушла"]["change"] is None


def test_times_in_russian_past_the_teens():
    assert [month.times_ru(n) for n in (3, 13, 14, 23, 112, 113, 122)] == [
        "3 раза", "13 раз", "14 раз", "23 раза", "112 раз", "113 раз", "122 раза"]


def test_the_id_set_counts_from_zero():
    ids = month.IdSet()
    assert ids.size == 0 and len(ids.slots) == 1024 and list(ids) == []


def test_a_date_that_does_not_exist_is_said_in_russian(hl, tmp_path):
    case = json.loads((FIXTURES / "audit" / "base_compliant.json").read_text(encoding="utf-8"))
    case["opened_at"] = "2025-02-30T10:00:00+03:00"
    path = tmp_path / "d.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    run = hl("triage", path, "--format", "jsonl", "--today", "2025-11-20")
    assert "в месяце нет такого дня" in run.jsonl()[0]["error"]["message"]


def test_the_whole_summary_puts_nobody_last_and_drops_older_copies_from_the_worst():
    s = Summary()
    s.add(None, (("HL205", "error"), ("HL206", "error"), ("HL207", "warning")), 2,
          _facts("Казань", "Ярослав", None), ("C1", "old.jsonl:1"))
    s.add(None, (("HL205", "error"),), 2, _facts("Казань", None, "Ярослав"), ("C2", "b.jsonl:1"))
    data = s.as_dict()
    assert [r["key"] for r in data["by_operator"]] == ["Ярослав", None]
    assert [r["key"] for r in data["by_expert"]] == ["Ярослав", None]
    assert data["worst"][0] == {"case_id": "C1", "source": "old.jsonl:1", "errors": 2, "warnings": 1,
                                "codes": ["HL205", "HL206", "HL207"]}
    s.dropped.add(("C1", "old.jsonl:1"))  # an older copy of C1, taken back out
    assert [w["case_id"] for w in s.as_dict()["worst"]] == ["C2"]


# ------------------------------------------------------------------ places the issue on tests named


def test_agenda_drafts_copy_the_last_resort_address_only_when_asked(hl):
    """The agenda's draft is escalate's without --urgent: the «в крайнем случае» address is not copied."""
    items = json.loads(hl("agenda", FIXTURES / "journeys" / "site_form_new.json", "--format", "json",
                          "--today", "2025-11-05").out)
    [draft] = [x["message"] for x in items if x["action"] == "engineer_request"]
    assert draft["cc"] == ["asc-kazan@example.ru", "Olesya.Vedischeva@haierrussia.ru", "igrineva@haierrussia.ru"]
    urgent = hl("escalate", FIXTURES / "journeys" / "site_form_new.json", "--urgent", "--format", "jsonl",
                "--today", "2025-11-05").jsonl()[0]["message"]["cc"]
    assert urgent == draft["cc"] + ["evgeniy.morozov@haierrussia.ru"]


def test_a_site_form_case_with_physical_damage_never_enters_the_expert_stage(hl, tmp_path):
    """Situation 5 (a non-warranty conclusion) by the site form: no expert stage, no request to draft."""
    case = json.loads((FIXTURES / "journeys" / "site_form_new.json").read_text(encoding="utf-8"))
    case["requests"][-1]["conclusion"] = "physical_damage"
    path = tmp_path / "s5.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    [r] = hl("escalate", path, "--format", "jsonl", "--today", "2025-11-05").jsonl()
    assert r["step"] is None and r["message"] is None
    [t] = hl("triage", path, "--format", "jsonl", "--today", "2025-11-05").jsonl()
    assert t["situation"] == 5


def test_an_unanswered_second_cycle_sets_the_next_dates(hl, tmp_path):
    """The engineer silent after the re-request too: what is due now comes from the second cycle
    (re-request 10.11 → due 13.11 → act on Friday 14.11), not from the first (06.11 → 07.11)."""
    case = json.loads((FIXTURES / "audit" / "HL205_hit.json").read_text(encoding="utf-8"))
    case["events"] = [e for e in case["events"] if e["type"] in ("expert_call", "engineer_request", "re_request",
                                                                  "delay_call")]
    path = tmp_path / "silent.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    [r] = hl("followup", path, "--format", "jsonl", "--today", "2025-11-20").jsonl()
    cycles = [c for c in r["clocks"] if c["name"] == "engineer_reply"]
    assert [(c["cycle"], c["start"], c["due"], c["status"]) for c in cycles] == [
        (1, "2025-10-31", "2025-11-06", "overdue"), (2, "2025-11-10", "2025-11-13", "overdue")]
    assert {a["due"] for a in r["next_actions"] if a["action"] in ("re_request", "delay_call")} == {"2025-11-14"}


def _journey_fixture(tmp_path, name, **changes):
    case = json.loads((FIXTURES / "journeys" / name).read_text(encoding="utf-8"))
    case.update(changes)
    path = tmp_path / f"changed-{name}"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_second_asc_request_is_the_contacts_outcome_even_undated(make_case):
    """The request the hotline recorded as the second-ASC one is what the first contact produced, dated or
    not: the contact saw one request in a city of two ASCs — situation 1 (R7), not 4 (two requests)."""
    from datetime import date

    from hotline_cli.procedure.calendar import ProductionCalendar
    from hotline_cli.procedure.case import build_case
    from hotline_cli.procedure.journey import Journey

    c = make_case(city={"name": "Казань", "asc_count": 2}, hotline={"second_asc_request": "40099999"})
    c["requests"].append({"number": "40099999", "type": "diagnostics"})
    j = Journey(build_case(c), date(2025, 11, 20), ProductionCalendar())
    assert [r.number for r in j.first_contact_requests] == ["40031822"]
    assert (j.first_contact.rule.code, j.first_contact.situation) == ("R7", 1)


def test_the_hpcc_documents_are_checked_on_the_next_working_day_a_working_saturday(hl, tmp_path):
    """The HPCC request sent on Friday 31.10.2025: the next working day is Saturday 01.11.2025 (worked
    in place of Monday 03.11 by the 2025 decree), not Wednesday 05.11."""
    path = _journey_fixture(tmp_path, "call_situation3.json",
                            events=[{"type": "hpcc_request", "at": "2025-10-31T10:00:00+03:00"}])
    [r] = hl("followup", path, "--format", "jsonl", "--today", "2025-10-31").jsonl()
    assert r["next_actions"] == [{"due": "2025-11-01", "action": "await_documents",
                                  "text": "Проверить, поступили ли от менеджера HPCC документы по заявке (запрос от "
                                          "31.10.2025); по получении передать запрос эксперту."}]


def test_the_close_step_is_said_whole(hl, tmp_path):
    path = _journey_fixture(tmp_path, "call_situation3.json", events=[
        {"type": "expert_call", "at": "2025-10-31T10:00:00+03:00"},
        {"type": "engineer_request", "at": "2025-10-31T11:00:00+03:00", "to": "e@x.ru"},
        {"type": "engineer_answer", "at": "2025-11-05T11:00:00+03:00"},
        {"type": "feedback_call", "at": "2025-11-05T15:00:00+03:00", "outcome": "accepted"}])
    [r] = hl("escalate", path, "--format", "jsonl", "--today", "2025-11-06").jsonl()
    assert (r["step"], r["todo"]) == (
        "close", "Закрыть запрос и сформировать итоговую консультацию в GSIS (hotline summarize).")


def test_a_due_date_in_a_provisional_year_is_warned_about(hl, tmp_path):
    """A request to the engineer on 30.12.2027: three working days later is past the New Year holidays,
    in 2028 — a year with no transfer decree yet. 2027's own calendar is by decree: no warning for it."""
    path = _journey_fixture(tmp_path, "call_situation3.json", opened_at="2027-12-27T10:00:00+03:00", events=[
        {"type": "expert_call", "at": "2027-12-27T12:00:00+03:00"},
        {"type": "engineer_request", "at": "2027-12-30T11:00:00+03:00", "to": "e@x.ru"}])
    [r] = hl("followup", path, "--format", "jsonl", "--today", "2027-12-30").jsonl()
    assert [w for w in r["warnings"] if w.startswith("календарь")] == [
        "календарь 2028 года предварительный: постановления о переносе выходных нет, сроки могут сдвинуться"]


def test_an_integer_written_with_a_point_is_said_as_an_integer(hl, tmp_path):
    """JSON Schema's integer admits 3.0: the operator reads «3 АСЦ», never «3.0 АСЦ»."""
    case = json.loads((FIXTURES / "journeys" / "call_situation1.json").read_text(encoding="utf-8"))
    case["city"]["asc_count"] = 3.0
    path = tmp_path / "point.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    [r] = hl("triage", path, "--format", "jsonl", "--today", "2025-11-05").jsonl()
    assert r["facts"]["asc_count"] == 3 and type(r["facts"]["asc_count"]) is int
    assert "в городе Казань 3 АСЦ — ситуация 1" in r["why"]


def test_agreed_repair_days_written_with_a_point_are_days(hl, tmp_path):
    """A repair agreed in writing for 20.0 days (an integer to JSON Schema): 20 days from the claim
    of 12.11.2025 end on 02.12.2025, a Tuesday — said «20 дн. по соглашению»."""
    case = json.loads((FIXTURES / "journeys" / "claim_after_closure.json").read_text(encoding="utf-8"))
    case["events"][-1].update(demand="repair", agreed_days=20.0)
    path = tmp_path / "repair.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    [r] = hl("followup", path, "--format", "jsonl", "--today", "2025-11-20").jsonl()
    [term] = r["legal"]
    assert (term["term"], term["due"]) == ("20 дн. по соглашению", "2025-12-02")


# ------------------------------------------------------------------ the survivors of the run after the speed work

NAUMEN_COMMENT = ("Клиент не согласен с заключением по заявке. Отчета от АСЦ на момент звонка нет, второй АСЦ в "
                  "городе отсутствует")


def test_the_air_conditioner_may_keep_the_usual_naumen_comment_only_while_the_ascs_are_uncounted(hl, tmp_path):
    """HL106 for an air conditioner with the usual comment: no finding while the number of ASCs is
    unknown (either wording may be true); with two ASCs known, the usual wording is false: a finding."""
    case = json.loads((FIXTURES / "audit" / "HL106_hit.json").read_text(encoding="utf-8"))
    case["product"]["category"] = "air_conditioner"
    case["hotline"]["naumen_request"]["comment"] = NAUMEN_COMMENT
    codes = {}
    for count in (None, 2):
        case["city"]["asc_count"] = count
        path = tmp_path / f"ac-{count}.json"
        path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
        [r] = hl("audit", path, "--today", "2025-11-20", "--format", "jsonl").jsonl()
        codes[count] = "HL106" in [f["code"] for f in r["findings"]]
    assert codes == {None: False, 2: True}


def test_an_experts_errors_count_the_final_consultations_too():
    """HL3xx (the final consultation) is the expert's stage: its error counts against the expert."""
    s = Summary()
    s.add(None, (("HL301", "error"),), 2, _facts("Казань", "Ким", "Орлова"), ("C1", "f:1"))
    s.add(None, (("HL101", "error"),), 2, _facts("Казань", "Ким", "Орлова"), ("C2", "f:2"))
    assert s.people[("expert", "Орлова", "2025-11")][:4] == [2, 1, 1, 1]  # cases, compliant, findings, errors
    assert s.people[("operator", "Ким", "2025-11")][:4] == [2, 1, 1, 1]


def test_the_period_of_merged_parts_is_their_earliest_and_latest_day():
    a, b = Summary(), Summary()
    a.add(None, (), 2, dict(_facts("Казань", "Ким", None), opened="2025-11-10"), ("A", "f:1"))
    b.add(None, (), 2, dict(_facts("Казань", "Ким", None), opened="2025-11-03"), ("B", "f:2"))
    b.add(None, (), 2, dict(_facts("Казань", "Ким", None), opened="2025-11-20"), ("C", "f:3"))
    a.merge(b)
    assert (a.first, a.last) == ("2025-11-03", "2025-11-20")


def test_others_and_people_add_up_their_own_counts():
    """«прочие» adds up cases, compliant cases and findings apart; a person's two months add up
    to their row; a person whose every case has an error still has a scorecard."""
    s = Summary()
    rows = [("А", "error", "2025-10"), ("А", "error", "2025-11"), ("Б", None, "2025-11"), ("В", "error", "2025-11"),
            ("В", None, "2025-11")]
    for i, (city, sev, mon) in enumerate(rows):
        findings = (("HL205", "error"), ("HL207", "warning")) if sev else ()
        s.add(None, findings, 2, _facts(city, "Ким", "Зайцев" if city == "А" else "Орлова", month_=mon),
              (f"C{i}", f"f:{i}"))
    data = s.as_dict(shown=1)
    assert [(r["key"], r["cases"], r["compliant"], r["findings"]) for r in data["by_city"]] == [
        ("А", 2, 0, 4), (None, 3, 2, 2)]
    assert [(r["key"], r["cases"], r["compliant"], r["findings"]) for r in s.as_dict()["by_expert"]] == [
        ("Зайцев", 2, 0, 4), ("Орлова", 3, 2, 2)]
    assert [c["key"] for c in s.scorecards("expert")] == ["Зайцев", "Орлова"]


def test_deadline_rows_of_nobody_come_last():
    s = Summary()
    d = {"client_promise": "met", "promise_days": 2}
    for i, expert in enumerate([None, "Яковлева", "Абрамов"]):
        s.add(None, (), 2, _facts("Казань", "Ким", expert, deadlines=d), (f"C{i}", f"f:{i}"))
    assert [k for k, _ in s.deadlines.scope("expert")] == ["Абрамов", "Яковлева", None]


def test_four_feedbacks_without_an_answer_list_three_days_and_the_count(hl, tmp_path):
    path = _journey_fixture(tmp_path, "call_situation3.json", events=[
        {"type": "expert_call", "at": "2025-10-31T10:00:00+03:00"},
        {"type": "engineer_request", "at": "2025-10-31T11:00:00+03:00", "to": "e@x.ru"},
        *[{"type": "feedback_call", "at": f"2025-11-{d:02d}T10:00:00+03:00", "outcome": "accepted"}
          for d in (5, 6, 7, 10)]])
    [r] = hl("followup", path, "--format", "jsonl", "--today", "2025-11-11").jsonl()
    assert ("обратная связь клиенту 05.11.2025, 06.11.2025, 07.11.2025 … (4 раз) дана без ответа ответственного "
            "инженера (ответ АСЦ решением не является): не учитывается") in r["warnings"]


def test_a_paid_repair_case_without_the_clients_phone_asks_for_it(hl, tmp_path):
    """Situation 4 sends the client to the site form with the phone of the request: with no phone in
    the case, the operator is told to ask for it."""
    case = json.loads((FIXTURES / "cases" / "r4_two_requests.json").read_text(encoding="utf-8"))
    case["client"].pop("phone", None)
    path = tmp_path / "no-phone.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    [r] = hl("triage", path, "--format", "jsonl", "--today", "2025-11-20").jsonl()
    assert r["situation"] == 4
    assert {"field": "/client/phone", "message": "номер телефона клиента не указан: уточнить номер, который "
            "использовался при оформлении заявки (он нужен в запросе через сайт)"} in r["missing"]


def test_a_built_case_has_every_field_of_its_named_tuples():
    """build_case makes its named tuples from their fields in order (tuple.__new__, which checks
    no count): each has exactly its class's fields, and reads back field by field."""
    from hotline_cli.procedure.case import Case, Event, Request, build_case

    record = json.loads((FIXTURES / "journeys" / "claim_after_closure.json").read_text(encoding="utf-8"))
    c = build_case(record)
    assert len(c) == len(Case._fields) and c == Case(*c)
    assert c.case_id == record["case_id"] and c.channel == record["channel"] and c.origin == record.get("source")
    assert c.requests and all(len(r) == len(Request._fields) and r == Request(*r) for r in c.requests)
    assert c.requests[0].number == record["requests"][0]["number"]
    assert c.events and all(len(e) == len(Event._fields) and e == Event(*e) for e in c.events)
    assert {e.type for e in c.events} == {e["type"] for e in record["events"]}


def test_the_deadline_facts_count_a_running_cycle_and_one_answered_in_time(make_case):
    """An engineer request on Monday 17.11.2025 is due Thursday 20.11 (3 working days): on 18.11 it
    still runs (pending); answered on 19.11, it was answered in time."""
    from datetime import date

    from hotline_cli.procedure.calendar import ProductionCalendar
    from hotline_cli.procedure.case import build_case
    from hotline_cli.procedure.journey import Journey

    request = {"type": "engineer_request", "at": "2025-11-17T10:00:00+03:00"}
    answer = {"type": "engineer_answer", "at": "2025-11-19T12:00:00+03:00"}
    cal = ProductionCalendar()
    running = month.deadline_facts(Journey(build_case(make_case(events=[request])), date(2025, 11, 18), cal), True)
    assert (running["engineer_cycles"], running["engineer_in_time"], running["engineer_pending"]) == (1, 0, 1)
    answered = month.deadline_facts(Journey(build_case(make_case(events=[request, answer])), date(2025, 11, 20), cal),
                                    True)
    assert (answered["engineer_cycles"], answered["engineer_in_time"], answered["engineer_pending"]) == (1, 1, 0)


def test_a_cases_deadline_facts_go_each_to_its_counter():
    """vector: (index in FIELDS, how much) for each non-zero fact, in FIELDS' order."""
    d = {"client_promise": "pending", "promise_days": None, "engineer_cycles": 3, "engineer_in_time": 1,
         "engineer_pending": 1, "re_requests_due": 2, "re_requests_on_time": 1, "delay_calls_due": 4,
         "delay_calls_on_time": 0, "days_to_close": 7}
    assert month.vector(d) == [(2, 1), (3, 3), (4, 1), (5, 1), (6, 2), (7, 1), (8, 4), (10, 1)]
    assert [month.FIELDS[i] for i, _ in month.vector(d)] == [
        "promise_pending", "engineer_cycles", "engineer_in_time", "engineer_pending", "re_requests_due",
        "re_requests_on_time", "delay_calls_due", "closed"]


def test_ids_seen_twice_within_a_workers_part_survive_the_merge():
    a, b = month.IdSet(), month.IdSet()
    a.add(7)
    b.add(5)
    b.add(5)  # twice in the other part
    b.add(7)  # once there, once here
    a.merge(b)
    assert a.twice == {5, 7} and sorted(a) == [5, 7]


def test_the_comparisons_arrow():
    assert [month.arrow(x) for x in (0, 1, -2, 0.5, None)] == ["=", "▲", "▼", "▲", "—"]


def test_two_parts_merged_add_up_every_total_and_row():
    """Two workers' summaries merged (worked out by hand): part 1 reads A (an error) and B (a
    warning), both in situation 1; part 2 reads C (a warning), D (clean) and E (a warning), all in
    situation 2, which part 1 has not seen, and takes B back out (an older copy given again)."""
    s1, s2 = Summary(), Summary()
    s1.add(None, (("HL102", "error"),), 1, _facts("Казань", None, None), ("A", "f:1"))
    s1.add(None, (("HL207", "warning"),), 1, _facts("Казань", None, None), ("B", "f:2"))
    s2.add(None, (("HL207", "warning"),), 2, _facts("Казань", None, None), ("C", "f:3"))
    s2.add(None, (), 2, _facts("Казань", None, None), ("D", "f:4"))
    s2.add(None, (("HL207", "warning"),), 2, _facts("Казань", None, None), ("E", "f:5"))
    s2.add(None, (("HL207", "warning"),), 1, _facts("Казань", None, None), ("B", "f:2"), sign=-1)
    s1.merge(s2)
    assert (s1.read, s1.repeated, s1.with_errors, s1.with_warnings, s1.clean) == (5, 1, 1, 2, 1)
    assert s1.by["situation"] == {1: [1, 0, 1], 2: [3, 3, 2]}  # cases, compliant, findings
    assert s1.per_rule == {"HL102": 1, "HL207": 2}


def test_the_worst_are_the_25_with_the_most_errors_not_the_first_25():
    s = Summary()
    for i in range(1, 31):  # case Ci has i errors
        s.add(None, (("HL102", "error"),) * i, 1, _facts("Казань", None, None), (f"C{i}", f"f:{i}"))
    assert [w["case_id"] for w in s.as_dict()["worst"]] == [f"C{i}" for i in range(30, 5, -1)]
    assert s.as_dict()["worst"][0]["errors"] == 30


def test_a_wrong_consultation_start_is_quoted_to_its_first_60_characters(make_case):
    from datetime import date

    from hotline_cli.procedure.audit import hl301
    from hotline_cli.procedure.calendar import ProductionCalendar
    from hotline_cli.procedure.case import build_case
    from hotline_cli.procedure.journey import Journey
    from hotline_cli.procedure.settings import DEFAULT

    text = "Клиент позвонил повторно и снова сообщил, что техника не работает как положено"  # 79 characters
    c = make_case(consultation={"customer_description": text})
    j = Journey(build_case(c), date(2025, 11, 20), ProductionCalendar())
    assert hl301(j, DEFAULT) == [f"«Описание заказчика» начинается с «{text[:60]}…», а не с «В случае повторного "
                                 "обращения перевести звонок на эксперта, консультацию не проводить»"]
    c = make_case(consultation={"customer_description": text[:60]})
    assert hl301(Journey(build_case(c), date(2025, 11, 20), ProductionCalendar()), DEFAULT)[0].startswith(
        f"«Описание заказчика» начинается с «{text[:60]}», а не")
