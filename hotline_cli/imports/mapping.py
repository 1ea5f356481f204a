"""The mapping file (TOML): how a Usedesk account and the GSIS / Naumen tables of one
installation map onto the case contract — and turning one table row into a `Part`.

Reference: docs/import-mapping.md; example: import.example.toml.
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hotline_cli.imports.model import Part, email_key, name_key, phone_key

MAX_MAPPING = 1024 * 1024


class MappingError(Exception):
    """The mapping file cannot be used: one Russian message naming the file and the key."""


# the contract's enumerations (schemas/case.schema.json), which a mapped value must land on
CHANNELS = ("call", "site_form", "email")
CATEGORIES = ("air_conditioner", "refrigerator", "freezer", "washing_machine", "dryer", "dishwasher", "cooking",
              "water_heater", "tv", "small_appliance", "other")
REQUEST_TYPES = ("diagnostics", "repair", "no_asc")
CONCLUSIONS = ("no_fault", "physical_damage", "operation_violation")
INTENTS = ("court", "rospotrebnadzor", "image_damage")
EVENT_TYPES = ("hpcc_request", "hpcc_documents", "expert_call", "engineer_request", "asc_answer", "engineer_answer",
               "re_request", "delay_call", "feedback_call", "demands_requested", "claims_handoff", "client_ticket",
               "claim", "claim_satisfied", "closed")
CONTACT = "contact"  # an event type of the mapping only: the hotline call that opened the case
SKIP = "skip"  # a mapped value meaning «this row is not about a case» (reported as unused)
OUTCOMES = ("accepted", "rejected")
DEMANDS = ("refund", "exchange", "repair", "price_reduction", "substitute_device")

# each target: (kind, allowed codes). Kinds: text, time, int, number, bool, enum, list (of enum or text)
TARGETS: dict[str, tuple[str, tuple[str, ...]]] = {
    "case_id": ("text", ()), "opened_at": ("time", ()), "channel": ("enum", CHANNELS),
    "client.name": ("text", ()), "client.phone": ("text", ()), "client.email": ("text", ()),
    "city.name": ("text", ()), "city.asc_count": ("int", ()), "city.timezone": ("text", ()),
    "product.category": ("enum", CATEGORIES), "product.model": ("text", ()), "product.serial": ("text", ()),
    "product.price": ("number", ()),
    "fault_persists": ("bool", ()), "client_intent": ("list", INTENTS), "demands_stated": ("bool", ()),
    "hotline.operator": ("text", ()), "hotline.second_asc_request": ("text", ()),
    "hotline.consultation.l2": ("text", ()), "hotline.consultation.l3": ("text", ()),
    "hotline.consultation.text": ("text", ()), "hotline.naumen_request.template": ("text", ()),
    "hotline.naumen_request.comment": ("text", ()), "hotline.site_form_advised": ("bool", ()),
    "consultation.customer_description": ("text", ()), "consultation.notes": ("text", ()),
    "request.number": ("text", ()), "request.type": ("enum", REQUEST_TYPES), "request.created_at": ("time", ()),
    "request.asc.name": ("text", ()), "request.asc.email": ("text", ()),
    "request.conclusion": ("enum", CONCLUSIONS), "request.documents": ("list", ()),
    "event.type": ("enum", (*EVENT_TYPES, CONTACT)), "event.at": ("time", ()), "event.by": ("text", ()),
    "event.outcome": ("enum", OUTCOMES), "event.demand": ("enum", DEMANDS), "event.quality_check": ("bool", ()),
    "event.no_stock": ("bool", ()), "event.agreed_days": ("int", ()),
    "event.to": ("text", ()), "event.cc": ("list", ()), "event.priority": ("text", ()),
    "event.subject": ("text", ()), "event.body": ("text", ()), "event.ticket": ("text", ()),
}
NUMBERS_AS_TEXT = {"case_id", "request.number", "hotline.second_asc_request", "client.phone", "product.serial"}
TRUE = ("да", "true", "1", "yes", "истина", "+")
FALSE = ("нет", "false", "0", "no", "ложь", "-")
DEFAULT_DATE_FORMATS = ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%d.%m.%y %H:%M", "%d.%m.%y",
                        "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")


def value_key(text: str) -> str:
    return " ".join(text.casefold().replace("ё", "е").split())


@dataclass(frozen=True)
class TableMapping:
    name: str
    columns: dict[str, str]  # target → the column's header ("Клиент / Телефон" for a two-row header)
    values: dict[str, dict[str, Any]]  # target → {value_key(cell): code}
    files: tuple[str, ...] = ()  # file-name patterns, optional
    sheet: str | None = None
    timezone: str | None = None  # None: the case's own local time
    date_formats: tuple[str, ...] = DEFAULT_DATE_FORMATS
    encoding: str | None = None  # CSV: None — detected (UTF-8 with or without BOM, else cp1251)

    def fits(self, path: str) -> bool:
        base = os.path.basename(path).casefold()
        return not self.files or any(fnmatch.fnmatch(base, p.casefold()) for p in self.files)


@dataclass(frozen=True)
class UsedeskMapping:
    ticket_url: str | None = None  # "https://secure.usedesk.ru/tickets/{id}"
    site_form_channels: frozenset[str] = frozenset()
    email_channels: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()  # tags that mark a client's ticket as a disagreement
    users: dict[str, str] = field(default_factory=dict)  # agent id → name or login (the events' «by»)
    fields: dict[str, str] = field(default_factory=dict)  # target → custom field's name or id
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    timezone: str = "UTC"  # Usedesk's API writes UTC


@dataclass(frozen=True)
class Mapping:
    source: str | None = None
    usedesk: UsedeskMapping = field(default_factory=UsedeskMapping)
    tables: tuple[TableMapping, ...] = ()


USEDESK_FIELDS = ("request_number", "fault_persists", "client_intent", "demands_stated", "city", "category",
                  "phone")
USEDESK_TARGET = {"request_number": "request.number", "fault_persists": "fault_persists",
                   "client_intent": "client_intent", "demands_stated": "demands_stated", "city": "city.name",
                   "category": "product.category", "phone": "client.phone"}


def load_mapping(path: str | None) -> Mapping:
    if not path:
        return Mapping()
    import tomllib

    from hotline_cli.io.small import SmallFileError, read_small

    try:
        raw = read_small(path, MAX_MAPPING, "файл сопоставления")
    except SmallFileError as e:
        raise MappingError(str(e)) from None
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise MappingError(f"{path}: файл сопоставления не в UTF-8") from None
    except ValueError as e:
        raise MappingError(f"{path}: не разбирается как TOML: {e}") from None
    return parse_mapping(data, path)


def _fail(source: str, key: str, what: str) -> MappingError:
    return MappingError(f"{source}: ключ {key}: {what}")


def _strs(v: Any, source: str, key: str) -> tuple[str, ...]:
    if isinstance(v, str | int):
        return (str(v),)
    if isinstance(v, list) and all(isinstance(x, str | int) for x in v):
        return tuple(str(x) for x in v)
    raise _fail(source, key, "ожидается строка или список строк")


def _zone(v: Any, source: str, key: str) -> str | None:
    if v is None or v == "local":
        return None
    if not isinstance(v, str):
        raise _fail(source, key, "ожидается имя часового пояса IANA или \"local\"")
    try:
        ZoneInfo(v)
    except (ZoneInfoNotFoundError, ValueError):
        raise _fail(source, key, f"неизвестный часовой пояс «{v}»") from None
    return v


def _values(data: Any, source: str, key: str,
            targets: dict[str, tuple[str, tuple[str, ...]]]) -> dict[str, dict[str, Any]]:
    if not isinstance(data, dict):
        raise _fail(source, key, "ожидается таблица «значение в выгрузке = код»")
    out: dict[str, dict[str, Any]] = {}
    for target, table in data.items():
        if target not in targets:
            raise _fail(source, f"{key}.{target}", "нет такого поля")
        if not isinstance(table, dict):
            raise _fail(source, f"{key}.{target}", "ожидается таблица «значение в выгрузке = код»")
        kind, allowed = targets[target]
        out[target] = {}
        for cell, code in table.items():
            ok = (isinstance(code, bool) if kind == "bool" else
                  isinstance(code, str) and (not allowed or code in allowed or code == SKIP))
            if not ok:
                expected = ", ".join(allowed) if allowed else ("true/false" if kind == "bool" else "строка")
                raise _fail(source, f"{key}.{target}.{cell}", f"«{code}» — не код; ожидается: {expected}")
            out[target][value_key(cell)] = code
    return out


def parse_mapping(data: dict[str, Any], source: str = "<mapping>") -> Mapping:
    known = {"usedesk", "table"}
    for k in data:
        if k not in known:
            raise _fail(source, k, "нет такого раздела (есть usedesk и [[table]])")
    ud = data.get("usedesk", {})
    if not isinstance(ud, dict):
        raise _fail(source, "usedesk", "ожидается таблица")
    for k in ud:
        if k not in ("ticket_url", "site_form_channels", "email_channels", "tags", "users", "fields", "values",
                     "timezone"):
            raise _fail(source, f"usedesk.{k}", "нет такого ключа")
    fields = ud.get("fields", {})
    if not isinstance(fields, dict) or any(k not in USEDESK_FIELDS for k in fields):
        bad = next((k for k in fields if k not in USEDESK_FIELDS), "") if isinstance(fields, dict) else ""
        raise _fail(source, f"usedesk.fields{'.' + bad if bad else ''}",
                    f"ожидается таблица с ключами {', '.join(USEDESK_FIELDS)}")
    ud_targets = {k: TARGETS[USEDESK_TARGET[k]] for k in USEDESK_FIELDS}
    users = ud.get("users", {})
    if not isinstance(users, dict) or not all(isinstance(v, str) for v in users.values()):
        raise _fail(source, "usedesk.users", "ожидается таблица «id агента = имя»")
    url = ud.get("ticket_url")
    if url is not None and (not isinstance(url, str) or "{id}" not in url):
        raise _fail(source, "usedesk.ticket_url", "ожидается адрес с {id}, например https://secure.usedesk.ru/tickets/{id}")
    usedesk = UsedeskMapping(
        ticket_url=url,
        site_form_channels=frozenset(_strs(ud.get("site_form_channels", []), source, "usedesk.site_form_channels")),
        email_channels=frozenset(_strs(ud.get("email_channels", []), source, "usedesk.email_channels")),
        tags=frozenset(value_key(t) for t in _strs(ud.get("tags", []), source, "usedesk.tags")),
        users={str(k): v for k, v in users.items()},
        fields={k: str(_strs(v, source, f"usedesk.fields.{k}")[0]) for k, v in fields.items()},
        values=_values(ud.get("values", {}), source, "usedesk.values", ud_targets),
        timezone=_zone(ud.get("timezone", "UTC"), source, "usedesk.timezone") or "UTC",
    )
    tables = data.get("table", [])
    if not isinstance(tables, list):
        raise _fail(source, "table", "ожидается список таблиц [[table]]")
    out = []
    for i, t in enumerate(tables):
        key = f"table[{i}]"
        if not isinstance(t, dict):
            raise _fail(source, key, "ожидается таблица")
        for k in t:
            if k not in ("name", "files", "sheet", "timezone", "date_formats", "encoding", "columns", "values"):
                raise _fail(source, f"{key}.{k}", "нет такого ключа")
        cols = t.get("columns")
        if not isinstance(cols, dict) or not cols:
            raise _fail(source, f"{key}.columns", "ожидается таблица «поле дела = заголовок столбца»")
        for target, header in cols.items():
            if target not in TARGETS:
                raise _fail(source, f"{key}.columns.{target}", "нет такого поля; поля: " + ", ".join(TARGETS))
            if not isinstance(header, str) or not header.strip():
                raise _fail(source, f"{key}.columns.{target}", "ожидается заголовок столбца (строка)")
        formats = t.get("date_formats", list(DEFAULT_DATE_FORMATS))
        formats = _strs(formats, source, f"{key}.date_formats")
        for f in formats:
            try:
                datetime(2025, 10, 31, 14, 5).strftime(f)
            except ValueError:
                raise _fail(source, f"{key}.date_formats", f"«{f}» — не формат даты") from None
        enc = t.get("encoding")
        if enc is not None and not isinstance(enc, str):
            raise _fail(source, f"{key}.encoding", "ожидается имя кодировки")
        out.append(TableMapping(
            name=str(t.get("name") or f"таблица {i + 1}"),
            columns={k: v.strip() for k, v in cols.items()},
            values=_values(t.get("values", {}), source, f"{key}.values", TARGETS),
            files=_strs(t.get("files", []), source, f"{key}.files"),
            sheet=str(t["sheet"]) if t.get("sheet") is not None else None,
            timezone=_zone(t.get("timezone"), source, f"{key}.timezone"),
            date_formats=formats, encoding=enc))
    return Mapping(source, usedesk, tuple(out))


# ---------------------------------------------------------------- cells → values


class CellError(Exception):
    def __init__(self, target: str, message: str):
        super().__init__(message)
        self.target, self.message = target, message


def _shown(values: dict[str, Any], allowed: tuple[str, ...]) -> str:
    words = [f"«{k}»" for k in values] or [f"«{a}»" for a in allowed]
    return ", ".join(words[:12]) + (" …" if len(words) > 12 else "")


def _text(cell: Any, target: str) -> str:
    if isinstance(cell, float) and cell.is_integer() and target in NUMBERS_AS_TEXT:
        return str(int(cell))  # Excel keeps 40031822 as a number: 40031822.0
    if isinstance(cell, datetime | date | time):
        return cell.isoformat()
    return str(cell).strip()


def convert(target: str, cell: Any, mapping: dict[str, dict[str, Any]], formats: tuple[str, ...],
            tz: str | None) -> Any:
    """A cell's value as the contract's, or CellError. None for an empty cell."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    kind, allowed = TARGETS[target]
    table = mapping.get(target, {})
    if kind == "time":
        return _time(cell, formats, tz, target)
    text = _text(cell, target)
    if kind == "list":
        items = [x.strip() for x in re.split(r"[;,\n]", text) if x.strip()]
        if not allowed:
            return items
        return [_code(x, table, allowed, target) for x in items]
    if kind == "enum":
        return _code(text, table, allowed, target)
    if kind == "bool":
        if isinstance(cell, bool):
            return cell
        k = value_key(text)
        if k in table:
            return table[k]
        if k in TRUE:
            return True
        if k in FALSE:
            return False
        raise CellError(target, f"«{text}» — не «да»/«нет»")
    if kind in ("int", "number"):
        if isinstance(cell, int | float) and not isinstance(cell, bool):
            number: float = cell
        else:
            try:
                number = float(text.replace("\u00a0", "").replace(" ", "").replace(",", "."))
            except ValueError:
                raise CellError(target, f"«{text}» — не число") from None
        if kind == "int":
            if not float(number).is_integer() or number < 0:
                raise CellError(target, f"«{text}» — не целое число ≥ 0")
            return int(number)
        if number < 0 or number != number or number in (float("inf"), float("-inf")):
            raise CellError(target, f"«{text}» — не число ≥ 0")
        return int(number) if float(number).is_integer() else number
    return text


def _code(text: str, table: dict[str, Any], allowed: tuple[str, ...], target: str) -> Any:
    k = value_key(text)
    if k in table:
        return table[k]
    if text in allowed:
        return text
    raise CellError(target, f"значение «{text}» не распознано; ожидается одно из: {_shown(table, allowed)}")


def _time(cell: Any, formats: tuple[str, ...], tz: str | None, target: str) -> datetime | date:
    """A datetime (aware in the table's zone, or naive: the case's local time), or a bare date
    when the cell holds only a day (the contract's local date)."""
    dt: datetime | None
    if isinstance(cell, datetime):
        dt = cell
    elif isinstance(cell, date):
        return cell
    else:
        text = str(cell).strip()
        dt = None
        for f in formats:
            try:
                dt = datetime.strptime(text, f)
            except ValueError:
                continue
            if not any(x in f for x in ("%H", "%I", "%M")):
                return dt.date()
            break
        if dt is None:
            try:
                dt = datetime.fromisoformat(text)
            except ValueError:
                raise CellError(target, f"«{text}» — не дата; ожидается, например, "
                                        f"{datetime(2025, 10, 31, 14, 5).strftime(formats[0])}") from None
    assert dt is not None
    if dt.tzinfo is None and tz is not None:
        dt = dt.replace(tzinfo=ZoneInfo(tz))
    return dt


def row_part(values: dict[str, Any], source: str) -> Part:
    """A table row's converted values (target → value, empty cells left out) as a Part."""
    part = Part(source, "row")
    request: dict[str, Any] = {}
    event: dict[str, Any] = {}
    for target, v in values.items():
        head, _, rest = target.partition(".")
        if head == "request":
            _put(request, rest, v)
        elif head == "event":
            _put(event, rest, v)
        elif target == "case_id":
            part.case_id = v
        else:
            part.facts["/" + target.replace(".", "/")] = v
    etype = event.pop("type", None)
    if etype == CONTACT or "/opened_at" in part.facts:
        part.kind, part.evidence = "contact", True
        part.at = part.facts.pop("/opened_at", None) or event.get("at")
        part.facts.setdefault("/channel", "call")
        if event.get("by"):
            part.facts.setdefault("/hotline/operator", event["by"])
    elif etype:
        event = {"type": etype, **event, "source": source}
        part.events.append(event)
        part.evidence = etype != "client_ticket"
    if request.get("number"):
        part.numbers.add(request["number"])
        part.requests.append({**request, "source": source})
    for number in (values.get("hotline.second_asc_request"),):
        if number:
            part.numbers.add(number)
    if values.get("client.name"):
        part.names.add(name_key(values["client.name"]))
    if values.get("client.phone") and (p := phone_key(values["client.phone"])):
        part.phones.add(p)
    if values.get("client.email") and (e := email_key(values["client.email"])):
        part.emails.add(e)
    return part


def _put(d: dict[str, Any], dotted: str, v: Any) -> None:
    *path, last = dotted.split(".")
    for p in path:
        d = d.setdefault(p, {})
    d[last] = v
