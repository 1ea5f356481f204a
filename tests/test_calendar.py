"""The production calendar, checked against the official one and pinned on every trap.

Every expected date below was counted by hand on the official calendar
(tests/data/official_calendar_ru.json and the government decrees)."""

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotline_cli.procedure.calendar import CalendarError, Overrides, ProductionCalendar
from hotline_cli.procedure.calendar_data import CORRECTIONS, DECREES

OFFICIAL = json.loads((Path(__file__).parent / "data" / "official_calendar_ru.json").read_text(encoding="utf-8"))
CAL = ProductionCalendar()


def _official_year(y: int):
    spec = OFFICIAL[str(y)]
    off = {date(y, int(md[:2]), int(md[3:])) for md in spec["off"]}
    work = {date(y, int(md[:2]), int(md[3:])) for md in spec["work"]}
    d, working = date(y, 1, 1), set()
    while d.year == y:
        if d in work or (d.weekday() < 5 and d not in off):
            working.add(d)
        d += timedelta(1)
    return working


@pytest.mark.parametrize("year", range(2015, 2028))
def test_every_day_matches_the_official_calendar(year):
    working = _official_year(year)
    d = date(year, 1, 1)
    wrong = []
    while d.year == year:
        if CAL.is_working(d) != (d in working):
            wrong.append(d.isoformat())
        d += timedelta(1)
    assert wrong == []


def test_library_differences_are_only_the_documented_corrections():
    import holidays

    for y in range(2015, 2028):
        ru = holidays.country_holidays("RU", years=y)
        working = _official_year(y)
        d = date(y, 1, 1)
        while d.year == y:
            if ru.is_working_day(d) != (d in working):
                assert d in CORRECTIONS, d
            d += timedelta(1)
    assert all("Указ Президента" in src for _, src in CORRECTIONS.values())


@pytest.mark.parametrize("year, n", [(2024, 248), (2025, 247), (2026, 247)])
def test_working_days_per_year(year, n):
    assert CAL.year(year).working_days == n


def test_working_saturday_and_transferred_day_off():
    assert CAL.is_working(date(2025, 11, 1))  # Saturday, worked for Monday 3 November
    assert not CAL.is_working(date(2025, 11, 3))
    assert CAL.is_working(date(2024, 4, 27)) and CAL.is_working(date(2024, 12, 28))


# (start, n, due) — by hand: counting starts the day after the start
TERMS = [
    # a working Saturday counts: Thu 30.10.2025 → Fri 31, Sat 1 (working), [Mon 3, Tue 4 off], Wed 5
    (date(2025, 10, 30), 3, date(2025, 11, 5)),
    # transferred day off: Fri 31.10.2025 → Sat 1.11, Wed 5, Thu 6
    (date(2025, 10, 31), 3, date(2025, 11, 6)),
    # New Year crossing the year: Mon 29.12.2025 → Tue 30.12, [31.12–11.01 off], Mon 12.01, Tue 13.01
    (date(2025, 12, 29), 3, date(2026, 1, 13)),
    (date(2025, 12, 30), 1, date(2026, 1, 12)),
    # May holidays 2025: Wed 30.04 → [1–4 off] Mon 5, Tue 6, Wed 7
    (date(2025, 4, 30), 3, date(2025, 5, 7)),
    # ... and the second block: Wed 7.05 → [8–11 off] Mon 12, Tue 13, Wed 14
    (date(2025, 5, 7), 3, date(2025, 5, 14)),
    # a holiday on a weekend moved to Monday: 8 March 2026 is a Sunday, Mon 9.03 is off
    (date(2026, 3, 6), 1, date(2026, 3, 10)),
    # Victory Day 2026 on Saturday → Mon 11.05 off: Fri 8.05 → Tue 12, Wed 13, Thu 14
    (date(2026, 5, 8), 3, date(2026, 5, 14)),
    # a start on a non-working day: Sat 27.12.2025 → Mon 29, Tue 30, [31.12–11.01] Mon 12.01
    (date(2025, 12, 27), 3, date(2026, 1, 12)),
    # 2024 working Saturday 28.12: Fri 27.12 → Sat 28, [29 Sun, 30, 31, 1–8 off] Thu 9.01, Fri 10.01
    (date(2024, 12, 27), 3, date(2025, 1, 10)),
]


@pytest.mark.parametrize("start, n, due", TERMS)
def test_terms(start, n, due):
    assert CAL.add(start, n) == due
    assert CAL.between(start, due) == n


def test_add_zero_and_between():
    assert CAL.add(date(2025, 11, 1), 0) == date(2025, 11, 1)  # working Saturday
    assert CAL.add(date(2025, 11, 2), 0) == date(2025, 11, 5)
    assert CAL.between(date(2025, 11, 5), date(2025, 11, 5)) == 0
    assert CAL.between(date(2025, 11, 6), date(2025, 10, 31)) == -3
    with pytest.raises(CalendarError):
        CAL.add(date(2025, 1, 1), -1)


@given(st.dates(date(2013, 1, 1), date(2100, 12, 31)), st.integers(-1200, 1200))
def test_between_counts_what_the_official_days_count(a, days):
    """`between` reads each year's running count: the same number as counting the official working
    days one by one, across years and backwards (tests/data: the official calendar 2015–2026)."""
    b = min(max(a + timedelta(days), date(2013, 1, 1)), date(2100, 12, 31))
    lo, hi = sorted((a, b))
    official = {y: _official_year(y) for y in range(lo.year, hi.year + 1) if str(y) in OFFICIAL}
    if len(official) != hi.year - lo.year + 1:  # a year the file does not hold: day by day on the calendar
        n = sum(CAL.is_working(lo + timedelta(k)) for k in range(1, (hi - lo).days + 1))
    else:
        n = sum((lo + timedelta(k)) in official[(lo + timedelta(k)).year] for k in range(1, (hi - lo).days + 1))
    assert CAL.between(a, b) == (n if a <= b else -n)


def test_provisional_years_and_article_112():
    assert not CAL.provisional(2027)
    assert CAL.provisional(2028)
    # 4 November 2028 is a Saturday: moved to Monday 6 November by law, no decree needed
    assert not CAL.is_working(date(2028, 11, 6))
    # New Year days on a weekend are not moved without a decree
    assert CAL.is_working(date(2028, 1, 10))
    assert set(DECREES) >= set(range(2015, 2028))


def test_overrides_add_a_decree():
    cal = ProductionCalendar(Overrides(working=frozenset({date(2028, 1, 8)}),
                                       non_working=frozenset({date(2028, 1, 10)}),
                                       decrees={2028: "Постановление № X"}))
    assert cal.is_working(date(2028, 1, 8)) and not cal.is_working(date(2028, 1, 10))
    assert not cal.provisional(2028)
    assert not cal.is_working(date(2028, 11, 6))  # art. 112 still applies under a configured decree


def test_out_of_range_year():
    with pytest.raises(CalendarError):
        CAL.is_working(date(1999, 1, 1))


_RUSSIA = """
import json, sys
{preload}
import holidays
from hotline_cli.procedure.calendar import ProductionCalendar
ru = holidays.country_holidays("RU", years=range(2019, 2031), language="ru")
cal = ProductionCalendar()
days = [d.isoformat() for y in range(2019, 2031) for d in sorted(cal.year(y).non_working_weekdays)]
print(json.dumps([sorted((d.isoformat(), n) for d, n in ru.items()), days, "holidays.countries" in sys.modules]))
"""


def test_the_russian_calendar_loaded_alone_is_the_library_s_own():
    """io/holidays_ru loads holidays' Russian module without the other countries: the same
    holidays, names and working days as the library's usual import, and the other countries unloaded."""
    import subprocess
    import sys

    def run(preload):
        out = subprocess.run([sys.executable, "-c", _RUSSIA.format(preload=preload)], capture_output=True,
                             text=True, check=True).stdout
        return json.loads(out)

    alone = run("from hotline_cli.io.holidays_ru import load_russia_alone\nload_russia_alone()")
    usual = run("")
    assert alone[:2] == usual[:2] and len(alone[0]) > 100
    assert alone[2] is False and usual[2] is True


def test_the_calendar_calls_its_preload_once_before_the_first_year():
    calls = []
    cal = ProductionCalendar(preload=lambda: calls.append(1))
    assert calls == []  # nothing asked yet: nothing loaded
    cal.add(date(2025, 10, 31), 3)
    cal.civil().add(date(2024, 3, 1), 1)
    assert calls == [1]
