"""The `xmlcalendar` format of the Russian production calendar (one XML file a year, as the
Russian projects that publish the official calendar write it):

    <calendar year="2028" lang="ru" date="2027.09.17" country="ru">
      <days>
        <day d="01.01" t="1" h="1"/>          t=1 a day off (a holiday, or a weekday made off)
        <day d="04.30" t="2"/>                t=2 a shortened working day (still a working day)
        <day d="11.05" t="3" f="11.04"/>      t=3 a working weekend day (f: the day it was moved from)
      </days>
    </calendar>

`d` is month.day. Days not listed are ordinary: Saturdays and Sundays off, weekdays working.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


class CalendarFileError(Exception):
    pass


@dataclass
class CalendarFile:
    year: int
    off: set[date]  # t=1
    working_weekends: set[date]  # t=3
    shortened: set[date]  # t=2
    published: str | None  # the file's own date attribute


def read_xmlcalendar(path: str) -> CalendarFile:
    import xml.etree.ElementTree as ET  # expat: no external entities, bounded entity expansion

    from hotline_cli.io.small import SmallFileError, read_small

    try:
        data = read_small(path, 4 * 1024 * 1024, "календарь xmlcalendar")
    except SmallFileError as e:
        raise CalendarFileError(str(e)) from None
    try:
        root = ET.fromstring(data)
    except ET.ParseError as e:
        raise CalendarFileError(f"{path}: не разбирается как XML ({e})") from None
    if root.tag != "calendar" or not (root.get("year") or "").isdigit():
        raise CalendarFileError(f"{path}: ожидается <calendar year=\"ГГГГ\"> формата xmlcalendar")
    year = int(root.get("year") or 0)
    out = CalendarFile(year, set(), set(), set(), root.get("date"))
    for i, day in enumerate(root.iter("day"), 1):
        d, t = day.get("d") or "", day.get("t") or ""
        try:
            month, dd = (int(x) for x in d.split("."))
            when = date(year, month, dd)
        except ValueError:
            raise CalendarFileError(f"{path}: <day> № {i}: d=\"{d}\" — не дата «ММ.ДД» {year} года") from None
        if t == "1":
            out.off.add(when)
        elif t == "2":
            out.shortened.add(when)
        elif t == "3":
            if when.weekday() < 5:
                raise CalendarFileError(f"{path}: {when:%d.%m.%Y}: t=\"3\" (рабочий выходной) — но это будний день")
            out.working_weekends.add(when)
        else:
            raise CalendarFileError(f"{path}: {when:%d.%m.%Y}: t=\"{t}\" — ожидается 1, 2 или 3")
    return out
