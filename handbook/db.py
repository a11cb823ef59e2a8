"""Database engine and sessions: the declarative base, one engine per app, read
sessions, and short write transactions that take SQLite's write lock up front. No
Flask here: handbook/app_db.py binds a Database to the app and a read session to
the request."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from handbook.clock import as_utc

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
_WRITE = "handbook_write"
_READ = "handbook_read"

MAX_ID = 2**31 - 1  # primary keys fit a 32-bit INTEGER on every database


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def iso(value: datetime | date | None) -> str | None:
    """ISO 8601 as sent to clients: datetimes in UTC with a Z, dates as they are."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return as_utc(value).isoformat().replace("+00:00", "Z")
    return value.isoformat()


def make_engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": 30})
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection, _record) -> None:
    # Let SQLAlchemy issue BEGIN itself, so writes can ask for IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in (
        "journal_mode=WAL",
        "busy_timeout=10000",
        "foreign_keys=ON",
        "synchronous=NORMAL",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_on_begin(conn) -> None:
    # A deferred transaction that reads then writes fails at once with
    # SQLITE_BUSY whatever busy_timeout says; IMMEDIATE waits for the lock.
    # Request reads run without BEGIN: each statement sees the latest commit,
    # as under PostgreSQL's READ COMMITTED, and a page pays no transaction.
    options = conn.get_execution_options()
    if options.get(_READ):
        return
    conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get(_WRITE) else "BEGIN")


class Database:
    """Holds the engine and session factory of one app."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.reads = sessionmaker(self.engine.execution_options(**{_READ: True}))
        event.listen(self.reads, "before_flush", _refuse_writes)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A write transaction in its own session: commit on success, roll back on error."""
        with self.sessions() as session:
            session.connection(execution_options={_WRITE: True})
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise


def _refuse_writes(*_args) -> None:
    raise RuntimeError("the request session only reads; write in Database.transaction()")
