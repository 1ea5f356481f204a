"""`hotline log` as a run: the case file read, one event added (or the last logged taken back),
the case checked against the contract, written back atomically, and the case's next step and
what is due shown — the same journey every command reads."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hotline_cli.procedure import logbook, texts
from hotline_cli.procedure.settings import Settings


class LogProblem(Exception):
    """A usage or input problem, in one Russian line (exit 2)."""


@dataclass
class Logged:
    case_id: str
    lines: list[str] = field(default_factory=list)  # what to show a person


def event_type(name: str) -> tuple[str | None, str | None]:
    """(the event's code, or None; the nearest code for a typo)."""
    from hotline_cli.io.answers import nearest, norm, spellings

    accepted = spellings(texts.EVENT_RU)
    key = norm(name)
    if key in accepted:
        return accepted[key], None
    return None, nearest(key, accepted)


def choice(value: str | None, labels: Mapping[Any, str], option: str) -> str | None:
    if value is None:
        return None
    from hotline_cli.io.answers import AnswerError, parse_choice, spellings

    try:
        return parse_choice(value, spellings(labels), labels)
    except AnswerError as e:
        raise LogProblem(f"{option}: {e.message}") from None


def run_log(path: str, etype: str | None, at_text: str | None, by: str | None, fields: dict[str, Any],
            draft: str | None, case_id: str | None, undo: bool, now_for: Any, settings: Settings) -> Logged:
    """`now_for(tzname) -> datetime`: the shell's clock in the case's zone."""
    from hotline_cli.io.answers import AnswerError, parse_moment
    from hotline_cli.io.casefile import CaseFileError, read_case_file, write_case_file
    from hotline_cli.io.contract import validate

    try:
        cf = read_case_file(path)
        i = cf.pick(case_id)
    except CaseFileError as e:
        raise LogProblem(str(e)) from None
    record = cf.records[i]
    err = validate(record)
    if err is not None:
        raise LogProblem(f"{path}: дело некорректно ({err.path or '/'}: {err.message}): исправьте его до записи "
                         "событий")
    tz = logbook.case_zone(record)
    now: datetime = now_for(tz)
    cid = str(record.get("case_id"))
    try:
        if undo:
            new, removed = logbook.undo(record)
            lines = [f"Отменено в деле {cid} ({path}): {logbook.said(removed, tz)}."]
        else:
            if draft:
                fields = {**_draft_fields(draft), **{k: v for k, v in fields.items() if v not in (None, [], False)}}
                in_reply = fields.pop("in_reply_to", None)
                etype = etype or ("re_request" if in_reply else "engineer_request")
                if etype == "re_request":
                    fields = {k: v for k, v in fields.items() if k in logbook.ALLOWED["re_request"]}
            assert etype is not None
            at, timed = parse_moment(at_text, now) if at_text else (now, True)
            logbook.check_time(record, at, now)
            ev = logbook.event(etype, at, by, fields)
            new = logbook.append(record, ev, now)
            lines = [f"Записано в дело {cid} ({path}): {logbook.said(ev, tz)}."]
            if not timed:
                lines.append("Время не указано — записано 12:00; точнее: --at «31.10 11:00».")
    except logbook.LogError as e:
        raise LogProblem(str(e)) from None
    except AnswerError as e:
        raise LogProblem(f"--at: {e.message}") from None
    err = validate(new)
    if err is not None:
        raise LogProblem(f"событие не записано: дело стало бы некорректным ({err.path}: {err.message})")
    cf.records[i] = new
    write_case_file(cf)
    return Logged(cid, lines + next_step(new, now, settings))


def _draft_fields(path: str) -> dict[str, Any]:
    from hotline_cli.io.eml import DraftError, read_draft

    try:
        return read_draft(path)
    except DraftError as e:
        raise LogProblem(str(e)) from None


def next_step(record: dict[str, Any], now: datetime, settings: Settings) -> list[str]:
    """The case's next step and what is due, as `escalate` and `followup` see it today."""
    from hotline_cli.io.records import Record
    from hotline_cli.run.pipeline import Job, Pipeline

    out: list[str] = []
    today = now.date()
    esc = Pipeline(Job("escalate", "jsonl", today, settings)).result(Record("log", data=record))
    fol = Pipeline(Job("followup", "jsonl", today, settings)).result(Record("log", data=record))
    if esc.get("todo"):
        out.append(f"Следующий шаг: {esc['todo']}")
    elif esc.get("warnings"):
        out.append(f"Следующий шаг: {esc['warnings'][-1]}")
    actions = fol.get("next_actions") or []
    if actions:
        out.append("Что сделать:")
        out += [f"  [ ] {texts.ru_date(datetime.fromisoformat(a['due']).date())} — {a['text']}" for a in actions]
    return out


def command(path: str, event: str | None, at: str | None, by: str | None, given: dict[str, Any],
            draft: str | None, case_id: str | None, undo: bool, config_path: str | None, now_text: str | None,
            ask: Callable[[str], bool]) -> None:
    """`hotline log`: the event named in Russian or by code (a typo is asked about on a terminal,
    `ask(question)`), the options as given (`given`: outcome and demand in words), then the run
    and what it shows."""
    from hotline_cli.io import screen
    from hotline_cli.procedure.case import zone
    from hotline_cli.run.shell import BadArgument, Problem, Usage, load_settings, screen_width, write_stdout

    etype = None
    if not undo:
        if event is None and not draft:
            raise Usage("укажите СОБЫТИЕ (например «звонок эксперта») или --from-draft ФАЙЛ.eml")
        if event is not None:
            etype, near = event_type(event)
            if etype is None:
                label = texts.EVENT_RU.get(near or "", "")
                if near and sys.stdin.isatty() and ask(
                        f"«{event}» — такого события нет. Возможно, имелось в виду «{label}»? (да/нет)"):
                    etype = near
                else:
                    hint = f"; возможно, имелось в виду «{label}»" if near else ""
                    raise BadArgument(f"«{event}» — такого события нет{hint}. События: "
                                      + ", ".join(f"«{v}»" for v in texts.EVENT_RU.values()), "СОБЫТИЕ")

    def now_for(tzname: str) -> datetime:
        if now_text:
            from hotline_cli.io.answers import AnswerError, parse_moment

            try:
                return parse_moment(now_text, datetime.now(zone(tzname)))[0]
            except AnswerError as e:
                raise LogProblem(f"--now: {e.message}") from None
        return datetime.now(zone(tzname))

    try:
        fields = dict(given, outcome=choice(given.get("outcome"), dict(texts.OUTCOME_RU), "--outcome"),
                      demand=choice(given.get("demand"), dict(texts.DEMAND_RU), "--demand"))
        done = run_log(path, etype, at, by, fields, draft, case_id, undo, now_for, load_settings(config_path))
    except LogProblem as e:
        raise Problem(str(e)) from None
    write_stdout(screen.render(done.lines, screen_width()))
