"""followup — the clocks of a case (rules.md «followup»). Pure: the date is passed in.

A term of N working days starts the day after its start event and ends with the N-th
working day (Civil Code art. 191), in the case's time zone: clocks compare local dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from hotline_cli import texts
from hotline_cli.calendar_ru import ProductionCalendar
from hotline_cli.model import Case, Event

PROMISE_DAYS = 3  # «будет решён в течение трёх рабочих дней» (expert, step 2)
ENGINEER_DAYS = 3  # «если … ответ не поступил в течение 3 рабочих дней» (ВАЖНО, step 6)

# Consumer-rights terms in calendar days: (days, article of the Law on Consumer Rights)
LEGAL_TERMS = {
    "refund": (10, "ст. 22 Закона о защите прав потребителей"),
    "price_reduction": (10, "ст. 22 Закона о защите прав потребителей"),
    "exchange": (7, "ст. 21 Закона о защите прав потребителей"),
    "exchange_quality_check": (20, "ст. 21 Закона о защите прав потребителей (с проверкой качества)"),
    "repair": (45, "ст. 20 Закона о защите прав потребителей (не более 45 дней)"),
    "substitute_device": (3, "ст. 20 п. 2 Закона о защите прав потребителей"),
}
PENALTY_RATE = 0.01  # 1 % of the price a day (art. 23)


@dataclass
class Clock:
    name: str  # client_promise | engineer_reply
    cycle: int | None
    start: date | None
    due: date | None
    stopped: date | None
    status: str
    start_event: Event | None = None

    def as_dict(self) -> dict:
        return {"name": self.name, "cycle": self.cycle, "start": _iso(self.start), "due": _iso(self.due),
                "stopped": _iso(self.stopped), "status": self.status}


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def status_of(due: date, stopped: date | None, as_of: date) -> str:
    if stopped is not None:
        return "met" if stopped <= due else "missed"
    if as_of < due:
        return "pending"
    return "due_today" if as_of == due else "overdue"


def client_promise(case: Case, cal: ProductionCalendar, as_of: date) -> Clock:
    call = case.first("expert_call")
    if call is None:
        return Clock("client_promise", None, None, None, None, "not_started")
    due = cal.add(call.at.day, PROMISE_DAYS)
    fb = case.first("feedback_call", after=call.at.at)
    stopped = fb.at.day if fb else None
    return Clock("client_promise", None, call.at.day, due, stopped, status_of(due, stopped, as_of), call)


def engineer_cycles(case: Case, cal: ProductionCalendar, as_of: date) -> list[Clock]:
    first = case.first("engineer_request")
    if first is None:
        return [Clock("engineer_reply", None, None, None, None, "not_started")]
    starts = [first] + [e for e in case.events if e.type == "re_request" and e.at.at >= first.at.at]
    answers = [e.at.day for e in case.events if e.type == "engineer_answer"]
    clocks = []
    for n, ev in enumerate(starts, 1):
        start = ev.at.day
        due = cal.add(start, ENGINEER_DAYS)
        stopped = next((d for d in answers if d >= start), None)
        clocks.append(Clock("engineer_reply", n, start, due, stopped, status_of(due, stopped, as_of), ev))
    return clocks


def legal_terms(case: Case, cal: ProductionCalendar, as_of: date) -> list[dict]:
    out = []
    for claim in case.events_of("claim"):
        demand = claim.get("demand")
        key = "exchange_quality_check" if demand == "exchange" and claim.get("quality_check") else demand
        days, article = LEGAL_TERMS[key]
        start = claim.at.day
        due = cal.roll_forward(start + timedelta(days))  # art. 191 + art. 193
        done = next((e for e in case.events_of("claim_satisfied")
                     if e.get("demand") == demand and e.at.at >= claim.at.at), None)
        stopped = done.at.day if done else None
        end = stopped or as_of
        late = max(0, (end - due).days)
        penalty = round(case.price * PENALTY_RATE * late, 2) if case.price is not None else None
        out.append({"demand": demand, "start": start.isoformat(), "due": due.isoformat(),
                    "stopped": _iso(stopped), "status": status_of(due, stopped, as_of),
                    "term_days": days, "article": article, "days_late": late, "penalty_rub": penalty})
    return out


def feedback_due(cal: ProductionCalendar, answer: Event) -> date:
    """The call back to the client is due on the day the engineer answers (a working day;
    else the next one): «по получению ответа от инженера возвращаемся с обратной связью»."""
    return cal.add(answer.at.day, 0)


def next_actions(case: Case, cal: ProductionCalendar, as_of: date, promise: Clock,
                 cycles: list[Clock]) -> list[dict]:
    actions: list[dict] = []
    last = cycles[-1]
    if last.status in ("pending", "due_today", "overdue"):
        after = cal.add(last.due, 1)  # «на следующий рабочий день» after the deadline
        req = case.first("engineer_request")
        to = req.get("to") if req else None
        due_ru = texts.ru_date(last.due)
        if last.status == "overdue":
            actions.append({"due": after.isoformat(), "action": "re_request",
                            "text": f"Инженер не ответил в срок (до {due_ru} включительно): написать повторно "
                                    "тем же адресатам" + (f" ({to}, с теми же копиями)." if to else ".")})
        else:
            actions.append({"due": after.isoformat(), "action": "re_request",
                            "text": f"Если инженер не ответит до {due_ru} включительно, {texts.ru_date(after)} "
                                    "написать ему повторно." + (f" ({to})" if to else "")})
        called = any(e.type == "delay_call" and e.at.day > last.due for e in case.events)
        if not called:
            if last.status == "overdue":
                text = "Позвонить клиенту: сообщить, что на решение вопроса требуется дополнительное время."
            else:
                text = (f"Если ответа инженера не будет до {due_ru} включительно, {texts.ru_date(after)} позвонить "
                        "клиенту и сообщить, что на решение вопроса требуется дополнительное время.")
            actions.append({"due": after.isoformat(), "action": "delay_call", "text": text})
    answer = case.last("engineer_answer")
    if answer is not None and case.first("feedback_call", after=answer.at.at) is None:
        due = feedback_due(cal, answer)
        if promise.due and promise.status in ("pending", "due_today") and promise.due >= due:
            text = (f"Ответ инженера получен {texts.ru_date(answer.at.day)}: позвонить клиенту и разъяснить его "
                    f"(обещанный срок — {texts.ru_date(promise.due)}).")
        else:
            text = (f"Ответ инженера получен {texts.ru_date(answer.at.day)}: позвонить клиенту и разъяснить его; "
                    "непонятные формулировки — уточнить у инженера.")
        actions.append({"due": due.isoformat(), "action": "feedback_call", "text": text})
    actions.sort(key=lambda a: a["due"])
    return actions


def followup(case: Case, cal: ProductionCalendar, as_of: date, warnings: list[str]) -> dict:
    promise = client_promise(case, cal, as_of)
    cycles = engineer_cycles(case, cal, as_of)
    years = {d.year for c in [promise, *cycles] for d in (c.start, c.due) if d} | {as_of.year}
    for y in sorted(years):
        if cal.provisional(y):
            warnings.append(f"календарь {y} года предварительный: постановления о переносе выходных нет, "
                            "сроки могут сдвинуться")
    first = case.first("engineer_request")
    for e in case.events_of("re_request"):
        if first is None or e.at.at < first.at.at:
            warnings.append(f"повторный запрос {texts.ru_date(e.at.day)} раньше первого запроса инженеру: не учитывается")
    return {
        "as_of": as_of.isoformat(),
        "clocks": [c.as_dict() for c in [promise, *cycles]],
        "next_actions": next_actions(case, cal, as_of, promise, cycles),
        "legal": legal_terms(case, cal, as_of),
    }
