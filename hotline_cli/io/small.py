"""A small file read whole (a mapping, a draft, a calendar, a case to change): one place that says
in Russian what went wrong — a folder, no file, no permission, far too large to be what it claims."""

from __future__ import annotations


class SmallFileError(Exception):
    pass


def read_small(path: str, limit: int, what: str) -> bytes:
    """The file's bytes; SmallFileError naming the path when it cannot be `what` (e.g. «файл
    сопоставления»)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except FileNotFoundError:
        raise SmallFileError(f"{path}: файл не найден") from None
    except IsADirectoryError:
        raise SmallFileError(f"{path}: это папка, а не {what}") from None
    except OSError as e:
        raise SmallFileError(f"{path}: файл не читается: {e.strerror or e}") from None
    if len(data) > limit:
        size = f"{limit // (1024 * 1024)} МБ" if limit >= 1024 * 1024 else f"{limit // 1024} КБ"
        raise SmallFileError(f"{path}: больше {size} — это не {what}")
    return data
