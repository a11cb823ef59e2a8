"""A full disk while an editor uploads: a message on the same page, no row, no file."""

from __future__ import annotations

import errno
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from handbook.app_db import get_db
from handbook.attachments import storage
from handbook.attachments.models import Attachment

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"
UPLOAD = "/bien-tap/van-ban/quy-dinh-37/tep-dinh-kem"


@pytest.fixture
def root(library) -> Path:
    root = Path(library.config["ATTACHMENTS_DIR"])
    root.mkdir(parents=True, exist_ok=True)
    return root


def _no_space(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def _upload(client):
    return client.post(
        UPLOAD,
        data={"tep": (io.BytesIO(PDF), "Quyết định.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def _rows(app) -> int:
    with get_db(app).sessions() as s:
        return s.scalar(select(func.count()).select_from(Attachment))


@pytest.mark.parametrize(
    "fails",
    [
        "spool",  # the upload's bytes do not fit (reported by fsync on delayed allocation)
        "commit",  # the file got its final name, but the folder entry could not be made durable
    ],
)
def test_a_full_disk_is_told_on_the_page_and_leaves_nothing_behind(
    library, clients, root, monkeypatch, fails
):
    if fails == "spool":
        monkeypatch.setattr(storage.os, "fsync", _no_space)
    else:
        monkeypatch.setattr(storage, "fsync_dir", _no_space)
    response = _upload(clients["editor"])
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.request.path == "/van-ban/quy-dinh-37"
    assert "Không lưu được tệp. Máy chủ đã hết chỗ trống khi ghi tệp đính kèm" in page
    assert _rows(library) == 0 and list(root.iterdir()) == []
    monkeypatch.undo()
    assert "Đã đính kèm tệp" in _upload(clients["editor"]).get_data(as_text=True)
    (stored,) = root.iterdir()
    assert _rows(library) == 1 and stored.read_bytes() == PDF


def test_a_full_disk_keeps_the_file_another_document_already_has(library, clients, root, monkeypatch):
    _upload(clients["editor"])
    (stored,) = root.iterdir()
    monkeypatch.setattr(storage, "fsync_dir", _no_space)
    other = "/bien-tap/van-ban/quy-dinh-47/tep-dinh-kem"
    response = clients["editor"].post(
        other,
        data={"tep": (io.BytesIO(PDF), "ban-sao.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "hết chỗ trống" in response.get_data(as_text=True)
    assert list(root.iterdir()) == [stored] and stored.read_bytes() == PDF
    assert _rows(library) == 1
