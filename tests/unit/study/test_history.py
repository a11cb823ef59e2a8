"""The generated reading history: counts add up, it obeys the reading and completion
rules, it is the same for a seed, and it is made once, in development only."""

from __future__ import annotations

import shutil
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import func, select

from handbook.app import create_app
from handbook.app_db import get_db
from handbook.study import history
from handbook.study.models import Campaign, Completion, ReadingEvent, SectionRead
from tests.conftest import FAST_PASSWORD_HASHING, import_folder

CONTENT = Path(__file__).resolve().parents[3] / "content"
EVENTS = 3_000


def _demo(app, tmp_path: Path) -> None:
    """The real library and the small demo province."""
    shutil.copytree(CONTENT, tmp_path / "real")
    import_folder(app, tmp_path / "real")
    result = app.test_cli_runner().invoke(args=["handbook", "demo", "--password", "Mật khẩu thử 2025"])
    assert result.exit_code == 0, result.output


def _history(app, *args: str):
    return app.test_cli_runner().invoke(args=["handbook", "demo-history", "--events", str(EVENTS), *args])


@pytest.fixture
def generated(app, tmp_path):
    _demo(app, tmp_path)
    result = _history(app)
    assert result.exit_code == 0, result.output
    return app


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_counts_add_up(generated):
    with get_db(generated).sessions() as s:
        events, reads = _count(s, ReadingEvent), _count(s, SectionRead)
        completions = _count(s, Completion)
        assert _count(s, Campaign) == 5 and events >= EVENTS and completions > 0
        credited = s.scalar(select(func.sum(ReadingEvent.credited)))
        assert credited == s.scalar(select(func.sum(SectionRead.seconds)))
        assert reads <= events


def test_summary_line(app, tmp_path):
    _demo(app, tmp_path)
    output = _history(app, "--campaigns", "3").output
    with get_db(app).sessions() as s:
        events = _count(s, ReadingEvent)
        assert _count(s, Campaign) == 3
    assert output.startswith("Đã tạo 3 đợt học tập, ") and f"{events:,}".replace(",", ".") in output


def test_section_seconds_are_the_sum_of_their_events(generated):
    with get_db(generated).sessions() as s:
        sums = dict(
            ((u, d, a), n)
            for u, d, a, n in s.execute(
                select(
                    ReadingEvent.user_id,
                    ReadingEvent.document_id,
                    ReadingEvent.anchor,
                    func.sum(ReadingEvent.credited),
                ).group_by(ReadingEvent.user_id, ReadingEvent.document_id, ReadingEvent.anchor)
            )
        )
        reads = s.scalars(select(SectionRead)).all()
    assert len(sums) == len(reads)
    for r in reads:
        assert sums[(r.user_id, r.document_id, r.anchor)] == r.seconds
        assert (r.read_at is not None) == (r.seconds >= r.required_seconds)


def test_every_completion_has_every_section_read(generated):
    with get_db(generated).sessions() as s:
        read = defaultdict(set)
        for r in s.scalars(select(SectionRead).where(SectionRead.read_at.is_not(None))):
            read[(r.user_id, r.document_id)].add(r.anchor)
        completions = s.scalars(select(Completion)).all()
        docs = {c.document_id for c in completions}
        to_read = {d: {a for a, _ in history._study_doc(s, _current(s, d)).sections} for d in docs}
    assert {c.method for c in completions} == {"self", "secretary"}
    for c in completions:
        assert read[(c.user_id, c.document_id)] == to_read[c.document_id]
        assert (c.marked_by is not None) == (c.method == "secretary")


def _current(session, document_id: int):
    from handbook.study.documents import editions

    current = editions().subquery()
    return session.execute(select(current).where(current.c.document_id == document_id)).one()


def test_no_event_id_is_duplicated(generated):
    with get_db(generated).sessions() as s:
        distinct = s.scalar(
            select(func.count()).select_from(
                select(ReadingEvent.user_id, ReadingEvent.client_event_id).distinct().subquery()
            )
        )
        assert distinct == _count(s, ReadingEvent)


def _fingerprint(app) -> tuple:
    with get_db(app).sessions() as s:
        events = s.execute(
            select(
                ReadingEvent.user_id,
                ReadingEvent.client_event_id,
                ReadingEvent.document_id,
                ReadingEvent.anchor,
                ReadingEvent.seconds,
            ).order_by(ReadingEvent.id)
        ).all()
        done = s.execute(
            select(
                Completion.user_id, Completion.document_id, Completion.method, Completion.marked_by
            ).order_by(Completion.id)
        ).all()
    return events, done


def _second_app(tmp_path: Path):
    return create_app(
        {
            "ENV_NAME": "testing",
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'second.db'}",
            "SEARCH_INDEX_DIR": str(tmp_path / "second_index"),
            "CONTENT_CACHE_TTL": 0,
            **FAST_PASSWORD_HASHING,
        }
    )


def test_deterministic_for_a_seed(generated, tmp_path):
    from handbook import migrate

    (tmp_path / "b").mkdir()
    other = _second_app(tmp_path / "b")
    migrate.upgrade(other)
    _demo(other, tmp_path / "b")
    assert _history(other).exit_code == 0
    assert _fingerprint(other) == _fingerprint(generated)
    get_db(other).engine.dispose()


def test_refused_when_run_twice(generated):
    result = _history(generated)
    assert result.exit_code == 1 and "đã được tạo" in result.output
    with get_db(generated).sessions() as s:
        assert _count(s, Campaign) == 5


def test_needs_the_demo_first(library):
    result = library.test_cli_runner().invoke(args=["handbook", "demo-history", "--events", "10"])
    assert result.exit_code == 1 and "demo" in result.output


def test_refused_in_production(tmp_path):
    app = create_app(
        {
            "ENV_NAME": "production",
            "SECRET_KEY": "k" * 4 + "-Xy9_prod-secret-1234567890abcdef",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
            **FAST_PASSWORD_HASHING,
        }
    )
    result = app.test_cli_runner().invoke(args=["handbook", "demo-history", "--events", "10"])
    assert result.exit_code == 1 and "phát triển" in result.output
    get_db(app).engine.dispose()
