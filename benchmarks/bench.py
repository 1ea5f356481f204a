#!/usr/bin/env python3
"""Benchmark of `hotline audit` against a plain JSON Lines parse of the same file.

Generates deterministic synthetic exports of N cases (all situations and event
histories, about 1 % broken records) and writes the package's bytecode (as an install
does), then measures in one run, for each N:

  (a) baseline: read and json.loads every line in a plain Python loop (a whole process);
  (b) `hotline audit --today … --format jsonl` as a whole process, output to /dev/null,
      each run right after a baseline run (the machine's noise hits both alike);
      the median of the runs, and each run's own ratio;
  (b') the same on the compiled core (a copy of the project built by mypyc, setup.py
      HOTLINE_MYPYC=1, in the work folder first: 40 s), right after (b) in each run; where it
      cannot be built (no C compiler, no mypy) it is said and left out; --no-compiled skips it,
      --compiled COPY takes a copy built already (tools/compiled-suite's);
  (c) the audit's peak memory (max RSS of the process);
  (g) for the largest size, `--jobs 1` against the default (every core), interleaved;
then once:
  (d) the median wall time of a one-case `hotline triage` next to `python3 -c pass`;
  (e) where the time goes: the CPU per case of each stage, in one process, reading the
      records by the full path (strict JSON, then the schema) and by the contract's fast path;
  (f) every command on one case of 100 000 events (linear in the size of a case).

Usage: python3 benchmarks/bench.py [--cases 50000,100000] [--memory-cases 1000000] [--runs 3]
                                   [--compiled COPY | --no-compiled]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

TODAY = "2025-12-15"
CATEGORIES = ["air_conditioner", "refrigerator", "freezer", "washing_machine", "dryer", "dishwasher", "cooking",
              "water_heater", "tv", "small_appliance", "other"]
NAMES = ["Петрова Анна Сергеевна", "Иванов Пётр Ильич", "Сидорова Мария Олеговна", "Ким Александр",
         "Кузнецов Илья Романович", "Смирнова Ольга Викторовна"]
CITIES = [("Казань", "Europe/Moscow"), ("Екатеринбург", "Asia/Yekaterinburg"), ("Владивосток", "Asia/Vladivostok"),
          ("Самара", "Europe/Samara"), ("Москва", "Europe/Moscow"), ("Новосибирск", "Asia/Novosibirsk")]
SUBJECT = "Не согласен с заключением, что техника исправна. {} {}"
FIRST = "В случае повторного обращения перевести звонок на эксперта, консультацию не проводить"
COPY = ["Olesya.Vedischeva@haierrussia.ru", "igrineva@haierrussia.ru"]


def _at(rng: random.Random, day: int, month: int = 11) -> str:
    return f"2025-{month:02d}-{day:02d}T{rng.randint(8, 19):02d}:{rng.choice(['00', '15', '30', '45'])}:00+03:00"


def make_case(i: int, rng: random.Random) -> dict:
    city, tz = rng.choice(CITIES)
    name = rng.choice(NAMES)
    n_req = rng.choices([0, 1, 2, 3], [3, 80, 12, 5])[0]
    requests = []
    for k in range(n_req):
        requests.append({
            "number": str(40000000 + i * 4 + k),
            "type": rng.choices(["diagnostics", "repair", "no_asc"], [70, 25, 5])[0],
            "created_at": f"2025-10-{rng.randint(1, 28):02d}",
            "asc": {"name": "Сервис", "email": f"asc{rng.randint(1, 300)}@example.ru"},
            "conclusion": rng.choices(["no_fault", None, "physical_damage", "operation_violation"], [60, 30, 5, 5])[0],
            "documents": [f"Акт выполненных работ № {rng.randint(1000, 9999)}"],
        })
    case = {
        "case_id": f"HL-BENCH-{i:07d}",
        "opened_at": _at(rng, rng.randint(1, 10)),
        "channel": rng.choices(["call", "site_form", "email"], [70, 20, 10])[0],
        "client": {"name": name, "phone": f"+7 9{rng.randint(0, 99):02d} 555-{rng.randint(0, 99):02d}-"
                                                  f"{rng.randint(0, 99):02d}"},
        "product": {"category": rng.choices(CATEGORIES, [10] + [9] * 10)[0], "model": f"M-{rng.randint(1, 999)}",
                    "price": rng.choice([None, 19990, 54990, 89990])},
        "city": {"name": city, "asc_count": rng.choice([None, 0, 1, 1, 2, 3]), "timezone": tz},
        "requests": requests,
        "client_intent": rng.choices([[], ["court"], ["rospotrebnadzor", "image_damage"]], [70, 20, 10])[0],
        "demands_stated": rng.random() < 0.2,
    }
    number = requests[-1]["number"] if requests else "0"
    if rng.random() < 0.7:
        case["hotline"] = {"second_asc_request": rng.choice([None, None, "40099999"]),
                           "consultation": rng.choice([None, {"l2": "Политика", "l3": "Обслуживание", "text": "..."}]),
                           "naumen_request": rng.choice([None, {"template": "Запрос от Горячей линии",
                                                                "comment": "Клиент не согласен с заключением по "
                                                                           "заявке. "
                                                                           "Отчета от АСЦ на момент звонка нет, второй "
                                                                           "АСЦ в городе отсутствует"}]),
                           "site_form_advised": rng.random() < 0.8}
    history = rng.choices(["none", "call", "request", "answered", "late", "rejected"], [25, 10, 20, 25, 10, 10])[0]
    events = []
    if history != "none":
        d0 = rng.randint(10, 20)
        events.append({"type": "expert_call", "at": _at(rng, d0)})
        if history != "call":
            events.append({"type": "engineer_request", "at": _at(rng, d0), "to": "engineer@example.ru",
                           "cc": ([requests[-1]["asc"]["email"]] if requests else []) + COPY,
                           "priority": rng.choice(["Экстремальный"] * 9 + ["Высокий"]),
                           "subject": SUBJECT.format(name, number), "ticket": f"https://helpdesk.example.ru/t/{i}",
                           "body": "Клиент намерен обратиться в суд." if rng.random() < 0.5 else "Описание ситуации."})
            if history == "late":
                events.append({"type": "re_request", "at": _at(rng, d0 + 6)})
                events.append({"type": "delay_call", "at": _at(rng, d0 + 6)})
            if history in ("answered", "late", "rejected"):
                events.append({"type": "asc_answer", "at": _at(rng, d0 + 1)})
                events.append({"type": "engineer_answer", "at": _at(rng, d0 + rng.randint(2, 8))})
                events.append({"type": "feedback_call", "at": _at(rng, d0 + 9),
                               "outcome": "rejected" if history == "rejected" else "accepted"})
                if history == "rejected" and case["demands_stated"]:
                    events.append({"type": "claim", "at": _at(rng, d0 + 9), "demand": "refund"})
                else:
                    events.append({"type": "closed", "at": _at(rng, d0 + 9)})
                    if rng.random() < 0.8:
                        case["consultation"] = {"customer_description": FIRST + ". Описание работы.",
                                                "notes": f"https://helpdesk.example.ru/t/{i}"}
        rng.shuffle(events)  # order in the array does not matter
    if events or rng.random() < 0.5:
        case["events"] = events
    return case


def broken_line(i: int, rng: random.Random, good: str) -> str:
    kind = i % 4
    if kind == 0:
        return good[: len(good) // 2]  # truncated
    if kind == 1:
        return good.replace('"channel": "call"', '"channel": "phone"') \
            .replace('"channel": "email"', '"channel": "fax"') \
            .replace('"channel": "site_form"', '"channel": "web"')
    if kind == 2:
        return good.replace('"opened_at": "2025-11-', '"opened_at": "2025-13-')
    return good.replace('"case_id"', '"case_number"')


def generate(path: str, n: int, seed: int = 20251122) -> int:
    rng = random.Random(seed)
    broken = 0
    with open(path, "w", encoding="utf-8") as out:
        for i in range(n):
            line = json.dumps(make_case(i, rng), ensure_ascii=False)
            if rng.random() < 0.01:
                line = broken_line(i, rng, line)
                broken += 1
            out.write(line + "\n")
    return broken


BASELINE = ("import json, sys\n"
            "with open(sys.argv[1], encoding='utf-8') as fh:\n"
            "    for line in fh:\n"
            "        try:\n"
            "            json.loads(line)\n"
            "        except ValueError:\n"
            "            pass\n")

MEASURE = ("import resource, subprocess, sys, time\n"
           "t = time.perf_counter()\n"
           "with open(sys.argv[1], 'wb') as out:\n"
           "    rc = subprocess.run(sys.argv[2:], stdout=out).returncode\n"
           "wall = time.perf_counter() - t\n"
           "print(wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, rc)\n")


def run_measured(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MB) and exit code of one whole process (with `env`: run in the folder
    of its PYTHONPATH, since `python3 -m` puts the current folder first on the path)."""
    out = subprocess.run([sys.executable, "-c", MEASURE, os.devnull, *cmd], capture_output=True, text=True,
                         check=True, env=env, cwd=env["PYTHONPATH"] if env else None).stdout.split()
    return float(out[0]), int(out[1]) / 1024, int(out[2])


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def compiled_copy(where: str) -> str | None:
    """A copy of the project with the compiled core built in place (setup.py, HOTLINE_MYPYC=1, as
    tools/compiled-suite builds it): its folder, for PYTHONPATH; None, said, when it cannot be
    built here (it needs git, a C compiler, Python's headers and mypy, installed with the tests)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True)
    if listed.returncode != 0:
        print("(b') not measured: the project's files are listed by git, and this is not a git checkout")
        return None
    files = listed.stdout.split(b"\0")
    copy = os.path.join(where, "compiled")
    for name in filter(None, files):
        src, dst = os.path.join(ROOT, os.fsdecode(name)), os.path.join(copy, os.fsdecode(name))
        if os.path.isfile(src):
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(src, dst)
    t = time.perf_counter()
    built = subprocess.run([sys.executable, "setup.py", "-q", "build_ext", "--inplace"], cwd=copy,
                           env=dict(os.environ, HOTLINE_MYPYC="1"), capture_output=True, text=True)
    if built.returncode != 0:
        last = (built.stderr.strip().splitlines() or ["(no message)"])[-1]
        print(f"(b') not measured: the compiled core did not build here ({last})")
        return None
    print(f"compiled core: built in {time.perf_counter() - t:.0f} s  [{copy}]")
    return copy


def compiled_env(copy: str) -> dict[str, str]:
    """The environment that runs the compiled copy: its folder first on the path, its bytecode written."""
    env = dict(os.environ, PYTHONPATH=copy)
    check = ("import sys, hotline_cli.procedure.audit as a, hotline_cli.run.pipeline as p\n"
             "sys.exit(0 if a.__file__.endswith('.so') and p.__file__.endswith('.so') else 1)")
    if subprocess.run([sys.executable, "-c", check], env=env, cwd=copy).returncode != 0:
        raise SystemExit(f"{copy}: the compiled core is not there (tools/compiled-suite builds it in a copy)")
    compile_package(env, copy)
    return env


def compile_package(env: dict[str, str] | None = None, cwd: str | None = None) -> None:
    """The package's bytecode written first, as `pip install` writes it: in a checkout where Python
    may not write it (PYTHONDONTWRITEBYTECODE=1, a read-only folder), every run would otherwise
    compile the ~100 modules it imports again (60 ms), which no installed copy does. With `env` and
    `cwd`: the package those run (the compiled copy's)."""
    subprocess.run([sys.executable, "-c", "import compileall, os, hotline_cli\n"
                    "compileall.compile_dir(os.path.dirname(hotline_cli.__file__), quiet=2)"], check=True, env=env,
                   cwd=cwd)


def hotline_cmd() -> list[str]:
    return [sys.executable, "-m", "hotline_cli"]


def median_wall(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def audit_sample(export: str, n: int) -> tuple[list[bytes], Any]:
    """The first `n` lines of an export, and the audit's pipeline as a worker runs it (JSON Lines
    as bytes, escaped once per block; the garbage collector tuned): what (e) and
    stage_instructions.py measure."""
    from datetime import date

    from hotline_cli.procedure.settings import DEFAULT
    from hotline_cli.run import pipeline as batch

    lines = []
    with open(export, "rb") as fh:
        for line in fh:
            lines.append(line.rstrip(b"\n"))
            if len(lines) >= n:
                break
    job = batch.Job("audit", "jsonl", date.fromisoformat(TODAY), DEFAULT, {"select": (), "ignore": ()})
    pipeline = batch.Pipeline(job)
    pipeline.lines = True
    batch.tune_gc()
    return lines, pipeline


def stages(export: str, n: int) -> None:
    """(e) Where the time goes: CPU per case of each stage of the audit, in this process,
    stage by stage over batches as the audit runs them, next to a plain json.loads of the
    same lines."""
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from hotline_cli.io import sources
    from hotline_cli.io.records import Record
    from hotline_cli.io.sources import read_raw
    from hotline_cli.run import pipeline as batch

    lines, pipeline = audit_sample(export, n)
    assert next(iter(read_raw([export])))  # the reader's modules are loaded, as in a real run

    def loads():
        for line in lines:
            try:
                json.loads(line)
            except ValueError:
                pass

    def run(read: Any) -> list[float]:
        """Each stage's CPU seconds over the sample, in batches of batch.STAGE records like
        the audit itself (whole-sample stages would keep every case alive at once)."""
        clock = time.process_time
        spent = [0.0] * 5
        counts = batch.Counts.of("audit")
        for start in range(0, len(lines), batch.STAGE):
            part = lines[start:start + batch.STAGE]
            t0 = clock()
            recs = [read(Record(f"x:{i}", raw=line)) for i, line in enumerate(part, start + 1)]
            t1 = clock()
            checked = [batch.checked(rec) for rec in recs]
            t2 = clock()
            cases = [batch.built(rec) if c is None else c for rec, c in zip(recs, checked)]
            t3 = clock()
            results = [pipeline.decide(rec, c) for rec, c in zip(recs, cases)]
            t4 = clock()
            frags = [pipeline.render(r) for r in results]
            for r in results:
                counts.add(batch.meta(r))
            pipeline.joined(frags)
            t5 = clock()
            for k, (a, b) in enumerate(((t0, t1), (t1, t2), (t2, t3), (t3, t4), (t4, t5))):
                spent[k] += b - a
        return spent

    t = time.process_time()
    loads()
    base = (time.process_time() - t) / len(lines) * 1e6
    paths = {"full path": sources.resolve, "fast path": batch.parsed}
    tries: dict[str, list[list[float]]] = {name: [] for name in paths}
    for _ in range(3):  # interleaved, the best of 3 each: the machine's noise hits both paths alike
        for name, read in paths.items():
            tries[name].append(run(read))
    spent = {name: min(tries[name], key=sum) for name in paths}
    names = ["read (strict JSON | msgspec into the schema's types)", "validate (the schema, compiled | proven)",
             "build the typed case (dates in the case's zone)", "decide: the journey, 25 audit rules",
             "render jsonl, count for the summary"]
    per_case = {p: [sec / len(lines) * 1e6 for sec in spent[p]] for p in paths}
    print(f"(e) where the time goes, one process, CPU µs per case ({len(lines)} records, stage by stage):")
    print(f"    {'':<52} {'full path':>10} {'fast path':>10}")
    print(f"    {'json.loads (the baseline work)':<52} {base:10.1f} {base:10.1f}")
    for k, name in enumerate(names):
        print(f"    {name:<52} {per_case['full path'][k]:10.1f} {per_case['fast path'][k]:10.1f}")
    for p in paths:
        total = sum(per_case[p])
        print(f"    all stages, {p}: {total:6.1f} µs = {total / base:4.1f}x json.loads; "
              f"on {os.cpu_count()} cores at best {total / base / (os.cpu_count() or 1):.1f}x")

    def whole(staged: bool) -> float:
        """CPU per case of the whole pipeline, record by record or stage by stage."""
        times = []
        for _ in range(3):
            recs = [Record(f"x:{i}", raw=line) for i, line in enumerate(lines, 1)]
            t = time.process_time()
            for _ in pipeline.many(recs, staged=staged):
                pass
            times.append(time.process_time() - t)
        return min(times) / len(lines) * 1e6

    one, staged = whole(False), whole(True)
    print(f"    the whole pipeline record by record {one:6.1f} µs, stage by stage ({batch.STAGE} records) "
          f"{staged:6.1f} µs: {100 * (1 - staged / one):.0f} % less")


def long_case(path: str, n: int) -> None:
    """One case with `n` events: feedback calls with no engineer answer (each is warned about,
    HL211 fires on each) and claims after closure (a legal term each, HL212 on each)."""
    case = make_case(7, random.Random(7))
    case["requests"] = case["requests"] or [{"number": "40000001", "type": "diagnostics", "conclusion": "no_fault"}]
    events = [{"type": "closed", "at": "2025-11-01T09:00:00+03:00"}]
    for i in range(n):
        day = f"2025-11-{1 + i % 28:02d}T{8 + i % 10:02d}:00:00+03:00"
        events.append({"type": "feedback_call", "at": day, "outcome": "rejected"} if i % 2 else
                      {"type": "claim", "at": day, "demand": "refund"})
    case["events"] = events
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(case, fh, ensure_ascii=False)


def long_case_times(work: str, n: int) -> None:
    """(f) every command on one case of `n` events, wall seconds (linear in the case, not quadratic)."""
    path = os.path.join(work, f"case-{n}-events.json")
    long_case(path, n)
    size = os.path.getsize(path) / 1e6
    parts = []
    for command in ("triage", "escalate", "followup", "summarize", "audit"):
        wall, peak, rc = run_measured(hotline_cmd() + [command, path, "--today", TODAY, "--format", "jsonl"])
        parts.append(f"{command} {wall:.2f} s")
    wall, _, _ = run_measured(hotline_cmd() + ["audit", path, "--today", TODAY, "--format", "jsonl", "--mask-pii"])
    parts.append(f"audit --mask-pii {wall:.2f} s")
    print(f"(f) one case of {n} events ({size:.1f} MB): " + ", ".join(parts))
    os.unlink(path)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", default="50000,100000", help="export sizes, comma-separated")
    ap.add_argument("--memory-cases", type=int, default=0,
                    help="also audit an export of this many cases for peak memory (e.g. 1000000)")
    ap.add_argument("--runs", type=int, default=3, help="repetitions of (a) and (b); the median is reported")
    ap.add_argument("--triage-runs", type=int, default=21)
    ap.add_argument("--jobs", default=None, help="pass --jobs to hotline audit")
    ap.add_argument("--keep", default=None, help="folder to keep the generated exports in")
    ap.add_argument("--compiled", default="build", metavar="COPY",
                    help="measure the compiled core (b') on this copy of the project with it built in place "
                         "(default: built now in the work folder)")
    ap.add_argument("--no-compiled", dest="compiled", action="store_const", const=None,
                    help="do not measure the compiled core")
    ap.add_argument("--stages", type=int, default=20_000,
                    help="records for (e), the CPU per case of each stage in one process (0: skip)")
    ap.add_argument("--xlsx-cases", type=int, default=0,
                    help="also audit an export of this many cases to --format xlsx, for the workbook's peak memory")
    ap.add_argument("--events", type=int, default=100_000,
                    help="events in the one long case of (f), run through every command (0: skip)")
    args = ap.parse_args()

    work = os.path.abspath(args.keep or tempfile.mkdtemp(prefix="hotline-bench-"))
    os.makedirs(work, exist_ok=True)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    compile_package()
    env = None
    if args.compiled:
        copy = compiled_copy(work) if args.compiled == "build" else os.path.abspath(args.compiled)
        env = compiled_env(copy) if copy is not None else None
    sizes = [int(n) for n in str(args.cases).split(",")]
    export = ""
    for n in sizes:
        export = os.path.join(work, f"export-{n}.jsonl")
        t = time.perf_counter()
        broken = generate(export, n)
        size = os.path.getsize(export) / 1e6
        print(f"export: {n} cases, {broken} broken ({100 * broken / n:.2f} %), {size:.1f} MB, "
              f"generated in {time.perf_counter() - t:.1f} s  [{export}]")
        audit = hotline_cmd() + ["audit", export, "--today", TODAY, "--format", "jsonl"]
        if args.jobs:
            audit += ["--jobs", str(args.jobs)]
        base_runs, audit_runs, compiled_runs, rss, rc, compiled_rc = [], [], [], 0.0, None, None
        for _ in range(args.runs):  # interleaved: a baseline run, then an audit run (then the compiled core's)
            wall, _, base_rc = run_measured([sys.executable, "-c", BASELINE, export])
            if base_rc != 0:
                raise SystemExit("the baseline failed")
            base_runs.append(wall)
            wall, peak, rc = run_measured(audit)
            audit_runs.append(wall)
            rss = max(rss, peak)
            if env is not None:
                wall, _, compiled_rc = run_measured(audit, env)
                compiled_runs.append(wall)
        base, aud = statistics.median(base_runs), statistics.median(audit_runs)
        each = ", ".join(f"{a / b:.2f}x" for a, b in zip(audit_runs, base_runs))
        print(f"(a) baseline json.loads loop:   {base:7.2f} s  ({n / base:,.0f} lines/s), median of {args.runs}")
        print(f"(b) hotline audit --format jsonl: {aud:7.2f} s  ({n / aud:,.0f} cases/s), exit {rc}")
        print(f"    ratio audit / baseline:     {aud / base:7.2f}x   (target ≤ 3x; run by run: {each})")
        if env is not None:
            comp = statistics.median(compiled_runs)
            each = ", ".join(f"{a / b:.2f}x" for a, b in zip(compiled_runs, base_runs))
            print(f"(b') the same, compiled core:   {comp:7.2f} s  ({n / comp:,.0f} cases/s), exit {compiled_rc}")
            print(f"    ratio compiled / baseline:  {comp / base:7.2f}x   (target ≤ 3x; run by run: {each})")
        print(f"(c) audit peak memory:          {rss:7.1f} MB  ({n} cases)")
        if n == sizes[-1] and not args.jobs and (os.cpu_count() or 1) > 1:
            # (g) what the workers buy: one process against the default (every core), interleaved
            one_runs, all_runs = [], []
            for _ in range(args.runs):
                one_runs.append(run_measured(audit + ["--jobs", "1"])[0])
                all_runs.append(run_measured(audit)[0])
            one, every = statistics.median(one_runs), statistics.median(all_runs)
            print(f"(g) --jobs 1: {one:.2f} s; the default (up to {os.cpu_count()} workers): {every:.2f} s: "
                  f"{one / every:.2f}x faster  (target ≥ 1.6x on 2 idle cores)")
        if n != sizes[-1] and not args.keep:
            os.unlink(export)

    if args.memory_cases:
        big = os.path.join(work, f"export-{args.memory_cases}.jsonl")
        generate(big, args.memory_cases)
        cmd = hotline_cmd() + ["audit", big, "--today", TODAY, "--format", "jsonl"]
        if args.jobs:
            cmd += ["--jobs", str(args.jobs)]
        wall, peak, _ = run_measured(cmd)
        print(f"    audit of {args.memory_cases} cases: {wall:.1f} s, peak memory {peak:.1f} MB  (target < 150 MB)")
        if not args.keep:
            os.unlink(big)

    if args.xlsx_cases:
        big = os.path.join(work, f"export-{args.xlsx_cases}.jsonl")
        if not os.path.exists(big):
            generate(big, args.xlsx_cases)
        book = os.path.join(work, "audit.xlsx")
        wall, peak, _ = run_measured(hotline_cmd() + ["audit", big, "--today", TODAY, "--format", "xlsx",
                                                      "--output", book])
        print(f"    audit of {args.xlsx_cases} cases to xlsx: {wall:.1f} s, peak memory {peak:.1f} MB, "
              f"{os.path.getsize(book) / 1e6:.0f} MB workbook  (target < 150 MB)")
        os.unlink(book)
        if not args.keep:
            os.unlink(big)

    one = os.path.join(work, "one-case.json")
    with open(one, "w", encoding="utf-8") as fh:
        json.dump(make_case(1, random.Random(1)), fh, ensure_ascii=False)
    empty = median_wall([sys.executable, "-c", "pass"], args.triage_runs)
    tri = median_wall(hotline_cmd() + ["triage", one], args.triage_runs)
    print(f"(d) python3 -c pass, median:    {empty * 1000:7.1f} ms")
    print(f"    hotline triage (one case):  {tri * 1000:7.1f} ms  "
          f"(target < 120 ms; {tri / empty:.1f}x an empty interpreter)")
    if args.stages:
        stages(export, args.stages)
    if args.events:
        long_case_times(work, args.events)
    if not args.keep:
        os.unlink(export)
        os.unlink(one)
        shutil.rmtree(work)  # the exports, and a compiled copy built here
    return 0


if __name__ == "__main__":
    sys.exit(main())
