"""Administration pages: units, members, roles, transfers, import, audit log."""

from __future__ import annotations

import io

from sqlalchemy import select

from handbook.accounts.models import AuditEvent, RoleGrant, Unit
from handbook.app_db import get_db


def audit_rows(app, action: str) -> list[AuditEvent]:
    with app.app_context(), get_db(app).transaction() as tx:
        return list(tx.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_unit_lifecycle_is_kept_in_history_and_audit(library, clients, tree):
    admin = clients["admin"]
    admin.post(
        "/quan-tri/don-vi",
        data={"ma": "HU-XA-3", "ten": "Chi bộ ấp 3", "cap": "chi_bo", "ma_cap_tren": "HU-XA"},
    )
    with library.app_context(), get_db(library).transaction() as tx:
        new = tx.scalar(select(Unit).where(Unit.code == "HU-XA-3"))
    admin.post(f"/quan-tri/don-vi/{new.id}/doi-ten", data={"ten": "Chi bộ ấp Ba"})
    admin.post(f"/quan-tri/don-vi/{tree.grassroots.id}/chuyen", data={"ma_cap_tren": "QS"})
    html = admin.get(f"/quan-tri/don-vi/{new.id}").get_data(as_text=True)
    assert "Chi bộ ấp Ba" in html and "renamed" in html and "Chi bộ ấp 3" in html
    assert "Đảng bộ Quân sự tỉnh" in html  # the trail follows the move of its parent
    moved = audit_rows(library, "unit.moved")
    assert moved and moved[0].actor == "hoang.van.em" and moved[0].ip == "127.0.0.1"


def test_refused_change_is_explained_on_the_page(clients, tree):
    response = clients["admin"].post(
        f"/quan-tri/don-vi/{tree.cell_a.id}/chuyen", data={"ma_cap_tren": "TU"}, follow_redirects=True
    )
    assert "không thể trực thuộc" in response.get_data(as_text=True)


def test_transfer_keeps_history(library, clients, member, tree):
    clients["admin"].post(f"/quan-tri/dang-vien/{member.id}/chuyen-sinh-hoat", data={"ma_chi_bo": "QS-CB"})
    html = clients["admin"].get(f"/quan-tri/dang-vien/{member.id}").get_data(as_text=True)
    assert html.index("Chi bộ ấp 1") < html.index("Chi bộ Ban Chỉ huy Quân sự")
    assert "hiện tại" in html


def test_deactivating_a_member_logs_them_out(clients, member):
    assert clients["member"].get("/").status_code == 200
    clients["admin"].post(f"/quan-tri/dang-vien/{member.id}/khoa")
    assert clients["member"].get("/").status_code == 302


def test_admin_ends_all_sessions_of_a_member(clients, member):
    clients["admin"].post(f"/quan-tri/dang-vien/{member.id}/ket-thuc-phien")
    assert clients["member"].get("/").status_code == 302


def test_secretary_role_needs_membership_of_the_cell(library, clients, member, tree):
    admin = clients["admin"]
    response = admin.post(
        f"/quan-tri/dang-vien/{member.id}/vai-tro",
        data={"vai_tro": "secretary", "ma_don_vi": "HU-XA-2"},
        follow_redirects=True,
    )
    assert "không sinh hoạt ở chi bộ đó" in response.get_data(as_text=True)
    admin.post(
        f"/quan-tri/dang-vien/{member.id}/vai-tro", data={"vai_tro": "secretary", "ma_don_vi": "HU-XA-1"}
    )
    assert clients["member"].get("/don-vi").status_code == 302  # now must enrol a second factor


def test_last_administrator_cannot_be_removed(library, clients, role_users):
    admin, _ = role_users["admin"]
    with library.app_context(), get_db(library).transaction() as tx:
        grant = tx.scalar(select(RoleGrant).where(RoleGrant.user_id == admin.id))
    response = clients["admin"].post(
        f"/quan-tri/dang-vien/{admin.id}/vai-tro/{grant.id}/thu-hoi", follow_redirects=True
    )
    assert "quản trị viên cuối cùng" in response.get_data(as_text=True)


CSV = """ma_don_vi,ten_don_vi,cap,ma_cap_tren
HU-XA-9,Chi bộ ấp 9,Chi bộ,HU-XA
HU-XA-10,Chi bộ ấp 10,khong-ro,HU-XA
""".encode()


def upload(client, data: bytes, name: str):
    return client.post(
        "/quan-tri/nhap-du-lieu", data={"tep": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def test_upload_reports_rejected_rows_and_is_idempotent(clients, tree):
    first = upload(clients["admin"], CSV, "don-vi.csv").get_data(as_text=True)
    assert "dòng 3" in first and "Cấp đơn vị không hợp lệ" in first
    second = upload(clients["admin"], CSV, "don-vi.csv").get_data(as_text=True)
    assert "<dt>Mới</dt><dd>0</dd>" in second and "<dt>Không đổi</dt><dd>1</dd>" in second


def test_upload_refuses_other_file_types(clients):
    response = upload(clients["admin"], b"MZ", "virus.exe")
    assert response.status_code == 422 and ".csv" in response.get_data(as_text=True)


def test_audit_log_page_lists_changes(clients, member):
    clients["admin"].post(f"/quan-tri/dang-vien/{member.id}/khoa")
    html = clients["admin"].get("/quan-tri/nhat-ky?hanh-dong=user.deactivated").get_data(as_text=True)
    assert "user.deactivated" in html and "hoang.van.em" in html and "127.0.0.1" in html
