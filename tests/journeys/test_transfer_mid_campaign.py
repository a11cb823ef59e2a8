"""Journey: a member studies half a campaign in cell A, the administrator transfers
them to cell B (chuyển sinh hoạt đảng), they finish in cell B. Every reader of the
figures must agree that the member now counts in cell B, with what they did in A."""

from __future__ import annotations

import pytest

from handbook.accounts.vocabulary import SECRETARY
from tests import factories
from tests.conftest import login
from tests.journeys import actions, readers
from tests.unit.study.helpers import make_campaign

STUDIED, HALF_READ = "quy-dinh-37", "nghi-quyet-35"
AN = "Nguyễn Văn An"
# The other members: the secretaries of A and B, the committee viewer (a member of B).
BINH, GIANG, CUONG = "Tran Thi Binh", "Võ Thị Giang", "Le Van Cuong"
NOTHING_YET = {"campaign": "0% (0/2)", "overall": "0%", "documents": ["not_started"] * 2}
HALF_DONE = {"campaign": "50% (1/2)", "overall": "50%", "documents": ["done", "studying 50%"]}
ALL_DONE = {"campaign": "100% (2/2)", "overall": "100%", "documents": ["done", "done"]}


@pytest.fixture
def campaign(library, tree):
    return make_campaign(
        library, [tree.grassroots], [STUDIED, HALF_READ], title="Học tập Quy định 37 và Nghị quyết 35"
    )


@pytest.fixture
def people(clients, bearers, library, tree) -> dict:
    """The signed-in clients of every role, with cell B's own secretary among them."""
    secret = factories.new_totp_secret()
    factories.make_user(
        library,
        "vo.thi.giang",
        cell=tree.cell_b,
        full_name=GIANG,
        grants=((SECRETARY, tree.cell_b),),
        totp_secret=secret,
    )
    secretary_b = login(library.test_client(), "vo.thi.giang", totp_secret=secret)
    return {**clients, "secretary_b": secretary_b, "api": library.test_client(), "bearers": bearers}


@pytest.fixture
def half_way(people, campaign, member) -> dict:
    """An, in cell A, has studied Quy định 37 and read half of Nghị quyết 35."""
    actions.study(people["member"], STUDIED)
    assert actions.read(people["member"], HALF_READ, count=1)["percent"] == 50
    return people


def _grids(people, tree, campaign) -> tuple[dict, dict]:
    return (
        readers.grid(people["secretary"], tree.cell_a.id, campaign.id),
        readers.grid(people["secretary_b"], tree.cell_b.id, campaign.id),
    )


def test_before_the_transfer_the_member_counts_in_cell_a(half_way, tree, campaign):
    cell_a, cell_b = _grids(half_way, tree, campaign)
    assert cell_a == {AN: HALF_DONE, BINH: NOTHING_YET}
    assert cell_b == {CUONG: NOTHING_YET, GIANG: NOTHING_YET}


def test_after_the_transfer_every_report_counts_the_member_in_cell_b(half_way, tree, campaign, member):
    actions.transfer(half_way["admin"], member.id, tree.cell_b.code)
    cell_a, cell_b = _grids(half_way, tree, campaign)
    assert cell_a == {BINH: NOTHING_YET}
    assert cell_b == {AN: HALF_DONE, CUONG: NOTHING_YET, GIANG: NOTHING_YET}
    bearer = half_way["bearers"]
    assert readers.api_grid(half_way["api"], bearer["secretary"], tree.cell_a.id, campaign.id) == cell_a
    assert readers.api_grid(half_way["api"], bearer["committee"], tree.cell_b.id, campaign.id) == cell_b
    by_cell = {
        "Chi bộ ấp 1": (1, 0, 0, 1, "0%"),
        "Chi bộ ấp 2": (3, 0, 1, 2, "0%"),
        "Cộng": (4, 0, 1, 3, "0%"),
    }
    committee = half_way["committee"]
    assert readers.rollup(committee, tree.grassroots.id, campaign.id) == by_cell
    assert (
        readers.api_rollup(half_way["api"], bearer["committee"], tree.grassroots.id, campaign.id) == by_cell
    )
    assert readers.rollup(committee, tree.committee.id, campaign.id) == {
        "Đảng bộ xã Tân Lập": (4, 0, 1, 3, "0%"),
        "Cộng": (4, 0, 1, 3, "0%"),
    }


def test_after_the_transfer_the_exports_list_the_member_once_in_cell_b(half_way, tree, campaign, member):
    actions.transfer(half_way["admin"], member.id, tree.cell_b.code)
    expected = {
        AN: ("Chi bộ ấp 2", "1", "2", "50", "Đang học"),
        BINH: ("Chi bộ ấp 1", "0", "2", "0", "Chưa học"),
        CUONG: ("Chi bộ ấp 2", "0", "2", "0", "Chưa học"),
        GIANG: ("Chi bộ ấp 2", "0", "2", "0", "Chưa học"),
    }
    committee = half_way["committee"]
    members, summary = readers.exports(committee, tree.grassroots.id, campaign.id)
    assert members == expected
    assert summary == {"Chi bộ ấp 1": (1, 0, 0, 1, "0%"), "Chi bộ ấp 2": (3, 0, 1, 2, "0%")}
    # The old cell's secretary no longer exports the member, the new one does.
    assert AN not in readers.export_csv(half_way["secretary"], tree.cell_a.id, campaign.id)
    assert readers.export_csv(half_way["secretary_b"], tree.cell_b.id, campaign.id)[AN] == (
        "Chi bộ ấp 2",
        "1",
        "2",
        "50",
        "Đang học",
    )


def test_the_member_keeps_their_progress_and_finishes_in_the_new_cell(half_way, tree, campaign, member):
    actions.transfer(half_way["admin"], member.id, tree.cell_b.code)
    own = {
        "overall": "50% (1/2)",
        "campaigns": {
            campaign.id: {"progress": "50% (1/2)", "documents": {STUDIED: "done", HALF_READ: "50% (1/2)"}}
        },
    }
    api, bearer = half_way["api"], half_way["bearers"]
    assert readers.my_study(half_way["member"]) == own
    assert readers.api_study(api, bearer["member"]) == own

    actions.study(half_way["member"], HALF_READ)
    own = {
        "overall": "100% (2/2)",
        "campaigns": {
            campaign.id: {"progress": "100% (2/2)", "documents": {STUDIED: "done", HALF_READ: "done"}}
        },
    }
    assert readers.my_study(half_way["member"]) == own
    assert readers.api_study(api, bearer["member"]) == own
    cell_a, cell_b = _grids(half_way, tree, campaign)
    assert AN not in cell_a and cell_b[AN] == ALL_DONE
    assert readers.rollup(half_way["committee"], tree.grassroots.id, campaign.id) == {
        "Chi bộ ấp 1": (1, 0, 0, 1, "0%"),
        "Chi bộ ấp 2": (3, 1, 0, 2, "33%"),
        "Cộng": (4, 1, 0, 3, "25%"),
    }


def test_the_old_cells_secretary_can_no_longer_mark_the_member(half_way, tree, member):
    actions.transfer(half_way["admin"], member.id, tree.cell_b.code)
    form = {"dang_vien": member.id, "van_ban": HALF_READ}
    assert half_way["secretary"].post("/hoc-tap/chi-bo/danh-dau-hoan-thanh", data=form).status_code == 404
    assert half_way["secretary_b"].post("/hoc-tap/chi-bo/danh-dau-hoan-thanh", data=form).status_code == 302
    assert readers.my_study(half_way["member"])["overall"] == "100% (2/2)"


def test_a_campaign_of_the_old_cell_alone_follows_the_member_to_the_new_cell(people, library, tree, member):
    """Members transferred out keep the campaigns of their old cell (study.campaigns) and
    are reported by their new unit (reports.figures): the new cell's reports must open
    that campaign, or the member is counted in a roll-up line no grid explains."""
    own_cell = make_campaign(library, [tree.cell_a], [STUDIED, HALF_READ], title="Chuyên đề của Chi bộ ấp 1")
    actions.study(people["member"], STUDIED)
    actions.transfer(people["admin"], member.id, tree.cell_b.code)
    unassigned = {"campaign": "—", "overall": "—", "documents": ["not_started"] * 2}
    started = {"campaign": "50% (1/2)", "overall": "50%", "documents": ["done", "not_started"]}
    assert readers.grid(people["secretary"], tree.cell_a.id, own_cell.id) == {BINH: NOTHING_YET}
    assert readers.grid(people["secretary_b"], tree.cell_b.id, own_cell.id) == {
        AN: started,
        CUONG: unassigned,
        GIANG: unassigned,
    }
    assert (
        readers.api_grid(people["api"], people["bearers"]["committee"], tree.cell_b.id, own_cell.id)[AN]
        == started
    )
    by_cell = {
        "Chi bộ ấp 1": (1, 0, 0, 1, "0%"),
        "Chi bộ ấp 2": (1, 0, 1, 0, "0%"),
        "Cộng": (2, 0, 1, 1, "0%"),
    }
    assert readers.rollup(people["committee"], tree.grassroots.id, own_cell.id) == by_cell
    assert readers.export_csv(people["secretary_b"], tree.cell_b.id, own_cell.id) == {
        AN: ("Chi bộ ấp 2", "1", "2", "50", "Đang học")
    }
    assert readers.my_study(people["member"])["campaigns"][own_cell.id]["progress"] == "50% (1/2)"
    reports = people["secretary_b"].get("/bao-cao").get_data(as_text=True)
    assert f"/bao-cao/chi-bo/{tree.cell_b.id}/dot/{own_cell.id}" in reports
    # The new cell's secretary may remind the member from that grid, as from any other.
    remind = people["secretary_b"].post(
        f"/bao-cao/chi-bo/{tree.cell_b.id}/dot/{own_cell.id}/nhac-nho", follow_redirects=True
    )
    assert "Đã gửi nhắc nhở tới 1 đảng viên chưa hoàn thành." in remind.get_data(as_text=True)
    assert "Nhắc học tập: Chuyên đề của Chi bộ ấp 1" in people["member"].get("/thong-bao").get_data(
        as_text=True
    )
