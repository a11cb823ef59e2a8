"""Search pages: HTML and JSON wiring, redirects, escaping, autocomplete."""

from __future__ import annotations

from pathlib import Path

import pytest

from handbook.app_db import session
from handbook.search import indexer


@pytest.fixture
def search_client(client, library):
    with library.app_context():
        indexer.rebuild(session(), Path(library.config["SEARCH_INDEX_DIR"]))
    return client


def test_results_page_highlights_and_links_to_the_section(search_client):
    response = search_client.get("/tim-kiem", query_string={"q": "uy ban hoa giai"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<mark>Ủy</mark> <mark>ban</mark>" in page
    assert 'href="/van-ban/nghi-quyet-35#phan-i-tinh-hinh"' in page


def test_query_is_escaped_everywhere(search_client):
    page = search_client.get("/tim-kiem", query_string={"q": '<script>alert("x")</script> đảng'}).get_data(
        as_text=True
    )
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page


@pytest.mark.parametrize("q", ['"', "*", "(", "a" * 20_000, "", "   "])
def test_hostile_or_empty_queries_render(search_client, q):
    assert search_client.get("/tim-kiem", query_string={"q": q}).status_code == 200


def test_a_bare_document_number_redirects_to_the_document(search_client):
    response = search_client.get("/tim-kiem", query_string={"q": "NQ35"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/van-ban/nghi-quyet-35")


def test_an_article_reference_redirects_to_the_section(search_client):
    response = search_client.get("/tim-kiem", query_string={"q": "dieu 1 quy dinh 37"})
    assert response.headers["Location"].endswith("/van-ban/quy-dinh-37#dieu-1-noi-lam-trai-cuong-linh")


def test_json_by_accept_header_and_by_suffix(search_client):
    by_header = search_client.get(
        "/tim-kiem", query_string={"q": "đảng viên"}, headers={"Accept": "application/json"}
    ).get_json()
    by_suffix = search_client.get("/tim-kiem.json", query_string={"q": "đảng viên"}).get_json()
    assert by_header == by_suffix
    assert by_header["total"] > 0 and by_header["hits"][0]["url"].startswith("/van-ban/")
    assert {"doc_type", "issuer", "year", "status"} <= set(by_header["facets"])
    assert any(seg["match"] for seg in by_header["hits"][0]["snippet"])


def test_json_names_the_target_instead_of_redirecting(search_client):
    data = search_client.get("/tim-kiem.json", query_string={"q": "35/NQ-TW"}).get_json()
    assert data["target"] == "/van-ban/nghi-quyet-35"


def test_filters_and_pagination_links(search_client):
    page = search_client.get("/tim-kiem", query_string={"q": "đảng", "loai": "Quy định"}).get_data(
        as_text=True
    )
    assert "nghi-quyet-35#" not in page
    assert '<option value="Quy định" selected>' in page


def test_did_you_mean_link(search_client):
    page = search_client.get("/tim-kiem", query_string={"q": "dang vein"}).get_data(as_text=True)
    assert "Có phải bạn muốn tìm" in page and "dang viên" in page


def test_autocomplete(search_client):
    data = search_client.get("/tim-kiem/goi-y", query_string={"q": "35-n"}).get_json()
    assert data["completions"][0] == {
        "label": "Nghị quyết 35-NQ/TW",
        "url": "/van-ban/nghi-quyet-35",
        "title": "Về tăng cường bảo vệ nền tảng tư tưởng của Đảng",
    }
    assert search_client.get("/tim-kiem/goi-y", query_string={"q": "("}).get_json() == {"completions": []}


def test_search_form_in_header_has_a_label_and_no_inline_script(search_client):
    page = search_client.get("/").get_data(as_text=True)
    assert 'for="_o-tim-kiem"' in page and 'id="_o-tim-kiem"' in page
    assert '<script src="/static/search.js?v=' in page
    assert "<script>" not in page


def test_missing_index_is_a_503_not_a_crash(client):
    assert client.get("/tim-kiem", query_string={"q": "đảng"}).status_code == 503
