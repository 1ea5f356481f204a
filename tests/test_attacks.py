"""Every promise of the README under attack: pipes, signals, files, permissions, names,
hostile field values, hostile inputs. Real processes through the installed console entry
point wherever the promise is about a process (exit status, stderr, signals, orphans)."""

import email
import email.policy
import json
import os
import re
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, ROOT, write_jsonl

ENTRY = Path(sys.executable).with_name("hotline")
COMMANDS = ["triage", "escalate", "followup", "summarize", "audit"]
FORMATS = ["text", "json", "jsonl", "csv", "table"]
CASE = json.loads((FIXTURES / "cases" / "r8_site_form.json").read_text(encoding="utf-8"))


def hotline(*args, **kw):
    """The installed console script `hotline` as a real process (python -m when absent)."""
    cmd = [str(ENTRY)] if ENTRY.exists() else [sys.executable, "-m", "hotline_cli"]
    kw.setdefault("capture_output", True)
    kw.setdefault("timeout", 120)
    return subprocess.run(cmd + [str(a) for a in args], cwd=kw.pop("cwd", ROOT), **kw)


def no_traceback(p):
    err = p.stderr.decode("utf-8", "replace") if isinstance(p.stderr, bytes) else p.stderr
    assert "Traceback" not in err and "Error:" not in err.replace("hotline:", ""), err
    return err


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    p = tmp_path_factory.mktemp("big") / "big.jsonl"
    line = json.dumps(CASE, ensure_ascii=False)
    p.write_text((line + "\n") * 3000, encoding="utf-8")
    return p


# ---------------------------------------------------------------- a clone with nothing beside it

def test_no_test_reads_outside_the_repo():
    word = "sha" + "red"  # spelled apart, so that this test does not find itself
    forbidden = ["ROOT" + ".parent", "../" + word, chr(34) + word + chr(34)]
    for p in (ROOT / "tests").glob("*.py"):
        text = p.read_text(encoding="utf-8")
        assert not any(f in text for f in forbidden), p


# ---------------------------------------------------------------- closed pipes

@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_closed_pipe_ends_quietly_with_0(big, command, fmt):
    cmd = f"set -o pipefail; '{ENTRY}' {command} '{big}' --today 2025-11-20 --format {fmt} | head -c 10 > /dev/null"
    p = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0 or (command == "audit" and p.returncode == 1 and fmt == "table"), (p.returncode, p.stderr)
    assert p.stderr == "" or fmt == "table", p.stderr  # a table is written whole at the end: it may finish first


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_closed_pipe_with_workers(big, jobs):
    cmd = f"set -o pipefail; '{ENTRY}' audit '{big}' --today 2025-11-20 --format jsonl --jobs {jobs} | head -1"
    p = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0 and p.stderr == "", p.stderr
    assert len(p.stdout.splitlines()) == 1


def test_a_closed_pipe_with_two_workers_under_load_never_hangs(big):
    """Six runs at once on two cores, each reader leaving after one line: each run ends, quietly,
    in seconds (the pool's threads once kept a process at exit for minutes)."""
    cmd = f"set -o pipefail; '{ENTRY}' audit '{big}' --today 2025-11-20 --format jsonl --jobs 2 | head -1"
    runs = [subprocess.Popen(["bash", "-c", cmd], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(6)]
    for p in runs:
        out, err = p.communicate(timeout=90)
        assert p.returncode == 0 and err == "" and len(out.splitlines()) == 1, err


# ---------------------------------------------------------------- output files

def test_output_into_a_missing_folder_is_a_clear_message(tmp_path):
    p = hotline("triage", FIXTURES / "cases", "-o", tmp_path / "nope" / "out.jsonl")
    err = no_traceback(p)
    assert p.returncode == 2 and "папка" in err and "не существует" in err and p.stdout == b""
    p = hotline("escalate", FIXTURES / "journeys" / "site_form_new.json", "--eml", tmp_path / "nope" / "m.eml",
                "--engineer", "e@example.ru")
    err = no_traceback(p)
    assert p.returncode == 2 and "не существует" in err


def test_output_into_a_read_only_folder(hl, tmp_path, monkeypatch):
    # the tests run as root, who may write anywhere: the check is asked of os.access
    real = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: False if str(path) == str(tmp_path) else real(path, mode))
    run = hl("triage", FIXTURES / "cases", "-o", tmp_path / "out.jsonl")
    assert run.code == 2 and "нет прав на запись" in run.err and not (tmp_path / "out.jsonl").exists()


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_new_files_get_the_umasks_permissions_and_old_ones_keep_theirs(tmp_path, umask, mode):
    out, eml = tmp_path / "out.jsonl", tmp_path / "m.eml"
    p = hotline("escalate", FIXTURES / "journeys" / "site_form_new.json", "--today", "2025-10-30", "-o", out,
                "--eml", eml, "--engineer", "e@example.ru", preexec_fn=lambda: os.umask(umask))
    assert p.returncode == 0, p.stderr
    assert (out.stat().st_mode & 0o777, eml.stat().st_mode & 0o777) == (mode, mode)
    out.chmod(0o664)
    eml.chmod(0o640)
    hotline("escalate", FIXTURES / "journeys" / "site_form_new.json", "-o", out, "--eml", eml,
            "--engineer", "e@example.ru", preexec_fn=lambda: os.umask(0o077))
    assert (out.stat().st_mode & 0o777, eml.stat().st_mode & 0o777) == (0o664, 0o640)


def test_output_naming_an_input_is_refused_before_anything_is_read(tmp_path):
    src = tmp_path / "in.jsonl"
    write_jsonl(src, [CASE])
    before = src.read_bytes()
    for inputs in ([src], [tmp_path]):  # the file itself, or a folder holding it
        p = hotline("triage", *inputs, "-o", src)
        assert p.returncode == 2 and "один из входных файлов" in no_traceback(p)
        assert src.read_bytes() == before


def test_output_onto_a_symlink_writes_its_target(tmp_path):
    target = tmp_path / "real.jsonl"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    assert hotline("triage", FIXTURES / "cases" / "r9_naumen.json", "-o", link, "--format", "jsonl").returncode == 0
    assert link.is_symlink() and json.loads(target.read_text(encoding="utf-8"))["case_id"] == "HL-2025-0513"


@pytest.mark.parametrize("minor", [3, 7])  # the kernel's null and full devices
def test_output_onto_a_device_writes_to_it_and_never_replaces_it(tmp_path, minor):
    # a device node of our own (the tests run as root): a buggy build must not replace the machine's /dev/null
    device = tmp_path / "dev"
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, minor))
    before = os.stat(device)
    p = hotline("triage", FIXTURES / "cases", "-o", device)
    err = no_traceback(p)
    after = os.stat(device)
    assert (after.st_mode, after.st_rdev, after.st_ino) == (before.st_mode, before.st_rdev, before.st_ino)
    assert stat.S_ISCHR(after.st_mode) and not list(tmp_path.glob(".hotline-*"))
    if minor == 7:
        assert p.returncode == 2 and "на диске нет места" in err
    else:
        assert p.returncode == 0


def test_stdout_on_a_full_disk():
    with open("/dev/full", "wb") as full:
        p = subprocess.run([str(ENTRY), "triage", str(FIXTURES / "cases")], stdout=full, stderr=subprocess.PIPE,
                           timeout=60)
    assert p.returncode == 2 and "на диске нет места" in no_traceback(p)


def _orphans(marker: str) -> list[int]:
    found = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if marker.encode() in (d / "cmdline").read_bytes():
                    found.append(int(d.name))
            except OSError:
                pass
    return found


@pytest.mark.parametrize("sig, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130), (signal.SIGHUP, 129)])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_signal_mid_run_keeps_the_old_output_and_leaves_no_orphan(tmp_path, sig, code, jobs):
    """The cases come through a named pipe this test holds open: the run is mid-way when the signal
    comes, however fast it reads (not a race against a big file)."""
    line = json.dumps(CASE, ensure_ascii=False)
    src = tmp_path / "in.jsonl"
    os.mkfifo(src)
    writer = os.open(src, os.O_RDWR)  # a writer from the start: the run waits for more cases
    out = tmp_path / "report.jsonl"
    out.write_text("old report\n", encoding="utf-8")
    try:
        proc = subprocess.Popen([str(ENTRY), "audit", str(src), "--today", "2025-11-20", "--format", "jsonl",
                                 "--jobs", jobs, "-o", str(out)], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
        os.write(writer, ((line + "\n") * 3000).encode())
        deadline = time.time() + 60
        while time.time() < deadline and not list(tmp_path.glob(".hotline-*.tmp")):
            time.sleep(0.05)
        time.sleep(0.5)
        assert proc.poll() is None, "the run ended before the signal"
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    finally:
        os.close(writer)
    assert proc.returncode == code, err.decode()
    assert b"Traceback" not in err
    assert out.read_text(encoding="utf-8") == "old report\n"
    assert not list(tmp_path.glob(".hotline-*.tmp"))
    time.sleep(0.3)
    assert _orphans(str(src)) == []


# ---------------------------------------------------------------- .eml drafts

def _case(case_id, **changes):
    c = json.loads(json.dumps(CASE))
    c.update(case_id=case_id, channel="site_form", events=[])
    c.update(changes)
    return c


def test_eml_names_are_unique_and_safe(tmp_path):
    ids = ["A/B", "A_B", "a_b", "CON", "x?*:<>|\"y", "..", "", "HL-1\u202e"]
    src = write_jsonl(tmp_path / "c.jsonl", [_case(i if i else "x") for i in ids])
    out = tmp_path / "mails"
    p = hotline("escalate", src, "--eml", out, "--engineer", "e@example.ru", "--format", "jsonl",
                "--today", "2025-10-30")
    assert p.returncode == 0, p.stderr
    written = sorted(f.name for f in out.iterdir())
    assert len(written) == len(ids)  # never an overwrite
    for name in written:
        assert re.fullmatch(r"[^<>:\"/\\|?*\x00-\x1f\u202a-\u202e]+\.eml", name), name
        assert name.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL"}
    eml_of = {r["case_id"]: r["eml"] for r in map(json.loads, p.stdout.decode().splitlines())}
    assert len(set(eml_of.values())) == len(set(eml_of))


HOSTILE_ADDRESSES = [
    "a@=?utf-8?q?b.ru=0D=0ABcc=3A_evil=40x.ru?=",
    "asc@example.ru\r\nBcc: x@y.ru",
    "asc@example.ru\nX-Evil: 1",
    "=?utf-8?b?ZXZpbEB4LnJ1?=@x.ru",
    "Иван <ivan@example.ru>",
    "a@b.ru, c@d.ru",
    "\u202easc@example.ru",
    "",
    "@",
]


def _draft(tmp_path, asc_email, name="Петрова Анна Сергеевна"):
    c = _case("H", client={"name": name})
    c["requests"][0]["asc"]["email"] = asc_email
    src = write_jsonl(tmp_path / "c.jsonl", [c])
    out = tmp_path / "m.eml"
    p = hotline("escalate", src, "--eml", out, "--engineer", "e@example.ru", "--format", "jsonl",
                "--today", "2025-10-30")
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout), email.message_from_bytes(out.read_bytes(), policy=email.policy.default)


ALLOWED_HEADERS = {"to", "cc", "subject", "x-priority", "importance", "priority", "x-unsent", "mime-version",
                   "content-type", "content-transfer-encoding", "message-id", "in-reply-to", "references"}
COPY = ["olesya.vedischeva@haierrussia.ru", "igrineva@haierrussia.ru"]


@pytest.mark.parametrize("address", HOSTILE_ADDRESSES)
def test_no_case_field_adds_a_header_or_a_recipient(tmp_path, address):
    r, msg = _draft(tmp_path, address)
    assert {k.lower() for k in msg} <= ALLOWED_HEADERS
    assert msg["Bcc"] is None and msg["X-Evil"] is None
    recipients = [a.addr_spec.lower() for h in ("To", "Cc") for a in (msg[h].addresses if msg[h] else ())]
    assert recipients == ["e@example.ru"] + COPY  # the hostile ASC address is left out
    assert any("«Копия»" in w and "некорректен" in w for w in r["warnings"]) or not address.strip(" @")


def test_a_non_ascii_domain_is_written_as_idna(tmp_path):
    _, msg = _draft(tmp_path, "asc@сервис.рф")
    # .рф is xn--p1ai; «сервис» in Punycode (RFC 3492) is b1afk4ade
    assert "asc@xn--b1afk4ade.xn--p1ai" in [a.addr_spec for a in msg["Cc"].addresses]


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=60), st.text(max_size=40))
def test_any_name_and_address_make_a_draft_with_only_its_recipients(tmp_path_factory, name, address):
    tmp = tmp_path_factory.mktemp("eml")
    from hotline_cli.io.eml import eml_bytes

    warnings = []
    data = eml_bytes({"to": "e@example.ru", "cc": [address] + COPY, "priority": "Экстремальный",
                      "subject": f"Не согласен с заключением, что техника исправна. {name} 1", "body": name + "\n",
                      "attachments": []}, warnings)
    (tmp / "m.eml").write_bytes(data)
    msg = email.message_from_bytes(data, policy=email.policy.default)
    assert {k.lower() for k in msg} <= ALLOWED_HEADERS
    recipients = [a.addr_spec.lower() for h in ("To", "Cc") for a in msg[h].addresses]
    assert recipients[0] == "e@example.ru" and recipients[-2:] == COPY and len(recipients) <= 4
    assert data.isascii() and all(len(line) <= 998 for line in data.split(b"\r\n"))
    assert msg["Subject"] == re.sub(r"[\x00-\x1f\x7f]+", " ", f"Не согласен с заключением, что техника исправна. "
                                                               f"{name} 1").strip()


# ---------------------------------------------------------------- hostile values in every text field

CONTROLS = ["\x1b[31mКРАСНЫЙ\x1b[0m", "a\u202eb", "\u2066x\u2069", "z\u200bw", "\ufeffbom", "x\x00y", "c\x9bd",
            "line1\nline2", "cr\rreturn"]


def _fields(case, value):
    c = json.loads(json.dumps(case))
    c["client"]["name"] = "Имя" + value
    c["city"]["name"] = "Город" + value
    c["product"]["model"] = "M" + value
    c["requests"][0]["number"] = "400" + value
    c["requests"][0]["asc"] = {"name": "АСЦ" + value, "email": "asc@example.ru"}
    c["requests"][0]["documents"] = ["Акт" + value]
    c["hotline"] = {"consultation": {"l2": "Политика", "l3": "Обслуживание", "text": "Текст" + value}}
    c["events"] = [{"type": "engineer_request", "at": "2025-10-31T11:00:00+03:00", "to": "e@x.ru" + value,
                    "cc": ["c" + value], "subject": "S" + value, "body": "B" + value, "ticket": "https://t/" + value}]
    c["consultation"] = {"customer_description": "D" + value, "notes": "N" + value}
    return c


@pytest.mark.parametrize("value", CONTROLS)
@pytest.mark.parametrize("command", COMMANDS)
def test_control_and_format_characters_never_reach_a_person_raw(hl, tmp_path, value, command):
    src = write_jsonl(tmp_path / "c.jsonl", [_fields(CASE, value)])
    for fmt in ("text", "table"):
        run = hl(command, src, "--format", fmt, "--today", "2025-11-20",
                 *(["--engineer", "e@example.ru"] if command == "escalate" else []))
        for ch in "\x1b\u202e\u2066\u2069\u200b\ufeff\x00\x9b\r":
            assert ch not in run.out and ch not in run.err, (fmt, repr(ch))
        if "\n" in value:  # a line break in a one-line field never forges a line
            assert not any(line.startswith("line2") for line in run.out.splitlines()), run.out
    run = hl(command, src, "--format", "jsonl", "--today", "2025-11-20",
             *(["--engineer", "e@example.ru"] if command == "escalate" else []))
    [r] = run.jsonl()  # JSON keeps the value as data, escaped where a terminal would act on it
    assert "\x1b" not in run.out and "\x9b" not in run.out
    if command == "escalate":  # the engineer was asked: the repeat request keeps the first one's subject
        assert r["message"]["subject"] == "S" + value


@pytest.mark.parametrize("stamp", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "0001-01-01",
                                   "9999-12-31", "2150-01-01", "1990-05-05T10:00:00"])
@pytest.mark.parametrize("where", ["/opened_at", "/events/0/at", "/events/2/at", "/requests/0/created_at",
                                   "/requests/1/created_at"])
def test_timestamps_outside_the_calendar_are_the_records_error(hl, tmp_path, stamp, where):
    bad = json.loads(json.dumps(CASE))
    bad["events"] += [dict(bad["events"][0]) for _ in range(3 - len(bad["events"]))]  # an item at each place named
    bad["requests"] += [dict(bad["requests"][0], number="40000999") for _ in range(2 - len(bad["requests"]))]
    if where == "/opened_at":
        bad["opened_at"] = stamp
    elif where.startswith("/events/"):
        bad["events"][int(where.split("/")[2])]["at"] = stamp
    else:
        bad["requests"][int(where.split("/")[2])]["created_at"] = stamp
    src = write_jsonl(tmp_path / "c.jsonl", [bad, CASE])
    for command in COMMANDS:
        run = hl(command, src, "--format", "jsonl", "--today", "2025-11-20")
        assert run.code == 2
        first, second = run.jsonl()
        assert first["error"]["path"] == where and "вне поддерживаемых лет" in first["error"]["message"]
        assert "error" not in second


def test_today_outside_the_calendar_is_a_usage_error(hl):
    run = hl("followup", FIXTURES / "cases", "--today", "2150-01-01")
    assert run.code == 2 and "вне поддерживаемых лет" in run.err


# ---------------------------------------------------------------- hostile inputs

def test_an_empty_input_name_is_an_error_not_the_current_folder(tmp_path):
    p = hotline("triage", "", "--format", "jsonl", cwd=tmp_path)
    assert p.returncode == 2 and "пустое имя входа" in no_traceback(p)
    assert len(p.stdout.splitlines()) == 1


def test_a_fifo_in_a_folder_and_a_fifo_named_never_hang(tmp_path):
    write_jsonl(tmp_path / "a.jsonl", [CASE])
    os.mkfifo(tmp_path / "b.jsonl")
    p = hotline("triage", tmp_path, "--format", "jsonl", timeout=30)
    assert p.returncode == 2 and "FIFO" in no_traceback(p)
    assert len(p.stdout.splitlines()) == 2
    p = hotline("triage", tmp_path / "b.jsonl", "--format", "jsonl", timeout=30)  # named, nobody writes: empty
    assert p.returncode == 2 and "пустой файл" in no_traceback(p)
    # a configuration FIFO nobody writes to reads as an empty configuration: the defaults, no hang
    p = hotline("triage", FIXTURES / "cases" / "r9_naumen.json", "--config", tmp_path / "b.jsonl", timeout=30)
    assert p.returncode == 0 and no_traceback(p) == ""


def test_a_pipe_named_as_input_is_read(tmp_path):
    line = json.dumps(CASE, ensure_ascii=False)
    cmd = f"'{ENTRY}' triage <(printf '%s\\n' '{line}') --format jsonl"
    p = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["case_id"] == CASE["case_id"]


def test_a_symlink_loop_and_a_broken_link_in_a_folder(tmp_path):
    write_jsonl(tmp_path / "a.jsonl", [CASE])
    (tmp_path / "loop.json").symlink_to(tmp_path / "loop.json")
    (tmp_path / "broken.json").symlink_to(tmp_path / "nowhere.json")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to(tmp_path)  # a folder loop: not followed
    p = hotline("triage", tmp_path, "--format", "jsonl", timeout=30)
    err = no_traceback(p)
    assert p.returncode == 2 and "зациклена" in err and "не найден" in err
    assert len(p.stdout.splitlines()) == 3


def test_an_unreadable_subfolder_is_a_record_error(hl, tmp_path, monkeypatch):
    write_jsonl(tmp_path / "a.jsonl", [CASE])
    (tmp_path / "locked").mkdir()
    write_jsonl(tmp_path / "locked" / "b.jsonl", [CASE])
    real = os.scandir

    def scandir(path="."):  # the tests run as root, for whom chmod 000 changes nothing
        if str(path) == str(tmp_path / "locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    run = hl("triage", tmp_path, "--format", "jsonl")
    assert run.code == 2 and "locked: папка не читается: нет прав на чтение" in run.err
    assert len(run.jsonl()) == 2


def test_dev_zero_named_and_piped(tmp_path):
    p = hotline("triage", "/dev/zero", timeout=30)
    assert p.returncode == 2 and "не файл выгрузки" in no_traceback(p)
    p = subprocess.run(["bash", "-c", f"head -c 200000000 /dev/zero | '{ENTRY}' triage --format jsonl"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 2 and "строка длиннее 64 МБ" in p.stderr and "Traceback" not in p.stderr


def test_an_over_long_line_is_its_own_error_and_the_file_goes_on(hl, tmp_path, monkeypatch):
    from hotline_cli.io import sources

    monkeypatch.setattr(sources, "MAX_RECORD", 5000)
    line = json.dumps(CASE, ensure_ascii=False)
    src = tmp_path / "x.jsonl"
    src.write_text(line + "\n" + "x" * 20000 + "\n" + line + "\n", encoding="utf-8")
    for extra in ([], ["--jobs", "2"]):
        run = hl("audit", src, "--format", "jsonl", "--today", "2025-11-20", *extra)
        results = run.jsonl()
        assert [r["source"].rsplit(":", 1)[1] for r in results] == ["1", "2", "3"]
        assert "строка длиннее" in results[1]["error"]["message"] and "error" not in results[2]


def test_a_document_too_large_to_read_whole(hl, tmp_path, monkeypatch):
    from hotline_cli.io import sources

    monkeypatch.setattr(sources, "MAX_DOCUMENT", 1000)
    src = tmp_path / "x.json"
    src.write_text(json.dumps([CASE, CASE], ensure_ascii=False), encoding="utf-8")
    run = hl("triage", src, "--format", "jsonl")
    assert run.code == 2 and "JSON Lines" in run.jsonl()[0]["error"]["message"]


def test_a_deeply_nested_config_and_a_bad_encoding(tmp_path):
    cfg = tmp_path / "deep.json"
    cfg.write_text('{"a":' * 50000 + "1" + "}" * 50000, encoding="utf-8")
    p = hotline("triage", FIXTURES / "cases" / "r9_naumen.json", "--config", cfg)
    assert p.returncode == 2 and "вложенность" in no_traceback(p)
    for enc, fragment in [("nonsense", "неизвестная кодировка"), ("rot13", "не кодировка текста"),
                          ("cp037", "не совместима с ASCII")]:
        p = hotline("triage", FIXTURES / "cases" / "r9_naumen.json", "--encoding", enc)
        assert p.returncode == 2 and fragment in no_traceback(p)


def test_expanding_inputs_never_raises(hl, tmp_path):
    run = hl("triage", "x" * 5000, "a\x00b", tmp_path / ("y" * 300) / "z.json", "--format", "jsonl")
    assert run.code == 2 and len(run.jsonl()) == 3


@pytest.mark.parametrize("command", COMMANDS)
def test_a_case_with_20000_events_through_every_command(tmp_path, command):
    c = json.loads(json.dumps(CASE))
    c["events"] = [{"type": "feedback_call", "at": f"2025-11-{1 + i % 28:02d}T10:00:00+03:00",
                    "outcome": "rejected"} for i in range(10000)]
    c["events"] += [{"type": "claim", "at": f"2025-11-{1 + i % 28:02d}", "demand": "refund"} for i in range(10000)]
    src = write_jsonl(tmp_path / "c.jsonl", [c])
    p = hotline(command, src, "--format", "jsonl", "--today", "2025-12-01", "--mask-pii", timeout=60)
    assert p.returncode in (0, 1), p.stderr
    assert json.loads(p.stdout)["case_id"] == CASE["case_id"]


# ---------------------------------------------------------------- recovery paths that a planted bug must break

def test_array_recovery_reads_every_element_after_a_bad_one(hl, tmp_path):
    good = json.dumps(CASE, ensure_ascii=False)
    bad = '{"case_id": "dup", "case_id": "x", "s": "]}\\"[{", "n": [1, {"a": "}"}]}'
    src = tmp_path / "a.json"
    src.write_text("[\n" + good + ",\n" + bad + ",\n" + good.replace("HL-2025-0417", "LAST") + "\n]\n",
                   encoding="utf-8")
    run = hl("triage", src, "--format", "jsonl")
    results = run.jsonl()
    assert [r["source"] for r in results] == [f"{src}:2", f"{src}:3", f"{src}:4"]
    assert "повторяется" in results[1]["error"]["message"] and results[2]["case_id"] == "LAST"


def test_skip_value_finds_the_end_of_any_value():
    from hotline_cli.io.sources import _skip_value

    for text in ['{"a": "}"}', '{"a": "\\"}"}', '[1, [2, {"b": "]"}]]', '{"x": {"y": {}}}', '{"a": "\\\\"}']:
        assert _skip_value(text + ", 5", 0) == len(text), text
    assert _skip_value('{"a": 1', 0) is None


def test_the_messages_a_planted_change_would_break(hl, tmp_path, make_case):
    run = hl("triage", write_jsonl(tmp_path / "c.jsonl", [make_case(case_id="")]), "--format", "jsonl")
    assert run.jsonl()[0]["error"] == {"path": "/case_id", "message": "пустая строка не допускается", "details": []}
    assert hl("workdays", "year", "2025").out.splitlines()[0] == "2025 год: рабочих дней — 247"
    case = make_case(events=[{"type": "claim", "at": "2025-11-01", "demand": "refund"}],
                     product={"category": "washing_machine", "price": 54990})
    out = hl("followup", write_jsonl(tmp_path / "f.jsonl", [case]), "--today", "2025-11-14").out
    # refund due Tue 11.11; 14.11 is 3 days late: 54 990 × 1 % × 3 = 1 649.70 roubles
    assert "просрочка 3 дн., неустойка 1649.70 ₽" in out
    assert "Неустойка: 1 % цены товара за каждый день просрочки" in out and "цена из дела, 54 990,00 ₽" in out


# ---------------------------------------------------------------- --mask-pii

PHONE_FORMATS = ["+7 ({a}) {b}-{c}-{d}", "+7 {a} {b} {c} {d}", "8 ({a}) {b}.{c}.{d}", "8-{a}-{b}-{c}-{d}",
                 "8{a}{b}{c}{d}", "+7{a}{b}{c}{d}", "7 {a} {b}{c}{d}", "{a} {b}-{c}-{d}", "({a}) {b} {c}{d}",
                 "+7 ({a}) {b}.{c}.{d}", "{a}{b}{c}{d}"]


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"9[0-9]{2}", fullmatch=True), st.from_regex(r"[0-9]{3}", fullmatch=True),
       st.from_regex(r"[0-9]{2}", fullmatch=True), st.from_regex(r"[0-9]{2}", fullmatch=True),
       st.sampled_from(PHONE_FORMATS), st.sampled_from(["тел. ", "", "звонить: ", "№ 40031822, "]),
       st.sampled_from(["", ".", ", спасибо", " (моб.)"]),
       st.sampled_from(["Петрова Анна Сергеевна", "ПЕТРОВА АННА СЕРГЕЕВНА", "петрова анна сергеевна"]),
       st.sampled_from(["petrova@example.ru", "Petrova.A+hl@Mail.Example.RU", "анна@почта.рф"]))
def test_masking_hides_every_spelling(a, b, c, d, fmt, before, after, name, mail):
    from hotline_cli.io.privacy import mask_text, token

    phone = fmt.format(a=a, b=b, c=c, d=d)
    text = f"{before}{phone}{after} {name}, {mail}; заявка 40031822 от 21.10.2025, 30.10.2025 10:15"
    masked = mask_text(text, ("Петрова Анна Сергеевна",))
    digits = a + b + c + d
    assert digits not in re.sub(r"\D", "", masked.split("заявка")[0]), masked
    assert token("тел", digits) in masked
    assert name not in masked and mail not in masked and "<фио:" in masked and "<email:" in masked
    assert "40031822" in masked and "21.10.2025" in masked and "30.10.2025 10:15" in masked


def test_masking_never_backtracks():
    from hotline_cli.io.privacy import mask_text

    for body in ("a" * 20000, "1" * 20000, "a@" * 10000, "1 " * 10000, "+7 " * 7000):
        t = time.perf_counter()
        mask_text(body, ("Петрова",))
        # a hang guard, not a speed goal (benchmarks/ has those): a regex that backtracked took 11.6 s
        assert time.perf_counter() - t < 10.0, body[:10]



@pytest.mark.parametrize("args", [["rules", "--format", "jsonl"], ["workdays", "year", "2026", "--format", "csv"]])
def test_a_closed_pipe_ends_any_command_quietly_with_0(args):
    """The reader of a command that is not a batch (the rule book, the calendar) goes away at once:
    the command class ends it quietly, status 0, as every batch command."""
    import os as _os

    r, w = _os.pipe()
    _os.close(r)  # the reader is gone before the first byte
    p = subprocess.run([str(ENTRY), *args], stdout=w, stderr=subprocess.PIPE)
    _os.close(w)
    assert p.returncode == 0 and p.stderr == b"", p.stderr.decode()
