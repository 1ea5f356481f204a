"""Records in, results out: one result per input record, in input order.

A record that cannot be read, validated or built becomes an error result and the batch
goes on. A handler turns a valid `Case` into the command's keys; it never sees bad input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Iterable, Iterator

from hotline_cli.calendar_ru import CalendarError
from hotline_cli.contract import validate
from hotline_cli.model import Case, ModelError, build_case
from hotline_cli.sources import Record, RecordError

_TYPE_RU = {list: "массив", str: "строка", int: "число", float: "число", bool: "true/false", type(None): "null"}


@dataclass
class Context:
    """What every command may need besides the case: fixed for the whole run."""

    today: date | None = None  # --today; None: each case's own local today
    config: Any = None
    options: dict = field(default_factory=dict)
    clock: Callable[[str], date] | None = None  # the shell's "today in this zone"; the core never reads it
    _calendar: Any = None

    def today_for(self, case: Case) -> date:
        if self.today is not None:
            return self.today
        if self.clock is None:
            raise ValueError("no date: pass --today")
        return self.clock(case.tzname)

    @property
    def calendar(self):
        if self._calendar is None:
            from hotline_cli.calendar_ru import ProductionCalendar

            overrides = getattr(self.config, "calendar", None) if self.config is not None else None
            self._calendar = ProductionCalendar(overrides)
        return self._calendar


Handler = Callable[[Case, Context, list], dict]


def error_result(source: str, data: Any, err: RecordError) -> dict:
    case_id = data.get("case_id") if isinstance(data, dict) else None
    return {"case_id": case_id if isinstance(case_id, str) else None, "source": source, "warnings": [],
            "error": err.as_dict()}


def to_case(rec: Record) -> Case | dict:
    """The record's Case, or its error result."""
    if rec.error is not None:
        return error_result(rec.source, None, rec.error)
    data = rec.data
    if not isinstance(data, dict):
        what = _TYPE_RU.get(type(data), type(data).__name__)
        return error_result(rec.source, None, RecordError("", f"ожидается объект дела {{…}}, а здесь {what}"))
    err = validate(data)
    if err is not None:
        return error_result(rec.source, data, err)
    try:
        return build_case(data)
    except ModelError as e:
        return error_result(rec.source, data, RecordError(e.path, e.message))


def run(records: Iterable[Record], handler: Handler, ctx: Context) -> Iterator[dict]:
    for rec in records:
        case = to_case(rec)
        if isinstance(case, dict):
            yield case
            continue
        warnings: list[str] = list(rec.warnings)
        result = {"case_id": case.case_id, "source": rec.source, "warnings": warnings}
        try:
            result.update(handler(case, ctx, warnings))
        except CalendarError as e:  # a date outside the calendar: this record's error only
            yield error_result(rec.source, rec.data, RecordError("", str(e)))
            continue
        yield result
