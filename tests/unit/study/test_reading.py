"""Ingestion: schema, validation, idempotence, crediting and the minimum reading time."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from handbook.app_db import get_db
from handbook.errors import Invalid
from handbook.study import documents, reading
from handbook.study.models import ReadingEvent, SectionRead
from tests.unit.study.helpers import ReadingClock, event, record

SLUG = "quy-dinh-37"
ANCHOR = "dieu-1-noi-lam-trai-cuong-linh"


def _raw(**overrides) -> dict:
    item = {
        "id": "a1b2c3d4-0001",
        "document": SLUG,
        "anchor": ANCHOR,
        "seconds": 5,
        "occurred_at": "2026-01-01T08:00:00+07:00",
    }
    item.update(overrides)
    return item


def _row(app, user_id: int, anchor: str = ANCHOR) -> SectionRead | None:
    with app.app_context(), get_db(app).transaction() as tx:
        return tx.scalar(
            select(SectionRead).where(SectionRead.user_id == user_id, SectionRead.anchor == anchor)
        )


@pytest.mark.parametrize(
    "words, seconds", [(0, 0), (1, 2), (10, 2), (11, 3), (500, 100), (3000, 600), (10_000, 600)]
)
def test_minimum_reading_time_follows_the_documented_rule(words, seconds):
    assert documents.required_seconds(words) == seconds


@pytest.mark.parametrize(
    "body",
    [
        {"events": [_raw()], "user_id": 2},
        {"events": [_raw(user_id=2)]},
        {"events": [_raw(unit_id=4)]},
        {"events": [_raw()], "cell_id": 1},
        [_raw()],
        None,
    ],
)
def test_foreign_or_unknown_fields_refuse_the_batch(body):
    with pytest.raises(reading.UnexpectedField) as error:
        reading.parse_batch(body)
    assert error.value.status == 400


@pytest.mark.parametrize(
    "field, value",
    [
        ("seconds", 0),
        ("seconds", 601),
        ("seconds", 2.5),
        ("seconds", "5"),
        ("seconds", True),
        ("id", "short"),
        ("id", "x" * 65),
        ("id", "có dấu-123"),
        ("anchor", 5),
        ("occurred_at", "hôm qua"),
        ("occurred_at", "2026-01-01T08:00:00"),
    ],
)
def test_bad_values_are_invalid(field, value):
    with pytest.raises(Invalid) as error:
        reading.parse_batch({"events": [_raw(**{field: value})]})
    assert any(p.field == f"events[0].{field}" for p in error.value.problems)


def test_batch_size_is_bounded():
    events = [_raw(id=f"event-{i:04d}") for i in range(reading.MAX_BATCH + 1)]
    with pytest.raises(Invalid):
        reading.parse_batch({"events": events})
    assert len(reading.parse_batch({"events": events[:-1]})) == reading.MAX_BATCH


def test_an_event_counts_once_however_often_it_is_sent(study, member):
    first = record(study, member.id, [event(SLUG, ANCHOR, 3, "same-event-1")])
    again = record(study, member.id, [event(SLUG, ANCHOR, 3, "same-event-1")])
    assert first.accepted == ["same-event-1"] and again.duplicates == ["same-event-1"]
    assert _row(study, member.id).seconds == 3


def test_the_same_id_from_two_members_is_two_events(study, member, other_member):
    record(study, member.id, [event(SLUG, ANCHOR, 3, "shared-id-1")])
    record(study, other_member.id, [event(SLUG, ANCHOR, 3, "shared-id-1")])
    assert _row(study, member.id).seconds == _row(study, other_member.id).seconds == 3


def test_credit_per_event_is_capped(study, member):
    record(study, member.id, [event(SLUG, ANCHOR, 600)])
    assert _row(study, member.id).seconds == reading.MAX_CREDIT


def test_read_at_is_set_when_the_minimum_is_reached_and_never_moves(study, member):
    with study.app_context(), get_db(study).transaction() as tx:
        required = documents.load(tx, SLUG).required[ANCHOR]
    record(study, member.id, [event(SLUG, ANCHOR, required - 1)])
    assert _row(study, member.id).read_at is None
    record(study, member.id, [event(SLUG, ANCHOR, 1)])
    first = _row(study, member.id).read_at
    record(study, member.id, [event(SLUG, ANCHOR, 30)])
    assert first is not None and _row(study, member.id).read_at == first


def test_unknown_documents_anchors_and_future_events_are_rejected(study, member):
    later = ReadingClock.now() + timedelta(hours=1)
    result = record(
        study,
        member.id,
        [
            event("khong-co", ANCHOR, 5, "missing-doc"),
            event(SLUG, "khong-co", 5, "missing-anchor"),
            event(SLUG, ANCHOR, 5, "from-future", when=later),
            event(SLUG, ANCHOR, 5, "good-one-1"),
        ],
    )
    assert {r["id"]: r["reason"] for r in result.rejected} == {
        "missing-doc": "document",
        "missing-anchor": "anchor",
        "from-future": "future",
    }
    assert result.accepted == ["good-one-1"]


def test_unpublished_documents_take_no_progress(study, member):
    from handbook.content.models import Document

    with study.app_context(), get_db(study).transaction() as tx:
        tx.scalar(select(Document).where(Document.slug == SLUG)).state = "draft"
    result = record(study, member.id, [event(SLUG, ANCHOR, 5)])
    assert result.rejected[0]["reason"] == "document"


def test_concurrent_resends_from_many_threads_count_each_event_once(study, member):
    batches = [[event(SLUG, ANCHOR, 2, f"conc-{i:03d}") for i in range(k, k + 10)] for k in range(0, 40, 10)]
    errors = []

    def send(batch):
        try:
            record(study, member.id, list(reversed(batch)))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(b,)) for b in batches * 4]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with study.app_context(), get_db(study).transaction() as tx:
        assert tx.scalar(select(func.count()).select_from(ReadingEvent)) == 40
    assert _row(study, member.id).seconds == 80
