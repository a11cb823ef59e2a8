"""A member's study through the API: campaigns, offline batches counted once, completion."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from handbook.app_db import get_db
from handbook.study import documents
from handbook.study.models import ReadingEvent, SectionRead
from tests.unit.study.helpers import backdate_library, read_all
from tests.web.api.conftest import BASE

SLUG, ANCHOR = "quy-dinh-37", "dieu-1-noi-lam-trai-cuong-linh"


def events(n: int, prefix: str = "offline", **fields) -> dict:
    """n events of 3 seconds read one after another, the last ending an hour ago."""
    began = datetime.now(UTC) - timedelta(hours=1, seconds=3 * n)
    return {
        "events": [
            dict(
                {
                    "id": f"{prefix}-{i:05d}",
                    "document": SLUG,
                    "anchor": ANCHOR,
                    "seconds": 3,
                    "occurred_at": (began + timedelta(seconds=3 * (i + 1))).isoformat(),
                },
                **fields,
            )
            for i in range(n)
        ]
    }


def stored(app) -> tuple[int, int]:
    with app.app_context(), get_db(app).transaction() as tx:
        return (
            tx.scalar(select(func.count()).select_from(ReadingEvent)),
            tx.scalar(select(func.coalesce(func.sum(SectionRead.seconds), 0))),
        )


def test_my_study_lists_campaigns_with_progress(api, member_auth, campaign):
    data = api.get(f"{BASE}/study", headers=member_auth).get_json()
    [line] = data["current"]
    assert line["id"] == campaign.id and line["progress"] == {"done": 0, "total": 2, "percent": 0}
    assert [d["slug"] for d in line["documents"]] == ["quy-dinh-37", "nghi-quyet-35"]
    assert data["overdue"] == [] and data["history"] == []


def test_a_day_offline_in_one_batch_is_counted_exactly_once(api, library, member_auth, campaign):
    backdate_library(library)
    body = events(500)
    first = api.post(f"{BASE}/study/events", json=body, headers=member_auth)
    assert first.status_code == 200 and len(first.get_json()["accepted"]) == 500
    assert stored(library) == (500, 1500)
    again = api.post(f"{BASE}/study/events", json=body, headers=member_auth)
    assert len(again.get_json()["duplicates"]) == 500 and again.get_json()["accepted"] == []
    assert stored(library) == (500, 1500)
    assert first.get_json()["documents"][SLUG]["read"] == [ANCHOR]


def test_bad_batches_are_refused_whole(api, library, member_auth, campaign):
    too_many = api.post(f"{BASE}/study/events", json=events(501), headers=member_auth)
    assert too_many.status_code == 422
    spoofed = events(2)
    spoofed["events"][1]["user_id"] = 1
    assert api.post(f"{BASE}/study/events", json=spoofed, headers=member_auth).status_code == 400
    bad = api.post(f"{BASE}/study/events", json=events(1, seconds=0), headers=member_auth)
    assert bad.status_code == 422 and bad.get_json()["error"]["details"][0]["field"] == "events[0].seconds"
    assert stored(library) == (0, 0)


def test_unknown_documents_and_anchors_are_rejected_not_retried(api, member_auth, campaign):
    body = events(2)
    body["events"][0]["document"] = "khong-co"
    body["events"][1]["anchor"] = "khong-co"
    data = api.post(f"{BASE}/study/events", json=body, headers=member_auth).get_json()
    assert sorted(r["reason"] for r in data["rejected"]) == ["anchor", "document"]


def test_completion_needs_every_section_then_is_recorded(api, library, member, member_auth, campaign):
    url = f"{BASE}/study/documents/{SLUG}/complete"
    early = api.post(url, headers=member_auth)
    assert early.status_code == 422 and "chưa đọc" in early.get_json()["error"]["details"][0]["reason"]
    read_all(library, member.id, SLUG)
    done = api.post(url, headers=member_auth)
    assert done.status_code == 200 and done.get_json()["by_secretary"] is False
    assert api.post(url, headers=member_auth).get_json() == done.get_json()  # idempotent
    line = api.get(f"{BASE}/study", headers=member_auth).get_json()["current"][0]
    assert line["progress"]["done"] == 1
    assert api.post(f"{BASE}/study/documents/khong-co/complete", headers=member_auth).status_code == 404


def test_events_of_the_wrong_type_are_a_422_not_a_crash(api, member_auth):
    for value in (True, 3, "events", {"id": "x"}, None):
        response = api.post(f"{BASE}/study/events", json={"events": value}, headers=member_auth)
        assert response.status_code == 422, value


def test_a_forged_batch_earns_real_time_only_and_completion_stays_refused(
    api, library, member_auth, campaign
):
    """Issue 18: 600 seconds ten times per section at one instant read nothing more."""
    backdate_library(library)
    now = datetime.now(UTC).isoformat()
    with library.app_context(), get_db(library).transaction() as tx:
        to_read = sorted(documents.load(tx, SLUG).to_read)
    forged = {
        "events": [
            {
                "id": f"forged-{n:03d}-{i}",
                "document": SLUG,
                "anchor": anchor,
                "seconds": 600,
                "occurred_at": now,
            }
            for n, anchor in enumerate(to_read)
            for i in range(10)
        ]
    }
    data = api.post(f"{BASE}/study/events", json=forged, headers=member_auth).get_json()
    assert len(data["accepted"]) == len(forged["events"])
    assert len(data["capped"]) == len(forged["events"]) - 1
    assert {c["reason"] for c in data["capped"]} == {"overlap"}
    assert data["documents"][SLUG]["percent"] < 100
    assert stored(library)[1] == 120
    refused = api.post(f"{BASE}/study/documents/{SLUG}/complete", headers=member_auth)
    assert refused.status_code == 422
    assert "chưa đọc đủ thời gian" in refused.get_json()["error"]["details"][0]["reason"]
