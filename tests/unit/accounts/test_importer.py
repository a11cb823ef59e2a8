"""Bulk import from CSV and XLSX: row-by-row validation, a report of rejects, idempotence."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from handbook.accounts import importer, members, tables
from handbook.accounts.audit import Actor
from handbook.accounts.models import OneTimeCode, Unit, User
from handbook.app_db import get_db
from handbook.errors import Invalid

UNITS = [
    ["Mã đơn vị", "Tên đơn vị", "Cấp", "Mã cấp trên"],
    ["T", "Tỉnh ủy thử", "Tỉnh ủy", ""],
    ["T-CB1", "Chi bộ ấp 1", "Chi bộ", "T-X"],  # listed before its parent
    ["T-H", "Đảng bộ huyện", "dang_bo_truc_thuoc", "T"],
    ["T-X", "Đảng bộ xã Tân Lập", "Đảng bộ cơ sở", "T-H"],
    ["T-CB2", "Chi bộ ấp 2", "Chi bộ", "T-KHONG"],  # unknown parent
    ["T-CB3", "Chi bộ ấp 3", "Chi bộ", "T"],  # not allowed under the province
    ["T-H", "Đảng bộ huyện (trùng)", "dang_bo_truc_thuoc", "T"],
]
MEMBERS = [
    ["ten_dang_nhap", "ho_ten", "ma_chi_bo", "ma_dang_vien"],
    ["nguyen.van.an", "Nguyễn Văn An", "T-CB1", 93000123],
    ["Tran.Thi.Binh", "Trần Thị Bình", "T-CB1", ""],
    ["le van cuong", "Lê Văn Cường", "T-CB1", ""],  # bad username
    ["pham.thi.dung", "", "T-CB1", ""],  # no name
    ["hoang.van.em", "Hoàng Văn Em", "T-X", ""],  # not a cell
    ["vo.thi.hoa", "Võ Thị Hoa", "KHONG-CO", ""],  # unknown cell
    ["nguyen.van.an", "Nguyễn Văn An", "T-CB1", ""],  # repeated in the file
]


def workbook_bytes() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "dang_vien"
    for row in MEMBERS:
        sheet.append(row)
    units_sheet = book.create_sheet("don_vi")
    for row in UNITS:
        units_sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(app, name: str, data: bytes) -> importer.ImportReport:
    with app.test_request_context(), get_db(app).transaction() as tx:
        return importer.import_tables(tx, Actor.system("test"), tables.read_tables(name, data), b"k" * 32, 72)


def count(app, model) -> int:
    with app.app_context(), get_db(app).transaction() as tx:
        return tx.scalar(select(func.count()).select_from(model))


def test_xlsx_with_both_tables_reports_every_rejected_row(app):
    report = run(app, "danh-sach.xlsx", workbook_bytes())
    rejected = {(r.source.split("/")[-1], r.line): {p.field for p in r.problems} for r in report.rejected}
    assert rejected == {
        ("don_vi", 6): {"ma_cap_tren"},
        ("don_vi", 7): {"cap_tren"},
        ("don_vi", 8): {"ma_don_vi"},
        ("dang_vien", 4): {"ten_dang_nhap"},
        ("dang_vien", 5): {"ho_ten"},
        ("dang_vien", 6): {"chi_bo"},
        ("dang_vien", 7): {"ma_chi_bo"},
        ("dang_vien", 8): {"ten_dang_nhap"},
    }
    assert sorted(report.created) == ["T", "T-CB1", "T-H", "T-X", "nguyen.van.an", "tran.thi.binh"]
    assert [c[0] for c in report.codes] == ["nguyen.van.an", "tran.thi.binh"]
    assert count(app, User) == 2 and count(app, Unit) == 4


def test_importing_the_same_file_twice_changes_nothing(app):
    run(app, "danh-sach.xlsx", workbook_bytes())
    before = (count(app, User), count(app, Unit), count(app, OneTimeCode))
    again = run(app, "danh-sach.xlsx", workbook_bytes())
    assert again.created == [] and again.updated == [] and again.codes == []
    assert again.unchanged == 6
    assert (count(app, User), count(app, Unit), count(app, OneTimeCode)) == before


def test_a_changed_cell_is_a_transfer_with_history(app):
    run(app, "danh-sach.xlsx", workbook_bytes())
    csv = ("ma_don_vi;ten_don_vi;cap;ma_cap_tren\nT-CB9;Chi bộ ấp 9;Chi bộ;T-X\n").encode()
    run(app, "moi.csv", csv)
    moved = "ten_dang_nhap,ho_ten,ma_chi_bo\nnguyen.van.an,Nguyễn Văn An,T-CB9\n".encode("utf-8-sig")
    report = run(app, "chuyen.csv", moved)
    assert report.updated == ["nguyen.van.an"]
    with app.app_context(), get_db(app).transaction() as tx:
        user = tx.scalar(select(User).where(User.username == "nguyen.van.an"))
        assert [m.unit.code for m in members.history(tx, user.id)] == ["T-CB1", "T-CB9"]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.txt", b"x", ".csv"),
        ("a.csv", "tên\n".encode("cp1258"), "UTF-8"),
        ("a.xlsx", b"not a zip", "Excel"),
    ],
)
def test_unreadable_files_are_refused(name, data, message):
    with pytest.raises(Invalid) as error:
        tables.read_tables(name, data)
    assert message in str(error.value)


def test_unknown_table_is_reported(app):
    report = run(app, "la.csv", b"cot_a,cot_b\n1,2\n")
    assert report.rejected and report.rejected[0].problems[0].field == "tieu_de"
