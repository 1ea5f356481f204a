"""How fast `hotline import` turns a month of the systems' exports into cases, and in how much memory.

    python3 benchmarks/import_bench.py [--clients N ...]

For each size it writes (deterministically) N clients in the real shapes (tests/shapes.py): a
site-form ticket, the engineer request ticket with its answer and the client's card per client
in a Usedesk JSON Lines dump (2 N tickets), a GSIS request row and a Naumen call row per client
(2 N table rows: CSV in Windows-1251 and an .xlsx sheet). Then, interleaved run by run, it
measures as whole processes:

  (a) the baseline: the same files only parsed — json.loads per line, csv.reader, openpyxl's
      read-only rows — no import logic at all;
  (b) `hotline import` of them to a file;

and prints the medians, each run's ratio (b)/(a), and (b)'s peak memory. The default sizes
are 10 000 and 50 000 clients (the second: 100 000 tickets and 100 000 table rows).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import shapes  # noqa: E402  (the tests' shapes: Usedesk bodies, GSIS CSV, Naumen .xlsx)

CITIES = [("Казань", "Europe/Moscow"), ("Самара", "Europe/Samara"), ("Екатеринбург", "Asia/Yekaterinburg"),
          ("Новосибирск", "Asia/Novosibirsk"), ("Владивосток", "Asia/Vladivostok"), ("Москва", "Europe/Moscow")]
OFFSET = {"Europe/Moscow": "+03:00", "Europe/Samara": "+04:00", "Asia/Yekaterinburg": "+05:00",
          "Asia/Novosibirsk": "+07:00", "Asia/Vladivostok": "+10:00"}


def client_case(i: int) -> dict:
    city, tz = CITIES[i % len(CITIES)]
    off = OFFSET[tz]
    day = 3 + i % 20
    number = str(40_000_000 + i)
    name = f"Клиентова{i} Анна Сергеевна"
    subject = f"{shapes.MANDATED} {name} {number}"
    return {
        "case_id": f"UD-{9_000_000 + i}", "opened_at": f"2025-11-{day:02d}T09:00:00{off}", "channel": "site_form",
        "client": {"name": name, "phone": f"+7 9{i:09d}"[:16], "email": f"client{i}@example.ru"},
        "product": {"category": "washing_machine", "model": "HW80"},
        "city": {"name": city, "asc_count": 1 + i % 3, "timezone": tz},
        "requests": [{"number": number, "type": "diagnostics", "created_at": f"2025-10-{1 + i % 28:02d}T12:00:00{off}",
                      "asc": {"name": "Сервис", "email": f"asc{i % 50}@example.ru"}, "conclusion": "no_fault",
                      "documents": ["Акт № 1"]}],
        "events": [
            {"type": "expert_call", "at": f"2025-11-{day:02d}T10:00:00{off}", "by": "Кузнецова Е."},
            {"type": "engineer_request", "at": f"2025-11-{day:02d}T11:00:00{off}", "to": "engineer@example.ru",
             "cc": [f"asc{i % 50}@example.ru", *shapes.COPY], "priority": "Экстремальный", "subject": subject,
             "body": "Клиент не согласен с заключением.",
             "ticket": f"https://secure.usedesk.ru/tickets/{8_000_000 + i}",
             "by": "Кузнецова Е."},
            {"type": "engineer_answer", "at": f"2025-11-{day + 2:02d}T12:00:00{off}"},
        ],
    }


def write_month(folder: Path, n: int) -> dict[str, Path]:
    ex = shapes.Exporter()
    for i in range(n):
        ex.add(client_case(i))
    return ex.write(folder)


BASELINE = r"""
import csv, json, sys
from openpyxl import load_workbook
n = 0
with open(sys.argv[1], encoding="utf-8") as fh:
    for line in fh:
        json.loads(line); n += 1
with open(sys.argv[2], encoding="cp1251", newline="") as fh:
    for row in csv.reader(fh, delimiter=";"):
        n += 1
wb = load_workbook(sys.argv[3], read_only=True, data_only=True)
for row in wb.worksheets[0].iter_rows(values_only=True):
    n += 1
print(n)
"""


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t
    if p.returncode not in (0, 2):
        sys.exit(f"{cmd[:2]} failed ({p.returncode}): {p.stderr[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024


def peak_of(cmd: list[str]) -> float:
    """The peak memory of one run of cmd alone (GNU time's «Maximum resident set size»)."""
    p = subprocess.run(["/usr/bin/time", "-v", *cmd], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in p.stderr.splitlines():
        if "Maximum resident set size" in line:
            return int(line.split(":")[1]) / 1024
    return float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, nargs="+", default=[10_000, 50_000])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    hotline = [sys.executable, "-m", "hotline_cli"]
    print(f"hotline import — {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    for n in args.clients:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            t = time.perf_counter()
            files = write_month(folder, n)
            made = time.perf_counter() - t
            sizes = {k: v.stat().st_size / 1e6 for k, v in files.items()}
            out = folder / "cases.jsonl"
            imp = [*hotline, "import", "--usedesk", str(files["usedesk"]), "--table", str(files["gsis"]),
                   "--table", str(files["naumen"]), "--mapping", str(ROOT / "import.example.toml"),
                   "--config", str(ROOT / "hotline.example.toml"), "-o", str(out)]
            base = [sys.executable, "-c", BASELINE, str(files["usedesk"]), str(files["gsis"]), str(files["naumen"])]
            a, b = [], []
            for _ in range(args.runs):
                a.append(timed(base)[0])
                b.append(timed(imp)[0])
            cases = sum(1 for _ in out.open(encoding="utf-8"))
            peak = peak_of(imp)
            ratios = [y / x for x, y in zip(a, b)]
            print(f"\n{n} clients: {2 * n} tickets ({sizes['usedesk']:.0f} MB), {2 * n} table rows "
                  f"(CSV {sizes['gsis']:.1f} MB, xlsx {sizes['naumen']:.1f} MB); written in {made:.1f} s")
            print(f"  (a) baseline, only parsing the files:  median {statistics.median(a):6.2f} s  "
                  f"({', '.join(f'{x:.2f}' for x in a)})")
            print(f"  (b) hotline import → {cases} cases:     median {statistics.median(b):6.2f} s  "
                  f"({', '.join(f'{x:.2f}' for x in b)})")
            print(f"  ratio (b)/(a): median {statistics.median(ratios):.2f}× "
                  f"(run by run {min(ratios):.2f}–{max(ratios):.2f}×); peak memory of (b): {peak:.0f} MB")


if __name__ == "__main__":
    main()
