"""summarize — the final GSIS consultation, read off the journey (rules.md «summarize»;
expert, step 5; e-mail flow, step 4).

«Описание заказчика»: the mandatory sentence first, then what was done, then the result
of the communication with the client. «Примечания»: the link of the internal request to the
engineer, and in the e-mail flow the client's ticket. A missing link is a warning.
"""

from __future__ import annotations

from typing import Any

from hotline_cli.procedure import sentences, texts
from hotline_cli.procedure.case import Event, one_line
from hotline_cli.procedure.escalate import dedupe
from hotline_cli.procedure.journey import Journey

EVENT_LINE = {
    "hpcc_request": "агент Usedesk запросил у менеджера HPCC данные по заявке (акт, описание дефекта)",
    "hpcc_documents": "от HPCC получены документы по заявке",
    "expert_call": "звонок эксперта клиенту: вопрос на персональном контроле, срок решения — три рабочих дня",
    "asc_answer": "получен ответ АСЦ",
    "engineer_answer": "получен ответ ответственного инженера",
    "re_request": "повторный запрос инженеру (ответ не поступил в течение 3 рабочих дней)",
    "delay_call": "звонок клиенту: на решение вопроса требуется дополнительное время",
    "demands_requested": "клиенту предложено изложить требования",
    "claims_handoff": "тикет передан в группу рекламаций",
    "closed": "запрос закрыт",
}


def _event_line(j: Journey, e: Event) -> str:
    t = e.type
    if t == "engineer_request":
        text = "запрос ответственному инженеру" + (f" ({one_line(e.get('to'))})" if e.get("to") else "")
        if e.get("cc"):
            text += ", в копии: " + ", ".join(e.get("cc"))
    elif t == "feedback_call":
        how = "письменная обратная связь клиенту" if j.email_flow else "обратная связь клиенту"
        asc = j.events.last("asc_answer", before=e.at.at) is not None
        basis = sentences.feedback_basis(j.feedback_rests_on_answer(e), asc)
        outcome = texts.OUTCOME_RU.get(e.get("outcome"), "итог не указан")
        text = f"{how} {basis}: {outcome}"
    elif t == "client_ticket":
        text = "тикет клиента" + (f": {one_line(e.get('ticket'))}" if e.get("ticket") else "")
    elif t == "claim":
        text = "клиент предъявил требование: " + texts.DEMAND_RU[e.get("demand")]
    elif t == "claim_satisfied":
        text = "требование удовлетворено: " + texts.DEMAND_RU[e.get("demand")]
    else:
        text = EVENT_LINE[t]
    return f"{texts.ru_date(e.at.day)} — {text}."


def result_line(j: Journey) -> str:
    st = j.step
    if st is not None and st.stage == 6:
        after = "после закрытия" if j.events.has("closed") else "после итоговой консультации"
        return (f"Результат: {after} клиент обратился повторно с требованиями; "
                + ("тикет передан в группу рекламаций." if st.done else "тикет передаётся в группу рекламаций."))
    fb = j.counted_feedback
    if fb is None:
        if j.events.has("feedback_call"):
            return ("Результат: обратная связь клиенту дана без ответа ответственного инженера; "
                    "решение инженера не получено, коммуникация не завершена.")
        return "Результат: коммуникация с клиентом не завершена."
    closed = j.events.first("closed", after=fb.at.at) is not None
    if fb.get("outcome") == "accepted":
        return "Результат: клиент принял аргументы, запрос закрыт." if closed else "Результат: клиент принял аргументы."
    if j.case.intents:
        intent = "; клиент намерен " + ", ".join(texts.INTENT_RU[i] for i in j.case.intents)
        if st is not None and st.step == "claims_handoff":
            return f"Результат: клиент не принял аргументы{intent}; тикет передаётся в группу рекламаций."
        if st is not None and st.step == "ask_demands":
            return f"Результат: клиент не принял аргументы{intent}; клиенту предложено изложить требования."
    tail = ", запрос закрыт." if closed else "."
    return "Результат: клиент не принял аргументы, о суде/Роспотребнадзоре не заявлял" + tail


def summarize(j: Journey) -> dict[str, Any]:
    case = j.case
    warnings = list(j.warnings)
    recorded = case.consultation or {}
    st = j.step
    if j.now.facts["consultation_marked"] and st is not None and st.stage == 6:
        # a repeat contact after the final consultation: the consultation on record stays, with the new result
        described = (recorded.get("customer_description") or "").rstrip()
        return {"consultation": {"customer_description": described + "\n" + result_line(j),
                                 "notes": recorded.get("notes") or ""},
                "step": st.step, "warnings": warnings}
    if j.expert is None:
        warnings.append("у дела нет этапа эксперта (" + (j.no_step_reason or "") + "): итоговая консультация "
                        "эксперта ему не нужна")
    d = case.disputed
    lines = [texts.FIRST_SENTENCE + "."]
    about = sentences.disagreement(case, d) if d else "не согласен с заключением мастера; заявок в деле нет"
    lines.append(f"{texts.ru_date(case.opened.day)} — обращение клиента ({texts.CHANNEL_RU[case.channel]}): "
                 f"{about}; {sentences.fault_clause(case)}.")
    lines += [_event_line(j, e) for e in case.events]
    lines.append(result_line(j))
    notes = []
    tickets = dedupe(e.get("ticket") for e in j.events.of("engineer_request"))
    notes += [f"Тикет (внутренний запрос на инженера): {one_line(t)}" for t in tickets]
    if not tickets:
        warnings.append("для «Примечаний» нет ссылки на тикет запроса инженеру: в выгрузке у запроса инженеру "
                        "нет ссылки")
    if j.email_flow:
        client = dedupe(e.get("ticket") for e in j.events.of("client_ticket"))
        notes += [f"Тикет клиента: {one_line(t)}" for t in client]
        if not client:
            warnings.append("обращение напрямую на почту: в выгрузке нет ссылки на тикет клиента для «Примечаний»")
    if j.expert is not None:
        for what, type_ in (("запроса инженеру", "engineer_request"), ("ответа инженера", "engineer_answer"),
                            ("обратной связи клиенту", "feedback_call")):
            if not j.events.has(type_):
                warnings.append(f"в деле нет {what}: консультация описывает незавершённую работу")
        if not j.email_flow and not j.events.has("expert_call"):
            warnings.append("в деле нет звонка эксперта клиенту")
    return {"consultation": {"customer_description": "\n".join(lines), "notes": "\n".join(notes)},
            "step": j.step.step if j.step else None, "warnings": warnings}
