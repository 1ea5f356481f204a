"""Each command's pieces in one table: the handler (core), its text, its rows.

Handlers are imported lazily so that a command pays only for the modules it uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from hotline_cli import render


@dataclass(frozen=True)
class CommandSpec:
    handler: Callable  # (case as of the date, the date, context, warnings) -> the command's keys
    text: Callable[[dict], Iterator[str]]
    columns: list[str]
    rows: Callable[[dict], Iterable[dict]]
    summary: Callable | None = None
    on_error: Callable | None = None  # adds the command's keys to an error result


def _triage(case, as_of, ctx, warnings):
    from hotline_cli.triage import decide

    if len(case.requests) > 1 and any(r.created is None for r in case.requests):
        warnings.append("у части заявок нет даты created_at: спорной считается последняя по дате")
    return decide(case).as_dict()


COMMANDS: dict[str, CommandSpec] = {
    "triage": CommandSpec(_triage, render.triage_text, render.TRIAGE_COLUMNS, render.triage_rows),
}


def _followup(case, as_of, ctx, warnings):
    from hotline_cli.clocks import followup

    return followup(case, ctx.calendar, as_of, warnings)


COMMANDS["followup"] = CommandSpec(_followup, render.followup_text, render.FOLLOWUP_COLUMNS, render.followup_rows)


def _escalate(case, as_of, ctx, warnings):
    from hotline_cli.messages import escalate

    o = ctx.options
    return escalate(case, ctx.config, ctx.calendar, as_of, warnings,
                    engineer=o.get("engineer"), urgent=o.get("urgent", False), questions=o.get("questions"))


def _summarize(case, as_of, ctx, warnings):
    from hotline_cli.messages import summarize

    return summarize(case, ctx.calendar, as_of, warnings)


COMMANDS["escalate"] = CommandSpec(_escalate, render.escalate_text, render.ESCALATE_COLUMNS, render.escalate_rows)
COMMANDS["summarize"] = CommandSpec(_summarize, render.summarize_text, render.SUMMARIZE_COLUMNS,
                                    render.summarize_rows)


def _audit(case, as_of, ctx, warnings):
    from hotline_cli.audit import audit_case

    return audit_case(case, ctx.config, ctx.calendar, as_of, ctx.options["rules"])


def _audit_error(result, ctx):
    from hotline_cli.audit import findings_for_error

    return findings_for_error(result, ctx.options["rules"])


COMMANDS["audit"] = CommandSpec(_audit, render.audit_text, render.AUDIT_COLUMNS, render.audit_rows,
                                summary=render.audit_summary, on_error=_audit_error)
