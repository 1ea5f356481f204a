"""`hotline import` as a run: the sources read and merged (hotline_cli.imports), each case
checked against the contract, what was left out said line by line, the exit status.

Exit status (import.md): 0 every case is complete; 2 a source record could not be read or
mapped, or a case lacks a required fact — the incomplete case is still written, so that
`audit` reports it (HL001) with the same reason.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from hotline_cli.imports import Imported, run_import
from hotline_cli.imports.mapping import Mapping


@dataclass
class Report:
    imported: Imported
    lines: list[str] = field(default_factory=list)  # for standard error, each made safe by the shell
    complete: int = 0
    incomplete: int = 0
    errors: int = 0  # unreadable or unmappable records

    @property
    def exit_code(self) -> int:
        return 2 if self.errors or self.incomplete else 0

    def summary(self) -> str:
        i = self.imported
        return (f"hotline import: записей прочитано {i.records}, дел {i.count} (полных {self.complete}, "
                f"неполных {self.incomplete}), не использовано записей {len(i.unused)} (из них ошибок {self.errors})")

    def cases(self, today: date | None) -> Iterator[dict[str, Any]]:
        """Each case as it is built, checked against the contract; what it lacks said in `lines`."""
        from hotline_cli.io.contract import validate

        for b in self.imported.cases():
            cid = b.case["case_id"]
            self.lines.extend(f"{cid}: {n}" for n in b.notes)
            if today is not None:
                late = [e for e in b.case.get("events", ()) if e["at"][:10] > today.isoformat()]
                self.lines.extend(f"{cid}: событие {e['type']} {e['at']} позже --today {today.isoformat()} "
                                  f"({e['source']})" for e in late)
            err = validate(b.case)  # the contract says what is missing, with where it usually comes from
            if err is not None:
                self.incomplete += 1
                self.lines.extend(f"{cid}: {_said(d['path'], d['message'])}"
                                  for d in [{"path": err.path, "message": err.message}, *(err.details or ())])
            else:
                self.complete += 1
            yield b.case


def _said(path: str, message: str) -> str:
    """«нет /product/category: нужна таблица заявок GSIS (…)» for a missing field; else «/path: message»."""
    if message.startswith("нет обязательного поля") and "; " in message:
        return f"нет {path}: {message.split('; ', 1)[1]}"
    return f"{path}: {message}" if path else message


def execute(usedesk: list[str], tables: list[str], mapping: Mapping, hpcc_manager: str | None,
            encoding: str) -> Report:
    """The sources read and tied together; the cases are built as `Report.cases` is read."""
    rep = Report(run_import(usedesk, tables, mapping, hpcc_manager, encoding))
    for u in rep.imported.unused:
        if u.error:
            rep.errors += 1
            rep.lines.append(f"{u.source}: {u.reason}")
        else:
            rep.lines.append(f"{u.source}: не использовано — {u.reason}")
    return rep


def render(cases: Iterable[dict[str, Any]], fmt: str) -> Iterator[bytes]:
    """The cases as JSON Lines (one a line) or one JSON array, UTF-8."""
    from hotline_cli.io.writers import dumps_bytes

    if fmt == "json":
        yield b"["
        for i, c in enumerate(cases):
            yield (b",\n" if i else b"\n") + dumps_bytes(c)
        yield b"\n]\n"
        return
    for c in cases:
        yield dumps_bytes(c) + b"\n"


def command(usedesk: tuple[str, ...], tables: tuple[str, ...], mapping_path: str | None, config_path: str | None,
            today: date | None, output: str | None, fmt: str, encoding: str) -> int:
    """`hotline import`: the cases to --output or standard output, every unused record said on
    standard error, then the summary; the exit status (2 when a record was not read)."""
    from hotline_cli.imports.mapping import MappingError, load_mapping
    from hotline_cli.io.sources import check_encoding
    from hotline_cli.run.shell import Problem, Usage, guard_outputs, load_settings, open_output, say

    if not usedesk and not tables:
        raise Usage("укажите выгрузки: --usedesk ФАЙЛ и/или --table ФАЙЛ")
    bad_encoding = check_encoding(encoding)
    if bad_encoding:
        raise Problem(f"--encoding: {bad_encoding}")
    try:
        mapping = load_mapping(mapping_path)
    except MappingError as e:
        raise Problem(str(e)) from None
    if tables and not mapping.tables:
        raise Problem("для --table нужен файл сопоставления с разделами [[table]]: --mapping import.example.toml")
    settings = load_settings(config_path)
    guard_outputs({"--output": output}, [*usedesk, *tables, *([mapping_path] if mapping_path else [])])
    report = execute(list(usedesk), list(tables), mapping, settings.hpcc_manager, encoding)
    with open_output(output, binary=True) as out:
        target: Any = out if output else sys.stdout.buffer
        for chunk in render(report.cases(today), fmt):
            target.write(chunk)
    for line in report.lines:
        say(f"hotline: {line}")
    say(report.summary())
    return report.exit_code
