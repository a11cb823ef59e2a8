"""`flask handbook restore`: put a SQLite backup in place of the live database.

In order: copy the backup beside the live file and check the copy (the manifest's
checksum, PRAGMA integrity_check, a schema revision this release knows); take the
live file for ourselves, which fails while any other process has it open (leaving
WAL mode needs every other connection closed) and folds its WAL into it; move the
live file aside, never deleting it; rename the copy into place; upgrade the schema
if the backup is older; rebuild the search index, which is derived from the database."""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from alembic.script import ScriptDirectory
from flask import Flask

from handbook import migrate
from handbook.accounts import audit
from handbook.accounts.audit import Actor
from handbook.app_db import get_db
from handbook.content import versioning
from handbook.fsutil import disk_space, fsync_dir, fsync_path
from handbook.maintenance import MaintenanceError, postgres, sqlite
from handbook.maintenance.backup import manifest_path, sha256, source_file
from handbook.privacy.registry import ERASED_ACTION
from handbook.search import indexer

log = logging.getLogger("handbook.maintenance")
SIDE_FILES = ("-wal", "-shm", "-journal")
ACTOR = Actor.system("khoi-phuc")


@dataclass(frozen=True)
class Staged:
    """A checked copy of the backup beside the live database, not yet in place."""

    backup: Path
    copy: Path
    target: Path
    summary: sqlite.Summary
    upgrade_needed: bool

    def discard(self) -> None:
        self.copy.unlink(missing_ok=True)


@dataclass(frozen=True)
class Restored:
    target: Path
    moved_aside: Path | None
    revision: str
    upgraded: bool
    index_entries: int | None
    erased_since_backup: list[int]


def prepare(app: Flask, backup: Path) -> Staged:
    """Copy and check the backup; the live database is not touched. Raises
    MaintenanceError, or StorageFull when the copy fills the disk (it is removed)."""
    target = source_file(app, postgres.restore_help)
    copy = target.with_name(f".tmp-restore-{target.name}-{os.getpid()}")
    with disk_space(f"bản sao tạm {copy} của {backup.name}"):
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copyfile(backup, copy)
            _check_manifest(backup, copy)
            summary = sqlite.inspect(copy)
            upgrade_needed = _check_revision(app, backup, summary.revision)
            fsync_path(copy)
        except BaseException:
            copy.unlink(missing_ok=True)
            raise
    return Staged(backup, copy, target, summary, upgrade_needed)


def _check_manifest(backup: Path, copy: Path) -> None:
    try:
        manifest = json.loads(manifest_path(backup).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return  # a copy made another way: integrity_check alone vouches for it
    except ValueError:
        raise MaintenanceError(f"Tệp mô tả {manifest_path(backup).name} bị hỏng.") from None
    if manifest.get("sha256") != sha256(copy):
        raise MaintenanceError(
            f"Tệp {backup.name} không khớp mã kiểm tra (sha256) ghi trong tệp mô tả: "
            "tệp đã bị cắt cụt, hỏng hoặc thay đổi sau khi sao lưu. Hãy dùng bản sao lưu khác."
        )


def _check_revision(app: Flask, backup: Path, revision: str) -> bool:
    """True if the backup needs upgrading; refuses a revision this release does not know."""
    script = ScriptDirectory.from_config(migrate.alembic_config(app))
    if revision not in {s.revision for s in script.walk_revisions()}:
        raise MaintenanceError(
            f"Bản sao lưu {backup.name} có lược đồ {revision}, phiên bản phần mềm này không "
            "biết (bản sao lưu từ phiên bản mới hơn?). Hãy cài phiên bản phần mềm đã tạo ra "
            "bản sao lưu rồi mới khôi phục."
        )
    return revision not in script.get_heads()


def complete(app: Flask, staged: Staged, now: datetime | None = None) -> Restored:
    """Swap the checked copy in, upgrade it if older, record the restore, rebuild the index."""
    now = now or datetime.now(UTC)
    get_db(app).engine.dispose()  # our own pooled connections would pin the old file
    aside = _swap(staged.target, staged.copy, f"{now:%Y%m%d-%H%M%S}")
    if staged.upgrade_needed:
        migrate.upgrade(app)
    with app.app_context(), get_db(app).transaction() as tx:
        versioning.bump(tx)  # caches keyed on the content version must not survive
        audit.record(
            tx,
            ACTOR,
            "database.restore",
            "database",
            None,
            file=staged.backup.name,
            revision=staged.summary.revision,
            moved_aside=aside.name if aside else "",
        )
    return Restored(
        staged.target,
        aside,
        staged.summary.revision,
        staged.upgrade_needed,
        rebuild_index(app),
        erased_since(aside, staged.target) if aside else [],
    )


def _swap(target: Path, copy: Path, stamp: str) -> Path | None:
    if not target.exists():
        _move_side_files(target, target.with_name(f"{target.name}.orphan-{stamp}"))
        os.replace(copy, target)
        fsync_dir(target.parent)
        return None
    aside = target.with_name(f"{target.name}.before-restore-{stamp}")
    guard = sqlite3.connect(target, timeout=1, isolation_level=None)
    try:
        _take_exclusively(guard, target)
        shutil.copymode(target, copy)  # the service's permissions, not the backup's
        os.rename(target, aside)
        _move_side_files(target, aside)
        os.replace(copy, target)
        fsync_dir(target.parent)
    finally:
        guard.close()
    return aside


def _take_exclusively(guard: sqlite3.Connection, target: Path) -> None:
    try:
        guard.execute("PRAGMA journal_mode=DELETE")
        guard.execute("BEGIN EXCLUSIVE")
        mode = guard.execute("PRAGMA journal_mode").fetchone()[0]
    except sqlite3.OperationalError:  # busy or locked: someone else has it open
        mode = None
    except sqlite3.DatabaseError:
        # Not a database any more (often why one restores): it cannot be checked
        # for other users, and is moved aside as it is, with its -wal and -shm.
        log.warning("the live database %s is damaged; moving it aside as it is", target)
        return
    if mode != "delete":
        raise MaintenanceError(
            f"Cơ sở dữ liệu {target.name} đang được một tiến trình khác mở (máy chủ web, "
            "công việc định kỳ…). Hãy dừng dịch vụ rồi chạy lại lệnh khôi phục; "
            "chưa có gì bị thay đổi."
        )


def _move_side_files(target: Path, aside: Path) -> None:
    # A -wal left beside the restored file would be replayed into it.
    for suffix in SIDE_FILES:
        side = target.with_name(target.name + suffix)
        if side.exists():
            os.rename(side, aside.with_name(aside.name + suffix))


def erased_since(aside: Path, restored: Path) -> list[int]:
    """Members erased in the replaced database but not in the restored one: the backup
    brought their personal data back, and their erasure must be done again."""
    query = "SELECT DISTINCT target_id FROM audit_events WHERE action = ?"
    try:
        with closing(sqlite3.connect(f"{aside.resolve().as_uri()}?mode=ro", uri=True)) as old:
            erased = {row[0] for row in old.execute(query, (ERASED_ACTION,))}
    except sqlite3.DatabaseError:
        log.warning("cannot read erasures from the replaced database %s", aside)
        return []
    with closing(sqlite3.connect(restored)) as new:
        erased -= {row[0] for row in new.execute(query, (ERASED_ACTION,))}
        present = {row[0] for row in new.execute("SELECT id FROM users")}
    return sorted(erased & present)


def rebuild_index(app: Flask) -> int | None:
    """Rebuild the search index from the restored database; None if that failed."""
    root = Path(app.config["SEARCH_INDEX_DIR"])
    try:
        with app.app_context(), get_db(app).reads() as reader:
            return indexer.rebuild(reader, root)
    # The database is restored whatever happens here; the operator is told to reindex.
    except Exception:
        log.exception("search index rebuild after restore failed")
        return None


def restore(app: Flask, backup: Path) -> Restored:
    staged = prepare(app, backup)
    try:
        return complete(app, staged)
    finally:
        staged.discard()
