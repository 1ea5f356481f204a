"""--mask-pii: client names, phones and e-mails replaced by a stable short hash in every
report format, so that a masked report can still be joined by case and by client.

The hash is SHA-256 of the normalised value, cut to 8 hex digits; set HOTLINE_PII_SALT to a
secret shared by the team to make it keyed (an unsalted hash of a phone number can be
found by trying all numbers). `case_id` and `source` are kept: they are the join keys.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

EMAIL = re.compile(r"[^\s@<>,;:\"()\[\]«»]+@[^\s@<>,;:\"()\[\]«»]+\.[^\s@<>,;:\"()\[\]«».]+")
PHONE_CANDIDATE = re.compile(r"(?<![\w/=.])\+?\d[\d \t()\-]{6,}\d")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
KEEP = ("case_id", "source")


def token(kind: str, value: str, salt: str = "") -> str:
    digest = hashlib.sha256(f"{salt}:{kind}:{value.strip().casefold()}".encode("utf-8", "surrogatepass")).hexdigest()
    return f"<{kind}:{digest[:8]}>"


def mask_text(text: str, names: tuple[str, ...], salt: str = "") -> str:
    def phone(m: re.Match[str]) -> str:
        found = m.group()
        digits = re.sub(r"\D", "", found)
        if not 10 <= len(digits) <= 13 or ISO_DATE.match(found):
            return found  # a date, a request number: not a phone
        return token("тел", digits[-10:], salt)

    for name in names:
        if name and name.strip():
            text = text.replace(name, token("фио", name, salt))
    text = EMAIL.sub(lambda m: token("email", m.group(), salt), text)
    return PHONE_CANDIDATE.sub(phone, text)


def mask_result(r: dict[str, Any], names: tuple[str, ...] = (), salt: str = "") -> dict[str, Any]:
    """The result with every string masked but the join keys; `names` are the client's."""

    def walk(v: Any, key: str | None = None) -> Any:
        if isinstance(v, str):
            return v if key in KEEP else mask_text(v, names, salt)
        if isinstance(v, list):
            return [walk(x) for x in v]
        if isinstance(v, dict):
            return {k: walk(x, k) for k, x in v.items()}
        return v

    return walk(r)
