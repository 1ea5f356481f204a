"""GSIS and Naumen tables as people hand them over: CSV in any of Excel's dialects (`;` or
`,`, UTF-8 with or without a BOM, cp1251) and `.xlsx` workbooks (read-only and streamed:
a 100 000-row sheet in flat memory), read through the mapping file into `Part`s.

The header is found, not assumed: the first of the top 30 rows that holds every column the
mapping names. A two-row header whose upper cells are merged («Клиент» over «ФИО»,
«Телефон») is named «Клиент / Телефон» as well as «Телефон».
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from hotline_cli.imports.mapping import SKIP, CellError, Mapping, TableMapping, convert, row_part, value_key
from hotline_cli.imports.model import Part

HEADER_SCAN = 30
MAX_CELL = 1024 * 1024  # a CSV cell past this is not a table's (csv's own limit is 128 KB)


@dataclass
class Unused:
    """A source record that ends in no case, and why (one line on standard error)."""

    source: str
    reason: str
    error: bool = False  # unreadable or unmappable (status 2), not merely unrelated


def read_table(path: str, mapping: Mapping) -> Iterator[Part | Unused]:
    """Every row of one table as a Part, or as an Unused saying why not."""
    try:
        rows = _xlsx_rows(path, mapping) if _is_xlsx(path) else _csv_rows(path, mapping)
        header_at, header, fitting = _find_header(rows, mapping, path)
    except TableProblem as e:
        yield Unused(path, e.message, True)
        return
    except OSError as e:
        yield Unused(path, f"файл не читается: {e.strerror or e}", True)
        return
    yield from _rows(path, rows, header_at, header, fitting)


class TableProblem(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _is_xlsx(path: str) -> bool:
    with open(path, "rb") as fh:
        return fh.read(4) == b"PK\x03\x04"


class Rows:
    """Rows as lists of cells, numbered as the user sees them (1-based), with a look-ahead
    for the header."""

    def __init__(self, it: Iterator[list[Any]]):
        self.it = it
        self.head: list[list[Any]] = []
        self.number = 0

    def peek(self, n: int) -> list[list[Any]]:
        while len(self.head) < n:
            try:
                self.head.append(next(self.it))
            except StopIteration:
                break
        return self.head[:n]

    def __iter__(self) -> Iterator[tuple[int, list[Any]]]:
        n = 0
        for row in self.head:
            n += 1
            yield n, row
        for row in self.it:
            n += 1
            yield n, row


def _csv_rows(path: str, mapping: Mapping) -> Rows:
    with open(path, "rb") as fh:
        sample = fh.read(64 * 1024)
    forced = next((t.encoding for t in mapping.tables if t.encoding and t.fits(path)), None)
    encoding = forced or _encoding(sample)
    text_sample = sample.decode(encoding, "replace")
    lines = [ln for ln in text_sample.splitlines()[:HEADER_SCAN] if ln.strip()]
    delimiter = max(";,\t", key=lambda d: sum(ln.count(d) for ln in lines)) if lines else ";"

    def gen() -> Iterator[list[Any]]:
        with open(path, encoding=encoding, errors="strict", newline="") as fh:
            reader = csv.reader(fh, delimiter=delimiter, quotechar='"')
            try:
                yield from reader
            except UnicodeDecodeError:
                raise TableProblem(f"файл не в кодировке {encoding}: укажите encoding в [[table]] сопоставления") \
                    from None
            except csv.Error as e:
                raise TableProblem(f"строка {reader.line_num}: не разбирается как CSV ({e})") from None

    csv.field_size_limit(MAX_CELL)
    return Rows(gen())


def _encoding(sample: bytes) -> str:
    """UTF-8 (with its BOM, or valid as UTF-8), else Windows-1251: what Russian Excel saves."""
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as e:
        if e.start >= len(sample) - 3:  # a character cut by the sample's end
            return "utf-8"
        return "cp1251"


def _xlsx_rows(path: str, mapping: Mapping) -> Rows:
    from openpyxl import load_workbook  # read-only: rows are streamed from the file

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a file that is not a workbook
        raise TableProblem(f"не открывается как книга Excel (.xlsx): {type(e).__name__}") from None
    wanted = next((t.sheet for t in mapping.tables if t.sheet and t.fits(path) and t.sheet in wb.sheetnames), None)
    ws = wb[wanted] if wanted else wb.worksheets[0]

    def gen() -> Iterator[list[Any]]:
        try:
            for row in ws.iter_rows(values_only=True):
                yield list(row)
        finally:
            wb.close()

    return Rows(gen())


def _names(rows: list[list[Any]], at: int) -> list[set[str]]:
    """The names of each column of the header row `at` (0-based): its own cell, and with the
    row above (merged cells: the value stands in the first cell, carried to the right)."""
    row = rows[at]
    above = rows[at - 1] if at > 0 else []
    names: list[set[str]] = []
    carried = ""
    for i, cell in enumerate(row):
        up = above[i] if i < len(above) else None
        if up is not None and str(up).strip():
            carried = str(up).strip()
        own = str(cell).strip() if cell is not None else ""
        found = {value_key(own)} if own else set()
        if own and carried:
            found.add(value_key(f"{carried} / {own}"))
        if not own and carried and (up is not None and str(up).strip()):
            found.add(value_key(carried))  # a header cell merged down over two rows
        names.append(found)
    return names


def _find_header(rows: Rows, mapping: Mapping, path: str) -> tuple[int, dict[str, int], TableMapping]:
    head = rows.peek(HEADER_SCAN)
    if not head or not any(any(c is not None and str(c).strip() for c in r) for r in head):
        raise TableProblem("пустая таблица: нет ни одной строки")
    candidates = [t for t in mapping.tables if t.fits(path)]
    if not mapping.tables:
        raise TableProblem("для таблиц нужен файл сопоставления: --mapping import.example.toml "
                           "(какой столбец — какое поле дела)")
    best: tuple[int, int, dict[str, int], TableMapping] | None = None
    closest: tuple[int, TableMapping, int] | None = None
    for at in range(len(head)):
        names = _names(head, at)
        for t in candidates:
            found: dict[str, int] = {}
            for target, header in t.columns.items():
                key = value_key(header)
                idx = next((i for i, n in enumerate(names) if key in n), None)
                if idx is not None:
                    found[target] = idx
            if len(found) == len(t.columns):
                if best is None or len(found) > best[1]:
                    best = (at, len(found), found, t)
            elif closest is None or len(found) > closest[2]:
                closest = (at, t, len(found))
    if best is None:
        if closest is None or closest[2] == 0:
            raise TableProblem("ни одна таблица из сопоставления не подходит: не найдено ни одного столбца "
                               + ", ".join(f"«{h}»" for t in candidates[:1] for h in t.columns.values()))
        at, t, _ = closest
        names = _names(head, at)
        missing = [h for h in t.columns.values() if not any(value_key(h) in n for n in names)]
        raise TableProblem(f"похоже на «{t.name}», но нет столбцов: " + ", ".join(f"«{h}»" for h in missing))
    at, _, found, t = best
    return at + 1, found, t


def _rows(path: str, rows: Rows, header_at: int, header: dict[str, int], t: TableMapping) -> Iterator[Part | Unused]:
    for number, row in rows:
        if number <= header_at:
            continue
        if not any(c is not None and str(c).strip() for c in row):
            continue  # a blank row (Excel leaves them): nothing to lose
        source = f"{path}:строка {number}"
        values: dict[str, Any] = {}
        problems: list[str] = []
        for target, idx in header.items():
            cell = row[idx] if idx < len(row) else None
            if isinstance(cell, str) and len(cell) > MAX_CELL:
                problems.append(f"столбец «{t.columns[target]}»: ячейка длиннее 1 МБ")
                continue
            try:
                v = convert(target, cell, t.values, t.date_formats, t.timezone)
            except CellError as e:
                problems.append(f"столбец «{t.columns[target]}»: {e.message}")
                continue
            if v is not None:
                values[target] = v
        if problems:
            yield Unused(source, "; ".join(problems), True)
            continue
        skipped = [f"«{_cell(row, header[k])}» в столбце «{t.columns[k]}»" for k, v in values.items()
                   if v == SKIP or (isinstance(v, list) and SKIP in v)]
        if skipped:
            yield Unused(source, "строка не о деле по статье (" + ", ".join(skipped) + ")")
            continue
        if "event.type" in values and "event.at" not in values and "opened_at" not in values:
            yield Unused(source, f"столбец «{t.columns.get('event.at', 'event.at')}»: нет даты и времени события",
                         True)
            continue
        yield row_part(values, source)


def _cell(row: list[Any], idx: int) -> str:
    return str(row[idx]).strip() if idx < len(row) and row[idx] is not None else ""
