"""The engine as a whole: the decision proven complete over its fact space, texts true of
every generated case, and no generated case that crashes any command."""

import itertools
import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotline_cli.io.views import VIEWS
from hotline_cli.procedure.calendar import ProductionCalendar
from hotline_cli.procedure.case import build_case
from hotline_cli.procedure.journey import Journey
from hotline_cli.procedure.settings import DEFAULT
from hotline_cli.run.commands import COMMANDS, Context
from strategies import cases, generated_export

CAL = ProductionCalendar()
FIRST = "В случае повторного обращения перевести звонок на эксперта, консультацию не проводить"
DAMAGE = ("physical_damage", "operation_violation")


def expected_verdict(channel, ac, n, no_asc, conclusion, ascs, persists, r0):
    """The procedure, read directly (not the table): (rule, situation, verdict, exception)."""
    if r0:  # a repeat contact after the final consultation: do not consult, transfer
        return "R0", None, "transfer_to_expert", None
    if n == 0 and not no_asc:  # no request: register a diagnostics request, the article does not apply
        return "R1", None, "not_applicable", None
    if not persists:  # every situation 1–4 starts with «неисправность по мнению клиента сохранилась»
        return "R2", None, "not_applicable", None
    if conclusion in DAMAGE:  # situation 5: the other article
        return "R3", 5, "non_warranty_article", None
    flow = (lambda v: "email_flow") if channel == "email" else (lambda v: v)
    if n >= 2 or no_asc:  # several requests, or a «Нет АСЦ» request: situation 4
        return "R4", 4, flow("paid_or_third_party"), None
    if ac:  # never a second ASC for an air conditioner: as situation 2 with a conclusion, else 3
        return ("R5", 2, flow("site_form_consultation"), "air_conditioner") if conclusion else \
            ("R5", 3, flow("naumen_request"), "air_conditioner")
    if ascs is None:  # step 4: the number of ASCs decides between 1 and 2/3
        return "R6", None, flow("need_info"), None
    if ascs >= 2:
        return "R7", 1, flow("second_asc"), None
    return ("R8", 2, flow("site_form_consultation"), None) if conclusion else ("R9", 3, flow("naumen_request"), None)


def build(channel, ac, n, no_asc, conclusion, ascs, persists, r0):
    reqs = [{"number": f"4000000{i}", "type": "diagnostics", "created_at": f"2025-10-0{i + 1}", "conclusion": "no_fault"}
            for i in range(n)]
    if no_asc:
        reqs.append({"number": "40000009", "type": "no_asc", "created_at": "2025-10-09", "conclusion": "no_fault"})
    if reqs:
        reqs[-1]["conclusion"] = conclusion  # the latest request is the disputed one
    case = {"case_id": "X", "opened_at": "2025-10-30T16:40:00+03:00", "channel": channel,
            "client": {"name": "Петрова Анна Сергеевна"},
            "product": {"category": "air_conditioner" if ac else "washing_machine"},
            "city": {"name": "Казань", "asc_count": ascs}, "requests": reqs, "fault_persists": persists}
    if r0:
        case["consultation"] = {"customer_description": FIRST + ". Работа проведена."}
    return build_case(case)


SPACE = list(itertools.product(["call", "site_form", "email"], [False, True], [0, 1, 2], [False, True],
                               [None, "no_fault", "physical_damage", "operation_violation"], [None, 0, 1, 2, 3],
                               [True, False], [False, True]))


def test_the_decision_is_complete_and_the_procedures():
    from hotline_cli.procedure.triage import RULES

    seen = set()
    for facts in SPACE:
        j = Journey(build(*facts), date(2025, 11, 20), CAL)
        d = j.now
        # exactly one rule decides: the first that holds; every rule before it does not
        first = next(i for i, r in enumerate(RULES) if r.when(d.facts))
        assert RULES[first] is d.rule, facts
        got = (d.rule.code, d.situation, d.verdict, d.rule.exception)
        assert got == expected_verdict(*facts), facts
        seen.add(d.rule.code)
    assert len(SPACE) == 3 * 2 * 3 * 2 * 4 * 5 * 2 * 2
    assert seen == {f"R{i}" for i in range(10)}


def outputs(case_dict, today=date(2025, 11, 20)):
    """Every string every command says of a case: its result and its text."""
    case = build_case(case_dict)
    ctx = Context(today=today, settings=DEFAULT, options={"questions": []})
    ctx.options = COMMANDS["audit"].prepare(ctx.options, DEFAULT)
    out = {}
    for name, spec in COMMANDS.items():
        r = {"case_id": case.case_id, "source": "g", "warnings": []}
        res = spec.handler(Journey(case.until(today), today, ctx.calendar), ctx)
        r["warnings"] += res.pop("warnings", [])
        r.update(res)
        out[name] = r
        out[name + " text"] = "\n".join(VIEWS[name].text(r))
    return case, out


def strings(v):
    if isinstance(v, str):
        yield v
    elif isinstance(v, dict):
        for x in v.values():
            yield from strings(x)
    elif isinstance(v, list):
        for x in v:
            yield from strings(x)


@settings(max_examples=250)
@given(cases())
def test_every_sentence_is_true_of_the_case(case_dict):
    case, out = outputs(case_dict)
    text = "\n".join(s for r in out.values() for s in strings(r))
    if not case.fault_persists:
        assert not re.search(r"неисправность[^.;\n]*сохраняется", text), text
    if "заключение было одинаковым: техника исправна" in text:
        assert case.requests and all(r.conclusion == "no_fault" for r in case.requests)
    for r in case.requests:
        n = re.escape(r.number)
        if r.conclusion != "no_fault":
            assert not re.search(rf"№ {n}[^.;\n]*техника исправна", text), (r, text)
        if r.conclusion is None:
            assert not re.search(rf"№ {n}[^.;\n]*(есть заключение|заключение есть)", text), (r, text)
    if not any(e.type == "engineer_answer" for e in case.events if e.at.day <= date(2025, 11, 20)):
        assert "по ответу инженера" not in text
    if case.channel == "email":
        for s in (out["escalate"]["todo"], *[a["text"] for a in out["followup"]["next_actions"]]):
            assert "позвонить" not in s.lower() and "прослушать" not in s.lower()
        assert not any(a["action"] == "delay_call" for a in out["followup"]["next_actions"])
        assert out["triage"]["say"] == []


@settings(max_examples=150)
@given(cases(), st.dates(date(2025, 10, 1), date(2026, 2, 1)))
def test_no_generated_case_crashes_any_command(case_dict, today):
    _, out = outputs(case_dict, today)
    assert set(out) >= set(COMMANDS)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_generated_export_through_the_cli(hl, tmp_path, command):
    p = tmp_path / "gen.jsonl"
    found = generated_export(p, 40, seed=1)
    run = hl(command, p, "--format", "jsonl", "--today", "2025-11-20")
    assert run.code in (0, 1), run.err
    if command == "agenda":  # a line per action due, not per case
        assert all(set(x) >= {"case_id", "source", "due", "status", "action", "text"} for x in run.jsonl())
    else:
        assert len(run.jsonl()) == len(found)
