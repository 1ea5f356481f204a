"""Every file the tool writes — results, reports, workbooks, `.eml` drafts — is written
here: into a temporary file beside the target, flushed to disk, then renamed over it.
A reader never sees half a file; on any exit before the end (Ctrl-C, SIGTERM, an
exception, a full disk) the temporary file is removed and the old file is kept whole.

The new file gets the permissions a plain `open()` would give under the umask; an
existing file keeps its mode. A symlink is followed (its target is replaced, not the
link); a device or a FIFO (`/dev/null`, `/dev/full`, a pipe) is written to directly.
"""

from __future__ import annotations

import errno
import os
import stat
from typing import IO, Any

# temporary files of this process not yet renamed or removed (for a last-resort cleanup)
PENDING: set[str] = set()


class OutputError(Exception):
    """An output that cannot be written: the message says where and why, in Russian."""


def os_error_ru(e: OSError) -> str:
    return {errno.EACCES: "нет прав на запись", errno.EPERM: "нет прав на запись",
            errno.EROFS: "файловая система только для чтения", errno.ENOSPC: "на диске нет места",
            errno.EDQUOT: "превышена квота диска", errno.ENOENT: "папка не существует",
            errno.ENOTDIR: "в пути есть файл вместо папки", errno.EISDIR: "это папка, а не файл",
            errno.EIO: "ошибка ввода-вывода", errno.ENAMETOOLONG: "слишком длинное имя файла",
            errno.EFBIG: "файл слишком большой"}.get(e.errno or 0, e.strerror or str(e))


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def check_target(path: str) -> tuple[str, os.stat_result | None]:
    """The real path to write `path` to and its stat (None: no file yet); OutputError when its
    folder cannot take a file."""
    target = os.path.realpath(path)
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise OutputError(f"{path}: {os_error_ru(e)}") from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise OutputError(f"{path}: это папка, а не файл")
    if st is not None and not stat.S_ISREG(st.st_mode):
        return target, st  # a device or a FIFO: written to directly
    folder = os.path.dirname(target) or "."
    if not os.path.isdir(folder):
        raise OutputError(f"{path}: папка «{os.path.dirname(path) or '.'}» не существует")
    if not os.access(folder, os.W_OK):
        raise OutputError(f"{path}: нет прав на запись в папку «{os.path.dirname(path) or '.'}»")
    return target, st


class AtomicFile:
    """with AtomicFile(path) as fh: … — the file appears whole at the end of the block, or
    not at all (the old one kept)."""

    def __init__(self, path: str, binary: bool = False, encoding: str = "utf-8", errors: str = "backslashreplace"):
        self.path = path
        self.binary = binary
        self.encoding, self.errors = encoding, errors
        self.tmp: str | None = None
        self.fh: Any = None
        self.mode = 0o666 & ~_umask()

    def __enter__(self) -> IO[Any]:
        target, st = check_target(self.path)
        if st is not None and not stat.S_ISREG(st.st_mode):
            self.target = target
            self.fh = open(target, "wb" if self.binary else "w", **self._text())
            return self._opened()
        if st is not None:
            self.mode = stat.S_IMODE(st.st_mode)
        self.target = target
        import tempfile  # here, not at start-up: every command imports this module (tempfile: 3 ms)

        try:
            fd, self.tmp = tempfile.mkstemp(prefix=".hotline-", suffix=".tmp", dir=os.path.dirname(target) or ".")
        except OSError as e:
            raise OutputError(f"{self.path}: {os_error_ru(e)}") from None
        PENDING.add(self.tmp)
        self.fh = os.fdopen(fd, "wb" if self.binary else "w", **self._text())
        return self._opened()

    def _opened(self) -> IO[Any]:
        fh: IO[Any] = self.fh
        return fh

    def _text(self) -> dict[str, Any]:
        return {} if self.binary else {"encoding": self.encoding, "errors": self.errors, "newline": ""}

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if self.tmp is None:  # a device: nothing to rename
            try:
                self.fh.close()
            except OSError as e:
                if exc_type is None:
                    raise OutputError(f"{self.path}: {os_error_ru(e)}") from None
            return
        if exc_type is not None:
            self.abort()
            return
        try:
            self.fh.flush()
            os.fsync(self.fh.fileno())
            os.fchmod(self.fh.fileno(), self.mode)
            self.fh.close()
            os.replace(self.tmp, self.target)
        except OSError as e:
            self.abort()
            raise OutputError(f"{self.path}: {os_error_ru(e)}") from None
        PENDING.discard(self.tmp)
        self.tmp = None

    def abort(self) -> None:
        """Remove the temporary file; the old file stays as it was."""
        try:
            self.fh.close()
        except (OSError, ValueError):
            pass
        if self.tmp is not None:
            remove(self.tmp)
            self.tmp = None


def remove(tmp: str) -> None:
    try:
        os.unlink(tmp)
    except OSError:
        pass
    PENDING.discard(tmp)


def remove_pending() -> None:
    """Last resort at exit: remove every temporary file and folder still pending."""
    for tmp in list(PENDING):
        remove(tmp)
    for folder in list(SCRATCH):
        drop_scratch(folder)


def write_bytes(path: str, data: bytes) -> None:
    with AtomicFile(path, binary=True) as fh:
        fh.write(data)


SCRATCH: set[str] = set()  # temporary folders of this run (a workbook's rows), removed on every exit


def scratch_dir(near: str | None = None) -> str:
    """A private temporary folder, beside `near` when it can be (the output's own folder), else in
    the system's; removed by `drop_scratch` or, whatever ends the run, by `remove_pending`."""
    import tempfile

    for where in ([near] if near else []) + [None]:
        try:
            path = tempfile.mkdtemp(prefix=".hotline-", dir=where)
        except OSError:
            continue
        SCRATCH.add(path)
        return path
    raise OutputError("не создать временную папку для книги Excel: нет места или прав")


def drop_scratch(path: str) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)
    SCRATCH.discard(path)

