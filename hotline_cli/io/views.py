"""What each command's result looks like to a person (text) and in a table (columns and
rows). Results are plain dicts with the contract's keys; the Russian labels come from the
core (`procedure.texts`), so a label lives in one place."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from hotline_cli.io.safe import one_line
from hotline_cli.procedure import texts
from hotline_cli.procedure.audit import CODES, Summary

Result = dict[str, Any]


@dataclass(frozen=True)
class CommandView:
    text: Callable[[Result], Iterable[str]]
    columns: list[str]
    rows: Callable[[Result], Iterable[dict[str, Any]]]


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


def _error_row(r: Result) -> list[dict[str, Any]]:
    return [{"case_id": r["case_id"], "source": r["source"], "error": error_line(r)}]


# ---------------------------------------------------------------- triage


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
            yield f"  «{one_line(s)}»"
    if r["records"]:
        yield "Что оформить (тексты — скопировать как есть):"
        for rec in r["records"]:
            yield f"  [{rec['system']}] {texts.RECORD_RU.get(rec['kind'], rec['kind'])}"
            for k, v in rec["fields"].items():
                if k == "type":
                    v = texts.REQUEST_TYPE_RU.get(v, v)
                yield f"    {texts.FIELD_RU.get(k, k)}: {one_line(str(v))}"
    if r.get("internal"):
        yield one_line(r["internal"])
    if r["missing"]:
        yield "Не хватает данных:"
        for m in r["missing"]:
            yield f"  - {one_line(m['message'])}"
    yield from _warnings(r)


TRIAGE_COLUMNS = ["case_id", "source", "situation", "verdict", "exception", "rule", "missing", "warnings", "error"]


def triage_rows(r: Result) -> Iterable[dict[str, Any]]:
    row = dict(r)
    row["missing"] = [m["field"] for m in r.get("missing") or ()]
    if "error" in r:
        row["error"] = error_line(r)
    return [row]


# ---------------------------------------------------------------- followup


def followup_text(r: Result) -> Iterator[str]:
    yield f"{_head(r)} — сроки на {_d(r['as_of'])}"
    for c in r["clocks"]:
        name = texts.CLOCK_RU[c["name"]] + (f", цикл {c['cycle']}" if c["cycle"] else "")
        if c["status"] == "not_started":
            yield f"  {name}: {texts.STATUS_RU['not_started']}"
            continue
        tail = f", остановлен {_d(c['stopped'])}" if c["stopped"] else ""
        yield f"  {name}: с {_d(c['start'])}, срок {_d(c['due'])}{tail} — {texts.STATUS_RU[c['status']]}"
    if r["next_actions"]:
        yield "Что сделать:"
        for a in r["next_actions"]:
            late = " (срок прошёл)" if a["due"] < r["as_of"] else (" (сегодня)" if a["due"] == r["as_of"] else "")
            yield f"  [ ] {_d(a['due'])}{late} — {one_line(a['text'])}"
    else:
        yield "Что сделать: по срокам ничего не требуется."
    if r["legal"]:
        yield "Требования потребителя:"
        for t in r["legal"]:
            money = ""
            if t["days_late"]:
                money = f", просрочка {t['days_late']} дн." + (
                    f", неустойка 1 % в день: {t['penalty_rub']:.2f} ₽" if t["penalty_rub"] is not None else
                    ", неустойка 1 % в день: цена товара неизвестна")
            yield (f"  {texts.DEMAND_RU.get(t['demand'], t['demand'])}: предъявлено {_d(t['start'])}, срок "
                   f"{_d(t['due'])} ({t['article']}) — {texts.STATUS_RU[t['status']]}{money}")
    yield from _warnings(r)


FOLLOWUP_COLUMNS = ["case_id", "source", "as_of", "clock", "cycle", "start", "due", "stopped", "status",
                    "penalty_rub", "next_action", "next_action_due", "error"]


def followup_rows(r: Result) -> Iterable[dict[str, Any]]:
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


# ---------------------------------------------------------------- escalate


def message_lines(m: dict[str, Any]) -> Iterator[str]:
    yield f"  Кому:      {one_line(m['to']) or '— (не указан)'}"
    yield f"  Копия:     {one_line(', '.join(m['cc'])) if m['cc'] else '—'}"
    if m.get("priority"):
        yield f"  Приоритет: {m['priority']}"
    yield f"  Тема:      {one_line(m['subject'])}"
    if m.get("attachments"):
        yield f"  Вложения:  {one_line('; '.join(m['attachments']))}"
    yield "  ----"
    for line in m["body"].rstrip("\n").split("\n"):
        yield f"  {one_line(line)}"
    yield "  ----"


def escalate_text(r: Result) -> Iterator[str]:
    yield _head(r)
    if r["step"] is None:
        yield "Шаг эксперта не определён."
    else:
        yield f"{texts.STAGE_RU[r['stage']].capitalize()}: {texts.STEP_RU[r['step']]}"
    if r.get("since"):
        yield f"С: {_d(r['since'])}" + (f", срок: {_d(r['due'])}" if r.get("due") else "")
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


def escalate_rows(r: Result) -> Iterable[dict[str, Any]]:
    row = dict(r)
    if "error" in r:
        row["error"] = error_line(r)
    m = r.get("message") or {}
    row.update({k: m.get(k) for k in ("to", "cc", "priority", "subject")})
    return [row]


# ---------------------------------------------------------------- summarize


def summarize_text(r: Result) -> Iterator[str]:
    yield f"{_head(r)} — итоговая консультация GSIS"
    yield "«Описание заказчика»:"
    for line in r["consultation"]["customer_description"].split("\n"):
        yield f"  {one_line(line)}"
    yield "«Примечания»:"
    for line in (r["consultation"]["notes"] or "—").split("\n"):
        yield f"  {one_line(line)}"
    yield from _warnings(r)


SUMMARIZE_COLUMNS = ["case_id", "source", "customer_description", "notes", "warnings", "error"]


def summarize_rows(r: Result) -> Iterable[dict[str, Any]]:
    if "error" in r:
        return _error_row(r)
    # a cell keeps its line breaks (quoted by csv) so that it pastes into GSIS as written
    return [{"case_id": r["case_id"], "source": r["source"], "warnings": r["warnings"],
             "customer_description": r["consultation"]["customer_description"],
             "notes": r["consultation"]["notes"]}]


# ---------------------------------------------------------------- audit


def audit_text(r: Result) -> Iterator[str]:
    """Only cases with findings are printed: a month of clean cases is not a report."""
    if not r["findings"]:
        return
    if "error" in r:
        yield f"{_head(r)}: некорректная запись"
    else:
        yield f"{_head(r)}: {texts.situation_ru(r.get('situation'))} при обращении (правило {r.get('rule')})"
    for x in r["findings"]:
        yield f"  {x['code']} {texts.SEVERITY_RU[x['severity']]}: {one_line(x['message'])}"
    yield from _warnings(r)


def audit_summary(s: Summary | None) -> Iterator[str]:
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
            c = CODES[code]
            yield f"  {code} {texts.SEVERITY_RU[c.severity]:<14} {n:>7}  {c.title}"
    if s.per_situation:
        yield "По ситуациям при обращении:"
        for key, n in sorted(s.per_situation.items(), key=lambda kv: str(kv[0])):
            name = f"ситуация {key}" if isinstance(key, int) else texts.VERDICT_RU.get(key, str(key))
            yield f"  {name}: {n}"


AUDIT_COLUMNS = ["case_id", "source", "situation", "code", "severity", "message"]


def audit_rows(r: Result) -> Iterable[dict[str, Any]]:
    return [{"case_id": r["case_id"], "source": r["source"], "situation": r.get("situation"), **x}
            for x in r.get("findings") or ()]


VIEWS = {
    "triage": CommandView(_text(triage_text), TRIAGE_COLUMNS, triage_rows),
    "followup": CommandView(_text(followup_text), FOLLOWUP_COLUMNS, followup_rows),
    "escalate": CommandView(_text(escalate_text), ESCALATE_COLUMNS, escalate_rows),
    "summarize": CommandView(_text(summarize_text), SUMMARIZE_COLUMNS, summarize_rows),
    "audit": CommandView(_text(audit_text), AUDIT_COLUMNS, audit_rows),
}


# ---------------------------------------------------------------- workdays


def workdays_view(r: Result) -> CommandView:
    """csv/table give one row for add and between, and for a year a row per day off or
    worked weekend."""
    if "year" in r:
        columns = ["year", "date", "working", "name", "working_days", "provisional"]
        rows = [dict(d, year=r["year"], working_days=r["working_days"], provisional=r["provisional"])
                for d in r["days"]]
    else:
        columns, rows = list(r), [r]
    return CommandView(workdays_text, columns, lambda _: rows)


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

