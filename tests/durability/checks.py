"""What must hold after a writer was killed: each check returns the problems it found."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from whoosh import index as whoosh_index

from handbook.search import storage
from handbook.search.indexer import IndexReport

# The newest revision of a document that holds a token, with the document's state and
# the number of its current revision.
_REVISION_WITH = (
    "SELECT r.number, d.state, (SELECT number FROM document_revisions WHERE id = "
    "d.current_revision_id) FROM document_revisions r JOIN documents d ON d.id = r.document_id "
    "WHERE d.slug = ? AND instr(r.source, ?) > 0 ORDER BY r.number DESC"
)


def database_problems(path: Path) -> list[str]:
    """PRAGMA integrity_check and foreign_key_check; opening the file replays the WAL."""
    with closing(sqlite3.connect(path, timeout=30)) as conn:
        integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        foreign = conn.execute("PRAGMA foreign_key_check").fetchall()
    return ([] if integrity == ["ok"] else integrity) + [f"foreign key: {row}" for row in foreign]


def committed(conn: sqlite3.Connection, record: dict) -> bool:
    """Is the write of this journal record in the database?"""
    rows = conn.execute(_REVISION_WITH, (record["slug"], record["token"])).fetchall()
    if record["kind"] == "publish" and "revision" in record:
        # The acknowledged revision, still published, never behind the current one.
        rows = [
            (n, state, current)
            for n, state, current in rows
            if n == record["revision"] and state == "published" and current >= n
        ]
    return bool(rows)


def lost(path: Path, acks: list[dict]) -> list[str]:
    """The acknowledged database writes that are not in the database."""
    with closing(sqlite3.connect(path, timeout=30)) as conn:
        return [
            f"{a['kind']} {a['slug']} {a['token']}"
            for a in acks
            if a["kind"] != "reindex" and not committed(conn, a)
        ]


def landing(path: Path, record: dict, round_kind: str) -> str:
    """Where a kill landed inside the write this begin record opened."""
    if record["kind"] == "reindex":
        return "reindex --if-needed after an import" if round_kind == "import" else "reindex"
    step = "import-content" if record["kind"] == "import" else "publish"
    with closing(sqlite3.connect(path, timeout=30)) as conn:
        side = "after" if committed(conn, record) else "before"
    return f"{step}, {side} its commit"


def lock_problems(root: Path) -> list[str]:
    """The next writer must get both locks at once: a dead writer's lock is released."""
    try:
        with storage.writer_lock(root, timeout=0):
            writer = whoosh_index.open_dir(str(storage.current_dir(root))).writer(timeout=0)
            writer.cancel()
    except storage.IndexBusy:
        return ["write.lock still held after the writer was killed"]
    except whoosh_index.LockError:
        return ["Whoosh's lock in the live generation still held after the kill"]
    return []


def generation_problems(root: Path, rebuilt: list[dict]) -> list[str]:
    """The live generation opens and is no older than the last acknowledged rebuild."""
    live = storage.current_dir(root)
    if live is None or not live.is_dir():
        return ["no live index generation after the kill"]
    try:
        whoosh_index.open_dir(str(live)).close()
    except (OSError, whoosh_index.EmptyIndexError) as exc:
        return [f"the live generation {live.name} does not open: {exc}"]
    if rebuilt and storage.read_meta(live).get("built_at", 0) < rebuilt[-1]["built_at"]:
        return [f"the acknowledged generation {rebuilt[-1]['generation']} was rolled back"]
    return []


def unexplained(report: IndexReport, kind: str, publishing: set[str]) -> list[str]:
    """Differences between index and database that a kill during `kind` cannot cause:
    none after a rebuild; only the document being published after a publish; only
    stale documents after an import (import-content leaves the index to reindex)."""
    off = set(report.missing) | set(report.stale) | set(report.unexpected)
    allowed = {"reindex": set(), "publish": publishing, "import": set(report.stale)}[kind]
    problems = sorted(off - allowed) + ([] if report.version_ok else ["analyzer version"])
    return [f"index off after a killed {kind}: {', '.join(problems)}"] if problems else []


def leftovers(root: Path, content: Path) -> dict[str, int]:
    """What killed writers leave behind: generations never swapped in (prune removes
    them after its grace time) and temporary files of atomic writes."""
    live = storage.current_name(root)
    return {
        "generations": sum(1 for p in root.glob("g-*") if p.name != live),
        "temp files": len(list(root.glob(".tmp-*")) + list(content.glob(".tmp-*"))),
    }
