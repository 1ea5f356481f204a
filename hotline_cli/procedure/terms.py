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
    term_days: int
    article: str
    days_late: int
    penalty_rub: float | None

    def as_dict(self) -> dict[str, object]:
        return {"demand": self.demand, "start": self.start.isoformat(), "due": self.due.isoformat(),
                "stopped": iso(self.stopped), "status": self.status, "term_days": self.term_days,
                "article": self.article, "days_late": self.days_late, "penalty_rub": self.penalty_rub}
