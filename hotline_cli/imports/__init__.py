"""`hotline import`: the hotline's real exports — Usedesk's API dumps, GSIS and Naumen tables —
become case records (docs/case-format.md). An adapter, not the procedure: it translates the
systems' shapes into the case contract and never invents a fact (import.md).

    usedesk.py   Usedesk /ticket and /client bodies → parts
    tables.py    CSV / .xlsx rows, through the mapping file → parts
    mapping.py   the mapping file's value types, cells → the contract's values
    model.py     a part and the keys that tie parts together
    merge.py     parts → one case per client disagreement (pure)
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field

from hotline_cli.imports.mapping import Mapping
from hotline_cli.imports.merge import Built, merge
from hotline_cli.imports.model import Part
from hotline_cli.imports.tables import Unused, read_table
from hotline_cli.imports.usedesk import Dump


@dataclass
class Imported:
    cases: list[Built] = field(default_factory=list)
    unused: list[Unused] = field(default_factory=list)  # in the order the sources were read
    records: int = 0  # source records read (tickets, cards, rows)
    parts: list[Part] = field(default_factory=list)


def run_import(usedesk: Iterable[str], tables: Iterable[str], mapping: Mapping, hpcc_manager: str | None,
               encoding: str = "utf-8") -> Imported:
    from hotline_cli.io.sources import read_records

    out = Imported()
    parts: list[Part | Unused] = []
    dump = Dump(mapping.usedesk, hpcc_manager)
    usedesk = list(usedesk)
    for rec in read_records(usedesk, encoding):  # pass 1: the client cards (small)
        if rec.error is None and Dump.kind(rec.data) == "card":
            dump.card(rec.data)
    latest: dict[str, tuple[str, int]] = {}  # ticket id → (its last update, its place in `parts`)
    for rec in read_records(usedesk, encoding):  # pass 2: each ticket as it comes
        out.records += 1
        kind = Dump.kind(rec.data) if rec.error is None else None
        if rec.error is not None:
            where = f"{rec.error.path}: " if rec.error.path else ""
            parts.append(Unused(rec.source, where + rec.error.message, True))
        elif kind == "ticket":
            tid, stamp = Dump.identity(rec.data)
            part = dump.ticket(rec.source, rec.data)
            if tid is not None and tid in latest:  # the same ticket dumped twice: the later state
                old_stamp, at = latest[tid]
                if stamp >= old_stamp:
                    parts[at] = part
                    latest[tid] = (stamp, at)
                continue
            if tid is not None:
                latest[tid] = (stamp, len(parts))
            parts.append(part)
        elif kind is None:
            parts.append(Dump.not_a_ticket(rec.source, rec.data))
    for x in parts:
        (out.parts.append if isinstance(x, Part) else out.unused.append)(x)  # type: ignore[arg-type]
    for path in tables:
        if not os.path.isfile(path):
            out.unused.append(Unused(path, "файл не найден" if not os.path.exists(path) else "это не файл", True))
            continue
        for x in read_table(path, mapping):
            out.records += 1
            (out.parts.append if isinstance(x, Part) else out.unused.append)(x)  # type: ignore[arg-type]
    out.cases, more = merge(out.parts)
    out.parts = []
    out.unused.extend(more)
    return out
