"""Click, spoken in Russian: the help's own headings, Click's usage messages, yes/no on a
terminal, the date people type, and the command classes that turn a run's problem into what
Click shows (status 2). The commands themselves are declared in cli.app."""

from __future__ import annotations

from datetime import date
from typing import IO, Any

import click

from hotline_cli.run import shell
from hotline_cli.run.shell import EXIT_INPUT, say, today_in

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class RussianHelp:
    """Click's own help headings in Russian (the rest of the help text is ours)."""

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        opt: click.Option | None = super().get_help_option(ctx)  # type: ignore[misc]
        if opt is not None:
            opt.help = "Показать эту справку и выйти."
        return opt

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), "Использование: ")

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        opts = [rv for p in self.get_params(ctx) if (rv := p.get_help_record(ctx)) is not None]  # type: ignore[attr-defined]
        if opts:
            with formatter.section("Параметры"):
                formatter.write_dl(opts)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):  # type: ignore[attr-defined]
            cmd = self.get_command(ctx, name)  # type: ignore[attr-defined]
            if cmd is not None and not cmd.hidden:
                rows.append((name, cmd.get_short_help_str(limit=1000)))  # whole: never cut with «…»
        if rows:
            with formatter.section("Команды"):
                formatter.write_dl(rows)


# Click's own usage messages, in the operator's language
_USAGE_RU = (
    ("Invalid value for", "неверное значение"),
    ("Invalid value", "неверное значение"),
    ("is not one of", "не из списка"),
    ("No such option", "нет такого параметра"),
    ("No such command", "нет такой команды"),
    ("Missing argument", "не указан аргумент"),
    ("Missing option", "не указан параметр"),
    ("Got unexpected extra arguments", "лишние аргументы"),
    ("Got unexpected extra argument", "лишний аргумент"),
    ("requires an argument", "требует значения"),
    ("is not a valid integer", "— не целое число"),
    ("is not in the range", "вне допустимого диапазона"),
    ("Did you mean", "Возможно, имелось в виду"),
)


def _usage_ru(message: str) -> str:
    for en, ru in _USAGE_RU:
        message = message.replace(en, ru)
    return message


def show_usage_error(e: click.UsageError) -> None:
    cmd = e.ctx.command_path if e.ctx is not None else "hotline"
    say(f"hotline: ошибка в вызове: {_usage_ru(e.format_message())}")
    say(f"Справка: {cmd} --help")


def ask_yes(prompt: str) -> bool:
    """да/нет on a terminal, in Russian (an empty answer is yes)."""
    from hotline_cli.io.answers import AnswerError, parse_yes_no

    while True:
        raw = str(click.prompt(prompt, default="", show_default=False, err=True, prompt_suffix=": ")).strip()
        if not raw:
            return True
        try:
            return parse_yes_no(raw)
        except AnswerError:
            say("  ответьте «да» или «нет»")


class Command(RussianHelp, click.Command):
    def __init__(self, *args: Any, **kw: Any):
        kw.setdefault("options_metavar", "[ПАРАМЕТРЫ]")
        super().__init__(*args, **kw)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:  # the reader went away: end quietly (Click itself would say nothing and exit 1)
            raise shell.PipeClosed() from None
        except shell.BadArgument as e:  # a run's problems (run.shell): said as Click says them, status 2
            raise click.BadParameter(str(e), ctx=ctx, param_hint=e.hint) from None
        except shell.Usage as e:
            raise click.UsageError(str(e), ctx) from None
        except shell.Problem as e:
            raise Problem(str(e)) from None


# the commands in the order of a case's journey (bare `hotline` lists them so), and workdays' own
ORDER = {"workdays": ("add", "between", "year", "import"),
         None: ("new", "triage", "log", "escalate", "followup", "agenda", "summarize", "audit", "import", "rules",
                "workdays")}


class Group(RussianHelp, click.Group):
    command_class = Command
    group_class = type  # subgroups are Groups too (click: type means "same class")

    def list_commands(self, ctx: click.Context) -> list[str]:
        order = ORDER.get(self.name, ORDER[None]) if self.name == "workdays" else ORDER[None]
        return sorted(super().list_commands(ctx), key=lambda n: (order.index(n) if n in order else len(order), n))

    def __init__(self, *args: Any, **kw: Any):
        kw.setdefault("options_metavar", "[ПАРАМЕТРЫ]")
        kw.setdefault("subcommand_metavar", "КОМАНДА [АРГУМЕНТЫ]...")
        super().__init__(*args, **kw)


class DateParam(click.ParamType):  # type: ignore[type-arg]  # generic in Click 8.2 only
    name = "ДАТА"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        from hotline_cli.io.answers import AnswerError, parse_date
        from hotline_cli.procedure.calendar_data import MAX_YEAR, MIN_YEAR

        try:
            d = parse_date(str(value), today_in("Europe/Moscow"))
        except AnswerError as e:
            self.fail(e.message, param, ctx)
        if not MIN_YEAR <= d.year <= MAX_YEAR:
            self.fail(f"«{value}» вне поддерживаемых лет {MIN_YEAR}–{MAX_YEAR}", param, ctx)
        return d


DATE = DateParam()
FORMATS = ["text", "json", "jsonl", "csv", "table", "xlsx"]


class Problem(click.ClickException):
    """A configuration, output or option problem: one Russian line, exit 2."""

    exit_code = EXIT_INPUT

    def show(self, file: IO[Any] | None = None) -> None:
        say(f"hotline: {self.message}")

