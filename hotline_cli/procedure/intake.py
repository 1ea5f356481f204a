"""new — the case from a conversation: the questions, in the procedure's order, and which of
them the decision still needs. The shell asks them; this module only says what to ask.

The order (the article's «Действия сотрудника ГЛ»): who the client is and where; the
requests found in GSIS, each with its number, type, date and the ASC's conclusion (steps
1–2); whether the fault persists; the product; step 4, the number of ASCs in the city, only
where the decision depends on it; the client's intent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hotline_cli.procedure import texts
from hotline_cli.procedure.case import build_case
from hotline_cli.procedure.triage import classify, facts_of


@dataclass(frozen=True)
class Question:
    key: str  # where the answer goes in the case
    prompt: str  # what the operator reads
    kind: str  # "text", "phone", "choice", "choices", "date", "yes_no", "count"
    labels: dict[Any, str] | None = None  # the choices, by their Russian names
    optional: bool = False  # an empty answer is allowed


CLIENT = [
    Question("client.name", "ФИО клиента", "text"),
    Question("client.phone", "Телефон клиента, указанный в заявке (пусто — нет)", "phone", optional=True),
    Question("city.name", "Город клиента", "text"),
]
REQUEST = [
    Question("number", "Номер заявки в GSIS (пусто — заявок больше нет)", "text", optional=True),
    Question("type", "Тип заявки", "choice", texts.REQUEST_TYPE_RU),
    Question("created_at", "Дата заявки (ДД.ММ.ГГГГ, «вчера»…; пусто — не знаю)", "date", optional=True),
    Question("conclusion", "Заключение АСЦ в GSIS", "choice", texts.CONCLUSION_RU),
]
FAULT = Question("fault_persists", "Неисправность, по словам клиента, сохраняется? (да/нет)", "yes_no")
CATEGORY = Question("product.category", "Что за техника?", "choice", texts.CATEGORY_RU)
ASC_COUNT = Question("city.asc_count", "Шаг 4: сколько АСЦ в городе клиента? (число; пусто — не проверено)",
                     "count", optional=True)
# the records the operator made (asked with --operator: the hotline part of the case)
SECOND_ASC = Question("hotline.second_asc_request", "Номер заявки на другой АСЦ в GSIS (пусто — не оформлена)",
                      "text", optional=True)
CONSULTATION = Question("hotline.consultation", f"Консультация оформлена: L2 «{texts.CONSULTATION_L2}», L3 "
                        f"«{texts.CONSULTATION_L3}»? (да/нет)", "yes_no")
NAUMEN = Question("hotline.naumen_request", f"Запрос из Naumen создан по шаблону «{texts.NAUMEN_TEMPLATE}» с "
                  "обязательным комментарием? (да/нет)", "yes_no")
SITE_FORM = Question("hotline.site_form_advised", "Клиенту предложено написать через «Напишите нам» с фото/видео и "
                     "номером телефона из заявки? (да/нет)", "yes_no")
INTENT = Question("client_intent", "Клиент намерен обратиться в суд, в Роспотребнадзор или вредить имиджу "
                  "компании? (через запятую; пусто — нет)", "choices", texts.INTENT_RU, optional=True)


def decision(draft: dict[str, Any], asc_count_known: bool = False) -> Any:
    """The decision the draft gets (the ASC count left unknown unless `asc_count_known`)."""
    city = draft["city"] if asc_count_known else dict(draft["city"], asc_count=None)
    case = build_case(dict(draft, city=city))
    return classify(facts_of(case, case.requests, case.disputed, False), with_r0=False)


def verdict_without_count(draft: dict[str, Any]) -> str:
    """The verdict the case gets with the ASC count unknown (the draft must be a valid case)."""
    return str(decision(draft).verdict)


def asc_count_needed(draft: dict[str, Any]) -> bool:
    """Step 4 is asked only where the decision depends on it (not after R1–R5 decided) — in the
    e-mail flow too, where the verdict is the expert's but the situation is still computed."""
    # a conclusion nobody checked yet may turn out «исправна», where the count decides: ask it now
    requests = [{k: v for k, v in r.items() if k != "conclusion_checked"} | {"conclusion": "no_fault"}
                if r.get("conclusion_checked") is False else r for r in draft.get("requests") or ()]

    def with_count(n: int) -> tuple[Any, str]:
        d = decision(dict(draft, requests=requests, city=dict(draft["city"], asc_count=n)), asc_count_known=True)
        return d.situation, d.verdict

    return with_count(1) != with_count(2)


def records_to_ask(draft: dict[str, Any]) -> list[Question]:
    """What the operator records in the call's situation (the hotline part audit checks)."""
    d = decision(draft, asc_count_known=True)
    if draft.get("channel") != "call":
        return []
    out = []
    if d.verdict == "second_asc":
        out.append(SECOND_ASC)
    if d.verdict == "site_form_consultation":
        out.append(CONSULTATION)
    if d.verdict == "naumen_request":
        out.append(NAUMEN)
    if d.situation in (2, 3):
        out.append(SITE_FORM)
    return out


def intent_needed(draft: dict[str, Any]) -> bool:
    """The client's intent matters where the article goes on (not where it does not apply)."""
    return verdict_without_count(draft) not in ("not_applicable", "non_warranty_article")


def fault_needed(draft: dict[str, Any]) -> bool:
    """Whether the fault persists matters once a request exists (with none, R1 decides)."""
    return bool(draft.get("requests"))
