"""SQLite files: where the database lives, a consistent copy of it, and what a copy holds."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from handbook.maintenance import MaintenanceError

_OWN_TABLES = ("alembic_version",)


@dataclass(frozen=True)
class Summary:
    """A database file that passed PRAGMA integrity_check, and what it holds."""

    revision: str
    content_version: int | None
    tables: dict[str, int]


def database_file(url: str) -> Path | None:
    """The file of a SQLite URL; None for any other database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise MaintenanceError("Cơ sở dữ liệu SQLite trong bộ nhớ không sao lưu hay khôi phục được.")
    return Path(parsed.database)


def copy_consistent(source: Path, target: Path) -> None:
    """Copy `source` into the new file `target` with the online backup API.

    One backup step copies every page inside one read transaction: under WAL the
    writers carry on, and the copy is the database as of that transaction's start.
    The copy leaves WAL mode so that it is one self-contained file."""
    with closing(sqlite3.connect(source, timeout=30)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")


def inspect(path: Path) -> Summary:
    """Check a database file and read its schema revision and row counts.
    Raises MaintenanceError (in Vietnamese) for a damaged, truncated or foreign file."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        with closing(sqlite3.connect(uri, uri=True)) as conn:
            problems = [row[0] for row in conn.execute("PRAGMA integrity_check(20)")]
            if problems != ["ok"]:
                raise MaintenanceError(
                    f"Tệp {path.name} bị hỏng, PRAGMA integrity_check báo: "
                    f"{'; '.join(problems[:5])}. Không dùng được tệp này."
                )
            return _summarise(conn, path)
    except sqlite3.DatabaseError as exc:
        raise MaintenanceError(
            f"Tệp {path.name} không phải cơ sở dữ liệu SQLite nguyên vẹn "
            f"(có thể bị cắt cụt hoặc hỏng): {exc}."
        ) from None


def _summarise(conn: sqlite3.Connection, path: Path) -> Summary:
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    if "alembic_version" not in names:
        raise MaintenanceError(
            f"Tệp {path.name} không phải cơ sở dữ liệu của Sổ tay (không có bảng alembic_version)."
        )
    revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    if revision is None:
        raise MaintenanceError(f"Tệp {path.name} không ghi phiên bản lược đồ (alembic_version trống).")
    version = None
    if "content_version" in names:
        row = conn.execute("SELECT version FROM content_version WHERE id = 1").fetchone()
        version = row[0] if row else None
    tables = {
        name: conn.execute(f'SELECT COUNT(*) FROM "{_quoted(name)}"').fetchone()[0]
        for name in names
        if name not in _OWN_TABLES
    }
    return Summary(revision[0], version, tables)


def _quoted(name: str) -> str:
    return name.replace('"', '""')
