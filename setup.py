"""The build: pure Python, unless HOTLINE_MYPYC=1 asks for the compiled core.

`HOTLINE_MYPYC=1 pip install .` (a C compiler and Python's headers needed)
compiles every module of the procedure and the modules that run it record by record with mypyc
(the journey's parts become mypyc's own classes: their values computed on first use are kept in
declared attributes, not in an instance dictionary, which those classes do not have). The output
is the same either way: CI runs the whole suite on both builds (tools/compiled-suite).
"""

import glob
import os
import sys

from setuptools import setup

# every module of the core, and what runs it record by record: the pipeline, the commands' handlers, the
# workers' loop, the fast path's reader and the writers (io/sources.py stays Python: tests stand in for
# its file opening, which a compiled module's own calls would not see)
COMPILED = sorted(glob.glob("hotline_cli/procedure/*.py")) + [
    f"hotline_cli/{m}.py" for m in ("run/pipeline", "run/commands", "run/pool", "io/fast", "io/writers")]

ext_modules = []
if os.environ.get("HOTLINE_MYPYC") == "1":
    try:
        from mypyc.build import mypycify
    except ImportError:
        # asked for the build's requirements (egg_info), before mypy is there: the backend adds it
        if "egg_info" not in sys.argv:
            sys.exit("HOTLINE_MYPYC=1: the compiled core needs mypy (pip installs it for the build)")
    else:
        ext_modules = mypycify(COMPILED, opt_level="3")

setup(ext_modules=ext_modules)
