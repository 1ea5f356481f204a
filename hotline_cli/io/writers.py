"""Writers for text, json, jsonl, csv and table: results are plain dicts, each command's
view (`views`) says what its text and rows are; nothing here decides anything."""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable, Iterable
from typing import IO, Any, Final, Protocol

from hotline_cli.io.fast import encoder
from hotline_cli.io.safe import one_line, safe_cell
from hotline_cli.io.screen import DEFAULT_WIDTH, render


class View(Protocol):
    """What a writer needs of a command: its text lines, its columns and rows."""

    @property
    def text(self) -> Callable[[dict[str, Any]], Iterable[str]]: ...

    @property
    def columns(self) -> list[str]: ...

    @property
    def rows(self) -> Callable[[dict[str, Any]], Iterable[dict[str, Any]]]: ...

    @property
    def headers(self) -> list[str]: ...

    @property
    def table(self) -> Callable[[dict[str, Any]], Iterable[list[str]]]: ...

    @property
    def wide(self) -> int: ...


# JSON is written by msgspec (C, compact: no spaces after «,» and «:»), escaped further for
# readers that choke on what JSON allows raw: DEL, C1 controls (a lone 0x9b is a terminal's
# CSI) and the line separators U+2028/U+2029 JavaScript does not take in a string.
_UNSAFE_BYTES: Final = re.compile(b"\x7f|\xc2[\x80-\x9f]|\xe2\x80[\xa8\xa9]")
# whether there is one at all: searches led by a literal byte, which the regular expression engine
# skips to, instead of the alternation tried at every position (100 MB of audit results: 0.05 s
# against 0.19 s, measured)
_C1_BYTES: Final = re.compile(b"\xc2[\x80-\x9f]")
_SEPARATOR_BYTES: Final = re.compile(b"\xe2\x80[\xa8\xa9]")
# the stand-ins themselves escaped too: exact (a surrogate made by chr: mypyc takes none in a literal)
_SURROGATES: Final = re.compile(f"[{chr(0xD800)}-{chr(0xDFFF)}\ue000\ue001]")
_MARK_OPEN, _MARK_CLOSE = "\ue000", "\ue001"  # a lone surrogate's stand-in while msgspec encodes
_MARKED = re.compile("\ue000([0-9a-f]{4})\ue001".encode())




def _first_encode(obj: object) -> bytes:
    """msgspec's encoder, imported on the first JSON written (a text screen never needs it:
    9 ms of a one-case start-up); it then takes `_ENCODE`'s place."""
    global _ENCODE
    _ENCODE = encoder()
    return _ENCODE(obj)


_ENCODE: Callable[[object], bytes] = _first_encode


def _escape_bytes(m: re.Match[bytes]) -> bytes:
    return b"\\u%04x" % ord(m.group().decode("utf-8"))


def _escaped(data: bytes) -> bytes:
    """UTF-8 JSON with DEL, the C1 controls and U+2028/U+2029 written as \\uXXXX escapes."""
    if b"\x7f" in data or _C1_BYTES.search(data) or _SEPARATOR_BYTES.search(data):
        return _UNSAFE_BYTES.sub(_escape_bytes, data)
    return data


def dumps_bytes(obj: object) -> bytes:
    """One JSON value as UTF-8 bytes, compact, with every unsafe character escaped."""
    try:
        data = _ENCODE(obj)
    except UnicodeEncodeError:  # a lone surrogate (valid JSON: "\ud800"), which UTF-8 cannot carry
        data = _with_surrogates(obj)
    return _escaped(data)


def _with_surrogates(obj: object) -> bytes:
    """msgspec's bytes for a value holding lone surrogates: each written as its \\uXXXX escape (and
    so are U+E000 and U+E001, the stand-ins: the same characters, escaped)."""
    def mark(v: Any) -> Any:
        if isinstance(v, str):
            return _SURROGATES.sub(lambda m: f"{_MARK_OPEN}{ord(m.group()):04x}{_MARK_CLOSE}", v)
        if isinstance(v, list):
            return [mark(x) for x in v]
        if isinstance(v, dict):
            return {mark(k): mark(x) for k, x in v.items()}
        return v

    return _MARKED.sub(lambda m: b"\\u" + m.group(1), _ENCODE(mark(obj)))


def jsonl_line(obj: object) -> bytes:
    """One JSON Lines line as msgspec writes it, not yet escaped: `jsonl_block` escapes a
    block of them at once (a lone surrogate is escaped here: it cannot wait)."""
    try:
        return _ENCODE(obj) + b"\n"
    except UnicodeEncodeError:
        return _with_surrogates(obj) + b"\n"


def jsonl_block(lines: list[bytes]) -> bytes:
    """`jsonl_line`s joined and escaped as `dumps_bytes` escapes each value: the same bytes
    (what is escaped is a whole UTF-8 character, never across a line's end), one search per
    block instead of one per line."""
    data = b"".join(lines)
    return _escaped(data)


def dumps(obj: object) -> str:
    return dumps_bytes(obj).decode("utf-8")


def cells(row: dict[str, Any], columns: list[str]) -> list[object]:
    return [safe_cell(row.get(c)) for c in columns]


def fragment(r: dict[str, Any], fmt: str, view: View, width: int = DEFAULT_WIDTH) -> Any:
    """What one result adds to the output in `fmt` (rows for a table, text otherwise)."""
    if fmt == "jsonl":
        return dumps(r) + "\n"
    if fmt == "json":
        return dumps(r)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv_writer(buf, fmt)
        for row in view.rows(r):
            w.writerow(cells(row, view.columns))
        return buf.getvalue()
    if fmt == "csv-excel":  # for people in Excel: what the table and the workbook show, in Russian
        buf = io.StringIO()
        w = csv_writer(buf, fmt)
        for line in view.table(r):
            w.writerow([safe_cell(c) for c in line])
        return buf.getvalue()
    if fmt == "none":  # --statistics: the records are counted, not written
        return ""
    if fmt == "xlsx":  # the workbook takes the result itself
        return r
    if fmt == "table":  # a person's table: Russian headers and values; a cell is one line
        return [[one_line(str(c)) for c in row] for row in view.table(r)]
    return render(view.text(r), width)


def csv_writer(out: IO[str], fmt: str) -> Any:
    """RFC 4180 for programs; for Russian Excel (csv-excel) «;» between cells and CRLF lines
    (the BOM is the Sink's: Excel then reads UTF-8 by a double-click)."""
    if fmt == "csv-excel":
        return csv.writer(out, delimiter=";", lineterminator="\r\n")
    return csv.writer(out, lineterminator="\n")


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

    buffer: IO[bytes] | None = getattr(out, "buffer", None)
    encoding = getattr(out, "encoding", None)
    if buffer is None or not encoding or codecs.lookup(encoding).name != "utf-8" or os.linesep != "\n":
        return None
    return buffer


class Sink:
    """Writes fragments in input order with each format's framing (CSV header, JSON array)."""

    def __init__(self, out: IO[str], fmt: str, view: View, width: int = DEFAULT_WIDTH):
        self.out, self.fmt, self.view, self.width = out, fmt, view, width
        self.count = 0
        self.binary: IO[bytes] | None | bool = None  # out's UTF-8 byte stream, False when it has none
        self.table_rows: list[Any] = []
        if fmt == "csv-excel":
            out.write("\ufeff")
        if fmt in ("csv", "csv-excel"):
            csv_writer(out, fmt).writerow(view.headers if fmt == "csv-excel" and view.headers else view.columns)

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
            self.out.write(table(self.table_rows, self.view.headers, self.width, self.view.wide))
        elif self.fmt == "text":
            self.out.write(render(trailer, self.width))


NARROW: Final = 24  # a table column other than the wide one wraps past this many characters when space is short


def table(rows: list[list[str]], headers: list[str], width: int, wide: int = -1) -> str:
    """A table for people that fits `width` columns: the `wide` column wraps (by words) into
    what the others leave; the others keep their widths."""
    from tabulate import tabulate  # only this format pays for the import

    if not rows:
        return "(нет строк)\n"
    n = len(headers)
    wide = wide % n
    fitted = []
    for r in rows:  # a short row (a record's error: case, message) puts its last cell in the wide column
        if len(r) < n:
            full = [r[0]] + [""] * (n - 1)
            full[wide] = r[-1]
            r = full
        fitted.append(r)
    rows = fitted
    # tabulate pads a header by 2 (MIN_PADDING): a column is at least its header and 2
    natural = [max(len(headers[i]) + 2, *(len(r[i]) for r in rows)) for i in range(n)]
    limits: list[int | None] = [None] * n
    if sum(natural) + 2 * (n - 1) > width:
        # the other columns give up width past NARROW, then more (the widest first, never below their
        # header) until the wide one has NARROW; the wide one wraps into what is left
        for i in range(n):
            if i != wide and natural[i] > NARROW:
                limits[i], natural[i] = NARROW, NARROW

        def room() -> int:
            return width - sum(w for i, w in enumerate(natural) if i != wide) - 2 * (n - 1)

        while room() < NARROW:
            i = max((i for i in range(n) if i != wide), key=lambda i: natural[i] - len(headers[i]) - 2)
            if natural[i] <= max(len(headers[i]) + 2, 8):
                break
            natural[i] -= 1
            limits[i] = natural[i]
        limits[wide] = max(8, room())
    text: str = tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True, maxcolwidths=limits)
    return text + "\n"


class NullSink:
    """--statistics: nothing per record."""

    def write(self, frag: Any) -> None:
        pass

    def write_block(self, data: bytes, n: int) -> None:
        pass

    def close(self, trailer: Iterable[str] = ()) -> None:
        pass


STATISTICS_COLUMNS = ["section", "key", "label", "cases", "compliant", "compliance_rate", "findings"]
STATISTICS_HEADERS = ["Раздел", "Ключ", "Что", "Дел", "Без ошибок", "Доля", "Находок"]
EXCEL_STATISTICS = ["Раздел", "Что", "Дел", "Без ошибок", "Доля, %", "Находок"]
SECTION_RU = {"total": "итог", "rule": "правило", "by_situation": "по ситуациям", "by_week": "по неделям",
              "by_month": "по месяцам", "by_city": "по городам", "by_category": "по технике",
              "by_channel": "по каналам", "by_operator": "по операторам", "by_expert": "по экспертам"}


def excel_statistics_row(row: dict[str, Any]) -> list[object]:
    """A statistics row for Russian Excel: Russian section and labels, the rule's code beside its
    title, the share in per cent with a decimal comma."""
    label = row.get("label")
    if row["section"] == "rule":
        label = f"{row['key']} {label}"
    share = row.get("compliance_rate")
    return [safe_cell(x) for x in (SECTION_RU.get(row["section"], row["section"]), label, row.get("cases"),
                                   row.get("compliant"),
                                   f"{100 * share:.1f}".replace(".", ",") if share is not None else None,
                                   row.get("findings"))]


def statistics_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The summary as rows: the totals, each code, each breakdown."""
    rows: list[dict[str, Any]] = [
        {"section": "total", "key": k, "label": label, "cases": data[k]}
        for k, label in (("read", "записей прочитано"), ("unread_inputs", "входов без записей"),
                         ("invalid", "некорректных записей"), ("valid", "дел"),
                         ("with_errors", "дел с ошибками"), ("with_warnings_only", "дел только с предупреждениями"),
                         ("clean", "дел без замечаний"))]
    rows.append({"section": "total", "key": "compliant", "label": "соответствуют статье", "cases": data["valid"],
                 "compliant": data["compliant"], "compliance_rate": data["compliance_rate"]})
    rows += [{"section": "rule", "key": r["code"], "label": r["title"], "findings": r["findings"]}
             for r in data["rules"]]
    for key, value in data.items():
        if key.startswith("by_"):
            rows += [dict({k: r[k] for k in ("key", "label", "cases", "compliant", "compliance_rate", "findings")},
                          section=key) for r in value]
    return rows


def write_statistics(out: IO[str], fmt: str, data: dict[str, Any], text: Iterable[str], width: int) -> None:
    """--statistics: the audit's summary alone, in any format but xlsx (the workbook's)."""
    if fmt in ("json", "jsonl"):
        out.write(dumps(data) + "\n")
    elif fmt in ("csv", "csv-excel"):
        if fmt == "csv-excel":
            out.write("\ufeff")
        w = csv_writer(out, fmt)
        if fmt == "csv-excel":  # Russian headers and labels
            w.writerow(EXCEL_STATISTICS)
            for row in statistics_rows(data):
                w.writerow(excel_statistics_row(row))
            return
        w.writerow(STATISTICS_COLUMNS)
        for row in statistics_rows(data):
            w.writerow(cells(row, STATISTICS_COLUMNS))
    elif fmt == "table":
        rows = [[one_line(str(c)) for c in cells(row, STATISTICS_COLUMNS)] for row in statistics_rows(data)]
        out.write(table(rows, STATISTICS_HEADERS, width, 2))
    else:
        out.write(render(text, width))
