"""triage: every row of the decision table R0–R9, the ordering traps, the mandated texts.

Expected verdicts are read off the procedure (the hotline article «Клиент не согласен с
заключением мастера, что техника исправна») and rules.md by hand, one fixture per rule;
the mandated texts below are copied from the article as expected values."""

import json
from datetime import date

import pytest

from conftest import FIXTURES
from hotline_cli.procedure import texts
from hotline_cli.procedure.calendar import ProductionCalendar
from hotline_cli.procedure.case import build_case
from hotline_cli.procedure.journey import Journey
from hotline_cli.procedure.triage import RULES
from hotline_cli.procedure.triage import decide as _decide_card

CAL = ProductionCalendar()


def decide(case, as_of=date(2025, 11, 20)):
    j = Journey(case, as_of, CAL)
    return _decide_card(j.case, j.now)

# fixture -> (rule, situation, verdict, exception), worked out from the procedure
EXPECTED = {
    # a consultation that starts with the mandated sentence: a repeat contact, beats all
    "r0_transfer_to_expert": ("R0", None, "transfer_to_expert", None),
    "r1_no_requests": ("R1", None, "not_applicable", None),
    "r2_fault_gone": ("R2", None, "not_applicable", None),
    "r3_physical_damage": ("R3", 5, "non_warranty_article", None),
    # two requests, but the disputed (latest) one says operation_violation: situation 5
    "r3_damage_beats_two_requests": ("R3", 5, "non_warranty_article", None),
    "r4_two_requests": ("R4", 4, "paid_or_third_party", None),
    "r4_no_asc_request": ("R4", 4, "paid_or_third_party", None),
    # air conditioner in a city with 2 ASCs and a conclusion: never situation 1, acts as 2
    "r5_ac_conclusion_two_asc": ("R5", 2, "site_form_consultation", "air_conditioner"),
    "r5_ac_no_conclusion_one_asc": ("R5", 3, "naumen_request", "air_conditioner"),
    "r5_ac_no_conclusion_two_asc": ("R5", 3, "naumen_request", "air_conditioner"),
    "r6_need_info": ("R6", None, "need_info", None),
    "r7_second_asc": ("R7", 1, "second_asc", None),
    "r8_site_form": ("R8", 2, "site_form_consultation", None),
    "r9_naumen": ("R9", 3, "naumen_request", None),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_rule_through_the_cli(hl, name):
    run = hl("triage", FIXTURES / "cases" / f"{name}.json", "--format", "jsonl")
    assert run.code == 0, run.err
    [r] = run.jsonl()
    assert (r["rule"], r["situation"], r["verdict"], r["exception"]) == EXPECTED[name]
    assert r["source"].endswith(f"{name}.json")
    assert r["why"] and r["actions"]
    assert set(r["facts"]) == set(next(x for x in RULES if x.code == r["rule"]).uses)


def test_every_rule_has_a_fixture():
    assert {v[0] for v in EXPECTED.values()} == {r.code for r in RULES}


def test_table_order_is_r0_to_r9():
    assert [r.code for r in RULES] == [f"R{i}" for i in range(10)]


def _decide(case_dict, with_r0=True):
    j = Journey(build_case(case_dict), date(2025, 11, 20), CAL)
    if with_r0:
        return _decide_card(j.case, j.now)
    d = j.first_contact
    return type("V", (), {"rule": d.rule.code, "situation": d.situation, "verdict": d.verdict})


def test_air_conditioner_in_city_with_two_ascs_is_never_situation_1(make_case):
    for conclusion in ("no_fault", None):
        c = make_case(product={"category": "air_conditioner"}, city={"name": "Краснодар", "asc_count": 5})
        c["requests"][0]["conclusion"] = conclusion
        v = _decide(c)
        assert v.situation == (2 if conclusion else 3)
        assert v.verdict != "second_asc"
        assert not any(rec["kind"] == "second_asc_request" for rec in v.records)


def test_physical_damage_beats_two_requests(make_case):
    c = make_case()
    c["requests"].append({"number": "2", "type": "repair", "created_at": "2025-10-25", "conclusion": "physical_damage"})
    assert (_decide(c).rule, _decide(c).situation) == ("R3", 5)


def test_earlier_request_with_damage_does_not_decide(make_case):
    # the disputed request is the latest one: an old damage conclusion is not it
    c = make_case()
    c["requests"].insert(0, {"number": "1", "type": "repair", "created_at": "2025-01-10", "conclusion": "physical_damage"})
    assert _decide(c).rule == "R4"


def test_r0_beats_everything(make_case):
    c = make_case(requests=[], fault_persists=False, product={"category": "air_conditioner"},
                  consultation={"customer_description": texts.FIRST_SENTENCE + ". Дальше текст."})
    v = _decide(c)
    assert (v.rule, v.verdict, v.situation) == ("R0", "transfer_to_expert", None)
    assert not any("рекламац" in a for a in v.actions)


def test_r0_with_claim_sends_ticket_to_claims_group(make_case):
    c = make_case(consultation={"customer_description": texts.FIRST_SENTENCE},
                  events=[{"type": "claim", "at": "2025-11-10", "demand": "refund"}])
    assert any("группу рекламаций" in a for a in _decide(c).actions)


def test_r0_is_skipped_for_audit(make_case):
    c = make_case(consultation={"customer_description": texts.FIRST_SENTENCE})
    assert _decide(c, with_r0=False).rule == "R8"


def test_sentence_elsewhere_is_not_r0(make_case):
    c = make_case(consultation={"customer_description": "Клиент звонил. " + texts.FIRST_SENTENCE})
    assert _decide(c).rule == "R8"


def test_n_counts_only_diagnostics_and_repair(make_case):
    # R4 needs two service requests; one diagnostics request alone is situation 1-3
    c = make_case(city={"name": "Казань", "asc_count": 2})
    assert _decide(c).rule == "R7"


def test_disputed_request_rules(make_case):
    c = make_case(requests=[
        {"number": "A", "type": "diagnostics", "created_at": "2025-10-01", "conclusion": None},
        {"number": "B", "type": "diagnostics", "conclusion": "physical_damage"},  # undated sorts first
    ])
    assert build_case(c).disputed.number == "A"
    c["requests"][1]["created_at"] = "2025-10-01"  # equal dates: the later position wins
    assert build_case(c).disputed.number == "B"
    for r in c["requests"]:
        r.pop("created_at")
    assert build_case(c).disputed.number == "B"  # nothing dated: the last one


def test_fault_persists_defaults_to_true(make_case):
    c = make_case()
    c.pop("fault_persists", None)
    assert _decide(c).rule == "R8"
    c["fault_persists"] = None
    assert _decide(c).rule == "R8"


def test_mandated_texts_are_byte_exact_with_the_procedure():
    # copied by hand from the article (expert, step 5; Usedesk agent, 2–3; situations 2, 3 and 5)
    assert texts.FIRST_SENTENCE == "В случае повторного обращения перевести звонок на эксперта, консультацию не проводить"
    assert texts.NAUMEN_COMMENT == ("Клиент не согласен с заключением по заявке. Отчета от АСЦ на момент звонка нет, "
                                    "второй АСЦ в городе отсутствует")
    assert texts.NAUMEN_TEMPLATE == "Запрос от Горячей линии"
    assert texts.subject("ФИО", "номер заявки") == "Не согласен с заключением, что техника исправна. ФИО номер заявки"
    assert texts.PRIORITY == "Экстремальный"
    assert (texts.CONSULTATION_L2, texts.CONSULTATION_L3) == ("Политика", "Обслуживание")
    assert texts.NON_WARRANTY_ARTICLE == "Клиент не согласен с заключением мастера, что случай негарантийный"
    for text in (texts.FIRST_SENTENCE, texts.NAUMEN_COMMENT, texts.NAUMEN_COMMENT_AC):
        assert text.isprintable() and "\n" not in text  # one unbroken line, byte-exact


def test_situation_3_records_carry_the_mandated_naumen_text(hl):
    [r] = hl("triage", FIXTURES / "cases" / "r9_naumen.json", "--format", "jsonl").jsonl()
    assert r["records"] == [{"system": "Naumen", "kind": "naumen_request",
                             "fields": {"template": "Запрос от Горячей линии",
                                        "comment": "Клиент не согласен с заключением по заявке. Отчета от АСЦ на "
                                                   "момент звонка нет, второй АСЦ в городе отсутствует"}}]


def test_air_conditioner_two_ascs_uses_the_variant_comment(hl):
    [r] = hl("triage", FIXTURES / "cases" / "r5_ac_no_conclusion_two_asc.json", "--format", "jsonl").jsonl()
    assert r["records"][0]["fields"]["comment"] == (
        "Клиент не согласен с заключением по заявке. Отчета от АСЦ на момент звонка нет, "
        "заявка на другой АСЦ не оформляется (кондиционер)")
    [r] = hl("triage", FIXTURES / "cases" / "r5_ac_no_conclusion_one_asc.json", "--format", "jsonl").jsonl()
    assert r["records"][0]["fields"]["comment"].endswith("второй АСЦ в городе отсутствует")


def test_situation_2_consultation_levels(hl):
    [r] = hl("triage", FIXTURES / "cases" / "r8_site_form.json", "--format", "jsonl").jsonl()
    [rec] = r["records"]
    assert (rec["kind"], rec["fields"]["l2"], rec["fields"]["l3"]) == ("consultation", "Политика", "Обслуживание")
    assert "Напишите нам" in " ".join(r["say"])
    assert "+7 903 555-12-34" in " ".join(r["say"])


def test_situation_1_creates_second_asc_request(hl):
    [r] = hl("triage", FIXTURES / "cases" / "r7_second_asc.json", "--format", "jsonl").jsonl()
    assert [x["kind"] for x in r["records"]] == ["second_asc_request"]
    assert r["records"][0]["fields"]["based_on"] == "40032300"


def test_need_info_lists_what_to_check(hl):
    [r] = hl("triage", FIXTURES / "cases" / "r6_need_info.json", "--format", "jsonl").jsonl()
    assert [m["field"] for m in r["missing"]] == ["/city/asc_count"]
    assert any("Проверить количество АСЦ" in a for a in r["actions"])


def test_text_output_reads_for_the_operator(hl):
    run = hl("triage", FIXTURES / "cases" / "r9_naumen.json")
    assert run.code == 0
    assert "Ситуация 3" in run.out and "правило R9" in run.out
    assert "Что сказать клиенту:" in run.out
    assert "Запрос от Горячей линии" in run.out


def test_batch_folder_gives_one_row_per_case_in_stable_order(hl):
    run = hl("triage", FIXTURES / "cases", "--format", "csv")
    lines = run.out.splitlines()
    assert lines[0].startswith("case_id,source,situation,verdict")
    names = [line.split(",")[1] for line in lines[1:]]
    assert len(names) == len(EXPECTED) and names == sorted(names)


def test_json_format_is_one_array(hl):
    run = hl("triage", FIXTURES / "cases", "--format", "json")
    data = json.loads(run.out)
    assert isinstance(data, list) and len(data) == len(EXPECTED)


def test_triage_ignores_events_after_today(hl, tmp_path, make_case):
    # a claim filed after --today must not yet send the repeat contact to the claims group (R0)
    from conftest import write_jsonl

    case = make_case(consultation={"customer_description": texts.FIRST_SENTENCE},
                     events=[{"type": "claim", "at": "2025-11-20", "demand": "refund"}])
    p = write_jsonl(tmp_path / "c.jsonl", [case])
    before = hl("triage", p, "--format", "jsonl", "--today", "2025-11-10").jsonl()[0]
    after = hl("triage", p, "--format", "jsonl", "--today", "2025-11-20").jsonl()[0]
    assert before["facts"]["claim"] is False and after["facts"]["claim"] is True
    assert not any("рекламаций" in a for a in before["actions"])
    assert any("рекламаций" in a for a in after["actions"])
