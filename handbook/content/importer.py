"""Import the authored library into the database, and export it back.

Import is idempotent: an unchanged file changes nothing, a changed file becomes a
new revision of the same document, a removed file is only reported."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook.content.models import Document
from handbook.content.revisions import save_revision
from handbook.content.source import SourceDocument, parse_source
from handbook.content.vocabulary import number_key
from handbook.errors import Invalid, Problem
from handbook.fsutil import atomic_write_text

ARCHIVE_FOLDER = "luu-tru"


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    revised: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    not_in_folder: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.revised)


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
    if path.stat().st_size > max_bytes:
        raise Invalid([Problem("kích thước", f"tệp lớn hơn {max_bytes} byte", path.name)])
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise Invalid([Problem("mã hóa", "tệp không phải UTF-8", path.name)]) from None
    return parse_source(path.stem, raw, path.name)


def _duplicate_numbers(sources: list[SourceDocument]) -> list[Problem]:
    owners: dict[str, list[str]] = {}
    for source in sources:
        owners.setdefault(number_key(source.meta.number), []).append(source.slug)
    return [
        Problem("so_hieu", f"trùng số hiệu với {', '.join(s for s in slugs if s != slug)}", f"{slug}.md")
        for slugs in owners.values() if len(slugs) > 1 for slug in slugs
    ]


def import_sources(session: Session, sources: list[SourceDocument], author: str) -> ImportReport:
    """Bring the database in step with the given sources, inside the caller's transaction."""
    report = ImportReport()
    existing = {d.slug: d for d in session.scalars(select(Document))}
    for source in sources:
        document = existing.get(source.slug)
        if document and document.current_revision and \
                document.current_revision.source_hash == source.text_hash:
            report.unchanged.append(source.slug)
            continue
        try:
            save_revision(session, source, author=author, note="Nhập từ thư mục nội dung")
        except Invalid as exc:
            report.problems.extend(exc.problems)
            continue
        (report.revised if document else report.created).append(source.slug)
    seen = {s.slug for s in sources} | {p.source.removesuffix(".md") for p in report.problems}
    report.not_in_folder = sorted(set(existing) - seen)
    return report


def export_documents(session: Session, directory: Path) -> list[str]:
    """Write each published document's current source as `<slug>.md` and each archived
    one as `luu-tru/<slug>.md` (out of the import's reach); drafts are not written.
    Returns the slugs written."""
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
            atomic_write_text(target, text)
        written.append(document.slug)
    return written
