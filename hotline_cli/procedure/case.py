"""The case as typed, immutable objects; the disputed request.

`build_case` takes a record that already satisfies the schema and checks what a schema
cannot: real dates within the production calendar's years, a known IANA time zone.
Timestamps are placed in the case's local time zone: clocks compare local dates (the
contract, «Timestamps»).
"""

from __future__ import annotations

from datetime import date, datetime, time
from functools import lru_cache
from operator import attrgetter
from typing import Any, Final, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hotline_cli.procedure.calendar_data import MAX_YEAR, MIN_YEAR

DEFAULT_TZ: Final = "Europe/Moscow"
SERVICE_TYPES = ("diagnostics", "repair")


class ModelError(ValueError):
    """A record that passed the schema but cannot be a case (a bad date, an unknown zone)."""

    def __init__(self, path: str, message: str):
        super().__init__(message)
        self.path = path
        self.message = message


class Stamp(NamedTuple):
    at: datetime  # aware, in the case's time zone
    day: date  # the local date
    raw: str


class Request(NamedTuple):
    pos: int  # position in the export's array
    number: str
    type: str
    created: Stamp | None
    asc_name: str | None
    asc_email: str | None
    conclusion: str | None
    documents: tuple[str, ...]
    conclusion_checked: bool = True  # False: nobody has looked in GSIS yet — the conclusion is unknown, not absent


_BREAKS: Final = {"\r": "\\r", "\n": "\\n", "\x0b": "\\x0b", "\x0c": "\\x0c", "\x85": "\\x85",
                  "\u2028": "\\u2028", "\u2029": "\\u2029"}
_BREAK_TABLE: Final = str.maketrans(_BREAKS)


def one_line(s: str) -> str:
    """A one-line field (a name, a city, an address, a subject) inside a longer text: its line breaks
    shown as escapes, never obeyed — a field cannot forge a line of a message or a consultation."""
    if s.isprintable():  # every break is a control or separator character: none here (checked in C)
        return s
    return s.translate(_BREAK_TABLE) if any(ch in s for ch in _BREAKS) else s


def _one(v: Any) -> Any:
    return one_line(v) if isinstance(v, str) else v


def whole(v: Any) -> Any:
    """A JSON integer as the int it is: JSON Schema's integer admits 3.0, which would be said
    «3.0 АСЦ» (and a compiled core holds an int there)."""
    return int(v) if type(v) is float and v.is_integer() else v


class Event(NamedTuple):
    pos: int  # position in the export's array (for messages and stable order)
    type: str
    at: Stamp
    data: dict[str, Any]  # the event as exported: to, cc, subject, body, ticket, outcome, demand…

    def get(self, key: str, default: Any = None) -> Any:
        v = self.data.get(key)
        return default if v is None else v


class Case(NamedTuple):
    case_id: str
    opened: Stamp
    channel: str
    client_name: str
    client_phone: str | None
    client_email: str | None
    category: str
    model: str | None
    price: float | None
    city: str
    asc_count: int | None
    tzname: str
    requests: tuple[Request, ...]
    fault_persists: bool
    intents: tuple[str, ...]
    demands_stated: bool
    hotline: dict[str, Any] | None
    events: tuple[Event, ...]  # sorted by time; equal times keep export order
    consultation: dict[str, Any] | None
    disputed: Request | None  # see disputed_request()
    operator: str | None = None
    origin: str | None = None  # the records in GSIS, Naumen and Usedesk it was imported from (`source`)

    def until(self, day: date) -> Case:
        """The case as it stood at the end of `day`: later events are ignored."""
        events = self.events
        if not events or events[-1].at.day <= day:  # sorted: nothing is later
            return self
        return self._replace(events=tuple(e for e in events if e.at.day <= day))


def disputed_request(requests: tuple[Request, ...]) -> Request | None:
    """The last request after a stable sort by created_at, undated first: the latest
    dated one (equal dates: the later position); an undated one only when none is dated."""
    if not requests:
        return None
    best: Request | None = None
    for r in requests:
        if r.created is not None and (best is None or best.created is None or r.created.at >= best.created.at):
            best = r
    return best if best is not None else requests[-1]


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


_STAMPS: Final[dict[tuple[str, ZoneInfo], Stamp]] = {}  # a memo: an export repeats its timestamps a lot
_STAMPS_MAX: Final = 1 << 16


def parse_stamp(raw: str, tz: ZoneInfo, path: str, index: int = -1) -> Stamp:
    """The timestamp in the case's zone (a Stamp is immutable: one object serves every case
    that has the same text in the same zone). Raises ModelError with `path` (a template with
    `index` put in, when given: made only for an error)."""
    key = (raw, tz)
    stamp = _STAMPS.get(key)
    if stamp is None:
        stamp = _parse_stamp(raw, tz, path if index < 0 else path.format(index))
        if len(_STAMPS) >= _STAMPS_MAX:
            _STAMPS.clear()
        _STAMPS[key] = stamp
    return stamp


def _parse_stamp(raw: str, tz: ZoneInfo, path: str) -> Stamp:
    try:
        dt = datetime.fromisoformat(raw)
    except ValueError as e:
        raise ModelError(path, f"дата/время «{raw}» не существует ({_ru_date_problem(e)})") from None
    if MIN_YEAR <= dt.year <= MAX_YEAR:
        if len(raw) == 10:  # a bare date: that local day, from its start
            dt = datetime.combine(dt.date(), time(0), tz)
        elif dt.tzinfo is None:
            dt = dt.replace(tzinfo=tz)
        else:
            dt = dt.astimezone(tz)  # cannot overflow: the year is far from 1 and 9999
    if not MIN_YEAR <= dt.year <= MAX_YEAR:  # checked again in the case's zone (31.12.2100 23:00-12:00)
        raise ModelError(path, f"дата «{raw}» вне поддерживаемых лет {MIN_YEAR}–{MAX_YEAR} "
                               "(годы производственного календаря)")
    return Stamp(dt, dt.date(), raw)


def _ru_date_problem(e: ValueError) -> str:
    text = str(e)
    if "day is out of range" in text:
        return "в месяце нет такого дня"
    if "month must be" in text:
        return "месяц должен быть от 1 до 12"
    if "hour must be" in text:
        return "час должен быть от 0 до 23"
    if "minute must be" in text or "second must be" in text:
        return "минуты и секунды — от 0 до 59"
    if "year" in text:
        return "год вне допустимого диапазона"
    return "неверная дата"


_MOMENT: Final = attrgetter("at.at")
# a named tuple made from its fields in order, in C: its class's own __new__ is a Python function
# (60 ns more a tuple, for each event and request of every case)
_new: Final = tuple.__new__


def build_case(d: dict[str, Any]) -> Case:
    """A schema-valid record as a Case. Raises ModelError with a JSON Pointer."""
    # the parts typed as the dicts they are: a compiled core then reads them with dict's own calls
    city: dict[str, Any] = d["city"]
    tzname = city.get("timezone") or DEFAULT_TZ
    try:
        tz = zone(tzname)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ModelError("/city/timezone", f"неизвестный часовой пояс «{tzname}»; ожидается имя IANA, "
                                           "например Europe/Moscow") from None

    requests = []
    raw_requests: list[dict[str, Any]] = d["requests"]
    for i, r in enumerate(raw_requests):
        created = r.get("created_at")
        asc: dict[str, Any] = r.get("asc") or {}
        requests.append(_new(Request, (
            i, one_line(r["number"]), r["type"],
            parse_stamp(created, tz, "/requests/{}/created_at", i) if created else None,
            _one(asc.get("name")), _one(asc.get("email")), r.get("conclusion"),
            tuple(map(one_line, r.get("documents") or ())), r.get("conclusion_checked") is not False,
        )))

    raw_events: list[dict[str, Any]] = d.get("events") or []
    events = [_new(Event, (i, e["type"], parse_stamp(e["at"], tz, "/events/{}/at", i), e))
              for i, e in enumerate(raw_events)]
    events.sort(key=_MOMENT)  # stable: equal times keep export order

    client: dict[str, Any] = d["client"]
    product: dict[str, Any] = d["product"]
    fp = d.get("fault_persists")
    intents = d.get("client_intent")
    hotline = d.get("hotline")
    req = tuple(requests)
    # every field, in Case's order
    return _new(Case, (
        d["case_id"], parse_stamp(d["opened_at"], tz, "/opened_at"), d["channel"],
        one_line(client["name"]), _one(client.get("phone")), _one(client.get("email")),
        product["category"], _one(product.get("model")), product.get("price"),
        one_line(city["name"]), whole(city.get("asc_count")), tzname,
        req, True if fp is None else fp,
        tuple(dict.fromkeys(intents)) if intents else (), bool(d.get("demands_stated")),
        hotline, tuple(events), d.get("consultation"), disputed_request(req),
        _one(hotline.get("operator")) if hotline else None, d.get("source"),
    ))
