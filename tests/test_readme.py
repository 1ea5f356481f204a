"""Every command the README shows runs as written from the repo root (in a copy of it), and
every `console` example prints exactly what the README says it prints."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCK = re.compile(r"^```(sh|console)\n(.*?)^```", re.S | re.M)


def commands():
    """(command, expected output or None) for each command of each sh/console block."""
    for kind, body in BLOCK.findall(README):
        if kind == "sh":
            for line in body.splitlines():
                line = line.strip()
                if line and not line.startswith("#"):
                    yield line, None
        else:
            chunks = re.split(r"^\$ ", body, flags=re.M)[1:]
            for chunk in chunks:
                cmd, _, out = chunk.partition("\n")
                yield cmd.strip(), out


CASES = list(commands())


def test_the_readme_opens_with_the_two_commands():
    first, second = (cmd for cmd, _ in CASES[:2])
    assert first.startswith("python3 -m pip install -q . && hotline ")
    assert second == (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]


@pytest.fixture(scope="module")
def repo_copy(tmp_path_factory):
    """The repo root as a newcomer has it: the fixtures and files the examples name."""
    root = tmp_path_factory.mktemp("repo")
    for name in ("fixtures", "schemas"):
        shutil.copytree(ROOT / name, root / name)
    for name in ("hotline.example.toml", "import.example.toml", "README.md"):
        shutil.copy(ROOT / name, root / name)
    return root


@pytest.mark.parametrize("cmd, expected", CASES[2:], ids=[c[:60] for c, _ in CASES[2:]])
def test_every_readme_command_runs_as_written(repo_copy, cmd, expected):
    # the first command's install is done (the tests run installed); the second one is this test run
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    p = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], cwd=repo_copy, capture_output=True, text=True,
                       env=env, timeout=120)
    assert p.returncode in (0, 1, 2) and p.returncode not in (126, 127), (cmd, p.stderr)
    for trouble in ("Traceback", "command not found", "No such file", "не найден", "файл не найден"):
        assert trouble not in p.stderr, (cmd, p.stderr)
    if expected is not None:
        assert p.stdout == expected, cmd
    for path in written(cmd):
        check_written(repo_copy / path, cmd)


def written(cmd: str) -> list[str]:
    """The files a README command says it writes (-o, --output, --report, --eml)."""
    return re.findall(r"(?:^|\s)(?:-o|--output|--report|--eml)\s+(\S+)", cmd)


def check_written(path: Path, cmd: str) -> None:
    """What a file written by a README command must be: there, and of its kind."""
    assert path.is_file() and path.stat().st_size > 0, cmd
    data = path.read_bytes()
    kind = path.suffix
    if kind == ".xlsx":
        import openpyxl

        assert openpyxl.load_workbook(path, read_only=True).sheetnames, cmd
    elif kind == ".html":
        assert data.startswith(b"<!DOCTYPE html>") and "Аудит выгрузки".encode() in data, cmd
    elif kind == ".eml":
        from email import message_from_bytes, policy

        m = message_from_bytes(data, policy=policy.default)
        assert m["To"] and str(m["Subject"]).startswith("Не согласен с заключением, что техника исправна."), cmd
    elif kind in (".json", ".jsonl"):
        text = data.decode("utf-8")
        import json

        assert [json.loads(x) for x in text.splitlines() if x.strip()] if kind == ".jsonl" else json.loads(text), cmd
    elif kind == ".csv":
        assert data.decode("utf-8-sig").splitlines()[0].count(",") + data.decode("utf-8-sig").splitlines()[0].count(
            ";") >= 2, cmd


def test_every_file_a_readme_command_writes_is_checked():
    files = [f for cmd, _ in CASES for f in written(cmd)]
    assert {".xlsx", ".html", ".eml", ".jsonl", ".csv", ".json"} <= {Path(f).suffix for f in files}, files


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_the_completion_lines_of_other_shells(shell):
    [line] = [b.strip() for kind, b in re.findall(r"^```(zsh|fish)\n(.*?)^```", README, re.S | re.M) if kind == shell]
    line = line.split("#")[0].strip()
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    if shutil.which(shell):
        p = subprocess.run([shell, "-c", line], capture_output=True, text=True, env=env, timeout=60)
        assert p.returncode == 0, p.stderr
    # the script the line loads is what Click writes for that shell (the shell itself may be absent)
    source = re.search(r"_HOTLINE_COMPLETE=\w+ hotline", line).group()
    p = subprocess.run(["bash", "-c", source], capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 0 and "_HOTLINE_COMPLETE" in p.stdout and shell in p.stdout.lower()


def test_rule_codes_complete_for_select(tmp_path):
    env = dict(os.environ, _HOTLINE_COMPLETE="bash_complete", COMP_WORDS="hotline audit --select HL1",
               COMP_CWORD="3", PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    p = subprocess.run(["hotline"], capture_output=True, text=True, env=env, timeout=60)
    codes = [line.split(",", 1)[1] for line in p.stdout.splitlines()]
    assert codes == ["HL1", "HL101", "HL102", "HL103", "HL104", "HL105", "HL106", "HL107", "HL108", "HL109"]


def test_the_first_command_on_a_fresh_install(repo_copy):
    cmd = CASES[0][0].split("&&", 1)[1].strip()
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    p = subprocess.run(["bash", "-c", cmd], cwd=repo_copy, capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 0 and "HL-2025-0513" in p.stdout, p.stderr
