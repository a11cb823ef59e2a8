"""A provincial committee viewer, end to end in a real browser: from the province's
roll-up of a campaign, click down the tree unit by unit to one cell's grid, checking
at each level the way back up and the figures, which must add up from the members."""

from __future__ import annotations

import re

import pytest

from handbook.accounts.vocabulary import CELL, COMMITTEE_VIEWER, GRASSROOTS_CELL, GRASSROOTS_COMMITTEE
from tests.browser import roles
from tests.browser.helpers import (
    DEVICE_NAMES,
    grid_row,
    main_text,
    open_report,
)
from tests.unit.study.helpers import complete, make_campaign, read_one_section

CAMPAIGN = "Học tập Quy định 37 về những điều đảng viên không được làm"
SLUG = "quy-dinh-37"
HEAD = ["Đảng viên", "Hoàn thành", "Đang học", "Chưa học", "Tỷ lệ"]


def tally(page, unit_name: str) -> dict[str, str]:
    """A unit's line of the roll-up table, keyed by the table's column headings."""
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=unit_name, exact=True))
    table = page.get_by_role("table").filter(has=row)
    headings = [" ".join(h.split()) for h in table.get_by_role("columnheader").all_inner_texts()]
    return dict(zip(headings[1:], row.get_by_role("cell").all_inner_texts(), strict=True))


def figures(members: int, completed: int, studying: int, rate: int) -> dict[str, str]:
    return dict(
        zip(
            HEAD,
            [str(members), str(completed), str(studying), str(members - completed - studying), f"{rate}%"],
            strict=True,
        )
    )


def total_line(page) -> str:
    return " ".join(page.get_by_role("region", name="Tổng hợp").inner_text().split())


def go_down(page, unit_name: str) -> None:
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=unit_name, exact=True))
    with page.expect_navigation():
        row.get_by_role("link", name=unit_name, exact=True).click()


def assert_way_up(page, parent_name: str) -> None:
    """The trail names the unit above (and the reports list) as links."""
    main = page.get_by_role("main")
    assert main.get_by_role("link", name=parent_name, exact=True).is_visible()
    assert main.get_by_role("link", name=re.compile(r"Báo cáo$")).is_visible()


@pytest.mark.parametrize("device", DEVICE_NAMES)
def test_a_committee_viewer_drills_down_from_the_province_to_a_cell(new_context, live_app, device):
    province = roles.province(live_app, "Tỉnh ủy thử nghiệm")
    district = roles.committee(live_app, province, "Đảng bộ huyện Yên Minh")
    military = roles.committee(live_app, province, "Đảng bộ Quân sự tỉnh")
    commune = roles.unit(live_app, GRASSROOTS_COMMITTEE, district, "Đảng bộ xã Lũng Hồ")
    village = roles.unit(live_app, CELL, commune, "Chi bộ thôn Khâu Vai")
    other_village = roles.unit(live_app, CELL, commune, "Chi bộ thôn Na Pô")
    barracks = roles.unit(live_app, GRASSROOTS_CELL, military, "Chi bộ Ban Chỉ huy Quân sự")
    campaign = make_campaign(live_app, [province], [SLUG], title=CAMPAIGN)
    finished = roles.person(live_app, "kv.xong", "Lò Văn Páo", cell=village)
    idle = roles.person(live_app, "kv.chua", "Giàng Thị Mai", cell=village)
    studying = roles.person(live_app, "np.dang", "Sùng A Chứ", cell=other_village)
    for name in ("Nguyễn Văn Hùng", "Trần Văn Lực"):
        soldier = roles.person(live_app, "qs", name, cell=barracks)
        complete(live_app, soldier.id, SLUG)
    complete(live_app, finished.id, SLUG)
    read_one_section(live_app, studying.id, SLUG)
    viewer = roles.person(live_app, "cap.uy", "Đỗ Văn Quang", grants=((COMMITTEE_VIEWER, province),))
    page = new_context(device).new_page()

    open_report(page, viewer, province.name, CAMPAIGN)
    assert page.get_by_role("heading", level=1).inner_text() == province.name
    assert page.get_by_label("Đợt học tập").input_value() == str(campaign.id)
    assert "Tỷ lệ đảng viên hoàn thành: 60% (3/5); đang học 1, chưa học 1." in total_line(page)
    assert tally(page, district.name) == figures(3, 1, 1, 33)
    assert tally(page, military.name) == figures(2, 2, 0, 100)
    assert tally(page, "Cộng") == figures(5, 3, 1, 60)

    go_down(page, district.name)
    assert page.get_by_role("heading", level=1).inner_text() == district.name
    assert_way_up(page, province.name)
    assert "Tỷ lệ đảng viên hoàn thành: 33% (1/3); đang học 1, chưa học 1." in total_line(page)
    assert tally(page, commune.name) == figures(3, 1, 1, 33)

    go_down(page, commune.name)
    assert page.get_by_role("heading", level=1).inner_text() == commune.name
    assert_way_up(page, district.name)
    assert tally(page, village.name) == figures(2, 1, 0, 50)
    assert tally(page, other_village.name) == figures(1, 0, 1, 0)

    go_down(page, village.name)
    assert page.get_by_role("heading", level=1).inner_text() == CAMPAIGN
    assert_way_up(page, commune.name)
    text = main_text(page)
    assert village.name in text and "2 đảng viên" in text
    assert page.get_by_role("rowheader").count() == 2
    done = grid_row(page, finished.full_name)
    assert done[0].startswith("Đã học xong") and done[1] == "100% (1/1)", done
    assert grid_row(page, idle.full_name)[:2] == ["Chưa học", "0% (0/1)"]

    with page.expect_navigation():  # and back up the trail
        page.get_by_role("main").get_by_role("link", name=commune.name, exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == commune.name
    assert tally(page, village.name) == figures(2, 1, 0, 50)
