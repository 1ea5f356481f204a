"""Records in, results out: one result per input record, in input order.

A record that cannot be read, validated or built becomes an error result and the batch
goes on. A handler turns a valid `Case` into the command's keys; it never sees bad input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Iterable, Iterator, NamedTuple

from hotline_cli.calendar_ru import CalendarError
from hotline_cli.config import DEFAULT, Config
from hotline_cli.contract import validate
from hotline_cli.model import Case, ModelError, build_case
from hotline_cli.sources import Block, Record, RecordError, block_records, resolve

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


def checked(rec: Record) -> dict | None:
    """The error result of a record that is not a case by the schema; None for one that is."""
    if rec.error is not None:
        return error_result(rec.source, None, rec.error)
    data = rec.data
    if not isinstance(data, dict):
        what = _TYPE_RU.get(type(data), type(data).__name__)
        return error_result(rec.source, None, RecordError("", f"ожидается объект дела {{…}}, а здесь {what}"))
    err = validate(data)
    return None if err is None else error_result(rec.source, data, err)


def built(rec: Record) -> Case | dict:
    """The Case of a schema-valid record, or its error result (a date that does not exist…)."""
    try:
        return build_case(rec.data)
    except ModelError as e:
        return error_result(rec.source, rec.data, RecordError(e.path, e.message))


def to_case(rec: Record) -> Case | dict:
    """The record's Case, or its error result."""
    bad = checked(rec)
    return bad if bad is not None else built(rec)


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
        return self.decide(rec, to_case(resolve(rec)))

    def decide(self, rec: Record, case: Case | dict) -> dict:
        """The command's result for a record and its Case (or its error result)."""
        spec, ctx = self.spec, self.ctx
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

    def staged(self, recs: list[Record]) -> list[tuple]:
        """`one` of each record, computed stage by stage over the list: parse them all, then
        validate them all, build, decide, render. The interpreter then runs one stage's code
        many times in a row, and its caches stay warm: 15–20 % less CPU than record by
        record (benchmarks/bench.py prints both). Same results, same order."""
        for rec in recs:
            resolve(rec)
        cases = [checked(rec) for rec in recs]
        cases = [built(rec) if case is None else case for rec, case in zip(recs, cases)]
        decide = self.decide
        results = [decide(rec, case) for rec, case in zip(recs, cases)]
        fragment, meta, fmt, spec = self.fragment, self.meta, self.fmt, self.spec
        return [(fragment(r, fmt, spec), meta(r)) for r in results]

    def many(self, records: Iterable[Record], staged: bool = False) -> Iterator[tuple]:
        """(fragment, meta) per record, in order. `staged`: in stages over STAGE records at a
        time (not for a person typing cases on standard input: each answer would wait for
        the next records)."""
        if not staged:
            one = self.one
            for rec in records:
                yield one(rec)
            return
        batch: list[Record] = []
        for rec in records:
            batch.append(rec)
            if len(batch) >= STAGE:
                yield from self.staged(batch)
                batch = []
        if batch:
            yield from self.staged(batch)


STAGE = 32  # records per stage: 8 to 64 measured alike, 256 and more lose the gain


def fragments(records: Iterable[Record], job: Job, post: Callable[[dict], dict] | None = None,
              staged: bool = False):
    """(fragment, meta) per record, in this process (see Pipeline.many for `staged`)."""
    tune_gc()
    return Pipeline(job, post).many(records, staged)


class Counts:
    """What the shell reports of a run, folded from the results' metas (see render.meta):
    records, bad records, whether an error-level finding exists, the audit summary.
    Mergeable, so that each worker process folds its own share."""

    __slots__ = ("read", "errors", "findings_error", "summary")

    def __init__(self, audit: bool):
        self.read = 0
        self.errors = 0
        self.findings_error = False
        self.summary = None
        if audit:
            from hotline_cli.audit import Summary

            self.summary = Summary()

    def add(self, meta: tuple) -> str | None:
        """Count one result; its stderr line, if it is an error."""
        error, findings, situation = meta
        self.read += 1
        if error is not None:
            self.errors += 1
        if self.summary is not None:
            self.summary.add(error, findings, situation)
            if not self.findings_error and any(sev == "error" for _, sev in findings):
                self.findings_error = True
        return error

    def merge(self, other: "Counts") -> None:
        self.read += other.read
        self.errors += other.errors
        self.findings_error = self.findings_error or other.findings_error
        if self.summary is not None:
            self.summary.merge(other.summary)


class Chunk(NamedTuple):
    """A worker's answer for one piece of input: its output, framed for `render.Sink.write_block`."""

    data: bytes  # the joined fragments in UTF-8, encoded here rather than by the parent
    fragments: int  # fragments joined in `data`
    error_lines: list  # stderr lines, in input order
    counts: Counts


_WORKER: dict = {}


def _worker_init(job: Job) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    tune_gc()
    _WORKER["pipeline"] = Pipeline(job)
    _WORKER["audit"] = job.command == "audit"


def _worker_chunk(item) -> Chunk:
    """Process a Block (whole lines of a file, split here) or a list of records."""
    from hotline_cli.render import join

    pipeline = _WORKER["pipeline"]
    records = block_records(item) if type(item) is Block else \
        (Record(x[0], raw=x[1], encoding=x[2]) if type(x) is tuple else x for x in item)
    counts = Counts(_WORKER["audit"])
    frags, error_lines = [], []
    for frag, meta in pipeline.many(records, staged=True):
        frags.append(frag)
        error = counts.add(meta)
        if error is not None:
            error_lines.append(error)
    text, n = join(frags, pipeline.fmt)
    return Chunk(text.encode("utf-8", "backslashreplace"), n, error_lines, counts)


def _work_items(items: Iterable[Record | Block], size: int) -> Iterator[Block | list]:
    """Blocks go as they are; records in lists of `size` (a raw line as a plain tuple:
    4x cheaper to pickle than a Record)."""
    chunk: list = []
    for item in items:
        if type(item) is Block:
            if chunk:
                yield chunk
                chunk = []
            yield item
            continue
        chunk.append((item.source, item.raw, item.encoding) if item.raw is not None else item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def chunks_parallel(items: Iterable[Record | Block], job: Job, jobs: int, chunk_size: int = 400) -> Iterator[Chunk]:
    """Every item processed by `jobs` worker processes: a Chunk per block or list of records,
    in input order. At most 2 × jobs pieces are in flight: memory stays flat however long
    the input."""
    import concurrent.futures as cf
    import multiprocessing as mp
    from collections import deque

    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
    pool = cf.ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_worker_init, initargs=(job,))
    pending: deque = deque()
    try:
        for item in _work_items(items, chunk_size):
            pending.append(pool.submit(_worker_chunk, item))
            if len(pending) >= 2 * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=not pending, cancel_futures=True)
