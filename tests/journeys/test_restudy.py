"""Journey: members study a campaign; an editor republishes one of its documents, first
with a small correction, then with a new article and "yêu cầu học lại" ticked. The
rule (study.progress): a completion, and a section read, count while no later revision
requires re-study. So the small correction changes nothing, the re-study takes that
one document back to zero for everyone, and every reader shows the same drop."""

from __future__ import annotations

import pytest

from tests import factories
from tests.conftest import login
from tests.journeys import actions, readers
from tests.unit.study.helpers import make_campaign

REVISED, OTHER = "quy-dinh-37", "nghi-quyet-35"
AN, HOA = "Nguyễn Văn An", "Lê Thị Hoa"
BINH, CUONG = "Tran Thi Binh", "Le Van Cuong"  # the secretary of A, the committee viewer in B
NEW_ARTICLE = (
    "Không được tham gia các hoạt động chống đối.\n\n"
    "### Điều 3. Tham nhũng, tiêu cực\n\n"
    "Không được tham nhũng, lợi dụng chức vụ để trục lợi.\n"
)
NOTHING = {"campaign": "0% (0/2)", "overall": "0%", "documents": ["not_started"] * 2}


@pytest.fixture
def campaign(library, tree):
    return make_campaign(
        library, [tree.grassroots], [REVISED, OTHER], title="Học tập Quy định 37 và Nghị quyết 35"
    )


@pytest.fixture
def studied(clients, bearers, library, tree, campaign) -> dict:
    """An (cell A) has studied Quy định 37 and read half of Nghị quyết 35; Hoa (cell B)
    has studied both."""
    factories.make_user(library, "le.thi.hoa", cell=tree.cell_b, full_name=HOA)
    hoa = login(library.test_client(), "le.thi.hoa")
    actions.study(clients["member"], REVISED)
    actions.read(clients["member"], OTHER, count=1)
    actions.study(hoa, REVISED)
    actions.study(hoa, OTHER)
    return {**clients, "hoa": hoa, "api": library.test_client(), "bearers": bearers}


def _grids(people, tree, campaign) -> dict:
    committee = people["committee"]
    return {
        **readers.grid(committee, tree.cell_a.id, campaign.id),
        **readers.grid(committee, tree.cell_b.id, campaign.id),
    }


def _api_grids(people, tree, campaign) -> dict:
    api, auth = people["api"], people["bearers"]["committee"]
    return {
        **readers.api_grid(api, auth, tree.cell_a.id, campaign.id),
        **readers.api_grid(api, auth, tree.cell_b.id, campaign.id),
    }


def _own(campaign, overall: str, revised: str, other: str) -> dict:
    return {
        "overall": overall,
        "campaigns": {campaign.id: {"progress": overall, "documents": {REVISED: revised, OTHER: other}}},
    }


def _add_article(body: str) -> str:
    assert "Không được tham gia các hoạt động chống đối.\n" in body
    return body.replace("Không được tham gia các hoạt động chống đối.\n", NEW_ARTICLE)


BEFORE = {
    AN: {"campaign": "50% (1/2)", "overall": "50%", "documents": ["done", "studying 50%"]},
    HOA: {"campaign": "100% (2/2)", "overall": "100%", "documents": ["done", "done"]},
    BINH: NOTHING,
    CUONG: NOTHING,
}
ROLLUP_BEFORE = {
    "Chi bộ ấp 1": (2, 0, 1, 1, "0%"),
    "Chi bộ ấp 2": (2, 1, 0, 1, "50%"),
    "Cộng": (4, 1, 1, 2, "25%"),
}


def test_a_correction_without_restudy_keeps_everyones_progress(studied, tree, campaign):
    actions.publish_edit(
        studied["editor"],
        REVISED,
        trich_yeu="Mười chín điều đảng viên không được làm.",
        noi_dung=lambda body: body + "\nĐoạn bổ sung.\n",
    )
    assert "Đoạn bổ sung." in studied["member"].get(f"/van-ban/{REVISED}").get_data(as_text=True)
    assert _grids(studied, tree, campaign) == BEFORE
    assert readers.rollup(studied["committee"], tree.grassroots.id, campaign.id) == ROLLUP_BEFORE
    assert readers.my_study(studied["member"]) == _own(campaign, "50% (1/2)", "done", "50% (1/2)")
    assert readers.document_panel(studied["member"], REVISED) == "done"


def test_restudy_takes_the_revised_document_back_to_zero_everywhere(studied, tree, campaign):
    assert _grids(studied, tree, campaign) == BEFORE
    actions.publish_edit(studied["editor"], REVISED, restudy=True, noi_dung=_add_article)
    page = studied["member"].get(f"/van-ban/{REVISED}").get_data(as_text=True)
    assert "Điều 3. Tham nhũng, tiêu cực" in page

    after = {
        AN: {"campaign": "0% (0/2)", "overall": "0%", "documents": ["not_started", "studying 50%"]},
        HOA: {"campaign": "50% (1/2)", "overall": "50%", "documents": ["not_started", "done"]},
        BINH: NOTHING,
        CUONG: NOTHING,
    }
    assert _grids(studied, tree, campaign) == after
    assert _api_grids(studied, tree, campaign) == after
    rollup = {
        "Chi bộ ấp 1": (2, 0, 1, 1, "0%"),
        "Chi bộ ấp 2": (2, 0, 1, 1, "0%"),
        "Cộng": (4, 0, 2, 2, "0%"),
    }
    committee, api, auth = studied["committee"], studied["api"], studied["bearers"]
    assert readers.rollup(committee, tree.grassroots.id, campaign.id) == rollup
    assert readers.api_rollup(api, auth["committee"], tree.grassroots.id, campaign.id) == rollup
    assert readers.rollup(committee, tree.committee.id) == {
        "Đảng bộ xã Tân Lập": (4, 0, 2, 2, "0%"),
        "Cộng": (4, 0, 2, 2, "0%"),
    }


def test_restudy_shows_on_the_members_own_pages_and_the_api(studied, campaign):
    actions.publish_edit(studied["editor"], REVISED, restudy=True, noi_dung=_add_article)
    an = _own(campaign, "0% (0/2)", "0% (0/5)", "50% (1/2)")
    assert readers.my_study(studied["member"]) == an
    assert readers.api_study(studied["api"], studied["bearers"]["member"]) == an
    assert readers.my_study(studied["hoa"]) == _own(campaign, "50% (1/2)", "0% (0/5)", "done")
    assert readers.document_panel(studied["member"], REVISED) == "0/5 (0%)"
    assert readers.document_panel(studied["hoa"], OTHER) == "done"
    assert readers.history(studied["member"]) == {"Về những điều đảng viên không được làm": "restudy"}


def test_restudy_shows_in_the_exports(studied, tree, campaign):
    actions.publish_edit(studied["editor"], REVISED, restudy=True, noi_dung=_add_article)
    expected = {
        AN: ("Chi bộ ấp 1", "0", "2", "0", "Đang học"),
        BINH: ("Chi bộ ấp 1", "0", "2", "0", "Chưa học"),
        HOA: ("Chi bộ ấp 2", "1", "2", "50", "Đang học"),
        CUONG: ("Chi bộ ấp 2", "0", "2", "0", "Chưa học"),
    }
    committee = studied["committee"]
    members, summary = readers.exports(committee, tree.grassroots.id, campaign.id)
    assert members == expected
    assert summary == {"Chi bộ ấp 1": (2, 0, 1, 1, "0%"), "Chi bộ ấp 2": (2, 0, 1, 1, "0%")}


def test_studying_the_new_edition_counts_again(studied, tree, campaign):
    actions.publish_edit(studied["editor"], REVISED, restudy=True, noi_dung=_add_article)
    actions.study(studied["member"], REVISED)
    assert readers.my_study(studied["member"]) == _own(campaign, "50% (1/2)", "done", "50% (1/2)")
    assert _grids(studied, tree, campaign)[AN] == BEFORE[AN]
    assert readers.rollup(studied["committee"], tree.grassroots.id, campaign.id) == {
        "Chi bộ ấp 1": (2, 0, 1, 1, "0%"),
        "Chi bộ ấp 2": (2, 0, 1, 1, "0%"),
        "Cộng": (4, 0, 2, 2, "0%"),
    }
