"""A record read from the input: its data, or why it could not be used (errors as data)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class RecordError:
    """Why a record could not be used: `path` is a JSON Pointer into the record."""

    path: str
    message: str
    details: list[dict[str, str]] | None = None  # further validation errors, each {path, message}

    def as_dict(self) -> dict[str, Any]:
        """The contract's `error`: path, message and details (a list, possibly empty), always."""
        return {"path": self.path, "message": self.message, "details": list(self.details or ())}


@dataclass(slots=True)
class Record:
    source: str  # "file" or "file:line"
    data: Any = None
    error: RecordError | None = None
    warnings: tuple[str, ...] = ()
    raw: bytes | None = None  # a JSON Lines line not parsed yet: see `resolve`
    encoding: str = "utf-8"
    valid: bool = False  # proven a case by the contract's fast path: the schema check is not repeated
