"""Participation reports (issue 6) on SQLite, small demo beside the province, each with
a generated history (`demo-history`: 1,000,000 events at least at province scale,
the same per member at small).

Measured in-process with the Flask test client, logged in through the login form:
the cell grid as demo.secretary, the province roll-up and the XLSX export of the
whole province as demo.admin. Targets: grid p95 ≤ 50 ms, roll-up p95 ≤ 1 s,
XLSX ≤ 10 s. A page that answers 404 is not built yet: said so, not failed."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from benchmarks.harness import (
    DEMO_PASSWORD,
    USER_AGENT,
    database_file,
    flask_cli,
    history_events,
    machine,
    prepared_instance,
)

GRID_REQUESTS, ROLLUP_REQUESTS, EXPORTS = 30, 10, 2
TARGETS_MS = {
    "grid": 50,
    "rollup": 1000,
    "rollup, all campaigns": 1000,
    "rollup, all campaigns, served": 1000,
    "xlsx": 10_000,
}


@dataclass
class Figure:
    """Latencies (ms) of one page, or the status that stopped it."""

    samples: list[float] = field(default_factory=list)
    status: int = 200
    size: int = 0

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.samples)

    def p(self, q: float) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


@dataclass
class Run:
    scale: str
    events: int = 0
    history_line: str = ""
    history_s: float = 0.0
    db_mb: float = 0.0
    figures: dict[str, Figure] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)


def _app(env: dict):
    from handbook.app import create_app

    return create_app(
        {
            "ENV_NAME": "development",
            "DATABASE_URL": env["HANDBOOK_DATABASE_URL"],
            "SEARCH_INDEX_DIR": env["HANDBOOK_SEARCH_INDEX_DIR"],
        }
    )


def _login(app, username: str):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    page = client.get("/dang-nhap").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = client.post(
        "/dang-nhap", data={"csrf_token": token, "ten_dang_nhap": username, "mat_khau": DEMO_PASSWORD}
    )
    if answer.status_code != 302:
        raise RuntimeError(f"login as {username} failed ({answer.status_code})")
    return client


def _ids(app) -> tuple[int, int, list[int]]:
    """(demo.secretary's cell, the province root, the generated campaigns)."""
    from sqlalchemy import select

    from handbook.accounts.demo import ROOT_CODE
    from handbook.accounts.models import RoleGrant, Unit, User
    from handbook.app_db import get_db
    from handbook.study.history import TITLES
    from handbook.study.models import Campaign

    with app.app_context(), get_db(app).sessions() as s:
        cell = s.scalar(
            select(RoleGrant.unit_id)
            .join(User, User.id == RoleGrant.user_id)
            .where(User.username == "demo.secretary")
        )
        root = s.scalar(select(Unit.id).where(Unit.code == ROOT_CODE))
        found = list(s.scalars(select(Campaign.id).where(Campaign.title.in_(TITLES)).order_by(Campaign.id)))
    return cell, root, found


def rows(app) -> dict[str, int]:
    """How much data the pages read: members, reading events, section reads, completions."""
    from sqlalchemy import func, select

    from handbook.accounts.models import Membership
    from handbook.app_db import get_db
    from handbook.study.models import Completion, ReadingEvent, SectionRead

    tables = {
        "memberships": Membership,
        "events": ReadingEvent,
        "section reads": SectionRead,
        "completions": Completion,
    }
    with app.app_context(), get_db(app).sessions() as s:
        return {name: s.scalar(select(func.count()).select_from(model)) for name, model in tables.items()}


def measure(client, urls: list[str], count: int) -> Figure:
    """count timed GETs cycling over urls, after one untimed warm-up of each."""
    figure = Figure()
    for url in urls:
        answer = client.get(url)
        if answer.status_code != 200:
            figure.status = answer.status_code
            return figure
    for i in range(count):
        started = time.perf_counter()
        answer = client.get(urls[i % len(urls)])
        figure.size = len(answer.get_data())
        figure.samples.append((time.perf_counter() - started) * 1000)
    return figure


def export(client, url: str) -> Figure:
    figure = Figure()
    for _ in range(EXPORTS):
        started = time.perf_counter()
        answer = client.get(url)
        data = answer.get_data()
        if answer.status_code != 200 or not data.startswith(b"PK"):
            figure.status = answer.status_code if answer.status_code != 200 else 415
            return figure
        figure.samples.append((time.perf_counter() - started) * 1000)
        figure.size = len(data)
    return figure


def pages(app) -> dict[str, Figure]:
    """Roll-ups are measured as computed (figures cache off) and, across campaigns, also
    as served (the figures cache on, after one computation)."""
    from handbook.reports.cache import FiguresCache

    cell, root, found = _ids(app)
    secretary, admin = _login(app, "demo.secretary"), _login(app, "demo.admin")
    figures = {"grid": measure(secretary, [f"/bao-cao/chi-bo/{cell}/dot/{c}" for c in found], GRID_REQUESTS)}
    app.extensions["reports.figures"] = FiguresCache(0)
    figures["rollup"] = measure(admin, [f"/bao-cao/don-vi/{root}?dot={c}" for c in found], ROLLUP_REQUESTS)
    figures["rollup, all campaigns"] = measure(admin, [f"/bao-cao/don-vi/{root}"], 3)
    app.extensions["reports.figures"] = FiguresCache(app.config["REPORT_CACHE_SECONDS"])
    figures["rollup, all campaigns, served"] = measure(admin, [f"/bao-cao/don-vi/{root}"], ROLLUP_REQUESTS)
    figures["xlsx"] = export(admin, f"/bao-cao/don-vi/{root}/dot/{found[-1]}.xlsx")
    figures["/hoc-tap (demo.secretary)"] = measure(secretary, ["/hoc-tap"], GRID_REQUESTS)
    return figures


def run(scale: str, members: int) -> Run:
    from handbook.app_db import get_db

    result = Run(scale, history_events(members))
    with prepared_instance(scale) as env:
        started = time.perf_counter()
        result.history_line = flask_cli(env, "demo-history", "--events", str(result.events)).strip()
        result.history_s = time.perf_counter() - started
        database = database_file(env)
        result.db_mb = sum(p.stat().st_size for p in database.parent.glob(database.name + "*")) / 1e6
        app = _app(env)
        result.rows = rows(app)
        result.figures = pages(app)
        get_db(app).engine.dispose()
    return result


def _cell(figure: Figure, quantile: float) -> str:
    if figure.status == 404:
        return "404 (not built yet)"
    if not figure.ok:
        return f"HTTP {figure.status}"
    return f"{figure.p(quantile):.1f}"


def report(runs: list[Run]) -> None:
    small, big = runs
    for r in runs:
        print(
            f"{r.scale}: demo-history {r.history_s:.1f} s wall, database {r.db_mb:.0f} MB — {r.history_line}"
        )
    print(
        f"\n{'page (ms)':32} {'small p50':>12} {'p95':>10} {'province p50':>14} {'p95':>10} "
        f"{'growth p95':>11}"
    )
    for name, figure in small.figures.items():
        other = big.figures[name]
        growth = f"{other.p(0.95) / figure.p(0.95):.1f}×" if figure.ok and other.ok else "–"
        print(
            f"{name:32} {_cell(figure, 0.5):>12} {_cell(figure, 0.95):>10} "
            f"{_cell(other, 0.5):>14} {_cell(other, 0.95):>10} {growth:>11}"
        )
    print(
        "data rows: "
        + ", ".join(
            f"{name} {small.rows[name]:,} → {big.rows[name]:,} ({big.rows[name] / small.rows[name]:.0f}×)"
            for name in small.rows
        )
    )
    for r in runs:
        xlsx = r.figures["xlsx"]
        if xlsx.ok:
            print(
                f"{r.scale}: XLSX of the whole province {xlsx.size / 1e6:.2f} MB, "
                f"{' / '.join(f'{s / 1000:.2f} s' for s in xlsx.samples)}"
            )
    targets(big)


def targets(big: Run) -> None:
    print("\ntargets at province scale (issue 6):")
    for name, label, quantile in (
        ("grid", "cell grid p95 ≤ 50 ms", 0.95),
        ("rollup", "province roll-up, one campaign, p95 ≤ 1 s", 0.95),
        ("rollup, all campaigns", "… across campaigns, computed", 0.95),
        ("rollup, all campaigns, served", "… across campaigns, served", 0.95),
        ("xlsx", "XLSX of the whole province ≤ 10 s", 1.0),
    ):
        figure = big.figures[name]
        if not figure.ok:
            print(f"  {label}: not measured ({_cell(figure, quantile)})")
            continue
        value = figure.p(quantile)
        verdict = "pass" if value <= TARGETS_MS[name] else "FAIL"
        print(f"  {label}: {value:.1f} ms — {verdict}")


def main() -> None:
    from handbook.accounts.demo import SCALES

    print(f"# Reports benchmark — {machine()}")
    report([run(scale, SCALES[scale].members) for scale in ("small", "province")])


if __name__ == "__main__":
    main()
