"""Restore: checked before anything is touched, the live file kept aside, the index rebuilt."""

from __future__ import annotations

import json
import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from handbook import migrate
from handbook.accounts.audit import Actor
from handbook.app import create_app
from handbook.app_db import get_db
from handbook.maintenance import MaintenanceError, backup, restore
from handbook.privacy import erase
from handbook.search import indexer
from tests import factories
from tests.conftest import app_config


def usernames(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as conn:
        return {row[0] for row in conn.execute("SELECT username FROM users")}


def revision(path: Path) -> str:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def index_ok(app) -> bool:
    with app.app_context(), get_db(app).reads() as reader:
        return indexer.check(reader, Path(app.config["SEARCH_INDEX_DIR"])).ok


@pytest.fixture
def saved(library, tmp_path) -> Path:
    """A backup of the library, then a member added after it."""
    made = backup.create(library, tmp_path / "backups" / "saved.db")
    factories.make_user(library, "sau.sao.luu")
    return made.path


def live(app) -> Path:
    return backup.source_file(app)


def test_restore_brings_the_data_back_and_keeps_the_old_file(library, saved):
    done = restore.restore(library, saved)
    assert "sau.sao.luu" not in usernames(live(library))
    assert done.moved_aside is not None and done.moved_aside.parent == live(library).parent
    assert "sau.sao.luu" in usernames(done.moved_aside)  # kept, not deleted
    assert done.index_entries and index_ok(library)
    with closing(sqlite3.connect(live(library))) as conn:
        assert conn.execute("SELECT action FROM audit_events").fetchall() == [("database.restore",)]
    assert not list(live(library).parent.glob(".tmp-restore-*"))


def test_a_damaged_live_database_is_replaced_and_kept(library, saved):
    get_db(library).engine.dispose()
    live(library).write_bytes(b"\x00" * 8192)
    wal = live(library).with_name(live(library).name + "-wal")
    wal.write_bytes(b"left by a crash")
    done = restore.restore(library, saved)
    assert done.moved_aside.read_bytes() == b"\x00" * 8192
    assert done.moved_aside.with_name(done.moved_aside.name + "-wal").read_bytes() == (
        b"left by a crash"
    )  # moved with it, never replayed into the restored file
    assert "sau.sao.luu" not in usernames(live(library)) and index_ok(library)


def test_a_restore_drill_into_an_instance_without_a_database(saved, tmp_path, content_dir):
    drill = create_app(app_config(tmp_path / "drill", content_dir))
    done = restore.restore(drill, saved)
    assert done.moved_aside is None
    with closing(sqlite3.connect(live(drill))) as conn:
        assert conn.execute("SELECT COUNT(*) FROM documents").fetchone() == (3,)
    assert index_ok(drill)
    get_db(drill).engine.dispose()


def test_restore_refuses_while_another_process_has_the_database_open(library, saved):
    with closing(sqlite3.connect(live(library))) as other:
        other.execute("SELECT COUNT(*) FROM users").fetchone()
        with pytest.raises(MaintenanceError, match="đang được một tiến trình khác mở"):
            restore.restore(library, saved)
    assert "sau.sao.luu" in usernames(live(library))
    assert not list(live(library).parent.glob("*.before-restore-*"))
    assert not list(live(library).parent.glob(".tmp-restore-*"))


def _truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _truncated_without_manifest(path: Path) -> None:
    _truncated(path)
    backup.manifest_path(path).unlink()


def _not_a_database(path: Path) -> None:
    path.write_bytes(b"SQLite format 2\x00" + bytes(8000))
    backup.manifest_path(path).unlink()


def _foreign_database(path: Path) -> None:
    path.unlink()
    backup.manifest_path(path).unlink()
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")


@pytest.mark.parametrize(
    "damage, message",
    [
        (_truncated, "không khớp mã kiểm tra"),
        (_truncated_without_manifest, "có thể bị cắt cụt hoặc hỏng"),
        (_not_a_database, "không phải cơ sở dữ liệu SQLite nguyên vẹn"),
        (_foreign_database, "không phải cơ sở dữ liệu của Sổ tay"),
    ],
)
def test_a_damaged_backup_is_refused_before_anything_changes(library, saved, damage, message):
    damage(saved)
    before = sorted(p.name for p in live(library).parent.iterdir())
    with pytest.raises(MaintenanceError, match=message):
        restore.restore(library, saved)
    assert sorted(p.name for p in live(library).parent.iterdir()) == before
    assert "sau.sao.luu" in usernames(live(library))


def test_a_backup_from_a_newer_release_is_refused(library, saved):
    with closing(sqlite3.connect(saved)) as conn, conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099_future'")
    manifest = json.loads(backup.manifest_path(saved).read_text(encoding="utf-8"))
    manifest["sha256"] = backup.sha256(saved)
    backup.manifest_path(saved).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(MaintenanceError, match="0099_future.*phiên bản mới hơn"):
        restore.restore(library, saved)
    assert "sau.sao.luu" in usernames(live(library))


def test_an_older_backup_is_upgraded_to_this_release(library, tmp_path, content_dir):
    old = create_app(app_config(tmp_path / "old", content_dir))
    (tmp_path / "old").mkdir()
    migrate.upgrade(old, "0006_editor")
    made = backup.create(old, tmp_path / "old.db")
    get_db(old).engine.dispose()
    assert made.manifest["schema_revision"] == "0006_editor"
    done = restore.restore(library, made.path)
    assert done.upgraded
    assert revision(live(library)) == "0009_reading_timeline"


def test_cli_restore_asks_first_and_changes_nothing_on_no(library, saved):
    result = library.test_cli_runner().invoke(args=["handbook", "restore", str(saved)], input="n\n")
    assert result.exit_code == 0, result.output
    assert "integrity_check: ok" in result.output and "Đã hủy" in result.output
    assert "sau.sao.luu" in usernames(live(library))
    assert not list(live(library).parent.glob(".tmp-restore-*"))


def test_cli_restore_with_yes(library, saved):
    result = library.test_cli_runner().invoke(args=["handbook", "restore", str(saved), "--yes"])
    assert result.exit_code == 0, result.output
    assert "Đã khôi phục" in result.output and "Tệp cũ được giữ lại" in result.output
    assert "Đã dựng lại chỉ mục tìm kiếm" in result.output
    assert "sau.sao.luu" not in usernames(live(library))


def test_cli_restore_of_a_damaged_file_fails_in_vietnamese(library, saved):
    _truncated(saved)
    result = library.test_cli_runner().invoke(args=["handbook", "restore", str(saved), "--yes"])
    assert result.exit_code == 1
    assert "LỖI: Tệp saved.db không khớp mã kiểm tra" in result.output


def test_members_erased_after_the_backup_are_named_after_a_restore(library, tmp_path):
    factories.make_user(library, "o.lai")  # in the backup too, never erased: not named
    erased = factories.make_user(library, "da.xoa.sau")
    made = backup.create(library, tmp_path / "before-erasure.db")
    # Erased too, but created after the backup: the restore brought nothing of theirs back.
    for user in (erased, factories.make_user(library, "cung.xoa.sau")):
        with library.app_context(), get_db(library).transaction() as tx:
            erase.erase_member(tx, Actor.system("test"), user.id, user.username)
    result = library.test_cli_runner().invoke(args=["handbook", "restore", str(made.path), "--yes"])
    assert result.exit_code == 0, result.output
    named = re.search(r"đã bị xóa sau thời điểm sao lưu \(mã tài khoản ([\d, ]+)\)", result.output)
    assert named and named.group(1) == str(erased.id)
