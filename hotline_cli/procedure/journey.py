"""One case's story, from the first contact to its end (rules.md, «The journey»).

`Journey(case, as_of, calendar)` is what every command reads: the flow by channel, the
situation now and at the first contact, whether and where the expert stage runs (the
Usedesk/HPCC stage, the engineer cycles, feedback, closure, claims after closure), the
clocks, and the actions due. Events are indexed once by type; each part is computed once,
when first asked. No command derives a stage by itself.

The parts are the journey's own: the first contact (`contact`), the Usedesk/HPCC stage
(`hpcc`), the expert stage's clocks and engineer cycles (`cycles`), closure and claims
(`closure`). This module puts them together and decides where the expert stage stands.

A stage without a disputed request cannot be represented: `ExpertStage` holds the
request it is about, and a case with no request has none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from hotline_cli.procedure import texts
from hotline_cli.procedure.calendar import ProductionCalendar
from hotline_cli.procedure.case import Case, Event, Request
from hotline_cli.procedure.closure import Closure
from hotline_cli.procedure.contact import FirstContact
from hotline_cli.procedure.cycles import EngineerCycles
from hotline_cli.procedure.hpcc import HpccStage
from hotline_cli.procedure.story import Cycle, Due, Events, Step
from hotline_cli.procedure.terms import Clock, LegalTerm
from hotline_cli.procedure.triage import Decision

__all__ = ["EXPERT_EVENTS", "Cycle", "Due", "ExpertStage", "Journey", "Step"]

# the events that only the expert stage (the Usedesk agent, the expert, the engineer) produces
EXPERT_EVENTS: Final = frozenset({
    "hpcc_request", "hpcc_documents", "expert_call", "engineer_request", "asc_answer", "engineer_answer",
    "re_request", "delay_call", "feedback_call", "demands_requested", "claims_handoff", "closed",
})


@dataclass(frozen=True, slots=True)
class ExpertStage:
    """The expert stage of a journey: about its disputed request, expected by the situation
    or already under way in the events."""

    disputed: Request
    expected: bool  # the situation leads there
    under_way: bool  # the events show it


class Journey:
    """The parts put together. Each answer of the journey itself is computed on first use and
    kept (in a compiled core, in the object's own slots); `…_known` marks one that may be None."""

    def __init__(self, case: Case, as_of: date, calendar: ProductionCalendar):
        self.case = case
        self.as_of = as_of
        self.cal = calendar
        self.events = events = Events(case.events)
        self.email_flow = email = case.channel == "email"
        self.contact = contact = FirstContact(case, events)
        self.hpcc = HpccStage(case, events, calendar, email)
        self.engineer = EngineerCycles(events, as_of, calendar, email)
        self.closure = Closure(case, events, contact, as_of, calendar)
        self._expert: ExpertStage | None = None
        self._no_step_reason: str | None = None
        self._step: Step | None = None
        self._expert_known = self._no_step_reason_known = self._step_known = False  # these may be None
        self._warnings: list[str] | None = None
        self._due: list[Due] | None = None

    # ------------------------------------------------------------------ the parts, as every command reads them

    @property
    def now(self) -> Decision:
        return self.contact.now

    @property
    def current(self) -> Decision:
        return self.contact.current

    @property
    def first_contact(self) -> Decision:
        return self.contact.decision

    @property
    def first_contact_requests(self) -> tuple[Request, ...]:
        return self.contact.requests

    @property
    def promise(self) -> Clock | None:
        return self.engineer.promise

    @property
    def cycles(self) -> list[Cycle]:
        return self.engineer.cycles

    @property
    def silences(self) -> list[tuple[Clock, date]]:
        return self.engineer.silences

    def clocks(self) -> list[Clock]:
        return self.engineer.clocks()

    def unfollowed(self, follow_type: str) -> list[tuple[Any, date]]:
        """The silences no `follow_type` event followed: (clock, its next working day); such a clock
        always has its start and its due date (typed Any for the rules that print them)."""
        return self.engineer.unfollowed(follow_type)

    @property
    def counted_feedback(self) -> Event | None:
        return self.closure.feedback[0]

    def feedback_rests_on_answer(self, fb: Event) -> bool:
        return self.closure.rests_on_answer(fb)

    @property
    def post_closure_claims(self) -> list[Event]:
        return self.closure.post_closure_claims

    @property
    def legal(self) -> list[LegalTerm]:
        return self.closure.legal

    # ------------------------------------------------------------------ the expert stage

    @property
    def expert(self) -> ExpertStage | None:
        """The expert stage, when the journey has one (rules.md «Where the expert stage begins»)."""
        if not self._expert_known:
            self._expert = self._expert_of()
            self._expert_known = True
        return self._expert

    def _expert_of(self) -> ExpertStage | None:
        d = self.case.disputed
        if d is None:
            return None
        under_way = self.events.any_of(EXPERT_EVENTS)
        expected = self._leads_to_expert()
        if not (expected or under_way):
            return None
        return ExpertStage(d, expected, under_way)

    def _leads_to_expert(self) -> bool:
        cur = self.current
        if cur.verdict == "not_applicable" or cur.situation == 5:
            return False
        if self.case.channel in ("site_form", "email"):
            return True
        sits = (self.first_contact.situation, cur.situation)
        if 3 in sits:  # the Naumen request goes to the Usedesk agent, then to the expert
            return True
        # situation 2 or 4: once the client's request through the site has arrived
        return (2 in sits or 4 in sits) and self.events.any_of(EXPERT_EVENTS)

    @property
    def no_step_reason(self) -> str | None:
        """Why the journey has no expert step (None when it has one): what applies instead."""
        if not self._no_step_reason_known:
            self._no_step_reason = self._no_step_reason_of()
            self._no_step_reason_known = True
        return self._no_step_reason

    def _no_step_reason_of(self) -> str | None:
        if self.expert is not None:
            return None
        if self.case.disputed is None:
            return "заявок нет: сначала оформить заявку на диагностику (hotline triage)"
        cur = self.current
        if cur.verdict == "not_applicable":  # requests exist (checked above): the fault is gone
            return "клиент не сообщает, что неисправность сохранилась: статья не применяется"
        if cur.situation == 5:
            return f"ситуация 5: действовать по статье «{texts.NON_WARRANTY_ARTICLE}»"
        second = (self.case.hotline or {}).get("second_asc_request")
        if self.first_contact.situation == 1 and second:
            return (f"ситуация 1 при обращении: оформлена заявка на другой АСЦ № {second} — ждём заключения "
                    "повторной проверки")
        if cur.situation == 1:
            return "ситуация 1: сначала заявка на другой АСЦ для повторной проверки (hotline triage)"
        if cur.situation in (2, 4):
            return (f"ситуация {cur.situation}: ждём запрос клиента через форму «Напишите нам»; "
                    "этап эксперта начнётся, когда он поступит")
        return "не проверено число АСЦ в городе (шаг 4): сначала проверить его и получить решение заново"

    @property
    def warnings(self) -> list[str]:
        """What a reader of the expert stage should know: a stage the situation did not lead to,
        feedback that does not count, a re-request before the first request."""
        v = self._warnings
        if v is None:
            v = self._warnings = self._warnings_of()
        return v

    def _warnings_of(self) -> list[str]:
        out: list[str] = []
        ex = self.expert
        if ex is not None and not ex.expected:
            cur = self.current
            what = f"{texts.situation_ru(cur.situation)}, правило {cur.rule.code}"
            out.append(f"по ситуации ({what}) дело не должно было попасть к эксперту, но в выгрузке уже есть "
                       "этап эксперта: следующий шаг — по нему")
        uncounted = self.closure.feedback[1]
        if uncounted:
            days = ", ".join(texts.ru_date(e.at.day) for e in uncounted[:3]) + (" …" if len(uncounted) > 3 else "")
            n = f" ({len(uncounted)} раз)" if len(uncounted) > 1 else ""
            out.append(f"обратная связь клиенту {days}{n} дана без ответа ответственного инженера "
                       "(ответ АСЦ решением не является): не учитывается")
        first = self.events.first("engineer_request")
        early = [e for e in self.events.of("re_request") if first is None or e.at.at < first.at.at]
        if early:
            out.append(f"повторный запрос {texts.ru_date(early[0].at.day)} раньше первого запроса инженеру: "
                       "не учитывается" + (f" (таких {len(early)})" if len(early) > 1 else ""))
        return out

    @property
    def step(self) -> Step | None:
        """The expert stage's next step: claims after closure (6), then stage 4, 3, 1; else 2. Claims
        after closure and a repeat contact with demands (R0) are step 6 even with no expert stage."""
        if not self._step_known:
            self._step = self._step_of()
            self._step_known = True
        return self._step

    def _step_of(self) -> Step | None:
        claims = self.closure.claims_step()
        if claims is not None:
            return claims
        ex = self.expert
        if ex is None:
            return None
        return (self.closure.feedback_step() or self.engineer.answer_step()
                or self.hpcc.documents_step(ex.disputed) or self.hpcc.engineer_request_step())

    def provisional_years(self) -> list[int]:
        years = {self.as_of.year}
        for c in self.clocks():
            years.update(d.year for d in (c.start, c.due) if d)
        return sorted(y for y in years if self.cal.provisional(y))

    # ------------------------------------------------------------------ what is due

    @property
    def due(self) -> list[Due]:
        """Every action the journey calls for, with its date, sorted by date."""
        v = self._due
        if v is None:
            v = self._due = self._due_of()
        return v

    def _due_of(self) -> list[Due]:
        items: list[Due] = []
        st = self.step
        if st is not None:
            if st.stage <= 2:
                items += self.hpcc.due(st)
            elif st.stage == 3:
                items += self.engineer.due(st)
            else:
                items += self.closure.due(st, self.email_flow)
        items += self.closure.legal_due()
        items.sort(key=lambda d: d.due)
        return items
