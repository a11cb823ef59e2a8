"""The writer that the durability tests kill: `python -m tests.durability.driver serve WORKDIR`.

The server process imports the application once and then, for each line
`run KIND SEED` on stdin, forks a child that loops doing one kind of write against
the instance in WORKDIR until it is killed. It says `ready` once, then answers with the child's pid, then
with `exit CODE` once the child is gone (-9 after SIGKILL). The server never opens
the database, so no SQLite connection crosses a fork.

Each child appends to WORKDIR/journal.jsonl a `begin` record before a write and an
`ack` record only after the write has returned, i.e. after its commit: an ack is
a promise the parent checks after the kill.

Kinds:
  import   rewrite one Markdown file, `flask handbook import-content`, then
           `flask handbook reindex --if-needed` (what a deployment runs)
  publish  publish a new revision of a document, or a new document, through the
           editor service (database transaction, then the index update)
  reindex  `flask handbook reindex` (full rebuild into a new generation, then swap)
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import sys
import time
import traceback
from pathlib import Path

from handbook.accounts.audit import Actor
from handbook.app import create_app
from handbook.app_db import get_db
from handbook.editor import drafting, publishing, workflow
from handbook.fsutil import atomic_write_text
from handbook.search import storage
from tests.conftest import app_config
from tests.factories import editor_form

JOURNAL = "journal.jsonl"
ERRORS = "driver-errors.log"
ORIGINALS = "originals"
ACTOR = Actor.system("kiem-thu-ben-vung")
# A child the parent forgot (the parent itself was killed) stops by itself after this.
LIFETIME = 60.0
_MARKER = re.compile(r"\n\nĐoạn (?:nhập|xuất bản) thử \w+\.\n$")


def instance_config(workdir: Path) -> dict:
    """The one configuration the parent and every child use."""
    return app_config(workdir, workdir / "content", CONTENT_CACHE_TTL=0)


class Journal:
    """Append-only records, one write() each, so a kill never leaves half a line."""

    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        self.pid = os.getpid()

    def write(self, event: str, kind: str, number: int, **fields) -> None:
        record = {
            "event": event,
            "kind": kind,
            "pid": self.pid,
            "n": number,
            "t": round(time.time(), 4),
            **fields,
        }
        os.write(self.fd, (json.dumps(record, ensure_ascii=False) + "\n").encode())


def numbers():
    """0, 1, 2… for as long as the child may live."""
    deadline = time.monotonic() + LIFETIME
    yield from itertools.takewhile(lambda _n: time.monotonic() < deadline, itertools.count())


def _invoke(runner, *args: str) -> None:
    result = runner.invoke(args=["handbook", *args])
    if result.exit_code != 0:
        raise RuntimeError(f"flask handbook {' '.join(args)} failed: {result.output}")


def _generation_ack(journal: Journal, number: int, root: Path) -> None:
    generation = storage.current_dir(root)
    journal.write(
        "ack",
        "reindex",
        number,
        generation=generation.name,
        built_at=storage.read_meta(generation)["built_at"],
    )


def imports(app, workdir: Path, journal: Journal, rng: random.Random) -> None:
    folder, originals = Path(app.config["CONTENT_DIR"]), sorted((workdir / ORIGINALS).glob("*.md"))
    root, runner = Path(app.config["SEARCH_INDEX_DIR"]), app.test_cli_runner()
    for number in numbers():
        original = rng.choice(originals)
        token = f"nhap{journal.pid}x{number}"
        text = original.read_text(encoding="utf-8").rstrip("\n") + f"\n\nĐoạn nhập thử {token}.\n"
        atomic_write_text(folder / original.name, text)
        journal.write("begin", "import", number, slug=original.stem, token=token)
        # The files are this driver's authority, while other processes publish edits.
        _invoke(runner, "import-content", "--overwrite-app-edits")
        journal.write("ack", "import", number, slug=original.stem, token=token)
        journal.write("begin", "reindex", number)
        _invoke(runner, "reindex", "--if-needed")
        _generation_ack(journal, number, root)


def _base36(token: str) -> str:
    """Up to six characters, distinct for every (pid, number) of one run."""
    pid, number = (int(part) for part in token.removeprefix("xb").split("x"))
    value, digits = (pid % 100_000) * 10_000 + number % 10_000, ""
    while True:
        value, rest = divmod(value, 36)
        digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[rest] + digits
        if not value:
            return digits


def _next_form(reader, slugs: list[str], rng: random.Random, token: str):
    """A new revision of one of the library's documents, now and then a new document."""
    if rng.random() < 0.25:
        return editor_form(
            slug=f"ket-luan-thu-{token}",
            so_hieu=f"{_base36(token)}-KL/TW",
            noi_dung=f"Mở đầu.\n\n## Phần I. Nội dung\n\nKết luận thử {token}.\n",
        )
    form = drafting.from_document(workflow.get(reader, rng.choice(slugs)))
    form.body = _MARKER.sub("\n", form.body).rstrip("\n") + f"\n\nĐoạn xuất bản thử {token}.\n"
    return form


def publishes(app, workdir: Path, journal: Journal, rng: random.Random) -> None:
    db, root = get_db(app), Path(app.config["SEARCH_INDEX_DIR"])
    slugs = sorted(p.stem for p in (workdir / ORIGINALS).glob("*.md"))
    for number in numbers():
        token = f"xb{journal.pid}x{number}"
        with db.reads() as reader:
            form = _next_form(reader, slugs, rng, token)
        journal.write("begin", "publish", number, slug=form.slug, token=token)
        outcome = publishing.publish(db, root, ACTOR, form)
        journal.write("ack", "publish", number, slug=form.slug, token=token, revision=outcome.revision)


def reindexes(app, _workdir: Path, journal: Journal, _rng: random.Random) -> None:
    root, runner = Path(app.config["SEARCH_INDEX_DIR"]), app.test_cli_runner()
    for number in numbers():
        journal.write("begin", "reindex", number)
        _invoke(runner, "reindex")
        _generation_ack(journal, number, root)


KINDS = {"import": imports, "publish": publishes, "reindex": reindexes}


def run(kind: str, workdir: Path, seed: int) -> None:
    """The child: loop writes of `kind` until killed."""
    app = create_app(instance_config(workdir))
    with app.app_context():
        KINDS[kind](app, workdir, Journal(workdir / JOURNAL), random.Random(seed))


def _child(kind: str, workdir: Path, seed: int) -> None:
    log = os.open(workdir / ERRORS, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    try:
        run(kind, workdir, seed)
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
        os._exit(70)
    os._exit(0)


def serve(workdir: Path) -> None:
    # Import everything the children use once, here: an app is made and dropped
    # without ever connecting to the database.
    create_app(instance_config(workdir))
    print("ready", flush=True)
    for line in sys.stdin:
        _command, kind, seed = line.split()
        pid = os.fork()
        if pid == 0:
            _child(kind, workdir, int(seed))
        print(pid, flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"exit {os.waitstatus_to_exitcode(status)}", flush=True)


if __name__ == "__main__":
    serve(Path(sys.argv[2]))
