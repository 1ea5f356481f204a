#!/usr/bin/env python3
"""The mutants the issue on tests named (each confirmed to pass every test at the time), applied one
by one to a copy of the project: each must now be killed by the core's tests.

    python3 benchmarks/named_mutants.py

Prints «killed» or «SURVIVED» for each; exits 1 if one survived. Not in CI: a minute.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mutate  # the same tests and the same copy of the project

ROOT = mutate.ROOT
# (module of procedure/, the text, what a slip makes of it)
NAMED = [
 ("escalate.py", '        lines.append(f"- Из консультации ГЛ: {one_line(said)}")', '        pass'),
 ("escalate.py", 'for q in (questions or [texts.DEFAULT_QUESTION])]', 'for q in ([texts.DEFAULT_QUESTION])]'),
 ("calendar.py", '                names[day] = "рабочий день (файл настроек)"', '                pass'),
 ("calendar.py", 'names[nxt] = f"{ru.get(h)}: перенос с выходного (ст. 112 ТК РФ)"', 'pass'),
 ("journey.py", 'if cur.verdict == "not_applicable" or cur.situation == 5:',
  'if cur.verdict == "not_applicable" or cur.situation == 6:'),
 ("journey.py", 'if cur.situation == 5:', 'if cur.situation == 6:'),
 ("cycles.py", "due=cycles[-1].clock.due)", "due=cycles[0].clock.due)"),
 ("cycles.py", "last = self.cycles[-1].clock", "last = self.cycles[0].clock"),
 ("escalate.py", "urgent: bool = False,", "urgent: bool = True,"),
 ("terms.py", 'return LegalRule(7, "days"', 'return LegalRule(6, "days"'),
 # survivors of the run after the journey's split (seed 1), each behaviour-changing
 ("contact.py", "if second is None and all(", "if second is not None and all("),
 ("hpcc.py", "due=cal.add(sent.at.day, 1))", "due=cal.add(sent.at.day, 2))"),
 ("escalate.py", "text[0].upper() + text[1:]", "text[0].upper() + text[2:]"),
 ("journey.py", "            years.update(d.year for d in (c.start, c.due) if d)", "            pass"),
 # survivors of the run after the speed work (seed 1), each behaviour-changing
 ("audit.py", "j.case.asc_count is None and comment", "j.case.asc_count is not None and comment"),
 ("audit.py", 'elif stage == "2" or stage == "3":', 'elif stage == "2" or stage != "3":'),
 ("audit.py", "(self.first is None or first < self.first)", "(self.first is None or first >= self.first)"),
 ("audit.py", '"compliant": r[1], "findings": r[2]} for _, r in items[shown:]]',
  '"compliant": r[0], "findings": r[2]} for _, r in items[shown:]]'),
 ("audit.py", "                    cur[2] += row[2]", "                    pass"),
 ("audit.py", "if r == role and row[0] and (only is None", "if r == role and row[1] and (only is None"),
 ("month.py", "key=lambda kv: (kv[0] is None, str(kv[0])))", "key=lambda kv: (kv[0] is not None, str(kv[0])))"),
 ("journey.py", '(" …" if len(uncounted) > 3 else "")', '(" …" if len(uncounted) > 4 else "")'),
 ("triage.py", "    v.internal = EXPERT_INTERNAL\n    _need_phone(case, v)\n\n\ndef _non_warranty",
  "    v.internal = EXPERT_INTERNAL\n\n\ndef _non_warranty"),
]


def run(m: tuple[str, str, str]) -> tuple[tuple[str, str, str], str]:
    f, old, new = m
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "repo"
        shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".git", "__pycache__", ".pytest_cache", ".hypothesis",
                                                                   "*.egg-info", "benchmarks"))
        t = copy / "hotline_cli" / "procedure" / f
        s = t.read_text(encoding="utf-8")
        if s.count(old) < 1:
            return m, "NOT FOUND"  # the code moved: update the list
        t.write_text(s.replace(old, new, 1), encoding="utf-8")
        env = dict(os.environ, PYTHONPATH=str(copy), PYTHONDONTWRITEBYTECODE="1")
        p = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *mutate.TESTS],
                           cwd=copy, env=env, capture_output=True, timeout=300)
        return m, "killed" if p.returncode else "SURVIVED"


def main() -> int:
    survived = 0
    with ThreadPoolExecutor(2) as ex:
        for m, r in ex.map(run, NAMED):
            print(f"{r:<9} {m[0]}: {m[1].strip()}  →  {m[2].strip()}", flush=True)
            survived += r != "killed"
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
