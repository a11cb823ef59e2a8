"""Member-level exports of a unit's subtree for one campaign, as CSV (UTF-8 with BOM, so
Excel reads Vietnamese) and XLSX, scoped exactly like the pages and audited. Text that
a spreadsheet would run as a formula is neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook.accounts.models import Unit
from handbook.accounts.permissions import Permissions
from handbook.clock import VIETNAM, as_utc
from handbook.reports import figures, rollup, scope
from handbook.study.models import Campaign
from handbook.study.progress import percent

HEADER = (
    "Đơn vị",
    "Họ và tên",
    "Số thẻ đảng viên",
    "Văn bản đã học xong",
    "Số văn bản",
    "Tỷ lệ (%)",
    "Trạng thái",
    "Ngày học xong gần nhất",
    "Chi bộ xác nhận",
)
SUMMARY_HEADER = ("Đơn vị", "Số đảng viên", "Đã hoàn thành", "Đang học", "Chưa học", "Tỷ lệ tham gia (%)")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Export:
    unit: Unit
    campaign: Campaign
    rows: Iterator[tuple]

    @property
    def filename(self) -> str:
        return f"bao-cao-don-vi-{self.unit.id}-dot-{self.campaign.id}"


def neutralise(value):
    """A text cell starting with = + - @ (or a tab/return) becomes plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _state(done: int, total: int, started: int) -> str:
    if total and done >= total:
        return "Đã hoàn thành"
    return "Đang học" if started else "Chưa học"


def _day(value: datetime | None) -> str:
    return as_utc(value).astimezone(VIETNAM).strftime("%d/%m/%Y") if value else ""


def member_rows(session: Session, unit: Unit, campaign: Campaign) -> Iterator[tuple]:
    result = session.execute(figures.export_rows(unit.path, campaign.id))
    for unit_name, name, code, done, total, started, last, by_secretary in result:
        yield tuple(
            neutralise(v)
            for v in (
                unit_name,
                name,
                code or "",
                done,
                total,
                percent(done, total),
                _state(done, total, started),
                _day(last),
                "Có" if by_secretary else "",
            )
        )


def summary_rows(session: Session, unit: Unit, campaign: Campaign) -> list[tuple]:
    """Per member-holding unit of the subtree, by unit path."""
    cells, _ = rollup.cell_tallies(session, unit, [campaign])
    units = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(list(cells))))}
    rows = []
    for unit_id in sorted(cells, key=lambda i: units[i].path):
        t = cells[unit_id]
        rows.append(
            (neutralise(units[unit_id].name), t.members, t.completed, t.in_progress, t.not_started, t.rate)
        )
    return rows


def prepare(session: Session, perms: Permissions, unit_id: int, campaign_id: int) -> Export:
    """The scoped export (NotFound outside the viewer's scope). Its rows are read lazily,
    so write the file before the session closes; record it with scope.record_access."""
    unit = scope.unit(session, perms, unit_id)
    campaign = scope.campaign(session, unit, campaign_id)
    return Export(unit, campaign, member_rows(session, unit, campaign))


def to_csv(export: Export) -> bytes:
    """UTF-8 with a BOM, so spreadsheet programs detect the encoding."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(export.rows)
    return "\ufeff".encode() + buffer.getvalue().encode()


def to_xlsx(session: Session, export: Export) -> bytes:
    book = Workbook(write_only=True)
    members = book.create_sheet("Đảng viên")
    members.append(HEADER)
    for row in export.rows:
        members.append(row)
    summary = book.create_sheet("Tổng hợp theo đơn vị")
    summary.append(SUMMARY_HEADER)
    for row in summary_rows(session, export.unit, export.campaign):
        summary.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
