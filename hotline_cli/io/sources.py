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
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
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

MAX_RECORD = 64 * 1024 * 1024  # one case on one line: 100 000 events take ~10 MB
MAX_DOCUMENT = 512 * 1024 * 1024  # a .json document is read whole: past this, JSON Lines
EMPTY_FILE = "пустой файл: нет ни одного дела"
TABLE_FILE = ("это таблица ({what}), а не выгрузка дел: дела из таблиц GSIS и Naumen делает "
              "«hotline import --table ФАЙЛ --mapping import.example.toml»")
TABLE_SUFFIXES = {".csv": "CSV", ".tsv": "CSV", ".xlsx": "Excel", ".xlsm": "Excel", ".xls": "Excel"}
# messages of an input that holds no record at all: counted as an unread input, not a record read
INPUT_PROBLEMS = ("файл не найден", "файл не читается", "папка не читается", "это папка", "в папке нет файлов",
                  "пустой файл", "пустой ввод", "это не файл выгрузки", "это не обычный файл", "пустое имя входа",
                  "символическая ссылка", "это таблица", "ошибка чтения", "файл больше")
NOT_A_FILE = "это не файл выгрузки (устройство или сокет): не читается"
LONG_LINE = (f"строка длиннее {MAX_RECORD // (1024 * 1024)} МБ — не похожа на запись дела "
             "(файл без переводов строк?): пропущена")
ENDLESS = "строка не кончается и после 1 ГБ: остаток ввода не прочитан"
LONG_DOCUMENT = (f"файл больше {MAX_DOCUMENT // (1024 * 1024)} МБ читается целиком: сохраните выгрузку "
                 "как JSON Lines (.jsonl, дело в строке) — такой файл читается потоком")


def expand_inputs(inputs: Iterable[str]) -> Iterator[tuple[str, str | None]]:
    """Yield (name, problem) for each file to read, folders walked in sorted order.

    A problem is a Russian message for an input that cannot be read at all: it becomes that
    input's error record, and the other inputs are still read."""
    for item in inputs:
        if item == STDIN:
            yield STDIN, None
            continue
        if not item.strip():
            yield repr(item), "пустое имя входа (не задана переменная?): укажите файл, папку или «-»"
            continue
        try:
            st = os.stat(item)
        except FileNotFoundError:
            yield item, "файл не найден" + (" (символическая ссылка никуда не ведёт)" if os.path.islink(item)
                                            else _nearby(item))
            continue
        except (OSError, ValueError) as e:
            yield item, "файл не читается: " + (_os_error_ru(e) if isinstance(e, OSError) else str(e))
            continue
        if stat.S_ISDIR(st.st_mode):
            yield from _walk(item)
        elif stat.S_ISREG(st.st_mode) or stat.S_ISFIFO(st.st_mode):
            yield item, None  # a FIFO named on purpose (a pipe, <(…)) is read
        else:
            yield item, NOT_A_FILE


def _nearby(path: str) -> str:
    """«; возможно, имелось в виду «export.jsonl»» for a mistyped name whose folder exists."""
    import difflib

    folder, name = os.path.split(path)
    try:
        names = os.listdir(folder or ".")[:10_000]
    except OSError:
        return ""
    near = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return f"; возможно, имелось в виду «{os.path.join(folder, near[0])}»" if near else ""


def _walk(folder: str) -> Iterator[tuple[str, str | None]]:
    """The case files of a folder, recursively, sorted; a subfolder that cannot be listed
    and a file that is not a regular file are problems, never silently skipped."""
    found = False
    errors: list[OSError] = []
    for root, dirs, files in os.walk(folder, onerror=errors.append):
        dirs.sort()
        for f in sorted(files):
            if not f.endswith(CASE_SUFFIXES):
                continue
            found = True
            path = os.path.join(root, f)
            try:
                st = os.stat(path)
            except OSError as e:
                yield path, "файл не читается: " + _os_error_ru(e)
                continue
            yield path, None if stat.S_ISREG(st.st_mode) else \
                "это не обычный файл (FIFO, устройство или сокет): в папке такие не читаются"
        found = found or bool(errors)
        yield from _folder_errors(errors, folder)
    found = found or bool(errors)
    yield from _folder_errors(errors, folder)  # os.walk reports the last subfolder after its last yield
    if not found:
        yield folder, "в папке нет файлов .json или .jsonl"


def _folder_errors(errors: list[OSError], folder: str) -> Iterator[tuple[str, str]]:
    while errors:
        problem = errors.pop(0)
        yield str(problem.filename or folder), "папка не читается: " + _os_error_ru(problem)


def read_records(inputs: Iterable[str], encoding: str = "utf-8", stdin: IO[bytes] | None = None) -> Iterator[Record]:
    """All records of all inputs, parsed, in input order; an unreadable input is one error record."""
    return map(resolve, read_raw(inputs, encoding, stdin))


def input_size(inputs: Iterable[str]) -> int:
    """Bytes in the named regular files (folders walked); standard input and pipes count as nothing."""
    total = 0
    for name, problem in expand_inputs(inputs):
        if not problem and name != STDIN:
            try:
                st = os.stat(name)
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode):
                total += st.st_size
    return total


def read_raw(inputs: Iterable[str], encoding: str = "utf-8", stdin: IO[bytes] | None = None) -> Iterator[Record]:
    """All records of all inputs in input order; JSON Lines lines are left unparsed (`raw`)."""
    for name, problem in expand_inputs(inputs):
        yield from _read_input(name, problem, encoding, stdin)


def read_blocks(inputs: Iterable[str], encoding: str = "utf-8", stdin: IO[bytes] | None = None,
                size: int = 1 << 18, ranged: bool = False, share: int = 0,
                smallest: int = 1 << 18) -> Iterator[Record | Block]:
    """`read_raw` for worker processes: a `.jsonl` file comes as blocks of whole lines,
    read in bulk and split by whoever processes them (`block_records`); any other input
    as its records. The same records in the same order either way. `ranged`: a block of a
    regular file names its bytes (offset, length) instead of carrying them — this process
    reads only to find where lines end and to number them. `share` (ranged): a block is
    1/share of what is left of the file, between `smallest` and `size` bytes — large pieces
    first (each piece costs its workers and the parent a summary), small ones at the end (the
    workers finish together)."""
    for name, problem in expand_inputs(inputs):
        if problem or name == STDIN or os.path.splitext(name)[1].lower() != ".jsonl" or _wide(encoding):
            yield from _read_input(name, problem, encoding, stdin)
            continue
        try:
            fh = _open(name)
        except OSError:
            yield from _read_input(name, problem, encoding, stdin)  # says why, as read_raw does
            continue
        with fh:
            try:
                st = os.fstat(fh.fileno())
                regular = ranged and stat.S_ISREG(st.st_mode)
                total = st.st_size if regular and share > 0 else 0
                yield from _blocks(name, fh, encoding, size, regular, total, share, smallest)
            except OSError as e:
                yield Record(name, error=RecordError("", "ошибка чтения файла: " + _os_error_ru(e)))


def _open(name: str) -> IO[bytes]:
    """Open an input for reading. Non-blocking open, then blocking reads: a FIFO nobody
    writes to reads as empty instead of blocking the whole run."""
    fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


@dataclass(slots=True)
class Block:
    """Whole lines of one JSON Lines file, as read: `block_records` makes them records. A block
    sent to a worker process names its bytes instead of carrying them (`ranged`: `data` is
    empty, `offset` and `length` say where they are): the worker reads them itself."""

    name: str
    first_line: int  # the number of the block's first line in the file
    data: bytes
    encoding: str
    offset: int = 0
    length: int = 0  # > 0: the bytes are the file's [offset, offset + length), not in `data`

    def read(self) -> bytes:
        """The block's bytes: carried, or read from the file (a worker's own read)."""
        if not self.length:
            return self.data
        data = os.pread(_ranged_file(self.name), self.length, self.offset)
        if len(data) != self.length:
            raise OSError("файл изменился во время проверки (стал короче)")
        return data


_RANGED: list[tuple[str, int]] = []  # the file a worker reads blocks of, open: (name, descriptor)


def _ranged_file(name: str) -> int:
    """The open descriptor of the file whose blocks a worker reads: one at a time (blocks come in
    input order, file after file), so that a folder of 10 000 files never holds 10 000 open."""
    if _RANGED and _RANGED[0][0] == name:
        return _RANGED[0][1]
    fd = os.open(name, os.O_RDONLY)
    if _RANGED:
        os.close(_RANGED.pop()[1])
    _RANGED.append((name, fd))
    return fd


MAX_SKIP = 1024 * 1024 * 1024  # past this much of one endless line, the rest of the input is given up


def _skip_line(fh: IO[bytes]) -> bool:
    """Read past the rest of an over-long line without keeping it; False when the line
    does not end within MAX_SKIP bytes (an endless stream: /dev/zero through a pipe)."""
    skipped = 0
    while skipped < MAX_SKIP:
        chunk = fh.readline(1 << 20)
        if not chunk or chunk.endswith(b"\n"):
            return True
        skipped += len(chunk)
    return False


def _blocks(name: str, fh: IO[bytes], encoding: str, size: int, ranged: bool = False, total: int = 0,
            share: int = 0, smallest: int = 0) -> Iterator[Record | Block]:
    """`ranged`: each block as where its bytes are in the file, not the bytes. `total` > 0: the
    file's size, of whose rest a block takes 1/`share` (between `smallest` and `size`)."""

    def block(first: int, data: bytes, start: int) -> Block:
        return Block(name, first, b"", encoding, start, len(data)) if ranged else Block(name, first, data, encoding)

    line = 1
    any_text = False
    while True:
        start = fh.tell() if ranged else 0
        data = fh.read(max(smallest, min(size, (total - start) // share)) if total else size)
        if not data:
            break
        if not data.endswith(b"\n"):
            data += fh.readline(MAX_RECORD)  # a block ends at the end of a line…
            cut = data.rfind(b"\n") + 1
            if not data.endswith(b"\n") and len(data) - cut >= MAX_RECORD:  # …unless the line never ends
                head = data[:cut]
                if head:
                    yield block(line, head, start)
                    line += head.count(b"\n")
                yield Record(f"{name}:{line}", error=RecordError("", LONG_LINE))
                any_text = True
                line += 1
                if not _skip_line(fh):
                    yield Record(f"{name}:{line - 1}", error=RecordError("", ENDLESS))
                    break
                continue
        if not any_text:
            text = data[3:] if line == 1 and data.startswith(b"\xef\xbb\xbf") else data
            any_text = bool(text) and not text.isspace()
        yield block(line, data, start)
        line += data.count(b"\n")
    if not any_text:
        yield Record(name, error=RecordError("", EMPTY_FILE))


def block_records(block: Block) -> Iterator[Record]:
    """The records of a block: the lines of `_read_lines`, numbered as in the file."""
    name, encoding = block.name, block.encoding
    try:
        data = block.read()
    except OSError as e:
        yield Record(f"{name}:{block.first_line}", error=RecordError("", "ошибка чтения файла: " + _os_error_ru(e)))
        return
    for lineno, raw in enumerate(data.split(b"\n"), block.first_line):
        if len(raw) > MAX_RECORD:  # as _lines: the same records whichever way the file is read
            yield Record(f"{name}:{lineno}", error=RecordError("", LONG_LINE))
            continue
        rec = _line_record(name, lineno, raw, encoding)
        if rec is not None:
            yield rec


def _read_input(name: str, problem: str | None, encoding: str, stdin: IO[bytes] | None) -> Iterator[Record]:
    if problem:
        yield Record(name, error=RecordError("", problem))
        return
    if name == STDIN:
        try:
            yield from _read_stream(STDIN_NAME, stdin or sys.stdin.buffer, encoding, None)
        except OSError as e:
            yield Record(STDIN_NAME, error=RecordError("", "ошибка чтения: " + _os_error_ru(e)))
        return
    try:
        fh = _open(name)
    except IsADirectoryError:
        yield Record(name, error=RecordError("", "это папка, а не файл"))
        return
    except OSError as e:
        yield Record(name, error=RecordError("", "файл не читается: " + _os_error_ru(e)))
        return
    with fh:
        suffix = os.path.splitext(name)[1].lower()
        head = fh.peek(4)[:4] if hasattr(fh, "peek") else b""
        if suffix in TABLE_SUFFIXES or head == b"PK\x03\x04":
            what = TABLE_SUFFIXES.get(suffix, "Excel")
            yield Record(name, error=RecordError("", TABLE_FILE.format(what=what)))
            return
        mode = "jsonl" if suffix == ".jsonl" else ("json" if suffix == ".json" else None)
        try:
            yield from _read_stream(name, fh, encoding, mode)
        except OSError as e:
            yield Record(name, error=RecordError("", "ошибка чтения файла: " + _os_error_ru(e)))


def _os_error_ru(e: OSError) -> str:
    import errno

    return {errno.EACCES: "нет прав на чтение (проверьте права доступа)",
            errno.EPERM: "нет прав на чтение (проверьте права доступа)",
            errno.ENOENT: "файл не найден", errno.EISDIR: "это папка, а не файл",
            errno.ELOOP: "символическая ссылка зациклена",
            errno.ENAMETOOLONG: "слишком длинное имя",
            errno.EIO: "ошибка ввода-вывода (диск или сеть)"}.get(e.errno or 0, e.strerror or str(e))


def _wide(encoding: str) -> bool:
    """UTF-16/32 are not ASCII-compatible: their lines cannot be split on b"\\n"."""
    import codecs

    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return False
    return name.startswith(("utf-16", "utf-32"))


def check_encoding(encoding: str) -> str | None:
    """Why `--encoding` cannot be used, or None: a text encoding in which a line break is
    the byte 0x0A (cp1251, koi8-r, latin-1…), or UTF-16/32."""
    import codecs

    try:
        info = codecs.lookup(encoding)
    except LookupError:
        return f"неизвестная кодировка «{encoding}» (например: utf-8, cp1251, koi8-r, utf-16)"
    if not getattr(info, "_is_text_encoding", True):
        return f"«{encoding}» — не кодировка текста"
    if _wide(encoding):
        return None
    try:
        ok = "\n{}[]\",:".encode(info.name) == b'\n{}[]",:'
    except (UnicodeError, ValueError):
        ok = False
    return None if ok else f"кодировка «{encoding}» не совместима с ASCII: такие файлы не читаются"


def _lines(fh: IO[bytes]) -> Iterator[bytes | None]:
    """The lines of a stream, each at most MAX_RECORD bytes; None stands for a longer line
    (read past, never held whole: memory stays flat), b"" for an endless one, after which
    the rest of the input is given up."""
    while True:
        line = fh.readline(MAX_RECORD + 1)
        if not line:
            return
        if len(line) > MAX_RECORD and not line.endswith(b"\n"):
            yield None  # said at once, before reading past it
            if not _skip_line(fh):
                yield b""
                return
            continue
        yield line


def _read_whole(name: str, fh: IO[bytes], head: bytes = b"") -> bytes | Record:
    data = head + fh.read(MAX_DOCUMENT + 1 - len(head))
    if len(data) > MAX_DOCUMENT:
        return Record(name, error=RecordError("", LONG_DOCUMENT))
    return data


def _read_stream(name: str, fh: IO[bytes], encoding: str, mode: str | None) -> Iterator[Record]:
    if _wide(encoding):
        # UTF-16/32 lines cannot be split on b"\n": decode whole, then read it as UTF-8 like any input
        data = _read_whole(name, fh)
        if isinstance(data, Record):
            yield data
            return
        try:
            text = decode_bytes(data, encoding)
        except JsonProblem as e:
            yield Record(name, error=RecordError("", e.message))
            return
        yield from _read_stream(name, io.BytesIO(text.encode("utf-8", "surrogatepass")), "utf-8", mode)
        return
    if mode == "json":
        data = _read_whole(name, fh)
        yield from [data] if isinstance(data, Record) else _read_document(name, data, encoding)
        return
    lines = _lines(fh)
    if mode is None:
        # sniff: the first non-blank line decides; a JSON value on it means JSON Lines
        head: list[bytes | None] = []
        for raw in lines:
            head.append(raw)
            if raw is None or raw.strip():
                break
        first = head[-1] if head else b""
        if first is not None and not first.strip():
            yield Record(name, error=RecordError("", "пустой ввод: нет ни одного дела"))
            return
        if first is not None and _looks_like_table(first):
            yield Record(name, error=RecordError("", TABLE_FILE.format(what="CSV")))
            return
        is_lines = first is None  # an over-long first line: JSON Lines, that line an error
        if first is not None:
            # the first line a whole JSON value (not the opening of an array), or a bad first line whose
            # next line is a whole value: JSON Lines, each line its own record — a bad line is that
            # record's error and the rest goes on, as in a file
            starts_array = first.strip().lstrip(b"\xef\xbb\xbf").startswith(b"[")
            first_whole = _whole(first, encoding)
            if first_whole and not starts_array:
                is_lines = True
            elif first_whole == starts_array:  # «[1, 2]» alone, or a bad line that opens no array
                for raw in lines:
                    head.append(raw)
                    if raw is None or raw.strip():
                        break
                second = head[-1] if len(head) > 1 else None
                is_lines = second is not None and second.strip() != b"" and _whole(second, encoding)
        if not is_lines:
            data = _read_whole(name, fh, b"".join(x for x in head if x is not None))
            yield from [data] if isinstance(data, Record) else _read_document(name, data, encoding)
            return
        yield from _read_lines(name, _chain(head, lines), encoding)
        return
    yield from _read_lines(name, lines, encoding)


def _whole(line: bytes, encoding: str) -> bool:
    try:
        parse_json(decode_bytes(line.strip(), encoding))
        return True
    except JsonProblem:
        return False


def _looks_like_table(first: bytes) -> bool:
    """A first line with no JSON in it and cells between «;» or «,»: a table's header."""
    line = first.strip().lstrip(b"\xef\xbb\xbf")
    return bool(line) and line[:1] not in b"{[\"" and (line.count(b";") >= 2 or line.count(b",") >= 2 or
                                                      line.count(b"\t") >= 2)


def _chain(head: list[bytes | None], rest: Iterator[bytes | None]) -> Iterator[bytes | None]:
    yield from head
    yield from rest


def _line_record(name: str, lineno: int, raw: bytes, encoding: str) -> Record | None:
    """One JSON Lines line as an unparsed record; None for a blank line (skipped)."""
    if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    raw = raw.rstrip(b"\r\n")
    if not raw.strip():
        return None
    return Record(f"{name}:{lineno}", raw=raw, encoding=encoding)


def _read_lines(name: str, lines: Iterable[bytes | None], encoding: str) -> Iterator[Record]:
    any_line = False
    for lineno, raw in enumerate(lines, 1):
        if raw is None:
            any_line = True
            yield Record(f"{name}:{lineno}", error=RecordError("", LONG_LINE))
            continue
        if raw == b"":  # only _lines gives an empty line: the over-long one never ended
            yield Record(f"{name}:{lineno - 1}", error=RecordError("", ENDLESS))
            return
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
