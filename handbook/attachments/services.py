"""Adding, removing, listing and serving attachments. No Flask: paths and limits come in."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from handbook.accounts import audit
from handbook.accounts.audit import Actor
from handbook.attachments import content_types, storage
from handbook.attachments.models import Attachment
from handbook.content import versioning
from handbook.content.models import Document
from handbook.errors import Invalid, NotFound, Problem

FIELD = "tep"
_NOT_FOUND = "Không tìm thấy tệp đính kèm này."


def _refuse(reason: str) -> Invalid:
    return Invalid([Problem(FIELD, reason)])


def _megabytes(count: int) -> str:
    return f"{count / (1024 * 1024):.0f} MB"


def document_id_for(session: Session, slug: str) -> int:
    """The id of a document in any state (editors attach to drafts too); NotFound otherwise."""
    document_id = session.scalar(select(Document.id).where(Document.slug == slug))
    if document_id is None:
        raise NotFound("Không tìm thấy văn bản này.")
    return document_id


def add(
    tx: Session, actor: Actor, document_id: int, filename: str, stream: BinaryIO, max_bytes: int, root: Path
) -> Attachment:
    """Store the upload under its content hash and record it.

    The same content added twice to one document is kept once (the existing row
    is returned). Raises Invalid when empty, too big or not a PDF/PNG/JPEG/WebP,
    NotFound when the document does not exist."""
    if tx.get(Document, document_id) is None:
        raise NotFound("Không tìm thấy văn bản này.")
    try:
        spooled = storage.spool(stream, root, max_bytes)
    except storage.TooLarge:
        raise _refuse(f"Tệp quá lớn: tối đa {_megabytes(max_bytes)}.") from None
    try:
        return _record(tx, actor, document_id, filename, spooled, root)
    finally:
        storage.discard(spooled)  # a no-op once committed under its final name


def _record(
    tx: Session, actor: Actor, document_id: int, filename: str, spooled: storage.Spooled, root: Path
) -> Attachment:
    if spooled.size == 0:
        raise _refuse("Tệp rỗng, không có nội dung.")
    media_type = content_types.detect(spooled.head)
    if media_type is None:
        raise _refuse("Chỉ nhận tệp PDF hoặc ảnh (PNG, JPEG, WebP); nội dung tệp không đúng loại.")
    existing = tx.scalar(
        select(Attachment).where(Attachment.document_id == document_id, Attachment.sha256 == spooled.sha256)
    )
    if existing is not None:
        return existing
    stored_name = f"{spooled.sha256}.{content_types.EXTENSIONS[media_type]}"
    storage.commit(spooled, root, stored_name)
    attachment = Attachment(
        document_id=document_id,
        filename=content_types.clean_filename(filename, media_type),
        stored_name=stored_name,
        media_type=media_type,
        size=spooled.size,
        sha256=spooled.sha256,
        uploaded_by=actor.user_id,
    )
    tx.add(attachment)
    tx.flush()
    audit.record(
        tx,
        actor,
        "attachments.added",
        "attachment",
        attachment.id,
        document_id=document_id,
        filename=attachment.filename,
        media_type=media_type,
        size=spooled.size,
        sha256=spooled.sha256,
    )
    versioning.bump(tx)  # document pages list their files from the content cache
    return attachment


def remove(tx: Session, actor: Actor, attachment_id: int, root: Path) -> Attachment:
    """Delete the row; the file goes after commit, unless another document still uses it."""
    attachment = tx.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound(_NOT_FOUND)
    tx.delete(attachment)
    versioning.bump(tx)
    audit.record(
        tx,
        actor,
        "attachments.removed",
        "attachment",
        attachment.id,
        document_id=attachment.document_id,
        filename=attachment.filename,
        sha256=attachment.sha256,
    )
    tx.flush()
    if not _still_used(tx, attachment.stored_name):
        stored_name = attachment.stored_name
        event.listen(tx, "after_commit", lambda _s: storage.remove(root, stored_name), once=True)
    return attachment


def _still_used(session: Session, stored_name: str) -> bool:
    query = select(func.count()).where(Attachment.stored_name == stored_name)
    return bool(session.scalar(query))


def list_for(session: Session, document_id: int) -> list[Attachment]:
    query = select(Attachment).where(Attachment.document_id == document_id)
    return list(session.scalars(query.order_by(Attachment.id)))


def list_for_slug(session: Session, slug: str, may_see_drafts: bool) -> list[Attachment]:
    """The attachments of the document at slug, in one indexed query; [] for drafts unless allowed."""
    query = (
        select(Attachment).join(Document, Document.id == Attachment.document_id).where(Document.slug == slug)
    )
    if not may_see_drafts:
        query = query.where(Document.state == "published")
    return list(session.scalars(query.order_by(Attachment.id)))


def open_for_download(
    session: Session, attachment_id: int, root: Path, may_see_drafts: bool
) -> tuple[Attachment, Path]:
    """The attachment and its file. NotFound for unknown ids, a missing file, or an
    unpublished document when the reader may not see drafts (its existence stays hidden)."""
    row = session.execute(
        select(Attachment, Document.state)
        .join(Document, Document.id == Attachment.document_id)
        .where(Attachment.id == attachment_id)
    ).first()
    if row is None or (row.state != "published" and not may_see_drafts):
        raise NotFound(_NOT_FOUND)
    path = storage.path_of(root, row.Attachment.stored_name)
    if not path.is_file():
        raise NotFound(_NOT_FOUND)
    return row.Attachment, path
