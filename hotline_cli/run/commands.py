"""The command table: for each case command, its handler (a view of the journey), how a
person and a table see it, and its hooks — option preparation, what an invalid record's
result adds, the run's summary. The pipeline and the shell ask the table, never the name.

Handlers import their core module when first called, so that a command pays only for
what it uses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from hotline_cli.io.views import VIEWS, CommandView, audit_summary
from hotline_cli.procedure.settings import DEFAULT, Settings

if TYPE_CHECKING:
    from hotline_cli.procedure.calendar import ProductionCalendar
    from hotline_cli.procedure.case import Case
    from hotline_cli.procedure.journey import Journey

Result = dict[str, Any]


@dataclass
class Context:
    """What every command may need besides the case: fixed for the whole run."""

    today: date | None = None  # --today; None: each case's own local today
    settings: Settings = DEFAULT
    options: dict[str, Any] = field(default_factory=dict)
    clock: Callable[[str], date] | None = None  # the shell's "today in this zone"; the core never reads it
    _calendar: ProductionCalendar | None = None

    def today_for(self, case: Case) -> date:
        if self.today is not None:
            return self.today
        if self.clock is None:
            raise ValueError("no date: pass --today")
        return self.clock(case.tzname)

    @property
    def calendar(self) -> ProductionCalendar:
        if self._calendar is None:
            from hotline_cli.io.holidays_ru import load_russia_alone
            from hotline_cli.procedure.calendar import ProductionCalendar

            self._calendar = ProductionCalendar(self.settings.calendar, preload=load_russia_alone)
        return self._calendar


@dataclass(frozen=True)
class Command:
    handler: Callable[[Journey, Context], Result]  # the command's keys (and its "warnings")
    view: CommandView
    prepare: Callable[[dict[str, Any], Settings], dict[str, Any]] | None = None  # options, checked and completed
    on_error: Callable[[Result, Context], Result] | None = None  # adds the command's keys to an error result
    summary: Callable[[], Any] | None = None  # a fresh accumulator of the run's results
    trailer: Callable[[Any], Iterable[str]] = lambda s: ()  # text written after the results
    gather: bool = False  # the results are written together at the end (agenda: sorted across cases)
    all_view: CommandView | None = None  # --all: clean cases in the rows too (audit)

    def with_view(self, view: CommandView) -> Command:
        from dataclasses import replace

        return replace(self, view=view)


def _triage(j: Journey, ctx: Context) -> Result:
    from hotline_cli.procedure.triage import decide

    out = decide(j.case, j.now).as_dict()
    case = j.case
    if len(case.requests) > 1 and any(r.created is None for r in case.requests):
        out["warnings"] = ["у части заявок нет даты created_at: спорной считается последняя по дате"]
    return out


def _followup(j: Journey, ctx: Context) -> Result:
    from hotline_cli.procedure.followup import followup

    return followup(j)


def _escalate(j: Journey, ctx: Context) -> Result:
    from hotline_cli.procedure.escalate import escalate

    o = ctx.options
    return escalate(j, ctx.settings, engineer=o.get("engineer"), urgent=o.get("urgent", False),
                    questions=o.get("questions"))


def _summarize(j: Journey, ctx: Context) -> Result:
    from hotline_cli.procedure.summarize import summarize

    return summarize(j)


def _audit(j: Journey, ctx: Context) -> Result:
    options = ctx.options  # prepared by _audit_prepare: the rules, and the core's audit itself
    result: Result = options["audit_case"](j, ctx.settings, options["rules"], options.get("waivers"))
    return result


def _audit_prepare(options: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """The rules to ask: --select/--ignore, else the configuration's select/ignore (ValueError
    for an unknown code); and the core's audit, imported once for the run (an import in the
    handler costs 0.5 µs a case)."""
    from hotline_cli.procedure.audit import audit_case, select_rules

    select = list(options.get("select") or settings.select)
    ignore = list(options.get("ignore") or ()) + list(settings.ignore)
    return dict(options, rules=select_rules(select, ignore), audit_case=audit_case)


def _audit_error(result: Result, ctx: Context) -> Result:
    from hotline_cli.procedure.audit import findings_for_error

    return findings_for_error(result, ctx.options["rules"])


def _audit_summary() -> Any:
    from hotline_cli.procedure.audit import Summary

    return Summary()


def _agenda(j: Journey, ctx: Context) -> Result:
    from hotline_cli.procedure.agenda import HORIZON_DAYS, agenda

    return agenda(j, ctx.settings, ctx.options.get("days", HORIZON_DAYS), ctx.options.get("expert"))


COMMANDS: dict[str, Command] = {
    "triage": Command(_triage, VIEWS["triage"]),
    "followup": Command(_followup, VIEWS["followup"]),
    "escalate": Command(_escalate, VIEWS["escalate"]),
    "summarize": Command(_summarize, VIEWS["summarize"]),
    "audit": Command(_audit, VIEWS["audit"], prepare=_audit_prepare, on_error=_audit_error,
                     summary=_audit_summary, trailer=audit_summary, all_view=VIEWS["audit-all"]),
    "agenda": Command(_agenda, VIEWS["agenda"], gather=True),
}
