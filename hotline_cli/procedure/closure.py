"""Closure and claims: the feedback that counts, the client's demands, the claims made after
closure (step 6) and the consumer-rights terms of each claim.
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import date, timedelta

from hotline_cli.procedure import texts
from hotline_cli.procedure.calendar import ProductionCalendar
from hotline_cli.procedure.case import Case, Event, whole
from hotline_cli.procedure.contact import FirstContact
from hotline_cli.procedure.story import Due, Events, Step, at_of
from hotline_cli.procedure.terms import OPEN, PENALTY_RATE, LegalTerm, add_months, legal_rule, penalty_basis, status_of


class Closure:
    """Each answer computed on first use and kept (in a compiled core, in the object's own slots)."""

    def __init__(self, case: Case, events: Events, contact: FirstContact, as_of: date,
                 calendar: ProductionCalendar):
        self.case = case
        self.events = events
        self.contact = contact
        self.as_of = as_of
        self.cal = calendar
        self._feedback: tuple[Event | None, list[Event]] | None = None
        self._demands: bool | None = None
        self._post_closure_claims: list[Event] | None = None
        self._repeat_with_demands: bool | None = None
        self._legal: list[LegalTerm] | None = None

    @property
    def feedback(self) -> tuple[Event | None, list[Event]]:
        """The latest feedback made after an engineer answer, and those made without one: the
        final decision is the responsible engineer's alone (an ASC answer is not one)."""
        v = self._feedback
        if v is None:
            v = self._feedback = self._feedback_of()
        return v

    def _feedback_of(self) -> tuple[Event | None, list[Event]]:
        answer = self.events.first("engineer_answer")
        counted = None
        uncounted = []
        for fb in self.events.of("feedback_call"):
            if answer is not None and answer.at.at <= fb.at.at:
                counted = fb
            else:
                uncounted.append(fb)
        return counted, uncounted

    def rests_on_answer(self, fb: Event) -> bool:
        """Was there an engineer answer at or before this feedback?"""
        answer = self.events.first("engineer_answer")
        return answer is not None and answer.at.at <= fb.at.at

    @property
    def demands(self) -> bool:
        """The client's demands are stated: in the initial request, or a claim."""
        v = self._demands
        if v is None:
            v = self._demands = self.case.demands_stated or self.contact.claim
        return v

    @property
    def post_closure_claims(self) -> list[Event]:
        """Claims made after the case was closed (step 6): after the first `closed` event; with
        no `closed` event but a final consultation on record (R0), every claim."""
        v = self._post_closure_claims
        if v is None:
            v = self._post_closure_claims = self._post_closure_claims_of()
        return v

    def _post_closure_claims_of(self) -> list[Event]:
        claims = self.events.of("claim")
        if not claims:
            return []
        closed = self.events.first("closed")
        if closed is not None:
            return [c for c in claims if c.at.at >= closed.at.at]
        return list(claims) if self.contact.now.facts["consultation_marked"] else []

    @property
    def repeat_with_demands(self) -> bool:
        """A repeat contact after the final consultation (R0) in which the client states demands
        (`demands_stated` or a claim): the claims group's, whatever the situation (step 6)."""
        v = self._repeat_with_demands
        if v is None:
            v = self._repeat_with_demands = bool(self.contact.now.facts["consultation_marked"]) and self.demands
        return v

    def claims_step(self) -> Step | None:
        """Step 6: claims after closure, or a repeat contact with demands (R0) not yet closed."""
        ev, cal = self.events, self.cal
        post = self.post_closure_claims
        if post:
            claim = post[-1]
            return Step(6, "claims_handoff", since=claim.at.day, due=cal.add(claim.at.day, 1),
                        done=ev.first("claims_handoff", after=claim.at.at), claim=claim)
        if self.repeat_with_demands and not ev.has("closed"):
            return Step(6, "claims_handoff", since=self.as_of, due=self.as_of, done=ev.last("claims_handoff"))
        return None

    def feedback_step(self) -> Step | None:
        """Stage 4, after the feedback that counts: the claims group, the demands, or closure."""
        fb = self.feedback[0]
        if fb is None:
            return None
        ev, cal = self.events, self.cal
        after = fb.at.at
        if fb.get("outcome") == "rejected" and self.case.intents:
            if self.demands:
                return Step(4, "claims_handoff", since=fb.at.day, due=cal.add(fb.at.day, 1),
                            done=ev.first("claims_handoff", after=after), feedback=fb)
            return Step(4, "ask_demands", since=fb.at.day, due=cal.add(fb.at.day, 1),
                        done=ev.first("demands_requested", after=after), feedback=fb)
        return Step(4, "close", since=fb.at.day, due=cal.add(fb.at.day, 0),
                    done=ev.first("closed", after=after), feedback=fb)

    @property
    def legal(self) -> list[LegalTerm]:
        """Consumer-rights terms of the claims (calendar days; art. 193: a last day off moves on)."""
        v = self._legal
        if v is None:
            v = self._legal = self._legal_of()
        return v

    def _legal_of(self) -> list[LegalTerm]:
        out = []
        satisfied: dict[str, list[Event]] = {}  # by demand, in time order: each claim finds its own by bisection
        for e in self.events.of("claim_satisfied"):
            satisfied.setdefault(e.get("demand"), []).append(e)
        civil = self.cal.civil()  # the law's terms: no presidential non-working days (art. 193, Supreme Court)
        for claim in self.events.of("claim"):
            demand = claim.get("demand")
            rule = legal_rule(demand, bool(claim.get("quality_check")), bool(claim.get("no_stock")),
                              whole(claim.get("agreed_days")))
            start = claim.at.day
            end = add_months(start, rule.n) if rule.unit == "months" else start + timedelta(rule.n)
            due = civil.roll_forward(end)  # art. 191/192 + art. 193
            same = satisfied.get(demand, [])
            k = bisect_left(same, claim.at.at, key=at_of)
            done = same[k] if k < len(same) else None
            stopped = done.at.day if done else None
            late = max(0, ((stopped or self.as_of) - due).days)
            price = self.case.price
            penalty = round(price * PENALTY_RATE * late, 2) if price is not None else None
            out.append(LegalTerm(demand, start, due, stopped, status_of(due, stopped, self.as_of),
                                 (end - start).days, rule.article, late, penalty, rule.term, penalty_basis(price)))
        return out

    def due(self, st: Step, email_flow: bool) -> list[Due]:
        """What stage 4 or step 6 calls for, until it is done."""
        if st.done is not None or st.due is None:
            return []
        s = st.step
        if s == "close":
            return [Due(st.due, s, "Закрыть запрос и сформировать итоговую консультацию в GSIS (hotline summarize).")]
        if s == "ask_demands":
            where = "в рамках текущей переписки" if email_flow else "в рамках первоначального запроса"
            return [Due(st.due, s, f"Попросить клиента изложить требования {where}.")]
        if st.stage == 6:
            after = "после закрытия" if self.events.has("closed") else "после итоговой консультации"
            when = f" ({texts.ru_date(st.claim.at.day)})" if st.claim is not None else ""
            return [Due(st.due, s, f"Повторное обращение с требованиями {after}{when}: передать тикет в группу "
                                   "рекламаций.")]
        return [Due(st.due, s, "Передать тикет в группу рекламаций: клиент не принял аргументы, заявляет о "
                               "намерении обращаться в суд/Роспотребнадзор, требования заявлены.")]

    def legal_due(self) -> list[Due]:
        """The open consumer-rights terms, each due on its last day."""
        return [Due(t.due, "legal_term", f"Срок по требованию «{texts.DEMAND_RU[t.demand]}» — {t.term} ({t.article}): "
                                         f"до {texts.ru_date(t.due)} включительно.")
                for t in self.legal if t.status in OPEN]
