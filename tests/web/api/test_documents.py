"""Library, document (ETag), search and autocomplete through the API."""

from __future__ import annotations

from pathlib import Path

import pytest

from handbook.app_db import session
from handbook.search import indexer
from tests.conftest import import_folder
from tests.web.api.conftest import BASE


@pytest.fixture
def indexed(library):
    with library.app_context():
        indexer.rebuild(session(), Path(library.config["SEARCH_INDEX_DIR"]))
    return library


def test_library_lists_filters_and_pages(api, member_auth):
    data = api.get(f"{BASE}/documents?per_page=2", headers=member_auth).get_json()
    assert data["total"] == 3 and data["pages"] == 2 and len(data["items"]) == 2
    assert (
        data["facets"]["types"]
        and {"value": "in_force", "label": "Còn hiệu lực"} in data["facets"]["statuses"]
    )
    second = api.get(f"{BASE}/documents?per_page=2&page=2", headers=member_auth).get_json()
    slugs = {d["slug"] for d in data["items"] + second["items"]}
    assert slugs == {"nghi-quyet-35", "quy-dinh-37", "quy-dinh-47"}
    replaced = api.get(f"{BASE}/documents?status=replaced", headers=member_auth).get_json()
    assert [d["slug"] for d in replaced["items"]] == ["quy-dinh-47"]
    by_year = api.get(f"{BASE}/documents?year=2021&type=Quy định", headers=member_auth).get_json()
    assert [d["number"] for d in by_year["items"]] == ["37-QĐ/TW"]


@pytest.mark.parametrize(
    "query, fields",
    [
        ("page=0", {"page"}),
        ("per_page=101", {"per_page"}),
        ("year=abc", {"year"}),
        ("status=valid", {"status"}),
        ("sort=random", {"sort"}),
        ("page=-1&year=1", {"page", "year"}),
        ("page=١", {"page"}),  # Arabic-Indic digit: isdigit() but not ASCII
    ],
)
def test_bad_query_values_are_422_naming_every_field(api, member_auth, query, fields):
    response = api.get(f"{BASE}/documents?{query}", headers=member_auth)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid" and {d["field"] for d in error["details"]} == fields


def test_document_has_metadata_sections_relations_and_sanitised_html(api, member_auth):
    response = api.get(f"{BASE}/documents/quy-dinh-37", headers=member_auth)
    assert response.status_code == 200 and response.headers["ETag"].startswith('"')
    doc = response.get_json()
    assert doc["number"] == "37-QĐ/TW" and doc["revision"]["number"] == 1
    assert {
        "anchor": "dieu-1-noi-lam-trai-cuong-linh",
        "heading": "Điều 1. Nói, làm trái Cương lĩnh",
        "level": 3,
    } in doc["sections"]
    assert any(
        r["label"] == "Thay thế" and r["document"] and r["document"]["slug"] == "quy-dinh-47"
        for r in doc["relations"]
    )
    assert 'id="dieu-1-noi-lam-trai-cuong-linh"' in doc["html"] and "<script" not in doc["html"]
    old = api.get(f"{BASE}/documents/quy-dinh-47", headers=member_auth).get_json()
    assert [d["slug"] for d in old["replaced_by"]] == ["quy-dinh-37"]


def test_if_none_match_answers_304_until_a_new_revision(api, library, content_dir, member_auth):
    url = f"{BASE}/documents/quy-dinh-37"
    etag = api.get(url, headers=member_auth).headers["ETag"]
    unchanged = api.get(url, headers={**member_auth, "If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.data == b""
    assert unchanged.headers["ETag"] == etag
    assert api.get(url, headers={**member_auth, "If-None-Match": '"other"'}).status_code == 200
    source = content_dir / "quy-dinh-37.md"
    source.write_text(
        source.read_text(encoding="utf-8") + "\n### Điều 3. Mục mới\n\nNội dung.\n", encoding="utf-8"
    )
    assert not import_folder(library, content_dir).problems
    changed = api.get(url, headers={**member_auth, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.get_json()["revision"]["number"] == 2


def test_unknown_and_draft_documents_are_404(api, member_auth):
    for slug in ("khong-co", "..%2F..%2Fetc", "quy-dinh-37.json"):
        response = api.get(f"{BASE}/documents/{slug}", headers=member_auth)
        assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_search_finds_without_diacritics_with_facets(api, indexed, member_auth):
    data = api.get(f"{BASE}/search?q=khong duoc lam", headers=member_auth).get_json()
    assert data["total"] >= 1 and data["hits"][0]["slug"] == "quy-dinh-37"
    top = data["hits"][0]
    assert any(segment["match"] for segment in top["snippet"] + top["heading_segments"])
    assert "doc_type" in data["facets"]
    numbered = api.get(f"{BASE}/search?q=35-NQ/TW", headers=member_auth).get_json()
    assert numbered["hits"][0]["slug"] == "nghi-quyet-35"
    filtered = api.get(f"{BASE}/search?q=dang vien&status=replaced", headers=member_auth).get_json()
    assert {h["slug"] for h in filtered["hits"]} <= {"quy-dinh-47"}
    assert api.get(f"{BASE}/search?q=x&year=20", headers=member_auth).status_code == 422
    assert api.get(f"{BASE}/search?q=" + "a" * 501, headers=member_auth).status_code == 422


def test_suggest_completes_titles(api, indexed, member_auth):
    found = api.get(f"{BASE}/search/suggest?q=37-QĐ", headers=member_auth).get_json()
    assert found["completions"] and found["completions"][0]["slug"] == "quy-dinh-37"
