"""`hotline new`: three conversations in a real pseudo-terminal, typed the way an operator
types — Russian names, «да», dates as 21.10 and «вчера», a typo — and the case file they
write: valid against the schema, triaged the same by `hotline triage`."""

import json
import sys
from pathlib import Path

import pexpect
import pytest

from conftest import ROOT
from hotline_cli.io.contract import validate

ENTRY = Path(sys.executable).with_name("hotline")


def spawn(tmp_path, *args, preexec_fn=None, timeout=90):
    child = pexpect.spawn(str(ENTRY), [str(a) for a in args], cwd=str(tmp_path), encoding="utf-8", timeout=timeout,
                          dimensions=(40, 100), env={"PATH": str(ENTRY.parent), "LANG": "C.UTF-8"},
                          preexec_fn=preexec_fn)
    return child


def answer(child, prompt, text):
    child.expect_exact(prompt)
    child.sendline(text)


def finish(child):
    child.expect(pexpect.EOF)
    child.close()
    return child.before, child.exitstatus


def triage_of(path):
    import subprocess

    p = subprocess.run([str(ENTRY), "triage", str(path), "--format", "jsonl", "--today", "2025-11-20"],
                       capture_output=True, text=True, cwd=ROOT, timeout=60)
    return json.loads(p.stdout)


def test_situation_1_with_a_typo_and_dates_as_people_type_them(tmp_path):
    out = tmp_path / "case.json"
    c = spawn(tmp_path, "new", "--id", "NEW-1", "--today", "20.11.2025", "-o", out)
    answer(c, "ФИО клиента", "Петрова Анна Сергеевна")
    answer(c, "Телефон клиента", "+7 903 555-12-34")
    answer(c, "Город клиента", "Казань")
    answer(c, "Номер заявки в GSIS", "40031822")
    answer(c, "Тип заявки", "диагностика")
    answer(c, "Дата заявки", "21.10")
    answer(c, "Заключение АСЦ в GSIS", "исправна")
    answer(c, "Номер заявки в GSIS", "")
    answer(c, "сохраняется?", "да")
    answer(c, "Что за техника?", "холодильнек")
    answer(c, "Возможно, имелось в виду «холодильник»?", "да")
    answer(c, "Шаг 4: сколько АСЦ в городе клиента?", "3")
    answer(c, "Клиент намерен обратиться в суд", "")
    text, status = finish(c)
    assert status == 0, text
    assert "Ситуация 1 — заявка на другой АСЦ (правило R7)" in text
    case = json.loads(out.read_text(encoding="utf-8"))
    assert validate(case) is None
    assert case["requests"] == [{"number": "40031822", "type": "diagnostics", "created_at": "2025-10-21",
                                 "conclusion": "no_fault"}]
    assert (case["product"]["category"], case["city"]["asc_count"], case["fault_persists"]) == ("refrigerator", 3, True)
    assert (case["opened_at"], case["channel"]) == ("2025-11-20", "call")
    assert (triage_of(out)["situation"], triage_of(out)["verdict"]) == (1, "second_asc")


def test_the_air_conditioner_exception_never_asks_the_number_of_ascs(tmp_path):
    c = spawn(tmp_path, "new", "--id", "NEW-AC", "--today", "2025-11-20", "-o", tmp_path)
    answer(c, "ФИО клиента", "Иванов Пётр Ильич")
    answer(c, "Телефон клиента", "")
    answer(c, "Город клиента", "Краснодар")
    answer(c, "Номер заявки в GSIS", "40050001")
    answer(c, "Тип заявки", "ремонт")
    answer(c, "Дата заявки", "вчера")
    answer(c, "Заключение АСЦ в GSIS", "нет")
    answer(c, "Номер заявки в GSIS", "")
    answer(c, "сохраняется?", "да")
    answer(c, "Что за техника?", "кондиционер")
    # R5 decides whatever the number of ASCs: step 4 is not asked
    answer(c, "Клиент намерен обратиться в суд", "Роспотребнадзор, суд")
    text, status = finish(c)
    assert status == 0, text
    assert "Шаг 4" not in text
    assert "Ситуация 3 — запрос из Naumen, исключение — кондиционер (правило R5)" in text
    out = tmp_path / "NEW-AC.json"
    case = json.loads(out.read_text(encoding="utf-8"))
    assert validate(case) is None
    assert case["requests"][0]["created_at"] == "2025-11-19" and "conclusion" not in case["requests"][0]
    assert case["client_intent"] == ["rospotrebnadzor", "court"] and "asc_count" not in case["city"]
    t = triage_of(out)
    assert (t["situation"], t["exception"], t["rule"]) == (3, "air_conditioner", "R5")


def test_an_unchecked_number_of_ascs_completed_with_from(tmp_path):
    out = tmp_path / "r6.json"
    c = spawn(tmp_path, "new", "--id", "NEW-R6", "--today", "2025-11-20", "-o", out)
    answer(c, "ФИО клиента", "Сидорова Мария Олеговна")
    answer(c, "Телефон клиента", "8 (912) 555.01.02")
    answer(c, "Город клиента", "Самара")
    answer(c, "Номер заявки в GSIS", "40060001")
    answer(c, "Тип заявки", "диагностика")
    answer(c, "Дата заявки", "2025-11-10")
    answer(c, "Заключение АСЦ в GSIS", "техника исправна")
    answer(c, "Номер заявки в GSIS", "")
    answer(c, "сохраняется?", "д")
    answer(c, "Что за техника?", "стиралка")
    answer(c, "Шаг 4: сколько АСЦ в городе клиента?", "")  # not checked yet
    answer(c, "Клиент намерен обратиться в суд", "")
    text, status = finish(c)
    assert status == 0 and "Вне ситуаций 1–5 — не хватает данных (правило R6)" in text
    assert triage_of(out)["verdict"] == "need_info"
    # later: the number is checked; --from asks for it alone and decides again
    c = spawn(tmp_path, "new", "--from", out, "--today", "2025-11-20")
    answer(c, "Шаг 4: сколько АСЦ в городе клиента?", "один")
    text, status = finish(c)
    assert status == 0, text
    assert "ФИО клиента" not in text and "Ситуация 2 — консультация L2/L3 и запрос через сайт (правило R8)" in text
    case = json.loads(out.read_text(encoding="utf-8"))
    assert validate(case) is None and case["city"]["asc_count"] == 1 and case["case_id"] == "NEW-R6"
    assert triage_of(out)["situation"] == 2


def test_answers_off_a_terminal_one_a_line(hl, tmp_path):
    out = tmp_path / "s.json"
    answers = "\n".join(["Петрова Анна Сергеевна", "", "Казань", "40031822", "диагностика", "", "нет заключения", "",
                         "да", "tv", "1", "имидж"]) + "\n"
    run = hl("new", "--id", "S-1", "--today", "2025-11-20", "-o", out, input=answers)
    assert run.code == 0, run.err
    assert "Ситуация 3 — запрос из Naumen (правило R9)" in run.out
    case = json.loads(out.read_text(encoding="utf-8"))
    assert case["client_intent"] == ["image_damage"] and case["product"]["category"] == "tv"


@pytest.mark.parametrize("answers, fragment", [
    (["Петрова", "", "Казань", "1", "диагностика", "", "исправна", "", "да", "холодильнек"],
     "возможно, имелось в виду «холодильник»"),
    (["Петрова", "", "Казань", "1", "диагностика", "31.13.2025"], "не дата"),
    (["Петрова", ""], "ответы кончились"),
])
def test_a_wrong_answer_off_a_terminal_is_a_clear_error_and_no_file(hl, tmp_path, answers, fragment):
    out = tmp_path / "x.json"
    run = hl("new", "--id", "X", "--today", "2025-11-20", "-o", out, input="\n".join(answers) + "\n")
    assert run.code == 2 and fragment in run.err and not out.exists()


def test_ctrl_c_works_when_started_with_sigint_ignored(tmp_path):
    """A script that starts hotline with `&` hands it SIGINT ignored (and Python then installs no
    handler): on a terminal, Ctrl-C still ends the conversation."""
    import signal

    out = tmp_path / "c.json"
    c = spawn(tmp_path, "new", "--id", "CC", "-o", out, timeout=30,
              preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    answer(c, "ФИО клиента", "Петрова Анна Сергеевна")
    c.expect_exact("Телефон клиента")
    c.sendintr()
    c.expect(pexpect.EOF)
    c.close()
    assert c.exitstatus == 130 and not out.exists()


def test_ctrl_c_leaves_no_file(tmp_path):
    out = tmp_path / "c.json"
    c = spawn(tmp_path, "new", "--id", "CC", "-o", out)
    answer(c, "ФИО клиента", "Петрова Анна Сергеевна")
    c.expect_exact("Телефон клиента")
    c.sendintr()
    c.expect(pexpect.EOF)
    c.close()
    assert c.exitstatus == 130 and not out.exists() and not list(tmp_path.glob(".hotline-*"))
