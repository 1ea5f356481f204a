"""The expert stage's clocks: the client's 3-working-day promise, the engineer-reply cycles (the
first request and each re-request), the silences the engineer let pass, and stage 3 (awaiting the
answer, then feeding it back to the client).
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import date

from hotline_cli.procedure import texts
from hotline_cli.procedure.calendar import ProductionCalendar
from hotline_cli.procedure.story import Cycle, Due, Events, Step, at_of, day_of
from hotline_cli.procedure.terms import ENGINEER_DAYS, OPEN, PROMISE_DAYS, Clock, status_of


class EngineerCycles:
    """Each answer computed on first use and kept (in a compiled core, in the object's own slots)."""

    def __init__(self, events: Events, as_of: date, calendar: ProductionCalendar, email_flow: bool):
        self.events = events
        self.as_of = as_of
        self.cal = calendar
        self.email_flow = email_flow
        self._promise: Clock | None = None
        self._promise_known = False  # the promise may be None: known apart
        self._cycles: list[Cycle] | None = None
        self._silences: list[tuple[Clock, date]] | None = None
        self._unfollowed: dict[str, list[tuple[Clock, date]]] = {}

    @property
    def promise(self) -> Clock | None:
        """The client's 3-working-day promise (expert, step 2); the e-mail flow has none."""
        if not self._promise_known:
            self._promise = self._promise_of()
            self._promise_known = True
        return self._promise

    def _promise_of(self) -> Clock | None:
        if self.email_flow:
            return None
        call = self.events.first("expert_call")
        if call is None:
            return Clock("client_promise", None, None, None, None, "not_started")
        due = self.cal.add(call.at.day, PROMISE_DAYS)
        fb = self.events.first("feedback_call", after=call.at.at)
        stopped = fb.at.day if fb else None
        return Clock("client_promise", None, call.at.day, due, stopped, status_of(due, stopped, self.as_of))

    @property
    def cycles(self) -> list[Cycle]:
        """Engineer-reply cycles: the first request and each later re-request start one; each is
        stopped by the first engineer answer on or after its own start date."""
        v = self._cycles
        if v is None:
            v = self._cycles = self._cycles_of()
        return v

    def _cycles_of(self) -> list[Cycle]:
        first = self.events.first("engineer_request")
        if first is None:
            return []
        re_requests = self.events.of("re_request")
        i = bisect_left(re_requests, first.at.at, key=at_of)
        answers = self.events.of("engineer_answer")
        out = []
        for n, ev in enumerate([first, *re_requests[i:]], 1):
            start = ev.at.day
            due = self.cal.add(start, ENGINEER_DAYS)
            j = bisect_left(answers, start, key=day_of)
            answer = answers[j] if j < len(answers) else None
            stopped = answer.at.day if answer else None
            out.append(Cycle(Clock("engineer_reply", n, start, due, stopped, status_of(due, stopped, self.as_of)),
                             ev, answer))
        return out

    @property
    def silences(self) -> list[tuple[Clock, date]]:
        """Cycles the engineer let pass (no answer by the due date) whose next working day is
        over by the date judged: (clock, that next working day)."""
        v = self._silences
        if v is None:
            v = self._silences = self._silences_of()
        return v

    def _silences_of(self) -> list[tuple[Clock, date]]:
        out = []
        for cy in self.cycles:
            c = cy.clock
            if c.due is None or (c.stopped is not None and c.stopped <= c.due):
                continue
            deadline = self.cal.add(c.due, 1)
            if self.as_of > deadline:
                out.append((c, deadline))
        return out

    def unfollowed(self, follow_type: str) -> list[tuple[Clock, date]]:
        """The silences with no `follow_type` event from the cycle's start up to that next working
        day (each type worked out once: the audit's rules and the summary's facts both ask)."""
        v = self._unfollowed.get(follow_type)
        if v is None:
            v = self._unfollowed[follow_type] = [
                (c, deadline) for c, deadline in self.silences
                if c.start is not None and not self.events.between_days(follow_type, c.start, deadline)]
        return v

    def answer_step(self) -> Step | None:
        """Stage 3: feed the engineer's latest answer back to the client, or await it."""
        answer = self.events.last("engineer_answer")
        if answer is not None:
            return Step(3, "feedback_reply" if self.email_flow else "feedback_call", since=answer.at.day,
                        due=self.cal.add(answer.at.day, 0), answer=answer)
        cycles = self.cycles
        if cycles:
            return Step(3, "await_answer", since=cycles[0].clock.start, due=cycles[-1].clock.due)
        return None

    def clocks(self) -> list[Clock]:
        """Every clock to show: the promise (not in the e-mail flow) and each engineer cycle."""
        out = [] if self.promise is None else [self.promise]
        if self.cycles:
            out += [cy.clock for cy in self.cycles]
        else:
            out.append(Clock("engineer_reply", None, None, None, None, "not_started"))
        return out

    def due(self, st: Step) -> list[Due]:
        """What stage 3 calls for: the re-request and the delay call while the answer is awaited;
        the answer explained to the client once it has come."""
        if st.step == "await_answer":
            return self._silence_due()
        assert st.answer is not None and st.due is not None
        d = texts.ru_date
        if self.email_flow:
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
        return [Due(st.due, st.step, text)]

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
