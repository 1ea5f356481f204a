"""The supervisor's month: what a month of audited cases adds up to beyond compliance.

- the procedure's two promises as rates (`deadline_facts` of a case, `Deadlines` of many):
  the client hears back within three working days, the engineer answers within three
  working days; re-requests and delay calls made on the next working day; days to close;
- the change against a previous export (`compare`);
- findings a supervisor waived (`Waiver`, `waive`);
- the same case in two exports (`IdSet`: which ids were seen twice, in flat memory);
- long lists of labels cut to the worst N plus «прочие» (`capped`).

Pure: the shell reads the files; this module only counts.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Mapping
from datetime import date
from hashlib import blake2b
from typing import TYPE_CHECKING, Any, Final, NamedTuple

if TYPE_CHECKING:
    from hotline_cli.procedure.journey import Journey

# ------------------------------------------------------------------ one case's deadlines


PENDING: Final = frozenset({"pending", "due_today"})


def deadline_facts(j: Journey, spoken: bool) -> dict[str, Any]:
    """The case's deadlines as the supervisor counts them:

    - `client_promise`: "met", "missed" (late or overdue), "pending", or None (no expert call
      yet, or the e-mail flow, which promises nothing); `promise_days`: working days from the
      expert's call to the feedback call;
    - `engineer_cycles` / `engineer_in_time` / `engineer_pending`: request cycles, those
      answered by their due date, those still running;
    - `re_requests_due` / `re_requests_on_time`: cycles the engineer let pass, and those
      followed by a re-request on the next working day at the latest; `delay_calls_*` the
      same for the call to the client (spoken channels only);
    - `days_to_close`: working days from the first contact to the closing of the request."""
    p = j.promise
    promise = promise_days = None
    if p is not None and p.start is not None:
        promise = "pending" if p.status in PENDING else ("met" if p.status == "met" else "missed")
        if p.stopped is not None:
            promise_days = j.cal.between(p.start, p.stopped)
    cycles = j.cycles
    in_time = pending = 0
    for cy in cycles:
        status = cy.clock.status
        if status == "met":
            in_time += 1
        elif status in PENDING:
            pending += 1
    silences = len(j.silences) if cycles else 0
    closed = j.events.first("closed")
    return {
        "client_promise": promise, "promise_days": promise_days,
        "engineer_cycles": len(cycles), "engineer_in_time": in_time, "engineer_pending": pending,
        "re_requests_due": silences,
        "re_requests_on_time": silences - len(j.unfollowed("re_request")) if silences else 0,
        "delay_calls_due": silences if spoken else 0,
        "delay_calls_on_time": silences - len(j.unfollowed("delay_call")) if silences and spoken else 0,
        "days_to_close": j.cal.between(j.case.opened.day, closed.at.day) if closed is not None else None,
    }


# ------------------------------------------------------------------ many cases' deadlines

_EMPTY: Final[dict[int, int]] = {}  # shared by every row with no day counted yet; never written to

# the counters of a Deadlines row, in order
FIELDS: Final = ("promise_met", "promise_missed", "promise_pending", "engineer_cycles", "engineer_in_time",
                 "engineer_pending", "re_requests_due", "re_requests_on_time", "delay_calls_due",
                 "delay_calls_on_time", "closed")
_PROMISE: Final = {"met": 0, "missed": 1, "pending": 2}


class DeadlineRow:
    """Counters and the two histograms (days to the promised call, days to close) of a set of cases."""

    __slots__ = ("n", "promise_days", "close_days")

    def __init__(self) -> None:
        self.n = [0] * len(FIELDS)
        self.promise_days: dict[int, int] = _EMPTY  # made on the first day counted: most rows have none
        self.close_days: dict[int, int] = _EMPTY

    def add(self, d: Mapping[str, Any], sign: int = 1) -> None:
        """A case's deadline facts `d`."""
        self.add_counted(vector(d), d.get("promise_days"), d.get("days_to_close"), sign)

    def add_counted(self, vec: list[tuple[int, int]], promise_days: int | None, close_days: int | None,
                    cases: int) -> None:
        """`cases` cases of the same deadline facts, read already: their `vector` and the two days
        (or None); `cases` may be negative (cases taken back out) or 0 (the row made all the same)."""
        n = self.n
        for i, v in vec:
            n[i] += cases * v
        if promise_days is not None:
            if self.promise_days is _EMPTY:
                self.promise_days = {}
            self.promise_days[promise_days] = self.promise_days.get(promise_days, 0) + cases
        if close_days is not None:
            if self.close_days is _EMPTY:
                self.close_days = {}
            self.close_days[close_days] = self.close_days.get(close_days, 0) + cases

    def merge(self, other: DeadlineRow) -> None:
        for i, v in enumerate(other.n):
            self.n[i] += v
        if other.promise_days:
            if self.promise_days is _EMPTY:
                self.promise_days = {}
            for k, v in other.promise_days.items():
                self.promise_days[k] = self.promise_days.get(k, 0) + v
        if other.close_days:
            if self.close_days is _EMPTY:
                self.close_days = {}
            for k, v in other.close_days.items():
                self.close_days[k] = self.close_days.get(k, 0) + v

    def as_dict(self) -> dict[str, Any]:
        return rates(self.n, self.promise_days, self.close_days)


# the counters read as they are from a case's deadline facts: (index in FIELDS, key)
_AS_IS: Final = ((3, "engineer_cycles"), (4, "engineer_in_time"), (5, "engineer_pending"), (6, "re_requests_due"),
                 (7, "re_requests_on_time"), (8, "delay_calls_due"), (9, "delay_calls_on_time"))


def vector(d: Mapping[str, Any]) -> list[tuple[int, int]]:
    """A case's deadline facts as the counters they add to: (index in FIELDS, how much), the
    non-zero ones only (most are zero). Worked out once per case, added to each of its rows."""
    out = []
    p = d.get("client_promise")
    if p is not None:
        out.append((_PROMISE[p], 1))
    for i, key in _AS_IS:
        v = d.get(key, 0)
        if v:
            out.append((i, v))
    if d.get("days_to_close") is not None:
        out.append((10, 1))
    return out


def rates(n: list[int], promise_days: Mapping[int, int] = _EMPTY,
          close_days: Mapping[int, int] = _EMPTY) -> dict[str, Any]:
    """The counters as rates; the medians and 90th percentiles from the histograms (None without)."""
    return {
        "client_promise": {"met": n[0], "missed": n[1], "pending": n[2], "rate": rate(n[0], n[0] + n[1]),
                           "median_days": percentile(promise_days, 0.5), "p90_days": percentile(promise_days, 0.9)},
        "engineer": {"cycles": n[3], "in_time": n[4], "late": n[3] - n[4] - n[5], "pending": n[5],
                     "rate": rate(n[4], n[3] - n[5])},
        "re_requests": {"due": n[6], "on_time": n[7], "rate": rate(n[7], n[6])},
        "delay_calls": {"due": n[8], "on_time": n[9], "rate": rate(n[9], n[8])},
        "days_to_close": {"closed": n[10], "median": percentile(close_days, 0.5), "p90": percentile(close_days, 0.9)},
    }


def rate(part: int, whole: int) -> float | None:
    """A share rounded to 4 places; None when nothing was due (not 0 %: nothing to judge)."""
    return round(part / whole, 4) if whole > 0 else None


def percentile(hist: Mapping[int, int], q: float) -> int | None:
    """The nearest-rank percentile of a histogram {value: count}: the smallest value with at
    least ⌈q·N⌉ of the N values at or below it (the median of 1, 2, 3, 4 is 2)."""
    total = sum(v for v in hist.values() if v > 0)
    if not total:
        return None
    need = -(-q * total // 1)  # ⌈q·N⌉
    seen = 0
    for value in sorted(k for k, v in hist.items() if v > 0):
        seen += hist[value]
        if seen >= need:
            return value
    return None  # pragma: no cover — the last value always reaches N


_ALL: Final = ("all",)
# a case's deadline facts, in this order: the values that key the cases still to be counted
DEADLINE_KEYS: Final = ("client_promise", "promise_days", "engineer_cycles", "engineer_in_time", "engineer_pending",
                        "re_requests_due", "re_requests_on_time", "delay_calls_due", "delay_calls_on_time",
                        "days_to_close")


class Deadlines:
    """Deadline rows of a run: overall, per week, per month, per expert, and per expert and month
    (an expert's scorecard by month).

    A case is not added to its rows at once: it is counted under its key — (week, month, experts,
    its deadline facts) — and the rows are worked out from the keys when first read, each key once
    with its number of cases. An export repeats few keys (509 among 20 000 benchmark cases): a row
    added once per key, not once per case (`sign` -1, a case taken back out, counts minus one)."""

    __slots__ = ("_rows", "_pending")

    SCOPES = ("week", "month", "expert")

    def __init__(self) -> None:
        self._rows: dict[tuple[Any, ...], DeadlineRow] = {}
        self._pending: dict[tuple[Any, Any, tuple[Any, ...], tuple[Any, ...]], int] = {}

    @property
    def rows(self) -> dict[tuple[Any, ...], DeadlineRow]:
        pending = self._pending
        if pending:
            self._pending = {}
            self._settle(pending)
        return self._rows

    def _row(self, key: tuple[Any, ...]) -> DeadlineRow:
        rows = self._rows
        row = rows.get(key)
        if row is None:
            row = rows[key] = DeadlineRow()
        return row

    def add(self, facts: Mapping[str, Any], sign: int = 1) -> None:
        d = facts.get("deadlines")
        if not d:
            return
        key = (facts.get("week"), facts.get("month"), tuple(facts.get("experts") or (None,)),
               tuple(map(d.get, DEADLINE_KEYS)))
        pending = self._pending
        pending[key] = pending.get(key, 0) + sign

    def _settle(self, pending: dict[tuple[Any, Any, tuple[Any, ...], tuple[Any, ...]], int]) -> None:
        """The keys' cases added to their rows: each key's counters times its number of cases (a
        row and a day of a histogram are made even when that number is 0, as case by case)."""
        for (week, mon, experts, values), n in pending.items():
            vec = vector(dict(zip(DEADLINE_KEYS, values)))
            promise_days, close_days = values[1], values[9]
            self._row(_ALL).add_counted(vec, promise_days, close_days, n)
            self._row(("week", week)).add_counted(vec, promise_days, close_days, n)
            self._row(("month", mon)).add_counted(vec, promise_days, close_days, n)
            for expert in experts:
                self._row(("expert", expert)).add_counted(vec, promise_days, close_days, n)
                self._row(("expert_month", expert, mon)).add_counted(vec, promise_days, close_days, n)

    def merge(self, other: Deadlines) -> None:
        """Another part's cases: its keys not yet counted join these (the rows are worked out once, here)."""
        pending = self._pending
        for key, n in other._pending.items():
            pending[key] = pending.get(key, 0) + n
        for key, row in other._rows.items():
            self._row(key).merge(row)

    def overall(self) -> dict[str, Any]:
        return self.rows.get(_ALL, DeadlineRow()).as_dict()

    def scope(self, scope: str, only: set[Any] | None = None) -> list[tuple[Any, dict[str, Any]]]:
        return sorted(((k[1], row.as_dict()) for k, row in self.rows.items()
                       if k[0] == scope and (only is None or k[1] in only)),
                      key=lambda kv: (kv[0] is None, str(kv[0])))

    def of(self, key: tuple[Any, ...]) -> dict[str, Any] | None:
        row = self.rows.get(key)
        return row.as_dict() if row is not None else None

    def counters(self, key: tuple[Any, ...]) -> list[int]:
        """A row's bare counters (zeros when it has none)."""
        row = self.rows.get(key)
        return row.n if row is not None else [0] * len(FIELDS)


# ------------------------------------------------------------------ labels

MONTHS_RU = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь",
             "ноябрь", "декабрь")
NOBODY = "не указано"
OTHERS = "прочие"
SHOWN = 50  # labels a page or a workbook's summary shows: the worst ones, the rest as «прочие»


def times_ru(n: int) -> str:
    """«2 раза», «5 раз», «21 раз», «1000 раз»: how many times, in Russian."""
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return f"{n} раза"
    return f"{n} раз"


def month_of(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def month_ru(key: str) -> str:
    year, month = key.split("-")
    return f"{MONTHS_RU[int(month) - 1]} {year}"


def worst_first(cases: int, compliant: int, label: str) -> tuple[float, int, str]:
    """The order of a breakdown's rows for a person: the lowest compliance, then the most cases."""
    return (round(compliant / cases, 4) if cases else 2.0, -cases, label)


def capped(rows: list[dict[str, Any]], n: int = SHOWN) -> list[dict[str, Any]]:
    """A breakdown's rows worst first, at most `n` of them; the rest added up as one «прочие (K)»
    row (its key None, `others` = K). Rows already cut this way are cut the same again."""
    before = [r for r in rows if r.get("others")]
    ordered = sorted((r for r in rows if not r.get("others")),
                     key=lambda r: worst_first(r["cases"], r["compliant"], str(r["label"])))
    if len(ordered) <= n:
        return ordered + before
    return ordered[:n] + [others(ordered[n:] + before)]


def others(rest: list[dict[str, Any]]) -> dict[str, Any]:
    """Rows added up as the one «прочие (K)» row."""
    k = sum(r.get("others") or 1 for r in rest)
    cases = sum(r["cases"] for r in rest)
    compliant = sum(r["compliant"] for r in rest)
    return {"key": None, "label": f"{OTHERS} ({k})", "others": k, "cases": cases, "compliant": compliant,
            "findings": sum(r["findings"] for r in rest), "compliance_rate": rate(compliant, cases)}


# ------------------------------------------------------------------ waivers


class Waiver(NamedTuple):
    """A supervisor's decision that a finding does not count for a case: calibration, a
    documented exception. `where`: the file and line it was read from."""

    case_id: str
    code: str
    reason: str
    by: str
    day: date | None
    where: str

    def as_dict(self) -> dict[str, Any]:
        return {"reason": self.reason, "by": self.by, "date": self.day.isoformat() if self.day else None}


def waive(case_id: str, findings: list[dict[str, Any]], waivers: Mapping[tuple[str, str], Waiver]) -> None:
    """Mark the case's findings that a waiver covers (`waived`: its reason, who, when)."""
    for f in findings:
        w = waivers.get((case_id, f["code"]))
        if w is not None:
            f["waived"] = w.as_dict()


def unused(waivers: Iterable[Waiver], used: set[tuple[str, str]]) -> list[Waiver]:
    """The waivers that matched no finding of the run (as ruff reports an unused `noqa`)."""
    return [w for w in waivers if (w.case_id, w.code) not in used]


# ------------------------------------------------------------------ the same case twice


def id_hash(case_id: str) -> int:
    """A 63-bit fingerprint of a case id, the same in every process (str hashes are salted)."""
    return int.from_bytes(blake2b(case_id.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little") \
        >> 1 or 1


class IdSet:
    """Case ids seen in a run, as 8-byte fingerprints in an open-addressing table (16 bytes a
    case: a million ids take 16 MB, a Python set of them 60); `twice` the fingerprints seen
    more than once — the few cases a second look must settle."""

    __slots__ = ("slots", "size", "twice")

    def __init__(self, capacity: int = 1024) -> None:
        self.slots = array("q", bytes(8 * capacity))
        self.size = 0
        self.twice: set[int] = set()

    def add(self, h: int) -> None:
        slots = self.slots
        mask = len(slots) - 1
        i = h & mask
        while True:
            v = slots[i]
            if v == 0:
                slots[i] = h
                self.size += 1
                if 2 * self.size > len(slots):
                    self._grow()
                return
            if v == h:
                self.twice.add(h)
                return
            i = (i + 1) & mask

    def _grow(self) -> None:
        old = self.slots
        self.slots = array("q", bytes(16 * len(old)))
        self.size = 0
        for h in old:
            if h:
                self.add(h)

    def __iter__(self) -> Any:
        return (h for h in self.slots if h)

    def merge(self, other: IdSet) -> None:
        for h in other:
            self.add(h)
        self.twice |= other.twice


# ------------------------------------------------------------------ this month against the last

HEADLINE = (("read", "записей прочитано"), ("valid", "дел"), ("invalid", "некорректных записей"),
            ("with_errors", "дел с ошибками"), ("with_warnings_only", "дел только с предупреждениями"),
            ("clean", "дел без замечаний"), ("compliant", "соответствуют статье"),
            ("compliance_rate", "доля соответствующих"), ("findings", "находок"),
            ("promise_rate", "обещание клиенту выполнено"), ("engineer_rate", "инженер ответил в срок"),
            ("close_median", "медиана рабочих дней до закрытия"))
RATES = frozenset({"compliance_rate", "promise_rate", "engineer_rate"})
WORSE_WHEN_UP = frozenset({"invalid", "with_errors", "with_warnings_only", "findings", "close_median"})


def headline(s: Mapping[str, Any]) -> dict[str, Any]:
    """The headline figures of a statistics document (also one saved by an older run)."""
    d = (s.get("deadlines") or {}).get("overall") or {}
    out = {k: s.get(k) for k, _ in HEADLINE if k in s}
    out["findings"] = sum(r.get("findings", 0) for r in s.get("rules") or ())
    out["promise_rate"] = (d.get("client_promise") or {}).get("rate")
    out["engineer_rate"] = (d.get("engineer") or {}).get("rate")
    out["close_median"] = (d.get("days_to_close") or {}).get("median")
    return out


def change(key: str, previous: float | int | None, current: float | int | None) -> float | int | None:
    """current − previous; for a share, in percentage points (one decimal)."""
    if previous is None or current is None:
        return None
    if key in RATES:
        return round(100 * (current - previous), 1)
    return current - previous


def _worse(key: str, delta: float | int | None) -> float:
    """How much worse a change is (for ordering: the worst first)."""
    if delta is None:
        return 0.0
    return float(delta) if key in WORSE_WHEN_UP else -float(delta)


def compare(current: Mapping[str, Any], previous: Mapping[str, Any],
            dimensions: Iterable[str]) -> dict[str, Any]:
    """Every headline figure, code, breakdown row and person of `current` with the value in
    `previous` and the change; each list worst change first. A row one side lacks has None there."""
    cur, prev = headline(current), headline(previous)
    figures = [{"name": k, "label": label, "previous": prev.get(k), "current": cur.get(k),
                "change": change(k, prev.get(k), cur.get(k)), "unit": "п. п." if k in RATES else ""}
               for k, label in HEADLINE]
    before = {r["code"]: r.get("findings", 0) for r in previous.get("rules") or ()}
    rules = []
    for r in current.get("rules") or ():
        p = before.get(r["code"], 0)
        if p or r["findings"]:
            rules.append({"code": r["code"], "title": r.get("title", ""), "previous": p, "current": r["findings"],
                          "change": r["findings"] - p})
    rules.sort(key=lambda r: (-r["change"], r["code"]))
    out: dict[str, Any] = {"period": previous.get("period"), "headline": figures, "rules": rules}
    for dimension in dimensions:
        old = {_key(r): r for r in previous.get(f"by_{dimension}") or ()}
        rows = []
        for r in current.get(f"by_{dimension}") or ():
            p = old.pop(_key(r), None)
            rows.append(_row(r, p))
        rows += [_row(None, p) for p in old.values()]
        rows.sort(key=lambda r: (_worse("compliance_rate", r["change"]), str(r["label"])), reverse=True)
        rows.sort(key=lambda r: r["change"] is None)
        out[f"by_{dimension}"] = rows
    return out


def _key(r: Mapping[str, Any]) -> str:
    return str(r.get("key"))


def _row(cur: Mapping[str, Any] | None, prev: Mapping[str, Any] | None) -> dict[str, Any]:
    some = cur if cur is not None else prev
    assert some is not None
    c_rate = cur.get("compliance_rate") if cur else None
    p_rate = prev.get("compliance_rate") if prev else None
    return {"key": some.get("key"), "label": some.get("label"),
            "previous_cases": prev.get("cases") if prev else None, "current_cases": cur.get("cases") if cur else None,
            "previous_rate": p_rate, "current_rate": c_rate, "change": change("compliance_rate", p_rate, c_rate),
            "previous_findings": prev.get("findings") if prev else None,
            "current_findings": cur.get("findings") if cur else None}


def arrow(delta: float | int | None) -> str:
    """▲ up, ▼ down, = unchanged, — unknown."""
    if delta is None:
        return "—"
    return "=" if delta == 0 else ("▲" if delta > 0 else "▼")


def signed(delta: float | int | None, unit: str = "") -> str:
    """«+4,0 п. п.», «−3», «0»: the change as a person reads it."""
    if delta is None:
        return "—"
    if isinstance(delta, float):
        body = f"{abs(delta):.1f}".replace(".", ",")
    else:
        body = str(abs(delta))
    sign = "+" if delta > 0 else ("−" if delta < 0 else "")
    return f"{sign}{body}" + (f" {unit}" if unit else "")

