"""`hotline import`: Usedesk's API dumps, GSIS and Naumen tables become cases — never inventing a
fact, never dropping a record. Expected values are worked out by hand from the shapes in
tests/shapes.py (the fixtures in fixtures/import are written by `shapes.write_worked_example`)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import shapes
from conftest import ROOT
from hotline_cli.cli.app import cli
from hotline_cli.imports.mapping import MappingError, load_mapping, parse_mapping
from hotline_cli.imports.model import parse_subject, phone_key

FIX = ROOT / "fixtures" / "import"
MAPPING = str(ROOT / "import.example.toml")
CONFIG = str(ROOT / "hotline.example.toml")


def run(*args: str):
    r = CliRunner().invoke(cli, list(args))
    return r.exit_code, r.stdout, r.stderr


def import_(*sources: str, extra: tuple[str, ...] = ()):
    args = ["import", "--mapping", MAPPING, "--config", CONFIG, *extra]
    for s in sources:
        args += ["--table" if s.endswith((".csv", ".xlsx")) else "--usedesk", s]
    code, out, err = run(*args)
    return code, [json.loads(line) for line in out.splitlines()], err


def worked():
    return import_(str(FIX / "usedesk.json"), str(FIX / "gsis.csv"), str(FIX / "naumen.xlsx"))


def by_id(cases):
    return {c["case_id"]: c for c in cases}


def strip_sources(x):
    if isinstance(x, dict):
        return {k: strip_sources(v) for k, v in x.items() if k != "source"}
    if isinstance(x, list):
        return [strip_sources(v) for v in x]
    return x


# ---------------------------------------------------------------- the worked example


def test_the_fixtures_are_the_worked_example(tmp_path):
    """The committed dumps and tables are what shapes.py writes (so the shapes are reviewed in one place)."""
    files = shapes.write_worked_example(tmp_path)
    assert files["usedesk"].read_bytes() == (FIX / "usedesk.json").read_bytes()
    assert files["gsis"].read_bytes() == (FIX / "gsis.csv").read_bytes()
    assert (FIX / "gsis.csv").read_bytes().decode("cp1251").startswith("Номер заявки;Тип заявки;")


def test_three_clients_become_three_cases_in_order_of_contact():
    code, cases, err = worked()
    assert code == 0, err
    # Иванов called on 30.10 at 15:20 in Vladivostok (05:20 UTC), Петрова at 16:40 in Kazan (13:40 UTC),
    # Сидорова wrote on 03.11; the call cases are named by their request, Сидорова's by her ticket
    assert [c["case_id"] for c in cases] == ["GSIS-40032400", "GSIS-40031822", "UD-2265400"]
    ivanov, petrova, sidorova = cases
    assert ivanov["opened_at"] == "2025-10-30T15:20:00+10:00" and ivanov["channel"] == "call"
    assert petrova["channel"] == "call"  # she called first; her site-form ticket came the next day
    assert sidorova["channel"] == "email" and sidorova["opened_at"] == "2025-11-03T10:00:00+03:00"
    assert ivanov["city"] == {"name": "Владивосток", "asc_count": 1, "timezone": "Asia/Vladivostok"}
    assert petrova["client"] == {"name": shapes.PETROVA, "phone": "+7 903 555-12-34", "email": "petrova@example.ru"}
    assert sidorova["client_intent"] == ["court"]  # the ticket's custom field «Намерения клиента» = «Суд»
    assert petrova["hotline"] == {"consultation": {"l2": "Политика", "l3": "Обслуживание"},
                                  "site_form_advised": True, "operator": "Смирнова О."}
    assert petrova["consultation"]["notes"] == "https://secure.usedesk.ru/tickets/2265201"
    assert sidorova["requests"][0]["documents"] == ["Акт № 77", "Фото дефекта"]
    assert sidorova["requests"][0]["created_at"] == "2025-10-15"  # a day without a time stays a local date


def test_usedesk_utc_times_land_on_the_local_day():
    """22:30 UTC on 30.10 is 08:30 on 31.10 in Vladivostok (UTC+10); 06:55 UTC is 09:55 in Moscow."""
    _, cases, _ = worked()
    ivanov = by_id(cases)["GSIS-40032400"]
    hpcc = [e for e in ivanov["events"] if e["type"] == "hpcc_request"]
    assert [e["at"] for e in hpcc] == ["2025-10-31T08:30:00+10:00"]
    petrova = by_id(cases)["GSIS-40031822"]
    assert [e["at"] for e in petrova["events"] if e["type"] == "closed"] == ["2025-11-06T15:30:00+03:00"]


def test_priorities_are_the_mandated_word_or_usedesks_label():
    _, cases, _ = worked()
    pri = {c["case_id"]: [(e["type"], e.get("priority")) for e in c["events"] if "priority" in e] for c in cases}
    assert pri == {"GSIS-40032400": [("hpcc_request", "Экстремальный"), ("engineer_request", "Срочный")],
                   "GSIS-40031822": [("engineer_request", "Экстремальный")],
                   "UD-2265400": [("engineer_request", "Экстремальный")]}


def test_repeat_requests_and_an_asc_answer_before_the_engineers():
    _, cases, _ = worked()
    ivanov = by_id(cases)["GSIS-40032400"]
    assert [(e["type"], e["at"][:16]) for e in ivanov["events"]] == [
        ("hpcc_request", "2025-10-31T08:30"), ("expert_call", "2025-10-31T10:00"),
        ("hpcc_documents", "2025-10-31T11:00"), ("engineer_request", "2025-10-31T12:00"),
        ("re_request", "2025-11-07T10:30"), ("delay_call", "2025-11-07T11:00"),
        ("asc_answer", "2025-11-10T13:00"),  # from asc-vl@example.ru, the request's ASC in GSIS
        ("re_request", "2025-11-12T10:30"),  # the private note of 13.11 is not a message
        ("delay_call", "2025-11-13T11:00"), ("re_request", "2025-11-17T10:30"),
        ("engineer_answer", "2025-11-18T11:00"), ("feedback_call", "2025-11-19T10:00")]
    request = ivanov["events"][3]
    assert request["to"] == "duty-engineer@example.ru"
    assert request["cc"] == ["asc-vl@example.ru", *shapes.COPY]
    assert request["body"] == "Клиент не согласен с заключением по заявке 40032400: отчёта АСЦ нет."
    assert request["ticket"] == "https://secure.usedesk.ru/tickets/2265310"
    assert request["by"] == "Кузнецова Е." and ivanov["events"][0]["by"] == "Агент Usedesk Белова"
    assert ivanov["events"][-1]["outcome"] == "rejected"


def test_every_source_record_ends_in_a_case_or_in_a_line():
    code, cases, err = worked()
    lines = err.splitlines()
    expected_unused = [
        "usedesk.json:14, тикет 2265500: не использовано — пропущен: тикет удалён (status_id 4)",
        "usedesk.json:15, тикет 2265501: не использовано — пропущен: тикет спам (status_id 7)",
        "naumen.xlsx:строка 12: не использовано — строка не о деле по статье («Прочее» в столбце «Звонок / Тип»)",
        "usedesk.json:16, тикет 2265502: не использовано — обращение не по статье",
        "gsis.csv:строка 5: не использовано — не связан ни с одним обращением клиента",
    ]
    for want in expected_unused:
        assert any(want in line for line in lines), want
    sources = " ".join(c["source"] for c in cases)
    for tid in ("2265179", "2265201", "2265300", "2265310", "2265400", "2265410"):
        assert f"тикет {tid}" in sources
    for row in (2, 3, 4):
        assert f"gsis.csv:строка {row}" in sources
    for row in range(4, 12):
        assert f"naumen.xlsx:строка {row}" in sources
    assert lines[-1] == ("hotline import: записей прочитано 29, дел 3 (полных 3, неполных 0), "
                         "не использовано записей 5 (из них ошибок 0)")


def test_audit_of_the_imported_month(tmp_path):
    """Worked by hand (2025: Saturday 1.11 a working day, 3.11 and 4.11 off):
    - Петрова: situation 2 at the call (one request with a conclusion, one ASC in Kazan); consultation L2/L3
      and «Напишите нам» recorded; expert call 31.10 → promise due 06.11 (1.11, 5.11, 6.11), feedback 06.11:
      met; engineer request 31.10 (priority «extreme» = «Экстремальный», ASC and both copies in Cc) answered
      05.11; closed after an accepted feedback with the final consultation on record: no finding.
    - Иванов: situation 3 (no conclusion); Naumen request as mandated. Engineer request «Срочный»: HL202.
      Expert call 31.10, promise due 06.11, feedback only 19.11: HL207. Every silent cycle was followed by a
      re-request and a delay call by the next working day (7.11, 12–13.11, 17–18.11): no HL205/HL206.
    - Сидорова: e-mail flow; Cc has the ASC but not the two fixed copies: HL204; she means to sue and the
      request's body does not say so: HL208."""
    code, cases, _ = worked()
    export = tmp_path / "month.jsonl"
    export.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), encoding="utf-8")
    code, out, err = run("audit", str(export), "--today", "2025-11-20", "--config", CONFIG, "--format", "jsonl")
    results = {r["case_id"]: r for r in map(json.loads, out.splitlines())}
    assert {cid: [f["code"] for f in r["findings"]] for cid, r in results.items()} == {
        "GSIS-40032400": ["HL202", "HL207"], "GSIS-40031822": [], "UD-2265400": ["HL204", "HL208"]}
    assert code == 1
    hl202 = results["GSIS-40032400"]["findings"][0]["message"]
    assert hl202.endswith("(" + str(FIX / "usedesk.json") + ":8, тикет 2265310)")  # the ticket behind it
    assert "gsis.csv:строка 3" in results["GSIS-40032400"]["case"]["origin"]


# ---------------------------------------------------------------- extreme, anywhere


@pytest.mark.parametrize("event_type", ["hpcc_request", "engineer_request"])
def test_extreme_is_the_mandated_priority_in_any_export(tmp_path, event_type):
    case = json.loads((ROOT / "fixtures" / "audit" / "base_compliant.json").read_text(encoding="utf-8"))
    subject = f"{shapes.MANDATED} {case['client']['name']} {case['requests'][0]['number']}"
    case["events"].append({"type": event_type, "at": "2025-10-31T11:30:00+03:00", "priority": "extreme",
                           "subject": subject, "to": "engineer@example.ru",
                           "cc": ["asc-kazan@example.ru", *shapes.COPY], "body": "Клиент намерен обратиться в суд."})
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    _, out, _ = run("audit", str(path), "--today", "2025-11-20", "--format", "jsonl", "--select", "HL108,HL202")
    assert json.loads(out)["findings"] == []
    case["events"][-1]["priority"] = "urgent"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    _, out, _ = run("audit", str(path), "--today", "2025-11-20", "--format", "jsonl", "--select", "HL108,HL202")
    assert [f["code"] for f in json.loads(out)["findings"]] == ["HL108" if event_type == "hpcc_request" else "HL202"]


# ---------------------------------------------------------------- trust: round trip, idempotence


def test_export_then_import_gives_the_same_cases(tmp_path):
    _, cases, _ = worked()
    ex = shapes.Exporter()
    for c in cases:
        ex.add(c)
    files = ex.write(tmp_path)
    code, again, err = import_(str(files["usedesk"]), str(files["gsis"]), str(files["naumen"]))
    assert code == 0, err
    assert strip_sources(again) == strip_sources(cases)


def test_importing_the_same_dumps_twice_adds_nothing(tmp_path):
    copy = tmp_path / "again.json"
    shutil.copy(FIX / "usedesk.json", copy)
    _, once, _ = worked()
    code, twice, _ = import_(str(FIX / "usedesk.json"), str(copy), str(FIX / "gsis.csv"), str(FIX / "gsis.csv"),
                             str(FIX / "naumen.xlsx"))
    assert code == 0
    assert strip_sources(twice) == strip_sources(once)
    assert worked()[1] == once  # and a second run writes the same bytes


# ---------------------------------------------------------------- tables as Excel saves them


@pytest.mark.parametrize("encoding,delimiter", [("cp1251", ";"), ("utf-8-sig", ";"), ("utf-8", ","),
                                                ("utf-8-sig", "\t")])
def test_gsis_csv_in_every_dialect_excel_writes(tmp_path, encoding, delimiter):
    gsis = shapes.gsis_csv(shapes.gsis_worked_example(), tmp_path / "gsis.csv", encoding, delimiter)
    code, cases, err = import_(str(FIX / "usedesk.json"), str(gsis), str(FIX / "naumen.xlsx"))
    assert code == 0, err
    assert strip_sources(cases) == strip_sources(worked()[1])


def test_a_cell_that_does_not_map_is_that_rows_error(tmp_path):
    rows = shapes.gsis_worked_example()
    rows[1][5] = "Исправна??"  # Иванов's row, the conclusion column
    gsis = shapes.gsis_csv(rows, tmp_path / "gsis.csv")
    code, cases, err = import_(str(FIX / "usedesk.json"), str(gsis), str(FIX / "naumen.xlsx"))
    assert code == 2
    line = next(x for x in err.splitlines() if "gsis.csv:строка 3" in x)
    assert "столбец «Заключение АСЦ»: значение «Исправна??» не распознано; ожидается одно из: «техника исправна»" \
        in line
    # the other rows went on: Петрова's and Сидорова's cases are whole; Иванов's lacks what the row held
    assert by_id(cases)["GSIS-40031822"]["product"]["category"] == "washing_machine"
    assert "hotline: GSIS-40032400: нет /product/category: нужна таблица заявок GSIS (категория техники)" \
        in err.splitlines()


def test_an_xlsx_with_a_title_row_and_merged_header_cells():
    """naumen.xlsx: row 1 a merged title, row 2 «Звонок» / «Клиент» / «Запись оператора» merged over their
    columns and «Результат» merged down over rows 2–3; dates are real date cells, numbers are numbers."""
    _, cases, _ = worked()
    petrova = by_id(cases)["GSIS-40031822"]
    feedback = [e for e in petrova["events"] if e["type"] == "feedback_call"]
    assert feedback == [{"type": "feedback_call", "at": "2025-11-06T15:00:00+03:00", "by": "Кузнецова Е.",
                         "outcome": "accepted", "source": str(FIX / "naumen.xlsx") + ":строка 8"}]


def test_a_table_no_mapping_fits_says_which_columns_are_missing(tmp_path):
    gsis = shapes.gsis_csv([["1"] * 3], tmp_path / "other.csv", header=["Номер заявки", "Тип заявки", "Город"])
    code, cases, err = import_(str(gsis))
    assert code == 2 and cases == []
    assert "похоже на «Заявки GSIS», но нет столбцов: «Дата создания»" in err


# ---------------------------------------------------------------- never invent


def test_an_engineer_request_ties_to_the_clients_ticket_without_gsis(tmp_path):
    """No GSIS table: Сидорова's ticket and the engineer request are tied by the ФИО of the mandated subject;
    the request is known by its number only, so the case is written incomplete and says what it lacks."""
    dump = [x for x in shapes.usedesk_worked_example()
            if x.get("ticket", {}).get("id") in ("2265400", "2265410") or x.get("id") == "261800"]
    path = tmp_path / "dump.json"
    path.write_text("[\n" + ",\n".join(json.dumps(x, ensure_ascii=False) for x in dump) + "\n]\n", encoding="utf-8")
    code, cases, err = import_(str(path))
    assert code == 2
    (case,) = cases
    assert case["case_id"] == "UD-2265400"
    assert case["requests"] == [{"number": "40033555", "source": f"{path}:4, тикет 2265410"}]
    assert "product" in case and case["product"] == {} and case["city"] == {"timezone": "Europe/Moscow"}
    for line in ("UD-2265400: нет /product/category: нужна таблица заявок GSIS (категория техники)",
                 "UD-2265400: нет /city/name: нужна таблица заявок GSIS (город)",
                 "UD-2265400: нет /requests/0/type: нужна таблица заявок GSIS (тип заявки)"):
        assert "hotline: " + line in err.splitlines()
    # audit reports it as HL001 with the same reason
    export = tmp_path / "x.jsonl"
    export.write_text(json.dumps(case, ensure_ascii=False) + "\n", encoding="utf-8")
    _, out, _ = run("audit", str(export), "--today", "2025-11-20", "--format", "jsonl")
    (finding,) = json.loads(out)["findings"]
    assert finding["code"] == "HL001"
    assert finding["message"] == ("/city/name: нет обязательного поля «name»; нужна таблица заявок GSIS (город)")


def test_a_client_ticket_of_another_topic_is_not_a_case():
    _, cases, err = worked()
    assert all("2265502" not in c["source"] for c in cases)
    assert "тикет 2265502: не использовано" in err


# ---------------------------------------------------------------- the wrong file


@pytest.mark.parametrize("name,hint", [("gsis.csv", "hotline import --table"), ("naumen.xlsx", "hotline import --table"),
                                       ("usedesk.json", "hotline import --usedesk")])
def test_triage_and_audit_say_which_import_reads_the_file(name, hint):
    for command in ("triage", "audit"):
        code, out, err = run(command, str(FIX / name), "--format", "jsonl")
        assert code == 2
        assert hint in err and "неверный JSON" not in err


# ---------------------------------------------------------------- the mapping file and the keys


def test_the_example_mapping_loads():
    m = load_mapping(MAPPING)
    assert [t.name for t in m.tables] == ["Заявки GSIS", "Журнал звонков Naumen"]
    assert m.usedesk.site_form_channels == {"63870"} and m.usedesk.email_channels == {"63871"}


@pytest.mark.parametrize("data,key", [
    ({"tabel": []}, "tabel"),
    ({"table": [{"columns": {"request.nuber": "Номер"}}]}, "table[0].columns.request.nuber"),
    ({"table": [{"columns": {"request.type": "Тип"}, "values": {"request.type": {"Ремонт": "repare"}}}]},
     "table[0].values.request.type.Ремонт"),
    ({"usedesk": {"ticket_url": "https://x/tickets/"}}, "usedesk.ticket_url"),
    ({"table": [{"columns": {"event.at": "Когда"}, "timezone": "Europe/Mosco"}]}, "table[0].timezone"),
])
def test_a_wrong_mapping_names_the_key(data, key):
    with pytest.raises(MappingError) as e:
        parse_mapping(data, "m.toml")
    assert f"m.toml: ключ {key}:" in str(e.value)


def test_subjects_and_phones():
    assert parse_subject(f"{shapes.MANDATED} Петрова Анна Сергеевна 40031822") == ("Петрова Анна Сергеевна",
                                                                                   "40031822")
    assert parse_subject("«не согласен с заключением, что техника исправна» Петрова А.С.") == ("Петрова А.С.", None)
    assert parse_subject("Re: доставка") is None
    assert phone_key("+7 (903) 555-12-34") == phone_key("89035551234") == "9035551234"
    assert phone_key("12-34") is None


def test_the_readme_shows_what_the_import_says(tmp_path):
    """The README's «Импорт» shows the import's standard error as it is (run from the repo root)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Импорт"):]
    command = re.search(r"```sh\n(hotline import .*?)\n```", section, re.S).group(1)
    shown = re.search(r"```text\n(.*?)```", section, re.S).group(1)
    for name in ("fixtures", "import.example.toml", "hotline.example.toml"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, tmp_path / name)
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    p = subprocess.run(["bash", "-c", command], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 0
    assert p.stderr == shown
    assert (tmp_path / "cases.jsonl").read_text(encoding="utf-8").count("\n") == 3


def test_namesakes_tie_nothing_by_name_alone(tmp_path):
    """Two clients named alike, each with her own ticket: a request whose subject has the name but no
    number cannot be told apart — it is said, not guessed; with the number it ties to its case."""
    dump = [shapes.ticket("1", "Не моет", "2025-11-03 07:00:00", "11", email="a@example.ru", channel="63871",
                          comments=[shapes.comment("101", "2025-11-03 07:00:00", "client", "Заявка 40000001",
                                                   client_id="11")]),
            shapes.client_card("11", "Иванова Мария Петровна", ["a@example.ru"]),
            shapes.ticket("2", "Не греет", "2025-11-04 07:00:00", "12", email="b@example.ru", channel="63871",
                          comments=[shapes.comment("102", "2025-11-04 07:00:00", "client", "Заявка 40000002",
                                                   client_id="12")]),
            shapes.client_card("12", "Иванова Мария Петровна", ["b@example.ru"]),
            shapes.ticket("3", f"{shapes.MANDATED} Иванова Мария Петровна", "2025-11-05 07:00:00", "13",
                          email="eng@example.ru", priority="extreme", channel="63872",
                          comments=[shapes.comment("103", "2025-11-05 07:00:00", "user", "Прошу ответ", user_id="47011")]),
            shapes.ticket("4", f"{shapes.MANDATED} Иванова Мария Петровна 40000002", "2025-11-05 08:00:00", "13",
                          email="eng@example.ru", priority="extreme", channel="63872",
                          comments=[shapes.comment("104", "2025-11-05 08:00:00", "user", "Прошу ответ",
                                                   user_id="47011")])]
    path = tmp_path / "dump.jsonl"
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in dump), encoding="utf-8")
    code, cases, err = import_(str(path))
    assert [c["case_id"] for c in cases] == ["UD-2"]  # the request with the number proves her disagreement
    assert [e["type"] for e in cases[0]["events"]] == ["client_ticket", "engineer_request"]
    assert "у 2 обращений то же ФИО: запрос не привязан (нужен номер заявки)" in err
    assert f"{path}:5, тикет 3: не использовано" in err and f"{path}:1, тикет 1: не использовано" in err


def test_ids_as_integers_read_as_strings_do(tmp_path):
    """Usedesk's documentation shows ids and numbers as strings; its API also sends integers."""
    def ints(x):
        if isinstance(x, dict):
            return {k: (int(v) if k in ("id", "status_id", "client_id", "user_id", "channel_id", "assignee_id")
                        and isinstance(v, str) and v.isdigit() else ints(v)) for k, v in x.items()}
        if isinstance(x, list):
            return [ints(v) for v in x]
        return x

    path = tmp_path / "ints.json"
    path.write_text("[\n" + ",\n".join(json.dumps(ints(x), ensure_ascii=False) for x in shapes.usedesk_worked_example())
                    + "\n]\n", encoding="utf-8")
    assert '"id": 2265179' in path.read_text(encoding="utf-8")
    code, cases, _ = import_(str(path), str(FIX / "gsis.csv"), str(FIX / "naumen.xlsx"))
    assert code == 0 and strip_sources(cases) == strip_sources(worked()[1])


def test_the_workbook_and_the_report_show_the_ticket_behind_a_finding(tmp_path):
    import openpyxl

    _, cases, _ = worked()
    export = tmp_path / "month.jsonl"
    export.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), encoding="utf-8")
    book, page = tmp_path / "audit.xlsx", tmp_path / "audit.html"
    code, _, err = run("audit", str(export), "--today", "2025-11-20", "--config", CONFIG, "--format", "xlsx",
                       "-o", str(book), "--report", str(page))
    assert code == 1, err
    sheet = openpyxl.load_workbook(book, read_only=True)["Находки"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-1] == "Записи в системах"
    hl202 = next(r for r in rows if r[7] == "HL202")
    assert "тикет 2265310" in hl202[-1] and "gsis.csv:строка 3" in hl202[-1]
    assert "тикет 2265310" in page.read_text(encoding="utf-8")


def test_a_tickets_list_element_is_a_ticket_without_comments(tmp_path):
    """/tickets returns the tickets alone: Сидорова's is still her contact (the e-mail flow), closed too."""
    body = shapes.ticket("2265400", "Жалоба на сервис", "2025-11-03 07:00:00", "261800", email="sidorova@example.ru",
                         channel="63871", status="2", updated="2025-11-10 09:00:00")["ticket"]
    dump = [body, shapes.client_card("261800", shapes.SIDOROVA, ["sidorova@example.ru"]),
            *(x for x in shapes.usedesk_worked_example() if x.get("ticket", {}).get("id") == "2265410")]
    path = tmp_path / "list.json"
    path.write_text(json.dumps(dump, ensure_ascii=False), encoding="utf-8")
    code, cases, err = import_(str(path), str(FIX / "gsis.csv"))
    (case,) = cases
    assert case["case_id"] == "UD-2265400" and case["channel"] == "email"
    assert [(e["type"], e["at"]) for e in case["events"]] == [
        ("client_ticket", "2025-11-03T10:00:00+03:00"), ("engineer_request", "2025-11-05T11:00:00+03:00"),
        ("engineer_answer", "2025-11-07T13:00:00+03:00"), ("closed", "2025-11-10T12:00:00+03:00")]
