"""Reading inputs into records: files, folders, JSON Lines, standard input.

Every input record becomes exactly one `Record`: either parsed data or a `RecordError`
that says where (source, JSON Pointer) and what. Nothing here raises for bad input and
nothing prints: the caller decides what to do with errors.

JSON Lines files and standard input in JSON Lines form are streamed line by line, so a
large export is never held in memory whole. A `.json` document (one object or an array
of objects) is read whole, then split into its elements with their line numbers.
"""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from hotline_cli.io.records import Record, RecordError
from hotline_cli.io.strict_json import (
    DECODER,
    DuplicateKeyError,
    JsonProblem,
    decode_bytes,
    decode_message,
    parse_json,
    skip_ws,
    value_message,
)

STDIN = "-"
STDIN_NAME = "<stdin>"
CASE_SUFFIXES = (".json", ".jsonl")


def resolve(rec: Record) -> Record:
    """Parse a raw JSON Lines record; anything else is returned as it is."""
    if rec.raw is None:
        return rec
    try:
        rec.data = parse_json(decode_bytes(rec.raw, rec.encoding))
    except JsonProblem as e:
        msg = e.message.replace("строка 1, ", "") if e.line == 1 else e.message
        rec.error = RecordError("", msg)
    rec.raw = None
    return rec


# ---------------------------------------------------------------- expanding inputs


def expand_inputs(inputs: Iterable[str]) -> Iterator[tuple[str, str | None]]:
    """Yield (name, problem) for each file to read, folders walked in sorted order.

    A problem is a Russian message for an input that cannot be read at all."""
    for item in inputs:
        if item == STDIN:
            yield STDIN, None
            continue
        p = Path(item)
        if p.is_dir():
            found = False
            for root, dirs, files in os.walk(p):
                dirs.sort()
                for f in sorted(files):
                    if f.endswith(CASE_SUFFIXES):
                        found = True
                        yield os.path.join(root, f), None
            if not found:
                yield item, "в папке нет файлов .json или .jsonl"
        elif p.exists():
            yield item, None
        else:
            yield item, "файл не найден"


def read_records(inputs: Iterable[str], encoding: str = "utf-8", stdin: IO[bytes] | None = None) -> Iterator[Record]:
    """All records of all inputs, parsed, in input order; an unreadable input is one error record."""
    return map(resolve, read_raw(inputs, encoding, stdin))


def input_size(inputs: Iterable[str]) -> int:
    """Bytes in the named files (folders walked); standard input counts as nothing."""
    total = 0
    for name, problem in expand_inputs(inputs):
        if not problem and name != STDIN:
            try:
                total += os.path.getsize(name)
            except OSError:
                pass
    return total


def read_raw(inputs: Iterable[str], encoding: str = "utf-8", stdin: IO[bytes] | None = None) -> Iterator[Record]:
    """All records of all inputs in input order; JSON Lines lines are left unparsed (`raw`)."""
    for name, problem in expand_inputs(inputs):
        yield from _read_input(name, problem, encoding, stdin)


def read_blocks(inputs: Iterable[str], encoding: str = "utf-8", stdin: IO[bytes] | None = None,
                size: int = 1 << 18) -> Iterator[Record | Block]:
    """`read_raw` for worker processes: a `.jsonl` file comes as blocks of whole lines,
    read in bulk and split by whoever processes them (`block_records`); any other input
    as its records. The same records in the same order either way."""
    for name, problem in expand_inputs(inputs):
        if problem or name == STDIN or os.path.splitext(name)[1].lower() != ".jsonl" or _wide(encoding):
            yield from _read_input(name, problem, encoding, stdin)
            continue
        try:
            fh = open(name, "rb")  # noqa: SIM115 (closed by the with below, after the error branch)
        except OSError:
            yield from _read_input(name, problem, encoding, stdin)  # says why, as read_raw does
            continue
        with fh:
            try:
                yield from _blocks(name, fh, encoding, size)
            except OSError as e:
                yield Record(name, error=RecordError("", "ошибка чтения файла: " + _os_error_ru(e)))


@dataclass(slots=True)
class Block:
    """Whole lines of one JSON Lines file, as read: `block_records` makes them records."""

    name: str
    first_line: int  # the number of the block's first line in the file
    data: bytes
    encoding: str


def _blocks(name: str, fh: IO[bytes], encoding: str, size: int) -> Iterator[Record | Block]:
    line = 1
    any_text = False
    while True:
        data = fh.read(size)
        if not data:
            break
        if not data.endswith(b"\n"):
            data += fh.readline()  # a block ends at the end of a line
        if not any_text:
            text = data[3:] if line == 1 and data.startswith(b"\xef\xbb\xbf") else data
            any_text = bool(text) and not text.isspace()
        yield Block(name, line, data, encoding)
        line += data.count(b"\n")
    if not any_text:
        yield Record(name, error=RecordError("", EMPTY_FILE))


def block_records(block: Block) -> Iterator[Record]:
    """The records of a block: the lines of `_read_lines`, numbered as in the file."""
    name, encoding = block.name, block.encoding
    for lineno, raw in enumerate(block.data.split(b"\n"), block.first_line):
        rec = _line_record(name, lineno, raw, encoding)
        if rec is not None:
            yield rec


def _read_input(name: str, problem: str | None, encoding: str, stdin: IO[bytes] | None) -> Iterator[Record]:
    if problem:
        yield Record(name, error=RecordError("", problem))
        return
    if name == STDIN:
        yield from _read_stream(STDIN_NAME, stdin or sys.stdin.buffer, encoding, None)
        return
    try:
        fh = open(name, "rb")  # noqa: SIM115 (closed by the with below, after the error branches)
    except IsADirectoryError:
        yield Record(name, error=RecordError("", "это папка, а не файл"))
        return
    except OSError as e:
        yield Record(name, error=RecordError("", "файл не читается: " + _os_error_ru(e)))
        return
    with fh:
        suffix = os.path.splitext(name)[1].lower()
        mode = "jsonl" if suffix == ".jsonl" else ("json" if suffix == ".json" else None)
        try:
            yield from _read_stream(name, fh, encoding, mode)
        except OSError as e:
            yield Record(name, error=RecordError("", "ошибка чтения файла: " + _os_error_ru(e)))


def _os_error_ru(e: OSError) -> str:
    import errno

    return {errno.EACCES: "нет прав на чтение (проверьте права доступа к файлу)",
            errno.EPERM: "нет прав на чтение (проверьте права доступа к файлу)",
            errno.ENOENT: "файл не найден", errno.EISDIR: "это папка, а не файл",
            errno.EIO: "ошибка ввода-вывода (диск или сеть)"}.get(e.errno or 0, e.strerror or str(e))


def _wide(encoding: str) -> bool:
    """UTF-16/32 are not ASCII-compatible: their lines cannot be split on b"\\n"."""
    import codecs

    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return False
    return name.startswith(("utf-16", "utf-32"))


def _read_stream(name: str, fh: IO[bytes], encoding: str, mode: str | None) -> Iterator[Record]:
    if _wide(encoding):
        # UTF-16/32 lines cannot be split on b"\n": decode whole, then read it as UTF-8 like any input
        try:
            text = decode_bytes(fh.read(), encoding)
        except JsonProblem as e:
            yield Record(name, error=RecordError("", e.message))
            return
        yield from _read_stream(name, io.BytesIO(text.encode("utf-8")), "utf-8", mode)
        return
    if mode == "json":
        yield from _read_document(name, fh.read(), encoding)
        return
    if mode is None:
        # sniff: the first non-blank line decides; a JSON value on it means JSON Lines
        head: list[bytes] = []
        for raw in fh:
            head.append(raw)
            if raw.strip():
                break
        first = head[-1].strip() if head else b""
        if not first:
            yield Record(name, error=RecordError("", "пустой ввод: нет ни одного дела"))
            return
        is_lines = False
        if not first.lstrip(b"\xef\xbb\xbf").startswith(b"["):
            try:
                parse_json(decode_bytes(first, encoding))
                is_lines = True
            except JsonProblem:
                is_lines = False
        if not is_lines:
            yield from _read_document(name, b"".join(head) + fh.read(), encoding)
            return
        yield from _read_lines(name, _chain(head, fh), encoding)
        return
    yield from _read_lines(name, fh, encoding)


def _chain(head: list[bytes], fh: IO[bytes]) -> Iterator[bytes]:
    yield from head
    yield from fh


EMPTY_FILE = "пустой файл: нет ни одного дела"


def _line_record(name: str, lineno: int, raw: bytes, encoding: str) -> Record | None:
    """One JSON Lines line as an unparsed record; None for a blank line (skipped)."""
    if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    raw = raw.rstrip(b"\r\n")
    if not raw.strip():
        return None
    return Record(f"{name}:{lineno}", raw=raw, encoding=encoding)


def _read_lines(name: str, lines: Iterable[bytes], encoding: str) -> Iterator[Record]:
    any_line = False
    for lineno, raw in enumerate(lines, 1):
        rec = _line_record(name, lineno, raw, encoding)
        if rec is not None:
            any_line = True
            yield rec
    if not any_line:
        yield Record(name, error=RecordError("", EMPTY_FILE))


def _read_document(name: str, raw: bytes, encoding: str) -> Iterator[Record]:
    try:
        text = decode_bytes(raw, encoding)
    except JsonProblem as e:
        yield Record(name, error=RecordError("", e.message))
        return
    start = skip_ws(text, 0)
    if start == len(text):
        yield Record(name, error=RecordError("", EMPTY_FILE))
        return
    if text[start] != "[":
        try:
            yield Record(name, parse_json(text))
        except JsonProblem as e:
            yield Record(name, error=RecordError("", e.message))
        return
    # an array: decode element by element so each keeps its line and its own error
    i = skip_ws(text, start + 1)
    line = text.count("\n", 0, i) + 1
    last = i
    if i < len(text) and text[i] == "]":
        if skip_ws(text, i + 1) != len(text):
            yield Record(name, error=RecordError("", "после массива идёт лишний текст"))
        else:
            yield Record(name, error=RecordError("", "пустой массив: нет ни одного дела"))
        return
    index = 0
    while True:
        line += text.count("\n", last, i)
        last = i
        source = f"{name}:{line}"
        try:
            value, end = DECODER.raw_decode(text, i)
        except json.JSONDecodeError as e:
            yield Record(source, error=RecordError(f"/{index}", decode_message(e) + "; остаток файла не прочитан"))
            return
        except DuplicateKeyError as e:
            value, end = None, None
            err = f"ключ «{e.args[0]}» повторяется в одном объекте; неясно, какое значение верное"
        except RecursionError:
            value, end, err = None, None, "слишком глубокая вложенность JSON"
        except ValueError as e:
            value, end, err = None, None, value_message(e)
        if end is None:
            # the element is unusable but its extent is unknown: skip to the matching close
            yield Record(source, error=RecordError("", err))
            end = _skip_value(text, i)
            if end is None:
                return
        else:
            yield Record(source, value)
        j = skip_ws(text, end)
        if j < len(text) and text[j] == ",":
            i = skip_ws(text, j + 1)
            index += 1
            if i < len(text) and text[i] == "]":
                yield Record(f"{name}:{text.count(chr(10), 0, i) + 1}",
                             error=RecordError("", "лишняя запятая перед «]» в конце массива"))
                return
            continue
        if j < len(text) and text[j] == "]":
            if skip_ws(text, j + 1) != len(text):
                yield Record(f"{name}:{text.count(chr(10), 0, j) + 1}",
                             error=RecordError("", "после массива идёт лишний текст"))
            return
        where = text.count("\n", 0, j) + 1
        what = ("массив не закрыт «]» (файл обрезан?)" if j >= len(text)
                else "ожидалась запятая или «]» между элементами массива")
        yield Record(f"{name}:{where}", error=RecordError("", what + "; остаток файла не прочитан"))
        return


def _skip_value(text: str, i: int) -> int | None:
    """End of the JSON value starting at i, found by bracket matching (strings aware)."""
    depth = 0
    n = len(text)
    in_str = False
    while i < n:
        ch = text[i]
        if in_str:
            if ch == "\\":
                i += 1
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return None
