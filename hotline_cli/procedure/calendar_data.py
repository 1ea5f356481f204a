"""The production calendar's dated data: the government's transfer decrees, and the days
the official calendar has that `holidays` lacks, each with its legal source.

Checked day by day, 2015–2027, against the official calendar as published (Consultant /
xmlcalendar day lists; the tests hold those lists).
"""

from __future__ import annotations

from datetime import date, timedelta

MIN_YEAR, MAX_YEAR = 2013, 2100  # the current set of holidays (8 New Year days) is from 2013

# Government transfer decrees («О переносе выходных дней в … году»), checked against the official
# calendar day by day. Each with the page a reader can open: the Consultant copy the `holidays`
# package itself cites for that year's transfers (countries/russia.py). The 2024 and the 2025
# decrees both bear № 1335 (of 10.08.2023 and of 04.10.2024).
DECREES: dict[int, str] = {
    2015: "Постановление Правительства РФ от 27.08.2014 № 860",
    2016: "Постановление Правительства РФ от 24.09.2015 № 1017",
    2017: "Постановление Правительства РФ от 04.08.2016 № 756",
    2018: "Постановление Правительства РФ от 14.10.2017 № 1250",
    2019: "Постановление Правительства РФ от 01.10.2018 № 1163",
    2020: "Постановление Правительства РФ от 10.07.2019 № 875",
    2021: "Постановление Правительства РФ от 10.10.2020 № 1648",
    2022: "Постановление Правительства РФ от 16.09.2021 № 1564",
    2023: "Постановление Правительства РФ от 29.08.2022 № 1505",
    2024: "Постановление Правительства РФ от 10.08.2023 № 1335",
    2025: "Постановление Правительства РФ от 04.10.2024 № 1335",
    2026: "Постановление Правительства РФ от 24.09.2025 № 1466",
    2027: "Постановление Правительства РФ от 17.09.2026 «О переносе выходных дней в 2027 году»",
}
_CONSULTANT = "https://www.consultant.ru/document/cons_doc_LAW_{}/"
DECREE_PAGES: dict[int, str] = {y: _CONSULTANT.format(n) for y, n in {
    2015: 167928, 2016: 186505, 2017: 202871, 2018: 280526, 2019: 307996, 2020: 328918, 2021: 365179,
    2022: 395538, 2023: 425407, 2024: 455140, 2025: 481586, 2026: 515170, 2027: 544706}.items()}


def _days(first: str, last: str) -> list[date]:
    a, b = date.fromisoformat(first), date.fromisoformat(last)
    return [a + timedelta(n) for n in range((b - a).days + 1)]


# Where the official production calendar differs from `holidays` (True: a working day).
# The library has every government transfer for 2015–2027 right; what it lacks are the
# days the President declared non-working (every entry below is one: PRESIDENTIAL).
#
# Those days count for the procedure's own «3 рабочих дня» (a promise of the company: nobody
# worked), but not for civil-law terms: the Supreme Court («Обзор по отдельным вопросам
# судебной практики, связанным с применением законодательства и мер по противодействию
# распространению на территории Российской Федерации новой коронавирусной инфекции (COVID-19)
# № 1», 21.04.2020, answer to question 5) held that the non-working days of decrees № 206 and
# № 239 are not non-working days in the sense of Civil Code art. 193 and do not move the end of a
# term of performance. The later decrees (№ 294 of May 2020, № 345 and № 354, and № 242 and
# № 595 of 2021) declared days of the same kind («нерабочие дни с сохранением заработной
# платы», not holidays of Labour Code art. 112), so the same reading is applied to them
# (README: «The calendar for the law's terms»).
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
PRESIDENTIAL: frozenset[date] = frozenset(d for d, (_w, src) in CORRECTIONS.items() if "Указ Президента" in src)

NEW_YEAR_HOLIDAYS = {(1, d) for d in range(1, 9)}  # not moved off a weekend without a decree
