"""A batch command's run: read the inputs, decide each record (in this process or in workers),
write the results, count them, and finish what the month's summary needs. The shell (Click)
only parses the options and turns the returned status into the exit code."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from hotline_cli.run.shell import (
    EXIT_FINDINGS,
    EXIT_INPUT,
    EXIT_OK,
    MACHINE_FORMATS,
    PipeClosed,
    Problem,
    guard_outputs,
    load_settings,
    open_output,
    quiet_stdout,
    say,
    screen_width,
    today_in,
    usable_cores,
)


@dataclass
class Plan:
    """A batch run, checked and decided before anything is read: what to run, on what, how."""

    command: str
    spec: Any  # run.commands.Command
    job: Any  # run.pipeline.Job
    names: list[str]
    fmt: str
    output: str | None
    encoding: str
    jobs: int
    eml: str | None
    report: str | None
    statistics: bool
    exit_zero: bool
    compare_with: str | None
    version: str

    @property
    def view(self) -> Any:
        spec = self.spec
        return spec.all_view if self.job.options.get("all") and spec.all_view is not None else spec.view


def plan(command: str, inputs: tuple[str, ...], fmt: str, today: date | None, config_path: str | None,
         output: str | None, encoding: str, mask_pii: bool, options: dict[str, Any] | None = None,
         jobs: int | None = 1, version: str = "") -> Plan:
    """Every option checked, the configuration read, the outputs guarded, the workers counted:
    a Problem (status 2) before any record is read."""
    from hotline_cli.io import sources
    from hotline_cli.run import pipeline
    from hotline_cli.run.commands import COMMANDS

    spec = COMMANDS[command]
    bad_encoding = sources.check_encoding(encoding)
    if bad_encoding:
        raise Problem(f"--encoding: {bad_encoding}")
    options = dict(options or {})
    eml, report = options.pop("eml", None), options.pop("report", None)
    statistics, exit_zero = options.pop("statistics", False), options.pop("exit_zero", False)
    compare_with, waivers_file = options.pop("compare", None), options.pop("waivers_file", None)
    if waivers_file:
        options["waivers"] = _load_waivers(waivers_file, today)
    if report:
        options["drill"] = True
    if options.pop("excel", False):
        if fmt != "csv":
            raise Problem("--excel — для --format csv (таблица для Excel: «;» и UTF-8 с BOM)")
        fmt = "csv-excel"
    if fmt == "xlsx" and not output:
        raise Problem("--format xlsx пишет книгу Excel в файл: укажите --output ФАЙЛ.xlsx")
    job = pipeline.Job(command, "none" if statistics else fmt, today, load_settings(config_path), options,
                       mask_pii, os.environ.get("HOTLINE_PII_SALT", ""), clock=today_in, width=screen_width())
    try:
        job.prepare()
    except ValueError as e:
        raise Problem(str(e)) from None
    names = list(inputs) or ["-"]
    if report is not None and not report.lower().endswith((".html", ".htm")):
        raise Problem(f"--report {report}: отчёт — страница HTML; укажите файл .html")
    guard_outputs({"--output": output, "--report": report, "--eml": eml},
                  names + [x for x in (compare_with, waivers_file) if x])
    return Plan(command, spec, job, names, fmt, output, encoding, _workers(jobs, names, fmt, eml, spec.gather), eml,
                report, statistics, exit_zero, compare_with, version)


def _workers(jobs: int | None, names: list[str], fmt: str, eml: str | None, gather: bool) -> int:
    from hotline_cli.io import sources

    if eml or fmt in ("table", "xlsx") or gather:
        return 1  # .eml files are written by this process; a table, a workbook, a gathered run are built whole
    if jobs is None:  # auto: every usable core for a large export
        return usable_cores() if sources.input_size(names) >= PARALLEL_FROM_BYTES else 1
    return min(jobs, usable_cores())  # more workers than cores only take turns (--jobs 10000 would ask for 34 GB)


def run_batch(*args: Any, **kw: Any) -> int:
    """A batch command from its options to its exit status: plan, read and decide, write, finish."""
    p = plan(*args, **kw)
    if p.names == ["-"] and sys.stdin.isatty():
        say("hotline: читаю дела со стандартного ввода (Ctrl-D — конец ввода)…")
    # text for a person on the same terminal as the messages already shows each bad record: said once
    tally = Tally(p.command, echo=not (p.fmt == "text" and p.output is None and sys.stdout.isatty()
                                       and sys.stderr.isatty()))
    if p.report:
        from hotline_cli.run.month import Drill

        tally.drill = Drill(_folder_of(p.report))
    with open_output(p.output, binary=p.fmt == "xlsx", utf8=p.fmt in MACHINE_FORMATS) as out:
        pipe = PipeGuard(p.report is not None and p.output is None)  # the report outlives a reader who left
        sink = _sink(p, out)
        _process(p, tally, sink, pipe)
        _close(p, tally, sink, pipe, out)
    s = tally.summary
    if p.report and s is not None:
        _report(p, s, tally.drill)
    if pipe.closed:
        raise PipeClosed()
    if s is not None and p.fmt != "text" and sys.stderr.isatty():
        say(f"hotline {p.command}: записей {s.read}, некорректных {s.invalid}, с ошибками {s.with_errors}, "
            f"с предупреждениями {s.with_warnings}, без замечаний {s.clean}")
    return tally.exit_code(p.exit_zero)


def _sink(p: Plan, out: Any) -> Any:
    """Where the results go: a workbook, nothing (--statistics), or the format's writer."""
    from hotline_cli.io import writers

    if p.fmt == "xlsx":
        from hotline_cli.io.workbook import WorkbookSink

        return WorkbookSink(out, p.command, p.view, p.statistics)
    if p.statistics:
        return writers.NullSink()
    return writers.Sink(out, p.fmt, p.view, p.job.width)


def _process(p: Plan, tally: Tally, sink: Any, pipe: PipeGuard) -> None:
    """Every record read, decided and written in input order: by workers, or in this process."""
    from hotline_cli.io import sources
    from hotline_cli.run import pipeline

    progress = p.output is not None or not sys.stdout.isatty()
    if p.jobs > 1:
        from hotline_cli.run.pool import chunks_parallel

        # each worker reads its own byte ranges of a named file: this process only finds where lines end
        blocks = sources.read_blocks(p.names, p.encoding, size=RANGE_BYTES, ranged=True, share=RANGE_SHARE * p.jobs,
                                     smallest=RANGE_SMALLEST)
        chunks = chunks_parallel(blocks, p.job, p.jobs)
        for chunk in tally.watch_chunks(chunks, progress):
            pipe.run(sink.write_block, chunk.data, chunk.fragments)
        return
    post = EmlWriter(p.eml).write if p.eml else None
    pairs = pipeline.fragments(sources.read_raw(p.names, p.encoding), p.job, post=post, staged="-" not in p.names)
    if p.spec.gather:
        frags = [frag for frag, _meta in tally.watch(pairs, progress)]
        pipe.run(write_gathered, frags, sink, p.job)
        return
    for frag, _meta in tally.watch(pairs, progress):
        pipe.run(sink.write, frag)


def _close(p: Plan, tally: Tally, sink: Any, pipe: PipeGuard, out: Any) -> None:
    """The summary finished (repeats, waivers, the comparison), then the output's end: the
    workbook's summary sheets, the statistics, or the text's trailer."""
    from hotline_cli.io import writers

    s = tally.summary
    if s is not None:
        the_month(s, p.names, p.job, p.encoding, p.compare_with, p.job.options.get("waivers"))
    if p.fmt == "xlsx":
        sink.close(s)
        for line in sink.warnings:
            say(f"hotline: предупреждение: {line}")
    elif p.statistics and s is not None:
        pipe.run(writers.write_statistics, out, p.fmt, s.as_dict(), p.spec.trailer(s), p.job.width)
    else:
        pipe.run(sink.close, p.spec.trailer(s))


def _report(p: Plan, s: Any, drill: Any) -> None:
    """--report: the summary for people (the worst labels shown), the drill-down lists, the page."""
    from hotline_cli.procedure.month import SHOWN

    assert p.report is not None
    data = s.as_dict(SHOWN)
    try:
        data["drill"] = drill.lists(data, s.dropped)
    finally:
        drill.close()
    write_report(p.report, data, p.job.today, p.names, p.version)


PARALLEL_FROM_BYTES = 4 * 1024 * 1024
# a worker's piece of a named JSON Lines file: 1/(RANGE_SHARE × workers) of what is left of it, from
# 4 MB (about 2 800 cases) down to 256 KB at the end. A piece costs about 1 ms beyond its cases (its
# summary made, sent and merged), and the last pieces decide how far apart the workers finish: against
# 1 MB pieces throughout, 100 000 / 50 000 cases take 3 % / 2 % less (benchmarks/bench.py, compiled
# core). At most 2 × workers pieces' results are in memory.
RANGE_BYTES = 4 * 1024 * 1024
RANGE_SMALLEST = 256 * 1024
RANGE_SHARE = 2


class PipeGuard:
    """Writes to standard output; when the reader goes away (| head) and `keep_going`, the rest is
    read and counted all the same (the report needs the whole run), and nothing more is written."""

    def __init__(self, keep_going: bool):
        self.keep_going = keep_going
        self.closed = False

    def run(self, write: Callable[..., Any], *args: Any) -> None:
        if self.closed:
            return
        try:
            write(*args)
        except BrokenPipeError:
            if not self.keep_going:
                raise
            self.closed = True
            quiet_stdout()


def _folder_of(path: str) -> str | None:
    folder = os.path.dirname(os.path.abspath(path))
    return folder if os.path.isdir(folder) else None


def _load_waivers(path: str, today: date | None) -> Any:
    from hotline_cli.io.waivers import WaiverError, load
    from hotline_cli.procedure.audit import CODES

    try:
        return load(path, set(CODES), today or date.today())
    except WaiverError as e:
        raise Problem(str(e)) from None


def the_month(s: Any, names: list[str], job: Any, encoding: str, compare_with: str | None,
              waivers: dict[Any, Any] | None) -> None:
    """What the summary needs beyond the run's own counts: the same case given twice settled,
    the waivers applied and unused, the previous period compared."""
    from hotline_cli.procedure import month
    from hotline_cli.procedure.audit import CODES, DIMENSIONS
    from hotline_cli.run.month import PreviousError, previous, settle_duplicates

    for line in settle_duplicates(s, names, job, encoding):
        say(f"hotline: предупреждение: {line}")
    if waivers is not None:
        used = [w for w in waivers.values() if (w.case_id, w.code) in s.waivers_used]
        s.extra["waivers"] = {
            "applied": [dict(w.as_dict(), case_id=w.case_id, code=w.code, title=CODES[w.code].title)
                        for w in used],
            "unused": [dict(w.as_dict(), case_id=w.case_id, code=w.code, where=w.where)
                       for w in month.unused(waivers.values(), s.waivers_used)]}
        for w in s.extra["waivers"]["unused"]:
            say(f"hotline: предупреждение: {w['where']}: снятие {w['code']} для дела {w['case_id']} не совпало ни с "
                "одной находкой (дела нет в выгрузке или правило не сработало)")
    if compare_with:
        try:
            before = previous(compare_with, job, encoding)
        except PreviousError as e:
            raise Problem(str(e)) from None
        s.extra["compare"] = month.compare(s.as_dict(), before, DIMENSIONS)


def write_report(path: str, data: dict[str, Any], today: date | None, names: list[str], version: str) -> None:
    """--report: the page, written atomically."""
    from hotline_cli.io import report
    from hotline_cli.io.atomic import OutputError, write_bytes

    page = report.render(data, today.isoformat() if today else None, names, version)
    try:
        write_bytes(path, page.encode("utf-8", "backslashreplace"))  # a lone surrogate shown as \ud800
    except OutputError as e:
        raise Problem(str(e)) from None


def write_gathered(results: list[dict[str, Any]], sink: Any, job: Any) -> None:
    """The agenda: every case's actions together, by date; text grouped by status."""
    from hotline_cli.io import screen, views, writers

    items = views.agenda_items(results)
    if job.fmt == "text":
        as_of = next((r["as_of"] for r in results if "as_of" in r), job.today.isoformat() if job.today else None)
        horizon = next((r["horizon"] for r in results if "horizon" in r), None)
        sink.out.write(screen.render(views.agenda_text(items, as_of, horizon), job.width))
        return
    for item in items:
        sink.write(writers.fragment(item, job.fmt, views.VIEWS["agenda"], job.width))


class Tally:
    """Counts results on their way out (pipeline.Counts); prints each bad record's message
    to stderr; shows progress on a terminal's stderr for long runs (never on stdout, never
    when piped)."""

    def __init__(self, command: str, echo: bool = True):
        from hotline_cli.run.pipeline import Counts

        self.counts = Counts.of(command)
        self.drill: Any = None  # run.month.Drill: the cases' lines for the report's drill-down
        self.shown = False
        self.echo = echo  # bad records' lines on stderr (not when the text on the same terminal says them)

    @property
    def summary(self) -> Any:
        """The command's summary (audit's; None for other commands)."""
        return self.counts.summary

    def watch(self, pairs: Iterator[Any], progress: bool = True) -> Iterator[Any]:
        """(fragment, meta) pairs of one process, passed through."""
        show = progress and sys.stderr.isatty()
        add = self.counts.add
        drill = self.counts.drill
        for pair in pairs:
            error = add(pair[1])
            if error is not None:
                self._error(error)
            if drill and self.drill is not None:
                self.drill.write(drill)
                drill.clear()
            if show and self.counts.read % 5000 == 0:
                self._progress()
            yield pair
        self._done()

    def watch_chunks(self, chunks: Iterator[Any], progress: bool = True) -> Iterator[Any]:
        """Chunks of worker processes (pool.Chunk), passed through."""
        show = progress and sys.stderr.isatty()
        for chunk in chunks:
            before = self.counts.read
            self.counts.merge(chunk.counts)
            if self.drill is not None:
                self.drill.write(chunk.counts.drill)
            if chunk.error_lines:
                self._error(*chunk.error_lines)
            if show and self.counts.read // 5000 != before // 5000:
                self._progress()
            yield chunk
        self._done()

    def _error(self, *lines: str) -> None:
        """Bad records' lines (already made safe: views.error_line). Written straight to
        stderr: click.echo asks isatty and flushes per line, 0.2 s a 1 000 lines."""
        if not self.echo:
            return
        if self.shown:
            sys.stderr.write("\r" + " " * 40 + "\r")
            self.shown = False
        sys.stderr.write("".join(f"hotline: {line}\n" for line in lines))
        sys.stderr.flush()

    def _progress(self) -> None:
        sys.stderr.write(f"\rобработано дел: {self.counts.read}…")
        sys.stderr.flush()
        self.shown = True

    def _done(self) -> None:
        if self.shown:
            sys.stderr.write("\r" + " " * 40 + "\r")
            sys.stderr.flush()
            self.shown = False

    def exit_code(self, exit_zero: bool = False) -> int:
        if self.counts.errors:
            return EXIT_INPUT
        if self.counts.findings_error and not exit_zero:
            return EXIT_FINDINGS
        return EXIT_OK


class EmlWriter:
    """--eml PATH: one .eml file (PATH ends in .eml) or a folder of <case id>.eml files,
    each name unique in the run and safe on Windows and Linux."""

    def __init__(self, path: str):
        self.path = path
        self.single = path.lower().endswith(".eml")
        self.written = 0
        self.used: set[str] = set()

    def write(self, r: dict[str, Any]) -> dict[str, Any]:
        from hotline_cli.io.atomic import OutputError, write_bytes
        from hotline_cli.io.eml import eml_bytes

        m = r.get("message")
        if not m:
            return r
        if self.single and self.written:
            r["warnings"].append(f"--eml {self.path} — один файл, и он уже записан для другого дела: "
                                 "для нескольких дел укажите папку")
            return r
        try:
            target = self._target(r["case_id"] or "case")
            write_bytes(target, eml_bytes(m, r["warnings"]))
        except OutputError as e:
            raise Problem(str(e)) from None
        r["eml"] = target
        self.written += 1
        return r

    def _target(self, case_id: str) -> str:
        if self.single:
            return self.path
        from hotline_cli.io.atomic import OutputError
        from hotline_cli.io.names import file_name

        try:
            os.makedirs(self.path, exist_ok=True)
        except OSError as e:
            from hotline_cli.io.atomic import os_error_ru

            raise OutputError(f"{self.path}: папку для .eml не создать: {os_error_ru(e)}") from None
        name = file_name(case_id, self.used)
        self.used.add(name.casefold())
        return os.path.join(self.path, name + ".eml")
