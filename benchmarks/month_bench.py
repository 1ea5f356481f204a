#!/usr/bin/env python3
"""The supervisor's month at scale: `hotline audit --format xlsx --report` of a big export whose
cases name many distinct cities, operators and experts, for the peak memory and the time.

Memory should be flat in the number of cases: it grows with the distinct labels (every
breakdown is kept whole for the data formats), not with the cases. The run prints, for each
size, the wall time, the peak memory (max RSS of the process) and the sizes of the workbook
and the page; with the same labels at every size, the peak should not grow with the cases.

Usage: python3 benchmarks/month_bench.py [--cases 400000,1000000] [--labels 200000]

(400 000 cases: every one of the 200 000 labels is in use in every breakdown, operators and experts
included — about 70 % of the cases name an operator and 75 % an expert.)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import TODAY, make_case  # the same synthetic cases as the audit's benchmark


def generate(path: str, n: int, labels: int, seed: int = 20251206) -> None:
    """Cities, operators and experts named in turn: every label is in use once `labels` cases
    have named one (so that past that size only the cases grow)."""
    rng = random.Random(seed)
    operators = experts = 0
    with open(path, "w", encoding="utf-8") as out:
        for i in range(n):
            case = make_case(i, rng)
            case["city"]["name"] = f"Город {i % labels}"
            if "hotline" in case:
                case["hotline"]["operator"] = f"Оператор {operators % labels}"
                operators += 1
            if case.get("events"):
                for e in case["events"]:
                    e["by"] = f"Эксперт {experts % labels}"
                experts += 1
            out.write(json.dumps(case, ensure_ascii=False) + "\n")


def peak_run(args: list[str]) -> tuple[float, float, int]:
    """(wall seconds, peak RSS in MB, exit status) of a whole process."""
    code = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
            "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
            "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)")
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True).stdout
    wall, kb, status = out.split()
    return float(wall), int(kb) / 1024, int(status)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", default="400000,1000000")
    ap.add_argument("--labels", type=int, default=200_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="hotline-month-") as work:
        print(f"labels: {args.labels} distinct cities, operators and experts")
        print(f"{'cases':>9}  {'wall':>8}  {'peak':>9}  {'xlsx':>8}  {'page':>8}")
        for n in (int(x) for x in args.cases.split(",")):
            export = os.path.join(work, f"export-{n}.jsonl")
            generate(export, n, args.labels)
            book, page = os.path.join(work, "m.xlsx"), os.path.join(work, "m.html")
            wall, peak, status = peak_run([sys.executable, "-m", "hotline_cli", "audit", export, "--today", TODAY,
                                           "--format", "xlsx", "-o", book, "--report", page])
            assert status in (1, 2), status
            print(f"{n:>9}  {wall:7.1f}s  {peak:6.1f} MB  {os.path.getsize(book) / 2**20:5.1f} MB  "
                  f"{os.path.getsize(page) / 2**20:5.2f} MB", flush=True)
            os.remove(export)
    return 0


if __name__ == "__main__":
    sys.exit(main())
