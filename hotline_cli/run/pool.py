"""The worker pool: large exports on every core the process may use, in input order, in
flat memory; workers that end with their parent, whatever ends it."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from hotline_cli.io.records import Record
from hotline_cli.io.sources import Block, block_records
from hotline_cli.run.pipeline import Counts, Job, Pipeline, tune_gc


class Chunk(NamedTuple):
    """A worker's answer for one piece of input: its output, framed for `Sink.write_block`."""

    data: bytes  # the joined fragments in UTF-8, encoded here rather than by the parent
    fragments: int  # fragments joined in `data`
    error_lines: list[str]  # stderr lines, in input order
    counts: Counts


_WORKER: dict[str, Any] = {}


def _die_with_parent() -> None:
    """Linux: the kernel sends this worker SIGTERM when its parent dies, however it dies."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _worker_init(job: Job, parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    _die_with_parent()
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)
    tune_gc()
    pipeline = _WORKER.get("pipeline")
    if pipeline is None:  # not forked from a parent that built it (the spawn start method)
        pipeline = _WORKER["pipeline"] = Pipeline(job)
    pipeline.lines = True
    _WORKER["command"] = job.command


def _inherited(job: Job) -> None:
    """Build the workers' pipeline here, before they fork: the calendar of the judged year and the
    year before (holidays' import and its first year, ~60 ms) is then built once for every worker."""
    pipeline = _WORKER["pipeline"] = Pipeline(job)
    if job.today is not None:
        from hotline_cli.procedure.calendar import CalendarError

        for year in (job.today.year - 1, job.today.year):
            try:
                pipeline.ctx.calendar.year(year)
            except CalendarError:  # outside the calendar's years: each case says so
                pass


def _worker_chunk(seq: int, item: Block | list[Any]) -> Chunk:
    """Process the `seq`-th piece of the input: a Block (whole lines of a file, read and split
    here) or a list of records."""
    pipeline = _WORKER["pipeline"]
    records: Iterable[Record]
    if isinstance(item, Block):
        records = block_records(item)
    else:
        records = (Record(x[0], raw=x[1], encoding=x[2]) if type(x) is tuple else x for x in item)
    counts = Counts.of(_WORKER["command"])
    if counts.summary is not None:
        counts.summary.position = seq << 32  # the piece's place in the input (ties among the worst cases)
    frags, error_lines = [], []
    for frag, m in pipeline.many(records, staged=True):
        frags.append(frag)
        error = counts.add(m)
        if error is not None:
            error_lines.append(error)
    data, n = pipeline.joined(frags)
    return Chunk(data, n, error_lines, counts)


def _work_items(items: Iterable[Record | Block], size: int) -> Iterator[Block | list[Any]]:
    """Blocks go as they are; records in lists of `size` (a raw line as a plain tuple:
    4x cheaper to pickle than a Record)."""
    chunk: list[Any] = []
    for item in items:
        if type(item) is Block:
            if chunk:
                yield chunk
                chunk = []
            yield item
            continue
        assert isinstance(item, Record)
        chunk.append((item.source, item.raw, item.encoding) if item.raw is not None else item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def chunks_parallel(items: Iterable[Record | Block], job: Job, jobs: int, chunk_size: int = 400) -> Iterator[Chunk]:
    """Every item processed by `jobs` worker processes: a Chunk per block or list of records,
    in input order. At most 2 × jobs pieces are in flight: memory stays flat however long
    the input. However the run ends — done, an exception, Ctrl-C, SIGTERM — the workers
    are stopped before this returns: no orphan survives its parent."""
    import concurrent.futures as cf
    import itertools
    import multiprocessing as mp
    from collections import deque

    work = _work_items(items, chunk_size)
    first = list(itertools.islice(work, jobs))  # no more workers than pieces of work: one block, one worker
    jobs = max(1, min(jobs, len(first)))
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
    if ctx is not None:
        _inherited(job)
    pool = cf.ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_worker_init,
                                  initargs=(job, os.getpid()))
    pending: deque[cf.Future[Chunk]] = deque()
    finished = False
    try:
        for seq, item in enumerate(itertools.chain(first, work)):
            pending.append(pool.submit(_worker_chunk, seq, item))
            if len(pending) >= 2 * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
        finished = True
    finally:
        if finished:
            pool.shutdown(wait=True)
        else:
            stop(pool)


STOPPED: list[bool] = []  # a pool was stopped early in this process: see `stopped_early`


def stopped_early() -> bool:
    """Whether a pool was stopped before its work was done (a closed pipe, Ctrl-C, an error): its
    executor's threads may then wait forever on a stopped worker's pipe, and the interpreter's exit
    handlers join them — the shell then always ends the process with os._exit."""
    return bool(STOPPED)


def stop(pool: Any) -> None:
    """Stop the workers now (the run is over early): cancel what waits, end the processes."""
    STOPPED.append(True)
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        try:
            p.terminate()
        except (OSError, AttributeError):
            pass
    for p in processes:
        try:
            p.join(timeout=5)
        except (OSError, AssertionError):
            pass
