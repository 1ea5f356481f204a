"""A sampled mutation run over the pure core (`hotline_cli/procedure/`): do the tests fail when the
procedure is changed the way a slip would change it?

    python3 benchmarks/mutate.py [--sample 300] [--seed 1] [--jobs 2] [--timeout 120] [--module triage]

Mutants (each one change in one place, found with `ast`): a comparison flipped (== ↔ !=, < ↔ >=,
<= ↔ >, in ↔ not in), an integer ±1, `and` ↔ `or`, a `not` dropped, a statement deleted (made
`pass`), the first letter of a Russian text changed. A sample is drawn with the seed; each mutant
is written into a copy of the project and the core's tests are run there with `-x` and a timeout
(a mutant that makes them hang counts as killed). It prints the score per module and per kind, and
every survivor with its place, so that a test can be written that kills it. Not part of CI: it
takes minutes.
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures as cf
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "hotline_cli" / "procedure"
TESTS = ["tests/test_golden_data.py", "tests/test_triage.py", "tests/test_journey.py", "tests/test_escalate.py",
         "tests/test_followup.py", "tests/test_summarize.py", "tests/test_audit.py", "tests/test_calendar.py",
         "tests/test_law.py", "tests/test_agenda.py", "tests/test_living_case.py", "tests/test_screens.py",
         "tests/test_engine.py", "tests/test_new.py", "tests/test_intake.py", "tests/test_import.py",
         "tests/test_properties.py", "tests/test_month.py", "tests/test_reports.py", "tests/test_core_exact.py"]
FLIP = {ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.GtE, ast.GtE: ast.Lt, ast.Gt: ast.LtE, ast.LtE: ast.Gt,
        ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is}


@dataclass(frozen=True)
class Mutant:
    module: str
    line: int
    col: int
    kind: str  # compare, number, boolop, not, delete, text
    what: str

    def apply(self, source: str) -> str:
        tree = ast.parse(source)
        for node in ast.walk(tree):
            here = getattr(node, "lineno", None) == self.line and getattr(node, "col_offset", None) == self.col
            if here and _mutate(node, self.kind, tree):
                return ast.unparse(tree)
        raise LookupError(self)


def _first_cyrillic(s: str) -> int | None:
    for i, ch in enumerate(s):
        if "а" <= ch.casefold() <= "я":
            return i
    return None


def _mutate(node: ast.AST, kind: str, tree: ast.AST) -> bool:
    if kind == "compare" and isinstance(node, ast.Compare) and type(node.ops[0]) in FLIP:
        node.ops[0] = FLIP[type(node.ops[0])]()
        return True
    if kind == "number" and isinstance(node, ast.Constant) and type(node.value) is int:
        node.value = node.value + 1 if node.value != 1 else 0
        return True
    if kind == "boolop" and isinstance(node, ast.BoolOp):
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        return True
    if kind == "text" and isinstance(node, ast.Constant) and isinstance(node.value, str):
        i = _first_cyrillic(node.value)
        if i is None:
            return False
        ch = node.value[i]
        node.value = node.value[:i] + ("ы" if ch != "ы" else "ю") + node.value[i + 1:]
        return True
    if kind == "not":
        for parent in ast.walk(tree):
            for field, value in ast.iter_fields(parent):
                if value is node and isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
                    setattr(parent, field, node.operand)
                    return True
                if isinstance(value, list) and node in value and isinstance(node, ast.UnaryOp) \
                        and isinstance(node.op, ast.Not):
                    value[value.index(node)] = node.operand
                    return True
    if kind == "delete" and isinstance(node, (ast.Expr, ast.Assign, ast.AugAssign, ast.Return)):
        for parent in ast.walk(tree):
            for _field, value in ast.iter_fields(parent):
                if isinstance(value, list) and node in value:
                    value[value.index(node)] = ast.Pass(lineno=node.lineno, col_offset=node.col_offset)
                    return True
    return False


def sites(path: Path) -> list[Mutant]:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
                  and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    out = []
    mod = path.stem
    for node in ast.walk(tree):
        line, col = getattr(node, "lineno", 0), getattr(node, "col_offset", 0)
        if isinstance(node, ast.Compare) and type(node.ops[0]) in FLIP:
            out.append(Mutant(mod, line, col, "compare", ast.unparse(node)[:60]))
        elif isinstance(node, ast.Constant) and type(node.value) is int and not isinstance(node.value, bool):
            out.append(Mutant(mod, line, col, "number", repr(node.value)))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings \
                and _first_cyrillic(node.value) is not None:
            out.append(Mutant(mod, line, col, "text", node.value[:40]))
        elif isinstance(node, ast.BoolOp):
            out.append(Mutant(mod, line, col, "boolop", ast.unparse(node)[:60]))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            out.append(Mutant(mod, line, col, "not", ast.unparse(node)[:60]))
        elif isinstance(node, (ast.Expr, ast.Assign, ast.AugAssign)) and id(getattr(node, "value", None)) \
                not in docstrings and not isinstance(getattr(node, "value", None), ast.Constant):
            out.append(Mutant(mod, line, col, "delete", ast.unparse(node)[:60]))
    return out


def run_one(m: Mutant | None, timeout: int) -> tuple[Mutant | None, str]:
    """Run the core's tests in a copy of the project with the mutant applied (None: unchanged)."""
    with tempfile.TemporaryDirectory(prefix="hotline-mutant-") as tmp:
        copy = Path(tmp) / "repo"
        shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".git", "__pycache__", ".pytest_cache",
                                                                   ".hypothesis", "*.egg-info", "benchmarks"))
        if m is not None:
            target = copy / "hotline_cli" / "procedure" / f"{m.module}.py"
            try:
                target.write_text(m.apply(target.read_text(encoding="utf-8")), encoding="utf-8")
            except (LookupError, SyntaxError):
                return m, "invalid"
        env = dict(os.environ, PYTHONPATH=str(copy), PYTHONDONTWRITEBYTECODE="1")
        try:
            p = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
                                *[t for t in TESTS if (copy / t).exists()]],
                               cwd=copy, env=env, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return m, "killed"  # a hang is a failure the tests noticed
        if m is None and p.returncode != 0:
            sys.stderr.write(p.stdout.decode("utf-8", "replace")[-4000:])
        return m, "survived" if p.returncode == 0 else "killed"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sample", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=180)
    ap.add_argument("--module", action="append", help="only these modules of procedure/ (repeatable)")
    args = ap.parse_args()
    every = [m for p in sorted(CORE.glob("*.py")) if p.stem != "__init__" for m in sites(p)
             if not args.module or m.module in args.module]
    rng = random.Random(args.seed)
    sample = rng.sample(every, min(args.sample, len(every)))
    print(f"{len(every)} mutation sites in procedure/; sample of {len(sample)} (seed {args.seed})", flush=True)
    started = time.monotonic()
    if run_one(None, args.timeout)[1] != "survived":  # the unchanged copy must pass, or nothing is measured
        sys.exit("the tests fail in an unchanged copy of the project: fix that first")
    print(f"  the unchanged copy passes ({time.monotonic() - started:.0f} s)", flush=True)
    results: list[tuple[Mutant | None, str]] = []
    with cf.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for n, (m, outcome) in enumerate(pool.map(lambda m: run_one(m, args.timeout), sample), 1):
            results.append((m, outcome))
            if n % 10 == 0:
                print(f"  {n}/{len(sample)} … {time.monotonic() - started:.0f} s", flush=True)
    valid = [(m, o) for m, o in results if m is not None and o != "invalid"]

    def score(rows: list[tuple[Mutant, str]]) -> str:
        killed = sum(1 for _, o in rows if o == "killed")
        return f"{killed}/{len(rows)} ({100 * killed / len(rows):.1f} %)" if rows else "—"

    print(f"\nkilled: {score(valid)} in {time.monotonic() - started:.0f} s "
          f"({len(results) - len(valid)} mutants not applicable)")
    print("\nper module:")
    for mod in sorted({m.module for m, _ in valid}):
        print(f"  {mod:14} {score([(m, o) for m, o in valid if m.module == mod])}")
    print("\nper kind:")
    for kind in sorted({m.kind for m, _ in valid}):
        print(f"  {kind:14} {score([(m, o) for m, o in valid if m.kind == kind])}")
    survivors = sorted((m for m, o in valid if o == "survived"), key=lambda m: (m.module, m.line))
    print(f"\nsurvivors ({len(survivors)}):")
    for m in survivors:
        print(f"  procedure/{m.module}.py:{m.line} {m.kind}: {m.what}")


if __name__ == "__main__":
    main()
