"""The production calendar's dated data: the government's transfer decrees, and the days
the official calendar has that `holidays` lacks, each with its legal source.

Checked day by day, 2015–2027, against the official calendar as published (Consultant /
xmlcalendar day lists; the tests hold those lists).
"""

from __future__ import annotations

from datetime import date, timedelta

MIN_YEAR, MAX_YEAR = 2013, 2100  # the current set of holidays (8 New Year days) is from 2013

# Government transfer decrees, checked against the official calendar day by day.
DECREES: dict[int, str] = {
    2015: "Постановление Правительства РФ от 27.08.2014 № 860",
    2016: "Постановление Правительства РФ от 24.09.2015 № 1017",
    2017: "Постановление Правительства РФ от 04.10.2016 № 1000",
    2018: "Постановление Правительства РФ от 14.10.2017 № 1250",
    2019: "Постановление Правительства РФ от 01.10.2018 № 1163",
    2020: "Постановление Правительства РФ от 10.07.2019 № 875",
    2021: "Постановление Правительства РФ от 10.10.2020 № 1648",
    2022: "Постановление Правительства РФ от 29.09.2021 № 1564",
    2023: "Постановление Правительства РФ от 29.08.2022 № 1505",
    2024: "Постановление Правительства РФ от 10.08.2023 № 1335",
    2025: "Постановление Правительства РФ от 04.10.2024 № 1335",
    2026: "Постановление Правительства РФ от 24.09.2025 № 1466",
    2027: "Постановление Правительства РФ о переносе выходных дней в 2027 году (2026 г.)",
}


def _days(first: str, last: str) -> list[date]:
    a, b = date.fromisoformat(first), date.fromisoformat(last)
    return [a + timedelta(n) for n in range((b - a).days + 1)]


# Where the official production calendar differs from `holidays` (True: a working day).
# The library has every government transfer for 2015–2027 right; what it lacks are the
# days the President declared non-working.
CORRECTIONS: dict[date, tuple[bool, str]] = {}
for _d in _days("2020-03-30", "2020-04-03"):
    CORRECTIONS[_d] = (False, "Указ Президента РФ от 25.03.2020 № 206 (нерабочая неделя)")
for _d in _days("2020-04-06", "2020-04-30"):
    CORRECTIONS[_d] = (False, "Указ Президента РФ от 02.04.2020 № 239 (нерабочие дни)")
for _d in _days("2020-05-06", "2020-05-08"):
    CORRECTIONS[_d] = (False, "Указ Президента РФ от 28.04.2020 № 294 (нерабочие дни)")
CORRECTIONS[date(2020, 6, 24)] = (False, "Указ Президента РФ от 29.05.2020 № 345 (парад Победы)")
CORRECTIONS[date(2020, 7, 1)] = (False, "Указ Президента РФ от 01.06.2020 № 354 "
                                        "(голосование по поправкам к Конституции)")
for _d in _days("2021-05-04", "2021-05-07"):
    CORRECTIONS[_d] = (False, "Указ Президента РФ от 23.04.2021 № 242 (нерабочие дни)")
for _d in _days("2021-11-01", "2021-11-03"):
    CORRECTIONS[_d] = (False, "Указ Президента РФ от 20.10.2021 № 595 (нерабочие дни)")
del _d

NEW_YEAR_HOLIDAYS = {(1, d) for d in range(1, 9)}  # not moved off a weekend without a decree
