"""The benchmark script runs with one command and prints what the audit issue asks for."""

import os
import re
import subprocess
import sys

from conftest import ROOT

BENCH = ROOT / "benchmarks" / "bench.py"


def test_generator_is_deterministic_with_about_one_percent_broken(tmp_path):
    sys.path.insert(0, str(BENCH.parent))
    try:
        import bench
    finally:
        sys.path.pop(0)
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    broken = bench.generate(str(a), 3000)
    assert bench.generate(str(b), 3000) == broken
    assert a.read_bytes() == b.read_bytes()
    assert 15 <= broken <= 45  # ~1 % of 3 000
    assert len(a.read_text(encoding="utf-8").splitlines()) == 3000


def test_bench_prints_figures_ratios_and_stages(tmp_path):
    run = subprocess.run([sys.executable, str(BENCH), "--cases", "300,400", "--runs", "2", "--triage-runs", "1",
                          "--stages", "300", "--events", "2000", "--keep", str(tmp_path), "--no-compiled"],
                         capture_output=True, text=True, cwd=ROOT,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "(b')" not in out  # --no-compiled
    ratios = re.findall(r"ratio audit / baseline:\s+([\d.]+)x .*run by run: ([\d.]+)x, ([\d.]+)x\)", out)
    assert len(ratios) == 2 and all(float(x) > 1 for r in ratios for x in r)  # one line per size
    assert re.search(r"export: 300 cases.*\n(.*\n){4}export: 400 cases", out)
    assert re.search(r"\(c\) audit peak memory:\s+[\d.]+ MB", out)
    if (os.cpu_count() or 1) > 1:  # what the workers buy, for the largest size only
        assert len(re.findall(r"\(g\) --jobs 1: [\d.]+ s; the default \(up to \d+ workers\): [\d.]+ s: "
                              r"[\d.]+x faster", out)) == 1
    assert re.search(r"hotline triage \(one case\):\s+[\d.]+ ms", out)
    stages = re.findall(r"^    (read|validate|build|decide|render)\b.*?\s([\d.]+)\s+([\d.]+)$", out, re.M)
    assert [s[0] for s in stages] == ["read", "validate", "build", "decide", "render"]
    assert re.search(r"all stages, full path:\s+[\d.]+ µs", out) and re.search(r"all stages, fast path:", out)
    assert re.search(r"record by record\s+[\d.]+ µs, stage by stage \(32 records\)\s+[\d.]+ µs", out)
    assert re.search(r"\(f\) one case of 2000 events .*triage [\d.]+ s.*audit --mask-pii [\d.]+ s", out)


def test_bench_measures_the_compiled_core_in_the_same_run(tmp_path):
    """(b'): `--compiled COPY` audits on a copy of the project with the compiled core built in
    place, interleaved with the baseline and the pure audit. Under tools/compiled-suite this
    project is such a copy, and is measured; a copy without the compiled core is refused."""
    import hotline_cli.procedure.audit as core

    run = subprocess.run([sys.executable, str(BENCH), "--cases", "300", "--runs", "2", "--triage-runs", "1",
                          "--stages", "0", "--events", "0", "--keep", str(tmp_path), "--compiled", str(ROOT)],
                         capture_output=True, text=True, cwd=tmp_path, timeout=300)
    if not core.__file__.endswith(".so"):
        assert run.returncode != 0 and "the compiled core is not there" in run.stderr
        assert "(b')" not in run.stdout
        return
    assert run.returncode == 0, run.stderr
    assert re.search(r"\(b'\) the same, compiled core:\s+[\d.]+ s .*exit 2\n"
                     r"    ratio compiled / baseline:\s+[\d.]+x .*run by run: [\d.]+x, [\d.]+x\)", run.stdout)


def test_a_compiled_core_that_cannot_be_built_is_said_and_left_out(tmp_path, monkeypatch, capsys):
    """bench.py builds the compiled core by default; where it cannot (here: no git checkout to copy
    from), it says so and measures the rest."""
    sys.path.insert(0, str(BENCH.parent))
    try:
        import bench
    finally:
        sys.path.pop(0)
    monkeypatch.setattr(bench, "ROOT", str(tmp_path))  # not a git checkout
    assert bench.compiled_copy(str(tmp_path / "work")) is None
    assert "(b') not measured" in capsys.readouterr().out
