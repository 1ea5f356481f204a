"""Hostile and broken exports: every file of fixtures/hostile/ has its expected message
fragment and exit status (fixtures/hostile/expected.json), for every command."""

import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest

from conftest import FIXTURES, ROOT, write_jsonl

HOSTILE = FIXTURES / "hostile"
EXPECTED = json.loads((HOSTILE / "expected.json").read_text(encoding="utf-8"))
COMMANDS = ["triage", "escalate", "followup", "summarize", "audit"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(hl, name):
    spec = EXPECTED[name]
    run = hl("triage", HOSTILE / name, "--today", "2025-11-20", *spec["args"])
    assert run.code == spec["exit"], run.err
    if spec["stderr"]:
        assert spec["stderr"] in run.err
        assert f"{HOSTILE / name}" in run.err  # the message says which file
    else:
        assert run.err == ""
    if spec["stdout"]:
        assert spec["stdout"] in run.out


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_survives_the_whole_corpus(hl, command):
    run = hl(command, HOSTILE, "--today", "2025-11-20", "--format", "jsonl")
    assert run.code == 2
    results = run.jsonl()  # every line is valid JSON
    errors = [r for r in results if "error" in r]
    lines = [x for x in run.err.strip().splitlines() if not x.startswith("hotline: предупреждение: ")]
    assert len(errors) == len(lines)  # one stderr line per bad record (and the corpus's repeated ids said apart)
    assert all(r["source"].startswith(str(HOSTILE)) for r in results)


@pytest.mark.parametrize("command", COMMANDS)
def test_raw_terminal_escapes_never_reach_the_output(hl, command):
    for fmt in ("text", "jsonl", "json", "csv", "table"):
        run = hl(command, HOSTILE / "terminal_escapes.json", "--format", fmt, "--today", "2025-11-20",
                 *(["--engineer", "e@x.ru"] if command == "escalate" else []))
        assert "\x1b" not in run.out and "\x9b" not in run.out, fmt
        assert "\x1b" not in run.err and "\x9b" not in run.err, fmt


@pytest.mark.parametrize("command", COMMANDS)
def test_formula_cells_are_neutralised(hl, command):
    import csv
    import io

    run = hl(command, HOSTILE / "formula.json", "--format", "csv", "--today", "2025-11-20",
             *(["--engineer", "e@x.ru"] if command == "escalate" else []))
    rows = list(csv.reader(io.StringIO(run.out)))[1:]
    assert rows
    for row in rows:
        assert row[0] == "'=HYPERLINK(\"http://x\",\"click\")"
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (command, cell)


def test_a_directory_named_like_a_file_and_an_empty_folder(hl, tmp_path):
    (tmp_path / "looks.json").mkdir()
    run = hl("triage", tmp_path / "looks.json")
    assert run.code == 2 and "в папке нет файлов .json или .jsonl" in run.err


def test_unreadable_file(hl, tmp_path, monkeypatch, make_case):
    locked = write_jsonl(tmp_path / "locked.jsonl", [make_case()])
    good = write_jsonl(tmp_path / "good.jsonl", [make_case(case_id="ok")])
    from hotline_cli.io import sources

    real_open = sources._open

    def fake_open(path):  # the tests run as root, for whom chmod 000 changes nothing
        if str(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path)

    monkeypatch.setattr(sources, "_open", fake_open)
    run = hl("triage", locked, good, "--format", "jsonl")
    assert run.code == 2
    assert "locked.jsonl: файл не читается: нет прав на чтение" in run.err
    assert [r.get("case_id") for r in run.jsonl()] == [None, "ok"]


def test_output_is_atomic(hl, tmp_path, monkeypatch):
    out = tmp_path / "report.jsonl"
    out.write_text("old report\n", encoding="utf-8")
    from hotline_cli.io import writers as render

    real = render.Sink.write
    calls = {"n": 0}

    def failing_write(self, frag):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(self, frag)

    monkeypatch.setattr(render.Sink, "write", failing_write)
    from click.testing import CliRunner

    from hotline_cli.cli import cli

    result = CliRunner().invoke(cli, ["triage", str(FIXTURES / "cases"), "--format", "jsonl", "--output", str(out)])
    assert result.exit_code != 0
    assert out.read_text(encoding="utf-8") == "old report\n"  # the old file, whole
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".hotline-")]  # no temporary left
    monkeypatch.setattr(render.Sink, "write", real)
    run = hl("triage", FIXTURES / "cases", "--format", "jsonl", "--output", out)
    assert run.code == 0 and run.out == ""
    assert len(out.read_text(encoding="utf-8").splitlines()) == len(list((FIXTURES / "cases").glob("*.json")))


def _big_export(tmp_path, n=3000):
    line = (FIXTURES / "cases" / "r8_site_form.json").read_text(encoding="utf-8").replace("\n", " ")
    p = tmp_path / "big.jsonl"
    p.write_text((line + "\n") * n, encoding="utf-8")
    return p


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_closed_pipe_ends_quietly(tmp_path, jobs):
    big = _big_export(tmp_path)
    p = subprocess.run(f"{sys.executable} -m hotline_cli audit {big} --today 2025-11-20 --format jsonl --jobs {jobs}"
                       " | head -1", shell=True, capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0
    assert len(p.stdout.splitlines()) == 1 and json.loads(p.stdout)
    assert "Traceback" not in p.stderr and "BrokenPipe" not in p.stderr


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_ends_with_130_and_no_traceback(tmp_path, jobs):
    line = (FIXTURES / "cases" / "r8_site_form.json").read_text(encoding="utf-8").replace("\n", " ") + "\n"
    proc = subprocess.Popen([sys.executable, "-m", "hotline_cli", "audit", "-", "--today", "2025-11-20",
                             "--format", "jsonl", "--jobs", jobs], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, cwd=ROOT, text=True)
    for _ in range(200):  # keep the input open: the run is mid-way when interrupted
        proc.stdin.write(line)
    proc.stdin.flush()
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=20)
    except ValueError:
        err = proc.stderr.read()
    assert proc.returncode == 130
    assert "Traceback" not in err


def test_progress_goes_to_a_terminal_stderr_only(tmp_path):
    import pty

    big = _big_export(tmp_path, n=11000)
    out = tmp_path / "out.jsonl"
    master, slave = pty.openpty()
    with open(out, "wb") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "hotline_cli", "audit", str(big), "--today", "2025-11-20",
                                 "--format", "jsonl"], stdout=fh, stderr=slave, cwd=ROOT)
        os.close(slave)
        seen = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        proc.wait(timeout=120)
    os.close(master)
    # one process counts every 5 000 cases; two count by the piece, so past 5 000
    counts = [int(n) for n in re.findall(r"обработано дел: (\d+)", seen.decode())]
    assert counts and all(5000 <= n <= 11000 for n in counts), counts
    assert proc.returncode == 1
    body = out.read_text(encoding="utf-8")
    assert "обработано" not in body and len(body.splitlines()) == 11000
    piped = subprocess.run([sys.executable, "-m", "hotline_cli", "audit", str(big), "--today", "2025-11-20",
                            "--format", "jsonl"], capture_output=True, cwd=ROOT)
    # never when piped; what stderr says is that one case is given 11 000 times
    said = piped.stderr.decode().splitlines()
    assert len(said) == 1 and "встречается 11000 раз (" in said[0] and "обработано" not in said[0]
