"""Configuration files: TOML or JSON, validated against schemas/config.schema.json, read
into the core's `Settings`. A wrong key is an error naming the file and the key."""

from __future__ import annotations

import json
import os
import stat
from datetime import date

from hotline_cli.procedure.calendar import Overrides
from hotline_cli.procedure.settings import DEFAULT, DEFAULT_COPY, DEFAULT_URGENT, Engineer, Settings

MAX_CONFIG = 4 * 1024 * 1024


class ConfigError(Exception):
    pass


def load_config(path: str | None) -> Settings:
    if not path:
        return DEFAULT
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a FIFO with no writer: empty, no hang
        with os.fdopen(fd, "rb") as fh:
            os.set_blocking(fd, True)
            if not stat.S_ISREG(os.fstat(fd).st_mode) and not stat.S_ISFIFO(os.fstat(fd).st_mode):
                raise ConfigError(f"{path}: файл настроек должен быть обычным файлом")
            raw = fh.read(MAX_CONFIG + 1)
    except IsADirectoryError:
        raise ConfigError(f"{path}: это папка, а не файл настроек") from None
    except OSError as e:
        raise ConfigError(f"{path}: файл настроек не читается: {e.strerror or e}") from None
    if len(raw) > MAX_CONFIG:
        raise ConfigError(f"{path}: файл настроек больше {MAX_CONFIG // 1024 // 1024} МБ — это не файл настроек")
    kind = "JSON" if path.lower().endswith(".json") else "TOML"
    try:
        if kind == "JSON":
            data = json.loads(raw.decode("utf-8-sig"))
        else:
            import tomllib

            data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: файл настроек не в UTF-8") from None
    except RecursionError:
        raise ConfigError(f"{path}: слишком глубокая вложенность — это не файл настроек") from None
    except (ValueError, json.JSONDecodeError) as e:  # tomllib.TOMLDecodeError is a ValueError
        raise ConfigError(f"{path}: не разбирается как {kind}: {e}") from None
    try:
        return parse_config(data, path)
    except RecursionError:
        raise ConfigError(f"{path}: слишком глубокая вложенность — это не файл настроек") from None


def parse_config(data: object, source: str = "<config>") -> Settings:
    from hotline_cli.io.contract import explain

    if not isinstance(data, dict):
        raise ConfigError(f"{source}: ожидается таблица/объект настроек")
    problems = explain(data, "config.schema.json")
    if problems:
        lines = [f"{source}: ключ {_key(p['path'])}: {p['message']}" for p in problems]
        raise ConfigError("ошибка в файле настроек\n  " + "\n  ".join(lines))
    routing = data.get("routing", {})
    cal = data.get("calendar", {})
    working: set[date] = set()
    non_working: set[date] = set()
    for key, bucket in (("working", working), ("non_working", non_working)):
        for i, text in enumerate(cal.get(key, ())):
            try:
                bucket.add(date.fromisoformat(text))
            except ValueError:
                raise ConfigError(f"{source}: ключ calendar.{key}[{i}]: «{text}» — несуществующая дата") from None
    both = working & non_working
    if both:
        raise ConfigError(f"{source}: ключ calendar: дни {', '.join(sorted(d.isoformat() for d in both))} "
                          "указаны и в working, и в non_working")
    return Settings(
        source=source,
        hpcc_manager=routing.get("hpcc_manager"),
        claims_group=routing.get("claims_group"),
        copy=tuple(routing["copy"]) if "copy" in routing else DEFAULT_COPY,
        urgent=routing.get("urgent", DEFAULT_URGENT),
        engineers=tuple(Engineer(e["category"], e["email"], e.get("city"), e.get("name"))
                        for e in routing.get("engineers", ())),
        calendar=Overrides(frozenset(working), frozenset(non_working),
                           {int(y): text for y, text in cal.get("decrees", {}).items()}),
        select=tuple(data.get("audit", {}).get("select", ())),
        ignore=tuple(data.get("audit", {}).get("ignore", ())),
    )


def _key(pointer: str) -> str:
    """/routing/engineers/0/email -> routing.engineers[0].email"""
    out = ""
    for part in pointer.strip("/").split("/"):
        out += f"[{part}]" if part.isdigit() else (("." if out else "") + part)
    return out or "(корень)"
