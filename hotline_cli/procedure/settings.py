"""The configuration's value types: routing lists and calendar overrides. Reading and
checking a configuration file is `hotline_cli.io.config_file`'s; the core only sees values.

No file: the shipped defaults (the addresses the procedure names; an empty responsibility
list)."""

from __future__ import annotations

from dataclasses import dataclass, field

from hotline_cli.procedure.calendar import Overrides

# The procedure, «Действия эксперта» 3.2: the fixed copy and the «в крайнем случае» address.
DEFAULT_COPY = ("Olesya.Vedischeva@haierrussia.ru", "igrineva@haierrussia.ru")
DEFAULT_URGENT = "evgeniy.morozov@haierrussia.ru"


@dataclass(frozen=True)
class Engineer:
    category: str
    email: str
    city: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class Settings:
    source: str | None = None
    hpcc_manager: str | None = None
    claims_group: str | None = None
    copy: tuple[str, ...] = DEFAULT_COPY
    urgent: str | None = DEFAULT_URGENT
    engineers: tuple[Engineer, ...] = ()
    calendar: Overrides = field(default_factory=Overrides)
    select: tuple[str, ...] = ()  # audit rule codes or prefixes, as --select
    ignore: tuple[str, ...] = ()  # as --ignore

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


DEFAULT = Settings()
