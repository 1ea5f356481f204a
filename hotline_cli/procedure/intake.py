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
INTENT = Question("client_intent", "Клиент намерен обратиться в суд, в Роспотребнадзор или вредить имиджу "
                  "компании? (через запятую; пусто — нет)", "choices", texts.INTENT_RU, optional=True)


def verdict_without_count(draft: dict[str, Any]) -> str:
    """The verdict the case gets with the ASC count unknown (the draft must be a valid case)."""
    case = build_case(dict(draft, city=dict(draft["city"], asc_count=None)))
    return classify(facts_of(case, case.requests, case.disputed, False), with_r0=False).verdict


def asc_count_needed(draft: dict[str, Any]) -> bool:
    """Step 4 is asked only where the decision depends on it (not after R1–R5 decided)."""
    return verdict_without_count(draft) == "need_info"


def intent_needed(draft: dict[str, Any]) -> bool:
    """The client's intent matters where the article goes on (not where it does not apply)."""
    return verdict_without_count(draft) not in ("not_applicable", "non_warranty_article")


def fault_needed(draft: dict[str, Any]) -> bool:
    """Whether the fault persists matters once a request exists (with none, R1 decides)."""
    return bool(draft.get("requests"))
