"""A full disk during a backup or a restore: a clear message, nothing half-written kept."""

from __future__ import annotations

import errno
import os
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from handbook.maintenance import backup, restore
from handbook.maintenance import sqlite as maintenance_sqlite

FULL = "hết chỗ trống khi ghi"


def _enospc() -> OSError:
    return OSError(errno.ENOSPC, "No space left on device")


def _sqlite_full() -> sqlite3.OperationalError:
    error = sqlite3.OperationalError("database or disk is full")
    error.sqlite_errorcode = sqlite3.SQLITE_FULL
    return error


def _copy_then_fill(monkeypatch) -> None:
    """SQLite fills the disk half-way through the online backup."""
    real = maintenance_sqlite.copy_consistent

    def copy(source: Path, target: Path) -> None:
        real(source, target)
        with open(target, "r+b") as handle:
            handle.truncate(4096)
        raise _sqlite_full()

    monkeypatch.setattr(backup.sqlite, "copy_consistent", copy)


def _fsync_fails(monkeypatch) -> None:
    def fsync(_path):
        raise _enospc()

    monkeypatch.setattr(backup, "fsync_path", fsync)


def _manifest_fails(monkeypatch) -> None:
    real = os.replace

    def replace(src, dst, *args, **kwargs):
        if str(dst).endswith(".json"):
            raise _enospc()
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)


def _backup(app, dest: Path):
    return app.test_cli_runner().invoke(args=["handbook", "backup", str(dest)])


@pytest.mark.parametrize(
    "fill", [_copy_then_fill, _fsync_fails, _manifest_fails], ids=["copy", "fsync", "manifest"]
)
def test_a_full_disk_leaves_no_partial_backup_and_a_retry_works(library, tmp_path, monkeypatch, fill):
    folder = tmp_path / "bk"
    folder.mkdir()
    dest = folder / "a.db"
    fill(monkeypatch)
    result = _backup(library, dest)
    assert result.exit_code == 1
    assert f"LỖI: Máy chủ đã {FULL} bản sao lưu {dest}" in result.stderr
    assert not isinstance(result.exception, (OSError, sqlite3.Error))
    assert list(folder.iterdir()) == []
    monkeypatch.undo()
    assert _backup(library, dest).exit_code == 0
    assert sorted(p.name for p in folder.iterdir()) == ["a.db", "a.db.json"]


def test_a_full_disk_while_staging_a_restore_leaves_the_live_database_alone(library, tmp_path, monkeypatch):
    made = backup.create(library, tmp_path / "a.db")
    live = maintenance_sqlite.database_file(library.config["DATABASE_URL"])
    before = set(live.parent.iterdir())

    def copyfile(source, target):
        Path(target).write_bytes(Path(source).read_bytes()[:4096])
        raise _enospc()

    monkeypatch.setattr(restore.shutil, "copyfile", copyfile)
    result = library.test_cli_runner().invoke(args=["handbook", "restore", str(made.path), "--yes"])
    assert result.exit_code == 1 and FULL in result.stderr and "Traceback" not in result.output
    assert set(live.parent.iterdir()) == before
    with closing(sqlite3.connect(live)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
