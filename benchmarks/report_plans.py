"""Query plans of the report pages on SQLite and on PostgreSQL (issue 9): every SQL
statement the cell grid (demo.secretary) and the province roll-up (demo.admin) run,
captured in-process, then explained on the same database after ANALYZE, with the
tables each plan reads without an index. A roll-up of a whole province has to read
every membership and completion once; a cell grid must not.

Plans depend on the data: the demo province (39,509 members) by default
(HANDBOOK_PLAN_SCALE=small for a quick look); HANDBOOK_PLAN_EVENTS sets the generated
history (default 200,000 reading events)."""

from __future__ import annotations

import os
import re

from sqlalchemy import event, text

from benchmarks.harness import flask_cli, machine, prepared_instance
from benchmarks.load_bench import POSTGRES_URL, empty_postgres
from benchmarks.reports_bench import _app, _login

EVENTS = int(os.environ.get("HANDBOOK_PLAN_EVENTS", "200000"))
SCALE = os.environ.get("HANDBOOK_PLAN_SCALE", "province")
BIG_TABLES = ("reading_events", "section_reads", "completions", "memberships", "users")


def captured(app, client, path: str) -> list[tuple[str, object]]:
    """The SELECTs a page runs, with their parameters."""
    engine = app.extensions["handbook.db"].engine
    seen: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(path).status_code == 200, path
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def explain(app, statement: str, parameters) -> list[str]:
    engine = app.extensions["handbook.db"].engine
    postgres = engine.dialect.name == "postgresql"
    prefix = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(prefix + statement, parameters).all()
    return [row[0] if postgres else row[-1] for row in rows]


def unindexed(plan: list[str]) -> set[str]:
    found = set()
    for line in plan:
        for table in BIG_TABLES:
            if re.search(rf"\bSeq Scan on {table}\b", line) or re.search(
                rf"\bSCAN {table}\b(?!.*INDEX)", line
            ):
                found.add(table)
    return found


def report(label: str, database_url: str | None) -> None:
    overrides = {"HANDBOOK_DATABASE_URL": database_url} if database_url else {}
    with prepared_instance(SCALE, env_overrides=overrides) as env:
        flask_cli(env, "demo-history", "--events", str(EVENTS))
        app = _app(env)  # no app context held: each request must push its own
        with app.extensions["handbook.db"].engine.begin() as connection:
            connection.execute(text("ANALYZE"))
        secretary, admin = _login(app, "demo.secretary"), _login(app, "demo.admin")
        grid = re.search(
            r'href="(/bao-cao/chi-bo/\d+/dot/\d+)"', secretary.get("/bao-cao").get_data(as_text=True)
        ).group(1)
        unit = re.search(r'href="(/bao-cao/don-vi/\d+)"', admin.get("/bao-cao").get_data(as_text=True)).group(
            1
        )
        pages = {"cell grid": (secretary, grid), "province roll-up": (admin, unit)}
        print(f"\n## {label}, demo {SCALE}, {EVENTS:,} reading events generated")
        for name, (client, path) in pages.items():
            statements = captured(app, client, path)
            print(f"\n### {name} ({path}): {len(statements)} SELECTs")
            for i, (statement, parameters) in enumerate(statements, 1):
                plan = explain(app, statement, parameters)
                scans = unindexed(plan)
                print(f"[{i}] {' '.join(statement.split())[:110]}…")
                print("    without an index: " + (", ".join(sorted(scans)) or "none"))
                for line in plan:
                    print("    | " + line)
        app.extensions["handbook.db"].engine.dispose()


def main() -> None:
    print(f"# Report query plans — {machine()}")
    report("SQLite", None)
    if empty_postgres(POSTGRES_URL):
        report("PostgreSQL", POSTGRES_URL)


if __name__ == "__main__":
    main()
