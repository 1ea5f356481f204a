"""escalate — the expert's and the Usedesk agent's next step and the message due now,
read off the journey (rules.md «escalate»). Nothing here decides a stage: `Journey.step`
does; this module words the step and drafts its message.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hotline_cli.procedure import sentences, texts
from hotline_cli.procedure.case import Case, Request, one_line
from hotline_cli.procedure.journey import Journey, Step
from hotline_cli.procedure.settings import Settings
from hotline_cli.procedure.terms import iso

Message = dict[str, Any]


def dedupe(addresses: Iterable[str | None]) -> list[str]:
    seen: set[str] = set()
    out = []
    for a in addresses:
        if not a or not a.strip():
            continue
        key = a.strip().casefold()
        if key not in seen:
            seen.add(key)
            out.append(a.strip())
    return out


def documents(case: Case) -> list[str]:
    """Every written document of every request (3.5: «прикладываем все письменные документы»)."""
    return list(dict.fromkeys(doc for r in sentences.by_date(case.requests) for doc in r.documents))


def facts_block(case: Case) -> list[str]:
    """The situation, as the expert writes it to the engineer: requests, conclusions, what the client says."""
    product = texts.CATEGORY_RU[case.category]
    if case.model:
        product += f", модель {case.model}"
    lines = [f"- Товар: {product}.", f"- Город: {case.city}."]
    lines += ["- " + sentences.request_line(r) for r in sentences.by_date(case.requests)]
    lines.append(f"- Обращение: {texts.CHANNEL_RU[case.channel]}, {texts.ru_date(case.opened.day)}; "
                 f"{sentences.fault_clause(case)}.")
    said = ((case.hotline or {}).get("consultation") or {}).get("text")
    if said:
        lines.append(f"- Из консультации ГЛ: {one_line(said)}")
    if case.client_phone:
        lines.append(f"- Телефон клиента: {case.client_phone}.")
    return lines


def _message(to: str, cc: list[str], subject: str, body: list[str], attachments: list[str] | None = None,
             priority: str | None = texts.PRIORITY) -> Message:
    return {"to": to, "cc": dedupe(cc), "priority": priority, "subject": subject, "body": "\n".join(body) + "\n",
            "attachments": attachments or []}


def message_id(case: Case, d: Request) -> str:
    """The engineer request's Message-ID, the same whenever it is drafted for this case and request: a
    re-request answers it (In-Reply-To, References), so that a mail client threads them."""
    from hashlib import sha256

    token = sha256(f"{case.case_id}\x00{d.number}".encode("utf-8", "surrogatepass")).hexdigest()[:20]
    return f"<engineer-request.{token}@hotline.invalid>"


def _checklist(docs: list[str]) -> list[str]:
    return ["", "Вложения — проверьте, что приложены:"] + [f"[ ] {doc}" for doc in docs]


def engineer_message(j: Journey, d: Request, cfg: Settings, engineer: str | None, urgent: bool,
                     questions: list[str], warnings: list[str]) -> Message:
    case = j.case
    to = engineer
    if not to:
        e = cfg.engineer_for(case.category, case.city)
        to = e.email if e else ""
    if not to:
        warnings.append(f"ответственный инженер не найден: добавьте в файл настроек запись для категории "
                        f"«{texts.CATEGORY_RU[case.category]}» (при необходимости с городом «{case.city}»): "
                        f'[[routing.engineers]] category = "{case.category}" — или укажите --engineer')
    cc = []
    if d.asc_email:
        cc.append(d.asc_email)
    else:
        warnings.append(f"в заявке № {d.number} нет e-mail АСЦ: возьмите адрес АСЦ из GSIS и поставьте его "
                        "в копию первым")
    cc += list(cfg.copy)
    if urgent and cfg.urgent:
        cc.append(cfg.urgent)
    body = ["Добрый день!", ""]
    if j.email_flow:
        body += [f"Клиент {case.client_name} обратился напрямую на почту, минуя ГЛ: "
                 f"{sentences.disagreement(case, d)}.",
                 "Просим проверить заключение по заявке и помочь с ответом клиенту.", ""]
    else:
        body += [f"Клиент {case.client_name} {sentences.disagreement(case, d)}.", ""]
    body += ["Ситуация:"] + facts_block(case)
    if not j.email_flow:  # 3.5: «полное описание ситуации на основе прослушанного звонка»
        body += ["", texts.CALL_DESCRIPTION_PLACEHOLDER]
    if case.intents:
        body += ["", texts.intent_line(case.intents)]
    body += ["", "Вопросы:"] + [f"- {q}" for q in (questions or [texts.DEFAULT_QUESTION])]
    body += ["", "Просим предоставить ответ с развёрнутыми формулировками для клиента."]
    docs = documents(case)
    if docs:
        body += _checklist(docs)
    else:
        warnings.append("в заявках нет документов: приложите акты и прочие письменные документы")
    m = _message(to or "", cc, texts.subject(case.client_name, d.number), body, docs)
    m["message_id"] = message_id(case, d)
    return m


def hpcc_message(j: Journey, d: Request, cfg: Settings, warnings: list[str]) -> Message:
    case = j.case
    if not cfg.hpcc_manager:
        warnings.append("адрес менеджера HPCC не настроен: укажите его в файле настроек (ключ routing.hpcc_manager)")
    body = ["Добрый день!", "",
            f"Клиент {case.client_name} {sentences.disagreement(case, d)}. "
            "Отчёта от АСЦ о первичном выезде в GSIS нет.", "",
            f"Просим предоставить данные по заявке № {d.number}: акт и описание дефекта.", "",
            "Ситуация:"] + facts_block(case)
    return _message(cfg.hpcc_manager or "", [], texts.subject(case.client_name, d.number), body)


def repeat_message(j: Journey, d: Request, st: Step, warnings: list[str]) -> Message:
    case = j.case
    first = j.cycles[0].start
    to = first.get("to") or ""
    subject = first.get("subject") or texts.subject(case.client_name, d.number)
    if not to:
        warnings.append("в первом запросе инженеру нет адресата (to): укажите его вручную")
    assert st.since is not None and st.due is not None
    body = ["Добрый день!", "",
            f"Повторно направляем запрос от {texts.ru_date(st.since)}: ответ не поступил в течение 3 рабочих дней "
            f"(срок — {texts.ru_date(st.due)}).",
            f"Клиент {case.client_name} {sentences.disagreement(case, d)}."]
    if case.intents:
        body += ["", texts.intent_line(case.intents)]
    body += ["", "Просим предоставить ответ с развёрнутыми формулировками для клиента."]
    ticket = first.get("ticket")
    if ticket:
        body += ["", f"Тикет: {one_line(ticket)}"]
    docs = documents(case)
    if docs:
        body += _checklist(docs)
    m = _message(to, list(first.get("cc") or []), subject, body, docs)
    original = first.get("message_id") or message_id(case, d)  # logged from the draft, or the draft's own
    m["in_reply_to"] = original
    return m


def reply_message(j: Journey, d: Request, st: Step, warnings: list[str]) -> Message:
    """The e-mail flow's written feedback to the client, with a place for the engineer's answer."""
    case = j.case
    if not case.client_email:
        warnings.append("в деле нет e-mail клиента: ответьте в его письме")
    assert st.answer is not None
    body = [f"Здравствуйте, {case.client_name}!", "",
            f"Вы обратились к нам с несогласием с заключением по заявке № {d.number}. Ваше обращение передано "
            "ответственному инженеру, он проверил заключение. Его ответ:", "",
            "[ответ инженера понятными словами — вставить перед отправкой]", "",
            "Если у вас остались вопросы, ответьте на это письмо.", "",
            "С уважением, эксперт горячей линии"]
    return _message(case.client_email or "", [], f"Ответ по вашему обращению: заявка № {d.number}", body,
                    priority=None)


def claims_message(j: Journey, d: Request | None, st: Step, cfg: Settings, warnings: list[str]) -> Message:
    case = j.case
    if not cfg.claims_group:
        warnings.append("адрес группы рекламаций не настроен: укажите его в файле настроек (ключ routing.claims_group)")
    claims = j.events.of("claim")
    body = ["Добрый день!", ""]
    if st.stage == 6:
        closed = j.events.first("closed")
        after = (f"После закрытия запроса ({texts.ru_date(closed.at.day)})" if closed
                 else "После итоговой консультации")
        if st.claim is not None:
            demand = (f"с требованием: {texts.DEMAND_RU[st.claim.get('demand')]} "
                      f"({texts.ru_date(st.claim.at.day)})")
        else:
            demand = "с требованиями (заявлены в обращении)"
        body.append(f"Передаём тикет в группу рекламаций. {after} клиент {case.client_name} обратился повторно "
                    f"{demand}.")
    else:
        assert st.feedback is not None
        body.append(f"Передаём тикет в группу рекламаций. Клиент {case.client_name} не принял аргументы по ответу "
                    f"ответственного инженера (обратная связь {texts.ru_date(st.feedback.at.day)}).")
        body.append(texts.intent_line(case.intents))
        demands = [texts.DEMAND_RU[e.get("demand")] for e in claims]
        body.append("Требования клиента: " + ("; ".join(dict.fromkeys(demands)) if demands
                                               else "сформулированы в первоначальном запросе") + ".")
    body += ["", "Ситуация:"] + facts_block(case)
    tickets = dedupe(e.get("ticket") for t in ("engineer_request", "client_ticket") for e in j.events.of(t))
    if tickets:
        body += ["", "Тикеты: " + "; ".join(one_line(t) for t in tickets)]
    if d is None:
        warnings.append("в деле нет заявки: в теме письма нет номера заявки — укажите его")
    subject = texts.subject(case.client_name, d.number) if d else f"{texts.SUBJECT_PREFIX} {case.client_name}"
    return _message(cfg.claims_group or "", [], subject, body)


def demands_message(j: Journey, d: Request, warnings: list[str]) -> Message:
    case = j.case
    where = "в ответ на это письмо" if j.email_flow else "в рамках вашего первоначального запроса (ответом на него)"
    if not case.client_email:
        warnings.append("в деле нет e-mail клиента: ответьте в его первоначальном запросе")
    body = [f"Здравствуйте, {case.client_name}!", "",
            f"Мы получили ваше сообщение о несогласии с ответом по заявке № {d.number}.",
            f"Чтобы мы могли рассмотреть обращение, пожалуйста, чётко сформулируйте ваши требования {where}: "
            "например, ремонт, замена товара, уменьшение цены или возврат денег.", "",
            "С уважением, эксперт горячей линии"]
    return _message(case.client_email or "", [], texts.subject(case.client_name, d.number), body, priority=None)


def _todo(j: Journey, st: Step) -> str:
    """What to do at this step, in the words of the case's flow."""
    d = texts.ru_date
    s = st.step
    email = j.email_flow
    if s == "hpcc_request":
        return ("Агент Usedesk: направить запрос менеджеру HPCC о данных по заявке (акт, описание дефекта); "
                "по получении документов передать запрос эксперту.")
    if s == "await_documents":
        return "Ждать документы от менеджера HPCC; по получении передать запрос эксперту."
    if s == "engineer_request":
        if email:
            return ("Эксперт: идентифицировать клиента в GSIS и передать данные по заявке ответственному инженеру — "
                    "проверить заключение и помочь с ответом клиенту.")
        parts = []
        if j.case.channel == "call" or j.case.hotline is not None:
            parts.append("прослушать звонок клиента с оператором")
        else:
            parts.append("если клиент звонил на ГЛ, прослушать его звонок с оператором")
        if not j.events.has("expert_call"):
            parts.append("позвонить клиенту (вопрос на персональном контроле, решение в течение трёх рабочих дней)")
        parts.append("направить запрос ответственному инженеру")
        return "Эксперт: " + ", ".join(parts[:-1]) + " и " + parts[-1] + "."
    if s == "await_answer":
        assert st.due is not None
        if j.as_of > st.due:
            if email:
                return (f"Ответ инженера не поступил в срок ({d(st.due)}): написать повторно тем же адресатам. "
                        "Клиент звонки не принимает: звонок о задержке не нужен.")
            return (f"Ответ инженера не поступил в срок ({d(st.due)}): написать повторно тем же адресатам "
                    "и позвонить клиенту — сообщить, что на решение вопроса требуется дополнительное время.")
        return (f"Ждать ответа ответственного инженера до {d(st.due)} включительно. "
                "Ответ АСЦ решением не является.")
    if s == "feedback_call":
        return ("Позвонить клиенту и разъяснить ответ инженера; непонятные формулировки и сложные термины — "
                "попросить инженера изложить понятно для клиента.")
    if s == "feedback_reply":
        return ("Ответить клиенту письмом (звонки он не принимает): ответ инженера понятными словами; "
                "непонятные формулировки — уточнить у инженера.")
    if s == "close":
        if st.done is not None:
            return f"Запрос закрыт {d(st.done.at.day)}."
        prefix = ""
        if st.feedback is not None and st.feedback.get("outcome") == "rejected":
            prefix = "Клиент не принял аргументы, но о суде/Роспотребнадзоре не заявлял: "
        text = "закрыть запрос и сформировать итоговую консультацию в GSIS (hotline summarize)."
        return prefix + text if prefix else text[0].upper() + text[1:]
    if s == "ask_demands":
        if st.done is not None:
            return f"Требования у клиента запрошены {d(st.done.at.day)}: ждать ответа клиента."
        where = "в рамках текущей переписки" if email else "в рамках первоначального запроса"
        return f"Попросить клиента изложить требования {where}."
    # claims_handoff
    if st.done is not None:
        return f"Тикет передан в группу рекламаций {d(st.done.at.day)}."
    if st.stage == 6:
        return "Повторное обращение с требованиями после закрытия: передать тикет в группу рекламаций."
    return ("Передать тикет в группу рекламаций: клиент не принял аргументы, намерен обращаться "
            "в суд/Роспотребнадзор, требования сформулированы.")


def escalate(j: Journey, cfg: Settings, engineer: str | None = None, urgent: bool = False,
             questions: list[str] | None = None) -> dict[str, Any]:
    warnings = list(j.warnings)
    st = j.step
    ex = j.expert
    if st is None or (ex is None and st.stage != 6):  # claims after closure go on without an expert stage
        warnings.append(j.no_step_reason or "")
        return {"step": None, "stage": None, "since": None, "due": None, "done_at": None,
                "todo": "", "message": None, "warnings": warnings}
    message = None
    s = st.step
    if ex is None:  # step 6 without an expert stage: a repeat contact with demands, a claim after closure
        if st.done is None:
            message = claims_message(j, j.case.disputed, st, cfg, warnings)
    else:
        d = ex.disputed
        if s == "hpcc_request":
            message = hpcc_message(j, d, cfg, warnings)
        elif s == "engineer_request":
            message = engineer_message(j, d, cfg, engineer, urgent, questions or [], warnings)
        elif s == "await_answer" and st.due is not None and j.as_of > st.due:
            message = repeat_message(j, d, st, warnings)
        elif s == "feedback_reply":
            message = reply_message(j, d, st, warnings)
        elif s == "claims_handoff" and st.done is None:
            message = claims_message(j, d, st, cfg, warnings)
        elif s == "ask_demands" and st.done is None:
            message = demands_message(j, d, warnings)
    waiting = s in ("await_documents", "await_answer", "feedback_call", "feedback_reply")
    return {"step": s, "stage": st.stage, "since": iso(st.since), "due": iso(st.due) if waiting or st.done is None
            else None, "done_at": iso(st.done.at.day) if st.done else None, "todo": _todo(j, st),
            "message": message, "warnings": warnings}
