"""Texts the procedure mandates, word for word, and every Russian label a person reads.

Source: the hotline article «Клиент не согласен с заключением мастера, что техника
исправна» (quoted in the case contract, «Mandatory texts»). The constants marked MANDATED
are byte-exact; the tests hold copies of them as expected values.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Final

# MANDATED: first sentence of the final GSIS consultation's «Описание заказчика» (expert, step 5)
FIRST_SENTENCE = "В случае повторного обращения перевести звонок на эксперта, консультацию не проводить"

# MANDATED: subject of the HPCC request (Usedesk agent, 2) and of the engineer request (3.4)
SUBJECT_PREFIX = "Не согласен с заключением, что техника исправна."


def subject(client_name: str, request_number: str) -> str:
    return f"{SUBJECT_PREFIX} {client_name} {request_number}"


# MANDATED: priority of the HPCC request (Usedesk agent, 3) and of the engineer request (3.3)
PRIORITY = "Экстремальный"
# the same priority as Usedesk's public API writes it (its code for the top priority): an export
# may carry either spelling, and both are the mandated priority (case-format.md)
PRIORITY_CODE = "extreme"
MANDATED_PRIORITIES = frozenset({PRIORITY, PRIORITY_CODE})

# where a required fact of the case usually comes from: said with the field when it is missing,
# by `hotline import` and in every command's error for the record (so that audit's HL001 and
# the import give the same reason); "*" stands for a request's index
FACT_SOURCES = {
    "/opened_at": "нужен тикет клиента в Usedesk или звонок в журнале Naumen",
    "/channel": "нужен канал тикета клиента (usedesk.site_form_channels / email_channels в сопоставлении) или звонок",
    "/client/name": "нужна карточка клиента Usedesk (/client), тема запроса по статье или таблица заявок GSIS",
    "/product/category": "нужна таблица заявок GSIS (категория техники)",
    "/city/name": "нужна таблица заявок GSIS (город)",
    "/requests/*/type": "нужна таблица заявок GSIS (тип заявки)",
    "/requests/*/number": "нужна таблица заявок GSIS (номер заявки)",
}


def fact_source(pointer: str) -> str | None:
    """Where the fact at this JSON Pointer usually comes from, or None."""
    parts = pointer.split("/")
    if len(parts) > 2 and parts[1] == "requests" and parts[2].isdigit():
        parts[2] = "*"
    return FACT_SOURCES.get("/".join(parts))


# MANDATED: situation 3, step 4 — the Naumen request
NAUMEN_TEMPLATE = "Запрос от Горячей линии"
NAUMEN_COMMENT = ("Клиент не согласен с заключением по заявке. Отчета от АСЦ на момент звонка нет, "
                  "второй АСЦ в городе отсутствует")
# the air-conditioner variant (situation 3 through the exception, 2+ ASCs in the city),
# where "второй АСЦ в городе отсутствует" would be false
NAUMEN_COMMENT_AC = ("Клиент не согласен с заключением по заявке. Отчета от АСЦ на момент звонка нет, "
                     "заявка на другой АСЦ не оформляется (кондиционер)")

# MANDATED: situation 2, step 4 — the hotline consultation's levels
CONSULTATION_L2 = "Политика"
CONSULTATION_L3 = "Обслуживание"

# the engineer request's marked place for what the procedure asks the expert to write (3.5)
CALL_DESCRIPTION_PLACEHOLDER = ("[полное описание ситуации на основе прослушанного звонка клиента с оператором — "
                                "вписать перед отправкой]")

# situation 5: the article to use instead of this one
NON_WARRANTY_ARTICLE = "Клиент не согласен с заключением мастера, что случай негарантийный"

# the expert's default concrete question (3.5)
DEFAULT_QUESTION = "Возможно ли провести ремонт в рамках лояльности или актирование техники?"

# the general call scenario's reminder at the end of every call
REGISTER_CALL = "НЕ ЗАБУДЬ ЗАФИКСИРОВАТЬ КОНСУЛЬТАЦИЮ"

# ------------------------------------------------------------------ labels of the contract's values

CONCLUSION_RU = {
    "no_fault": "техника исправна",
    "physical_damage": "физическое повреждение",
    "operation_violation": "нарушение правил эксплуатации",
    None: "заключения (отчёта АСЦ) нет",
}

REQUEST_TYPE_RU = {"diagnostics": "диагностика", "repair": "ремонт", "no_asc": "запрос «Нет АСЦ»"}

CATEGORY_RU = {
    "air_conditioner": "кондиционер",
    "refrigerator": "холодильник",
    "freezer": "морозильник",
    "washing_machine": "стиральная машина",
    "dryer": "сушильная машина",
    "dishwasher": "посудомоечная машина",
    "cooking": "техника для приготовления пищи",
    "water_heater": "водонагреватель",
    "tv": "телевизор",
    "small_appliance": "мелкая бытовая техника",
    "other": "другое",
}

CHANNEL_RU = {"call": "звонок на ГЛ", "site_form": "форма «Напишите нам» на сайте",
              "email": "письмо напрямую на почту"}
CHANNEL_SHORT_RU = {"call": "звонок", "site_form": "сайт", "email": "почта"}  # the rule book's lists

INTENT_RU = {
    "court": "обратиться в суд",
    "rospotrebnadzor": "обратиться в Роспотребнадзор",
    "image_damage": "действовать в ущерб имиджу компании (подрыв имиджа)",
}

# what HL208 looks for in the engineer request's body, per intent (any letter case)
INTENT_MARKERS = {"court": "суд", "rospotrebnadzor": "роспотребнадзор", "image_damage": "имидж"}

DEMAND_RU = {
    "refund": "возврат денег",
    "exchange": "замена товара",
    "repair": "ремонт",
    "price_reduction": "уменьшение цены",
    "substitute_device": "подменный аппарат",
}

OUTCOME_RU = {"accepted": "клиент принял аргументы", "rejected": "клиент не принял аргументы"}

EVENT_RU = {
    "hpcc_request": "запрос менеджеру HPCC",
    "hpcc_documents": "документы от HPCC",
    "expert_call": "звонок эксперта клиенту",
    "engineer_request": "запрос инженеру",
    "asc_answer": "ответ АСЦ",
    "engineer_answer": "ответ инженера",
    "re_request": "повторный запрос инженеру",
    "delay_call": "звонок клиенту о задержке",
    "feedback_call": "обратная связь клиенту",
    "demands_requested": "запрос требований у клиента",
    "claims_handoff": "передача в группу рекламаций",
    "client_ticket": "тикет клиента",
    "claim": "требование потребителя",
    "claim_satisfied": "требование удовлетворено",
    "closed": "запрос закрыт",
}

# ------------------------------------------------------------------ labels of the results

VERDICT_RU = {
    "second_asc": "заявка на другой АСЦ",
    "site_form_consultation": "консультация L2/L3 и запрос через сайт",
    "naumen_request": "запрос из Naumen",
    "paid_or_third_party": "сторонний СЦ или наш АСЦ платно",
    "non_warranty_article": "статья о негарантийном случае",
    "transfer_to_expert": "перевести на эксперта, не консультировать",
    "not_applicable": "статья не применяется",
    "need_info": "не хватает данных",
    "email_flow": "письмо напрямую на почту: ведёт эксперт",
}

EXCEPTION_RU = {"air_conditioner": "исключение — кондиционер"}

RECORD_RU = {"second_asc_request": "заявка на другой АСЦ", "consultation": "консультация",
             "naumen_request": "запрос из Naumen", "registration": "регистрация обращения"}
FIELD_RU = {"based_on": "по заявке", "type": "тип", "text": "текст", "l2": "L2", "l3": "L3",
            "template": "шаблон", "comment": "комментарий"}

STEP_RU = {
    "hpcc_request": "запрос менеджеру HPCC",
    "await_documents": "ожидание документов от HPCC",
    "engineer_request": "запрос ответственному инженеру",
    "await_answer": "ожидание ответа инженера",
    "feedback_call": "обратная связь клиенту (звонок)",
    "feedback_reply": "обратная связь клиенту (письмо)",
    "close": "закрытие запроса",
    "claims_handoff": "передача в группу рекламаций",
    "ask_demands": "запрос требований у клиента",
}

STAGE_RU = {1: "этап 1 — агент Usedesk и HPCC", 2: "этап 2 — запрос инженеру", 3: "этап 3 — ответ инженера",
            4: "этап 4 — после обратной связи", 6: "после закрытия — повторное обращение с требованиями"}

ACTION_RU = {
    "re_request": "повторный запрос инженеру",
    "delay_call": "звонок клиенту о задержке",
    "feedback_call": "обратная связь клиенту (звонок)",
    "feedback_reply": "обратная связь клиенту (письмо)",
    "expert_call": "звонок эксперта клиенту",
    "engineer_request": "запрос инженеру",
    "hpcc_request": "запрос менеджеру HPCC",
    "await_documents": "документы от HPCC",
    "close": "закрыть запрос",
    "claims_handoff": "передать в группу рекламаций",
    "ask_demands": "запросить требования",
    "legal_term": "срок по требованию потребителя",
}

CLOCK_RU = {"client_promise": "Обещание клиенту (3 рабочих дня)",
            "engineer_reply": "Ответ инженера (3 рабочих дня)"}
STATUS_RU = {"not_started": "не начат", "pending": "идёт", "due_today": "срок сегодня", "overdue": "ПРОСРОЧЕН",
             "met": "выполнен в срок", "missed": "выполнен с опозданием"}

SEVERITY_RU = {"error": "ошибка", "warning": "предупреждение"}


def situation_ru(situation: int | None) -> str:
    return f"ситуация {situation}" if situation else "вне ситуаций 1–5"


def intent_line(intents: Iterable[str]) -> str:
    """The mandatory line of the engineer request when the client threatens (3.5)."""
    return "ВАЖНО: клиент намерен " + "; ".join(INTENT_RU[i] for i in intents) + "."


_RU_DATES: Final[dict[date, str]] = {}


def ru_date(d: date) -> str:
    """DD.MM.YYYY. An audit writes a few dates per finding, from a few hundred distinct
    days in an export: each is formatted once."""
    s = _RU_DATES.get(d)
    if s is None:
        if len(_RU_DATES) > 20_000:
            _RU_DATES.clear()
        s = _RU_DATES[d] = f"{d.day:02d}.{d.month:02d}.{d.year}"
    return s


def quoted(text: str) -> str:
    """«text», the quotes inside it turned to the inner pair: «…„…“…» (Russian typography)."""
    return "«" + text.replace("«", "„").replace("»", "“") + "»"


# the texts a person copies as they are: a screen never breaks them across lines
MANDATED = (FIRST_SENTENCE, NAUMEN_COMMENT, NAUMEN_COMMENT_AC, NON_WARRANTY_ARTICLE, REGISTER_CALL)
