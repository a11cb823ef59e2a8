"""`flask handbook` content commands, through the CLI runner."""

from __future__ import annotations


def test_import_content_twice_is_idempotent(runner, content_dir):
    first = runner.invoke(args=["handbook", "import-content", str(content_dir)])
    assert first.exit_code == 0 and "Mới: 3" in first.output
    second = runner.invoke(args=["handbook", "import-content", str(content_dir)])
    assert "Mới: 0, có phiên bản mới: 0, không đổi: 3" in second.output


def test_check_content_fails_and_lists_every_problem(runner, content_dir):
    (content_dir / "hong.md").write_text("---\nso_hieu: x\n---\nthân", encoding="utf-8")
    result = runner.invoke(args=["handbook", "check-content", str(content_dir)])
    assert result.exit_code == 1
    for field in ("so_hieu", "tieu_de", "loai", "ngay_ban_hanh"):
        assert f"hong.md: {field}" in result.output


def test_export_content_writes_markdown(runner, content_dir, tmp_path):
    runner.invoke(args=["handbook", "import-content", str(content_dir)])
    out = tmp_path / "out"
    result = runner.invoke(args=["handbook", "export-content", str(out)])
    assert "Đã ghi 3" in result.output
    assert (out / "quy-dinh-37.md").read_text(encoding="utf-8").startswith("---\nso_hieu: 37-QĐ/TW")


def test_a_full_disk_ends_any_command_with_a_message_and_no_half_written_file(
    runner, content_dir, tmp_path, monkeypatch
):
    """Every command maps domain errors the same way: here export-content, whose
    files are written atomically, on a disk that fills at the second file."""
    import errno
    import os

    runner.invoke(args=["handbook", "import-content", str(content_dir)])
    out, real, written = tmp_path / "out", os.replace, []

    def replace(source, target):
        if written:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(target)
        real(source, target)

    monkeypatch.setattr(os, "replace", replace)
    result = runner.invoke(args=["handbook", "export-content", str(out)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "LỖI: Máy chủ đã hết chỗ trống khi ghi tệp" in result.output
    assert sorted(p.name for p in out.iterdir()) == [written[0].name]
