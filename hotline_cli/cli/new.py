"""`hotline new`: the case from a conversation. On a terminal it asks, in Russian and in the
procedure's order, only what the decision still needs (procedure.intake), accepting
answers the way people type them (io.answers); off a terminal it reads the answers one a
line, in the same order. It shows the triage verdict and writes the case as valid JSON."""

from __future__ import annotations

import copy
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
from hotline_cli.io.safe import one_line
from hotline_cli.procedure import intake, texts
from hotline_cli.procedure.case import build_case
from hotline_cli.procedure.cities import known_city
from hotline_cli.procedure.intake import Question
from hotline_cli.procedure.triage import naumen_comment

NONE_WORDS = ("нет", "нет заключения", "заключения нет", "отчёта нет", "отчета нет", "-")
UNKNOWN_WORDS = ("не знаю", "неизвестно", "не проверено", "не проверял", "не смотрел", "?")  # unknown, not absent
UNKNOWN = object()  # an answer «не знаю» where the case must say that nobody checked
BACK = ("назад", "back")


class Back(Exception):
    """«назад»: the operator goes back one question."""


class IntakeError(Exception):
    """An answer read off a terminal that cannot be used: the script is wrong, not the operator."""


class Conversation:
    """The questions asked and answered. On a terminal «назад» goes back one question: the
    interview starts over with the answers given so far replayed silently, less the last."""

    def __init__(self, today: date, interactive: bool):
        self.today = today
        self.interactive = interactive
        self.answered = 0
        self.given: list[str] = []  # the raw answers of this pass, in order
        self.replay: list[str] = []  # answers to give again without asking (after «назад»)

    def restart(self) -> None:
        self.replay = self.given[:-1]
        self.given = []
        self.answered = 0

    def read(self, prompt: str) -> str | None:
        if self.replay:
            raw = self.replay.pop(0)
        elif self.interactive:
            raw = str(click.prompt(prompt, default="", show_default=False, err=True, prompt_suffix=": "))
            if raw.strip().casefold() in BACK:
                if not self.given:
                    click.echo("  это первый вопрос", err=True)
                    return self.read(prompt)
                raise Back()
        else:
            line = sys.stdin.readline()
            if not line:
                return None
            raw = line.rstrip("\r\n")
        self.given.append(raw)
        return raw

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
                if q.key == "conclusion":
                    return UNKNOWN  # an empty answer says nothing was checked
                if q.optional:
                    return None
                if q.kind == "choice" and q.labels and None in q.labels:
                    return None
                self.problem(q, "нужен ответ")
                continue
            if q.kind == "choices":
                chosen = self.choices(q, raw)
                if chosen is not None:
                    return chosen
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

    def choices(self, q: Question, raw: str) -> list[str] | None:
        """A list answer item by item: a typo in one item is asked about, the others are kept."""
        assert q.labels is not None
        if norm(raw) in ("нет", "-", "никуда"):
            return []
        accepted = spellings(q.labels)
        out: list[str] = []
        for part in (p for p in raw.replace(";", ",").split(",") if p.strip()):
            try:
                out.append(parse_choice(part, accepted, q.labels))
            except AnswerError as e:
                if self.interactive and e.suggestion is not None:
                    label = q.labels.get(e.suggestion, e.suggestion)
                    if self.confirm(f"  «{part.strip()}» — возможно, имелось в виду «{label}»? (да/нет)"):
                        out.append(e.suggestion)
                        continue
                    self.problem(q, f"«{part.strip()}» не понято: повторите ответ целиком")
                    return None
                self.problem(q, e.message)
                return None
        return list(dict.fromkeys(out))

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
        if q.kind == "phone" and (norm(raw) in UNKNOWN_WORDS or norm(raw) in ("нет", "-")):
            return None  # no phone is written: the case says it is missing
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
        if q.key == "conclusion" and norm(raw) in UNKNOWN_WORDS:
            return UNKNOWN  # nobody looked in GSIS: step 2 is still to do
        if None in q.labels and (norm(raw) in NONE_WORDS or norm(raw) == norm(q.labels[None])):
            return None  # «нет заключения»: the choice whose code is null
        return parse_choice(raw, accepted, q.labels)


def _set(draft: dict[str, Any], key: str, value: Any) -> None:
    node = draft
    *parts, last = key.split(".")
    for p in parts:
        node = node.setdefault(p, {})
    if value is UNKNOWN:  # «не знаю» to the conclusion: unknown, and said so in the case
        node["conclusion_checked"] = False
    elif value is not None:
        node[last] = value


def interview(conv: Conversation, base: dict[str, Any], operator: str | None = None) -> dict[str, Any]:
    """Every question the case needs, in the procedure's order; «назад» asks the last one again."""
    while True:
        draft = copy.deepcopy(base)
        try:
            return _interview(conv, draft, operator)
        except Back:
            conv.restart()


def _interview(conv: Conversation, draft: dict[str, Any], operator: str | None) -> dict[str, Any]:
    def say(text: str) -> None:
        if conv.interactive and not conv.replay:
            click.echo(text, err=True)

    say("Новое обращение: клиент не согласен с заключением мастера, что техника исправна.")
    for q in intake.CLIENT:
        _set(draft, q.key, conv.ask(q))
    _city(draft, say)
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
    if operator:
        records(conv, draft, operator)
    return draft


def records(conv: Conversation, draft: dict[str, Any], operator: str) -> None:
    """The hotline part: who the operator was and what they created (audited: HL101–HL107)."""
    hotline: dict[str, Any] = {"operator": operator}
    for q in intake.records_to_ask(draft):
        answer = conv.ask(q)
        if q is intake.SECOND_ASC:
            hotline["second_asc_request"] = answer
        elif q is intake.CONSULTATION and answer:
            hotline["consultation"] = {"l2": texts.CONSULTATION_L2, "l3": texts.CONSULTATION_L3}
        elif q is intake.NAUMEN and answer:
            case = build_case(draft)
            hotline["naumen_request"] = {"template": texts.NAUMEN_TEMPLATE, "comment": naumen_comment(case)}
        elif q is intake.SITE_FORM:
            hotline["site_form_advised"] = bool(answer)
    draft["hotline"] = {k: v for k, v in hotline.items() if v is not None}


def _city(draft: dict[str, Any], say: Any) -> None:
    """The city as the table of Russian cities writes it, with its time zone (the case's local day)."""
    name = " ".join(str(draft["city"].get("name", "")).split())
    known = known_city(name)
    if known:
        draft["city"]["name"], draft["city"]["timezone"] = known
        return
    draft["city"]["name"] = name
    say(f"  Города «{one_line(name)}» нет в таблице городов: время дела — московское (поправьте city.timezone в "
        "файле дела, если это не так).")


def complete(conv: Conversation, draft: dict[str, Any]) -> dict[str, Any]:
    """--from: only what the case lacks for the decision — the ASC's conclusion nobody checked (step 2),
    the number of ASCs in the city (step 4)."""
    asked = False
    for r in draft.get("requests") or ():
        if isinstance(r, dict) and r.get("conclusion_checked") is False:
            if conv.interactive:
                click.echo(f"Дело {one_line(str(draft['case_id']))}: не проверено заключение по заявке "
                           f"№ {one_line(str(r.get('number')))}.", err=True)
            answer = conv.ask(intake.REQUEST[3])
            if answer is not UNKNOWN:
                r.pop("conclusion_checked", None)
                _set(r, "conclusion", answer)
            asked = True
    if draft["city"].get("asc_count") is None and intake.asc_count_needed(draft):
        if conv.interactive:
            click.echo(f"Дело {one_line(str(draft['case_id']))}: не проверено число АСЦ в городе "
                       f"{one_line(str(draft['city']['name']))}.", err=True)
        _set(draft, intake.ASC_COUNT.key, conv.ask(intake.ASC_COUNT))
        asked = True
    if not asked and conv.interactive:
        click.echo("В деле есть всё, что нужно для решения.", err=True)
    return draft


def run(source: str | None, output: str | None, case_id: str | None, channel: str, today: date | None,
        now: datetime, width: int, operator: str | None = None, force: bool = False) -> int:
    from hotline_cli.io.atomic import OutputError, write_bytes
    from hotline_cli.io.casefile import CaseFileError, read_case_file
    from hotline_cli.io.contract import validate
    from hotline_cli.io.names import file_name
    from hotline_cli.io.records import Record
    from hotline_cli.io.writers import fragment
    from hotline_cli.run.pipeline import Job, Pipeline, to_case

    if sys.stdin is None:
        raise IntakeError("стандартный ввод закрыт: отвечать на вопросы неоткуда")
    day = today or now.date()
    conv = Conversation(day, sys.stdin.isatty())
    if source:  # exactly one case, checked before any question is asked
        try:
            cf = read_case_file(source)
        except CaseFileError as e:
            raise IntakeError(str(e)) from None
        if len(cf.records) != 1:
            raise IntakeError(f"{source}: в файле {len(cf.records)} дел; --from дополняет одно дело — "
                              "сохраните его в отдельный файл (или используйте hotline log --id)")
        bad = to_case(Record(source, data=cf.records[0]))
        if isinstance(bad, dict):
            from hotline_cli.io.views import error_line

            raise IntakeError(error_line(bad))
        target = output or source
        _may_write(target, source, force, conv)
        draft = complete(conv, cf.records[0])
    else:
        new_id = case_id or f"HL-{now:%Y%m%d-%H%M%S}"
        target = output or "."
        if os.path.isdir(target):
            target = os.path.join(target, file_name(new_id, set()) + ".json")
        _may_write(target, None, force, conv)
        draft = {"case_id": new_id,
                 "opened_at": today.isoformat() if today else now.isoformat(timespec="seconds"),
                 "channel": channel, "client": {}, "product": {}, "city": {}, "requests": []}
        draft = interview(conv, draft, operator)
    err = validate(draft)
    if err is not None:  # the questions make a valid case: a failure here is a bug, said plainly
        raise IntakeError(f"дело не собрано: {err.path}: {err.message}")
    try:
        write_bytes(target, (json.dumps(draft, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    except OutputError as e:
        raise IntakeError(str(e)) from None
    job = Job("triage", "text", today, width=width, clock=lambda tz: day)
    pipeline = Pipeline(job)
    result = pipeline.result(Record(target, data=draft))
    sys.stdout.write(fragment(result, "text", pipeline.spec.view, width))
    click.echo(f"Дело записано: {target}", err=True)
    return 2 if "error" in result else 0


def _may_write(target: str, source: str | None, force: bool, conv: Conversation) -> None:
    """An existing file other than the case being completed is replaced only with --force, or a «да»
    on a terminal — asked before the conversation, so that nothing typed is lost."""
    from hotline_cli.io.atomic import OutputError, check_target

    try:
        check_target(target)  # a missing or read-only folder is said now, not after the whole conversation
    except OutputError as e:
        raise IntakeError(str(e)) from None
    if force or not os.path.exists(target):
        return
    if source is not None and os.path.exists(source) and os.path.samefile(target, source):
        return  # --from writes the completed case back: that is what it is for
    if os.path.isdir(target):
        return
    if conv.interactive and conv.confirm(f"Файл {one_line(target)} уже есть. Заменить его? (да/нет)"):
        return
    raise IntakeError(f"{target}: файл уже есть — не заменяю; укажите другой -o или --force")
