"""File names made from case ids: safe on Windows and Linux, unique within a run."""

from __future__ import annotations

import re
import unicodedata

# forbidden on Windows, control and invisible format characters, path separators
_UNSAFE = re.compile("[<>:\"/\\\\|?*\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ud800-\udfff]")
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def file_name(case_id: str, used: set[str]) -> str:
    """A name for `case_id` (without extension) not in `used` (compared case-insensitively,
    as Windows and macOS do): a collision gets a suffix -2, -3…, never an overwrite."""
    base = _UNSAFE.sub("_", unicodedata.normalize("NFC", case_id)).strip(" .")
    if not base:
        base = "case"
    if base.split(".")[0].upper() in _RESERVED:
        base = "_" + base
    base = base[:100]  # at most 400 bytes of UTF-8 would be too long: 100 characters, <= 255 bytes with Cyrillic
    while len(base.encode("utf-8")) > 200:
        base = base[:-1]
    name, n = base, 2
    while name.casefold() in used:
        name = f"{base}-{n}"
        n += 1
    return name
