"""Strict JSON: duplicate keys, NaN/Infinity, numbers no field can hold and runaway
nesting are errors, each with a Russian message; bytes are decoded with a UTF-8 BOM
accepted and an encoding hint when they are not UTF-8."""

from __future__ import annotations

import json
import re
from typing import Any


class DuplicateKeyError(ValueError):
    pass


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """object_pairs_hook that refuses duplicate keys (never a silent "last one wins").
    A plain function: the decoder calls it for every object, and an instance's __call__
    costs 6 % more of the whole parse (measured)."""
    d = dict(pairs)
    if len(d) != len(pairs):
        seen: set[str] = set()
        for k, _ in pairs:
            if k in seen:
                raise DuplicateKeyError(k)
            seen.add(k)
    return d


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (_INF, -_INF):  # 1e99999 is valid JSON but no number we can carry
        raise ValueError("float out of range")
    return value


_INF = float("inf")
DECODER = json.JSONDecoder(object_pairs_hook=_pairs, parse_constant=_reject_constant, parse_float=_finite_float)


_SCAN = DECODER.scan_once  # type: ignore[attr-defined]  # the C scanner, set by JSONDecoder.__init__


def parse_json(text: str) -> Any:
    """Parse one JSON text strictly. Raises `JsonProblem` with a Russian message."""
    try:
        try:
            value, end = _SCAN(text, 0 if text[:1] not in _WS_CHARS else skip_ws(text, 0))  # the C scanner
        except StopIteration as err:
            raise json.JSONDecodeError("Expecting value", text, err.value) from None
    except json.JSONDecodeError as e:
        raise JsonProblem(decode_message(e), e.lineno, e.colno) from None
    except DuplicateKeyError as e:
        raise JsonProblem(f"ключ «{e.args[0]}» повторяется в одном объекте; неясно, какое значение верное") from None
    except RecursionError:
        raise JsonProblem("слишком глубокая вложенность JSON") from None
    except ValueError as e:  # NaN/Infinity, integers too long to convert
        raise JsonProblem(value_message(e)) from None
    if end != len(text) and skip_ws(text, end) != len(text):
        line = text.count("\n", 0, end) + 1
        raise JsonProblem("после JSON-значения идёт лишний текст (в файле .json — несколько объектов? "
                          "для нескольких дел используйте массив или JSON Lines)", line)
    return value


class JsonProblem(Exception):
    def __init__(self, message: str, line: int | None = None, col: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col


_WS = re.compile(r"[ \t\r\n]*")
_WS_CHARS = (" ", "\t", "\r", "\n")


def skip_ws(text: str, i: int) -> int:
    m = _WS.match(text, i)
    return m.end() if m is not None else i


_DECODE_HINTS = {
    "Expecting value": "ожидалось значение",
    "Expecting property name enclosed in double quotes": "ожидалось имя поля в двойных кавычках "
    "(лишняя запятая перед «}»?)",
    "Expecting ',' delimiter": "ожидалась запятая между элементами",
    "Expecting ':' delimiter": "ожидалось двоеточие после имени поля",
    "Unterminated string starting at": "строка не закрыта кавычкой",
    "Invalid control character at": "управляющий символ внутри строки",
    "Invalid \\escape": "неверная escape-последовательность",
    "Invalid \\uXXXX escape": "неверная последовательность \\uXXXX",
    "Extra data": "лишние данные после JSON-значения",
}


def decode_message(e: json.JSONDecodeError) -> str:
    what = _DECODE_HINTS.get(e.msg, e.msg)
    if e.msg == "Expecting value" and e.doc[e.pos:e.pos + 1] == "]":
        what += " (лишняя запятая перед «]»?)"
    if e.pos >= len(e.doc.rstrip()):
        what = "JSON обрывается (файл обрезан?): " + what
    return f"неверный JSON, строка {e.lineno}, позиция {e.colno}: {what}"


def value_message(e: ValueError) -> str:
    text = str(e)
    if "is not JSON" in text:
        return f"неверный JSON: {text.split(' is not JSON')[0]} не является числом JSON (NaN/Infinity не допускаются)"
    if "digits" in text or "integer string conversion" in text:
        return "неверный JSON: слишком длинное число (тысячи цифр)"
    if "out of range" in text:
        return "неверный JSON: число вне допустимого диапазона"
    return f"неверный JSON: {text}"


# ---------------------------------------------------------------- decoding bytes


def _encoding_hint(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(raw) > 3 and (raw[1:2] == b"\x00" or raw[0:1] == b"\x00")):
        return "файл похож на UTF-16: перекодируйте в UTF-8 или укажите --encoding utf-16"
    try:
        text = raw.decode("cp1251")
    except UnicodeDecodeError:
        return "файл не в UTF-8: перекодируйте его в UTF-8 или укажите кодировку через --encoding"
    cyr = sum(1 for ch in text if "\u0400" <= ch <= "\u04ff")
    if cyr:
        return "файл похож на Windows-1251: укажите --encoding cp1251 или перекодируйте в UTF-8"
    return "файл не в UTF-8: перекодируйте его в UTF-8 или укажите кодировку через --encoding"


def decode_bytes(raw: bytes, encoding: str) -> str:
    """Decode with a UTF-8 BOM accepted; raise JsonProblem with an encoding hint."""
    enc = encoding.lower().replace("_", "-")
    if enc in ("utf-8", "utf8"):
        if raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise JsonProblem("текст не в кодировке UTF-8: " + _encoding_hint(raw)) from None
    else:
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as e:
            raise JsonProblem(f"не удалось прочитать в кодировке {encoding}: {e}") from None
        text = text.lstrip("\ufeff")
    if "\x00" in text:
        raise JsonProblem("в тексте есть нулевые байты: " + _encoding_hint(raw))
    return text
