"""The Russian production calendar: working days, with the government's transfers.

Built on `holidays` (country RU): public holidays, day-off transfers and working Saturdays
come from its working-day API (`is_working_day`). On top of it, in order:

1. `CORRECTIONS`: where the official calendar as published (Consultant / xmlcalendar day
   lists, checked year by year from 2015) differs from the library, the official one wins.
   Each entry names its legal source.
2. For a year with no known transfer decree (`DECREES`), Labour Code art. 112: a holiday
   other than the New Year holidays that falls on a weekend moves to the next working day.
   Such a year is *provisional*: the government may still move days.
3. Overrides from the configuration file (a decree published after this release).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from hotline_cli.procedure.calendar_data import (
    CORRECTIONS,
    DECREES,
    MAX_YEAR,
    MIN_YEAR,
    NEW_YEAR_HOLIDAYS,
    PRESIDENTIAL,
)


class CalendarError(ValueError):
    pass


@dataclass(frozen=True)
class Overrides:
    working: frozenset[date] = frozenset()
    non_working: frozenset[date] = frozenset()
    decrees: dict[int, str] = field(default_factory=dict)  # years made official by configuration


@dataclass(frozen=True)
class Year:
    year: int
    non_working_weekdays: frozenset[date]
    working_weekends: frozenset[date]
    provisional: bool
    source: str | None  # the decree, or None
    names: dict[date, str] = field(default_factory=dict, compare=False)  # why a weekday is off / a weekend worked

    @property
    def working_days(self) -> int:
        n = 0
        d = date(self.year, 1, 1)
        while d.year == self.year:
            n += self.is_working(d)
            d += timedelta(1)
        return n

    def is_working(self, d: date) -> bool:
        if d.weekday() >= 5:
            return d in self.working_weekends
        return d not in self.non_working_weekdays


class ProductionCalendar:
    """The production calendar. `civil=True`: the calendar of civil-law terms (Civil Code
    art. 193) — the same, less the President's non-working days of 2020–2021 (calendar_data)."""

    def __init__(self, overrides: Overrides | None = None, civil: bool = False,
                 preload: Callable[[], None] | None = None):
        self.overrides = overrides or Overrides()
        self.is_civil = civil
        # called once before the library is first asked for a year (the shell's cheaper way to load it)
        self.preload = preload
        self._years: dict[int, Year] = {}
        self._counts: dict[int, tuple[int, list[int]]] = {}  # a year's first ordinal, working days to each day
        self._added: dict[tuple[date, int], date] = {}  # add() memo: a batch asks the same days again
        self._civil: ProductionCalendar | None = self if civil else None

    def civil(self) -> ProductionCalendar:
        """The calendar for the law's terms (consumer-rights terms end on its working days)."""
        if self._civil is None:
            self._civil = ProductionCalendar(self.overrides, civil=True, preload=self.preload)
        return self._civil

    # ------------------------------------------------------------------ days

    def year(self, y: int) -> Year:
        info = self._years.get(y)
        if info is None:
            info = self._years[y] = self._build(y)
        return info

    def is_working(self, d: date) -> bool:
        info = self._years.get(d.year) or self.year(d.year)
        if d.weekday() >= 5:
            return d in info.working_weekends
        return d not in info.non_working_weekdays

    def provisional(self, y: int) -> bool:
        return self.year(y).provisional

    def add(self, d: date, n: int) -> date:
        """The N-th working day after `d` (counting starts the next day, Civil Code art. 191);
        N = 0: `d` itself if it is a working day, else the next one."""
        key = (d, n)
        hit = self._added.get(key)
        if hit is not None:
            return hit
        if n < 0:
            raise CalendarError("число рабочих дней должно быть ≥ 0")
        if len(self._added) > 100_000:
            self._added.clear()
        self._added[key] = result = self._add(d, n)
        return result

    def _add(self, d: date, n: int) -> date:
        if n == 0:
            while not self.is_working(d):
                d += timedelta(1)
            return d
        while n:
            d += timedelta(1)
            if self.is_working(d):
                n -= 1
        return d

    def roll_forward(self, d: date) -> date:
        """Civil Code art. 193: a term whose last day is non-working ends on the next working day."""
        return self.add(d, 0)

    def between(self, a: date, b: date) -> int:
        """Working days after `a` up to and including `b` (negative when b < a): read off each
        year's running count of working days, not counted day by day."""
        if b < a:
            return -self.between(b, a)
        first_a, upto_a = self._running(a.year)
        before_a = upto_a[a.toordinal() - first_a]  # working days of a's year up to a, inclusive
        if a.year == b.year:
            return upto_a[b.toordinal() - first_a] - before_a
        n = upto_a[-1] - before_a
        for y in range(a.year + 1, b.year):
            n += self._running(y)[1][-1]
        first_b, upto_b = self._running(b.year)
        return n + upto_b[b.toordinal() - first_b]

    def _running(self, y: int) -> tuple[int, list[int]]:
        """Year `y` as (the ordinal of 1 January, the working days from 1 January to each day)."""
        hit = self._counts.get(y)
        if hit is None:
            info = self.year(y)
            d = date(y, 1, 1)
            first, counts, n = d.toordinal(), [], 0
            while d.year == y:
                n += info.is_working(d)
                counts.append(n)
                d += timedelta(1)
            hit = self._counts[y] = (first, counts)
        return hit

    def overrides_for(self, y: int, off: set[date], working_weekends: set[date]) -> tuple[list[date], list[date]]:
        """What the configuration must say so that year `y` is the official calendar given as its
        days off and its working weekend days: (days to make working, days to make non-working)."""
        info = self.year(y)
        days = [date(y, 1, 1) + timedelta(n) for n in range((date(y + 1, 1, 1) - date(y, 1, 1)).days)]
        official = {d: (d in working_weekends) if d.weekday() >= 5 else (d not in off) for d in days}
        return ([d for d in days if official[d] and not info.is_working(d)],
                [d for d in days if not official[d] and info.is_working(d)])

    # ------------------------------------------------------------------ building a year

    def _build(self, y: int) -> Year:
        if not MIN_YEAR <= y <= MAX_YEAR:
            raise CalendarError(f"год {y} вне поддерживаемого диапазона {MIN_YEAR}–{MAX_YEAR}")
        if self.preload is not None:
            self.preload()
            self.preload = None
        import holidays  # the calendar's one third-party import, paid only when a date is asked

        ru = holidays.country_holidays("RU", years=y, language="ru")
        source = self.overrides.decrees.get(y) or DECREES.get(y)
        provisional = source is None
        non_working: set[date] = set()
        working_weekends: set[date] = set()
        d = date(y, 1, 1)
        while d.year == y:
            w = ru.is_working_day(d)
            if d.weekday() >= 5 and w:
                working_weekends.add(d)
            elif d.weekday() < 5 and not w:
                non_working.add(d)
            d += timedelta(1)
        names = {d: ru.get(d) for d in non_working | working_weekends if ru.get(d)}
        for d in working_weekends:
            names.setdefault(d, "рабочий день (перенос по постановлению)")
        if y not in DECREES:
            # the library has no decree for this year: apply the law itself. Labour Code art. 112:
            # a holiday (not Jan 1–8) on a weekend moves to the next working day
            for h in sorted(ru):
                if h.weekday() >= 5 and (h.month, h.day) not in NEW_YEAR_HOLIDAYS:
                    nxt = h + timedelta(1)
                    while nxt.weekday() >= 5 or nxt in non_working or nxt in ru:
                        nxt += timedelta(1)
                    non_working.add(nxt)
                    names[nxt] = f"{ru.get(h)}: перенос с выходного (ст. 112 ТК РФ)"
        for day, (is_working, _src) in CORRECTIONS.items():
            if day.year == y and not (self.is_civil and day in PRESIDENTIAL):
                _set(day, is_working, non_working, working_weekends)
                names[day] = _src
        for day in self.overrides.working:
            if day.year == y:
                _set(day, True, non_working, working_weekends)
                names[day] = "рабочий день (файл настроек)"
        for day in self.overrides.non_working:
            if day.year == y:
                _set(day, False, non_working, working_weekends)
                names[day] = "нерабочий день (файл настроек)"
        return Year(y, frozenset(non_working), frozenset(working_weekends), provisional, source, names)


def _set(day: date, is_working: bool, non_working: set[date], working_weekends: set[date]) -> None:
    if day.weekday() >= 5:
        (working_weekends.add if is_working else working_weekends.discard)(day)
    else:
        (non_working.discard if is_working else non_working.add)(day)
