"""Screens at 80 columns: the text of every command against golden files (regenerated only
on purpose: HOTLINE_REGEN_GOLDEN=1), no word cut, no line past the width but a text to copy,
no code of the contract inside a Russian sentence; every help screen fits 80 columns."""

import os
import re

import click
import pytest

from conftest import ROOT
from hotline_cli.cli import cli
from hotline_cli.procedure import texts

GOLDEN = ROOT / "tests" / "golden"
C, J = "fixtures/cases", "fixtures/journeys"  # relative to the repo root: the screens name their files
SCREENS = {
    "triage": ["triage", f"{C}/r9_naumen.json", f"{C}/r5_ac_no_conclusion_two_asc.json", f"{C}/r4_two_requests.json",
               f"{C}/r6_need_info.json"],
    "escalate": ["escalate", f"{J}/email_awaiting.json", f"{J}/site_form_new.json", f"{J}/call_situation5.json",
                 "--today", "07.11.2025", "--engineer", "ivanov@example.ru"],
    "followup": ["followup", f"{C}/r8_site_form.json", f"{J}/claim_after_closure.json", "--today", "20.11.2025"],
    "summarize": ["summarize", f"{J}/email_closed.json", f"{J}/feedback_on_asc_answer.json", "--today", "20.11.2025"],
    "audit": ["audit", "fixtures/audit/HL205_hit.json", "fixtures/audit/HL001_hit.json", "--today", "20.11.2025"],
    "agenda": ["agenda", "fixtures/agenda", "--today", "31.10.2025"],
    "workdays": ["workdays", "year", "2025"],
}


@pytest.fixture(autouse=True)
def at_the_repo_root(monkeypatch):
    monkeypatch.chdir(ROOT)
# codes of the contract a person never reads in a sentence (they stay in the machine formats)
SLUGS = set(texts.VERDICT_RU) | set(texts.STEP_RU) | set(texts.EVENT_RU) | set(texts.CATEGORY_RU) - {"tv", "other"} \
    | set(texts.CHANNEL_RU) - {"call", "email"} | {"no_fault", "physical_damage", "operation_violation",
                                                   "fault_persists", "asc_count", "client_intent", "demands_stated",
                                                   "not_started", "due_today", "overdue", "pending", "missed"}


def screen(hl, args, width):
    run = hl(*args, width=width)
    return run.out


def words(text):
    return text.split()


@pytest.mark.parametrize("name", sorted(SCREENS))
def test_golden_screen_at_80_columns(hl, name):
    out = screen(hl, SCREENS[name], 80)
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("HOTLINE_REGEN_GOLDEN"):
        path.write_text(out, encoding="utf-8")
    assert out == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(SCREENS))
def test_no_word_is_cut_and_only_copy_texts_pass_the_edge(hl, name):
    narrow, wide = screen(hl, SCREENS[name], 80), screen(hl, SCREENS[name], 10000)
    assert words(narrow) == words(wide)  # the same words, none cut in two
    wide_lines = set(wide.splitlines())
    for line in narrow.splitlines():
        if len(line) > 80:  # only a text to copy passes the edge: printed whole, a line of its own or in prose
            assert line in wide_lines or any(m in line for m in texts.MANDATED), line


@pytest.mark.parametrize("name", sorted(SCREENS))
def test_no_code_of_the_contract_in_a_sentence(hl, name):
    out = screen(hl, SCREENS[name], 10000)
    # addresses, links, file names, configuration keys and the values a validation error lists are not prose
    out = re.sub(r"\S+@\S+|https?://\S+|\S*/\S*|\S+\.jsonl?\b|routing\.\S+|category = \"\w+\"", "", out)
    out = re.sub(r"ожидается одно из: [^;\n]*|имелось в виду «\w+»", "", out)  # the values to type in the export
    found = {w for w in re.findall(r"[a-z][a-z_]+", out) if w in SLUGS}
    assert not found, found


def _commands(group, prefix=()):
    for name, cmd in group.commands.items():
        yield prefix + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, prefix + (name,))


@pytest.mark.parametrize("path", [p for p, _ in _commands(cli)] + [()], ids=lambda p: " ".join(p) or "hotline")
def test_every_help_fits_80_columns_in_russian(hl, path):
    out = hl(*path, "--help", width=80).out
    assert out.startswith("Использование: hotline") and "Параметры:" in out
    for line in out.splitlines():
        assert len(line) <= 80, line
    for english in ("[OPTIONS]", "[default:", "INTEGER", "TEXT", "FILE", "Usage:", "Options:", "Commands:"):
        assert english not in out, (english, out)
