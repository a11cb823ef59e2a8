"""Library and reading pages, as a member's phone sees them."""

from __future__ import annotations

import gzip
import re

from sqlalchemy import update

from handbook import migrate
from handbook.app import create_app
from handbook.app_db import get_db
from handbook.content import versioning
from handbook.content.models import Document


def test_library_lists_published_documents(client):
    html = client.get("/").get_data(as_text=True)
    assert "3 văn bản" in html and "Quy định 37-QĐ/TW" in html
    assert '<html lang="vi"' in html and 'name="viewport"' in html


def test_library_filters_and_sorts(client):
    html = client.get("/?loai=Nghị quyết").get_data(as_text=True)
    assert "1 văn bản" in html and "35-NQ/TW" in html and "37-QĐ/TW" not in html
    html = client.get("/?nam=2011").get_data(as_text=True)
    assert "1 văn bản" in html and "47-QĐ/TW" in html
    html = client.get("/?hieu-luc=replaced").get_data(as_text=True)
    assert "47-QĐ/TW" in html and "37-QĐ/TW" not in html
    html = client.get("/?sap-xep=cu-nhat").get_data(as_text=True)
    assert html.index("47-QĐ/TW") < html.index("37-QĐ/TW")


def test_library_ignores_nonsense_parameters(client):
    for query in ("?nam=abc", "?trang=-1", "?sap-xep=drop", "?hieu-luc=<x>", "?trang=999999999"):
        assert client.get("/" + query).status_code == 200


def test_document_page_has_metadata_toc_and_anchors(client):
    html = client.get("/van-ban/quy-dinh-37").get_data(as_text=True)
    assert "<h1>Về những điều đảng viên không được làm</h1>" in html
    assert 'href="#dieu-1-noi-lam-trai-cuong-linh"' in html
    assert 'id="dieu-1-noi-lam-trai-cuong-linh"' in html
    assert "25/10/2021" in html and "Ban Chấp hành Trung ương" in html


def test_replaced_document_shows_banner_and_link(client):
    html = client.get("/van-ban/quy-dinh-47").get_data(as_text=True)
    assert "Văn bản này đã bị thay thế bởi" in html
    assert 'href="/van-ban/quy-dinh-37"' in html


def test_relations_shown_both_ways(client):
    html = client.get("/van-ban/quy-dinh-37").get_data(as_text=True)
    assert "Thay thế" in html and 'href="/van-ban/quy-dinh-47"' in html
    assert "63/2010/NĐ-CP" in html and "chưa có trong thư viện" in html


def test_nfd_source_renders_as_nfc(client):
    html = client.get("/van-ban/nghi-quyet-35").get_data(as_text=True)
    assert "Điều 5. Nhiệm vụ" in html and 'id="dieu-5-nhiem-vu"' in html


def test_unknown_document_is_a_vietnamese_404(client):
    response = client.get("/van-ban/khong-co")
    assert response.status_code == 404
    assert "Không tìm thấy" in response.get_data(as_text=True)


def test_unpublished_document_is_hidden(client, library):
    with get_db(library).transaction() as tx:
        tx.execute(update(Document).where(Document.slug == "quy-dinh-37").values(state="draft"))
        versioning.bump(tx)
    assert client.get("/van-ban/quy-dinh-37").status_code == 404
    assert "37-QĐ/TW" not in client.get("/").get_data(as_text=True).split("doc-list")[1]


def test_cached_page_follows_the_content_version(client, library):
    assert "Trích yếu" in client.get("/van-ban/quy-dinh-37").get_data(as_text=True)
    with get_db(library).transaction() as tx:
        tx.execute(update(Document).where(Document.slug == "quy-dinh-37").values(title="Tên mới"))
    assert "Tên mới" not in client.get("/van-ban/quy-dinh-37").get_data(as_text=True)
    with get_db(library).transaction() as tx:
        versioning.bump(tx)
    assert "Tên mới" in client.get("/van-ban/quy-dinh-37").get_data(as_text=True)


def test_font_size_persists_in_a_cookie(client):
    response = client.post("/tuy-chinh/co-chu", data={"co_chu": "lon", "next": "/van-ban/quy-dinh-37"})
    assert response.status_code == 302 and response.headers["Location"] == "/van-ban/quy-dinh-37"
    assert 'class="co-chu-lon"' in client.get("/").get_data(as_text=True)


def test_font_size_never_redirects_off_site(client):
    for target in ("https://evil.example", "//evil.example", "/\\evil.example", "\t//evil"):
        response = client.post("/tuy-chinh/co-chu", data={"co_chu": "lon", "next": target})
        assert response.headers["Location"] == "/"


def test_document_page_weighs_under_60_kb_compressed(client):
    html = client.get("/van-ban/quy-dinh-37").get_data()
    with client.get("/static/handbook.css") as response:
        css = response.get_data()
    assert len(gzip.compress(html)) + len(gzip.compress(css)) < 60 * 1024


def test_pages_make_no_external_requests(client):
    html = client.get("/van-ban/quy-dinh-37").get_data(as_text=True)
    assert not re.search(r'(src|href)="(https?:)?//', html)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert all('src="/static/' in attrs and not body.strip() for attrs, body in scripts)
    assert "style=" not in html


def test_security_headers_are_sent(client):
    headers = client.get("/").headers
    csp = headers["Content-Security-Policy"]
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_development_sends_no_hsts(tmp_path):
    app = create_app(
        {
            "ENV_NAME": "development",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'd.db'}",
            "SEARCH_INDEX_DIR": str(tmp_path / "idx"),
        }
    )
    migrate.upgrade(app)
    headers = app.test_client().get("/dang-nhap").headers
    assert "Strict-Transport-Security" not in headers
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_json_errors_for_json_clients(client):
    response = client.get("/van-ban/khong-co", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.json["error"]["status"] == 404
