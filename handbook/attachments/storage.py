"""Files on disk, named by their content hash, outside the web root."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from handbook.fsutil import disk_space, fsync_dir

WHAT = "tệp đính kèm"

_CHUNK = 64 * 1024


class TooLarge(Exception):
    """The stream went past the byte limit; nothing was kept."""


@dataclass(frozen=True)
class Spooled:
    """An upload copied to a temp file in the store, not yet given its final name."""

    path: Path
    size: int
    sha256: str
    head: bytes


def spool(stream: BinaryIO, root: Path, max_bytes: int) -> Spooled:
    """Copy the stream to a temp file under root, hashing as it goes.

    Raises TooLarge past max_bytes, StorageFull when the disk fills up (the temp file
    is removed either way)."""
    with disk_space(WHAT):
        root.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=root, prefix=".upload-")
        return _copy(stream, fd, Path(tmp), max_bytes)


def _copy(stream: BinaryIO, fd: int, tmp: Path, max_bytes: int) -> Spooled:
    digest, size, head = hashlib.sha256(), 0, b""
    try:
        with os.fdopen(fd, "wb") as handle:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise TooLarge()
                if len(head) < 64:
                    head += chunk[: 64 - len(head)]
                digest.update(chunk)
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return Spooled(tmp, size, digest.hexdigest(), head)


def commit(spooled: Spooled, root: Path, stored_name: str) -> Path:
    """Give the temp file its final name atomically; same content means same name.
    Raises StorageFull when the disk fills up; a file that was not there before is
    removed again (another document's copy of the same content is left alone)."""
    target = path_of(root, stored_name)
    existed = target.exists()
    with disk_space(WHAT):
        try:
            os.replace(spooled.path, target)
            fsync_dir(root)
        except BaseException:
            if not existed:
                target.unlink(missing_ok=True)
            raise
    return target


def discard(spooled: Spooled) -> None:
    spooled.path.unlink(missing_ok=True)


def path_of(root: Path, stored_name: str) -> Path:
    """The file of a stored name; names are hashes we made, checked again here."""
    stem, _, ext = stored_name.partition(".")
    if len(stem) != 64 or not all(c in "0123456789abcdef" for c in stem) or not ext.isalnum():
        raise ValueError(f"not a stored name: {stored_name!r}")
    return root / stored_name


def remove(root: Path, stored_name: str) -> None:
    path_of(root, stored_name).unlink(missing_ok=True)
