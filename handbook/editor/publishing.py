"""Publishing as one step: the database transaction, then the search index, then caches.

Caches follow the content version bumped in the transaction. If the index update
fails, a compensating transaction puts back the state served before, so readers
and the index agree on the previous published state and the editor is told."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook.accounts import audit
from handbook.accounts.audit import Actor
from handbook.content import revisions, versioning
from handbook.content.models import Document, Revision, utcnow
from handbook.db import Database
from handbook.editor import workflow
from handbook.errors import HandbookError
from handbook.search import indexer

log = logging.getLogger("handbook.editor")


class PublishFailed(HandbookError):
    status = 503
    code = "publish_failed"
    title = "Xuất bản không thành công"


@dataclass(frozen=True)
class Snapshot:
    """What was served before the change: enough to put it back."""

    existed: bool
    state: str | None
    revision_id: int | None
    publish_at: datetime | None


@dataclass(frozen=True)
class Outcome:
    slug: str
    state: str
    revision: int
    index_seconds: float


def _snapshot(document: Document | None) -> Snapshot:
    if document is None:
        return Snapshot(False, None, None, None)
    return Snapshot(True, document.state, document.current_revision_id, document.publish_at)


def apply(db: Database, index_root: Path, actor: Actor, slug: str,
          change: Callable[[Session], Document]) -> Outcome:
    """Run `change` in one transaction, then bring the index in step for `slug`.
    Raises what `change` raises (nothing changed) or PublishFailed (rolled back)."""
    with db.transaction() as tx:
        before = _snapshot(workflow.find(tx, slug, lock=True))
        document = change(tx)
        outcome = (document.state, document.current_revision.number)
    started = time.perf_counter()
    try:
        with db.reads() as reader:
            indexer.update_document(reader, index_root, slug)
    # Any failure of the index step (disk, lock, Whoosh) must end in the previous
    # published state; the cause is logged here and the editor gets one message.
    except Exception as exc:
        log.exception("index update failed for %s; restoring the previous state", slug)
        _restore(db, actor, slug, before)
        raise PublishFailed("Chưa cập nhật được chỉ mục tìm kiếm nên thay đổi chưa được "
                            "xuất bản; văn bản vẫn giữ trạng thái trước đó. Vui lòng thử "
                            "lại sau ít phút.") from exc
    return Outcome(slug, *outcome, time.perf_counter() - started)


def _restore(db: Database, actor: Actor, slug: str, before: Snapshot) -> None:
    with db.transaction() as tx:
        document = workflow.find(tx, slug, lock=True)
        if before.revision_id and before.revision_id != document.current_revision_id:
            revisions.make_current(tx, document, tx.get(Revision, before.revision_id))
        # A document that did not exist before stays as a draft: the work is kept.
        document.state = before.state if before.existed else workflow.DRAFT
        document.publish_at = before.publish_at
        versioning.bump(tx)
        audit.record(tx, actor, "document.publish_failed", "document", document.id, slug=slug)


def publish(db: Database, index_root: Path, actor: Actor, form) -> Outcome:
    """Save the form as a new revision and publish it."""
    def change(tx: Session) -> Document:
        document = workflow.save(tx, actor, form, "publish")
        workflow.mark_published(tx, actor, document)
        return document
    return apply(db, index_root, actor, form.slug, change)


def archive(db: Database, index_root: Path, actor: Actor, slug: str,
            expected: int | None) -> Outcome:
    return apply(db, index_root, actor, slug,
                 lambda tx: workflow.archive(tx, actor, slug, expected))


def revert(db: Database, index_root: Path, actor: Actor, slug: str, number: int,
           expected: int | None) -> Outcome:
    return apply(db, index_root, actor, slug,
                 lambda tx: workflow.revert(tx, actor, slug, number, expected))


def publish_due(db: Database, index_root: Path, actor: Actor,
                now: datetime | None = None) -> tuple[list[str], list[str]]:
    """Publish every draft whose time has come; returns (published, failed) slugs."""
    with db.reads() as reader:
        due = list(reader.scalars(
            select(Document.slug).where(Document.state == workflow.DRAFT,
                                        Document.publish_at <= (now or utcnow()))
            .order_by(Document.publish_at)))
    done, failed = [], []
    for slug in due:
        try:
            apply(db, index_root, actor, slug, lambda tx, slug=slug: _publish_scheduled(tx, actor, slug))
        except PublishFailed:
            failed.append(slug)
        else:
            done.append(slug)
    return done, failed


def _publish_scheduled(tx: Session, actor: Actor, slug: str) -> Document:
    document = workflow.find(tx, slug, lock=True)
    if document.state != workflow.DRAFT or document.publish_at is None:
        return document  # published, unscheduled or archived meanwhile: nothing to do
    workflow.mark_published(tx, actor, document, scheduled=True)
    return document
