"""The contract's fast path for JSON Lines records: msgspec reads a line and checks it
against types built from the published schema, both in C. It only ever says «this record
is a valid case, here it is» or «not proven»: anything it does not prove goes through the
full path (the strict reader and the schema check), so every message, JSON Pointer and
hostile-input behaviour stays exactly what it is.

What msgspec would do differently, and how it is kept out:
- it keeps the last of duplicate keys, and the types drop fields outside the contract: the
  line's quotes are counted against those of the value written back (a dropped key takes its
  quotes with it), so a line with a key twice — or with an extra field — is not proven (extra
  fields are allowed: such a line is read by the full path); a line holding `\\u0022` (a quote
  written as an escape, which the count cannot see) is not proven;
- it reads integers of any length: a line with a 4 300-digit run (the strict reader's limit)
  is not proven;
- it refuses lone surrogates, NaN, numbers out of range, deep nesting: not proven;
- an integer written 2.0 (JSON Schema's integer) is not an int to msgspec: not proven;
- a string's `pattern` (the timestamps) is not left to msgspec, which searches every string
  again: the decoded value's strings at those places are searched here, each distinct text
  once (an export repeats its timestamps: 3 µs a case less, measured);
- the schema's conditions (`if`/`then`: a feedback call has an outcome, a claim a demand)
  are checked after the types, in Python.
The types are compiled from schemas/case.schema.json itself: the schema stays the one
source of truth (a test checks that both paths agree on generated and mutated records).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any, Final, Literal, NotRequired, Required, TypedDict, Union

_LONG_DIGITS: Final = re.compile(rb"[0-9]{4300}")


def encoder() -> Callable[[Any], bytes]:
    """msgspec's JSON encoder (compact, UTF-8): the results' writer (io/writers.py) uses it too."""
    import msgspec

    return msgspec.json.Encoder().encode


class Unsupported(ValueError):
    """A schema keyword the fast path does not know: then there is no fast path."""


def _meta(**kw: Any) -> Any:
    import msgspec

    return msgspec.Meta(**{k: v for k, v in kw.items() if v is not None})


class _Compiler:
    KNOWN = {"$schema", "$id", "title", "description", "$comment", "default", "examples", "x-expected", "type",
             "enum", "const", "required", "properties", "items", "minLength", "minimum", "maximum", "pattern", "anyOf",
             "allOf",
             "$ref", "$defs", "additionalProperties"}

    def __init__(self, root: dict[str, Any]):
        self.root = root
        self.n = 0
        # where a string must match a pattern: (path of keys, "*" for an array's items; the pattern)
        self.patterns: list[tuple[tuple[str, ...], str]] = []
        self.conditions: list[tuple[str, list[tuple[str, set[Any], list[str]]]]] = []

    def type(self, s: Any, name: str, path: tuple[str, ...] = ()) -> Any:
        if s is True or s == {}:
            return Any
        unknown = set(s) - self.KNOWN
        if unknown:
            raise Unsupported(", ".join(sorted(unknown)))
        if s.get("additionalProperties", True) is not True:
            raise Unsupported("additionalProperties")
        if "$ref" in s:
            key = s["$ref"].removeprefix("#/$defs/")
            return self.type(self.root["$defs"][key], key, path)
        if "anyOf" in s:
            return Union[tuple(self.type(x, name, path) for x in s["anyOf"])]  # noqa: UP007 (a runtime tuple)
        if "enum" in s or "const" in s:
            values = s["enum"] if "enum" in s else [s["const"]]
            if any(isinstance(v, (list, dict, float, bool)) for v in values):
                raise Unsupported("enum of this kind")
            return Literal[tuple(values)]
        types = s["type"] if isinstance(s.get("type"), list) else [s.get("type")]
        parts: list[Any] = []
        for t in types:
            if t == "string":
                if "pattern" in s and (path, s["pattern"]) not in self.patterns:
                    self.patterns.append((path, s["pattern"]))
                parts.append(Annotated[str, _meta(min_length=s["minLength"])] if "minLength" in s else str)
            elif t == "integer":
                bounded = "minimum" in s or "maximum" in s
                parts.append(Annotated[int, _meta(ge=s.get("minimum"), le=s.get("maximum"))] if bounded else int)
            elif t == "number":
                if "minimum" in s:
                    parts += [Annotated[int, _meta(ge=s["minimum"])], Annotated[float, _meta(ge=s["minimum"])]]
                else:
                    parts += [int, float]
            elif t == "boolean":
                parts.append(bool)
            elif t == "null":
                parts.append(type(None))
            elif t == "array":
                parts.append(list[self.type(s.get("items", True), name + "_item", path + ("*",))])  # type: ignore[misc]
            elif t == "object":
                parts.append(self.object(s, name, path))
            else:
                raise Unsupported(f"type {t}")
        return parts[0] if len(parts) == 1 else Union[tuple(parts)]  # noqa: UP007

    def object(self, s: dict[str, Any], name: str, path: tuple[str, ...]) -> Any:
        required = set(s.get("required", ()))
        fields = {k: (Required if k in required else NotRequired)[self.type(v, f"{name}_{k}", path + (k,))]
                  for k, v in s.get("properties", {}).items()}
        for key in required - set(fields):
            fields[key] = Required[Any]
        conditions = []
        for sub in s.get("allOf", ()):
            if set(sub) != {"if", "then"} or set(sub["then"]) != {"required"}:
                raise Unsupported("allOf other than if/then required")
            [(prop, test)] = sub["if"]["properties"].items()
            values = set(test["enum"]) if "enum" in test else {test["const"]}
            conditions.append((prop, values, list(sub["then"]["required"])))
        if conditions:
            self.conditions.append((name, conditions))
        self.n += 1
        return TypedDict(f"{name.title().replace('_', '')}{self.n}", fields, total=False)  # type: ignore[operator]


_MATCHED_MAX: Final = 1 << 16  # distinct texts a pattern remembers as matched


def _strings_at(path: tuple[str, ...]) -> Callable[[Any, list[str]], list[str]]:
    """A function: (a decoded value, a list) → the list with the strings at `path` appended
    (keys; "*": each item of an array). The two shapes a schema's timestamps take (a key; a
    key of each item of an array) have their own functions: two calls at most, not one a level."""
    if len(path) == 1:
        return _string_of(path[0])
    if len(path) == 3 and path[1] == "*" and "*" not in (path[0], path[2]):
        outer, of_item = path[0], _string_of(path[2])

        def each(v: Any, out: list[str]) -> list[str]:
            items = v.get(outer) if isinstance(v, dict) else None
            if isinstance(items, list):
                for item in items:
                    of_item(item, out)
            return out
        return each
    return _strings_at_any(path)


def _string_of(key: str) -> Callable[[Any, list[str]], list[str]]:
    """A function: (a decoded value, a list) → the list with the value's string at `key` appended."""
    def top(v: Any, out: list[str]) -> list[str]:
        if isinstance(v, dict):
            x = v.get(key)
            if isinstance(x, str):
                out.append(x)
        return out
    return top


def _strings_at_any(path: tuple[str, ...]) -> Callable[[Any, list[str]], list[str]]:
    """`_strings_at` for any path, level by level."""
    if not path:
        def leaf(v: Any, out: list[str]) -> list[str]:
            if isinstance(v, str):
                out.append(v)
            return out
        return leaf
    head, inner = path[0], _strings_at_any(path[1:])
    if head == "*":
        def items(v: Any, out: list[str]) -> list[str]:
            if isinstance(v, list):
                for x in v:
                    inner(x, out)
            return out
        return items

    def key(v: Any, out: list[str]) -> list[str]:
        if isinstance(v, dict):
            x = v.get(head)
            if x is not None:
                inner(x, out)
        return out
    return key


def compile_fast(schema: dict[str, Any]) -> Callable[[bytes], dict[str, Any] | None]:
    """A function: a JSON Lines record's bytes → the case as a dict, or None (not proven)."""
    import msgspec

    c = _Compiler(schema)
    case_type = c.type(schema, "case")
    if [name for name, _ in c.conditions] not in ([], ["event"]):
        raise Unsupported("conditions outside events")
    # the events' conditions by the value that sets them off: {property: {value: keys then required}}
    event_conditions: dict[str, dict[Any, list[str]]] = {}
    for prop, values, needed in c.conditions[0][1] if c.conditions else ():
        for value in values:
            event_conditions.setdefault(prop, {}).setdefault(value, []).extend(needed)
    decode = msgspec.json.Decoder(case_type).decode  # reads and checks the types in one pass, in C
    # a pattern's search, the texts it matched, and where its strings are
    patterned: dict[str, tuple[Callable[[str], Any], set[str], list[Callable[[Any, list[str]], list[str]]]]] = {}
    for path, pattern in c.patterns:
        patterned.setdefault(pattern, (re.compile(pattern).search, set(), []))[2].append(_strings_at(path))
    checks = list(patterned.values())
    encode = encoder()
    errors = (msgspec.DecodeError, msgspec.ValidationError, RecursionError, ValueError, OverflowError, TypeError)

    def fast(raw: bytes) -> dict[str, Any] | None:
        # a quote written as an escape (which the count below cannot see): looked for only in a line with
        # an escape at all (one byte found by memchr: 0.1 µs against 0.8 for the six)
        if (b"\\" in raw and b"\\u0022" in raw) or (len(raw) >= 4300 and _LONG_DIGITS.search(raw)):
            return None
        try:
            data = decode(raw)
        except errors:
            return None
        # every quote of the line is in the value read: no key twice (msgspec keeps the last), and no
        # field outside the contract (the types drop those: such a line takes the full path)
        if encode(data).count(b'"') != raw.count(b'"'):
            return None
        events = data.get("events")
        if events:
            for prop, table in event_conditions.items():
                for e in events:
                    needed = table.get(e.get(prop))
                    if needed is not None:
                        for k in needed:
                            if k not in e:
                                return None
        for search, matched, places in checks:  # as msgspec would: a search of the pattern
            texts: list[str] = []
            for strings in places:
                strings(data, texts)
            if not matched.issuperset(texts):
                for text in texts:
                    if text not in matched:
                        if search(text) is None:
                            return None
                        if len(matched) >= _MATCHED_MAX:
                            matched.clear()
                        matched.add(text)
        case: dict[str, Any] = data
        return case

    return fast
