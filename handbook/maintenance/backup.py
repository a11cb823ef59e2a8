"""`flask handbook backup`: a consistent, checked copy of the SQLite database.

The copy is made under a temporary name beside the destination, checked with
PRAGMA integrity_check, fsynced and renamed into place; then a manifest
(`<file>.json`: checksum, schema revision, content version, row counts) is written
the same way. The manifest comes last, so one that exists describes a whole file."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask

from handbook.fsutil import atomic_write_text, disk_space, fsync_dir, fsync_path
from handbook.maintenance import MaintenanceError, postgres, sqlite

MANIFEST_FORMAT = 1
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Backup:
    path: Path
    manifest: dict


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def source_file(app: Flask, postgres_help=postgres.backup_help) -> Path:
    """The configured SQLite file; PostgreSQL is refused with the commands to use."""
    url = app.config["DATABASE_URL"]
    path = sqlite.database_file(url)
    if path is None:
        raise MaintenanceError(postgres_help(url))
    return path


def destination(app: Flask, dest: str | None, now: datetime | None = None) -> Path:
    """The file a backup goes to: DEST itself, or a dated name inside the folder DEST
    (an existing folder, or a path ending in "/"), by default instance/backups/."""
    name = f"handbook-{(now or datetime.now(UTC)):%Y%m%d-%H%M%S}.db"
    if not dest:
        return Path(app.instance_path) / "backups" / name
    path = Path(dest)
    return path / name if dest.endswith(("/", os.sep)) or path.is_dir() else path


def create(app: Flask, target: Path | None = None, now: datetime | None = None) -> Backup:
    """Back up the database to the new file `target` (default: see `destination`).
    Raises MaintenanceError; StorageFull when the disk fills up, after removing
    every file this backup had written (the copy, its manifest, their temp files)."""
    now = now or datetime.now(UTC)
    source = source_file(app)
    if not source.is_file():
        raise MaintenanceError(f"Không tìm thấy tệp cơ sở dữ liệu {source}.")
    target = target or destination(app, None, now)
    _check_new(target)
    with disk_space(f"bản sao lưu {target}"):
        try:
            summary = _copy_into(source, target)
            manifest = _manifest(target, summary, now)
            atomic_write_text(manifest_path(target), json.dumps(manifest, ensure_ascii=False, indent=2))
        except BaseException:
            # A copy without its manifest would pass for one made another way.
            target.unlink(missing_ok=True)
            raise
    return Backup(target, manifest)


def _copy_into(source: Path, target: Path) -> sqlite.Summary:
    tmp = _temp_beside(target)
    try:
        sqlite.copy_consistent(source, tmp)
        summary = sqlite.inspect(tmp)
        fsync_path(tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)
    return summary


def _manifest(target: Path, summary: sqlite.Summary, now: datetime) -> dict:
    return {
        "format": MANIFEST_FORMAT,
        "created_at": now.isoformat(timespec="seconds"),
        "file": target.name,
        "bytes": target.stat().st_size,
        "sha256": sha256(target),
        "integrity_check": "ok",
        "schema_revision": summary.revision,
        "content_version": summary.content_version,
        "tables": summary.tables,
    }


def _check_new(target: Path) -> None:
    if target.exists() or manifest_path(target).exists():
        raise MaintenanceError(f"Đã có tệp {target}: bản sao lưu không bao giờ ghi đè lên tệp cũ.")
    target.parent.mkdir(parents=True, exist_ok=True)


def _temp_beside(target: Path) -> Path:
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".tmp-{target.name}-")
    os.close(fd)
    return Path(name)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
