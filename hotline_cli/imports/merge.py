"""Parts → cases: one case per client disagreement. Pure.

Parts are tied together by what they share — a GSIS request number, the client's phone,
e-mail or ФИО (the mandated subject's ФИО against the name on the client's ticket) — so an
engineer request ties to the client's ticket even when no GSIS table is given. A group of
parts becomes a case when it holds the client's contact (their ticket or the hotline call)
and something that proves the disagreement under the procedure (a request with the mandated
subject, the hotline call, a configured tag); any other part is reported as unused, with why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from hotline_cli.imports.model import Part, email_key, name_key, phone_key
from hotline_cli.procedure.cities import known_city

DEFAULT_ZONE = "Europe/Moscow"
KIND_ORDER = {"contact": 0, "client_ticket": 0, "row": 1, "our_ticket": 2}  # whose facts come first


@dataclass
class Built:
    case: dict[str, Any]
    notes: list[str] = field(default_factory=list)


class Index:
    """Which parts belong together, built as parts arrive without keeping them: per part only
    its kind, its contact's time and whether it proves the disagreement (the parts themselves
    may wait on disk). Parts are tied by what they share for sure — a request number, a phone,
    an e-mail address (kept as hashes); then the ФИО ties a request whose group holds no client
    contact to the one contact group of a client so named (namesakes tie nothing)."""

    def __init__(self) -> None:
        self.parent: list[int] = []
        self.meta: list[tuple[str, tuple[int, str], bool]] = []  # kind, contact's instant, evidence
        self.owner: dict[int, int] = {}
        self.names: list[tuple[int, int]] = []  # (part, hash of a ФИО) for contacts and our requests
        self.notes: dict[int, list[str]] = {}

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def _union(self, a: int, b: int) -> None:
        a, b = self.find(a), self.find(b)
        if a != b:
            self.parent[max(a, b)] = min(a, b)

    def add(self, p: Part) -> int:
        i = len(self.parent)
        self.parent.append(i)
        self.meta.append((p.kind, _instant(p.at), p.evidence))
        for k in p.ties():
            j = self.owner.setdefault(_hash(k), i)
            if j != i:
                self._union(i, j)
        if p.kind in ("client_ticket", "contact", "our_ticket"):
            self.names.extend((i, _hash(n)) for n in p.names)
        return i

    def groups(self) -> list[list[int]]:
        """The groups, each its parts' numbers in arrival order."""
        anchored: dict[int, set[int]] = {}
        for i, n in self.names:
            if self.meta[i][0] != "our_ticket":
                anchored.setdefault(n, set()).add(self.find(i))
        has_anchor = {self.find(i) for i, m in enumerate(self.meta) if m[0] in ("client_ticket", "contact")}
        for i, n in self.names:
            if self.meta[i][0] != "our_ticket" or self.find(i) in has_anchor:
                continue
            targets = {self.find(g) for g in anchored.get(n, ())}
            if len(targets) == 1:
                self._union(i, targets.pop())
                has_anchor.add(self.find(i))
            elif len(targets) > 1:
                self.notes.setdefault(i, []).append(f"у {len(targets)} обращений то же ФИО: запрос не привязан "
                                                    "(нужен номер заявки)")
        out: dict[int, list[int]] = {}
        for i in range(len(self.parent)):
            out.setdefault(self.find(i), []).append(i)
        return list(out.values())

    def is_case(self, members: list[int]) -> str | None:
        """None when the group is a case; else why its parts are not used."""
        kinds = [self.meta[i][0] for i in members]
        if not any(k in ("client_ticket", "contact") for k in kinds):
            return "не связан ни с одним обращением клиента (тикет клиента в Usedesk или звонок на ГЛ)"
        if not any(self.meta[i][2] for i in members):
            return "обращение не по статье: нет запроса с обязательной темой, звонка на ГЛ или метки из usedesk.tags"
        return None

    def opened(self, members: list[int]) -> tuple[int, str]:
        return min(self.meta[i][1] for i in members if self.meta[i][0] in ("client_ticket", "contact"))


def _hash(key: str) -> int:
    """A key as 8 bytes (a dict of 100 000s of keys stays small); a stable hash, not Python's
    salted one, so that a run is reproducible. Two keys colliding: once in ~10^9 runs of a month."""
    from hashlib import blake2b

    return int.from_bytes(blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


def build(members: list[Part], notes: list[str] | None = None) -> Built:
    """One group's parts as its case."""
    anchors = sorted((p for p in members if p.kind in ("client_ticket", "contact")),
                     key=lambda p: (_instant(p.at), p.source))
    b = _case(anchors, members)
    b.notes.extend(notes or ())
    return b


def _instant(at: datetime | date | None) -> tuple[int, str]:
    if at is None:
        return (1, "")
    if not isinstance(at, datetime):
        return (0, at.isoformat())
    if at.tzinfo is None:  # a local time: ordered by its text (the zone is the case's, not known yet)
        return (0, at.isoformat())
    return (0, at.astimezone(ZoneInfo("UTC")).replace(tzinfo=None).isoformat())


def _instant_text(text: str | None) -> tuple[int, str]:
    return _instant(datetime.fromisoformat(text) if text else None)


def _case(anchors: list[Part], members: list[Part]) -> Built:
    opener = anchors[0]
    ordered = sorted(members, key=lambda p: (KIND_ORDER[p.kind], _instant(p.at), p.source))
    b = Built({})
    facts: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for p in ordered:
        b.notes.extend(f"{p.source}: {n}" for n in p.notes)
        for ptr, v in p.facts.items():
            if ptr not in facts:
                facts[ptr], origin[ptr] = v, p.source
            elif ptr != "/channel" and not _same(ptr, facts[ptr], v):  # the channel is the first contact's
                b.notes.append(f"{ptr}: «{facts[ptr]}» ({origin[ptr]}) и «{v}» ({p.source}) — взято первое")
    if "/channel" in opener.facts:
        facts["/channel"] = opener.facts["/channel"]
    tzname, city = _zone(facts, b)
    tz = ZoneInfo(tzname)
    numbers = sorted(n for p in members for r in p.requests for n in [r["number"]])
    if opener.case_id:
        case_id = opener.case_id
    elif numbers:
        case_id = f"GSIS-{numbers[0]}"
    else:  # a call about no known request: named by its local time
        case_id = "CALL-" + "".join(ch for ch in _local(opener.at, tz)[:16] if ch.isdigit())
    case: dict[str, Any] = {"case_id": case_id}
    if opener.at is not None:
        case["opened_at"] = _local(opener.at, tz)
    if "/channel" in facts:
        case["channel"] = facts["/channel"]
    for ptr in ("/client/name", "/client/phone", "/client/email"):
        if ptr in facts:
            _set(case, ptr, facts[ptr])
    case.setdefault("client", {})
    for ptr in ("/product/category", "/product/model", "/product/serial", "/product/price"):
        if ptr in facts:
            _set(case, ptr, facts[ptr])
    case.setdefault("product", {})
    if city is not None:
        _set(case, "/city/name", city)
    for ptr in ("/city/asc_count",):
        if ptr in facts:
            _set(case, ptr, facts[ptr])
    case.setdefault("city", {})
    case["city"]["timezone"] = tzname
    case["requests"] = _requests(members, tz)
    for ptr, v in facts.items():
        if ptr.startswith(("/fault_persists", "/client_intent", "/demands_stated", "/hotline/", "/consultation/")):
            _set(case, ptr, v)
    events = _events(members, case["requests"], tz, b)
    if events:
        case["events"] = events
    case["source"] = "; ".join(dict.fromkeys(p.source for p in ordered))
    b.case = _ordered(case)
    return b


def _same(ptr: str, a: Any, b: Any) -> bool:
    """Two sources agree: the same value, however a name, a phone or an address was typed."""
    if a == b:
        return True
    if not (isinstance(a, str) and isinstance(b, str)):
        return False
    if ptr == "/client/phone":
        return phone_key(a) is not None and phone_key(a) == phone_key(b)
    if ptr == "/client/email":
        return email_key(a) == email_key(b)
    return name_key(a) == name_key(b)


def _zone(facts: dict[str, Any], b: Built) -> tuple[str, str | None]:
    """The case's time zone and its city's name: a zone the sources give, else the city's from
    the shipped table; a city not in it keeps Moscow time, said."""
    name = facts.get("/city/name")
    known = known_city(name) if isinstance(name, str) else None
    given = facts.get("/city/timezone")
    if isinstance(given, str):
        try:
            ZoneInfo(given)
            return given, known[0] if known else name
        except (ValueError, KeyError):
            b.notes.append(f"/city/timezone: неизвестный часовой пояс «{given}»: взят по городу")
    if known:
        return known[1], known[0]
    if isinstance(name, str):
        b.notes.append(f"/city/timezone: города «{name}» нет в таблице городов: время дела — московское "
                       "(укажите city.timezone в сопоставлении)")
    return DEFAULT_ZONE, name


def _local(at: datetime | date | None, tz: ZoneInfo) -> str:
    if at is None:
        return ""
    if not isinstance(at, datetime):
        return at.isoformat()  # a bare local date, as the contract writes it
    dt = at.astimezone(tz) if at.tzinfo is not None else at.replace(tzinfo=tz)
    return dt.isoformat(timespec="seconds")


def _requests(members: list[Part], tz: ZoneInfo) -> list[dict[str, Any]]:
    by_number: dict[str, dict[str, Any]] = {}
    sources: dict[str, list[str]] = {}
    for p in sorted(members, key=lambda p: (0 if p.kind == "row" else 1, p.source)):
        for r in p.requests:
            merged = by_number.setdefault(r["number"], {"number": r["number"]})
            named = sources.setdefault(r["number"], [])
            if (len(r) > 2 or not named) and r["source"] not in named:  # a mere mention adds no source
                named.append(r["source"])
            for k, v in r.items():
                if k in ("number", "source") or v is None:
                    continue
                if k == "created_at":
                    v = _local(v, tz)
                if k == "asc" and isinstance(merged.get("asc"), dict):
                    merged["asc"] = {**v, **merged["asc"]}
                else:
                    merged.setdefault(k, v)
    out: list[dict[str, Any]] = []
    for number, r in by_number.items():
        r["source"] = "; ".join(sources[number])
        out.append({k: r[k] for k in ("number", "type", "created_at", "asc", "conclusion", "documents", "source")
                    if k in r})
    out.sort(key=lambda r: (r.get("created_at") is not None, _instant_text(r.get("created_at")), r["number"]))
    return out


def _events(members: list[Part], requests: list[dict[str, Any]], tz: ZoneInfo, b: Built) -> list[dict[str, Any]]:
    asc = {k for r in requests if isinstance(r.get("asc"), dict) and isinstance(r["asc"].get("email"), str)
           for k in [email_key(r["asc"]["email"])] if k}
    seen: set[tuple[Any, ...]] = set()
    out: list[dict[str, Any]] = []
    for p in members:
        for e in p.events:
            e = dict(e)
            if e["type"] == "answer_from":
                if asc & set(e.get("_emails", ())):
                    e["type"] = "asc_answer"
                else:
                    who = ", ".join(e.get("_emails", ())) or f"клиент Usedesk {e.get('_sender')}"
                    b.notes.append(f"{e['source']}: ответ от {who} — не адресат запроса и не АСЦ заявки "
                                   "(адрес АСЦ из таблицы GSIS): не учтён")
                    continue
                for k in ("_emails", "_sender", "_comment"):
                    e.pop(k, None)
            e["at"] = _local(e["at"], tz)
            key = tuple(sorted((k, str(v)) for k, v in e.items() if k != "source"))
            if key in seen:
                continue  # the same event from two dumps (or a dump given twice)
            seen.add(key)
            out.append(e)
    out.sort(key=lambda e: (_instant_text(e["at"]), e["type"]))
    return out


def _set(d: dict[str, Any], ptr: str, v: Any) -> None:
    *path, last = ptr.strip("/").split("/")
    for p in path:
        d = d.setdefault(p, {})
    d[last] = v


ORDER = ("case_id", "opened_at", "channel", "client", "product", "city", "requests", "fault_persists",
         "client_intent", "demands_stated", "hotline", "events", "consultation", "source")


def _ordered(case: dict[str, Any]) -> dict[str, Any]:
    return {k: case[k] for k in ORDER if k in case}
