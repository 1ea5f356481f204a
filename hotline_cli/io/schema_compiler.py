"""Compile a JSON Schema (the subset our published schemas use) into one Python function
that answers valid / invalid, fast: straight-line checks, no exceptions, no allocations.

Why not a general validator: `jsonschema` needs ~200 µs and fastjsonschema ~30 µs for a
case, against ~7 µs to parse it; this needs a few µs. It only says *whether* a record is
valid: an invalid one is explained by `jsonschema` (contract.explain), and a property test
checks that both always agree. Unsupported keywords raise `Unsupported`: the caller then
falls back to jsonschema for everything.

Supported: type (and lists of types), enum, const, required, properties,
additionalProperties (bool), items (one schema), minLength, minimum, maximum, pattern, allOf,
anyOf, if/then, $ref to "#/$defs/…"; annotations are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

ANNOTATIONS = {"$schema", "$id", "title", "description", "$comment", "default", "examples", "x-expected"}
SUPPORTED = ANNOTATIONS | {"type", "enum", "const", "required", "properties", "additionalProperties", "items",
                           "minLength", "minimum", "maximum", "pattern", "allOf", "anyOf", "if", "then", "$ref",
                           "$defs"}


class Unsupported(ValueError):
    pass


_TYPE_TEST = {
    "string": "{x}.__class__ is str",
    "boolean": "{x}.__class__ is bool",
    "null": "{x} is None",
    "object": "{x}.__class__ is dict",
    "array": "{x}.__class__ is list",
    # JSON Schema: an integer is a number with no fraction (1.0 included); bool is not a number
    "integer": "({x}.__class__ is int or ({x}.__class__ is float and {x}.is_integer()))",
    "number": "({x}.__class__ is int or {x}.__class__ is float)",
}


class _Compiler:
    def __init__(self, root: dict[str, Any]):
        self.root = root
        self.lines: list[str] = []
        self.consts: dict[str, object] = {"re": re}
        self.defs: dict[str, str] = {}
        self.pending: list[tuple[str, Any]] = []
        self.inlining: set[str] = set()
        self.n = 0

    def const(self, value: object) -> str:
        name = f"_c{len(self.consts)}"
        self.consts[name] = value
        return name

    def var(self) -> str:
        self.n += 1
        return f"v{self.n}"

    def func_for_ref(self, ref: str) -> str:
        if not ref.startswith("#/$defs/"):
            raise Unsupported(f"$ref {ref}")
        key = ref[len("#/$defs/"):]
        if key not in self.defs:
            self.defs[key] = f"_def_{re.sub(r'[^0-9a-zA-Z_]', '_', key)}"
            self.pending.append((self.defs[key], self.root["$defs"][key]))
        return self.defs[key]

    def compile(self, root: bool = True) -> str:
        """The source of `_root` (with `root`) and of every function asked for (`sub_function`)."""
        if root:
            self.function("_root", self.root)
        while self.pending:
            name, schema = self.pending.pop()
            self.function(name, schema)
        return "\n".join(self.lines)

    def function(self, name: str, schema: Any) -> None:
        self.lines.append(f"def {name}(x):")
        self.emit(schema, "x", 1)
        self.lines.append("    return True")
        self.lines.append("")

    def out(self, depth: int, text: str) -> None:
        self.lines.append("    " * depth + text)

    def emit(self, s: Any, x: str, depth: int) -> None:
        """Lines that `return False` when x does not satisfy s: each keyword group by its emitter,
        in a fixed order (the cheap tests first)."""
        if s is True or s == {}:
            return
        if s is False:
            self.out(depth, "return False")
            return
        unknown = set(s) - SUPPORTED
        if unknown:
            raise Unsupported(", ".join(sorted(unknown)))
        self.emit_ref(s, x, depth)
        known = self.emit_type(s, x, depth)
        self.emit_values(s, x, depth, known)
        self.emit_object(s, x, depth, known)
        self.emit_items(s, x, depth, known)
        self.emit_combinators(s, x, depth)

    def emit_ref(self, s: dict[str, Any], x: str, depth: int) -> None:
        """$ref: a definition written out in place (no call), unless it is recursive."""
        if "$ref" not in s:
            return
        ref = s["$ref"]
        key = ref[len("#/$defs/"):] if ref.startswith("#/$defs/") else None
        if key is not None and key not in self.inlining and key in self.root.get("$defs", {}):
            self.inlining.add(key)
            self.emit(self.root["$defs"][key], x, depth)
            self.inlining.discard(key)
        else:
            self.out(depth, f"if not {self.func_for_ref(ref)}({x}): return False")

    def emit_type(self, s: dict[str, Any], x: str, depth: int) -> str | None:
        """type: the test; the one type x is known to have past it (None: several, or no test)."""
        if "type" not in s:
            return None
        types = s["type"] if isinstance(s["type"], list) else [s["type"]]
        test = " or ".join(_TYPE_TEST[t].format(x=x) for t in types)
        self.out(depth, f"if not ({test}): return False")
        return types[0] if len(types) == 1 else None

    def emit_values(self, s: dict[str, Any], x: str, depth: int, known: str | None) -> None:
        """enum/const, minLength, minimum/maximum, pattern."""
        if "enum" in s or "const" in s:
            values = s["enum"] if "enum" in s else [s["const"]]
            self.out(depth, f"if not ({self.enum_test(values, x)}): return False")
        is_str = "" if known == "string" else f"{x}.__class__ is str and "
        if "minLength" in s:
            self.out(depth, f"if {is_str}len({x}) < {int(s['minLength'])}: return False")
        for key, op in (("minimum", "<"), ("maximum", ">")):
            if key in s:
                is_num = "" if known in ("number", "integer") else f"({_TYPE_TEST['number'].format(x=x)}) and "
                self.out(depth, f"if {is_num}{x} {op} {s[key]!r}: return False")
        if "pattern" in s:
            rx = self.const(re.compile(s["pattern"]))
            self.out(depth, f"if {is_str}{rx}.search({x}) is None: return False")

    def emit_object(self, s: dict[str, Any], x: str, depth: int, known: str | None) -> None:
        """required, properties, additionalProperties: one look-up per property."""
        if not ("required" in s or "properties" in s or "additionalProperties" in s):
            return
        if known == "object":
            inner = depth
        else:
            self.out(depth, f"if {x}.__class__ is dict:")
            inner = depth + 1
        required = s.get("required", ())
        props = {k: sub for k, sub in s.get("properties", {}).items() if not (sub is True or sub == {})}
        for key in required:
            if key not in props:
                self.out(inner, f"if {key!r} not in {x}: return False")
        for key, sub in props.items():
            v = self.var()
            self.out(inner, f"{v} = {x}.get({key!r}, _MISSING)")
            if key in required:  # one look-up answers both "present" and "what"
                self.out(inner, f"if {v} is _MISSING: return False")
                self.emit(sub, v, inner)
            else:
                self.out(inner, f"if {v} is not _MISSING:")
                self.emit(sub, v, inner + 1)
                self.out(inner + 1, "pass")
        ap = s.get("additionalProperties", True)
        if ap is False:
            allowed = self.const(frozenset(s.get("properties", {})))
            self.out(inner, f"if not {allowed}.issuperset({x}): return False")
        elif ap is not True:
            raise Unsupported("additionalProperties schema")
        self.out(inner, "pass")

    def emit_items(self, s: dict[str, Any], x: str, depth: int, known: str | None) -> None:
        """items: each element of a list."""
        if "items" not in s:
            return
        if not isinstance(s["items"], dict):
            raise Unsupported("items array")
        item = self.var()
        at = depth
        if known != "array":
            self.out(depth, f"if {x}.__class__ is list:")
            at = depth + 1
        self.out(at, f"for {item} in {x}:")
        self.emit(s["items"], item, at + 1)
        self.out(at + 1, "pass")

    def emit_combinators(self, s: dict[str, Any], x: str, depth: int) -> None:
        """allOf in place; anyOf and if/then as sub-functions."""
        for sub in s.get("allOf", ()):
            self.emit(sub, x, depth)
        if "anyOf" in s:
            names = [self.sub_function(sub) for sub in s["anyOf"]]
            self.out(depth, f"if not ({' or '.join(f'{n}({x})' for n in names)}): return False")
        if "if" in s:
            cond = self.sub_function(s["if"])
            then = self.sub_function(s.get("then", True))
            self.out(depth, f"if {cond}({x}) and not {then}({x}): return False")

    def sub_function(self, schema: Any) -> str:
        name = f"_sub{len(self.defs) + len(self.consts) + self.n}_{len(self.lines)}"
        self.n += 1
        self.pending.append((name, schema))
        return name

    def enum_test(self, values: list[Any], x: str) -> str:
        parts = []
        strings = [v for v in values if isinstance(v, str)]
        if strings:
            parts.append(f"({x}.__class__ is str and {x} in {self.const(frozenset(strings))})")
        if any(v is None for v in values):
            parts.append(f"{x} is None")
        for v in values:
            if isinstance(v, bool):
                parts.append(f"{x} is {v!r}")
        numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
        if numbers:
            parts.append(f"(({_TYPE_TEST['number'].format(x=x)}) and {x} in {self.const(frozenset(numbers))})")
        if any(isinstance(v, (list, dict)) for v in values):
            raise Unsupported("enum of arrays or objects")
        return " or ".join(parts) or "False"


def compile_schema(schema: dict[str, Any]) -> Callable[[Any], bool]:
    """A function data -> bool, equivalent to the schema for the supported keywords."""
    c = _Compiler(schema)
    c.compile()
    root: Callable[[Any], bool] = _namespace(c)["_root"]
    return root


def compile_properties(schema: dict[str, Any]) -> dict[str, Callable[[Any], bool]]:
    """Each property of the schema's root object as its own function value -> bool (the same
    compiler, the same $defs): which parts of an invalid record hold its problems."""
    c = _Compiler(schema)
    names = {}
    for key, sub in schema.get("properties", {}).items():
        names[key] = c.sub_function(sub)
    c.compile(root=False)
    functions = _namespace(c)
    return {key: functions[name] for key, name in names.items()}


def _namespace(c: _Compiler) -> dict[str, Any]:
    """The compiled functions (and their constants), by name."""
    namespace: dict[str, Any] = dict(c.consts)
    namespace["_MISSING"] = object()
    exec(compile("\n".join(c.lines), "<compiled schema>", "exec"), namespace)
    return namespace
