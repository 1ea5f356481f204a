"""`hotline new`: the case from a conversation. On a terminal it asks, in Russian and in the
procedure's order, only what the decision still needs (procedure.intake), accepting
answers the way people type them (io.answers); off a terminal it reads the answers one a
line, in the same order. It shows the triage verdict and writes the case as valid JSON."""

from __future__ import annotations

import json
import os
import sys
from datetime import date, datetime
from typing import Any

import click

from hotline_cli.io.answers import (
    AnswerError,
    norm,
    parse_choice,
    parse_count,
    parse_date,
    parse_yes_no,
    spellings,
)
from hotline_cli.procedure import intake
from hotline_cli.procedure.intake import Question

NONE_WORDS = ("нет", "нет заключения", "заключения нет", "отчёта нет", "отчета нет", "не знаю", "-")


class IntakeError(Exception):
    """An answer read off a terminal that cannot be used: the script is wrong, not the operator."""


class Conversation:
    def __init__(self, today: date, interactive: bool):
        self.today = today
        self.interactive = interactive
        self.answered = 0

    def read(self, prompt: str) -> str | None:
        if self.interactive:
            return str(click.prompt(prompt, default="", show_default=False, err=True, prompt_suffix=": "))
        line = sys.stdin.readline()
        return None if not line else line.rstrip("\r\n")

    def ask(self, q: Question) -> Any:
        prompt = q.prompt
        if q.labels and self.interactive:
            prompt += " [" + " / ".join(q.labels.values()) + "]"
        while True:
            raw = self.read(prompt)
            self.answered += 1
            if raw is None:
                raise IntakeError(f"ответы кончились: нет ответа на вопрос {self.answered} «{q.prompt}»")
            raw = raw.strip()
            if not raw:
                if q.optional:
                    return None
                if q.kind == "choice" and q.labels and None in q.labels:
                    return None
                self.problem(q, "нужен ответ")
                continue
            try:
                return self.parse(q, raw)
            except AnswerError as e:
                if self.interactive and e.suggestion is not None and q.labels is not None:
                    label = q.labels.get(e.suggestion, e.suggestion)
                    if self.confirm(f"  Возможно, имелось в виду «{label}»? (да/нет)"):
                        return self.chosen(q, e.suggestion)
                    continue
                self.problem(q, e.message)

    def confirm(self, prompt: str) -> bool:
        """да/нет on a terminal, in Russian (an empty answer is yes)."""
        while True:
            raw = (self.read(prompt) or "").strip()
            if not raw:
                return True
            try:
                return parse_yes_no(raw)
            except AnswerError as e:
                click.echo(f"  {e.message}", err=True)

    def problem(self, q: Question, message: str) -> None:
        if not self.interactive:
            raise IntakeError(f"ответ {self.answered} на вопрос «{q.prompt}»: {message}")
        click.echo(f"  {message}", err=True)

    def chosen(self, q: Question, code: str) -> Any:
        return [code] if q.kind == "choices" else code

    def parse(self, q: Question, raw: str) -> Any:
        if q.kind in ("text", "phone"):
            return raw
        if q.kind == "yes_no":
            return parse_yes_no(raw)
        if q.kind == "count":
            return parse_count(raw)
        if q.kind == "date":
            return parse_date(raw, self.today, past=True).isoformat()
        assert q.labels is not None
        accepted = spellings(q.labels)
        if q.kind == "choice":
            if None in q.labels and (raw.casefold() in NONE_WORDS or norm(raw) == norm(q.labels[None])):
                return None  # «нет заключения»: the choice whose code is null
            return parse_choice(raw, accepted, q.labels)
        if raw.casefold() in ("нет", "-", "никуда"):
            return []
        return list(dict.fromkeys(parse_choice(part, accepted, q.labels) for part in raw.replace(";", ",").split(",")
                                  if part.strip()))


def _set(draft: dict[str, Any], key: str, value: Any) -> None:
    node = draft
    *parts, last = key.split(".")
    for p in parts:
        node = node.setdefault(p, {})
    if value is not None:
        node[last] = value


def interview(conv: Conversation, draft: dict[str, Any]) -> dict[str, Any]:
    """Every question the case needs, in the procedure's order, into the draft."""
    say = (lambda text: click.echo(text, err=True)) if conv.interactive else (lambda text: None)
    say("Новое обращение: клиент не согласен с заключением мастера, что техника исправна.")
    for q in intake.CLIENT:
        _set(draft, q.key, conv.ask(q))
    say("Заявки по этой неисправности в GSIS (шаги 1–2):")
    while True:
        number = conv.ask(intake.REQUEST[0])
        if number is None:
            break
        request: dict[str, Any] = {"number": number}
        for q in intake.REQUEST[1:]:
            _set(request, q.key, conv.ask(q))
        draft["requests"].append(request)
    if intake.fault_needed(draft):
        draft["fault_persists"] = conv.ask(intake.FAULT)
    _set(draft, intake.CATEGORY.key, conv.ask(intake.CATEGORY))
    if intake.asc_count_needed(draft):
        _set(draft, intake.ASC_COUNT.key, conv.ask(intake.ASC_COUNT))
    if intake.intent_needed(draft):
        draft["client_intent"] = conv.ask(intake.INTENT) or []
    return draft


def complete(conv: Conversation, draft: dict[str, Any]) -> dict[str, Any]:
    """--from: only what the case lacks for the decision (step 4: the number of ASCs)."""
    if draft["city"].get("asc_count") is None and intake.asc_count_needed(draft):
        if conv.interactive:
            click.echo(f"Дело {draft['case_id']}: не проверено число АСЦ в городе {draft['city']['name']}.", err=True)
        _set(draft, intake.ASC_COUNT.key, conv.ask(intake.ASC_COUNT))
    elif conv.interactive:
        click.echo("В деле есть всё, что нужно для решения.", err=True)
    return draft


def run(source: str | None, output: str | None, case_id: str | None, channel: str, today: date | None,
        now: datetime, width: int) -> int:
    from hotline_cli.io.atomic import OutputError, write_bytes
    from hotline_cli.io.contract import validate
    from hotline_cli.io.names import file_name
    from hotline_cli.io.sources import read_records
    from hotline_cli.io.writers import fragment
    from hotline_cli.run.pipeline import Job, Pipeline, to_case

    day = today or now.date()
    conv = Conversation(day, sys.stdin.isatty())
    if source:
        [rec] = list(read_records([source]))[:1]
        bad = to_case(rec)
        if isinstance(bad, dict):
            from hotline_cli.io.views import error_line

            raise click.ClickException(error_line(bad))
        draft = complete(conv, rec.data)
    else:
        draft = {"case_id": case_id or f"HL-{now:%Y%m%d-%H%M%S}",
                 "opened_at": today.isoformat() if today else now.isoformat(timespec="seconds"),
                 "channel": channel, "client": {}, "product": {}, "city": {}, "requests": []}
        draft = interview(conv, draft)
    err = validate(draft)
    if err is not None:  # the questions make a valid case: a failure here is a bug, said plainly
        raise click.ClickException(f"дело не собрано: {err.path}: {err.message}")
    target = output or source or "."
    if os.path.isdir(target):
        target = os.path.join(target, file_name(draft["case_id"], set()) + ".json")
    try:
        write_bytes(target, (json.dumps(draft, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    except OutputError as e:
        raise click.ClickException(str(e)) from None
    from hotline_cli.io import sources

    job = Job("triage", "text", today, width=width, clock=lambda tz: day)
    pipeline = Pipeline(job)
    result = pipeline.result(next(iter(sources.read_records([target]))))
    sys.stdout.write(fragment(result, "text", pipeline.spec.view, width))
    click.echo(f"Дело записано: {target}", err=True)
    return 2 if "error" in result else 0

