"""One case's story, from the first contact to its end (rules.md, «The journey»).

`Journey(case, as_of, calendar)` is what every command reads: the flow by channel, the
situation now and at the first contact, whether and where the expert stage runs (the
Usedesk/HPCC stage, the engineer cycles, feedback, closure, claims after closure), the
clocks, and the actions due. Events are indexed once by type; each part is computed once,
when first asked. No command derives a stage by itself.

A stage without a disputed request cannot be represented: `ExpertStage` holds the
request it is about, and a case with no request has none.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Generic, NamedTuple, TypeVar, overload

from hotline_cli.procedure import texts
from hotline_cli.procedure.calendar import ProductionCalendar
from hotline_cli.procedure.case import Case, Event, Request, disputed_request
from hotline_cli.procedure.terms import (
    ENGINEER_DAYS,
    OPEN,
    PENALTY_RATE,
    PROMISE_DAYS,
    Clock,
    LegalTerm,
    add_months,
    legal_rule,
    penalty_basis,
    status_of,
)
from hotline_cli.procedure.triage import Decision, classify, facts_of

# the events that only the expert stage (the Usedesk agent, the expert, the engineer) produces
EXPERT_EVENTS = frozenset({
    "hpcc_request", "hpcc_documents", "expert_call", "engineer_request", "asc_answer", "engineer_answer",
    "re_request", "delay_call", "feedback_call", "demands_requested", "claims_handoff", "closed",
})

_NONE: tuple[Event, ...] = ()
T = TypeVar("T")


class once(Generic[T]):
    """A property computed on first use and then kept in the instance: functools.cached_property
    without its lock (Python 3.11 takes an RLock on every first use: a fifth of the audit's
    decide time, measured)."""

    def __init__(self, fn: Callable[[Any], T]):
        self.fn = fn
        self.name = fn.__name__

    @overload
    def __get__(self, obj: None, cls: Any) -> once[T]: ...

    @overload
    def __get__(self, obj: object, cls: Any) -> T: ...

    def __get__(self, obj: object | None, cls: Any) -> Any:
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.fn(obj)
        return value


def _at(e: Event) -> datetime:
    return e.at.at


def _day(e: Event) -> date:
    return e.at.day


class Events:
    """A case's events indexed once by type; each list in time order."""

    __slots__ = ("all", "_by")

    def __init__(self, events: tuple[Event, ...]):
        by: dict[str, list[Event]] = {}
        for e in events:
            lst = by.get(e.type)
            if lst is None:
                by[e.type] = [e]
            else:
                lst.append(e)
        self.all = events
        self._by = by

    def of(self, type_: str) -> list[Event] | tuple[Event, ...]:
        return self._by.get(type_, _NONE)

    def has(self, type_: str) -> bool:
        return type_ in self._by

    def any_of(self, types: frozenset[str]) -> bool:
        return not types.isdisjoint(self._by)

    def first(self, type_: str, after: datetime | None = None) -> Event | None:
        """The first event of this type, or the first at or after `after`."""
        lst = self._by.get(type_)
        if not lst:
            return None
        if after is None:
            return lst[0]
        i = bisect_left(lst, after, key=_at)
        return lst[i] if i < len(lst) else None

    def last(self, type_: str, before: datetime | None = None) -> Event | None:
        """The last event of this type, or the last at or before `before`."""
        lst = self._by.get(type_)
        if not lst:
            return None
        if before is None:
            return lst[-1]
        i = bisect_right(lst, before, key=_at)
        return lst[i - 1] if i else None

    def between_days(self, type_: str, after: date, until: date) -> bool:
        """Is there an event of this type on a local day in (after, until]?"""
        lst = self._by.get(type_)
        if not lst:
            return False
        i = bisect_right(lst, after, key=_day)
        return i < len(lst) and lst[i].at.day <= until


class Cycle(NamedTuple):
    """One engineer-reply cycle: its clock and the event that started it."""

    clock: Clock
    start: Event
    answer: Event | None  # the first engineer_answer on or after its start date


class Step(NamedTuple):
    """Where the expert stage stands (rules.md «escalate»): stage 1–4, or 6 after closure."""

    stage: int
    step: str
    since: date | None = None
    due: date | None = None
    done: Event | None = None  # the event that already did this step (closed, claims_handoff…)
    feedback: Event | None = None  # the feedback that counts (stage 4)
    claim: Event | None = None  # the claim after closure (stage 6)
    answer: Event | None = None  # the engineer answer to feed back (stage 3)


@dataclass(frozen=True, slots=True)
class ExpertStage:
    """The expert stage of a journey: about its disputed request, expected by the situation
    or already under way in the events."""

    disputed: Request
    expected: bool  # the situation leads there
    under_way: bool  # the events show it


@dataclass(frozen=True, slots=True)
class Due:
    """An action the journey calls for on a date."""

    due: date
    action: str  # re_request, delay_call, feedback_call, feedback_reply, claims_handoff, …
    text: str

    def as_dict(self) -> dict[str, str]:
        return {"due": self.due.isoformat(), "action": self.action, "text": self.text}


class Journey:
    def __init__(self, case: Case, as_of: date, calendar: ProductionCalendar):
        self.case = case
        self.as_of = as_of
        self.cal = calendar
        self.events = Events(case.events)
        self.email_flow = case.channel == "email"

    # ------------------------------------------------------------------ situations

    @once
    def _claim(self) -> bool:
        return self.events.has("claim")

    @once
    def now(self) -> Decision:
        """A new contact now: every request, R0 included (triage)."""
        c = self.case
        return classify(facts_of(c, c.requests, c.disputed, self._claim), with_r0=True)

    @once
    def current(self) -> Decision:
        """The situation the case is in now, without R0 (the repeat-contact marker)."""
        now = self.now
        if not now.facts["consultation_marked"]:
            return now
        return classify(now.facts, with_r0=False)  # the same facts: only R0 is left out

    @once
    def first_contact_requests(self) -> tuple[Request, ...]:
        """The requests that existed at `opened_at`: a request created after it, or the one the
        hotline recorded as the second-ASC request, is an outcome of the contact, not its input."""
        c = self.case
        second = (c.hotline or {}).get("second_asc_request")
        opened = c.opened.at
        reqs = c.requests
        if second is None and all(r.created is None or r.created.at <= opened for r in reqs):
            return reqs
        return tuple(r for r in reqs if (r.created is None or r.created.at <= opened) and r.number != second)

    @once
    def first_contact(self) -> Decision:
        """The situation the first contact was handled in (audit): R1–R9 over its requests."""
        reqs = self.first_contact_requests
        c = self.case
        if reqs is c.requests:
            return self.current
        return classify(facts_of(c, reqs, disputed_request(reqs), self._claim), with_r0=False)

    # ------------------------------------------------------------------ the expert stage

    @once
    def expert(self) -> ExpertStage | None:
        """The expert stage, when the journey has one (rules.md «Where the expert stage begins»)."""
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

    @once
    def no_step_reason(self) -> str | None:
        """Why the journey has no expert step (None when it has one): what applies instead."""
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

    @once
    def warnings(self) -> list[str]:
        """What a reader of the expert stage should know: a stage the situation did not lead to,
        feedback that does not count, a re-request before the first request."""
        out: list[str] = []
        ex = self.expert
        if ex is not None and not ex.expected:
            cur = self.current
            what = f"{texts.situation_ru(cur.situation)}, правило {cur.rule.code}"
            out.append(f"по ситуации ({what}) дело не должно было попасть к эксперту, но в выгрузке уже есть "
                       "этап эксперта: следующий шаг — по нему")
        uncounted = self._feedback[1]
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

    @once
    def _feedback(self) -> tuple[Event | None, list[Event]]:
        """The latest feedback made after an engineer answer, and those made without one: the
        final decision is the responsible engineer's alone (an ASC answer is not one)."""
        answer = self.events.first("engineer_answer")
        counted = None
        uncounted = []
        for fb in self.events.of("feedback_call"):
            if answer is not None and answer.at.at <= fb.at.at:
                counted = fb
            else:
                uncounted.append(fb)
        return counted, uncounted

    @property
    def counted_feedback(self) -> Event | None:
        return self._feedback[0]

    def feedback_rests_on_answer(self, fb: Event) -> bool:
        """Was there an engineer answer at or before this feedback?"""
        answer = self.events.first("engineer_answer")
        return answer is not None and answer.at.at <= fb.at.at

    @once
    def demands(self) -> bool:
        """The client's demands are stated: in the initial request, or a claim."""
        return self.case.demands_stated or self._claim

    @once
    def post_closure_claims(self) -> list[Event]:
        """Claims made after the case was closed (step 6): after the first `closed` event; with
        no `closed` event but a final consultation on record (R0), every claim."""
        claims = self.events.of("claim")
        if not claims:
            return []
        closed = self.events.first("closed")
        if closed is not None:
            return [c for c in claims if c.at.at >= closed.at.at]
        return list(claims) if self.now.facts["consultation_marked"] else []

    @once
    def repeat_with_demands(self) -> bool:
        """A repeat contact after the final consultation (R0) in which the client states demands
        (`demands_stated` or a claim): the claims group's, whatever the situation (step 6)."""
        return bool(self.now.facts["consultation_marked"]) and self.demands

    @once
    def step(self) -> Step | None:
        """The expert stage's next step: claims after closure (6), then stage 4, 3, 1; else 2. Claims
        after closure and a repeat contact with demands (R0) are step 6 even with no expert stage."""
        ev, cal = self.events, self.cal
        post = self.post_closure_claims
        if post:
            claim = post[-1]
            return Step(6, "claims_handoff", since=claim.at.day, due=cal.add(claim.at.day, 1),
                        done=ev.first("claims_handoff", after=claim.at.at), claim=claim)
        if self.repeat_with_demands and not ev.has("closed"):
            return Step(6, "claims_handoff", since=self.as_of, due=self.as_of, done=ev.last("claims_handoff"))
        ex = self.expert
        if ex is None:
            return None
        fb = self.counted_feedback
        if fb is not None:
            after = fb.at.at
            if fb.get("outcome") == "rejected" and self.case.intents:
                if self.demands:
                    return Step(4, "claims_handoff", since=fb.at.day, due=cal.add(fb.at.day, 1),
                                done=ev.first("claims_handoff", after=after), feedback=fb)
                return Step(4, "ask_demands", since=fb.at.day, due=cal.add(fb.at.day, 1),
                            done=ev.first("demands_requested", after=after), feedback=fb)
            return Step(4, "close", since=fb.at.day, due=cal.add(fb.at.day, 0),
                        done=ev.first("closed", after=after), feedback=fb)
        answer = ev.last("engineer_answer")
        if answer is not None:
            return Step(3, "feedback_reply" if self.email_flow else "feedback_call", since=answer.at.day,
                        due=cal.add(answer.at.day, 0), answer=answer)
        if self.cycles:
            return Step(3, "await_answer", since=self.cycles[0].clock.start, due=self.cycles[-1].clock.due)
        if ex.disputed.conclusion is None and not ev.has("hpcc_documents"):
            sent = ev.first("hpcc_request")
            if sent is not None:
                return Step(1, "await_documents", since=sent.at.day, due=cal.add(sent.at.day, 1))
            return Step(1, "hpcc_request", since=self.case.opened.day, due=cal.add(self.case.opened.day, 0))
        start = self.stage2_start
        return Step(2, "engineer_request", since=start, due=cal.add(start, 0))

    @once
    def stage2_start(self) -> date:
        """The day the request to the engineer became due: the latest of the contact, the HPCC
        documents' arrival and the expert's call."""
        days = [self.case.opened.day]
        for t in ("hpcc_documents", "expert_call"):
            e = self.events.last(t)
            if e is not None:
                days.append(e.at.day)
        return max(days)

    # ------------------------------------------------------------------ clocks

    @once
    def promise(self) -> Clock | None:
        """The client's 3-working-day promise (expert, step 2); the e-mail flow has none."""
        if self.email_flow:
            return None
        call = self.events.first("expert_call")
        if call is None:
            return Clock("client_promise", None, None, None, None, "not_started")
        due = self.cal.add(call.at.day, PROMISE_DAYS)
        fb = self.events.first("feedback_call", after=call.at.at)
        stopped = fb.at.day if fb else None
        return Clock("client_promise", None, call.at.day, due, stopped, status_of(due, stopped, self.as_of))

    @once
    def cycles(self) -> list[Cycle]:
        """Engineer-reply cycles: the first request and each later re-request start one; each is
        stopped by the first engineer answer on or after its own start date."""
        first = self.events.first("engineer_request")
        if first is None:
            return []
        re_requests = self.events.of("re_request")
        i = bisect_left(re_requests, first.at.at, key=_at)
        answers = self.events.of("engineer_answer")
        out = []
        for n, ev in enumerate([first, *re_requests[i:]], 1):
            start = ev.at.day
            due = self.cal.add(start, ENGINEER_DAYS)
            j = bisect_left(answers, start, key=_day)
            answer = answers[j] if j < len(answers) else None
            stopped = answer.at.day if answer else None
            out.append(Cycle(Clock("engineer_reply", n, start, due, stopped, status_of(due, stopped, self.as_of)),
                             ev, answer))
        return out

    @once
    def silences(self) -> list[tuple[Clock, date]]:
        """Cycles the engineer let pass (no answer by the due date) whose next working day is
        over by the date judged: (clock, that next working day)."""
        out = []
        for cy in self.cycles:
            c = cy.clock
            if c.due is None or (c.stopped is not None and c.stopped <= c.due):
                continue
            deadline = self.cal.add(c.due, 1)
            if self.as_of > deadline:
                out.append((c, deadline))
        return out

    @once
    def legal(self) -> list[LegalTerm]:
        """Consumer-rights terms of the claims (calendar days; art. 193: a last day off moves on)."""
        out = []
        satisfied: dict[str, list[Event]] = {}  # by demand, in time order: each claim finds its own by bisection
        for e in self.events.of("claim_satisfied"):
            satisfied.setdefault(e.get("demand"), []).append(e)
        civil = self.cal.civil()  # the law's terms: no presidential non-working days (art. 193, Supreme Court)
        for claim in self.events.of("claim"):
            demand = claim.get("demand")
            rule = legal_rule(demand, bool(claim.get("quality_check")), bool(claim.get("no_stock")),
                              claim.get("agreed_days"))
            start = claim.at.day
            end = add_months(start, rule.n) if rule.unit == "months" else start + timedelta(rule.n)
            due = civil.roll_forward(end)  # art. 191/192 + art. 193
            same = satisfied.get(demand, [])
            k = bisect_left(same, claim.at.at, key=_at)
            done = same[k] if k < len(same) else None
            stopped = done.at.day if done else None
            late = max(0, ((stopped or self.as_of) - due).days)
            price = self.case.price
            penalty = round(price * PENALTY_RATE * late, 2) if price is not None else None
            out.append(LegalTerm(demand, start, due, stopped, status_of(due, stopped, self.as_of),
                                 (end - start).days, rule.article, late, penalty, rule.term, penalty_basis(price)))
        return out

    def provisional_years(self) -> list[int]:
        years = {self.as_of.year}
        for c in self.clocks():
            years.update(d.year for d in (c.start, c.due) if d)
        return sorted(y for y in years if self.cal.provisional(y))

    def clocks(self) -> list[Clock]:
        """Every clock to show: the promise (not in the e-mail flow) and each engineer cycle."""
        out = [] if self.promise is None else [self.promise]
        if self.cycles:
            out += [cy.clock for cy in self.cycles]
        else:
            out.append(Clock("engineer_reply", None, None, None, None, "not_started"))
        return out

    # ------------------------------------------------------------------ what is due

    @once
    def due(self) -> list[Due]:
        """Every action the journey calls for, with its date, sorted by date."""
        items: list[Due] = []
        st = self.step
        if st is not None:
            items += self._step_due(st)
        for t in self.legal:
            if t.status in OPEN:
                items.append(Due(t.due, "legal_term",
                                 f"Срок по требованию «{texts.DEMAND_RU[t.demand]}» — {t.term} ({t.article}): до "
                                 f"{texts.ru_date(t.due)} включительно."))
        items.sort(key=lambda d: d.due)
        return items

    def _step_due(self, st: Step) -> list[Due]:
        d = texts.ru_date
        s = st.step
        email = self.email_flow
        if s == "hpcc_request":
            return [Due(st.due or st.since or self.as_of, s, "Агент Usedesk: направить менеджеру HPCC запрос данных "
                        "по заявке (акт, описание дефекта) с обязательными темой и приоритетом.")]
        if s == "await_documents":
            assert st.since is not None and st.due is not None
            return [Due(st.due, s, f"Проверить, поступили ли от менеджера HPCC документы по заявке (запрос от "
                                   f"{d(st.since)}); по получении передать запрос эксперту.")]
        if s == "engineer_request":
            assert st.due is not None
            out = []
            if not email and not self.events.has("expert_call"):
                out.append(Due(st.due, "expert_call", "Позвонить клиенту: представиться, сообщить, что вопрос на "
                               "персональном контроле и будет решён в течение трёх рабочих дней."))
            out.append(Due(st.due, s, "Направить запрос ответственному инженеру (hotline escalate)."))
            return out
        if s == "await_answer":
            return self._silence_due()
        if s in ("feedback_call", "feedback_reply"):
            assert st.answer is not None and st.due is not None
            if email:
                text = (f"Ответ инженера получен {d(st.answer.at.day)}: ответить клиенту письмом, изложив ответ "
                        "понятными словами; непонятные формулировки — уточнить у инженера.")
            else:
                promise = self.promise
                text = f"Ответ инженера получен {d(st.answer.at.day)}: позвонить клиенту и разъяснить его"
                if promise is not None and promise.due and promise.status in ("pending", "due_today") \
                        and promise.due >= st.due:
                    text += f" (обещанный срок — {d(promise.due)})."
                else:
                    text += "; непонятные формулировки — уточнить у инженера."
            return [Due(st.due, s, text)]
        if st.done is not None or st.due is None:
            return []
        if s == "close":
            return [Due(st.due, s, "Закрыть запрос и сформировать итоговую консультацию в GSIS (hotline summarize).")]
        if s == "ask_demands":
            where = "в рамках текущей переписки" if email else "в рамках первоначального запроса"
            return [Due(st.due, s, f"Попросить клиента изложить требования {where}.")]
        if st.stage == 6:
            after = "после закрытия" if self.events.has("closed") else "после итоговой консультации"
            when = f" ({d(st.claim.at.day)})" if st.claim is not None else ""
            return [Due(st.due, s, f"Повторное обращение с требованиями {after}{when}: передать тикет в группу "
                                   "рекламаций.")]
        return [Due(st.due, s, "Передать тикет в группу рекламаций: клиент не принял аргументы, заявляет о "
                               "намерении обращаться в суд/Роспотребнадзор, требования заявлены.")]

    def _silence_due(self) -> list[Due]:
        """While the engineer is awaited: the re-request (and, outside the e-mail flow, the call
        about the delay) on the next working day after the cycle's due date."""
        last = self.cycles[-1].clock
        if last.status not in OPEN or last.due is None:
            return []
        after = self.cal.add(last.due, 1)  # «на следующий рабочий день» after the deadline
        d = texts.ru_date
        to = self.cycles[0].start.get("to")
        out = []
        if last.status == "overdue":
            out.append(Due(after, "re_request", f"Инженер не ответил в срок (до {d(last.due)} включительно): написать "
                           "повторно тем же адресатам" + (f" ({to}, с теми же копиями)." if to else ".")))
        else:
            out.append(Due(after, "re_request", f"Если инженер не ответит до {d(last.due)} включительно, "
                           f"{d(after)} написать ему повторно" + (f" ({to})." if to else ".")))
        if self.email_flow:
            return out  # the client does not take calls: the re-request alone
        called = self.events.between_days("delay_call", last.due, date.max)
        if not called:
            if last.status == "overdue":
                text = "Позвонить клиенту: сообщить, что на решение вопроса требуется дополнительное время."
            else:
                text = (f"Если ответа инженера не будет до {d(last.due)} включительно, {d(after)} позвонить "
                        "клиенту и сообщить, что на решение вопроса требуется дополнительное время.")
            out.append(Due(after, "delay_call", text))
        return out
