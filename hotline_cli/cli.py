"""The shell: Click options and commands, printing, exit codes. Nothing is decided here.

Exit status (shared/spec/cli-contract.md): 0 done; 1 audit found an error-level finding;
2 usage error or at least one unreadable/invalid record (2 wins over 1); 130 interrupted.
"""

from __future__ import annotations

import os
import sys
from datetime import date, datetime

import click

from hotline_cli import __version__

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class RussianHelp:
    """Click's own help headings in Russian (the rest of the help text is ours)."""

    def get_help_option(self, ctx):
        opt = super().get_help_option(ctx)
        if opt is not None:
            opt.help = "Показать эту справку и выйти."
        return opt

    def format_usage(self, ctx, formatter):
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), "Использование: ")

    def format_options(self, ctx, formatter):
        opts = [rv for p in self.get_params(ctx) if (rv := p.get_help_record(ctx)) is not None]
        if opts:
            with formatter.section("Параметры"):
                formatter.write_dl(opts)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)

    def format_commands(self, ctx, formatter):
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, cmd.get_short_help_str(limit=80)))
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
    ("Got unexpected extra argument", "лишний аргумент"),
    ("Got unexpected extra arguments", "лишние аргументы"),
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
    click.echo(f"hotline: ошибка в вызове: {_usage_ru(e.format_message())}", err=True)
    click.echo(f"Справка: {cmd} --help", err=True)


class Command(RussianHelp, click.Command):
    pass


class Group(RussianHelp, click.Group):
    command_class = Command
    group_class = type  # subgroups are Groups too (click: type means "same class")

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130


class DateParam(click.ParamType):
    name = "ГГГГ-ММ-ДД"

    def convert(self, value, param, ctx):
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            self.fail(f"«{value}» — не дата; ожидается ГГГГ-ММ-ДД, например 2025-11-05", param, ctx)


DATE = DateParam()


# ------------------------------------------------------------------ shared options

def batch_options(f):
    """Options every case command takes, declared once."""
    decorators = [
        click.argument("inputs", nargs=-1, metavar="[INPUT]..."),
        click.option("--format", "fmt", type=click.Choice(["text", "json", "jsonl", "csv", "table"]),
                     default="text", show_default=True,
                     help="text — для человека; jsonl — объект на дело в строке; json — один массив; "
                          "csv и table — строки таблицы."),
        click.option("--today", "--as-of", "today", type=DATE, default=None,
                     help="Дата, на которую судить сроки (ГГГГ-ММ-ДД); события после неё не учитываются. "
                          "По умолчанию — сегодня в часовом поясе дела."),
        click.option("--config", "config_path", type=click.Path(dir_okay=False), envvar="HOTLINE_CONFIG",
                     default=None, help="Файл настроек (TOML или JSON); также переменная HOTLINE_CONFIG."),
        click.option("--output", "-o", "output", type=click.Path(dir_okay=False, writable=True), default=None,
                     help="Записать результат в файл (атомарно) вместо стандартного вывода."),
        click.option("--encoding", default="utf-8", show_default=True,
                     help="Кодировка входных файлов, например cp1251 или utf-16."),
        click.option("--mask-pii", is_flag=True, default=False,
                     help="Скрыть ФИО, телефоны и e-mail клиентов (стабильный короткий хеш)."),
    ]
    for d in reversed(decorators):
        f = d(f)
    return f


INPUT_HELP = ("INPUT — файл .json (дело или массив дел), .jsonl (дело в строке), папка (все .json/.jsonl "
              "рекурсивно) или «-»; без INPUT читается стандартный ввод.")


@click.group(cls=Group, context_settings=CONTEXT)
@click.version_option(__version__, "--version", "-V", prog_name="hotline", message="%(prog)s %(version)s",
                      help="Показать версию и выйти.")
def cli():
    """hotline — решения и аудит по статье ГЛ «Клиент не согласен с заключением мастера,
    что техника исправна».

    \b
    Команды для дела или выгрузки дел:
      triage     ситуация, что делать и говорить оператору
      escalate   следующее сообщение эксперта / агента Usedesk
      followup   сроки (рабочие дни) и что пора сделать
      summarize  итоговая консультация для GSIS
      audit      проверка выгрузки на соответствие статье
      workdays   производственный календарь РФ
    """


# ------------------------------------------------------------------ running a batch

class ConfigProblem(click.ClickException):
    exit_code = EXIT_INPUT

    def show(self, file=None):
        click.echo(f"hotline: {self.message}", err=True)


def _load_config(path: str | None):
    from hotline_cli.config import ConfigError, load_config

    try:
        return load_config(path)
    except ConfigError as e:
        raise ConfigProblem(str(e)) from None


def today_in(tzname: str) -> date:
    """Today's date in a case's time zone: the one place that reads the clock."""
    from hotline_cli.model import zone

    return datetime.now(zone(tzname)).date()


def run_batch(command: str, inputs, fmt: str, today, config_path, output, encoding, mask_pii,
              options: dict | None = None, jobs: int | None = 1) -> int:
    from hotline_cli import batch, commands, render
    from hotline_cli.sources import input_size, read_blocks, read_raw

    spec = commands.COMMANDS[command]
    options = dict(options or {})
    eml = options.pop("eml", None)
    job = batch.Job(command, fmt, today, _load_config(config_path), options, mask_pii, clock=today_in)
    inputs = list(inputs) or ["-"]
    if inputs == ["-"] and sys.stdin.isatty():
        click.echo("hotline: читаю дела со стандартного ввода (Ctrl-D — конец ввода)…", err=True)
    if jobs is None:  # auto: both cores for a large export
        jobs = usable_cores() if input_size(inputs) >= PARALLEL_FROM_BYTES else 1
    if eml or fmt == "table":
        jobs = 1  # .eml files are written by this process; a table is built whole anyway
    tally = Tally(command)
    progress = output is not None or not sys.stdout.isatty()
    with open_output(output) as out:
        sink = render.Sink(out, fmt, spec)
        # progress only where it cannot mix with the output: stdout redirected, stderr a terminal
        if jobs > 1:
            for chunk in tally.watch_chunks(batch.chunks_parallel(read_blocks(inputs, encoding), job, jobs),
                                            progress):
                sink.write_block(chunk.data, chunk.fragments)
        else:
            pairs = batch.fragments(read_raw(inputs, encoding), job, post=EmlWriter(eml).write if eml else None,
                                    staged="-" not in inputs)
            for frag, meta in tally.watch(pairs, progress):
                sink.write(frag)
        sink.close(spec.summary(tally.summary) if spec.summary is not None else ())
    if tally.summary is not None and fmt != "text" and sys.stderr.isatty():
        s = tally.summary
        click.echo(f"hotline audit: записей {s.read}, некорректных {s.invalid}, с ошибками {s.with_errors}, "
                   f"с предупреждениями {s.with_warnings}, без замечаний {s.clean}", err=True)
    return tally.exit_code()


PARALLEL_FROM_BYTES = 4 * 1024 * 1024


def usable_cores() -> int:
    """The cores this process may run on (a container or `taskset` may allow fewer than
    the machine has: more workers than that would only take turns)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


class Tally:
    """Counts results on their way out (batch.Counts); prints each bad record's message to
    stderr; shows progress on a terminal's stderr for long runs (never on stdout, never
    when piped)."""

    def __init__(self, command: str):
        from hotline_cli.batch import Counts

        self.counts = Counts(command == "audit")
        self.shown = False

    @property
    def summary(self):
        """The audit summary (None for other commands)."""
        return self.counts.summary

    def watch(self, pairs, progress: bool = True):
        """(fragment, meta) pairs of one process, passed through."""
        show = progress and sys.stderr.isatty()
        add = self.counts.add
        for pair in pairs:
            error = add(pair[1])
            if error is not None:
                self._error(error)
            if show and self.counts.read % 5000 == 0:
                self._progress()
            yield pair
        self._done()

    def watch_chunks(self, chunks, progress: bool = True):
        """Chunks of worker processes (batch.Chunk), passed through."""
        show = progress and sys.stderr.isatty()
        for chunk in chunks:
            before = self.counts.read
            self.counts.merge(chunk.counts)
            if chunk.error_lines:
                self._error(*chunk.error_lines)
            if show and self.counts.read // 5000 != before // 5000:
                self._progress()
            yield chunk
        self._done()

    def _error(self, *lines: str) -> None:
        """Bad records' lines (already made safe for a terminal: render.error_line). Written
        straight to stderr: click.echo asks isatty and flushes per line, 0.2 s a 1 000 lines."""
        if self.shown:
            sys.stderr.write("\r" + " " * 40 + "\r")
            self.shown = False
        sys.stderr.write("".join(f"hotline: {line}\n" for line in lines))
        sys.stderr.flush()

    def _progress(self) -> None:
        sys.stderr.write(f"\rобработано дел: {self.counts.read}…")
        sys.stderr.flush()
        self.shown = True

    def _done(self) -> None:
        if self.shown:
            sys.stderr.write("\r" + " " * 40 + "\r")
            sys.stderr.flush()
            self.shown = False

    def exit_code(self) -> int:
        if self.counts.errors:
            return EXIT_INPUT
        if self.counts.findings_error:
            return EXIT_FINDINGS
        return EXIT_OK


class EmlWriter:
    """--eml PATH: one .eml file (PATH ends in .eml) or a folder of <case_id>.eml files."""

    def __init__(self, path: str):
        self.path = path
        self.single = path.lower().endswith(".eml")
        self.written = 0

    def write(self, r: dict) -> dict:
        from hotline_cli.messages import eml_bytes

        m = r.get("message")
        if m:
            if self.single and self.written:
                r["warnings"].append(f"--eml {self.path} — один файл, и он уже записан для другого дела: "
                                     "для нескольких дел укажите папку")
            else:
                target = self._target(r["case_id"])
                _atomic_write_bytes(target, eml_bytes(m, r["warnings"]))
                r["eml"] = target
                self.written += 1
        return r

    def _target(self, case_id: str) -> str:
        if self.single:
            return self.path
        os.makedirs(self.path, exist_ok=True)
        import re

        name = re.sub(r"[^\w.-]+", "_", case_id, flags=re.UNICODE).strip("._") or "case"
        return os.path.join(self.path, f"{name[:100]}.eml")


def _atomic_write_bytes(path: str, data: bytes) -> None:
    import tempfile

    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".hotline-", suffix=".tmp", dir=d)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


class open_output:
    """stdout, or a file written atomically: a temporary file renamed into place at the end."""

    def __init__(self, path: str | None):
        self.path = path
        self.tmp = None

    def __enter__(self):
        if not self.path:
            out = sys.stdout
            if hasattr(out, "reconfigure"):
                out.reconfigure(errors="backslashreplace")
            return out
        import tempfile

        d = os.path.dirname(os.path.abspath(self.path))
        fd, self.tmp = tempfile.mkstemp(prefix=".hotline-", suffix=".tmp", dir=d)
        self.fh = os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace", newline="")
        return self.fh

    def __exit__(self, exc_type, exc, tb):
        if not self.path:
            sys.stdout.flush()
            return False
        self.fh.close()
        if exc_type is None:
            os.replace(self.tmp, self.path)
        else:
            os.unlink(self.tmp)
        return False


# ------------------------------------------------------------------ commands

@cli.command(context_settings=CONTEXT, epilog=INPUT_HELP)
@batch_options
def triage(inputs, fmt, today, config_path, output, encoding, mask_pii):
    """Ситуация статьи для дела: что делать, что сказать клиенту, что оформить (правила R0–R9)."""
    sys.exit(run_batch("triage", inputs, fmt, today, config_path, output, encoding, mask_pii))


@cli.command(context_settings=CONTEXT, epilog=INPUT_HELP)
@batch_options
def followup(inputs, fmt, today, config_path, output, encoding, mask_pii):
    """Сроки дела в рабочих днях: обещание клиенту, ответ инженера (по циклам), требования
    потребителя — статус на дату и что пора сделать."""
    sys.exit(run_batch("followup", inputs, fmt, today, config_path, output, encoding, mask_pii))


@cli.command(context_settings=CONTEXT, epilog=INPUT_HELP)
@batch_options
@click.option("--engineer", metavar="EMAIL", default=None,
              help="Ответственный инженер (поверх списка ответственных из настроек).")
@click.option("--urgent", is_flag=True, default=False,
              help="Добавить в копию адрес «в крайнем случае» (оперативное решение вопроса).")
@click.option("--eml", "eml", type=click.Path(), default=None,
              help="Записать письмо в формате RFC 5322: файл .eml, а для нескольких дел — папку.")
@click.option("--question", "questions", multiple=True,
              help="Конкретный вопрос инженеру (можно несколько); по умолчанию — о ремонте в рамках "
                   "лояльности или актировании.")
def escalate(inputs, fmt, today, config_path, output, encoding, mask_pii, engineer, urgent, eml, questions):
    """Следующий шаг эксперта или агента Usedesk по делу и письмо, если оно нужно сейчас:
    кому, копия, приоритет, тема, текст, вложения."""
    sys.exit(run_batch("escalate", inputs, fmt, today, config_path, output, encoding, mask_pii,
                       {"engineer": engineer, "urgent": urgent, "eml": eml, "questions": list(questions)}))


def _codes(values) -> list[str]:
    return [c for v in values for c in v.split(",") if c.strip()]


@cli.command(context_settings=CONTEXT, epilog=INPUT_HELP)
@batch_options
@click.option("--select", multiple=True, metavar="КОДЫ",
              help="Проверять только эти правила (через запятую; префикс HL2 — все HL2xx).")
@click.option("--ignore", multiple=True, metavar="КОДЫ", help="Не проверять эти правила (через запятую или префикс).")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=None,
              help="Процессов для проверки (0 или не указано — авто: все ядра для выгрузок от 4 МБ).")
def audit(inputs, fmt, today, config_path, output, encoding, mask_pii, select, ignore, jobs):
    """Проверка выгрузки дел на соответствие статье: правила HL001–HL303, находки по делам
    и итог для супервайзера. Код выхода 1 — есть находки уровня «ошибка»."""
    from hotline_cli.audit import select_rules

    select, ignore = _codes(select), _codes(ignore)
    try:
        select_rules(select, ignore)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--select/--ignore") from None
    sys.exit(run_batch("audit", inputs, fmt, today, config_path, output, encoding, mask_pii,
                       {"select": select, "ignore": ignore}, jobs=jobs or None))


@cli.command(context_settings=CONTEXT, epilog=INPUT_HELP)
@batch_options
def summarize(inputs, fmt, today, config_path, output, encoding, mask_pii):
    """Итоговая консультация GSIS: «Описание заказчика» с обязательной первой фразой,
    что сделано и результат; «Примечания» со ссылками на тикеты."""
    sys.exit(run_batch("summarize", inputs, fmt, today, config_path, output, encoding, mask_pii))


# ------------------------------------------------------------------ workdays

def workday_options(f):
    f = click.option("--output", "-o", "output", type=click.Path(dir_okay=False, writable=True), default=None,
                     help="Записать результат в файл (атомарно) вместо стандартного вывода.")(f)
    f = click.option("--config", "config_path", type=click.Path(dir_okay=False), envvar="HOTLINE_CONFIG",
                     default=None, help="Файл настроек с переопределениями календаря.")(f)
    f = click.option("--format", "fmt", type=click.Choice(["text", "json", "jsonl", "csv", "table"]),
                     default="text", show_default=True,
                     help="text — для человека; json/jsonl — один объект; csv/table — строки (для года — по дням).")(f)
    return f


@cli.group(cls=Group, context_settings=CONTEXT)
def workdays():
    """Производственный календарь РФ: рабочие дни с переносами и рабочими субботами."""


def _calendar(config_path):
    from hotline_cli.calendar_ru import ProductionCalendar

    return ProductionCalendar(_load_config(config_path).calendar)


def _print_one(result: dict, fmt: str, output: str | None) -> None:
    from hotline_cli import render

    with open_output(output) as out:
        if fmt in ("json", "jsonl"):  # the contract: one object for workdays, never an array
            out.write(render.dumps(result) + "\n")
            return
        spec = render.workdays_spec(result)
        sink = render.Sink(out, fmt, spec)
        sink.write(render.fragment(result, fmt, spec))
        sink.close()


def _calendar_call(fn):
    from hotline_cli.calendar_ru import CalendarError

    try:
        return fn()
    except CalendarError as e:
        raise click.BadParameter(str(e)) from None


@workdays.command("add", context_settings=CONTEXT)
@click.argument("start", type=DATE, metavar="ДАТА")
@click.argument("n", type=click.IntRange(min=0), metavar="N")
@workday_options
def workdays_add(start, n, fmt, config_path, output):
    """N-й рабочий день после ДАТЫ (отсчёт со следующего дня); N = 0 — сама ДАТА, если она рабочая,
    иначе ближайший рабочий день."""
    cal = _calendar(config_path)
    end = _calendar_call(lambda: cal.add(start, n))
    _print_one({"start": start.isoformat(), "n": n, "date": end.isoformat(),
                "provisional": any(cal.provisional(y) for y in range(start.year, end.year + 1))}, fmt, output)


@workdays.command("between", context_settings=CONTEXT)
@click.argument("start", type=DATE, metavar="ДАТА1")
@click.argument("end", type=DATE, metavar="ДАТА2")
@workday_options
def workdays_between(start, end, fmt, config_path, output):
    """Число рабочих дней после ДАТЫ1 по ДАТУ2 включительно."""
    cal = _calendar(config_path)
    n = _calendar_call(lambda: cal.between(start, end))
    lo, hi = sorted((start, end))
    _print_one({"start": start.isoformat(), "end": end.isoformat(), "working_days": n,
                "provisional": any(cal.provisional(y) for y in range(lo.year, hi.year + 1))}, fmt, output)


@workdays.command("year", context_settings=CONTEXT)
@click.argument("year", type=int, metavar="ГГГГ")
@workday_options
def workdays_year(year, fmt, config_path, output):
    """Рабочие дни года, нерабочие будни, рабочие выходные (переносы) и предварительный ли календарь."""
    cal = _calendar(config_path)
    y = _calendar_call(lambda: cal.year(year))
    days = sorted(y.non_working_weekdays | y.working_weekends)
    _print_one({"year": year, "working_days": y.working_days,
                "non_working_weekdays": sorted(d.isoformat() for d in y.non_working_weekdays),
                "working_weekends": sorted(d.isoformat() for d in y.working_weekends),
                "provisional": y.provisional, "source": y.source,
                "days": [{"date": d.isoformat(), "working": d in y.working_weekends, "name": y.names.get(d) or ""}
                         for d in days]}, fmt, output)


# ------------------------------------------------------------------ entry point

def main(argv: list[str] | None = None) -> int:
    """Run the CLI; never lets a traceback reach the user for bad input, a closed pipe or Ctrl-C."""
    try:
        rv = cli.main(args=argv, prog_name="hotline", standalone_mode=False)
        code = rv if isinstance(rv, int) else EXIT_OK
    except click.exceptions.Exit as e:
        code = e.exit_code
    except click.UsageError as e:
        show_usage_error(e)
        code = e.exit_code
    except click.ClickException as e:
        e.show()
        code = e.exit_code
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except click.exceptions.Abort:
        click.echo("\nпрервано", err=True)
        code = EXIT_INTERRUPTED
    except KeyboardInterrupt:
        click.echo("\nпрервано", err=True)
        code = EXIT_INTERRUPTED
    except BrokenPipeError:
        # the reader went away (| head): end quietly; stdout can no longer be flushed
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        code = EXIT_OK
    sys.exit(code)
