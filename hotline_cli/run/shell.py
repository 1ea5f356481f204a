"""What the shell needs around a run, without Click: the standard streams, the clock, the
configuration, where outputs may go, and the problems that end a run with status 2.

Exit status (the CLI contract): 0 done; 1 audit found an error-level finding; 2 usage
error, a broken configuration, an output that cannot be written, or at least one
unreadable/invalid record (2 wins over 1); 130 Ctrl-C; 143 SIGTERM; 129 SIGHUP.
"""

from __future__ import annotations

import os
import sys
from datetime import date, datetime
from typing import IO, Any

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_SOFTWARE = 70  # a bug (sysexits' EX_SOFTWARE): never expected, said in one line


class Problem(Exception):
    """A configuration, output or option problem: one Russian line, exit 2 (the CLI shows it)."""


class BadArgument(Problem):
    """A bad value of an argument or option: the CLI says it as a usage error (status 2)."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.hint = hint


class Usage(Problem):
    """A call that lacks what it needs (neither X nor Y given): a usage error (status 2)."""


class PipeClosed(BaseException):
    """The reader of standard output went away (| head): end quietly, status 0. A
    BaseException, so that Click's own EPIPE handling (status 1) never sees it."""


def say(line: str) -> None:
    """One line to standard error, made safe for a terminal."""
    from hotline_cli.io.safe import safe_text

    try:
        sys.stderr.write(safe_text(line) + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def write_stdout(text: str) -> None:
    """Write to standard output now (a reader gone away: BrokenPipeError, which the command ends
    quietly)."""
    sys.stdout.write(text)
    sys.stdout.flush()


def quiet_stdout() -> None:
    """The reader is gone: point stdout at /dev/null so that the last flush cannot fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


CLOSED_STREAMS: dict[str, bool] = {}  # standard streams the shell closed (<&-, >&-, 2>&-)


def open_closed_streams() -> None:
    """A closed standard stream reads as empty and takes writes to nowhere: every command then
    degrades cleanly (results still go to --output; a closed stdout with no --output is said)."""
    import fcntl

    for fd, name, mode in ((0, "stdin", "r"), (1, "stdout", "w"), (2, "stderr", "w")):
        # closed by the shell: the interpreter may have reused the number for a file of its own, so a
        # stream is closed when its descriptor is invalid or does not open the way the stream needs
        try:
            access = fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE
            usable = access != (os.O_WRONLY if mode == "r" else os.O_RDONLY) and getattr(sys, name) is not None
        except OSError:
            usable = False
        if usable:
            continue
        CLOSED_STREAMS[name] = True
        setattr(sys, name, open(os.devnull, mode, encoding="utf-8"))  # noqa: SIM115 — lives with the process




def load_settings(path: str | None) -> Any:
    from hotline_cli.io.config_file import ConfigError, load_config

    try:
        return load_config(path)
    except ConfigError as e:
        raise Problem(str(e)) from None


def today_in(tzname: str) -> date:
    """Today's date in a case's time zone: the one place that reads the clock."""
    from hotline_cli.procedure.case import zone

    return datetime.now(zone(tzname)).date()


def refuse_output_over_input(output: str | None, inputs: list[str], option: str = "--output") -> None:
    """An output naming one of the inputs would replace it: refused before anything is read."""
    if not output or not os.path.exists(output):
        return
    from hotline_cli.io.sources import STDIN, expand_inputs

    for name, problem in expand_inputs(inputs):
        if problem is None and name != STDIN:
            try:
                same = os.path.samefile(name, output)
            except OSError:
                same = False
            if same:
                raise Problem(f"{output}: это один из входных файлов — результат заменил бы его; "
                              f"укажите другой файл в {option}")


def guard_outputs(outputs: dict[str, str | None], inputs: list[str]) -> None:
    """Every file a run writes (results, report, drafts): never one of its inputs, never another
    output of the same run — refused before anything is read."""
    named = {option: path for option, path in outputs.items() if path and path not in ("-", os.devnull)}
    for option, path in named.items():
        refuse_output_over_input(path, inputs, option)
    seen: dict[str, str] = {}
    for option, path in named.items():
        key = os.path.realpath(path)
        if key in seen:
            raise Problem(f"{path}: {seen[key]} и {option} — один и тот же файл: второй заменил бы первый")
        seen[key] = option


def screen_width() -> int:
    """The terminal's width (COLUMNS first), 100 off a terminal."""
    import shutil

    return shutil.get_terminal_size((100, 24)).columns


def usable_cores() -> int:
    """The cores this process may run on (a container or `taskset` may allow fewer than
    the machine has: more workers than that would only take turns)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


MACHINE_FORMATS = ("json", "jsonl", "csv", "csv-excel")


def machine_stdout() -> None:
    """Standard output for programs: UTF-8 whatever the locale or PYTHONIOENCODING says (a redirected
    stdout on Russian Windows is cp1251); text for people keeps the terminal's encoding."""
    out = sys.stdout
    if out is not None and hasattr(out, "reconfigure"):
        try:
            out.reconfigure(encoding="utf-8", errors="backslashreplace")
        except (OSError, ValueError):
            pass


class open_output:
    """stdout, or a file written atomically (io.atomic); binary for a workbook."""

    def __init__(self, path: str | None, binary: bool = False, utf8: bool = False):
        self.path = path
        self.binary = binary
        self.utf8 = utf8
        self.file: Any = None

    def __enter__(self) -> IO[str]:
        if not self.path:
            if CLOSED_STREAMS.get("stdout"):
                raise Problem("стандартный вывод закрыт (>&-): результату некуда писаться — укажите --output ФАЙЛ")
            if self.utf8:
                machine_stdout()
            out = sys.stdout
            if hasattr(out, "reconfigure"):
                out.reconfigure(errors="backslashreplace")
            return out
        from hotline_cli.io.atomic import AtomicFile, OutputError

        self.file = AtomicFile(self.path, binary=self.binary)
        try:
            opened: IO[str] = self.file.__enter__()
            return opened
        except OutputError as e:
            raise Problem(str(e)) from None

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if self.file is None:
            if exc_type is None:
                sys.stdout.flush()
            return
        from hotline_cli.io.atomic import OutputError

        try:
            self.file.__exit__(exc_type, exc, tb)
        except OutputError as e:
            raise Problem(str(e)) from None
