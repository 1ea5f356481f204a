"""The case contract (schemas/case.schema.json): validation with messages a supervisor reads.

A JSON Lines line first meets `fast_reader` (io/fast.py: msgspec proves it a valid case, or
says nothing). Any other record takes the compiled check: the same schema file compiled once
into a Python function (schema_compiler). Only a record that fails it is checked again by `jsonschema`
(imported then, not at start-up) to list every problem with its JSON Pointer in Russian.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from hotline_cli.io.records import RecordError

_PACKAGE = Path(__file__).resolve().parent.parent


def schema_path(name: str) -> Path:
    """The published schema: inside the installed package, or the repo's schemas/."""
    for base in (_PACKAGE / "schemas", _PACKAGE.parent / "schemas"):
        p = base / name
        if p.is_file():
            return p
    raise FileNotFoundError(f"schema {name} is not installed")


@cache
def load_schema(name: str = "case.schema.json") -> dict[str, Any]:
    with open(schema_path(name), encoding="utf-8") as fh:
        schema: dict[str, Any] = json.load(fh)
    return schema


@cache
def fast_validator(name: str = "case.schema.json") -> Callable[[Any], bool]:
    from hotline_cli.io.schema_compiler import Unsupported, compile_schema

    try:
        return compile_schema(load_schema(name))
    except Unsupported:  # a keyword the compiler does not know: let jsonschema decide
        is_valid: Callable[[Any], bool] = _full_validator(name).is_valid
        return is_valid


@cache
def fast_reader(name: str = "case.schema.json") -> Callable[[bytes], Any] | None:
    """A JSON Lines line's bytes → the valid case it holds, or None when not proven (see io/fast.py);
    None instead of the function when the schema uses what the fast path does not know."""
    from hotline_cli.io.fast import Unsupported, compile_fast

    try:
        return compile_fast(load_schema(name))
    except Unsupported:
        return None


@cache
def _full_validator(name: str) -> Any:
    import jsonschema

    return jsonschema.Draft202012Validator(load_schema(name))


def validate(data: Any, name: str = "case.schema.json") -> RecordError | None:
    """None when `data` satisfies the schema, else the first problem and all the others."""
    try:
        if fast_validator(name)(data):
            return None
    except RecursionError:  # nesting deeper than the interpreter allows
        return RecordError("", "слишком глубокая вложенность JSON")
    errors = explain(data, name)
    if not errors:  # the two validators disagree: never silently accept
        return RecordError("", "запись не соответствует схеме дела")
    first = errors[0]
    return RecordError(first["path"], first["message"], errors[1:] or None)


MAX_LISTED = 20  # errors listed for one record; past them, «и ещё K» (a record with 100 000 typos is one line)
MAX_SEEN = 1000  # errors looked at for one record, at most (jsonschema would find them all, slowly)


def explain(data: Any, name: str = "case.schema.json") -> list[dict[str, str]]:
    """The record's schema problems as {path, message}, ordered by position in the record: at most
    MAX_LISTED, then one more entry that says how many more there are (counted up to MAX_SEEN)."""
    import itertools

    out: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()
    try:
        found = list(itertools.islice(_iter_errors(data, name), MAX_SEEN + 1))
        errors = sorted(found[:MAX_SEEN], key=lambda e: [str(p) for p in e.absolute_path])
    except RecursionError:
        return [{"path": "", "message": "слишком глубокая вложенность JSON"}]
    for err in errors:
        for leaf in _leaves(err):
            item = _describe(leaf)
            key = (item["path"], item["message"])
            if key not in seen:
                seen.add(key)
                out.append(item)
    if len(out) > MAX_LISTED or len(found) > MAX_SEEN:
        more = len(out) - MAX_LISTED
        out = out[:MAX_LISTED]
        out.append({"path": "", "message": (f"и ещё {more} ошибок" if len(found) <= MAX_SEEN
                                            else f"и ещё не меньше {more} ошибок: запись исправлять целиком")})
    return out


@cache
def _property_validators(name: str) -> dict[str, Callable[[Any], bool]] | None:
    """Each top-level property's compiled check, or None when the schema's root is not made of
    independent properties (then jsonschema reads the whole record)."""
    from hotline_cli.io.schema_compiler import ANNOTATIONS, Unsupported, compile_properties

    schema = load_schema(name)
    # the root keywords jsonschema may be left to check alone: the others could tie one property to another
    if not set(schema) <= ANNOTATIONS | {"type", "required", "properties", "$defs"}:
        return None
    try:
        return compile_properties(schema)
    except Unsupported:
        return None


class _Problem(NamedTuple):
    """A schema problem as jsonschema would give it, for what `_leaves` and `_describe` read of it."""

    absolute_path: tuple[str, ...]
    validator: str
    validator_value: Any
    instance: Any
    message: str
    schema: dict[str, Any]
    context: tuple[Any, ...] = ()


def _iter_errors(data: Any, name: str) -> Iterator[Any]:
    """jsonschema's errors for the record, in jsonschema's order: a property the compiled check finds
    valid has none, so jsonschema is shown only the others (a tenth of the time for a record with one
    bad field: jsonschema's 0.4 ms went to walking the valid requests and events). When what is left
    is only missing keys and values outside a list (the commonest problems), they are said as
    jsonschema says them, without it (its import alone is 32 ms)."""
    checks = _property_validators(name)
    if checks is None or not isinstance(data, dict):
        return _full_validator(name).iter_errors(data)  # type: ignore[no-any-return]
    schema = load_schema(name)
    properties = {k: sub for k, sub in schema.get("properties", {}).items() if k in data and not checks[k](data[k])}
    if schema.get("type") == "object" and all(_enum_only(sub) for sub in properties.values()):
        # jsonschema's own words: `required` yields "'key' is a required property" for each key missing, in
        # its order; `enum` alone fails a value with one error whatever its type
        missing = [_Problem((), "required", schema["required"], data, f"{key!r} is a required property", schema)
                   for key in schema.get("required", ()) if key not in data]
        return iter(missing + [_Problem((key,), "enum", sub["enum"], data[key], "", sub)
                               for key, sub in properties.items()])
    validator = _full_validator(name)
    return validator.evolve(schema=dict(schema, properties=properties)).iter_errors(data)  # type: ignore[no-any-return]


def _enum_only(sub: Any) -> bool:
    """A property's schema that checks nothing but `enum`."""
    from hotline_cli.io.schema_compiler import ANNOTATIONS

    return isinstance(sub, dict) and "enum" in sub and not set(sub) - ANNOTATIONS - {"enum"}


def _leaves(err: Any) -> Iterator[Any]:
    # anyOf/allOf: report the sub-errors that explain it, not the combinator itself
    if err.validator in ("anyOf", "oneOf") and err.context:
        # prefer the branch that got furthest (a timestamp pattern over "not null")
        best = [e for e in err.context if e.validator != "type"] or err.context
        yield from _leaves(sorted(best, key=lambda e: -len(e.absolute_path))[0])
        return
    if err.validator in ("allOf", "if", "then") and err.context:
        for e in err.context:
            yield from _leaves(e)
        return
    yield err


def pointer(parts: Iterable[Any]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


_TYPE_RU = {
    "string": "строка",
    "number": "число",
    "integer": "целое число",
    "boolean": "true или false",
    "object": "объект",
    "array": "массив",
    "null": "null",
}


def _json_type(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    if isinstance(v, dict):
        return "object"
    return type(v).__name__


def _show(v: Any) -> str:
    try:
        text = json.dumps(v, ensure_ascii=False)
    except (RecursionError, ValueError):
        return "(значение не показать: слишком глубокое)"
    return text if len(text) <= 60 else text[:57] + "..."


def _describe(err: Any) -> dict[str, str]:
    parts = list(err.absolute_path)
    v = err.validator
    if v == "required":
        missing = err.message.split("'")[1] if "'" in err.message else "?"
        from hotline_cli.procedure.texts import fact_source

        path = pointer(parts + [missing])
        hint = fact_source(path)
        return {"path": path, "message": f"нет обязательного поля «{missing}»" + (f"; {hint}" if hint else "")}
    if v == "enum":
        allowed = ", ".join("null" if x is None else str(x) for x in err.validator_value)
        hint = _suggest(err.instance, [x for x in err.validator_value if isinstance(x, str)])
        return {"path": pointer(parts),
                "message": f"значение {_show(err.instance)} не допускается; ожидается одно из: {allowed}{hint}"}
    if v == "const":
        return {"path": pointer(parts),
                "message": f"значение {_show(err.instance)} не допускается; ожидается {_show(err.validator_value)}"}
    if v == "type":
        want = err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
        want_ru = " или ".join(_TYPE_RU.get(w, str(w)) for w in want)
        got = _TYPE_RU.get(_json_type(err.instance), _json_type(err.instance))
        return {"path": pointer(parts), "message": f"ожидается {want_ru}, а здесь {got} {_show(err.instance)}"}
    if v == "minLength":
        return {"path": pointer(parts), "message": "пустая строка не допускается"}
    if v == "minimum":
        return {"path": pointer(parts),
                "message": f"значение {_show(err.instance)} меньше допустимого {err.validator_value}"}
    if v == "maximum":
        return {"path": pointer(parts),
                "message": f"значение {_show(err.instance)} больше допустимого {err.validator_value}"}
    if v == "pattern":
        expected = err.schema.get("x-expected", f"строка по шаблону {err.validator_value}")
        return {"path": pointer(parts),
                "message": f"значение {_show(err.instance)} имеет неверный формат: ожидается {expected}"}
    if v == "additionalProperties":
        extra = [k for k in err.instance if k not in err.schema.get("properties", {})]
        return {"path": pointer(parts + extra[:1]), "message": f"неизвестный ключ «{extra[0] if extra else '?'}»"}
    if v == "propertyNames":
        return {"path": pointer(parts), "message": f"неверное имя ключа {_show(err.instance)}"}
    return {"path": pointer(parts), "message": err.message}


def _suggest(value: Any, allowed: list[str]) -> str:
    """«; возможно, имелось в виду «refrigerator»» for a typo or a Russian name of a code."""
    if not isinstance(value, str) or not allowed:
        return ""
    return _suggestion(value, tuple(allowed))


@lru_cache(maxsize=1024)  # an export repeats its typos: each (typo, list) looked up once
def _suggestion(value: str, allowed: tuple[str, ...]) -> str:
    from hotline_cli.io.answers import nearest, spellings
    from hotline_cli.procedure import texts

    labels: dict[str | None, str] = {}
    for table in (texts.CATEGORY_RU, texts.CHANNEL_RU, texts.REQUEST_TYPE_RU, texts.CONCLUSION_RU, texts.EVENT_RU,
                  texts.OUTCOME_RU, texts.DEMAND_RU, texts.INTENT_RU):
        labels.update({k: v for k, v in table.items() if k in allowed})
    for code in allowed:
        labels.setdefault(code, code)
    near = nearest(value, spellings(labels))
    return f"; возможно, имелось в виду «{near}»" if near else ""
