"""Report pages: scope, audit, filters, exports and charts over HTTP."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from sqlalchemy import select

from handbook.accounts.models import AuditEvent
from handbook.app_db import get_db
from handbook.reports.cache import FiguresCache
from tests.unit.study.helpers import read_all
from tests.web.reports.conftest import SLUG


def _actions(app) -> list[tuple[str, dict]]:
    with app.app_context(), get_db(app).transaction() as tx:
        return [
            (e.action, e.details)
            for e in tx.scalars(select(AuditEvent).where(AuditEvent.action.like("reports.%")))
        ]


def test_entry_lists_each_role_its_top_units(clients, tree, campaign):
    secretary = clients["secretary"].get("/bao-cao").get_data(as_text=True)
    committee = clients["committee"].get("/bao-cao").get_data(as_text=True)
    admin = clients["admin"].get("/bao-cao").get_data(as_text=True)
    assert "Chi bộ ấp 1" in secretary and f"/bao-cao/chi-bo/{tree.cell_a.id}/dot/" in secretary
    assert "Đảng bộ huyện Đồng Phú" in committee and "Tỉnh ủy thử" not in committee
    assert "Tỉnh ủy thử" in admin and campaign.title in admin


def test_secretary_sees_own_cell_only(clients, tree, campaign, member):
    client = clients["secretary"]
    html = client.get(f"/bao-cao/chi-bo/{tree.cell_a.id}/dot/{campaign.id}").get_data(as_text=True)
    assert "Nguyễn Văn An" in html and "Chưa học" in html
    for unit in (tree.cell_b, tree.cell_c):
        assert client.get(f"/bao-cao/chi-bo/{unit.id}/dot/{campaign.id}").status_code == 404
    for unit in (tree.grassroots, tree.province):
        assert client.get(f"/bao-cao/don-vi/{unit.id}").status_code == 404
        assert client.get(f"/bao-cao/don-vi/{unit.id}/dot/{campaign.id}.csv").status_code == 404


def test_committee_viewer_stays_in_subtree(clients, tree, campaign):
    client = clients["committee"]
    assert client.get(f"/bao-cao/don-vi/{tree.committee.id}").status_code == 200
    assert client.get(f"/bao-cao/chi-bo/{tree.cell_b.id}/dot/{campaign.id}").status_code == 200
    for path in (
        f"/bao-cao/don-vi/{tree.province.id}",
        f"/bao-cao/don-vi/{tree.other_committee.id}",
        f"/bao-cao/chi-bo/{tree.cell_c.id}/dot/{campaign.id}",
        f"/bao-cao/don-vi/{tree.cell_c.id}/dot/{campaign.id}.xlsx",
        f"/bao-cao/don-vi/{tree.cell_c.id}/dot/{campaign.id}/in",
    ):
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize(
    "path",
    [
        "/bao-cao/don-vi/999999",
        "/bao-cao/don-vi/{cell}?dot=999999",
        "/bao-cao/don-vi/{cell}?dot=abc",
        "/bao-cao/chi-bo/{cell}/dot/999999",
        "/bao-cao/chi-bo/{grassroots}/dot/{campaign}",
        "/bao-cao/don-vi/{cell}/dot/999999.csv",
    ],
)
def test_guessed_ids_look_missing(clients, tree, campaign, path):
    url = path.format(cell=tree.cell_a.id, grassroots=tree.grassroots.id, campaign=campaign.id)
    assert clients["admin"].get(url).status_code == 404


def test_others_are_refused(clients, tree, campaign):
    url = f"/bao-cao/chi-bo/{tree.cell_a.id}/dot/{campaign.id}"
    anon = clients["anon"].get(url)
    assert anon.status_code == 302 and "/dang-nhap" in anon.headers["Location"]
    assert clients["anon"].get(url, headers={"Accept": "application/json"}).status_code == 401
    assert clients["member"].get(url).status_code == 403
    assert clients["editor"].get("/bao-cao").status_code == 403


def test_old_secretary_grid_redirects(clients, tree, campaign):
    response = clients["secretary"].get(f"/hoc-tap/chi-bo/{tree.cell_a.id}/dot/{campaign.id}")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/bao-cao/chi-bo/{tree.cell_a.id}/dot/{campaign.id}")


def test_grid_shows_progress_filters_and_sorts(clients, library, tree, campaign, member, tricky_members):
    read_all(library, member.id, SLUG)
    clients["member"].post(f"/hoc-tap/van-ban/{SLUG}/hoc-xong")
    base = f"/bao-cao/chi-bo/{tree.cell_a.id}/dot/{campaign.id}"
    html = clients["secretary"].get(base).get_data(as_text=True)
    assert "Đã học xong" in html and "50%" in html and "Xác nhận đã học" in html
    not_started = clients["secretary"].get(base + "?loc=chua-hoc").get_data(as_text=True)
    assert "Nguyễn Văn An" not in not_started and "@SUM(A1)" in not_started
    by_progress = clients["secretary"].get(base + "?sap-xep=tien-do").get_data(as_text=True)
    assert by_progress.index("@SUM(A1)") < by_progress.index("Nguyễn Văn An")
    overdue = clients["secretary"].get(base + "?loc=qua-han").get_data(as_text=True)
    assert "Không có đảng viên nào phù hợp" in overdue
    assert ("reports.grid_viewed", {"campaign": campaign.id, "format": "html"}) in _actions(library)


def test_committee_grid_has_no_marking(clients, tree, campaign):
    html = clients["committee"].get(f"/bao-cao/chi-bo/{tree.cell_a.id}/dot/{campaign.id}")
    assert "Xác nhận đã học" not in html.get_data(as_text=True)


def test_rollup_page_drills_down_and_draws_charts(clients, library, tree, campaign, member):
    read_all(library, member.id, SLUG)
    html = clients["committee"].get(f"/bao-cao/don-vi/{tree.committee.id}?dot={campaign.id}")
    text = html.get_data(as_text=True)
    assert html.status_code == 200
    assert f"/bao-cao/don-vi/{tree.grassroots.id}?dot={campaign.id}" in text
    assert "<svg" in text and "<script" not in text.split("<svg", 1)[1].split("</svg>")[0]
    assert "<title id=" in text and "<desc id=" in text and "Đảng bộ xã Tân Lập" in text
    grassroots = clients["committee"].get(f"/bao-cao/don-vi/{tree.grassroots.id}?dot={campaign.id}")
    assert f"/bao-cao/chi-bo/{tree.cell_a.id}/dot/{campaign.id}" in grassroots.get_data(as_text=True)
    across = clients["committee"].get(f"/bao-cao/don-vi/{tree.committee.id}").get_data(as_text=True)
    assert "Theo từng đợt học tập" in across and campaign.title in across


def test_csv_has_bom_neutralised_formulas_and_is_audited(
    clients, library, tree, campaign, member, tricky_members
):
    response = clients["committee"].get(f"/bao-cao/don-vi/{tree.grassroots.id}/dot/{campaign.id}.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.data
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] == "Đơn vị" and len(rows) == 1 + 5  # A: 3 members + secretary; B: 1
    names = {row[1] for row in rows[1:]}
    assert '\'=HYPERLINK("http://x","y")' in names and "'@SUM(A1)" in names
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert ("reports.exported", {"campaign": campaign.id, "format": "csv"}) in _actions(library)


def test_xlsx_opens_with_both_sheets(clients, library, tree, campaign, member, tricky_members):
    response = clients["admin"].get(f"/bao-cao/don-vi/{tree.province.id}/dot/{campaign.id}.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    members, summary = book.worksheets
    values = [[c.value for c in row] for row in members.iter_rows()]
    assert values[0][1] == "Họ và tên" and "Nguyễn Văn An" in {r[1] for r in values[1:]}
    assert "'@SUM(A1)" in {r[1] for r in values[1:]}
    assert summary.cell(1, 1).value == "Đơn vị" and summary.max_row >= 2
    assert ("reports.exported", {"campaign": campaign.id, "format": "xlsx"}) in _actions(library)


def test_printable_report(clients, library, tree, campaign):
    html = clients["committee"].get(f"/bao-cao/don-vi/{tree.committee.id}/dot/{campaign.id}/in")
    text = html.get_data(as_text=True)
    assert "Báo cáo kết quả học tập, quán triệt Học tập Quy định 37" in text
    assert "ĐẢNG BỘ HUYỆN ĐỒNG PHÚ" in text and "Ngày " in text
    assert ("reports.printed", {"campaign": campaign.id, "format": "print"}) in _actions(library)


def test_cached_figures_are_still_scoped_per_viewer(library, clients, tree, campaign):
    library.extensions["reports.figures"] = FiguresCache(600)
    assert clients["admin"].get(f"/bao-cao/don-vi/{tree.province.id}").status_code == 200
    assert clients["committee"].get(f"/bao-cao/don-vi/{tree.province.id}").status_code == 404
    page = clients["committee"].get(f"/bao-cao/don-vi/{tree.committee.id}").get_data(as_text=True)
    assert "Số liệu tổng hợp lúc" in page


def _audited_addresses(tree, campaign) -> list[str]:
    cells = f"/bao-cao/chi-bo/{tree.cell_a.id}/dot/{campaign.id}"
    reports = f"/bao-cao/don-vi/{tree.grassroots.id}/dot/{campaign.id}"
    return [f"{cells}?loc=chua-xong", f"{reports}.csv", f"{reports}.xlsx", f"{reports}/in"]


@pytest.mark.parametrize("came_from", ["cross-site", "same-site"])
def test_a_link_from_another_site_reads_and_records_nothing(
    clients, library, tree, campaign, member, came_from
):
    """Issue 18: under SameSite=Lax a link on another site made a secretary's browser
    open an export and wrote "exported" to the audit log in their name."""
    for address in _audited_addresses(tree, campaign):
        page = clients["admin"].get(address, headers={"Sec-Fetch-Site": came_from})
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and page.mimetype == "text/html"
        assert "Nguyễn Văn An" not in text and f'href="{address}"' in text.replace("&amp;", "&")
    assert _actions(library) == []


def test_the_link_on_that_page_opens_the_report_and_records_it(clients, library, tree, campaign):
    for came_from in ("same-origin", "none", None):
        headers = {"Sec-Fetch-Site": came_from} if came_from else {}
        for address in _audited_addresses(tree, campaign):
            response = clients["admin"].get(address, headers=headers)
            assert response.status_code == 200 and "Mở trang này".encode() not in response.data
    assert len(_actions(library)) == 3 * 4
