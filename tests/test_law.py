"""The law's terms and the calendar's sources. Every expected date below was counted by hand from
the Law on Consumer Rights (arts. 20–23), the Civil Code (arts. 191–193), the production calendar
of the year and the Supreme Court's review № 1 of 21.04.2020 (answer to question 5)."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import ROOT
from hotline_cli.procedure import calendar_data
from hotline_cli.procedure.calendar import ProductionCalendar
from hotline_cli.procedure.terms import add_months, legal_rule, penalty_basis

BASE = json.loads((ROOT / "fixtures" / "audit" / "base_compliant.json").read_text(encoding="utf-8"))


def legal(hl, tmp_path: Path, claim: dict, today: str, price=54990):
    case = dict(BASE, events=[claim], product=dict(BASE["product"], price=price))
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    run = hl("followup", path, "--today", today, "--format", "jsonl")
    return json.loads(run.out)["legal"]


def claim(at: str, demand: str, **extra) -> dict:
    return {"type": "claim", "at": at, "demand": demand, **extra}


# (claim day, demand, extra, the due date by the civil calendar, the due date had the President's days counted)
PRESIDENTIAL_YEARS = [
    # № 206/239: 25.03.2020 + 10 days = 04.04 (Saturday) → Monday 06.04; counted as non-working, 30.03–30.04,
    # 1–5.05 (holidays and transfers), 6–8.05 (№ 294), 9–11.05 would push it to 12.05
    ("2020-03-25", "refund", {}, "2020-04-06", "2020-05-12"),
    # № 294: 28.04.2020 + 3 days = 01.05 (holiday) → 2–3 weekend, 4–5 transfers (government) → 06.05
    ("2020-04-28", "substitute_device", {}, "2020-05-06", "2020-05-12"),
    # № 345: 14.06.2020 + 10 = 24.06 (Victory parade day) stays; counted → 25.06
    ("2020-06-14", "refund", {}, "2020-06-24", "2020-06-25"),
    # № 354: 21.06.2020 + 10 = 01.07 (the vote) stays; counted → 02.07
    ("2020-06-21", "price_reduction", {}, "2020-07-01", "2020-07-02"),
    # № 242: 27.04.2021 + 7 = 04.05 stays; counted: 4–7.05, 8–9 weekend, 10.05 transfer → 11.05
    ("2021-04-27", "exchange", {}, "2021-05-04", "2021-05-11"),
    # № 595: 22.10.2021 + 10 = 01.11 stays; counted: 1–3.11, 4.11 holiday, 5.11 transfer, 6–7 weekend → 08.11
    ("2021-10-22", "refund", {}, "2021-11-01", "2021-11-08"),
]


@pytest.mark.parametrize("start, demand, extra, civil, with_presidential", PRESIDENTIAL_YEARS)
def test_civil_terms_ignore_the_presidents_non_working_days(hl, tmp_path, start, demand, extra, civil,
                                                            with_presidential):
    (term,) = legal(hl, tmp_path, claim(f"{start}T12:00:00+03:00", demand, **extra), "2021-12-31")
    assert term["due"] == civil
    full = ProductionCalendar()
    n = legal_rule(demand).n
    assert full.roll_forward(date.fromisoformat(start) + timedelta(n)) == date.fromisoformat(with_presidential)
    assert "Обзор Верховного Суда РФ № 1 от 21.04.2020" in term["calendar"]


def test_the_procedures_three_working_days_keep_the_full_calendar():
    """The promise «три рабочих дня» is the company's: from an expert call on Friday 27.03.2020, with
    30.03–30.04 and 1–11.05 all off, the working days are 12.05, 13.05, 14.05 → 14.05.2020; by the civil
    calendar they would be 30.03, 31.03, 01.04."""
    assert ProductionCalendar().add(date(2020, 3, 27), 3) == date(2020, 5, 14)
    assert ProductionCalendar().civil().add(date(2020, 3, 27), 3) == date(2020, 4, 1)


@pytest.mark.parametrize("start, expected", [
    ("2025-10-31", "2025-12-01"),  # + 1 month = 30.11? no: 31.11 does not exist → 30.11 (Sunday) → Monday 01.12
    ("2024-01-31", "2024-02-29"),  # no 31.02; 2024 is a leap year: 29.02 (Thursday, working)
    ("2025-01-31", "2025-02-28"),  # 28.02.2025 is a Friday
    ("2025-11-12", "2025-12-12"),  # 12.12.2025 is a Friday
])
def test_exchange_without_goods_in_stock_is_one_month(hl, tmp_path, start, expected):
    (term,) = legal(hl, tmp_path, claim(f"{start}T10:00:00+03:00", "exchange", no_stock=True), "2025-12-31")
    assert term["due"] == expected
    assert term["term"] == "1 месяц"
    assert term["article"] == "ст. 21 п. 1 Закона о защите прав потребителей (товара для замены нет в наличии)"


def test_add_months_is_article_192():
    assert add_months(date(2025, 10, 31), 1) == date(2025, 11, 30)
    assert add_months(date(2025, 12, 15), 1) == date(2026, 1, 15)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def test_repair_agreed_in_writing_and_without_an_agreement(hl, tmp_path):
    (agreed,) = legal(hl, tmp_path, claim("2025-11-10T10:00:00+03:00", "repair", agreed_days=30), "2025-11-20")
    assert (agreed["due"], agreed["term"]) == ("2025-12-10", "30 дн. по соглашению")  # 10.11 + 30 = 10.12, Wednesday
    assert agreed["article"] == "ст. 20 п. 1 Закона о защите прав потребителей (срок по соглашению в письменной форме)"
    (none,) = legal(hl, tmp_path, claim("2025-11-10T10:00:00+03:00", "repair"), "2025-11-20")
    assert none["term"] == "не более 45 дней (срок по соглашению; без соглашения — незамедлительно)"
    assert none["due"] == "2025-12-25"  # 10.11 + 45 = 25.12 (Thursday): the ceiling, shown as such


def test_an_agreed_repair_term_past_45_days_is_an_error(hl, tmp_path):
    case = dict(BASE, events=[claim("2025-11-10T10:00:00+03:00", "repair", agreed_days=60)])
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    run = hl("followup", path, "--today", "2025-11-20", "--format", "jsonl")
    assert json.loads(run.out)["error"]["message"] == "значение 60 больше допустимого 45"


def test_the_penalty_says_what_price_it_counts(hl, tmp_path):
    # refund demanded 03.11.2025 (Monday, a day off): + 10 = 13.11; today 20.11: 7 days late (14–20.11)
    (term,) = legal(hl, tmp_path, claim("2025-11-03T10:00:00+03:00", "refund"), "2025-11-20")
    assert (term["due"], term["days_late"], term["penalty_rub"]) == ("2025-11-13", 7, 3849.3)  # 54 990 × 1 % × 7
    assert term["penalty_basis"] == (
        "1 % цены товара за каждый день просрочки (ст. 23 Закона о защите прав потребителей: цена в месте, где "
        "требование должно быть удовлетворено, на день его добровольного удовлетворения или на день решения суда); "
        "здесь — цена из дела, 54 990,00 ₽")
    assert penalty_basis(None).endswith("цены товара в деле нет — неустойка не рассчитана")
    text = hl("followup", tmp_path / "case.json", "--today", "2025-11-20").out
    assert "Неустойка: 1 % цены товара за каждый день просрочки" in text


# ---------------------------------------------------------------- the calendar's sources


def test_every_decree_has_a_date_and_a_page_a_reader_can_open():
    for year, text in calendar_data.DECREES.items():
        assert re.search(r"от \d{2}\.\d{2}\.\d{4}", text), (year, text)
        assert calendar_data.DECREE_PAGES[year].startswith("https://www.consultant.ru/document/cons_doc_LAW_")
        if year <= 2026:
            assert re.search(r"№ \d+$", text), (year, text)
    assert calendar_data.DECREES[2017] == "Постановление Правительства РФ от 04.08.2016 № 756"
    assert calendar_data.DECREES[2022] == "Постановление Правительства РФ от 16.09.2021 № 1564"
    assert calendar_data.DECREES[2027].startswith("Постановление Правительства РФ от 17.09.2026")


def test_the_presidential_days_are_the_corrections():
    assert frozenset(calendar_data.CORRECTIONS) == calendar_data.PRESIDENTIAL
    assert len(calendar_data.PRESIDENTIAL) == 5 + 25 + 3 + 1 + 1 + 4 + 3  # 206, 239, 294, 345, 354, 242, 595


# ---------------------------------------------------------------- xmlcalendar


def xml(year: int, off: list[str], work: list[str]) -> str:
    days = [f'<day d="{d}" t="1"/>' for d in off] + [f'<day d="{d}" t="3"/>' for d in work]
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<calendar year="{year}" lang="ru" date="2027.09.17" ' \
           f'country="ru"><days>{"".join(days)}</days></calendar>\n'


def test_a_provisional_year_from_its_official_file(hl, tmp_path):
    """2028 has no decree here: the holidays on weekdays are off, 04.11 (Saturday) moves to Monday 06.11
    (Labour Code art. 112). The file moves 01.01 (Saturday) to Monday 08.05: that day is the override."""
    off = ["01.01", "01.02", "01.03", "01.04", "01.05", "01.06", "01.07", "01.08", "02.23", "03.08", "05.01",
           "05.08", "05.09", "06.12", "11.04", "11.06"]
    path = tmp_path / "2028.xml"
    path.write_text(xml(2028, off, []), encoding="utf-8")
    run = hl("workdays", "import", path)
    assert run.code == 0
    assert 'non_working = ["2028-05-08"]' in run.out and "working = []" in run.out
    config = tmp_path / "hotline.toml"
    config.write_text(run.out, encoding="utf-8")
    year = json.loads(hl("workdays", "year", "2028", "--config", config, "--format", "json").out)
    assert year["provisional"] is False and "2028-05-08" in year["non_working_weekdays"]


@pytest.mark.parametrize("year", range(2015, 2028))
def test_the_official_files_agree_with_the_calendar_of_every_known_year(hl, tmp_path, year):
    data = json.loads((ROOT / "tests" / "data" / "official_calendar_ru.json").read_text(encoding="utf-8"))[str(year)]
    work = [d for d in data["work"] if date(year, int(d[:2]), int(d[3:])).weekday() >= 5]
    path = tmp_path / f"{year}.xml"
    path.write_text(xml(year, data["off"], work), encoding="utf-8")
    run = hl("workdays", "import", path)
    assert run.code == 0, run.err
    assert f"календарь {year} года совпадает" in run.err


def test_a_file_that_disagrees_with_a_known_year_is_refused(hl, tmp_path):
    path = tmp_path / "2025.xml"
    path.write_text(xml(2025, ["01.01", "11.05"], []), encoding="utf-8")
    run = hl("workdays", "import", path)
    assert run.code == 2
    assert "05.11.2025 (нерабочий по файлу)" in run.err and "03.11.2025 (рабочий по файлу)" in run.err


def test_a_broken_calendar_file_is_said_in_one_line(hl, tmp_path):
    path = tmp_path / "bad.xml"
    path.write_text('<calendar year="2028"><days><day d="13.40" t="1"/></days></calendar>', encoding="utf-8")
    run = hl("workdays", "import", path)
    assert run.code == 2 and "d=\"13.40\" — не дата «ММ.ДД» 2028 года" in run.err


def test_the_calendar_section_never_replaces_its_input(hl, tmp_path):
    path = tmp_path / "2028.xml"
    path.write_text(xml(2028, ["01.01"], []), encoding="utf-8")
    before = path.read_bytes()
    run = hl("workdays", "import", path, "-o", path)
    assert run.code == 2 and "это один из входных файлов" in run.err and path.read_bytes() == before
