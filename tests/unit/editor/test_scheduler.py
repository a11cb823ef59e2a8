"""Scheduled publication happens by itself, exactly once however many workers look."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from handbook.accounts.models import AuditEvent
from handbook.clock import utcnow
from handbook.content.models import Document
from handbook.editor import publishing, scheduler, workflow
from handbook.search.storage import IndexBusy
from tests.conftest import ON_POSTGRES
from tests.factories import editor_form
from tests.unit.editor.conftest import EDITOR


def schedule(db, slug: str, at) -> None:
    form = editor_form(slug=slug, so_hieu=f"{slug[-3:]}-KL/TW", tieu_de=f"Kết luận {slug}")
    with db.transaction() as tx:
        workflow.schedule(tx, EDITOR, form, utcnow() + timedelta(hours=1))
        tx.execute(update(Document).where(Document.slug == slug).values(publish_at=at))


def state(db, slug: str) -> str:
    with db.reads() as reader:
        return workflow.get(reader, slug).state


def publications(db) -> int:
    with db.reads() as reader:
        return reader.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "document.publish")
        )


def test_a_running_scheduler_publishes_a_draft_soon_after_its_time(db, index_root, library):
    schedule(db, "ket-luan-101", utcnow() + timedelta(seconds=0.3))
    library.config["PUBLISH_DUE_SECONDS"] = 0.05
    job = scheduler.start(library)
    try:
        deadline = time.monotonic() + 10
        while state(db, "ket-luan-101") != "published" and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        job.stop()
    assert state(db, "ket-luan-101") == "published"
    assert scheduler.start(library) is job  # one job per app, stopped for good
    assert not job._thread.is_alive()


def test_no_scheduler_when_switched_off_or_for_another_app(library):
    library.config["PUBLISH_DUE_SECONDS"] = 0
    assert scheduler.start(library) is None
    assert scheduler.start(Flask("hello")) is None


def test_many_workers_at_once_publish_each_document_exactly_once(db, index_root):
    slugs = [f"ket-luan-{n}" for n in range(101, 106)]
    for slug in slugs:
        schedule(db, slug, utcnow() - timedelta(seconds=1))
    jobs = [scheduler.Scheduler(db, index_root, 60) for _ in range(4)]
    results: list = []
    threads = [threading.Thread(target=lambda job=job: results.append(job.step())) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    published = [slug for done, failed in results for slug in done]
    assert sorted(published) == slugs and not [f for _, f in results if f]
    assert publications(db) == len(slugs)
    assert all(state(db, slug) == "published" for slug in slugs)


def test_a_draft_rescheduled_for_later_waits(db, index_root):
    schedule(db, "ket-luan-101", utcnow() - timedelta(seconds=1))
    now = utcnow()
    with db.transaction() as tx:
        tx.execute(update(Document).values(publish_at=now + timedelta(hours=1)))
    assert publishing.publish_due(db, index_root, now) == ([], [])
    assert state(db, "ket-luan-101") == "draft"


def test_a_failed_publication_stays_scheduled_and_is_retried(db, index_root, monkeypatch):
    schedule(db, "ket-luan-101", utcnow() - timedelta(seconds=1))

    def busy(*_args, **_kwargs):
        raise IndexBusy()

    monkeypatch.setattr(publishing.indexer, "update_document", busy)
    job = scheduler.Scheduler(db, index_root, 60)
    assert job.step() == ([], ["ket-luan-101"])
    assert state(db, "ket-luan-101") == "draft"
    monkeypatch.undo()
    assert job.step() == (["ket-luan-101"], [])


@pytest.mark.skipif(not ON_POSTGRES, reason="row locks: SQLite has one writer at a time")
def test_a_document_another_node_is_publishing_is_skipped_not_waited_for(db, index_root):
    schedule(db, "ket-luan-101", utcnow() - timedelta(seconds=1))
    with db.transaction() as other:
        workflow.find(other, "ket-luan-101", lock=True)
        started = time.monotonic()
        assert publishing.publish_due(db, index_root) == ([], [])
        assert time.monotonic() - started < 5
    assert publishing.publish_due(db, index_root) == (["ket-luan-101"], [])
