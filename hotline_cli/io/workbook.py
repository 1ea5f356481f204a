"""--format xlsx: a workbook a supervisor opens in Excel, written as the results arrive
(XlsxWriter's constant-memory mode: a million cases in flat memory).

The audit's workbook has «Итог» (totals, the compliance rate, each code with its title and
count, every breakdown), «Находки» (a row per finding with the case's date, week, city,
category, channel, situation, code, severity, message, source) and «Дела» (a row per case,
clean ones too, compliant or not). Any other command: one sheet of its table. Russian
headers, real dates, an autofilter, a frozen header row.
"""

from __future__ import annotations

import os
import re
from datetime import date
from typing import IO, Any

from hotline_cli.io.safe import safe_text
from hotline_cli.procedure import month, texts
from hotline_cli.procedure.audit import DIMENSIONS, Summary

FINDINGS = ["Дата обращения", "Неделя", "Дело", "Город", "Техника", "Канал", "Ситуация", "Код", "Уровень",
            "Находка", "Оператор", "Эксперты", "Источник", "Записи в системах"]
CASES = ["Дата обращения", "Неделя", "Дело", "Город", "Техника", "Канал", "Ситуация", "Соответствует",
         "Ошибок", "Предупреждений", "Оператор", "Эксперты", "Источник", "Записи в системах"]
BREAKDOWN_RU = {"situation": "По ситуациям при обращении", "week": "По неделям", "city": "По городам",
                "category": "По технике", "channel": "По каналам", "operator": "По операторам", "month": "По месяцам",
                "expert": "По экспертам"}
SHEET_RU = {"triage": "Решения", "escalate": "Шаги эксперта", "followup": "Сроки", "summarize": "Консультации",
            "agenda": "План"}


_RU_DATE = re.compile(r"\d{2}\.\d{2}\.\d{4}\Z")


def _cell(value: Any) -> Any:
    """A value Excel shows as it is: text made safe, never a formula (XlsxWriter writes strings as strings)."""
    if isinstance(value, str):
        return safe_text(value)
    return value


MAX_ROWS = 1_048_576  # Excel's rows a sheet; «Находки» goes on in «Находки (2)»
MAX_CELL = 32_767  # UTF-16 units a cell holds; a longer text ends with «…» and a warning
WIDTH_CAP = 60  # a column's width at most (characters); a longer text wraps


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def fit_cell(text: str) -> tuple[str, bool]:
    """The text as a cell holds it: whole, or cut to MAX_CELL UTF-16 units ending with «…»."""
    if len(text) <= MAX_CELL // 2 or _utf16(text) <= MAX_CELL:
        return text, False
    out, units = [], 0
    for ch in text:
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > MAX_CELL - 1:
            break
        out.append(ch)
    return "".join(out) + "…", True


class Workbook:
    """Rows in, a workbook out: `add` each result, `close` with the run's summary."""

    max_rows = MAX_ROWS

    def __init__(self, out: IO[bytes], command: str, headers: list[str] | None = None, statistics: bool = False):
        import xlsxwriter  # type: ignore[import-untyped]  # only this format pays for the import

        from hotline_cli.io.atomic import scratch_dir

        # XlsxWriter's constant-memory rows wait in temporary files: in a folder of our own beside the
        # output, removed on every exit (an interrupted run leaves no case rows in clear in /tmp)
        name = getattr(out, "name", None)
        near = os.path.dirname(name) if isinstance(name, str) and os.path.isabs(name) else None
        self.tmpdir = scratch_dir(near)
        self.book = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False,
                                              "strings_to_urls": False, "strings_to_numbers": False,
                                              "tmpdir": self.tmpdir})
        self.command = command
        self.bold = self.book.add_format({"bold": True, "bg_color": "#E8EEF7", "text_wrap": True, "valign": "top"})
        self.title = self.book.add_format({"bold": True, "font_size": 13})
        self.date = self.book.add_format({"num_format": "dd.mm.yyyy", "valign": "top"})
        self.pct = self.book.add_format({"num_format": "0.0%"})
        self.wrap = self.book.add_format({"text_wrap": True, "valign": "top"})
        self.top = self.book.add_format({"valign": "top"})
        self.rows: dict[str, int] = {}
        self.sheets: dict[str, Any] = {}
        self.headers: dict[str, list[str]] = {}
        self.widths: dict[str, list[int]] = {}
        self.current: dict[str, str] = {}  # a stream's base name → the sheet it goes on now
        self.warnings: list[str] = []  # said on stderr by the shell: a cut cell, a continued sheet
        if command == "audit":
            self._sheet("Итог", [], header=False)
            if not statistics:
                self._sheet("Находки", FINDINGS)
                self._sheet("Дела", CASES)
        else:
            self._sheet(SHEET_RU.get(command, command), headers or [])

    def _sheet(self, name: str, headers: list[str], header: bool = True) -> None:
        ws = self.book.add_worksheet(name)
        self.sheets[name] = ws
        self.rows[name] = 0
        self.headers[name] = headers
        self.widths[name] = [max(8, len(h) + 2) for h in headers]
        self.current.setdefault(name.split(" (")[0], name)
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)  # as wide as one page, as long as it takes
        ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
        if header and headers:
            for col, h in enumerate(headers):
                self._check(ws.write(0, col, h, self.bold), name)
            ws.freeze_panes(1, 0)
            ws.autofilter(0, 0, 0, len(headers) - 1)
            ws.repeat_rows(0)
            self.rows[name] = 1

    def _check(self, code: int, where: str) -> None:
        """XlsxWriter's return codes: -1 a cell outside the sheet, -2 a string cut (never silently)."""
        if code == -1:
            from hotline_cli.io.atomic import OutputError

            raise OutputError(f"книга Excel не записана: лист «{where}» переполнен")
        if code == -2:
            self.warnings.append(f"лист «{where}»: текст длиннее {MAX_CELL} знаков обрезан")

    def _target(self, base: str) -> str:
        """The sheet a stream's next row goes on: a full one continues on «base (2)», «base (3)»…"""
        name = self.current[base]
        if self.rows[name] < self.max_rows:
            return name
        n = 2 if name == base else int(name.rsplit("(", 1)[1].rstrip(")")) + 1
        new = f"{base} ({n})"
        self._sheet(new, self.headers[name])
        self.current[base] = new
        self.warnings.append(f"лист «{name}» заполнен до предела Excel ({self.max_rows} строк): "
                             f"продолжение на листе «{new}»")
        return new

    def _write(self, base: str, values: list[Any], fmt: Any = None) -> None:
        name = self._target(base)
        ws, row = self.sheets[name], self.rows[name]
        widths = self.widths[name]
        for col, v in enumerate(values):
            if isinstance(v, str) and _RU_DATE.match(v):  # a table's «31.10.2025»: a real date in Excel
                v = date(int(v[6:]), int(v[3:5]), int(v[:2]))
            if col >= len(widths):
                widths.append(8)
            if isinstance(v, date):
                code = ws.write_datetime(row, col, v, self.date)
                width = 11
            elif isinstance(v, float) and base not in ("Находки", "Дела") and 0 <= v <= 1:  # a share: a percentage
                code = ws.write_number(row, col, v, self.pct)
                width = 8
            elif v is None:
                continue
            elif isinstance(v, str):
                text, cut = fit_cell(safe_text(v))
                if cut:
                    self.warnings.append(f"лист «{name}», строка {row + 1}: текст длиннее {MAX_CELL} знаков — "
                                         "в ячейке его начало и «…»")
                long = len(text) > WIDTH_CAP
                code = ws.write_string(row, col, text, fmt or (self.wrap if long else self.top))
                width = min(WIDTH_CAP, max(len(x) for x in text.split("\n"))) + 1 if text else 0
            else:
                code = ws.write(row, col, v, fmt or self.top)
                width = len(str(v)) + 1
            self._check(code, name)
            if width > widths[col]:
                widths[col] = width
        self.rows[name] = row + 1

    def add(self, r: dict[str, Any], table: list[list[str]]) -> None:
        """One result: its findings and its case (audit), or its table rows."""
        if self.command != "audit":
            for row in table:
                self._write(next(iter(self.sheets)), list(row))
            return
        if "Находки" not in self.sheets:
            return
        facts = r.get("case") or {}
        opened = date.fromisoformat(facts["opened"]) if facts.get("opened") else None
        situation = texts.situation_ru(r.get("situation")) if "error" not in r else "некорректная запись"
        common = [opened, facts.get("week"), r.get("case_id"), facts.get("city"),
                  texts.CATEGORY_RU.get(str(facts.get("category")), facts.get("category")),
                  texts.CHANNEL_RU.get(str(facts.get("channel")), facts.get("channel")), situation]
        people = [facts.get("operator"), ", ".join(facts.get("experts") or ())]
        findings = r.get("findings") or []
        for x in findings:
            waived = x.get("waived")
            severity = texts.SEVERITY_RU[x["severity"]] + (" (снята)" if waived else "")
            message = x["message"] + (f" [снята: {waived['reason']}]" if waived else "")
            self._write("Находки", common + [x["code"], severity, message] + people
                        + [r.get("source"), facts.get("origin")])
        errors = sum(1 for x in findings if x["severity"] == "error" and not x.get("waived"))
        warnings = sum(1 for x in findings if x["severity"] != "error" and not x.get("waived"))
        compliant = "нет" if errors or "error" in r else "да"
        self._write("Дела", common + [compliant, errors, warnings] + people + [r.get("source"), facts.get("origin")])

    def close(self, summary: Summary | None) -> None:
        from xlsxwriter.exceptions import XlsxWriterException  # type: ignore[import-untyped]

        from hotline_cli.io.atomic import OutputError, drop_scratch, os_error_ru

        try:
            if self.command == "audit" and summary is not None:
                self._summary(summary.as_dict(month.SHOWN))
            for name, ws in self.sheets.items():
                for col, w in enumerate(self.widths[name]):
                    ws.set_column(col, col, w, self.wrap if w >= WIDTH_CAP else None)
            self.book.close()
        except XlsxWriterException as e:  # FileCreateError is not an OSError
            cause = e.__cause__ or e.__context__
            raise OutputError("книга Excel не записана: " + (os_error_ru(cause) if isinstance(cause, OSError)
                                                             else str(e))) from None
        except OSError as e:
            raise OutputError(f"книга Excel не записана: {os_error_ru(e)}") from None
        finally:
            drop_scratch(self.tmpdir)

    # ------------------------------------------------------------------ the summary sheets

    def _summary(self, data: dict[str, Any]) -> None:
        w = self._write
        period = data["period"]
        since = f" за {texts.ru_date(date.fromisoformat(period['first']))}–" \
                f"{texts.ru_date(date.fromisoformat(period['last']))}" if period["first"] else ""
        w("Итог", ["Итог по выгрузке" + since], self.title)
        for name, key in (("Записей прочитано", "read"), ("Входов без записей (не прочитаны)", "unread_inputs"),
                          ("Некорректных записей (HL001)", "invalid"), ("Повторы дел (не посчитаны)", "repeated"),
                          ("Дел (корректных записей)", "valid"), ("Дел с ошибками", "with_errors"),
                          ("Дел только с предупреждениями", "with_warnings_only"), ("Дел без замечаний", "clean"),
                          ("Соответствуют статье (без ошибок)", "compliant")):
            w("Итог", [name, data[key]])
        w("Итог", ["Доля соответствующих", data["compliance_rate"]])
        w("Итог", [])
        self._header("Итог", ["Код", "Уровень", "Находок", "Снято", "Правило"])
        first = self.rows["Итог"]
        shown = [r for r in data["rules"] if r["findings"] or r["waived"]]
        for r in shown:
            w("Итог", [r["code"], texts.SEVERITY_RU[r["severity"]], r["findings"], r["waived"], r["title"]])
        if shown:
            self._chart(first, self.rows["Итог"] - 1)
        self._deadlines_block("Итог", "Сроки статьи", [("всего", data["deadlines"]["overall"])])
        for dimension in DIMENSIONS:
            rows = data[f"by_{dimension}"]
            if not rows:
                continue
            w("Итог", [])
            self._header("Итог", [BREAKDOWN_RU[dimension], "Дел", "Без ошибок", "Доля", "Находок"])
            for r in (month.capped(rows) if dimension not in ("week", "month") else rows):
                w("Итог", [r["label"], r["cases"], r["compliant"], r["compliance_rate"], r["findings"]])
        self._deadline_sheet(data["deadlines"])
        self._people(data["scorecards"])
        if data.get("compare"):
            self._compare(data["compare"])
        if data.get("waivers"):
            self._waivers(data["waivers"])
        if data.get("duplicates"):
            self._sheet("Повторы", ["Дело", "Посчитана запись", "Не посчитаны"])
            for d in data["duplicates"]:
                w("Повторы", [d["case_id"], d["kept"], ", ".join(d["dropped"])])

    def _chart(self, first: int, last: int) -> None:
        chart = self.book.add_chart({"type": "bar"})
        chart.add_series({"name": "Находок", "categories": ["Итог", first, 0, last, 0],
                          "values": ["Итог", first, 2, last, 2], "fill": {"color": "#C8493F"},
                          "data_labels": {"value": True}})
        chart.set_title({"name": "Находки по правилам"})
        chart.set_legend({"none": True})
        chart.set_y_axis({"reverse": True})
        chart.set_size({"width": 620, "height": max(240, 22 * (last - first + 1) + 80)})
        self.sheets["Итог"].insert_chart(1, 7, chart)

    def _header(self, name: str, values: list[str]) -> None:
        self._write(name, values, self.bold)

    def _deadlines_block(self, sheet: str, title: str, rows: list[tuple[str, dict[str, Any]]]) -> None:
        self._write(sheet, [])
        self._header(sheet, [title, "Обещание выполнено", "Выполнено / из", "Ещё идёт", "Медиана, раб. дн.",
                             "Инженер в срок", "Циклов в срок / из", "Повторный запрос вовремя",
                             "Звонок о задержке вовремя", "До закрытия: медиана", "90 %"])
        for label, d in rows:
            p, e, rr, dc, c = (d["client_promise"], d["engineer"], d["re_requests"], d["delay_calls"],
                               d["days_to_close"])
            self._write(sheet, [label, p["rate"], f"{p['met']} / {p['met'] + p['missed']}", p["pending"],
                                p["median_days"], e["rate"], f"{e['in_time']} / {e['in_time'] + e['late']}",
                                f"{rr['on_time']} / {rr['due']}", f"{dc['on_time']} / {dc['due']}", c["median"],
                                c["p90"]], None)

    def _deadline_sheet(self, d: dict[str, Any]) -> None:
        self._sheet("Сроки", [], header=False)
        self._write("Сроки", ["Сроки статьи: обещание клиенту (3 рабочих дня после звонка эксперта) и ответ "
                              "инженера (3 рабочих дня); доля — из наступивших сроков"], self.title)
        self._deadlines_block("Сроки", "Всего", [("всего", d["overall"])])
        for scope, title in (("month", "По месяцам"), ("week", "По неделям"), ("expert", "По экспертам")):
            rows = d[f"by_{scope}"]
            if scope == "expert":
                rows = rows[:month.SHOWN]
            self._deadlines_block("Сроки", title, [(r["label"], r) for r in rows])

    def _people(self, cards: dict[str, list[dict[str, Any]]]) -> None:
        self._sheet("Люди", ["Роль", "Сотрудник", "Месяц", "Дел", "Без ошибок", "Доля", "Находок", "Ошибок",
                             "Частые коды", "Обещание выполнено", "Инженер в срок"])
        codes: list[str] = sorted({c for role in cards.values() for p in role for c in p["codes"]})
        for role, role_ru in (("operator", "оператор"), ("expert", "эксперт")):
            people = _worst_people(cards[role])
            for p in people:
                for m in p["by_month"] + [dict(p, label="весь период")]:
                    d = m.get("deadlines") or {}
                    self._write("Люди", [role_ru, p["label"], m["label"], m["cases"], m["compliant"],
                                         m["compliance_rate"], m["findings"], m["errors"],
                                         ", ".join(p["top_codes"]),
                                         (d.get("client_promise") or {}).get("rate"),
                                         (d.get("engineer") or {}).get("rate")], None)
        self._sheet("Люди × правила", ["Роль", "Сотрудник"] + codes)
        for role, role_ru in (("operator", "оператор"), ("expert", "эксперт")):
            for p in _worst_people(cards[role]):
                self._write("Люди × правила", [role_ru, p["label"]] + [p["codes"].get(c) for c in codes])

    def _compare(self, c: dict[str, Any]) -> None:
        from hotline_cli.procedure.month import arrow, signed

        self._sheet("Динамика", ["Показатель", "Было", "Стало", "Изменение", ""])
        for f in c["headline"]:
            self._write("Динамика", [f["label"], f["previous"], f["current"], signed(f["change"], f["unit"]),
                                     arrow(f["change"])], self.pct if f["unit"] else None)
        self._write("Динамика", [])
        self._header("Динамика", ["Правило", "Было находок", "Стало", "Изменение", "Название"])
        for r in c["rules"]:
            self._write("Динамика", [r["code"], r["previous"], r["current"], signed(r["change"]), r["title"]])
        for dimension in DIMENSIONS:
            rows = c.get(f"by_{dimension}") or []
            if not rows:
                continue
            self._write("Динамика", [])
            self._header("Динамика", [BREAKDOWN_RU[dimension], "Было: доля", "Стало: доля", "Изменение, п. п.",
                                      "Было дел", "Стало дел"])
            for r in rows[:month.SHOWN]:
                self._write("Динамика", [r["label"], r["previous_rate"], r["current_rate"], signed(r["change"]),
                                         r["previous_cases"], r["current_cases"]], None)

    def _waivers(self, w: dict[str, Any]) -> None:
        self._sheet("Снятые находки", ["Дело", "Код", "Правило", "Причина", "Кто", "Дата", "Совпало"])
        for x in w["applied"]:
            self._write("Снятые находки", [x["case_id"], x["code"], x["title"], x["reason"], x["by"],
                                           date.fromisoformat(x["date"]) if x["date"] else None, "да"])
        for x in w["unused"]:
            self._write("Снятые находки", [x["case_id"], x["code"], "", x["reason"], x["by"],
                                           date.fromisoformat(x["date"]) if x["date"] else None,
                                           f"нет: ни одной такой находки ({x['where']})"])


def _worst_people(cards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The SHOWN people with the lowest compliance (then the most cases): a summary a person reads."""
    return sorted(cards, key=lambda p: (p["compliance_rate"] if p["compliance_rate"] is not None else 2.0,
                                        -p["cases"]))[:month.SHOWN]


class WorkbookSink:
    """The Sink of --format xlsx: results in, rows out; the summary at the close."""

    def __init__(self, out: IO[bytes], command: str, view: Any, statistics: bool = False):
        self.view = view
        self.book = Workbook(out, command, list(view.headers), statistics)

    def write(self, r: Any) -> None:
        self.book.add(r, [[str(c) for c in row] for row in self.view.table(r)] if self.book.command != "audit" else [])

    def write_block(self, data: bytes, n: int) -> None:
        raise AssertionError("a workbook is written by one process")

    def close(self, summary: Summary | None) -> None:
        self.book.close(summary)

    @property
    def warnings(self) -> list[str]:
        return self.book.warnings
