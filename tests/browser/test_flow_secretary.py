"""A cell secretary's round, end to end in a real browser: open the cell's grid from the
reports menu, see where each member stands, remind those who have not finished (the
member finds the reminder on signing in), and download the XLSX export, whose rows
must say what the grid says."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from handbook.accounts.vocabulary import SECRETARY
from handbook.app_db import get_db
from handbook.notifications.models import Notification
from tests.browser import roles
from tests.browser.helpers import (
    DEVICE_NAMES,
    grid_row,
    main_text,
    open_from_menu,
    open_report,
    sign_in_as,
)
from tests.unit.study.helpers import complete, make_campaign, read_one_section

CAMPAIGN = "Học tập Quy định 37 và Nghị quyết 35"
DOCUMENTS = ["quy-dinh-37", "nghi-quyet-35"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def notified(app, user_id: int) -> list[str]:
    with app.app_context(), get_db(app).transaction() as tx:
        return list(tx.scalars(select(Notification.title).where(Notification.user_id == user_id)))


@pytest.mark.parametrize("device", DEVICE_NAMES)
def test_a_secretary_reads_the_grid_reminds_and_exports(new_context, live_app, device):
    cell = roles.lone_cell(live_app, "Chi bộ Khu phố 4")
    secretary = roles.person(live_app, "bi.thu", "Trần Thị Bình", cell=cell, grants=((SECRETARY, cell),))
    finished = roles.person(live_app, "xong", "Lê Văn Cường", cell=cell)
    studying = roles.person(live_app, "dang.hoc", "Phạm Thị Dung", cell=cell)
    idle = roles.person(live_app, "chua.hoc", "Hoàng Văn Em", cell=cell)
    campaign = make_campaign(live_app, [cell], DOCUMENTS, title=CAMPAIGN)
    for done in (secretary, finished):
        for slug in DOCUMENTS:
            complete(live_app, done.id, slug)
    read_one_section(live_app, studying.id, DOCUMENTS[0])
    page = new_context(device).new_page()

    open_report(page, secretary, cell.name, CAMPAIGN)
    assert page.get_by_role("heading", level=1).inner_text() == CAMPAIGN
    assert cell.name in main_text(page)
    assert "4 đảng viên" in main_text(page)
    for done in (secretary, finished):
        cells = grid_row(page, done.full_name)
        assert [c.startswith("Đã học xong") for c in cells[:2]] == [True, True], cells
        assert cells[2] == "100% (2/2)"
    cells = grid_row(page, studying.full_name)
    assert re.match(r"Đang học \d+%", cells[0]) and cells[1].startswith("Chưa học"), cells
    assert cells[2] == "0% (0/2)"
    cells = grid_row(page, idle.full_name)
    assert [c.startswith("Chưa học") for c in cells[:2]] == [True, True], cells
    assert cells[2] == "0% (0/2)"

    with page.expect_navigation():
        page.get_by_role("button", name="Nhắc những đảng viên chưa hoàn thành").click()
    assert "Đã gửi nhắc nhở tới 2 đảng viên chưa hoàn thành." in main_text(page)
    assert page.get_by_role("heading", level=1).inner_text() == CAMPAIGN  # back on the grid
    reminder = f"Nhắc học tập: {CAMPAIGN}"
    assert notified(live_app, studying.id) == [reminder]
    assert notified(live_app, finished.id) == notified(live_app, secretary.id) == []

    member_page = new_context(device).new_page()
    sign_in_as(member_page, idle)
    open_from_menu(member_page, "Thông báo")
    inbox = main_text(member_page)
    assert reminder in inbox and "Bạn có 1 thông báo chưa đọc." in inbox
    assert "Đồng chí đã học xong 0/2 văn bản." in inbox
    member_page.close()

    with page.expect_response(re.compile(r"\.xlsx$")) as answer, page.expect_download() as got:
        page.get_by_role("link", name=re.compile(r"^Tải Excel")).click()
    download, response = got.value, answer.value
    assert response.headers["content-type"] == XLSX
    assert download.suggested_filename == f"bao-cao-don-vi-{cell.id}-dot-{campaign.id}.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()), read_only=True)
    sheet = book["Đảng viên"]
    header, *rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    assert header[:7] == (
        "Đơn vị",
        "Họ và tên",
        "Số thẻ đảng viên",
        "Văn bản đã học xong",
        "Số văn bản",
        "Tỷ lệ (%)",
        "Trạng thái",
    )
    by_name = {row[1]: (row[0], row[3], row[4], row[5], row[6]) for row in rows}
    assert len(rows) == len(by_name) == 4
    assert by_name == {
        secretary.full_name: (cell.name, 2, 2, 100, "Đã hoàn thành"),
        finished.full_name: (cell.name, 2, 2, 100, "Đã hoàn thành"),
        studying.full_name: (cell.name, 0, 2, 0, "Đang học"),
        idle.full_name: (cell.name, 0, 2, 0, "Chưa học"),
    }
