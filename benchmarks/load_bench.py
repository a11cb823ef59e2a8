"""Five minutes of a realistic mix against gunicorn (2 workers) on loopback, with
SQLite and with PostgreSQL (issue 9): 70 % document reads, 20 % offline progress
batches, 8 % searches, 2 % report views, through the mobile API, as wrk drives it
with benchmarks/mixed_load.lua. Prints throughput, p50/p95/p99 and errors per
database, then counts the progress events stored against those sent.

HANDBOOK_LOAD_SECONDS shortens the run (default 300). The PostgreSQL pass uses
HANDBOOK_BENCH_POSTGRES_URL (a database this run may empty), by default the local
handbook_bench database; without a server it is reported as skipped."""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
import urllib.parse
from datetime import UTC, datetime

from sqlalchemy import create_engine, text

from benchmarks.api_bench import call, sign_in
from benchmarks.harness import (
    ROOT,
    USER_AGENT,
    flask_cli,
    gunicorn,
    machine,
    prepared_instance,
)

SECONDS = int(os.environ.get("HANDBOOK_LOAD_SECONDS", "300"))
POSTGRES_URL = os.environ.get(
    "HANDBOOK_BENCH_POSTGRES_URL", "postgresql+psycopg://handbook:handbook@127.0.0.1:5432/handbook_bench"
)
EVENTS_PER_BATCH = 10
QUERIES = (
    "dang vien khong duoc lam",
    "nghị quyết 35",
    "sinh hoạt chi bộ",
    "mang xa hoi",
    "35-NQ/TW",
    "kỷ luật đảng viên",
    "bao ve nen tang tu tuong",
    "kiem tra giam sat",
)
DOCUMENTS = 12


def lua_value(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"[{lua_value(k)}] = {lua_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "{" + ", ".join(lua_value(v) for v in value) + "}"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value)  # a JSON string is a valid Lua string literal here


def run_config(base: str) -> dict:
    member, committee = (sign_in(base, name, "load") for name in ("demo.member", "demo.committee"))
    _, _, body = call(base, "GET", f"/api/v1/documents?per_page={DOCUMENTS}", token=member)
    documents = []
    for item in json.loads(body)["items"]:
        _, _, doc = call(base, "GET", f"/api/v1/documents/{item['slug']}", token=member)
        anchors = [s["anchor"] for s in json.loads(doc)["sections"]]
        if anchors:
            documents.append({"slug": item["slug"], "anchors": anchors})
    _, _, scope = call(base, "GET", "/api/v1/reports", token=committee)
    unit = json.loads(scope)["units"][0]["unit"]["id"]
    return {
        "member": member,
        "committee": committee,
        "agent": USER_AGENT,
        "documents": documents,
        "queries": [urllib.parse.quote(q) for q in QUERIES],
        "report": f"/api/v1/reports/units/{unit}",
        "events_per_batch": EVENTS_PER_BATCH,
        "now": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def drive(base: str, seconds: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as config:
        config.write("return " + lua_value(run_config(base)) + "\n")
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t2",
                "-c16",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                str(ROOT / "benchmarks" / "mixed_load.lua"),
                base,
            ],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "HANDBOOK_LOAD_CONFIG": config.name},
        ).stdout
    finally:
        os.unlink(config.name)
    found = dict(re.findall(r"(\w+)=(\d+)", out.split("RESULT", 1)[1]))
    return {k: int(v) for k, v in found.items()}


def stored_events(url: str) -> tuple[int, int]:
    engine = create_engine(url)
    with engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT count(*), count(DISTINCT client_event_id) FROM reading_events "
                "WHERE client_event_id LIKE 'load-%'"
            )
        ).one()
    engine.dispose()
    return row[0], row[1]


def empty_postgres(url: str) -> bool:
    try:
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
        return True
    except Exception as error:  # no server, no database, no rights: say so and go on
        print(f"PostgreSQL pass skipped: {type(error).__name__}: {str(error).splitlines()[0]}")
        return False


def measure(label: str, database_url: str | None) -> None:
    overrides = {"HANDBOOK_DATABASE_URL": database_url} if database_url else {}
    with prepared_instance(env_overrides=overrides) as env, gunicorn("wsgi:app", env) as base:
        flask_cli(env, "demo-campaign")
        result = drive(base, SECONDS)
        stored, distinct = stored_events(env["HANDBOOK_DATABASE_URL"])
    seconds = result["duration_us"] / 1e6
    errors = result["status_errors"] + result["socket_errors"]
    print(
        f"{label:<11}{result['requests'] / seconds:>8.0f}{result['p50_us'] / 1000:>9.1f}"
        f"{result['p95_us'] / 1000:>9.1f}{result['p99_us'] / 1000:>9.1f}"
        f"{result['max_us'] / 1000:>9.0f}{result['requests']:>10}{errors:>8}"
        f"{result['events_made']:>8}{stored:>8}{stored - distinct:>6}"
    )


def main() -> None:
    print(f"# Mixed load, {SECONDS} s per database, gunicorn 2 workers, wrk 16 connections — {machine()}")
    print("70 % document JSON, 20 % progress batches of 10 events, 8 % search, 2 % roll-up;")
    print(
        "events: made by wrk (the last batches may still be in flight when it stops), "
        "stored once each, duplicates"
    )
    print(
        f"{'database':<11}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}"
        f"{'requests':>10}{'errors':>8}{'made':>8}{'stored':>8}{'dups':>6}"
    )
    measure("SQLite", None)
    if empty_postgres(POSTGRES_URL):
        measure("PostgreSQL", POSTGRES_URL)


if __name__ == "__main__":
    main()
