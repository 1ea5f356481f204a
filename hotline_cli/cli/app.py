"""The shell: Click's options and commands, and the translation of how a run ended into the
exit status. Nothing is decided or written here: a batch command's run is run.batch; import,
log, rules and workdays are run.importing, run.logbook, run.rulebook and run.workdays; the
streams, the clock and the configuration are run.shell; Click's own words in Russian, the
date type and the command classes are cli.click_ru.

Exit status (the CLI contract): 0 done; 1 audit found an error-level finding; 2 usage
error, a broken configuration, an output that cannot be written, or at least one
unreadable/invalid record (2 wins over 1); 130 Ctrl-C; 143 SIGTERM; 129 SIGHUP.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, NoReturn

import click

from hotline_cli import __version__
from hotline_cli.cli.click_ru import (
    CONTEXT,
    DATE,
    FORMATS,
    Group,
    Problem,
    ask_yes,
    show_usage_error,
)
from hotline_cli.run.batch import run_batch
from hotline_cli.run.shell import (
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_SOFTWARE,
    PipeClosed,
    open_closed_streams,
    quiet_stdout,
    say,
    screen_width,
)


class Terminated(BaseException):
    """SIGTERM or SIGHUP: unwind (temporary files removed, workers stopped), then exit 128+N."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum




# ------------------------------------------------------------------ shared options

def batch_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """Options every case command takes, declared once."""
    decorators = [
        click.argument("inputs", nargs=-1, metavar="[INPUT]..."),
        click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", metavar="ФОРМАТ",
                     help="text — для человека (по умолчанию); table — таблица для человека; xlsx — книга Excel "
                          "(с --output); jsonl — объект на дело в строке; json — один массив; csv — строки "
                          "таблицы для программ."),
        click.option("--excel", is_flag=True, default=False,
                     help="С --format csv: CSV для русского Excel — «;» между ячейками, UTF-8 с BOM "
                          "(открывается двойным щелчком)."),
        click.option("--today", "--as-of", "today", type=DATE, default=None,
                     help="Дата, на которую судить сроки (ДД.ММ.ГГГГ или ГГГГ-ММ-ДД); события после неё не "
                          "учитываются. По умолчанию — сегодня в часовом поясе дела."),
        click.option("--config", "config_path", envvar="HOTLINE_CONFIG", default=None, metavar="ФАЙЛ",
                     help="Файл настроек (TOML или JSON); также переменная HOTLINE_CONFIG."),
        click.option("--output", "-o", "output", default=None, metavar="ФАЙЛ",
                     help="Записать результат в файл (атомарно) вместо стандартного вывода."),
        click.option("--encoding", default="utf-8", metavar="КОДИРОВКА",
                     help="Кодировка входных файлов, например cp1251 или utf-16 (по умолчанию utf-8)."),
        click.option("--mask-pii", is_flag=True, default=False,
                     help="Скрыть ФИО, телефоны и e-mail клиентов (стабильный короткий хеш; ключ — "
                          "переменная HOTLINE_PII_SALT)."),
    ]
    for d in reversed(decorators):
        f = d(f)
    return f


INPUT_HELP = ("INPUT — файл .json (дело или массив дел), .jsonl (дело в строке), папка (все .json/.jsonl "
              "рекурсивно) или «-»; без INPUT читается стандартный ввод.")


@click.group(cls=Group, context_settings=CONTEXT, invoke_without_command=True)
@click.version_option(__version__, "--version", "-V", prog_name="hotline", message="%(prog)s %(version)s",
                      help="Показать версию и выйти.")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """hotline — решения и аудит по статье ГЛ «Клиент не согласен с заключением мастера,
    что техника исправна». Справка по команде: hotline КОМАНДА --help."""
    if ctx.invoked_subcommand is None:  # bare `hotline`: the help, and status 0
        click.echo(ctx.get_help())
        ctx.exit(0)


# ------------------------------------------------------------------ commands

def _run(command: str, *args: Any, **kw: Any) -> NoReturn:
    sys.exit(run_batch(command, *args, **dict(kw, version=__version__)))


@cli.command(context_settings=CONTEXT, epilog=INPUT_HELP, short_help="ситуация, что делать и говорить оператору")
@batch_options
def triage(inputs: tuple[str, ...], fmt: str, excel: bool, today: date | None, config_path: str | None,
           output: str | None, encoding: str, mask_pii: bool) -> None:
    """Ситуация статьи для дела: что делать, что сказать клиенту, что оформить (правила R0–R9)."""
    _run("triage", inputs, fmt, today, config_path, output, encoding, mask_pii, {"excel": excel})


@cli.command(context_settings=CONTEXT, epilog=INPUT_HELP, short_help="сроки в рабочих днях и что пора сделать")
@batch_options
def followup(inputs: tuple[str, ...], fmt: str, excel: bool, today: date | None, config_path: str | None,
             output: str | None, encoding: str, mask_pii: bool) -> None:
    """Сроки дела в рабочих днях: обещание клиенту, ответ инженера (по циклам), требования
    потребителя — статус на дату и что пора сделать."""
    _run("followup", inputs, fmt, today, config_path, output, encoding, mask_pii, {"excel": excel})


@cli.command(context_settings=CONTEXT, epilog=INPUT_HELP,
             short_help="следующий шаг эксперта или агента Usedesk и письмо")
@batch_options
@click.option("--engineer", metavar="EMAIL", default=None,
              help="Ответственный инженер (поверх списка ответственных из настроек).")
@click.option("--urgent", is_flag=True, default=False,
              help="Добавить в копию адрес «в крайнем случае» (оперативное решение вопроса).")
@click.option("--eml", "eml", default=None, metavar="ПУТЬ",
              help="Записать письмо в формате RFC 5322: файл .eml, а для нескольких дел — папку.")
@click.option("--question", "questions", multiple=True, metavar="ВОПРОС",
              help="Конкретный вопрос инженеру (можно несколько); по умолчанию — о ремонте в рамках "
                   "лояльности или актировании.")
def escalate(inputs: tuple[str, ...], fmt: str, excel: bool, today: date | None, config_path: str | None,
             output: str | None, encoding: str, mask_pii: bool, engineer: str | None, urgent: bool, eml: str | None,
             questions: tuple[str, ...]) -> None:
    """Следующий шаг эксперта или агента Usedesk по делу и письмо, если оно нужно сейчас:
    кому, копия, приоритет, тема, текст, вложения."""
    _run("escalate", inputs, fmt, today, config_path, output, encoding, mask_pii,
         {"engineer": engineer, "urgent": urgent, "eml": eml, "questions": list(questions), "excel": excel})


def _complete_codes(incomplete: str) -> list[Any]:
    """Shell completion of rule codes and prefixes (HL2, HL205) for --select/--ignore."""
    from click.shell_completion import CompletionItem

    from hotline_cli.procedure.audit import CODES

    head, _, last = incomplete.rpartition(",")
    prefix = head + "," if head else ""
    options = sorted({c[:3] for c in CODES} | set(CODES))
    return [CompletionItem(prefix + c, help=CODES[c].title if c in CODES else None)
            for c in options if c.startswith(last.upper())]


def _codes(values: tuple[str, ...]) -> list[str]:
    return [c for v in values for c in v.split(",") if c.strip()]


@cli.command(context_settings=CONTEXT, epilog=INPUT_HELP, short_help="проверка выгрузки на соответствие статье")
@batch_options
@click.option("--select", multiple=True, metavar="КОДЫ", shell_complete=lambda c, p, i: _complete_codes(i),
              help="Проверять только эти правила (через запятую; префикс HL2 — все HL2xx).")
@click.option("--ignore", multiple=True, metavar="КОДЫ", shell_complete=lambda c, p, i: _complete_codes(i),
              help="Не проверять эти правила (через запятую или префикс).")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=None, metavar="N",
              help="Процессов для проверки (0 или не указано — авто: все ядра для выгрузок от 4 МБ).")
@click.option("--statistics", is_flag=True, default=False,
              help="Только итог (в любом формате): итоги, правила, разбивки по ситуациям, неделям, городам, "
                   "технике, каналам, операторам и экспертам.")
@click.option("--exit-zero", is_flag=True, default=False,
              help="Код выхода не зависит от находок (0), кроме некорректных записей (2).")
@click.option("--all", "all_cases", is_flag=True, default=False,
              help="В строках csv и table — и дела без замечаний (строка без кода): долю соответствия можно "
                   "посчитать по самим строкам.")
@click.option("--report", metavar="ФАЙЛ.html", default=None,
              help="Записать отчёт для просмотра: одна страница HTML с цифрами, графиками, сроками, людьми и "
                   "делами за каждой строкой графика (без сети).")
@click.option("--compare", "compare_with", metavar="ПРЕДЫДУЩАЯ", default=None, type=click.Path(exists=True),
              help="Сравнить с прошлым периодом: его выгрузка или сохранённый итог (--statistics --format json).")
@click.option("--waivers", metavar="ФАЙЛ", default=None, type=click.Path(dir_okay=False),
              help="Снятые находки (TOML или CSV: дело, код, причина, кто, дата): не считаются против "
                   "соответствия и показаны отдельно.")
def audit(inputs: tuple[str, ...], fmt: str, excel: bool, today: date | None, config_path: str | None,
          output: str | None, encoding: str, mask_pii: bool, select: tuple[str, ...], ignore: tuple[str, ...],
          jobs: int | None, statistics: bool, exit_zero: bool, all_cases: bool, report: str | None,
          compare_with: str | None, waivers: str | None) -> None:
    """Проверка выгрузки дел на соответствие статье: правила HL001–HL304, находки по делам
    и итог для супервайзера. Код выхода 1 — есть находки уровня «ошибка»."""
    _run("audit", inputs, fmt, today, config_path, output, encoding, mask_pii,
         {"select": _codes(select), "ignore": _codes(ignore), "excel": excel, "statistics": statistics,
          "exit_zero": exit_zero, "all": all_cases, "report": report, "compare": compare_with,
          "waivers_file": waivers}, jobs=jobs or None)


@cli.command(context_settings=CONTEXT, epilog=INPUT_HELP, short_help="итоговая консультация для GSIS")
@batch_options
def summarize(inputs: tuple[str, ...], fmt: str, excel: bool, today: date | None, config_path: str | None,
              output: str | None, encoding: str, mask_pii: bool) -> None:
    """Итоговая консультация GSIS: «Описание заказчика» с обязательной первой фразой,
    что сделано и результат; «Примечания» со ссылками на тикеты."""
    _run("summarize", inputs, fmt, today, config_path, output, encoding, mask_pii, {"excel": excel})


@cli.command("new", context_settings=CONTEXT, short_help="новое дело из разговора с клиентом")
@click.option("--from", "source", metavar="ФАЙЛ",
              help="Дополнить дело из файла: спросить только то, чего не хватает для решения (число АСЦ в "
                   "городе), и решить заново.")
@click.option("--output", "-o", "output", metavar="ПУТЬ",
              help="Куда записать дело: файл .json или папка (файл по номеру дела). По умолчанию — текущая "
                   "папка, а с --from — тот же файл.")
@click.option("--id", "case_id", metavar="НОМЕР", help="Номер обращения (по умолчанию HL-ГГГГММДД-ЧЧММСС).")
@click.option("--channel", type=click.Choice(["call", "site_form", "email"]), default="call", metavar="КАНАЛ",
              help="Канал обращения: call — звонок на ГЛ (по умолчанию), site_form — форма на сайте, "
                   "email — письмо на почту.")
@click.option("--today", "--as-of", "today", type=DATE, default=None,
              help="Дата обращения (ДД.ММ.ГГГГ); по умолчанию — сейчас. От неё считаются «сегодня» и «вчера».")
@click.option("--operator", envvar="HOTLINE_OPERATOR", default=None, metavar="ИМЯ",
              help="Оператор (имя или логин; также HOTLINE_OPERATOR): записывается в дело вместе с тем, что "
                   "оформлено в разговоре (заявка на другой АСЦ, консультация, запрос из Naumen).")
@click.option("--force", is_flag=True, default=False, help="Заменить существующий файл -o без вопроса.")
def new_case(source: str | None, output: str | None, case_id: str | None, channel: str, today: date | None,
             operator: str | None, force: bool) -> None:
    """Новое дело из разговора: вопросы по порядку статьи — кто клиент, заявки (номер, тип, дата,
    заключение АСЦ), сохраняется ли неисправность, что за техника, число АСЦ в городе (только если
    от него зависит решение), намерения клиента. Ответы — как удобно: «холодильник», «да»,
    «31.10», «вчера». В конце — решение и дело в файле JSON для escalate, followup, summarize.
    Без терминала ответы читаются со стандартного ввода, по одному в строке, в том же порядке."""
    from hotline_cli.cli import new as conversation
    from hotline_cli.procedure.case import zone

    try:
        code = conversation.run(source, output, case_id, channel, today, datetime.now(zone("Europe/Moscow")),
                                screen_width(), operator, force)
    except conversation.IntakeError as e:
        raise Problem(str(e)) from None
    sys.exit(code)


@cli.command(context_settings=CONTEXT, epilog=INPUT_HELP, short_help="дела эксперта на сегодня и ближайшие дни")
@batch_options
@click.option("--days", type=click.IntRange(min=0, max=366), default=3, metavar="N",
              help="«Ближайшие дни»: сколько рабочих дней после даты показывать (по умолчанию 3, не больше 366).")
@click.option("--expert", metavar="ИМЯ", default=None,
              help="Только дела, в которых этот человек что-то делал (поле «by» событий), — его день.")
def agenda(inputs: tuple[str, ...], fmt: str, excel: bool, today: date | None, config_path: str | None,
           output: str | None, encoding: str, mask_pii: bool, days: int, expert: str | None) -> None:
    """День эксперта по папке открытых дел: всё, что просрочено, нужно сегодня и в ближайшие
    рабочие дни (повторный запрос, звонок о задержке, обратная связь, документы HPCC,
    рекламации, требования, сроки по закону о защите прав потребителей) — по сроку, с делом,
    клиентом, тем, что сделать, и текстом письма, где он составлен."""
    _run("agenda", inputs, fmt, today, config_path, output, encoding, mask_pii,
         {"days": days, "excel": excel, "expert": expert})


@cli.command(context_settings=CONTEXT, short_help="книга правил: R0–R9 и коды HL")
@click.argument("code", required=False, metavar="[КОД]", shell_complete=lambda c, p, i: _complete_codes(i))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "jsonl"]), default="text", metavar="ФОРМАТ",
              help="text — для человека (по умолчанию); json — один массив (или объект для КОДА); jsonl — правило "
                   "в строке.")
def rules(code: str | None, fmt: str) -> None:
    """Книга правил: R0–R9 (решение оператора) и коды HL001–HL304 (проверка выгрузки) — уровень,
    название, каналы и фраза статьи, на которой правило стоит. С КОДОМ — одно правило подробно
    и его примеры: нарушение и «почти, но нет» из примеров проекта, проверенные здесь же."""
    from hotline_cli.run import rulebook

    rulebook.show(code, fmt)


@cli.command("import", context_settings=CONTEXT, short_help="выгрузки Usedesk, GSIS и Naumen → дела")
@click.option("--usedesk", "usedesk", multiple=True, metavar="ФАЙЛ",
              help="Выгрузка API Usedesk: ответы /ticket (и /client) — массив JSON, JSON Lines или папка таких "
                   "файлов. Можно несколько раз.")
@click.option("--table", "tables", multiple=True, metavar="ФАЙЛ",
              help="Таблица GSIS или Naumen: CSV (как сохраняет Excel: «;» или «,», UTF-8 или Windows-1251) "
                   "или .xlsx. Можно несколько раз; столбцы описывает --mapping.")
@click.option("--mapping", "mapping_path", metavar="ФАЙЛ",
              help="Файл сопоставления (TOML): какой столбец — какое поле дела, значения → коды, каналы "
                   "Usedesk (пример: import.example.toml).")
@click.option("--config", "config_path", envvar="HOTLINE_CONFIG", default=None, metavar="ФАЙЛ",
              help="Файл настроек (адрес менеджера HPCC: routing.hpcc_manager); также HOTLINE_CONFIG.")
@click.option("--today", "--as-of", "today", type=DATE, default=None,
              help="Дата выгрузки: события позже неё называются в сообщениях.")
@click.option("--output", "-o", "output", default=None, metavar="ФАЙЛ",
              help="Записать дела в файл (атомарно) вместо стандартного вывода.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "json"]), default="jsonl", metavar="ФОРМАТ",
              help="jsonl — дело в строке (по умолчанию); json — один массив.")
@click.option("--encoding", default="utf-8", metavar="КОДИРОВКА",
              help="Кодировка выгрузок Usedesk (по умолчанию utf-8); кодировку таблиц hotline определяет сам.")
def import_cases(usedesk: tuple[str, ...], tables: tuple[str, ...], mapping_path: str | None,
                 config_path: str | None, today: date | None, output: str | None, fmt: str, encoding: str) -> None:
    """Дела из выгрузок: тикеты Usedesk (обращение клиента, запрос менеджеру HPCC, запрос инженеру
    с ответами, закрытие), таблицы заявок GSIS и журнал звонков Naumen. Одно дело на несогласие
    клиента, JSON Lines, по времени обращения. Ничего не придумывает: чего нет ни в одном
    источнике, того нет в деле, и это сказано; каждая запись источника — в деле или в строке
    «не использовано». Код выхода 2 — запись не прочитана или в деле не хватает обязательного."""
    from hotline_cli.run import importing

    sys.exit(importing.command(usedesk, tables, mapping_path, config_path, today, output, fmt, encoding))


@cli.command("log", context_settings=CONTEXT, short_help="записать в дело, что сделано: звонок, ответ, закрытие…")
@click.argument("path", metavar="ДЕЛО")
@click.argument("event", metavar="[СОБЫТИЕ]", required=False)
@click.option("--at", "at", metavar="КОГДА", help="Когда: «вчера 16:00», «31.10 11:00», «16:00» (сегодня), "
                                                  "ГГГГ-ММ-ДДTЧЧ:ММ. По умолчанию — сейчас (в часовом поясе дела).")
@click.option("--by", "by", metavar="КТО", help="Кто сделал: имя или логин (для разбивки по людям).")
@click.option("--outcome", metavar="ИТОГ", help="Обратная связь: «принял» или «не принял».")
@click.option("--demand", metavar="ТРЕБОВАНИЕ", help="Требование: возврат денег, замена, ремонт, уменьшение цены, "
                                                     "подменный товар.")
@click.option("--ticket", metavar="URL", help="Ссылка на тикет (запрос инженеру, тикет клиента).")
@click.option("--to", "to", metavar="EMAIL", help="Запрос инженеру: кому.")
@click.option("--cc", "cc", multiple=True, metavar="EMAIL", help="Запрос инженеру: копия (можно несколько).")
@click.option("--subject", metavar="ТЕМА", help="Тема запроса.")
@click.option("--priority", metavar="ПРИОРИТЕТ", help="Приоритет запроса (обязательный — «Экстремальный»).")
@click.option("--body", metavar="ТЕКСТ", help="Текст запроса инженеру.")
@click.option("--quality-check", is_flag=True, default=False, help="Требование замены: нужна проверка качества.")
@click.option("--no-stock", is_flag=True, default=False, help="Требование замены: товара для замены нет в наличии.")
@click.option("--agreed-days", type=click.IntRange(1, 45), metavar="N", help="Требование ремонта: срок по "
                                                                              "соглашению в письменной форме, дней.")
@click.option("--from-draft", "draft", metavar="ФАЙЛ.eml", help="Записать отправленный черновик escalate --eml: "
                                                                 "запрос инженеру (или повторный запрос).")
@click.option("--id", "case_id", metavar="НОМЕР", help="Дело в файле, где их несколько.")
@click.option("--undo", is_flag=True, default=False, help="Отменить последнее событие, записанное hotline log.")
@click.option("--config", "config_path", envvar="HOTLINE_CONFIG", default=None, metavar="ФАЙЛ",
              help="Файл настроек (для следующего шага); также HOTLINE_CONFIG.")
@click.option("--now", "now_text", metavar="ДАТА ВРЕМЯ", hidden=True,
              help="Считать «сейчас» этим моментом (для сценариев и проверок).")
def log_event(path: str, event: str | None, at: str | None, by: str | None, outcome: str | None,
              demand: str | None, ticket: str | None, to: str | None, cc: tuple[str, ...], subject: str | None,
              priority: str | None, body: str | None, quality_check: bool, no_stock: bool, agreed_days: int | None,
              draft: str | None, case_id: str | None, undo: bool, config_path: str | None,
              now_text: str | None) -> None:
    """Записать в дело, что сделано, — без правки JSON: СОБЫТИЕ — по-русски или кодом («звонок
    эксперта», «ответ инженера», «обратная связь» --outcome принял, «повторный запрос», «звонок о
    задержке», «закрыт», «требование» --demand возврат…). Файл переписывается атомарно, все поля
    дела сохраняются; в конце — следующий шаг дела и что пора сделать. --undo отменяет последнее
    записанное событие."""
    from hotline_cli.run import logbook

    given = {"outcome": outcome, "demand": demand, "ticket": ticket, "to": to, "cc": list(cc), "subject": subject,
             "priority": priority, "body": body, "quality_check": quality_check, "no_stock": no_stock,
             "agreed_days": agreed_days}
    logbook.command(path, event, at, by, given, draft, case_id, undo, config_path, now_text, ask_yes)


# ------------------------------------------------------------------ workdays

def workday_options(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option("--output", "-o", "output", default=None, metavar="ФАЙЛ",
                     help="Записать результат в файл (атомарно) вместо стандартного вывода.")(f)
    f = click.option("--config", "config_path", envvar="HOTLINE_CONFIG", default=None, metavar="ФАЙЛ",
                     help="Файл настроек с переопределениями календаря.")(f)
    f = click.option("--format", "fmt", type=click.Choice(FORMATS[:-1]), default="text", metavar="ФОРМАТ",
                     help="text — для человека (по умолчанию); table — таблица; json/jsonl — один объект; "
                          "csv — строки (для года — по дням).")(f)
    return f


@cli.group(cls=Group, context_settings=CONTEXT, short_help="производственный календарь РФ",
           invoke_without_command=True)
@click.pass_context
def workdays(ctx: click.Context) -> None:
    """Производственный календарь РФ: рабочие дни с переносами и рабочими субботами."""
    if ctx.invoked_subcommand is None:  # bare `hotline workdays`: its help, and status 0
        click.echo(ctx.get_help())
        ctx.exit(0)


@workdays.command("add", context_settings=CONTEXT, short_help="N-й рабочий день после даты")
@click.argument("start", type=DATE, metavar="ДАТА")
@click.argument("n", type=click.IntRange(min=0), metavar="N")  # N ≥ 0
@workday_options
def workdays_add(start: date, n: int, fmt: str, config_path: str | None, output: str | None) -> None:
    """N-й рабочий день после ДАТЫ (отсчёт со следующего дня); N = 0 — сама ДАТА, если она рабочая,
    иначе ближайший рабочий день."""
    from hotline_cli.run import workdays as run

    run.add(start, n, fmt, config_path, output)


@workdays.command("between", context_settings=CONTEXT, short_help="рабочих дней между двумя датами")
@click.argument("start", type=DATE, metavar="ДАТА1")
@click.argument("end", type=DATE, metavar="ДАТА2")
@workday_options
def workdays_between(start: date, end: date, fmt: str, config_path: str | None, output: str | None) -> None:
    """Число рабочих дней после ДАТЫ1 по ДАТУ2 включительно."""
    from hotline_cli.run import workdays as run

    run.between(start, end, fmt, config_path, output)


@workdays.command("year", context_settings=CONTEXT, short_help="рабочие и нерабочие дни года")
@click.argument("year", type=int, metavar="ГГГГ")
@workday_options
def workdays_year(year: int, fmt: str, config_path: str | None, output: str | None) -> None:
    """Рабочие дни года, нерабочие будни, рабочие выходные (переносы) и предварительный ли календарь."""
    from hotline_cli.run import workdays as run

    run.year(year, fmt, config_path, output)


@workdays.command("import", context_settings=CONTEXT, short_help="официальный календарь года из файла xmlcalendar")
@click.argument("path", metavar="ФАЙЛ.xml")
@click.option("--config", "config_path", envvar="HOTLINE_CONFIG", default=None, metavar="ФАЙЛ",
              help="Файл настроек, к переопределениям календаря которого добавить этот год.")
@click.option("--output", "-o", "output", default=None, metavar="ФАЙЛ",
              help="Записать раздел [calendar] в файл (атомарно) вместо стандартного вывода.")
def workdays_import(path: str, config_path: str | None, output: str | None) -> None:
    """Официальный календарь года из файла формата xmlcalendar (t=1 — выходной, t=2 — сокращённый,
    t=3 — рабочий выходной): раздел [calendar] для файла настроек — дни, которыми календарь года
    отличается от предварительного, и год как официальный. Для года, который hotline уже знает по
    постановлению, — только проверка: календари должны совпасть."""
    from hotline_cli.run import workdays as run

    sys.exit(run.import_year(path, config_path, output))


# ------------------------------------------------------------------ entry point

def _on_signal(signum: int, frame: Any) -> None:
    raise Terminated(signum)


def main(argv: list[str] | None = None) -> NoReturn:
    """Run the CLI; never lets a traceback reach the user for bad input, a closed pipe,
    a full disk or a signal."""
    from hotline_cli.io.atomic import OutputError, os_error_ru, remove_pending

    open_closed_streams()
    if not os.environ.get("HOTLINE_DEBUG"):
        # a library's object finalised after a failed write (XlsxWriter's zip on a full disk) must not
        # print «Exception ignored … Traceback» after the one line that said what happened
        sys.unraisablehook = lambda unraisable: None
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN and sys.stdin is not None and sys.stdin.isatty():
        # started with SIGINT ignored (a script's `&` does that) yet talking to a person on a terminal:
        # Ctrl-C must still end the conversation (Python installs no handler for an ignored signal)
        signal.signal(signal.SIGINT, signal.default_int_handler)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        try:
            signal.signal(sig, _on_signal)
        except (ValueError, OSError):  # not the main thread, or no such signal here
            pass
    code: int
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
    except (click.exceptions.Abort, KeyboardInterrupt):
        say("\nпрервано")
        code = EXIT_INTERRUPTED
    except Terminated as e:
        say(f"\nпрервано сигналом {signal.Signals(e.signum).name}")
        code = 128 + e.signum
    except (PipeClosed, BrokenPipeError):
        quiet_stdout()
        code = EXIT_OK
    except OutputError as e:
        say(f"hotline: {e}")
        code = EXIT_INPUT
    except OSError as e:  # writing the output failed (a full disk…)
        say(f"hotline: не удалось записать результат: {os_error_ru(e)}")
        code = EXIT_INPUT
    except Exception as e:  # a bug: said in one line (HOTLINE_DEBUG=1 for the traceback), never a wall of text
        if os.environ.get("HOTLINE_DEBUG"):
            raise
        say(f"hotline: внутренняя ошибка ({type(e).__name__}: {e}); повторите с HOTLINE_DEBUG=1 и сообщите "
            "разработчикам")
        code = EXIT_SOFTWARE
    finally:
        remove_pending()
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        quiet_stdout()
    except OSError as e:
        say(f"hotline: не удалось записать результат: {os_error_ru(e)}")
        quiet_stdout()
        code = max(code, EXIT_INPUT)
    # Everything is written: the outputs closed, the temporaries removed, standard output flushed.
    # The interpreter's own exit is skipped: freeing every object of the run took 30 ms after an
    # audit, and when the run was interrupted or the reader left while workers ran, its exit
    # handlers would join the pool's feeder and manager threads, which may wait forever on a
    # stopped worker's pipe (the workers are stopped already). Under a profiler or a coverage
    # tracer, which write their data at exit, a finished run exits the usual way.
    try:
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    pool = sys.modules.get("hotline_cli.run.pool")
    watched = sys.getprofile() is not None or sys.gettrace() is not None
    if watched and code <= 128 and not (pool is not None and pool.stopped_early()):
        sys.exit(code)
    os._exit(code)
