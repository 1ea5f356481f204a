#!/usr/bin/env python3
"""Instructions per case of each stage of the audit, counted by valgrind (which this machine's
noise does not move, unlike CPU time).

Runs the audit's stages in this process over N records of an export, 32 records at a time as
the audit runs them, up to stage K (0: the lines only; 1 read, 2 validate, 3 build, 4 decide,
5 render, 6 count for the summary), after a warm-up that pays every lazy import and compile.
A stage's count per case is the difference between K and K - 1, divided by N:

    for k in 0 1 2 3 4 5 6; do
      valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \\
        python3 benchmarks/stage_instructions.py $k 3000 EXPORT.jsonl 2>&1 | grep 'I *refs'
    done

EXPORT.jsonl: an export of benchmarks/bench.py (`bench.py --keep DIR` keeps them).
"""

from __future__ import annotations

import sys

from bench import audit_sample  # this folder's benchmark: the same sample and pipeline as its (e)

from hotline_cli.io import contract
from hotline_cli.io.records import Record
from hotline_cli.run import pipeline


def main(upto: int, n: int, export: str) -> None:
    lines, p = audit_sample(export, n)
    warm = pipeline.Counts.of("audit")
    for i, raw in enumerate(lines[:200]):  # every lazy import and compile paid before the count
        rec = Record(f"w:{i}", raw=raw)
        r = p.decide(rec, pipeline.to_case(pipeline.parsed(rec)))
        p.render(r)
        warm.add(pipeline.meta(r))
    contract.validate({})  # the explanation's own start, whatever the sample holds
    counts = pipeline.Counts.of("audit")
    for start in range(0, len(lines), pipeline.STAGE):
        part = lines[start:start + pipeline.STAGE]
        if upto < 1:
            continue
        recs = [pipeline.parsed(Record(f"x:{i}", raw=raw)) for i, raw in enumerate(part, start)]
        if upto < 2:
            continue
        checks = [pipeline.checked(rec) for rec in recs]
        if upto < 3:
            continue
        cases = [pipeline.built(rec) if bad is None else bad for rec, bad in zip(recs, checks)]
        if upto < 4:
            continue
        results = [p.decide(rec, case) for rec, case in zip(recs, cases)]
        if upto < 5:
            continue
        p.joined([p.render(r) for r in results])
        if upto < 6:
            continue
        for r in results:
            counts.add(pipeline.meta(r))


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3])
