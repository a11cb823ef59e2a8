"""Index generations on disk: build beside the live one, swap a pointer file atomically.

Layout of SEARCH_INDEX_DIR:
  current          name of the live generation (replaced with os.replace)
  write.lock       held (flock) by the one writer: a rebuild or an update
  g-<stamp>-<pid>/ a Whoosh index plus meta.json (analyzer version, build time)
"""

from __future__ import annotations

import fcntl
import json
import os
import pickle
import shutil
import struct
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

from handbook.errors import HandbookError
from handbook.fsutil import atomic_write_text, disk_space
from handbook.search.analysis import ANALYZER_VERSION

POINTER = "current"
LOCK = "write.lock"
META = "meta.json"
DAMAGED = "DAMAGED"  # written into a generation a reader found unreadable
# A reader that opened an older generation may still lazily open its files;
# keep superseded generations this long before deleting them.
GRACE_SECONDS = 120


class SearchUnavailable(HandbookError):
    status = 503
    code = "search_unavailable"
    title = "Chức năng tìm kiếm tạm thời chưa sẵn sàng"


class IndexUnreadable(SearchUnavailable):
    """The live generation exists but cannot be read (damaged files): a rebuild heals it."""

    def __init__(self, reason: str = "", generation: Path | None = None) -> None:
        super().__init__(
            "Chỉ mục tìm kiếm bị hỏng và đang chờ được dựng lại (quản trị viên: "
            "`flask handbook reindex --if-needed`). Vui lòng thử lại sau ít phút."
        )
        self.reason = reason  # what Whoosh said, for logs and check-index; not shown
        self.generation = generation


# What Whoosh 2.7.4 raises on a damaged generation (measured): a truncated segment gives
# EOFError or struct.error, a garbage TOC whoosh's IndexError, a truncated TOC an
# UnpicklingError, a deleted file FileNotFoundError; bad bytes may also fail to decode
# or inflate (ValueError, zlib.error).
UNREADABLE = (
    OSError,
    EOFError,
    ValueError,
    struct.error,
    pickle.UnpicklingError,
    zlib.error,
    whoosh_index.IndexError,
)


class IndexBusy(HandbookError):
    status = 503
    code = "index_busy"
    title = "Chỉ mục tìm kiếm đang được cập nhật, vui lòng thử lại"


def current_name(root: Path) -> str | None:
    try:
        name = (root / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    # The pointer names a sibling directory, never a path elsewhere.
    return name if name and "/" not in name and not name.startswith(".") else None


def current_dir(root: Path) -> Path | None:
    name = current_name(root)
    return root / name if name else None


def read_meta(generation: Path) -> dict:
    try:
        return json.loads((generation / META).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}


def is_current_version(generation: Path) -> bool:
    return read_meta(generation).get("analyzer") == ANALYZER_VERSION


def new_generation(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"g-{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    path.mkdir()
    return path


def write_meta(generation: Path, **extra) -> None:
    meta = {"analyzer": ANALYZER_VERSION, "built_at": time.time(), **extra}
    atomic_write_text(generation / META, json.dumps(meta))


def update_meta(generation: Path, **changes) -> None:
    """Change some keys of a generation's meta.json (under the writer lock). Raises
    StorageFull when the disk is full; the old meta.json stays."""
    with disk_space("tệp mô tả chỉ mục tìm kiếm"):
        atomic_write_text(generation / META, json.dumps({**read_meta(generation), **changes}))


def swap_in(root: Path, generation: Path) -> None:
    """Make `generation` live in one rename; readers see the old or the new one."""
    atomic_write_text(root / POINTER, generation.name + "\n")
    prune(root)


def prune(root: Path, keep: int = 2) -> None:
    """Delete superseded generations beyond the newest `keep` once past the grace time."""
    live = current_name(root)
    gens = sorted(
        (p for p in root.glob("g-*") if p.is_dir() and p.name != live),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    now = time.time()
    for old in gens[keep - 1 :]:
        if now - old.stat().st_mtime > GRACE_SECONDS:
            shutil.rmtree(old, ignore_errors=True)
    # A writer killed while replacing the pointer leaves its temporary file behind.
    for orphan in root.glob(".tmp-*"):
        if orphan.is_file() and now - orphan.stat().st_mtime > GRACE_SECONDS:
            orphan.unlink(missing_ok=True)


def discard(generation: Path) -> None:
    shutil.rmtree(generation, ignore_errors=True)


@contextmanager
def writer_lock(root: Path, timeout: float) -> Iterator[None]:
    """One writer per index root across processes; raises IndexBusy after `timeout`."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / LOCK, "a+b") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexBusy() from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def mark_damaged(generation: Path, reason: str) -> None:
    """Tell the replica follower (any process of this node) that `generation` needs a
    rebuild; a missing directory has nothing to mark."""
    if is_damaged(generation):  # every failing search would fsync it again
        return
    try:
        atomic_write_text(generation / DAMAGED, reason[:300] + "\n")
    except OSError:
        pass


def describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:300]


def is_damaged(generation: Path) -> bool:
    return (generation / DAMAGED).exists()


class _Files(FileStorage):
    """A FileStorage that can close what it opened: Whoosh leaves a damaged file open
    when reading it fails."""

    def __init__(self, path: str) -> None:
        super().__init__(path, readonly=True)
        self.opened: list = []

    def open_file(self, name, **kwargs):
        handle = super().open_file(name, **kwargs)
        self.opened.append(handle)
        return handle

    def close_opened(self) -> None:
        for handle in self.opened:
            if not handle.is_closed:
                handle.close()
        self.opened.clear()


def open_index(generation: Path) -> whoosh_index.FileIndex:
    """whoosh.index.open_dir, leaving no file open when it fails."""
    files = _Files(str(generation))
    try:
        return whoosh_index.FileIndex(files, indexname=whoosh_index._DEF_INDEX_NAME)
    except BaseException:
        files.close_opened()
        raise


def release(ix: whoosh_index.FileIndex) -> None:
    """Close the files a failed ix.searcher() left open."""
    if isinstance(ix.storage, _Files):
        ix.storage.close_opened()


def open_current(root: Path, attempts: int = 5):
    """Open the live generation; retries while a swap or commit is in flight. Raises
    SearchUnavailable when there is none, IndexUnreadable when it stays unreadable."""
    for attempt in range(attempts):
        generation = current_dir(root)
        if generation is None:
            raise SearchUnavailable("Chưa có chỉ mục tìm kiếm: chạy `flask handbook reindex`.")
        try:
            return generation, open_index(generation)
        except whoosh_index.EmptyIndexError:
            failure: SearchUnavailable = SearchUnavailable()
        except UNREADABLE as exc:
            failure = (
                IndexUnreadable(describe(exc), generation) if generation.is_dir() else SearchUnavailable()
            )
        if attempt == attempts - 1:
            raise failure
        time.sleep(0.02 * (attempt + 1))
    raise SearchUnavailable()
