"""Usedesk's public API dumps: `/ticket` bodies (`ticket`, `comments`, `changes`) and, where
given, `/client` bodies, as a JSON array, JSON Lines or one object per file — into `Part`s.

What Usedesk's documentation says and this reader honours: ids and numbers may be strings
or integers; times are `YYYY-MM-DD HH:MM:SS` in UTC; `priority` is `low`, `medium`,
`urgent` or `extreme`; `status_id` 1 open … 10 merged; a comment has `from` (`user`: us,
`client`: the other side, `trigger`: an automation), `type`, `cc`, `files`, `published_at`.

How a ticket becomes the journey (import.md): a ticket the client opened is the case's
contact; a ticket we sent with the mandated subject is the HPCC request (to the HPCC
manager) or the engineer request (to anyone else), its later comments re-requests and
answers.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from hotline_cli.imports.mapping import USEDESK_TARGET, CellError, UsedeskMapping, convert, value_key
from hotline_cli.imports.model import Part, email_key, name_key, numbers_in, parse_subject, phone_key, phones_in
from hotline_cli.imports.tables import Unused
from hotline_cli.procedure.texts import PRIORITY

STATUS_SKIPPED = {4: "удалён", 7: "спам", 9: "рассылка", 10: "объединён с другим тикетом"}
CLOSED_STATUSES = {2, 3}  # solved, closed
# Usedesk's priority codes; `extreme` is the mandated «Экстремальный» (case-format.md)
PRIORITIES = {"extreme": PRIORITY, "urgent": "Срочный", "medium": "Средний", "low": "Низкий"}
DEFAULT_TICKET_URL = "https://secure.usedesk.ru/tickets/{id}"


class TicketError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _id(v: Any) -> str | None:
    """An id as Usedesk writes it: a string or an integer; "0" and "" mean none."""
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, int):
        return str(v) if v else None
    if isinstance(v, str) and v.strip() not in ("", "0"):
        return v.strip()
    return None


def _int(v: Any) -> int | None:
    s = _id(v)
    return int(s) if s is not None and s.isdigit() else None


def utc(v: Any, what: str, tz: str = "UTC") -> datetime:
    """`2025-10-30 22:30:00` (UTC, Usedesk's form) as an aware datetime."""
    if not isinstance(v, str):
        raise TicketError(f"{what}: ожидается время «ГГГГ-ММ-ДД ЧЧ:ММ:СС», а здесь {v!r}")
    try:
        dt = datetime.fromisoformat(v.strip())
    except ValueError:
        raise TicketError(f"{what}: «{v}» — не время «ГГГГ-ММ-ДД ЧЧ:ММ:СС»") from None
    return dt.replace(tzinfo=UTC if tz == "UTC" else ZoneInfo(tz)) if dt.tzinfo is None else dt


_BREAK = re.compile(r"<\s*(br|/p|/div|/li|/tr|/h\d)\s*/?\s*>", re.I)
_TAG = re.compile(r"<[^>]{0,2000}>")


def plain(message: Any) -> str:
    """A comment's HTML as the plain text a person read."""
    if not isinstance(message, str):
        return ""
    text = _TAG.sub("", _BREAK.sub("\n", message))
    lines = [" ".join(ln.split()) for ln in html.unescape(text).replace("\xa0", " ").splitlines()]
    out: list[str] = []
    for ln in lines:
        if ln or (out and out[-1]):
            out.append(ln)
    return "\n".join(out).strip()


class Dump:
    """Usedesk's bodies read in two passes: the client cards first (`card`: a card may come
    after its tickets, and they are small), then each ticket turned into a Part as it is read
    (`ticket`), so that a large dump is never held whole."""

    def __init__(self, mapping: UsedeskMapping, hpcc_manager: str | None):
        self.m = mapping
        self.hpcc = email_key(hpcc_manager) if hpcc_manager else None
        self.cards: dict[str, dict[str, Any]] = {}

    @staticmethod
    def kind(body: Any) -> str | None:
        """"ticket", "card", or None for anything else."""
        if not isinstance(body, dict):
            return None
        if isinstance(body.get("ticket"), dict):
            return "ticket"
        if "status_id" in body and "subject" in body and _id(body.get("id")) is not None:
            return "ticket"  # an element of the /tickets list: the ticket alone, without comments
        card = body["client"] if isinstance(body.get("client"), dict) else body
        if _id(card.get("id")) is not None and ("emails" in card or "phones" in card or "name" in card) \
                and "case_id" not in card:
            return "card"
        return None

    def card(self, body: dict[str, Any]) -> None:
        card: dict[str, Any] = body["client"] if isinstance(body.get("client"), dict) else body
        self.cards[str(_id(card.get("id")))] = {k: card.get(k) for k in ("name", "emails", "phones")}

    @staticmethod
    def not_a_ticket(source: str, body: Any) -> Unused:
        what = ("дело hotline (его читают triage/audit, не import)" if isinstance(body, dict) and "case_id" in body
                else "не тикет Usedesk")
        return Unused(source, f"{what}: ожидается ответ API /ticket (ticket, comments, changes) или /client", True)

    def ticket(self, source: str, body: dict[str, Any]) -> Part | Unused:
        if not isinstance(body.get("ticket"), dict):
            body = {"ticket": body, "comments": [], "changes": []}
        tid = _id(body["ticket"].get("id"))
        if tid is None:
            return Unused(source, "тикет без id", True)
        source = f"{source}, тикет {tid}"
        try:
            return self._ticket(tid, source, body)
        except TicketError as e:
            return Unused(source, e.message, True)

    # ------------------------------------------------------------ one ticket

    def _card(self, cid: str | None) -> dict[str, Any]:
        return self.cards.get(cid or "", {})

    def _card_emails(self, card: dict[str, Any]) -> set[str]:
        out = set()
        for e in card.get("emails") or ():
            v = e.get("email") if isinstance(e, dict) else e
            if isinstance(v, str) and (k := email_key(v)):
                out.add(k)
        return out

    def _card_phones(self, card: dict[str, Any]) -> list[str]:
        out = []
        for p in card.get("phones") or ():
            v = p.get("phone") if isinstance(p, dict) else p
            if isinstance(v, str | int) and str(v).strip():
                out.append(str(v).strip())
        return out

    def _user(self, c: dict[str, Any]) -> str | None:
        uid = _id(c.get("user_id"))
        return self.m.users.get(uid, uid) if uid else None

    def url(self, tid: str) -> str:
        return (self.m.ticket_url or DEFAULT_TICKET_URL).replace("{id}", tid)

    def _ticket(self, tid: str, source: str, body: dict[str, Any]) -> Part | Unused:
        t = body["ticket"]
        status = _int(t.get("status_id"))
        if status in STATUS_SKIPPED:
            return Unused(source, f"пропущен: тикет {STATUS_SKIPPED[status]} (status_id {status})")
        comments = []
        for i, c in enumerate(body.get("comments") or ()):
            if not isinstance(c, dict):
                raise TicketError(f"comments[{i}]: ожидается объект комментария")
            comments.append((utc(c.get("published_at"), f"comments[{i}].published_at", self.m.timezone), i, c))
        comments.sort(key=lambda x: (x[0], x[1]))
        people = [x for x in comments if x[2].get("from") in ("user", "client")]
        first = people[0][2] if people else None
        subject = t.get("subject") if isinstance(t.get("subject"), str) else ""
        parsed = parse_subject(subject)
        if first is not None and first.get("from") == "user":
            if parsed is None:
                return Unused(source, "исходящий тикет с темой не по статье "
                                      f"(«{subject[:80]}»): не запрос HPCC и не запрос инженеру")
            return self._ours(tid, source, t, people, subject, parsed)
        return self._clients(tid, source, t, body, comments)

    def _ours(self, tid: str, source: str, t: dict[str, Any], people: list[tuple[datetime, int, dict[str, Any]]],
              subject: str, parsed: tuple[str | None, str | None]) -> Part:
        name, number = parsed
        part = Part(source, "our_ticket", evidence=True)
        if number:
            part.numbers.add(number)
            part.requests.append({"number": number, "source": source})
        if name:
            part.names.add(name_key(name))
            part.facts["/client/name"] = name
        to = _id(t.get("email"))
        to_key = email_key(to) if to else None
        at, _, first = people[0]
        code = str(t.get("priority") or "").strip()
        priority = PRIORITIES.get(code, code) or None
        addressee = _id(t.get("client_id"))
        if self.hpcc is not None and to_key == self.hpcc:
            part.events.append(_event("hpcc_request", at, source, subject=subject, priority=priority,
                                      by=self._user(first)))
            for at2, _, c in people[1:]:
                if c.get("from") == "client" and c.get("files"):
                    part.events.append(_event("hpcc_documents", at2, source, by=None))
            return part
        cc = [str(x).strip() for x in (first.get("cc") or ()) if isinstance(x, str) and x.strip()]
        part.events.append(_event("engineer_request", at, source, to=to, cc=cc, priority=priority, subject=subject,
                                  body=plain(first.get("message")), ticket=self.url(tid), by=self._user(first)))
        for at2, i, c in people[1:]:
            if c.get("from") == "user":
                if c.get("type") != "private":  # a private comment is an internal note, not a message
                    part.events.append(_event("re_request", at2, source, by=self._user(c)))
                continue
            sender = _id(c.get("client_id"))
            if sender is None or sender == addressee:
                part.events.append(_event("engineer_answer", at2, source, by=None))
                continue
            emails = self._card_emails(self._card(sender))
            part.events.append(_event("answer_from", at2, source, by=None, _emails=sorted(emails), _sender=sender,
                                      _comment=i))
        return part

    def _clients(self, tid: str, source: str, t: dict[str, Any], body: dict[str, Any],
                 comments: list[tuple[datetime, int, dict[str, Any]]]) -> Part:
        at = utc(t["published_at"], "ticket.published_at", self.m.timezone) if t.get("published_at") else (
            comments[0][0] if comments else None)
        if at is None:
            raise TicketError("нет времени тикета (ticket.published_at)")
        part = Part(source, "client_ticket", at=at, case_id=f"UD-{tid}")
        channel_id = _id(t.get("channel_id"))
        channel = ("site_form" if channel_id in self.m.site_form_channels else
                   "email" if channel_id in self.m.email_channels else None)
        if channel:
            part.facts["/channel"] = channel
        elif channel_id:
            part.notes.append(f"канал {channel_id} не указан в usedesk.site_form_channels / email_channels "
                              "сопоставления: канал дела неизвестен")
        tags = {value_key(str(x.get("name") if isinstance(x, dict) else x)) for x in (t.get("tags") or ())}
        part.evidence = bool(tags & self.m.tags)
        card = self._card(_id(t.get("client_id")))
        if isinstance(card.get("name"), str) and card["name"].strip():
            part.facts["/client/name"] = card["name"].strip()
            part.names.add(name_key(card["name"]))
        email = _id(t.get("email"))
        emails = ([email] if email and email_key(email) else []) + sorted(self._card_emails(card))
        if emails:
            part.facts["/client/email"] = emails[0]
        part.emails.update(k for e in emails if (k := email_key(e)))
        phones = self._card_phones(card)
        if phones:
            part.facts["/client/phone"] = phones[0]
        part.phones.update(k for p in phones if (k := phone_key(p)))
        text = " ".join([t.get("subject") or ""] + [plain(c.get("message")) for _, _, c in comments
                                                   if c.get("from") == "client"][:1])
        part.numbers.update(numbers_in(text))
        part.phones.update(phones_in(text))
        self._fields(t, part)
        if channel == "email":
            part.events.append(_event("client_ticket", at, source, ticket=self.url(tid), by=None))
        status = _int(t.get("status_id"))
        if status in CLOSED_STATUSES:
            when = _closed_at(body.get("changes") or (), t, self.m.timezone)
            part.events.append(_event("closed", when, source, by=self._user({"user_id": t.get("assignee_id")})))
        return part

    def _fields(self, t: dict[str, Any], part: Part) -> None:
        fields = t.get("ticket_fields") or ()
        for key, wanted in self.m.fields.items():
            target = USEDESK_TARGET[key]
            for f in fields:
                if not isinstance(f, dict) or wanted not in (str(f.get("name")), _id(f.get("id")),
                                                             _id(f.get("ticket_field_id"))):
                    continue
                try:
                    v = convert(target, f.get("value"), self.m.values, (), None)
                except CellError as e:
                    part.notes.append(f"поле «{wanted}»: {e.message}: не учтено")
                    continue
                if v is None:
                    continue
                if target == "request.number":
                    part.numbers.add(str(v))
                elif target == "client.phone":
                    if k := phone_key(str(v)):
                        part.phones.add(k)
                    part.facts["/client/phone"] = v
                else:
                    part.facts["/" + target.replace(".", "/")] = v


def _closed_at(changes: Iterable[Any], t: dict[str, Any], tz: str) -> datetime:
    """When the ticket was solved or closed: its last status change to 2 or 3 in `changes`,
    else `status_updated_at`, else `last_updated_at`."""
    best = None
    for ch in changes:
        if not isinstance(ch, dict):
            continue
        new = _int(ch.get("new_status_id"))
        if new is None and str(ch.get("field") or ch.get("type") or "").startswith("status"):
            new = _int(ch.get("new_value"))
        if new in CLOSED_STATUSES and ch.get("created_at"):
            when = utc(ch["created_at"], "changes[].created_at", tz)
            best = when if best is None or when > best else best
    if best is not None:
        return best
    for key in ("status_updated_at", "last_updated_at"):
        if t.get(key):
            return utc(t[key], f"ticket.{key}", tz)
    raise TicketError("тикет закрыт, но время закрытия неизвестно (нет changes, status_updated_at, last_updated_at)")


def _event(etype: str, at: datetime, source: str, **fields: Any) -> dict[str, Any]:
    e: dict[str, Any] = {"type": etype, "at": at}
    e.update({k: v for k, v in fields.items() if v is not None and v != []})
    e["source"] = source
    return e
