"""The supervisor's month around the audit run: the previous export to compare with, the
waivers, the same case given twice, and the drill-down lists of the report.

- `previous(path, job)`: a saved `--statistics --format json`, or an export audited here with
  the same options;
- `Drill`: every case of the run as one compact line in an unnamed temporary file, read once
  more at the end to list each chart row's cases (the worst K of each) and the invalid
  records — flat memory whatever the month's size;
- `settle_duplicates`: a case id seen twice is looked at again (only those records): the later
  record (by `opened_at`, then its latest event, then input order) is counted, the others are
  taken back out of the summary and listed.
"""

from __future__ import annotations

import heapq
import json
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import IO, Any

from hotline_cli.io import sources
from hotline_cli.io.records import Record
from hotline_cli.procedure.audit import Summary
from hotline_cli.procedure.month import capped, id_hash, times_ru
from hotline_cli.run.pipeline import Counts, Job, Pipeline, built, checked, meta, parsed

LISTED = 20  # repeated cases said one by one on stderr; the rest in one line
PER_ROW = 20  # cases listed under each chart row of the page, worst first
INVALID_LISTED = 200  # invalid records listed by the page (the workbook has them all)
DRILL_DIMENSIONS = ("code", "week", "month", "situation", "channel", "city", "category", "operator", "expert")


class PreviousError(ValueError):
    """The previous export or statistics cannot be used (the message says why)."""


def previous(path: str, job: Job, encoding: str = "utf-8") -> dict[str, Any]:
    """The previous period's statistics: a saved `--statistics --format json` as it is, an
    export audited now with the run's own rules and date."""
    import os

    try:
        head = b""
        if not os.path.isdir(path):
            with open(path, "rb") as f:
                head = f.read(1 << 16)
    except OSError as e:
        from hotline_cli.io.atomic import os_error_ru

        raise PreviousError(f"--compare {path}: {os_error_ru(e)}") from None
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") and b'"compliance_rate"' in head:
        try:
            with open(path, encoding="utf-8-sig") as f:
                data = json.load(f)
        except (ValueError, OSError):
            data = None
        if isinstance(data, dict) and isinstance(data.get("rules"), list) and "compliance_rate" in data:
            return data
    counts = Counts.of("audit")
    quiet = replace(job, fmt="none", options=dict(job.options, drill=False))
    for _frag, m in Pipeline(quiet).many(sources.read_raw([path], encoding), staged=True):
        counts.add(m)
    s = counts.summary
    assert isinstance(s, Summary)
    if not s.valid:
        raise PreviousError(f"--compare {path}: ни одного корректного дела — это не выгрузка дел и не сохранённая "
                            "статистика (--statistics --format json)")
    settle_duplicates(s, [path], quiet, encoding)
    return s.as_dict()


# ------------------------------------------------------------------ the same case twice


def _recency(case: Any) -> tuple[Any, Any]:
    last = case.events[-1].at.at if case.events else case.opened.at
    return case.opened.at, max(last, case.opened.at)


def settle_duplicates(s: Summary, names: list[str], job: Job, encoding: str = "utf-8") -> list[str]:
    """Count each case id seen twice once: the later record wins (its `opened_at`, then its latest
    event, then input order); the others are taken back out of `s`. Returns the stderr lines.
    Standard input cannot be read again: its repeats stay counted, and that is said."""
    twice = s.ids.twice
    if not twice:
        return []
    if "-" in names or not names:
        s.duplicates_unresolved = len(twice)
        return [f"{len(twice)} дел встречаются во входе больше одного раза; стандартный ввод не перечитать — "
                "в итогах они посчитаны столько раз, сколько встретились"]
    pipeline = Pipeline(job)
    groups: dict[str, list[tuple[tuple[Any, Any], int, str, tuple[Any, ...]]]] = {}
    for order, rec in enumerate(_records(names, encoding)):
        data = rec.data
        case_id = data.get("case_id") if isinstance(data, dict) else None
        if not isinstance(case_id, str) or id_hash(case_id) not in twice:
            continue
        bad = checked(rec)
        case = built(rec) if bad is None else bad
        if isinstance(case, dict):
            continue  # an invalid record is counted as such, never as a case
        m = meta(pipeline.decide(rec, case))
        groups.setdefault(case_id, []).append((_recency(case), order, m[4][1] if m[4] else rec.source, m))
    lines = []
    for case_id, group in groups.items():
        if len(group) < 2:
            continue  # two ids with one fingerprint: not a repeat
        group.sort(key=lambda g: (g[0], g[1]))
        kept, dropped = group[-1], group[:-1]
        for _recent, _order, where, m in dropped:
            s.add(*m[:5], sign=-1)
            s.dropped.add((case_id, where))
        s.duplicates.append({"case_id": case_id, "kept": kept[2], "dropped": [d[2] for d in dropped]})
        where = ", ".join(g[2] for g in group[:3]) + (f" и ещё {len(group) - 3}" if len(group) > 3 else "")
        lines.append(f"дело {case_id} встречается {times_ru(len(group))} ({where}): в итогах посчитано одно — "
                     f"{kept[2]} (позже по дате обращения и событиям)")
    if len(lines) > LISTED:
        lines[LISTED:] = [f"и ещё {len(lines) - LISTED} дел встречаются больше одного раза (все — в --statistics)"]
    return lines


def _records(names: list[str], encoding: str) -> Iterator[Record]:
    for rec in sources.read_raw(names, encoding):
        yield parsed(rec)


# ------------------------------------------------------------------ the page's drill-down


def drill_line(r: dict[str, Any]) -> bytes:
    """A case as the page lists it (made from the result the run printed: masked with --mask-pii)."""
    if "error" in r:
        from hotline_cli.io.views import error_line

        return json.dumps([r.get("case_id"), r["source"], error_line(r)]).encode() + b"\n"
    c = r.get("case") or {}
    findings = [[x["code"], x["severity"], x["message"], (x.get("waived") or {}).get("reason")]
                for x in r.get("findings") or ()]
    return json.dumps([r.get("case_id"), c.get("origin") or r["source"], None, c.get("opened"), c.get("week"),
                       c.get("month"), c.get("city"), c.get("category"), c.get("channel"), r.get("situation"),
                       c.get("operator"), c.get("experts") or [], findings]).encode() + b"\n"  # ASCII: surrogates too


class Drill:
    """The run's cases, a compact line each, in an unnamed temporary file in a private folder
    (beside the output when it can be) that no exit leaves behind."""

    def __init__(self, near: str | None = None):
        from hotline_cli.io.atomic import scratch_dir

        self.dir = scratch_dir(near)
        self.file: IO[bytes] = tempfile.TemporaryFile(dir=self.dir)  # noqa: SIM115  # closed by close()

    def write(self, lines: Iterable[bytes]) -> None:
        self.file.writelines(lines)

    def close(self) -> None:
        from hotline_cli.io.atomic import drop_scratch

        self.file.close()
        drop_scratch(self.dir)

    def _cases(self) -> Iterator[list[Any]]:
        self.file.flush()
        self.file.seek(0)
        for line in self.file:
            yield json.loads(line)

    def lists(self, data: dict[str, Any], dropped: set[tuple[str, str]]) -> dict[str, Any]:
        """For each chart's shown rows (the worst 50 and «прочие»), its worst PER_ROW cases; the
        worst cases' details; the first INVALID_LISTED invalid records."""
        index: dict[str, tuple[dict[str, int], int | None]] = {}
        shown: dict[str, list[dict[str, Any]]] = {}
        for dim in DRILL_DIMENSIONS:
            rows = _rows(data, dim)
            shown[dim] = rows
            keys = {str(r["key"]): i for i, r in enumerate(rows) if not r.get("others")}
            others = next((i for i, r in enumerate(rows) if r.get("others")), None)
            index[dim] = (keys, others)
        heaps: dict[tuple[str, int], list[tuple[int, int, int, dict[str, Any]]]] = {}
        worst = {(w["case_id"], w["source"]): w for w in data.get("worst") or ()}
        worst_cases: dict[tuple[str, str], dict[str, Any]] = {}
        invalid: list[dict[str, Any]] = []
        for seq, x in enumerate(self._cases()):
            if len(x) == 3:
                if len(invalid) < INVALID_LISTED:
                    invalid.append({"case_id": x[0], "source": x[1], "error": x[2]})
                continue
            if (x[0], x[1]) in dropped:
                continue
            case = _case(x)
            errors = sum(1 for f in case["findings"] if f["severity"] == "error" and not f["waived"])
            warnings = sum(1 for f in case["findings"] if f["severity"] != "error" and not f["waived"])
            item = (errors, warnings, -seq, case)
            if (x[0] or "", x[1]) in worst:
                worst_cases[(x[0] or "", x[1])] = case
            for dim in DRILL_DIMENSIONS:
                keys, others = index[dim]
                for key in _keys(dim, x):
                    i = keys.get(str(key), others)
                    if i is None:
                        continue
                    heap = heaps.setdefault((dim, i), [])
                    if len(heap) < PER_ROW:
                        heapq.heappush(heap, item)
                    elif item[:3] > heap[0][:3]:
                        heapq.heapreplace(heap, item)
        out: dict[str, Any] = {}
        for dim, rows in shown.items():
            out[dim] = [dict(r, cases_listed=[h[3] for h in sorted(heaps.get((dim, i), []), key=lambda h: h[:3],
                                                                 reverse=True)])
                        for i, r in enumerate(rows)]
        out["worst"] = [dict(w, case=worst_cases.get((w["case_id"], w["source"]))) for w in data.get("worst") or ()]
        out["invalid"] = invalid
        return out


def _rows(data: dict[str, Any], dim: str) -> list[dict[str, Any]]:
    if dim == "code":
        return [{"key": r["code"], "label": f"{r['code']} {r['title']}", "cases": r["findings"],
                 "severity": r["severity"], "findings": r["findings"]} for r in data["rules"] if r["findings"]]
    return capped(data.get(f"by_{dim}") or [])


def _keys(dim: str, x: list[Any]) -> Iterable[Any]:
    if dim == "code":
        return list(dict.fromkeys(f[0] for f in x[12] if not f[3]))
    if dim == "expert":
        return x[11] or [None]
    return [x[{"week": 4, "month": 5, "city": 6, "category": 7, "channel": 8, "situation": 9, "operator": 10}[dim]]]


def _case(x: list[Any]) -> dict[str, Any]:
    return {"case_id": x[0], "where": x[1], "opened": x[3], "city": x[6], "operator": x[10], "experts": x[11],
            "findings": [{"code": f[0], "severity": f[1], "message": f[2], "waived": f[3]} for f in x[12]]}
