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
from hotline_cli.procedure import texts
from hotline_cli.procedure.audit import DIMENSIONS, Summary

FINDINGS = ["Дата обращения", "Неделя", "Дело", "Город", "Техника", "Канал", "Ситуация", "Код", "Уровень",
            "Находка", "Оператор", "Эксперты", "Источник", "Записи в системах"]
CASES = ["Дата обращения", "Неделя", "Дело", "Город", "Техника", "Канал", "Ситуация", "Соответствует",
         "Ошибок", "Предупреждений", "Оператор", "Эксперты", "Источник", "Записи в системах"]
BREAKDOWN_RU = {"situation": "По ситуациям при обращении", "week": "По неделям", "city": "По городам",
                "category": "По технике", "channel": "По каналам", "operator": "По операторам",
                "expert": "По экспертам"}
SHEET_RU = {"triage": "Решения", "escalate": "Шаги эксперта", "followup": "Сроки", "summarize": "Консультации",
            "agenda": "План"}


_RU_DATE = re.compile(r"\d{2}\.\d{2}\.\d{4}\Z")


def _cell(value: Any) -> Any:
    """A value Excel shows as it is: text made safe, never a formula (XlsxWriter writes strings as strings)."""
    if isinstance(value, str):
        return safe_text(value)
    return value


class Workbook:
    """Rows in, a workbook out: `add` each result, `close` with the run's summary."""

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
        self.date = self.book.add_format({"num_format": "dd.mm.yyyy"})
        self.pct = self.book.add_format({"num_format": "0.0%"})
        self.wrap = self.book.add_format({"text_wrap": True, "valign": "top"})
        self.rows: dict[str, int] = {}
        self.sheets: dict[str, Any] = {}
        self.widths: dict[str, list[int]] = {}
        if command == "audit":
            self._sheet("Итог", ["Показатель", "Значение", "", "", "", ""], header=False)
            if not statistics:
                self._sheet("Находки", FINDINGS)
                self._sheet("Дела", CASES)
        else:
            self._sheet(SHEET_RU.get(command, command), headers or [])

    def _sheet(self, name: str, headers: list[str], header: bool = True) -> None:
        ws = self.book.add_worksheet(name)
        self.sheets[name] = ws
        self.rows[name] = 0
        self.widths[name] = [max(10, len(h) + 2) for h in headers]
        if header and headers:
            for col, h in enumerate(headers):
                ws.write(0, col, h, self.bold)
            ws.freeze_panes(1, 0)
            ws.autofilter(0, 0, 0, len(headers) - 1)
            self.rows[name] = 1
            for col, w in enumerate(self.widths[name]):
                ws.set_column(col, col, min(60, w))

    def _write(self, name: str, values: list[Any]) -> None:
        ws, row = self.sheets[name], self.rows[name]
        for col, v in enumerate(values):
            if isinstance(v, str) and _RU_DATE.match(v):  # a table's «31.10.2025»: a real date in Excel
                v = date(int(v[6:]), int(v[3:5]), int(v[:2]))
            if isinstance(v, date):
                ws.write_datetime(row, col, v, self.date)
            elif isinstance(v, float) and name == "Итог" and 0 <= v <= 1:  # a share, shown as a percentage
                ws.write_number(row, col, v, self.pct)
            elif v is None:
                continue
            else:
                ws.write(row, col, _cell(v))
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
            self._write("Находки", common + [x["code"], texts.SEVERITY_RU[x["severity"]], x["message"]] + people
                        + [r.get("source"), facts.get("origin")])
        errors = sum(1 for x in findings if x["severity"] == "error")
        compliant = "нет" if errors or "error" in r else "да"
        self._write("Дела", common + [compliant, errors, len(findings) - errors] + people
                    + [r.get("source"), facts.get("origin")])

    def close(self, summary: Summary | None) -> None:
        from xlsxwriter.exceptions import XlsxWriterException  # type: ignore[import-untyped]

        from hotline_cli.io.atomic import OutputError, drop_scratch, os_error_ru

        try:
            if self.command == "audit" and summary is not None:
                self._summary(summary)
            self.book.close()
        except XlsxWriterException as e:  # FileCreateError is not an OSError
            cause = e.__cause__ or e.__context__
            raise OutputError("книга Excel не записана: " + (os_error_ru(cause) if isinstance(cause, OSError)
                                                             else str(e))) from None
        except OSError as e:
            raise OutputError(f"книга Excel не записана: {os_error_ru(e)}") from None
        finally:
            drop_scratch(self.tmpdir)

    def _summary(self, s: Summary) -> None:
        data = s.as_dict()
        ws = self.sheets["Итог"]
        ws.set_column(0, 0, 44)
        ws.set_column(1, 5, 14)
        w = self._write
        self._header(["Итог по выгрузке"])
        for name, key in (("Записей прочитано", "read"), ("Входов без записей (не прочитаны)", "unread_inputs"),
                          ("Некорректных записей (HL001)", "invalid"),
                          ("Дел (корректных записей)", "valid"), ("Дел с ошибками", "with_errors"),
                          ("Дел только с предупреждениями", "with_warnings_only"), ("Дел без замечаний", "clean"),
                          ("Соответствуют статье (без ошибок)", "compliant")):
            w("Итог", [name, data[key]])
        w("Итог", ["Доля соответствующих", data["compliance_rate"]])
        w("Итог", [])
        self._header(["Код", "Уровень", "Находок", "Правило"])
        for r in data["rules"]:
            w("Итог", [r["code"], texts.SEVERITY_RU[r["severity"]], r["findings"], r["title"]])
        for dimension in DIMENSIONS:
            rows = data[f"by_{dimension}"]
            if not rows:
                continue
            w("Итог", [])
            self._header([BREAKDOWN_RU[dimension], "Дел", "Без ошибок", "Доля", "Находок"])
            for r in rows:
                w("Итог", [r["label"], r["cases"], r["compliant"], r["compliance_rate"], r["findings"]])

    def _header(self, values: list[str]) -> None:
        ws, row = self.sheets["Итог"], self.rows["Итог"]
        for col, v in enumerate(values):
            ws.write(row, col, v, self.bold)
        self.rows["Итог"] = row + 1


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
