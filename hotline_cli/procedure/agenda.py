"""agenda — the expert's day: every action the journey of a case calls for, due or overdue
or within the next working days, each with the text to send where one is drafted.

A view of the journey (`Journey.due`) and of escalate's draft for the current step; nothing
here decides a stage or a date.
"""

from __future__ import annotations

from typing import Any

from hotline_cli.procedure.escalate import escalate
from hotline_cli.procedure.journey import Journey
from hotline_cli.procedure.settings import Settings

HORIZON_DAYS = 3  # «ближайшие дни»: due within this many working days after the date judged

# the step of escalate whose message is the text to send for an action due
MESSAGE_OF = {"hpcc_request": "hpcc_request", "engineer_request": "engineer_request", "re_request": "await_answer",
              "feedback_reply": "feedback_reply", "claims_handoff": "claims_handoff", "ask_demands": "ask_demands"}


CALLS = frozenset({"expert_call", "delay_call", "feedback_call"})  # actions done by phoning the client


def works_on(j: Journey, expert: str) -> bool:
    """Whether the person named did anything in this case (the events' «by»)."""
    key = " ".join(expert.casefold().split())
    return any(" ".join(str(e.get("by") or "").casefold().split()) == key for e in j.case.events)


def agenda(j: Journey, cfg: Settings, days: int = HORIZON_DAYS, expert: str | None = None) -> dict[str, Any]:
    horizon = j.cal.add(j.as_of, days)
    items = []
    draft: dict[str, Any] | None = None
    case = j.case
    mine = expert is None or works_on(j, expert)
    for d in (j.due if mine else ()):
        if d.due > horizon:
            continue
        status = "overdue" if d.due < j.as_of else "today" if d.due == j.as_of else "upcoming"
        text = d.text
        if d.action in CALLS:  # whom to call, on every call
            text += f" Клиент: {case.client_name}, телефон: {case.client_phone or 'в деле не указан'}."
        item: dict[str, Any] = {"due": d.due.isoformat(), "status": status, "action": d.action, "text": text,
                                "message": None}
        step = MESSAGE_OF.get(d.action)
        if step is not None and j.step is not None and j.step.step == step:
            if draft is None:
                draft = escalate(j, cfg)
            item["message"] = draft["message"]
        items.append(item)
    return {"as_of": j.as_of.isoformat(), "horizon": horizon.isoformat(), "client": j.case.client_name,
            "items": items, "warnings": []}
