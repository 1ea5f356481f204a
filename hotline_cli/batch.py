"""Records in, results out: one result per input record, in input order.

A record that cannot be read, validated or built becomes an error result and the batch
goes on. A handler turns a valid `Case` into the command's keys; it never sees bad input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Iterable, Iterator

from hotline_cli.calendar_ru import CalendarError
from hotline_cli.config import DEFAULT, Config
from hotline_cli.contract import validate
from hotline_cli.model import Case, ModelError, build_case
from hotline_cli.sources import Record, RecordError, resolve

_TYPE_RU = {list: "массив", str: "строка", int: "число", float: "число", bool: "true/false", type(None): "null"}


@dataclass
class Context:
    """What every command may need besides the case: fixed for the whole run."""

    today: date | None = None  # --today; None: each case's own local today
    config: Config = DEFAULT
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

            self._calendar = ProductionCalendar(self.config.calendar)
        return self._calendar


def error_result(source: str, data: Any, err: RecordError) -> dict:
    case_id = data.get("case_id") if isinstance(data, dict) else None
    return {"case_id": case_id if isinstance(case_id, str) else None, "source": source, "warnings": [],
            "error": err.as_dict()}


def _client_name(data: Any) -> tuple[str, ...]:
    """The client's name in a record that may not be a valid case (for --mask-pii)."""
    client = data.get("client") if isinstance(data, dict) else None
    name = client.get("name") if isinstance(client, dict) else None
    return (name,) if isinstance(name, str) and name else ()


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


# ------------------------------------------------------------------ a whole run, in one or several processes


@dataclass
class Job:
    """Everything a run needs, picklable, so that worker processes can rebuild it."""

    command: str
    fmt: str
    today: date | None
    config: Config
    options: dict
    mask_pii: bool = False
    clock: Callable[[str], date] | None = None

    def prepare(self):
        from hotline_cli import commands

        spec = commands.COMMANDS[self.command]
        options = dict(self.options)
        if self.command == "audit":
            from hotline_cli.audit import select_rules

            options["rules"] = select_rules(options.get("select", ()), options.get("ignore", ()))
        ctx = Context(today=self.today, config=self.config, options=options, clock=self.clock)
        return spec, ctx


def tune_gc() -> None:
    """A batch allocates many short-lived objects and keeps almost none: freeze what is
    loaded so far and collect the young generation less often (measured: benchmarks/)."""
    import gc

    gc.freeze()
    gc.set_threshold(20_000, 50, 100)


class Pipeline:
    """One record in, (fragment, meta) out: read, validate, decide, mask, render.

    Built once per process (the calendar's tables and memo live in its context)."""

    def __init__(self, job: Job, post: Callable[[dict], dict] | None = None):
        from hotline_cli import render

        self.spec, self.ctx = job.prepare()
        self.fmt = job.fmt
        self.post = post  # .eml drafts are messages to send: written before any masking
        self.mask = None
        if job.mask_pii:
            from hotline_cli.privacy import mask_result

            self.mask = mask_result
        self.fragment, self.meta = render.fragment, render.meta

    def result(self, rec: Record) -> dict:
        spec, ctx = self.spec, self.ctx
        case = to_case(resolve(rec))
        if isinstance(case, dict):
            r = case
            names = _client_name(rec.data)
        else:
            names = (case.client_name,)
            warnings: list[str] = list(rec.warnings)
            r = {"case_id": case.case_id, "source": rec.source, "warnings": warnings}
            try:
                as_of = ctx.today_for(case)
                # every command judges the case as it stood at the end of that day
                r.update(spec.handler(case.until(as_of), as_of, ctx, warnings))
            except CalendarError as e:  # a date outside the calendar: this record's error only
                r = error_result(rec.source, rec.data, RecordError("", str(e)))
        if "error" in r and spec.on_error is not None:
            r = spec.on_error(r, ctx)
        if self.post is not None:
            r = self.post(r)
        return r if self.mask is None else self.mask(r, names)

    def one(self, rec: Record) -> tuple:
        r = self.result(rec)
        return self.fragment(r, self.fmt, self.spec), self.meta(r)

    def many(self, records: Iterable[Record]) -> Iterator[tuple]:
        one = self.one
        for rec in records:
            yield one(rec)


def fragments(records: Iterable[Record], job: Job, post: Callable[[dict], dict] | None = None):
    """(fragment, meta) per record, in this process."""
    tune_gc()
    return Pipeline(job, post).many(records)


_WORKER: dict = {}


def _worker_init(job: Job) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    tune_gc()
    _WORKER["pipeline"] = Pipeline(job)


def _worker_chunk(chunk: list) -> list[tuple]:
    one = _WORKER["pipeline"].one
    return [one(Record(item[0], raw=item[1], encoding=item[2]) if type(item) is tuple else item) for item in chunk]


def _chunks(records: Iterable[Record], size: int) -> Iterator[list]:
    """Chunks to send to a worker; a raw line travels as a plain tuple (4x cheaper to pickle)."""
    chunk: list = []
    for rec in records:
        chunk.append((rec.source, rec.raw, rec.encoding) if rec.raw is not None else rec)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def fragments_parallel(records: Iterable[Record], job: Job, jobs: int, chunk_size: int = 400):
    """The same as `fragments`, computed by `jobs` worker processes, in input order.

    At most 2 × jobs chunks are in flight: memory stays flat however long the input."""
    import concurrent.futures as cf
    import multiprocessing as mp
    from collections import deque

    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
    pool = cf.ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_worker_init, initargs=(job,))
    pending: deque = deque()
    try:
        for chunk in _chunks(records, chunk_size):
            pending.append(pool.submit(_worker_chunk, chunk))
            if len(pending) >= 2 * jobs:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    finally:
        pool.shutdown(wait=not pending, cancel_futures=True)
