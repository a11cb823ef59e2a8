"""PostgreSQL is backed up with its own tools; these messages say which commands to run.

The handbook does not run pg_dump itself: pg_dump must be at least the server's major
version, it needs the password (from ~/.pgpass or PGPASSFILE, never a command line or
an environment the app passes on), and the server's own backup (pg_dump, or WAL
archiving for point-in-time recovery) is run and monitored by whoever runs the server."""

from __future__ import annotations

from sqlalchemy.engine import make_url


def _connection_options(url: str) -> str:
    parsed = make_url(url)
    parts = [f"-h {parsed.host or 'localhost'}", f"-p {parsed.port or 5432}"]
    if parsed.username:
        parts.append(f"-U {parsed.username}")
    return " ".join(parts)


def backup_help(url: str) -> str:
    database = make_url(url).database or "handbook"
    return (
        "Cơ sở dữ liệu là PostgreSQL: lệnh này chỉ sao lưu SQLite. Hãy sao lưu bằng pg_dump "
        "(cùng hoặc mới hơn phiên bản chính của máy chủ), mật khẩu để trong ~/.pgpass:\n"
        f"  pg_dump -Fc {_connection_options(url)} -d {database} "
        f"-f {database}-$(date +%Y%m%d-%H%M%S).dump\n"
        "  pg_restore --list <tệp>.dump > /dev/null   # kiểm tra tệp đọc được\n"
        "Cần khôi phục về một thời điểm bất kỳ (PITR) thì bật lưu trữ WAL (archive_mode) "
        "và sao lưu cơ sở bằng pg_basebackup. Xem docs/backup.md."
    )


def restore_help(url: str) -> str:
    database = make_url(url).database or "handbook"
    return (
        "Cơ sở dữ liệu là PostgreSQL: lệnh này chỉ khôi phục SQLite. Dừng dịch vụ, rồi "
        "khôi phục bằng pg_restore vào một cơ sở dữ liệu trống:\n"
        f"  createdb {_connection_options(url)} {database}_restored\n"
        f"  pg_restore {_connection_options(url)} -d {database}_restored --no-owner "
        "--exit-on-error <tệp>.dump\n"
        "đổi HANDBOOK_DATABASE_URL sang cơ sở dữ liệu mới, chạy `flask handbook init-db` "
        "(nâng lược đồ nếu bản sao lưu cũ hơn) và `flask handbook reindex`. Xem docs/backup.md."
    )
