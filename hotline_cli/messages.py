"""escalate and summarize — the expert's and the Usedesk agent's messages, and the final
GSIS consultation (rules.md «escalate», «summarize»). Pure: the date and configuration
are passed in; `.eml` bytes are built here and written by the shell."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from hotline_cli import texts
from hotline_cli.calendar_ru import ProductionCalendar
from hotline_cli.clocks import _iso, engineer_cycles, feedback_due
from hotline_cli.config import Config
from hotline_cli.model import Case, Event

EMAIL_RE = re.compile(r"^[^@\s<>,;:\"()\[\]]+@[^@\s<>,;:\"()\[\]]+\.[^@\s<>,;:\"()\[\]]+$")


@dataclass
class Step:
    """Where a case stands for the expert: rules.md «escalate», stages 1–4."""

    stage: int | None
    step: str | None
    since: date | None = None
    due: date | None = None
    done: Event | None = None  # the event that already did this step (closed, claims_handoff…)
    feedback: Event | None = None  # the feedback call that counts (stage 4)
    warnings: list[str] = field(default_factory=list)


def counted_feedback(case: Case) -> tuple[Event | None, list[str]]:
    """The latest feedback call made after an engineer answer; the others are warned about:
    the final decision is the responsible engineer's alone (an ASC answer is not one)."""
    warnings = []
    counted = None
    for fb in case.events_of("feedback_call"):
        if any(e.type == "engineer_answer" and e.at.at <= fb.at.at for e in case.events):
            counted = fb
        else:
            warnings.append(f"обратная связь клиенту {texts.ru_date(fb.at.day)} дана без ответа ответственного "
                            "инженера (ответ АСЦ решением не является): не учитывается")
    return counted, warnings


def has_demands(case: Case) -> bool:
    return case.demands_stated or any(e.type == "claim" for e in case.events)


def step_of(case: Case, cal: ProductionCalendar, as_of: date) -> Step:
    fb, warnings = counted_feedback(case)
    # stage 4: after the feedback call
    if fb is not None:
        if fb.get("outcome") == "rejected" and case.intents:
            if has_demands(case):
                return Step(4, "claims_handoff", since=fb.at.day, done=_after(case, "claims_handoff", fb),
                            feedback=fb, warnings=warnings)
            return Step(4, "ask_demands", since=fb.at.day, done=_after(case, "demands_requested", fb),
                        feedback=fb, warnings=warnings)
        return Step(4, "close", since=fb.at.day, done=_after(case, "closed", fb), feedback=fb, warnings=warnings)
    # stage 3: waiting for the engineer, or for the call back
    answer = case.last("engineer_answer")
    if answer is not None:
        return Step(3, "feedback_call", since=answer.at.day, due=feedback_due(cal, answer), warnings=warnings)
    if case.first("engineer_request") is not None:
        cycles = engineer_cycles(case, cal, as_of)
        return Step(3, "await_answer", since=cycles[0].start, due=cycles[-1].due, warnings=warnings)
    # stage 1: no report from the ASC
    d = case.disputed
    if d is None:
        return Step(None, None, warnings=warnings + ["заявок нет — сначала hotline triage"])
    if d.conclusion is None and case.first("hpcc_documents") is None:
        sent = case.first("hpcc_request")
        if sent is not None:
            return Step(1, "await_documents", since=sent.at.day, warnings=warnings)
        return Step(1, "hpcc_request", warnings=warnings)
    return Step(2, "engineer_request", warnings=warnings)


def _after(case: Case, type_: str, ev: Event) -> Event | None:
    return case.first(type_, after=ev.at.at)


# ------------------------------------------------------------------ drafting


def _facts_block(case: Case) -> list[str]:
    product = texts.CATEGORY_RU[case.category]
    if case.model:
        product += f", модель {case.model}"
    lines = [f"- Товар: {product}.", f"- Город: {case.city}."]
    for r in sorted(case.requests, key=lambda r: (r.created is not None, r.created.at if r.created else None,
                                                   r.index)):
        when = f" от {texts.ru_date(r.created.day)}" if r.created else ""
        asc = f", АСЦ «{r.asc_name}»" if r.asc_name else ""
        lines.append(f"- Заявка № {r.number} — {texts.REQUEST_TYPE_RU[r.type]}{when}{asc}, заключение: "
                     f"{texts.CONCLUSION_RU[r.conclusion]}.")
    lines.append(f"- Обращение: {texts.CHANNEL_RU[case.channel]}, {texts.ru_date(case.opened.day)}; "
                 "по словам клиента, неисправность сохраняется.")
    said = ((case.hotline or {}).get("consultation") or {}).get("text")
    if said:
        lines.append(f"- Из консультации ГЛ: {said}")
    if case.client_phone:
        lines.append(f"- Телефон клиента (указан в заявке): {case.client_phone}.")
    return lines


def _dedupe(addresses) -> list[str]:
    seen, out = set(), []
    for a in addresses:
        key = a.strip().lower()
        if a and key not in seen:
            seen.add(key)
            out.append(a.strip())
    return out


def engineer_message(case: Case, cfg: Config, engineer: str | None, urgent: bool, questions: list[str],
                     warnings: list[str]) -> dict:
    d = case.disputed
    to = engineer
    if not to:
        e = cfg.engineer_for(case.category, case.city)
        to = e.email if e else ""
    if not to:
        warnings.append(f"ответственный инженер не найден: добавьте в настройки routing.engineers запись для "
                        f"категории «{case.category}» (при необходимости с городом «{case.city}») "
                        "или укажите --engineer")
    cc = []
    if d.asc_email:
        cc.append(d.asc_email)
    else:
        warnings.append(f"в заявке № {d.number} нет e-mail АСЦ: возьмите адрес АСЦ из GSIS и поставьте его в копию первым")
    cc += list(cfg.copy)
    if urgent and cfg.urgent:
        cc.append(cfg.urgent)
    body = ["Добрый день!", ""]
    if case.channel == "email":
        body += [f"Клиент {case.client_name} обратился напрямую на почту, минуя ГЛ: не согласен с заключением "
                 f"по заявке № {d.number}, что техника исправна.",
                 "Просим проверить заключение по заявке и помочь с ответом клиенту.", ""]
    else:
        body += [f"Клиент {case.client_name} не согласен с заключением по заявке № {d.number}, что техника исправна.", ""]
    body += ["Ситуация:"] + _facts_block(case)
    if case.intents:
        body += ["", texts.intent_line(case.intents)]
    body += ["", "Вопросы:"] + [f"- {q}" for q in (questions or [texts.DEFAULT_QUESTION])]
    body += ["", "Просим предоставить ответ с развёрнутыми формулировками для клиента."]
    if d.documents:
        body += ["", "Вложения: " + "; ".join(d.documents) + "."]
    else:
        warnings.append(f"в заявке № {d.number} нет документов: приложите акты и прочие письменные документы")
    return {"to": to, "cc": _dedupe(cc), "priority": texts.PRIORITY,
            "subject": texts.subject(case.client_name, d.number), "body": "\n".join(body) + "\n",
            "attachments": list(d.documents)}


def hpcc_message(case: Case, cfg: Config, warnings: list[str]) -> dict:
    d = case.disputed
    if not cfg.hpcc_manager:
        warnings.append("адрес менеджера HPCC не настроен: укажите routing.hpcc_manager в файле настроек")
    body = ["Добрый день!", "",
            f"Клиент {case.client_name} не согласен с заключением по заявке № {d.number}, что техника исправна. "
            "Отчёта от АСЦ о первичном выезде в GSIS нет.", "",
            f"Просим предоставить данные по заявке № {d.number}: акт и описание дефекта.", "",
            "Ситуация:"] + _facts_block(case)
    return {"to": cfg.hpcc_manager or "", "cc": [], "priority": texts.PRIORITY,
            "subject": texts.subject(case.client_name, d.number), "body": "\n".join(body) + "\n", "attachments": []}


def repeat_message(case: Case, cfg: Config, since: date, due: date, warnings: list[str]) -> dict:
    first = case.first("engineer_request")
    to = first.get("to") or ""
    cc = list(first.get("cc") or [])
    subject = first.get("subject") or texts.subject(case.client_name, case.disputed.number)
    if not to:
        warnings.append("в первом запросе инженеру нет адресата (to): укажите его вручную")
    body = ["Добрый день!", "",
            f"Повторно направляем запрос от {texts.ru_date(since)}: ответ не поступил в течение 3 рабочих дней "
            f"(срок — {texts.ru_date(due)}).",
            f"Клиент {case.client_name} не согласен с заключением по заявке № {case.disputed.number}, "
            "что техника исправна."]
    if case.intents:
        body += ["", texts.intent_line(case.intents)]
    body += ["", "Просим предоставить ответ с развёрнутыми формулировками для клиента."]
    ticket = first.get("ticket")
    if ticket:
        body += ["", f"Тикет: {ticket}"]
    return {"to": to, "cc": _dedupe(cc), "priority": texts.PRIORITY, "subject": subject,
            "body": "\n".join(body) + "\n", "attachments": []}


def claims_message(case: Case, cfg: Config, fb: Event, warnings: list[str]) -> dict:
    if not cfg.claims_group:
        warnings.append("адрес группы рекламаций не настроен: укажите routing.claims_group в файле настроек")
    demands = [texts.DEMAND_RU[e.get("demand")] for e in case.events_of("claim")]
    tickets = _dedupe(e.get("ticket") for e in case.events_of("engineer_request", "client_ticket") if e.get("ticket"))
    body = ["Добрый день!", "",
            f"Передаём тикет в группу рекламаций. Клиент {case.client_name} не принял аргументы по ответу "
            f"ответственного инженера (обратная связь {texts.ru_date(fb.at.day)}).",
            texts.intent_line(case.intents),
            "Требования клиента: " + ("; ".join(demands) if demands else "сформулированы в первоначальном запросе") + ".",
            "", "Ситуация:"] + _facts_block(case)
    if tickets:
        body += ["", "Тикеты: " + "; ".join(tickets)]
    return {"to": cfg.claims_group or "", "cc": [], "priority": texts.PRIORITY,
            "subject": texts.subject(case.client_name, case.disputed.number if case.disputed else ""),
            "body": "\n".join(body) + "\n", "attachments": []}


def demands_message(case: Case, warnings: list[str]) -> dict:
    where = ("в ответ на это письмо" if case.channel == "email"
             else "в рамках вашего первоначального запроса (ответом на него)")
    if not case.client_email:
        warnings.append("нет e-mail клиента (client.email): ответьте в его первоначальном запросе")
    body = [f"Здравствуйте, {case.client_name}!", "",
            "Мы получили ваше сообщение о несогласии с ответом по заявке"
            + (f" № {case.disputed.number}" if case.disputed else "") + ".",
            f"Чтобы мы могли рассмотреть обращение, пожалуйста, чётко сформулируйте ваши требования {where}: "
            "например, ремонт, замена товара, уменьшение цены или возврат денег.", "",
            "С уважением, эксперт горячей линии"]
    return {"to": case.client_email or "", "cc": [], "priority": None,
            "subject": texts.subject(case.client_name, case.disputed.number if case.disputed else ""),
            "body": "\n".join(body) + "\n", "attachments": []}


STEP_TEXT = {
    "hpcc_request": "Агент Usedesk: направить запрос менеджеру HPCC о данных по заявке (акт, описание дефекта); "
                    "по получении документов передать запрос эксперту.",
    "await_documents": "Ждать документы от менеджера HPCC; по получении передать запрос эксперту.",
    "engineer_request": "Эксперт: прослушать звонок клиента с оператором, позвонить клиенту (вопрос на персональном "
                        "контроле, решение в течение трёх рабочих дней) и направить запрос ответственному инженеру.",
    "await_answer": "Ждать ответа ответственного инженера (3 рабочих дня). Ответ АСЦ решением не является.",
    "feedback_call": "Позвонить клиенту и разъяснить ответ инженера; непонятные формулировки и сложные термины — "
                     "попросить инженера изложить понятно для клиента.",
    "close": "Закрыть запрос и сформировать итоговую консультацию в GSIS (hotline summarize).",
    "claims_handoff": "Передать тикет в группу рекламаций: клиент не принял аргументы, намерен обращаться "
                      "в суд/Роспотребнадзор, требования сформулированы.",
    "ask_demands": "Попросить клиента изложить требования",
}


def escalate(case: Case, cfg: Config, cal: ProductionCalendar, as_of: date, warnings: list[str],
             engineer: str | None = None, urgent: bool = False, questions: list[str] | None = None) -> dict:
    st = step_of(case, cal, as_of)
    warnings += st.warnings
    message = None
    todo = STEP_TEXT.get(st.step, "")
    if st.step == "hpcc_request":
        message = hpcc_message(case, cfg, warnings)
    elif st.step == "engineer_request":
        message = engineer_message(case, cfg, engineer, urgent, questions or [], warnings)
    elif st.step == "await_answer" and as_of > st.due:
        message = repeat_message(case, cfg, case.first("engineer_request").at.day, st.due, warnings)
        todo = (f"Ответ инженера не поступил в срок ({texts.ru_date(st.due)}): написать повторно тем же адресатам "
                "и позвонить клиенту — сообщить, что на решение вопроса требуется дополнительное время.")
    elif st.step == "claims_handoff" and st.done is None:
        message = claims_message(case, cfg, st.feedback, warnings)
    elif st.step == "ask_demands" and st.done is None:
        message = demands_message(case, warnings)
        todo += (" в рамках текущей переписки." if case.channel == "email" else " в рамках первоначального запроса.")
    elif st.step == "ask_demands":
        todo = f"Требования у клиента запрошены {texts.ru_date(st.done.at.day)}: ждать ответа клиента."
    if st.done is not None and st.step in ("close", "claims_handoff"):
        todo = {"close": "Запрос закрыт", "claims_handoff": "Тикет передан в группу рекламаций"}[st.step] + \
            f" {texts.ru_date(st.done.at.day)}."
    if st.step == "close" and st.feedback is not None and st.feedback.get("outcome") == "rejected":
        todo = "Клиент не принял аргументы, но о суде/Роспотребнадзоре не заявлял: " + todo[0].lower() + todo[1:]
    return {"step": st.step, "stage": st.stage, "since": _iso(st.since), "due": _iso(st.due),
            "done_at": _iso(st.done.at.day) if st.done else None, "todo": todo, "message": message}


# ------------------------------------------------------------------ .eml

_HEADER_UNSAFE = re.compile(r"[\x00-\x1f\x7f]+")


def _header(value: str) -> str:
    """A header value can never carry a line break: a field cannot inject a header."""
    return _HEADER_UNSAFE.sub(" ", value).strip()


def eml_bytes(message: dict, warnings: list[str]) -> bytes:
    from email.message import EmailMessage
    from email.policy import SMTP

    msg = EmailMessage(policy=SMTP)
    to = [a for a in [message["to"]] if a]
    cc = list(message["cc"])
    for label, addrs in (("To", to), ("Cc", cc)):
        good = []
        for a in addrs:
            a = _header(a)
            if EMAIL_RE.match(a):
                good.append(a)
            else:
                warnings.append(f".eml: адрес «{a}» в поле {label} некорректен и пропущен")
        if good:
            msg[label] = ", ".join(good)
    msg["Subject"] = _header(message["subject"])
    if message.get("priority"):
        msg["X-Priority"] = "1 (Highest)"
        msg["Importance"] = "High"
        msg["Priority"] = "urgent"
    msg["X-Unsent"] = "1"  # opens as a draft to send
    msg.set_content(message["body"], charset="utf-8")
    return msg.as_bytes()


# ------------------------------------------------------------------ summarize

EVENT_RU = {
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


def _event_line(e: Event) -> str:
    t = e.type
    if t == "engineer_request":
        text = "запрос ответственному инженеру" + (f" ({e.get('to')})" if e.get("to") else "")
        if e.get("cc"):
            text += ", в копии: " + ", ".join(e.get("cc"))
    elif t == "feedback_call":
        text = "обратная связь клиенту по ответу инженера: " + texts.OUTCOME_RU.get(e.get("outcome"), "")
    elif t == "client_ticket":
        text = "тикет клиента" + (f": {e.get('ticket')}" if e.get("ticket") else "")
    elif t == "claim":
        text = "клиент предъявил требование: " + texts.DEMAND_RU[e.get("demand")]
    elif t == "claim_satisfied":
        text = "требование удовлетворено: " + texts.DEMAND_RU[e.get("demand")]
    else:
        text = EVENT_RU[t]
    return f"{texts.ru_date(e.at.day)} — {text}."


def result_line(case: Case, st: Step) -> str:
    fb = st.feedback
    if fb is None:
        return "Результат: коммуникация с клиентом не завершена."
    if fb.get("outcome") == "accepted":
        return "Результат: клиент принял аргументы, запрос закрыт." if st.done else \
            "Результат: клиент принял аргументы."
    intent = ("; клиент намерен " + ", ".join(texts.INTENT_RU[i] for i in case.intents)) if case.intents else ""
    if st.step == "claims_handoff":
        return f"Результат: клиент не принял аргументы{intent}; тикет передаётся в группу рекламаций."
    if st.step == "ask_demands":
        return f"Результат: клиент не принял аргументы{intent}; клиенту предложено изложить требования."
    return "Результат: клиент не принял аргументы, о суде/Роспотребнадзоре не заявлял; запрос закрыт."


def summarize(case: Case, cal: ProductionCalendar, as_of: date, warnings: list[str]) -> dict:
    st = step_of(case, cal, as_of)
    warnings += st.warnings
    d = case.disputed
    lines = [texts.FIRST_SENTENCE + "."]
    about = f"по заявке № {d.number} ({texts.CONCLUSION_RU[d.conclusion]})" if d else "по заявке"
    lines.append(f"{texts.ru_date(case.opened.day)} — обращение клиента ({texts.CHANNEL_RU[case.channel]}): "
                 f"не согласен с заключением {about}, неисправность, по словам клиента, сохраняется.")
    lines += [_event_line(e) for e in case.events]
    lines.append(result_line(case, st))
    notes = []
    tickets = _dedupe(e.get("ticket") for e in case.events_of("engineer_request") if e.get("ticket"))
    notes += [f"Тикет (внутренний запрос на инженера): {t}" for t in tickets]
    if not tickets:
        warnings.append("нет ссылки на тикет запроса инженеру (engineer_request.ticket) для «Примечаний»")
    if case.channel == "email":
        client = _dedupe(e.get("ticket") for e in case.events_of("client_ticket") if e.get("ticket"))
        notes += [f"Тикет клиента: {t}" for t in client]
        if not client:
            warnings.append("обращение напрямую на почту: нет ссылки на тикет клиента (client_ticket.ticket)")
    for what, type_ in (("запроса инженеру", "engineer_request"), ("ответа инженера", "engineer_answer"),
                        ("обратной связи клиенту", "feedback_call")):
        if case.first(type_) is None:
            warnings.append(f"в деле нет {what} ({type_}): консультация описывает незавершённую работу")
    if case.channel in ("call", "site_form") and case.first("expert_call") is None:
        warnings.append("в деле нет звонка эксперта клиенту (expert_call)")
    return {"consultation": {"customer_description": "\n".join(lines), "notes": "\n".join(notes)},
            "step": st.step}
