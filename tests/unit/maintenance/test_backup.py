"""Backups: a consistent copy taken while members keep writing, written atomically."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from contextlib import closing

import pytest

from handbook.app import create_app
from handbook.maintenance import MaintenanceError, backup, restore, sqlite
from tests.conftest import app_config
from tests.unit.study.helpers import event, record

SLUG = "quy-dinh-37"
ANCHOR = "dieu-1-noi-lam-trai-cuong-linh"


def event_ids(path) -> set[str]:
    with closing(sqlite3.connect(path)) as conn:
        return {row[0] for row in conn.execute("SELECT client_event_id FROM reading_events")}


def wait_for(condition, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the writer thread stopped making progress"
        time.sleep(0.01)


def test_a_backup_taken_while_members_read_holds_every_earlier_commit(library, member, tmp_path):
    committed: list[str] = []
    stop = threading.Event()

    def keep_reading() -> None:
        number = 0
        while not stop.is_set():
            sent = event(SLUG, ANCHOR, 5, event_id=f"backup-{number:06d}")
            record(library, member.id, [sent])
            committed.append(sent.id)  # only once the transaction has committed
            number += 1

    writer = threading.Thread(target=keep_reading)
    writer.start()
    try:
        wait_for(lambda: len(committed) >= 40)
        before = list(committed)
        made = backup.create(library, tmp_path / "backups" / "copy.db")
        after = len(committed)
        wait_for(lambda: len(committed) >= after + 20)
    finally:
        stop.set()
        writer.join()
    copied = event_ids(made.path)
    assert set(before) <= copied
    assert made.manifest["integrity_check"] == "ok"
    assert made.manifest["tables"]["reading_events"] == len(copied)
    assert sqlite.inspect(made.path).tables["reading_events"] == len(copied)
    # Writers were never blocked: the live database moved on past the snapshot.
    assert len(event_ids(backup.source_file(library))) > len(copied)


def test_the_copy_is_one_self_contained_file_described_by_its_manifest(library, tmp_path):
    made = backup.create(library, tmp_path / "out" / "copy.db")
    assert sorted(p.name for p in made.path.parent.iterdir()) == ["copy.db", "copy.db.json"]
    assert made.path.read_bytes()[18:20] == b"\x01\x01"  # rollback journal, not WAL
    manifest = json.loads(backup.manifest_path(made.path).read_text(encoding="utf-8"))
    assert manifest == made.manifest
    assert manifest["sha256"] == backup.sha256(made.path)
    assert manifest["schema_revision"] == "0009_reading_timeline"
    assert manifest["tables"]["documents"] == 3
    assert manifest["content_version"] >= 1


def test_a_copy_that_fails_its_check_never_gets_the_final_name(library, tmp_path, monkeypatch):
    def damaged(_path):
        raise MaintenanceError("bị hỏng")

    monkeypatch.setattr(backup.sqlite, "inspect", damaged)
    with pytest.raises(MaintenanceError):
        backup.create(library, tmp_path / "out" / "copy.db")
    assert list((tmp_path / "out").iterdir()) == []


def test_an_existing_file_is_never_overwritten(library, tmp_path):
    target = tmp_path / "copy.db"
    target.write_bytes(b"an older backup")
    with pytest.raises(MaintenanceError, match="không bao giờ ghi đè"):
        backup.create(library, target)
    assert target.read_bytes() == b"an older backup"


def test_the_destination_may_be_a_folder(library, tmp_path):
    folder = backup.destination(library, str(tmp_path / "new") + "/")
    assert folder.parent == tmp_path / "new" and folder.name.startswith("handbook-")
    assert backup.destination(library, str(tmp_path)).parent == tmp_path
    assert backup.destination(library, None).parent.name == "backups"


def test_postgresql_is_refused_with_the_commands_to_run(tmp_path, content_dir):
    app = create_app(
        app_config(
            tmp_path,
            content_dir,
            DATABASE_URL=("postgresql+psycopg://handbook:s3cret-pw@db.example:5433/handbook"),
        )
    )
    with pytest.raises(MaintenanceError) as refused:
        backup.create(app)
    assert "pg_dump -Fc -h db.example -p 5433 -U handbook -d handbook" in refused.value.message
    with pytest.raises(MaintenanceError) as refused_restore:
        restore.prepare(app, tmp_path / "any.dump")
    assert "pg_restore" in refused_restore.value.message
    assert "s3cret" not in refused.value.message + refused_restore.value.message


def test_cli_backup_reports_the_check_and_the_counts(library, tmp_path):
    result = library.test_cli_runner().invoke(args=["handbook", "backup", f"{tmp_path}/bk/"])
    assert result.exit_code == 0, result.output
    assert "PRAGMA integrity_check: ok" in result.output
    assert "documents 3" in result.output
    files = sorted(p.suffix for p in (tmp_path / "bk").iterdir())
    assert files == [".db", ".json"]


def test_cli_backup_refuses_to_overwrite(library, tmp_path):
    runner = library.test_cli_runner()
    assert runner.invoke(args=["handbook", "backup", str(tmp_path / "a.db")]).exit_code == 0
    again = runner.invoke(args=["handbook", "backup", str(tmp_path / "a.db")])
    assert again.exit_code == 1
    assert "LỖI" in again.output and "ghi đè" in again.output
