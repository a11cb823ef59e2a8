"""export-content mirrors what editors published: drafts stay out, archived ones move aside."""

from __future__ import annotations

from handbook.content import importer
from handbook.editor import publishing, workflow
from tests.factories import editor_form
from tests.unit.editor.conftest import EDITOR


def test_export_writes_published_skips_drafts_and_moves_archived(db, index_root, tmp_path):
    out = tmp_path / "export"
    with db.reads() as reader:
        importer.export_documents(reader, out)
    with db.transaction() as tx:
        workflow.save(tx, EDITOR, editor_form(), "save")
    publishing.archive(db, index_root, EDITOR, "quy-dinh-37", 1)
    with db.reads() as reader:
        written = importer.export_documents(reader, out)
    assert "ket-luan-21" not in written and not (out / "ket-luan-21.md").exists()
    assert not (out / "quy-dinh-37.md").exists()
    assert (out / "luu-tru" / "quy-dinh-37.md").read_text(encoding="utf-8").startswith("---\n")
    assert (out / "nghi-quyet-35.md").exists()


def test_an_edit_published_in_the_browser_is_exported(db, index_root, tmp_path):
    form = editor_form(
        slug="quy-dinh-37",
        phien_ban="1",
        so_hieu="37-QĐ/TW",
        loai="Quy định",
        noi_dung="Nội dung sửa trên trình duyệt.\n",
    )
    publishing.publish(db, index_root, EDITOR, form)
    with db.reads() as reader:
        importer.export_documents(reader, tmp_path)
    text = (tmp_path / "quy-dinh-37.md").read_text(encoding="utf-8")
    assert "so_hieu: 37-QĐ/TW" in text and text.endswith("Nội dung sửa trên trình duyệt.\n")
