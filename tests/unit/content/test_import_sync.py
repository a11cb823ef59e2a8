"""Import never overwrites work done in the application: every branch of the three-way
rule (file, current revision, the text both last agreed on), old databases, drafts,
archived documents, export back into the folder, and the command's exit status."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from handbook.accounts.audit import Actor
from handbook.app_db import get_db
from handbook.clock import utcnow
from handbook.content import importer
from handbook.content.importer import APP_EDITED, CONFLICT, FILE_CHANGED, UNCHANGED, decide
from handbook.content.models import Document
from handbook.editor import drafting, workflow
from tests.conftest import import_folder
from tests.factories import editor_form

EDITOR = Actor(None, "bien.tap.vien", "")
SLUG = "quy-dinh-37"
APP_TEXT = "Bản sửa trong ứng dụng.\n"
FILE_TEXT = "Đoạn sửa trong tệp."


def doc(app, slug: str = SLUG) -> Document:
    with get_db(app).sessions() as s:
        document = s.scalar(select(Document).where(Document.slug == slug))
        s.expunge(document.current_revision)
        s.expunge(document)
        return document


def body(app, slug: str = SLUG) -> str:
    return doc(app, slug).current_revision.source


def edit_in_app(app, slug: str = SLUG, text: str = APP_TEXT) -> None:
    """What the editor's "Xuất bản" button does to a published document."""
    with app.app_context(), get_db(app).transaction() as tx:
        form = drafting.from_document(workflow.get(tx, slug))
        form.body = text
        workflow.mark_published(tx, EDITOR, workflow.save(tx, EDITOR, form, "publish"))


def edit_file(content_dir, slug: str = SLUG, text: str = FILE_TEXT) -> None:
    path = content_dir / f"{slug}.md"
    path.write_text(path.read_text(encoding="utf-8") + f"\n{text}\n", encoding="utf-8")


def forget_agreement(app) -> None:
    """A database made before `synced_hash` existed."""
    with get_db(app).transaction() as tx:
        tx.execute(update(Document).values(synced_hash=None))


@pytest.mark.parametrize(
    "file, current, agreed, outcome",
    [
        ("a", "a", "a", UNCHANGED),
        ("a", "a", None, UNCHANGED),
        ("b", "a", "a", FILE_CHANGED),
        ("a", "b", "a", APP_EDITED),
        ("c", "b", "a", CONFLICT),
        ("c", "b", None, CONFLICT),
    ],
)
def test_the_three_way_rule(file, current, agreed, outcome):
    assert decide(file, current, agreed) == outcome


def test_import_records_the_agreed_text(library):
    assert doc(library).synced_hash == doc(library).current_revision.source_hash


def test_a_file_changed_since_the_last_import_becomes_a_new_revision(library, content_dir):
    edit_file(content_dir)
    report = import_folder(library, content_dir)
    assert report.revised == [SLUG] and not report.kept and not report.conflicts
    document = doc(library)
    assert FILE_TEXT in document.current_revision.source
    assert document.synced_hash == document.current_revision.source_hash


def test_an_edit_made_in_the_application_is_kept(library, content_dir):
    edit_in_app(library)
    report = import_folder(library, content_dir)
    assert [(h.slug, h.reason, h.revision, h.author) for h in report.kept] == [
        (SLUG, APP_EDITED, 2, "bien.tap.vien")
    ]
    assert not report.changed and not report.problems and not report.conflicts
    assert body(library).endswith(APP_TEXT) and doc(library).current_revision.number == 2


def test_both_changed_is_a_conflict_and_nothing_is_applied(library, content_dir):
    edit_in_app(library)
    edit_file(content_dir)
    edit_file(content_dir, "nghi-quyet-35")
    report = import_folder(library, content_dir)
    assert [(h.slug, h.reason, h.revision) for h in report.conflicts] == [(SLUG, CONFLICT, 2)]
    assert body(library).endswith(APP_TEXT)
    assert report.revised == ["nghi-quyet-35"]  # the other files are imported


def test_overwrite_app_edits_lets_the_file_win_as_a_new_revision(library, content_dir):
    edit_in_app(library)
    edit_file(content_dir)
    with get_db(library).transaction() as tx:
        sources, _ = importer.read_folder(content_dir, library.config["MARKDOWN_MAX_BYTES"])
        report = importer.import_sources(tx, sources, "test", overwrite_app_edits=True)
    assert [(h.slug, h.revision) for h in report.overwritten] == [(SLUG, 2)] and report.changed
    document = doc(library)
    assert document.current_revision.number == 3 and FILE_TEXT in document.current_revision.source
    assert document.current_revision.note == importer.OVERWRITE_NOTE
    assert import_folder(library, content_dir).unchanged == sorted(
        ["nghi-quyet-35", "quy-dinh-37", "quy-dinh-47"]
    )


def test_old_database_falls_back_to_the_last_imported_revision(library, content_dir):
    edit_in_app(library)
    forget_agreement(library)
    report = import_folder(library, content_dir)
    assert [h.slug for h in report.kept] == [SLUG] and body(library).endswith(APP_TEXT)
    assert doc(library).synced_hash is not None  # the fallback's answer is kept
    edit_file(content_dir)
    forget_agreement(library)
    assert [h.slug for h in import_folder(library, content_dir).conflicts] == [SLUG]


def test_old_database_takes_a_changed_file_when_nothing_was_edited(library, content_dir):
    forget_agreement(library)
    edit_file(content_dir)
    assert import_folder(library, content_dir).revised == [SLUG]


def test_a_document_born_in_the_application_conflicts_with_a_new_file(library, content_dir):
    with library.app_context(), get_db(library).transaction() as tx:
        workflow.mark_published(tx, EDITOR, workflow.save(tx, EDITOR, editor_form(), "publish"))
    forget_agreement(library)
    text = (content_dir / f"{SLUG}.md").read_text(encoding="utf-8")
    (content_dir / "ket-luan-21.md").write_text(text.replace("37-QĐ/TW", "21-KL/TW", 1), encoding="utf-8")
    report = import_folder(library, content_dir)
    assert [h.slug for h in report.conflicts] == ["ket-luan-21"]
    assert "Kiên quyết ngăn chặn" in body(library, "ket-luan-21")


def test_archived_document_is_neither_revived_nor_rewritten(library, content_dir):
    with library.app_context(), get_db(library).transaction() as tx:
        workflow.archive(tx, EDITOR, SLUG, 1)
    edit_file(content_dir)
    with get_db(library).transaction() as tx:
        sources, _ = importer.read_folder(content_dir, library.config["MARKDOWN_MAX_BYTES"])
        report = importer.import_sources(tx, sources, "test", overwrite_app_edits=True)
    assert [(h.slug, h.reason) for h in report.kept] == [(SLUG, "archived")]
    document = doc(library)
    assert document.state == "archived" and document.current_revision.number == 1


def test_scheduled_draft_is_not_rewritten_by_a_file_of_the_same_name(library, content_dir):
    when = utcnow() + timedelta(days=1)
    with library.app_context(), get_db(library).transaction() as tx:
        workflow.schedule(tx, EDITOR, editor_form(), when)
    text = (content_dir / f"{SLUG}.md").read_text(encoding="utf-8")
    (content_dir / "ket-luan-21.md").write_text(text.replace("37-QĐ/TW", "21-KL/TW", 1), encoding="utf-8")
    report = import_folder(library, content_dir)
    assert [(h.slug, h.reason) for h in report.kept] == [("ket-luan-21", "draft")]
    draft = doc(library, "ket-luan-21")
    assert draft.state == "draft" and draft.publish_at is not None
    assert "Kiên quyết ngăn chặn" in draft.current_revision.source


def test_export_into_the_folder_then_a_file_edit_imports(library, content_dir):
    edit_in_app(library)
    with get_db(library).transaction() as tx:
        importer.export_documents(tx, content_dir, agreed=True)
    assert len(import_folder(library, content_dir).unchanged) == 3
    edit_file(content_dir)  # edited again before any import: still only the file changed
    assert import_folder(library, content_dir).revised == [SLUG]
    assert body(library).endswith(f"{APP_TEXT}\n{FILE_TEXT}\n")


def test_export_elsewhere_does_not_make_the_stale_folder_win(library, content_dir, tmp_path):
    edit_in_app(library)
    with get_db(library).transaction() as tx:
        importer.export_documents(tx, tmp_path / "elsewhere")
    assert [h.slug for h in import_folder(library, content_dir).kept] == [SLUG]
    assert body(library).endswith(APP_TEXT)


def test_command_keeps_app_edits_and_goes_on(library, runner, content_dir):
    edit_in_app(library)
    result = runner.invoke(args=["handbook", "import-content", str(content_dir)])
    assert result.exit_code == 0, result.output
    assert "giữ bản trong ứng dụng: 1, xung đột: 0, lỗi: 0." in result.output
    assert (
        f"Giữ bản sửa trong ứng dụng (tệp không đổi từ lần nhập trước): {SLUG}, "
        "phiên bản 2 do bien.tap.vien lưu lúc " in result.output
    )
    assert "export-content" in result.output


def test_command_reports_a_conflict_and_fails_unless_told_to_overwrite(library, runner, content_dir):
    edit_in_app(library)
    edit_file(content_dir)
    result = runner.invoke(args=["handbook", "import-content", str(content_dir)])
    assert result.exit_code == 1
    assert f"XUNG ĐỘT {SLUG}.md" in result.output
    assert "văn bản đang ở phiên bản 2 do bien.tap.vien lưu lúc" in result.output
    assert "--overwrite-app-edits" in result.output
    forced = runner.invoke(args=["handbook", "import-content", str(content_dir), "--overwrite-app-edits"])
    assert forced.exit_code == 0, forced.output
    assert "Tệp thay bản sửa trong ứng dụng (phiên bản 2 do bien.tap.vien" in forced.output
    assert FILE_TEXT in body(library)


def test_export_command_into_the_content_folder_records_the_agreement(library, runner, content_dir):
    edit_in_app(library)
    assert runner.invoke(args=["handbook", "export-content", str(content_dir)]).exit_code == 0
    assert doc(library).synced_hash == doc(library).current_revision.source_hash
