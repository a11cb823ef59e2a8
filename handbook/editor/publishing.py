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
from handbook.accounts.models import User
from handbook.clock import as_utc, utcnow
from handbook.content import library, revisions, versioning
from handbook.content.models import Document, Revision
from handbook.db import Database, iso
from handbook.editor import workflow
from handbook.errors import HandbookError, StorageFull
from handbook.search import indexer

log = logging.getLogger("handbook.editor")
# Puts a failed scheduled publication back, and publishes when the editor is gone.
SCHEDULER = Actor.system("lich-xuat-ban")


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


def apply(
    db: Database,
    index_root: Path,
    actor: Actor,
    slug: str,
    change: Callable[[Session], Document | None],
    *,
    skip_locked: bool = False,
) -> Outcome | None:
    """Run `change` in one transaction, then bring the index in step for `slug`.
    Raises what `change` raises (nothing changed) or PublishFailed (rolled back).
    Returns None, leaving the index alone, when `change` finds nothing to do or, with
    skip_locked, when another transaction holds the document."""
    with db.transaction() as tx:
        current = workflow.find(tx, slug, lock=True, skip_locked=skip_locked)
        if current is None and skip_locked:
            return None
        before = _snapshot(current)
        relabelled = library.replaced_slugs(tx, slug)
        document = change(tx)
        if document is None:
            return None
        outcome = (document.state, document.current_revision.number)
    started = time.perf_counter()
    try:
        with db.reads() as reader:
            # The documents it replaces, before or after the change, change label too.
            relabelled |= library.replaced_slugs(reader, slug)
            indexer.update_document(reader, index_root, slug, related=relabelled)
    # Any failure of the index step (disk, lock, Whoosh) must end in the previous
    # published state; the cause is logged here and the editor gets one message.
    except Exception as exc:
        log.exception("index update failed for %s; restoring the previous state", slug)
        _restore(db, actor, slug, before)
        cause = f" {exc.message}" if isinstance(exc, StorageFull) else ""
        raise PublishFailed(
            "Chưa cập nhật được chỉ mục tìm kiếm nên thay đổi chưa được "
            "xuất bản; văn bản vẫn giữ trạng thái trước đó." + cause + " Vui lòng thử lại sau ít phút."
        ) from exc
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


def archive(db: Database, index_root: Path, actor: Actor, slug: str, expected: int | None) -> Outcome:
    return apply(db, index_root, actor, slug, lambda tx: workflow.archive(tx, actor, slug, expected))


def revert(
    db: Database, index_root: Path, actor: Actor, slug: str, number: int, expected: int | None
) -> Outcome:
    return apply(db, index_root, actor, slug, lambda tx: workflow.revert(tx, actor, slug, number, expected))


def publish_due(db: Database, index_root: Path, now: datetime | None = None) -> tuple[list[str], list[str]]:
    """Publish every draft whose time has come, each in the name of the editor who
    scheduled it; returns (published, failed) slugs. Safe on every worker of every
    node at once: a document another one is publishing is skipped, not waited for,
    and one already published is left alone, so each is published exactly once."""
    now = now or utcnow()
    with db.reads() as reader:
        due = list(
            reader.scalars(
                select(Document.slug)
                .where(Document.state == workflow.DRAFT, Document.publish_at <= now)
                .order_by(Document.publish_at)
            )
        )
    done, failed = [], []
    for slug in due:
        try:
            outcome = apply(
                db,
                index_root,
                SCHEDULER,
                slug,
                lambda tx, slug=slug: _publish_scheduled(tx, slug, now),
                skip_locked=True,
            )
        except PublishFailed:
            failed.append(slug)
        else:
            if outcome is not None:
                done.append(slug)
    return done, failed


def _publish_scheduled(tx: Session, slug: str, now: datetime) -> Document | None:
    """The document published, or None when it is no longer a draft due by `now`
    (published, rescheduled or archived meanwhile)."""
    document = workflow.find(tx, slug)
    if document.state != workflow.DRAFT or document.publish_at is None or as_utc(document.publish_at) > now:
        return None
    workflow.mark_published(
        tx, _scheduled_by(tx, document), document, scheduled=True, due=iso(document.publish_at)
    )
    return document


def _scheduled_by(tx: Session, document: Document) -> Actor:
    user = tx.get(User, document.scheduled_by_id) if document.scheduled_by_id else None
    return Actor(user.id, user.username) if user else SCHEDULER
