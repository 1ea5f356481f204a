"""`hotline import`: the hotline's real exports — Usedesk's API dumps, GSIS and Naumen tables —
become case records (docs/case-format.md). An adapter, not the procedure: it translates the
systems' shapes into the case contract and never invents a fact (import.md).

    usedesk.py   Usedesk /ticket and /client bodies → parts
    tables.py    CSV / .xlsx rows, through the mapping file → parts
    mapping.py   the mapping file's value types, cells → the contract's values
    model.py     a part and the keys that tie parts together
    merge.py     parts → one case per client disagreement (pure)

Memory: each part is written to an unnamed temporary file as it is read (gone with the
process, whatever ends it); only the index that ties parts together stays in memory — a few
numbers and hashes a part — and each case is built from its parts when its turn to be
written comes.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from hotline_cli.imports.mapping import Mapping
from hotline_cli.imports.merge import Built, Index, build
from hotline_cli.imports.model import Part
from hotline_cli.imports.tables import Unused, read_table
from hotline_cli.imports.usedesk import Dump


class Spill:
    """Parts on disk, by number: an unnamed temporary file (no name to leave behind)."""

    def __init__(self) -> None:
        self.fh: IO[bytes] = tempfile.TemporaryFile(prefix="hotline-import-")  # noqa: SIM115 — lives with the run
        self.offsets: list[int] = []

    def put(self, part: Part) -> None:
        self.fh.seek(0, os.SEEK_END)
        self.offsets.append(self.fh.tell())
        pickle.dump(part, self.fh, protocol=pickle.HIGHEST_PROTOCOL)

    def get(self, i: int) -> Part:
        self.fh.seek(self.offsets[i])
        part: Part = pickle.load(self.fh)
        return part

    def close(self) -> None:
        self.fh.close()


@dataclass
class Imported:
    unused: list[Unused] = field(default_factory=list)  # in the order the sources were read
    records: int = 0  # source records read (tickets, cards, rows)
    count: int = 0  # cases
    index: Index = field(default_factory=Index)
    spill: Spill = field(default_factory=Spill)
    _groups: list[list[int]] = field(default_factory=list)

    def add(self, x: Part | Unused) -> None:
        if isinstance(x, Part):
            self.index.add(x)
            self.spill.put(x)
        else:
            self.unused.append(x)

    def finish(self) -> None:
        """Tie the parts into groups; the parts of groups that are no case become unused lines."""
        cases = []
        for members in self.index.groups():
            why = self.index.is_case(members)
            if why is None:
                cases.append(members)
                continue
            for i in members:
                p = self.spill.get(i)
                self.unused.append(Unused(p.source, "; ".join([why, *p.notes, *self.index.notes.get(i, ())])))
        cases.sort(key=self.index.opened)
        self._groups = cases
        self.count = len(cases)

    def cases(self) -> Iterator[Built]:
        """Each case, built when its turn comes, in the order of the first contact (then the id)."""
        seen: dict[str, int] = {}
        batch: list[Built] = []
        last: Any = None
        for members in self._groups:
            when = self.index.opened(members)
            if batch and when != last:
                yield from _named(batch, seen)
                batch = []
            last = when
            batch.append(build([self.spill.get(i) for i in members],
                               [n for i in members for n in self.index.notes.get(i, ())]))
        yield from _named(batch, seen)
        self.spill.close()


def _named(batch: list[Built], seen: dict[str, int]) -> Iterator[Built]:
    """Cases of one moment by id; an id already given gets «-2», «-3»…"""
    for b in sorted(batch, key=lambda b: b.case["case_id"]):
        cid = b.case["case_id"]
        n = seen.get(cid, 0) + 1
        seen[cid] = n
        if n > 1:
            b.case = {"case_id": f"{cid}-{n}", **{k: v for k, v in b.case.items() if k != "case_id"}}
        yield b


def run_import(usedesk: Iterable[str], tables: Iterable[str], mapping: Mapping, hpcc_manager: str | None,
               encoding: str = "utf-8") -> Imported:
    from hotline_cli.io.sources import read_records

    out = Imported()
    dump = Dump(mapping.usedesk, hpcc_manager)
    usedesk = list(usedesk)
    for rec in read_records(usedesk, encoding):  # pass 1: the client cards (small)
        if rec.error is None and Dump.kind(rec.data) == "card":
            dump.card(rec.data)
    for rec in read_records(usedesk, encoding):  # pass 2: each ticket as it comes
        out.records += 1
        kind = Dump.kind(rec.data) if rec.error is None else None
        if rec.error is not None:
            where = f"{rec.error.path}: " if rec.error.path else ""
            out.add(Unused(rec.source, where + rec.error.message, True))
        elif kind == "ticket":
            out.add(dump.ticket(rec.source, rec.data))  # a ticket dumped twice merges with itself (merge)
        elif kind is None:
            out.add(Dump.not_a_ticket(rec.source, rec.data))
    for path in tables:
        if not os.path.isfile(path):
            out.unused.append(Unused(path, "файл не найден" if not os.path.exists(path) else "это не файл", True))
            continue
        for x in read_table(path, mapping):
            out.records += 1
            out.add(x)
    out.finish()
    return out
