"""Text for a terminal: prose wrapped at the screen's width without cutting a word, with a
hanging indent under its list marker; a text meant to be copied (`Verbatim`: a mandated
sentence, a message body, the GSIS consultation, a Naumen comment) never broken."""

from __future__ import annotations

import re
import textwrap

from hotline_cli.io.safe import safe_text
from hotline_cli.procedure.texts import MANDATED

DEFAULT_WIDTH = 100  # off a terminal
MIN_WIDTH = 40


class Verbatim(str):
    """A line printed as it is, however long: it is copied, not read."""

    __slots__ = ()


# the part of a line its continuation lines are indented under: "  1. ", "  [ ] ", "  «", "Почему: "
_MARKER = re.compile(r"^( *)(\d+\. |- |! |\[ \] |«|HL\d{3} [а-я]+ +\d+  |HL\d{3} [а-я]+: "
                     r"|[А-ЯЁA-Z][а-яёА-ЯЁ .]{0,30}: +)?")
_GLUE = "\ue000"  # a private-use character holding a protected text's spaces while wrapping
# never split: a mandated text, a phone number (+7 903 555-12-34), a request number (№ 40031822)
_PROTECT = re.compile("|".join([re.escape(m) for m in sorted(MANDATED, key=len, reverse=True)]
                               + [r"\+?\d[\d ()\-]{5,}\d", r"№ \S+"]))


def wrap(line: str, width: int) -> list[str]:
    """One prose line as screen lines of at most `width` characters, words whole."""
    if len(line) <= width:
        return [line]
    m = _MARKER.match(line)
    indent = " " * min(len(m.group(0)) if m else 0, width // 2)
    glued = _PROTECT.sub(lambda x: x.group().replace(" ", _GLUE), line)
    lines = textwrap.wrap(glued, width, subsequent_indent=indent, break_long_words=False,
                          break_on_hyphens=False)
    return [x.replace(_GLUE, " ") for x in lines] or [line]


def render(lines: object, width: int = DEFAULT_WIDTH) -> str:
    """The lines of a command's text view, ready for a terminal (each made safe)."""
    width = max(MIN_WIDTH, width)
    out = []
    for line in lines:  # type: ignore[attr-defined]
        text = safe_text(line)
        if isinstance(line, Verbatim):
            out.append(text + "\n")
        else:
            out.extend(x + "\n" for x in wrap(text, width))
    return "".join(out)
