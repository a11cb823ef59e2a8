"""Document states and the writes an editor makes inside one transaction.

draft → published → archived (→ published again). A draft is saved as revisions that
nobody but editors sees; once published, every save is a new published revision."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook.accounts import audit
from handbook.accounts.audit import Actor
from handbook.clock import utcnow
from handbook.content import revisions, versioning
from handbook.content.models import Document, Revision
from handbook.content.source import parse_source
from handbook.editor.drafting import EditorForm, build_source
from handbook.errors import Conflict, Invalid, NotFound, Problem

DRAFT, PUBLISHED, ARCHIVED = "draft", "published", "archived"
STATE_LABELS = {DRAFT: "Bản nháp", PUBLISHED: "Đã xuất bản", ARCHIVED: "Đã lưu trữ"}
# (state before, action) → state after; anything else is refused.
TRANSITIONS = {
    (None, "save"): DRAFT,
    (DRAFT, "save"): DRAFT,
    (None, "publish"): PUBLISHED,
    (DRAFT, "publish"): PUBLISHED,
    (PUBLISHED, "publish"): PUBLISHED,
    (ARCHIVED, "publish"): PUBLISHED,
    (None, "schedule"): DRAFT,
    (DRAFT, "schedule"): DRAFT,
    (PUBLISHED, "archive"): ARCHIVED,
}
ACTION_LABELS = {
    "save": "lưu nháp",
    "publish": "xuất bản",
    "schedule": "hẹn giờ xuất bản",
    "archive": "lưu trữ",
}


def next_state(state: str | None, action: str) -> str:
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        label = STATE_LABELS.get(state, "chưa có")
        raise Invalid(
            [
                Problem(
                    "trạng thái",
                    f"không thể {ACTION_LABELS.get(action, action)} văn bản ở trạng thái “{label}”",
                )
            ]
        ) from None


def find(tx: Session, slug: str, lock: bool = False, skip_locked: bool = False) -> Document | None:
    """The document, its row locked for the transaction (PostgreSQL; SQLite's
    BEGIN IMMEDIATE already admits one writer at a time). With skip_locked, a row
    another transaction holds is not waited for: None."""
    stmt = select(Document).where(Document.slug == slug)
    return tx.scalar(stmt.with_for_update(skip_locked=skip_locked) if lock else stmt)


def get(session: Session, slug: str) -> Document:
    document = find(session, slug)
    if document is None or document.current_revision is None:
        raise NotFound("Không tìm thấy văn bản này.")
    return document


def check_expected(document: Document | None, expected: int | None) -> None:
    """Optimistic locking: the edit must be based on the revision being served now."""
    if document is None:
        if expected:
            raise NotFound("Không tìm thấy văn bản này.")
        return
    current = document.current_revision.number if document.current_revision else 0
    if not expected:
        raise Conflict(f"Đã có văn bản với đường dẫn “{document.slug}”.")
    if expected != current:
        raise Conflict(
            f"Văn bản đã được người khác sửa (nay là phiên bản {current}) sau khi "
            "bạn mở trang. Nội dung của bạn chưa được lưu: hãy tải lại trang, "
            "xem thay đổi rồi sửa lại trên phiên bản mới nhất."
        )


def save(tx: Session, actor: Actor, form: EditorForm, action: str) -> Document:
    """Validate the form and store it as a new revision (none if nothing changed).
    Raises Invalid (every problem), Conflict (stale form) or Invalid (bad transition)."""
    source = build_source(form)
    document = find(tx, form.slug, lock=True)
    check_expected(document, form.expected)
    state = next_state(document.state if document else None, action)
    current = document.current_revision if document else None
    if current is None or current.source_hash != source.text_hash or form.note.strip():
        revision = revisions.save_revision(
            tx,
            source,
            author=actor.username,
            note=form.note.strip()[:500],
            requires_restudy=form.requires_restudy and state == PUBLISHED,
        )
        document = revision.document
        audit.record(
            tx,
            actor,
            "document.create" if current is None else "document.edit",
            "document",
            document.id,
            slug=document.slug,
            revision=revision.number,
        )
    document.state = state
    return document


def schedule(tx: Session, actor: Actor, form: EditorForm, publish_at: datetime | None) -> Document:
    """Save the draft and have it published at `publish_at` (UTC), in the name of the
    editor who scheduled it (editor/scheduler.py)."""
    if publish_at is None or publish_at <= utcnow():
        raise Invalid([Problem("xuat_ban_luc", "hãy chọn ngày giờ xuất bản ở tương lai")])
    document = save(tx, actor, form, "schedule")
    document.publish_at, document.scheduled_by_id = publish_at, actor.user_id
    audit.record(
        tx, actor, "document.schedule", "document", document.id, slug=document.slug, at=publish_at.isoformat()
    )
    return document


def mark_published(tx: Session, actor: Actor, document: Document, **details) -> None:
    document.state, document.publish_at, document.archived_at = PUBLISHED, None, None
    document.scheduled_by_id = None
    versioning.bump(tx)
    audit.record(
        tx,
        actor,
        "document.publish",
        "document",
        document.id,
        slug=document.slug,
        revision=document.current_revision.number,
        **details,
    )


def archive(tx: Session, actor: Actor, slug: str, expected: int | None) -> Document:
    document = find(tx, slug, lock=True)
    check_expected(document, expected)
    if document is None:
        raise NotFound("Không tìm thấy văn bản này.")
    document.state = next_state(document.state, "archive")
    document.archived_at = utcnow()
    versioning.bump(tx)
    audit.record(tx, actor, "document.archive", "document", document.id, slug=slug)
    return document


def revert(tx: Session, actor: Actor, slug: str, number: int, expected: int | None) -> Document:
    """Bring back an earlier revision's source as a new revision (history is never rewritten)."""
    document = find(tx, slug, lock=True)
    check_expected(document, expected)
    if document is None:
        raise NotFound("Không tìm thấy văn bản này.")
    old = tx.scalar(select(Revision).where(Revision.document_id == document.id, Revision.number == number))
    if old is None:
        raise NotFound("Không tìm thấy phiên bản này.")
    source = parse_source(slug, old.source)
    revision = revisions.save_revision(
        tx, source, author=actor.username, note=f"Khôi phục phiên bản {number}"
    )
    audit.record(
        tx,
        actor,
        "document.revert",
        "document",
        document.id,
        slug=slug,
        revision=revision.number,
        restored=number,
    )
    return document
