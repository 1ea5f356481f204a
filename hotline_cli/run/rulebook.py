"""The rule book (`hotline rules`): R0–R9 and every HL code, as the core declares them, and
for one code its examples — a hit and a near miss from the bundled fixtures, audited live."""

from __future__ import annotations

import json
from datetime import date
from importlib import resources
from typing import Any

from hotline_cli.procedure import texts
from hotline_cli.procedure.audit import CODES, ORDER
from hotline_cli.procedure.triage import RULES

CHANNELS_RU = texts.CHANNEL_SHORT_RU


def entries() -> list[dict[str, Any]]:
    """Every rule as data: the situations' table, then the audit's codes."""
    out: list[dict[str, Any]] = []
    for r in RULES:
        out.append({"code": r.code, "kind": "triage", "title": r.condition, "severity": None,
                    "channels": list(CHANNELS_RU), "stage": "ГЛ", "source": r.source})
    for c in ORDER:
        code = CODES[c]
        out.append({"code": c, "kind": "audit", "title": code.title, "severity": code.severity,
                    "channels": sorted(code.channels, key=list(CHANNELS_RU).index), "stage": code.stage,
                    "source": code.source})
    return out


def find(code: str) -> dict[str, Any] | None:
    code = code.strip().upper()
    return next((e for e in entries() if e["code"] == code), None)


def examples(code: str) -> list[dict[str, Any]]:
    """The hit and the near miss of an audit code (fixtures/audit), each audited as of its date;
    for R0–R9, the case of the rule (fixtures/cases)."""
    from hotline_cli.io.records import Record
    from hotline_cli.run.pipeline import Job, Pipeline

    base = resources.files("hotline_cli.examples")
    out = []
    if code.startswith("HL"):
        names = [("нарушение", "audit", f"{code}_hit.json"), ("почти, но не нарушение", "audit", f"{code}_miss.json")]
    else:
        names = [("случай этого правила", "cases", p.name) for p in sorted((base / "cases").iterdir(),
                                                                          key=lambda p: p.name)
                 if p.name.startswith(code.lower() + "_")]
    for what, folder, name in names:
        path = base / folder / name
        if not path.is_file():
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        today = date.fromisoformat(data.get("x_today", "2025-11-20"))
        command = "audit" if code.startswith("HL") else "triage"
        r = Pipeline(Job(command, "jsonl", today)).result(Record(f"fixtures/{folder}/{name}", data=data))
        got = [x["code"] for x in r.get("findings") or ()] if command == "audit" else [r.get("rule")]
        out.append({"what": what, "source": f"fixtures/{folder}/{name}",
                    "note": data.get("x_note"), "as_of": today.isoformat(), "result": got,
                    "case_id": data.get("case_id")})
    return out


def text(entry: dict[str, Any] | None, listing: list[dict[str, Any]], with_examples: list[dict[str, Any]]) -> list[str]:
    if entry is None:
        lines = ["Правила статьи «Клиент не согласен с заключением мастера, что техника исправна»", "",
                 "Решение оператора (hotline triage), первое подходящее:"]
        lines += [f"  {e['code']}  {e['title']}" for e in listing if e["kind"] == "triage"]
        lines += ["", "Проверка выгрузки (hotline audit):"]
        for e in listing:
            if e["kind"] == "audit":
                channels = "" if len(e["channels"]) == 3 else \
                    " [" + ", ".join(CHANNELS_RU[c] for c in e["channels"]) + "]"
                lines.append(f"  {e['code']} {texts.SEVERITY_RU[e['severity']]:<14} {e['title']}{channels}")
        lines += ["", "Подробно о правиле: hotline rules КОД (например, hotline rules HL205)."]
        return lines
    kind = "решение оператора (hotline triage)" if entry["kind"] == "triage" else \
        f"проверка выгрузки (hotline audit), уровень «{texts.SEVERITY_RU[entry['severity']]}»"
    lines = [f"{entry['code']} — {entry['title']}", f"Что это: {kind}; этап: {entry['stage']}.",
             "Каналы: " + ", ".join(CHANNELS_RU[c] for c in entry["channels"]) + ".",
             f"Откуда в статье: {entry['source']}"]
    for ex in with_examples:
        found = ", ".join(ex["result"]) or "нет находок"
        as_of = texts.ru_date(date.fromisoformat(ex["as_of"]))
        lines += ["", f"Пример — {ex['what']}: {ex['source']} (дело {ex['case_id']}, на {as_of})",
                  f"  {ex['note']}", f"  Результат: {found}"]
    return lines


def show(code: str | None, fmt: str) -> None:
    """`hotline rules [CODE]`: every rule, or one with its examples, as text, JSON or JSON Lines."""
    from hotline_cli.io import screen, writers
    from hotline_cli.run.shell import BadArgument, machine_stdout, screen_width, write_stdout

    listing = entries()
    entry = None
    if code:
        entry = find(code)
        if entry is None:
            raise BadArgument(f"нет правила «{code}»; список — hotline rules", "КОД")
    shown = examples(entry["code"]) if entry else []
    if fmt == "text":
        write_stdout(screen.render(text(entry, listing, shown), screen_width()))
        return
    machine_stdout()
    items = [dict(entry, examples=shown)] if entry else listing
    if fmt == "json":
        write_stdout(writers.dumps(items[0] if entry else listing) + "\n")
    else:
        write_stdout("".join(writers.dumps(e) + "\n" for e in items))
