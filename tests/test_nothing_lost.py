"""Nothing lost, whatever the streams, files and sizes (a third round under attack): each test
reproduces a way a result was lost or replaced, and checks what happens now. Real processes,
real shells: closed streams, locales and pipes are the shell's, not Click's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

EXPORT = ROOT / "fixtures" / "export.jsonl"
BIN = str(Path(sys.executable).parent)


def sh(cmd: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    full = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", **env)
    return subprocess.run(["bash", "-o", "pipefail", "-c", cmd], cwd=cwd, capture_output=True, env=full, timeout=120)


@pytest.fixture
def here(tmp_path):
    lines = EXPORT.read_text(encoding="utf-8").splitlines()
    (tmp_path / "five.jsonl").write_text("\n".join(lines[:5]) + "\n", encoding="utf-8")  # line 4 is broken
    good = [ln for ln in lines if _case(ln)][:4]
    (tmp_path / "good4.jsonl").write_text("\n".join(good) + "\n", encoding="utf-8")
    return tmp_path


def _case(line: str) -> bool:
    try:
        data = json.loads(line)
    except ValueError:
        return False
    return isinstance(data, dict) and isinstance(data.get("city"), dict) and "case_id" in data


# ---------------------------------------------------------------- every file the tool writes


@pytest.mark.parametrize("args, message", [
    ("five.jsonl --report five.html -o five.html", "--output и --report — один и тот же файл"),
    ("five.jsonl --report copy.html", "это один из входных файлов"),
    ("five.jsonl --report r.pdf", "--report r.pdf: отчёт — страница HTML; укажите файл .html"),
])
def test_the_report_never_replaces_an_input_or_another_output(here, args, message):
    (here / "copy.html").write_bytes((here / "five.jsonl").read_bytes())
    before = {p.name: p.read_bytes() for p in here.iterdir()}
    inputs = "five.jsonl copy.html" if "copy.html" in args else "five.jsonl"
    p = sh(f"hotline audit {inputs} {args.split(' ', 1)[1]} --today 2025-11-20", here)
    assert p.returncode == 2 and message in p.stderr.decode()
    assert {p.name: p.read_bytes() for p in here.iterdir()} == before  # nothing read, nothing written


def test_the_report_is_written_when_the_reader_goes_away(here):
    big = here / "big.jsonl"
    big.write_text((here / "good4.jsonl").read_text(encoding="utf-8") * 1000, encoding="utf-8")  # 4 000 cases
    old = here / "r.html"
    old.write_text("старый отчёт", encoding="utf-8")
    p = sh("hotline audit big.jsonl --today 2025-11-20 --format jsonl --exit-zero --report r.html | head -1", here)
    assert p.returncode == 0 and len(p.stdout.splitlines()) == 1 and not p.stderr
    page = old.read_text(encoding="utf-8")
    assert "старый отчёт" not in page and "<html" in page and "4000" in page.replace("\u00a0", "").replace(" ", "")


# ---------------------------------------------------------------- standard input, record by record


@pytest.mark.parametrize("first", ['{"case_id": "X", ', "[1, 2]"])
def test_a_bad_first_line_on_standard_input_is_that_records_error(here, first):
    p = sh(f"(echo '{first}'; cat good4.jsonl) | hotline audit --format jsonl --today 2025-11-20 --exit-zero", here)
    results = [json.loads(line) for line in p.stdout.decode().splitlines()]
    assert len(results) == 5 and "error" in results[0]
    assert [r["source"] for r in results] == [f"<stdin>:{n}" for n in range(1, 6)]
    assert all("error" not in r for r in results[1:])


def test_a_pretty_printed_array_on_standard_input_is_one_document(here):
    p = sh("printf '[\\n%s\\n]\\n' \"$(head -1 good4.jsonl)\" | hotline triage --format jsonl", here)
    assert p.returncode == 0 and len(p.stdout.splitlines()) == 1


# ---------------------------------------------------------------- UTF-8 for programs, whatever the locale


@pytest.mark.parametrize("encoding", ["cp1251", "ascii", "latin-1"])
@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_machine_formats_are_utf8_whatever_pythonioencoding(here, encoding, fmt):
    p = sh(f"hotline triage good4.jsonl --format {fmt}", here, PYTHONIOENCODING=encoding)
    text = p.stdout.decode("utf-8")  # raises on cp1251 bytes
    data = [json.loads(x) for x in text.splitlines()] if fmt == "jsonl" else json.loads(text)
    assert len(data) == 4 and "«" in text and "\\U0001" not in text


@pytest.mark.parametrize("encoding", ["cp1251", "ascii"])
def test_csv_for_excel_starts_with_the_byte_order_mark(here, encoding):
    p = sh("hotline triage good4.jsonl --format csv --excel", here, PYTHONIOENCODING=encoding)
    assert p.stdout.startswith(b"\xef\xbb\xbfcase_id;")
    p.stdout.decode("utf-8")


# ---------------------------------------------------------------- closed standard streams


def test_a_closed_stderr_loses_no_result(here):
    p = sh("hotline triage five.jsonl --format jsonl 2>&-", here)
    assert len(p.stdout.splitlines()) == 5 and p.returncode == 2  # 2: line 4 is broken, said nowhere


def test_a_closed_stdout_with_an_output_file_writes_it(here):
    p = sh("hotline triage five.jsonl --format json -o out.json >&-", here)
    assert len(json.loads((here / "out.json").read_text(encoding="utf-8"))) == 5
    assert p.returncode == 2 and b"Traceback" not in p.stderr


def test_a_closed_stdout_without_an_output_file_is_said(here):
    p = sh("hotline triage five.jsonl >&-", here)
    assert p.returncode == 2 and "стандартный вывод закрыт" in p.stderr.decode()


@pytest.mark.parametrize("command", ["triage", "new", "audit"])
def test_a_closed_stdin_reads_as_nothing(here, command):
    p = sh(f"hotline {command} <&-", here)
    assert p.returncode == 2 and b"Traceback" not in p.stderr and "внутренняя ошибка" not in p.stderr.decode()
