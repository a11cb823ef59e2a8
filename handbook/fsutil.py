"""Crash-safe file writes: a reader sees the old file or the new one, never half."""

from __future__ import annotations

import errno
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from handbook.errors import StorageFull

_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})


def atomic_write_text(path: Path, text: str) -> None:
    """Write to a temp file in the same folder, fsync it, rename over, fsync the folder."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".tmp-{path.name}-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def fsync_dir(directory: Path) -> None:
    """Make a rename or a new file in directory survive a crash."""
    fsync_path(directory)


def fsync_path(path: Path) -> None:
    """Flush a file's (or a folder's) contents to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def is_disk_full(exc: BaseException) -> bool:
    """True for "no space left" and "quota exceeded", from the OS or from SQLite."""
    if isinstance(exc, OSError):
        return exc.errno in _FULL
    return isinstance(exc, sqlite3.Error) and getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL


@contextmanager
def disk_space(what: str) -> Iterator[None]:
    """Turn a full disk inside the block into StorageFull naming `what` (Vietnamese,
    e.g. "tệp đính kèm"); other errors pass through. The block cleans up after itself."""
    try:
        yield
    except (OSError, sqlite3.Error) as exc:
        if not is_disk_full(exc):
            raise
        raise StorageFull(
            f"Máy chủ đã hết chỗ trống khi ghi {what}; không có phần ghi dở "
            "nào được giữ lại. Hãy báo quản trị viên giải phóng dung lượng "
            "rồi thử lại."
        ) from exc
