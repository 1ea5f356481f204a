"""Case fields made harmless on the way to a person: control characters, ANSI escapes,
bidirectional overrides and invisible format characters never reach a terminal raw; a
CSV cell never starts a spreadsheet formula; a one-line field cannot forge a line."""

from __future__ import annotations

import re

from hotline_cli.procedure.case import one_line as _one_line

# C0/C1 controls (tab and newline kept), DEL, line separators, lone surrogates, and the
# format characters that reorder or hide text: bidi embeddings, overrides and isolates
# (U+202A–U+202E, U+2066–U+2069), zero-width characters and marks (U+200B–U+200F,
# U+2060–U+2065), U+061C, U+180E, the BOM / zero-width no-break space U+FEFF.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\u200b-\u200f\u202a-\u202e"
                     "\u2060-\u2069\ufeff\u061c\u180e]")


def _escape(m: re.Match[str]) -> str:
    ch = m.group()
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


def safe_text(s: str) -> str:
    """Visible escapes for what a terminal would act on or hide; tabs and newlines kept."""
    return _UNSAFE.sub(_escape, s) if _UNSAFE.search(s) else s


def one_line(s: str) -> str:
    """A value shown on one line: what a terminal would act on escaped, its line breaks shown, not obeyed
    (the core's one-line rule, which messages and consultations use too)."""
    return _one_line(safe_text(s))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(v: object) -> object:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return v
    if isinstance(v, (list, tuple)):
        v = "; ".join(str(x) for x in v)
    s = safe_text(str(v))
    if s.startswith(_FORMULA_START):
        s = "'" + s  # neutralised: a spreadsheet shows the text, never runs it
    return s
