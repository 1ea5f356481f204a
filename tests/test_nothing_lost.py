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
    said = p.stderr.decode().splitlines()  # the four cases repeated 1 000 times: counted once each, and said
    assert p.returncode == 0 and len(p.stdout.splitlines()) == 1 and len(said) == 4
    assert all("встречается 1000 раз (" in line for line in said)
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
    assert p.stdout.startswith("\ufeffДело;Ситуация;".encode())
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


# ---------------------------------------------------------------- workbooks: no temporaries left, errors said


def test_a_workbook_on_a_full_disk_is_one_line_and_leaves_nothing(here):
    tmp = here / "tmp"
    tmp.mkdir()
    p = sh("hotline audit good4.jsonl --today 2025-11-20 --format xlsx -o /dev/full", here, TMPDIR=str(tmp))
    err = p.stderr.decode()
    assert p.returncode == 2 and "книга Excel не записана: на диске нет места" in err
    assert "Traceback" not in err and "Exception ignored" not in err
    assert list(tmp.iterdir()) == []


def test_an_interrupted_workbook_leaves_no_rows_in_clear(here):
    """SIGTERM while the workbook's rows are being written: the cases come through a named pipe
    that this test holds open, so the run is still reading when the signal comes, however fast
    it is (a compiled core finished 20 000 cases before a signal sent on seeing its temporaries)."""
    import signal
    import time

    tmp = here / "tmp"
    tmp.mkdir()
    fifo = here / "cases.jsonl"
    os.mkfifo(fifo)
    writer = os.open(fifo, os.O_RDWR)  # a writer from the start: the run's reads wait for more
    try:
        env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", TMPDIR=str(tmp))
        proc = subprocess.Popen(["hotline", "audit", str(fifo), "--today", "2025-11-20", "--format", "xlsx",
                                 "--jobs", "1", "-o", str(here / "out.xlsx")], cwd=here, env=env,
                                stderr=subprocess.PIPE)
        os.write(writer, (here / "good4.jsonl").read_bytes() * 250)  # 1 000 cases, then nothing more
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(tmp.iterdir()):
            time.sleep(0.05)  # wait for the rows to be written in clear (XlsxWriter's temporary files)
        assert any(tmp.iterdir()) and proc.poll() is None  # writing rows, and waiting for more cases
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    finally:
        os.close(writer)
    assert proc.returncode == 143, proc.stderr.read().decode()
    assert list(tmp.iterdir()) == [] and not list(here.glob(".hotline-*")) and not (here / "out.xlsx").exists()


# ---------------------------------------------------------------- --mask-pii: what people paste


SEPARATORS = [" ", "\u00a0", "\u2009", "\u202f", "-", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212", "/", "."]


def test_mask_pii_masks_phones_written_with_any_separator():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from hotline_cli.io.privacy import mask_text

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.sampled_from(SEPARATORS), min_size=4, max_size=4), st.sampled_from(["+7 ", "8 ", "+7", "", "8-"]))
    def check(seps, prefix):
        phone = f"{prefix}903{seps[0]}555{seps[1]}12{seps[2]}34"
        masked = mask_text(f"звоните {phone}, спасибо", ())
        assert "903" not in masked and "<тел:" in masked, (phone, masked)

    check()


def test_mask_pii_masks_an_address_whose_host_has_no_dot(hl, tmp_path):
    from hotline_cli.io.privacy import mask_text

    assert mask_text("пишите petrova@localhost или a.b@сервис.рф", ()).count("<email:") == 2
    assert mask_text("30.10.2025 10:15, заявка 40031822", ()) == "30.10.2025 10:15, заявка 40031822"


# ---------------------------------------------------------------- one-line fields never forge a line


@pytest.mark.parametrize("command", ["escalate", "summarize"])
def test_a_line_break_in_a_one_line_field_forges_no_line(hl, tmp_path, command):
    case = json.loads((ROOT / "fixtures" / "journeys" / "site_form_new.json").read_text(encoding="utf-8"))
    case["client"]["name"] = "Петрова\nBcc: evil@x.ru\nАнна"
    case["city"]["name"] = "Казань\r\nПодпись: директор"
    case["events"] = [{"type": "engineer_request", "at": "2025-11-05T11:00:00+03:00", "to": "e@example.ru\nПодпись: x",
                       "ticket": "https://t/1\nПодпись: директор"}]
    path = tmp_path / "c.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    text = hl(command, path, "--today", "2025-11-20", "--engineer", "e@example.ru").out if command == "escalate" \
        else hl(command, path, "--today", "2025-11-20").out
    lines = text.splitlines()
    assert not any(ln.strip().startswith(("Bcc:", "Подпись:", "Анна")) for ln in lines)
    assert "\\nПодпись: " in text  # the break shown, not obeyed


# ---------------------------------------------------------------- sizes nothing capped


def test_a_record_with_a_hundred_thousand_typos_is_one_short_line(hl, tmp_path):
    case = json.loads((ROOT / "fixtures" / "cases" / "r9_naumen.json").read_text(encoding="utf-8"))
    case["events"] = [{"type": "expert_cal", "at": "2025-11-01"} for _ in range(100_000)]
    path = tmp_path / "typos.jsonl"
    path.write_text(json.dumps(case) + "\n", encoding="utf-8")
    run = hl("triage", path, "--format", "jsonl")
    (r,) = run.jsonl()
    details = r["error"]["details"]
    assert len(details) == 20 and details[-1]["message"].startswith("и ещё не меньше ")
    assert len(run.err) < 10_000


def test_a_mistyped_zone_is_looked_up_once(hl, tmp_path):
    from hotline_cli.io.answers import _zones, nearest_zone

    assert nearest_zone("Europe/Mosco") == "Europe/Moscow"
    before = _zones.cache_info().misses
    for _ in range(1000):
        nearest_zone("Asia/Vladivostock")
    assert _zones.cache_info().misses == before


def test_jobs_are_capped_by_the_usable_cores(hl, here, monkeypatch):
    from hotline_cli.run import pool, shell

    asked = []
    real = pool.chunks_parallel

    def spy(blocks, job, jobs):
        asked.append(jobs)
        return real(blocks, job, jobs)

    monkeypatch.setattr(pool, "chunks_parallel", spy)
    run = hl("audit", here / "good4.jsonl", "--jobs", "10000", "--today", "2025-11-20", "--format", "jsonl",
             "--exit-zero")
    assert len(run.jsonl()) == 4
    assert asked in ([], [shell.usable_cores()]) and all(n <= shell.usable_cores() for n in asked)
    assert asked == ([shell.usable_cores()] if shell.usable_cores() > 1 else [])


# ---------------------------------------------------------------- the API never loses the record after a bad one


GOOD = json.loads((ROOT / "fixtures" / "cases" / "r9_naumen.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("bad", [None, [1, 2], b"\xff\xfe", {1, 2}, "datetime", "huge", 3.5])
def test_api_run_gives_a_bad_record_its_error_and_goes_on(bad):
    from datetime import datetime

    from hotline_cli import api

    bad = {"datetime": datetime(2025, 11, 20), "huge": 10 ** 5000}.get(bad, bad) if isinstance(bad, str) else bad
    first, second = list(api.run("audit", [bad, GOOD], today="2025-11-20"))
    assert "error" in first and first["source"] == "api:1"
    assert "error" not in second and second["case_id"] == GOOD["case_id"]


@pytest.mark.parametrize("call, kind, message", [
    (lambda api: api.run("tirage", [GOOD]), ValueError, "нет команды «tirage»; возможно, имелось в виду «triage»"),
    (lambda api: api.run("audit", GOOD), TypeError, "records: ожидается последовательность записей"),
    (lambda api: api.agenda([GOOD]), TypeError, "case: ожидается одно дело — словарь, а здесь list"),
    (lambda api: api.triage(GOOD, today="31.13.2025"), ValueError, "today: «31.13.2025» — не дата"),
    (lambda api: api.triage(GOOD, today=20251120), TypeError, "today: ожидается дата"),
])
def test_api_bad_arguments_raise_documented_errors_in_russian(call, kind, message):
    from hotline_cli import api

    with pytest.raises(kind) as e:
        call(api)
    assert message in str(e.value)


def test_a_missing_file_suggests_the_nearest_name(hl):
    run = hl("triage", ROOT / "fixtures" / "expot.jsonl")
    assert run.code == 2 and f"возможно, имелось в виду «{ROOT / 'fixtures' / 'export.jsonl'}»" in run.err


def test_a_missing_file_is_said_once_on_a_terminal(tmp_path):
    import pexpect

    child = pexpect.spawn(str(Path(sys.executable).with_name("hotline")), ["triage", "expot.jsonl"], cwd=str(tmp_path),
                          encoding="utf-8", timeout=30, env={"PATH": BIN, "LANG": "C.UTF-8"})
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2 and child.before.count("файл не найден") == 1


def test_an_empty_folder_is_an_unread_input_not_a_record(hl, tmp_path):
    (tmp_path / "empty").mkdir()
    run = hl("audit", tmp_path / "empty", ROOT / "fixtures" / "cases" / "r9_naumen.json", "--today", "2025-11-20",
             "--statistics", "--format", "json")
    s = json.loads(run.out)
    assert (s["read"], s["unread_inputs"], s["invalid"], s["valid"]) == (1, 1, 0, 1)
    assert run.code == 2  # the empty folder is still said, and still sets the status


def test_workers_are_no_more_than_the_pieces_of_work(hl, here, monkeypatch):
    """One record with --jobs 2: one worker process, not two (the pool counts its pieces first)."""
    import concurrent.futures as cf

    made = []
    real = cf.ProcessPoolExecutor

    class Spy(real):  # type: ignore[misc, valid-type]
        def __init__(self, max_workers=None, **kw):
            made.append(max_workers)
            super().__init__(max_workers=max_workers, **kw)

    monkeypatch.setattr(cf, "ProcessPoolExecutor", Spy)
    one = here / "one.jsonl"
    one.write_text((here / "good4.jsonl").read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    run = hl("audit", one, "--jobs", "2", "--today", "2025-11-20", "--format", "jsonl", "--exit-zero")
    assert len(run.jsonl()) == 1
    from hotline_cli.run import shell

    assert made == ([1] if shell.usable_cores() > 1 else [])
