"""Answers the way people type them: dates (31.10.2025, 31.10, сегодня, вчера, 31 октября),
да/нет, a choice by its Russian name or its code, a typo answered with the nearest valid
choice. python-dateutil reads the numeric dates, day first."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, NamedTuple


class AnswerError(ValueError):
    """An answer that cannot be read; `suggestion` is the nearest valid one, if any."""

    def __init__(self, message: str, suggestion: str | None = None):
        super().__init__(message)
        self.message = message
        self.suggestion = suggestion


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().casefold().replace("ё", "е")).strip(" .,;!«»\"'")


# ---------------------------------------------------------------- dates

RELATIVE = {"сегодня": 0, "вчера": -1, "позавчера": -2, "завтра": 1, "today": 0, "yesterday": -1}
MONTHS = {"январ": "Jan", "феврал": "Feb", "март": "Mar", "апрел": "Apr", "ма": "May", "июн": "Jun",
          "июл": "Jul", "август": "Aug", "сентябр": "Sep", "октябр": "Oct", "ноябр": "Nov", "декабр": "Dec"}
_MONTH_WORD = re.compile(r"\b(январ|феврал|март|апрел|июн|июл|август|сентябр|октябр|ноябр|декабр|ма)[а-я]*\b")
_DAY_MONTH = re.compile(r"^(\d{1,2})[./-](\d{1,2})$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATE_HINT = "ДД.ММ.ГГГГ (например 31.10.2025), ДД.ММ, ГГГГ-ММ-ДД, «сегодня» или «вчера»"


def parse_date(text: str, today: date, past: bool = False) -> date:
    """A date as a person types it. `past`: a day and month without a year is the latest
    such date not after `today` (a request date typed in January: «31.12» is last year's)."""
    s = norm(text)
    if s in RELATIVE:
        return today + timedelta(RELATIVE[s])
    if _ISO.match(s):  # year first is ISO: year, month, day (dateutil's day-first would swap them)
        try:
            return date.fromisoformat(s)
        except ValueError:
            raise AnswerError(f"«{text.strip()}» — такой даты нет") from None
    m = _DAY_MONTH.match(s)
    if m:
        s = f"{m.group(1)}.{m.group(2)}.{today.year}"
    elif not re.search(r"[./\- ]", s):  # a bare number is not a date
        raise AnswerError(f"«{text.strip()}» — не дата; ожидается {DATE_HINT}")
    s = _MONTH_WORD.sub(lambda w: MONTHS[w.group(1)], s)
    from dateutil import parser

    try:
        d = parser.parse(s, dayfirst=True, default=datetime(today.year, 1, 1)).date()
    except (ValueError, OverflowError):
        raise AnswerError(f"«{text.strip()}» — не дата; ожидается {DATE_HINT}") from None
    if m and past and d > today:
        d = d.replace(year=d.year - 1)
    day: date = d
    return day


# ---------------------------------------------------------------- yes / no, numbers

YES = {"да", "д", "yes", "y", "1", "true", "сохраняется", "верно", "ага", "конечно"}
NO = {"нет", "н", "no", "n", "0", "false", "не сохраняется", "неверно"}


_TIME = re.compile(r"(?:^|\s)(\d{1,2}):(\d{2})$")


def parse_moment(text: str, now: datetime) -> tuple[datetime, bool]:
    """A moment as a person types it, in `now`'s zone: «вчера 16:00», «31.10 11:00», «16:00» (today),
    «2025-10-31T11:00». (moment, whether the time was given): a day alone is that day at 12:00."""
    s = text.strip()
    try:
        iso = datetime.fromisoformat(s)
        if "T" in s or " " in s.strip():
            return (iso.astimezone(now.tzinfo) if iso.tzinfo else iso.replace(tzinfo=now.tzinfo)), True
    except ValueError:
        pass
    m = _TIME.search(s)
    clock: time | None = None
    if m:
        h, mi = int(m.group(1)), int(m.group(2))
        if h > 23 or mi > 59:
            raise AnswerError(f"«{m.group(0).strip()}» — нет такого времени")
        clock = time(h, mi)
        s = s[:m.start()].strip().removesuffix(" в").strip()
    day = parse_date(s, now.date()) if s else now.date()  # «06.11» is this year's: a future day is refused
    return datetime.combine(day, clock or time(12, 0), now.tzinfo), clock is not None


def parse_yes_no(text: str) -> bool:
    s = norm(text)
    if s in YES:
        return True
    if s in NO:
        return False
    raise AnswerError(f"«{text.strip()}»: ответьте «да» или «нет»")


def parse_count(text: str) -> int | None:
    """A count (≥ 0); empty or «не знаю» is unknown (None)."""
    s = norm(text)
    if s in ("", "не знаю", "неизвестно", "не проверено", "?", "-"):
        return None
    words = {"ноль": 0, "один": 1, "одна": 1, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5}
    if s in words:
        return words[s]
    if s.isascii() and s.isdigit() and len(s) <= 4:  # «²» is a digit to Python, and 5 000 digits no count
        return int(s)
    raise AnswerError(f"«{text.strip()[:20]}»: ожидается число (0, 1, 2…) или пусто, если не проверено")


# ---------------------------------------------------------------- choices


class Choice(NamedTuple):
    value: str  # the contract's code
    label: str  # its Russian name


# what people write for a code, besides its Russian name and the code itself
SYNONYMS: dict[str, tuple[str, ...]] = {
    "air_conditioner": ("кондиционер", "кондей", "сплит", "сплит-система", "ac", "aircon", "conditioner"),
    "refrigerator": ("холодильник", "fridge", "холодос"),
    "freezer": ("морозилка", "морозильная камера"),
    "washing_machine": ("стиральная", "стиралка", "стиральная машина", "washer"),
    "dryer": ("сушилка", "сушильная"),
    "dishwasher": ("посудомойка", "посудомоечная", "пмм"),
    "cooking": ("плита", "варочная панель", "духовка", "духовой шкаф", "вытяжка", "микроволновка", "свч"),
    "water_heater": ("бойлер", "водонагреватель"),
    "tv": ("телевизор", "тв", "телик", "television"),
    "small_appliance": ("мбт", "мелкая техника", "чайник", "пылесос"),
    "other": ("другое", "прочее"),
    "call": ("звонок", "телефон", "phone", "звонок на гл"),
    "site_form": ("сайт", "форма", "напишите нам", "форма на сайте"),
    "email": ("почта", "письмо", "e-mail", "mail", "имейл"),
    "diagnostics": ("диагностика", "диаг"),
    "repair": ("ремонт",),
    "no_asc": ("нет асц", "запрос нет асц", "без асц"),
    "no_fault": ("исправна", "техника исправна", "исправен", "неисправность не подтверждена"),
    "physical_damage": ("повреждение", "физическое повреждение", "механическое повреждение"),
    "operation_violation": ("нарушение", "нарушение правил эксплуатации", "нарушение эксплуатации"),
    "court": ("суд",),
    # event types, as an expert says what was done (hotline log)
    "expert_call": ("звонок эксперта", "позвонил клиенту", "звонок клиенту", "представился"),
    "engineer_request": ("запрос инженеру", "написал инженеру", "исходящий запрос"),
    "engineer_answer": ("ответ инженера", "инженер ответил"),
    "asc_answer": ("ответ асц", "асц ответил"),
    "re_request": ("повторный запрос", "написал повторно", "повторно инженеру"),
    "delay_call": ("звонок о задержке", "задержка", "позвонил о задержке"),
    "feedback_call": ("обратная связь", "ос", "позвонил с ответом", "обратный звонок"),
    "demands_requested": ("запросил требования", "попросил изложить требования"),
    "claims_handoff": ("рекламации", "передал в рекламации", "группа рекламаций"),
    "hpcc_request": ("запрос hpcc", "запрос менеджеру hpcc"),
    "hpcc_documents": ("документы hpcc", "документы получены"),
    "client_ticket": ("тикет клиента",),
    "claim": ("требование", "претензия"),
    "claim_satisfied": ("требование удовлетворено", "удовлетворено"),
    "closed": ("закрыт", "закрыто", "закрыл", "закрыть", "запрос закрыт"),
    "accepted": ("принял", "согласился", "принял аргументы"),
    "rejected": ("не принял", "не согласился", "не принял аргументы", "отказался"),
    "refund": ("возврат", "возврат денег", "вернуть деньги"),
    "exchange": ("замена", "обмен", "замена товара"),
    "price_reduction": ("уменьшение цены", "скидка", "соразмерное уменьшение цены"),
    "substitute_device": ("подменный", "подменный аппарат", "подменный товар"),
    "rospotrebnadzor": ("роспотребнадзор", "рпн"),
    "image_damage": ("имидж", "подрыв имиджа", "соцсети", "отзывы"),
}


def spellings(labels: Mapping[Any, str], extra: Mapping[str, Iterable[str]] | None = None) -> dict[str, str]:
    """Every accepted spelling (normalised) → code: the Russian name, the code itself, synonyms."""
    out: dict[str, str] = {}
    for code, synonyms in SYNONYMS.items():
        if code in labels:
            for w in synonyms:
                out[norm(w)] = code
    for key, label in labels.items():
        if key is None:
            continue
        out[norm(label)] = key
        out[norm(key)] = key
        out[norm(key.replace("_", " "))] = key
    for code, more in (extra or {}).items():
        for w in more:
            out[norm(w)] = code
    return out


def parse_choice(text: str, accepted: Mapping[str, str], labels: Mapping[str | None, str]) -> str:
    """The code a person meant; AnswerError with the nearest valid choice for a typo."""
    s = norm(text)
    if s in accepted:
        return accepted[s]
    near = nearest(s, accepted)
    names = ", ".join(f"«{label}»" for code, label in labels.items() if code is not None)
    if near is not None:
        raise AnswerError(f"«{text.strip()}» — такого варианта нет; возможно, имелось в виду "
                          f"«{labels.get(near, near)}»? Варианты: {names}", near)
    raise AnswerError(f"«{text.strip()}» — такого варианта нет. Варианты: {names}")


def nearest(text: str, candidates: Iterable[str] | Mapping[str, str], cutoff: float = 0.6) -> str | None:
    """The nearest candidate (by spelling), mapped to its code when `candidates` maps them."""
    keys = list(candidates)
    found = difflib.get_close_matches(norm(text), keys, n=1, cutoff=cutoff)
    if not found:
        return None
    return candidates[found[0]] if isinstance(candidates, Mapping) else found[0]


@lru_cache(maxsize=1)
def _zones() -> dict[str, str]:
    """The IANA zone names, read once a process (scanning them costs 13–30 ms)."""
    import zoneinfo

    return {z.casefold(): z for z in zoneinfo.available_timezones()}


@lru_cache(maxsize=1024)
def nearest_zone(name: str) -> str | None:
    """The IANA time zone nearest to a mistyped one (Asia/Vladivostock → Asia/Vladivostok)."""
    zones = _zones()
    found = difflib.get_close_matches(name.strip().casefold()[:64], list(zones), n=1, cutoff=0.75)
    return zones[found[0]] if found else None
