"""Configuration: the routing lists and calendar overrides, validated against
schemas/config.schema.json. TOML or JSON. No file: the shipped defaults (the addresses the
procedure names; an empty responsibility list)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from hotline_cli.calendar_ru import Overrides

# The procedure, «Действия эксперта» 3.2: the fixed copy and the «в крайнем случае» address.
DEFAULT_COPY = ("Olesya.Vedischeva@haierrussia.ru", "igrineva@haierrussia.ru")
DEFAULT_URGENT = "evgeniy.morozov@haierrussia.ru"


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class Engineer:
    category: str
    email: str
    city: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class Config:
    source: str | None = None
    hpcc_manager: str | None = None
    claims_group: str | None = None
    copy: tuple[str, ...] = DEFAULT_COPY
    urgent: str | None = DEFAULT_URGENT
    engineers: tuple[Engineer, ...] = ()
    calendar: Overrides = field(default_factory=Overrides)

    def engineer_for(self, category: str, city: str | None) -> Engineer | None:
        """City-specific entry first, then the category's, then a "*" entry."""
        city_key = (city or "").strip().casefold()
        for want_city in (True, False):
            for cat in (category, "*"):
                for e in self.engineers:
                    if e.category != cat:
                        continue
                    if want_city and e.city and e.city.strip().casefold() == city_key:
                        return e
                    if not want_city and not e.city:
                        return e
        return None


DEFAULT = Config()


def load_config(path: str | None) -> Config:
    if not path:
        return DEFAULT
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as e:
        raise ConfigError(f"{path}: файл настроек не читается: {e.strerror or e}") from None
    try:
        if path.lower().endswith(".json"):
            data = json.loads(raw.decode("utf-8-sig"))
        else:
            import tomllib

            data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: файл настроек не в UTF-8") from None
    except (ValueError, json.JSONDecodeError) as e:  # tomllib.TOMLDecodeError is a ValueError
        raise ConfigError(f"{path}: не разбирается как {'JSON' if path.lower().endswith('.json') else 'TOML'}: {e}") from None
    return parse_config(data, path)


def parse_config(data, source: str = "<config>") -> Config:
    from hotline_cli.contract import explain

    if not isinstance(data, dict):
        raise ConfigError(f"{source}: ожидается таблица/объект настроек")
    problems = explain(data, "config.schema.json")
    if problems:
        lines = [f"{source}: ключ {_key(p['path'])}: {p['message']}" for p in problems]
        raise ConfigError("ошибка в файле настроек\n  " + "\n  ".join(lines))
    routing = data.get("routing", {})
    cal = data.get("calendar", {})
    working, non_working = set(), set()
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
    return Config(
        source=source,
        hpcc_manager=routing.get("hpcc_manager"),
        claims_group=routing.get("claims_group"),
        copy=tuple(routing["copy"]) if "copy" in routing else DEFAULT_COPY,
        urgent=routing.get("urgent", DEFAULT_URGENT),
        engineers=tuple(Engineer(e["category"], e["email"], e.get("city"), e.get("name"))
                        for e in routing.get("engineers", ())),
        calendar=Overrides(frozenset(working), frozenset(non_working),
                           {int(y): text for y, text in cal.get("decrees", {}).items()}),
    )


def _key(pointer: str) -> str:
    """/routing/engineers/0/email -> routing.engineers[0].email"""
    out = ""
    for part in pointer.strip("/").split("/"):
        out += f"[{part}]" if part.isdigit() else (("." if out else "") + part)
    return out or "(корень)"
