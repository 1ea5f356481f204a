import copy
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from hotline_cli.cli import cli

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


class Run:
    def __init__(self, result):
        self.result = result
        self.code = result.exit_code
        self.out = result.stdout
        self.err = result.stderr

    def jsonl(self):
        return [json.loads(line) for line in self.out.splitlines() if line.strip()]


@pytest.fixture
def hl():
    """Run the CLI: hl("triage", path, "--format", "jsonl", input=...)."""

    def run(*args, input=None, width=1000):
        # text is wrapped at the screen's width: wide by default, so that a phrase is found whole
        runner = CliRunner(env={"COLUMNS": str(width)})
        result = runner.invoke(cli, [str(a) for a in args], input=input, prog_name="hotline")
        # an exception escaping the command is a bug whatever the input: this assertion can fail
        # (catch_exceptions=False would re-raise before it); SystemExit is how every command ends
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            "".join(__import__("traceback").format_exception(result.exception)))
        return Run(result)

    return run


BASE_CASE = {
    "case_id": "T-1",
    "opened_at": "2025-10-30T16:40:00+03:00",
    "channel": "call",
    "client": {"name": "Петрова Анна Сергеевна", "phone": "+7 903 555-12-34"},
    "product": {"category": "washing_machine"},
    "city": {"name": "Казань", "asc_count": 1},
    "requests": [{"number": "40031822", "type": "diagnostics", "created_at": "2025-10-21",
                  "asc": {"name": "Сервис-Плюс", "email": "asc-kazan@example.ru"}, "conclusion": "no_fault"}],
}


@pytest.fixture
def make_case():
    def make(**changes):
        c = copy.deepcopy(BASE_CASE)
        for k, v in changes.items():
            c[k] = v
        return c

    return make


def write_jsonl(path, cases):
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), encoding="utf-8")
    return path


# Property-based tests: a fixed, derandomized profile in CI (reproducible, bounded time);
# locally the default profile explores new examples each run.
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("ci", derandomize=True, deadline=None, max_examples=60,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("dev", deadline=None, max_examples=60,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
import os as _os  # noqa: E402

settings.load_profile("ci" if _os.environ.get("CI") else "dev")
