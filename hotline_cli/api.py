"""The Python API: what `--format jsonl` prints, as dicts, for scripts and other programs.

    from hotline_cli import api

    r = api.triage(case_dict, today="2025-11-20")          # one case: its result
    r["verdict"], r["situation"]
    for r in api.run("audit", open("export.jsonl"), today="2025-11-20"):   # many: one result a line
        ...

A single-case function validates first: a record that is not a valid case raises
`InvalidCase`, whose `errors` are the Russian messages with their JSON Pointers (the same as
the command line's). `run` never raises for a bad record: it yields the record's `error`
result in its place, exactly as `--format jsonl` does. Every result is exactly what
`--format jsonl` prints, parsed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

__all__ = ["InvalidCase", "agenda", "audit", "escalate", "followup", "load_settings", "run", "summarize", "triage"]


class InvalidCase(ValueError):
    """A record that is not a valid case: `errors` is a list of {path, message} (Russian)."""

    def __init__(self, errors: list[dict[str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{e['path']}: {e['message']}" if e["path"] else e["message"] for e in errors))


def load_settings(path: str | None) -> Any:
    """A configuration file (TOML or JSON) as the settings every function takes (`settings=`)."""
    from hotline_cli.io.config_file import load_config

    return load_config(path)


COMMANDS = ("triage", "escalate", "followup", "summarize", "audit", "agenda")


def _date(today: date | str | None) -> date | None:
    if today is None or isinstance(today, date):
        return today
    if not isinstance(today, str):
        raise TypeError(f"today: ожидается дата (date или строка «2025-11-20»), а здесь {type(today).__name__}")
    from hotline_cli.io.answers import AnswerError, parse_date

    try:
        return parse_date(today, date.today())
    except AnswerError as e:
        raise ValueError(f"today: {e.message}") from None


def _command(command: Any) -> str:
    if command in COMMANDS:
        return str(command)
    from hotline_cli.io.answers import nearest

    near = nearest(str(command), COMMANDS)
    hint = f"; возможно, имелось в виду «{near}»" if near else ""
    raise ValueError(f"нет команды «{command}»{hint}; команды: {', '.join(COMMANDS)}")


def _job(command: str, today: date | str | None, settings: Any, options: dict[str, Any]) -> Any:
    from hotline_cli.procedure.case import zone
    from hotline_cli.procedure.settings import DEFAULT
    from hotline_cli.run.pipeline import Job

    return Job(command, "jsonl", _date(today), settings or DEFAULT, options,
               clock=lambda tz: datetime.now(zone(tz)).date())


def _plain(r: dict[str, Any]) -> dict[str, Any]:
    """Exactly what jsonl prints, parsed: the same escapes, lists for tuples."""
    from hotline_cli.io.writers import dumps

    return dict(json.loads(dumps(r)))


def run(command: str, records: Iterable[str | bytes | dict[str, Any]], today: date | str | None = None,
        settings: Any = None, source: str = "api", **options: Any) -> Iterator[dict[str, Any]]:
    """One result per record (a JSON line as str or bytes, or a dict), in order; a bad record's
    error result in its place. `command`: triage, escalate, followup, summarize, audit, agenda
    (agenda yields one result per case, with its `items`). Bad arguments raise at once: ValueError
    (an unknown command, a date that is none), TypeError (records that are not a sequence)."""
    from hotline_cli.run.pipeline import Pipeline

    pipeline = Pipeline(_job(_command(command), today, settings, options))
    if isinstance(records, (str, bytes, dict)) or not hasattr(records, "__iter__"):
        raise TypeError("records: ожидается последовательность записей (строки JSON, байты или словари), а здесь "
                        f"{type(records).__name__}")
    return _results(pipeline, records, source)


def _results(pipeline: Any, records: Iterable[Any], source: str) -> Iterator[dict[str, Any]]:
    from hotline_cli.io.records import Record, RecordError

    for n, rec in enumerate(records, 1):
        where = f"{source}:{n}"
        if isinstance(rec, dict):
            record = Record(where, data=rec)
        elif isinstance(rec, (str, bytes, bytearray)):
            try:
                raw = rec.encode("utf-8", "surrogatepass") if isinstance(rec, str) else bytes(rec)
            except UnicodeError:
                raw = b""
            if not raw.strip():
                continue
            record = Record(where, raw=raw.rstrip(b"\r\n"))
        else:  # None, a list, a set, a number, a datetime…: this record's error, and the others go on
            record = Record(where, error=RecordError("", "ожидается запись дела: объект (словарь), строка JSON "
                                                         f"или байты, а здесь {type(rec).__name__}"))
        try:
            result = pipeline.result(record)
        except (RecursionError, ValueError, TypeError) as e:  # a value JSON cannot carry (10**5000…)
            result = pipeline.result(Record(where, error=RecordError("", f"запись не читается: {type(e).__name__}")))
        yield _plain(result)


def _one(command: str, case: dict[str, Any], today: date | str | None, settings: Any,
         **options: Any) -> dict[str, Any]:
    if not isinstance(case, dict):
        raise TypeError(f"case: ожидается одно дело — словарь, а здесь {type(case).__name__} "
                        "(для многих дел — api.run)")
    [r] = list(run(command, [case], today, settings, source="api", **options))
    if "error" in r:
        e = r["error"]
        raise InvalidCase([{"path": e["path"], "message": e["message"]}] + list(e["details"]))
    return r


def triage(case: dict[str, Any], today: date | str | None = None, settings: Any = None) -> dict[str, Any]:
    """The operator's verdict for a new contact: situation, verdict, actions, what to say, records."""
    return _one("triage", case, today, settings)


def escalate(case: dict[str, Any], today: date | str | None = None, settings: Any = None, *,
             engineer: str | None = None, urgent: bool = False, questions: Iterable[str] = ()) -> dict[str, Any]:
    """The expert's next step and the message due now."""
    return _one("escalate", case, today, settings, engineer=engineer, urgent=urgent, questions=list(questions))


def followup(case: dict[str, Any], today: date | str | None = None, settings: Any = None) -> dict[str, Any]:
    """The clocks, the actions due and the consumer-rights terms."""
    return _one("followup", case, today, settings)


def summarize(case: dict[str, Any], today: date | str | None = None, settings: Any = None) -> dict[str, Any]:
    """The final GSIS consultation."""
    return _one("summarize", case, today, settings)


def audit(case: dict[str, Any], today: date | str | None = None, settings: Any = None, *,
          select: Iterable[str] = (), ignore: Iterable[str] = ()) -> dict[str, Any]:
    """The findings HL101–HL304 of one case (an invalid record raises InvalidCase: HL001)."""
    return _one("audit", case, today, settings, select=list(select), ignore=list(ignore))


def agenda(case: dict[str, Any], today: date | str | None = None, settings: Any = None,
           days: int = 3) -> dict[str, Any]:
    """The actions one case calls for, overdue, today or within `days` working days."""
    return _one("agenda", case, today, settings, days=days)
