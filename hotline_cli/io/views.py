"""What each command's result looks like to a person (text, table) and to a pipeline (CSV
columns and rows). Results are plain dicts with the contract's keys; the Russian labels come
from the core (`procedure.texts`), so a label lives in one place. Slugs stay in the machine
formats: the text and the table say everything in Russian."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hotline_cli.io.safe import one_line
from hotline_cli.io.screen import Verbatim
from hotline_cli.procedure import texts

if TYPE_CHECKING:
    from hotline_cli.procedure.audit import Summary

Result = dict[str, Any]
Row = dict[str, Any]


@dataclass(frozen=True)
class CommandView:
    text: Callable[[Result], Iterable[str]]
    columns: list[str]  # CSV: the contract's keys, for pipelines
    rows: Callable[[Result], Iterable[Row]]
    headers: list[str] = field(default_factory=list)  # table: Russian headers, for people
    table: Callable[[Result], Iterable[list[str]]] = lambda r: ()
    wide: int = -1  # the table column that takes what the screen's width leaves


def _d(iso: str | None) -> str:
    return f"{iso[8:10]}.{iso[5:7]}.{iso[:4]}" if iso else "—"


def _head(r: Result) -> str:
    return f"Дело {one_line(r['case_id'] or '')} ({one_line(r['source'])})"


def _warnings(r: Result) -> Iterator[str]:
    if r.get("warnings"):
        yield "Предупреждения:"
        for w in r["warnings"]:
            yield f"  ! {one_line(w)}"


def error_text(r: Result) -> Iterator[str]:
    e = r["error"]
    where = one_line(r["source"]) + (f" {one_line(e['path'])}" if e.get("path") else "")
    yield f"Ошибка в записи {where}: {one_line(e['message'])}"
    for d in e.get("details") or ():
        yield f"  также {one_line(d['path'])}: {one_line(d['message'])}"


def error_line(r: Result) -> str:
    """The one-line stderr message for an error result: file:line, pointer, what."""
    e = r["error"]
    parts = [r["source"]]
    if e.get("path"):
        parts.append(e["path"])
    msg = ": ".join(parts) + ": " + e["message"]
    more = e.get("details") or ()
    if more:
        msg += f" (и ещё {len(more)}: " + "; ".join(f"{d['path']}: {d['message']}" for d in more) + ")"
    return one_line(msg)


def _text(fn: Callable[[Result], Iterator[str]]) -> Callable[[Result], Iterable[str]]:
    """A command's text for a valid result, or the record's error."""

    def text(r: Result) -> Iterable[str]:
        return error_text(r) if "error" in r else fn(r)

    return text


def _table(fn: Callable[[Result], Iterable[list[str]]]) -> Callable[[Result], Iterable[list[str]]]:
    """A command's table rows for a valid result, or the record's error in the last column."""

    def table(r: Result) -> Iterable[list[str]]:
        if "error" in r:
            return [[r["case_id"] or "—", "ошибка в записи: " + error_line(r)]]
        return fn(r)

    return table


def _error_row(r: Result) -> list[Row]:
    return [{"case_id": r["case_id"], "source": r["source"], "error": error_line(r)}]


def _case(r: Result) -> str:
    return one_line(r["case_id"] or "—")


# ---------------------------------------------------------------- triage

MISSING_RU = {"/client/phone": "телефон клиента", "/city/asc_count": "число АСЦ в городе"}


def triage_text(r: Result) -> Iterator[str]:
    yield _head(r)
    sit = f"Ситуация {r['situation']}" if r["situation"] else "Вне ситуаций 1–5"
    exc = ", " + texts.EXCEPTION_RU[r["exception"]] if r["exception"] else ""
    yield f"{sit} — {texts.VERDICT_RU[r['verdict']]}{exc} (правило {r['rule']})"
    yield f"Почему: {one_line(r['why'])}"
    if r["actions"]:
        yield "Что делать:"
        for i, a in enumerate(r["actions"], 1):
            yield f"  {i}. {one_line(a)}"
    if r["say"]:
        yield "Что сказать клиенту:"
        for s in r["say"]:
            yield f"  {texts.quoted(one_line(s))}"
    if r["records"]:
        yield "Что оформить (тексты — скопировать как есть):"
        for rec in r["records"]:
            yield f"  [{rec['system']}] {texts.RECORD_RU.get(rec['kind'], rec['kind'])}"
            for k, v in rec["fields"].items():
                if k == "type":
                    v = texts.REQUEST_TYPE_RU.get(v, v)
                yield Verbatim(f"    {texts.FIELD_RU.get(k, k)}: {one_line(str(v))}")
    if r.get("internal"):
        yield one_line(r["internal"])
    if r["missing"]:
        yield "Не хватает данных:"
        for m in r["missing"]:
            yield f"  - {one_line(m['message'])}"
    yield from _warnings(r)


TRIAGE_COLUMNS = ["case_id", "source", "situation", "verdict", "exception", "rule", "missing", "warnings", "error"]


def triage_rows(r: Result) -> Iterable[Row]:
    row = dict(r)
    row["missing"] = [m["field"] for m in r.get("missing") or ()]
    if "error" in r:
        row["error"] = error_line(r)
    return [row]


def triage_table(r: Result) -> Iterable[list[str]]:
    verdict = texts.VERDICT_RU[r["verdict"]] + (", кондиционер" if r["exception"] else "")
    missing = "; ".join(MISSING_RU.get(m["field"], m["field"]) for m in r["missing"]) or "—"
    return [[_case(r), str(r["situation"] or "—"), verdict, r["rule"], missing]]


# ---------------------------------------------------------------- followup


def _clock_name(c: Row) -> str:
    return texts.CLOCK_RU[c["name"]] + (f", цикл {c['cycle']}" if c["cycle"] else "")


def _when(due: str, as_of: str) -> str:
    return " (срок прошёл)" if due < as_of else (" (сегодня)" if due == as_of else "")


def followup_text(r: Result) -> Iterator[str]:
    yield f"{_head(r)} — сроки на {_d(r['as_of'])}"
    for c in r["clocks"]:
        name = _clock_name(c)
        if c["status"] == "not_started":
            yield f"  {name}: {texts.STATUS_RU['not_started']}"
            continue
        tail = f", остановлен {_d(c['stopped'])}" if c["stopped"] else ""
        yield f"  {name}: с {_d(c['start'])}, срок {_d(c['due'])}{tail} — {texts.STATUS_RU[c['status']]}"
    if r["next_actions"]:
        yield "Что сделать:"
        for a in r["next_actions"]:
            yield f"  [ ] {_d(a['due'])}{_when(a['due'], r['as_of'])} — {one_line(a['text'])}"
    else:
        yield "Что сделать: по срокам ничего не требуется."
    if r["legal"]:
        yield "Требования потребителя:"
        for t in r["legal"]:
            money = ""
            if t["days_late"]:
                money = f", просрочка {t['days_late']} дн." + (
                    f", неустойка {t['penalty_rub']:.2f} ₽" if t["penalty_rub"] is not None else
                    ", неустойка не рассчитана")
            yield (f"  {texts.DEMAND_RU.get(t['demand'], t['demand'])}: предъявлено {_d(t['start'])}, срок "
                   f"{t['term']} — до {_d(t['due'])} ({t['article']}) — {texts.STATUS_RU[t['status']]}{money}")
            if t["days_late"]:
                yield f"    Неустойка: {t['penalty_basis']}."
        yield ("  Сроки статьи («3 рабочих дня») — по производственному календарю со всеми нерабочими днями; сроки "
               f"по закону — в календарных днях: {r['legal'][0]['calendar']}.")
    yield from _warnings(r)


FOLLOWUP_COLUMNS = ["case_id", "source", "as_of", "clock", "cycle", "start", "due", "stopped", "status",
                    "penalty_rub", "next_action", "next_action_due", "error"]


def followup_rows(r: Result) -> Iterable[Row]:
    if "error" in r:
        return _error_row(r)
    nxt = r["next_actions"][0] if r["next_actions"] else {}
    base = {"case_id": r["case_id"], "source": r["source"], "as_of": r["as_of"],
            "next_action": nxt.get("action"), "next_action_due": nxt.get("due")}
    rows = [dict(base, clock=c["name"], **{k: c[k] for k in ("cycle", "start", "due", "stopped", "status")})
            for c in r["clocks"]]
    rows += [dict(base, clock=f"legal_{t['demand']}", **{k: t[k] for k in ("start", "due", "stopped", "status",
                                                                           "penalty_rub")})
             for t in r["legal"]]
    return rows


def followup_table(r: Result) -> Iterable[list[str]]:
    rows = [[_case(r), _clock_name(c), _d(c["start"]), _d(c["due"]), texts.STATUS_RU[c["status"]]]
            for c in r["clocks"]]
    rows += [[_case(r), "требование: " + texts.DEMAND_RU[t["demand"]], _d(t["start"]), _d(t["due"]),
              texts.STATUS_RU[t["status"]]] for t in r["legal"]]
    return rows


# ---------------------------------------------------------------- escalate


def message_lines(m: Row) -> Iterator[str]:
    yield f"  Кому:      {one_line(m['to']) or '— (не указан)'}"
    yield f"  Копия:     {one_line(', '.join(m['cc'])) if m['cc'] else '—'}"
    if m.get("priority"):
        yield f"  Приоритет: {m['priority']}"
    yield Verbatim(f"  Тема:      {one_line(m['subject'])}")
    if m.get("attachments"):
        yield f"  Вложения:  {one_line('; '.join(m['attachments']))}"
    yield "  ----"
    for line in m["body"].rstrip("\n").split("\n"):
        yield Verbatim(f"  {one_line(line)}")
    yield "  ----"


def _cap(text: str) -> str:
    """The first letter capital, the rest as it is («HPCC» stays)."""
    return text[:1].upper() + text[1:]


def _step(r: Result) -> str:
    return f"{_cap(texts.STAGE_RU[r['stage']])}: {texts.STEP_RU[r['step']]}"


def escalate_text(r: Result) -> Iterator[str]:
    yield _head(r)
    yield "Шаг эксперта не определён." if r["step"] is None else _step(r)
    if r.get("since"):
        yield f"С {_d(r['since'])}" + (f", срок: {_d(r['due'])}" if r.get("due") else "")
    if r.get("todo"):
        yield f"Что сделать: {one_line(r['todo'])}"
    if r["message"]:
        yield "Письмо:"
        yield from message_lines(r["message"])
    if r.get("eml"):
        yield f"Файл .eml: {one_line(r['eml'])}"
    yield from _warnings(r)


ESCALATE_COLUMNS = ["case_id", "source", "stage", "step", "since", "due", "done_at", "to", "cc", "priority",
                    "subject", "warnings", "error"]


def escalate_rows(r: Result) -> Iterable[Row]:
    row = dict(r)
    if "error" in r:
        row["error"] = error_line(r)
    m = r.get("message") or {}
    row.update({k: m.get(k) for k in ("to", "cc", "priority", "subject")})
    return [row]


def escalate_table(r: Result) -> Iterable[list[str]]:
    if r["step"] is None:
        return [[_case(r), "—", "—", "—", one_line("; ".join(r["warnings"])) or "—"]]
    m = r.get("message") or {}
    to = one_line(m.get("to") or "") or ("—" if not m else "не указан")
    return [[_case(r), texts.STEP_RU[r["step"]], _d(r.get("due")), to, one_line(r["todo"])]]


# ---------------------------------------------------------------- summarize


def summarize_text(r: Result) -> Iterator[str]:
    yield f"{_head(r)} — итоговая консультация GSIS"
    yield "«Описание заказчика» (скопировать как есть):"
    for line in r["consultation"]["customer_description"].split("\n"):
        yield Verbatim(f"  {one_line(line)}")
    yield "«Примечания»:"
    for line in (r["consultation"]["notes"] or "—").split("\n"):
        yield Verbatim(f"  {one_line(line)}")
    yield from _warnings(r)


SUMMARIZE_COLUMNS = ["case_id", "source", "customer_description", "notes", "warnings", "error"]


def summarize_rows(r: Result) -> Iterable[Row]:
    if "error" in r:
        return _error_row(r)
    # a cell keeps its line breaks (quoted by csv) so that it pastes into GSIS as written
    return [{"case_id": r["case_id"], "source": r["source"], "warnings": r["warnings"],
             "customer_description": r["consultation"]["customer_description"],
             "notes": r["consultation"]["notes"]}]


def summarize_table(r: Result) -> Iterable[list[str]]:
    lines = r["consultation"]["customer_description"].split("\n")
    notes = [x for x in r["consultation"]["notes"].split("\n") if x]
    return [[_case(r), str(len(notes)), str(len(r["warnings"])), one_line(lines[-1])]]


# ---------------------------------------------------------------- audit


def audit_text(r: Result) -> Iterator[str]:
    """Only cases with findings are printed: a month of clean cases is not a report."""
    if not r["findings"]:
        return
    yield f"{_head(r)}: {texts.situation_ru(r.get('situation'))} при обращении (правило {r.get('rule')})"
    for x in r["findings"]:
        yield f"  {x['code']} {texts.SEVERITY_RU[x['severity']]}: {one_line(x['message'])}"
    yield from _warnings(r)


def audit_error_text(r: Result) -> Iterator[str]:
    yield from error_text(r)
    for x in r.get("findings") or ():
        yield f"  {x['code']} {texts.SEVERITY_RU[x['severity']]}: некорректная запись"


def _pct(rate: float | None) -> str:
    return f"{100.0 * rate:.0f} %" if rate is not None else "—"


def audit_summary(s: Summary | None) -> Iterator[str]:
    if s is None:
        return
    from hotline_cli.procedure import month
    from hotline_cli.procedure.audit import CODES  # the audit's module: loaded by audit runs only

    data = s.as_dict(month.SHOWN)
    valid = data["valid"]
    share = f"{100.0 * s.compliant / valid:.1f} %" if valid else "—"
    period = data["period"]
    yield ""
    yield "Итого по выгрузке" + (f" за {_d(period['first'])}–{_d(period['last'])}" if period["first"] else "")
    yield f"  записей прочитано:                {s.read}"
    if s.unread:
        yield f"  входов без записей (не прочитаны): {s.unread}"
    yield f"  некорректных записей (HL001):     {s.invalid}"
    if s.repeated:
        yield f"  повторы дел (не посчитаны):       {s.repeated}"
    yield f"  дел с ошибками:                   {s.with_errors}"
    yield f"  дел только с предупреждениями:    {s.with_warnings}"
    yield f"  дел без замечаний:                {s.clean}"
    yield f"  соответствуют статье (без ошибок): {s.compliant} из {valid} ({share})"
    if s.per_rule or s.waived:
        yield "По правилам:"
        for code in sorted(set(s.per_rule) | set(s.waived)):
            c = CODES[code]
            n = s.per_rule.get(code, 0)
            waived = f" (+{s.waived[code]} снято)" if s.waived.get(code) else ""
            yield f"  {code} {texts.SEVERITY_RU[c.severity]:<14} {n:>7}  {c.title}{waived}"
    yield from deadline_lines(data["deadlines"]["overall"], "Сроки статьи:")
    for dimension, title in BREAKDOWNS:
        rows = data[f"by_{dimension}"]
        if not rows or (dimension in ("operator", "expert") and all(r["key"] is None for r in rows)):
            continue
        yield f"{title} (дел, без ошибок, находок):"
        for r in month.capped(rows) if dimension not in ("week", "month") else rows:
            yield f"  {one_line(str(r['label']))}: {r['cases']}, {r['compliant']} ({_pct(r['compliance_rate'])}), " \
                  f"{r['findings']}"
    waivers = data.get("waivers")
    if waivers and waivers["applied"]:
        yield "Снятые находки (не считаются против соответствия):"
        for w in waivers["applied"]:
            who = ", ".join(x for x in (w["by"], _d(w["date"]) if w["date"] else "") if x)
            yield f"  {one_line(w['case_id'])} {w['code']}: {one_line(w['reason'])}" + (f" ({one_line(who)})"
                                                                                        if who else "")
    if data.get("compare"):
        yield from compare_lines(data["compare"])


def deadline_lines(d: dict[str, Any], title: str) -> Iterator[str]:
    p, e = d["client_promise"], d["engineer"]
    if not (p["met"] + p["missed"] + p["pending"] + e["cycles"]):
        return
    yield title
    median = f", медиана {p['median_days']} раб. дн." if p["median_days"] is not None else ""
    yield f"  обещание клиенту (3 рабочих дня) выполнено: {_pct(p['rate'])} ({p['met']} из " \
          f"{p['met'] + p['missed']}; ещё идёт: {p['pending']}){median}"
    yield f"  инженер ответил в срок: {_pct(e['rate'])} циклов ({e['in_time']} из {e['in_time'] + e['late']}; " \
          f"ещё идёт: {e['pending']})"
    for key, what in (("re_requests", "повторный запрос на следующий рабочий день"),
                      ("delay_calls", "звонок клиенту о задержке на следующий рабочий день")):
        x = d[key]
        if x["due"]:
            yield f"  {what}: {_pct(x['rate'])} ({x['on_time']} из {x['due']})"
    c = d["days_to_close"]
    if c["closed"]:
        yield f"  до закрытия: медиана {c['median']} раб. дн., 90 % дел — не дольше {c['p90']} раб. дн. " \
              f"(закрыто {c['closed']})"


def compare_lines(c: dict[str, Any]) -> Iterator[str]:
    from hotline_cli.procedure.month import arrow, signed

    period = c.get("period") or {}
    since = f" ({_d(period.get('first'))}–{_d(period.get('last'))})" if period.get("first") else ""
    yield f"Динамика к прошлому периоду{since}:"
    for f in c["headline"]:
        if f["previous"] is None and f["current"] is None:
            continue
        shown = [_pct(v) if f["unit"] else ("—" if v is None else str(v)) for v in (f["previous"], f["current"])]
        how = f"{arrow(f['change'])} {signed(f['change'], f['unit'])}" if f["change"] is not None else "—"
        yield f"  {f['label']}: {shown[0]} → {shown[1]} ({how})"
    if c["rules"]:
        yield "  по правилам (находок было → стало):"
        for r in c["rules"]:
            yield f"    {r['code']} {r['previous']} → {r['current']} ({signed(r['change'])})  {r['title']}"
    for dimension, title in BREAKDOWNS:
        rows = [r for r in c.get(f"by_{dimension}") or () if r["change"] is not None]
        if not rows or (dimension in ("operator", "expert") and all(r["key"] is None for r in rows)):
            continue
        yield f"  {title.lower()} (доля без ошибок было → стало, худшие изменения первыми):"
        for r in rows[:SHOWN_CHANGES]:
            yield f"    {one_line(str(r['label']))}: {_pct(r['previous_rate'])} → {_pct(r['current_rate'])} " \
                  f"({signed(r['change'], 'п. п.')})"


SHOWN_CHANGES = 10
BREAKDOWNS = (("situation", "По ситуациям при обращении"), ("month", "По месяцам обращения"),
              ("week", "По неделям обращения"), ("channel", "По каналам"), ("category", "По технике"),
              ("city", "По городам"), ("operator", "По операторам (находки ГЛ)"),
              ("expert", "По экспертам (находки этапа эксперта)"))

AUDIT_COLUMNS = ["case_id", "source", "situation", "code", "severity", "message"]


def audit_rows(r: Result) -> Iterable[Row]:
    return [{"case_id": r["case_id"], "source": r["source"], "situation": r.get("situation"), **x}
            for x in r.get("findings") or ()]


def audit_table(r: Result) -> Iterable[list[str]]:
    return [[_case(r), str(r.get("situation") or "—"), x["code"], texts.SEVERITY_RU[x["severity"]],
             one_line(x["message"])] for x in r["findings"]]


def audit_rows_all(r: Result) -> Iterable[Row]:
    """--all: a clean case is a row of its own (an empty code), so that a rate can be computed."""
    return audit_rows(r) or [{"case_id": r["case_id"], "source": r["source"], "situation": r.get("situation")}]


def audit_table_all(r: Result) -> Iterable[list[str]]:
    return audit_table(r) or [[_case(r), str(r.get("situation") or "—"), "—", "—", "замечаний нет"]]


VIEWS = {
    "triage": CommandView(_text(triage_text), TRIAGE_COLUMNS, triage_rows,
                          ["Дело", "Ситуация", "Решение", "Правило", "Не хватает"], _table(triage_table), 2),
    "followup": CommandView(_text(followup_text), FOLLOWUP_COLUMNS, followup_rows,
                            ["Дело", "Срок", "С", "До", "Статус"], _table(followup_table), 1),
    "escalate": CommandView(_text(escalate_text), ESCALATE_COLUMNS, escalate_rows,
                            ["Дело", "Шаг", "Срок", "Кому", "Что сделать"], _table(escalate_table), 4),
    "summarize": CommandView(_text(summarize_text), SUMMARIZE_COLUMNS, summarize_rows,
                             ["Дело", "Ссылок", "Предупр.", "Результат"], _table(summarize_table), 3),
    "audit": CommandView(lambda r: audit_error_text(r) if "error" in r else audit_text(r), AUDIT_COLUMNS, audit_rows,
                         ["Дело", "Ситуация", "Код", "Уровень", "Находка"], _table(audit_table), 4),
}
VIEWS["audit-all"] = CommandView(VIEWS["audit"].text, AUDIT_COLUMNS, audit_rows_all, VIEWS["audit"].headers,
                                 _table(audit_table_all), 4)


# ---------------------------------------------------------------- workdays


def workdays_view(r: Result) -> CommandView:
    """csv/table give one row for add and between, and for a year a row per day off or
    worked weekend."""
    if "year" in r:
        columns = ["year", "date", "working", "name", "working_days", "provisional"]
        rows = [dict(d, year=r["year"], working_days=r["working_days"], provisional=r["provisional"])
                for d in r["days"]]
        table = [[_d(d["date"]), "рабочий" if d["working"] else "выходной", d["name"]] for d in r["days"]]
        return CommandView(workdays_text, columns, lambda _: rows, ["Дата", "День", "Почему"], lambda _: table, 2)
    columns, rows = list(r), [r]
    if "n" in r:
        table = [[_d(r["start"]), str(r["n"]), _d(r["date"]), "да" if r["provisional"] else "нет"]]
        headers = ["С даты", "Рабочих дней", "Дата", "Предварительный календарь"]
    else:
        table = [[_d(r["start"]), _d(r["end"]), str(r["working_days"]), "да" if r["provisional"] else "нет"]]
        headers = ["После", "По", "Рабочих дней", "Предварительный календарь"]
    return CommandView(workdays_text, columns, lambda _: rows, headers, lambda _: table)


def workdays_text(r: Result) -> Iterator[str]:
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


# ---------------------------------------------------------------- agenda

AGENDA_GROUPS = (("overdue", "Просрочено"), ("today", "Сегодня"), ("upcoming", "Ближайшие дни"))
AGENDA_COLUMNS = ["case_id", "source", "client", "due", "status", "action", "text", "error"]


def agenda_items(results: list[Result]) -> list[Result]:
    """One row per action due, every case's together, by date (then input order); a record's
    error stays a row of its own, after the actions."""
    items = [dict(item, case_id=r["case_id"], source=r["source"], client=r["client"])
             for r in results if "error" not in r for item in r["items"]]
    items.sort(key=lambda x: x["due"])  # stable: equal dates keep the input order
    return items + [r for r in results if "error" in r]


def agenda_text(items: list[Result], as_of: str | None, horizon: str | None) -> Iterator[str]:
    head = f"План на {_d(as_of)}" if as_of else "План"
    if horizon:
        head += f" (ближайшие дни — по {_d(horizon)})"
    yield head
    actions = [x for x in items if "error" not in x]
    if not actions:
        yield "Действий по срокам нет."
    for status, title in AGENDA_GROUPS:
        group = [x for x in actions if x["status"] == status]
        if not group:
            continue
        yield ""
        yield f"{title} ({len(group)})"
        for x in group:
            yield f"  {_d(x['due'])}  {one_line(x['case_id'] or '—')} · {one_line(x['client'])}"
            yield f"    {_cap(texts.ACTION_RU[x['action']])}: {one_line(x['text'])}"
            if x.get("message"):
                yield "    Текст письма:"
                for line in message_lines(x["message"]):
                    yield "  " + line if not isinstance(line, Verbatim) else Verbatim("  " + line)
    for x in items:
        if "error" in x:
            yield ""
            yield from error_text(x)


def agenda_rows(x: Result) -> Iterable[Row]:
    if "error" in x:
        return _error_row(x)
    return [{k: x.get(k) for k in AGENDA_COLUMNS}]


def agenda_table(x: Result) -> Iterable[list[str]]:
    return [[_d(x["due"]), {"overdue": "просрочено", "today": "сегодня", "upcoming": "скоро"}[x["status"]],
             one_line(x["case_id"] or "—"), texts.ACTION_RU[x["action"]], one_line(x["text"])]]


VIEWS["agenda"] = CommandView(lambda r: (), AGENDA_COLUMNS, agenda_rows,
                              ["Срок", "Статус", "Дело", "Действие", "Что сделать"], _table(agenda_table), 4)
