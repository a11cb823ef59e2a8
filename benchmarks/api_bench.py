"""The mobile API under gunicorn with 2 workers (issue 8):

- the document JSON of a typical resolution: its size raw and gzip-compressed, and
  requests per second of a full answer (200) and of a revalidation with
  If-None-Match (304), beside the "hello" ceiling measured in the same run;
- syncing 500 reading events recorded offline in one request: time per batch, time
  to resend a batch already stored, and a count in the database proving that every
  event was stored exactly once."""

from __future__ import annotations

import gzip
import json
import sqlite3
import time
import urllib.request
import uuid
from datetime import UTC, datetime
from statistics import median

from benchmarks.harness import (
    DEMO_PASSWORD,
    database_file,
    gunicorn,
    machine,
    prepared_instance,
    wrk,
)

ROUNDS = 3
SLUG = "nghi-quyet-35-nq-tw"
BATCHES = 6
EVENTS_PER_BATCH = 500


def call(
    base: str, method: str, path: str, body=None, token: str = "", headers: dict | None = None
) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(
        base + path, method=method, data=(json.dumps(body).encode() if body is not None else None)
    )
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def sign_in(base: str, username: str = "demo.member", device: str = "api_bench") -> str:
    """A bearer token for a demo account, through the API's own sign-in."""
    status, _, body = call(
        base,
        "POST",
        "/api/v1/auth/token",
        {"username": username, "password": DEMO_PASSWORD, "device": device},
    )
    if status != 201:
        raise RuntimeError(f"sign-in of {username} failed: {status} {body[:200]!r}")
    return json.loads(body)["token"]


def document_figures(base: str, token: str) -> tuple[dict, str, list[str]]:
    status, headers, body = call(base, "GET", f"/api/v1/documents/{SLUG}", token=token)
    assert status == 200, status
    anchors = [s["anchor"] for s in json.loads(body)["sections"]]
    sizes = {"raw": len(body), "gzip": len(gzip.compress(body, 6))}
    return sizes, headers["ETag"], anchors


def offline_batch(anchors: list[str]) -> dict:
    now = datetime.now(UTC).isoformat()
    return {
        "events": [
            {
                "id": uuid.uuid4().hex,
                "document": SLUG,
                "anchor": anchors[i % len(anchors)],
                "seconds": 1 + i % 30,
                "occurred_at": now,
            }
            for i in range(EVENTS_PER_BATCH)
        ]
    }


def sync_figures(base: str, token: str, anchors: list[str], database: str) -> dict:
    batches = [offline_batch(anchors) for _ in range(BATCHES)]
    first, again = [], []
    for batch in batches:
        started = time.perf_counter()
        status, _, body = call(base, "POST", "/api/v1/study/events", batch, token)
        first.append(time.perf_counter() - started)
        answer = json.loads(body)
        assert status == 200 and len(answer["accepted"]) == EVENTS_PER_BATCH, (status, body[:200])
    for batch in batches:  # the phone lost the answers and sends everything again
        started = time.perf_counter()
        status, _, body = call(base, "POST", "/api/v1/study/events", batch, token)
        again.append(time.perf_counter() - started)
        assert len(json.loads(body)["duplicates"]) == EVENTS_PER_BATCH
    sent = {e["id"] for batch in batches for e in batch["events"]}
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT client_event_id FROM reading_events e JOIN users u "
            "ON u.id = e.user_id WHERE u.username = 'demo.member'"
        ).fetchall()
    stored = [r[0] for r in rows]
    return {
        "first": first,
        "again": again,
        "sent": len(sent),
        "stored": len(stored),
        "distinct": len(set(stored)),
        "missing": len(sent - set(stored)),
    }


def main() -> None:
    print(f"# API benchmark — {machine()}")
    with (
        prepared_instance() as env,
        gunicorn("benchmarks.hello_app:app", env) as hello,
        gunicorn("wsgi:app", env) as handbook,
    ):
        token = sign_in(handbook)
        sizes, etag, anchors = document_figures(handbook, token)
        auth = {"Authorization": f"Bearer {token}"}
        targets = {
            "hello": (hello + "/hello", {}),
            "document JSON (200)": (handbook + f"/api/v1/documents/{SLUG}", auth),
            "document JSON, If-None-Match (304)": (
                handbook + f"/api/v1/documents/{SLUG}",
                {**auth, "If-None-Match": etag},
            ),
        }
        for url, headers in targets.values():
            wrk(url, seconds=1, headers=headers)
        runs = {name: [] for name in targets}
        for _ in range(ROUNDS):
            for name, (url, headers) in targets.items():
                runs[name].append(wrk(url, seconds=4, headers=headers))
        sync = sync_figures(handbook, token, anchors, database_file(env))
    print(f"document JSON of {SLUG}: {sizes['raw'] / 1024:.1f} KiB raw, {sizes['gzip'] / 1024:.1f} KiB gzip")
    ceiling = median(r["rps"] for r in runs["hello"])
    print(f"{'endpoint':<38}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'errors':>8}{'% hello':>9}")
    for name, results in runs.items():
        rps = median(r["rps"] for r in results)
        print(
            f"{name:<38}{rps:>8.0f}{median(r['p50'] for r in results):>8.1f}"
            f"{median(r['p99'] for r in results):>8.1f}{sum(r['errors'] for r in results):>8}"
            f"{rps / ceiling:>9.0%}"
        )
    full = median(r["rps"] for r in runs["document JSON (200)"])
    revalidated = median(r["rps"] for r in runs["document JSON, If-None-Match (304)"])
    print(
        f"304 vs 200: {revalidated / full:.2f}× the requests per second, "
        f"{sizes['gzip']} bytes of body saved each (gzip)"
    )
    print(
        f"sync of {EVENTS_PER_BATCH} offline events, {BATCHES} batches: "
        f"median {median(sync['first']) * 1000:.0f} ms, max {max(sync['first']) * 1000:.0f} ms; "
        f"resent: median {median(sync['again']) * 1000:.0f} ms"
    )
    print(
        f"events sent {sync['sent']}, stored {sync['stored']}, distinct {sync['distinct']}, "
        f"missing {sync['missing']}, duplicates {sync['stored'] - sync['distinct']}"
    )


if __name__ == "__main__":
    main()
