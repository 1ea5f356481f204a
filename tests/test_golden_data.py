"""Whole results, compared with golden files kept beside the tests: every action, every sentence said
to a client, every record's text, every message body, every finding's message, the rule book, the
table of cities. A changed word anywhere fails here (a test that matches a fragment would not see it).

The golden files are regenerated only by hand: a mismatch writes `<name>.new` beside the golden file
and fails; read the difference, then `mv tests/golden/<name>.new tests/golden/<name>` if it is right.
"""

from __future__ import annotations

import json

import pytest

from conftest import FIXTURES, ROOT

GOLDEN = ROOT / "tests" / "golden"
CONFIG = ROOT / "hotline.example.toml"


def compare(name: str, text: str) -> None:
    path = GOLDEN / name
    new = GOLDEN / (name + ".new")
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        new.write_text(text, encoding="utf-8")
        raise AssertionError(f"{name} differs from its golden file: see {new} (regenerate by hand if right)")
    new.unlink(missing_ok=True)


def results(hl, command: str, *inputs, extra: tuple[str, ...] = ()) -> str:
    run = hl(command, *inputs, "--today", "2025-11-20", "--config", CONFIG, "--format", "jsonl", *extra)
    lines = []
    for r in run.jsonl():
        r["source"] = r["source"].replace(str(ROOT) + "/", "")
        lines.append(json.dumps(r, ensure_ascii=False, sort_keys=True, indent=1))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("command, folder", [
    ("triage", "cases"), ("triage", "journeys"), ("escalate", "journeys"), ("followup", "journeys"),
    ("summarize", "journeys"), ("audit", "audit"), ("agenda", "agenda"),
])
def test_whole_results_of_every_fixture(hl, command, folder):
    extra = ("--urgent", "--question", "Возможно ли заменить модуль?") if command == "escalate" else ()
    compare(f"{command}-{folder}.json", results(hl, command, FIXTURES / folder, extra=extra))


def test_the_rule_book_whole(hl):
    run = hl("rules", "--format", "json")
    compare("rules.json", json.dumps(json.loads(run.out), ensure_ascii=False, indent=1) + "\n")


def test_the_table_of_cities_whole():
    from hotline_cli.procedure.cities import CITIES

    compare("cities.txt", "".join(f"{name}\t{zone}\n" for name, zone in sorted(CITIES.values())))
