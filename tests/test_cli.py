"""The shell itself: help in Russian on every command, version, usage errors."""

import json
import re
import subprocess
import sys

import click

from conftest import ROOT
from hotline_cli import __version__
from hotline_cli.cli import cli

CYRILLIC = re.compile("[а-яА-Я]")


def _commands(group: click.Group, prefix=()):
    for name, cmd in group.commands.items():
        yield prefix + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, prefix + (name,))


def test_every_command_has_russian_help(hl):
    names = []
    for path, cmd in _commands(cli):
        names.append(" ".join(path))
        assert cmd.help and CYRILLIC.search(cmd.help), path
        for p in cmd.params:
            if isinstance(p, click.Option):
                assert p.help and CYRILLIC.search(p.help), (path, p.name)
        run = hl(*path, "--help")
        assert run.code == 0 and "Использование:" in run.out and "Параметры:" in run.out
    assert {"triage", "escalate", "followup", "summarize", "audit", "workdays", "workdays add",
            "workdays between", "workdays year"} <= set(names)


def test_version(hl):
    assert hl("--version").out.strip() == f"hotline {__version__}"


def _main(*args):
    return subprocess.run([sys.executable, "-m", "hotline_cli", *args], capture_output=True, text=True, cwd=ROOT)


def test_usage_errors_are_russian_and_exit_2():
    for args, fragment in [(["triage", "--format", "xml"], "неверное значение '--format'"),
                           (["frob"], "нет такой команды 'frob'"),
                           (["workdays", "add"], "не указан аргумент"),
                           (["workdays", "year", "1990"], "вне поддерживаемого диапазона")]:
        p = _main(*args)
        assert p.returncode == 2, args
        assert fragment in p.stderr and "Справка: hotline" in p.stderr, p.stderr
        assert "Traceback" not in p.stderr and p.stdout == ""


def test_a_run_under_a_profiler_still_writes_the_profile(tmp_path):
    """A finished run skips the interpreter's teardown (os._exit), except under a profiler or a
    coverage tracer, which write their data at exit."""
    prof = tmp_path / "run.prof"
    p = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "hotline_cli", "workdays", "add",
                        "2025-10-31", "3"], capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0 and "06.11.2025" in p.stdout
    import pstats

    assert pstats.Stats(str(prof)).total_calls > 0


def test_python_m_runs_the_cli():
    a = _main("workdays", "add", "2025-10-31", "3", "--format", "json")
    assert a.returncode == 0 and json.loads(a.stdout)["date"] == "2025-11-06"


def test_bare_hotline_lists_each_command_once_and_whole(hl):
    out = hl(width=80).out
    listed = [line.split()[0] for line in out.split("Команды:")[1].splitlines() if line.strip()]
    assert listed == ["new", "triage", "log", "escalate", "followup", "agenda", "summarize", "audit", "import",
                      "rules", "workdays"]
    assert "…" not in out.replace("закрытие…", "") and "..." not in out.split("Команды:")[1]
    assert out.count("triage") == 1
    sub = hl("workdays", width=80).out
    assert [line.split()[0] for line in sub.split("Команды:")[1].splitlines() if line.strip()] == [
        "add", "between", "year", "import"]
