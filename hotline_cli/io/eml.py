"""A message draft as an RFC 5322 `.eml` file a mail client opens as a draft to send.

Written byte by byte, not through `email`'s header folding: every address is checked as an
address (no encoded-word, no line break, ASCII local part, IDNA for a non-ASCII domain) and
the subject and body are sent as base64 UTF-8, so that no case field can add a header or a
recipient, whatever it holds. Linear in the size of the message.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Iterator
from typing import Any

_ATOM = "A-Za-z0-9!#$%&'*+/=?^_`{|}~-"
_LOCAL = re.compile(f"[{_ATOM}]+(?:\\.[{_ATOM}]+)*\\Z")
_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)\Z")


def address(raw: str) -> str | None:
    """The address as it goes into a header, or None when it is not one."""
    a = raw.strip()
    if not a or len(a) > 254 or "=?" in a or any(c in a for c in "\r\n\x00<>,;\" "):
        return None
    local, at, domain = a.rpartition("@")
    if not at or not local or not domain or len(local) > 64 or not local.isascii() or not _LOCAL.match(local):
        return None
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    labels = ascii_domain.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return None
    return f"{local}@{ascii_domain.lower()}"


def _encoded_words(text: str) -> Iterator[str]:
    """RFC 2047 encoded-words of at most 75 characters, never splitting a character."""
    chunk: list[bytes] = []
    size = 0
    for ch in text:
        b = ch.encode("utf-8", "backslashreplace")
        if size + len(b) > 45:
            yield "=?utf-8?b?" + base64.b64encode(b"".join(chunk)).decode("ascii") + "?="
            chunk, size = [], 0
        chunk.append(b)
        size += len(b)
    if chunk or not text:
        yield "=?utf-8?b?" + base64.b64encode(b"".join(chunk)).decode("ascii") + "?="


_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_MESSAGE_ID = re.compile(r"<[!-;=?-~]{1,200}@[A-Za-z0-9.-]{1,200}>\Z")  # no space, no «<>», one line


def _addresses(label: str, raw: Iterable[str], warnings: list[str]) -> list[str]:
    good = []
    for a in raw:
        if not a:
            continue
        ok = address(a)
        if ok is None:
            warnings.append(f".eml: адрес «{a}» в поле «{label}» некорректен и пропущен")
        elif ok not in good:
            good.append(ok)
    return good


def eml_bytes(message: dict[str, Any], warnings: list[str]) -> bytes:
    to = _addresses("Кому", [message["to"]], warnings)
    cc = _addresses("Копия", message["cc"], warnings)
    subject = _CONTROL.sub(" ", message["subject"]).strip()
    lines = []
    if to:
        lines.append("To: " + ",\r\n ".join(to))
    if cc:
        lines.append("Cc: " + ",\r\n ".join(cc))
    lines.append("Subject: " + "\r\n ".join(_encoded_words(subject)))
    if message.get("priority"):
        lines += ["X-Priority: 1 (Highest)", "Importance: High", "Priority: urgent"]
    for header, key in (("Message-ID", "message_id"), ("In-Reply-To", "in_reply_to"), ("References", "in_reply_to")):
        if message.get(key) and _MESSAGE_ID.match(message[key]):
            lines.append(f"{header}: {message[key]}")
    lines += ["X-Unsent: 1",  # opens as a draft to send
              "MIME-Version: 1.0", 'Content-Type: text/plain; charset="utf-8"', "Content-Transfer-Encoding: base64"]
    body = message["body"].replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8", "backslashreplace")
    encoded = base64.b64encode(body).decode("ascii")
    text = "\r\n".join(lines) + "\r\n\r\n" + "\r\n".join(encoded[i:i + 76] for i in range(0, len(encoded), 76))
    return text.encode("ascii") + b"\r\n"


class DraftError(Exception):
    pass


def read_draft(path: str) -> dict[str, Any]:
    """A sent draft (`escalate --eml`) as the fields of its event: to, cc, subject, body, priority,
    message_id (and in_reply_to for a re-request)."""
    import email
    import email.policy

    from hotline_cli.io.small import SmallFileError, read_small

    try:
        data = read_small(path, 16 * 1024 * 1024, "черновик письма")
    except SmallFileError as e:
        raise DraftError(str(e)) from None
    msg = email.message_from_bytes(data, policy=email.policy.default)
    if msg["Subject"] is None or msg["To"] is None and msg["Cc"] is None:
        raise DraftError(f"{path}: не похоже на письмо (нет темы или адресатов)")
    try:
        to = [a.addr_spec for a in msg["To"].addresses] if msg["To"] else []
        cc = [a.addr_spec for a in msg["Cc"].addresses] if msg["Cc"] else []
        body = msg.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
    except (LookupError, ValueError, AttributeError) as e:
        raise DraftError(f"{path}: письмо не разбирается ({type(e).__name__})") from None
    out: dict[str, Any] = {"to": ", ".join(to), "cc": cc, "subject": str(msg["Subject"]),
                           "body": text.replace("\r\n", "\n")}
    urgent = str(msg.get("X-Priority", "")).startswith("1") or str(msg.get("Importance", "")).lower() == "high"
    if urgent:
        out["priority"] = "Экстремальный"  # hotline's drafts carry the mandated priority as X-Priority 1
    for header, key in (("Message-ID", "message_id"), ("In-Reply-To", "in_reply_to")):
        value = str(msg.get(header, "")).strip()
        if value and _MESSAGE_ID.match(value):
            out[key] = value
    return out
