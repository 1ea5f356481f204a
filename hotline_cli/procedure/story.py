"""The journey's vocabulary: a case's events indexed once by type, and what a part of the
journey answers with (a step of the expert stage, an engineer cycle, an
action due). Each part of the journey (`contact`, `hpcc`, `cycles`, `closure`) reads these;
`journey.Journey` puts the parts together.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final, NamedTuple

from hotline_cli.procedure.case import Event
from hotline_cli.procedure.terms import Clock

_NONE: Final[tuple[Event, ...]] = ()


def at_of(e: Event) -> datetime:
    return e.at.at


def day_of(e: Event) -> date:
    return e.at.day


class Events:
    """A case's events indexed once by type; each list in time order."""

    __slots__ = ("_by", "_types")

    def __init__(self, events: tuple[Event, ...]):
        by: dict[str, list[Event]] = {}
        for e in events:
            lst = by.get(e.type)
            if lst is None:
                by[e.type] = [e]
            else:
                lst.append(e)
        self._by = by
        self._types: frozenset[str] | None = None

    def of(self, type_: str) -> list[Event] | tuple[Event, ...]:
        return self._by.get(type_, _NONE)

    def types(self) -> frozenset[str]:
        """The types of events the case has."""
        if self._types is None:
            self._types = frozenset(self._by)
        return self._types

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
        i = bisect_left(lst, after, key=at_of)
        return lst[i] if i < len(lst) else None

    def last(self, type_: str, before: datetime | None = None) -> Event | None:
        """The last event of this type, or the last at or before `before`."""
        lst = self._by.get(type_)
        if not lst:
            return None
        if before is None:
            return lst[-1]
        i = bisect_right(lst, before, key=at_of)
        return lst[i - 1] if i else None

    def between_days(self, type_: str, after: date, until: date) -> bool:
        """Is there an event of this type on a local day in (after, until]?"""
        lst = self._by.get(type_)
        if not lst:
            return False
        i = bisect_right(lst, after, key=day_of)
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
class Due:
    """An action the journey calls for on a date."""

    due: date
    action: str  # re_request, delay_call, feedback_call, feedback_reply, claims_handoff, …
    text: str

    def as_dict(self) -> dict[str, str]:
        return {"due": self.due.isoformat(), "action": self.action, "text": self.text}
