"""The holidays library's calendar of Russia, without the other ~250 countries.

`holidays.country_holidays("RU")` imports the package `holidays.countries`, whose `__init__`
imports the module of every country (vacanza/holidays#998): 45 ms of a one-case triage's 85,
and of every audit's start before its workers can fork. The Russian module is loaded first
from its own file; the library then finds it imported, and the calendar keeps asking the
library's public API (procedure/calendar.py). Where the library is laid out otherwise, nothing
is done and it loads the way it always did.
"""

from __future__ import annotations

import importlib.util
import os
import sys

NAME = "holidays.countries.russia"


def load_russia_alone() -> None:
    """Import holidays' Russian module by itself (before the calendar asks for Russia)."""
    if NAME in sys.modules or "holidays.countries" in sys.modules:
        return
    try:
        package = importlib.util.find_spec("holidays")  # found, not imported: its API is the calendar's
        folders = package.submodule_search_locations if package is not None else None
        path = os.path.join(folders[0], "countries", "russia.py") if folders else ""
        spec = importlib.util.spec_from_file_location(NAME, path) if os.path.isfile(path) else None
        if spec is None or spec.loader is None:
            return
        module = importlib.util.module_from_spec(spec)
        sys.modules[NAME] = module
        spec.loader.exec_module(module)
    except Exception:  # whatever went wrong: the library imports its countries the usual way
        sys.modules.pop(NAME, None)
