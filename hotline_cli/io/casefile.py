"""A case file to change in place (`hotline log`): one case (`.json` object), an array of cases or
JSON Lines. Read strictly, one case picked (by `--id` when the file holds more than one), written
back atomically with every other case and every field as it was."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from hotline_cli.io.strict_json import JsonProblem, decode_bytes, parse_json

MAX_FILE = 512 * 1024 * 1024


class CaseFileError(Exception):
    pass


@dataclass
class CaseFile:
    path: str
    kind: str  # "object", "array", "lines"
    records: list[Any]

    def pick(self, case_id: str | None) -> int:
        """The index of the case to change: the only one, or the one with `case_id`."""
        ids = [r.get("case_id") if isinstance(r, dict) else None for r in self.records]
        if case_id is None:
            if len(self.records) != 1:
                shown = ", ".join(str(i) for i in ids[:10]) + (" …" if len(ids) > 10 else "")
                raise CaseFileError(f"{self.path}: в файле {len(self.records)} дел ({shown}): "
                                    "укажите дело — --id НОМЕР")
            if not isinstance(self.records[0], dict):
                raise CaseFileError(f"{self.path}: ожидается объект дела {{…}}")
            return 0
        found = [i for i, x in enumerate(ids) if x == case_id]
        if not found:
            raise CaseFileError(f"{self.path}: дела «{case_id}» в файле нет")
        if len(found) > 1:
            raise CaseFileError(f"{self.path}: дело «{case_id}» в файле {len(found)} раза: неясно, какое менять")
        return found[0]

    def data(self) -> bytes:
        if self.kind == "lines":
            return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in self.records).encode("utf-8",
                                                                                                 "surrogatepass")
        doc = self.records[0] if self.kind == "object" else self.records
        return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8", "surrogatepass")


def read_case_file(path: str) -> CaseFile:
    from hotline_cli.io.small import SmallFileError, read_small

    try:
        raw = read_small(path, MAX_FILE, "файл дела")
    except SmallFileError as e:
        raise CaseFileError(str(e)) from None
    try:
        text = decode_bytes(raw, "utf-8")
    except JsonProblem as e:
        raise CaseFileError(f"{path}: {e.message}") from None
    if not text.strip():
        raise CaseFileError(f"{path}: пустой файл")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    jsonl = path.lower().endswith(".jsonl")
    if jsonl or (len(lines) > 1 and all(ln.lstrip().startswith("{") for ln in lines)):
        try:
            return CaseFile(path, "lines", [parse_json(ln) for ln in lines])
        except JsonProblem as e:
            if jsonl:
                raise CaseFileError(f"{path}: {e.message}") from None
            # not JSON Lines after all: a pretty-printed document whose lines all start with «{»
    try:
        doc = parse_json(text)
    except JsonProblem as e:
        raise CaseFileError(f"{path}: {e.message}") from None
    if isinstance(doc, list):
        return CaseFile(path, "array", doc)
    return CaseFile(path, "object", [doc])


def write_case_file(cf: CaseFile) -> None:
    from hotline_cli.io.atomic import AtomicFile

    with AtomicFile(cf.path, binary=True) as fh:
        fh.write(cf.data())
