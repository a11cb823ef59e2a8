"""Credit is bounded by time that really passed: one member's events count once on
their wall-clock time line, never before the revision nor in the future."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from handbook.app_db import get_db
from handbook.errors import Invalid
from handbook.study import completion, documents, reading, timeline
from handbook.study.models import ReadingEvent, SectionRead
from handbook.study.timeline import Timeline
from tests.unit.study.helpers import backdate_library, event

SLUG, OTHER = "quy-dinh-37", "nghi-quyet-35"
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def _send(app, user_id: int, events: list[reading.Event], now: datetime | None = None) -> reading.BatchResult:
    with app.app_context(), get_db(app).transaction() as tx:
        return reading.record_batch(tx, user_id, events, now=now)


def _credited(app, user_id: int) -> int:
    with app.app_context(), get_db(app).transaction() as tx:
        return tx.scalar(
            select(func.coalesce(func.sum(SectionRead.seconds), 0)).where(SectionRead.user_id == user_id)
        )


def _doc(app, slug: str = SLUG) -> documents.StudyDocument:
    with app.app_context(), get_db(app).transaction() as tx:
        return documents.load(tx, slug)


@pytest.fixture
def old_library(study):
    """The library as if published a month ago: members may have read it offline."""
    backdate_library(study)
    return study


def test_a_timeline_counts_overlapping_time_once():
    line = Timeline([(_at(0), _at(10)), (_at(20), _at(30))])
    assert line.claim(_at(5), _at(25)) == timedelta(seconds=10)
    assert line.spans == [(_at(0), _at(30))]
    assert line.claim(_at(0), _at(30)) == timedelta(0)
    assert line.claim(_at(30), _at(40)) == timedelta(seconds=10)  # touching is not overlapping
    assert line.claim(_at(50), _at(45)) == timedelta(0)


def test_the_forged_batch_earns_one_interval_and_completion_stays_refused(old_library, member):
    """Issue 18: ten 600-second events per section at one instant read a whole document."""
    doc, now = _doc(old_library), datetime.now(UTC)
    forged = [
        event(SLUG, anchor, 600, f"forged-{anchor}-{i}", when=now)
        for anchor in sorted(doc.to_read)
        for i in range(10)
    ]
    result = _send(old_library, member.id, forged)
    assert len(result.accepted) == len(forged) and not result.rejected
    assert len(result.capped) == len(forged) - 1
    assert {c["reason"] for c in result.capped} == {"overlap"}
    assert {c["credited"] for c in result.capped} == {0}
    assert _credited(old_library, member.id) == reading.MAX_CREDIT
    with (
        pytest.raises(Invalid, match="chưa đọc đủ thời gian"),
        old_library.app_context(),
        get_db(old_library).transaction() as tx,
    ):
        completion.confirm(tx, member.id, SLUG)


def test_flags_are_kept_for_review_and_a_retry_changes_nothing(old_library, member):
    now = datetime.now(UTC)
    batch = [event(SLUG, "", 60, f"same-time-{i}", when=now) for i in range(3)]
    _send(old_library, member.id, batch)
    again = _send(old_library, member.id, list(reversed(batch)))
    assert again.duplicates == [e.id for e in reversed(batch)] and not again.capped
    assert _credited(old_library, member.id) == 60
    with old_library.app_context(), get_db(old_library).transaction() as tx:
        flags = dict(tx.execute(select(ReadingEvent.client_event_id, ReadingEvent.flag)).all())
    assert sorted(flags.values(), key=str) == [None, "overlap", "overlap"]
    with old_library.app_context(), get_db(old_library).transaction() as tx:
        review = timeline.flagged(tx, [member.id])
    assert sorted(e.client_event_id for e in review) == sorted(i for i, flag in flags.items() if flag)
    assert {(e.credited, e.seconds) for e in review} == {(0, 60)}


def test_an_honest_hour_offline_synced_later_is_credited_fully(old_library, member):
    doc = _doc(old_library)
    anchors = sorted(doc.to_read)
    began = datetime.now(UTC) - timedelta(hours=5)
    hour = [
        event(
            SLUG,
            anchors[i % len(anchors)],
            10,
            f"offline-{i:04d}",
            when=began + timedelta(seconds=10 * (i + 1)),
        )
        for i in range(360)
    ]
    for start in range(0, len(hour), 50):
        result = _send(old_library, member.id, hour[start : start + 50])
        assert not result.capped and not result.rejected
    assert _credited(old_library, member.id) == 3600


def test_overlapping_time_across_two_documents_counts_once(old_library, member):
    now, anchor = datetime.now(UTC), sorted(_doc(old_library, OTHER).to_read)[0]
    first = _send(old_library, member.id, [event(SLUG, "", 100, "doc-a-0001", when=now)])
    second = _send(
        old_library,
        member.id,
        [
            event(OTHER, anchor, 100, "doc-b-0001", when=now + timedelta(seconds=40)),
            event(OTHER, anchor, 30, "doc-b-0002", when=now - timedelta(seconds=150)),
        ],
    )
    assert first.accepted == ["doc-a-0001"] and not first.capped
    assert second.capped == [{"id": "doc-b-0001", "credited": 40, "reason": "overlap"}]
    assert _credited(old_library, member.id) == 100 + 40 + 30


def test_two_members_have_two_time_lines(old_library, member, other_member):
    now = datetime.now(UTC)
    for user in (member, other_member):
        _send(old_library, user.id, [event(SLUG, "", 50, f"shared-{user.id}-01", when=now)])
    assert _credited(old_library, member.id) == _credited(old_library, other_member.id) == 50


def test_events_in_the_future_beyond_the_clock_skew_are_refused(old_library, member):
    now = datetime.now(UTC)
    result = _send(
        old_library,
        member.id,
        [
            event(SLUG, "", 5, "skewed-0001", when=now + timedelta(seconds=90)),
            event(SLUG, "", 5, "future-0001", when=now + reading.CLOCK_SKEW + timedelta(seconds=1)),
        ],
        now=now,
    )
    assert result.accepted == ["skewed-0001"]
    assert result.rejected == [{"id": "future-0001", "reason": "future"}]
    assert _credited(old_library, member.id) == 5
    assert _send(old_library, member.id, [event(SLUG, "", 5, "future-0001", when=now)]).duplicates == [
        "future-0001"
    ]  # kept for review, never credited later


def test_events_before_the_revision_are_refused_or_cut_to_it(study, member):
    since = _doc(study).since
    result = _send(
        study,
        member.id,
        [
            event(SLUG, "", 30, "before-0001", when=since - timedelta(seconds=1)),
            event(SLUG, "", 30, "across-0001", when=since + timedelta(seconds=12)),
        ],
        now=since + timedelta(seconds=12),
    )
    assert result.rejected == [{"id": "before-0001", "reason": "before_revision"}]
    assert result.capped == [{"id": "across-0001", "credited": 12, "reason": "before_revision"}]
    assert _credited(study, member.id) == 12


def test_a_restudy_edition_starts_the_clock_again(study, content_dir, member):
    from tests.unit.study.helpers import revise

    backdate_library(study)
    old_since = _doc(study).since
    revise(study, content_dir, SLUG, requires_restudy=True)
    assert _doc(study).since > old_since + timedelta(days=29)


def test_two_devices_syncing_at_once_spend_the_same_minute_once(old_library, member):
    now, errors = datetime.now(UTC), []

    def send(device: int) -> None:
        try:
            _send(
                old_library,
                member.id,
                [event(SLUG, "", 60, f"device-{device}-{i}", when=now) for i in range(3)],
            )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(d,)) for d in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and _credited(old_library, member.id) == 60
