"""Writers for text, json, jsonl, csv and table. Results are plain dicts; nothing here
decides anything. Case fields are made harmless on the way out: control characters and
ANSI escapes never reach a terminal raw, CSV cells never start a spreadsheet formula."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from typing import IO, Iterable, Iterator

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def safe_text(s: str) -> str:
    """Visible escapes for control characters (ESC, CR, C1…); tabs and newlines kept."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1] if m.group() not in "\u2028\u2029" else " ", s)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return v
    if isinstance(v, (list, tuple)):
        v = "; ".join(str(x) for x in v)
    s = safe_text(str(v))
    if s.startswith(_FORMULA_START):
        s = "'" + s  # neutralised: a spreadsheet shows the text, never runs it
    return s


_ENCODE = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
# json escapes C0 controls itself; C1 controls (a lone 0x9b is a terminal's CSI) and the
# line separators JavaScript readers choke on are escaped here as well
# (and lone surrogates, which no UTF-8 stream can carry). Checked first: rewriting only
# the rare line that has one (str.translate on every line cost 5x the encoding itself).
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _escape(m: re.Match) -> str:
    return f"\\u{ord(m.group()):04x}"


def dumps(obj) -> str:
    text = _ENCODE(obj)
    if _JSON_UNSAFE.search(text) is None:
        return text
    return _JSON_UNSAFE.sub(_escape, text)


def cells(row: dict, columns: list[str]) -> list:
    return [safe_cell(row.get(c)) for c in columns]


def fragment(r: dict, fmt: str, spec) -> object:
    """What one result adds to the output in `fmt` (rows for a table, text otherwise)."""
    if fmt == "jsonl":
        return dumps(r) + "\n"
    if fmt == "json":
        return dumps(r)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        for row in spec.rows(r):
            w.writerow(cells(row, spec.columns))
        return buf.getvalue()
    if fmt == "table":
        return [cells(row, spec.columns) for row in spec.rows(r)]
    lines = spec.text(r) if "error" not in r else error_text(r)
    return "".join(safe_text(line) + "\n" for line in lines)


def join(frags: list, fmt: str) -> tuple[str, int]:
    """Fragments joined as `Sink.write` would write them one by one: (text, how many)."""
    if fmt == "json":
        return ",\n  ".join(frags), len(frags)
    if fmt == "text":
        frags = [f for f in frags if f]
        return "\n".join(frags), len(frags)
    return "".join(frags), len(frags)


def _utf8_buffer(out: IO[str]):
    """The byte stream under a text stream that encodes UTF-8 with no newline translation."""
    import codecs

    buffer = getattr(out, "buffer", None)
    encoding = getattr(out, "encoding", None)
    if buffer is None or not encoding or codecs.lookup(encoding).name != "utf-8" or os.linesep != "\n":
        return None
    return buffer


class Sink:
    """Writes fragments in input order with each format's framing (CSV header, JSON array)."""

    def __init__(self, out: IO[str], fmt: str, spec):
        self.out, self.fmt, self.spec = out, fmt, spec
        self.count = 0
        self.binary = None  # out's UTF-8 byte stream, False when it has none (write_block)
        self.table_rows: list = []
        if fmt == "csv":
            csv.writer(out, lineterminator="\n").writerow(spec.columns)

    def write(self, frag) -> None:
        fmt = self.fmt
        if fmt == "table":
            self.table_rows.extend(frag)
            return
        if fmt == "json":
            self.out.write("[\n  " if not self.count else ",\n  ")
        elif fmt == "text":
            if not frag:
                return
            if self.count:
                self.out.write("\n")
        self.out.write(frag)
        self.count += 1

    def write_block(self, data: bytes, n: int) -> None:
        """`n` fragments joined by `join`, in UTF-8 (not for tables). Written to the binary
        stream under a UTF-8 output as they are: the parent process does not decode and
        encode again what the workers encoded (0.3 s of its CPU per 100 000 cases)."""
        if not n:
            return
        sep = ""
        if self.fmt == "json":
            sep = "[\n  " if not self.count else ",\n  "
        elif self.fmt == "text" and self.count:
            sep = "\n"
        self.count += n
        if self.binary is None:
            self.binary = _utf8_buffer(self.out) or False
            if self.binary:
                self.out.flush()  # what was written as text (a CSV header) goes first
        if self.binary:
            self.binary.write(sep.encode() + data if sep else data)
        else:
            self.out.write(sep + data.decode("utf-8", "backslashreplace"))

    def close(self, trailer: Iterable[str] = ()) -> None:
        if self.fmt == "json":
            self.out.write("\n]\n" if self.count else "[]\n")
        elif self.fmt == "table":
            from tabulate import tabulate  # only this format pays for the import

            self.out.write(tabulate(self.table_rows, headers=self.spec.columns, tablefmt="simple",
                                    disable_numparse=True) + "\n")
        elif self.fmt == "text":
            for line in trailer:
                self.out.write(safe_text(line) + "\n")


def meta(r: dict) -> tuple:
    """What the shell counts of a result: (stderr line or None, findings as (code, severity), situation)."""
    findings = tuple((x["code"], x["severity"]) for x in r.get("findings") or ())
    if "error" in r:
        return error_line(r), findings, None
    return None, findings, r.get("situation") or r.get("verdict")


def error_text(r: dict) -> Iterator[str]:
    e = r["error"]
    where = r["source"] + (f" {e['path']}" if e.get("path") else "")
    yield f"Ошибка в записи {where}: {e['message']}"
    for d in e.get("details") or ():
        yield f"  также {d['path']}: {d['message']}"


def error_line(r: dict) -> str:
    """The one-line stderr message for an error result: file:line, pointer, what."""
    e = r["error"]
    parts = [r["source"]]
    if e.get("path"):
        parts.append(e["path"])
    msg = ": ".join(parts) + ": " + e["message"]
    more = e.get("details") or ()
    if more:
        msg += f" (и ещё {len(more)}: " + "; ".join(f"{d['path']}: {d['message']}" for d in more) + ")"
    return safe_text(msg)


# ---------------------------------------------------------------- triage

VERDICT_RU = {
    "second_asc": "заявка на другой АСЦ",
    "site_form_consultation": "консультация L2/L3 и запрос через сайт",
    "naumen_request": "запрос из Naumen",
    "paid_or_third_party": "сторонний СЦ или наш АСЦ платно",
    "non_warranty_article": "статья о негарантийном случае",
    "transfer_to_expert": "перевести на эксперта, не консультировать",
    "not_applicable": "статья не применяется",
    "need_info": "не хватает данных",
}

RECORD_RU = {"second_asc_request": "заявка на другой АСЦ", "consultation": "консультация",
             "naumen_request": "запрос из Naumen"}
FIELD_RU = {"based_on": "по заявке", "type": "тип", "text": "текст", "l2": "L2", "l3": "L3",
            "template": "шаблон", "comment": "комментарий"}


def _head(r: dict) -> str:
    return f"Дело {r['case_id']} ({r['source']})"


def _warnings(r: dict) -> Iterator[str]:
    if r.get("warnings"):
        yield "Предупреждения:"
        for w in r["warnings"]:
            yield f"  ! {w}"


def triage_text(r: dict) -> Iterator[str]:
    yield _head(r)
    sit = f"Ситуация {r['situation']}" if r["situation"] else "Вне ситуаций 1–5"
    exc = ", исключение: кондиционер" if r["exception"] == "air_conditioner" else ""
    yield f"{sit} — {VERDICT_RU[r['verdict']]} ({r['verdict']}{exc}; правило {r['rule']})"
    yield f"Почему: {r['why']}"
    if r["actions"]:
        yield "Что делать:"
        for i, a in enumerate(r["actions"], 1):
            yield f"  {i}. {a}"
    if r["say"]:
        yield "Что сказать клиенту:"
        for s in r["say"]:
            yield f"  «{s}»"
    if r["records"]:
        yield "Что оформить (тексты — скопировать как есть):"
        for rec in r["records"]:
            yield f"  [{rec['system']}] {RECORD_RU.get(rec['kind'], rec['kind'])}"
            for k, v in rec["fields"].items():
                yield f"    {FIELD_RU.get(k, k)}: {v}"
    if r.get("internal"):
        yield r["internal"]
    if r["missing"]:
        yield "Не хватает данных:"
        for m in r["missing"]:
            yield f"  - {m['field']}: {m['message']}"
    yield from _warnings(r)


TRIAGE_COLUMNS = ["case_id", "source", "situation", "verdict", "exception", "rule", "missing", "warnings", "error"]


def triage_rows(r: dict) -> Iterable[dict]:
    row = dict(r)
    row["missing"] = [m["field"] for m in r.get("missing") or ()]
    if "error" in r:
        row["error"] = error_line(r)
    return [row]


# ---------------------------------------------------------------- followup

CLOCK_RU = {"client_promise": "Обещание клиенту (3 рабочих дня)", "engineer_reply": "Ответ инженера (3 рабочих дня)"}
STATUS_RU = {"not_started": "не начат", "pending": "идёт", "due_today": "срок сегодня", "overdue": "ПРОСРОЧЕН",
             "met": "выполнен в срок", "missed": "выполнен с опозданием"}


def _d(iso: str | None) -> str:
    return f"{iso[8:10]}.{iso[5:7]}.{iso[:4]}" if iso else "—"


def followup_text(r: dict) -> Iterator[str]:
    yield f"{_head(r)} — сроки на {_d(r['as_of'])}"
    for c in r["clocks"]:
        name = CLOCK_RU[c["name"]] + (f", цикл {c['cycle']}" if c["cycle"] else "")
        if c["status"] == "not_started":
            yield f"  {name}: {STATUS_RU['not_started']}"
            continue
        tail = f", остановлен {_d(c['stopped'])}" if c["stopped"] else ""
        yield f"  {name}: с {_d(c['start'])}, срок {_d(c['due'])}{tail} — {STATUS_RU[c['status']]}"
    if r["next_actions"]:
        yield "Что сделать:"
        for a in r["next_actions"]:
            late = " (срок прошёл)" if a["due"] < r["as_of"] else (" (сегодня)" if a["due"] == r["as_of"] else "")
            yield f"  [ ] {_d(a['due'])}{late} — {a['text']}"
    else:
        yield "Что сделать: по срокам ничего не требуется."
    if r["legal"]:
        yield "Требования потребителя:"
        for t in r["legal"]:
            money = ""
            if t["days_late"]:
                money = f", просрочка {t['days_late']} дн." + (
                    f", неустойка 1 %/день: {t['penalty_rub']:.2f} ₽" if t["penalty_rub"] is not None else
                    ", неустойка 1 %/день: цена товара неизвестна")
            yield (f"  {DEMAND_RU_SHORT.get(t['demand'], t['demand'])}: предъявлено {_d(t['start'])}, срок "
                   f"{_d(t['due'])} ({t['article']}) — {STATUS_RU[t['status']]}{money}")
    yield from _warnings(r)


DEMAND_RU_SHORT = {"refund": "возврат денег", "exchange": "замена товара", "repair": "ремонт",
                   "price_reduction": "уменьшение цены", "substitute_device": "подменный аппарат"}

FOLLOWUP_COLUMNS = ["case_id", "source", "as_of", "clock", "cycle", "start", "due", "stopped", "status",
                    "penalty_rub", "next_action", "next_action_due", "error"]


def followup_rows(r: dict) -> Iterable[dict]:
    if "error" in r:
        return [{"case_id": r["case_id"], "source": r["source"], "error": error_line(r)}]
    nxt = r["next_actions"][0] if r["next_actions"] else {}
    base = {"case_id": r["case_id"], "source": r["source"], "as_of": r["as_of"],
            "next_action": nxt.get("action"), "next_action_due": nxt.get("due")}
    rows = [dict(base, clock=c["name"], **{k: c[k] for k in ("cycle", "start", "due", "stopped", "status")})
            for c in r["clocks"]]
    rows += [dict(base, clock=f"legal_{t['demand']}", **{k: t[k] for k in ("start", "due", "stopped", "status",
                                                                           "penalty_rub")})
             for t in r["legal"]]
    return rows


# ---------------------------------------------------------------- workdays

def workdays_spec(r: dict):
    """The writers' view of a workdays answer: csv/table give one row for add and between,
    and for a year a row per day off or worked weekend."""
    from types import SimpleNamespace

    if "year" in r:
        columns = ["year", "date", "working", "name", "working_days", "provisional"]
        rows = [dict(d, year=r["year"], working_days=r["working_days"], provisional=r["provisional"])
                for d in r["days"]]
    else:
        columns, rows = list(r), [r]
    return SimpleNamespace(columns=columns, rows=lambda _: rows, text=workdays_text)


def workdays_text(r: dict) -> Iterator[str]:
    prov = " (календарь предварительный: постановления о переносе нет)" if r.get("provisional") else ""
    if "year" in r:
        yield f"{r['year']} год: рабочих дней — {r['working_days']}{prov}"
        if r.get("source"):
            yield f"Основание переносов: {r['source']}"
        yield "Нерабочие будни:"
        for item in r["days"]:
            if not item["working"]:
                yield f"  {_d(item['date'])} — {item['name']}"
        if r["working_weekends"]:
            yield "Рабочие выходные:"
            for item in r["days"]:
                if item["working"]:
                    yield f"  {_d(item['date'])} — {item['name']}"
    elif "n" in r:
        yield f"{r['n']}-й рабочий день после {_d(r['start'])}: {_d(r['date'])}{prov}" if r["n"] else \
            f"Ближайший рабочий день с {_d(r['start'])}: {_d(r['date'])}{prov}"
    else:
        yield f"Рабочих дней после {_d(r['start'])} по {_d(r['end'])} включительно: {r['working_days']}{prov}"


# ---------------------------------------------------------------- escalate

STEP_RU = {
    "hpcc_request": "запрос менеджеру HPCC",
    "await_documents": "ожидание документов от HPCC",
    "engineer_request": "запрос ответственному инженеру",
    "await_answer": "ожидание ответа инженера",
    "feedback_call": "обратная связь клиенту",
    "close": "закрытие запроса",
    "claims_handoff": "передача в группу рекламаций",
    "ask_demands": "запрос требований у клиента",
}


def message_lines(m: dict) -> Iterator[str]:
    yield f"  Кому:      {m['to'] or '— (не указан)'}"
    yield f"  Копия:     {', '.join(m['cc']) if m['cc'] else '—'}"
    if m.get("priority"):
        yield f"  Приоритет: {m['priority']}"
    yield f"  Тема:      {m['subject']}"
    if m.get("attachments"):
        yield f"  Вложения:  {'; '.join(m['attachments'])}"
    yield "  ----"
    for line in m["body"].rstrip("\n").split("\n"):
        yield f"  {line}"
    yield "  ----"


def escalate_text(r: dict) -> Iterator[str]:
    yield _head(r)
    if r["step"] is None:
        yield "Шаг не определён."
    else:
        yield f"Этап {r['stage']} — {STEP_RU[r['step']]} ({r['step']})"
    if r.get("since"):
        yield f"С: {_d(r['since'])}" + (f", срок: {_d(r['due'])}" if r.get("due") else "")
    if r.get("todo"):
        yield f"Что сделать: {r['todo']}"
    if r["message"]:
        yield "Письмо:"
        yield from message_lines(r["message"])
    if r.get("eml"):
        yield f"Файл .eml: {r['eml']}"
    yield from _warnings(r)


ESCALATE_COLUMNS = ["case_id", "source", "stage", "step", "since", "due", "done_at", "to", "cc", "priority",
                    "subject", "warnings", "error"]


def escalate_rows(r: dict) -> Iterable[dict]:
    row = dict(r)
    if "error" in r:
        row["error"] = error_line(r)
    m = r.get("message") or {}
    row.update({k: m.get(k) for k in ("to", "cc", "priority", "subject")})
    return [row]


# ---------------------------------------------------------------- summarize

def summarize_text(r: dict) -> Iterator[str]:
    yield f"{_head(r)} — итоговая консультация GSIS"
    yield "«Описание заказчика»:"
    for line in r["consultation"]["customer_description"].split("\n"):
        yield f"  {line}"
    yield "«Примечания»:"
    for line in (r["consultation"]["notes"] or "—").split("\n"):
        yield f"  {line}"
    yield from _warnings(r)


SUMMARIZE_COLUMNS = ["case_id", "source", "customer_description", "notes", "warnings", "error"]


def summarize_rows(r: dict) -> Iterable[dict]:
    if "error" in r:
        return [{"case_id": r["case_id"], "source": r["source"], "error": error_line(r)}]
    # a cell keeps its line breaks (quoted by csv) so that it pastes into GSIS as written
    return [{"case_id": r["case_id"], "source": r["source"], "warnings": r["warnings"],
             "customer_description": r["consultation"]["customer_description"],
             "notes": r["consultation"]["notes"]}]


# ---------------------------------------------------------------- audit

SEVERITY_RU = {"error": "ошибка", "warning": "предупреждение"}


def audit_text(r: dict) -> Iterator[str]:
    """Only cases with findings are printed: a month of clean cases is not a report."""
    if not r["findings"]:
        return
    sit = f"ситуация {r['situation']}" if r.get("situation") else (r.get("verdict") or "")
    yield f"{_head(r)}: {sit}"
    for x in r["findings"]:
        yield f"  {x['code']} {SEVERITY_RU[x['severity']]}: {x['message']}"
    yield from _warnings(r)


def audit_summary(s) -> Iterator[str]:
    from hotline_cli.audit import RULES

    if s is None:
        return
    valid = s.read - s.invalid
    share = f"{100.0 * s.compliant / valid:.1f} %" if valid else "—"
    yield ""
    yield "Итого по выгрузке"
    yield f"  записей прочитано:                {s.read}"
    yield f"  некорректных записей (HL001):     {s.invalid}"
    yield f"  дел с ошибками:                   {s.with_errors}"
    yield f"  дел только с предупреждениями:    {s.with_warnings}"
    yield f"  дел без замечаний:                {s.clean}"
    yield f"  соответствуют статье (без ошибок): {s.compliant} из {valid} ({share})"
    if s.per_rule:
        yield "По правилам:"
        for code, n in sorted(s.per_rule.items()):
            rule = RULES[code]
            yield f"  {code} {SEVERITY_RU[rule.severity]:<14} {n:>7}  {rule.title}"
    if s.per_situation:
        yield "По ситуациям:"
        for key, n in sorted(s.per_situation.items(), key=lambda kv: str(kv[0])):
            name = f"ситуация {key}" if isinstance(key, int) else VERDICT_RU.get(key, str(key))
            yield f"  {name}: {n}"


AUDIT_COLUMNS = ["case_id", "source", "situation", "code", "severity", "message"]


def audit_rows(r: dict) -> Iterable[dict]:
    return [{"case_id": r["case_id"], "source": r["source"], "situation": r.get("situation"), **x}
            for x in r.get("findings") or ()]
