"""Durability (issue 5): SIGKILL a real writer process in the middle of content imports,
publishes and index rebuilds, round after round, and count what survived. The same
rounds as tests/durability/test_sigkill.py, many more of them.

    python -m benchmarks.durability_bench [--rounds 200] [--seed 1]

Prints rounds per kind, kills landed mid-write (and where), integrity failures (must
be 0), lost acknowledged writes (must be 0), index recoveries needed; exits 1 on any
failure."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from benchmarks.harness import machine
from tests.durability import crashloop


def _progress(number: int, _kind: str, tally: crashloop.Tally) -> None:
    if number % 25 == 0:
        failures = tally.integrity_failures + len(tally.lost_writes) + len(tally.problems)
        print(f"  {number} rounds done, failures so far: {failures}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    for key in [k for k in os.environ if k.startswith("HANDBOOK_")]:
        del os.environ[key]  # the instance is configured in full by the rounds themselves
    workdir = Path(tempfile.mkdtemp(prefix="handbook-durability-"))
    print(f"Durability: {args.rounds} kill-and-recover rounds, seed {args.seed}; {machine()}")
    try:
        tally = crashloop.run(workdir, args.rounds, args.seed, _progress)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    for line in tally.lines():
        print(line)
    for problem in (tally.problems + tally.lost_writes)[:20]:
        print(f"  PROBLEM {problem}")
    print("RESULT:", "PASS" if tally.ok else "FAIL")
    return 0 if tally.ok else 1


if __name__ == "__main__":
    sys.exit(main())
