"""What one source record contributes to a case (a `Part`), and the keys that tie parts of
one client's disagreement together. Pure: no file is read here.

A part's times are `datetime`s: aware (Usedesk writes UTC) or naive, meaning the case's own
local time (a GSIS or Naumen table without a zone); they become the contract's ISO text once
the case's time zone is known (`merge`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# the mandated subject (procedure: «Действия агента в Usedesk» 2, «Действия эксперта» 3.4)
from hotline_cli.procedure.texts import SUBJECT_PREFIX


@dataclass
class Part:
    """One source record's facts: a Usedesk ticket, a table row."""

    source: str  # "usedesk.json:3, тикет 2265179" or "gsis.csv:строка 5"
    kind: str  # "client_ticket", "our_ticket", "contact" (a hotline call), "row"
    at: datetime | None = None  # when the client's contact was opened (client tickets and calls)
    evidence: bool = False  # proves a disagreement under the procedure (a mandated subject, a call, a tag)
    case_id: str | None = None
    numbers: set[str] = field(default_factory=set)  # GSIS request numbers it names (keys)
    names: set[str] = field(default_factory=set)  # the client's ФИО, normalised (keys)
    phones: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    facts: dict[str, Any] = field(default_factory=dict)  # "/client/name" → value
    requests: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)  # "at" is a datetime until merged
    notes: list[str] = field(default_factory=list)  # what the reader left out of this record, said

    def ties(self) -> list[str]:
        """What ties this part to others for sure: request numbers, phones, e-mail addresses. The
        ФИО ties only what nothing else tied, and only when it is unambiguous (merge)."""
        return [f"n:{n}" for n in self.numbers] + [f"p:{p}" for p in self.phones] + [f"e:{e}" for e in self.emails]


def name_key(name: str) -> str:
    """A ФИО comparable however it was typed: letter case, «ё», spaces."""
    return " ".join(name.casefold().replace("ё", "е").split())


def phone_key(text: str) -> str | None:
    """The last ten digits of a Russian phone (+7 903 555-12-34, 8 (903) 5551234), or None."""
    digits = "".join(ch for ch in text if ch.isdigit() and ch.isascii())
    if len(digits) == 11 and digits[0] in "78":
        return digits[1:]
    if len(digits) == 10 and digits[0] == "9":
        return digits
    return None


def email_key(text: str) -> str | None:
    t = text.strip().strip("<>").casefold()
    return t if "@" in t and " " not in t else None


_NUMBER = re.compile(r"(?<!\d)\d{6,12}(?!\d)")
_PHONE = re.compile(r"(?:\+7|(?<!\d)[78])?[\s(\-]*9\d{2}[\s)\-]*\d{3}[\s\-]*\d{2}[\s\-]*\d{2}(?!\d)")


def numbers_in(text: str) -> set[str]:
    """Digit runs that may be GSIS request numbers (a client writes «заявка 40031822»): keys
    only — they tie a part to a request some other source names, never make a request."""
    return set(_NUMBER.findall(text))


def phones_in(text: str) -> set[str]:
    return {k for m in _PHONE.findall(text) if (k := phone_key(m)) is not None}


def parse_subject(subject: str) -> tuple[str | None, str | None] | None:
    """(ФИО, request number) of a subject in the mandated form, each None when absent; None for
    a subject that is not of the procedure. Tolerant of letter case, quotes and spaces, so that
    a request with a slightly wrong subject is still found (and audited: HL109/HL203)."""
    s = " ".join(subject.replace("«", "").replace("»", "").replace('"', "").split())
    prefix = SUBJECT_PREFIX.casefold()
    if not s.casefold().startswith(prefix.rstrip(".")):
        return None
    rest = s[len(prefix.rstrip(".")):].lstrip(". ").strip()
    if not rest:
        return None, None
    words = rest.split()
    number = words[-1] if any(ch.isdigit() for ch in words[-1]) else None
    name = " ".join(words[:-1] if number else words).strip(" ,") or None
    return name, number.strip(".,;") if number else None
