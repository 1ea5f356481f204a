"""--report FILE.html: one self-contained page a supervisor opens in any browser, offline.

Jinja2 renders it with autoescaping on (a case field is hostile until shown otherwise: a
city named `<script>` is text on the page, never markup). The charts are SVG drawn by
the template itself — bars sized by the figures, no script, no font, no network (the page's
Content-Security-Policy forbids them all), so it renders the same in a mail attachment.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from hotline_cli.io.safe import safe_text
from hotline_cli.procedure import texts
from hotline_cli.procedure.audit import CODES

CHARTS = (("month", "Доля соответствующих дел по месяцам"), ("week", "Доля соответствующих дел по неделям"),
          ("situation", "По ситуациям при обращении"),
          ("channel", "По каналам"), ("city", "По городам"), ("category", "По технике"),
          ("operator", "По операторам (этап ГЛ)"), ("expert", "По экспертам (этап эксперта и консультация)"))


def _percent(rate: float | None) -> str:
    return f"{100 * rate:.0f} %" if rate is not None else "—"


def _day(iso: str | None) -> str:
    return texts.ru_date(date.fromisoformat(iso)) if iso else "—"


def context(data: dict[str, Any], as_of: str | None, sources: list[str], version: str) -> dict[str, Any]:
    from hotline_cli.procedure import month

    drill = data.get("drill") or {}
    codes = [dict(r, label=f"{r['code']} {r['title']}", shown=str(r["findings"]),
                  kind="error" if r["severity"] == "error" else "warning")
             for r in data["rules"] if r["findings"]]
    listed = {r["key"]: r.get("cases_listed") or [] for r in drill.get("code") or ()}
    for r in codes:
        r["cases_listed"] = listed.get(r["code"], [])
    breakdowns = []
    for dimension, title in CHARTS:
        rows = drill.get(dimension) or month.capped(data[f"by_{dimension}"])
        if dimension in ("operator", "expert") and all(r["key"] is None for r in rows):
            continue  # the export names nobody
        if dimension in ("week", "month"):
            rows = sorted(rows, key=lambda r: str(r["key"]))  # time runs down the page
        if rows:
            breakdowns.append({"dimension": dimension, "title": title, "total": len(data[f"by_{dimension}"]),
                               "rows": [dict(r, shown=f"{_percent(r['compliance_rate'])} из {r['cases']}")
                                        for r in rows]})
    period = data.get("period") or {}
    as_of_ru = texts.ru_date(date.fromisoformat(as_of)) if as_of else "сегодня"
    worst = drill.get("worst") or [dict(w, case=None) for w in data["worst"]]
    d = data["deadlines"]
    deadlines = [("всего", d["overall"])] + [(r["label"], r) for r in d["by_month"]]
    people = {role: sorted(cards, key=lambda p: (p["compliance_rate"] if p["compliance_rate"] is not None else 2,
                                                 -p["cases"]))[:month.SHOWN]
              for role, cards in data["scorecards"].items() if any(p["key"] is not None for p in cards)}
    matrix_codes = sorted({c for cards in people.values() for p in cards for c in p["codes"]})
    return {"s": data, "rate": _percent(data["compliance_rate"]), "codes": codes,
            "codes_max": max((r["findings"] for r in codes), default=1), "breakdowns": breakdowns,
            "worst": worst, "findings_total": sum(r["findings"] for r in data["rules"]),
            "as_of_ru": as_of_ru, "sources": ", ".join(sources), "version": version,
            "titles": {c: CODES[c].title for c in CODES}, "period": period, "day": _day, "pct": _percent,
            "first": _day(period.get("first")), "last": _day(period.get("last")),
            "deadlines": deadlines, "experts_deadlines": d["by_expert"][:month.SHOWN], "people": people,
            "matrix_codes": matrix_codes, "compare": data.get("compare"), "arrow": month.arrow,
            "signed": month.signed, "waivers": data.get("waivers"), "duplicates": data.get("duplicates") or [],
            "invalid": drill.get("invalid") or [], "severity": texts.SEVERITY_RU, "shown_max": month.SHOWN,
            "per_row": 20, "roles": {"operator": "Операторы (этап ГЛ)", "expert": "Эксперты (этап эксперта)"}}


def render(data: dict[str, Any], as_of: str | None, sources: list[str], version: str) -> str:
    import jinja2  # only a report pays for the import

    env = jinja2.Environment(loader=jinja2.PackageLoader("hotline_cli.io", "templates"),
                             autoescape=jinja2.select_autoescape(default=True), undefined=jinja2.StrictUndefined,
                             # control and invisible characters shown as escapes, as on a terminal
                             finalize=lambda v: safe_text(v) if isinstance(v, str) else v)
    return env.get_template("report.html").render(**context(data, as_of, sources, version))
