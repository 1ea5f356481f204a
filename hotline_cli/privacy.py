"""--mask-pii: client names, phones and e-mails replaced by a stable short hash, in every
output, so that a masked report can still be joined by case and by client."""

from __future__ import annotations

import hashlib
import re

EMAIL = re.compile(r"[^\s@<>,;:\"()\[\]]+@[^\s@<>,;:\"()\[\]]+\.[^\s@<>,;:\"()\[\].]+")
PHONE = re.compile(r"(?<![\w/=])\+?\d[\d\s()\-]{8,}\d")


def token(kind: str, value: str) -> str:
    digest = hashlib.sha256(f"{kind}:{value.strip().lower()}".encode("utf-8")).hexdigest()[:8]
    return f"<{kind}:{digest}>"


def mask_text(text: str, names: tuple[str, ...]) -> str:
    for name in names:
        if name:
            text = text.replace(name, token("фио", name))
    text = EMAIL.sub(lambda m: token("email", m.group()), text)
    return PHONE.sub(lambda m: token("тел", re.sub(r"\D", "", m.group())), text)


def mask_result(r: dict, names: tuple[str, ...] = ()) -> dict:
    """The result with every string masked (the case_id and source are kept for joins)."""
    names = names or tuple(r.get("_pii_names") or ())
    r.pop("_pii_names", None)

    def walk(v, key=None):
        if isinstance(v, str):
            return v if key in ("case_id", "source") else mask_text(v, names)
        if isinstance(v, list):
            return [walk(x) for x in v]
        if isinstance(v, dict):
            return {k: walk(x, k) for k, x in v.items()}
        return v

    return walk(r)
