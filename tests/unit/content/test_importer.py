"""Import is idempotent, keeps revisions, reports removed files; export round-trips."""

from __future__ import annotations

from sqlalchemy import func, select

from handbook.app_db import get_db
from handbook.content.importer import export_documents
from handbook.content.models import Document, Revision
from tests.conftest import import_folder


def count(app, model) -> int:
    with get_db(app).sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_first_import_creates_every_document(app, content_dir):
    report = import_folder(app, content_dir)
    assert sorted(report.created) == ["nghi-quyet-35", "quy-dinh-37", "quy-dinh-47"]
    assert count(app, Revision) == 3


def test_second_import_changes_nothing(app, content_dir):
    import_folder(app, content_dir)
    report = import_folder(app, content_dir)
    assert not report.changed and len(report.unchanged) == 3
    assert count(app, Revision) == 3


def test_changed_file_becomes_a_new_revision(app, content_dir):
    import_folder(app, content_dir)
    path = content_dir / "quy-dinh-47.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nĐoạn bổ sung.\n", encoding="utf-8")
    report = import_folder(app, content_dir)
    assert report.revised == ["quy-dinh-47"]
    with get_db(app).sessions() as s:
        doc = s.scalar(select(Document).where(Document.slug == "quy-dinh-47"))
        assert [r.number for r in doc.revisions] == [1, 2]
        assert doc.current_revision.number == 2
        assert "Đoạn bổ sung" in doc.current_revision.html


def test_removed_file_is_reported_not_deleted(app, content_dir):
    import_folder(app, content_dir)
    (content_dir / "quy-dinh-47.md").unlink()
    report = import_folder(app, content_dir)
    assert report.not_in_folder == ["quy-dinh-47"]
    assert count(app, Document) == 3


def test_bad_files_are_all_reported_and_good_ones_imported(app, content_dir):
    (content_dir / "hong-1.md").write_text("không có front matter", encoding="utf-8")
    (content_dir / "hong-2.md").write_bytes("---\nso_hieu: 1\n---\n".encode("utf-16"))
    report = import_folder(app, content_dir)
    assert {p.source for p in report.problems} == {"hong-1.md", "hong-2.md"}
    assert len(report.created) == 3


def test_duplicate_numbers_are_refused(app, content_dir):
    text = (content_dir / "quy-dinh-47.md").read_text(encoding="utf-8")
    (content_dir / "ban-sao.md").write_text(text, encoding="utf-8")
    report = import_folder(app, content_dir)
    assert {p.source for p in report.problems} == {"ban-sao.md", "quy-dinh-47.md"}
    assert "quy-dinh-47" not in report.created


def test_export_then_import_elsewhere_is_identical(app, content_dir, tmp_path):
    import_folder(app, content_dir)
    out = tmp_path / "export"
    with get_db(app).sessions() as s:
        assert len(export_documents(s, out)) == 3
    report = import_folder(app, out)
    assert len(report.unchanged) == 3 and not report.changed


def test_sections_are_stored_per_revision(library):
    with get_db(library).sessions() as s:
        doc = s.scalar(select(Document).where(Document.slug == "quy-dinh-37"))
        anchors = [sec.anchor for sec in doc.current_revision.sections]
    assert anchors[:3] == ["", "chuong-i-nhung-dieu-khong-duoc-lam", "dieu-1-noi-lam-trai-cuong-linh"]
