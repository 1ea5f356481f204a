"""Gates that keep the shape: the core imports nothing around it and touches no file,
stream, environment or clock; imports go one way (cli → run → io → procedure); each
third-party library has one home; every rule code is declared in one place."""

import ast
import re
import sys
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "hotline_cli"
LAYERS = ["procedure", "io", "imports", "run", "cli"]  # each may import only itself and the layers before it
HOME = {"click": "cli/", "jsonschema": "io/contract.py", "holidays": "procedure/calendar.py",
        "tabulate": "io/writers.py", "dateutil": "io/answers.py", "xlsxwriter": "io/workbook.py",
        "jinja2": "io/report.py", "msgspec": "io/fast.py",
        "openpyxl": "imports/tables.py"}  # a module, or a folder (ending in /)
# what the pure core must never do: print, exit, read input, open files, see the environment or the clock
FORBIDDEN_MODULES = {"os", "sys", "subprocess", "pathlib", "io", "shutil", "socket", "tempfile", "signal",
                     "time", "logging", "multiprocessing", "concurrent"}
FORBIDDEN_CALLS = {"print", "open", "input", "exit", "quit", "breakpoint", "now", "today", "utcnow", "getenv"}


def _at_home(library: str, rel: str) -> bool:
    home = HOME.get(library)
    return home is not None and (rel == home or (home.endswith("/") and rel.startswith(home)))


def modules():
    for p in sorted(PACKAGE.rglob("*.py")):
        yield p, ast.parse(p.read_text(encoding="utf-8"), str(p))


def imports(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield a.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def layer(path: Path) -> str | None:
    rel = path.relative_to(PACKAGE).parts
    return rel[0] if len(rel) > 1 and rel[0] in LAYERS else None


def test_imports_go_one_way():
    for path, tree in modules():
        mine = layer(path)
        if mine is None:
            continue
        allowed = {f"hotline_cli.{x}" for x in LAYERS[:LAYERS.index(mine) + 1]}
        for name in imports(tree):
            if name.startswith("hotline_cli"):
                assert name == "hotline_cli" and mine == "cli" or any(
                    name == a or name.startswith(a + ".") for a in allowed), f"{path}: imports {name}"


def test_the_core_is_pure():
    stdlib = set(sys.stdlib_module_names)
    for path, tree in modules():
        if layer(path) != "procedure":
            continue
        for name in imports(tree):
            top = name.split(".")[0]
            if top == "hotline_cli":
                assert name.startswith("hotline_cli.procedure"), f"{path}: imports {name}"
            elif top in stdlib:
                assert top not in FORBIDDEN_MODULES, f"{path}: imports {name}"
            else:
                assert _at_home(top, str(path.relative_to(PACKAGE))), f"{path}: imports {name}"
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                f = node.func
                name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
                assert name not in FORBIDDEN_CALLS, f"{path}:{node.lineno}: calls {name}"
            if isinstance(node, ast.Attribute) and node.attr == "environ":
                raise AssertionError(f"{path}:{node.lineno}: reads the environment")


def test_each_library_has_one_home():
    for path, tree in modules():
        rel = str(path.relative_to(PACKAGE))
        for name in imports(tree):
            top = name.split(".")[0]
            if top in HOME:
                assert _at_home(top, rel), f"{rel} imports {top}, whose home is {HOME[top]}"


def test_every_rule_code_is_declared_in_one_module():
    where: dict[str, set[str]] = {}
    for path, _ in modules():
        for code in re.findall(r"[\"'](R\d|HL\d{3})[\"']", path.read_text(encoding="utf-8")):
            where.setdefault(code, set()).add(str(path.relative_to(PACKAGE)))
    assert {c for c in where if c.startswith("R")} == {f"R{i}" for i in range(10)}
    for code, files in where.items():
        expected = "procedure/triage.py" if code.startswith("R") else "procedure/audit.py"
        assert files == {expected}, (code, files)


def test_a_newcomer_finds_each_command_in_a_module_named_so():
    for command in ("triage", "escalate", "followup", "summarize", "audit"):
        assert (PACKAGE / "procedure" / f"{command}.py").is_file()
    assert (PACKAGE / "procedure" / "journey.py").is_file()
