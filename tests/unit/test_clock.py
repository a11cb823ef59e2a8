"""The one clock: UTC for storage, Vietnam wall-clock time for people, one way in."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from handbook import clock
from handbook.clock import VIETNAM, as_utc, utcnow, vietnam_date, vietnam_time

ROOT = Path(__file__).resolve().parents[2]
CLOCK_NAMES = {"utcnow", "as_utc", "VIETNAM", "_VIETNAM"}
NEW_YEAR = datetime(2026, 12, 31, 17, 30, tzinfo=UTC)  # 00:30 on 1 January 2027 in Vietnam


def test_utcnow_is_aware_utc():
    now = utcnow()
    assert now.utcoffset() == timedelta(0)
    assert abs(now - datetime.now(UTC)) < timedelta(seconds=5)


def test_as_utc_reads_naive_values_as_utc_and_keeps_aware_ones():
    assert as_utc(datetime(2027, 1, 1, 8, 0)) == datetime(2027, 1, 1, 8, 0, tzinfo=UTC)
    aware = datetime(2027, 1, 1, 8, 0, tzinfo=VIETNAM)
    assert as_utc(aware) is aware
    assert as_utc(None) is None


def test_vietnam_is_seven_hours_ahead_all_year():
    assert VIETNAM.utcoffset(None) == timedelta(hours=7)
    assert VIETNAM.tzname(None) == "ICT"


def test_vietnam_time_moves_a_stored_time_to_vietnam():
    assert vietnam_time(NEW_YEAR) == "00:30 01/01/2027"
    assert vietnam_time(NEW_YEAR.replace(tzinfo=None)) == "00:30 01/01/2027"  # as SQLite returns it
    assert vietnam_time(None) == ""


def test_vietnam_date_is_day_month_year():
    assert vietnam_date(date(2027, 1, 1)) == "01/01/2027"
    assert vietnam_date(None) == ""


def test_a_stored_time_is_dated_by_its_day_in_vietnam():
    """A member who completed a document at 06:00 on 1 January in Vietnam (23:00 UTC on
    31 December) sees 01/01, not the day before."""
    late = datetime(2026, 12, 31, 23, 0, tzinfo=UTC)
    assert vietnam_date(late) == "01/01/2027"
    assert vietnam_date(late.replace(tzinfo=None)) == "01/01/2027"  # SQLite's naive UTC


def test_templates_get_one_gio_and_one_ngay(app):
    assert app.jinja_env.filters["gio"] is clock.vietnam_time
    assert app.jinja_env.filters["ngay"] is clock.vietnam_date
    page = app.jinja_env.from_string("{{ t | gio }} · {{ d | ngay }} · [{{ none | gio }}]")
    assert page.render(t=NEW_YEAR, d=date(2027, 1, 1), none=None) == "00:30 01/01/2027 · 01/01/2027 · []"


def _python_files(*folders: str):
    for folder in folders:
        yield from (ROOT / folder).rglob("*.py")


def test_the_clock_stands_on_the_standard_library_alone():
    tree = ast.parse((ROOT / "handbook" / "clock.py").read_text(encoding="utf-8"))
    imported = {node.module for node in tree.body if isinstance(node, ast.ImportFrom)}
    assert imported == {"__future__", "datetime"}
    assert not any(isinstance(node, ast.Import) for node in tree.body)


def test_only_the_clock_module_defines_the_clock():
    for path in _python_files("handbook"):
        if path == ROOT / "handbook" / "clock.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                defined = {node.name}
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                defined = {t.id for t in targets if isinstance(t, ast.Name)}
            else:
                continue
            assert not defined & CLOCK_NAMES, f"{path.relative_to(ROOT)} defines {defined & CLOCK_NAMES}"


def test_the_clock_is_imported_from_handbook_clock_only():
    for path in _python_files("handbook", "tests", "benchmarks", "migrations"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module != "handbook.clock":
                names = {alias.name for alias in node.names} & CLOCK_NAMES
                assert not names, f"{path.relative_to(ROOT)} imports {names} from {node.module}"
