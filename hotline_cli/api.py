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


def _date(today: date | str | None) -> date | None:
    if today is None or isinstance(today, date):
        return today
    from hotline_cli.io.answers import parse_date

    return parse_date(str(today), date.today())


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
    (agenda yields one result per case, with its `items`)."""
    from hotline_cli.io.records import Record
    from hotline_cli.run.pipeline import Pipeline

    pipeline = Pipeline(_job(command, today, settings, options))
    for n, rec in enumerate(records, 1):
        if isinstance(rec, dict):
            record = Record(f"{source}:{n}", data=rec)
        else:
            raw = rec.encode("utf-8", "surrogatepass") if isinstance(rec, str) else rec
            if not raw.strip():
                continue
            record = Record(f"{source}:{n}", raw=raw.rstrip(b"\r\n"))
        yield _plain(pipeline.result(record))


def _one(command: str, case: dict[str, Any], today: date | str | None, settings: Any,
         **options: Any) -> dict[str, Any]:
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
