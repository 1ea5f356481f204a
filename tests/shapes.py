"""The real systems' shapes, for tests: Usedesk's public API bodies (`/ticket`: ticket,
comments, changes; `/client`), with ids and numbers as strings the way its documentation's
examples write them and times in UTC; GSIS tables as Excel saves CSV (Windows-1251 or
UTF-8 with a BOM, «;»); Naumen call logs as .xlsx with a title row, merged header cells and
real date cells."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path
from typing import Any

MANDATED = "Не согласен с заключением, что техника исправна."

GSIS_HEADER = ["Номер заявки", "Тип заявки", "Дата создания", "АСЦ", "E-mail АСЦ", "Заключение АСЦ", "Документы",
               "ФИО клиента", "Телефон", "Город", "АСЦ в городе", "Категория", "Модель", "Описание заказчика",
               "Примечания"]
NAUMEN_UPPER = [("Звонок", 3), ("Клиент", 2), ("Запись оператора", 6), ("Результат", 1)]
NAUMEN_HEADER = ["Тип", "Дата и время", "Сотрудник", "Телефон", "Номер заявки", "L2", "L3", "Шаблон запроса",
                 "Комментарий запроса", "Заявка на другой АСЦ", "Напишите нам", None]


def comment(cid: str, when: str, frm: str, message: str, client_id: str | None = None, user_id: str | None = None,
            kind: str = "public", cc: list[str] | None = None, files: list[dict[str, str]] | None = None) -> dict:
    return {"id": cid, "message": message, "type": kind, "from": frm, "user_id": user_id, "client_id": client_id,
            "published_at": when, "cc": cc or [], "bcc": [], "files": files or []}


def ticket(tid: str, subject: str, published: str, client_id: str, email: str = "0", status: str = "1",
           priority: str = "medium", channel: str = "63870", comments: list[dict] | None = None,
           changes: list[dict] | None = None, fields: list[dict] | None = None, tags: list[Any] | None = None,
           updated: str | None = None, assignee: str = "47011") -> dict:
    return {"ticket": {"id": tid, "status_id": status, "subject": subject, "client_id": client_id,
                       "assignee_id": assignee, "group": "0", "channel_id": channel, "email": email,
                       "priority": priority, "type": "question", "published_at": published,
                       "last_updated_at": updated or published, "status_updated_at": updated or published,
                       "company_id": "153561", "ticket_fields": fields or [], "tags": tags or []},
            "comments": comments or [], "changes": changes or []}


def status_change(cid: str, tid: str, when: str, old: str, new: str, user_id: str = "47011") -> dict:
    return {"id": cid, "ticket_id": tid, "user_id": user_id, "client_id": None, "created_at": when,
            "old_status_id": old, "new_status_id": new}


def client_card(cid: str, name: str, emails: list[str] = (), phones: list[str] = ()) -> dict:  # type: ignore[assignment]
    return {"id": cid, "name": name, "emails": [{"id": str(i + 1), "email": e} for i, e in enumerate(emails)],
            "phones": [{"id": str(i + 1), "phone": p, "type": "mobile"} for i, p in enumerate(phones)]}


def gsis_csv(rows: list[list[str]], path: Path, encoding: str = "cp1251", delimiter: str = ";",
             header: list[str] = GSIS_HEADER) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    data = buf.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if encoding == "utf-8-sig" and not data.startswith(b"\xef\xbb\xbf") else b"")
                     + data)
    return path


def naumen_xlsx(rows: list[list[Any]], path: Path, title: str = "Журнал звонков Naumen") -> Path:
    """Row 1: a title merged across; row 2: the upper header, merged over its columns («Результат»
    merged down over rows 2–3); row 3: the header; then the rows (datetimes as real date cells,
    request numbers as numbers, as Excel keeps them)."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Звонки")
    bold = wb.add_format({"bold": True})
    when = wb.add_format({"num_format": "dd.mm.yyyy hh:mm"})
    width = len(NAUMEN_HEADER)
    ws.merge_range(0, 0, 0, width - 1, title, bold)
    col = 0
    for name, span in NAUMEN_UPPER:
        if name == "Результат":
            ws.merge_range(1, col, 2, col, name, bold)
        elif span > 1:
            ws.merge_range(1, col, 1, col + span - 1, name, bold)
        else:
            ws.write(1, col, name, bold)
        col += span
    for i, h in enumerate(NAUMEN_HEADER):
        if h is not None:
            ws.write(2, i, h, bold)
    for r, row in enumerate(rows, 3):
        for c, v in enumerate(row):
            if isinstance(v, datetime):
                ws.write_datetime(r, c, v, when)
            elif v is not None and v != "":
                ws.write(r, c, v)
    wb.close()
    return path


# ---------------------------------------------------------------- the README's worked example
# Three clients (see README «Импорт»): Петрова (Казань, a call in situation 2, then the site form,
# the expert and the engineer — compliant), Иванов (Владивосток, situation 3: the HPCC request sent
# at 22:30 UTC, already the next morning there; the engineer request with Usedesk's «urgent»; three
# repeat requests and an ASC answer before the engineer's; feedback late), Сидорова (Москва, straight
# to the mailbox: e-mail flow; the engineer request misses the fixed copies and the intent to sue).
# Around them: a deleted ticket, a spam ticket, a client's ticket about something else, a GSIS
# request of a client who never disagreed, a Naumen row about nothing of ours.

PETROVA, IVANOV, SIDOROVA = "Петрова Анна Сергеевна", "Иванов Пётр Петрович", "Сидорова Мария Ивановна"
COPY = ["Olesya.Vedischeva@haierrussia.ru", "igrineva@haierrussia.ru"]


def usedesk_worked_example() -> list[dict]:
    subject_p = f"{MANDATED} {PETROVA} 40031822"
    subject_i = f"{MANDATED} {IVANOV} 40032400"
    subject_s = f"{MANDATED} {SIDOROVA} 40033555"
    return [
        # Петрова through the site form (channel 63870), closed on 06.11 at 15:30 Moscow time
        ticket("2265179", "Не согласна с заключением мастера", "2025-10-31 06:55:00", "261702",
               email="petrova@example.ru", status="3", channel="63870", updated="2025-11-06 12:30:00",
               comments=[comment("2658287", "2025-10-31 06:55:00", "client",
                                 "<p>Стиральная машина не отжимает, мастер написал, что исправна.</p>"
                                 "<p>Телефон из заявки: +7 903 555-12-34</p>", client_id="261702")],
               changes=[status_change("900001", "2265179", "2025-11-06 12:30:00", "1", "3")]),
        client_card("261702", PETROVA, ["petrova@example.ru"], ["+79035551234"]),
        # the expert's request to the engineer, Usedesk's top priority «extreme»
        ticket("2265201", subject_p, "2025-10-31 08:00:00", "300001", email="wm-engineer@example.ru",
               priority="extreme", channel="63872",
               comments=[comment("2658300", "2025-10-31 08:00:00", "user",
                                 "<p>Клиент не согласен с заключением по заявке 40031822 (техника исправна).</p>"
                                 "<p>Возможно ли провести ремонт в рамках лояльности или актирование техники?</p>",
                                 user_id="47011", cc=["asc-kazan@example.ru", *COPY]),
                         comment("2658390", "2025-11-05 09:00:00", "client",
                                 "<p>Проведём повторную диагностику силами сервиса.</p>", client_id="300001")]),
        client_card("300001", "Инженер СМА", ["wm-engineer@example.ru"]),
        # Иванов: the Usedesk agent's HPCC request at 22:30 UTC — 08:30 on 31.10 in Vladivostok
        ticket("2265300", subject_i, "2025-10-30 22:30:00", "300050", email="hpcc-manager@example.ru",
               priority="extreme", channel="63872",
               comments=[comment("2658400", "2025-10-30 22:30:00", "user", "<p>Прошу акт и описание дефекта.</p>",
                                 user_id="47012"),
                         comment("2658401", "2025-10-31 01:00:00", "client", "<p>Акт во вложении.</p>",
                                 client_id="300050", files=[{"file": "https://files.example.ru/act-40032400.pdf",
                                                             "name": "act-40032400.pdf"}])]),
        client_card("300050", "Менеджер HPCC", ["hpcc-manager@example.ru"]),
        ticket("2265310", subject_i, "2025-10-31 02:00:00", "300010", email="duty-engineer@example.ru",
               priority="urgent", channel="63872",
               comments=[comment("2658500", "2025-10-31 02:00:00", "user",
                                 "<p>Клиент не согласен с заключением по заявке 40032400: отчёта АСЦ нет.</p>",
                                 user_id="47011", cc=["asc-vl@example.ru", *COPY]),
                         comment("2658501", "2025-11-07 00:30:00", "user", "<p>Повторно прошу ответ.</p>",
                                 user_id="47011"),
                         comment("2658502", "2025-11-10 03:00:00", "client", "<p>Со стороны АСЦ: техника исправна.</p>",
                                 client_id="300077"),
                         comment("2658503", "2025-11-12 00:30:00", "user", "<p>Повторно прошу ответ.</p>",
                                 user_id="47011"),
                         comment("2658504", "2025-11-13 00:40:00", "user", "Внутренняя заметка: напомнить",
                                 user_id="47011", kind="private"),
                         comment("2658505", "2025-11-17 00:30:00", "user", "<p>Повторно прошу ответ.</p>",
                                 user_id="47011"),
                         comment("2658506", "2025-11-18 01:00:00", "client",
                                 "<p>Замена компрессора в рамках лояльности.</p>", client_id="300010")]),
        client_card("300010", "Дежурный инженер", ["duty-engineer@example.ru"]),
        client_card("300077", "АСЦ Холод-Сервис", ["asc-vl@example.ru"]),
        # Сидорова wrote straight to the mailbox (channel 63871); she means to go to court
        ticket("2265400", "Жалоба на сервис", "2025-11-03 07:00:00", "261800", email="sidorova@example.ru",
               channel="63871",
               comments=[comment("2658600", "2025-11-03 07:00:00", "client",
                                 "<p>По заявке 40033555 посудомойка не моет, а мастер пишет «исправна». "
                                 "Буду обращаться в суд.</p>", client_id="261800")],
               fields=[{"id": "5501", "name": "Намерения клиента", "value": "Суд"}]),
        client_card("261800", SIDOROVA, ["sidorova@example.ru"]),
        ticket("2265410", subject_s, "2025-11-05 08:00:00", "300020", email="dw-engineer@example.ru",
               priority="extreme", channel="63872",
               comments=[comment("2658700", "2025-11-05 08:00:00", "user",
                                 "<p>Клиент не согласен с заключением по заявке 40033555.</p>", user_id="47011",
                                 cc=["asc-msk@example.ru"]),
                         comment("2658701", "2025-11-07 10:00:00", "client",
                                 "<p>Техника исправна, рекомендуем чистку фильтра.</p>", client_id="300020")]),
        # what is not ours
        ticket("2265500", "Удалённый тикет", "2025-11-01 10:00:00", "261900", status="4",
               comments=[comment("2658800", "2025-11-01 10:00:00", "client", "тест", client_id="261900")]),
        ticket("2265501", "Выиграйте приз!", "2025-11-02 10:00:00", "261901", status="7",
               comments=[comment("2658801", "2025-11-02 10:00:00", "client", "спам", client_id="261901")]),
        ticket("2265502", "Когда доставят холодильник?", "2025-11-04 09:00:00", "261902",
               email="lebedev@example.ru", channel="63870",
               comments=[comment("2658802", "2025-11-04 09:00:00", "client", "Заказ 7731, доставка.",
                                 client_id="261902")]),
        client_card("261902", "Лебедев Олег", ["lebedev@example.ru"]),
    ]


def gsis_worked_example() -> list[list[str]]:
    petrova_notes = "https://secure.usedesk.ru/tickets/2265201"
    return [
        ["40031822", "Диагностика", "21.10.2025 12:00", "Сервис-Плюс", "asc-kazan@example.ru", "Техника исправна",
         "Акт выполненных работ № 5512", PETROVA, "+7 903 555-12-34", "Казань", "1", "Стиральная машина",
         "HW80-BP14979",
         "В случае повторного обращения перевести звонок на эксперта, консультацию не проводить. "
         "31.10.2025 эксперт позвонил клиенту; инженер ответил 05.11.2025; клиент принял ответ.", petrova_notes],
        ["40032400", "Диагностика", "27.10.2025 10:00", "Холод-Сервис", "asc-vl@example.ru", "", "", IVANOV,
         "+7 914 700-11-22", "Владивосток", "1", "Холодильник", "C2F637CGWG", "", ""],
        ["40033555", "Ремонт", "15.10.2025", "Мастер-Дом", "asc-msk@example.ru", "Техника исправна",
         "Акт № 77; Фото дефекта", SIDOROVA, "+7 916 123-45-67", "Москва", "5", "Посудомоечная машина", "HF60", "", ""],
        ["40039999", "Диагностика", "01.11.2025 09:00", "Сервис-Плюс", "asc-kazan@example.ru", "Техника исправна",
         "", "Орлов Игорь Викторович", "+7 917 000-00-01", "Казань", "1", "Телевизор", "", "", ""],
    ]


def naumen_worked_example() -> list[list[Any]]:
    naumen_comment = ("Клиент не согласен с заключением по заявке. Отчета от АСЦ на момент звонка нет, "
                      "второй АСЦ в городе отсутствует")
    d = datetime
    return [
        ["Входящий на ГЛ", d(2025, 10, 30, 16, 40), "Смирнова О.", "+7 903 555-12-34", 40031822, "Политика",
         "Обслуживание", "", "", "", "Да", ""],
        ["Входящий на ГЛ", d(2025, 10, 30, 15, 20), "Орлова Т.", "+7 914 700-11-22", 40032400, "", "",
         "Запрос от Горячей линии", naumen_comment, "", "Да", ""],
        ["Звонок эксперта", d(2025, 10, 31, 10, 15), "Кузнецова Е.", "+7 903 555-12-34", 40031822, "", "", "", "", "",
         "", ""],
        ["Звонок эксперта", d(2025, 10, 31, 10, 0), "Кузнецова Е.", "+7 914 700-11-22", 40032400, "", "", "", "", "",
         "", ""],
        ["Обратная связь", d(2025, 11, 6, 15, 0), "Кузнецова Е.", "+7 903 555-12-34", 40031822, "", "", "", "", "", "",
         "Принял"],
        ["Звонок о задержке", d(2025, 11, 7, 11, 0), "Кузнецова Е.", "+7 914 700-11-22", 40032400, "", "", "", "", "",
         "", ""],
        ["Звонок о задержке", d(2025, 11, 13, 11, 0), "Кузнецова Е.", "+7 914 700-11-22", 40032400, "", "", "", "", "",
         "", ""],
        ["Обратная связь", d(2025, 11, 19, 10, 0), "Кузнецова Е.", "+7 914 700-11-22", 40032400, "", "", "", "", "", "",
         "Не принял"],
        ["Прочее", d(2025, 11, 5, 12, 0), "Смирнова О.", "+7 900 000-00-00", None, "", "", "", "", "", "", ""],
    ]


def write_worked_example(folder: Path) -> dict[str, Path]:
    import json

    folder.mkdir(parents=True, exist_ok=True)
    dump = folder / "usedesk.json"
    dump.write_text("[\n" + ",\n".join(json.dumps(x, ensure_ascii=False) for x in usedesk_worked_example())
                    + "\n]\n", encoding="utf-8")
    return {"usedesk": dump, "gsis": gsis_csv(gsis_worked_example(), folder / "gsis.csv"),
            "naumen": naumen_xlsx(naumen_worked_example(), folder / "naumen.xlsx")}


# ---------------------------------------------------------------- cases back into the systems' shapes
# For the round trip (export → import gives the same case) and the benchmark's large exports.

TYPE_RU = {"diagnostics": "Диагностика", "repair": "Ремонт", "no_asc": "Нет АСЦ"}
CONCLUSION_RU = {"no_fault": "Техника исправна", "physical_damage": "Физическое повреждение",
                 "operation_violation": "Нарушение правил эксплуатации"}
CATEGORY_RU = {"air_conditioner": "Кондиционер", "refrigerator": "Холодильник", "freezer": "Морозильник",
               "washing_machine": "Стиральная машина", "dryer": "Сушильная машина",
               "dishwasher": "Посудомоечная машина", "cooking": "Плита", "water_heater": "Водонагреватель",
               "tv": "Телевизор", "small_appliance": "Мелкая бытовая техника", "other": "Прочее"}
CALL_RU = {"expert_call": "Звонок эксперта", "delay_call": "Звонок о задержке", "feedback_call": "Обратная связь"}
OUTCOME_RU = {"accepted": "Принял", "rejected": "Не принял"}
USERS = {"Кузнецова Е.": "47011", "Агент Usedesk Белова": "47012"}  # import.example.toml's [usedesk.users]
PRIORITY_CODE = {"Экстремальный": "extreme", "Срочный": "urgent", "Средний": "medium", "Низкий": "low"}
CHANNEL_ID = {"site_form": "63870", "email": "63871"}


def _utc(text: str) -> str:
    from datetime import UTC

    return datetime.fromisoformat(text).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=None)


def _html(text: str) -> str:
    import html

    return "".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n"))


class Exporter:
    """Cases written back as Usedesk bodies, GSIS rows and Naumen rows (the worked example's shapes)."""

    def __init__(self, hpcc_manager: str = "hpcc-manager@example.ru"):
        self.hpcc = hpcc_manager
        self.usedesk: list[dict] = []
        self.gsis: list[list[str]] = []
        self.naumen: list[list[Any]] = []
        self.next_id = 5_000_000
        self.next_client = 700_000

    def _tid(self, url: str | None = None) -> str:
        if url and url.startswith("https://secure.usedesk.ru/tickets/"):
            return url.rsplit("/", 1)[1]
        self.next_id += 1
        return str(self.next_id)

    def _cid(self) -> str:
        self.next_client += 1
        return str(self.next_client)

    def add(self, case: dict) -> None:
        client, product, city = case["client"], case["product"], case["city"]
        number = case["requests"][0]["number"] if case["requests"] else None
        phone = client.get("phone") or ""
        consultation = case.get("consultation") or {}
        for i, r in enumerate(case["requests"]):
            asc = r.get("asc") or {}
            created = r.get("created_at")
            self.gsis.append([
                r["number"], TYPE_RU[r["type"]],
                _local(created).strftime("%d.%m.%Y" if len(created) == 10 else "%d.%m.%Y %H:%M") if created else "",
                asc.get("name") or "",
                asc.get("email") or "", CONCLUSION_RU.get(r.get("conclusion") or "", ""),
                "; ".join(r.get("documents") or ()), client["name"], phone, city["name"],
                "" if city.get("asc_count") is None else str(city["asc_count"]), CATEGORY_RU[product["category"]],
                product.get("model") or "", consultation.get("customer_description") or "" if i == 0 else "",
                consultation.get("notes") or "" if i == 0 else ""])
        events = case.get("events") or []
        hot = case.get("hotline") or {}
        if case["channel"] == "call":
            self.naumen.append(["Входящий на ГЛ", _local(case["opened_at"]), hot.get("operator") or "", phone,
                                int(number) if number else None, (hot.get("consultation") or {}).get("l2") or "",
                                (hot.get("consultation") or {}).get("l3") or "",
                                (hot.get("naumen_request") or {}).get("template") or "",
                                (hot.get("naumen_request") or {}).get("comment") or "",
                                hot.get("second_asc_request") or "",
                                {True: "Да", False: "Нет"}.get(hot.get("site_form_advised"), ""), ""])
        for e in events:
            if e["type"] in CALL_RU:
                self.naumen.append([CALL_RU[e["type"]], _local(e["at"]), e.get("by") or "", phone,
                                    int(number) if number else None, "", "", "", "", "", "",
                                    OUTCOME_RU.get(e.get("outcome") or "", "")])
        closed = next((e for e in events if e["type"] == "closed"), None)
        if case["channel"] in ("site_form", "email") or closed is not None:
            cid = self._cid()
            tid = case["case_id"][3:] if case["case_id"].startswith("UD-") else self._tid()
            published = case["opened_at"] if case["channel"] != "call" else closed["at"]  # type: ignore[index]
            self.usedesk.append(ticket(
                tid, "Обращение клиента", _utc(published), cid, email=client.get("email") or "0",
                status="3" if closed else "1", channel=CHANNEL_ID.get(case["channel"], "63870"),
                comments=[comment(self._cid(), _utc(published), "client", "Не согласен с заключением.",
                                  client_id=cid)],
                changes=[status_change(self._cid(), tid, _utc(closed["at"]), "1", "3")] if closed else [],
                fields=self._fields(case)))
            self.usedesk.append(client_card(cid, client["name"], [client["email"]] if client.get("email") else [],
                                            [phone] if phone else []))
        asc_emails = {(r.get("asc") or {}).get("email") for r in case["requests"]}
        hpcc = [e for e in events if e["type"] in ("hpcc_request", "hpcc_documents")]
        if hpcc and hpcc[0]["type"] == "hpcc_request":
            first = hpcc[0]
            manager = self._cid()
            self.usedesk.append(ticket(
                self._tid(), first["subject"], _utc(first["at"]), manager, email=self.hpcc,
                priority=PRIORITY_CODE.get(first.get("priority") or "", first.get("priority") or ""), channel="63872",
                comments=[comment(self._cid(), _utc(first["at"]), "user", "Прошу акт.",
                                  user_id=USERS.get(first.get("by") or "", "47012"))]
                + [comment(self._cid(), _utc(e["at"]), "client", "Акт.", client_id=manager,
                           files=[{"file": "https://files.example.ru/a.pdf", "name": "a.pdf"}]) for e in hpcc[1:]]))
        eng = [e for e in events if e["type"] in ("engineer_request", "re_request", "engineer_answer", "asc_answer")]
        if eng and eng[0]["type"] == "engineer_request":
            first = eng[0]
            addressee, asc_client = self._cid(), self._cid()
            comments = [comment(self._cid(), _utc(first["at"]), "user", _html(first.get("body") or ""),
                                user_id=USERS.get(first.get("by") or ""), cc=list(first.get("cc") or ()))]
            for e in eng[1:]:
                if e["type"] == "re_request":
                    comments.append(comment(self._cid(), _utc(e["at"]), "user", "Повторно.",
                                            user_id=USERS.get(e.get("by") or "")))
                else:
                    comments.append(comment(self._cid(), _utc(e["at"]), "client", "Ответ.",
                                            client_id=addressee if e["type"] == "engineer_answer" else asc_client))
            self.usedesk.append(ticket(
                self._tid(first.get("ticket")), first["subject"], _utc(first["at"]), addressee,
                email=first.get("to") or "0",
                priority=PRIORITY_CODE.get(first.get("priority") or "", first.get("priority") or ""),
                channel="63872", comments=comments))
            self.usedesk.append(client_card(addressee, "Инженер", [first["to"]] if first.get("to") else []))
            self.usedesk.append(client_card(asc_client, "АСЦ", sorted(a for a in asc_emails if a)))

    @staticmethod
    def _fields(case: dict) -> list[dict]:
        intent_ru = {"court": "Суд", "rospotrebnadzor": "Роспотребнадзор", "image_damage": "Подрыв имиджа"}
        out = []
        if case.get("client_intent"):
            out.append({"id": "5501", "name": "Намерения клиента",
                        "value": ", ".join(intent_ru[i] for i in case["client_intent"])})
        if case.get("demands_stated") is not None:
            out.append({"id": "5502", "name": "Требования заявлены", "value": "Да" if case["demands_stated"] else "Нет"})
        return out

    def write(self, folder: Path) -> dict[str, Path]:
        import json

        folder.mkdir(parents=True, exist_ok=True)
        dump = folder / "usedesk.jsonl"
        dump.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in self.usedesk), encoding="utf-8")
        return {"usedesk": dump, "gsis": gsis_csv(self.gsis, folder / "gsis.csv"),
                "naumen": naumen_xlsx(self.naumen, folder / "naumen.xlsx")}
