"""Records in, results out: one result per input record, in input order.

A record that cannot be read, validated or built becomes an error result and the batch
goes on. A command's handler reads the valid case's journey; it never sees bad input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from hotline_cli.io import writers
from hotline_cli.io.contract import fast_reader, validate
from hotline_cli.io.records import Record, RecordError
from hotline_cli.io.sources import INPUT_PROBLEMS, resolve
from hotline_cli.io.views import error_line
from hotline_cli.procedure.calendar import CalendarError
from hotline_cli.procedure.case import Case, ModelError, build_case
from hotline_cli.procedure.journey import Journey
from hotline_cli.procedure.settings import DEFAULT, Settings
from hotline_cli.run.commands import COMMANDS, Command, Context

Result = dict[str, Any]
_TYPE_RU: Final = {list: "массив", str: "строка", int: "число", float: "число", bool: "true/false", type(None): "null"}


def error_result(source: str, data: Any, err: RecordError) -> Result:
    case_id = data.get("case_id") if isinstance(data, dict) else None
    return {"case_id": case_id if isinstance(case_id, str) else None, "source": source, "warnings": [],
            "error": err.as_dict()}


def _client_name(data: Any) -> tuple[str, ...]:
    """The client's name in a record that may not be a valid case (for --mask-pii)."""
    client = data.get("client") if isinstance(data, dict) else None
    name = client.get("name") if isinstance(client, dict) else None
    return (name,) if isinstance(name, str) and name else ()


def parsed(rec: Record) -> Record:
    """The record read: a JSON Lines line the contract's fast path proves a valid case is
    taken as it is (`valid`); any other goes through the strict reader (io/fast.py)."""
    if rec.raw is not None and rec.encoding == "utf-8":
        fast = fast_reader()
        data = fast(rec.raw) if fast is not None else None
        if data is not None:
            rec.data, rec.raw, rec.valid = data, None, True
            return rec
    return resolve(rec)


def checked(rec: Record) -> Result | None:
    """The error result of a record that is not a case by the schema; None for one that is."""
    if rec.valid:
        return None
    if rec.error is not None:
        return error_result(rec.source, None, rec.error)
    data = rec.data
    if not isinstance(data, dict):
        what = _TYPE_RU.get(type(data), type(data).__name__)
        return error_result(rec.source, None, RecordError("", f"ожидается объект дела {{…}}, а здесь {what}"))
    err = validate(data)
    if err is not None and isinstance(data.get("ticket"), dict) and "case_id" not in data:
        tid = data["ticket"].get("id")
        err = RecordError("", f"это тикет Usedesk{f' {tid}' if isinstance(tid, str | int) else ''} (ответ API "
                              "/ticket), а не дело: дела из выгрузки Usedesk делает «hotline import --usedesk ФАЙЛ»")
    return None if err is None else error_result(rec.source, data, err)


def built(rec: Record) -> Case | Result:
    """The Case of a schema-valid record, or its error result (a date that does not exist…)."""
    try:
        return build_case(rec.data)
    except ModelError as e:
        message = e.message
        if e.path == "/city/timezone":
            from hotline_cli.io.answers import nearest_zone

            near = nearest_zone(str(rec.data["city"].get("timezone")))
            message += f"; возможно, имелось в виду «{near}»" if near else ""
        return error_result(rec.source, rec.data, RecordError(e.path, message))


def to_case(rec: Record) -> Case | Result:
    """The record's Case, or its error result."""
    bad = checked(rec)
    return bad if bad is not None else built(rec)


@dataclass
class Job:
    """Everything a run needs, picklable, so that worker processes can rebuild it."""

    command: str
    fmt: str
    today: date | None
    settings: Settings = DEFAULT
    options: dict[str, Any] = field(default_factory=dict)
    mask_pii: bool = False
    pii_salt: str = ""
    clock: Callable[[str], date] | None = None
    width: int = 100  # the screen's width for text and tables

    def prepare(self) -> tuple[Command, Context]:
        spec = COMMANDS[self.command]
        options = dict(self.options)
        if spec.prepare is not None:
            options = spec.prepare(options, self.settings)
        return spec, Context(today=self.today, settings=self.settings, options=options, clock=self.clock)


def tune_gc() -> None:
    """A batch allocates many short-lived objects and keeps almost none: freeze what is
    loaded so far and collect the young generation less often (measured: benchmarks/)."""
    import gc

    gc.freeze()
    gc.set_threshold(20_000, 50, 100)


def python_class(cls: type[Any]) -> type[Any]:
    """Nothing at run time; the compiled build's mypyc keeps a decorated class a Python class
    (any class decorator does) and compiles its methods."""
    return cls


@python_class  # a subclass of str: a Python class in the compiled build too
class InputProblem(str):
    """The stderr line of an input that holds no record at all (a missing file, an empty folder):
    counted as an unread input, not as a record read."""

    __slots__ = ()


Meta = tuple[str | None, tuple[tuple[str, str], ...], Any, Any, tuple[Any, str] | None, bytes | None]


def meta(r: Result, drill: Callable[[Result], bytes] | None = None) -> Meta:
    """What the shell counts of a result: (stderr line or None, findings as (code, severity) — a
    waived one's severity "waived" —, situation, the case's facts for the breakdowns, (case id,
    source), and with `drill` the case's line for the report's drill-down lists)."""
    findings = tuple((x["code"], "waived" if "waived" in x else x["severity"]) for x in r.get("findings") or ())
    line_ = drill(r) if drill is not None else None
    if "error" in r:
        line = error_line(r)
        e = r["error"]
        if not e["path"] and e["message"].startswith(INPUT_PROBLEMS) and not _has_line(r["source"]):
            return InputProblem(line), findings, None, None, None, None
        return line, findings, None, None, None, line_
    facts = r.get("case")
    origin = facts.get("origin") if isinstance(facts, dict) else None
    return (None, findings, r.get("situation") or r.get("verdict"), facts, (r["case_id"], origin or r["source"]),
            line_)


def _has_line(source: str) -> bool:
    head, _, tail = source.rpartition(":")
    return bool(head) and tail.isdigit()


class Pipeline:
    """One record in, (fragment, meta) out: read, validate, decide, mask, render.

    Built once per process (the calendar's tables and memo live in its context)."""

    def __init__(self, job: Job, post: Callable[[Result], Result] | None = None):
        self.spec, self.ctx = job.prepare()
        if job.options.get("all") and self.spec.all_view is not None:
            self.spec = self.spec.with_view(self.spec.all_view)
        self.fmt = job.fmt
        self.width = job.width
        self.lines = False  # JSON Lines as bytes for `writers.jsonl_block` (a worker's block)
        self.post = post  # .eml drafts are messages to send: written before any masking
        self.drill: Callable[[Result], bytes] | None = None  # a line per case for the report's drill-down
        if job.options.get("drill"):
            from hotline_cli.run.month import drill_line

            self.drill = drill_line
        self.mask: Callable[[Result, tuple[str, ...]], Result] | None = None
        if job.mask_pii:
            from hotline_cli.io.privacy import mask_result

            salt = job.pii_salt
            self.mask = lambda r, names: mask_result(r, names, salt)

    def result(self, rec: Record) -> Result:
        return self.decide(rec, to_case(parsed(rec)))

    def decide(self, rec: Record, case: Case | Result) -> Result:
        """The command's result for a record and its Case (or its error result)."""
        spec, ctx = self.spec, self.ctx
        if isinstance(case, dict):
            r = case
            names = _client_name(rec.data)
        else:
            names = (case.client_name,)
            r = {"case_id": case.case_id, "source": rec.source, "warnings": list(rec.warnings)}
            try:
                as_of = ctx.today_for(case)
                # every command judges the case as it stood at the end of that day
                out = spec.handler(Journey(case.until(as_of), as_of, ctx.calendar), ctx)
                r["warnings"] += out.pop("warnings", ())
                r.update(out)
            except CalendarError as e:  # a date outside the calendar: this record's error only
                r = error_result(rec.source, rec.data, RecordError("", str(e)))
        if "error" in r and spec.on_error is not None:
            r = spec.on_error(r, ctx)
        if self.post is not None:
            r = self.post(r)
        return r if self.mask is None else self.mask(r, names)

    def render(self, r: Result) -> Any:
        """The result's fragment of the output; a gathering command keeps the result itself."""
        if self.spec.gather or self.fmt == "xlsx":
            return r
        if self.lines and self.fmt == "jsonl":
            return writers.jsonl_line(r)
        return writers.fragment(r, self.fmt, self.spec.view, self.width)

    def joined(self, frags: list[Any]) -> tuple[bytes, int]:
        """Rendered fragments as one block of UTF-8 for `Sink.write_block`: (bytes, how many)."""
        if self.lines and self.fmt == "jsonl":
            return writers.jsonl_block(frags), len(frags)
        text, n = writers.join(frags, self.fmt)
        return text.encode("utf-8", "backslashreplace"), n

    def one(self, rec: Record) -> tuple[Any, tuple[Any, ...]]:
        r = self.result(rec)
        return self.render(r), meta(r, self.drill)

    def staged(self, recs: list[Record]) -> list[tuple[Any, tuple[Any, ...]]]:
        """`one` of each record, computed stage by stage over the list: parse them all, then
        validate them all, build, decide, render. The interpreter then runs one stage's code
        many times in a row, and its caches stay warm: 15–20 % less CPU than record by
        record (benchmarks/bench.py prints both). Same results, same order."""
        for rec in recs:
            parsed(rec)
        checks = [checked(rec) for rec in recs]
        cases = [built(rec) if bad is None else bad for rec, bad in zip(recs, checks)]
        decide = self.decide
        results = [decide(rec, case) for rec, case in zip(recs, cases)]
        render, drill = self.render, self.drill
        return [(render(r), meta(r, drill)) for r in results]

    def many(self, records: Iterable[Record], staged: bool = False) -> Iterator[tuple[Any, tuple[Any, ...]]]:
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


STAGE: Final = 32  # records per stage: 8 to 64 measured alike, 256 and more lose the gain


def fragments(records: Iterable[Record], job: Job, post: Callable[[Result], Result] | None = None,
              staged: bool = False) -> Iterator[tuple[Any, tuple[Any, ...]]]:
    """(fragment, meta) per record, in this process (see Pipeline.many for `staged`)."""
    tune_gc()
    return Pipeline(job, post).many(records, staged)


@dataclass(slots=True)
class Counts:
    """What the shell reports of a run, folded from the results' metas: records, bad
    records, whether an error-level finding exists, the command's summary (audit).
    Mergeable, so that each worker process folds its own share (`of`: a command's fresh one)."""

    read: int = 0
    unread: int = 0  # inputs that hold no record (a missing file, an empty folder)
    errors: int = 0
    findings_error: bool = False
    summary: Any = None
    drill: list[bytes] = field(default_factory=list)  # the cases' drill-down lines, until the shell writes them away

    @classmethod
    def of(cls, command: str) -> Counts:
        factory = COMMANDS[command].summary
        return cls(summary=factory() if factory is not None else None)

    def add(self, m: tuple[Any, ...]) -> str | None:
        """Count one result; its stderr line, if it is an error."""
        error: str | None = m[0]
        _, findings, situation, facts, ident, drill = m
        if isinstance(error, InputProblem):
            self.unread += 1
        else:
            self.read += 1
        if error is not None:
            self.errors += 1
        if findings and not self.findings_error and any(sev == "error" for _, sev in findings):
            self.findings_error = True
        if self.summary is not None:
            self.summary.add(error, findings, situation, facts, ident)
        if drill is not None:
            self.drill.append(drill)
        return error

    def merge(self, other: Counts) -> None:
        self.read += other.read
        self.unread += other.unread
        self.errors += other.errors
        self.findings_error = self.findings_error or other.findings_error
        if self.summary is not None:
            self.summary.merge(other.summary)
