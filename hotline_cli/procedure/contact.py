"""The first contact: which situation a case is in (rules.md R0–R9 through `triage.classify`) —
for a new contact now (triage, R0 included), for the case now (without R0), and for the
contact that opened it (audit: only the requests that existed then).
"""

from __future__ import annotations

from hotline_cli.procedure.case import Case, Request, disputed_request
from hotline_cli.procedure.story import Events
from hotline_cli.procedure.triage import Decision, classify, facts_of


class FirstContact:
    """Each answer computed on first use and kept (in a compiled core, in the object's own slots)."""

    def __init__(self, case: Case, events: Events):
        self.case = case
        self.events = events
        self._claim: bool | None = None
        self._now: Decision | None = None
        self._current: Decision | None = None
        self._requests: tuple[Request, ...] | None = None
        self._decision: Decision | None = None

    @property
    def claim(self) -> bool:
        v = self._claim
        if v is None:
            v = self._claim = self.events.has("claim")
        return v

    @property
    def now(self) -> Decision:
        """A new contact now: every request, R0 included (triage)."""
        v = self._now
        if v is None:
            c = self.case
            v = self._now = classify(facts_of(c, c.requests, c.disputed, self.claim), with_r0=True)
        return v

    @property
    def current(self) -> Decision:
        """The situation the case is in now, without R0 (the repeat-contact marker)."""
        v = self._current
        if v is None:
            now = self.now
            # the same facts: only R0 is left out
            v = self._current = classify(now.facts, with_r0=False) if now.facts["consultation_marked"] else now
        return v

    @property
    def requests(self) -> tuple[Request, ...]:
        """The requests that existed at `opened_at`: a request created after it, or the one the
        hotline recorded as the second-ASC request, is an outcome of the contact, not its input."""
        v = self._requests
        if v is None:
            v = self._requests = self._requests_then()
        return v

    def _requests_then(self) -> tuple[Request, ...]:
        c = self.case
        second = (c.hotline or {}).get("second_asc_request")
        opened = c.opened.at
        reqs = c.requests
        if second is None and all(r.created is None or r.created.at <= opened for r in reqs):
            return reqs
        return tuple(r for r in reqs if (r.created is None or r.created.at <= opened) and r.number != second)

    @property
    def decision(self) -> Decision:
        """The situation the first contact was handled in (audit): R1–R9 over its requests."""
        v = self._decision
        if v is None:
            reqs = self.requests
            c = self.case
            v = self._decision = self.current if reqs is c.requests else \
                classify(facts_of(c, reqs, disputed_request(reqs), self.claim), with_r0=False)
        return v
