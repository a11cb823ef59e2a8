"""Reading-progress ingestion under gunicorn (2 workers, SQLite) with 32 concurrent
members, every event sent twice (the resend reordered, one batch later).

Target (issue 5): ≥ 1,000 events accepted per second, and after the run the
database holds every event exactly once and credits exactly what was sent."""

from __future__ import annotations

import http.client
import json
import random
import re
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode, urlsplit

from sqlalchemy import func, select

from benchmarks.harness import gunicorn, machine, prepared_instance

CLIENTS = 32
BATCHES = 40  # new batches per client; each is sent again one batch later
BATCH_SIZE = 20
DOCUMENTS = ("nghi-quyet-35-nq-tw", "quy-dinh-37-qd-tw", "dieu-le-dang")
PASSWORD = "Đo tốc độ ghi tiến độ học tập 2026"


@dataclass
class Member:
    username: str
    user_id: int
    events: list[dict] = field(default_factory=list)
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    failures: list[str] = field(default_factory=list)


def _bench_app(env: dict):
    from handbook.app import create_app

    return create_app(
        {
            "ENV_NAME": "development",
            "DATABASE_URL": env["HANDBOOK_DATABASE_URL"],
            "SEARCH_INDEX_DIR": env["HANDBOOK_SEARCH_INDEX_DIR"],
        }
    )


def create_members(env: dict) -> tuple[list[Member], dict[str, list[str]]]:
    """32 members of one cell, and the section anchors of each benchmark document."""
    from handbook.accounts import members, units, users, web
    from handbook.accounts.audit import Actor
    from handbook.accounts.vocabulary import CELL, GRASSROOTS_COMMITTEE, PROVINCE
    from handbook.app_db import get_db
    from handbook.study import documents

    app, actor = _bench_app(env), Actor.system("bench")
    with app.app_context(), get_db(app).transaction() as tx:
        province = units.create_unit(tx, actor, "BENCH", "Tỉnh ủy đo", PROVINCE, None)
        base = units.create_unit(tx, actor, "BENCH-CS", "Đảng bộ đo", GRASSROOTS_COMMITTEE, province.id)
        cell = units.create_unit(tx, actor, "BENCH-CB", "Chi bộ đo", CELL, base.id)
        hashed = web.passwords().hash(PASSWORD)
        made = []
        for i in range(CLIENTS):
            user = users.create_user(
                tx, actor, f"do.toc.do{i:02d}", f"Đảng viên đo {i}", password_hash=hashed
            )
            members.place(tx, actor, user.id, cell.id)
            made.append(Member(user.username, user.id))
        anchors = {slug: sorted(documents.load(tx, slug).required) for slug in DOCUMENTS}
        _publish_long_ago(tx)
    get_db(app).engine.dispose()
    return made, anchors


def _publish_long_ago(tx) -> None:
    """Credit is bounded by real time: a member's day of reading must lie after the
    documents existed, so the library is moved a month back."""
    from handbook.clock import as_utc
    from handbook.content import versioning
    from handbook.content.models import Revision

    for revision in tx.scalars(select(Revision)):
        revision.created_at = as_utc(revision.created_at) - timedelta(days=30)
    versioning.bump(tx)


class Session:
    """One member's browser: a cookie, the CSRF token of the reading page."""

    def __init__(self, base: str) -> None:
        self.host = urlsplit(base).netloc
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection(self.host, timeout=60)
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **(headers or {})}
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        data = response.read()
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        conn.close()
        return response.status, data

    def login(self, username: str) -> None:
        _, page = self.request("GET", "/dang-nhap")
        token = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
        form = urlencode({"ten_dang_nhap": username, "mat_khau": PASSWORD, "csrf_token": token})
        status, _ = self.request(
            "POST", "/dang-nhap", form.encode(), {"Content-Type": "application/x-www-form-urlencoded"}
        )
        _, page = self.request("GET", f"/van-ban/{DOCUMENTS[0]}")
        found = re.search(rb'data-csrf="([^"]+)"', page)
        if status != 302 or not found:
            raise RuntimeError(f"login failed for {username}")
        self.csrf = found.group(1).decode()

    def post_batch(self, events: list[dict]) -> tuple[int, dict]:
        status, data = self.request(
            "POST",
            "/hoc-tap/tien-do",
            json.dumps({"events": events}).encode(),
            {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": self.csrf},
        )
        return status, json.loads(data) if status == 200 else {}


def plan_batches(member: Member, anchors: dict[str, list[str]], rng: random.Random) -> list[list[dict]]:
    """New batches interleaved with the previous batch sent again in reverse order;
    the events follow one another on the member's time line, the last ending now."""
    seconds = [rng.randint(1, 200) for _ in range(BATCHES * BATCH_SIZE)]
    ends = datetime.now(UTC) - timedelta(seconds=sum(seconds))
    fresh = []
    for b in range(BATCHES):
        batch = []
        for n in seconds[b * BATCH_SIZE : (b + 1) * BATCH_SIZE]:
            slug = rng.choice(DOCUMENTS)
            ends += timedelta(seconds=n)
            batch.append(
                {
                    "id": str(uuid.uuid4()),
                    "document": slug,
                    "anchor": rng.choice(anchors[slug]),
                    "seconds": n,
                    "occurred_at": ends.isoformat(),
                }
            )
        fresh.append(batch)
        member.events.extend(batch)
    order = []
    for i, batch in enumerate(fresh):
        order.append(batch)
        if i:
            order.append(list(reversed(fresh[i - 1])))
    order.append(list(reversed(fresh[-1])))
    return order


def run_member(base: str, member: Member, batches: list[list[dict]], start: threading.Barrier) -> None:
    session = Session(base)
    session.login(member.username)
    start.wait()
    for batch in batches:
        status, data = session.post_batch(batch)
        if status != 200:
            member.failures.append(str(status))
            continue
        member.accepted += len(data["accepted"])
        member.duplicates += len(data["duplicates"])
        member.rejected += len(data["rejected"])


def verify(env: dict, made: list[Member]) -> dict:
    """Count what the database holds against what the clients sent."""
    from handbook.app_db import get_db
    from handbook.study.models import ReadingEvent, SectionRead
    from handbook.study.reading import credit

    app = _bench_app(env)
    expected: dict[tuple, int] = defaultdict(int)
    for m in made:
        for e in m.events:
            expected[(m.user_id, e["document"], e["anchor"])] += credit(e["seconds"])
    with app.app_context(), get_db(app).transaction() as tx:
        stored = tx.scalar(select(func.count()).select_from(ReadingEvent))
        distinct = tx.scalar(select(func.count(func.distinct(ReadingEvent.client_event_id))))
        from handbook.content.models import Document

        slugs = dict(tx.execute(select(Document.id, Document.slug)).all())
        credited = {
            (r.user_id, slugs[r.document_id], r.anchor): r.seconds for r in tx.scalars(select(SectionRead))
        }
    get_db(app).engine.dispose()
    return {
        "stored": stored,
        "distinct": distinct,
        "credit_mismatches": sum(
            1 for k in expected.keys() | credited.keys() if expected.get(k) != credited.get(k)
        ),
    }


def main() -> None:
    print(f"# Study ingestion benchmark — {machine()}")
    rng = random.Random(5)
    with prepared_instance() as env:
        made, anchors = create_members(env)
        plans = [plan_batches(m, anchors, rng) for m in made]
        with gunicorn("wsgi:app", env) as base:
            start = threading.Barrier(CLIENTS + 1)
            threads = [
                threading.Thread(target=run_member, args=(base, m, p, start))
                for m, p in zip(made, plans, strict=True)
            ]
            for t in threads:
                t.start()
            start.wait()
            began = time.perf_counter()
            for t in threads:
                t.join()
            seconds = time.perf_counter() - began
        counts = verify(env, made)
    report(made, seconds, counts)


def report(made: list[Member], seconds: float, counts: dict) -> None:
    unique = sum(len(m.events) for m in made)
    accepted = sum(m.accepted for m in made)
    requests = sum(2 * BATCHES for _ in made)
    failures = [f for m in made for f in m.failures]
    print(f"clients {CLIENTS}, batches of {BATCH_SIZE}, every event sent twice, gunicorn -w 2, SQLite")
    print(
        f"requests {requests} in {seconds:.1f} s = {requests / seconds:.0f} req/s, "
        f"non-200 answers {len(failures)}"
    )
    print(
        f"events posted {2 * unique} = {2 * unique / seconds:.0f}/s; "
        f"accepted (new) {accepted} = {accepted / seconds:.0f} events/s"
    )
    print(
        f"answers: accepted {accepted}, duplicates {sum(m.duplicates for m in made)}, "
        f"rejected {sum(m.rejected for m in made)}"
    )
    print(
        f"rows: unique events sent {unique}, reading_events rows {counts['stored']} "
        f"(distinct ids {counts['distinct']}), lost {unique - counts['stored']}, "
        f"duplicated {counts['stored'] - counts['distinct']}, "
        f"section totals differing from the sent events {counts['credit_mismatches']}"
    )


if __name__ == "__main__":
    main()
