"""Both cores: the parallel pipeline gives byte-for-byte the output of one process."""

import subprocess
import sys

from conftest import FIXTURES, ROOT


def _run(*args):
    return subprocess.run([sys.executable, "-m", "hotline_cli", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT)


def test_parallel_output_equals_serial(tmp_path):
    lines = []
    for p in sorted((FIXTURES / "audit").glob("*.json")):
        lines.append(p.read_text(encoding="utf-8").replace("\n", " "))
    lines += (FIXTURES / "export.jsonl").read_text(encoding="utf-8").splitlines()
    big = tmp_path / "big.jsonl"
    big.write_text("\n".join(lines * 20) + "\n", encoding="utf-8")
    for fmt in ("jsonl", "text", "csv", "json"):
        one = _run("audit", big, "--today", "2025-11-20", "--format", fmt, "--jobs", "1")
        two = _run("audit", big, "--today", "2025-11-20", "--format", fmt, "--jobs", "2")
        assert one.returncode == two.returncode == 2
        assert one.stdout == two.stdout and one.stdout
        assert one.stderr == two.stderr
