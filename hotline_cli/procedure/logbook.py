"""log — one event added to a case's story (or the last one added taken back). Pure: the record
in, the record out; reading and writing the file, and the contract's check, are the shell's.

An event the expert logs carries `source: "hotline log <when it was logged>"`: that is how
`--undo` finds the last one logged, and how an audit tells a logged event from an exported one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hotline_cli.procedure import texts
from hotline_cli.procedure.case import DEFAULT_TZ, ModelError, parse_stamp, zone

LOGGED = "hotline log"

# what each event type needs (the contract) and may carry
REQUIRED = {"feedback_call": ("outcome",), "claim": ("demand",), "claim_satisfied": ("demand",)}
ALLOWED = {
    "hpcc_request": ("subject", "priority"),
    "engineer_request": ("to", "cc", "priority", "subject", "body", "ticket", "message_id"),
    "re_request": ("ticket", "message_id"),
    "feedback_call": ("outcome",),
    "client_ticket": ("ticket",),
    "claim": ("demand", "quality_check", "no_stock", "agreed_days"),
    "claim_satisfied": ("demand",),
}
FIELD_RU = {"outcome": "--outcome (принял / не принял)", "demand": "--demand (возврат денег, замена…)",
            "to": "--to", "cc": "--cc", "priority": "--priority", "subject": "--subject", "body": "--body",
            "ticket": "--ticket", "message_id": "--from-draft", "quality_check": "--quality-check",
            "no_stock": "--no-stock", "agreed_days": "--agreed-days"}


class LogError(ValueError):
    """Why the event cannot be added, in Russian."""


def event(etype: str, at: datetime, by: str | None, fields: dict[str, Any]) -> dict[str, Any]:
    """The event as the contract writes it; LogError for a field it needs or cannot carry."""
    missing = [f for f in REQUIRED.get(etype, ()) if fields.get(f) in (None, "", [])]
    if missing:
        raise LogError(f"для события «{texts.EVENT_RU[etype]}» нужно: " + ", ".join(FIELD_RU[f] for f in missing))
    extra = [f for f, v in fields.items() if v not in (None, "", [], False) and f not in ALLOWED.get(etype, ())]
    if extra:
        raise LogError(f"у события «{texts.EVENT_RU[etype]}» не бывает: " + ", ".join(FIELD_RU[f] for f in extra))
    out: dict[str, Any] = {"type": etype, "at": at.isoformat(timespec="minutes")}
    for f in ALLOWED.get(etype, ()):
        if fields.get(f) not in (None, "", [], False):
            out[f] = fields[f]
    if by:
        out["by"] = by
    return out


def case_zone(record: dict[str, Any]) -> str:
    city = record.get("city") if isinstance(record.get("city"), dict) else {}
    tz = city.get("timezone") if isinstance(city, dict) else None
    return tz if isinstance(tz, str) and tz else DEFAULT_TZ


def check_time(record: dict[str, Any], at: datetime, now: datetime) -> None:
    """An event cannot come before the contact that opened the case, nor after now."""
    try:
        opened = parse_stamp(str(record.get("opened_at")), zone(case_zone(record)), "/opened_at").at
    except ModelError:
        return  # the contract's check says what is wrong with the record
    if at < opened:
        raise LogError(f"{at:%d.%m.%Y %H:%M} — раньше обращения ({opened:%d.%m.%Y %H:%M}): проверьте дату (--at)")
    if at > now:
        raise LogError(f"{at:%d.%m.%Y %H:%M} — ещё не наступило (сейчас {now:%d.%m.%Y %H:%M}): проверьте дату (--at)")


def append(record: dict[str, Any], ev: dict[str, Any], logged_at: datetime) -> dict[str, Any]:
    """The record with the event added at the end of `events` (every other field kept as it was)."""
    out = dict(record)
    out["events"] = [*(record.get("events") or ()), {**ev, "source": f"{LOGGED} {logged_at.isoformat()}"}]
    return out


def undo(record: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The record without the event logged last; LogError when no event was logged."""
    events = list(record.get("events") or ())
    logged = [(str(e["source"])[len(LOGGED) + 1:], i) for i, e in enumerate(events)
              if isinstance(e, dict) and isinstance(e.get("source"), str) and e["source"].startswith(LOGGED + " ")]
    if not logged:
        raise LogError("в деле нет событий, записанных hotline log: отменять нечего")
    _, i = max(logged)
    removed = events.pop(i)
    out = dict(record)
    out["events"] = events
    return out, removed


def said(ev: dict[str, Any], tz: str) -> str:
    """The event in one Russian line: «05.11.2025 14:00 — обратная связь клиенту: клиент принял (Кузнецова Е.)»."""
    at = datetime.fromisoformat(ev["at"]).astimezone(zone(tz))
    text = f"{at:%d.%m.%Y %H:%M} — {texts.EVENT_RU.get(ev['type'], ev['type'])}"
    if ev.get("outcome"):
        text += ": " + texts.OUTCOME_RU[ev["outcome"]]
    if ev.get("demand"):
        text += ": " + texts.DEMAND_RU[ev["demand"]]
    if ev.get("to"):
        text += f": {ev['to']}"
    if ev.get("by"):
        text += f" ({ev['by']})"
    return text
