"""Import the authored library into the database, and export it back.

Once the application is used, the database is the system of record: `content/` is
the seed and the place for reviewed bulk changes. Import is idempotent and never
overwrites work done in the application. Per file it compares three texts: the
file (F), the document's current revision (C) and the text both last agreed on
(B, `Document.synced_hash`):

- F == C: unchanged;
- C == B: only the file changed since then, so it becomes a new revision;
- F == B: only the application changed it, so its text is kept;
- otherwise both changed: a conflict, nothing applied, unless the caller lets the
  file win (`overwrite_app_edits`).

Drafts and archived documents belong to the editors' workflow: the import never
changes them (nor their state). A removed file is only reported."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook.content.models import Document, Revision
from handbook.content.revisions import save_revision
from handbook.content.source import SourceDocument, parse_source
from handbook.content.vocabulary import number_key
from handbook.errors import Invalid, Problem
from handbook.fsutil import atomic_write_text, disk_space

ARCHIVE_FOLDER = "luu-tru"
IMPORT_NOTE = "Nhập từ thư mục nội dung"
OVERWRITE_NOTE = "Nhập từ thư mục nội dung, thay bản sửa trong ứng dụng"
# What the three-way comparison found for one file (see decide()).
UNCHANGED, FILE_CHANGED, APP_EDITED, CONFLICT = "unchanged", "file_changed", "app_edited", "conflict"


@dataclass(frozen=True)
class Held:
    """A document whose text the import left as the application has it (or, once
    overwritten, had it): why, and its current revision then."""

    slug: str
    reason: str  # APP_EDITED, CONFLICT or the document's state ("draft", "archived")
    revision: int
    author: str
    at: datetime


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    revised: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[Held] = field(default_factory=list)  # the application's text stays
    conflicts: list[Held] = field(default_factory=list)  # both changed: nothing applied
    overwritten: list[Held] = field(default_factory=list)  # both changed, the file won
    not_in_folder: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.revised or self.overwritten)


def read_folder(directory: Path, max_bytes: int) -> tuple[list[SourceDocument], list[Problem]]:
    """Parse every `*.md` file; returns the valid ones and every problem of the others."""
    if not directory.is_dir():
        raise Invalid([Problem("thư mục", f"không tồn tại: {directory.name}")])
    sources, problems = [], []
    for path in sorted(directory.glob("*.md")):
        try:
            sources.append(_read_file(path, max_bytes))
        except Invalid as exc:
            problems.extend(exc.problems)
    problems.extend(_duplicate_numbers(sources))
    duplicates = {p.source for p in problems}
    return [s for s in sources if f"{s.slug}.md" not in duplicates], problems


def _read_file(path: Path, max_bytes: int) -> SourceDocument:
    try:
        if path.stat().st_size > max_bytes:
            raise Invalid([Problem("kích thước", f"tệp lớn hơn {max_bytes} byte", path.name)])
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise Invalid([Problem("mã hóa", "tệp không phải UTF-8", path.name)]) from None
    except OSError as exc:
        raise Invalid([Problem("tệp", f"không đọc được ({exc.strerror})", path.name)]) from None
    return parse_source(path.stem, raw, path.name)


def _duplicate_numbers(sources: list[SourceDocument]) -> list[Problem]:
    owners: dict[str, list[str]] = {}
    for source in sources:
        owners.setdefault(number_key(source.meta.number), []).append(source.slug)
    return [
        Problem("so_hieu", f"trùng số hiệu với {', '.join(s for s in slugs if s != slug)}", f"{slug}.md")
        for slugs in owners.values()
        if len(slugs) > 1
        for slug in slugs
    ]


def import_sources(
    session: Session, sources: list[SourceDocument], author: str, *, overwrite_app_edits: bool = False
) -> ImportReport:
    """Bring the database in step with the given sources, inside the caller's
    transaction, without overwriting what was changed in the application; with
    `overwrite_app_edits` a conflicting file wins as a new revision."""
    report = ImportReport()
    existing = {d.slug: d for d in session.scalars(select(Document))}
    for source in sources:
        _import_one(session, report, existing.get(source.slug), source, author, overwrite_app_edits)
    seen = {s.slug for s in sources} | {p.source.removesuffix(".md") for p in report.problems}
    report.not_in_folder = sorted(set(existing) - seen)
    return report


def decide(file_hash: str, current_hash: str, agreed: str | None) -> str:
    """Which side changed since the folder and the database last agreed on `agreed`."""
    if file_hash == current_hash:
        return UNCHANGED
    if current_hash == agreed:
        return FILE_CHANGED
    if file_hash == agreed:
        return APP_EDITED
    return CONFLICT


def agreed_hash(session: Session, document: Document) -> str | None:
    """B for `document`. Databases made before `synced_hash` existed fall back to the
    latest revision an import wrote: that text was the file's then. A document no
    import ever wrote was born in the application, so it has no agreed text and any
    file that differs from it is a conflict."""
    if document.synced_hash:
        return document.synced_hash
    return session.scalar(
        select(Revision.source_hash)
        .where(Revision.document_id == document.id, Revision.note == IMPORT_NOTE)
        .order_by(Revision.number.desc())
        .limit(1)
    )


def _import_one(
    session: Session,
    report: ImportReport,
    document: Document | None,
    source: SourceDocument,
    author: str,
    overwrite: bool,
) -> None:
    if document is None or document.current_revision is None:
        if _save(session, report, source, author, IMPORT_NOTE):
            (report.revised if document else report.created).append(source.slug)
        return
    outcome = decide(source.text_hash, document.current_revision.source_hash, agreed_hash(session, document))
    if outcome == UNCHANGED:
        document.synced_hash = source.text_hash
        report.unchanged.append(source.slug)
    elif not document.is_published:
        # A draft may be scheduled and an archived document is still read by link:
        # a file must not publish, revive or rewrite them behind the editors' backs.
        report.kept.append(_held(document, document.state))
    elif outcome == FILE_CHANGED:
        if _save(session, report, source, author, IMPORT_NOTE):
            report.revised.append(source.slug)
    elif outcome == APP_EDITED:
        document.synced_hash = source.text_hash  # keeps what the fallback found
        report.kept.append(_held(document, APP_EDITED))
    elif overwrite:
        held = _held(document, CONFLICT)
        if _save(session, report, source, author, OVERWRITE_NOTE):
            report.overwritten.append(held)
    else:
        report.conflicts.append(_held(document, CONFLICT))


def _save(session: Session, report: ImportReport, source: SourceDocument, author: str, note: str) -> bool:
    """Save the file as the current revision, now the agreed text; False (and the
    problems reported) when it is refused."""
    try:
        revision = save_revision(session, source, author=author, note=note)
    except Invalid as exc:
        report.problems.extend(exc.problems)
        return False
    revision.document.synced_hash = source.text_hash
    return True


def _held(document: Document, reason: str) -> Held:
    current = document.current_revision
    return Held(document.slug, reason, current.number, current.author, current.created_at)


def export_documents(session: Session, directory: Path, *, agreed: bool = False) -> list[str]:
    """Write each published document's current source as `<slug>.md` and each archived
    one as `luu-tru/<slug>.md` (out of the import's reach); drafts are not written.
    Returns the slugs written.

    `agreed`: `directory` is the folder the import reads, so the written texts become
    the agreed ones (a session that writes is needed). Never for another folder: the
    stale file left in the import's folder would then look changed and win."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for document in session.scalars(select(Document).order_by(Document.slug)):
        if document.current_revision is None or document.state not in ("published", "archived"):
            continue
        target = directory / f"{document.slug}.md"
        if document.state == "archived":
            target.unlink(missing_ok=True)  # git keeps its history; import must not revive it
            target = directory / ARCHIVE_FOLDER / target.name
            target.parent.mkdir(exist_ok=True)
        text = document.current_revision.source
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            with disk_space(f"tệp {target.name}"):
                atomic_write_text(target, text)
        if agreed:
            document.synced_hash = document.current_revision.source_hash
        written.append(document.slug)
    return written
