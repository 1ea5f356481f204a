"""The terms a case runs on: the procedure's three working days and the consumer-rights
terms of the law, and how a term's status is read on a date.

A term of N working days starts the day after its start event and ends with the N-th
working day (Civil Code art. 191), in the case's time zone: terms compare local dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

PROMISE_DAYS = 3  # «будет решён в течение трёх рабочих дней» (expert, step 2)
ENGINEER_DAYS = 3  # «если … ответ не поступил в течение 3 рабочих дней» (ВАЖНО after step 6)

LAW = "Закона о защите прав потребителей"
REPAIR_CEILING = 45  # art. 20 p. 1: the term agreed in writing may not exceed 45 days
REPAIR_UNAGREED = "не более 45 дней (срок по соглашению; без соглашения — незамедлительно)"
PENALTY_RATE = 0.01  # 1 % of the price a day (art. 23)
CIVIL_CALENDAR = ("последний день срока, если он нерабочий, переносится на ближайший рабочий день (ст. 193 ГК РФ); "
                  "нерабочие дни по указам Президента 2020–2021 годов срок не продлевают (Обзор Верховного Суда "
                  "РФ № 1 от 21.04.2020, ответ на вопрос 5)")


@dataclass(frozen=True, slots=True)
class LegalRule:
    """A consumer-rights term: `n` calendar days or months from the day after the demand."""

    n: int
    unit: str  # "days" | "months"
    article: str
    term: str  # the term in words, as the output shows it


def legal_rule(demand: str, quality_check: bool = False, no_stock: bool = False,
               agreed_days: int | None = None) -> LegalRule:
    """The term of a demand under the Law on Consumer Rights."""
    if demand in ("refund", "price_reduction"):
        return LegalRule(10, "days", f"ст. 22 {LAW}", "10 дней")
    if demand == "exchange":
        if no_stock:  # art. 21 p. 1: no goods for the exchange at the time of the demand
            return LegalRule(1, "months", f"ст. 21 п. 1 {LAW} (товара для замены нет в наличии)", "1 месяц")
        if quality_check:
            return LegalRule(20, "days", f"ст. 21 п. 1 {LAW} (с проверкой качества)", "20 дней")
        return LegalRule(7, "days", f"ст. 21 п. 1 {LAW}", "7 дней")
    if demand == "repair":
        if agreed_days:
            days = min(agreed_days, REPAIR_CEILING)
            return LegalRule(days, "days", f"ст. 20 п. 1 {LAW} (срок по соглашению в письменной форме)",
                             f"{days} дн. по соглашению")
        return LegalRule(REPAIR_CEILING, "days", f"ст. 20 п. 1 {LAW}", REPAIR_UNAGREED)
    if demand == "substitute_device":
        return LegalRule(3, "days", f"ст. 20 п. 2 {LAW}", "3 дня")
    raise ValueError(demand)


def add_months(d: date, n: int) -> date:
    """Civil Code art. 192 p. 3: a term in months ends on the same date of its last month; in a
    month without that date, on the month's last day (31.01 + 1 month = 28.02 or 29.02)."""
    import calendar

    y, m = divmod(d.month - 1 + n, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def penalty_basis(price: float | None) -> str:
    """What the penalty is counted on, in words (art. 23)."""
    law = ("1 % цены товара за каждый день просрочки (ст. 23 Закона о защите прав потребителей: цена в месте, где "
           "требование должно быть удовлетворено, на день его добровольного удовлетворения или на день решения суда)")
    if price is None:
        return law + "; цены товара в деле нет — неустойка не рассчитана"
    money = f"{price:,.2f}".replace(",", " ").replace(".", ",")
    return law + f"; здесь — цена из дела, {money} ₽"

OPEN = ("pending", "due_today", "overdue")


def status_of(due: date, stopped: date | None, as_of: date) -> str:
    if stopped is not None:
        return "met" if stopped <= due else "missed"
    if as_of < due:
        return "pending"
    return "due_today" if as_of == due else "overdue"


def iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


@dataclass(frozen=True, slots=True)
class Clock:
    """One running term of the procedure: `client_promise`, or a cycle of `engineer_reply`."""

    name: str
    cycle: int | None
    start: date | None
    due: date | None
    stopped: date | None
    status: str

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "cycle": self.cycle, "start": iso(self.start), "due": iso(self.due),
                "stopped": iso(self.stopped), "status": self.status}


@dataclass(frozen=True, slots=True)
class LegalTerm:
    """A consumer-rights term started by a `claim` event."""

    demand: str
    start: date
    due: date
    stopped: date | None
    status: str
    term_days: int  # the term's length in days (for a term in months: the days it spans)
    article: str
    days_late: int
    penalty_rub: float | None
    term: str = ""  # the term in words («10 дней», «1 месяц», «не более 45 дней (…)»)
    penalty_basis: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"demand": self.demand, "start": self.start.isoformat(), "due": self.due.isoformat(),
                "stopped": iso(self.stopped), "status": self.status, "term_days": self.term_days,
                "article": self.article, "days_late": self.days_late, "penalty_rub": self.penalty_rub,
                "term": self.term, "calendar": CIVIL_CALENDAR, "penalty_basis": self.penalty_basis}
