"""The first contact: which situation a case is in (rules.md R0–R9 through `triage.classify`) —
for a new contact now (triage, R0 included), for the case now (without R0), and for the
contact that opened it (audit: only the requests that existed then).
"""

from __future__ import annotations

from hotline_cli.procedure.case import Case, Request, disputed_request
from hotline_cli.procedure.story import Events, once, python_class
from hotline_cli.procedure.triage import Decision, classify, facts_of


@python_class
class FirstContact:
    def __init__(self, case: Case, events: Events):
        self.case = case
        self.events = events

    @once
    def claim(self) -> bool:
        return self.events.has("claim")

    @once
    def now(self) -> Decision:
        """A new contact now: every request, R0 included (triage)."""
        c = self.case
        return classify(facts_of(c, c.requests, c.disputed, self.claim), with_r0=True)

    @once
    def current(self) -> Decision:
        """The situation the case is in now, without R0 (the repeat-contact marker)."""
        now = self.now
        if not now.facts["consultation_marked"]:
            return now
        return classify(now.facts, with_r0=False)  # the same facts: only R0 is left out

    @once
    def requests(self) -> tuple[Request, ...]:
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
    def decision(self) -> Decision:
        """The situation the first contact was handled in (audit): R1–R9 over its requests."""
        reqs = self.requests
        c = self.case
        if reqs is c.requests:
            return self.current
        return classify(facts_of(c, reqs, disputed_request(reqs), self.claim), with_r0=False)
