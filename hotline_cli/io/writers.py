"""Writers for text, json, jsonl, csv and table: results are plain dicts, each command's
view (`views`) says what its text and rows are; nothing here decides anything."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Callable, Iterable
from typing import IO, Any, Protocol

from hotline_cli.io.safe import one_line, safe_cell, safe_text


class View(Protocol):
    """What a writer needs of a command: its text lines, its columns and rows."""

    @property
    def text(self) -> Callable[[dict[str, Any]], Iterable[str]]: ...

    @property
    def columns(self) -> list[str]: ...

    @property
    def rows(self) -> Callable[[dict[str, Any]], Iterable[dict[str, Any]]]: ...


_ENCODE = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
# json escapes C0 controls itself; C1 controls (a lone 0x9b is a terminal's CSI) and the
# line separators JavaScript readers choke on are escaped here as well (and lone
# surrogates, which no UTF-8 stream can carry). Checked first: rewriting only the rare
# line that has one (str.translate on every line cost 5x the encoding itself).
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _json_escape(m: re.Match[str]) -> str:
    return f"\\u{ord(m.group()):04x}"


def dumps(obj: object) -> str:
    text = _ENCODE(obj)
    if _JSON_UNSAFE.search(text) is None:
        return text
    return _JSON_UNSAFE.sub(_json_escape, text)


def cells(row: dict[str, Any], columns: list[str]) -> list[object]:
    return [safe_cell(row.get(c)) for c in columns]


def fragment(r: dict[str, Any], fmt: str, view: View) -> Any:
    """What one result adds to the output in `fmt` (rows for a table, text otherwise)."""
    if fmt == "jsonl":
        return dumps(r) + "\n"
    if fmt == "json":
        return dumps(r)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        for row in view.rows(r):
            w.writerow(cells(row, view.columns))
        return buf.getvalue()
    if fmt == "table":  # a cell is one line: a line break in a field must not forge a row
        return [[one_line(c) if isinstance(c, str) else c for c in cells(row, view.columns)] for row in view.rows(r)]
    return "".join(safe_text(line) + "\n" for line in view.text(r))


def join(frags: list[Any], fmt: str) -> tuple[str, int]:
    """Fragments joined as `Sink.write` would write them one by one: (text, how many)."""
    if fmt == "json":
        return ",\n  ".join(frags), len(frags)
    if fmt == "text":
        frags = [f for f in frags if f]
        return "\n".join(frags), len(frags)
    return "".join(frags), len(frags)


def _utf8_buffer(out: IO[str]) -> IO[bytes] | None:
    """The byte stream under a text stream that encodes UTF-8 with no newline translation."""
    import codecs

    buffer = getattr(out, "buffer", None)
    encoding = getattr(out, "encoding", None)
    if buffer is None or not encoding or codecs.lookup(encoding).name != "utf-8" or os.linesep != "\n":
        return None
    return buffer


class Sink:
    """Writes fragments in input order with each format's framing (CSV header, JSON array)."""

    def __init__(self, out: IO[str], fmt: str, view: View):
        self.out, self.fmt, self.view = out, fmt, view
        self.count = 0
        self.binary: IO[bytes] | None | bool = None  # out's UTF-8 byte stream, False when it has none
        self.table_rows: list[Any] = []
        if fmt == "csv":
            csv.writer(out, lineterminator="\n").writerow(view.columns)

    def write(self, frag: Any) -> None:
        fmt = self.fmt
        if fmt == "table":
            self.table_rows.extend(frag)
            return
        if fmt == "json":
            self.out.write("[\n  " if not self.count else ",\n  ")
        elif fmt == "text":
            if not frag:
                return
            if self.count:
                self.out.write("\n")
        self.out.write(frag)
        self.count += 1

    def write_block(self, data: bytes, n: int) -> None:
        """`n` fragments joined by `join`, in UTF-8 (not for tables). Written to the binary
        stream under a UTF-8 output as they are: the parent process does not decode and
        encode again what the workers encoded (0.3 s of its CPU per 100 000 cases)."""
        if not n:
            return
        sep = ""
        if self.fmt == "json":
            sep = "[\n  " if not self.count else ",\n  "
        elif self.fmt == "text" and self.count:
            sep = "\n"
        self.count += n
        if self.binary is None:
            self.binary = _utf8_buffer(self.out) or False
            if self.binary:
                self.out.flush()  # what was written as text (a CSV header) goes first
        if self.binary:
            assert not isinstance(self.binary, bool)
            self.binary.write(sep.encode() + data if sep else data)
        else:
            self.out.write(sep + data.decode("utf-8", "backslashreplace"))

    def close(self, trailer: Iterable[str] = ()) -> None:
        if self.fmt == "json":
            self.out.write("\n]\n" if self.count else "[]\n")
        elif self.fmt == "table":
            from tabulate import tabulate  # only this format pays for the import

            self.out.write(tabulate(self.table_rows, headers=self.view.columns, tablefmt="simple",
                                    disable_numparse=True) + "\n")
        elif self.fmt == "text":
            for line in trailer:
                self.out.write(safe_text(line) + "\n")
