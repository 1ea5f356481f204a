"""The build: pure Python, unless HOTLINE_MYPYC=1 asks for the compiled core.

`HOTLINE_MYPYC=1 pip install .` (a C compiler and Python's headers needed)
compiles the procedure's modules with mypyc; the journey's parts stay Python (they keep their
lazily computed values in the instance's dictionary, which mypyc's classes do not have). The
output is the same either way: CI runs the whole suite on both builds (tools/compiled-suite).
"""

import os
import sys

from setuptools import setup

# the core's modules mypyc compiles: all of procedure/ but the journey's parts (journey, story,
# contact, hpcc, cycles, closure)
COMPILED = ["__init__", "agenda", "audit", "calendar", "calendar_data", "case", "cities", "escalate", "followup",
            "intake", "logbook", "month", "sentences", "settings", "summarize", "terms", "texts", "triage"]

ext_modules = []
if os.environ.get("HOTLINE_MYPYC") == "1":
    try:
        from mypyc.build import mypycify
    except ImportError:
        # asked for the build's requirements (egg_info), before mypy is there: the backend adds it
        if "egg_info" not in sys.argv:
            sys.exit("HOTLINE_MYPYC=1: the compiled core needs mypy (pip installs it for the build)")
    else:
        ext_modules = mypycify([f"hotline_cli/procedure/{m}.py" for m in COMPILED], opt_level="3")

setup(ext_modules=ext_modules)
