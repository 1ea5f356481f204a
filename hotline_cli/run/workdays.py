"""`hotline workdays`: the production calendar asked directly (add, between, year) and a year's
official calendar taken in from an xmlcalendar file (import)."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from hotline_cli.io.holidays_ru import load_russia_alone
from hotline_cli.procedure.calendar import CalendarError, ProductionCalendar
from hotline_cli.run.shell import (
    EXIT_OK,
    MACHINE_FORMATS,
    BadArgument,
    Problem,
    guard_outputs,
    load_settings,
    open_output,
    say,
    screen_width,
)

T = TypeVar("T")


def _calendar(config_path: str | None) -> ProductionCalendar:
    return ProductionCalendar(load_settings(config_path).calendar, preload=load_russia_alone)


def _asked(fn: Callable[[], T]) -> T:
    """A date the calendar cannot answer for is a bad argument."""
    try:
        return fn()
    except CalendarError as e:
        raise BadArgument(str(e)) from None


def _print_one(result: dict[str, Any], fmt: str, output: str | None) -> None:
    from hotline_cli.io import writers
    from hotline_cli.io.views import workdays_view

    with open_output(output, utf8=fmt in MACHINE_FORMATS) as out:
        if fmt in ("json", "jsonl"):  # the contract: one object for workdays, never an array
            out.write(writers.dumps(result) + "\n")
            return
        view = workdays_view(result)
        sink = writers.Sink(out, fmt, view, screen_width())
        sink.write(writers.fragment(result, fmt, view, screen_width()))
        sink.close()


def add(start: date, n: int, fmt: str, config_path: str | None, output: str | None) -> None:
    cal = _calendar(config_path)
    end = _asked(lambda: cal.add(start, n))
    _print_one({"start": start.isoformat(), "n": n, "date": end.isoformat(),
                "provisional": any(cal.provisional(y) for y in range(start.year, end.year + 1))}, fmt, output)


def between(start: date, end: date, fmt: str, config_path: str | None, output: str | None) -> None:
    cal = _calendar(config_path)
    n = _asked(lambda: cal.between(start, end))
    lo, hi = sorted((start, end))
    _print_one({"start": start.isoformat(), "end": end.isoformat(), "working_days": n,
                "provisional": any(cal.provisional(y) for y in range(lo.year, hi.year + 1))}, fmt, output)


def year(number: int, fmt: str, config_path: str | None, output: str | None) -> None:
    cal = _calendar(config_path)
    y = _asked(lambda: cal.year(number))
    days = sorted(y.non_working_weekdays | y.working_weekends)
    _print_one({"year": number, "working_days": y.working_days,
                "non_working_weekdays": sorted(d.isoformat() for d in y.non_working_weekdays),
                "working_weekends": sorted(d.isoformat() for d in y.working_weekends),
                "provisional": y.provisional, "source": y.source,
                "days": [{"date": d.isoformat(), "working": d in y.working_weekends, "name": y.names.get(d) or ""}
                         for d in days]}, fmt, output)


def import_year(path: str, config_path: str | None, output: str | None) -> int:
    """The [calendar] section that makes an xmlcalendar file's year official; for a year known
    by decree, only the check that both calendars agree."""
    from hotline_cli.io.xmlcalendar import CalendarFileError, read_xmlcalendar

    guard_outputs({"--output": output}, [path, *([config_path] if config_path else [])])
    try:
        official = read_xmlcalendar(path)
    except CalendarFileError as e:
        raise Problem(str(e)) from None
    settings = load_settings(config_path)
    cal = ProductionCalendar(settings.calendar, preload=load_russia_alone)
    info = _asked(lambda: cal.year(official.year))
    working, non_working = cal.overrides_for(official.year, official.off, official.working_weekends)
    if not info.provisional:
        if working or non_working:
            days = ", ".join(f"{d:%d.%m.%Y} ({'рабочий' if d in working else 'нерабочий'} по файлу)"
                             for d in sorted(working + non_working))
            raise Problem(f"{path}: {official.year} год расходится с календарём hotline ({info.source}): {days}")
        say(f"hotline: {path}: календарь {official.year} года совпадает с календарём hotline ({info.source})")
        return EXIT_OK
    ov = settings.calendar
    keep_working = sorted(d for d in ov.working if d.year != official.year)
    keep_off = sorted(d for d in ov.non_working if d.year != official.year)
    decrees = {y: t for y, t in ov.decrees.items() if y != official.year}
    decrees[official.year] = f"официальный календарь из {os.path.basename(path)} (xmlcalendar" + (
        f", опубликован {official.published})" if official.published else ")")
    lines = [f"# hotline workdays import {path}: {official.year} год — официальный календарь",
             "# (вставьте вместо раздела [calendar] файла настроек)", "[calendar]",
             "working = [" + ", ".join(f'"{d.isoformat()}"' for d in sorted(keep_working + working)) + "]",
             "non_working = [" + ", ".join(f'"{d.isoformat()}"' for d in sorted(keep_off + non_working)) + "]",
             "[calendar.decrees]"]
    lines += [f'"{y}" = "{t}"' for y, t in sorted(decrees.items())]
    with open_output(output) as out:
        out.write("\n".join(lines) + "\n")
    return EXIT_OK
