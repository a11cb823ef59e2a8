"""Search service on the test library: matching rules, numbers, highlighting, safety."""

from __future__ import annotations

import unicodedata

import pytest

from handbook.search import completion, service
from handbook.search.service import SearchRequest


def run(pool, q, **kw):
    return service.search(pool, SearchRequest(q=q, **kw))


def top(pool, q) -> tuple[str, str]:
    hit = run(pool, q).hits[0]
    return hit.slug, hit.anchor


def marked(segments) -> list[str]:
    return [s.text for s in segments if s.match]


@pytest.mark.parametrize(
    "q", ["hòa giải", "hoà giải", "hoa giai", "HÒA GIẢI", unicodedata.normalize("NFD", "hoà giải")]
)
def test_tone_placement_accents_and_nfd_do_not_matter(pool, q):
    assert top(pool, q) == ("nghi-quyet-35", "phan-i-tinh-hinh")


@pytest.mark.parametrize("q", ["ủy ban", "uỷ ban", "uy ban", "UỶ BAN"])
def test_uy_ban_spellings_find_the_nfd_source_text(pool, q):
    # The source file of this document is stored decomposed (NFD).
    assert top(pool, q) == ("nghi-quyet-35", "phan-i-tinh-hinh")


def test_d_bar_folds_to_d(pool):
    assert run(pool, "dang vien").total == run(pool, "đảng viên").total > 0


@pytest.mark.parametrize("q", ["35-NQ/TW", "35/NQ-TW", "nq 35", "nghị quyết 35", "NQ35", "nghi quyet 35"])
def test_document_number_forms_name_the_document(pool, q):
    results = run(pool, q)
    assert results.hits[0].slug == "nghi-quyet-35"
    assert (results.target.slug, results.target.anchor) == ("nghi-quyet-35", "")


def test_ambiguous_or_worded_queries_do_not_jump(pool):
    assert run(pool, "điều 1").target is None  # two documents have an Điều 1
    assert run(pool, "nghị quyết 35 mạng xã hội").target is None
    assert run(pool, "nghị quyết 35 mạng xã hội").hits[0].slug == "nghi-quyet-35"


@pytest.mark.parametrize("q", ["điều 1 quy định 37", "dieu 1 quy dinh 37", "Điều 1 37-QĐ/TW"])
def test_article_reference_finds_that_section(pool, q):
    results = run(pool, q)
    assert (results.hits[0].slug, results.hits[0].anchor) == ("quy-dinh-37", "dieu-1-noi-lam-trai-cuong-linh")
    assert results.target.anchor == "dieu-1-noi-lam-trai-cuong-linh"


def test_unaccented_query_highlights_the_accented_original(pool):
    hit = run(pool, "uy ban hoa giai").hits[0]
    assert marked(hit.snippet) == ["Ủy", "ban", "hòa", "giải"]


def test_heading_is_highlighted(pool):
    hit = run(pool, "trai cuong linh").hits[0]
    assert marked(hit.heading_marked) == ["trái", "Cương", "lĩnh"]


def test_quoted_phrase_is_exact_and_ignores_tone_placement(pool):
    assert {h.anchor for h in run(pool, '"uỷ ban"').hits} == {"phan-i-tinh-hinh"}
    assert run(pool, '"ban ủy"').total == 0
    assert run(pool, '"uy ban"').total == 1


@pytest.mark.parametrize(
    "q",
    [
        '"unclosed quote',
        "*",
        "((",
        ")",
        "a" * 100_000,
        "AND OR NOT",
        "\x00\x01",
        "<script>alert(1)</script>",
        "đảng *:",
        "   ",
        None,
        "title:foo",
        "~!@#$%^&*()_+",
        "điều " * 5000,
    ],
)
def test_hostile_input_never_errors(pool, q):
    results = run(pool, q)
    assert len(results.query.text) <= 500
    assert results.total >= 0


def test_empty_query_has_no_results(pool):
    results = run(pool, "")
    assert results.query.empty and results.total == 0 and results.hits == []


def test_facets_count_documents_and_filter(pool):
    results = run(pool, "đảng viên")
    assert dict(results.facets["doc_type"]) == {"Nghị quyết": 1, "Quy định": 2}
    filtered = run(pool, "đảng viên", filters=(("year", "2021"),))
    assert {h.slug for h in filtered.hits} == {"quy-dinh-37"}
    assert run(pool, "đảng viên", filters=(("status", "replaced"),)).hits[0].slug == "quy-dinh-47"


def test_pagination(pool):
    first = run(pool, "đảng", per_page=2)
    second = run(pool, "đảng", per_page=2, page=2)
    assert first.total == second.total > 2
    assert first.pages == -(-first.total // 2)
    assert {h.anchor + h.slug for h in first.hits}.isdisjoint(h.anchor + h.slug for h in second.hits)


def test_did_you_mean_shows_accented_words(pool):
    assert run(pool, "dang vein").suggestion == "dang viên"
    assert run(pool, "đảng viên").suggestion is None


def test_completion_by_title_and_number(pool):
    assert [c.slug for c in completion.complete(pool, "nghi q")] == ["nghi-quyet-35"]
    assert {c.slug for c in completion.complete(pool, "37-q")} == {"quy-dinh-37"}
    assert completion.complete(pool, "") == []
    assert completion.complete(pool, "((*") == []
