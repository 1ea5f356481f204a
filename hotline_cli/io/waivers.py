"""--waivers FILE: the findings a supervisor decided do not count for a case.

TOML (`[[waiver]]` tables) or CSV (a header row; `;`, `,` or a tab; UTF-8, with or without a
BOM, or cp1251 as Excel saves it). Each waiver: the case id, the code, the reason, who decided
and when. Columns and keys in Russian or English: `case_id`/«Дело», `code`/«Код»,
`reason`/«Причина», `by`/«Кто», `date`/«Дата». A bad line is an error naming the file and line:
a waiver silently ignored would count a finding the supervisor took back.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from hotline_cli.procedure.month import Waiver

KEYS = {"case_id": "case_id", "дело": "case_id", "code": "code", "код": "code", "reason": "reason",
        "причина": "reason", "by": "by", "кто": "by", "date": "date", "дата": "date"}
REQUIRED = ("case_id", "code", "reason")


class WaiverError(ValueError):
    """A waivers file that cannot be used: the message names the file and the line."""


def load(path: str, codes: set[str], today: date) -> dict[tuple[str, str], Waiver]:
    """The waivers of a file, by (case id, code)."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        from hotline_cli.io.atomic import os_error_ru

        raise WaiverError(f"--waivers {path}: {os_error_ru(e)}") from None
    items = _toml(path, raw) if path.lower().endswith(".toml") else _csv(path, raw)
    out: dict[tuple[str, str], Waiver] = {}
    for where, item in items:
        w = _waiver(path, where, item, codes, today)
        if (w.case_id, w.code) in out:
            raise WaiverError(f"{path}:{where}: {w.code} для дела {w.case_id} уже снята строкой "
                              f"{out[(w.case_id, w.code)].where.rpartition(':')[2]}")
        out[(w.case_id, w.code)] = w
    return out


def _toml(path: str, raw: bytes) -> list[tuple[int, dict[str, Any]]]:
    import tomllib

    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise WaiverError(f"--waivers {path}: не TOML: {e}") from None
    items = data.get("waiver")
    if not isinstance(items, list) or not all(isinstance(x, dict) for x in items):
        raise WaiverError(f"--waivers {path}: ожидаются таблицы [[waiver]] (case_id, code, reason, by, date)")
    lines = [n for n, line in enumerate(raw.decode("utf-8-sig").splitlines(), 1) if line.strip() == "[[waiver]]"]
    return [(lines[i] if i < len(lines) else 0, x) for i, x in enumerate(items)]


def _csv(path: str, raw: bytes) -> list[tuple[int, dict[str, Any]]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1251")
    head = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=head.count)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows:
        raise WaiverError(f"--waivers {path}: файл пуст; ожидается заголовок: Дело;Код;Причина;Кто;Дата")
    header = [KEYS.get(h.strip().lower()) for h in rows[0]]
    missing = [k for k in REQUIRED if k not in header]
    if missing:
        raise WaiverError(f"--waivers {path}:1: в заголовке нет столбцов {', '.join(missing)} "
                          "(ожидается: Дело;Код;Причина;Кто;Дата или case_id,code,reason,by,date)")
    out = []
    for n, row in enumerate(rows[1:], 2):
        if not any(c.strip() for c in row):
            continue
        out.append((n, {k: v for k, v in zip(header, row) if k}))
    return out


def _waiver(path: str, where: int, item: dict[str, Any], codes: set[str], today: date) -> Waiver:
    at = f"{path}:{where}"
    values = {k: item.get(k) for k in ("case_id", "code", "reason", "by", "date")}
    for k in REQUIRED:
        v = values[k]
        if not isinstance(v, str) or not v.strip():
            raise WaiverError(f"{at}: нет {_RU[k]}")
    code = str(values["code"]).strip().upper()
    if code not in codes:
        raise WaiverError(f"{at}: неизвестный код правила «{values['code']}» (коды: hotline rules)")
    day = values["date"]
    if isinstance(day, str) and day.strip():
        from hotline_cli.io.answers import AnswerError, parse_date

        try:
            day = parse_date(day, today)
        except AnswerError as e:
            raise WaiverError(f"{at}: дата решения: {e}") from None
    elif not isinstance(day, date):
        day = None
    by = values["by"]
    return Waiver(str(values["case_id"]).strip(), code, str(values["reason"]).strip(),
                  str(by).strip() if isinstance(by, str) else "", day, at)


_RU = {"case_id": "номера дела (case_id, «Дело»)", "code": "кода правила (code, «Код»)",
       "reason": "причины (reason, «Причина»)"}
