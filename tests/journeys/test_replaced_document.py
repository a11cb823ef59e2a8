"""Journey: members study a campaign holding Nghị quyết 35; an editor publishes, through
the editor's form, a new resolution whose relations say it replaces 35-NQ/TW. The old
document must say so wherever it appears (its page, the library, the API, search),
search must put the document in force first, and the campaign keeps working with the
old document it holds."""

from __future__ import annotations

import pytest

from tests.journeys import actions, readers
from tests.unit.study.helpers import make_campaign

OLD, REPLACEMENT, OTHER = "nghi-quyet-35", "nghi-quyet-45", "quy-dinh-37"
NEW_RESOLUTION = {
    "slug": REPLACEMENT,
    "so_hieu": "45-NQ/TW",
    "loai": "Nghị quyết",
    "tieu_de": "Về tiếp tục tăng cường bảo vệ nền tảng tư tưởng của Đảng trong tình hình mới",
    "co_quan_ban_hanh": "Bộ Chính trị",
    "ngay_ban_hanh": "2025-01-15",
    "hieu_luc": "in_force",
    "trich_yeu": "Nghị quyết về bảo vệ nền tảng tư tưởng của Đảng trên không gian mạng.",
    "tu_khoa": "tư tưởng, mạng xã hội",
    "noi_dung": "## Phần I. Tình hình mới\n\nBảo vệ nền tảng tư tưởng của Đảng trên không "
    "gian mạng.\n\n## Phần II. Nhiệm vụ\n\nĐảng viên đấu tranh phản bác quan điểm "
    "sai trái, thù địch.\n",
}
SUBJECT = "bảo vệ nền tảng tư tưởng"  # both resolutions are about it
AN, BINH = "Nguyễn Văn An", "Tran Thi Binh"


@pytest.fixture
def campaign(library, tree):
    return make_campaign(
        library, [tree.grassroots], [OLD, OTHER], title="Học tập Nghị quyết 35 và Quy định 37"
    )


@pytest.fixture
def replaced(clients, library, campaign) -> dict:
    """An studied Nghị quyết 35; then Nghị quyết 45, replacing it, was published."""
    actions.build_index(library)
    actions.study(clients["member"], OLD)
    assert readers.found_documents(clients["member"], SUBJECT)[0] == OLD
    actions.publish_new(clients["editor"], NEW_RESOLUTION, relations=[("replaces", "35-NQ/TW")])
    return clients


def _header(client, slug: str) -> str:
    page = client.get(f"/van-ban/{slug}").get_data(as_text=True)
    return page.split('<header class="doc-header">', 1)[1].split("</header>", 1)[0]


def test_the_old_page_says_it_is_replaced_and_links_to_its_replacement(replaced):
    header = _header(replaced["member"], OLD)
    banner = header.split('class="banner banner-replaced"', 1)[1].split("</p>", 1)[0]
    assert readers.text(banner).endswith("Văn bản này đã bị thay thế bởi Nghị quyết 45-NQ/TW .")
    assert f'href="/van-ban/{REPLACEMENT}"' in banner
    # The same header must not also call it in force.
    assert "Hiệu lực Bị thay thế" in readers.text(header)
    assert "Còn hiệu lực" not in readers.text(header)
    new_header = readers.text(_header(replaced["member"], REPLACEMENT))
    assert "Thay thế: Nghị quyết 35-NQ/TW" in new_header and "bị thay thế bởi" not in new_header


def test_the_library_and_the_api_call_the_old_document_replaced(replaced, library, bearers):
    reader = replaced["member"]
    listing = reader.get("/").get_data(as_text=True)
    card = listing.split(f'href="/van-ban/{OLD}"', 1)[1].split("</li>", 1)[0]
    assert "Bị thay thế" in readers.text(card)
    filtered = reader.get("/?hieu-luc=replaced").get_data(as_text=True)
    assert f'href="/van-ban/{OLD}"' in filtered and 'href="/van-ban/quy-dinh-47"' in filtered
    assert f'href="/van-ban/{REPLACEMENT}"' not in filtered
    assert f'href="/van-ban/{OLD}"' not in reader.get("/?hieu-luc=in_force").get_data(as_text=True)
    api = library.test_client()
    document = api.get(f"/api/v1/documents/{OLD}", headers=bearers["member"]).get_json()
    assert (document["status"], document["status_label"]) == ("replaced", "Bị thay thế")
    assert [d["slug"] for d in document["replaced_by"]] == [REPLACEMENT]
    listed = api.get("/api/v1/documents?status=replaced", headers=bearers["member"]).get_json()
    assert sorted(d["slug"] for d in listed["items"]) == [OLD, "quy-dinh-47"]


def test_search_finds_the_replacement_and_still_the_old_document(replaced):
    assert set(readers.found_documents(replaced["member"], SUBJECT)) >= {OLD, REPLACEMENT}
    assert readers.found_documents(replaced["member"], '"không gian mạng"') == [REPLACEMENT]


def test_search_labels_the_old_document_replaced(replaced):
    statuses = dict(readers.search(replaced["member"], SUBJECT))
    assert (statuses[OLD], statuses[REPLACEMENT]) == ("replaced", "in_force")


@pytest.mark.xfail(
    strict=True,
    reason=(
        "ranking (search.service/ranking) knows nothing of replacement: the replaced "
        "Nghị quyết 35 outranks its replacement for the subject they share (issue 21)"
    ),
)
def test_search_puts_the_document_in_force_first(replaced):
    assert readers.found_documents(replaced["member"], SUBJECT)[:2] == [REPLACEMENT, OLD]


def test_the_campaign_still_holds_and_counts_the_old_document(replaced, tree, campaign):
    own = {
        "overall": "50% (1/2)",
        "campaigns": {campaign.id: {"progress": "50% (1/2)", "documents": {OLD: "done", OTHER: "0% (0/4)"}}},
    }
    assert readers.my_study(replaced["member"]) == own
    line = replaced["member"].get(f"/hoc-tap/dot/{campaign.id}").get_data(as_text=True)
    assert "Nghị quyết 35-NQ/TW" in readers.text(line)
    actions.study(replaced["secretary"], OLD)  # studying it still works after the replacement
    grid = {
        AN: {"campaign": "50% (1/2)", "overall": "50%", "documents": ["done", "not_started"]},
        BINH: {"campaign": "50% (1/2)", "overall": "50%", "documents": ["done", "not_started"]},
    }
    assert readers.grid(replaced["secretary"], tree.cell_a.id, campaign.id) == grid
    assert readers.rollup(replaced["committee"], tree.grassroots.id, campaign.id)["Chi bộ ấp 1"] == (
        2,
        0,
        2,
        0,
        "0%",
    )
