"""Bulk import of units and members from tables. Every row is checked on its own;
rejected rows are reported with every reason and the rest is applied. Rows are
matched by unit code and username, so importing the same file twice changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from handbook.accounts import auth, members, units, users
from handbook.accounts.audit import Actor
from handbook.accounts.tables import Table
from handbook.accounts.vocabulary import UNIT_KINDS
from handbook.errors import Conflict, Invalid, Problem
from handbook.text import fold_key

UNIT_COLUMNS = {"ma_don_vi", "ten_don_vi", "cap"}
MEMBER_COLUMNS = {"ten_dang_nhap", "ho_ten", "ma_chi_bo"}
_KINDS = {
    **{k: k for k in UNIT_KINDS},
    **{fold_key(v): k for k, v in UNIT_KINDS.items()},
    **{k.replace("_", " "): k for k in UNIT_KINDS},
}


@dataclass(frozen=True)
class Rejected:
    source: str
    line: int
    problems: list[Problem]


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)  # unit codes and usernames
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    codes: list[tuple[str, str, str]] = field(default_factory=list)  # username, name, code
    rejected: list[Rejected] = field(default_factory=list)
    seen: set[str] = field(default_factory=set, repr=False)

    def reject(self, table: Table, line: int, problems: list[Problem]) -> None:
        self.rejected.append(Rejected(table.source, line, problems))


def kind_of(value: str) -> str | None:
    return _KINDS.get(fold_key(value)) or _KINDS.get(value.strip().lower())


def _unknown_tables(tables: list[Table], report: ImportReport) -> None:
    for table in tables:
        if not (UNIT_COLUMNS <= set(table.columns) or MEMBER_COLUMNS <= set(table.columns)):
            report.reject(
                table,
                1,
                [
                    Problem(
                        "tieu_de",
                        "Không nhận ra bảng: cần các cột "
                        "ma_don_vi, ten_don_vi, cap[, ma_cap_tren] hoặc "
                        "ten_dang_nhap, ho_ten, ma_chi_bo[, ma_dang_vien].",
                    )
                ],
            )


def import_tables(
    tx: Session, actor: Actor, tables: list[Table], code_key: bytes, code_hours: int
) -> ImportReport:
    """Units first (any sheet), then members, so one workbook can hold both."""
    report = ImportReport()
    _unknown_tables(tables, report)
    for table in tables:
        if UNIT_COLUMNS <= set(table.columns):
            _import_units(tx, actor, table, report)
    for table in tables:
        if MEMBER_COLUMNS <= set(table.columns) and not UNIT_COLUMNS <= set(table.columns):
            for line, values in table.rows:
                _guarded(
                    tx,
                    report,
                    table,
                    line,
                    lambda v=values: _member_row(tx, actor, v, report, code_key, code_hours),
                )
    return report


def _guarded(tx: Session, report: ImportReport, table: Table, line: int, apply_row) -> None:
    """Apply one row in a savepoint: a refused row leaves no trace, the others stay."""
    try:
        with tx.begin_nested():
            apply_row()
    except Invalid as error:
        report.reject(table, line, error.problems)
    except Conflict as error:
        report.reject(table, line, [Problem("dong", error.message)])


def _import_units(tx: Session, actor: Actor, table: Table, report: ImportReport) -> None:
    """Several passes, so a unit may be listed before its parent."""
    pending = list(table.rows)
    while pending:
        waiting = [
            (line, v)
            for line, v in pending
            if v.get("ma_cap_tren") and units.by_code(tx, v["ma_cap_tren"]) is None
        ]
        waiting_lines = {line for line, _ in waiting}
        ready = [row for row in pending if row[0] not in waiting_lines]
        for line, values in ready:
            _guarded(tx, report, table, line, lambda v=values: _unit_row(tx, actor, v, report))
        if not ready:
            for line, values in waiting:
                report.reject(
                    table,
                    line,
                    [Problem("ma_cap_tren", f"Không tìm thấy đơn vị cấp trên “{values['ma_cap_tren']}”.")],
                )
            return
        pending = waiting


def _first_time(report: ImportReport, key: str, field_name: str) -> None:
    if key in report.seen:
        raise Invalid([Problem(field_name, "Trùng với một dòng trước trong tệp.")])
    report.seen.add(key)


def _unit_row(tx: Session, actor: Actor, values: dict, report: ImportReport) -> None:
    code, name = values.get("ma_don_vi", ""), units.clean_name(values.get("ten_don_vi", ""))
    _first_time(report, "unit:" + code, "ma_don_vi")
    kind = kind_of(values.get("cap", ""))
    parent = units.by_code(tx, values["ma_cap_tren"]) if values.get("ma_cap_tren") else None
    if kind is None:
        raise Invalid([Problem("cap", "Cấp đơn vị không hợp lệ: " + ", ".join(UNIT_KINDS.values()))])
    existing = units.by_code(tx, code)
    if existing is None:
        units.create_unit(tx, actor, code, name, kind, parent.id if parent else None)
        report.created.append(code)
        return
    if existing.kind != kind:
        raise Invalid([Problem("cap", "Không thể đổi cấp của đơn vị đã có.")])
    changed = existing.name != name or existing.parent_id != (parent.id if parent else None)
    if existing.name != name:
        units.rename_unit(tx, actor, existing.id, name)
    if parent and existing.parent_id != parent.id:
        units.move_unit(tx, actor, existing.id, parent.id)
    if changed:
        report.updated.append(code)
    else:
        report.unchanged += 1


def _member_row(
    tx: Session, actor: Actor, values: dict, report: ImportReport, code_key: bytes, code_hours: int
) -> None:
    cell = units.by_code(tx, values.get("ma_chi_bo", ""))
    if cell is None:
        raise Invalid([Problem("ma_chi_bo", f"Không tìm thấy chi bộ “{values.get('ma_chi_bo', '')}”.")])
    username = users.normalise_username(values.get("ten_dang_nhap", ""))
    _first_time(report, "user:" + username, "ten_dang_nhap")
    existing = users.by_username(tx, username)
    if existing is None:
        user = users.create_user(
            tx, actor, username, values.get("ho_ten", ""), values.get("ma_dang_vien"), cell.id
        )
        code = auth.issue_activation(tx, code_key, user, code_hours, actor)
        report.created.append(username)
        report.codes.append((user.username, user.full_name, code))
        return
    changed = _update_member(tx, actor, existing, values, cell.id)
    if changed:
        report.updated.append(username)
    else:
        report.unchanged += 1


def _update_member(tx: Session, actor: Actor, user, values: dict, cell_id: int) -> bool:
    _, name, code = users.clean_profile(user.username, values.get("ho_ten", ""), values.get("ma_dang_vien"))
    changed = False
    if (name, code or user.member_code) != (user.full_name, user.member_code):
        users.update_profile(tx, actor, user.id, name, code or user.member_code)
        changed = True
    current = members.current(tx, user.id)
    if current is None or current.unit_id != cell_id:
        members.transfer(tx, actor, user.id, cell_id)
        changed = True
    return changed
