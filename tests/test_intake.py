"""`hotline new` never loses a fact and invents none: a list answer with one typo keeps the other
items; «не знаю» to the conclusion leaves it unknown (step 2 to do), never situation 3; an unknown
phone is absent; the city gets its own time zone; the e-mail flow asks step 4; «назад» goes back;
the operator and the records made go into the case; --from completes exactly one case; an
existing file is not replaced without --force."""

import json

import pexpect
import pytest

from hotline_cli.io.contract import validate
from test_new import answer, finish, spawn

KAZAN = ["Петрова Анна Сергеевна", "+7 903 555-12-34", "Казань", "40031822", "диагностика", "21.10"]


def kazan_until_step_4(tmp_path, case_id, out):
    """A terminal conversation up to step 4: one request with the conclusion «исправна», a fridge."""
    c = spawn(tmp_path, "new", "--id", case_id, "--today", "20.11.2025", "-o", out)
    for prompt, text in zip(["ФИО клиента", "Телефон клиента", "Город клиента", "Номер заявки в GSIS", "Тип заявки",
                             "Дата заявки", "Заключение АСЦ в GSIS"], [*KAZAN, "исправна"]):
        answer(c, prompt, text)
    answer(c, "Номер заявки в GSIS", "")
    answer(c, "сохраняется?", "да")
    answer(c, "Что за техника?", "холодильник")
    return c


def off_terminal(hl, tmp_path, answers, *args):
    out = tmp_path / "case.json"
    run = hl("new", "--id", "T-1", "--today", "2025-11-20", "-o", out, *args, input="\n".join(answers) + "\n")
    case = json.loads(out.read_text(encoding="utf-8")) if out.exists() else None
    return run, case


def test_a_list_with_one_typo_keeps_the_other_items(tmp_path):
    out = tmp_path / "case.json"
    c = kazan_until_step_4(tmp_path, "T-2", out)
    answer(c, "Шаг 4: сколько АСЦ в городе клиента?", "1")
    answer(c, "Клиент намерен обратиться в суд", "суд, роспотребнадзр")
    answer(c, "«роспотребнадзр» — возможно, имелось в виду «обратиться в Роспотребнадзор»?", "да")
    text, status = finish(c)
    assert status == 0, text
    assert json.loads(out.read_text(encoding="utf-8"))["client_intent"] == ["court", "rospotrebnadzor"]


@pytest.mark.parametrize("said", ["не знаю", ""])
def test_an_unknown_conclusion_is_step_2_never_situation_3(hl, tmp_path, said):
    run, case = off_terminal(hl, tmp_path, [*KAZAN, said, "", "да", "холодильник", "1", ""])
    assert run.code == 0, run.err
    assert case["requests"] == [{"number": "40031822", "type": "diagnostics", "created_at": "2025-10-21",
                                 "conclusion_checked": False}]
    assert "Вне ситуаций 1–5 — не хватает данных (правило R6)" in run.out
    assert "Проверить в GSIS заключение мастера по заявке № 40031822 и документы от АСЦ (шаг 2)" in run.out
    assert "Отчета от АСЦ на момент звонка нет" not in run.out and "Ситуация 3" not in run.out
    triage = json.loads(hl("triage", tmp_path / "case.json", "--format", "jsonl").out)
    assert triage["missing"] == [{"field": "/requests/0/conclusion",
                                  "message": "не проверено заключение АСЦ по заявке № 40031822 в GSIS"}]
    # checked later: --from asks for the conclusion alone and decides again
    again = hl("new", "--from", tmp_path / "case.json", "--today", "2025-11-20", input="нет заключения\n")
    assert again.code == 0, again.err
    assert "Ситуация 3 — запрос из Naumen (правило R9)" in again.out
    assert "conclusion_checked" not in json.loads((tmp_path / "case.json").read_text(encoding="utf-8"))["requests"][0]


def test_an_unknown_phone_is_absent_and_named_missing(hl, tmp_path):
    run, case = off_terminal(hl, tmp_path, ["Петрова Анна Сергеевна", "не знаю", "Казань", "40031822", "диагностика",
                                           "21.10", "исправна", "", "да", "холодильник", "1", ""])
    assert run.code == 0, run.err
    assert "phone" not in case["client"]
    assert "не знаю" not in run.out
    triage = json.loads(hl("triage", tmp_path / "case.json", "--format", "jsonl").out)
    assert [m["field"] for m in triage["missing"]] == ["/client/phone"]


def test_the_city_gets_its_name_and_time_zone(hl, tmp_path):
    run, case = off_terminal(hl, tmp_path, ["Петрова Анна Сергеевна", "", "самара", "40031822", "диагностика", "21.10",
                                           "исправна", "", "да", "холодильник", "1", ""])
    assert case["city"] == {"name": "Самара", "timezone": "Europe/Samara", "asc_count": 1}
    run, case = off_terminal(hl, tmp_path, ["Петрова Анна Сергеевна", "", "  г. Ростов на Дону ", "", "холодильник"],
                             "--force")
    assert case["city"] == {"name": "Ростов-на-Дону", "timezone": "Europe/Moscow"}


def test_the_email_flow_asks_step_4(hl, tmp_path):
    run, case = off_terminal(hl, tmp_path, [*KAZAN, "исправна", "", "да", "холодильник", "3", "суд"],
                             "--channel", "email")
    assert run.code == 0, run.err
    assert case["city"]["asc_count"] == 3 and case["channel"] == "email"
    assert json.loads(hl("triage", tmp_path / "case.json", "--format", "jsonl").out)["situation"] == 1


def test_back_goes_back_one_question(tmp_path):
    out = tmp_path / "case.json"
    c = spawn(tmp_path, "new", "--id", "T-3", "--today", "20.11.2025", "-o", out)
    answer(c, "ФИО клиента", "Петрова Анна Сергеевна")
    answer(c, "Телефон клиента", "+7 903 555-12-34")
    answer(c, "Город клиента", "Казнь")
    answer(c, "Номер заявки в GSIS", "назад")
    answer(c, "Город клиента", "Казань")
    answer(c, "Номер заявки в GSIS", "")
    answer(c, "Что за техника?", "холодильник")
    text, status = finish(c)
    assert status == 0, text
    case = json.loads(out.read_text(encoding="utf-8"))
    assert case["city"]["name"] == "Казань" and case["client"]["phone"] == "+7 903 555-12-34"


@pytest.mark.parametrize("count", ["²", "9" * 5000, "пять тысяч"])
def test_a_number_that_is_not_one_is_asked_again(tmp_path, count):
    out = tmp_path / "case.json"
    c = kazan_until_step_4(tmp_path, "T-4", out)
    answer(c, "Шаг 4: сколько АСЦ в городе клиента?", count)
    answer(c, "ожидается число", "2")
    answer(c, "Клиент намерен обратиться в суд", "")
    text, status = finish(c)
    assert status == 0, text
    assert json.loads(out.read_text(encoding="utf-8"))["city"]["asc_count"] == 2


def test_the_operator_and_the_records_made_go_into_the_case(hl, tmp_path):
    """Situation 3 in Vladivostok (one ASC, no report): the Naumen request and «Напишите нам» recorded."""
    run, case = off_terminal(hl, tmp_path, ["Иванов Пётр Петрович", "", "Владивосток", "40032400", "диагностика",
                                           "27.10", "нет заключения", "", "да", "холодильник", "1", "", "да", "да"],
                             "--operator", "Орлова Т.")
    assert run.code == 0, run.err
    assert case["city"]["timezone"] == "Asia/Vladivostok"
    assert case["hotline"] == {"operator": "Орлова Т.", "naumen_request": {
        "template": "Запрос от Горячей линии",
        "comment": "Клиент не согласен с заключением по заявке. Отчета от АСЦ на момент звонка нет, второй АСЦ в "
                   "городе отсутствует"}, "site_form_advised": True}
    audit = json.loads(hl("audit", tmp_path / "case.json", "--today", "2025-11-20", "--format", "jsonl",
                          "--select", "HL1").out)
    assert audit["findings"] == [] and audit["case"]["operator"] == "Орлова Т."


def test_from_completes_exactly_one_case(hl, tmp_path):
    several = tmp_path / "two.jsonl"
    case = {"case_id": "A", "opened_at": "2025-11-20", "channel": "call", "client": {"name": "Петрова"},
            "product": {"category": "tv"}, "city": {"name": "Казань"}, "requests": []}
    several.write_text(json.dumps(case, ensure_ascii=False) + "\n" + json.dumps(dict(case, case_id="B")) + "\n",
                       encoding="utf-8")
    before = several.read_bytes()
    run = hl("new", "--from", several, input="3\n")
    assert run.code == 2 and "в файле 2 дел; --from дополняет одно дело" in run.err
    assert several.read_bytes() == before


def test_an_existing_file_is_not_replaced_without_force(hl, tmp_path):
    out = tmp_path / "case.json"
    out.write_text("{}", encoding="utf-8")
    answers = "\n".join([*KAZAN, "исправна", "", "да", "холодильник", "1", ""]) + "\n"
    run = hl("new", "--id", "T-5", "--today", "2025-11-20", "-o", out, input=answers)
    assert run.code == 2 and "файл уже есть — не заменяю; укажите другой -o или --force" in run.err
    assert out.read_text(encoding="utf-8") == "{}"
    run = hl("new", "--id", "T-5", "--today", "2025-11-20", "-o", out, "--force", input=answers)
    assert run.code == 0 and validate(json.loads(out.read_text(encoding="utf-8"))) is None


def test_a_hostile_field_reaches_the_prompt_made_safe(tmp_path):
    src = tmp_path / "case.json"
    src.write_text(json.dumps({"case_id": "X\x1b]0;owned\x07", "opened_at": "2025-11-20", "channel": "call",
                               "client": {"name": "Петрова"}, "product": {"category": "tv"},
                               "city": {"name": "Казань\x1b[2J"},
                               "requests": [{"number": "1", "type": "diagnostics", "conclusion": "no_fault"}]},
                              ensure_ascii=False), encoding="utf-8")
    c = spawn(tmp_path, "new", "--from", src, "--today", "20.11.2025")
    c.expect_exact("не проверено число АСЦ в городе")
    shown = c.before + c.readline()
    assert "\x1b" not in shown and "\x07" not in shown
    assert "Дело X\\x1b]0;owned\\x07: " in shown and "Казань\\x1b[2J." in shown
    c.sendline("1")
    c.expect(pexpect.EOF)
