"""Kill-and-recover rounds: start a writer, SIGKILL it at a random moment, check what survived.

After every kill (see checks.py):
  1. PRAGMA integrity_check says "ok" and PRAGMA foreign_key_check finds nothing;
  2. every write the child acknowledged is in the database (all of them again at the end);
  3. no lock is left behind: the next writer gets the index's locks at once;
  4. the live generation opens and is no older than the last acknowledged rebuild;
  5. the index differs from the database only where the kill explains it;
  6. recovery is `flask handbook reindex --if-needed`, after which `check-index` passes.
"""

from __future__ import annotations

import json
import os
import random
import select
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from handbook import migrate
from handbook.app import create_app
from handbook.app_db import get_db
from handbook.maintenance.sqlite import database_file
from handbook.search import indexer
from tests.conftest import TEST_CONTENT, import_folder
from tests.durability import checks, driver

ROOT = Path(__file__).resolve().parents[2]
KINDS = ("import", "publish", "reindex")
KILL_AFTER = (0.15, 1.0)  # seconds after the fork; a child starts writing after ~0.15 s
WAIT = 60.0


class DriverFailed(RuntimeError):
    """The writer died on its own or the server stopped answering: a bug, not a finding."""


@dataclass
class Tally:
    rounds: Counter = field(default_factory=Counter)
    mid_write: Counter = field(default_factory=Counter)
    landed: Counter = field(default_factory=Counter)
    acknowledged: Counter = field(default_factory=Counter)
    index_recoveries: Counter = field(default_factory=Counter)
    integrity_failures: int = 0
    unrecovered: int = 0
    lost_writes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    leftovers: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        def per_kind(counter: Counter) -> str:
            return ", ".join(f"{kind} {counter[kind]}" for kind in KINDS)

        def listed(counter: Counter) -> str:
            return ", ".join(f"{key} {value}" for key, value in sorted(counter.items()))

        return [
            f"kill-and-recover rounds: {sum(self.rounds.values())} ({per_kind(self.rounds)}) "
            f"in {self.seconds:.1f} s",
            f"kills landed mid-write: {sum(self.mid_write.values())} ({per_kind(self.mid_write)})",
            f"  where: {listed(self.landed)}",
            f"acknowledged writes checked: {sum(self.acknowledged.values())} ({listed(self.acknowledged)})",
            f"integrity failures: {self.integrity_failures} (must be 0)",
            f"lost acknowledged writes: {len(self.lost_writes)} (must be 0)",
            f"index recoveries needed: {sum(self.index_recoveries.values())} "
            f"({per_kind(self.index_recoveries)}); still off after reindex --if-needed: "
            f"{self.unrecovered} (must be 0)",
            f"left behind by killed writers: {listed(Counter(self.leftovers))}",
            f"other problems: {len(self.problems)} (must be 0)",
        ]

    @property
    def ok(self) -> bool:
        return not (self.integrity_failures or self.unrecovered or self.lost_writes or self.problems)


class Lines:
    """Lines from a pipe, with a timeout, no read-ahead hidden from select()."""

    def __init__(self, fd: int) -> None:
        self.fd, self.buffer = fd, b""

    def read(self, timeout: float) -> str | None:
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                return None
            chunk = os.read(self.fd, 4096)
            if not chunk:
                raise DriverFailed("the driver server exited")
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line.decode()


class Workspace:
    """An instance in workdir (library imported and indexed) and the driver server."""

    def __init__(self, workdir: Path) -> None:
        self.workdir, self.content = workdir, workdir / "content"
        shutil.copytree(TEST_CONTENT, self.content)
        shutil.copytree(TEST_CONTENT, workdir / driver.ORIGINALS)
        self.app = create_app(driver.instance_config(workdir))
        migrate.upgrade(self.app)
        assert not import_folder(self.app, self.content).problems
        self.root = Path(self.app.config["SEARCH_INDEX_DIR"])
        self.database = database_file(self.app.config["DATABASE_URL"])
        assert self.recover() == 0
        self.journal = workdir / driver.JOURNAL
        self.journal.touch()
        self.server = subprocess.Popen(
            [sys.executable, "-m", "tests.durability.driver", "serve", str(workdir)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        self.lines = Lines(self.server.stdout.fileno())
        self.child: int | None = None
        if self.answer() != "ready":
            raise DriverFailed("the driver server did not start")

    def close(self) -> None:
        if self.child is not None:  # a round failed half-way: stop its writer too
            os.kill(self.child, signal.SIGKILL)
        self.server.stdin.close()
        self.server.wait(timeout=WAIT)
        self.server.stdout.close()
        get_db(self.app).engine.dispose()

    def answer(self, timeout: float = WAIT) -> str:
        line = self.lines.read(timeout)
        if line is None:
            raise DriverFailed(f"no answer from the driver server in {timeout} s")
        return line

    def errors(self) -> str:
        log = self.workdir / driver.ERRORS
        return log.read_text(encoding="utf-8")[-4000:] if log.exists() else ""

    def records(self, offset: int = 0, pid: int | None = None) -> list[dict]:
        with open(self.journal, "rb") as handle:
            handle.seek(offset)
            lines = handle.read().decode().splitlines()
        return [r for r in map(json.loads, lines) if pid is None or r["pid"] == pid]

    def recover(self) -> int:
        """`reindex --if-needed`, then `check-index`; returns check-index's exit code."""
        runner = self.app.test_cli_runner()
        rebuilt = runner.invoke(args=["handbook", "reindex", "--if-needed"])
        assert rebuilt.exit_code == 0, rebuilt.output
        return runner.invoke(args=["handbook", "check-index"]).exit_code

    def kill_round(self, kind: str, rng: random.Random) -> list[dict]:
        """One child doing `kind`, SIGKILLed after a random delay; its journal records."""
        offset = self.journal.stat().st_size
        self.server.stdin.write(f"run {kind} {rng.randrange(2**31)}\n".encode())
        self.server.stdin.flush()
        pid = self.child = int(self.answer())
        early = self.lines.read(rng.uniform(*KILL_AFTER))
        if early is not None:
            self.child = None
            raise DriverFailed(f"the {kind} writer ended by itself ({early}):\n{self.errors()}")
        os.kill(pid, signal.SIGKILL)
        status = self.answer()
        self.child = None
        if status != f"exit -{signal.SIGKILL}":
            raise DriverFailed(f"the {kind} writer ended with {status}:\n{self.errors()}")
        return self.records(offset, pid)


def in_flight(records: list[dict]) -> list[dict]:
    """Writes begun and never acknowledged: the kill landed inside them."""
    acked = {(r["kind"], r["n"]) for r in records if r["event"] == "ack"}
    return [r for r in records if r["event"] == "begin" and (r["kind"], r["n"]) not in acked]


def check_round(space: Workspace, kind: str, records: list[dict], tally: Tally) -> None:
    tally.rounds[kind] += 1
    inside = in_flight(records)
    tally.mid_write[kind] += bool(inside)
    tally.landed.update(checks.landing(space.database, r, kind) for r in inside)
    damage = checks.database_problems(space.database)
    tally.integrity_failures += bool(damage)
    acks = [r for r in records if r["event"] == "ack"]
    tally.acknowledged.update(r["kind"] for r in acks)
    tally.lost_writes.extend(checks.lost(space.database, acks))
    rebuilt = [r for r in acks if r["kind"] == "reindex"]
    tally.problems.extend(
        damage + checks.lock_problems(space.root) + checks.generation_problems(space.root, rebuilt)
    )
    with space.app.app_context(), get_db(space.app).reads() as reader:
        report = indexer.check(reader, space.root)
    publishing = {r["slug"] for r in inside if r["kind"] == "publish"}
    tally.problems.extend(checks.unexplained(report, kind, publishing))
    tally.index_recoveries[kind] += not report.ok
    tally.unrecovered += space.recover() != 0


def run(workdir: Path, rounds: int, seed: int, progress=None) -> Tally:
    """`rounds` kill-and-recover rounds, the kinds in turn, in a seeded random order."""
    rng, tally, started = random.Random(seed), Tally(), time.perf_counter()
    order = [KINDS[i % len(KINDS)] for i in range(rounds)]
    rng.shuffle(order)
    space = Workspace(workdir)
    try:
        for number, kind in enumerate(order, 1):
            check_round(space, kind, space.kill_round(kind, rng), tally)
            if progress:
                progress(number, kind, tally)
        # Later rounds must not have undone earlier ones: every ack, once more.
        every_ack = [r for r in space.records() if r["event"] == "ack"]
        tally.lost_writes.extend(
            w for w in checks.lost(space.database, every_ack) if w not in tally.lost_writes
        )
        tally.leftovers = checks.leftovers(space.root, space.content)
    finally:
        space.close()
    tally.seconds = time.perf_counter() - started
    return tally
