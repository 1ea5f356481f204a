"""Sentences about a case, composed from its facts — the one place that says what the
requests, their conclusions, the fault and the feedback are.

rules.md, «Texts are true of the case»: no «неисправность сохраняется» when
`fault_persists` is false; no «заключение было одинаковым: техника исправна» unless every
request says `no_fault`; no «есть заключение» for a request without one; no «по ответу
инженера» for feedback given on an ASC answer alone. An unknown fact is said to be unknown.
"""

from __future__ import annotations

from collections.abc import Iterable

from hotline_cli.procedure import texts
from hotline_cli.procedure.case import Case, Request


def numbers(requests: Iterable[Request]) -> str:
    """«№ 1», «№ 1 и № 2», «№ 1, № 2 и № 3»."""
    items = [f"№ {r.number}" for r in requests]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " и " + items[-1]


def by_date(requests: Iterable[Request]) -> list[Request]:
    """Requests in the order they were created (undated first, then by position)."""
    return sorted(requests, key=lambda r: (r.created is not None, r.created.at if r.created else None, r.pos))


def request_line(r: Request) -> str:
    """«Заявка № 1 — диагностика от 21.10.2025, АСЦ «Сервис», заключение: техника исправна.»"""
    when = f" от {texts.ru_date(r.created.day)}" if r.created else ""
    asc = f", АСЦ «{r.asc_name}»" if r.asc_name else ""
    said = "письменного заключения АСЦ нет" if r.conclusion is None else \
        f"заключение: {texts.CONCLUSION_RU[r.conclusion]}"
    return f"Заявка № {r.number} — {texts.REQUEST_TYPE_RU[r.type]}{when}{asc}, {said}."


def fault_clause(case: Case) -> str:
    if case.fault_persists:
        return "по словам клиента, неисправность сохраняется"
    return "клиент не подтверждает, что неисправность осталась"


def disagreement(case: Case, d: Request) -> str:
    """What the client disputes, as far as the case knows it."""
    if d.conclusion == "no_fault":
        return f"не согласен с заключением по заявке № {d.number}, что техника исправна"
    if d.conclusion is None:
        return (f"не согласен с заключением мастера по заявке № {d.number}; "
                "письменного заключения АСЦ в GSIS нет")
    return f"не согласен с заключением по заявке № {d.number} ({texts.CONCLUSION_RU[d.conclusion]})"


def earlier_checks(case: Case) -> str:
    """Situation 4, what the operator tells the client about the checks already made."""
    reqs = by_date(case.requests)
    no_asc = [r for r in reqs if r.type == "no_asc"]
    service = [r for r in reqs if r.type != "no_asc"]
    if len(service) >= 2 and not no_asc and all(r.conclusion == "no_fault" for r in service):
        return (f"Понимаю вас. По вашей технике уже проводились проверки (заявки {numbers(service)}), "
                "и заключение было одинаковым: техника исправна.")
    if len(no_asc) == 1 and not service:
        r = no_asc[0]
        if r.conclusion is None:
            return f"Понимаю вас. По вашему запросу «Нет АСЦ» № {r.number} заключения инженера пока нет."
        return (f"Понимаю вас. По вашему запросу «Нет АСЦ» № {r.number} уже есть заключение инженера: "
                f"{texts.CONCLUSION_RU[r.conclusion]}.")
    parts = [f"№ {r.number} — {texts.CONCLUSION_RU[r.conclusion]}" for r in reqs]
    return "Понимаю вас. По вашей технике уже были обращения: " + "; ".join(parts) + "."


def feedback_basis(answer_before: bool, asc_before: bool) -> str:
    """On what the feedback to the client rested: the engineer's answer, or not."""
    if answer_before:
        return "по ответу инженера"
    if asc_before:
        return "по ответу АСЦ, без ответа ответственного инженера"
    return "без ответа ответственного инженера"
